"""A placement's supervision page: who supervises, and coordinators changing it."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from environments.models import Domain
from placements.models import (
    PlacementStatus,
    SupervisionAssignment,
    SupervisionRole,
    own_domain_supervision,
)
from placements.services import AssignmentError, assignment_remove, assignment_save
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.placements.factories import PlacementFactory


def page_url(cast: Any) -> str:
    return reverse("supervision:placement", args=[cast.placement.pk])


def rows(cast: Any) -> list[tuple[Any, ...]]:
    return sorted(
        SupervisionAssignment.objects.filter(placement=cast.placement).values_list(
            "supervisor_id", "name", "email", "role", "domain", "guides", "assesses", "signs_off"
        ),
        key=str,
    )


def practice_data(cast: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "supervisor": cast.bystander.pk,
        "role": SupervisionRole.PRACTICE,
        "domain": Domain.SOCIAL,
        "guides": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def foreign_professional(cast: Any) -> Any:
    user = UserFactory(full_name="Frits Vreemd")
    MembershipFactory(user=user, environment=cast.other_environment, role=Role.PRACTICE_SUPERVISOR)
    return user


# --- Reading ------------------------------------------------------------------


def test_student_sees_supervisors_and_the_own_domain_gap(cast: Any, client: Client) -> None:
    client.force_login(cast.student)
    response = client.get(page_url(cast))
    assert response.status_code == 200
    assert response.context["has_own_domain"] is False
    assert response.context["may_manage"] is False
    assert response.context["form"] is None
    html = response.content.decode()
    assert "Bram Schoolopleider" in html
    assignment = cast.placement.assignments.get()
    assert reverse("supervision:assignment_remove", args=[assignment.pk]) not in html
    assert reverse("supervision:assignment_edit", args=[assignment.pk]) not in html


def test_supervisor_sees_the_page_without_the_form(cast: Any, client: Client) -> None:
    client.force_login(cast.supervisor)
    response = client.get(page_url(cast))
    assert response.status_code == 200
    assert response.context["form"] is None


def test_coordinator_sees_the_form(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    response = client.get(page_url(cast))
    assert response.context["may_manage"] is True
    assert response.context["form"] is not None
    people = set(response.context["form"].fields["supervisor"].queryset)
    assert people == {cast.supervisor, cast.bystander}


@pytest.mark.parametrize("role", ["anonymous", "outsider", "bystander", "other_coordinator"])
def test_page_is_hidden(role: str, cast: Any, client: Client) -> None:
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    response = client.get(page_url(cast))
    assert response.status_code == (302 if role == "anonymous" else 404)


def test_wrong_method(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    assert client.put(page_url(cast)).status_code == 405
    assignment = cast.placement.assignments.get()
    url = reverse("supervision:assignment_remove", args=[assignment.pk])
    assert client.get(url).status_code == 405


# --- Adding -------------------------------------------------------------------


def test_coordinator_adds_an_own_domain_practice_supervisor(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    response = client.post(page_url(cast), practice_data(cast, assesses="on"))
    assert response.status_code == 302
    assert response["Location"] == page_url(cast)
    added = SupervisionAssignment.objects.get(placement=cast.placement, supervisor=cast.bystander)
    assert (added.role, added.domain, added.guides, added.assesses, added.signs_off) == (
        SupervisionRole.PRACTICE,
        Domain.SOCIAL,
        True,
        True,
        False,
    )
    page = client.get(page_url(cast))
    assert page.context["has_own_domain"] is True


def test_htmx_add_returns_the_fragment(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    response = client.post(page_url(cast), practice_data(cast), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="assignments"')
    assert "Bea Buurtwerker" in html
    assert 'hx-swap-oob="true"' in html
    assert response.context["has_own_domain"] is True


def test_htmx_invalid_add_is_422_with_the_form(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    before = rows(cast)
    response = client.post(
        page_url(cast), practice_data(cast, role="boss"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert response.content.decode().lstrip().startswith('<section id="assignments"')
    assert "role" in response.context["form"].errors
    assert rows(cast) == before


def test_supervisor_without_an_account(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    response = client.post(
        page_url(cast),
        practice_data(
            cast, supervisor="", name="Wendy Wijkteam", email="wendy@buurtteam.example.org"
        ),
    )
    assert response.status_code == 302
    added = SupervisionAssignment.objects.get(email="wendy@buurtteam.example.org")
    assert added.supervisor is None
    assert added.display_name == "Wendy Wijkteam"


def test_supervisor_of_another_environment_is_refused_at_the_field(
    cast: Any, client: Client
) -> None:
    stranger = foreign_professional(cast)
    client.force_login(cast.coordinator)
    before = rows(cast)
    response = client.post(page_url(cast), practice_data(cast, supervisor=stranger.pk))
    assert response.status_code == 422
    assert "supervisor" in response.context["form"].errors
    assert rows(cast) == before


def test_supervisor_assigned_twice_in_the_same_role_is_refused_at_the_field(
    cast: Any, client: Client
) -> None:
    client.force_login(cast.coordinator)
    before = rows(cast)
    response = client.post(
        page_url(cast),
        practice_data(
            cast,
            supervisor=cast.supervisor.pk,
            role=SupervisionRole.SCHOOL_TRAINER,
            domain=Domain.EDUCATIONAL,
        ),
    )
    assert response.status_code == 422
    assert "supervisor" in response.context["form"].errors
    assert rows(cast) == before


def test_same_supervisor_in_another_role_is_allowed(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    response = client.post(
        page_url(cast),
        practice_data(cast, supervisor=cast.supervisor.pk, domain=Domain.EDUCATIONAL),
    )
    assert response.status_code == 302
    assert cast.placement.assignments.filter(supervisor=cast.supervisor).count() == 2


def test_external_supervisor_twice_in_the_same_role_is_refused(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    data = practice_data(cast, supervisor="", name="Wendy", email="wendy@example.org")
    assert client.post(page_url(cast), data).status_code == 302
    before = rows(cast)
    response = client.post(page_url(cast), {**data, "email": "WENDY@example.org"})
    assert response.status_code == 422
    assert "email" in response.context["form"].errors
    assert rows(cast) == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"supervisor": None}, "supervisor"),
        ({"name": "Wendy"}, "name"),
        ({"supervisor": None, "name": "Wendy"}, "email"),
        ({"supervisor": None, "email": "wendy@example.org"}, "email"),
        ({"supervisor": None, "name": "W\x00ndy", "email": "w@example.org"}, "name"),
        ({"supervisor": None, "name": "W" * 151, "email": "w@example.org"}, "name"),
        ({"supervisor": None, "name": "Wendy", "email": "not an address"}, "email"),
        ({"supervisor": "abc"}, "supervisor"),
        ({"supervisor": "999999"}, "supervisor"),
        ({"domain": None}, "domain"),
        ({"domain": "medical"}, "domain"),
        ({"role": None}, "role"),
    ],
)
def test_bad_input_is_refused_at_the_field(
    overrides: dict[str, Any], field: str, cast: Any, client: Client
) -> None:
    client.force_login(cast.coordinator)
    before = rows(cast)
    response = client.post(page_url(cast), practice_data(cast, **overrides))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert rows(cast) == before


def test_placement_in_the_data_is_ignored(cast: Any, client: Client) -> None:
    other = PlacementFactory(environment=cast.environment, programme=cast.social_work)
    client.force_login(cast.coordinator)
    response = client.post(page_url(cast), practice_data(cast, placement=other.pk))
    assert response.status_code == 302
    assert not other.assignments.exists()
    assert cast.placement.assignments.filter(supervisor=cast.bystander).exists()


def test_choosing_signs_off_moves_it(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    response = client.post(page_url(cast), practice_data(cast, signs_off="on"))
    assert response.status_code == 302
    signers = cast.placement.assignments.filter(signs_off=True)
    assert [a.supervisor for a in signers] == [cast.bystander]
    # Taking the sign-off from the school trainer is in the audit trail too.
    from accounts.models import AuditEvent

    previous = cast.placement.assignments.get(supervisor=cast.supervisor)
    assert AuditEvent.objects.filter(
        model="placements.SupervisionAssignment",
        object_id=previous.pk,
        action="update",
        actor=cast.coordinator,
    ).exists()


# --- Editing and removing -----------------------------------------------------


def test_coordinator_edits_an_assignment(cast: Any, client: Client) -> None:
    assignment = cast.placement.assignments.get()
    url = reverse("supervision:assignment_edit", args=[assignment.pk])
    client.force_login(cast.coordinator)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "supervisor": cast.supervisor.pk,
            "role": SupervisionRole.SCHOOL_TRAINER,
            "domain": Domain.EDUCATIONAL,
            "assesses": "on",
        },
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.guides, assignment.assesses, assignment.signs_off) == (False, True, False)


def test_edit_into_a_duplicate_is_refused(cast: Any, client: Client) -> None:
    other = assignment_save(
        assignment=SupervisionAssignment(
            placement=cast.placement,
            supervisor=cast.supervisor,
            role=SupervisionRole.PRACTICE,
            domain=Domain.EDUCATIONAL,
        )
    )
    client.force_login(cast.coordinator)
    before = rows(cast)
    response = client.post(
        reverse("supervision:assignment_edit", args=[other.pk]),
        {
            "supervisor": cast.supervisor.pk,
            "role": SupervisionRole.SCHOOL_TRAINER,
            "domain": Domain.EDUCATIONAL,
        },
    )
    assert response.status_code == 422
    assert "supervisor" in response.context["form"].errors
    assert rows(cast) == before


def test_coordinator_removes_an_assignment(cast: Any, client: Client) -> None:
    assignment = cast.placement.assignments.get()
    client.force_login(cast.coordinator)
    response = client.post(reverse("supervision:assignment_remove", args=[assignment.pk]))
    assert response.status_code == 302
    assert not cast.placement.assignments.exists()


def test_htmx_remove_returns_the_fragment(cast: Any, client: Client) -> None:
    assignment = cast.placement.assignments.get()
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("supervision:assignment_remove", args=[assignment.pk]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="assignments"')
    assert not cast.placement.assignments.exists()


def test_other_coordinator_cannot_touch_an_assignment(cast: Any, client: Client) -> None:
    assignment = cast.placement.assignments.get()
    client.force_login(cast.other_coordinator)
    response = client.post(reverse("supervision:assignment_remove", args=[assignment.pk]))
    assert response.status_code == 404
    assert cast.placement.assignments.filter(pk=assignment.pk).exists()


def test_csrf_is_enforced(cast: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.coordinator)
    before = rows(cast)
    assert client.post(page_url(cast), practice_data(cast)).status_code == 403
    assert rows(cast) == before


# --- Services -----------------------------------------------------------------


def test_service_refuses_a_supervisor_of_another_environment(cast: Any) -> None:
    with pytest.raises(AssignmentError, match="other_environment"):
        assignment_save(
            assignment=SupervisionAssignment(
                placement=cast.placement,
                supervisor=foreign_professional(cast),
                role=SupervisionRole.PRACTICE,
                domain=Domain.SOCIAL,
            )
        )
    assert cast.placement.assignments.count() == 1


def test_service_refuses_a_duplicate(cast: Any) -> None:
    with pytest.raises(AssignmentError, match="duplicate"):
        assignment_save(
            assignment=SupervisionAssignment(
                placement=cast.placement,
                supervisor=cast.supervisor,
                role=SupervisionRole.SCHOOL_TRAINER,
                domain=Domain.EDUCATIONAL,
            )
        )
    assert cast.placement.assignments.count() == 1


def test_service_keeps_one_signer(cast: Any) -> None:
    new = assignment_save(
        assignment=SupervisionAssignment(
            placement=cast.placement,
            supervisor=cast.bystander,
            role=SupervisionRole.PRACTICE,
            domain=Domain.SOCIAL,
            signs_off=True,
        )
    )
    assert list(cast.placement.assignments.filter(signs_off=True)) == [new]
    assignment_remove(assignment=new)
    assert not cast.placement.assignments.filter(signs_off=True).exists()


@pytest.mark.parametrize(
    ("student_domain", "role", "domain", "own"),
    [
        (Domain.SOCIAL, SupervisionRole.PRACTICE, Domain.SOCIAL, True),
        (Domain.SOCIAL, SupervisionRole.PRACTICE, Domain.EDUCATIONAL, False),
        (Domain.SOCIAL, SupervisionRole.SCHOOL_TRAINER, Domain.SOCIAL, False),
        (Domain.SOCIAL, SupervisionRole.INSTITUTE, Domain.SOCIAL, False),
        (Domain.EDUCATIONAL, SupervisionRole.SCHOOL_TRAINER, Domain.EDUCATIONAL, True),
        (Domain.EDUCATIONAL, SupervisionRole.PRACTICE, Domain.EDUCATIONAL, True),
        (Domain.PEDAGOGICAL, SupervisionRole.PRACTICE, Domain.PEDAGOGICAL, True),
        (Domain.PEDAGOGICAL, SupervisionRole.SCHOOL_TRAINER, Domain.EDUCATIONAL, False),
    ],
)
def test_own_domain_in_python_and_sql_agree(
    student_domain: str, role: str, domain: str, own: bool, db: None
) -> None:
    placement = PlacementFactory(programme__domain=student_domain, status=PlacementStatus.ACTIVE)
    assignment = SupervisionAssignment.objects.create(
        placement=placement, supervisor=UserFactory(), role=role, domain=domain
    )
    assert assignment.is_own_domain(student_domain) is own
    annotated = type(placement).objects.annotate(own=own_domain_supervision()).get(pk=placement.pk)
    assert annotated.own is own


def test_service_refuses_an_assignment_without_anyone(cast: Any) -> None:
    with pytest.raises(AssignmentError, match="no_supervisor"):
        assignment_save(
            assignment=SupervisionAssignment(
                placement=cast.placement, role=SupervisionRole.PRACTICE, domain=Domain.SOCIAL
            )
        )
    assert cast.placement.assignments.count() == 1
