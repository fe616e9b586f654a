import pytest
from django.conf import settings
from django.test import Client


@pytest.fixture(autouse=True)
def _english(client: Client) -> None:
    """The pages in English: the tests read the English messages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
