"""The privacy statement: public, plain Dutch, and in step with the actual rules."""

import datetime
from typing import Any

from django.test import Client, override_settings
from django.urls import reverse

URL = reverse("privacy:policy")


def test_public_and_dutch(client: Client) -> None:
    response = client.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="nl"' in content
    for heading in ("Wat we bewaren", "Waarom", "Wie kan wat zien", "Hoe lang", "Jouw rechten"):
        assert heading in content
    assert "nooit de tekst" in content  # coordinators see counts of reflections only
    assert "365 dagen na het einde van je stage" in content
    assert "na 30 minuten niets doen en uiterlijk na 12 uur" in content
    assert "coördinatoren: 7 dagen" in content


@override_settings(
    RETENTION_AFTER_PLACEMENT=datetime.timedelta(days=200),
    IMPORT_REPORT_RETENTION=datetime.timedelta(days=9),
)
def test_the_retention_times_are_the_configured_ones(client: Client) -> None:
    content = client.get(URL).content.decode()

    assert "200 dagen na het einde van je stage" in content
    assert "9 dagen" in content


def test_the_notification_retention_is_the_enforced_one(client: Client) -> None:
    from notifications.models import NOTIFICATION_RETENTION

    content = client.get(URL).content.decode()

    # The page says "a year": change both together.
    assert NOTIFICATION_RETENTION.days == 365
    assert "<strong>Berichten</strong> (meldingen en herinneringen): een jaar." in content


def test_english_on_request(client: Client) -> None:
    client.cookies["ulvo_language"] = "en"

    content = client.get(URL).content.decode()

    assert "What we store" in content
    assert "Wat we bewaren" not in content


def test_linked_from_every_page(client: Client, cast: Any, login: Any) -> None:
    assert f'href="{URL}"' in client.get(reverse("account_login")).content.decode()
    page = login(cast.student).get(reverse("home")).content.decode()
    assert f'href="{URL}"' in page
    assert f'href="{reverse("privacy:my_data")}"' in page
