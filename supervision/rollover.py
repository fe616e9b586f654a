"""Rollover: a coordinator starts next school year's environment from this one (#14,
part 5).

What may be carried over, each a choice of the coordinator: the partner organisations,
the programmes taking part with their targets (and the domain targets), the
responsibility agreement, the learning networks with their core teams (never their
other members), the learning lines with their sessions, as drafts on the same weekday
of the same school-year week a year later, and the shared learning outcomes. Never
what students did: placements, logged work, weeks, reflections, attendance, feedback.
The old environment is not changed at all; the coordinator who rolls it over becomes
coordinator of the new one.

A session that lands in one of the new year's school holidays (of the environment's
holiday region) or on a day the new environment marked closed is carried all the same,
as a draft, and listed, so the coordinator moves it. Running the rollover again adds
only what is missing: the :class:`~supervision.models.Rollover` row remembers which
network, line and session became which, so a renamed line or a moved or removed draft
is not made a second time.

It lives in supervision, high in the import layers, because it reads learning networks,
reflections and supervision alike.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_bulk_created, audit_saved, current_actor_id
from accounts.models import Role
from accounts.navigation import navigation_forget
from accounts.services import membership_set
from environments.models import (
    DomainTarget,
    LearningEnvironment,
    Organisation,
    Partnership,
    ProgrammeTarget,
)
from learning_networks.models import (
    ClosedDay,
    FeedbackDecision,
    HolidayKind,
    LearningLine,
    LearningNetwork,
    NetworkMembership,
    NetworkSession,
    SchoolHoliday,
    SessionStatus,
)
from learning_networks.services import line_order_by_date
from reflections.models import LearningOutcome
from supervision.models import ResponsibilityAgreement, Rollover

if TYPE_CHECKING:
    from accounts.models import User


def next_school_year(school_year: str) -> str:
    """2026-2027 → 2027-2028."""
    first = int(school_year.split("-")[0]) + 1
    return f"{first}-{first + 1}"


def school_year_start(region: str, school_year: str) -> datetime.date | None:
    """The Monday of the first school week of a school year in a holiday region: the
    week after the summer holiday before it; None while that holiday is not known."""
    first = int(school_year.split("-")[0])
    summer = SchoolHoliday.objects.filter(
        region=region, kind=HolidayKind.SUMMER, school_year=f"{first - 1}-{first}"
    ).first()
    if summer is None:
        return None
    day = summer.last_day + datetime.timedelta(days=1)
    return day - datetime.timedelta(days=day.weekday())


def weeks_to_next_year(region: str, school_year: str) -> int | None:
    """52 or 53: how many weeks on the same school week of the next school year lies,
    from the first school weeks of both years; None when either is not known."""
    this_start = school_year_start(region, school_year)
    next_start = school_year_start(region, next_school_year(school_year))
    if this_start is None or next_start is None:
        return None
    return 53 if (next_start - this_start).days // 7 >= 53 else 52


def a_year_later(moment: datetime.datetime, weeks: int | None = None) -> datetime.datetime:
    """The same weekday and clock time in the same school week a year on: ``weeks``
    (52 or 53, :func:`weeks_to_next_year`) later; when the years' first school weeks
    are not known, 52 or 53 weeks so that the ISO week number stays (the Dutch school
    calendar is planned in week numbers). In local time, across daylight-saving
    changes."""
    local = timezone.localtime(moment)
    if weeks is not None:
        return local + datetime.timedelta(weeks=weeks)
    week = local.isocalendar().week
    for candidate_weeks in (52, 53):
        candidate = local + datetime.timedelta(weeks=candidate_weeks)
        if candidate.isocalendar().week == week:
            return candidate
    # Week 53 of this year has no counterpart: the week before the year's turn.
    return local + datetime.timedelta(weeks=52)


@dataclass(frozen=True)
class Choices:
    """What to carry over; everything by default."""

    partners: bool = True
    programmes: bool = True
    agreement: bool = True
    networks: bool = True
    lines: bool = True
    outcomes: bool = True


@dataclass
class SessionMove:
    """A session of this year and where its draft lands next year."""

    session: NetworkSession
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    # What the day falls in, when it is not a school day: a holiday's name or the
    # reason of a closed day; empty when it is free.
    holiday: str = ""


@dataclass
class NetworkPlan:
    network: LearningNetwork
    core_team: list[User]
    # The new year's network when a previous run made it (or one of the same name).
    existing: LearningNetwork | None = None


@dataclass
class Plan:
    """What a rollover of ``source`` into ``name`` of the next school year would add
    (on a second run: only what is missing)."""

    source: LearningEnvironment
    name: str
    school_year: str
    choices: Choices
    target: LearningEnvironment | None = None
    rollover: Rollover | None = None
    partners: list[Organisation] = field(default_factory=list)
    programme_targets: list[ProgrammeTarget] = field(default_factory=list)
    domain_targets: list[DomainTarget] = field(default_factory=list)
    agreement: ResponsibilityAgreement | None = None
    networks: list[NetworkPlan] = field(default_factory=list)
    lines: list[LearningLine] = field(default_factory=list)
    sessions: list[SessionMove] = field(default_factory=list)
    outcomes: list[LearningOutcome] = field(default_factory=list)
    holidays_known: bool = True

    @property
    def refused(self) -> bool:
        """The year already has an environment of this name that is not this one's
        rollover."""
        return self.target is not None and self.rollover is None

    @property
    def in_holidays(self) -> list[SessionMove]:
        return [move for move in self.sessions if move.holiday]

    @property
    def core_team_count(self) -> int:
        return sum(len(network.core_team) for network in self.networks)

    @property
    def nothing(self) -> bool:
        return not (
            self.partners
            or self.programme_targets
            or self.domain_targets
            or self.agreement
            or self.networks
            or self.lines
            or self.sessions
            or self.outcomes
        )


class RolloverRefused(Exception):
    """The next school year already has an environment of this name that this one was
    not rolled into."""


def _carried(rollover: Rollover | None, kind: str) -> dict[str, int]:
    if rollover is None:
        return {}
    mapping: dict[str, int] = rollover.carried.get(kind, {})
    return mapping


def _holiday_of(day: datetime.date, holidays: list[SchoolHoliday], closed: list[ClosedDay]) -> str:
    for holiday in holidays:
        if holiday.first_day <= day <= holiday.last_day:
            return str(holiday.get_kind_display())
    for closed_day in closed:
        if closed_day.first_day <= day <= closed_day.last_day:
            return closed_day.reason
    return ""


def rollover_plan(
    *, source: LearningEnvironment, name: str | None = None, choices: Choices | None = None
) -> Plan:
    """What rolling ``source`` over would add, read in a fixed number of queries."""
    choices = choices or Choices()
    name = (name or source.name).strip()
    school_year = next_school_year(source.school_year)
    plan = Plan(source=source, name=name, school_year=school_year, choices=choices)
    plan.target = LearningEnvironment.objects.filter(
        region_id=source.region_id, name=name, school_year=school_year
    ).first()
    target = plan.target
    if target is not None:
        plan.rollover = Rollover.objects.filter(source=source, target=target).first()
        if plan.rollover is None:
            return plan

    if choices.partners or choices.programmes:
        have = (
            set(target.organisations.values_list("pk", flat=True)) if target is not None else set()
        )
        partners = list(source.organisations.order_by("name"))
        if not choices.partners:
            # A programme's institute comes along with it.
            institutes = set(
                source.programme_targets.values_list("programme__institute", flat=True)
            )
            partners = [o for o in partners if o.pk in institutes]
        plan.partners = [o for o in partners if o.pk not in have]
    if choices.programmes:
        have_programmes: set[int] = set()
        have_domains: set[str] = set()
        if target is not None:
            have_programmes = set(target.programme_targets.values_list("programme_id", flat=True))
            have_domains = set(target.domain_targets.values_list("domain", flat=True))
        plan.programme_targets = [
            t
            for t in source.programme_targets.select_related("programme__institute").order_by(
                "programme__name"
            )
            if t.programme_id not in have_programmes
        ]
        plan.domain_targets = [
            t for t in source.domain_targets.order_by("domain") if t.domain not in have_domains
        ]
    if choices.agreement:
        agreement = ResponsibilityAgreement.objects.filter(environment=source).first()
        if agreement is not None and (
            target is None
            or not ResponsibilityAgreement.objects.filter(environment=target).exists()
        ):
            plan.agreement = agreement
    if choices.networks:
        _plan_networks(plan)
    if choices.outcomes:
        have_titles = (
            set(target.learning_outcomes.values_list("title", flat=True))
            if target is not None
            else set()
        )
        carried_outcomes = _carried(plan.rollover, "outcomes")
        plan.outcomes = [
            o
            for o in LearningOutcome.objects.filter(environment=source).order_by(
                "position", "title"
            )
            if o.title not in have_titles and str(o.pk) not in carried_outcomes
        ]
    plan.holidays_known = SchoolHoliday.objects.filter(
        region=source.holiday_region, school_year=school_year
    ).exists()
    return plan


def _plan_networks(plan: Plan) -> None:
    source, target, rollover = plan.source, plan.target, plan.rollover
    carried_networks = _carried(rollover, "networks")
    target_networks: dict[int, LearningNetwork] = {}
    by_name: dict[str, LearningNetwork] = {}
    if target is not None:
        for network in LearningNetwork.objects.filter(environment=target):
            target_networks[network.pk] = network
            by_name[network.name] = network
    core_rows = NetworkMembership.objects.filter(
        network__environment=source, core_team=True
    ).select_related("user")
    core_by_network: dict[int, list[User]] = {}
    for row in core_rows:
        core_by_network.setdefault(row.network_id, []).append(row.user)
    have_members: set[tuple[int, int]] = set()
    if target is not None:
        have_members = set(
            NetworkMembership.objects.filter(network__environment=target).values_list(
                "network_id", "user_id"
            )
        )
    mapped: dict[int, LearningNetwork | None] = {}
    for network in LearningNetwork.objects.filter(environment=source).order_by("name"):
        carried_pk = carried_networks.get(str(network.pk))
        if carried_pk is not None:
            existing = target_networks.get(carried_pk)
            mapped[network.pk] = existing
            if existing is None:
                continue  # made by an earlier run and removed since: left out
        else:
            existing = by_name.get(network.name)
            mapped[network.pk] = existing
        core_team = [
            user
            for user in core_by_network.get(network.pk, [])
            if existing is None or (existing.pk, user.pk) not in have_members
        ]
        if existing is None or core_team or carried_pk is None:
            plan.networks.append(
                NetworkPlan(network=network, core_team=core_team, existing=existing)
            )
    if plan.choices.lines:
        _plan_lines(plan, mapped)


def _plan_lines(plan: Plan, networks: dict[int, LearningNetwork | None]) -> None:
    source, target, rollover = plan.source, plan.target, plan.rollover
    carried_lines = _carried(rollover, "lines")
    carried_sessions = _carried(rollover, "sessions")
    # Lines of networks carried now or earlier (not of one removed since).
    going = {n.network.pk for n in plan.networks} | {
        pk for pk, network in networks.items() if network is not None
    }
    target_lines: set[int] = set()
    target_titles: set[tuple[int, str]] = set()
    if target is not None:
        for line_pk, network_pk, title in LearningLine.objects.filter(
            network__environment=target
        ).values_list("pk", "network_id", "title"):
            target_lines.add(line_pk)
            target_titles.add((network_pk, title))
    lines = list(
        LearningLine.objects.filter(network__environment=source, network_id__in=going)
        .select_related("network")
        .order_by("network__name", "title")
    )
    alive: set[int] = set()  # source lines whose next-year line exists or will be made
    for line in lines:
        carried_pk = carried_lines.get(str(line.pk))
        if carried_pk is not None:
            if carried_pk in target_lines:
                alive.add(line.pk)
            continue
        alive.add(line.pk)
        existing = networks.get(line.network_id)
        if existing is not None and (existing.pk, line.title) in target_titles:
            continue  # the same title already there: its sessions still come
        plan.lines.append(line)
    sessions = (
        NetworkSession.objects.filter(line_id__in=alive)
        .exclude(status=SessionStatus.CANCELLED)
        .exclude(pk__in=[int(pk) for pk in carried_sessions])
        .select_related("line", "network")
        .order_by("starts_at", "pk")
    )
    moves = []
    weeks = weeks_to_next_year(source.holiday_region, source.school_year)
    for session in sessions:
        starts_at = a_year_later(session.starts_at, weeks)
        moves.append(
            SessionMove(
                session=session,
                starts_at=starts_at,
                ends_at=starts_at + (session.ends_at - session.starts_at),
            )
        )
    if moves:
        first = min(move.starts_at for move in moves).date()
        last = max(move.ends_at for move in moves).date()
        holidays = list(SchoolHoliday.objects.overlapping(plan.source.holiday_region, first, last))
        closed = (
            list(ClosedDay.objects.overlapping(target, first, last)) if target is not None else []
        )
        for move in moves:
            move.holiday = _holiday_of(timezone.localtime(move.starts_at).date(), holidays, closed)
    plan.sessions = moves


@transaction.atomic
def rollover_run(
    *,
    source: LearningEnvironment,
    user: User,
    name: str | None = None,
    choices: Choices | None = None,
) -> tuple[Rollover, Plan]:
    """Start (or complete) next school year's environment from ``source``: one
    transaction, audited; ``user`` becomes its coordinator. Raises
    :class:`RolloverRefused` when the year already has another environment of this
    name."""
    # One rollover of an environment at a time.
    LearningEnvironment.objects.select_for_update().filter(pk=source.pk).first()
    plan = rollover_plan(source=source, name=name, choices=choices)
    if plan.refused:
        raise RolloverRefused(plan.name)
    target = plan.target
    if target is None:
        target = LearningEnvironment(
            region_id=source.region_id,
            name=plan.name,
            neighbourhood=source.neighbourhood,
            school_year=plan.school_year,
            holiday_region=source.holiday_region,
            vision=source.vision,
            expectations=source.expectations,
        )
        target.save()
        audit_saved(target, before=None)
        plan.target = target
    rollover = plan.rollover
    if rollover is None:
        rollover = Rollover(source=source, target=target, created_by=user, carried={})
        rollover.save()
        audit_saved(rollover, before=None)
        plan.rollover = rollover
    carried: dict[str, dict[str, int]] = {
        kind: dict(rollover.carried.get(kind, {}))
        for kind in ("networks", "lines", "sessions", "outcomes")
    }
    actor = current_actor_id()

    partnerships = Partnership.objects.bulk_create(
        Partnership(learningenvironment=target, organisation=o) for o in plan.partners
    )
    audit_bulk_created(partnerships, actor_id=actor)
    audit_bulk_created(
        ProgrammeTarget.objects.bulk_create(
            ProgrammeTarget(environment=target, programme_id=t.programme_id, students=t.students)
            for t in plan.programme_targets
        ),
        actor_id=actor,
    )
    audit_bulk_created(
        DomainTarget.objects.bulk_create(
            DomainTarget(environment=target, domain=t.domain, students=t.students)
            for t in plan.domain_targets
        ),
        actor_id=actor,
    )
    if plan.agreement is not None:
        ResponsibilityAgreement.objects.create(
            environment=target,
            practice_supervisor=plan.agreement.practice_supervisor,
            school_trainer=plan.agreement.school_trainer,
            institute_supervisor=plan.agreement.institute_supervisor,
        )
    _run_networks(plan, target, carried)
    outcomes = LearningOutcome.objects.bulk_create(
        LearningOutcome(
            environment=target,
            title=o.title,
            description=o.description,
            criteria=o.criteria,
            position=o.position,
            created_by=user,
        )
        for o in plan.outcomes
    )
    for old, new in zip(plan.outcomes, outcomes, strict=True):
        carried["outcomes"][str(old.pk)] = new.pk

    coordinator = source.memberships.filter(user=user, role=Role.COORDINATOR).first()
    if not target.memberships.filter(user=user, role=Role.COORDINATOR, is_active=True).exists():
        membership_set(
            user=user,
            environment=target,
            role=Role.COORDINATOR,
            organisation=coordinator.organisation if coordinator else None,
            domain=coordinator.domain if coordinator else None,
        )
    rollover.carried = carried
    rollover.save(update_fields=["carried", "updated_at"])
    # The new environment appears in their menu.
    navigation_forget(user.pk)
    return rollover, plan


def _run_networks(plan: Plan, target: LearningEnvironment, carried: dict[str, Any]) -> None:
    networks: dict[int, LearningNetwork] = {}
    for pk, target_pk in carried["networks"].items():
        networks[int(pk)] = LearningNetwork(pk=target_pk)  # only its pk is used
    for item in plan.networks:
        network = item.existing
        if network is None:
            network = LearningNetwork.objects.create(
                environment=target, name=item.network.name, description=item.network.description
            )
        networks[item.network.pk] = network
        carried["networks"][str(item.network.pk)] = network.pk
        NetworkMembership.objects.bulk_create(
            NetworkMembership(network=network, user=user, core_team=True) for user in item.core_team
        )
    lines: dict[int, int] = {int(pk): target_pk for pk, target_pk in carried["lines"].items()}
    existing_lines = {
        (network_pk, title): pk
        for pk, network_pk, title in LearningLine.objects.filter(
            network__environment=target
        ).values_list("pk", "network_id", "title")
    }
    for line in plan.lines:
        network = networks[line.network_id]
        new_line = LearningLine.objects.create(
            network=network, title=line.title, description=line.description
        )
        lines[line.pk] = new_line.pk
        carried["lines"][str(line.pk)] = new_line.pk
    _carry_decisions(plan, networks, lines)
    new_sessions = []
    for move in plan.sessions:
        session = move.session
        line_pk = lines.get(session.line_id) if session.line_id is not None else None
        if line_pk is None and session.line is not None:
            # A line of the same title was there already.
            network_pk = networks[session.network_id].pk
            line_pk = existing_lines.get((network_pk, session.line.title))
        new_sessions.append(
            (
                session,
                NetworkSession(
                    network_id=networks[session.network_id].pk,
                    line_id=line_pk,
                    position=session.position,
                    kind=session.kind,
                    theme=session.theme,
                    starts_at=move.starts_at,
                    ends_at=move.ends_at,
                    location_id=session.location_id,
                    room=session.room,
                    audience_domains=list(session.audience_domains),
                    status=SessionStatus.DRAFT,
                    preparation_notes=session.preparation_notes,
                ),
            )
        )
    NetworkSession.objects.bulk_create([new for _, new in new_sessions])
    through = NetworkSession.audience_programmes.through
    audience: dict[int, list[int]] = {}
    for session_pk, programme_pk in through.objects.filter(
        networksession_id__in=[old.pk for old, _ in new_sessions]
    ).values_list("networksession_id", "programme_id"):
        audience.setdefault(session_pk, []).append(programme_pk)
    through.objects.bulk_create(
        through(networksession_id=new.pk, programme_id=programme_pk)
        for old, new in new_sessions
        for programme_pk in audience.get(old.pk, [])
    )
    for old, new in new_sessions:
        carried["sessions"][str(old.pk)] = new.pk
    line_order_by_date(line_ids={new.line_id for _, new in new_sessions})


def _carry_decisions(
    plan: Plan, networks: dict[int, LearningNetwork], lines: dict[int, int]
) -> None:
    """The "you said, we did" decisions (#19) go along with its learning line, so next year's core
    team reads what was learned from the feedback: a copy per decision on the new line
    (not tied to last year's session), marked with the year it was taken in."""
    made = {line.pk for line in plan.lines}
    copies = [
        FeedbackDecision(
            network_id=networks[decision.network_id].pk,
            line_id=lines[decision.line_id],
            concluded=decision.concluded,
            changes=decision.changes,
            author_id=decision.author_id,
            school_year=decision.school_year or plan.source.school_year,
        )
        for decision in FeedbackDecision.objects.filter(line_id__in=made).order_by(
            "created_at", "pk"
        )
        if decision.line_id is not None
    ]
    audit_bulk_created(FeedbackDecision.objects.bulk_create(copies), actor_id=current_actor_id())


@dataclass
class Landing:
    session: NetworkSession
    holiday: str


def rollover_landings(target: LearningEnvironment) -> list[Landing]:
    """The new year's sessions (not cancelled) that lie in one of its school holidays
    or on a day it marked closed, in date order: what the coordinator still has to
    move. Three queries."""
    sessions = list(
        NetworkSession.objects.filter(network__environment=target)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("network", "line")
        .order_by("starts_at", "pk")
    )
    if not sessions:
        return []
    first = timezone.localtime(sessions[0].starts_at).date()
    last = timezone.localtime(sessions[-1].starts_at).date()
    holidays = list(SchoolHoliday.objects.overlapping(target.holiday_region, first, last))
    closed = list(ClosedDay.objects.overlapping(target, first, last))
    landings = []
    for session in sessions:
        holiday = _holiday_of(timezone.localtime(session.starts_at).date(), holidays, closed)
        if holiday:
            landings.append(Landing(session=session, holiday=holiday))
    return landings
