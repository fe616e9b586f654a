"""The in-app list with its unread count, marking read, and the preferences page."""

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from notifications.models import Delivery, Kind, Notification, Preference
from placements.models import week_start
from placements.services import activity_create, week_submit
from tests.clock import Clock
from tests.notifications.factories import queue
from ulvo.lib.formats import short_date

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
    # One of each kind first: each kind's subjects are one query for the whole page.
    for n, (kind, payload) in enumerate(payloads):
        queue(cast.student, key=f"q:{n}", kind=kind, payload=payload)
    few = count()
    for n in range(len(payloads), 60):
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


def submitted_weeks(cast: Any, count: int) -> list[Any]:
    """The student submits ``count`` weeks (the newest first); each asks the
    supervisor, who signs off, for a sign-off: a notification each."""
    monday = week_start(timezone.localdate())
    weeks = []
    for n in range(1, count + 1):
        day = monday - datetime.timedelta(weeks=n)
        activity_create(
            placement=cast.placement,
            date=day,
            minutes=60,
            setting="school",
            kind="classroom",
            disciplines=["teacher"],
            description="Rekenles.",
        )
        weeks.append(week_submit(placement=cast.placement, start=day, student=cast.student))
    return weeks


def list_items(html: str) -> list[str]:
    return re.findall(r'<li id="notification-\d+".*?</li>', html, flags=re.S)


def test_each_row_says_who_and_which_week(cast: Any) -> None:
    """Not "A week submitted for sign-off" forty times: the student and the week."""
    weeks = submitted_weeks(cast, 2)

    html = as_user(cast.supervisor).get(reverse("notifications:list")).content.decode()

    items = list_items(html)
    assert len(items) == 2
    # (The newest first: the week submitted last.)
    for item, week in zip(items, reversed(weeks), strict=True):
        assert cast.student.full_name in item
        assert f"Week of {short_date(week.start)} – {short_date(week.end)}" in item
        assert "A week submitted for sign-off" in item  # the kind, under the subject


def test_a_run_of_one_kind_is_folded_under_a_heading_that_says_who(cast: Any) -> None:
    submitted_weeks(cast, 4)
    queue(cast.supervisor, key="other-kind", kind=Kind.LOG_REMINDER)

    html = as_user(cast.supervisor).get(reverse("notifications:list")).content.decode()

    assert html.count("<details>") == 1
    start = html.index("<details>")
    end = html.index("</details>", start)
    group = html[start:end]
    summary = group[: group.index("</summary>")]
    assert "A week submitted for sign-off" in summary
    assert "4 messages" in summary and "4 new" in summary
    assert cast.student.full_name in summary
    assert len(list_items(group)) == 4
    # In the group the rows leave the kind to its heading; the lone reminder names it.
    assert all("A week submitted for sign-off" not in item for item in list_items(group))
    (alone,) = list_items(html[:start] + html[end:])
    assert "Reminder to log activities" in alone


def test_a_row_about_what_the_reader_no_longer_sees_names_nothing(cast: Any) -> None:
    """The supervisor left the environment: the row stays, by its kind alone."""
    submitted_weeks(cast, 1)
    Membership.objects.filter(user=cast.supervisor).update(is_active=False)

    html = as_user(cast.supervisor).get(reverse("notifications:list")).content.decode()

    (item,) = list_items(html)
    assert cast.student.full_name not in html
    assert "A week submitted for sign-off" in item


def test_marking_read_in_a_group_returns_the_row_as_it_was(cast: Any) -> None:
    week, *_ = submitted_weeks(cast, 3)
    row = Notification.objects.get(recipient=cast.supervisor, payload__week=week.pk)

    response = as_user(cast.supervisor).post(
        reverse("notifications:mark_read", args=[row.pk]), {"in_group": "1"}, headers=HTMX
    )

    item = response.content.decode()
    assert cast.student.full_name in item and "A week submitted for sign-off" not in item
    assert "Mark as read" not in item
    row.refresh_from_db()
    assert row.read_at is not None


def test_the_supervisors_list_runs_a_fixed_number_of_queries(cast: Any) -> None:
    """Who and what is looked up for the whole page at once, whatever it holds."""
    client = as_user(cast.supervisor)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("notifications:list")).status_code == 200
        return len(queries)

    weeks = submitted_weeks(cast, 6)
    queue(cast.supervisor, key="s:log", kind=Kind.LOG_REMINDER)
    queue(
        cast.supervisor,
        key="s:session",
        kind=Kind.SESSION_REMINDER,
        payload={"session": cast.session.pk},
    )
    few = count()
    for n, week in enumerate(weeks):
        payload = {"week": week.pk, "assignment": cast.placement.assignments.get().pk}
        queue(cast.supervisor, key=f"s:r{n}", kind=Kind.SIGNOFF_REMINDER, payload=payload)
        queue(
            cast.supervisor,
            key=f"s:f{n}",
            kind=Kind.SESSION_FOLLOWUP,
            payload={"session": cast.past_session.pk},
        )
    assert count() == few
