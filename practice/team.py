"""The mixed team as its members and the coordinators see it: who is on it, with
their programme or organisation, domain, weekdays on site and e-mail address; the
mix of programmes and domains, and what is missing. A presenter of plain dataclasses
(three queries whatever the team's size)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from environments.models import Domain
from learning_networks.models import WorkingDays
from placements.models import (
    SUPERVISOR_ROLES,
    Placement,
    PlacementStatus,
    Weekday,
    mask_to_weekdays,
)
from practice.models import PracticeQuestion, TeamMember

CURRENT_PLACEMENTS = (PlacementStatus.PLANNED, PlacementStatus.ACTIVE)


@dataclass(frozen=True)
class TeamRow:
    member_pk: int
    user_pk: int
    name: str
    email: str
    is_supervisor: bool
    affiliation: str  # a student's programme, a supervisor's organisation
    domain: str  # the domain's label, or ""
    weekdays: str  # "" when unknown


@dataclass(frozen=True)
class TeamMix:
    rows: list[TeamRow]
    programmes: list[str]
    domains: list[str]
    warnings: list[str]


def _weekday_names(days: list[int]) -> str:
    return ", ".join(str(Weekday(day).label) for day in days)


def team_mix(question: PracticeQuestion) -> TeamMix:
    members = list(TeamMember.objects.filter(question=question).select_related("user"))
    users = [m.user_id for m in members]
    placements = {
        p.student_id: p
        for p in Placement.objects.filter(
            environment_id=question.environment_id,
            student_id__in=users,
            status__in=CURRENT_PLACEMENTS,
        )
        .select_related("programme")
        .order_by("start_date")
    }
    memberships: dict[int, Membership] = {}
    for membership in (
        Membership.objects.filter(
            environment_id=question.environment_id, user_id__in=users, is_active=True
        )
        .select_related("organisation", "programme")
        .order_by("pk")
    ):
        memberships.setdefault(membership.user_id, membership)
    working = {
        w.user_id: w.weekdays
        for w in WorkingDays.objects.filter(
            environment_id=question.environment_id, user_id__in=users
        )
    }
    rows: list[TeamRow] = []
    programmes: list[str] = []
    domains: list[str] = []
    for member in members:
        placement = placements.get(member.user_id)
        recorded = memberships.get(member.user_id)
        if not member.is_supervisor and placement is not None:
            affiliation = str(placement.programme)
            domain = placement.programme.domain
            weekdays = _weekday_names(mask_to_weekdays(placement.weekdays_on_site))
            if affiliation not in programmes:
                programmes.append(affiliation)
        else:
            affiliation = str(recorded.affiliation or "") if recorded else ""
            domain = recorded.effective_domain if recorded else ""
            mask = working.get(member.user_id)
            weekdays = _weekday_names(mask_to_weekdays(mask)) if mask else ""
        if domain and domain not in domains:
            domains.append(domain)
        rows.append(
            TeamRow(
                member_pk=member.pk,
                user_pk=member.user_id,
                name=member.user.full_name,
                email=member.user.email,
                is_supervisor=member.is_supervisor,
                affiliation=affiliation,
                domain=str(Domain(domain).label) if domain else "",
                weekdays=weekdays,
            )
        )
    warnings = []
    students = [row for row in rows if not row.is_supervisor]
    if students and len(programmes) < 2:
        warnings.append(
            _(
                "This team is monodisciplinary: all its students follow one programme. "
                "Add a student of another programme."
            )
        )
    if question.needed_domain and question.needed_domain not in domains:
        warnings.append(
            _("Nobody on the team comes from the %(domain)s domain, which the question needs most.")
            % {"domain": Domain(question.needed_domain).label}
        )
    return TeamMix(
        rows=rows,
        programmes=programmes,
        domains=[str(Domain(d).label) for d in domains],
        warnings=warnings,
    )


@dataclass(frozen=True)
class Candidate:
    user_pk: int
    label: str
    is_supervisor: bool


def team_candidates(question: PracticeQuestion) -> list[Candidate]:
    """Who may join: students with a placement in the environment (by programme) and
    its supervisors; not those on the team already (two queries)."""
    on_team = TeamMember.objects.filter(question=question).values("user_id")
    found: dict[int, Candidate] = {}
    for placement in (
        Placement.objects.filter(
            environment_id=question.environment_id, status__in=CURRENT_PLACEMENTS
        )
        .exclude(student_id__in=on_team)
        .select_related("student", "programme")
        .order_by("student__full_name", "start_date")
    ):
        found.setdefault(
            placement.student_id,
            Candidate(
                placement.student_id,
                f"{placement.student.full_name} – {placement.programme}",
                False,
            ),
        )
    for membership in (
        Membership.objects.filter(
            environment_id=question.environment_id,
            is_active=True,
            role__in=[*SUPERVISOR_ROLES, Role.COORDINATOR],
        )
        .exclude(user_id__in=on_team)
        .select_related("user", "organisation")
        .order_by("user__full_name", "pk")
    ):
        if membership.user_id in found:
            continue
        label = membership.user.full_name
        if membership.organisation is not None:
            label += f" – {membership.organisation.name}"
        found[membership.user_id] = Candidate(
            membership.user_id, f"{label} ({membership.get_role_display()})", True
        )
    return sorted(found.values(), key=lambda c: (c.is_supervisor, c.label))
