"""The sign-in form."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from frontoffice.roles import is_staff_member


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing demo passwords outside demo mode and role-less accounts."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "no_role": "This account has no front-office role. Ask an administrator to assign one.",
    }

    def clean(self):
        from frontoffice.management.commands.demo_users import DEMO_USERS

        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        # A database copied from a demo must not open the production front office.
        if not settings.DEMO_MODE and any(
            username == demo_name and password == demo_password
            for demo_name, demo_password, _, _ in DEMO_USERS
        ):
            raise self.get_invalid_login_error()
        return super().clean()

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not is_staff_member(user):
            raise forms.ValidationError(self.error_messages["no_role"], code="no_role")
