"""The retention job: reflections and activity descriptions go a set time after the
placement ended, import reports and notifications after their own time; run at a
frozen clock."""

import datetime
import threading
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models.signals import post_delete
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Kind, Notification, Status
from placements.models import ActivityEntry, ImportJob, ImportState, Placement, PlacementStatus
from privacy import services
from privacy.tasks import retention_purge
from reflections.models import Reflection, ReflectionFeedback
from tests.clock import Clock
from ulvo.celery import app

# Tomorrow night: the cast's placement is running then.
NOW = (timezone.now() + datetime.timedelta(days=1)).replace(
    hour=3, minute=30, second=0, microsecond=0
)


@pytest.fixture
def frozen(clock: Clock) -> datetime.datetime:
    clock.now = NOW
    return NOW


def ended_placement(cast: Any, *, days_ago: int) -> Placement:
    end = NOW.date() - datetime.timedelta(days=days_ago)
    return Placement.objects.create(
        student=cast.student,
        programme=cast.social_work,
        environment=cast.environment,
        school=cast.school,
        start_date=end - datetime.timedelta(days=120),
        end_date=end,
        hours_per_week=8,
        status=PlacementStatus.COMPLETED,
    )


def entry(placement: Placement, text: str) -> ActivityEntry:
    return ActivityEntry.objects.create(
        placement=placement,
        date=placement.end_date,
        minutes=60,
        setting="school",
        kind="classroom",
        description=text,
        status="approved",
    )


def reflection(cast: Any, placement: Placement | None, text: str) -> Reflection:
    item = Reflection.objects.create(
        author=cast.student,
        environment=cast.environment,
        placement=placement,
        text=text,
        published_at=NOW,
    )
    ReflectionFeedback.objects.create(reflection=item, author=cast.supervisor, text="Mooi.")
    return item


def import_job(cast: Any, *, days_ago: int, state: str) -> ImportJob:
    return ImportJob.objects.create(
        environment=cast.environment,
        created_by=cast.coordinator,
        file_name="stages.csv",
        kind="csv",
        content=b"e-mailadres\r\niemand@example.org\r\n",
        state=state,
        report={"rows": [{"email": "iemand@example.org"}]},
        created_at=NOW - datetime.timedelta(days=days_ago),
    )


@override_settings(
    RETENTION_AFTER_PLACEMENT=datetime.timedelta(days=30),
    IMPORT_REPORT_RETENTION=datetime.timedelta(days=14),
)
def test_purge_after_the_retention_time(cast: Any, frozen: datetime.datetime) -> None:
    long_ended = ended_placement(cast, days_ago=31)
    just_ended = ended_placement(cast, days_ago=30)
    old_entry = entry(long_ended, "Oude beschrijving")
    recent_entry = entry(just_ended, "Recente beschrijving")
    current_entry = entry(cast.placement, "Lopende stage")
    old_reflection = reflection(cast, long_ended, "Oude reflectie")
    kept_reflections = [
        reflection(cast, just_ended, "Net afgelopen"),
        reflection(cast, cast.placement, "Lopende stage"),
        # Not tied to a placement: follows the author's last one, still running.
        reflection(cast, None, "Los"),
    ]
    old_job = import_job(cast, days_ago=15, state=ImportState.DONE)
    recent_job = import_job(cast, days_ago=13, state=ImportState.VALIDATED)
    running_job = import_job(cast, days_ago=20, state=ImportState.IMPORTING)

    result = retention_purge()

    assert result == {"reflections": 1, "descriptions": 1, "import_jobs": 1, "notifications": 0}
    assert not Reflection.objects.filter(pk=old_reflection.pk).exists()
    assert set(Reflection.objects.all()) == set(kept_reflections)
    old_entry.refresh_from_db()
    # The hours stay; only the text goes.
    assert (old_entry.description, old_entry.minutes, old_entry.status) == ("", 60, "approved")
    recent_entry.refresh_from_db()
    current_entry.refresh_from_db()
    assert recent_entry.description == "Recente beschrijving"
    assert current_entry.description == "Lopende stage"
    assert set(ImportJob.objects.all()) == {recent_job, running_job}
    assert not ImportJob.objects.filter(pk=old_job.pk).exists()

    # Idempotent: a second run finds nothing more.
    assert retention_purge() == {
        "reflections": 0,
        "descriptions": 0,
        "import_jobs": 0,
        "notifications": 0,
    }


@override_settings(RETENTION_AFTER_PLACEMENT=datetime.timedelta(days=30))
def test_loose_reflections_go_with_the_authors_last_placement(
    cast: Any, frozen: datetime.datetime
) -> None:
    Placement.objects.filter(pk=cast.placement.pk).update(
        end_date=NOW.date() - datetime.timedelta(days=40), status=PlacementStatus.COMPLETED
    )
    loose = reflection(cast, None, "Los")

    retention_purge()

    assert not Reflection.objects.filter(pk=loose.pk).exists()


def test_the_default_keeps_a_year(cast: Any, frozen: datetime.datetime) -> None:
    kept = reflection(cast, ended_placement(cast, days_ago=365), "Een jaar geleden")
    gone = reflection(cast, ended_placement(cast, days_ago=366), "Langer geleden")

    retention_purge()

    assert Reflection.objects.filter(pk=kept.pk).exists()
    assert not Reflection.objects.filter(pk=gone.pk).exists()


def test_the_job_runs_every_night() -> None:
    schedule = app.conf.beat_schedule["privacy-retention-purge"]
    assert schedule["task"] == retention_purge.name == "privacy.tasks.retention_purge"
    assert not schedule.get("args") and not schedule.get("kwargs")


# --- Notifications: a year after they were written ----------------------------------


def notification(key: str, *, days_ago: float, user: Any = None, **fields: Any) -> Notification:
    written = NOW - datetime.timedelta(days=days_ago)
    return Notification.objects.create(
        recipient=user,
        email="" if user else "wendy@buurtteam.example.org",
        kind=Kind.SIGNOFF_REQUEST,
        dedupe_key=key,
        created_at=written,
        due_at=fields.pop("due_at", written),
        status=fields.pop("status", Status.SENT),
        **fields,
    )


def test_notifications_go_a_year_after_they_were_written(
    cast: Any, frozen: datetime.datetime
) -> None:
    gone = [
        notification("read", days_ago=366, user=cast.student, read_at=NOW),
        notification("unread", days_ago=400, user=cast.student),
        notification("e-mail-sent", days_ago=366, channel="email"),
        notification("e-mail-failed", days_ago=366, status=Status.FAILED, attempts=5),
        notification("never-delivered", days_ago=500, status=Status.PENDING),
    ]
    kept = [
        notification("a-year", days_ago=365, user=cast.student),
        notification("recent", days_ago=10, user=cast.student),
        # Being retried (or sent again from the admin): the delivery sweep owns it.
        notification(
            "retried",
            days_ago=400,
            status=Status.PENDING,
            attempts=2,
            due_at=NOW - datetime.timedelta(minutes=5),
        ),
    ]

    result = retention_purge()

    assert result["notifications"] == len(gone)
    assert set(Notification.objects.all()) == set(kept)
    # Idempotent, and run as the beat runs it: through Celery.
    assert retention_purge.apply().get()["notifications"] == 0
    assert set(Notification.objects.all()) == set(kept)


# Batches of 3: 7 rows take 3 + 3 + 1, the short one ending the run; 6 rows take
# 3 + 3 and an empty third look.
@pytest.mark.parametrize(("old", "selects", "deletes"), [(7, 3, 3), (6, 3, 2)])
def test_a_backlog_goes_in_batches(
    cast: Any,
    frozen: datetime.datetime,
    monkeypatch: pytest.MonkeyPatch,
    old: int,
    selects: int,
    deletes: int,
) -> None:
    monkeypatch.setattr(services, "NOTIFICATION_PURGE_BATCH", 3)
    for number in range(old):
        notification(f"old:{number}", days_ago=370 + number, user=cast.student)
    recent = notification("recent", days_ago=1, user=cast.student)

    with CaptureQueriesContext(connection) as queries:
        result = services.retention_purge()

    assert result.notifications == old
    assert list(Notification.objects.all()) == [recent]
    statements = [query["sql"] for query in queries]
    batches = [sql for sql in statements if "SKIP LOCKED" in sql]
    assert len(batches) == selects
    assert all("LIMIT 3" in sql for sql in batches)
    assert (
        len(
            [
                sql
                for sql in statements
                if sql.startswith('DELETE FROM "notifications_notification"')
            ]
        )
        == deletes
    )


def test_each_batch_commits_on_its_own(
    transactional_db: None, frozen: datetime.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not one transaction for the whole backlog: no batch runs inside another's."""
    monkeypatch.setattr(services, "NOTIFICATION_PURGE_BATCH", 2)
    for number in range(5):
        notification(f"old:{number}", days_ago=400)
    nesting: list[tuple[bool, int]] = []

    def record(**kwargs: Any) -> None:
        # A batch inside an outer transaction would have opened a savepoint.
        savepoints = [sid for sid in connection.savepoint_ids if sid is not None]
        nesting.append((connection.in_atomic_block, len(savepoints)))

    post_delete.connect(record, sender=Notification, dispatch_uid="test-retention-nesting")
    try:
        assert services.retention_purge().notifications == 5
    finally:
        post_delete.disconnect(sender=Notification, dispatch_uid="test-retention-nesting")

    assert nesting == [(True, 0)] * 5


def test_a_row_being_delivered_is_skipped_not_waited_for(
    transactional_db: None, frozen: datetime.datetime
) -> None:
    held = notification("held", days_ago=400)
    free = notification("free", days_ago=400)
    locked, release = threading.Event(), threading.Event()

    def deliverer() -> None:  # A worker holding the row, as notification_deliver does.
        try:
            with transaction.atomic():
                Notification.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=deliverer)
    thread.start()
    assert locked.wait(10)
    try:
        removed = services.retention_purge().notifications
    finally:
        release.set()
        thread.join()

    assert removed == 1
    assert not Notification.objects.filter(pk=free.pk).exists()
    # The next night takes it.
    assert services.retention_purge().notifications == 1
    assert not Notification.objects.exists()
