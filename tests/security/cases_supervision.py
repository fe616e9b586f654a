"""Supervision: a placement's supervisors, the coordinator's gap list and the agreement."""

from typing import Any

from tests.security.matrix import Case, env_pk, statuses

# Seen by whoever may see the placement; hidden from others.
PLACEMENT_READ = statuses(bystander=404, outsider=404, other_coordinator=404)
# Only the environment's coordinators change a placement's supervision.
MANAGE_PLACEMENT = statuses(
    student=403, supervisor=403, bystander=404, outsider=404, other_coordinator=404
)
MANAGE_PLACEMENT_WRITE = {**MANAGE_PLACEMENT, "coordinator": 302}
# Environment pages of the coordinators: members 403, outsiders 404.
COORDINATE = statuses(
    student=403, supervisor=403, bystander=403, outsider=404, other_coordinator=404
)


def placement_pk(cast: Any) -> list[Any]:
    return [cast.placement.pk]


def make_assignment(cast: Any) -> Any:
    from environments.models import Domain
    from supervision.models import SupervisionAssignment, SupervisionRole

    # get_or_create: test_get_never_changes_data runs every setup on one cast.
    return SupervisionAssignment.objects.get_or_create(
        placement=cast.placement,
        supervisor=None,
        email="wendy@buurtteam.example.org",
        role=SupervisionRole.PRACTICE,
        defaults={"name": "Wendy Wijkteam", "domain": Domain.SOCIAL},
    )[0]


def setup_pk(cast: Any) -> list[Any]:
    return [cast.setup_result.pk]


def assignment_data(cast: Any) -> dict[str, Any]:
    """The bystander, a neighbourhood professional, as the student's practice supervisor."""
    return {
        "supervisor": cast.bystander.pk,
        "role": "practice",
        "domain": "social",
        "guides": "on",
        "assesses": "on",
    }


CASES = [
    Case("supervision:placement", PLACEMENT_READ, args=placement_pk),
    Case(
        "supervision:placement",
        MANAGE_PLACEMENT_WRITE,
        method="post",
        args=placement_pk,
        data=assignment_data,
    ),
    Case(
        "supervision:assignment_edit",
        MANAGE_PLACEMENT,
        setup=make_assignment,
        args=setup_pk,
    ),
    Case(
        "supervision:assignment_edit",
        MANAGE_PLACEMENT_WRITE,
        method="post",
        setup=make_assignment,
        args=setup_pk,
        data=lambda cast: {
            "name": "Wendy Wijkteam",
            "email": "wendy@buurtteam.example.org",
            "role": "practice",
            "domain": "social",
            "guides": "on",
            "signs_off": "on",
        },
    ),
    Case(
        "supervision:assignment_remove",
        MANAGE_PLACEMENT_WRITE,
        method="post",
        setup=make_assignment,
        args=setup_pk,
    ),
    Case("supervision:gaps", COORDINATE, args=env_pk),
    Case("supervision:agreement", COORDINATE, args=env_pk),
    Case(
        "supervision:agreement",
        {**COORDINATE, "coordinator": 302},
        method="post",
        args=env_pk,
        data=lambda cast: {
            "practice_supervisor": "Begeleidt wekelijks en tekent uren af.",
            "school_trainer": "Beoordeelt samen met het instituut.",
            "institute_supervisor": "Bewaakt de leerdoelen.",
        },
    ),
]

ALLOWED_WRITES = {
    ("supervision:placement", "coordinator"),
    ("supervision:assignment_edit", "coordinator"),
    ("supervision:assignment_remove", "coordinator"),
    ("supervision:agreement", "coordinator"),
}
