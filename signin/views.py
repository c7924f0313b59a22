"""Sign-in: the page, and the answer to a locked sign-in (django-axes, see signin.protection)."""

from __future__ import annotations

import logging

from django.contrib.auth import views as auth_views
from django.forms.forms import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.log import log_response

from signin import protection
from signin.forms import SignInForm

security_logger = logging.getLogger("frontoffice.security")


class LoginView(auth_views.LoginView):
    """Sign-in, protected by django-axes (see signin.protection): a locked sign-in gets 429.

    Every refused sign-in is logged as one line: the address and why, never the password.
    """

    template_name = "signin/login.html"
    redirect_authenticated_user = True
    form_class = SignInForm

    def form_invalid(self, form):
        request = self.request
        address = getattr(request, "axes_ip_address", None) or protection.client_address(request)
        if form.has_error(NON_FIELD_ERRORS, "no_role"):
            security_logger.warning("refused sign-in from %s: account has no role", address)
            return super().form_invalid(form)
        if not form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            return super().form_invalid(form)  # a field left empty: nothing was tried
        lock = protection.lock_for(request, protection.attempted_username(request))
        if lock is None:
            security_logger.warning("refused sign-in from %s: wrong user name or password", address)
            return super().form_invalid(form)
        response = locked_sign_in(request, lock)
        # One line for the refusal, in place of Django's "Too Many Requests" line.
        log_response(
            "refused sign-in from %s: %s",
            address,
            lock.log_reason,
            response=response,
            request=request,
            logger=security_logger,
            level="warning",
        )
        return response


def locked_sign_in(request: HttpRequest, lock: protection.Lock) -> TemplateResponse:
    """The sign-in page saying what is locked and for how long (429, with Retry-After)."""
    # Refused before the password is even checked: a right guess must not show. The user
    # name stays in the box; the password does not.
    username = str(request.POST.get("username", ""))[:150]
    form = SignInForm(request, initial={"username": username})
    context = {
        "form": form,
        "lockout": lock.message,
        "next": request.POST.get("next", request.GET.get("next", "")),
    }
    response = TemplateResponse(request, LoginView.template_name, context, status=429)
    response["Retry-After"] = str(lock.retry_after)
    response.signin_lock = lock
    return response.render()


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """Axes' answer to a locked sign-in (AXES_LOCKOUT_CALLABLE): our sign-in page, 429.

    The sign-in view has already answered with the lock when the attempt came through it.
    """
    if original_response is not None and getattr(original_response, "signin_lock", None):
        return original_response
    username = protection.attempted_username(request, credentials)
    lock = protection.lock_for(request, username) or protection.Lock("username")
    return locked_sign_in(request, lock)
