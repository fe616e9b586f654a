"""Steps the allocation tests share: a round of the cast's environment with its host
register filled in, built through the services."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accounts.models import Role, User
from allocation.models import (
    Application,
    ApplicationRound,
    HostPlace,
    HostProfile,
    SupervisorCapacity,
    TrainingPartnership,
)
from allocation.services import application_confirm, application_submit
from environments.models import Domain
from tests.accounts.factories import MembershipFactory, UserFactory

ROUND_NAME = "Stages volgend schooljaar"


@dataclass
class Round:
    round: ApplicationRound
    institute_supervisor: Any
    pabo_student: Any
    application: Application
    pabo_application: Application
    social_supervisor: Any


def a_round(cast: Any, *, places: int = 2) -> Round:
    """An open round for next school year: the school (a training school of the
    institute's partnership, Monday to Friday, two domains wanted) and the
    neighbourhood organisation (Tuesday to Thursday) with ``places`` places each; the
    school trainer supervises two educational students, the neighbourhood's practice
    supervisor two social ones. The cast's social-work student and a pabo student have
    applied, and their institute supervisor confirmed both."""
    existing = ApplicationRound.objects.filter(
        environment=cast.environment, name=ROUND_NAME
    ).first()
    if existing is not None:
        # The sweeps run every case's set-up on one cast: the second finds the first.
        return Round(
            existing,
            User.objects.get(email="docent@example.org"),
            User.objects.get(email="pabo@example.org"),
            existing.applications.get(student=cast.student),
            existing.applications.get(student__email="pabo@example.org"),
            User.objects.get(email="sociaal@example.org"),
        )
    today = timezone.localdate()
    year = today.year if today.month < 8 else today.year + 1
    round = ApplicationRound.objects.create(
        environment=cast.environment,
        name=ROUND_NAME,
        school_year=f"{year}-{year + 1}",
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=21),
        starts_on=datetime.date(year, 9, 1),
        ends_on=datetime.date(year + 1, 6, 30),
    )
    HostProfile.objects.create(organisation=cast.school, weekdays=0b11111, min_domains=2)
    HostProfile.objects.create(organisation=cast.neighbourhood, weekdays=0b01110)
    partnership = TrainingPartnership.objects.create(name="Opleidingsschool Utrecht")
    partnership.institutes.add(cast.institute)
    partnership.schools.add(cast.school)
    for host in (cast.school, cast.neighbourhood):
        HostPlace.objects.create(organisation=host, school_year=round.school_year, capacity=places)
    SupervisorCapacity.objects.create(
        organisation=cast.school,
        school_year=round.school_year,
        supervisor=cast.supervisor,
        capacity=2,
    )
    # A social worker of the neighbourhood supervises the social students (not the
    # cast's bystander, who must stay unassigned for the sweeps).
    social_supervisor = UserFactory(email="sociaal@example.org", full_name="Mo Maatschappelijk")
    MembershipFactory(
        user=social_supervisor,
        environment=cast.environment,
        role=Role.PRACTICE_SUPERVISOR,
        organisation=cast.neighbourhood,
        domain=Domain.SOCIAL,
    )
    SupervisorCapacity.objects.create(
        organisation=cast.neighbourhood,
        school_year=round.school_year,
        supervisor=social_supervisor,
        capacity=2,
    )
    institute_supervisor = UserFactory(email="docent@example.org", full_name="Ida Instituut")
    MembershipFactory(
        user=institute_supervisor,
        environment=cast.environment,
        role=Role.INSTITUTE_SUPERVISOR,
        organisation=cast.institute,
    )
    pabo_student = UserFactory(email="pabo@example.org", full_name="Piet Pabo")
    MembershipFactory(
        user=pabo_student, environment=cast.environment, role=Role.STUDENT, programme=cast.pabo
    )
    application = application_submit(
        round=round,
        student=cast.student,
        hosts=[cast.school, cast.neighbourhood],
        weekdays=[2, 3, 4],
        class_days=[1],
    )
    pabo_application = application_submit(
        round=round,
        student=pabo_student,
        hosts=[cast.school],
        weekdays=[1, 2, 3],
        class_days=[4],
    )
    for a in (application, pabo_application):
        application_confirm(application=a, supervisor=institute_supervisor)
    return Round(
        round, institute_supervisor, pabo_student, application, pabo_application, social_supervisor
    )


def a_confirmed_round(cast: Any) -> Round:
    """:func:`a_round` solved and confirmed, with a VOG required of every programme:
    two planned placements with an open item each."""
    from allocation.models import (
        ComplianceKind,
        ComplianceRequirement,
        Proposal,
        ProposalStatus,
    )
    from allocation.services import proposal_confirm, proposal_solve

    r = a_round(cast)
    if not r.round.proposals.filter(status=ProposalStatus.CONFIRMED).exists():
        ComplianceRequirement.objects.get_or_create(
            environment=cast.environment, kind=ComplianceKind.VOG, name="VOG"
        )
        proposal = Proposal.objects.create(round=r.round)
        solved = proposal_solve(proposal_id=proposal.pk)
        assert solved is not None
        proposal_confirm(proposal=solved, user=cast.coordinator)
    return r


def an_item(cast: Any) -> Any:
    from allocation.models import ComplianceItem

    r = a_confirmed_round(cast)
    return ComplianceItem.objects.get(
        placement__student=cast.student, placement__start_date=r.round.starts_on
    )
