"""Steps shared by the privacy tests."""

import time
from typing import Any

from django.test import Client


def reauthenticate(client: Client, user: Any) -> None:
    """What allauth records when the user enters their password again."""
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
