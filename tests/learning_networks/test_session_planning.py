"""Planning sessions: create, edit, publish and cancel, and the input they refuse."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learning_networks.models import Attendance, NetworkSession, SessionStatus
from tests.environments.factories import OrganisationFactory, ProgrammeFactory

FORMAT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def planner(cast: Any, client: Client) -> Client:
    client.force_login(cast.supervisor)
    return client


def session_data(cast: Any, **overrides: Any) -> dict[str, Any]:
    starts = timezone.localtime(cast.session.starts_at) + datetime.timedelta(days=14)
    data = {
        "kind": "skills_lab",
        "theme": "Gespreksvoering met ouders",
        "starts_at": starts.strftime(FORMAT),
        "ends_at": (starts + datetime.timedelta(hours=2)).strftime(FORMAT),
        "location": cast.neighbourhood.pk,
        "room": "Zaal 2",
        "facilitators": [cast.supervisor.pk, cast.bystander.pk],
        "audience_programmes": [cast.social_work.pk],
        "audience_domains": ["social"],
        "preparation_notes": "Casus meenemen.",
    }
    data.update(overrides)
    return data


def test_the_core_team_creates_a_draft(cast: Any, planner: Client) -> None:
    url = reverse("learning_networks:session_create", args=[cast.network.pk])
    response = planner.post(url, session_data(cast))
    assert response.status_code == 302
    session = NetworkSession.objects.get(theme="Gespreksvoering met ouders")
    assert session.status == SessionStatus.DRAFT
    assert session.network == cast.network
    assert set(session.facilitators.all()) == {cast.supervisor, cast.bystander}
    assert list(session.audience_programmes.all()) == [cast.social_work]
    assert session.audience_domains == ["social"]
    assert session.room == "Zaal 2"
    assert not session.attendances.exists()  # a draft invites nobody


def test_mass_assignment_is_ignored(cast: Any, planner: Client) -> None:
    from learning_networks.models import LearningNetwork

    other = LearningNetwork.objects.create(environment=cast.other_environment, name="Elders")
    url = reverse("learning_networks:session_create", args=[cast.network.pk])
    planner.post(
        url,
        session_data(cast, status="held", network=other.pk, sequence="99", check_in_code="ABCDEF"),
    )
    session = NetworkSession.objects.get(theme="Gespreksvoering met ouders")
    assert session.status == SessionStatus.DRAFT
    assert session.network == cast.network
    assert session.sequence == 0 and session.check_in_code == ""


def _year(cast: Any, month: int, day: int, second: bool = False) -> str:
    first, last = (int(part) for part in cast.environment.school_year.split("-"))
    return f"{last if second else first}-{month:02d}-{day:02d}T10:00"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"theme": ""}, "theme"),
        ({"theme": "x" * 201}, "theme"),
        ({"theme": "nul\x00byte"}, "theme"),
        ({"kind": "party"}, "kind"),
        ({"starts_at": "31-02-2027"}, "starts_at"),
        ({"starts_at": "2027-02-30T10:00"}, "starts_at"),
        ({"ends_at": "not a date"}, "ends_at"),
        ("end_before_start", "ends_at"),
        ("before_year", "starts_at"),
        ("after_year", "ends_at"),
        ({"location": "999999"}, "location"),
        ({"location": "abc"}, "location"),
        ("other_facilitator", "facilitators"),
        ("other_programme", "audience_programmes"),
        ("other_location", "location"),
        ({"audience_domains": ["cooking"]}, "audience_domains"),
        ({"position": "-1"}, "position"),
        ({"position": "99999999999"}, "position"),
        ({"line": "999999"}, "line"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_changes_nothing(
    cast: Any, planner: Client, overrides: Any, field: str
) -> None:
    data = session_data(cast)
    if overrides == "end_before_start":
        data["ends_at"] = data["starts_at"]
    elif overrides == "before_year":
        data.update(starts_at=_year(cast, 7, 31), ends_at=_year(cast, 7, 31)[:-5] + "12:00")
    elif overrides == "after_year":
        data.update(
            starts_at=_year(cast, 7, 31, second=True),
            ends_at=_year(cast, 8, 1, second=True),
        )
    elif overrides == "other_facilitator":
        data["facilitators"] = [cast.outsider.pk]
    elif overrides == "other_programme":
        data["audience_programmes"] = [ProgrammeFactory().pk]
    elif overrides == "other_location":
        data["location"] = OrganisationFactory().pk
    else:
        data.update(overrides)
    count = NetworkSession.objects.count()
    url = reverse("learning_networks:session_create", args=[cast.network.pk])
    response = planner.post(url, data)
    assert response.status_code == 422
    assert field in response.context["form"].errors, response.context["form"].errors
    assert NetworkSession.objects.count() == count


def test_a_session_on_the_last_day_of_the_school_year_is_fine(cast: Any, planner: Client) -> None:
    data = session_data(
        cast,
        starts_at=_year(cast, 7, 31, second=True),
        ends_at=_year(cast, 7, 31, second=True)[:-5] + "12:00",
    )
    url = reverse("learning_networks:session_create", args=[cast.network.pk])
    assert planner.post(url, data).status_code == 302


def test_publishing_invites_the_audience(cast: Any, planner: Client) -> None:
    url = reverse("learning_networks:session_create", args=[cast.network.pk])
    planner.post(url, session_data(cast, facilitators=[cast.supervisor.pk]))
    session = NetworkSession.objects.get(theme="Gespreksvoering met ouders")
    response = planner.post(reverse("learning_networks:session_publish", args=[session.pk]))
    session.refresh_from_db()
    assert response.status_code == 302
    assert session.status == SessionStatus.PLANNED
    invited = set(Attendance.objects.filter(session=session).values_list("user_id", flat=True))
    # Social-work students and the facilitator.
    assert invited == {cast.student.pk, cast.supervisor.pk}
    # Publishing twice changes nothing.
    planner.post(reverse("learning_networks:session_publish", args=[session.pk]))
    assert Attendance.objects.filter(session=session).count() == 2


def test_a_draft_in_the_past_is_not_published(cast: Any, planner: Client) -> None:
    cast.past_session.status = SessionStatus.DRAFT
    cast.past_session.save()
    planner.post(reverse("learning_networks:session_publish", args=[cast.past_session.pk]))
    cast.past_session.refresh_from_db()
    assert cast.past_session.status == SessionStatus.DRAFT


def test_editing_a_planned_session_raises_its_sequence(cast: Any, planner: Client) -> None:
    url = reverse("learning_networks:session_edit", args=[cast.session.pk])
    page = planner.get(url)
    assert page.status_code == 200
    starts = timezone.localtime(cast.session.starts_at).strftime(FORMAT)
    assert f'value="{starts}"' in page.content.decode()
    response = planner.post(
        url, session_data(cast, theme="Nieuw thema", facilitators=[cast.supervisor.pk])
    )
    assert response.status_code == 302
    cast.session.refresh_from_db()
    assert cast.session.theme == "Nieuw thema"
    assert cast.session.sequence == 1
    assert cast.session.status == SessionStatus.PLANNED


def test_cancelling_a_session(cast: Any, planner: Client) -> None:
    url = reverse("learning_networks:session_cancel", args=[cast.session.pk])
    assert planner.get(url).status_code == 405
    assert planner.post(url).status_code == 302
    cast.session.refresh_from_db()
    assert cast.session.status == SessionStatus.CANCELLED
    # A cancelled session can no longer be edited.
    edit = reverse("learning_networks:session_edit", args=[cast.session.pk])
    assert planner.post(edit, session_data(cast)).status_code == 302
    cast.session.refresh_from_db()
    assert cast.session.theme != "Gespreksvoering met ouders"


def test_a_held_session_is_not_cancelled(cast: Any, planner: Client) -> None:
    planner.post(reverse("learning_networks:session_cancel", args=[cast.past_session.pk]))
    cast.past_session.refresh_from_db()
    assert cast.past_session.status == SessionStatus.HELD


def test_the_date_finder_link_prefills_start_end_and_programmes(cast: Any, planner: Client) -> None:
    url = reverse("learning_networks:session_create", args=[cast.network.pk])
    response = planner.get(
        url,
        {
            "starts_at": "2027-03-02T09:00",
            "ends_at": "2027-03-02T11:00",
            "audience_programmes": [cast.social_work.pk],
        },
    )
    form = response.context["form"]
    assert timezone.localtime(form.initial["starts_at"]).hour == 9
    assert form.initial["audience_programmes"] == [cast.social_work.pk]
    assert 'value="2027-03-02T09:00"' in response.content.decode()


def test_a_tampered_prefill_is_ignored(cast: Any, planner: Client) -> None:
    url = reverse("learning_networks:session_create", args=[cast.network.pk])
    response = planner.get(
        url, {"starts_at": "<script>", "ends_at": "\x00", "audience_programmes": ["x", "999"]}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "starts_at" not in form.initial and "audience_programmes" not in form.initial


def test_narrowing_the_audience_withdraws_unanswered_invitations(
    cast: Any, planner: Client
) -> None:
    from learning_networks.services import network_member_set, session_invite

    network_member_set(network=cast.network, user=cast.bystander)
    session_invite(session=cast.session)
    invited = set(cast.session.attendances.values_list("user_id", flat=True))
    assert cast.student.pk in invited and cast.bystander.pk in invited
    # The bystander already said yes; the student has not answered.
    Attendance.objects.filter(session=cast.session, user=cast.bystander).update(answer="yes")
    url = reverse("learning_networks:session_edit", args=[cast.session.pk])
    starts = timezone.localtime(cast.session.starts_at)
    response = planner.post(
        url,
        session_data(
            cast,
            starts_at=starts.strftime(FORMAT),
            ends_at=(starts + datetime.timedelta(hours=2)).strftime(FORMAT),
            facilitators=[cast.supervisor.pk],
            audience_programmes=[cast.pabo.pk],
            audience_domains=[],
        ),
    )
    assert response.status_code == 302
    now_invited = set(cast.session.attendances.values_list("user_id", flat=True))
    assert cast.student.pk not in now_invited  # a social-work student, unanswered
    assert cast.bystander.pk in now_invited  # answered: kept on the record
    assert cast.supervisor.pk in now_invited  # the facilitator


def test_a_held_session_keeps_its_invitations_when_the_audience_changes(cast: Any) -> None:
    from learning_networks.services import session_invite

    before = set(cast.past_session.attendances.values_list("user_id", flat=True))
    cast.past_session.audience_programmes.set([cast.pabo])
    session_invite(session=cast.past_session)
    after = set(cast.past_session.attendances.values_list("user_id", flat=True))
    assert before <= after
