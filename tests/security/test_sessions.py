"""Sessions: stored in the database, 30 minutes idle and 12 hours at most, a new key
at login, the user's list of sessions, and logout or a new password ending the others."""

import logging
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import UserSession
from accounts.tasks import clear_expired_sessions
from tests.accounts.factories import PASSWORD
from tests.clock import Clock

PHONE = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36"
LAPTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0"
NEW_PASSWORD = "Zeilboot-Lente-2026!"


def log_in(client: Client, email: str = "student@example.org") -> None:
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    assert get_user(client).is_authenticated


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def is_logged_in(client: Client) -> bool:
    return client.get(reverse("home")).status_code == 200


def test_sessions_are_stored_in_the_database(cast: Any) -> None:
    client = Client(headers={"user-agent": PHONE})
    log_in(client)

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    key = session_key(client)
    assert Session.objects.filter(session_key=key).exists()
    entry = UserSession.objects.get(session_id=key)
    assert entry.user == cast.student
    assert entry.device == "Chrome · Android"


def test_login_gives_a_new_session_key(client: Client, cast: Any) -> None:
    session = client.session
    session["before_login"] = "yes"
    session.save()
    before = session_key(client)
    assert Session.objects.filter(session_key=before).exists()

    log_in(client)

    after = session_key(client)
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.session["before_login"] == "yes"


def test_idle_session_expires_after_30_minutes(cast: Any, clock: Clock) -> None:
    client = Client()
    log_in(client)
    clock.advance(minutes=29)
    assert is_logged_in(client)

    clock.advance(minutes=29)
    assert is_logged_in(client)

    clock.advance(minutes=31)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@override_settings(SESSION_COOKIE_AGE=24 * 3600)
def test_idle_limit_holds_even_when_the_cookie_lives_longer(
    cast: Any, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    log_in(client)
    key = session_key(client)
    clock.advance(minutes=31)

    with caplog.at_level(logging.INFO, logger="ulvo.security"):
        response = client.get(reverse("home"))

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_id=key).exists()
    expired = [r.security for r in caplog.records if r.security["event"] == "session_expired"]
    assert [entry["reason"] for entry in expired] == ["idle"]
    assert expired[0]["user"] == cast.student.pk


@pytest.mark.parametrize(
    ("current", "expected_next"),
    [
        pytest.param("http://testserver/stages/?week=2", ["/stages/?week=2"], id="same-site"),
        pytest.param("https://evil.example.org/", None, id="other-site"),
    ],
)
def test_expired_htmx_request_sends_the_whole_page_to_login(
    cast: Any, clock: Clock, current: str, expected_next: list[str] | None
) -> None:
    client = Client()
    log_in(client)
    clock.advance(minutes=31)

    response = client.get(
        reverse("accounts:sessions"), headers={"HX-Request": "true", "HX-Current-URL": current}
    )

    assert response.status_code == 200 and "Location" not in response
    location = urlsplit(response["HX-Redirect"])
    assert location.path == reverse("account_login")
    assert parse_qs(location.query).get("next") == expected_next
    assert not is_logged_in(client)


def test_busy_session_still_ends_after_12_hours(
    cast: Any, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    log_in(client)
    for _ in range(35):  # 11 h 40 min, a request every 20 minutes
        clock.advance(minutes=20)
        assert is_logged_in(client)

    clock.advance(minutes=21)
    with caplog.at_level(logging.INFO, logger="ulvo.security"):
        response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    reasons = [r.security.get("reason") for r in caplog.records if hasattr(r, "security")]
    assert "absolute" in reasons


def test_logout_ends_the_other_sessions(cast: Any) -> None:
    phone, laptop = Client(headers={"user-agent": PHONE}), Client(headers={"user-agent": LAPTOP})
    log_in(phone)
    log_in(laptop)
    coordinator = Client()
    coordinator.force_login(cast.coordinator)

    phone.post(reverse("account_logout"))

    assert not is_logged_in(phone)
    assert not is_logged_in(laptop)
    assert not UserSession.objects.filter(user=cast.student).exists()
    assert is_logged_in(coordinator)


def test_password_change_ends_the_other_sessions(cast: Any) -> None:
    phone, laptop = Client(headers={"user-agent": PHONE}), Client(headers={"user-agent": LAPTOP})
    log_in(phone)
    log_in(laptop)
    laptop_key = session_key(laptop)

    response = phone.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    cast.student.refresh_from_db()
    assert cast.student.check_password(NEW_PASSWORD)
    # Ended, not merely rejected at its next request.
    assert not Session.objects.filter(session_key=laptop_key).exists()
    assert not UserSession.objects.filter(user=cast.student).exists()
    assert not is_logged_in(laptop)


@override_settings(ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE=False)
def test_password_change_keeps_this_session_when_allauth_would(cast: Any) -> None:
    phone, laptop = Client(), Client()
    log_in(phone)
    log_in(laptop)
    laptop_key = session_key(laptop)

    phone.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert is_logged_in(phone)
    assert not Session.objects.filter(session_key=laptop_key).exists()
    assert list(UserSession.objects.filter(user=cast.student)) == [
        UserSession.objects.get(session_id=session_key(phone))
    ]


def test_password_reset_ends_every_session(cast: Any) -> None:
    laptop = Client()
    log_in(laptop)
    laptop_key = session_key(laptop)
    anonymous = Client()
    anonymous.post(reverse("account_reset_password"), {"email": "student@example.org"})
    link = re.search(r"https?://[^/\s]+(/\S+/)", mail.outbox[-1].body)
    assert link is not None

    form_url = anonymous.get(link.group(1), follow=True).redirect_chain[-1][0]
    response = anonymous.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    cast.student.refresh_from_db()
    assert cast.student.check_password(NEW_PASSWORD)
    assert not Session.objects.filter(session_key=laptop_key).exists()
    assert not UserSession.objects.filter(user=cast.student).exists()


def test_password_change_asks_for_the_current_password(cast: Any) -> None:
    phone, laptop = Client(), Client()
    log_in(phone)
    log_in(laptop)

    response = phone.post(
        reverse("account_change_password"),
        {"oldpassword": "not-my-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["oldpassword"]
    cast.student.refresh_from_db()
    assert cast.student.check_password(PASSWORD)
    assert is_logged_in(laptop)


def test_session_page_lists_my_sessions_only(cast: Any) -> None:
    phone, laptop = Client(headers={"user-agent": PHONE}), Client(headers={"user-agent": LAPTOP})
    log_in(phone)
    log_in(laptop)
    other = Client(headers={"user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1"})
    log_in(other, "trainer@example.org")

    response = phone.get(reverse("accounts:sessions"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Chrome · Android" in html
    assert "Firefox · Windows" in html
    assert "Safari · iOS" not in html
    assert [item["current"] for item in response.context["sessions"]] == [True, False]
    for key in Session.objects.values_list("session_key", flat=True):
        assert key not in html
    assert response["Cache-Control"].count("no-store") == 1


def test_end_one_other_session(cast: Any) -> None:
    phone, laptop = Client(headers={"user-agent": PHONE}), Client(headers={"user-agent": LAPTOP})
    log_in(phone)
    log_in(laptop)
    laptop_entry = UserSession.objects.get(session_id=session_key(laptop))

    response = phone.post(reverse("accounts:session_end", args=[laptop_entry.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sessions")
    assert not is_logged_in(laptop)
    assert is_logged_in(phone)


def test_ending_this_session_logs_out(cast: Any) -> None:
    phone = Client()
    log_in(phone)
    entry = UserSession.objects.get(session_id=session_key(phone))

    response = phone.post(reverse("accounts:session_end", args=[entry.pk]))

    assert response.status_code == 302
    assert not is_logged_in(phone)
    assert not UserSession.objects.filter(pk=entry.pk).exists()


def test_cannot_end_someone_elses_session(cast: Any) -> None:
    student, trainer = Client(), Client()
    log_in(student)
    log_in(trainer, "trainer@example.org")
    trainer_entry = UserSession.objects.get(user=cast.supervisor)

    response = student.post(reverse("accounts:session_end", args=[trainer_entry.pk]))

    assert response.status_code == 404
    assert is_logged_in(trainer)
    assert UserSession.objects.filter(pk=trainer_entry.pk).exists()


def test_end_all_other_sessions(cast: Any) -> None:
    phone, laptop, tablet = Client(), Client(), Client()
    for client in (phone, laptop, tablet):
        log_in(client)
    trainer = Client()
    log_in(trainer, "trainer@example.org")

    response = phone.post(reverse("accounts:session_end_others"))

    assert response.status_code == 302
    assert is_logged_in(phone)
    assert not is_logged_in(laptop)
    assert not is_logged_in(tablet)
    assert is_logged_in(trainer)
    assert list(
        UserSession.objects.filter(user=cast.student).values_list("session_id", flat=True)
    ) == [session_key(phone)]


def test_ending_sessions_needs_post_and_csrf(cast: Any) -> None:
    phone = Client(enforce_csrf_checks=True)
    laptop = Client()
    phone.force_login(cast.student)
    laptop.force_login(cast.student)
    laptop_entry = UserSession.objects.get(session_id=session_key(laptop))

    assert phone.get(reverse("accounts:session_end_others")).status_code == 405
    assert phone.post(reverse("accounts:session_end_others")).status_code == 403
    assert phone.post(reverse("accounts:session_end", args=[laptop_entry.pk])).status_code == 403
    assert is_logged_in(laptop)


# --- Re-authentication before changing the account's security ------------------------


def test_changing_the_email_address_asks_for_the_password_again(cast: Any) -> None:
    client = Client()
    log_in(client)
    data = {"email": "sanne.nieuw@example.org", "action_add": ""}

    response = client.post(reverse("account_email"), data)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not cast.student.emailaddress_set.filter(email="sanne.nieuw@example.org").exists()

    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("account_email"), data)

    assert response.status_code == 302
    assert cast.student.emailaddress_set.filter(email="sanne.nieuw@example.org").exists()


def test_two_factor_setup_asks_for_the_password_again(cast: Any) -> None:
    client = Client()
    log_in(client)

    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.get(reverse("mfa_generate_recovery_codes"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_expired_sessions_are_cleared_with_their_entries(cast: Any, clock: Clock) -> None:
    old, fresh = Client(), Client()
    log_in(old)
    clock.advance(minutes=20)
    log_in(fresh)
    clock.advance(minutes=15)

    assert clear_expired_sessions() >= 1

    assert list(UserSession.objects.values_list("session_id", flat=True)) == [session_key(fresh)]
    assert not Session.objects.filter(session_key=session_key(old)).exists()
    assert is_logged_in(fresh)
