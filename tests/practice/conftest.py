import pytest
from django.conf import settings
from django.test import Client


@pytest.fixture(autouse=True)
def _english(client: Client) -> None:
    """The pages in English: the tests read messages before the Dutch catalogue has
    them (the Dutch is the lead's merge)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
