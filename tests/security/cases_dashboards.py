"""Dashboards: the coordinator's balance dashboard with its drill-downs and exports,
an organisation's view and a core team's view of its network. All read-only."""

from typing import Any

from tests.security.matrix import LOGIN, ROLES, Case, env_pk, statuses

# The environment's figures and the lists behind them: coordinators only.
COORDINATE = statuses(
    student=403, supervisor=403, bystander=403, outsider=404, other_coordinator=404
)
# The school's view: its own people (the supervisor is a school trainer there) and
# the coordinators; the neighbourhood organisation's bystander and the student 403. The
# colleague, a teacher at the school, sees their own organisation's host view (counts
# below 5 suppressed, no student by name).
ORGANISATION = statuses(
    student=403, bystander=403, colleague=200, outsider=404, other_coordinator=404
)
# A network's figures: its core team (the supervisor) and the coordinators; a member
# outside the core team 403; people outside the network 404.
CORE_TEAM = statuses(student=403, bystander=404, outsider=404, other_coordinator=404)
# Every dashboard is read-only.
NO_POST = {**dict.fromkeys(ROLES, 405), "anonymous": LOGIN}


def export_args(cast: Any) -> list[Any]:
    return [cast.environment.pk, "programmes", "csv"]


def organisation_args(cast: Any) -> list[Any]:
    return [cast.environment.pk, cast.school.pk]


def network_args(cast: Any) -> list[Any]:
    return [cast.network.pk]


CASES = [
    Case("dashboards:environment", COORDINATE, args=env_pk),
    Case("dashboards:environment", NO_POST, method="post", args=env_pk),
    Case("dashboards:placements", COORDINATE, args=env_pk),
    Case("dashboards:sessions", COORDINATE, args=env_pk),
    Case("dashboards:hours", COORDINATE, args=env_pk),
    Case("dashboards:export", COORDINATE, args=export_args),
    Case(
        "dashboards:export",
        COORDINATE,
        args=lambda cast: [cast.environment.pk, "supervision", "xlsx"],
    ),
    Case("dashboards:organisation", ORGANISATION, args=organisation_args),
    Case("dashboards:network", CORE_TEAM, args=network_args),
    Case(
        "dashboards:network_export",
        CORE_TEAM,
        args=lambda cast: [cast.network.pk, "session_kinds", "xlsx"],
    ),
]

ALLOWED_WRITES: set[tuple[str, str]] = set()
