"""The audit trail: who changed placements, supervision, week approvals and roles, and
the coordinator's page that shows their own environment's trail only."""

from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.audit import acting_as
from accounts.models import AuditEvent, Membership, Role
from accounts.services import (
    invitation_accept_existing_user,
    invitation_create,
    membership_save,
    membership_set,
)
from placements.models import SupervisionAssignment
from placements.services import assignment_save, placement_save
from privacy.services import account_delete
from tests.accounts.factories import UserFactory
from tests.environments.factories import LearningEnvironmentFactory
from tests.security.cases_supervision import assignment_data
from tests.security.test_authorisation_matrix import make_submitted_week, placement_data


def events_for(label: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(model=label).order_by("pk"))


def test_placement_changes_name_the_coordinator(cast: Any) -> None:
    client = Client()
    client.force_login(cast.coordinator)

    response = client.post(
        reverse("placements:edit", args=[cast.placement.pk]), placement_data(cast)
    )

    assert response.status_code == 302
    [event] = [e for e in events_for("placements.Placement") if e.action == "update"]
    assert event.actor == cast.coordinator
    assert event.environment == cast.environment
    assert event.object_id == cast.placement.pk
    assert Decimal(event.changes["hours_per_week"][1]) == 12
    assert "created_at" not in event.changes


def test_supervision_assignment_is_audited_without_free_text(cast: Any) -> None:
    client = Client()
    client.force_login(cast.coordinator)

    client.post(reverse("supervision:placement", args=[cast.placement.pk]), assignment_data(cast))
    assignment = SupervisionAssignment.objects.get(supervisor=cast.bystander)
    # Handed over to someone without an account, known by a typed name and address.
    assignment.supervisor = None
    assignment.email = "bea@buurtteam.example.org"
    assignment.name = "Bea B."
    assignment_save(assignment=assignment)
    client.post(reverse("supervision:assignment_remove", args=[assignment.pk]))

    events = events_for("placements.SupervisionAssignment")
    created = next(e for e in events if e.object_id == assignment.pk and e.action == "create")
    assert created.actor == cast.coordinator
    assert created.environment == cast.environment
    assert created.changes["supervisor"] == [None, cast.bystander.pk]
    renamed = next(e for e in events if e.action == "update" and "name" in e.changes)
    assert renamed.changes["name"] is None  # changed, contents not kept
    assert renamed.actor is None  # no request: a script or task
    assert any(e.action == "delete" and e.object_id == assignment.pk for e in events)
    assert "Bea" not in str(list(AuditEvent.objects.values_list("changes", flat=True)))


def test_week_approval_names_the_supervisor(cast: Any) -> None:
    week = make_submitted_week(cast)
    client = Client()
    client.force_login(cast.supervisor)

    response = client.post(reverse("placements:week_approve", args=[week.pk]))

    assert response.status_code == 302
    approval = events_for("placements.Week")[-1]
    assert approval.action == "update"
    assert approval.actor == cast.supervisor
    assert approval.environment == cast.environment
    assert approval.changes["status"] == ["submitted", "approved"]
    assert approval.changes["reviewer"] == [None, cast.supervisor.pk]


def test_role_changes_are_audited(cast: Any) -> None:
    invitation = invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email=cast.bystander.email,
        role=Role.COORDINATOR,
    )
    invitation_accept_existing_user(invitation=invitation, user=cast.bystander)
    membership = Membership.objects.get(user=cast.bystander, role=Role.COORDINATOR)
    membership.is_active = False
    membership_save(membership=membership)

    events = [e for e in events_for("accounts.Membership") if e.object_id == membership.pk]
    assert [e.action for e in events] == ["create", "update"]
    assert events[0].changes["role"] == [None, "coordinator"]
    assert events[1].changes == {"is_active": [True, False]}


def test_saving_without_changes_records_nothing(cast: Any) -> None:
    before = AuditEvent.objects.count()
    placement_save(placement=cast.placement, signoff=None)
    membership_save(membership=Membership.objects.get(user=cast.student))
    assert AuditEvent.objects.count() == before


def test_coordinator_sees_their_environments_trail_only(cast: Any) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    client.post(reverse("placements:edit", args=[cast.placement.pk]), placement_data(cast))
    other_membership = Membership.objects.get(user=cast.outsider)
    other_membership.role = Role.PRACTICE_SUPERVISOR
    other_membership.organisation = cast.institute
    other_membership.programme = None
    membership_save(membership=other_membership)
    assert AuditEvent.objects.filter(environment=cast.other_environment).exists()

    response = client.get(reverse("accounts:audit_log", args=[cast.environment.pk]))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows
    assert {row.event.environment_id for row in rows} == {cast.environment.pk}
    html = response.content.decode()
    assert cast.coordinator.full_name in html
    assert "Sanne Student" in html  # the placement, named
    assert cast.outsider.full_name not in html
    assert "Otto" not in html


def test_audit_page_queries_do_not_grow_with_the_trail(cast: Any) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    url = reverse("accounts:audit_log", args=[cast.environment.pk])

    def edits(hours: range) -> int:
        for value in hours:
            data = {**placement_data(cast), "hours_per_week": str(value)}
            client.post(reverse("placements:edit", args=[cast.placement.pk]), data)
        client.post(
            reverse("supervision:placement", args=[cast.placement.pk]), assignment_data(cast)
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    few = edits(range(10, 12))
    many = edits(range(12, 40))

    assert many == few


def test_audit_page_is_for_the_environments_coordinators(cast: Any) -> None:
    url = reverse("accounts:audit_log", args=[cast.environment.pk])
    expected = {
        "student": 403,
        "supervisor": 403,
        "bystander": 403,
        "coordinator": 200,
        "outsider": 404,
        "other_coordinator": 404,
    }
    for role, status in expected.items():
        client = Client()
        client.force_login(getattr(cast, role))
        assert client.get(url).status_code == status, role


def test_a_user_deleting_their_own_account_leaves_the_trail_unlinked(cast: Any) -> None:
    request = RequestFactory().post("/")
    request.user = cast.bystander
    with acting_as(request):
        account_delete(user=cast.bystander)
    connection.check_constraints()  # as at commit

    revoked = AuditEvent.objects.get(model="accounts.Membership", action="delete")
    assert revoked.actor is None
    assert revoked.environment == cast.environment


def test_deleting_an_environment_takes_its_trail_along(db: None) -> None:
    environment = LearningEnvironmentFactory()
    membership_set(user=UserFactory(), environment=environment, role=Role.PRACTICE_SUPERVISOR)
    assert AuditEvent.objects.filter(environment=environment).exists()

    environment.delete()
    connection.check_constraints()  # as at commit

    assert not AuditEvent.objects.filter(environment_id=environment.pk).exists()
