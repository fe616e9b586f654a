"""The outbox forgets a message a year after it was written (privacy.services runs the
purge), and forgetting it never makes a reminder go out a second time."""

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from notifications import reminders
from notifications.models import NOTIFICATION_RETENTION, Kind, Notification, Status
from notifications.tasks import deliver_due_notifications
from placements.models import Week, WeekStatus
from privacy.services import retention_purge
from tests.clock import Clock
from tests.notifications.factories import queue
from tests.notifications.steps import week_waiting

pytestmark = pytest.mark.django_db

AMSTERDAM = datetime.timezone(datetime.timedelta(hours=1))
SUBMITTED = datetime.datetime(2027, 3, 1, 18, 0, tzinfo=AMSTERDAM)


def written(notification: Notification, moment: datetime.datetime, **fields: Any) -> None:
    """Back-date a row: the model's default reads the real clock, not the test's."""
    fields.setdefault("due_at", moment)
    Notification.objects.filter(pk=notification.pk).update(created_at=moment, **fields)


def test_a_year_old_row_is_past_retention_whatever_its_state(cast: Any, clock: Clock) -> None:
    year_ago = clock.now - NOTIFICATION_RETENTION
    old = datetime.timedelta(minutes=1)
    states = {
        "read": {"status": Status.SENT, "read_at": year_ago},
        "unread": {"status": Status.SENT},
        "failed": {"status": Status.FAILED, "attempts": 5},
        "skipped": {"status": Status.SKIPPED},
        "digest": {"status": Status.DIGEST},
        # Pending since long ago: the sweep gave up on it a year back.
        "stale-pending": {"status": Status.PENDING, "due_at": year_ago - old},
    }
    gone = set()
    for name, fields in states.items():
        row = queue(cast.student, key=f"old:{name}")
        written(row, year_ago - old, **fields)
        gone.add(row.pk)
    recent = queue(cast.student, key="recent")
    written(recent, year_ago + old, status=Status.SENT)
    # Written long ago, but due again now: staff sent it again from the admin, or it is
    # being retried. The delivery sweep owns it.
    retried = queue(cast.student, key="retried")
    written(retried, year_ago - datetime.timedelta(days=30), due_at=clock.now)

    expired = Notification.objects.past_retention()

    assert set(expired.values_list("pk", flat=True)) == gone
    assert set(
        Notification.objects.past_retention(clock.now + 2 * old).values_list("pk", flat=True)
    ) == gone | {recent.pk}


def test_the_purge_never_lets_a_sign_off_reminder_go_out_twice(cast: Any, clock: Clock) -> None:
    """The third reminder's key is asked for every day the week waits; once its row is
    purged, the week must no longer be asked about."""
    clock.now = SUBMITTED
    _placement, week = week_waiting(cast, SUBMITTED)
    last_pk = 0

    # The nightly beat, around the reminders and around the rows' first birthday (in
    # between, every run finds the third reminder's key and queues nothing).
    purged = 0
    for days in [*range(0, 30), *range(355, 420)]:
        clock.now = SUBMITTED + datetime.timedelta(days=days, hours=1)
        reminders.signoff_reminders()
        Notification.objects.filter(pk__gt=last_pk).update(created_at=clock.now)
        last_pk = Notification.objects.order_by("pk").values_list("pk", flat=True).last() or 0
        deliver_due_notifications()
        purged += retention_purge().notifications

    with translation.override(settings.LANGUAGE_CODE):  # both supervisors' language
        reminder = gettext("Reminder: a week waits for your sign-off")
    reminded = sorted(m.to[0] for m in mail.outbox if m.subject == reminder)
    assert reminded == ["trainer@example.org"] * 3 + ["wendy@buurtteam.example.org"] * 3
    # Not vacuous: the reminders (and the requests) were purged while the week waited.
    assert purged == 8
    assert not Notification.objects.exists()
    assert Week.objects.get(pk=week.pk).status == WeekStatus.SUBMITTED


def test_a_week_waiting_longer_than_the_retention_is_not_reminded(cast: Any, clock: Clock) -> None:
    """The guard at its edge: a row of the third reminder that is gone (purged) is not
    asked for again once the week has waited longer than the outbox keeps rows."""
    clock.now = SUBMITTED
    week_waiting(cast, SUBMITTED, external=False)

    clock.now = SUBMITTED + NOTIFICATION_RETENTION - datetime.timedelta(hours=1)
    assert reminders.signoff_reminders() == 1
    Notification.objects.filter(kind=Kind.SIGNOFF_REMINDER).delete()
    clock.now = SUBMITTED + NOTIFICATION_RETENTION + datetime.timedelta(hours=1)
    assert reminders.signoff_reminders() == 0
