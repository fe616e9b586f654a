"""The session page, answers to an invitation and checking in with the code.

Who may reach these URLs at all is the authorisation matrix's job
(tests/security/cases_attendance.py); these tests cover what the pages show and
what the participants' requests do to the database.
"""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from learning_networks.models import (
    Answer,
    Attendance,
    LearningLine,
    NetworkSession,
    Presence,
    SessionStatus,
)
from learning_networks.services import (
    network_member_set,
    session_cancel,
    session_open_check_in,
    session_save,
)
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.learning_networks.steps import add_session

HTMX = {"HX-Request": "true"}


@pytest.fixture
def student(cast: Any, client: Client) -> Client:
    """The cast's student, with the interface in English to read the messages."""
    client.cookies["ulvo_language"] = "en"
    client.force_login(cast.student)
    return client


def session_url(session: NetworkSession) -> str:
    return reverse("learning_networks:session", args=[session.pk])


def answer_url(session: NetworkSession) -> str:
    return reverse("learning_networks:session_answer", args=[session.pk])


def check_in_url(session: NetworkSession) -> str:
    return reverse("learning_networks:session_check_in", args=[session.pk])


def attendance_rows() -> list[tuple[Any, ...]]:
    return sorted(Attendance.objects.values_list())


def own(cast: Any, session: NetworkSession | None = None) -> Attendance:
    return Attendance.objects.get(session=session or cast.session, user=cast.student)


# --- The session page ------------------------------------------------------------------


def test_session_page_shows_what_when_where_and_who(cast: Any, student: Client) -> None:
    response = student.get(session_url(cast.session))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Samenwerken rond een leesgroep" in html
    assert "Basisschool De Regenboog" in html
    assert "Bram Schoolopleider" in html
    assert "the whole network" in html
    assert answer_url(cast.session) in html
    # Students do not see the roster or the results.
    assert reverse("learning_networks:roster", args=[cast.session.pk]) not in html
    assert 'id="results-heading"' not in html


def test_preparation_notes_only_for_core_team_and_facilitators(cast: Any, client: Client) -> None:
    NetworkSession.objects.filter(pk=cast.session.pk).update(
        preparation_notes="Sluit aan op de casus van vorige keer."
    )
    client.force_login(cast.student)
    assert "Sluit aan op de casus" not in client.get(session_url(cast.session)).content.decode()
    client.force_login(cast.supervisor)
    html = client.get(session_url(cast.session)).content.decode()
    assert "Sluit aan op de casus" in html
    assert reverse("learning_networks:roster", args=[cast.session.pk]) in html
    client.force_login(cast.coordinator)
    assert "Sluit aan op de casus" in client.get(session_url(cast.session)).content.decode()


def test_learning_line_shows_the_previous_and_next_session(cast: Any, student: Client) -> None:
    line = LearningLine.objects.create(network=cast.network, title="Samen lezen")
    NetworkSession.objects.filter(pk=cast.past_session.pk).update(line=line, position=1)
    NetworkSession.objects.filter(pk=cast.session.pk).update(line=line, position=2)
    later = add_session(cast, days=21, theme="Leesgroep evalueren")
    NetworkSession.objects.filter(pk=later.pk).update(line=line, position=3)
    hidden = add_session(cast, days=14, theme="Concept in voorbereiding")
    NetworkSession.objects.filter(pk=hidden.pk).update(
        line=line, position=3, status=SessionStatus.DRAFT
    )

    html = student.get(session_url(cast.session)).content.decode()

    assert "Samen lezen" in html
    assert session_url(cast.past_session) in html
    assert session_url(later) in html
    assert "Concept in voorbereiding" not in html
    # The line's feedback results are for the core team.
    assert reverse("learning_networks:line_feedback", args=[line.pk]) not in html


def test_draft_sessions_are_hidden_from_participants(cast: Any, client: Client) -> None:
    draft = add_session(cast, days=10, status=SessionStatus.DRAFT, theme="Nog geheim")
    client.force_login(cast.student)
    assert client.get(session_url(draft)).status_code == 404
    client.force_login(cast.supervisor)
    assert client.get(session_url(draft)).status_code == 200


def test_session_page_query_count_does_not_grow(cast: Any, client: Client) -> None:
    client.force_login(cast.supervisor)
    url = session_url(cast.session)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(8):
        person = UserFactory(full_name=f"Deelnemer {index}")
        MembershipFactory(
            user=person, environment=cast.environment, role=Role.STUDENT, programme=cast.pabo
        )
        network_member_set(network=cast.network, user=person)
        cast.session.facilitators.add(person)
    session_save(
        session=cast.session, facilitators=cast.session.facilitators.all(), audience_programmes=[]
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "Deelnemer 7" in response.content.decode()
    assert len(many) == len(few)


# --- Answers -----------------------------------------------------------------------


def test_student_answers_yes_and_is_sent_back_to_the_page(cast: Any, student: Client) -> None:
    response = student.post(answer_url(cast.session), {"answer": "yes"})

    assert response.status_code == 302
    assert response["Location"] == session_url(cast.session) + "#answer"
    assert own(cast).answer == Answer.YES


def test_answer_no_needs_a_reason(cast: Any, student: Client) -> None:
    before = attendance_rows()

    response = student.post(answer_url(cast.session), {"answer": "no", "reason": "  "})

    assert response.status_code == 422
    assert "Tell the facilitators why you cannot come." in response.content.decode()
    assert attendance_rows() == before


def test_answer_no_with_a_reason_through_htmx_returns_the_fragment(
    cast: Any, student: Client
) -> None:
    response = student.post(
        answer_url(cast.session), {"answer": "no", "reason": "Tentamen op de pabo"}, headers=HTMX
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="answer"')
    assert "Tentamen op de pabo" in html
    assert "<html" not in html
    attendance = own(cast)
    assert (attendance.answer, attendance.reason) == (Answer.NO, "Tentamen op de pabo")


def test_answering_yes_clears_an_earlier_reason(cast: Any, student: Client) -> None:
    student.post(answer_url(cast.session), {"answer": "no", "reason": "Ziek"})
    student.post(answer_url(cast.session), {"answer": "yes", "reason": "ignored"})
    attendance = own(cast)
    assert (attendance.answer, attendance.reason) == (Answer.YES, "")


def test_quick_answer_from_the_home_page_returns_home(cast: Any, student: Client) -> None:
    response = student.post(answer_url(cast.session), {"answer": "yes", "next": "/"})
    assert response["Location"] == "/"
    # Another site is never a destination.
    response = student.post(
        answer_url(cast.session), {"answer": "yes", "next": "https://evil.example.org/"}
    )
    assert response["Location"].startswith(session_url(cast.session))


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"answer": "maybe"},
        {"answer": "yes\x00"},
        {"answer": "no", "reason": "x" * 301},
        {"answer": "no", "reason": "ziek\x00"},
        {"answer": ["yes", "no"], "reason": ""},
        {"answer": "", "presence": "present"},
    ],
)
def test_bad_answers_change_nothing(cast: Any, student: Client, data: dict[str, Any]) -> None:
    before = attendance_rows()

    response = student.post(answer_url(cast.session), data, headers=HTMX)

    assert response.status_code == 422
    assert attendance_rows() == before


def test_mass_assignment_of_presence_is_ignored(cast: Any, student: Client) -> None:
    student.post(
        answer_url(cast.session),
        {"answer": "yes", "presence": "present", "user": cast.supervisor.pk},
    )
    attendance = own(cast)
    assert (attendance.answer, attendance.presence) == (Answer.YES, Presence.UNKNOWN)
    assert Attendance.objects.get(session=cast.session, user=cast.supervisor).answer == ""


def test_no_answers_after_the_start(cast: Any, student: Client) -> None:
    before = attendance_rows()

    response = student.post(answer_url(cast.past_session), {"answer": "yes"})

    assert response.status_code == 422
    assert "already started" in response.content.decode()
    assert attendance_rows() == before


def test_no_answers_to_a_cancelled_session(cast: Any, student: Client) -> None:
    session_cancel(session=cast.session)
    before = attendance_rows()

    response = student.post(answer_url(cast.session), {"answer": "yes"})

    assert response.status_code == 422
    assert attendance_rows() == before


def test_a_member_who_was_not_invited_cannot_answer(cast: Any, client: Client) -> None:
    member = UserFactory()
    MembershipFactory(
        user=member, environment=cast.environment, role=Role.STUDENT, programme=cast.pabo
    )
    network_member_set(network=cast.network, user=member)
    client.force_login(member)
    before = attendance_rows()

    assert client.get(session_url(cast.session)).status_code == 200
    response = client.post(answer_url(cast.session), {"answer": "yes"})

    assert response.status_code == 403
    assert attendance_rows() == before


def test_answer_is_a_post(cast: Any, student: Client) -> None:
    assert student.get(answer_url(cast.session)).status_code == 405


# --- Checking in -----------------------------------------------------------------------


@pytest.fixture
def running(cast: Any) -> NetworkSession:
    """A session that started ten minutes ago, with its check-in open."""
    session = add_session(cast, days=-10 / (24 * 60), theme="Nu bezig")
    session_open_check_in(session=session)
    session.refresh_from_db()
    return session


def test_student_checks_in_with_the_code(cast: Any, student: Client, running: Any) -> None:
    html = student.get(session_url(running)).content.decode()
    assert check_in_url(running) in html

    response = student.post(
        check_in_url(running), {"code": f" {running.check_in_code.lower()} "}, headers=HTMX
    )

    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="check-in"')
    attendance = own(cast, running)
    assert attendance.presence == Presence.PRESENT
    assert attendance.checked_in_at is not None


def test_wrong_code_is_refused_at_the_field(cast: Any, student: Client, running: Any) -> None:
    before = attendance_rows()

    response = student.post(check_in_url(running), {"code": "AAAAAA"}, headers=HTMX)

    assert response.status_code == 422
    assert "not the code of this session" in response.content.decode()
    assert attendance_rows() == before


def test_no_check_in_before_it_is_opened_or_on_another_day(cast: Any, student: Client) -> None:
    session_open_check_in(session=cast.session)
    cast.session.refresh_from_db()
    before = attendance_rows()

    response = student.post(check_in_url(cast.session), {"code": cast.session.check_in_code})

    assert response.status_code == 422
    assert "not open" in response.content.decode()
    assert attendance_rows() == before
    assert check_in_url(cast.session) not in student.get(session_url(cast.session)).content.decode()


# --- The home page -------------------------------------------------------------------


def test_home_lists_upcoming_sessions_with_a_quick_answer(cast: Any, student: Client) -> None:
    add_session(cast, days=20, theme="Over drie weken")
    cancelled = add_session(cast, days=3, theme="Gaat niet door")
    session_cancel(session=cancelled)

    html = student.get(reverse("home")).content.decode()

    assert "Samenwerken rond een leesgroep" in html
    assert answer_url(cast.session) in html
    assert session_url(cast.session) + "?answer=no#answer" in html
    assert "Over drie weken" not in html
    assert "Gaat niet door" not in html
    assert "Gesprekstechnieken" not in html

    student.post(answer_url(cast.session), {"answer": "yes", "next": "/"})
    html = student.get(reverse("home")).content.decode()
    assert "You answered: I&#x27;ll come." in html or "You answered: I'll come." in html


def test_the_link_from_home_opens_the_reason_form(cast: Any, student: Client) -> None:
    html = student.get(session_url(cast.session) + "?answer=no").content.decode()
    assert '<details class="answer-no-form" open>' in html
