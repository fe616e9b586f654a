"""The coordinator's list of students without a practice supervisor of their own domain."""

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from environments.models import Domain
from placements.models import PlacementStatus, SupervisionAssignment, SupervisionRole
from tests.accounts.factories import UserFactory
from tests.environments.factories import ProgrammeFactory
from tests.placements.factories import PlacementFactory


def gaps_url(cast: Any) -> str:
    return reverse("supervision:gaps", args=[cast.environment.pk])


def placement(cast: Any, programme: Any, name: str, **kwargs: Any) -> Any:
    return PlacementFactory(
        environment=cast.environment,
        programme=programme,
        school=cast.school,
        student=UserFactory(full_name=name),
        **kwargs,
    )


def assign(placement: Any, role: str, domain: str) -> SupervisionAssignment:
    return SupervisionAssignment.objects.create(
        placement=placement, supervisor=UserFactory(), role=role, domain=domain
    )


def test_lists_the_constructed_gaps(cast: Any, client: Client) -> None:
    pedagogy = ProgrammeFactory(
        institute=cast.institute, name="Pedagogisch medewerker", domain=Domain.PEDAGOGICAL
    )
    # Not gaps: own-domain practice supervisor; a pabo student with a school trainer.
    covered = placement(cast, cast.social_work, "Sociaal Gedekt")
    assign(covered, SupervisionRole.PRACTICE, Domain.SOCIAL)
    pabo_covered = placement(cast, cast.pabo, "Pabo Gedekt")
    assign(pabo_covered, SupervisionRole.SCHOOL_TRAINER, Domain.EDUCATIONAL)
    # Gaps: the cast's student (a school trainer from education), a pabo student with a
    # social practice supervisor, a pedagogy student whose own-domain colleague is only
    # the institute supervisor, and a student without any supervisor.
    pabo_gap = placement(cast, cast.pabo, "Pabo Gat")
    assign(pabo_gap, SupervisionRole.PRACTICE, Domain.SOCIAL)
    pedagogy_gap = placement(cast, pedagogy, "Pedagogie Gat")
    assign(pedagogy_gap, SupervisionRole.INSTITUTE, Domain.PEDAGOGICAL)
    lonely = placement(cast, cast.social_work, "Zonder Begeleiding")
    # Not listed: not active, or in another environment.
    placement(cast, cast.social_work, "Afgerond", status=PlacementStatus.COMPLETED)
    PlacementFactory(environment=cast.other_environment, programme=cast.social_work)

    client.force_login(cast.coordinator)
    response = client.get(gaps_url(cast))

    assert response.status_code == 200
    assert {p.pk for p in response.context["gaps"]} == {
        cast.placement.pk,
        pabo_gap.pk,
        pedagogy_gap.pk,
        lonely.pk,
    }
    per_domain = {
        row["label"]: (row["total"], row["gaps"]) for row in response.context["per_domain"]
    }
    assert per_domain == {
        Domain.EDUCATIONAL.label: (2, 1),
        Domain.SOCIAL.label: (3, 2),
        Domain.PEDAGOGICAL.label: (1, 1),
    }
    assert (response.context["total"], response.context["total_gaps"]) == (6, 4)
    html = response.content.decode()
    assert reverse("supervision:placement", args=[cast.placement.pk]) in html
    assert "Bram Schoolopleider" in html
    assert "Sociaal Gedekt" not in html
    assert "Afgerond" not in html


def test_adding_an_own_domain_supervisor_closes_the_gap(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    client.post(
        reverse("supervision:placement", args=[cast.placement.pk]),
        {"supervisor": cast.bystander.pk, "role": "practice", "domain": "social", "guides": "on"},
    )
    response = client.get(gaps_url(cast))
    assert response.context["gaps"] == []
    assert response.context["total_gaps"] == 0


def test_query_count_does_not_grow(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    client.get(gaps_url(cast))
    with CaptureQueriesContext(connection) as few:
        client.get(gaps_url(cast))
    for number in range(8):
        gap = placement(cast, cast.pabo, f"Student {number}")
        assign(gap, SupervisionRole.PRACTICE, Domain.SOCIAL)
        assign(gap, SupervisionRole.INSTITUTE, Domain.EDUCATIONAL)
    with CaptureQueriesContext(connection) as many:
        response = client.get(gaps_url(cast))
    assert len(response.context["gaps"]) == 9
    assert len(many) == len(few)


def test_members_get_403_and_outsiders_404(cast: Any, client: Client) -> None:
    for role, status in [
        ("student", 403),
        ("supervisor", 403),
        ("bystander", 403),
        ("outsider", 404),
        ("other_coordinator", 404),
    ]:
        client.force_login(getattr(cast, role))
        assert client.get(gaps_url(cast)).status_code == status, role


def test_post_is_not_allowed(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    assert client.post(gaps_url(cast)).status_code == 405
