"""Hosts see the applicants proposed to them (#16): the supervisors of a host read the
name, programme and weekdays of the students proposed to their own organisation,
nothing else and nobody else's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from allocation.models import Proposal, ProposalStatus
from allocation.services import application_confirm, application_submit, proposal_solve
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.allocation.steps import a_confirmed_round, a_round

pytestmark = pytest.mark.django_db


def url(r) -> str:  # type: ignore[no-untyped-def]
    return reverse("allocation:host_applicants", args=[r.round.pk])


def page(client, r) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url(r))
    assert response.status_code == 200
    return response.content.decode()


def test_the_school_trainer_sees_who_is_proposed_to_the_school_and_nothing_else(
    cast, login
) -> None:
    r = a_confirmed_round(cast)
    # The school wants two domains: both applicants are proposed there.
    proposal = r.round.proposals.get(status=ProposalStatus.CONFIRMED)
    assert set(proposal.items.values_list("host_id", flat=True)) == {cast.school.pk}
    client = login(cast.supervisor)
    client.cookies["ulvo_language"] = "en"
    text = page(client, r)
    assert "confirmed these placements" in text
    for name, programme, days in (
        (r.pabo_student.full_name, cast.pabo.name, "Monday, Tuesday, Wednesday"),
        (cast.student.full_name, cast.social_work.name, "Tuesday, Wednesday, Thursday"),
    ):
        assert f"<td>{name}</td>" in text
        assert f"<td>{programme}</td>" in text
        assert f"<td>{days}</td>" in text
    # No other applicant data: addresses, who confirmed the programme, the practice
    # supervisor proposed, the reasons.
    for marker in (
        r.pabo_student.email,
        cast.student.email,
        r.institute_supervisor.full_name,
        "1st choice",
        "choice",
    ):
        assert marker not in text


def test_another_host_sees_nobody_of_the_school(cast, login) -> None:
    r = a_confirmed_round(cast)
    client = login(r.social_supervisor)
    client.cookies["ulvo_language"] = "en"
    text = page(client, r)
    assert "Nobody is proposed to your organisation" in text
    assert cast.student.full_name not in text
    assert r.pabo_student.full_name not in text


def test_before_a_proposal_nobody_is_shown(cast, login) -> None:
    r = a_round(cast)
    client = login(cast.supervisor)
    client.cookies["ulvo_language"] = "en"
    text = page(client, r)
    assert "has not made a proposal yet" in text
    assert r.pabo_student.full_name not in text


def test_a_ready_proposal_is_shown_as_not_yet_confirmed(cast, login) -> None:
    r = a_round(cast)
    proposal = Proposal.objects.create(round=r.round)
    assert proposal_solve(proposal_id=proposal.pk) is not None
    client = login(cast.supervisor)
    client.cookies["ulvo_language"] = "en"
    text = page(client, r)
    assert "has not confirmed it yet" in text
    assert r.pabo_student.full_name in text


def test_the_page_is_linked_from_applications_for_hosts_only(cast, login) -> None:
    r = a_round(cast)
    link = url(r)
    assert link in login(cast.supervisor).get(reverse("allocation:index")).content.decode()
    for user in (cast.student, cast.colleague, cast.coordinator):
        assert link not in login(user).get(reverse("allocation:index")).content.decode()


def test_colleagues_students_and_coordinators_are_refused(cast, login) -> None:
    r = a_confirmed_round(cast)
    for user in (cast.colleague, cast.student, cast.coordinator):
        assert login(user).get(url(r)).status_code == 403
    assert login(cast.outsider).get(url(r)).status_code == 404


def test_queries_do_not_grow_with_the_applicants(cast, login) -> None:
    r = a_round(cast, places=40)
    from allocation.models import HostPlace, SupervisorCapacity

    SupervisorCapacity.objects.filter(supervisor=cast.supervisor).update(capacity=40)
    HostPlace.objects.filter(organisation=cast.school).update(capacity=40)
    client = login(cast.supervisor)

    def count() -> int:
        proposal = Proposal.objects.create(round=r.round)
        solved = proposal_solve(proposal_id=proposal.pk)
        assert solved is not None and solved.status == ProposalStatus.READY
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(r)).status_code == 200
        return len(queries)

    def more(n: int) -> None:
        for i in range(n):
            user = UserFactory(email=f"host-{i}-{n}@example.org")
            MembershipFactory(
                user=user, environment=cast.environment, role=Role.STUDENT, programme=cast.pabo
            )
            a = application_submit(
                round=r.round, student=user, hosts=[cast.school], weekdays=[1, 2], class_days=[]
            )
            application_confirm(application=a, supervisor=r.institute_supervisor)

    more(2)
    small = count()
    more(12)
    large = count()
    assert large == small
    text = client.get(url(r)).content.decode()
    assert text.count("<tr>") >= 15
