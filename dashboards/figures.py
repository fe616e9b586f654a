"""The participation-balance figures (DESIGN.md §5), as plain data.

Each figure is a function of an environment and a :class:`Period` (and, for a core
team's view, one network) that returns a dataclass of numbers. Aggregation happens in
SQL (GROUP BY with conditional counts); each function runs a fixed number of queries,
whatever the amount of data. Presentation (charts, tables, suppression of small
numbers, exports) is elsewhere: these numbers are exact.

Definitions chosen here:

- A placement counts in a period when it overlaps it and was under way then: status
  *active* or *completed* (planned and cancelled placements have no student on site).
  A student counts once per programme, however many placements they have in it.
- Evenness is Pielou's normalised Shannon index ``H / ln k`` with
  ``H = -Σ p ln p``. ``k`` is the number of categories that are in the environment's
  target mix **or** present: a targeted programme or domain without students counts
  as a category with share 0, so missing it lowers the evenness. With ``k ≤ 1``
  evenness is undefined (``None``): one category is trivially "even".
- Student hours count every logged entry (draft included) and, separately, the
  approved ones: the logged total shows where students spend their time, the approved
  total what has been signed off. Both are shown, labelled.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from environments.models import Domain, DomainTarget, LearningEnvironment, Level, ProgrammeTarget
from learning_networks.models import (
    Attendance,
    LearningNetwork,
    NetworkSession,
    Presence,
    SessionFeedback,
    SessionKind,
    SessionStatus,
    taken_place,
)
from placements.models import (
    ActivityEntry,
    Placement,
    PlacementStatus,
    Setting,
    Weekday,
    own_domain_supervision,
)
from reflections.models import Reflection
from supervision.models import TimeLog

if TYPE_CHECKING:
    from django.db.models import QuerySet

# Placements that had a student on site at some time.
UNDER_WAY = (PlacementStatus.ACTIVE, PlacementStatus.COMPLETED)
# Sessions that count: planned or held, not drafts or cancelled ones.
COUNTED_SESSIONS = (SessionStatus.PLANNED, SessionStatus.HELD)
# The week-by-week figure stops after this many weeks (a school year has 52-53).
MAX_WEEKS = 60
# Lists shown on the dashboard itself (the drill-down shows everything).
LIST_LIMIT = 20


# --- The period --------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A closed range of days, ``start`` to ``end`` inclusive."""

    start: datetime.date
    end: datetime.date
    label: str

    @property
    def start_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def end_at(self) -> datetime.datetime:
        """The first moment after the period."""
        after = self.end + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(after, datetime.time.min))


def school_year_bounds(school_year: str) -> tuple[datetime.date, datetime.date]:
    """A school year such as ``2026-2027`` runs from 1 August to 31 July."""
    first = int(school_year[:4])
    return datetime.date(first, 8, 1), datetime.date(first + 1, 7, 31)


# Terms of a school year as (first month, last month); four periods of three months,
# as most partner institutes plan them (1 Aug–31 Oct, 1 Nov–31 Jan, …).
TERMS = {1: (8, 10), 2: (11, 1), 3: (2, 4), 4: (5, 7)}


def term_bounds(school_year: str, term: int) -> tuple[datetime.date, datetime.date]:
    first_year = int(school_year[:4])
    start_month, end_month = TERMS[term]
    start = datetime.date(first_year + (start_month < 8), start_month, 1)
    end_year = first_year + (end_month < 8)
    following = datetime.date(end_year + (end_month == 12), end_month % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


# --- Evenness --------------------------------------------------------------------


def evenness(counts: list[int]) -> float | None:
    """Normalised Shannon evenness of the counts of ``k = len(counts)`` categories.

    Zero counts are categories that should be there and are not. ``None`` when it is
    undefined: fewer than two categories, or nobody at all.
    """
    k = len(counts)
    total = sum(counts)
    if k <= 1 or total == 0:
        return None
    h = -sum(c / total * math.log(c / total) for c in counts if c > 0)
    return h / math.log(k)


# --- 1. Placements against the target mix ------------------------------------------


@dataclass
class ProgrammeRow:
    programme_id: int
    name: str
    domain: str
    level: str
    students: int
    target: int | None

    @property
    def domain_label(self) -> str:
        return str(Domain(self.domain).label)

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label)

    @property
    def missing(self) -> bool:
        return bool(self.target) and self.students == 0

    @property
    def under_target(self) -> bool:
        return self.target is not None and 0 < self.students < self.target

    @property
    def shortfall(self) -> int:
        return max((self.target or 0) - self.students, 0)


@dataclass
class GroupRow:
    key: str
    label: str
    students: int
    target: int | None


@dataclass
class Balance:
    programmes: list[ProgrammeRow]
    domains: list[GroupRow]
    levels: list[GroupRow]
    domain_evenness: float | None
    programme_evenness: float | None
    total: int

    @property
    def alerts(self) -> list[ProgrammeRow]:
        return [row for row in self.programmes if row.missing or row.under_target]


def placements_in(environment: LearningEnvironment, period: Period) -> QuerySet[Placement]:
    """Placements under way in the environment at some time in the period."""
    return Placement.objects.filter(
        environment=environment,
        status__in=UNDER_WAY,
        start_date__lte=period.end,
        end_date__gte=period.start,
    )


def balance(environment: LearningEnvironment, period: Period) -> Balance:
    """Students per programme, domain and level against the target mix (3 queries)."""
    # A domain's own target (the coordinator's settings) over its programmes' sum.
    domain_targets = dict(
        DomainTarget.objects.filter(environment=environment).values_list("domain", "students")
    )
    targets = {
        t.programme_id: t
        for t in ProgrammeTarget.objects.filter(environment=environment).select_related("programme")
    }
    counted = (
        placements_in(environment, period)
        .values("programme_id", "programme__name", "programme__domain", "programme__level")
        .annotate(students=Count("student", distinct=True))
        .order_by()
    )
    rows: dict[int, ProgrammeRow] = {}
    for item in counted:
        target = targets.get(item["programme_id"])
        rows[item["programme_id"]] = ProgrammeRow(
            programme_id=item["programme_id"],
            name=item["programme__name"],
            domain=item["programme__domain"],
            level=item["programme__level"],
            students=item["students"],
            target=target.students if target else None,
        )
    for programme_id, target in targets.items():
        if programme_id not in rows:
            rows[programme_id] = ProgrammeRow(
                programme_id=programme_id,
                name=target.programme.name,
                domain=target.programme.domain,
                level=target.programme.level,
                students=0,
                target=target.students,
            )
    programmes = sorted(rows.values(), key=lambda r: (r.domain, r.name))

    def group(attribute: str, choices: type[Domain] | type[Level]) -> list[GroupRow]:
        result = []
        for value, label in choices.choices:
            members = [r for r in programmes if getattr(r, attribute) == value]
            targeted = [r.target for r in members if r.target]
            students = sum(r.students for r in members)
            own = domain_targets.get(value) if attribute == "domain" else None
            if own is None and (not members or (students == 0 and not targeted)):
                continue
            result.append(
                GroupRow(
                    key=value,
                    label=str(label),
                    students=students,
                    target=own if own is not None else (sum(targeted) if targeted else None),
                )
            )
        return result

    domains = group("domain", Domain)
    # k: categories in the target mix or present (rows exist only for those).
    programme_counts = [r.students for r in programmes if r.students or r.target]
    return Balance(
        programmes=programmes,
        domains=domains,
        levels=group("level", Level),
        domain_evenness=evenness([d.students for d in domains]),
        programme_evenness=evenness(programme_counts),
        total=sum(r.students for r in programmes),
    )


# --- 2. Week by week: who is on site together ------------------------------------


@dataclass
class WeekRow:
    start: datetime.date
    # domain -> students on site on at least one day of the week
    on_site: dict[str, int]
    # the weekday on which most domains are on site together, and how many
    best_day: int | None
    domains_together: int
    domains_on_site: int

    @property
    def best_day_label(self) -> str:
        return str(Weekday(self.best_day).label) if self.best_day else ""

    @property
    def apart(self) -> bool:
        """Domains are on site this week but never on the same day."""
        return self.domains_on_site > 1 and self.domains_together < self.domains_on_site


@dataclass
class OnSite:
    weeks: list[WeekRow]
    domains: list[str]
    truncated: bool = False

    @property
    def weeks_apart(self) -> int:
        return sum(1 for w in self.weeks if w.apart)


def on_site(environment: LearningEnvironment, period: Period) -> OnSite:
    """Students of each domain on site per week, and the day most domains meet (1 query).

    SQL groups the placements by (domain, days on site, start, end) — a handful of
    rows per environment — and the calendar arithmetic over those groups is done here.
    """
    groups = list(
        placements_in(environment, period)
        .exclude(weekdays_on_site=0)
        .values("programme__domain", "weekdays_on_site", "start_date", "end_date")
        .annotate(students=Count("student", distinct=True))
        .order_by()
    )
    first = period.start - datetime.timedelta(days=period.start.weekday())
    count = min(MAX_WEEKS, (period.end - first).days // 7 + 1)
    last_day = min(period.end, first + datetime.timedelta(weeks=count) - datetime.timedelta(days=1))
    domains = [d for d in Domain.values if any(g["programme__domain"] == d for g in groups)]
    # Difference arrays over the weeks: per (domain, weekday) and per domain (any day).
    by_day = {(d, day): [0] * (count + 1) for d in domains for day in Weekday.values}
    by_week = {d: [0] * (count + 1) for d in domains}
    for g in groups:
        domain, students = g["programme__domain"], g["students"]
        start, end = max(g["start_date"], period.start), min(g["end_date"], last_day)
        spans = []
        for day in Weekday.values:
            if not g["weekdays_on_site"] & (1 << (day - 1)):
                continue
            # The first and the last of this weekday within the range, as week numbers.
            first_on = start + datetime.timedelta(days=(day - 1 - start.weekday()) % 7)
            last_on = end - datetime.timedelta(days=(end.weekday() - (day - 1)) % 7)
            if first_on > last_on:
                continue
            w0, w1 = (first_on - first).days // 7, (last_on - first).days // 7
            by_day[domain, day][w0] += students
            by_day[domain, day][w1 + 1] -= students
            spans.append((w0, w1))
        if spans:
            # The weekdays' spans overlap or touch: together they cover one run of weeks.
            by_week[domain][min(w0 for w0, _ in spans)] += students
            by_week[domain][max(w1 for _, w1 in spans) + 1] -= students
    running_day = dict.fromkeys(by_day, 0)
    running_week = dict.fromkeys(domains, 0)
    weeks: list[WeekRow] = []
    for index in range(count):
        for key in by_day:
            running_day[key] += by_day[key][index]
        for d in domains:
            running_week[d] += by_week[d][index]
        best_day, together = None, 0
        for day in Weekday.values:
            present = sum(1 for d in domains if running_day[d, day])
            if present > together:
                best_day, together = day, present
        weeks.append(
            WeekRow(
                start=first + datetime.timedelta(weeks=index),
                on_site=dict(running_week),
                best_day=best_day,
                domains_together=together,
                domains_on_site=sum(1 for n in running_week.values() if n),
            )
        )
    truncated = first + datetime.timedelta(weeks=count) <= period.end
    return OnSite(weeks=weeks, domains=domains, truncated=truncated)


# --- 3. Sessions and attendance at mixed sessions -------------------------------------


@dataclass
class KindRow:
    kind: str
    sessions: int
    held: int

    @property
    def label(self) -> str:
        return str(SessionKind(self.kind).label)


@dataclass
class RateRow:
    key: str
    label: str
    invited: int
    present: int
    # A programme's row knows its domain, so suppression can protect within it.
    domain: str = ""

    @property
    def rate(self) -> float | None:
        return self.present / self.invited if self.invited else None


@dataclass
class AbsentRow:
    session_id: int
    theme: str
    starts_at: datetime.datetime
    network: str
    absent_domains: list[str]

    @property
    def absent_labels(self) -> list[str]:
        return [str(Domain(d).label) for d in self.absent_domains]


@dataclass
class Sessions:
    kinds: list[KindRow]
    programmes: list[RateRow]
    domains: list[RateRow]
    absent: list[AbsentRow]
    mixed_held: int

    @property
    def total(self) -> int:
        return sum(k.sessions for k in self.kinds)


def sessions_in(
    environment: LearningEnvironment, period: Period, network: LearningNetwork | None = None
) -> QuerySet[NetworkSession]:
    sessions = NetworkSession.objects.filter(
        network__environment=environment,
        status__in=COUNTED_SESSIONS,
        starts_at__gte=period.start_at,
        starts_at__lt=period.end_at,
    )
    if network is not None:
        sessions = sessions.filter(network=network)
    return sessions


def sessions(
    environment: LearningEnvironment, period: Period, network: LearningNetwork | None = None
) -> Sessions:
    """Sessions by kind; attendance at mixed sessions that took place (3 queries).

    An attendee's programme is their student membership of the environment; invited
    professionals are not counted in the rates. The domains expected at a mixed
    session are those of the students invited to it.
    """
    base = sessions_in(environment, period, network)
    by_kind = {
        row["kind"]: row
        for row in base.values("kind")
        .annotate(sessions=Count("pk"), held=Count("pk", filter=taken_place()))
        .order_by()
    }
    kinds = [
        KindRow(kind=kind, sessions=by_kind[kind]["sessions"], held=by_kind[kind]["held"])
        for kind in SessionKind.values
        if kind in by_kind
    ]
    mixed = base.filter(taken_place(), kind=SessionKind.MIXED)
    # One row per (session, programme): everything the three tables need.
    rows = list(
        Attendance.objects.filter(
            session__in=mixed,
            user__memberships__environment=environment,
            user__memberships__role=Role.STUDENT,
        )
        .values(
            "session_id",
            "user__memberships__programme_id",
            "user__memberships__programme__name",
            "user__memberships__programme__domain",
        )
        .annotate(
            invited=Count("pk"),
            present=Count("pk", filter=Q(presence=Presence.PRESENT)),
        )
        .order_by()
    )
    programmes: dict[int, RateRow] = {}
    domains: dict[str, RateRow] = {}
    expected: dict[int, set[str]] = defaultdict(set)
    came: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        pid = row["user__memberships__programme_id"]
        domain = row["user__memberships__programme__domain"]
        # One row per session and programme: a programme's and a domain's row are made
        # (and their labels translated) once, not once per session.
        p = programmes.get(pid)
        if p is None:
            name = row["user__memberships__programme__name"]
            p = programmes[pid] = RateRow(str(pid), name, 0, 0, domain)
        d = domains.get(domain)
        if d is None:
            d = domains[domain] = RateRow(domain, str(Domain(domain).label), 0, 0)
        for target in (p, d):
            target.invited += row["invited"]
            target.present += row["present"]
        expected[row["session_id"]].add(domain)
        if row["present"]:
            came[row["session_id"]].add(domain)
    gaps = {sid: expected[sid] - came[sid] for sid in expected if expected[sid] - came[sid]}
    absent = [
        AbsentRow(
            session_id=s.pk,
            theme=s.theme,
            starts_at=s.starts_at,
            network=s.network.name,
            absent_domains=sorted(gaps[s.pk], key=Domain.values.index),
        )
        for s in mixed.filter(pk__in=list(gaps)[:500])
        .select_related("network")
        .only("pk", "theme", "starts_at", "network__name")
        .order_by("starts_at")
    ]
    return Sessions(
        kinds=kinds,
        programmes=sorted(programmes.values(), key=lambda r: r.label),
        domains=sorted(domains.values(), key=lambda r: Domain.values.index(r.key)),
        absent=absent,
        mixed_held=by_kind[SessionKind.MIXED]["held"] if SessionKind.MIXED in by_kind else 0,
    )


# --- 4. Own-domain supervision -----------------------------------------------------


@dataclass
class Supervision:
    domains: list[RateRow]
    total: int
    covered: int

    @property
    def share(self) -> float | None:
        return self.covered / self.total if self.total else None

    @property
    def gaps(self) -> int:
        return self.total - self.covered


def supervision(environment: LearningEnvironment, period: Period) -> Supervision:
    """Placements whose student has a practice supervisor of their own domain (1 query)."""
    rows = (
        placements_in(environment, period)
        .annotate(own=own_domain_supervision())
        .values("programme__domain")
        .annotate(total=Count("pk"), covered=Count("pk", filter=Q(own=True)))
        .order_by()
    )
    by_domain = {row["programme__domain"]: row for row in rows}
    domains = [
        RateRow(
            key=d,
            label=str(label),
            invited=by_domain[d]["total"],
            present=by_domain[d]["covered"],
        )
        for d, label in Domain.choices
        if d in by_domain
    ]
    return Supervision(
        domains=domains,
        total=sum(r.invited for r in domains),
        covered=sum(r.present for r in domains),
    )


def supervision_gaps(environment: LearningEnvironment, period: Period) -> QuerySet[Placement]:
    return (
        placements_in(environment, period)
        .annotate(own=own_domain_supervision())
        .filter(own=False)
        .select_related("student", "programme", "school", "neighbourhood_organisation")
        .order_by("programme__domain", "student__full_name")
    )


# --- 5. Hours --------------------------------------------------------------------


@dataclass
class HoursRow:
    key: str
    label: str
    minutes: int
    approved_minutes: int = 0
    domain: str = ""

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def approved_hours(self) -> float:
        return round(self.approved_minutes / 60, 1)

    @property
    def domain_label(self) -> str:
        return str(Domain(self.domain).label) if self.domain else ""


def student_hours(environment: LearningEnvironment, period: Period) -> list[HoursRow]:
    """Minutes logged by students per setting, all and approved (1 query)."""
    rows = {
        row["setting"]: row
        for row in ActivityEntry.objects.filter(
            placement__environment=environment, date__gte=period.start, date__lte=period.end
        )
        .values("setting")
        .annotate(logged=Sum("minutes"), approved=Sum("minutes", filter=Q(status="approved")))
        .order_by()
    }
    return [
        HoursRow(
            key=setting,
            label=str(label),
            minutes=rows[setting]["logged"] or 0,
            approved_minutes=rows[setting]["approved"] or 0,
        )
        for setting, label in Setting.choices
        if setting in rows
    ]


def professional_hours(environment: LearningEnvironment, period: Period) -> list[HoursRow]:
    """Minutes professionals logged per organisation and domain (1 query)."""
    rows = (
        TimeLog.objects.filter(
            environment=environment, date__gte=period.start, date__lte=period.end
        )
        .values("organisation_id", "organisation__name", "domain")
        .annotate(logged=Sum("minutes"))
        .order_by("organisation__name", "domain")
    )
    return [
        HoursRow(
            key=f"{row['organisation_id']}-{row['domain']}",
            label=row["organisation__name"] or str(_("no organisation")),
            minutes=row["logged"] or 0,
            domain=row["domain"] or "",
        )
        for row in rows
    ]


# --- 6. Reflections and usefulness --------------------------------------------------

MECHANISMS = [
    ("shows_identification", _("identification")),
    ("shows_coordination", _("coordination")),
    ("shows_reflection", _("reflection")),
    ("shows_transformation", _("transformation")),
]


@dataclass
class CountRow:
    key: str
    label: str
    count: int


@dataclass
class Reflections:
    mechanisms: list[CountRow]
    total: int


def reflections(environment: LearningEnvironment, period: Period) -> Reflections:
    """Published reflections per learning mechanism: counts only, never text (1 query)."""
    counts = Reflection.objects.filter(
        environment=environment,
        published_at__gte=period.start_at,
        published_at__lt=period.end_at,
    ).aggregate(
        total=Count("pk"), **{m: Count("pk", filter=Q(**{m: True})) for m, _l in MECHANISMS}
    )
    return Reflections(
        mechanisms=[CountRow(m, str(label), counts[m]) for m, label in MECHANISMS],
        total=counts["total"],
    )


@dataclass
class MonthRow:
    month: datetime.date
    responses: int
    usefulness: float | None
    relevance: float | None


def usefulness(
    environment: LearningEnvironment, period: Period, network: LearningNetwork | None = None
) -> list[MonthRow]:
    """Average usefulness and relevance of sessions per month of the session (1 query)."""
    rows = (
        SessionFeedback.objects.filter(session__in=sessions_in(environment, period, network))
        .annotate(month=TruncMonth("session__starts_at"))
        .values("month")
        .annotate(responses=Count("pk"), usefulness=Avg("usefulness"), relevance=Avg("relevance"))
        .order_by("month")
    )
    result = []
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        result.append(
            MonthRow(
                month=month,
                responses=row["responses"],
                usefulness=round(row["usefulness"], 2) if row["usefulness"] is not None else None,
                relevance=round(row["relevance"], 2) if row["relevance"] is not None else None,
            )
        )
    return result


# --- Everything for one page ---------------------------------------------------------


@dataclass
class Dashboard:
    environment: LearningEnvironment
    period: Period
    balance: Balance
    on_site: OnSite
    sessions: Sessions
    supervision: Supervision
    student_hours: list[HoursRow]
    professional_hours: list[HoursRow]
    reflections: Reflections
    usefulness: list[MonthRow]
    extra: dict[str, object] = field(default_factory=dict)


def dashboard(environment: LearningEnvironment, period: Period) -> Dashboard:
    return Dashboard(
        environment=environment,
        period=period,
        balance=balance(environment, period),
        on_site=on_site(environment, period),
        sessions=sessions(environment, period),
        supervision=supervision(environment, period),
        student_hours=student_hours(environment, period),
        professional_hours=professional_hours(environment, period),
        reflections=reflections(environment, period),
        usefulness=usefulness(environment, period),
    )
