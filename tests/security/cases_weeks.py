"""Weeks after sign-off: the student asks to reopen a signed-off week, the supervisor
who signs off answers, and undoes an approval just given. Also the queue and the
review page in those states, so the marker sweep and the hostile-input test see them.

The setups of GET cases run one after another on one cast (test_get_never_changes_data,
the sweeps): each uses a week of its own, weeks before the one the other setups use.
"""

import datetime
from typing import Any

from tests.security.matrix import Case, statuses

# Only the placement's student asks; others who may see the placement get 403.
STUDENT_WRITE = statuses(
    student=302, supervisor=403, coordinator=403, bystander=404, outsider=404, other_coordinator=404
)
# Only the supervisor who signs off answers and undoes.
REVIEW = statuses(
    student=403, supervisor=200, coordinator=403, bystander=404, outsider=404, other_coordinator=404
)
REVIEW_WRITE = {**REVIEW, "supervisor": 302}


def signed_off_week(cast: Any, *, weeks_ago: int = 0, reason: str | None = None) -> Any:
    """A week with one activity, submitted and approved by the cast's supervisor; with
    ``reason``, the student has asked to reopen it."""
    from django.utils import timezone

    from placements.models import week_start
    from placements.services import (
        activity_create,
        assignment_save,
        week_approve,
        week_reopen_request,
        week_submit,
    )

    # An earlier setup may have handed signing off to someone else (make_link_token).
    signer = cast.placement.assignments.get(supervisor=cast.supervisor)
    if not signer.signs_off:
        signer.signs_off = True
        assignment_save(assignment=signer)
    start = week_start(timezone.localdate()) - datetime.timedelta(weeks=weeks_ago)
    activity_create(
        placement=cast.placement,
        date=start,
        minutes=60,
        setting="school",
        kind="classroom",
        disciplines=[],
        description="Kringgesprek begeleid.",
    )
    week = week_submit(placement=cast.placement, start=start, student=cast.student)
    week = week_approve(week=week, reviewer=cast.supervisor)
    if reason is not None:
        week = week_reopen_request(week=week, student=cast.student, reason=reason)
    return week


def placement_pk(cast: Any) -> list[Any]:
    return [cast.placement.pk]


def setup_pk(cast: Any) -> list[Any]:
    return [cast.setup_result.pk]


CASES = [
    Case(
        # The week of today: the view reads ?week=, and falls back to this week.
        "placements:week_reopen_request",
        STUDENT_WRITE,
        method="post",
        setup=lambda cast: signed_off_week(cast),
        args=placement_pk,
        data=lambda cast: {"reason": "Donderdag de ouderavond vergeten."},
    ),
    Case(
        "placements:week_reopen",
        REVIEW_WRITE,
        method="post",
        setup=lambda cast: signed_off_week(cast, reason="Ouderavond vergeten."),
        args=setup_pk,
        data=lambda cast: {"action": "reopen", "comment": ""},
    ),
    Case(
        "placements:week_reopen",
        REVIEW_WRITE,
        method="post",
        setup=lambda cast: signed_off_week(cast, reason="Ouderavond vergeten."),
        args=setup_pk,
        data=lambda cast: {"action": "decline", "comment": "Hoort bij een andere week."},
    ),
    Case(
        "placements:week_approval_undo",
        REVIEW_WRITE,
        method="post",
        setup=lambda cast: signed_off_week(cast),
        args=setup_pk,
    ),
    # The review page and the queue with a request waiting, and a sign-off to undo.
    Case(
        "placements:week_review",
        REVIEW,
        setup=lambda cast: signed_off_week(cast, weeks_ago=3, reason="Ouderavond vergeten."),
        args=setup_pk,
    ),
    Case(
        "placements:signoff_queue",
        statuses(),
        setup=lambda cast: signed_off_week(cast, weeks_ago=4, reason="Teamoverleg vergeten."),
    ),
]

ALLOWED_WRITES = {
    ("placements:week_reopen_request", "student"),
    ("placements:week_reopen", "supervisor"),
    ("placements:week_approval_undo", "supervisor"),
}
