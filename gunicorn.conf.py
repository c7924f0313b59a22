"""gunicorn settings for the front office: `gunicorn -c gunicorn.conf.py config.wsgi`.

Threaded workers, so a page waiting on a slow LatePoint never holds up one served from the
cache; a worker timeout well above the page's upstream deadline (LATEPOINT_DEADLINE), so no
worker is killed while a page waits on LatePoint: the deadline answers first, with the last
good copy or an error page.

Before any worker starts, the application is loaded once in a process of its own: what would
stop every worker (a forgotten `collectstatic`, a bad setting) stops gunicorn at once with its
one message, instead of a traceback from each worker.
"""

import os
import subprocess
import sys


def _count(name: str, default: str) -> int:
    """A whole number of 1 or more from the environment; anything else stops gunicorn with
    one line saying which setting to fix. (gunicorn itself reads WEB_CONCURRENCY as a number
    before this file is read: a word there stops it with gunicorn's own traceback.)"""
    text = os.environ.get(name, "").strip() or default
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        sys.exit(f"Error: {name} must be a whole number of 1 or more, not {text!r}.")
    return value


bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = _count("WEB_CONCURRENCY", "3")
worker_class = "gthread"
threads = _count("GUNICORN_THREADS", "8")

_deadline = float(os.environ.get("LATEPOINT_DEADLINE", "15"))
timeout = int(_deadline * 2 + 30)
graceful_timeout = 30
# Idle keep-alive connections stay open longer than a load balancer's or a desk's idle gap
# (60 s is the usual balancer timeout): a connection closed by the server just as the client
# reuses it is answered with a reset.
keepalive = 65

loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
errorlog = "-"


# Loads the application as a worker would, and says only the message of a configuration error.
_LOAD_ONCE = """
import importlib, sys, warnings
from django.core.exceptions import ImproperlyConfigured
warnings.simplefilter("ignore")  # a worker that starts shows them
try:
    importlib.import_module(sys.argv[1])
except ImproperlyConfigured as exc:
    sys.exit(f"Error: {exc}")
"""


def on_starting(server):
    module = (getattr(server.app, "app_uri", None) or "config.wsgi").partition(":")[0]
    # Our own interpreter and code, and the module gunicorn was told to load anyway.
    loaded = subprocess.run([sys.executable, "-c", _LOAD_ONCE, module], check=False)  # noqa: S603
    if loaded.returncode:
        if server.pidfile is not None:
            server.pidfile.unlink()
        sys.exit(loaded.returncode)
