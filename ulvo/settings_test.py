"""Test settings: the real settings with fast password hashing.

Database and Redis come from DATABASE_URL and REDIS_URL as in any other run;
tests/conftest.py insists on both when CI=true.
"""

import os

from ulvo import settings as _settings
from ulvo.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Views enqueue tasks; in tests they run in-process so a view's effects can be
# asserted. Tasks themselves are tested by calling them and by a round trip
# through a real worker on Redis (tests/test_celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
# The navigation is not cached in tests, so a page's query count does not depend on
# the requests before it; tests/dashboards/test_navigation.py tests the cache.
ULVO_NAV_CACHE_SECONDS = 0
# Likewise the supervisor's home; tests/supervision/test_home_cache.py tests its cache.
ULVO_SUPERVISOR_HOME_CACHE_SECONDS = 0

# Parallel workers (pytest-xdist): each worker gets its own test database (pytest-django
# adds the worker's suffix) and its own Redis database, the one after the given one, so
# one worker's cache.clear() or broker never touches another's. The environment variable
# follows, for anything that reads it.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _settings.REDIS_URL and _worker.startswith("gw"):
    from urllib.parse import urlsplit, urlunsplit

    _parts = urlsplit(_settings.REDIS_URL)
    _base = int(_parts.path.strip("/") or 0)
    _db = (_base + 1 + int(_worker[2:])) % 16
    REDIS_URL = urlunsplit(_parts._replace(path=f"/{_db}"))
    os.environ["REDIS_URL"] = REDIS_URL
    CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL
