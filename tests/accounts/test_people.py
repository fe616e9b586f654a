"""The coordinator's people page: the member list, changing a role and own domain,
ending a membership with what it ends, inviting again and resending."""

import datetime
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Invitation, Membership, Role
from accounts.services import invitation_create
from environments.models import Domain
from learning_networks.models import CalendarFeed, NetworkMembership
from learning_networks.services import calendar_feed_renew, network_member_set
from placements.models import SupervisionAssignment
from tests.accounts.factories import MembershipFactory


def people_url(cast: Any) -> str:
    return reverse("people:list", args=[cast.environment.pk])


def member_of(cast: Any, user: Any) -> Membership:
    return Membership.objects.get(user=user, environment=cast.environment)


def member_url(cast: Any, user: Any, name: str = "people:member") -> str:
    return reverse(name, args=[cast.environment.pk, member_of(cast, user).pk])


def add_members(cast: Any, count: int) -> None:
    for n in range(count):
        MembershipFactory(
            environment=cast.environment,
            role=Role.PRACTICE_SUPERVISOR,
            organisation=cast.neighbourhood,
            domain=Domain.SOCIAL,
            is_active=n % 3 != 0,
        )
        invitation_create(
            environment=cast.environment,
            invited_by=cast.coordinator,
            email=f"wacht{n}@example.org",
            role=Role.STUDENT,
            programme=cast.social_work,
        )


def test_the_list_shows_every_member_with_role_affiliation_domain_and_status(
    cast: Any, client: Client
) -> None:
    member = member_of(cast, cast.bystander)
    member.is_active = False
    member.domain = Domain.PEDAGOGICAL
    member.save()
    invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email="nieuw@example.org",
        full_name="Nina Nieuw",
        role=Role.COLLEAGUE,
        organisation=cast.school,
        domain=Domain.SOCIAL,
    )
    client.force_login(cast.coordinator)

    response = client.get(people_url(cast))

    assert response.status_code == 200
    rows = {row.name: row for row in response.context["rows"]}
    assert set(rows) == {
        "Sanne Student",
        "Bram Schoolopleider",
        "Carla Coördinator",
        "Bea Buurtwerker",
        "Kees Collega",
        "Nina Nieuw",
    }
    assert (rows["Sanne Student"].affiliation, rows["Sanne Student"].domain) == (
        "Social work (hbo)",
        Domain.SOCIAL,
    )
    assert (rows["Bea Buurtwerker"].status, rows["Bea Buurtwerker"].domain) == (
        "ended",
        Domain.PEDAGOGICAL,
    )
    assert rows["Nina Nieuw"].status == "invited" and rows["Nina Nieuw"].role == Role.COLLEAGUE
    assert rows["Kees Collega"].affiliation == "Basisschool De Regenboog"
    # Active first, then invited, then ended.
    assert [row.status for row in response.context["rows"]][-2:] == ["invited", "ended"]
    # Nobody of the other environment.
    assert "Otto Buitenstaander" not in response.content.decode()


def test_the_list_takes_the_same_number_of_queries_for_5_and_50_members(
    cast: Any, client: Client
) -> None:
    client.force_login(cast.coordinator)
    add_members(cast, 5)
    client.get(people_url(cast))  # the session and caches settle
    with CaptureQueriesContext(connection) as small:
        response = client.get(people_url(cast))
    assert len(response.context["rows"]) == 5 + 5 + 5
    add_members(cast, 45)
    with CaptureQueriesContext(connection) as large:
        response = client.get(people_url(cast))
    assert len(response.context["rows"]) == 5 + 50 + 50
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_a_coordinator_changes_a_role_and_records_a_domain(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    url = member_url(cast, cast.bystander)

    response = client.post(
        url,
        {"role": Role.SCHOOL_TRAINER, "organisation": cast.school.pk, "domain": Domain.PEDAGOGICAL},
    )

    assert response.status_code == 302
    member = member_of(cast, cast.bystander)
    assert (member.role, member.organisation, member.domain) == (
        Role.SCHOOL_TRAINER,
        cast.school,
        Domain.PEDAGOGICAL,
    )
    event = AuditEvent.objects.filter(model="accounts.Membership", object_id=member.pk).first()
    assert event is not None and event.actor == cast.coordinator
    assert event.changes["role"] == [Role.PRACTICE_SUPERVISOR, Role.SCHOOL_TRAINER]
    assert event.changes["domain"] == ["", Domain.PEDAGOGICAL]


def test_a_role_that_does_not_fit_the_organisation_is_refused(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    response = client.post(
        member_url(cast, cast.bystander),
        {"role": Role.INSTITUTE_SUPERVISOR, "organisation": cast.school.pk, "domain": "social"},
    )
    assert response.status_code == 422
    assert member_of(cast, cast.bystander).role == Role.PRACTICE_SUPERVISOR


def test_becoming_a_colleague_ends_supervision_on_the_next_request(
    cast: Any, client: Client
) -> None:
    supervisor = Client()
    supervisor.force_login(cast.supervisor)
    assert supervisor.get(reverse("supervision:home")).status_code == 200
    assert cast.student.full_name in supervisor.get(reverse("supervision:home")).content.decode()
    client.force_login(cast.coordinator)

    response = client.post(
        member_url(cast, cast.supervisor),
        {"role": Role.COLLEAGUE, "organisation": cast.school.pk, "domain": Domain.EDUCATIONAL},
    )

    assert response.status_code == 302
    assert not SupervisionAssignment.objects.filter(supervisor=cast.supervisor).exists()
    # Still in the network's core team: a role change takes nobody out of a network.
    assert NetworkMembership.objects.filter(user=cast.supervisor, core_team=True).exists()
    assert (
        cast.student.full_name not in supervisor.get(reverse("supervision:home")).content.decode()
    )
    assert supervisor.get(
        reverse("supervision:placement", args=[cast.placement.pk])
    ).status_code in (
        403,
        404,
    )


def test_ending_shows_what_it_ends_then_ends_it(cast: Any, client: Client) -> None:
    calendar_feed_renew(user=cast.bystander)
    network_member_set(network=cast.network, user=cast.bystander, core_team=True)
    SupervisionAssignment.objects.create(
        placement=cast.placement,
        supervisor=cast.bystander,
        role="practice",
        domain=Domain.SOCIAL,
    )
    bystander = Client()
    bystander.force_login(cast.bystander)
    assert (
        bystander.get(reverse("supervision:placement", args=[cast.placement.pk])).status_code == 200
    )
    client.force_login(cast.coordinator)

    page = client.get(member_url(cast, cast.bystander)).content.decode()
    assert "Sanne Student" in page and "Leernetwerk LR" in page
    response = client.post(member_url(cast, cast.bystander, "people:end"))

    assert response.status_code == 302
    member = member_of(cast, cast.bystander)
    assert not member.is_active
    assert not SupervisionAssignment.objects.filter(supervisor=cast.bystander).exists()
    assert not NetworkMembership.objects.filter(user=cast.bystander).exists()
    assert not CalendarFeed.objects.filter(user=cast.bystander).exists()
    audited = set(AuditEvent.objects.filter(actor=cast.coordinator).values_list("model", "action"))
    assert {("accounts.Membership", "update"), ("placements.SupervisionAssignment", "delete")} <= (
        audited
    )
    # The next request: nothing of the environment's students.
    assert bystander.get(
        reverse("supervision:placement", args=[cast.placement.pk])
    ).status_code in (
        403,
        404,
    )
    assert (
        bystander.get(reverse("accounts:environment", args=[cast.environment.pk])).status_code
        == 404
    )


def test_the_last_coordinator_and_the_last_core_team_member_stay(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)

    response = client.post(member_url(cast, cast.coordinator, "people:end"), follow=True)
    assert "laatste coördinator" in response.content.decode()
    assert member_of(cast, cast.coordinator).is_active
    response = client.post(
        member_url(cast, cast.coordinator),
        {"role": Role.COLLEAGUE, "organisation": cast.school.pk, "domain": Domain.SOCIAL},
    )
    assert response.status_code == 422 and "laatste coördinator" in response.content.decode()
    assert member_of(cast, cast.coordinator).role == Role.COORDINATOR

    # The supervisor is the network's only core-team member.
    response = client.post(member_url(cast, cast.supervisor, "people:end"), follow=True)
    assert "laatste kernteamlid van Leernetwerk LR" in response.content.decode()
    assert member_of(cast, cast.supervisor).is_active
    assert SupervisionAssignment.objects.filter(supervisor=cast.supervisor).exists()

    # With a second coordinator, the first may go.
    MembershipFactory(environment=cast.environment, role=Role.COORDINATOR)
    client.post(member_url(cast, cast.coordinator, "people:end"))
    assert not member_of(cast, cast.coordinator).is_active


def test_an_ended_member_is_invited_again_and_rejoins(cast: Any, client: Client) -> None:
    member = member_of(cast, cast.bystander)
    member.domain = Domain.PEDAGOGICAL
    member.is_active = False
    member.save()
    client.force_login(cast.coordinator)

    response = client.post(member_url(cast, cast.bystander, "people:reinvite"))

    assert response.status_code == 302
    invitation = Invitation.objects.get(email=cast.bystander.email)
    assert (invitation.role, invitation.organisation, invitation.domain) == (
        Role.PRACTICE_SUPERVISOR,
        cast.neighbourhood,
        Domain.PEDAGOGICAL,
    )
    # Twice is refused: one is waiting.
    client.post(member_url(cast, cast.bystander, "people:reinvite"))
    assert Invitation.objects.filter(email=cast.bystander.email).count() == 1
    # An active member is not invited again.
    client.post(member_url(cast, cast.student, "people:reinvite"))
    assert not Invitation.objects.filter(email=cast.student.email).exists()


def test_a_waiting_or_expired_invitation_is_sent_again(
    cast: Any, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    invitation = invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email="nieuw@example.org",
        role=Role.COLLEAGUE,
        organisation=cast.school,
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    mail.outbox.clear()
    client.force_login(cast.coordinator)
    url = reverse("accounts:invitation_resend", args=[cast.environment.pk, invitation.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": people_url(cast)})

    assert response.status_code == 302 and response["Location"] == people_url(cast)
    invitation.refresh_from_db()
    assert invitation.is_pending
    assert [m.to for m in mail.outbox] == [["nieuw@example.org"]]
    # A withdrawn one stays closed.
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("who", ["student", "supervisor", "bystander", "colleague"])
def test_only_coordinators_see_the_people_page(who: str, cast: Any, client: Client) -> None:
    client.force_login(getattr(cast, who))
    assert client.get(people_url(cast)).status_code == 403


def test_a_coordinator_cannot_reach_a_member_of_another_environment(
    cast: Any, client: Client
) -> None:
    """Through their own environment's address, the other coordinator still cannot
    change or end a member of this one."""
    client.force_login(cast.other_coordinator)
    member = member_of(cast, cast.bystander)
    for name in ("people:member", "people:end", "people:reinvite"):
        url = reverse(name, args=[cast.other_environment.pk, member.pk])
        assert client.post(url).status_code == 404, name
    member.refresh_from_db()
    assert member.is_active and not Invitation.objects.exists()
