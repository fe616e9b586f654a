"""The rollover pages (#14, part 5): who may, the choices and the confirmation without
JavaScript, refusals at their field, the result with the sessions to move, and the
links between the years on the environment page."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from environments.models import LearningEnvironment
from learning_networks.models import NetworkSession, SessionStatus
from supervision.models import Rollover
from tests.environments.factories import LearningEnvironmentFactory
from tests.security.matrix import db_snapshot
from tests.supervision.steps import a_year_to_roll_over

CHOICES = ("partners", "programmes", "agreement", "networks", "lines", "outcomes")


def data_snapshot() -> dict[str, Any]:
    """The database but the users' last logins (each login below writes one)."""
    snapshot = db_snapshot()
    del snapshot["accounts.User"]
    return snapshot


def start_url(cast: Any) -> str:
    return reverse("rollover:start", args=[cast.environment.pk])


def run_url(cast: Any) -> str:
    return reverse("rollover:run", args=[cast.environment.pk])


def everything(cast: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": cast.environment.name, **dict.fromkeys(CHOICES, "on")}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def new_year(cast: Any) -> LearningEnvironment:
    return LearningEnvironment.objects.get(name=cast.environment.name, school_year="2027-2028")


@pytest.mark.parametrize("url", [start_url, run_url])
def test_only_the_environments_coordinators_roll_it_over(
    cast: Any, client: Client, url: Any
) -> None:
    a_year_to_roll_over(cast)
    before = data_snapshot()
    for user, status in (
        (cast.student, 403),
        (cast.supervisor, 403),
        (cast.bystander, 403),
        (cast.colleague, 403),
        (cast.other_coordinator, 404),
        (cast.outsider, 404),
    ):
        client.force_login(user)
        assert client.post(url(cast), everything(cast)).status_code == status, user
    assert data_snapshot() == before
    client.logout()
    assert client.get(start_url(cast)).status_code == 302


def test_the_choices_are_all_ticked_at_first(cast: Any, login: Any) -> None:
    response = login(cast.coordinator).get(start_url(cast))

    assert response.status_code == 200
    form = response.context["form"]
    assert form["name"].value() == cast.environment.name
    for name in CHOICES:
        assert form[name].value() is True, name
    assert "2027-2028" in response.content.decode()


def test_the_confirmation_lists_what_comes_and_the_holiday_landing_and_changes_nothing(
    cast: Any, login: Any
) -> None:
    a_year_to_roll_over(cast)
    client = login(cast.coordinator)
    before = db_snapshot()

    response = client.post(start_url(cast), everything(cast))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ouderbetrokkenheid" in page
    assert "Samen opvoeden" in page
    assert cast.supervisor.full_name in page  # the core team
    assert cast.student.full_name not in page
    plan = response.context["plan"]
    assert [move.session.theme for move in plan.in_holidays] == ["Ouderbetrokkenheid"]
    assert "Afgelast overleg" not in page
    # The confirmation carries the choices on to the run, nothing else.
    assert f'action="{run_url(cast)}"' in page
    assert db_snapshot() == before


def test_rolling_over_without_javascript(cast: Any, login: Any) -> None:
    a_year_to_roll_over(cast)
    client = login(cast.coordinator)

    response = client.post(run_url(cast), everything(cast, outcomes=None), follow=True)

    assert response.redirect_chain == [(start_url(cast), 302)]
    new = new_year(cast)
    assert not new.learning_outcomes.exists()
    drafts = NetworkSession.objects.filter(network__environment=new)
    assert drafts.count() == 3
    assert set(drafts.values_list("status", flat=True)) == {SessionStatus.DRAFT}
    page = response.content.decode()
    # The result: the new year, and the session still to move, linked to its edit page.
    assert new.get_absolute_url() in page
    moving = drafts.get(theme="Ouderbetrokkenheid")
    assert reverse("learning_networks:session_edit", args=[moving.pk]) in page
    assert [landing.session for landing in response.context["rollovers"][0][1]] == [moving]
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 2  # ready, and one session to move

    # Twice: nothing more.
    sessions = NetworkSession.objects.count()
    client.post(run_url(cast), everything(cast))
    assert NetworkSession.objects.count() == sessions
    assert Rollover.objects.count() == 1


def test_a_name_taken_next_year_is_refused_at_the_field(cast: Any, login: Any) -> None:
    a_year_to_roll_over(cast)
    LearningEnvironmentFactory(name=cast.environment.name, school_year="2027-2028")
    client = login(cast.coordinator)
    before = db_snapshot()

    for url in (start_url(cast), run_url(cast)):
        response = client.post(url, everything(cast))
        assert response.status_code == 422
        form = response.context["form"]
        assert list(form.errors) == ["name"]
        assert "2027-2028" in form.errors["name"][0]
        assert 'aria-invalid="true"' in response.content.decode()
    assert db_snapshot() == before


def test_lines_without_their_networks_are_refused_at_the_field(cast: Any, login: Any) -> None:
    a_year_to_roll_over(cast)
    client = login(cast.coordinator)
    before = db_snapshot()

    response = client.post(run_url(cast), everything(cast, networks=None))

    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["lines"]
    assert db_snapshot() == before


def test_the_environment_pages_link_the_years(cast: Any, login: Any) -> None:
    a_year_to_roll_over(cast)
    client = login(cast.coordinator)
    old_page = reverse("accounts:environment", args=[cast.environment.pk])
    assert start_url(cast) in client.get(old_page).content.decode()
    client.post(run_url(cast), everything(cast))
    new = new_year(cast)

    assert new.get_absolute_url() in client.get(old_page).content.decode()
    assert old_page in client.get(new.get_absolute_url()).content.decode()
    # A member of last year only, who cannot open next year's page, gets no link to it.
    client.force_login(cast.supervisor)
    page = client.get(old_page).content.decode()
    assert new.get_absolute_url() not in page
    assert start_url(cast) not in page
