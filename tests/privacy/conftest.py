import time
from typing import Any

import pytest
from django.test import Client


def reauthenticate(client: Client, user: Any) -> None:
    """What allauth records when the user enters their password again."""
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


@pytest.fixture
def reauthed(client: Client):  # type: ignore[no-untyped-def]
    """Logs a user in and re-authenticates them, as before export or deletion."""

    def _reauthed(user: Any) -> Client:
        client.force_login(user)
        reauthenticate(client, user)
        return client

    return _reauthed
