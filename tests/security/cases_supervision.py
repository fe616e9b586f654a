"""Supervision: a placement's supervisors, the coordinator's gap list and the agreement,
the supervisor's home, meeting notes and the time professionals log."""

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
    from placements.models import SupervisionAssignment, SupervisionRole

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


# Meeting notes: written by the placement's supervisor; the student reads (403 on
# writes), everyone else does not know they exist.
NOTE_WRITE = statuses(
    student=403,
    supervisor=302,
    bystander=404,
    coordinator=404,
    outsider=404,
    other_coordinator=404,
)
NOTE_ADD = {**NOTE_WRITE, "coordinator": 403}
# Own hours: supervisors and core-team members log; students and coordinators 403.
LOG_TIME = statuses(
    student=403, coordinator=403, colleague=403, outsider=404, other_coordinator=404
)
# One's own logged time: nobody else knows it exists.
OWN_TIME = statuses(
    student=404, bystander=404, coordinator=404, outsider=404, other_coordinator=404
)


def make_note(cast: Any) -> Any:
    import datetime

    from supervision.models import MeetingNote

    return MeetingNote.objects.get_or_create(
        placement=cast.placement,
        author=cast.supervisor,
        date=datetime.date(2026, 11, 2),
        defaults={"notes": "Leerdoelen besproken.", "agreements": "Volgende keer evalueren."},
    )[0]


def note_data(cast: Any) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "date": timezone.localdate().isoformat(),
        "notes": "Gesprek over de samenwerking met het buurtteam.",
        "agreements": "Sanne maakt een afspraak.",
    }


def make_time_log(cast: Any) -> Any:
    import datetime

    from supervision.models import TimeLog

    return TimeLog.objects.get_or_create(
        person=cast.supervisor,
        environment=cast.environment,
        organisation=cast.school,
        date=datetime.date(2026, 11, 2),
        defaults={"domain": "educational", "minutes": 60, "kind": "supervision"},
    )[0]


def time_data(cast: Any) -> dict[str, Any]:
    """The school trainer's hours for the school (the bystander works elsewhere: 422)."""
    from django.utils import timezone

    return {
        "date": timezone.localdate().isoformat(),
        "minutes": "90",
        "kind": "preparation",
        "organisation": cast.school.pk,
        "domain": "educational",
        "note": "Bijeenkomst voorbereid.",
    }


CASES = [
    Case("supervision:home", statuses()),
    Case(
        "supervision:meeting_note_add",
        NOTE_ADD,
        method="post",
        args=placement_pk,
        data=note_data,
    ),
    Case(
        "supervision:meeting_note_edit",
        {**NOTE_WRITE, "supervisor": 200},
        setup=make_note,
        args=setup_pk,
    ),
    Case(
        "supervision:meeting_note_edit",
        NOTE_WRITE,
        method="post",
        setup=make_note,
        args=setup_pk,
        data=note_data,
    ),
    Case(
        "supervision:meeting_note_delete",
        NOTE_WRITE,
        method="post",
        setup=make_note,
        args=setup_pk,
    ),
    Case("supervision:time_log", LOG_TIME, args=env_pk),
    Case(
        "supervision:time_log",
        {**LOG_TIME, "supervisor": 302, "bystander": 422},
        method="post",
        args=env_pk,
        data=time_data,
    ),
    Case("supervision:time_totals", COORDINATE, args=env_pk),
    Case("supervision:time_log_edit", OWN_TIME, setup=make_time_log, args=setup_pk),
    Case(
        "supervision:time_log_edit",
        {**OWN_TIME, "supervisor": 302},
        method="post",
        setup=make_time_log,
        args=setup_pk,
        data=time_data,
    ),
    Case(
        "supervision:time_log_delete",
        {**OWN_TIME, "supervisor": 302},
        method="post",
        setup=make_time_log,
        args=setup_pk,
    ),
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
    ("supervision:meeting_note_add", "supervisor"),
    ("supervision:meeting_note_edit", "supervisor"),
    ("supervision:meeting_note_delete", "supervisor"),
    ("supervision:time_log", "supervisor"),
    ("supervision:time_log_edit", "supervisor"),
    ("supervision:time_log_delete", "supervisor"),
    ("supervision:placement", "coordinator"),
    ("supervision:assignment_edit", "coordinator"),
    ("supervision:assignment_remove", "coordinator"),
    ("supervision:agreement", "coordinator"),
}
