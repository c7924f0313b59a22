"""The logging configuration (Django's LOGGING): one console handler, every line once.

Every line carries the request's id (frontoffice.request_log), also shown on the 500 page.
A 403, 404 or refused sign-in is one line without a traceback; a server error is logged once,
with its traceback, by django.request. Huey's lines go to the same handler and stop there:
`run_huey` adds a handler of its own to the "huey" logger only when it has none, and a line
that also reached the root's handler would be written twice.
"""

from __future__ import annotations


def logging_config(*, latepoint_level: str = "INFO", huey_level: str = "INFO") -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "frontoffice.request_log.RequestIdFilter"},
            "client_errors_without_traceback": {
                "()": "frontoffice.request_log.ClientErrorsWithoutTraceback"
            },
        },
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                # Here too for django.security.* (a 400's SuspiciousOperation).
                "filters": ["request_id", "client_errors_without_traceback"],
            }
        },
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {
            "latepoint": {"level": latepoint_level},
            "frontoffice": {"level": "INFO"},
            # On the logger, so that every handler (mail, a test's capture) gets the quiet record.
            "django.request": {"filters": ["client_errors_without_traceback"]},
            # frontoffice.security logs each refused sign-in as one line; axes' own repeat it.
            "axes": {"level": "ERROR"},
            # The background worker (run_huey): its lines once, through the console handler.
            "huey": {"handlers": ["console"], "level": huey_level.upper(), "propagate": False},
        },
    }
