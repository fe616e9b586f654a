"""The facilitator's roster: one tap per invitee, and the check-in code.

Who may reach these URLs at all is the authorisation matrix's job
(tests/security/cases_attendance.py).
"""

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from learning_networks.models import Attendance, NetworkSession, Presence, SessionStatus
from learning_networks.services import (
    attendance_answer,
    network_member_set,
    session_cancel,
    session_invite,
    session_save,
)
from tests.accounts.factories import MembershipFactory, UserFactory

HTMX = {"HX-Request": "true"}


@pytest.fixture
def facilitator(cast: Any, client: Client) -> Client:
    client.cookies["ulvo_language"] = "en"
    client.force_login(cast.supervisor)
    return client


def roster_url(session: NetworkSession) -> str:
    return reverse("learning_networks:roster", args=[session.pk])


def mark_url(session: NetworkSession, attendance: Attendance) -> str:
    return reverse("learning_networks:roster_mark", args=[session.pk, attendance.pk])


def open_url(session: NetworkSession) -> str:
    return reverse("learning_networks:open_check_in", args=[session.pk])


def student_row(cast: Any, session: NetworkSession) -> Attendance:
    return Attendance.objects.get(session=session, user=cast.student)


def attendance_rows() -> list[tuple[Any, ...]]:
    return sorted(Attendance.objects.values_list())


@pytest.fixture
def today_session(cast: Any) -> NetworkSession:
    """A session later today (or right now, around midnight)."""
    now = timezone.localtime()
    starts = max(now, now.replace(hour=22, minute=0, second=0, microsecond=0))
    return session_save(
        session=NetworkSession(
            network=cast.network,
            kind="intervision",
            theme="Casusbespreking vandaag",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
            status=SessionStatus.PLANNED,
        ),
        facilitators=[cast.supervisor],
        audience_programmes=[],
    )


def test_roster_lists_every_invitee_with_their_answer(cast: Any, facilitator: Client) -> None:
    attendance_answer(
        attendance=student_row(cast, cast.session), answer="no", reason="Toets op school"
    )

    response = facilitator.get(roster_url(cast.session))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="roster-row') == 2
    assert "Sanne Student" in html
    assert "Social work" in html
    assert "Toets op school" in html
    row = student_row(cast, cast.session)
    assert mark_url(cast.session, row) in html


def test_one_tap_through_htmx_returns_the_row(cast: Any, facilitator: Client) -> None:
    row = student_row(cast, cast.past_session)

    response = facilitator.post(
        mark_url(cast.past_session, row), {"presence": "present"}, headers=HTMX
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="attendance-{row.pk}"')
    assert 'aria-pressed="true"' in html
    assert "<html" not in html
    row.refresh_from_db()
    assert row.presence == Presence.PRESENT


def test_one_tap_without_javascript_redirects_to_the_row(cast: Any, facilitator: Client) -> None:
    row = student_row(cast, cast.past_session)

    response = facilitator.post(mark_url(cast.past_session, row), {"presence": "absent"})

    assert response.status_code == 302
    assert response["Location"] == roster_url(cast.past_session) + f"#attendance-{row.pk}"
    row.refresh_from_db()
    assert row.presence == Presence.ABSENT


def test_someone_who_was_not_invited_cannot_be_registered(cast: Any, facilitator: Client) -> None:
    # The student's invitation to another session is not a row of this roster.
    other = student_row(cast, cast.session)
    before = attendance_rows()

    response = facilitator.post(mark_url(cast.past_session, other), {"presence": "present"})

    assert response.status_code == 404
    assert attendance_rows() == before


def test_an_invitation_of_another_network_is_not_found(cast: Any, facilitator: Client) -> None:
    from learning_networks.models import LearningNetwork

    network = LearningNetwork.objects.create(environment=cast.other_environment, name="Elders")
    network_member_set(network=network, user=cast.outsider)
    now = timezone.now() - datetime.timedelta(days=3)
    elsewhere = session_save(
        session=NetworkSession(
            network=network,
            kind="mixed",
            theme="Elders",
            starts_at=now,
            ends_at=now + datetime.timedelta(hours=1),
            status=SessionStatus.HELD,
        ),
        facilitators=[],
        audience_programmes=[],
    )
    foreign = Attendance.objects.get(session=elsewhere, user=cast.outsider)
    before = attendance_rows()

    response = facilitator.post(mark_url(cast.past_session, foreign), {"presence": "present"})

    assert response.status_code == 404
    assert attendance_rows() == before


def test_present_and_absent_only_from_the_day_of_the_session(
    cast: Any, facilitator: Client
) -> None:
    row = student_row(cast, cast.session)
    before = attendance_rows()

    response = facilitator.post(mark_url(cast.session, row), {"presence": "present"}, headers=HTMX)

    assert response.status_code == 422
    assert "from the day of the session" in response.content.decode()
    assert attendance_rows() == before

    # Excusing someone in advance is fine.
    response = facilitator.post(mark_url(cast.session, row), {"presence": "excused"}, headers=HTMX)
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.presence == Presence.EXCUSED


def test_no_registration_for_a_cancelled_session(cast: Any, facilitator: Client) -> None:
    session_cancel(session=cast.past_session)
    row = student_row(cast, cast.past_session)
    before = attendance_rows()

    response = facilitator.post(mark_url(cast.past_session, row), {"presence": "present"})

    assert response.status_code == 422
    assert attendance_rows() == before


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"presence": ""},
        {"presence": "sick"},
        {"presence": "present\x00"},
        {"presence": "x" * 5000},
    ],
)
def test_bad_presence_changes_nothing(cast: Any, facilitator: Client, data: dict[str, Any]) -> None:
    row = student_row(cast, cast.past_session)
    before = attendance_rows()

    response = facilitator.post(mark_url(cast.past_session, row), data, headers=HTMX)

    assert response.status_code == 422
    assert attendance_rows() == before


def test_students_cannot_register_presence(cast: Any, client: Client) -> None:
    client.force_login(cast.student)
    row = student_row(cast, cast.past_session)
    before = attendance_rows()

    response = client.post(mark_url(cast.past_session, row), {"presence": "present"})

    assert response.status_code == 403
    assert attendance_rows() == before


def test_open_check_in_on_the_day_shows_the_code(
    cast: Any, facilitator: Client, today_session: NetworkSession
) -> None:
    response = facilitator.post(open_url(today_session), headers=HTMX)

    assert response.status_code == 200
    today_session.refresh_from_db()
    code = today_session.check_in_code
    assert len(code) == 6
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="check-in-code"')
    assert code in html

    # Pressing again keeps the code people may be typing.
    response = facilitator.post(open_url(today_session))
    assert response.status_code == 302
    today_session.refresh_from_db()
    assert today_session.check_in_code == code
    assert code in facilitator.get(roster_url(today_session)).content.decode()


def test_check_in_cannot_be_opened_on_another_day(cast: Any, facilitator: Client) -> None:
    response = facilitator.post(open_url(cast.session), headers=HTMX)

    assert response.status_code == 422
    assert "on the day of the session" in response.content.decode()
    cast.session.refresh_from_db()
    assert cast.session.check_in_code == ""


def test_roster_query_count_does_not_grow(cast: Any, facilitator: Client) -> None:
    url = roster_url(cast.session)
    facilitator.get(url)
    with CaptureQueriesContext(connection) as few:
        facilitator.get(url)
    for index in range(10):
        person = UserFactory(full_name=f"Deelnemer {index}")
        MembershipFactory(
            user=person, environment=cast.environment, role=Role.STUDENT, programme=cast.pabo
        )
        network_member_set(network=cast.network, user=person)
    session_invite(session=cast.session)
    with CaptureQueriesContext(connection) as many:
        response = facilitator.get(url)
    assert response.content.decode().count('class="roster-row') == 12
    assert len(many) == len(few)


@pytest.fixture
def answered(cast: Any) -> dict[str, Attendance]:
    """Three more invitees of the coming session, in name order: Aart can't come, Bob
    has not answered, Zoë will come (and Sanne, the student, will come too)."""
    rows = {}
    for name in ("Aart Afwezig", "Bob Onbeslist", "Zoë Zeker"):
        person = UserFactory(full_name=name)
        MembershipFactory(
            user=person, environment=cast.environment, role=Role.STUDENT, programme=cast.pabo
        )
        network_member_set(network=cast.network, user=person)
        rows[name.split()[0]] = person
    session_invite(session=cast.session)
    found = {
        key: Attendance.objects.get(session=cast.session, user=person)
        for key, person in rows.items()
    }
    found["Sanne"] = student_row(cast, cast.session)
    attendance_answer(attendance=found["Aart"], answer="no", reason="Tentamen")
    attendance_answer(attendance=found["Zoë"], answer="yes", reason="")
    attendance_answer(attendance=found["Sanne"], answer="yes", reason="")
    return found


def row_order(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li id="attendance-(\d+)"', html)]


def test_those_who_said_they_will_come_are_first(
    cast: Any, facilitator: Client, answered: dict[str, Attendance]
) -> None:
    """Not alphabetical: coming, then no answer, then can't come (each by name)."""
    html = facilitator.get(roster_url(cast.session)).content.decode()

    supervisor = Attendance.objects.get(session=cast.session, user=cast.supervisor)
    assert row_order(html) == [
        answered["Sanne"].pk,  # Sanne Student
        answered["Zoë"].pk,  # Zoë Zeker
        answered["Bob"].pk,  # Bob Onbeslist
        supervisor.pk,  # Bram Schoolopleider: no answer
        answered["Aart"].pk,  # Aart Afwezig
    ]
    # Each group under a heading with its number.
    assert re.search(r"Said they&#x27;ll come <span class=\"badge\">2</span>", html)
    assert re.search(r"No answer yet <span class=\"badge\">2</span>", html)
    assert re.search(r"Can&#x27;t come <span class=\"badge\">1</span>", html)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"name": "zoe"}, ["Zoë"]),  # case and accents aside
        ({"name": "  ZEKER "}, ["Zoë"]),
        ({"show": "yes"}, ["Sanne", "Zoë"]),
        ({"show": "open"}, ["Bob", "Bram"]),
        ({"show": "no"}, ["Aart"]),
        ({"show": "yes", "name": "sanne"}, ["Sanne"]),
        ({"name": "nobody"}, []),
    ],
)
def test_the_filter_works_without_javascript(
    cast: Any,
    facilitator: Client,
    answered: dict[str, Attendance],
    query: dict[str, str],
    expected: list[str],
) -> None:
    answered["Bram"] = Attendance.objects.get(session=cast.session, user=cast.supervisor)

    response = facilitator.get(roster_url(cast.session), query)

    assert response.status_code == 200
    html = response.content.decode()
    assert sorted(row_order(html)) == sorted(answered[key].pk for key in expected)
    assert f"{len(expected)} of 5 shown" in html
    if not expected:
        assert "Nobody on the roster matches this filter." in html
    # The counts above still count everyone.
    assert "5 invited" in html


def test_the_filter_shows_who_is_not_registered_yet(
    cast: Any, facilitator: Client, answered: dict[str, Attendance]
) -> None:
    facilitator.post(mark_url(cast.session, answered["Aart"]), {"presence": "excused"})

    html = facilitator.get(roster_url(cast.session), {"show": "unregistered"}).content.decode()

    assert answered["Aart"].pk not in row_order(html)
    assert len(row_order(html)) == 4


@pytest.mark.parametrize(
    "query", [{"show": "everybody"}, {"name": "x" * 500}, {"name": "\x00"}, {"show": "\x00"}]
)
def test_a_bad_filter_shows_everyone(
    cast: Any, facilitator: Client, answered: dict[str, Attendance], query: dict[str, Any]
) -> None:
    response = facilitator.get(roster_url(cast.session), query)

    assert response.status_code == 200
    assert len(row_order(response.content.decode())) == 5


def test_the_filter_through_htmx_returns_the_list_alone(
    cast: Any, facilitator: Client, answered: dict[str, Attendance]
) -> None:
    response = facilitator.get(roster_url(cast.session), {"name": "aart"}, headers=HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="invitees">')
    assert "<html" not in html and 'id="check-in-code"' not in html
    assert row_order(html) == [answered["Aart"].pk]
