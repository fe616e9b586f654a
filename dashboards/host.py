"""The host view's people (#19, part 3): who is in the building this week at a school or
neighbourhood organisation, with their programme, weekdays on site and supervisors —
what a host legitimately needs, and only students placed at that host. Shown to the
host's professionals (not its colleagues, who keep the counts) and to coordinators."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from accounts.models import Role, User
from dashboards.tables import FigureTable, Row
from environments.models import LearningEnvironment, Organisation
from placements.models import Placement, PlacementStatus, SupervisionAssignment

# Professionals of a host who see its students by name (a colleague supervises nobody).
HOST_PROFESSIONALS = (Role.PRACTICE_SUPERVISOR, Role.SCHOOL_TRAINER)


@dataclass
class HostStudent:
    name: str
    programme: str
    weekdays: list[str]
    supervisors: list[str] = field(default_factory=list)


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday and Sunday of the week of ``day``."""
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def sees_students(user: User, environment: LearningEnvironment, organisation: Organisation) -> bool:
    """Coordinators, and the host's supervisors and school trainers while active."""
    return (
        user.is_coordinator_of(environment)
        or user.memberships.filter(
            environment=environment,
            organisation=organisation,
            role__in=HOST_PROFESSIONALS,
            is_active=True,
        ).exists()
    )


def in_the_building(
    environment: LearningEnvironment, organisation: Organisation, day: datetime.date
) -> list[HostStudent]:
    """Students with a placement at the host in the week of ``day`` (not cancelled), by
    name, each with their supervisors (two queries whatever the number)."""
    monday, sunday = week_of(day)
    placements = (
        Placement.objects.filter(
            Q(school=organisation) | Q(neighbourhood_organisation=organisation),
            environment=environment,
            start_date__lte=sunday,
            end_date__gte=monday,
        )
        .exclude(status=PlacementStatus.CANCELLED)
        .select_related("student", "programme")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=SupervisionAssignment.objects.select_related("supervisor").order_by(
                    "role", "pk"
                ),
            )
        )
        .order_by("student__full_name", "pk")
    )
    return [
        HostStudent(
            name=placement.student.full_name,
            programme=placement.programme.name,
            weekdays=placement.days_on_site_labels(),
            supervisors=[
                _("%(name)s (%(role)s)")
                % {
                    "name": assignment.supervisor.full_name
                    if assignment.supervisor
                    else assignment.name,
                    "role": assignment.get_role_display(),
                }
                for assignment in placement.assignments.all()
            ],
        )
        for placement in placements
    ]


def building_table(students: list[HostStudent]) -> FigureTable:
    """The same list as a table, for the CSV export."""
    return FigureTable(
        key="in-the-building",
        title=_("In the building this week"),
        columns=[_("Student"), _("Programme"), _("Days on site"), _("Supervisors")],
        rows=[
            Row(
                [
                    student.name,
                    student.programme,
                    ", ".join(student.weekdays),
                    "; ".join(student.supervisors),
                ]
            )
            for student in students
        ],
    )
