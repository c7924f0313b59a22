"""gunicorn settings for the front office: `gunicorn -c gunicorn.conf.py frontoffice.wsgi`.

Threaded workers, so a page waiting on a slow LatePoint never holds up one served from the
cache; a worker timeout well above the page's upstream deadline (LATEPOINT_DEADLINE), so no
worker is killed while a page waits on LatePoint: the deadline answers first, with the last
good copy or an error page.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))

_deadline = float(os.environ.get("LATEPOINT_DEADLINE", "15"))
timeout = int(_deadline * 2 + 30)
graceful_timeout = 30
# Idle keep-alive connections stay open longer than a load balancer's or a desk's idle gap
# (60 s is the usual balancer timeout): a connection closed by the server just as the client
# reuses it is answered with a reset.
keepalive = 65

loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
errorlog = "-"
