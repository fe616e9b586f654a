"""Steps shared by tests that need an account in a given state, through allauth's own
code."""

from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret


def activate_totp(user: Any) -> None:
    """The user has set up an authenticator app (coordinators and staff must)."""
    TOTP.activate(user, generate_totp_secret())
