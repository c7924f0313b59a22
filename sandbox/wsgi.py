"""WSGI entry point: `gunicorn sandbox.wsgi:application`."""

import os

# Forced, not defaulted: the parent environment may carry the front office's settings.
os.environ["DJANGO_SETTINGS_MODULE"] = "sandbox.settings"

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
