from typing import Any

import pytest
from django.test import Client

from tests.privacy.steps import reauthenticate


@pytest.fixture
def reauthed(client: Client):  # type: ignore[no-untyped-def]
    """Logs a user in and re-authenticates them, as before export or deletion."""

    def _reauthed(user: Any) -> Client:
        client.force_login(user)
        reauthenticate(client, user)
        return client

    return _reauthed
