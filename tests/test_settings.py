"""The settings module in its modes, each checked in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "mailer": settings.MAILERS["default"]["BACKEND"],
    "debug": settings.DEBUG,
    "session_engine": settings.SESSION_ENGINE,
    "language": settings.LANGUAGE_CODE,
}))
"""
BASE_ENV = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
SECRET = "x" * 30 + "-production-secret-for-tests-only-0123456789"
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": SECRET,
    "DJANGO_ALLOWED_HOSTS": "ulvo.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ulvo",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    # Behind one TLS proxy, as documented (README, Configuration).
    "ULVO_TRUSTED_PROXY_COUNT": "1",
}


def run(code_or_args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *code_or_args],
        cwd=ROOT,
        env={**BASE_ENV, "DJANGO_SETTINGS_MODULE": "ulvo.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def probe(env: dict[str, str]) -> dict[str, object]:
    result = run(["-c", "import django; django.setup();" + PROBE], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_default_needs_no_configuration() -> None:
    values = probe({})
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["eager"] is True
    assert values["broker"] == "memory://"
    assert values["mailer"] == "django.core.mail.backends.console.EmailBackend"
    assert values["debug"] is True
    assert values["language"] == "nl"
    assert values["session_engine"] == "django.contrib.sessions.backends.db"


def test_database_and_redis_urls_switch_to_the_services() -> None:
    values = probe(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ulvo",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["conn_max_age"] == 600
    assert values["health_checks"] is True
    assert values["cache"] == "ulvo.lib.cache.RedisCache"
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/0"


def test_smtp_is_used_when_a_mail_host_is_set() -> None:
    values = probe({"EMAIL_HOST": "smtp.example.org"})
    assert values["mailer"] == "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"]
)
def test_production_refuses_to_start_without(missing: str) -> None:
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_refuses_sqlite() -> None:
    result = run(["manage.py", "check"], {**PRODUCTION_ENV, "DATABASE_URL": "sqlite:///x.db"})
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_production_refuses_a_short_secret_key() -> None:
    result = run(["manage.py", "check"], {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_unknown_mode_is_refused() -> None:
    result = run(["manage.py", "check"], {"DJANGO_ENV": "staging"})
    assert result.returncode != 0
    assert "DJANGO_ENV" in result.stderr


def test_production_passes_the_deploy_check_without_silenced_checks() -> None:
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 silenced" in result.stdout
    settings_source = (ROOT / "ulvo" / "settings.py").read_text()
    assert "SILENCED_SYSTEM_CHECKS" not in settings_source


def test_production_debug_is_off_and_cookies_are_secure() -> None:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SESSION_COOKIE_NAME, s.SECURE_HSTS_SECONDS]))"
    )
    result = run(["-c", code], PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    debug, session_secure, csrf_secure, cookie_name, hsts = json.loads(result.stdout)
    assert debug is False
    assert session_secure is True and csrf_secure is True
    assert cookie_name.startswith("__Host-")
    assert hsts >= 31536000
