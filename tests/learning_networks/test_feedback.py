"""Feedback after a session, and its results for the core team per session and along
a learning line. Access is the authorisation matrix's job (tests/security)."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from learning_networks.models import (
    LearningLine,
    NetworkSession,
    SessionFeedback,
    SessionStatus,
)
from learning_networks.services import (
    feedback_give,
    network_member_set,
    session_cancel,
    session_invite,
    session_save,
)
from tests.accounts.factories import MembershipFactory, UserFactory

HTMX = {"HX-Request": "true"}


@pytest.fixture
def student(cast: Any, client: Client) -> Client:
    client.cookies["ulvo_language"] = "en"
    client.force_login(cast.student)
    return client


def feedback_url(session: NetworkSession) -> str:
    return reverse("learning_networks:session_feedback", args=[session.pk])


def session_url(session: NetworkSession) -> str:
    return reverse("learning_networks:session", args=[session.pk])


def feedback_rows() -> list[tuple[Any, ...]]:
    return sorted(SessionFeedback.objects.values_list())


def participants(cast: Any, count: int, prefix: str = "Deelnemer") -> list[Any]:
    people = []
    for index in range(count):
        person = UserFactory(full_name=f"{prefix} {index}")
        MembershipFactory(
            user=person, environment=cast.environment, role=Role.STUDENT, programme=cast.pabo
        )
        network_member_set(network=cast.network, user=person)
        people.append(person)
    return people


def give(
    session: NetworkSession, user: Any, usefulness: int, relevance: int, comment: str = ""
) -> None:
    attendance = session.attendances.get(user=user)
    feedback_give(
        attendance=attendance, usefulness=usefulness, relevance=relevance, comment=comment
    )


# --- Giving feedback ------------------------------------------------------------------


def test_feedback_form_after_the_session_has_radio_groups(cast: Any, student: Client) -> None:
    html = student.get(session_url(cast.past_session)).content.decode()

    assert feedback_url(cast.past_session) in html
    assert html.count('type="radio" name="usefulness"') == 5
    assert html.count('type="radio" name="relevance"') == 5
    assert "<fieldset" in html and "<legend" in html
    # Not before the session.
    assert feedback_url(cast.session) not in student.get(session_url(cast.session)).content.decode()


def test_student_gives_feedback_once(cast: Any, student: Client) -> None:
    data = {"usefulness": "4", "relevance": "5", "comment": " Goed voor mijn stage. "}

    response = student.post(feedback_url(cast.past_session), data, headers=HTMX)

    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="feedback"')
    feedback = SessionFeedback.objects.get()
    assert (feedback.user, feedback.usefulness, feedback.relevance, feedback.comment) == (
        cast.student,
        4,
        5,
        "Goed voor mijn stage.",
    )

    before = feedback_rows()
    response = student.post(feedback_url(cast.past_session), data)
    assert response.status_code == 422
    assert "already given feedback" in response.content.decode()
    assert feedback_rows() == before


def test_feedback_without_javascript_redirects(cast: Any, student: Client) -> None:
    response = student.post(feedback_url(cast.past_session), {"usefulness": "3", "relevance": "3"})
    assert response.status_code == 302
    assert response["Location"] == session_url(cast.past_session) + "#feedback"
    assert SessionFeedback.objects.count() == 1


def test_no_feedback_before_the_session_or_when_cancelled(cast: Any, student: Client) -> None:
    data = {"usefulness": "4", "relevance": "4"}
    response = student.post(feedback_url(cast.session), data)
    assert response.status_code == 422
    assert "once the session has taken place" in response.content.decode()
    session_cancel(session=cast.past_session)
    assert student.post(feedback_url(cast.past_session), data).status_code == 422
    assert SessionFeedback.objects.count() == 0


def test_facilitators_do_not_rate_their_own_session(cast: Any, client: Client) -> None:
    client.force_login(cast.supervisor)
    html = client.get(session_url(cast.past_session)).content.decode()
    assert feedback_url(cast.past_session) not in html
    response = client.post(feedback_url(cast.past_session), {"usefulness": "5", "relevance": "5"})
    assert response.status_code == 422
    assert SessionFeedback.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"usefulness": "0", "relevance": "3"},
        {"usefulness": "6", "relevance": "3"},
        {"usefulness": "-1", "relevance": "3"},
        {"usefulness": "drie", "relevance": "3"},
        {"usefulness": "3.5", "relevance": "3"},
        {"usefulness": "3", "relevance": "3", "comment": "x" * 2001},
        {"usefulness": "3", "relevance": "3", "comment": "nul\x00byte"},
        {"usefulness": "3\x00", "relevance": "3"},
    ],
)
def test_bad_feedback_changes_nothing(cast: Any, student: Client, data: dict[str, Any]) -> None:
    response = student.post(feedback_url(cast.past_session), data, headers=HTMX)
    assert response.status_code == 422
    assert SessionFeedback.objects.count() == 0


def test_mass_assignment_of_user_or_session_is_ignored(cast: Any, student: Client) -> None:
    student.post(
        feedback_url(cast.past_session),
        {
            "usefulness": "2",
            "relevance": "2",
            "user": cast.supervisor.pk,
            "session": cast.session.pk,
        },
    )
    feedback = SessionFeedback.objects.get()
    assert (feedback.user_id, feedback.session_id) == (cast.student.pk, cast.past_session.pk)


# --- Results per session ------------------------------------------------------------


def test_core_team_sees_averages_and_distribution_but_no_comments_below_five(
    cast: Any, client: Client
) -> None:
    """Below five responses a comment could give its author away (#19): the figures
    are shown, the comments are not (tests/learning_networks/test_feedback_five_responses.py
    has the rule at four and five)."""
    people = participants(cast, 3, prefix="Anoniem")
    session_invite(session=cast.past_session)
    give(cast.past_session, people[0], 5, 4, "Eindelijk samen met social work.")
    give(cast.past_session, people[1], 3, 2)
    give(cast.past_session, people[2], 4, 3, "Te veel theorie.")
    client.cookies["ulvo_language"] = "en"
    client.force_login(cast.supervisor)

    html = client.get(session_url(cast.past_session)).content.decode()

    assert "3 responses" in html
    assert ">4.0<" in html  # usefulness (5 + 3 + 4) / 3
    assert ">3.0<" in html  # relevance (4 + 2 + 3) / 3
    assert "few responses" in html
    assert "Eindelijk samen met social work." not in html
    assert "Te veel theorie." not in html
    assert "Comments are shown once at least 5 participants have given feedback" in html
    assert "Anoniem" not in html


def test_students_do_not_see_the_results(cast: Any, student: Client) -> None:
    people = participants(cast, 1)
    session_invite(session=cast.past_session)
    give(cast.past_session, people[0], 5, 5, "Geheim commentaar")
    html = student.get(session_url(cast.past_session)).content.decode()
    assert "Geheim commentaar" not in html


# --- Along the learning line -------------------------------------------------------


def line_url(line: LearningLine) -> str:
    return reverse("learning_networks:line_feedback", args=[line.pk])


@pytest.fixture
def line(cast: Any) -> LearningLine:
    line = LearningLine.objects.create(network=cast.network, title="Samen lezen")
    NetworkSession.objects.filter(pk=cast.past_session.pk).update(line=line, position=1)
    NetworkSession.objects.filter(pk=cast.session.pk).update(line=line, position=2)
    return line


def add_past_session(cast: Any, line: LearningLine, position: int, theme: str) -> NetworkSession:
    starts = timezone.now() - datetime.timedelta(days=30 - position)
    session = session_save(
        session=NetworkSession(
            network=cast.network,
            line=line,
            position=position,
            kind="workshop",
            theme=theme,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
            status=SessionStatus.HELD,
        ),
        facilitators=[cast.supervisor],
        audience_programmes=[],
    )
    return session


def test_line_feedback_in_order_with_averages_and_response_rate(
    cast: Any, client: Client, line: LearningLine
) -> None:
    people = participants(cast, 5)
    session_invite(session=cast.past_session)
    for person, score in zip(people, [5, 4, 4, 3, 4], strict=True):
        give(cast.past_session, person, score, 3)
    client.cookies["ulvo_language"] = "en"
    client.force_login(cast.supervisor)

    response = client.get(line_url(line))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Gesprekstechnieken") < html.index("Samenwerken rond een leesgroep")
    # 6 participants invited (the student and five more; the facilitator does not count).
    assert "5 of 6" in html
    assert "(83%)" in html
    assert ">4.0<" in html
    assert ">3.0<" in html


def test_line_feedback_marks_few_responses(cast: Any, client: Client, line: LearningLine) -> None:
    give(cast.past_session, cast.student, 2, 2)
    client.cookies["ulvo_language"] = "en"
    client.force_login(cast.coordinator)
    html = client.get(line_url(line)).content.decode()
    assert "1 of 1" in html
    assert "few responses" in html


def test_line_feedback_query_count_does_not_grow(
    cast: Any, client: Client, line: LearningLine
) -> None:
    client.force_login(cast.supervisor)
    url = line_url(line)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    people = participants(cast, 3)
    for position in range(3, 9):
        session = add_past_session(cast, line, position, f"Workshop {position}")
        for person in people:
            give(session, person, 4, 4)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "Workshop 8" in response.content.decode()
    assert len(many) == len(few)
