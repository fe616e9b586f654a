"""Learning networks, learning lines, planning sessions and the date finder."""

import datetime
from typing import Any

from django.utils import timezone

from tests.security.matrix import Case, env_pk, statuses

# Members of the network read; the bystander (same environment, not a member) and
# other environments see nothing.
MEMBER_READ = statuses(bystander=404, outsider=404, other_coordinator=404)
# The core team (the supervisor) and the coordinator manage the network.
MANAGE = statuses(student=403, bystander=404, outsider=404, other_coordinator=404)
MANAGE_WRITE = {**MANAGE, "supervisor": 302, "coordinator": 302}
# Only the environment's coordinators create networks.
COORDINATE = statuses(
    student=403, supervisor=403, bystander=403, outsider=404, other_coordinator=404
)


def network_pk(cast: Any) -> list[Any]:
    return [cast.network.pk]


def session_pk(cast: Any) -> list[Any]:
    return [cast.session.pk]


def make_line(cast: Any) -> Any:
    from learning_networks.models import LearningLine

    # get_or_create: test_get_never_changes_data runs every setup on one cast.
    return LearningLine.objects.get_or_create(network=cast.network, title="Samen opleiden")[0]


def make_draft(cast: Any) -> Any:
    from learning_networks.models import NetworkSession
    from learning_networks.services import session_save

    starts = cast.session.starts_at + datetime.timedelta(days=7)
    return session_save(
        session=NetworkSession(
            network=cast.network,
            kind="workshop",
            theme="Ouderbetrokkenheid",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
        ),
        facilitators=[cast.supervisor],
        audience_programmes=[],
    )


def session_data(cast: Any) -> dict[str, Any]:
    starts = timezone.localtime(cast.session.starts_at) + datetime.timedelta(days=14)
    return {
        "kind": "mixed",
        "theme": "Wijkwandeling",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "location": cast.neighbourhood.pk,
        "facilitators": [cast.supervisor.pk],
    }


def closed_day_date(cast: Any) -> datetime.date:
    return timezone.localdate(cast.session.starts_at) + datetime.timedelta(days=21)


def make_closed_day(cast: Any) -> Any:
    from learning_networks.models import ClosedDay

    day = closed_day_date(cast)
    return ClosedDay.objects.get_or_create(
        environment=cast.environment, first_day=day, last_day=day, reason="Studiedag"
    )[0]


def setup_pk(cast: Any) -> list[Any]:
    return [cast.setup_result.pk]


CASES = [
    Case("learning_networks:list", statuses()),
    Case("learning_networks:detail", MEMBER_READ, args=network_pk),
    Case("learning_networks:edit", MANAGE, args=network_pk),
    Case(
        "learning_networks:edit",
        MANAGE_WRITE,
        method="post",
        args=network_pk,
        data=lambda cast: {"name": "Leernetwerk Leidsche Rijn", "description": "Nieuw"},
    ),
    Case("learning_networks:create", COORDINATE, args=env_pk),
    Case(
        "learning_networks:create",
        {**COORDINATE, "coordinator": 302},
        method="post",
        args=env_pk,
        data=lambda cast: {"name": "Tweede leernetwerk"},
    ),
    Case("learning_networks:members", MANAGE, args=network_pk),
    Case(
        "learning_networks:members",
        MANAGE_WRITE,
        method="post",
        args=network_pk,
        data=lambda cast: {"user": cast.bystander.pk, "core_team": "on"},
    ),
    Case(
        "learning_networks:member_remove",
        MANAGE_WRITE,
        method="post",
        args=lambda cast: [cast.network.pk, cast.student.pk],
    ),
    Case("learning_networks:line_create", MANAGE, args=network_pk),
    Case(
        "learning_networks:line_create",
        MANAGE_WRITE,
        method="post",
        args=network_pk,
        data=lambda cast: {"title": "Jaarlijn"},
    ),
    Case("learning_networks:line", MEMBER_READ, setup=make_line, args=setup_pk),
    Case("learning_networks:line_edit", MANAGE, setup=make_line, args=setup_pk),
    Case(
        "learning_networks:line_edit",
        MANAGE_WRITE,
        method="post",
        setup=make_line,
        args=setup_pk,
        data=lambda cast: {"title": "Jaarlijn 2"},
    ),
    Case("learning_networks:session_create", MANAGE, args=network_pk),
    Case(
        "learning_networks:session_create",
        MANAGE_WRITE,
        method="post",
        args=network_pk,
        data=session_data,
    ),
    Case("learning_networks:session_edit", MANAGE, args=session_pk),
    Case(
        "learning_networks:session_edit",
        MANAGE_WRITE,
        method="post",
        args=session_pk,
        data=session_data,
    ),
    Case(
        "learning_networks:session_publish",
        # Whom publishing invites; a draft does not exist for members outside the core team.
        {**MANAGE, "student": 404},
        setup=make_draft,
        args=setup_pk,
    ),
    Case(
        "learning_networks:session_publish",
        {**MANAGE_WRITE, "student": 404},
        method="post",
        setup=make_draft,
        args=setup_pk,
        data=lambda cast: {"confirm": "yes"},
    ),
    Case("learning_networks:session_cancel", MANAGE_WRITE, method="post", args=session_pk),
    Case("learning_networks:date_finder", MANAGE, args=network_pk),
    Case("learning_networks:closed_days", COORDINATE, args=env_pk),
    Case(
        "learning_networks:closed_days",
        {**COORDINATE, "coordinator": 302},
        method="post",
        args=env_pk,
        data=lambda cast: {
            "first_day": closed_day_date(cast).isoformat(),
            "last_day": "",
            "reason": "Studiedag",
        },
    ),
    Case(
        "learning_networks:closed_day_remove",
        {**COORDINATE, "coordinator": 302},
        method="post",
        setup=make_closed_day,
        args=setup_pk,
    ),
]

ALLOWED_WRITES = {
    (name, role)
    for name in (
        "learning_networks:edit",
        "learning_networks:members",
        "learning_networks:member_remove",
        "learning_networks:line_create",
        "learning_networks:line_edit",
        "learning_networks:session_create",
        "learning_networks:session_edit",
        "learning_networks:session_publish",
        "learning_networks:session_cancel",
    )
    for role in ("supervisor", "coordinator")
} | {
    ("learning_networks:create", "coordinator"),
    ("learning_networks:closed_days", "coordinator"),
    ("learning_networks:closed_day_remove", "coordinator"),
}
