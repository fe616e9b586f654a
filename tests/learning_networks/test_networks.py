"""Networks: my list, the network page, creating networks, members and learning lines."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning_networks.models import (
    LearningLine,
    LearningNetwork,
    NetworkMembership,
    NetworkSession,
    SessionStatus,
)
from learning_networks.services import SessionError, network_member_remove, session_save
from tests.accounts.factories import MembershipFactory, UserFactory


def test_my_networks_lists_only_networks_i_am_in(cast: Any, login: Any) -> None:
    other = LearningNetwork.objects.create(environment=cast.environment, name="Ander netwerk")
    response = login(cast.student).get(reverse("learning_networks:list"))
    assert list(response.context["networks"]) == [cast.network]
    assert other.name not in response.content.decode()


def test_coordinators_see_every_network_of_their_environment(cast: Any, login: Any) -> None:
    LearningNetwork.objects.create(environment=cast.environment, name="Ander netwerk")
    response = login(cast.coordinator).get(reverse("learning_networks:list"))
    assert len(response.context["networks"]) == 2
    assert reverse("learning_networks:create", args=[cast.environment.pk]) in (
        response.content.decode()
    )


def test_students_cannot_see_networks_they_are_not_in(cast: Any, login: Any) -> None:
    other = LearningNetwork.objects.create(environment=cast.environment, name="Ander netwerk")
    response = login(cast.student).get(reverse("learning_networks:detail", args=[other.pk]))
    assert response.status_code == 404


def test_the_network_page_shows_sessions_lines_and_members(cast: Any, login: Any) -> None:
    line = LearningLine.objects.create(network=cast.network, title="Leesbevordering")
    cast.session.line = line
    cast.session.save()
    response = login(cast.student).get(reverse("learning_networks:detail", args=[cast.network.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert cast.session.theme in content
    assert cast.past_session.theme in content
    assert "Leesbevordering" in content
    assert cast.supervisor.full_name in content and cast.student.full_name in content
    # Members read; managing is for the core team.
    assert reverse("learning_networks:members", args=[cast.network.pk]) not in content
    assert reverse("learning_networks:session_edit", args=[cast.session.pk]) not in content


def test_drafts_are_only_shown_to_the_core_team(cast: Any, login: Any) -> None:
    starts = cast.session.starts_at + datetime.timedelta(days=3)
    session_save(
        session=NetworkSession(
            network=cast.network,
            kind="mono",
            theme="Geheim concept",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
        ),
        facilitators=[],
        audience_programmes=[],
    )
    url = reverse("learning_networks:detail", args=[cast.network.pk])
    assert "Geheim concept" not in login(cast.student).get(url).content.decode()
    assert "Geheim concept" in login(cast.supervisor).get(url).content.decode()


def _fill(cast: Any, count: int) -> None:
    line = LearningLine.objects.create(network=cast.network, title=f"Lijn {count}")
    start = cast.session.starts_at
    for index in range(count):
        person = UserFactory()
        MembershipFactory(user=person, environment=cast.environment)
        NetworkMembership.objects.create(network=cast.network, user=person, core_team=index % 2)
        begins = start + datetime.timedelta(days=index + 1)
        session_save(
            session=NetworkSession(
                network=cast.network,
                line=line,
                position=index + 1,
                kind="mixed",
                theme=f"Bijeenkomst {count}-{index}",
                starts_at=begins,
                ends_at=begins + datetime.timedelta(hours=1),
                location=cast.school,
                status=SessionStatus.PLANNED,
            ),
            facilitators=[person, cast.supervisor],
            audience_programmes=[],
        )


@pytest.mark.parametrize("viewer", ["supervisor", "student"])
def test_the_network_page_runs_the_same_queries_for_2_and_30_sessions(
    cast: Any, client: Client, viewer: str
) -> None:
    client.force_login(getattr(cast, viewer))
    url = reverse("learning_networks:detail", args=[cast.network.pk])
    _fill(cast, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _fill(cast, 30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["session_tables"][0]["sessions"]) == 33
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]


def test_a_coordinator_creates_a_network(cast: Any, login: Any) -> None:
    url = reverse("learning_networks:create", args=[cast.environment.pk])
    response = login(cast.coordinator).post(
        url, {"name": "Leernetwerk Vleuten", "environment": cast.other_environment.pk}
    )
    network = LearningNetwork.objects.get(name="Leernetwerk Vleuten")
    assert response.status_code == 302
    assert network.environment == cast.environment  # the form's field list, not the POST


@pytest.mark.parametrize("name", ["", "Leernetwerk LR", "leernetwerk lr", "x" * 151, "a\x00b"])
def test_a_bad_network_name_is_refused(cast: Any, login: Any, name: str) -> None:
    url = reverse("learning_networks:create", args=[cast.environment.pk])
    response = login(cast.coordinator).post(url, {"name": name})
    assert response.status_code == 422
    assert LearningNetwork.objects.count() == 1


def test_the_core_team_adds_a_member_and_changes_the_core_team(cast: Any, login: Any) -> None:
    url = reverse("learning_networks:members", args=[cast.network.pk])
    client = login(cast.supervisor)
    assert client.post(url, {"user": cast.bystander.pk}).status_code == 302
    assert not NetworkMembership.objects.get(network=cast.network, user=cast.bystander).core_team
    client.post(url, {"user": cast.bystander.pk, "core_team": "on"})
    assert NetworkMembership.objects.get(network=cast.network, user=cast.bystander).core_team


def test_adding_through_htmx_returns_the_member_section(cast: Any, login: Any) -> None:
    url = reverse("learning_networks:members", args=[cast.network.pk])
    response = login(cast.supervisor).post(url, {"user": cast.bystander.pk}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<section id="members"')
    assert cast.bystander.full_name in content


def test_people_of_another_environment_cannot_be_added(cast: Any, login: Any) -> None:
    url = reverse("learning_networks:members", args=[cast.network.pk])
    response = login(cast.supervisor).post(url, {"user": cast.outsider.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "user" in response.context["form"].errors
    assert not NetworkMembership.objects.filter(user=cast.outsider).exists()


def test_the_core_team_removes_a_member(cast: Any, login: Any) -> None:
    url = reverse("learning_networks:member_remove", args=[cast.network.pk, cast.student.pk])
    assert login(cast.supervisor).post(url).status_code == 302
    assert not NetworkMembership.objects.filter(network=cast.network, user=cast.student).exists()
    # Removing someone who is not a member is not found.
    assert login(cast.supervisor).post(url).status_code == 404


def test_the_last_core_team_member_stays(cast: Any, login: Any) -> None:
    with pytest.raises(SessionError):
        network_member_remove(network=cast.network, user=cast.supervisor)
    url = reverse("learning_networks:member_remove", args=[cast.network.pk, cast.supervisor.pk])
    assert login(cast.coordinator).post(url).status_code == 302
    assert NetworkMembership.objects.filter(network=cast.network, user=cast.supervisor).exists()


def test_removal_only_accepts_post(cast: Any, login: Any) -> None:
    url = reverse("learning_networks:member_remove", args=[cast.network.pk, cast.student.pk])
    assert login(cast.supervisor).get(url).status_code == 405


def test_a_learning_line_shows_what_came_before_and_what_comes_next(cast: Any, login: Any) -> None:
    client = login(cast.supervisor)
    response = client.post(
        reverse("learning_networks:line_create", args=[cast.network.pk]),
        {"title": "Samen lezen", "network": 999},
    )
    line = LearningLine.objects.get(title="Samen lezen")
    assert response.status_code == 302 and line.network == cast.network
    for position, session in enumerate([cast.past_session, cast.session], 1):
        session.line = line
        session.position = position
        session.save()
    response = client.get(reverse("learning_networks:line", args=[line.pk]))
    steps = response.context["steps"]
    assert [step["session"] for step in steps] == [cast.past_session, cast.session]
    assert steps[0]["previous"] is None and steps[0]["next"] == cast.session
    assert steps[1]["previous"] == cast.past_session and steps[1]["next"] is None


def test_a_duplicate_line_title_is_refused(cast: Any, login: Any) -> None:
    line = LearningLine.objects.create(network=cast.network, title="Samen lezen")
    other = LearningLine.objects.create(network=cast.network, title="Anders")
    response = login(cast.supervisor).post(
        reverse("learning_networks:line_edit", args=[other.pk]), {"title": "samen lezen"}
    )
    assert response.status_code == 422
    other.refresh_from_db()
    assert other.title == "Anders" and line.title == "Samen lezen"
