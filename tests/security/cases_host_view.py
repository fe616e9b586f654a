"""The host view's list of this week's students (#19, part 3) as CSV: the host's
supervisors and school trainers (the supervisor is a school trainer at the school) and
the coordinators; the school's colleague, who keeps the counts, 403; the
neighbourhood organisation's bystander and the student 403; other environments 404."""

from typing import Any

from tests.security.matrix import Case, statuses

HOST_PEOPLE = statuses(
    student=403, bystander=403, colleague=403, outsider=404, other_coordinator=404
)


def school_args(cast: Any) -> list[Any]:
    return [cast.environment.pk, cast.school.pk]


CASES = [
    Case("dashboards:organisation_building_export", HOST_PEOPLE, args=school_args),
]

ALLOWED_WRITES: set[tuple[str, str]] = set()
