""" "You said, we did" (#19): the core team records what it concluded from a session's
feedback and what it changes; participants see it on the session, on the next session
of the learning line (the facilitators in its preparation notes) and on the line.
Access is the authorisation matrix's job (tests/security/cases_decisions.py)."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from learning_networks.models import FeedbackDecision, LearningLine, NetworkSession

HTMX = {"HX-Request": "true"}
CONCLUDED = "Jullie misten het sociaal domein."
CHANGES = "De volgende bijeenkomst schuift een buurtteam aan."
DATA = {"concluded": CONCLUDED, "changes": CHANGES}


def decision_url(session: NetworkSession) -> str:
    return reverse("learning_networks:session_decision", args=[session.pk])


def line_decision_url(line: LearningLine) -> str:
    return reverse("learning_networks:line_decision", args=[line.pk])


def as_user(client: Client, user: Any) -> Client:
    client.cookies["ulvo_language"] = "en"
    client.force_login(user)
    return client


def rows() -> list[tuple[Any, ...]]:
    return sorted(FeedbackDecision.objects.values_list())


@pytest.fixture
def line(cast: Any) -> LearningLine:
    """The past session first, the coming one next, in one learning line."""
    line = LearningLine.objects.create(network=cast.network, title="Samen lezen")
    NetworkSession.objects.filter(pk=cast.past_session.pk).update(line=line, position=1)
    NetworkSession.objects.filter(pk=cast.session.pk).update(line=line, position=2)
    cast.past_session.refresh_from_db()
    cast.session.refresh_from_db()
    return line


def test_core_team_records_a_decision_kept_with_the_line_and_audited(
    cast: Any, client: Client, line: LearningLine
) -> None:
    response = as_user(client, cast.supervisor).post(decision_url(cast.past_session), DATA)

    assert response.status_code == 302
    assert response["Location"] == cast.past_session.get_absolute_url() + "#decision"
    decision = FeedbackDecision.objects.get()
    assert (decision.session, decision.line, decision.network, decision.author) == (
        cast.past_session,
        line,
        cast.network,
        cast.supervisor,
    )
    assert (decision.concluded, decision.changes) == (CONCLUDED, CHANGES)
    (event,) = AuditEvent.objects.filter(model="learning_networks.FeedbackDecision")
    assert (event.action, event.actor, event.environment) == (
        "create",
        cast.supervisor,
        cast.environment,
    )
    # Free text: the trail says it was written, not what it says.
    assert event.changes["concluded"] is None
    assert CONCLUDED not in str(event.changes)


def test_a_second_decision_changes_the_first(cast: Any, client: Client) -> None:
    client = as_user(client, cast.supervisor)
    client.post(decision_url(cast.past_session), DATA)
    page = client.get(cast.past_session.get_absolute_url()).content.decode()
    assert CONCLUDED in page  # prefilled and shown
    response = client.post(decision_url(cast.past_session), {**DATA, "changes": "Iets anders."})
    assert response.status_code == 302
    assert FeedbackDecision.objects.get().changes == "Iets anders."
    actions = list(
        AuditEvent.objects.filter(model="learning_networks.FeedbackDecision")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update"]


def test_participants_see_it_on_the_session_the_next_one_and_the_line(
    cast: Any, client: Client, line: LearningLine
) -> None:
    as_user(client, cast.supervisor).post(decision_url(cast.past_session), DATA)
    student = as_user(Client(), cast.student)

    past = student.get(cast.past_session.get_absolute_url()).content.decode()
    assert "You said, we did" in past and CONCLUDED in past and CHANGES in past
    assert decision_url(cast.past_session) not in past  # no form for a student

    following = student.get(cast.session.get_absolute_url()).content.decode()
    assert "You said, we did" in following
    assert "After “Gesprekstechnieken” the core team read your feedback." in following
    assert CHANGES in following

    on_line = student.get(reverse("learning_networks:line", args=[line.pk])).content.decode()
    assert "You said, we did" in on_line and CHANGES in on_line


def test_the_next_sessions_preparation_notes_carry_the_change(
    cast: Any, client: Client, line: LearningLine
) -> None:
    client = as_user(client, cast.supervisor)
    client.post(decision_url(cast.past_session), DATA)
    html = client.get(cast.session.get_absolute_url()).content.decode()
    notes = html[html.index("Preparation notes") :]
    assert "From the feedback on “Gesprekstechnieken”, the core team changes:" in notes
    assert CHANGES in notes


def test_no_decision_shows_nothing(cast: Any, client: Client, line: LearningLine) -> None:
    html = as_user(client, cast.student).get(cast.session.get_absolute_url()).content.decode()
    assert "You said, we did" not in html


def test_the_form_only_after_the_session(cast: Any, client: Client) -> None:
    client = as_user(client, cast.supervisor)
    assert (
        decision_url(cast.session)
        not in client.get(cast.session.get_absolute_url()).content.decode()
    )
    assert (
        decision_url(cast.past_session)
        in client.get(cast.past_session.get_absolute_url()).content.decode()
    )
    response = client.post(decision_url(cast.session), DATA)
    assert response.status_code == 422
    assert "once the session has taken place" in response.content.decode()
    assert rows() == []


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"concluded": CONCLUDED},
        {"changes": CHANGES},
        {"concluded": "   ", "changes": CHANGES},
        {"concluded": CONCLUDED, "changes": "\n\t "},
        {"concluded": "x" * 2001, "changes": CHANGES},
        {"concluded": CONCLUDED, "changes": "y" * 2001},
        {"concluded": "nul\x00byte", "changes": CHANGES},
    ],
)
def test_bad_input_is_refused_and_saves_nothing(
    cast: Any, client: Client, line: LearningLine, data: dict[str, str]
) -> None:
    client = as_user(client, cast.supervisor)
    assert client.post(decision_url(cast.past_session), data).status_code == 422
    assert client.post(decision_url(cast.past_session), data, headers=HTMX).status_code == 422
    assert client.post(line_decision_url(line), data).status_code == 422
    assert rows() == []


def test_htmx_answers_with_the_section(cast: Any, client: Client) -> None:
    response = as_user(client, cast.supervisor).post(
        decision_url(cast.past_session), DATA, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="decision"')
    assert CHANGES in html


def test_privacy_hint_warns_then_saves_when_confirmed(cast: Any, client: Client) -> None:
    client = as_user(client, cast.supervisor)
    data = {"concluded": "De leerling Jan Jansen vond het te lang.", "changes": CHANGES}

    response = client.post(decision_url(cast.past_session), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Your text may identify a pupil." in html
    assert rows() == []
    digest = html.split('name="privacy_ok" value="')[1].split('"')[0]
    response = client.post(decision_url(cast.past_session), {**data, "privacy_ok": digest})
    assert response.status_code == 302
    assert FeedbackDecision.objects.get().concluded == data["concluded"]


def test_line_decisions_on_the_line_feedback_page_and_the_line(
    cast: Any, client: Client, line: LearningLine
) -> None:
    client = as_user(client, cast.supervisor)
    response = client.post(line_decision_url(line), DATA)
    assert response.status_code == 302
    decision = FeedbackDecision.objects.get()
    assert (decision.line, decision.session, decision.author) == (line, None, cast.supervisor)
    client.post(line_decision_url(line), {**DATA, "changes": "Nog een besluit."})
    assert FeedbackDecision.objects.filter(line=line).count() == 2  # a line collects them

    feedback_page = client.get(
        reverse("learning_networks:line_feedback", args=[line.pk])
    ).content.decode()
    assert "The learning line as a whole" in feedback_page
    assert feedback_page.index("Nog een besluit.") < feedback_page.index(CHANGES)
    on_line = (
        as_user(Client(), cast.student)
        .get(reverse("learning_networks:line", args=[line.pk]))
        .content.decode()
    )
    assert CHANGES in on_line and "Nog een besluit." in on_line


def test_line_privacy_hint(cast: Any, client: Client, line: LearningLine) -> None:
    data = {"concluded": "Mail naar ouder@example.org", "changes": CHANGES}
    response = as_user(client, cast.supervisor).post(line_decision_url(line), data)
    assert response.status_code == 200
    assert "Your text may identify a pupil." in response.content.decode()
    assert rows() == []


# --- Next school year --------------------------------------------------------------


def test_rollover_carries_the_lines_decisions_once(cast: Any, client: Client) -> None:
    from learning_networks.decisions import line_decision_add, session_decision_save
    from supervision.rollover import rollover_run
    from tests.supervision.steps import a_year_to_roll_over

    line = a_year_to_roll_over(cast)
    past = NetworkSession.objects.get(pk=cast.past_session.pk)
    assert past.line_id == line.pk
    session_decision_save(
        session=past, concluded=CONCLUDED, changes=CHANGES, author=cast.supervisor
    )
    line_decision_add(
        line=line, concluded="Te druk in mei.", changes="Eén minder.", author=cast.supervisor
    )
    # A decision of a session outside any line stays with that year.
    loose = NetworkSession.objects.filter(network=cast.network, line=None).first()
    assert loose is not None
    session_decision_save(session=loose, concluded="Los", changes="Los", author=cast.supervisor)

    rollover_run(source=cast.environment, user=cast.coordinator)
    rollover_run(source=cast.environment, user=cast.coordinator)  # twice: no duplicates

    new_line = LearningLine.objects.exclude(pk=line.pk).get(title=line.title)
    carried = list(
        FeedbackDecision.objects.filter(line=new_line)
        .order_by("pk")
        .values_list("session", "concluded", "changes", "school_year", "network__environment")
    )
    new_environment = new_line.network.environment_id
    year = cast.environment.school_year
    assert carried == [
        (None, CONCLUDED, CHANGES, year, new_environment),
        (None, "Te druk in mei.", "Eén minder.", year, new_environment),
    ]
    assert not FeedbackDecision.objects.filter(
        network__environment_id=new_environment, concluded="Los"
    ).exists()
    # Next year's core team reads them on the line, marked with the year.
    html = (
        as_user(client, cast.coordinator)
        .get(reverse("learning_networks:line", args=[new_line.pk]))
        .content.decode()
    )
    assert CHANGES in html and f"From school year {year}" in html
