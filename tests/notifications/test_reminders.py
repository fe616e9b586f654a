"""Each reminder's selection rule, with a frozen clock; a second run sends nothing twice."""

import datetime
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Role
from learning_networks.models import Answer, NetworkSession, Presence, SessionStatus
from learning_networks.services import (
    attendance_answer,
    attendance_register,
    feedback_give,
    network_member_set,
    session_save,
)
from notifications import reminders
from notifications.models import Kind, Notification, Report
from notifications.reports import report_produce, reports_purge_expired
from notifications.tasks import deliver_due_notifications
from placements.models import PlacementStatus, SupervisionAssignment, SupervisionRole, Week
from placements.services import week_approve, week_submit
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.clock import Clock
from tests.notifications.steps import placement_around, week_waiting
from tests.placements.factories import log_activity

pytestmark = pytest.mark.django_db

AMSTERDAM = datetime.timezone(datetime.timedelta(hours=1))  # March 2027: winter time
MONDAY = datetime.datetime(2027, 3, 15, 10, 0, tzinfo=AMSTERDAM)


def at(clock: Clock, moment: datetime.datetime) -> None:
    clock.now = moment


def keys(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("dedupe_key", flat=True))


def recipients(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def make_session(cast: Any, starts: datetime.datetime, **fields: Any) -> NetworkSession:
    return session_save(
        session=NetworkSession(
            network=cast.network,
            kind="mixed",
            theme=fields.pop("theme", "Thema"),
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            location=cast.school,
            status=fields.pop("status", SessionStatus.PLANNED),
            **fields,
        ),
        facilitators=[],
        audience_programmes=[],
    )


# --- The day before a session ----------------------------------------------------


def test_the_day_before_invitees_who_have_not_answered_are_reminded(
    cast: Any, clock: Clock
) -> None:
    at(clock, MONDAY)
    tomorrow = make_session(cast, MONDAY + datetime.timedelta(days=1, hours=4))
    make_session(cast, MONDAY + datetime.timedelta(days=2), theme="Overmorgen")
    make_session(
        cast, MONDAY + datetime.timedelta(days=1), theme="Concept", status=SessionStatus.DRAFT
    )
    answered = tomorrow.attendances.get(user=cast.student)
    attendance_answer(attendance=answered, answer=Answer.YES)

    assert reminders.session_reminders() == 1
    assert recipients(Kind.SESSION_REMINDER) == ["trainer@example.org"]
    assert Notification.objects.get().payload == {"session": tomorrow.pk}

    # Later the same day (a caught-up beat): nothing twice.
    at(clock, MONDAY + datetime.timedelta(hours=10))
    assert reminders.session_reminders() == 0
    # On the day itself it is too late for a "tomorrow" reminder (the day after
    # tomorrow's session is now tomorrow's).
    at(clock, MONDAY + datetime.timedelta(days=1))
    assert reminders.session_reminders() == 2
    assert Notification.objects.filter(payload__session=tomorrow.pk).count() == 1


def test_a_cancelled_session_reminds_nobody(cast: Any, clock: Clock) -> None:
    at(clock, MONDAY)
    make_session(cast, MONDAY + datetime.timedelta(days=1), status=SessionStatus.CANCELLED)

    assert reminders.session_reminders() == 0


def test_tomorrow_follows_the_amsterdam_calendar(cast: Any, clock: Clock) -> None:
    # 23:30 on Monday in Amsterdam is already Tuesday in UTC+2 zones and still Monday in UTC.
    at(clock, MONDAY.replace(hour=23, minute=30))
    make_session(cast, datetime.datetime(2027, 3, 16, 0, 30, tzinfo=AMSTERDAM))
    make_session(cast, datetime.datetime(2027, 3, 17, 0, 30, tzinfo=AMSTERDAM), theme="Later")

    assert reminders.session_reminders() == 2  # student and supervisor, first session only
    assert {n.payload["session"] for n in Notification.objects.all()} == {
        NetworkSession.objects.get(theme="Thema").pk
    }


# --- After a session -------------------------------------------------------------


def member(cast: Any, email: str) -> Any:
    user = UserFactory(email=email)
    MembershipFactory(
        user=user, environment=cast.environment, role=Role.STUDENT, programme=cast.social_work
    )
    network_member_set(network=cast.network, user=user)
    return user


def test_after_a_session_those_who_came_are_asked_for_feedback_once(
    cast: Any, clock: Clock
) -> None:
    late, declined, gave = (
        member(cast, "late@example.org"),
        member(cast, "declined@example.org"),
        member(cast, "gave@example.org"),
    )
    at(clock, MONDAY - datetime.timedelta(days=1))
    session = make_session(cast, MONDAY - datetime.timedelta(hours=20))
    attendance_register(
        attendance=session.attendances.get(user=cast.student), presence=Presence.PRESENT
    )
    attendance_answer(attendance=session.attendances.get(user=cast.supervisor), answer=Answer.YES)
    attendance_answer(
        attendance=session.attendances.get(user=declined), answer=Answer.NO, reason="Ziek"
    )
    attendance_register(attendance=session.attendances.get(user=late), presence=Presence.ABSENT)
    at(clock, MONDAY)
    attendance_register(attendance=session.attendances.get(user=gave), presence=Presence.PRESENT)
    feedback_give(attendance=session.attendances.get(user=gave), usefulness=4, relevance=4)
    # Not yet ended: nobody.
    make_session(cast, MONDAY - datetime.timedelta(hours=1), theme="Nog bezig")

    assert reminders.session_followups() == 2
    assert recipients(Kind.SESSION_FOLLOWUP) == ["student@example.org", "trainer@example.org"]
    assert reminders.session_followups() == 0

    # Days later the prompt is no longer worth sending; nothing new either way.
    at(clock, MONDAY + reminders.FOLLOWUP_WINDOW)
    assert reminders.session_followups() == 0


def test_no_followup_for_a_session_long_past(cast: Any, clock: Clock) -> None:
    at(clock, MONDAY - datetime.timedelta(days=10))
    session = make_session(cast, MONDAY - datetime.timedelta(days=5))
    at(clock, MONDAY)
    attendance_register(
        attendance=session.attendances.get(user=cast.student), presence=Presence.PRESENT
    )

    assert reminders.session_followups() == 0


# --- Weekly: activity logs -------------------------------------------------------


def test_students_with_days_on_site_but_nothing_logged_last_week_are_reminded(
    cast: Any, clock: Clock
) -> None:
    at(clock, MONDAY)
    silent = placement_around(cast)
    logged = placement_around(cast, student=UserFactory())
    at(clock, datetime.datetime(2027, 3, 11, 17, 0, tzinfo=AMSTERDAM))
    log_activity(logged, date=datetime.date(2027, 3, 11))
    at(clock, MONDAY)
    placement_around(cast, student=UserFactory(), weekdays_on_site=0)
    placement_around(cast, student=UserFactory(), status=PlacementStatus.PLANNED)
    # Starts on the Friday of last week with Monday-Thursday on site: no day on site yet.
    placement_around(cast, student=UserFactory(), start_date=datetime.date(2027, 3, 12))
    cast.placement.status = PlacementStatus.COMPLETED
    cast.placement.save()

    assert reminders.log_reminders() == 1
    assert keys(Kind.LOG_REMINDER) == [f"log_reminder:{silent.pk}:2027-03-08"]
    assert Notification.objects.get().payload == {"placement": silent.pk, "week": "2027-03-08"}

    # Tuesday's run (a missed Monday caught up) adds nothing; the next week is new.
    at(clock, MONDAY + datetime.timedelta(days=1))
    assert reminders.log_reminders() == 0
    at(clock, MONDAY + datetime.timedelta(days=7))
    # This week nobody logged: `silent`, `logged` and the one that started on Friday.
    assert reminders.log_reminders() == 3


# --- Weekly: weeks waiting for sign-off ----------------------------------------------


def test_supervisors_are_reminded_weekly_at_most_three_times(cast: Any, clock: Clock) -> None:
    submitted = datetime.datetime(2027, 3, 1, 18, 0, tzinfo=AMSTERDAM)
    at(clock, submitted)
    placement, _week = week_waiting(cast, submitted)
    SupervisionAssignment.objects.create(
        placement=placement, supervisor=cast.bystander, role="practice", domain="social"
    )  # guides only: never reminded
    Notification.objects.all().delete()  # The requests themselves: tested elsewhere.

    sent = []
    for days in range(0, 50):
        at(clock, submitted + datetime.timedelta(days=days, hours=1))
        sent.append(reminders.signoff_reminders())

    assert [day for day, count in enumerate(sent) if count] == [7, 14, 21]
    assert all(sent[day] == 2 for day in (7, 14, 21))
    rows = Notification.objects.filter(kind=Kind.SIGNOFF_REMINDER)
    assert sorted(rows.values_list("payload__round", flat=True)) == [1, 1, 2, 2, 3, 3]
    assert sorted({row.recipient_id and row.recipient.email or row.email for row in rows}) == [
        "trainer@example.org",
        "wendy@buurtteam.example.org",
    ]

    deliver_due_notifications()
    to_wendy = [m for m in mail.outbox if m.to == ["wendy@buurtteam.example.org"]]
    assert len(to_wendy) == 3
    assert all("/aftekenen/link/" in m.body for m in to_wendy)


def test_a_signed_off_week_is_not_reminded_and_a_late_beat_sends_one(
    cast: Any, clock: Clock
) -> None:
    submitted = datetime.datetime(2027, 3, 1, 18, 0, tzinfo=AMSTERDAM)
    at(clock, submitted)
    placement = placement_around(cast)
    SupervisionAssignment.objects.create(
        placement=placement,
        supervisor=cast.supervisor,
        role=SupervisionRole.SCHOOL_TRAINER,
        domain="educational",
        signs_off=True,
    )
    log_activity(placement, date=submitted.date())
    log_activity(placement, date=submitted.date() + datetime.timedelta(days=7))
    approved = week_submit(placement=placement, start=submitted.date(), student=cast.student)
    waiting = week_submit(
        placement=placement,
        start=submitted.date() + datetime.timedelta(days=7),
        student=cast.student,
    )
    week_approve(week=approved, reviewer=cast.supervisor)

    # The beat was down for a month: one reminder (the third), not three at once.
    at(clock, submitted + datetime.timedelta(days=40))
    assert reminders.signoff_reminders() == 1
    row = Notification.objects.get(kind=Kind.SIGNOFF_REMINDER)
    assert row.payload == {
        "week": waiting.pk,
        "assignment": row.payload["assignment"],
        "submitted": int(waiting.submitted_at.timestamp()),
        "round": 3,
    }
    assert reminders.signoff_reminders() == 0
    assert Week.objects.get(pk=approved.pk).status == "approved"


# --- Monthly: the balance report to coordinators ---------------------------------------


def test_each_coordinated_environment_gets_last_months_report_once(cast: Any, clock: Clock) -> None:
    from tests.environments.factories import LearningEnvironmentFactory

    LearningEnvironmentFactory(name="Zonder coördinator")
    at(clock, datetime.datetime(2027, 3, 1, 6, 0, tzinfo=AMSTERDAM))

    assert reminders.balance_reports() == 2
    assert reminders.balance_reports() == 0
    report = Report.objects.get(environment=cast.environment)
    assert (report.period_start, report.period_end) == (
        datetime.date(2027, 2, 1),
        datetime.date(2027, 2, 28),
    )
    assert report.requested_by is None

    assert report_produce(report_id=report.pk) == "done"
    assert recipients(Kind.BALANCE_REPORT) == ["coordinator@example.org"]
    assert Notification.objects.get(kind=Kind.BALANCE_REPORT).payload == {"report": report.pk}

    # Even once the report has been purged, the month is not produced again.
    at(clock, datetime.datetime(2027, 3, 20, 6, 0, tzinfo=AMSTERDAM))
    assert reports_purge_expired() == 2
    at(clock, datetime.datetime(2027, 3, 21, 6, 0, tzinfo=AMSTERDAM))
    # Only the other environment's, which was never produced (its task is not run here).
    assert reminders.balance_reports() == 1
    assert not Report.objects.filter(environment=cast.environment).exists()


def test_previous_month_bounds() -> None:
    assert reminders.previous_month(datetime.date(2027, 1, 15)) == (
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 31),
    )
    assert timezone.is_aware(MONDAY)
