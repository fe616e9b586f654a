"""Planning sessions: create, edit, publish and cancel, and the input they refuse."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

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


def test_publishing_first_says_whom_it_invites(cast: Any, planner: Client) -> None:
    url = reverse("learning_networks:session_create", args=[cast.network.pk])
    planner.post(url, session_data(cast, facilitators=[cast.supervisor.pk]))
    session = NetworkSession.objects.get(theme="Gespreksvoering met ouders")
    publish = reverse("learning_networks:session_publish", args=[session.pk])

    page = planner.get(publish)

    assert page.status_code == 200
    audience = page.context["audience"]
    # Social-work students (of the social domain) and the facilitator.
    assert audience["count"] == 2 and not audience["whole_network"]
    assert "Social work" in audience["summary"]
    names = {person.full_name for group in audience["groups"] for person in group["people"]}
    assert names == {cast.student.full_name, cast.supervisor.full_name}
    html = page.content.decode()
    assert cast.student.full_name in html and 'data-audience="narrowed"' in html
    assert session.attendances.count() == 0  # looking changes nothing
    session.refresh_from_db()
    assert session.status == SessionStatus.DRAFT

    # A POST without the confirmation leads back to it, and invites nobody.
    assert planner.post(publish)["Location"] == publish
    session.refresh_from_db()
    assert session.status == SessionStatus.DRAFT and not session.attendances.exists()

    response = planner.post(publish, {"confirm": "yes"})
    session.refresh_from_db()
    assert response.status_code == 302
    assert session.status == SessionStatus.PLANNED
    invited = set(Attendance.objects.filter(session=session).values_list("user_id", flat=True))
    assert invited == {cast.student.pk, cast.supervisor.pk}
    # Publishing twice changes nothing; the confirmation page is gone once published.
    planner.post(publish, {"confirm": "yes"})
    assert Attendance.objects.filter(session=session).count() == 2
    assert planner.get(publish).status_code == 302


def test_publishing_to_the_whole_network_says_so(cast: Any, planner: Client) -> None:
    from learning_networks.services import network_member_set

    network_member_set(network=cast.network, user=cast.bystander)
    url = reverse("learning_networks:session_create", args=[cast.network.pk])
    planner.post(
        url,
        session_data(
            cast, facilitators=[cast.supervisor.pk], audience_programmes=[], audience_domains=[]
        ),
    )
    session = NetworkSession.objects.get(theme="Gespreksvoering met ouders")
    page = planner.get(reverse("learning_networks:session_publish", args=[session.pk]))
    audience = page.context["audience"]
    assert audience["whole_network"] and audience["count"] == 3
    html = page.content.decode()
    assert 'data-audience="whole-network"' in html
    assert cast.bystander.full_name in html
    # The core team's buttons lead to this page; none publishes straight away.
    network = planner.get(cast.network.get_absolute_url()).content.decode()
    assert f'href="{reverse("learning_networks:session_publish", args=[session.pk])}"' in network
    assert f'action="{reverse("learning_networks:session_publish", args=[session.pk])}"' not in (
        network
    )


def test_a_draft_in_the_past_is_not_published(cast: Any, planner: Client) -> None:
    cast.past_session.status = SessionStatus.DRAFT
    cast.past_session.save()
    planner.post(
        reverse("learning_networks:session_publish", args=[cast.past_session.pk]),
        {"confirm": "yes"},
    )
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


def test_a_position_sent_with_the_form_is_ignored(cast: Any, planner: Client) -> None:
    url = reverse("learning_networks:session_create", args=[cast.network.pk])
    assert planner.post(url, session_data(cast, position="-1")).status_code == 302
    assert NetworkSession.objects.get(theme="Gespreksvoering met ouders").position == 1


def test_a_learning_line_runs_in_date_order(cast: Any, planner: Client) -> None:
    """A new session that takes place before the line's later ones takes its place
    among them, and moving a session moves it in the line."""
    from learning_networks.models import LearningLine

    line = LearningLine.objects.create(network=cast.network, title="Jaarlijn")
    url = reverse("learning_networks:session_create", args=[cast.network.pk])
    base = timezone.localtime(cast.session.starts_at) + datetime.timedelta(days=7)

    def plan(theme: str, days: int) -> NetworkSession:
        starts = base + datetime.timedelta(days=days)
        data = session_data(
            cast,
            theme=theme,
            line=line.pk,
            starts_at=starts.strftime(FORMAT),
            ends_at=(starts + datetime.timedelta(hours=2)).strftime(FORMAT),
        )
        assert planner.post(url, data).status_code == 302
        return NetworkSession.objects.get(theme=theme)

    later = plan("Later in het jaar", 28)
    earlier = plan("Eerder in het jaar", 7)

    def order() -> list[str]:
        return list(line.sessions.order_by("position").values_list("theme", flat=True))

    assert order() == ["Eerder in het jaar", "Later in het jaar"]
    earlier.refresh_from_db()
    later.refresh_from_db()
    assert (earlier.position, later.position) == (1, 2)
    page = planner.get(reverse("learning_networks:line", args=[line.pk]))
    steps = [step["session"].theme for step in page.context["steps"]]
    assert steps == ["Eerder in het jaar", "Later in het jaar"]
    assert page.context["steps"][1]["previous"] == earlier

    # Moving the earlier session past the later one moves it in the line.
    starts = base + datetime.timedelta(days=35)
    edit = reverse("learning_networks:session_edit", args=[earlier.pk])
    moved = session_data(
        cast,
        theme="Eerder in het jaar",
        line=line.pk,
        starts_at=starts.strftime(FORMAT),
        ends_at=(starts + datetime.timedelta(hours=2)).strftime(FORMAT),
    )
    assert planner.post(edit, moved).status_code == 302
    assert order() == ["Later in het jaar", "Eerder in het jaar"]


def test_facilitators_are_grouped_by_organisation_professionals_first(
    cast: Any, planner: Client
) -> None:
    from accounts.models import Role
    from tests.accounts.factories import MembershipFactory, UserFactory

    colleague = UserFactory(full_name="Aad Aalbers")
    MembershipFactory(
        user=colleague,
        environment=cast.environment,
        role=Role.SCHOOL_TRAINER,
        organisation=cast.school,
    )
    pabo_student = UserFactory(full_name="Anna Pabo")
    MembershipFactory(
        user=pabo_student, environment=cast.environment, role=Role.STUDENT, programme=cast.pabo
    )
    response = planner.get(reverse("learning_networks:session_create", args=[cast.network.pk]))
    groups = response.context["form"].facilitator_groups()
    labels = [str(group["label"]) for group in groups]
    people = [[box.choice_label for box in group["boxes"]] for group in groups]
    assert labels[:2] == [cast.school.name, cast.neighbourhood.name]
    # The school's colleague (no supervisor) may facilitate too.
    assert people[0] == ["Aad Aalbers", cast.supervisor.full_name, cast.colleague.full_name]
    assert people[1] == [cast.bystander.full_name]
    # Students after every professional, by programme; the coordinator (no organisation)
    # last.
    students_of = gettext("Students of %(programme)s")
    assert labels[2:] == [
        students_of % {"programme": "Pabo"},
        students_of % {"programme": "Social work"},
        gettext("Other people"),
    ]
    assert people[-1] == [cast.coordinator.full_name]
    html = response.content.decode()
    assert 'id="facilitator-filter"' in html and "choice_filter.js" in html
    # The same boxes, once each.
    assert html.count('name="facilitators"') == sum(len(p) for p in people)


def test_the_network_page_links_its_dashboard_for_the_core_team(cast: Any, client: Client) -> None:
    dashboard = reverse("dashboards:network", args=[cast.network.pk])
    for user, shown in ((cast.supervisor, True), (cast.coordinator, True), (cast.student, False)):
        client.force_login(user)
        html = client.get(cast.network.get_absolute_url()).content.decode()
        assert (f'href="{dashboard}"' in html) is shown, user
