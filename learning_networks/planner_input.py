"""The date finder's input: a network's members as the planner sees them, and the
days nobody plans on.

:mod:`learning_networks.planner` takes plain data and runs no queries; this module is
its other half, the one place that turns memberships, placements, declared
unavailability and other sessions into :class:`~learning_networks.planner.Participant`
objects. The view asks it for the participants and the planner for the ranking.
"""

import datetime
from collections.abc import Sequence
from typing import NamedTuple

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.models import Membership, Role, guessed_domain
from environments.models import Domain, Programme
from learning_networks.models import (
    Attendance,
    ClosedDay,
    LearningNetwork,
    SchoolHoliday,
    SessionStatus,
    Unavailability,
    WorkingDays,
)
from learning_networks.planner import WORKING_DAYS, Closure, Participant
from placements.models import Placement, PlacementStatus, mask_to_weekdays

Interval = tuple[datetime.datetime, datetime.datetime]


class Participants(NamedTuple):
    students: list[Participant]
    professionals: list[Participant]


def network_participants(
    network: LearningNetwork, *, first_day: datetime.date, last_day: datetime.date
) -> Participants:
    """The network's members who are active in its environment, as the planner sees
    them between ``first_day`` and ``last_day`` (both inclusive), in five queries
    whatever the number of members.

    Students come from their first active placement in the period (days on site, class
    days, its dates); a student without one has no days on site, so never counts as
    able to come. Professionals can come on the days they work in the environment
    (``WorkingDays``), every weekday when they have not said. Both are busy during
    their declared unavailability (dates and weekly blocks) and the other sessions
    they are invited to that are not cancelled.
    """
    environment = network.environment
    member_ids = list(network.memberships.values_list("user_id", flat=True))
    student_programme: dict[int, Programme] = {}
    # A professional's own domain, for the count of professionals only (the planner
    # weighs students by domain; professionals are counted beside them): the one
    # recorded on their membership, else guessed from the organisation.
    professional_domain: dict[int, str] = {}
    working_days: dict[int, int | None] = {}
    active: set[int] = set()
    for membership in (
        Membership.objects.filter(environment=environment, user_id__in=member_ids, is_active=True)
        .select_related("programme", "organisation")
        .annotate(
            working_days=Subquery(
                WorkingDays.objects.filter(
                    user_id=OuterRef("user_id"), environment=environment
                ).values("weekdays")[:1]
            )
        )
    ):
        active.add(membership.user_id)
        working_days[membership.user_id] = membership.working_days
        if membership.role == Role.STUDENT and membership.programme is not None:
            student_programme[membership.user_id] = membership.programme
        else:
            domain = membership.domain or guessed_domain(membership.organisation)
            if domain:
                professional_domain.setdefault(membership.user_id, domain)
    placements: dict[int, Placement] = {}
    for candidate in (
        Placement.objects.filter(
            environment=environment,
            student_id__in=list(student_programme),
            status=PlacementStatus.ACTIVE,
            end_date__gte=first_day,
            start_date__lte=last_day,
        )
        .select_related("programme")
        .order_by("start_date", "pk")
    ):
        # The first placement of the period; a later one overlaps less of it.
        placements.setdefault(candidate.student_id, candidate)
    busy = _busy(member_ids, first_day=first_day, last_day=last_day)

    participants = Participants(students=[], professionals=[])
    for user_id in member_ids:
        if user_id not in active:
            # No longer active in the environment: not expected at sessions.
            continue
        periods = tuple(busy.get(user_id, ()))
        if user_id in student_programme:
            placement = placements.get(user_id)
            programme = placement.programme if placement else student_programme[user_id]
            participants.students.append(
                Participant(
                    key=user_id,
                    programme=programme.name,
                    domain=programme.domain,
                    on_site_days=frozenset(
                        mask_to_weekdays(placement.weekdays_on_site) if placement else ()
                    ),
                    class_days=frozenset(
                        mask_to_weekdays(placement.institute_days) if placement else ()
                    ),
                    available_from=placement.start_date if placement else None,
                    available_until=placement.end_date if placement else None,
                    busy=periods,
                )
            )
        else:
            participants.professionals.append(
                Participant(
                    key=user_id,
                    programme="",
                    domain=professional_domain.get(user_id, Domain.EDUCATIONAL),
                    on_site_days=frozenset(_working_days(working_days.get(user_id))),
                    class_days=frozenset(),
                    busy=periods,
                )
            )
    return participants


def _working_days(mask: int | None) -> Sequence[int]:
    """The weekdays a professional works: those they said, else every weekday."""
    return WORKING_DAYS if mask is None else mask_to_weekdays(mask)


def _busy(
    user_ids: list[int], *, first_day: datetime.date, last_day: datetime.date
) -> dict[int, list[Interval]]:
    """Per user, the times within the period they cannot come: declared unavailability
    and the sessions they are invited to that are not cancelled."""
    zone = timezone.get_current_timezone()
    period_start = datetime.datetime.combine(first_day, datetime.time.min, tzinfo=zone)
    period_end = datetime.datetime.combine(
        last_day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    busy: dict[int, list[Interval]] = {}
    # The reason is the owner's alone: the finder only learns when someone cannot come.
    for unavailable in (
        Unavailability.objects.filter(user_id__in=user_ids)
        .touching(first_day, last_day)
        .defer("reason")
    ):
        busy.setdefault(unavailable.user_id, []).extend(unavailable.periods(first_day, last_day))
    for user_id, starts, ends in (
        Attendance.objects.filter(
            user_id__in=user_ids,
            session__starts_at__lt=period_end,
            session__ends_at__gt=period_start,
        )
        .exclude(session__status=SessionStatus.CANCELLED)
        .values_list("user_id", "session__starts_at", "session__ends_at")
    ):
        busy.setdefault(user_id, []).append((starts, ends))
    return busy


def network_closures(
    network: LearningNetwork, *, first_day: datetime.date, last_day: datetime.date
) -> list[Closure]:
    """The school holidays of the environment's region and its closed days that touch
    the period, as the planner sees them, in two queries."""
    environment = network.environment
    closures = [
        Closure(holiday.first_day, holiday.last_day, holiday.get_kind_display())
        for holiday in SchoolHoliday.objects.overlapping(
            environment.holiday_region, first_day, last_day
        )
    ]
    closures += [
        Closure(closed.first_day, closed.last_day, closed.reason)
        for closed in ClosedDay.objects.overlapping(environment, first_day, last_day)
    ]
    return closures
