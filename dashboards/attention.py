"""What needs a coordinator's attention, for the home page: three things per
environment, each with the page where the coordinator acts on it.

- programmes below their target in the environment's school year: the dashboard's
  definition (:func:`dashboards.figures.placements_in`, :class:`ProgrammeRow`), acted on
  from the balance dashboard;
- active placements whose student has no practice supervisor of their own domain: the
  definition of the supervision gaps page (``own_domain_supervision``), which lists them;
- weeks submitted more than :data:`WAITING_DAYS` days ago and still not signed off; the
  one waiting longest leads to its placement's supervision, where the coordinator sees
  who signs off and can choose someone else.

Four queries, whatever the number of environments, placements or weeks.
"""

from __future__ import annotations

import datetime
import operator
from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from dashboards.figures import Period, ProgrammeRow, placements_in, school_year_bounds
from environments.models import ProgrammeTarget
from placements.models import Placement, PlacementStatus, Week, WeekStatus, own_domain_supervision

if TYPE_CHECKING:
    from collections.abc import Sequence

    from environments.models import LearningEnvironment

# A week waiting longer than this for sign-off is the coordinator's concern.
WAITING_DAYS = 7


@dataclass
class Attention:
    environment: LearningEnvironment
    below_target: list[ProgrammeRow] = field(default_factory=list)
    gaps: int = 0
    waiting: int = 0
    longest_waiting: Week | None = None

    @property
    def anything(self) -> bool:
        return bool(self.below_target or self.gaps or self.waiting)


def school_year(environment: LearningEnvironment) -> Period:
    """The dashboard's default period: the environment's school year."""
    start, end = school_year_bounds(environment.school_year)
    return Period(start=start, end=end, label=environment.school_year)


def attention(
    environments: Sequence[LearningEnvironment], *, now: datetime.datetime
) -> list[Attention]:
    """One :class:`Attention` per environment, in the order given (4 queries)."""
    if not environments:
        return []
    found = {environment.pk: Attention(environment=environment) for environment in environments}

    targets = ProgrammeTarget.objects.filter(environment__in=environments).select_related(
        "programme"
    )
    under_way = reduce(operator.or_, (placements_in(e, school_year(e)) for e in environments))
    students = {
        (row["environment_id"], row["programme_id"]): row["students"]
        for row in under_way.values("environment_id", "programme_id")
        .annotate(students=Count("student", distinct=True))
        .order_by()
    }
    for target in targets.order_by("programme__domain", "programme__name"):
        programme = ProgrammeRow(
            programme_id=target.programme_id,
            name=target.programme.name,
            domain=target.programme.domain,
            level=target.programme.level,
            students=students.get((target.environment_id, target.programme_id), 0),
            target=target.students,
        )
        if programme.missing or programme.under_target:
            found[target.environment_id].below_target.append(programme)

    gaps = (
        Placement.objects.filter(environment__in=environments, status=PlacementStatus.ACTIVE)
        .annotate(has_own=own_domain_supervision())
        .filter(has_own=False)
        .values("environment_id")
        .annotate(gaps=Count("pk"))
        .order_by()
    )
    for row in gaps:
        found[row["environment_id"]].gaps = row["gaps"]

    per_environment = F("placement__environment_id")
    longest = (
        Week.objects.filter(
            placement__environment__in=environments,
            status=WeekStatus.SUBMITTED,
            submitted_at__lt=now - datetime.timedelta(days=WAITING_DAYS),
        )
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[per_environment], order_by=["submitted_at", "pk"]
            ),
            waiting=Window(Count("pk"), partition_by=[per_environment]),
        )
        .filter(rank=1)
        .select_related("placement__student")
    )
    for week in longest:
        entry = found[week.placement.environment_id]
        entry.waiting = week.waiting
        entry.longest_waiting = week
    return list(found.values())
