"""ULVO_OIDC_PROVIDERS: what it accepts, what it refuses, and production with providers."""

import json
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.sso_config import oidc_apps
from tests.test_settings import PRODUCTION_ENV, run

SURFCONEXT = {
    "id": "surfconext",
    "name": "SURFconext",
    "server_url": "https://connect.surfconext.nl",
    "client_id": "ulvo.example.org",
    "secret": "from-the-sp-dashboard",
    "mfa_acr": ["http://test.surfconext.nl/assurance/loa2"],
}
EDUID = {
    "id": "eduid",
    "name": "eduID",
    "server_url": "https://connect.eduid.nl",
    "client_id": "ulvo-eduid",
    "secret": "another",
    "scope": ["openid", "profile", "email"],
}


def test_none_by_default() -> None:
    assert oidc_apps("", production=True) == []


def test_any_number_of_providers_become_allauth_apps() -> None:
    apps = oidc_apps(json.dumps([SURFCONEXT, EDUID]), production=True)

    assert [app["provider_id"] for app in apps] == ["surfconext", "eduid"]
    assert apps[0]["settings"]["server_url"] == "https://connect.surfconext.nl"
    assert apps[0]["settings"]["oauth_pkce_enabled"] is True
    assert apps[0]["settings"]["mfa_acr"] == ["http://test.surfconext.nl/assurance/loa2"]
    assert "scope" not in apps[0]["settings"]
    assert apps[1]["settings"]["scope"] == ["openid", "profile", "email"]
    assert (apps[1]["client_id"], apps[1]["secret"], apps[1]["name"]) == (
        "ulvo-eduid",
        "another",
        "eduID",
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"id": "x"}', "JSON list"),
        ("[1]", "JSON list"),
        (json.dumps([{**SURFCONEXT, "secret": ""}]), "lacks secret"),
        (json.dumps([{**SURFCONEXT, "colour": "blue"}]), "unknown keys colour"),
        (json.dumps([{**SURFCONEXT, "id": "SURF conext"}]), "unique id"),
        (json.dumps([SURFCONEXT, SURFCONEXT]), "unique id"),
        (json.dumps([{**SURFCONEXT, "mfa_amr": "mfa"}]), "list of strings"),
        (json.dumps([{**SURFCONEXT, "server_url": "http://connect.surfconext.nl"}]), "https"),
    ],
)
def test_mistakes_stop_the_start(value: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        oidc_apps(value, production=True)


def test_http_is_allowed_outside_production() -> None:
    entry: dict[str, Any] = {**SURFCONEXT, "server_url": "http://127.0.0.1:9000/o"}
    assert oidc_apps(json.dumps([entry]), production=False)[0]["settings"]["server_url"]


def test_production_with_providers_passes_the_deploy_check() -> None:
    env = {**PRODUCTION_ENV, "ULVO_OIDC_PROVIDERS": json.dumps([SURFCONEXT, EDUID])}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 silenced" in result.stdout


def test_production_refuses_a_broken_provider_list() -> None:
    env = {**PRODUCTION_ENV, "ULVO_OIDC_PROVIDERS": "[{"}
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "ULVO_OIDC_PROVIDERS" in result.stderr


def test_the_content_security_policy_lets_forms_go_to_the_providers() -> None:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps(s.SECURE_CSP['form-action']))"
    )
    env = {**PRODUCTION_ENV, "ULVO_OIDC_PROVIDERS": json.dumps([SURFCONEXT, EDUID])}
    result = run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[1:] == [
        "https://connect.surfconext.nl",
        "https://connect.eduid.nl",
    ]
