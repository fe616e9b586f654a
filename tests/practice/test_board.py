"""The team's board (#17, part 3): cards, moves by buttons and by dropping, and two
people moving at once: both moves kept, a move from an old picture of the board
refused with the board as it is now."""

import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from practice.models import Card, CardComment, PracticeQuestion
from practice.services import card_add
from tests.practice.steps import a_card, a_student, in_progress

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def board_of(question: Any) -> list[list[str]]:
    """The board as the database has it: per column, the titles in order."""
    return [
        list(column.cards.order_by("position").values_list("title", flat=True))
        for column in question.columns.order_by("position")
    ]


def positions_are_dense(question: Any) -> bool:
    return all(
        list(column.cards.order_by("position").values_list("position", flat=True))
        == list(range(column.cards.count()))
        for column in question.columns.all()
    )


def three_cards(cast: Any) -> tuple[Any, list[Card]]:
    question = in_progress(cast)
    cards = [a_card(cast, title=title, question=question) for title in ("A", "B", "C")]
    return question, cards


def move(client: Client, card: Card, **data: Any) -> Any:
    data.setdefault("version", card.version)
    return client.post(reverse("practice:card_move", args=[card.pk]), data, **HTMX)


def test_a_card_is_added_at_the_bottom_of_the_first_column(cast: Any, client: Client) -> None:
    question, _ = three_cards(cast)
    client.force_login(cast.student)
    response = client.post(
        reverse("practice:card_add", args=[question.pk]),
        {"title": "Plattegrond tekenen", "assignee": cast.supervisor.pk, "due_date": "2027-01-15"},
    )
    assert response.status_code == 302
    card = Card.objects.get(title="Plattegrond tekenen")
    assert (card.assignee, card.created_by, str(card.due_date)) == (
        cast.supervisor,
        cast.student,
        "2027-01-15",
    )
    assert board_of(question) == [["A", "B", "C", "Plattegrond tekenen"], [], []]


@pytest.mark.parametrize(
    "data",
    [
        {"title": ""},
        {"title": "x" * 201},
        {"title": "Iets", "assignee": "999999"},
        {"title": "Iets", "due_date": "0001-01-01"},
        {"title": "Iets\x00"},
    ],
)
def test_bad_cards_are_refused(cast: Any, client: Client, data: dict[str, Any]) -> None:
    question, _ = three_cards(cast)
    client.force_login(cast.student)
    response = client.post(reverse("practice:card_add", args=[question.pk]), data)
    assert response.status_code == 422
    assert Card.objects.count() == 3


def test_someone_of_another_team_cannot_be_assigned(cast: Any, client: Client) -> None:
    question, _ = three_cards(cast)
    client.force_login(cast.student)
    response = client.post(
        reverse("practice:card_add", args=[question.pk]),
        {"title": "Iets", "assignee": cast.bystander.pk},
    )
    assert response.status_code == 422
    assert Card.objects.count() == 3


def test_the_privacy_hint_runs_on_cards_and_comments(cast: Any, client: Client) -> None:
    question, cards = three_cards(cast)
    client.force_login(cast.student)
    url = reverse("practice:card_add", args=[question.pk])
    data = {"title": "Gesprek", "notes": "Bel de moeder van leerling Sam Jansen: 06-12345678"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Your text may identify a pupil." in response.content.decode()
    assert Card.objects.count() == 3
    comment_url = reverse("practice:card_comment", args=[cards[0].pk])
    response = client.post(comment_url, {"text": "Leerling Sam Jansen wil meedoen."})
    assert "Your text may identify a pupil." in response.content.decode()
    assert not CardComment.objects.exists()
    assert client.post(comment_url, {"text": "Ik neem dit op me."}).status_code == 302
    assert CardComment.objects.get().author == cast.student


def test_buttons_move_cards_without_javascript(cast: Any, client: Client) -> None:
    question, (a, b, c) = three_cards(cast)
    client.force_login(cast.student)
    url = reverse("practice:card_move", args=[b.pk])
    response = client.post(url, {"version": b.version, "direction": "right"})
    assert response.status_code == 302
    assert response["Location"] == reverse("practice:board", args=[question.pk])
    assert board_of(question) == [["A", "C"], ["B"], []]
    c.refresh_from_db()
    client.post(
        reverse("practice:card_move", args=[c.pk]), {"version": c.version, "direction": "up"}
    )
    assert board_of(question) == [["C", "A"], ["B"], []]
    assert positions_are_dense(question)


def test_htmx_moves_answer_with_the_board(cast: Any, client: Client) -> None:
    question, (a, _b, _c) = three_cards(cast)
    client.force_login(cast.supervisor)
    response = move(client, a, direction="right")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="board"')
    assert "<html" not in html
    assert board_of(question) == [["B", "C"], ["A"], []]


def test_dropping_a_card_above_another(cast: Any, client: Client) -> None:
    question, (a, b, c) = three_cards(cast)
    doing, done = question.columns.order_by("position")[1:]
    client.force_login(cast.student)
    assert move(client, c, column=doing.pk).status_code == 200
    b.refresh_from_db()
    assert move(client, a, column=doing.pk, before=c.pk).status_code == 200
    assert board_of(question) == [["B"], ["A", "C"], []]
    b.refresh_from_db()
    assert move(client, b, column=b.column_id, before="").status_code == 200
    assert positions_are_dense(question)
    assert done.cards.count() == 0


def test_two_people_moving_at_once_keep_both_moves(cast: Any) -> None:
    """Both loaded the board; one moves A, the other then moves B from the same old
    picture: different cards, so both moves stand."""
    question, (a, b, _c) = three_cards(cast)
    other = a_student(cast, cast.pabo, "Pim Pabo")
    from practice.services import team_add

    team_add(question=question, user=other, is_supervisor=False)
    first, second = Client(), Client()
    first.force_login(cast.student)
    second.force_login(other)
    doing = question.columns.order_by("position")[1]
    assert move(first, a, direction="right").status_code == 200
    # The second still has A at the top of To do above B: they drop B into Doing.
    assert move(second, b, column=doing.pk).status_code == 200
    assert board_of(question) == [["C"], ["A", "B"], []]
    assert positions_are_dense(question)


def test_a_stale_move_is_refused_and_the_board_refreshed(cast: Any) -> None:
    question, (a, _b, _c) = three_cards(cast)
    first, second = Client(), Client()
    for client in (first, second):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    first.force_login(cast.student)
    second.force_login(cast.supervisor)
    stale_version = a.version
    assert move(first, a, direction="right").status_code == 200
    before = board_of(question)
    # The supervisor still sees A in To do and moves it down: refused, nothing changed,
    # the current board comes back with the reason.
    response = move(second, a, version=stale_version, direction="down")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone changed this card in the meantime" in html
    assert 'id="board"' in html
    assert board_of(question) == before


def test_a_duplicate_submit_changes_nothing(cast: Any, client: Client) -> None:
    question, (a, _b, _c) = three_cards(cast)
    client.force_login(cast.student)
    version = a.version
    assert move(client, a, version=version, direction="right").status_code == 200
    assert move(client, a, version=version, direction="right").status_code == 409
    assert board_of(question) == [["B", "C"], ["A"], []]


def test_moves_into_another_board_or_off_the_edge_are_refused(cast: Any, client: Client) -> None:
    question, (a, b, _c) = three_cards(cast)
    other = in_progress(cast, title="Hoe maken we de praktijkmiddagen beter?")
    client.force_login(cast.student)
    foreign_column = other.columns.first()
    foreign_card = a_card(cast, title="Elders", question=other)
    before = board_of(question)
    response = move(client, a, column=foreign_column.pk)
    assert response.status_code == 409
    assert "belongs to another board" in response.content.decode()
    assert move(client, a, column=a.column_id, before=foreign_card.pk).status_code == 409
    assert move(client, a, direction="left").status_code == 409
    assert move(client, a, direction="up").status_code == 409
    for data in (
        {"direction": "sideways"},
        {"version": "x", "direction": "right"},
        {"column": "x"},
    ):
        assert move(client, a, **data).status_code == 409
    assert board_of(question) == before
    assert board_of(other) == [["Elders"], [], []]


def test_a_card_of_another_team_is_not_found(cast: Any, client: Client) -> None:
    question, (a, _b, _c) = three_cards(cast)
    client.force_login(cast.bystander)
    assert move(client, a, direction="right").status_code == 404
    # Nor does the card's page open for someone on no team of it.
    assert client.get(reverse("practice:card", args=[a.pk])).status_code == 404
    assert board_of(question) == [["A", "B", "C"], [], []]


def test_the_board_is_polled_by_version(cast: Any, client: Client) -> None:
    question, (a, _b, _c) = three_cards(cast)
    client.force_login(cast.student)
    url = reverse("practice:board", args=[question.pk])
    question.refresh_from_db()
    unchanged = client.get(url, {"version": question.board_version}, **HTMX)
    assert unchanged.status_code == 204
    move(client, a, direction="right")
    changed = client.get(url, {"version": question.board_version}, **HTMX)
    assert changed.status_code == 200
    assert 'id="board"' in changed.content.decode()


def test_editing_a_card_from_an_old_version_is_refused(cast: Any, client: Client) -> None:
    _question, (a, _b, _c) = three_cards(cast)
    client.force_login(cast.student)
    url = reverse("practice:card", args=[a.pk])
    old = a.version
    assert client.post(url, {"title": "A2", "version": old}).status_code == 302
    response = client.post(url, {"title": "A3", "version": old})
    assert response.status_code == 409
    assert Card.objects.get(pk=a.pk).title == "A2"


def test_columns_are_renamed_by_the_team(cast: Any, client: Client) -> None:
    question, _ = three_cards(cast)
    columns = list(question.columns.order_by("position"))
    client.force_login(cast.student)
    url = reverse("practice:columns", args=[question.pk])
    names = {
        f"column_{c.pk}": name
        for c, name in zip(columns, ["Ideeën", "Mee bezig", "Af"], strict=True)
    }
    assert client.post(url, {**names, f"column_{columns[0].pk}": ""}).status_code == 422
    assert client.post(url, names).status_code == 302
    assert list(question.columns.values_list("name", flat=True)) == ["Ideeën", "Mee bezig", "Af"]


def test_a_delivered_board_is_closed(cast: Any, client: Client) -> None:
    from practice.services import question_step

    question, (a, _b, _c) = three_cards(cast)
    question_step(question=question, step="deliver", text="Een plan.")
    client.force_login(cast.student)
    assert move(client, a, direction="right").status_code == 409
    response = client.get(reverse("practice:board", args=[question.pk]))
    assert response.status_code == 200
    assert "card-moves" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_in_two_connections_are_both_kept(cast: Any) -> None:
    """Two threads (two database connections) move two cards into Doing at the same
    moment; the row lock serialises them, so both arrive and Doing is numbered 0, 1."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    from practice.services import card_move

    question, (a, b, _c) = three_cards(cast)
    doing = question.columns.order_by("position")[1]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker(card: Card) -> None:
        try:
            barrier.wait()
            card_move(card=card, version=card.version, column=doing)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(card,)) for card in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(board_of(question)[1]) == ["A", "B"]
    assert positions_are_dense(PracticeQuestion.objects.get(pk=question.pk))


def test_card_add_refuses_a_column_of_another_board(cast: Any) -> None:
    from practice.services import PracticeError

    question, _ = three_cards(cast)
    other = in_progress(cast, title="Hoe maken we de praktijkmiddagen beter?")
    with pytest.raises(PracticeError):
        card_add(
            question=question, column=other.columns.first(), title="X", created_by=cast.student
        )
    assert Card.objects.filter(title="X").count() == 0
