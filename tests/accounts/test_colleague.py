"""The colleague role: a teacher or social worker at a host who supervises nobody sees
the environment page and the agenda, nothing about individual students. (Every URL's
answer for the colleague is in the authorisation matrix.)"""

from typing import Any

from django.test import Client
from django.urls import reverse

from accounts.models import Invitation, Membership, Role
from environments.models import Domain


def test_a_colleague_sees_the_environment_page_and_the_agenda(cast: Any, client: Client) -> None:
    client.force_login(cast.colleague)

    page = client.get(reverse("accounts:environment", args=[cast.environment.pk]))
    agenda = client.get(reverse("learning_networks:environment_agenda", args=[cast.environment.pk]))
    home = client.get(reverse("home"))

    assert page.status_code == agenda.status_code == home.status_code == 200
    assert cast.environment.name in home.content.decode()
    # The agenda names the sessions, not who comes; the page no member by name.
    assert cast.session.theme in agenda.content.decode()
    for text in (page.content.decode(), agenda.content.decode(), home.content.decode()):
        assert cast.student.full_name not in text


def test_a_colleague_sees_nothing_of_the_students(cast: Any, client: Client) -> None:
    client.force_login(cast.colleague)
    for url in (
        reverse("placements:detail", args=[cast.placement.pk]),
        reverse("supervision:placement", args=[cast.placement.pk]),
        reverse("supervision:gaps", args=[cast.environment.pk]),
        reverse("dashboards:environment", args=[cast.environment.pk]),
        reverse("learning_networks:detail", args=[cast.network.pk]),
        reverse("learning_networks:session", args=[cast.session.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url
    home = client.get(reverse("supervision:home")).content.decode()
    assert cast.student.full_name not in home


def test_the_coordinator_invites_a_colleague_of_a_host(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    url = reverse("accounts:invitation_list", args=[cast.environment.pk])

    response = client.post(
        url,
        {
            "email": "leerkracht@example.org",
            "role": Role.COLLEAGUE,
            "organisation": cast.school.pk,
            "domain": Domain.PEDAGOGICAL,
        },
    )
    refused = client.post(
        url,
        {"email": "docent@example.org", "role": Role.COLLEAGUE, "organisation": cast.institute.pk},
    )

    assert response.status_code == 302
    invitation = Invitation.objects.get(email="leerkracht@example.org")
    assert (invitation.role, invitation.domain) == (Role.COLLEAGUE, Domain.PEDAGOGICAL)
    assert refused.status_code == 422
    assert not Invitation.objects.filter(email="docent@example.org").exists()
    assert Membership.objects.filter(user=cast.colleague, role=Role.COLLEAGUE).exists()
