"""The login page and the two-factor code page, as a reader meets them (issue #20).

The login page offered "Wachtwoord vergeten?" twice; the code page's "Annuleren" looked
like the main button (and logs out), and its field did not bring up a number pad.
"""

from html.parser import HTMLParser
from typing import Any

from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import PASSWORD

LOGIN_URL = reverse("account_login")
AUTHENTICATE_URL = reverse("mfa_authenticate")


class Elements(HTMLParser):
    """Every element's tag and attributes, in document order."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def find(self, tag: str, **attrs: str) -> list[tuple[int, dict[str, str]]]:
        """(position, attributes) of the elements with this tag and these attributes."""
        return [
            (position, found)
            for position, (name, found) in enumerate(self.elements)
            if name == tag and all(found.get(key) == value for key, value in attrs.items())
        ]


def code_page(client: Client, cast: Any) -> Elements:
    """The coordinator (who has an authenticator app) after the password step."""
    client.post(LOGIN_URL, {"login": cast.coordinator.email, "password": PASSWORD})
    response = client.get(AUTHENTICATE_URL)
    assert response.status_code == 200
    return Elements(response.content.decode())


def test_login_page_offers_the_forgotten_password_once(client: Client, db: None) -> None:
    page = Elements(client.get(LOGIN_URL).content.decode())

    assert len(page.find("a", href=reverse("account_reset_password"))) == 1


def test_code_field_brings_up_the_number_pad_and_the_offered_code(
    client: Client, cast: Any
) -> None:
    page = code_page(client, cast)

    [(_, field)] = page.find("input", name="code")
    assert field["inputmode"] == "numeric"
    assert field["autocomplete"] == "one-time-code"
    assert field["type"] == "text"
    [(_, label)] = page.find("label", **{"for": field["id"]})


def test_cancel_is_a_secondary_action_after_logging_in(client: Client, cast: Any) -> None:
    page = code_page(client, cast)

    [(form_at, form)] = page.find("form", action=AUTHENTICATE_URL)
    buttons = [
        (position, button)
        for position, button in page.find("button", type="submit")
        if position > form_at
    ]
    (submit_at, submit), (cancel_at, cancel) = buttons[:2]
    assert "form" not in submit and "secondary" not in submit.get("class", "")
    assert submit_at < cancel_at
    assert "secondary" in cancel["class"].split()
    # Cancelling ends the half-finished login, through its own form.
    [(_, logout)] = page.find("form", id=cancel["form"])
    assert logout["action"] == reverse("account_logout")
    assert logout["method"] == "post"


def test_cancel_ends_the_half_finished_login(client: Client, cast: Any) -> None:
    code_page(client, cast)

    response = client.post(reverse("account_logout"), {"next": LOGIN_URL})

    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert client.get(AUTHENTICATE_URL)["Location"] == LOGIN_URL
    assert not get_user(client).is_authenticated


def test_wrong_code_is_marked_at_the_field(client: Client, cast: Any) -> None:
    code_page(client, cast)

    response = client.post(AUTHENTICATE_URL, {"code": "12"})

    assert response.status_code == 200
    page = Elements(response.content.decode())
    [(_, field)] = page.find("input", name="code")
    assert field["aria-invalid"] == "true"
    [(_, message)] = page.find("small", id=field["aria-describedby"])
    assert "Ongeldige code." in response.content.decode()
    assert not get_user(client).is_authenticated
