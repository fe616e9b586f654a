"""Steps shared by the notification tests, built through the real services."""

from datetime import date, datetime
from typing import Any

from placements.models import SupervisionAssignment, SupervisionRole, weekdays_to_mask
from placements.services import week_submit
from tests.placements.factories import PlacementFactory, log_activity


def placement_around(cast: Any, **fields: Any) -> Any:
    """The student's placement from January to June 2027, on site Monday, Tuesday and
    Thursday (the reminder tests run in March 2027)."""
    values = {
        "student": cast.student,
        "programme": cast.social_work,
        "environment": cast.environment,
        "school": cast.school,
        "start_date": date(2027, 1, 4),
        "end_date": date(2027, 6, 30),
        "weekdays_on_site": weekdays_to_mask([1, 2, 4]),
    }
    values.update(fields)
    return PlacementFactory(**values)


def week_waiting(cast: Any, submitted: datetime, *, external: bool = True) -> tuple[Any, Any]:
    """A placement whose week of ``submitted`` waits for sign-off by the school trainer;
    with ``external``, the same week of a second placement of the student waits for
    its signer without an account (Wendy): a placement has one signer."""
    placement = placement_around(cast)
    SupervisionAssignment.objects.create(
        placement=placement,
        supervisor=cast.supervisor,
        role=SupervisionRole.SCHOOL_TRAINER,
        domain="educational",
        signs_off=True,
    )
    if external:
        other = placement_around(cast)
        SupervisionAssignment.objects.create(
            placement=other,
            email="wendy@buurtteam.example.org",
            role=SupervisionRole.PRACTICE,
            domain="social",
            signs_off=True,
        )
        log_activity(other, date=submitted.date())
        week_submit(placement=other, start=submitted.date(), student=cast.student)
    log_activity(placement, date=submitted.date())
    week = week_submit(placement=placement, start=submitted.date(), student=cast.student)
    return placement, week
