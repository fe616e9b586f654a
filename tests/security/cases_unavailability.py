"""The unavailability page in the authorisation matrix: everyone keeps their own
unavailability (anyone else's is a 404), and the days they work in the environments
where they are a professional (a student there is refused, an outsider gets a 404)."""

import datetime
from typing import Any

from django.utils import timezone

from tests.security.matrix import LOGIN, ROLES, Case, env_pk, statuses

EVERY_MEMBER_REDIRECTED = statuses(**dict.fromkeys(ROLES[1:], 302))
ONLY_THE_STUDENT = {**dict.fromkeys(ROLES, 404), "anonymous": LOGIN, "student": 302}
NO_GET = {**dict.fromkeys(ROLES, 405), "anonymous": LOGIN}
# The supervisor, the bystander and the coordinator (and the colleague, as the
# bystander) work in the cast's environment.
WORK_HERE = {"supervisor", "bystander", "colleague", "coordinator"}
PROFESSIONALS_HERE = statuses(
    student=403, supervisor=302, bystander=302, coordinator=302, outsider=404, other_coordinator=404
)


def a_day_ahead(cast: Any) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=10)


def students_unavailability(cast: Any) -> Any:
    from learning_networks.availability_services import unavailability_add
    from learning_networks.models import Unavailability

    day = a_day_ahead(cast) + datetime.timedelta(days=1)
    zone = timezone.get_current_timezone()
    return unavailability_add(
        unavailability=Unavailability(
            starts_at=datetime.datetime.combine(day, datetime.time(9), tzinfo=zone),
            ends_at=datetime.datetime.combine(day, datetime.time(12), tzinfo=zone),
            reason="Tentamen",
        ),
        user=cast.student,
    )


def setup_pk(cast: Any) -> list[Any]:
    return [cast.setup_result.pk]


CASES = [
    Case("learning_networks:unavailability", statuses()),
    Case(
        "learning_networks:unavailability",
        EVERY_MEMBER_REDIRECTED,
        method="post",
        data=lambda cast: {"kind": "once", "once-date": a_day_ahead(cast).isoformat()},
    ),
    Case(
        "learning_networks:unavailability",
        EVERY_MEMBER_REDIRECTED,
        method="post",
        data=lambda cast: {
            "kind": "weekly",
            "weekly-weekday": "3",
            "weekly-starts_time": "13:00",
            "weekly-ends_time": "15:00",
            "weekly-valid_from": a_day_ahead(cast).isoformat(),
        },
    ),
    Case(
        "learning_networks:unavailability_remove",
        ONLY_THE_STUDENT,
        method="post",
        setup=students_unavailability,
        args=setup_pk,
    ),
    Case(
        "learning_networks:unavailability_remove",
        NO_GET,
        setup=students_unavailability,
        args=setup_pk,
    ),
    Case(
        "learning_networks:working_days",
        PROFESSIONALS_HERE,
        method="post",
        args=env_pk,
        data=lambda cast: {f"working-{cast.environment.pk}-days": ["2", "4"]},
    ),
    Case("learning_networks:working_days", NO_GET, args=env_pk),
]

ALLOWED_WRITES = {("learning_networks:unavailability", role) for role in ROLES[1:]} | {
    ("learning_networks:unavailability_remove", "student"),
    *(("learning_networks:working_days", role) for role in ROLES if role in WORK_HERE),
}
