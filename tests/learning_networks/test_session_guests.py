"""A session invites beyond its network (#14, part 3): colleagues and other people of
the environment by name, and partner organisations as a whole (a kick-off for the
whole school). The guests open the session, answer, find it in their calendar feed
and on the agenda, and get its reminder; nothing else of the network opens to them."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Membership, Role
from learning_networks.models import (
    Answer,
    Attendance,
    NetworkSession,
    SessionGuest,
    SessionGuestOrganisation,
    SessionStatus,
)
from learning_networks.services import SessionError, session_guests_set, session_save
from notifications.kinds import sees_session
from notifications.models import Notification
from supervision.people_services import member_end
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.environments.factories import OrganisationFactory

FORMAT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def planner(cast: Any, client: Client) -> Client:
    """The core team (the cast's supervisor) plans the network's sessions."""
    client.force_login(cast.supervisor)
    return client


def kick_off_data(cast: Any, **overrides: Any) -> dict[str, Any]:
    starts = timezone.localtime(cast.session.starts_at) + datetime.timedelta(days=14)
    data: dict[str, Any] = {
        "kind": "kick_off",
        "theme": "Jaarstart met de hele school",
        "starts_at": starts.strftime(FORMAT),
        "ends_at": (starts + datetime.timedelta(hours=2)).strftime(FORMAT),
        "location": cast.school.pk,
        "facilitators": [cast.supervisor.pk],
        "guest_organisations": [cast.neighbourhood.pk],
        "guests": [cast.colleague.pk],
    }
    data.update(overrides)
    return data


def plan_kick_off(cast: Any, **fields: Any) -> NetworkSession:
    """A planned session of the network that also invites the colleague by name and the
    neighbourhood organisation (the bystander's) as a whole."""
    starts = cast.session.starts_at + datetime.timedelta(days=1)
    values: dict[str, Any] = {
        "network": cast.network,
        "kind": "kick_off",
        "theme": "Jaarstart met de hele school",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=2),
        "status": SessionStatus.PLANNED,
    }
    values.update(fields)
    return session_save(
        session=NetworkSession(**values),
        facilitators=[cast.supervisor],
        audience_programmes=[],
        guests=[cast.colleague],
        guest_organisations=[cast.neighbourhood],
    )


# --- Planning ------------------------------------------------------------------------


def test_the_core_team_invites_a_colleague_and_a_whole_organisation(
    cast: Any, planner: Client
) -> None:
    url = reverse("learning_networks:session_create", args=[cast.network.pk])

    response = planner.post(url, kick_off_data(cast))

    assert response.status_code == 302
    session = NetworkSession.objects.get(theme="Jaarstart met de hele school")
    assert [guest.user for guest in session.guests.all()] == [cast.colleague]
    assert [row.organisation for row in session.guest_organisations.all()] == [cast.neighbourhood]
    # A draft invites nobody yet.
    assert not session.attendances.exists()
    # Each invitation is in the environment's audit trail.
    events = AuditEvent.objects.filter(environment=cast.environment, action="create")
    assert events.filter(model="learning_networks.SessionGuest").count() == 1
    assert events.filter(model="learning_networks.SessionGuestOrganisation").count() == 1
    assert events.filter(model="learning_networks.SessionGuest").get().actor == cast.supervisor


def test_publishing_invites_the_guests_and_the_list_names_the_organisation(
    cast: Any, planner: Client
) -> None:
    planner.post(
        reverse("learning_networks:session_create", args=[cast.network.pk]), kick_off_data(cast)
    )
    session = NetworkSession.objects.get(theme="Jaarstart met de hele school")
    publish = reverse("learning_networks:session_publish", args=[session.pk])

    page = planner.get(publish).content.decode()
    planner.post(publish, {"confirm": "yes"})

    # The bystander works at the invited neighbourhood organisation.
    assert f"Everyone of {cast.neighbourhood.name}" in page or "Iedereen van" in page
    assert cast.colleague.full_name in page and cast.bystander.full_name in page
    invited = set(session.attendances.values_list("user_id", flat=True))
    assert {cast.colleague.pk, cast.bystander.pk, cast.student.pk, cast.supervisor.pk} <= invited


def test_saving_the_same_guests_again_changes_nothing(cast: Any, planner: Client) -> None:
    session = plan_kick_off(cast)
    attendances = Attendance.objects.filter(session=session).count()
    events = AuditEvent.objects.count()
    url = reverse("learning_networks:session_edit", args=[session.pk])

    planner.post(url, kick_off_data(cast))
    planner.post(url, kick_off_data(cast))

    assert SessionGuest.objects.filter(session=session).count() == 1
    assert SessionGuestOrganisation.objects.filter(session=session).count() == 1
    assert Attendance.objects.filter(session=session).count() == attendances
    assert AuditEvent.objects.count() == events
    assert (
        session_guests_set(
            session=session, people=[cast.colleague], organisations=[cast.neighbourhood]
        )
        is False
    )


def test_taking_an_organisation_back_withdraws_its_unanswered_invitations(
    cast: Any, planner: Client
) -> None:
    session = plan_kick_off(cast)
    assert Attendance.objects.filter(session=session, user=cast.bystander).exists()

    response = planner.post(
        reverse("learning_networks:session_edit", args=[session.pk]),
        kick_off_data(cast, guest_organisations=[]),
    )

    assert response.status_code == 302
    assert not Attendance.objects.filter(session=session, user=cast.bystander).exists()
    assert Attendance.objects.filter(session=session, user=cast.colleague).exists()
    assert AuditEvent.objects.filter(
        model="learning_networks.SessionGuestOrganisation", action="delete"
    ).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("guest_organisations", lambda cast: [999999]),
        ("guest_organisations", lambda cast: ["school"]),
        # An organisation of the region that is no partner of this environment.
        ("guest_organisations", lambda cast: [OrganisationFactory(name="Elders").pk]),
        # A student of another environment, its coordinator, an unknown person.
        ("guests", lambda cast: [cast.outsider.pk]),
        ("guests", lambda cast: [cast.other_coordinator.pk]),
        ("guests", lambda cast: [999999]),
        ("guests", lambda cast: ["\x00"]),
    ],
)
def test_a_guest_from_elsewhere_is_refused_at_the_field_and_nothing_changes(
    cast: Any, planner: Client, field: str, value: Any
) -> None:
    session = plan_kick_off(cast)
    before = (
        list(SessionGuest.objects.values_list("session_id", "user_id")),
        list(SessionGuestOrganisation.objects.values_list("session_id", "organisation_id")),
        list(Attendance.objects.values_list("session_id", "user_id")),
        NetworkSession.objects.get(pk=session.pk).theme,
        AuditEvent.objects.count(),
    )

    response = planner.post(
        reverse("learning_networks:session_edit", args=[session.pk]),
        kick_off_data(cast, theme="Anders", **{field: value(cast)}),
    )

    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert (
        list(SessionGuest.objects.values_list("session_id", "user_id")),
        list(SessionGuestOrganisation.objects.values_list("session_id", "organisation_id")),
        list(Attendance.objects.values_list("session_id", "user_id")),
        NetworkSession.objects.get(pk=session.pk).theme,
        AuditEvent.objects.count(),
    ) == before


def test_the_service_refuses_guests_from_elsewhere_and_saves_nothing(cast: Any) -> None:
    stranger = OrganisationFactory(name="Niet hier")

    with pytest.raises(SessionError, match="guest_not_in_environment"):
        session_save(
            session=NetworkSession(
                network=cast.network,
                kind="kick_off",
                theme="Twee",
                starts_at=cast.session.starts_at,
                ends_at=cast.session.ends_at,
            ),
            facilitators=[],
            audience_programmes=[],
            guests=[cast.outsider],
        )
    with pytest.raises(SessionError, match="organisation_not_a_partner"):
        session_save(
            session=NetworkSession(
                network=cast.network,
                kind="kick_off",
                theme="Drie",
                starts_at=cast.session.starts_at,
                ends_at=cast.session.ends_at,
            ),
            facilitators=[],
            audience_programmes=[],
            guest_organisations=[stranger],
        )

    assert not NetworkSession.objects.filter(theme__in=["Twee", "Drie"]).exists()
    assert not SessionGuestOrganisation.objects.filter(organisation=stranger).exists()


# --- What a guest may do -------------------------------------------------------------


def test_a_colleague_invited_by_name_opens_answers_and_finds_the_session(
    cast: Any, client: Client
) -> None:
    session = plan_kick_off(cast)
    client.force_login(cast.colleague)

    page = client.get(session.get_absolute_url())
    answer = client.post(
        reverse("learning_networks:session_answer", args=[session.pk]), {"answer": "yes"}
    )
    agenda = client.get(reverse("learning_networks:environment_agenda", args=[cast.environment.pk]))
    home = client.get(reverse("home"))

    assert page.status_code == 200
    assert cast.neighbourhood.name in page.content.decode()  # "everyone of" it
    assert cast.student.full_name not in page.content.decode()
    assert answer.status_code == 302
    assert Attendance.objects.get(session=session, user=cast.colleague).answer == Answer.YES
    # The agenda links the session the colleague is a guest of, not the network's others.
    assert session.get_absolute_url() in agenda.content.decode()
    assert cast.session.get_absolute_url() not in agenda.content.decode()
    assert session.theme in home.content.decode()


def test_a_member_of_an_invited_organisation_opens_the_session(cast: Any, client: Client) -> None:
    session = plan_kick_off(cast)
    client.force_login(cast.bystander)

    assert client.get(session.get_absolute_url()).status_code == 200
    # Only this session: the network's own stay closed.
    assert client.get(cast.session.get_absolute_url()).status_code == 404
    assert client.get(cast.network.get_absolute_url()).status_code == 404


def test_a_guest_neither_plans_nor_keeps_the_roster(cast: Any, client: Client) -> None:
    session = plan_kick_off(cast)
    client.force_login(cast.colleague)

    for name in ("session_edit", "roster", "session_publish"):
        response = client.get(reverse(f"learning_networks:{name}", args=[session.pk]))
        assert response.status_code == 403, name
    response = client.post(reverse("learning_networks:session_cancel", args=[session.pk]))
    assert response.status_code == 403
    assert NetworkSession.objects.get(pk=session.pk).status == SessionStatus.PLANNED


def test_a_draft_is_not_shown_to_its_guests(cast: Any, client: Client) -> None:
    session = plan_kick_off(cast, status=SessionStatus.DRAFT)
    client.force_login(cast.colleague)

    assert client.get(session.get_absolute_url()).status_code == 404


def test_a_guest_whose_membership_ended_no_longer_opens_the_session(
    cast: Any, client: Client
) -> None:
    session = plan_kick_off(cast)
    membership = Membership.objects.get(user=cast.colleague, environment=cast.environment)
    client.force_login(cast.colleague)
    assert client.get(session.get_absolute_url()).status_code == 200

    member_end(membership=membership)

    # On the very next request.
    assert client.get(session.get_absolute_url()).status_code == 404


def test_a_member_who_left_the_invited_organisation_no_longer_opens_it(
    cast: Any, client: Client
) -> None:
    session = plan_kick_off(cast)
    Membership.objects.filter(user=cast.bystander, environment=cast.environment).update(
        organisation=cast.school
    )
    client.force_login(cast.bystander)

    assert client.get(session.get_absolute_url()).status_code == 404


def test_the_guest_of_another_environment_sees_nothing(cast: Any, client: Client) -> None:
    """Someone of the invited organisation who is a member only of another environment."""
    session = plan_kick_off(cast)
    elsewhere = UserFactory(email="elders@example.org", full_name="Els Elders")
    MembershipFactory(
        user=elsewhere,
        environment=cast.other_environment,
        role=Role.COLLEAGUE,
        organisation=cast.neighbourhood,
    )
    client.force_login(elsewhere)

    assert client.get(session.get_absolute_url()).status_code == 404
    assert not Attendance.objects.filter(session=session, user=elsewhere).exists()


def test_the_guests_calendar_feed_and_reminder_carry_the_session(cast: Any) -> None:
    from learning_networks.calendar_views import feed_sessions

    session = plan_kick_off(cast)
    notification = Notification(
        recipient=cast.colleague, kind="session_reminder", payload={"session": session.pk}
    )

    assert session in feed_sessions(cast.colleague.pk, timezone.now())
    assert session in feed_sessions(cast.bystander.pk, timezone.now())
    assert cast.session not in feed_sessions(cast.colleague.pk, timezone.now())
    assert sees_session(notification)
    session_guests_set(session=session, people=[], organisations=[])
    assert not sees_session(notification)


def test_a_facilitator_registers_a_guest_on_the_roster(cast: Any, planner: Client) -> None:
    session = plan_kick_off(cast, starts_at=timezone.now() - datetime.timedelta(hours=1))
    NetworkSession.objects.filter(pk=session.pk).update(
        ends_at=timezone.now() + datetime.timedelta(hours=1)
    )
    attendance = Attendance.objects.get(session=session, user=cast.colleague)

    response = planner.post(
        reverse("learning_networks:roster_mark", args=[session.pk, attendance.pk]),
        {"presence": "present"},
    )

    assert response.status_code in (200, 302)
    attendance.refresh_from_db()
    assert attendance.presence == "present"


# --- Queries ---------------------------------------------------------------------------


def _more_people_and_partners(cast: Any, count: int) -> None:
    for index in range(count):
        organisation = OrganisationFactory(name=f"School {index}")
        cast.environment.organisations.add(organisation)
        for person in range(3):
            user = UserFactory(email=f"collega{index}-{person}@example.org")
            MembershipFactory(
                user=user,
                environment=cast.environment,
                role=Role.COLLEAGUE,
                organisation=organisation,
            )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_planning_pages_read_as_many_queries_for_more_guests(
    cast: Any, planner: Client
) -> None:
    session = plan_kick_off(cast, status=SessionStatus.DRAFT)
    urls = [
        reverse("learning_networks:session_create", args=[cast.network.pk]),
        reverse("learning_networks:session_edit", args=[session.pk]),
        reverse("learning_networks:session_publish", args=[session.pk]),
    ]
    few = [_queries(planner, url) for url in urls]

    _more_people_and_partners(cast, 4)
    organisations = list(cast.environment.organisations.all())
    session_guests_set(
        session=session,
        people=[cast.colleague, *[m.user for m in Membership.objects.filter(role=Role.COLLEAGUE)]],
        organisations=organisations,
    )
    many = [_queries(planner, url) for url in urls]

    assert many == few


def test_the_session_page_reads_as_many_queries_for_more_guests(cast: Any, client: Client) -> None:
    session = plan_kick_off(cast)
    client.force_login(cast.colleague)
    few = _queries(client, session.get_absolute_url())

    _more_people_and_partners(cast, 4)
    session_guests_set(
        session=session,
        people=[m.user for m in Membership.objects.filter(role=Role.COLLEAGUE)],
        organisations=list(cast.environment.organisations.all()),
    )

    assert _queries(client, session.get_absolute_url()) == few


def test_a_guest_gives_feedback_after_the_session(cast: Any, client: Client) -> None:
    starts = timezone.now() - datetime.timedelta(days=2)
    session = plan_kick_off(
        cast,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        status=SessionStatus.HELD,
    )
    client.force_login(cast.bystander)

    response = client.post(
        reverse("learning_networks:session_feedback", args=[session.pk]),
        {"usefulness": "4", "relevance": "5", "comment": "Goed om de school te leren kennen."},
    )

    assert response.status_code == 302
    assert session.feedback.get().user == cast.bystander
