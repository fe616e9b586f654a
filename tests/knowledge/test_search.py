"""Search in the knowledge base (#18, part 2): Dutch full text on PostgreSQL (stems,
ranking by where the word is), icontains on SQLite; kind and tag filters."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from knowledge.models import Entry, EntryKind, Tag
from knowledge.search import search
from tests.knowledge.steps import published

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Dutch full-text search needs PostgreSQL"
)


def three(cast: Any) -> tuple[Entry, Entry, Entry]:
    in_title = published(cast, title="De moestuin van groep 6", summary="Samen zaaien.")
    in_body = published(
        cast,
        title="Het steunuur",
        summary="Een uur voor kleine vragen.",
        body="Daarna gaan we naar de moestuin.",
        kind=EntryKind.INSIGHT,
    )
    other = published(cast, title="De leesclub", summary="Lezen met ouders.", body="Boeken.")
    return in_title, in_body, other


def test_search_finds_words_in_title_and_body(cast: Any) -> None:
    in_title, in_body, other = three(cast)
    found = list(search(Entry.objects.all(), "moestuin"))
    assert set(found) == {in_title, in_body}


@postgres_only
def test_a_word_in_the_title_ranks_above_one_in_the_body(cast: Any) -> None:
    in_title, in_body, _ = three(cast)
    assert list(search(Entry.objects.all(), "moestuin")) == [in_title, in_body]


@postgres_only
def test_dutch_stemming_finds_other_forms(cast: Any) -> None:
    in_title, in_body, _ = three(cast)
    assert set(search(Entry.objects.all(), "moestuinen")) == {in_title, in_body}


@postgres_only
def test_web_search_syntax_excludes_words(cast: Any) -> None:
    in_title, _, _ = three(cast)
    assert list(search(Entry.objects.all(), "moestuin -steunuur")) == [in_title]


def test_the_list_searches_and_filters_by_kind_and_tag(cast: Any, client: Client) -> None:
    in_title, in_body, other = three(cast)
    tag = Tag.objects.get(name="op het plein")
    in_title.tags.add(tag)
    client.force_login(cast.bystander)
    url = reverse("knowledge:list")
    html = client.get(url, {"q": "moestuin"}).content.decode()
    assert in_title.title in html and in_body.title in html and other.title not in html
    html = client.get(url, {"q": "moestuin", "kind": "insight"}).content.decode()
    assert in_body.title in html and in_title.title not in html
    html = client.get(url, {"tag": [tag.pk]}).content.decode()
    assert in_title.title in html and in_body.title not in html


@pytest.mark.parametrize("query", ["'", '"', "&|!", "a" * 5000, "moestuin\x00", "()"])
def test_odd_queries_do_not_fail(cast: Any, client: Client, query: str) -> None:
    three(cast)
    client.force_login(cast.student)
    assert client.get(reverse("knowledge:list"), {"q": query}).status_code == 200
