"""Settings for the benchmark server: the real settings plus a minimal comparison page.

The runner sets the environment (production mode, PostgreSQL, Redis) before this
module is imported; only what the benchmark itself needs differs from
``ulvo.settings``.
"""

from ulvo.settings import *  # noqa: F403

# The project's URLs plus /bench/minimal/ (see bench/urls.py).
ROOT_URLCONF = "bench.urls"
# collectstatic for the manifest storage goes into the ignored bench/tmp/, not the tree.
STATIC_ROOT = BASE_DIR / "bench" / "tmp" / "static"  # noqa: F405
