"""Security headers on every response: Content-Security-Policy, Permissions-Policy, no-store.

Django's SecurityMiddleware already sends HSTS (when DEBUG is off), nosniff, Referrer-Policy and
Cross-Origin-Opener-Policy, and XFrameOptionsMiddleware sends X-Frame-Options: DENY. This adds
what Django 5.2 has no setting for.
"""

from __future__ import annotations

from django.utils.cache import patch_cache_control

#: Only our own scripts and styles. htmx is served from our static files by django-htmx, and the
#: meta htmx-config in base.html turns off the <style> htmx would otherwise inject.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    )
)

#: Browser features the front office never uses.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class SecurityHeadersMiddleware:
    """Adds the CSP and Permissions-Policy everywhere, and `no-store` to signed-in pages.

    Pages seen by a signed-in account hold personal (sometimes medical) data: no browser or
    proxy cache may keep them. Placed first in MIDDLEWARE so error pages get the headers too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
