"""ULVO settings, driven by environment variables.

With nothing set the platform runs on the embedded default: SQLite, Celery tasks
executed in-process, a local-memory cache and e-mail printed to the console.
``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.
``DJANGO_ENV=production`` turns on the production behaviour and refuses to start
without a secret key, allowed hosts, PostgreSQL and Redis.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Final

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from accounts.sso_config import oidc_apps, oidc_origins

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in env(name).split(",") if item.strip()]


DJANGO_ENV = env("DJANGO_ENV", "development").lower()
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

DATABASE_URL = env("DATABASE_URL")
REDIS_URL = env("REDIS_URL")

if PRODUCTION:
    missing = [
        name
        for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL")
        if not env(name)
    ]
    if missing:
        raise ImproperlyConfigured(
            "Production mode needs these environment variables: " + ", ".join(missing)
        )
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("Production mode needs a PostgreSQL DATABASE_URL.")
    if len(env("DJANGO_SECRET_KEY")) < 50:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters long.")

SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-use-in-production-0123456789")
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # SearchVectorField and the Dutch full-text search of the knowledge base; on
    # SQLite the app stays idle.
    "django.contrib.postgres",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "accounts",
    "environments",
    "placements",
    "allocation",
    "supervision",
    "learning_networks",
    "reflections",
    "practice",
    "knowledge",
    "dashboards",
    "notifications",
    "privacy",
    # The project itself: the front page and the commands that span every app
    # (the demo world, the region-scale seed).
    "ulvo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accounts.middleware.SecurityLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.sessions.SessionTimeoutMiddleware",
    "accounts.audit.AuditActorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    "ulvo.lib.middleware.NoStoreForAuthenticatedMiddleware",
    "ulvo.lib.middleware.HtmxMessagesMiddleware",
]

ROOT_URLCONF = "ulvo.urls"
WSGI_APPLICATION = "ulvo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ulvo.navigation.navigation",
            ],
        },
    },
]

# Database: SQLite unless DATABASE_URL names another. Persistent connections with
# health checks: a new connection per request costs most of a page's time.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}

if REDIS_URL:
    CACHES = {
        "default": {
            # Django's backend, answering a Redis outage as a miss (ulvo/lib/cache.py).
            "BACKEND": "ulvo.lib.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ulvo",
            # An unreachable Redis costs a page at most this long per cache call.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Fragments whose key says all they depend on, kept in the worker's memory: a dictionary
# look-up instead of a round trip to Redis on every page (the layout's static links and
# footer, each user's rendered menu under its version: templates/base.html; the cards of
# the supervisor's home under what they show: templates/supervision/home.html).
CACHES["process"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "ulvo-process",
    "OPTIONS": {"MAX_ENTRIES": 10000},
}

# Sessions live in the database so a Redis outage never logs people out, and each
# user can see and end their sessions (accounts.UserSession). A session ends after
# 30 minutes without a request and 12 hours after logging in, whatever happens
# (accounts.sessions.SessionTimeoutMiddleware; checked by ulvo/checks.py).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
ULVO_SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
ULVO_SESSION_MAX_AGE = timedelta(hours=12)
SESSION_COOKIE_AGE = int(ULVO_SESSION_IDLE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail login, no open signup (people join by invitation).
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Changing the e-mail address asks for the password again (as do two-factor settings,
# MFA_REAUTHENTICATION_REQUIRED's default; changing the password asks for the old one).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_PREVENT_ENUMERATION = True
# Nobody can sign up, so an unknown address is never mailed an invitation to register.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "confirm_email": "1/3m/key",
    "reauthenticate": "10/m/user",
}
# The client's address, for the per-address limits above and the security log. Behind
# a TLS proxy every request comes from the proxy, and all clients would share one limit:
# ULVO_TRUSTED_PROXY_COUNT is the number of proxies in front of ULVO that each append
# the address they saw to X-Forwarded-For (the client is that many places from the
# right; what a client writes further left is ignored), or ULVO_CLIENT_IP_HEADER names
# a header the proxy sets itself (e.g. X-Real-IP). Without either, X-Forwarded-For is
# ignored and REMOTE_ADDR is the client.
try:
    ALLAUTH_TRUSTED_PROXY_COUNT = int(env("ULVO_TRUSTED_PROXY_COUNT", "0"))
except ValueError:
    ALLAUTH_TRUSTED_PROXY_COUNT = -1
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("ULVO_TRUSTED_PROXY_COUNT must be a whole number, 0 or more.")
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("ULVO_CLIENT_IP_HEADER") or None
if ALLAUTH_TRUSTED_PROXY_COUNT and ALLAUTH_TRUSTED_CLIENT_IP_HEADER:
    raise ImproperlyConfigured("Set ULVO_TRUSTED_PROXY_COUNT or ULVO_CLIENT_IP_HEADER, not both.")
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "ULVO"

# Single sign-on (SURFconext, eduID, any OpenID Connect provider): allauth's
# openid_connect provider, configured only from ULVO_OIDC_PROVIDERS (accounts/sso_config.py
# names the keys; none by default). SSO never creates an account: accounts/sso.py links
# an identity to an account through a verified matching address or an invitation.
SOCIALACCOUNT_ADAPTER = "accounts.sso.SocialAccountAdapter"
ULVO_OIDC_APPS = oidc_apps(env("ULVO_OIDC_PROVIDERS"), production=PRODUCTION)
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": ULVO_OIDC_APPS, "OAUTH_PKCE_ENABLED": True}}
SOCIALACCOUNT_AUTO_SIGNUP = False
# allauth's own linking by e-mail stays off: the adapter decides, and logs what it refused.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
# Access and refresh tokens are not needed after the login, so they are not kept.
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10

# Invitations: a single-use link that expires.
# Absolute links in e-mails start with this address.
ULVO_BASE_URL = env("ULVO_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
INVITATION_MAX_AGE = timedelta(days=int(env("ULVO_INVITATION_DAYS", "14")))

# E-mailed sign-off links for supervisors without an account.
SIGNOFF_LINK_MAX_AGE = timedelta(days=int(env("ULVO_SIGNOFF_LINK_DAYS", "14")))

# How long a user's navigation (ulvo/navigation.py) is kept in the cache; changes
# to memberships, assignments and notifications forget it at once.
ULVO_NAV_CACHE_SECONDS = 60
# How long a supervisor's home (supervision/home_cache.py) is kept at most; changes to
# what it shows forget it at once.
ULVO_SUPERVISOR_HOME_CACHE_SECONDS = 300

# Retention (privacy.tasks.retention_purge, daily): reflections and activity
# descriptions go this long after a placement ended; import reports after their own.
RETENTION_AFTER_PLACEMENT = timedelta(days=int(env("ULVO_RETENTION_DAYS", "365")))
IMPORT_REPORT_RETENTION = timedelta(days=int(env("ULVO_IMPORT_REPORT_DAYS", "30")))

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers in ULVO's two date styles, decimal comma in Dutch (ulvo/lib/formats.py).
FORMAT_MODULE_PATH = ["ulvo.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "ulvo_language"
# Final, so that type checking sees the literal that set_cookie() takes, not any str.
LANGUAGE_COOKIE_SAMESITE: Final = "Lax"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production WhiteNoise serves straight from the static folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# E-mail: printed to the console in development unless EMAIL_HOST names an SMTP
# server; production always sends through SMTP (EMAIL_HOST, default localhost).
SMTP_HOST = env("EMAIL_HOST")
if SMTP_HOST or PRODUCTION:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": SMTP_HOST or "localhost",
                "port": int(env("EMAIL_PORT", "587")),
                "username": env("EMAIL_HOST_USER") or None,
                "password": env("EMAIL_HOST_PASSWORD") or None,
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
if env("DJANGO_EMAIL_BACKEND") and not env("DJANGO_EMAIL_BACKEND").endswith(".smtp.EmailBackend"):
    # For example the console backend in a local production-like stack.
    MAILERS = {"default": {"BACKEND": env("DJANGO_EMAIL_BACKEND")}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "ULVO <noreply@ulvo.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis as broker when REDIS_URL is set; otherwise tasks run in-process,
# a development convenience (the test suite runs a real worker on Redis).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Content Security Policy with nonces; htmx is configured not to inject styles
# or evaluate code, so neither 'unsafe-inline' nor 'unsafe-eval' is needed.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    # The login buttons' forms are answered with a redirect to the provider.
    "form-action": [CSP.SELF, *oidc_origins(ULVO_OIDC_APPS)],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(timedelta(days=365).total_seconds())
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    # The health check is answered on plain HTTP inside the container network.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    # Logins, lockouts, refused requests and role changes, one JSON object per line
    # (accounts/security_log.py); kept at INFO whatever DJANGO_LOG_LEVEL says.
    "loggers": {"ulvo.security": {"level": "INFO"}},
}
