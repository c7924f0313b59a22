"""Sign-in, health probes and error pages."""

from __future__ import annotations

import logging

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.staticfiles import finders
from django.forms.forms import NON_FIELD_ERRORS
from django.http import FileResponse, Http404, HttpRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.template.response import TemplateResponse
from django.utils.log import log_response
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from frontoffice import signin
from frontoffice.http import same_site_url
from frontoffice.request_log import request_id_of
from frontoffice.roles import is_staff_member
from frontoffice.services import readiness_problems

security_logger = logging.getLogger("frontoffice.security")


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
    """Sign-in, protected by django-axes (see frontoffice.signin): a locked sign-in gets 429.

    Every refused sign-in is logged as one line: the address and why, never the password.
    """

    template_name = "registration/login.html"
    redirect_authenticated_user = True
    form_class = SignInForm

    def form_invalid(self, form):
        request = self.request
        address = getattr(request, "axes_ip_address", None) or signin.client_address(request)
        if form.has_error(NON_FIELD_ERRORS, "no_role"):
            security_logger.warning("refused sign-in from %s: account has no role", address)
            return super().form_invalid(form)
        if not form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            return super().form_invalid(form)  # a field left empty: nothing was tried
        lock = signin.lock_for(request, signin.attempted_username(request))
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


def locked_sign_in(request: HttpRequest, lock: signin.Lock) -> TemplateResponse:
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


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process is up and serving."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database and the shared cache answer, and so does LatePoint.

    LatePoint is asked at most once every 30 s whatever the traffic (the answer is shared by
    every process), so probes never eat into the desks' request budget.
    """
    problems = readiness_problems()
    if problems:
        return JsonResponse({"status": "unavailable", "reason": "; ".join(problems)}, status=503)
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


#: The icon a browser asks for at /favicon.ico when a page names none (a bookmark, a PDF, an
#: error page from elsewhere); the pages themselves link static/img/favicon.svg and this file.
FAVICON = "img/favicon.ico"


@require_GET
def favicon(request: HttpRequest) -> FileResponse:
    found = finders.find(FAVICON)
    if not found:
        raise Http404("No favicon.")
    response = FileResponse(open(found, "rb"), content_type="image/x-icon")  # noqa: SIM115
    response["Cache-Control"] = "public, max-age=86400"
    return response


def page_not_found(request, exception=None):
    """The 404 page."""
    return render(request, "404.html", status=404)


def server_error(request):
    """The 500 page, with the request id its log line carries.

    Rendered without the context processors and the request: the failure may be in them.
    """
    html = loader.render_to_string("500.html", {"request_id": request_id_of(request)})
    return HttpResponseServerError(html)
