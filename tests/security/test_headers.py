"""Response headers: the Content Security Policy with nonces, nosniff, the referrer
policy, framing refused, no-store on logged-in pages, and in production HSTS and
``__Host-`` cookies that only travel over HTTPS."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent.parent
NONCE = re.compile(r"'nonce-([A-Za-z0-9+/=_-]+)'")


def directives(response: Any) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    result = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        result[name] = sources
    return result


def assert_strict_policy(response: Any) -> None:
    policy = directives(response)
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    assert "*" not in header.split()
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert NONCE.fullmatch(policy["script-src"][-1])
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_login_page_headers(client: Client, db: None) -> None:
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert_strict_policy(response)


@pytest.mark.parametrize("role", ["student", "coordinator", "supervisor"])
def test_logged_in_pages_are_strict_and_not_stored(client: Client, cast: Any, role: str) -> None:
    client.force_login(getattr(cast, role))
    for url in (
        reverse("home"),
        reverse("accounts:sessions"),
        reverse("placements:detail", args=[cast.placement.pk]),
    ):
        response = client.get(url)
        if response.status_code != 200:
            continue
        assert_strict_policy(response)
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_htmx_fragments_are_not_stored_either(client: Client, cast: Any) -> None:
    client.force_login(cast.coordinator)

    response = client.get(
        reverse("accounts:invitation_list", args=[cast.environment.pk]),
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_every_script_tag_carries_the_nonce(client: Client, cast: Any) -> None:
    client.force_login(cast.student)

    response = client.get(reverse("home"))

    nonce = NONCE.fullmatch(directives(response)["script-src"][-1]).group(1)  # type: ignore[union-attr]
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the page loads htmx"
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handlers are blocked by the CSP"
    assert "style=" not in html, "inline styles are blocked by the CSP"


def test_each_response_gets_a_fresh_nonce(client: Client, db: None) -> None:
    first = directives(client.get(reverse("account_login")))["script-src"][-1]
    second = directives(client.get(reverse("account_login")))["script-src"][-1]

    assert first != second


def test_htmx_may_not_evaluate_code(client: Client, db: None) -> None:
    html = client.get(reverse("account_login")).content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', html)

    assert config is not None
    values = json.loads(config.group(1))
    assert values["allowEval"] is False
    assert values["allowScriptTags"] is False
    assert values["includeIndicatorStyles"] is False


def test_development_cookies_have_plain_names() -> None:
    # __Host- cookies need HTTPS; the local server speaks plain HTTP.
    assert settings.SESSION_COOKIE_NAME == "sessionid"
    assert settings.CSRF_COOKIE_NAME == "csrftoken"
    assert settings.SESSION_COOKIE_HTTPONLY is True


PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings

# No collected static files in a test run: serve them from the folders.
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
response = Client(HTTP_HOST="ulvo.example.org").get("/account/login/", secure=True)
plain = Client(HTTP_HOST="ulvo.example.org").get("/account/login/")
print(json.dumps({
    "status": response.status_code,
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "headers": dict(response.headers),
    "cookies": {
        name: {"secure": bool(m["secure"]), "path": m["path"], "domain": m["domain"]}
        for name, m in response.cookies.items()
    },
    "session": [settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_SECURE,
                settings.SESSION_COOKIE_PATH, settings.SESSION_COOKIE_DOMAIN,
                settings.SESSION_COOKIE_HTTPONLY],
}))
"""


def test_production_headers_and_cookies() -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "ulvo.settings",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 30 + "-production-secret-for-tests-only-0123456789",
        "DJANGO_ALLOWED_HOSTS": "ulvo.example.org",
        # The login page reads nothing from the database: no database is needed.
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ulvo_headers_probe",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])

    assert values["status"] == 200
    headers = values["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    # Plain HTTP is sent to HTTPS.
    assert values["plain_status"] == 301
    assert values["plain_location"].startswith("https://ulvo.example.org/")
    # __Host- cookies: Secure, Path=/ and no Domain, so no subdomain can set or read them.
    assert values["cookies"] == {"__Host-csrftoken": {"secure": True, "path": "/", "domain": ""}}
    assert values["session"] == ["__Host-sessionid", True, "/", None, True]
