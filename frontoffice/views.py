"""Sign-in, health probes and error pages."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from frontoffice import throttle
from frontoffice.http import same_site_url
from frontoffice.roles import is_staff_member
from frontoffice.services import latepoint_status_get
from latepoint.errors import LatePointError


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


class LoginView(auth_views.LoginView):
    """Sign-in, throttled: repeated failures for a username from one address are refused (429)."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True
    form_class = SignInForm

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        lockout = throttle.signin_lockout(request, username)
        if lockout is not None:
            # Refused before the password is even checked: a right guess must not show.
            form = self.form_class(request, initial={"username": username[:150]})
            context = self.get_context_data(form=form, lockout=lockout.message)
            response = TemplateResponse(request, self.template_name, context, status=429)
            response["Retry-After"] = str(lockout.retry_after)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.signin_failed(self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)

    def form_valid(self, form):
        throttle.signin_succeeded(self.request, form.get_user().get_username())
        return super().form_valid(form)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process is up and serving."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: LatePoint answers with the configured key (no cache, one call)."""
    try:
        latepoint_status_get()
    except LatePointError as exc:
        return JsonResponse(
            {"status": "unavailable", "reason": f"{type(exc).__name__}: {exc.user_message}"},
            status=503,
        )
    return JsonResponse({"status": "ok", "latepoint": "reachable"})


def csrf_failure(request, reason=""):
    """A refused write (missing or stale CSRF token): say what to do, keep the page usable."""
    template = "frontoffice/csrf_failure.html"
    htmx = getattr(request, "htmx", None)
    back_url = htmx.current_url_abs_path if htmx else None
    if not back_url:
        back_url = same_site_url(request, request.META.get("HTTP_REFERER"))
    if htmx:
        template += "#csrf-failure"
    context = {"back_url": back_url or "/"}
    return TemplateResponse(request, template, context, status=403).render()


def permission_denied(request, exception=None):
    """The 403 page (a role the screen needs is missing)."""
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    """The 404 page."""
    return render(request, "404.html", status=404)


def server_error(request):
    """The 500 page (rendered without a context: the failure may be in one)."""
    return render(request, "500.html", status=500)
