"""Steps shared by the supervision tests, built through the real services."""

from typing import Any

from django.utils import timezone

from placements.services import activity_create, week_submit
from reflections.models import Reflection
from reflections.services import reflection_save


def submit_week(cast: Any, placement: Any | None = None) -> Any:
    """An activity of today in a week the student submits for sign-off."""
    placement = placement or cast.placement
    entry = activity_create(
        placement=placement,
        date=timezone.localdate(),
        minutes=90,
        setting="school",
        kind="classroom",
        disciplines=["teacher"],
        description="Rekenles in groep 5 ondersteund.",
    )
    return week_submit(placement=placement, start=entry.date, student=placement.student)


def share_reflection(author: Any, environment: Any, text: str, **fields: Any) -> Any:
    """A reflection its author shared with their supervisors."""
    fields.setdefault("visibility", "supervisors")
    fields.setdefault("published_at", timezone.now())
    reflection = Reflection(author=author, environment=environment, text=text, **fields)
    return reflection_save(reflection=reflection)
