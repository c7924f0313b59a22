"""Settings for the scale-out tests' front-office processes: the suite's (plain-HTTP cookies,
static files from the finders, fast password hashing), with production's database and cache.

tests.settings is made for the one process that runs the suite: a SQLite test database (with a
SQLite-only connection option) and, when CACHE_URL is unset, a per-process local-memory cache.
These processes keep production's choices instead: DATABASE_URL, the database cache created
by `migrate` (the default) or what CACHE_URL names, and Huey's queue beside them.
"""

# First: it sets the suite's defaults in the environment before production's settings read it.
from tests.settings import *  # noqa: F403

# isort: split
import config.settings as _production

DATABASES = _production.DATABASES
CACHES = _production.CACHES
# Background work goes to a queue a `manage.py run_huey` consumer reads (Redis when the cache
# is Redis, else a SQLite file beside the database), as in production.
HUEY = _production.HUEY
