"""Steps shared by the dashboard tests: moments and placements written the short way."""

import datetime
from typing import Any

from django.utils import timezone

from placements.models import Placement, weekdays_to_mask


def at(day: str, hour: int = 10) -> datetime.datetime:
    """``day`` (ISO) at ``hour`` o'clock, ULVO's time."""
    date = datetime.date.fromisoformat(day)
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour)))


def make_placement(student: Any, programme: Any, environment: Any, school: Any, start: str,
                   end: str, days: list[int], status: str = "active") -> Placement:  # fmt: skip
    return Placement.objects.create(
        student=student,
        programme=programme,
        environment=environment,
        school=school,
        start_date=datetime.date.fromisoformat(start),
        end_date=datetime.date.fromisoformat(end),
        weekdays_on_site=weekdays_to_mask(days),
        hours_per_week=16,
        status=status,
    )
