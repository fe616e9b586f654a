"""Logging in and out through allauth: the login page, lockout, bad input, no signup."""

from typing import Any

import pytest
from django.contrib.auth import get_user
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory

LOGIN_URL = reverse("account_login")
WRONG_CREDENTIALS = "Het door jou opgegeven e-mailadres en/of wachtwoord is niet correct."
LOCKED_OUT = "Te veel inlogpogingen. Probeer het later nogmaals."


def log_in(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post(LOGIN_URL, {"login": email, "password": password})


def logged_in_user(client: Client) -> Any:
    return get_user(client)


def test_login_page_is_dutch_by_default(client: Client, db: None) -> None:
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl"' in html
    assert "E-mailadres" in html
    assert "Wachtwoord" in html
    assert ">Log in<" not in html
    assert 'name="login"' in html
    assert 'name="password"' in html


def test_login_with_email_and_password(client: Client, cast: Any) -> None:
    response = log_in(client, "student@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in_user(client) == cast.student
    assert client.get(reverse("home")).status_code == 200


def test_email_is_case_insensitive(client: Client, cast: Any) -> None:
    response = log_in(client, "Student@Example.org")

    assert response.status_code == 302
    assert logged_in_user(client) == cast.student


def test_wrong_password_shows_error_and_does_not_log_in(client: Client, cast: Any) -> None:
    response = log_in(client, "student@example.org", "not-the-password")

    assert response.status_code == 200
    assert WRONG_CREDENTIALS in response.content.decode()
    assert not logged_in_user(client).is_authenticated


def test_unknown_address_shows_same_error(client: Client, cast: Any) -> None:
    response = log_in(client, "nobody@example.org")

    assert response.status_code == 200
    assert WRONG_CREDENTIALS in response.content.decode()
    assert not logged_in_user(client).is_authenticated


def test_repeated_failures_lock_the_account(client: Client, cast: Any) -> None:
    for _ in range(5):
        response = log_in(client, "student@example.org", "not-the-password")
        assert WRONG_CREDENTIALS in response.content.decode()

    response = log_in(client, "student@example.org")

    assert response.status_code == 200
    assert LOCKED_OUT in response.content.decode()
    assert not logged_in_user(client).is_authenticated


def test_lockout_is_per_account(client: Client, cast: Any) -> None:
    for _ in range(5):
        log_in(client, "student@example.org", "not-the-password")

    response = log_in(client, "trainer@example.org")

    assert response.status_code == 302
    assert logged_in_user(client) == cast.supervisor


def test_logout_needs_post(client: Client, cast: Any) -> None:
    client.force_login(cast.student)

    response = client.get(reverse("account_logout"))

    assert response.status_code == 200
    assert logged_in_user(client) == cast.student

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert not logged_in_user(client).is_authenticated
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize(
    ("login", "password"),
    [
        pytest.param("x" * 10_000 + "@example.org", PASSWORD, id="huge-email"),
        pytest.param("student@example.org", "x" * 10_000, id="huge-password"),
        pytest.param("student\x00@example.org", PASSWORD, id="nul-in-email"),
        pytest.param("student@example.org", PASSWORD + "\x00", id="nul-in-password"),
        pytest.param("", "", id="empty"),
    ],
)
def test_bad_input_gives_form_error(client: Client, cast: Any, login: str, password: str) -> None:
    response = client.post(LOGIN_URL, {"login": login, "password": password})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not logged_in_user(client).is_authenticated


def test_inactive_user_cannot_log_in(client: Client, db: None) -> None:
    user = UserFactory(email="former@example.org", is_active=False)

    response = log_in(client, "former@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")
    assert not logged_in_user(client).is_authenticated
    user.refresh_from_db()
    assert user.last_login is None


def test_there_is_no_open_signup(client: Client, db: None) -> None:
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert 'name="password1"' not in response.content.decode()


def test_posting_to_signup_creates_no_user(client: Client, db: None) -> None:
    password = "a-long-enough-password-42"
    response = client.post(
        reverse("account_signup"),
        {"email": "intruder@example.org", "password1": password, "password2": password},
    )

    assert response.status_code == 200
    assert not User.objects.exists()
    assert not logged_in_user(client).is_authenticated


def test_password_reset_page_works_for_anonymous(client: Client, db: None) -> None:
    response = client.get(reverse("account_reset_password"))

    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()


def test_password_reset_mails_a_known_address(client: Client, cast: Any) -> None:
    response = client.post(reverse("account_reset_password"), {"email": "Student@Example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert [message.to for message in mail.outbox] == [["student@example.org"]]


def test_password_reset_of_unknown_address_sends_nothing_and_reveals_nothing(
    client: Client, cast: Any
) -> None:
    known = client.post(reverse("account_reset_password"), {"email": "student@example.org"})
    mail.outbox.clear()

    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert mail.outbox == []


def test_anonymous_home_redirects_to_login_with_next(client: Client, db: None) -> None:
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/"


def test_repeated_failures_from_one_address_lock_every_account(client: Client, cast: Any) -> None:
    # Ten wrong guesses at ten accounts, each below its own limit of five.
    for number in range(10):
        response = log_in(client, f"guess{number}@example.org", "not-the-password")
        assert WRONG_CREDENTIALS in response.content.decode()

    response = log_in(client, "student@example.org")

    assert response.status_code == 200
    assert LOCKED_OUT in response.content.decode()
    assert not logged_in_user(client).is_authenticated


def test_lockout_per_address_spares_other_addresses(client: Client, cast: Any) -> None:
    for number in range(10):
        log_in(client, f"guess{number}@example.org", "not-the-password")

    elsewhere = Client(REMOTE_ADDR="192.0.2.10")
    response = log_in(elsewhere, "student@example.org")

    assert response.status_code == 302
    assert logged_in_user(elsewhere) == cast.student
