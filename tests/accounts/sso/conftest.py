"""A real OpenID Connect provider (tests/oidc_provider) for the single sign-on tests.

One provider per test process (so one per pytest-xdist worker), on a free port of
127.0.0.1 that the provider picks itself and reports; torn down after the session.
Its clients accept ULVO's callback on the test client's host and on the live server.
"""

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings

PROVIDER_ID = "testidp"
CLIENT_ID = "ulvo-test"
SECRET = "provider-secret-for-tests"
MFA_ACR = "https://refeds.org/profile/mfa"
PROVIDER_PASSWORD = "at-the-provider-42"
CALLBACK = f"/account/oidc/{PROVIDER_ID}/login/callback/"
ROOT = Path(__file__).resolve().parents[3]


def _person(username: str, email: str, **claims: Any) -> dict[str, Any]:
    mode = claims.pop("mode", None)
    return {
        "username": username,
        "password": PROVIDER_PASSWORD,
        "sub": f"sub-{username}",
        "mode": mode,
        "claims": {
            "email": email,
            "email_verified": True,
            "given_name": username.capitalize(),
            "family_name": "Provider",
            "name": f"{username.capitalize()} Provider",
            **claims,
        },
    }


# Who the provider knows. ULVO's accounts with these addresses are made per test.
PEOPLE = [
    _person("ada", "ada@example.org", schac_home_organization="hu.nl"),
    _person("coco", "coco@example.org", acr=MFA_ACR),
    _person("cora", "cora@example.org"),
    _person("una", "una@example.org", email_verified=False),
    _person("stranger", "stranger@example.org"),
    _person("newbie", "newbie.private@example.org"),
    _person("tampered", "ada@example.org", mode="tampered"),
    _person("wrongaud", "ada@example.org", mode="wrong_aud"),
    _person("expired", "ada@example.org", mode="expired"),
]


@dataclass(frozen=True)
class Provider:
    url: str
    id: str = PROVIDER_ID
    client_id: str = CLIENT_ID
    secret: str = SECRET

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def app(self) -> dict[str, Any]:
        """allauth's APPS entry, as accounts.sso_config builds it from the environment."""
        from accounts.sso_config import oidc_apps

        entry = {
            "id": self.id,
            "name": "Test IdP",
            "server_url": self.issuer,
            "client_id": self.client_id,
            "secret": self.secret,
            "mfa_acr": [MFA_ACR],
        }
        return oidc_apps(json.dumps([entry]), production=False)[0]


@pytest.fixture(scope="session")
def oidc_provider(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    folder = tmp_path_factory.mktemp("oidc_provider")
    config = folder / "config.json"
    redirect_uris = [f"http://testserver{CALLBACK}", f"{live_server.url}{CALLBACK}"]
    config.write_text(
        json.dumps(
            {
                "clients": [
                    {"client_id": CLIENT_ID, "secret": SECRET, "redirect_uris": redirect_uris}
                ],
                "people": PEOPLE,
            }
        )
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", str(config), str(folder / "db")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        # The provider prints its address once it accepts requests (or dies saying why).
        line = process.stdout.readline()
        if not line.startswith("listening on "):
            raise RuntimeError(f"The test provider did not start: {line}{process.stdout.read()}")
        yield Provider(url=line.removeprefix("listening on ").strip())
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def sso(settings: LazySettings, oidc_provider: Provider) -> Provider:
    """ULVO with the test provider configured, as ULVO_OIDC_PROVIDERS would."""
    from accounts.sso_config import oidc_origins

    apps = [oidc_provider.app()]
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": apps, "OAUTH_PKCE_ENABLED": True}
    }
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], *oidc_origins(apps)],
    }
    return oidc_provider
