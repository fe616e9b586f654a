"""Demo unavailability and working days, through the services.

Called by ``manage.py demo`` inside its transaction, after the networks. A few
professionals of each demo environment work part-time (their working days), some
have a weekly block (a team meeting) or a day off ahead, and the named student has a
weekly block and a date, so the page is not empty at the first login. Someone who
already has unavailability or working days keeps them: running the command again
adds nothing. Everything random is seeded by e-mail address.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, Role, User
from environments.models import LearningEnvironment
from learning_networks.availability_services import unavailability_add, working_days_set
from learning_networks.models import Unavailability, UnavailabilityKind, WorkingDays
from ulvo.lib.demo import DEMO_DOMAIN, DemoWriter

NAMED_STUDENT = f"student{DEMO_DOMAIN}"
# Part-time patterns of people in schools and neighbourhood teams.
PART_TIME = ([1, 2, 4], [2, 3, 4, 5], [1, 2, 3], [3, 4, 5], [1, 4, 5])
REASONS = ("Teamoverleg", "Intervisie", "Les op de hogeschool", "Werkoverleg wijkteam")


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def _weekday_ahead(today: datetime.date, weeks: int, weekday: int) -> datetime.date:
    monday = today + datetime.timedelta(days=7 * weeks - today.weekday())
    return monday + datetime.timedelta(days=weekday - 1)


def _weekly(user: User, weekday: int, hours: tuple[int, int] | None, reason: str) -> None:
    unavailability_add(
        unavailability=Unavailability(
            kind=UnavailabilityKind.WEEKLY,
            weekday=weekday,
            starts_time=datetime.time(hours[0]) if hours else None,
            ends_time=datetime.time(hours[1]) if hours else None,
            reason=reason,
        ),
        user=user,
    )


def _date(user: User, day: datetime.date, hours: tuple[int, int] | None, reason: str) -> None:
    starts, ends = (
        (_at(day, hours[0]), _at(day, hours[1]))
        if hours
        else (
            _at(day, 0),
            _at(day + datetime.timedelta(days=1), 0),
        )
    )
    unavailability_add(
        unavailability=Unavailability(starts_at=starts, ends_at=ends, reason=reason), user=user
    )


def create_demo_availability(
    *, environments: Iterable[LearningEnvironment], stdout: DemoWriter
) -> None:
    environments = list(environments)
    today = timezone.localdate()
    declared = set(Unavailability.objects.values_list("user_id", flat=True).distinct())
    working = set(WorkingDays.objects.values_list("user_id", "environment_id"))
    blocks = days = 0
    memberships = (
        Membership.objects.filter(
            environment__in=environments, is_active=True, user__email__endswith=DEMO_DOMAIN
        )
        .filter(~Q(role=Role.STUDENT))
        .select_related("user")
        .order_by("environment_id", "user__email", "pk")
    )
    for membership in memberships:
        user = membership.user
        rng = random.Random(user.email)
        key = (user.pk, membership.environment_id)
        # Coordinators plan; about a third of the others work part-time.
        if key not in working and membership.role != Role.COORDINATOR and rng.random() < 0.35:
            working_days_set(
                user=user, environment=membership.environment, weekdays=rng.choice(PART_TIME)
            )
            working.add(key)
            days += 1
        if user.pk in declared:
            continue
        declared.add(user.pk)
        if rng.random() < 0.4:
            _weekly(user, rng.choice([1, 2, 3, 4, 5]), (13, 15), rng.choice(REASONS))
            blocks += 1
        if rng.random() < 0.3:
            _date(user, _weekday_ahead(today, rng.randint(1, 5), rng.randint(1, 5)), None, "Vrij")
            blocks += 1
    student = User.objects.filter(email=NAMED_STUDENT).first()
    if student is not None and student.pk not in declared:
        _weekly(student, 3, (16, 18), "Bijbaan")
        _date(student, _weekday_ahead(today, 2, 2), (9, 12), "Tentamen")
        blocks += 2
    stdout.write(f"Unavailability: {blocks} entries and {days} professionals' working days added.")
