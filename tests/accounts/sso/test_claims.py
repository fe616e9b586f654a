"""Reading the claims: the second factor a provider asserts, the home organisation."""

from typing import Any

import pytest

from accounts.sso import claims, display_name, home_organisation, mfa_asserted

SETTINGS = {"mfa_acr": ["https://refeds.org/profile/mfa"], "mfa_amr": ["mfa", "otp"]}


@pytest.mark.parametrize(
    ("id_token", "expected"),
    [
        ({"acr": "https://refeds.org/profile/mfa"}, True),
        ({"amr": ["pwd", "otp"]}, True),
        ({"amr": "mfa"}, True),
        ({"acr": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"}, False),
        ({"amr": ["pwd"]}, False),
        ({"acr": ["https://refeds.org/profile/mfa"]}, False),
        ({}, False),
    ],
)
def test_mfa_counts_only_by_the_configured_values(id_token: dict[str, Any], expected: bool) -> None:
    assert mfa_asserted(SETTINGS, {"id_token": id_token}) is expected


def test_userinfo_cannot_assert_mfa() -> None:
    """acr and amr count only from the signed ID token, not from userinfo."""
    assert not mfa_asserted(SETTINGS, {"userinfo": {"acr": "https://refeds.org/profile/mfa"}})


def test_without_configured_values_nothing_counts_as_mfa() -> None:
    assert not mfa_asserted({}, {"id_token": {"acr": "https://refeds.org/profile/mfa"}})


def test_userinfo_wins_over_the_id_token() -> None:
    data = {
        "id_token": {"email": "old@example.org", "sub": "1"},
        "userinfo": {"email": "new@example.org"},
    }
    assert claims(data) == {"email": "new@example.org", "sub": "1"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"userinfo": {"schac_home_organization": "hu.nl"}}, "hu.nl"),
        ({"id_token": {"schac_home_organization": ["uu.nl", "hu.nl"]}}, "uu.nl"),
        ({"userinfo": {"schac_home_organization": []}}, ""),
        ({}, ""),
    ],
)
def test_the_home_organisation(data: dict[str, Any], expected: str) -> None:
    assert home_organisation(data) == expected


def test_the_name_from_given_and_family_name() -> None:
    assert display_name({"userinfo": {"given_name": "Ada", "family_name": "Lovelace"}}) == (
        "Ada Lovelace"
    )
    assert display_name({"userinfo": {"name": " Ada L. "}}) == "Ada L."
