"""The board, the question's page and the list read the same number of queries with
a few cards, members and questions as with many (#17)."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practice.services import card_comment_add, team_add
from tests.practice.steps import a_card, a_student, accepted, in_progress, pose

pytestmark = pytest.mark.django_db


def count(client: Client, url: str) -> int:
    client.get(url)  # warm up what is computed once per process
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_board_costs_the_same_with_more_cards(cast: Any, client: Client) -> None:
    question = in_progress(cast)
    a_card(cast, title="Eerste", question=question)
    client.force_login(cast.student)
    url = reverse("practice:board", args=[question.pk])
    few = count(client, url)
    for number in range(20):
        card = a_card(cast, title=f"Kaart {number}", question=question)
        card_comment_add(card=card, author=cast.student, text="Mee bezig.")
    for number in range(4):
        team_add(
            question=question,
            user=a_student(cast, cast.pabo, f"Student {number}"),
            is_supervisor=False,
        )
    assert count(client, url) == few


def test_the_question_page_costs_the_same_with_a_bigger_team(cast: Any, client: Client) -> None:
    question = accepted(cast)
    client.force_login(cast.coordinator)
    url = reverse("practice:detail", args=[question.pk])
    few = count(client, url)
    for number in range(6):
        team_add(
            question=question,
            user=a_student(cast, cast.pabo, f"Student {number}"),
            is_supervisor=False,
        )
    assert count(client, url) == few


def test_the_list_costs_the_same_with_more_questions(cast: Any, client: Client) -> None:
    accepted(cast)
    client.force_login(cast.bystander)
    url = reverse("practice:list")
    few = count(client, url)
    for number in range(12):
        pose(cast, title=f"Vraag {number}", asked_by=cast.bystander)
    assert count(client, url) == few
