"""Single sign-on in the authorisation matrix (accounts/sso_urls.py). No provider is
configured here, so the OpenID Connect paths answer 404 to everyone; the behaviour with
a real provider is tested in tests/accounts/sso/. Starting an invitation's sign-on sends
signed-in users back to the invitation page (they accept it there)."""

from tests.security.cases_accounts import waiting_invitation
from tests.security.matrix import ROLES, Case

NOWHERE = dict.fromkeys(ROLES, 404)

CASES = [
    Case("sso:oidc_login", NOWHERE, args=lambda cast: ["onbekend"]),
    Case("sso:oidc_login", NOWHERE, method="post", args=lambda cast: ["onbekend"]),
    Case("sso:oidc_callback", NOWHERE, args=lambda cast: ["onbekend"]),
    Case(
        "sso:invitation",
        {**dict.fromkeys(ROLES[1:], 302), "anonymous": 404},
        method="post",
        setup=waiting_invitation,
        args=lambda cast: [cast.setup_result.token, "onbekend"],
    ),
    Case(
        "sso:invitation",
        dict.fromkeys(ROLES, 405),
        setup=waiting_invitation,
        args=lambda cast: [cast.setup_result.token, "onbekend"],
    ),
]
ALLOWED_WRITES: list[tuple[str, str]] = []
