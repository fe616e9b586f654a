"""Applications, pins, the proposal and its confirmation, and the compliance gate,
through the services on the real database."""

import datetime

import pytest

from allocation.models import (
    ComplianceKind,
    ComplianceRequirement,
    ComplianceStatus,
    DecisionKind,
    Preference,
    Proposal,
    ProposalStatus,
)
from allocation.services import (
    AllocationError,
    application_submit,
    compliance_check,
    decision_set,
    placement_activate,
    proposal_confirm,
    proposal_start,
    round_instance,
)
from environments.models import Domain
from placements.models import Placement, PlacementStatus, SupervisionAssignment
from tests.allocation.steps import a_round
from tests.environments.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def propose(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Start a proposal and run its task as the commit would."""

    def start(round, user) -> Proposal:  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            proposal = proposal_start(round=round, user=user)
        proposal.refresh_from_db()
        return proposal

    return start


def test_the_round_becomes_the_solvers_input(cast) -> None:
    r = a_round(cast)
    instance = round_instance(r.round)
    assert {h.name for h in instance.hosts} == {cast.school.name, cast.neighbourhood.name}
    school = next(h for h in instance.hosts if h.id == cast.school.pk)
    assert school.min_domains == 2
    assert school.training_school_of
    pabo = next(a for a in instance.applicants if a.id == r.pabo_application.pk)
    assert pabo.partnerships == school.training_school_of
    social = next(a for a in instance.applicants if a.id == r.application.pk)
    assert social.domain == Domain.SOCIAL
    assert social.preferences == (cast.school.pk, cast.neighbourhood.pk)
    assert {s.domain for s in instance.supervisors} == {Domain.EDUCATIONAL, Domain.SOCIAL}


def test_an_unconfirmed_application_waits(cast) -> None:
    r = a_round(cast)
    # Changing the weekdays asks for the confirmation again.
    application_submit(
        round=r.round, student=cast.student, hosts=[cast.school], weekdays=[2], class_days=[1]
    )
    assert {a.id for a in round_instance(r.round).applicants} == {r.pabo_application.pk}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"hosts": "duplicate"}, "duplicate_host"),
        ({"hosts": "unknown"}, "unknown_host"),
        ({"today": "closed"}, "closed"),
    ],
)
def test_bad_applications_change_nothing(cast, change, code) -> None:
    r = a_round(cast)
    hosts = [cast.neighbourhood, cast.school]
    today = None
    if change.get("hosts") == "duplicate":
        hosts = [cast.school, cast.school]
    elif change.get("hosts") == "unknown":
        hosts = [OrganisationFactory(name="Elders")]
    else:
        today = r.round.closes_on + datetime.timedelta(days=1)
    before = list(Preference.objects.values_list("application", "rank", "host").order_by("pk"))
    with pytest.raises(AllocationError) as refused:
        application_submit(
            round=r.round,
            student=cast.student,
            hosts=hosts,
            weekdays=[2, 3],
            class_days=[1],
            today=today,
        )
    assert refused.value.code == code
    after = list(Preference.objects.values_list("application", "rank", "host").order_by("pk"))
    assert after == before


def test_propose_pin_rerun_confirm(cast, propose) -> None:
    r = a_round(cast)
    first = propose(r.round, cast.coordinator)
    assert first.status == ProposalStatus.READY
    assert first.percent == 100
    items = {i.application_id: i for i in first.items.all()}
    # The school wants two domains: the social student goes there (their first choice),
    # and the pabo student can only go there (training school).
    assert items[r.application.pk].host_id == cast.school.pk
    assert items[r.pabo_application.pk].host_id == cast.school.pk
    assert items[r.application.pk].supervisor_id == r.social_supervisor.pk
    assert items[r.pabo_application.pk].supervisor_id == cast.supervisor.pk

    decision_set(application=r.application, host=cast.neighbourhood, kind=DecisionKind.PIN)
    second = propose(r.round, cast.coordinator)
    first.refresh_from_db()
    assert first.status == ProposalStatus.SUPERSEDED
    pinned = second.items.get(application=r.application)
    assert pinned.host_id == cast.neighbourhood.pk
    assert pinned.reasons[0] == {"code": "pinned", "host": cast.neighbourhood.name}
    school_target = next(t for t in second.targets if t["host"] == cast.school.pk)
    assert school_target["achieved"] == 1

    with pytest.raises(AllocationError):
        proposal_confirm(proposal=first, user=cast.coordinator)
    placements = proposal_confirm(proposal=second, user=cast.coordinator)
    assert len(placements) == 2
    new = Placement.objects.get(student=cast.student, start_date=r.round.starts_on)
    assert new.status == PlacementStatus.PLANNED
    assert new.start_date == r.round.starts_on
    # Days on site: what the student offered, minus class days, on the host's days.
    assert new.days_on_site == [2, 3, 4]
    assignment = SupervisionAssignment.objects.get(placement=new)
    assert (assignment.supervisor, assignment.signs_off) == (r.social_supervisor, True)
    second.refresh_from_db()
    assert second.status == ProposalStatus.CONFIRMED
    with pytest.raises(AllocationError):
        proposal_confirm(proposal=second, user=cast.coordinator)


def test_a_refused_confirmation_applies_nothing(cast, propose) -> None:
    r = a_round(cast)
    proposal = propose(r.round, cast.coordinator)
    # The pabo student already has a placement overlapping the round's.
    Placement.objects.create(
        student=r.pabo_student,
        programme=cast.pabo,
        environment=cast.environment,
        school=cast.school,
        start_date=r.round.starts_on,
        end_date=r.round.starts_on + datetime.timedelta(days=30),
        weekdays_on_site=1,
        hours_per_week=8,
    )
    placements_before = Placement.objects.count()
    with pytest.raises(AllocationError) as refused:
        proposal_confirm(proposal=proposal, user=cast.coordinator)
    assert refused.value.code == "overlap"
    assert Placement.objects.count() == placements_before
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.READY


def test_a_required_item_blocks_activation_until_checked(cast, propose) -> None:
    r = a_round(cast)
    ComplianceRequirement.objects.create(
        environment=cast.environment, kind=ComplianceKind.VOG, name="VOG"
    )
    ComplianceRequirement.objects.create(
        environment=cast.environment,
        kind=ComplianceKind.OTHER,
        name="Kennismaking",
        required=False,
    )
    proposal = propose(r.round, cast.coordinator)
    placement = proposal_confirm(proposal=proposal, user=cast.coordinator)[0]
    assert placement.compliance_items.count() == 2
    with pytest.raises(AllocationError) as refused:
        placement_activate(placement=placement)
    assert refused.value.code == "compliance_open"
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.PLANNED
    vog = placement.compliance_items.get(requirement__kind=ComplianceKind.VOG)
    compliance_check(item=vog, user=cast.coordinator, day=datetime.date(2027, 8, 1))
    assert vog.status == ComplianceStatus.CHECKED
    placement_activate(placement=placement)
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACTIVE
