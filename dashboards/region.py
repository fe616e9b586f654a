"""The region view for staff: every learning environment of a region side by side.

Per environment of the region in one school year: the balance (students per domain
against the target mix, how far off it, evenness over domains), own-domain
supervision coverage, and participation (students' attendance at sessions that took
place, published reflections per student), with a marker for the environments that
need help. The definitions are the dashboard's (``dashboards.figures``), so an
environment's row says what its dashboard says for the same school year; the
aggregation is grouped by environment instead: a constant number of queries (seven)
however many environments the region has, never a loop over the dashboards.

:func:`region_figures` returns exact numbers (cached per region and school year);
:func:`present` makes the rows one viewer sees: staff who do not coordinate an
environment see its counts with the dashboards' small-number suppression
(``dashboards.suppression``), as an organisation or a core team does, and a share or
a ratio only where the counts behind it are shown too.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from dashboards.ahead import CACHE_SECONDS, CACHE_VERSION
from dashboards.figures import (
    COUNTED_SESSIONS,
    UNDER_WAY,
    Period,
    evenness,
    school_year_bounds,
)
from dashboards.suppression import SUPPRESSED, count_cell, hidden_text, is_small
from environments.models import Domain, DomainTarget, LearningEnvironment, ProgrammeTarget, Region
from learning_networks.models import Attendance, Presence, taken_place
from placements.models import Placement, own_domain_supervision
from reflections.models import Reflection

# Below these an environment is marked as one that needs help.
COVERAGE_MIN = 0.8  # share of placements with a practice supervisor of the own domain
ATTENDANCE_MIN = 0.6  # share of invited students present at sessions that took place
REFLECTIONS_MIN = 1.0  # published reflections per student in the school year
OFF_TARGET_MAX = 0.25  # students away from the target mix, as a share of the targets


def current_school_year(today: datetime.date | None = None) -> str:
    """The school year a day falls in (1 August to 31 July), as ``2026-2027``."""
    today = today or timezone.localdate()
    first = today.year if today.month >= 8 else today.year - 1
    return f"{first}-{first + 1}"


def school_year_period(school_year: str) -> Period:
    start, end = school_year_bounds(school_year)
    return Period(start=start, end=end, label=_("school year %(year)s") % {"year": school_year})


# --- Exact figures ---------------------------------------------------------------------


@dataclass
class DomainCount:
    domain: str
    students: int
    target: int | None


@dataclass
class EnvironmentFigures:
    """One environment's exact numbers for the school year."""

    pk: int
    name: str
    domains: list[DomainCount] = field(default_factory=list)
    placements: int = 0  # placements under way (own-domain coverage's base)
    covered: int = 0  # of which with a practice supervisor of the student's own domain
    invited: int = 0  # students' invitations to sessions that took place
    present: int = 0  # of which present
    reflections: int = 0  # published in the school year

    @property
    def students(self) -> int:
        return sum(d.students for d in self.domains)

    @property
    def target(self) -> int | None:
        targets = [d.target for d in self.domains if d.target is not None]
        return sum(targets) if targets else None

    @property
    def off_target(self) -> int | None:
        """Students away from the target mix: per targeted domain the difference between
        students and target, added up (too many of one domain does not make up for too
        few of another)."""
        targeted = [d for d in self.domains if d.target is not None]
        if not targeted:
            return None
        return sum(abs(d.students - (d.target or 0)) for d in targeted)

    @property
    def evenness(self) -> float | None:
        return evenness([d.students for d in self.domains])

    @property
    def coverage(self) -> float | None:
        return self.covered / self.placements if self.placements else None

    @property
    def attendance(self) -> float | None:
        return self.present / self.invited if self.invited else None

    @property
    def reflections_per_student(self) -> float | None:
        return self.reflections / self.students if self.students else None

    @property
    def concerns(self) -> list[str]:
        """Why the environment needs help (empty: it does not)."""
        found = []
        if not self.students:
            found.append("no_students")
        off, target = self.off_target, self.target
        if off is not None and target and off / target > OFF_TARGET_MAX:
            found.append("off_target")
        if self.coverage is not None and self.coverage < COVERAGE_MIN:
            found.append("coverage")
        if self.attendance is not None and self.attendance < ATTENDANCE_MIN:
            found.append("attendance")
        per_student = self.reflections_per_student
        if per_student is not None and per_student < REFLECTIONS_MIN:
            found.append("reflections")
        return found


@dataclass
class RegionFigures:
    region_id: int
    school_year: str
    environments: list[EnvironmentFigures]
    computed_at: datetime.datetime


def region_figures(region: Region, school_year: str) -> RegionFigures:
    """Every environment of the region in the school year, exact (7 queries)."""
    period = school_year_period(school_year)
    environments = {
        e.pk: EnvironmentFigures(pk=e.pk, name=e.name)
        for e in LearningEnvironment.objects.filter(region=region, school_year=school_year)
        .only("pk", "name")
        .order_by("name", "pk")
    }
    ids = list(environments)
    if not ids:
        return RegionFigures(region.pk, school_year, [], timezone.now())
    under_way = Placement.objects.filter(
        environment_id__in=ids,
        status__in=UNDER_WAY,
        start_date__lte=period.end,
        end_date__gte=period.start,
    )
    # Balance, as figures.balance: a student counts once per programme; a domain's own
    # target over the sum of its programmes' targets.
    students: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        under_way.values("environment_id", "programme_id", "programme__domain")
        .annotate(students=Count("student", distinct=True))
        .order_by()
    ):
        students[row["environment_id"]][row["programme__domain"]] += row["students"]
    programme_targets: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for env_id, domain, target in ProgrammeTarget.objects.filter(
        environment_id__in=ids, students__gt=0
    ).values_list("environment_id", "programme__domain", "students"):
        programme_targets[env_id][domain] += target or 0
    domain_targets: dict[int, dict[str, int]] = defaultdict(dict)
    for env_id, domain, target in DomainTarget.objects.filter(environment_id__in=ids).values_list(
        "environment_id", "domain", "students"
    ):
        domain_targets[env_id][domain] = target
    for env_id, figures in environments.items():
        for domain in Domain.values:
            count = students[env_id].get(domain, 0)
            own = domain_targets[env_id].get(domain)
            summed = programme_targets[env_id].get(domain)
            target = own if own is not None else summed
            if own is None and not count and not summed:
                continue
            figures.domains.append(DomainCount(domain, count, target))
    # Own-domain supervision, as figures.supervision.
    for covered in (
        under_way.annotate(own=own_domain_supervision())
        .values("environment_id")
        .annotate(total=Count("pk"), covered=Count("pk", filter=Q(own=True)))
        .order_by()
    ):
        environments[covered["environment_id"]].placements = covered["total"]
        environments[covered["environment_id"]].covered = covered["covered"]
    # Students' attendance at the sessions that took place in the school year.
    for came in (
        Attendance.objects.filter(
            taken_place("session__"),
            session__network__environment_id__in=ids,
            session__status__in=COUNTED_SESSIONS,
            session__starts_at__gte=period.start_at,
            session__starts_at__lt=period.end_at,
            user__memberships__environment_id=F("session__network__environment_id"),
            user__memberships__role=Role.STUDENT,
        )
        .values("session__network__environment_id")
        .annotate(
            invited=Count("pk", distinct=True),
            present=Count("pk", filter=Q(presence=Presence.PRESENT), distinct=True),
        )
        .order_by()
    ):
        attended = environments[came["session__network__environment_id"]]
        attended.invited, attended.present = came["invited"], came["present"]
    # Published reflections, as figures.reflections.
    for env_id, count in (
        Reflection.objects.filter(
            environment_id__in=ids,
            published_at__gte=period.start_at,
            published_at__lt=period.end_at,
        )
        .values("environment_id")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("environment_id", "count")
    ):
        environments[env_id].reflections = count
    return RegionFigures(region.pk, school_year, list(environments.values()), timezone.now())


def cache_key(region: Region, school_year: str) -> str:
    return f"dashboards:{CACHE_VERSION}:region:{region.pk}:{school_year}"


def cached_region_figures(region: Region, school_year: str) -> RegionFigures:
    """The region's figures from the shared cache, computed when missing (for
    ``CACHE_SECONDS``, like an environment's dashboard)."""
    key = cache_key(region, school_year)
    hit = cache.get(key)
    if hit is None:
        hit = region_figures(region, school_year)
        cache.set(key, hit, CACHE_SECONDS)
    return hit


def school_years(region: Region) -> list[str]:
    """The school years the region has environments in, the current one among them,
    newest first (1 query)."""
    years = set(
        LearningEnvironment.objects.filter(region=region)
        .values_list("school_year", flat=True)
        .distinct()
    )
    years.add(current_school_year())
    return sorted(years, reverse=True)


# --- What a viewer sees -----------------------------------------------------------------


@dataclass
class Cell:
    """A number as shown (``text``) and as sorted and exported (``value``: None when
    it is not shown exactly)."""

    value: int | float | None
    text: str


def _number(value: int | float | None, text: str | None = None) -> Cell:
    from ulvo.lib.formats import cell

    if value is None:
        return Cell(None, "–")
    return Cell(value, text if text is not None else cell(value))


def _percent(value: float | None) -> Cell:
    if value is None:
        return Cell(None, "–")
    return Cell(round(value * 100), f"{value * 100:.0f}%")


def _count(value: int, suppress: bool) -> Cell:
    shown = count_cell(value, suppress)
    return _number(value) if shown == value else Cell(None, SUPPRESSED)


def _rate(part: int, whole: int, share: float | None, suppress: bool) -> Cell:
    """A share gives its counts away (part = share × whole): as ``dashboards.tables``
    shows a rate, "<5" when the whole is small, hidden when the part or the rest is."""
    if suppress and is_small(whole):
        return Cell(None, SUPPRESSED)
    if suppress and (is_small(part) or is_small(whole - part)):
        return Cell(None, hidden_text())
    return _percent(share)


# The columns that can be sorted, in the table's order after the environment's name.
COLUMNS = ["students", "target", "off_target", "evenness", "coverage", "attendance", "reflections"]


@dataclass
class EnvironmentRow:
    pk: int
    name: str
    cells: dict[str, Cell]
    domain_values: list[tuple[str, Cell, int | None]]  # domain, students, target
    concerns: list[str]
    suppressed: bool

    @property
    def needs_help(self) -> bool:
        return bool(self.concerns)

    @property
    def domains(self) -> list[tuple[str, str, str | None]]:
        """Per domain its label, the students and the target as the page shows them."""
        labels = {value: str(label) for value, label in Domain.choices}
        return [
            (labels[value], students.text, None if target is None else _number(target).text)
            for value, students, target in self.domain_values
        ]

    @property
    def concern_texts(self) -> list[str]:
        return [str(CONCERNS[concern]()) for concern in self.concerns]

    @property
    def ordered_cells(self) -> list[Cell]:
        return [self.cells[column] for column in COLUMNS]


CONCERNS = {
    "no_students": lambda: _("no students in a placement"),
    "off_target": lambda: _("far from the target mix"),
    "coverage": lambda: _("few own-domain supervisors"),
    "attendance": lambda: _("low attendance"),
    "reflections": lambda: _("few reflections"),
}


def present(figures: RegionFigures, coordinated: set[int]) -> list[EnvironmentRow]:
    """The rows one viewer sees: exact for the environments they coordinate
    (``coordinated``), suppressed for the others."""
    rows = []
    for env in figures.environments:
        suppress = env.pk not in coordinated
        # A domain's count from 1 to 4 would come back from the distance to the target
        # (the targets are shown) or from the evenness: those are shown only without.
        small_domain = suppress and any(is_small(d.students) for d in env.domains)
        per_student = env.reflections_per_student
        cells = {
            "students": _count(env.students, suppress),
            "target": _number(env.target),
            "off_target": (
                Cell(None, hidden_text())
                if small_domain and env.off_target is not None
                else _number(env.off_target)
            ),
            "evenness": (
                Cell(None, hidden_text())
                if small_domain and env.evenness is not None
                else _number(None if env.evenness is None else round(env.evenness, 2))
            ),
            "coverage": _rate(env.covered, env.placements, env.coverage, suppress),
            "attendance": _rate(env.present, env.invited, env.attendance, suppress),
            "reflections": (
                Cell(None, hidden_text())
                if suppress
                and per_student is not None
                and (is_small(env.reflections) or is_small(env.students))
                else _number(None if per_student is None else round(per_student, 1))
            ),
        }
        rows.append(
            EnvironmentRow(
                pk=env.pk,
                name=env.name,
                cells=cells,
                domain_values=[
                    (d.domain, _count(d.students, suppress), d.target) for d in env.domains
                ],
                concerns=env.concerns,
                suppressed=suppress,
            )
        )
    return rows


def sort_rows(rows: list[EnvironmentRow], sort: str) -> tuple[list[EnvironmentRow], str, bool]:
    """The rows sorted by a column (``name``, a column of ``COLUMNS`` or ``help``), a
    leading ``-`` for descending; values not shown exactly go last either way. Returns
    the rows, the column and whether descending (an unknown column sorts by name)."""
    descending = sort.startswith("-")
    column = sort.lstrip("-")
    by_name = sorted(rows, key=lambda r: (r.name.casefold(), r.pk))
    if column == "help":
        ordered = sorted(by_name, key=lambda r: len(r.concerns), reverse=descending)
        return ordered, column, descending
    if column not in COLUMNS:
        return (
            (by_name[::-1] if descending and column == "name" else by_name),
            "name",
            (descending and column == "name"),
        )
    known = [r for r in by_name if r.cells[column].value is not None]
    unknown = [r for r in by_name if r.cells[column].value is None]
    known.sort(key=lambda r: r.cells[column].value or 0, reverse=descending)
    return known + unknown, column, descending


def coordinated_environments(user: User, environment_ids: list[int]) -> set[int]:
    """The environments among these that the user coordinates (1 query)."""
    return set(
        user.memberships.filter(
            environment_id__in=environment_ids, role=Role.COORDINATOR, is_active=True
        ).values_list("environment_id", flat=True)
    )
