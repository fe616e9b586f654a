"""Test settings: the real settings with fast password hashing.

Database and Redis come from DATABASE_URL and REDIS_URL as in any other run;
tests/conftest.py insists on both when CI=true.
"""

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
