"""The in-app list with its unread count, marking read, and the preferences page."""

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Delivery, Kind, Notification, Preference
from tests.notifications.conftest import Clock
from tests.notifications.factories import queue

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def as_user(user: Any) -> Client:
    client = Client()
    client.cookies["ulvo_language"] = "en"
    client.force_login(user)
    return client


def test_the_list_shows_ones_own_due_notifications_and_the_unread_count(
    cast: Any, clock: Clock
) -> None:
    mine = queue(cast.student, key="v:1", kind=Kind.LOG_REMINDER)
    queue(cast.student, key="v:2", due_at=clock.now + datetime.timedelta(days=1))
    queue(cast.supervisor, key="v:3")

    response = as_user(cast.student).get(reverse("notifications:list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{mine.pk}"' in html
    assert html.count('<li id="notification-') == 1
    assert "1 unread" in html
    # The navigation's badge, on every page.
    assert 'Notifications <span class="badge">1' in html


def test_opening_marks_read_and_goes_to_the_subject(cast: Any) -> None:
    row = queue(
        cast.student, key="v:4", kind=Kind.SESSION_REMINDER, payload={"session": cast.session.pk}
    )

    response = as_user(cast.student).post(reverse("notifications:open", args=[row.pk]))

    assert response.status_code == 302
    assert response["Location"] == cast.session.get_absolute_url()
    row.refresh_from_db()
    assert row.read_at is not None


def test_marking_read_through_htmx_returns_the_item(cast: Any) -> None:
    row = queue(cast.student, key="v:5")
    client = as_user(cast.student)

    response = client.post(reverse("notifications:mark_read", args=[row.pk]), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{row.pk}"' in html and "<html" not in html
    assert "unread" not in html
    row.refresh_from_db()
    assert row.read_at is not None
    # Without JavaScript: back to the list.
    other = queue(cast.student, key="v:6")
    response = client.post(reverse("notifications:mark_read", args=[other.pk]))
    assert response.status_code == 302


def test_mark_all_read_touches_only_ones_own(cast: Any) -> None:
    queue(cast.student, key="v:7")
    queue(cast.student, key="v:8")
    theirs = queue(cast.supervisor, key="v:9")

    as_user(cast.student).post(reverse("notifications:mark_all_read"))

    assert not Notification.objects.filter(recipient=cast.student, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_someone_elses_notification_is_a_404(cast: Any) -> None:
    row = queue(cast.supervisor, key="v:10")

    response = as_user(cast.student).post(reverse("notifications:open", args=[row.pk]))

    assert response.status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_get_is_refused_on_the_writes(cast: Any) -> None:
    row = queue(cast.student, key="v:11")
    client = as_user(cast.student)

    for name, args in (
        ("notifications:open", [row.pk]),
        ("notifications:mark_read", [row.pk]),
        ("notifications:mark_all_read", []),
    ):
        assert client.get(reverse(name, args=args)).status_code == 405
    row.refresh_from_db()
    assert row.read_at is None


def test_the_list_and_badge_run_a_fixed_number_of_queries(cast: Any) -> None:
    client = as_user(cast.student)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("notifications:list")).status_code == 200
        return len(queries)

    # The kinds a student receives, each about something they may see.
    payloads: list[tuple[str, dict[str, Any] | None]] = [
        (Kind.LOG_REMINDER, None),
        (Kind.SESSION_REMINDER, {"session": cast.session.pk}),
        (Kind.SESSION_FOLLOWUP, {"session": cast.past_session.pk}),
    ]
    queue(cast.student, key="q:0")
    few = count()
    for n in range(1, 60):
        kind, payload = payloads[n % len(payloads)]
        queue(cast.student, key=f"q:{n}", kind=kind, payload=payload)
    assert count() == few


def test_preferences_are_saved_per_kind(cast: Any) -> None:
    client = as_user(cast.student)
    data = dict.fromkeys(Kind.values, Delivery.EMAIL)
    data[Kind.LOG_REMINDER] = Delivery.IN_APP
    data[Kind.SESSION_FOLLOWUP] = Delivery.DIGEST

    response = client.post(reverse("notifications:preferences"), data)

    assert response.status_code == 302
    saved = dict(Preference.objects.filter(user=cast.student).values_list("kind", "delivery"))
    assert saved[Kind.LOG_REMINDER] == Delivery.IN_APP
    assert saved[Kind.SESSION_FOLLOWUP] == Delivery.DIGEST
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert re.search(rf'name="{Kind.LOG_REMINDER}" value="{Delivery.IN_APP}"[^>]*checked', page)
    assert not re.search(rf'name="{Kind.LOG_REMINDER}" value="{Delivery.EMAIL}"[^>]*checked', page)


@pytest.mark.parametrize(
    "data",
    [
        {},
        dict.fromkeys(Kind.values, "carrier-pigeon"),
        {**dict.fromkeys(Kind.values, Delivery.EMAIL), Kind.LOG_REMINDER: "\x00"},
    ],
)
def test_bad_preferences_are_refused(cast: Any, data: dict[str, str]) -> None:
    response = as_user(cast.student).post(reverse("notifications:preferences"), data)

    assert response.status_code == 422
    assert not Preference.objects.exists()


def test_extra_fields_cannot_change_someone_elses_preferences(cast: Any) -> None:
    data = {**dict.fromkeys(Kind.values, Delivery.IN_APP), "user": cast.supervisor.pk}

    as_user(cast.student).post(reverse("notifications:preferences"), data)

    assert not Preference.objects.filter(user=cast.supervisor).exists()
    assert Preference.objects.filter(user=cast.student).count() == len(Kind.values)
