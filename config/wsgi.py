"""WSGI entry point for gunicorn.

Loading it stops with one message when the static files were never collected: without them
every page would be a bare 500 (the templates' `{% static %}` finds nothing to name).
"""

import os

from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
from django.core.wsgi import get_wsgi_application

COLLECTSTATIC = "python manage.py collectstatic --noinput"


def check_static_files() -> None:
    """Refuse to start when the static files' manifest is missing (production's storage).

    Demo mode, DEBUG and the tests serve static files from the source tree: nothing to check.
    """
    storage = storages["staticfiles"]
    if isinstance(storage, ManifestFilesMixin) and storage.read_manifest() is None:
        raise ImproperlyConfigured(
            f"The static files were never collected: run `{COLLECTSTATIC}` (after every "
            "install or upgrade), then start the front office again. "
            f"({storage.manifest_name} is missing from {storage.location}.)"
        )


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
check_static_files()
application = get_wsgi_application()
