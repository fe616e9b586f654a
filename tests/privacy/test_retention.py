"""The retention job: reflections and activity descriptions go a set time after the
placement ended, import reports after their own time; run at a frozen clock."""

import datetime
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from placements.models import ActivityEntry, ImportJob, ImportState, Placement, PlacementStatus
from privacy.tasks import retention_purge
from reflections.models import Reflection, ReflectionFeedback
from ulvo.celery import app

# Tomorrow night: the cast's placement is running then.
NOW = (timezone.now() + datetime.timedelta(days=1)).replace(
    hour=3, minute=30, second=0, microsecond=0
)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> datetime.datetime:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
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

    assert result == {"reflections": 1, "descriptions": 1, "import_jobs": 1}
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
    assert retention_purge() == {"reflections": 0, "descriptions": 0, "import_jobs": 0}


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
