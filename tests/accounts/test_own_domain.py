"""A professional's own domain, recorded on their membership: own-domain supervision
(in Python and SQL), the date finder and new memberships use it."""

import datetime
from typing import Any

from django.utils import timezone

from accounts.models import Membership, Role, guessed_domain
from accounts.services import (
    invitation_accept_existing_user,
    invitation_create,
    membership_save,
    membership_set,
)
from environments.models import Domain, OrganisationSubtype
from learning_networks.planner_input import network_participants
from learning_networks.services import network_member_set
from placements.models import (
    Placement,
    SupervisionAssignment,
    SupervisionRole,
    own_domain_supervision,
)
from tests.accounts.factories import UserFactory
from tests.environments.factories import NeighbourhoodOrganisationFactory, ProgrammeFactory


def own_domain(placement: Any) -> bool:
    """SQL and Python agree; returns the answer."""
    sql = Placement.objects.annotate(own=own_domain_supervision()).get(pk=placement.pk).own
    python = any(
        a.is_own_domain(placement.programme.domain)
        for a in placement.assignments.with_supervisor_domain()
    )
    assert sql is python
    return sql


def pedagogy_placement(cast: Any) -> Any:
    pedagogy = ProgrammeFactory(
        institute=cast.institute, name="Pedagogiek", domain=Domain.PEDAGOGICAL
    )
    cast.placement.programme = pedagogy
    cast.placement.save(update_fields=["programme"])
    return cast.placement


def test_the_recorded_domain_decides_own_domain_supervision(cast: Any) -> None:
    """A pedagogical professional at a school: the assignment says educational (the old
    guess from the school), the membership records pedagogical, and that counts."""
    placement = pedagogy_placement(cast)
    SupervisionAssignment.objects.create(
        placement=placement,
        supervisor=cast.bystander,
        role=SupervisionRole.PRACTICE,
        domain=Domain.EDUCATIONAL,
    )
    membership = Membership.objects.get(user=cast.bystander, environment=cast.environment)
    membership.domain = Domain.SOCIAL
    membership_save(membership=membership)
    assert not own_domain(placement)

    membership.domain = Domain.PEDAGOGICAL
    membership_save(membership=membership)
    assert own_domain(placement)


def test_without_a_recorded_domain_the_assignment_counts(cast: Any) -> None:
    """Nothing recorded, an ended membership, a supervisor without an account, or a
    membership of another environment: the domain given with the assignment."""
    placement = pedagogy_placement(cast)
    by_email = SupervisionAssignment.objects.create(
        placement=placement,
        name="Zonder Account",
        email="zonder@example.org",
        role=SupervisionRole.PRACTICE,
        domain=Domain.PEDAGOGICAL,
    )
    assert own_domain(placement)
    by_email.delete()

    SupervisionAssignment.objects.create(
        placement=placement,
        supervisor=cast.bystander,
        role=SupervisionRole.PRACTICE,
        domain=Domain.PEDAGOGICAL,
    )
    membership = Membership.objects.get(user=cast.bystander, environment=cast.environment)
    membership.domain = ""
    membership_save(membership=membership)
    assert own_domain(placement)
    # Recorded elsewhere: not this environment's business.
    membership_set(
        user=cast.bystander,
        environment=cast.other_environment,
        role=Role.PRACTICE_SUPERVISOR,
        domain=Domain.SOCIAL,
    )
    assert own_domain(placement)
    membership.domain = Domain.SOCIAL
    membership.is_active = False
    membership_save(membership=membership)
    assert own_domain(placement)


def test_the_date_finder_counts_professionals_by_their_recorded_domain(cast: Any) -> None:
    today = timezone.localdate()
    network_member_set(network=cast.network, user=cast.bystander)
    membership = Membership.objects.get(user=cast.bystander, environment=cast.environment)
    membership.domain = Domain.PEDAGOGICAL
    membership_save(membership=membership)

    _, professionals = network_participants(
        cast.network, first_day=today, last_day=today + datetime.timedelta(days=14)
    )

    domains = {p.key: p.domain for p in professionals}
    # Recorded on the membership; the school trainer's guessed from the school.
    assert domains == {
        cast.bystander.pk: Domain.PEDAGOGICAL,
        cast.supervisor.pk: Domain.EDUCATIONAL,
    }


def test_a_new_membership_records_the_guess_or_the_invitations_domain(cast: Any) -> None:
    childcare = NeighbourhoodOrganisationFactory(subtype=OrganisationSubtype.CHILDCARE)
    assert guessed_domain(cast.school) == Domain.EDUCATIONAL
    assert guessed_domain(cast.neighbourhood) == Domain.SOCIAL
    assert guessed_domain(childcare) == Domain.PEDAGOGICAL
    assert guessed_domain(cast.institute) == guessed_domain(None) == ""

    teacher = membership_set(
        user=UserFactory(),
        environment=cast.environment,
        role=Role.COLLEAGUE,
        organisation=cast.school,
    )
    assert teacher.domain == Domain.EDUCATIONAL
    # Renewing keeps what a coordinator recorded.
    teacher.domain = Domain.PEDAGOGICAL
    membership_save(membership=teacher)
    again = membership_set(
        user=teacher.user,
        environment=cast.environment,
        role=Role.COLLEAGUE,
        organisation=cast.school,
    )
    assert again.domain == Domain.PEDAGOGICAL

    invited = UserFactory(email="nieuw@example.org")
    invitation = invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email=invited.email,
        role=Role.PRACTICE_SUPERVISOR,
        organisation=cast.school,
        domain=Domain.PEDAGOGICAL,
    )
    membership = invitation_accept_existing_user(invitation=invitation, user=invited)
    assert membership.domain == Domain.PEDAGOGICAL
    assert membership.effective_domain == Domain.PEDAGOGICAL

    student = Membership.objects.get(user=cast.student, environment=cast.environment)
    assert student.domain == "" and student.effective_domain == Domain.SOCIAL
