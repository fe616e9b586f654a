"""A week returned or approved: the student hears of it, once, and nobody else (#15).

The e-mail names the week and who reviewed it, in the student's language, as text and
HTML; it never carries the supervisor's comment (free text about practice may mention
pupils): the app shows that, in the notification list and on the week's page.
"""

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from notifications.models import Delivery, Kind, Notification, Preference, Status
from notifications.tasks import deliver_due_notifications
from placements.services import week_approve, week_return, week_submit
from tests.placements.factories import log_activity
from ulvo.lib.formats import short_date

pytestmark = pytest.mark.django_db

COMMENT = "Schrijf bij dinsdag wat je zelf deed, zonder namen van leerlingen."


def submitted_week(cast: Any) -> Any:
    log_activity(cast.placement)
    return week_submit(placement=cast.placement, start=timezone.localdate(), student=cast.student)


def rows(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind))


def test_a_returned_week_queues_one_row_for_the_student_only(cast: Any) -> None:
    week = week_return(week=submitted_week(cast), reviewer=cast.supervisor, comment=COMMENT)

    (row,) = rows(Kind.WEEK_RETURNED)
    assert row.recipient == cast.student
    assert row.payload == {
        "week": week.pk,
        "placement": cast.placement.pk,
        "event": week.events.get(action="returned").pk,
    }
    assert COMMENT not in str(row.payload)
    assert rows(Kind.WEEK_APPROVED) == []


def test_an_approved_week_queues_one_row_for_the_student_only(cast: Any) -> None:
    week_approve(week=submitted_week(cast), reviewer=cast.supervisor)

    (row,) = rows(Kind.WEEK_APPROVED)
    assert row.recipient == cast.student
    assert rows(Kind.WEEK_RETURNED) == []


def test_each_review_is_its_own_message_and_delivered_once(cast: Any) -> None:
    week = week_return(week=submitted_week(cast), reviewer=cast.supervisor, comment=COMMENT)
    log_activity(cast.placement)
    week_submit(placement=cast.placement, start=week.start, student=cast.student)
    week_return(week=week, reviewer=cast.supervisor, comment="Nog één ding.")

    assert len(rows(Kind.WEEK_RETURNED)) == 2
    deliver_due_notifications()
    deliver_due_notifications()  # a second sweep sends nothing again

    to_student = [m for m in mail.outbox if m.to == [cast.student.email]]
    # The first return was answered by a resubmission: only the second is still news.
    assert len(to_student) == 1
    assert sorted(r.status for r in rows(Kind.WEEK_RETURNED)) == [Status.SENT, Status.SKIPPED]
    # Nobody else hears of it: not the supervisor, not anyone of another environment.
    for message in mail.outbox:
        assert "returned" not in message.subject or message.to == [cast.student.email]
    assert not Notification.objects.filter(
        kind__in=[Kind.WEEK_RETURNED, Kind.WEEK_APPROVED]
    ).exclude(recipient=cast.student)


@pytest.mark.parametrize(
    ("language", "subject", "line"),
    [
        ("en", "Your week of", "returned your activities of"),
        ("nl", "Je week van", "heeft je activiteiten van"),
    ],
)
def test_the_returned_week_email_in_both_languages(
    cast: Any, language: str, subject: str, line: str
) -> None:
    cast.student.language = language
    cast.student.save()
    week = week_return(week=submitted_week(cast), reviewer=cast.supervisor, comment=COMMENT)

    deliver_due_notifications()

    (message,) = [m for m in mail.outbox if m.to == [cast.student.email]]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert cast.supervisor.full_name in message.body
    week_url = f"{cast.placement.get_absolute_url()}?week={week.start.isoformat()}"
    assert week_url in message.body
    assert week_url.replace("&", "&amp;") in html
    for text in (message.subject, message.body, html):
        assert COMMENT not in text
    # The week's dates in the student's language (Django's own month names).
    with translation.override(language):
        assert short_date(week.start) in message.body
    if language == "en":  # the Dutch sentences come with the lead's catalogue merge
        assert message.subject.startswith(subject)
        assert line in message.body


def test_the_approved_week_email_names_the_week(cast: Any) -> None:
    cast.student.language = "en"
    cast.student.save()
    week = week_approve(week=submitted_week(cast), reviewer=cast.supervisor)

    deliver_due_notifications()

    (message,) = [m for m in mail.outbox if m.to == [cast.student.email]]
    assert message.subject.startswith("Your week of")
    assert "approved your activities" in message.body
    assert f"?week={week.start.isoformat()}" in message.body


def test_in_app_only_shows_the_comment_in_the_list_and_sends_no_email(cast: Any) -> None:
    Preference.objects.create(user=cast.student, kind=Kind.WEEK_RETURNED, delivery=Delivery.IN_APP)
    week_return(week=submitted_week(cast), reviewer=cast.supervisor, comment=COMMENT)

    deliver_due_notifications()

    assert not [m for m in mail.outbox if m.to == [cast.student.email]]
    (row,) = rows(Kind.WEEK_RETURNED)
    assert (row.status, row.channel) == (Status.SENT, Delivery.IN_APP)
    student = Client()
    student.force_login(cast.student)
    page = student.get(reverse("notifications:list")).content.decode()
    assert COMMENT in page
    # The supervisor's list has no such row.
    supervisor = Client()
    supervisor.force_login(cast.supervisor)
    assert COMMENT not in supervisor.get(reverse("notifications:list")).content.decode()


def test_the_digest_preference_holds_the_message_for_the_digest(cast: Any) -> None:
    Preference.objects.create(user=cast.student, kind=Kind.WEEK_APPROVED, delivery=Delivery.DIGEST)
    week_approve(week=submitted_week(cast), reviewer=cast.supervisor)

    deliver_due_notifications()

    assert not [m for m in mail.outbox if m.to == [cast.student.email]]
    assert rows(Kind.WEEK_APPROVED)[0].status == Status.DIGEST
