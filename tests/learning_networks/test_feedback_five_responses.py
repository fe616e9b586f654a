"""The five-response rule (#19): free-text feedback is shown only when a session has at
least five responses; below that a plain sentence says why. Every page that shows
feedback (the session, the learning line, the dashboards and their exports) is
checked at four and at five responses."""

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from learning_networks.models import LearningLine, NetworkSession
from tests.learning_networks.test_feedback import give, participants

COMMENT = "Meer over het sociaal domein graag."
WITHHELD = "Comments are shown once at least 5 participants have given feedback"


def with_responses(cast: Any, count: int) -> NetworkSession:
    """The past session with count responses, the first of them with a comment."""
    session: NetworkSession = cast.past_session
    people = participants(cast, count, prefix="Anoniem")
    from learning_networks.services import session_invite

    session_invite(session=session)
    for index, person in enumerate(people):
        give(session, person, 4, 3, COMMENT if index == 0 else "")
    return session


def core_team(cast: Any, client: Client) -> Client:
    client.cookies["ulvo_language"] = "en"
    client.force_login(cast.supervisor)
    return client


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- The session page ----------------------------------------------------------------


def test_four_responses_withhold_the_comments_and_say_why(cast: Any, client: Client) -> None:
    session = with_responses(cast, 4)
    html = page(core_team(cast, client), session.get_absolute_url())

    assert "4 responses" in html
    assert COMMENT not in html
    assert WITHHELD in html
    # The figures stay, marked as few.
    assert ">4.0<" in html and "few responses" in html


def test_five_responses_show_the_comments_without_names(cast: Any, client: Client) -> None:
    session = with_responses(cast, 5)
    html = page(core_team(cast, client), session.get_absolute_url())

    assert "5 responses" in html
    assert COMMENT in html
    assert WITHHELD not in html
    assert "Anoniem" not in html


def test_five_responses_without_any_comment_say_nothing_about_comments(
    cast: Any, client: Client
) -> None:
    session = cast.past_session
    from learning_networks.services import session_invite

    people = participants(cast, 5)
    session_invite(session=session)
    for person in people:
        give(session, person, 3, 3)
    html = page(core_team(cast, client), session.get_absolute_url())
    assert WITHHELD not in html
    assert "without names" not in html


def test_the_withheld_comments_are_not_read_at_all(cast: Any, client: Client) -> None:
    """Below five responses the comments do not even leave the database (one query
    fewer than at five), so no later template change can show them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def comment_queries() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            client.get(session.get_absolute_url())
        # The comments' query is the one that leaves out empty comments.
        return [q["sql"] for q in queries.captured_queries if "\"comment\" = ''" in q["sql"]]

    session = with_responses(cast, 4)
    client = core_team(cast, client)
    client.get(session.get_absolute_url())
    assert comment_queries() == []
    (fifth,) = participants(cast, 1, prefix="Vijfde")
    from learning_networks.services import session_invite

    session_invite(session=session)
    give(session, fifth, 4, 4)
    assert len(comment_queries()) == 1


# --- The learning line, the dashboards and their exports ------------------------------


@pytest.fixture
def line(cast: Any) -> LearningLine:
    line = LearningLine.objects.create(network=cast.network, title="Samen lezen")
    NetworkSession.objects.filter(pk=cast.past_session.pk).update(line=line, position=1)
    return line


@pytest.mark.parametrize("count", [4, 5])
def test_line_feedback_never_shows_a_comment(
    cast: Any, client: Client, line: LearningLine, count: int
) -> None:
    with_responses(cast, count)
    html = page(core_team(cast, client), reverse("learning_networks:line_feedback", args=[line.pk]))
    assert f"{count} of {count + 1}" in html  # the student of the cast was invited too
    assert COMMENT not in html


@pytest.mark.parametrize("count", [4, 5])
def test_dashboards_never_show_a_comment(cast: Any, client: Client, count: int) -> None:
    with_responses(cast, count)
    client.cookies["ulvo_language"] = "en"
    client.force_login(cast.coordinator)
    environment = cast.environment.pk
    for url in (
        reverse("dashboards:environment", args=[environment]),
        reverse("dashboards:sessions", args=[environment]),
        reverse("dashboards:network", args=[cast.network.pk]),
    ):
        assert COMMENT not in page(client, url), url


@pytest.mark.parametrize("count", [4, 5])
def test_dashboard_exports_never_hold_a_comment(cast: Any, client: Client, count: int) -> None:
    from dashboards.figures import Period  # noqa: F401 - the exports below need the app

    with_responses(cast, count)
    client.force_login(cast.coordinator)
    for url in (
        reverse("dashboards:export", args=[cast.environment.pk, "usefulness", "csv"]),
        reverse("dashboards:network_export", args=[cast.network.pk, "usefulness", "csv"]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        text = body.decode("utf-8-sig")
        assert str(count) in text  # the responses are counted …
        assert COMMENT not in text  # … their comments are not exported
    response = client.get(
        reverse("dashboards:export", args=[cast.environment.pk, "usefulness", "xlsx"])
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    ]
    assert str(count) in cells
    assert not [cell for cell in cells if COMMENT in cell]
