"""The test provider's clients and people, and how ULVO is configured for it
(the fixtures that start it are in conftest.py)."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
