"""The knowledge base's list, an entry's page, the practice map and the showcase read
the same number of queries with one entry as with many (#18)."""

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knowledge.models import Tag
from tests.environments.factories import OrganisationFactory
from tests.knowledge.steps import public
from tests.practice.steps import delivered

pytestmark = pytest.mark.django_db


def count(client: Client, url: str, *, cached: bool = False) -> int:
    client.get(url)  # warm up what is computed once per process
    if not cached:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def more(cast: Any, number: int, start: int = 0) -> None:
    tags = list(Tag.objects.all()[:3])
    for n in range(start, start + number):
        entry = public(cast, title=f"Goede praktijk {n}")
        entry.tags.add(*tags)
        organisation = OrganisationFactory(name=f"School {n}")
        cast.environment.organisations.add(organisation)
        entry.organisations.add(organisation)


@pytest.mark.parametrize("role", ["bystander", "coordinator"])
def test_the_list_and_map_cost_the_same_with_more_entries(
    cast: Any, client: Client, role: str
) -> None:
    delivered(cast)
    more(cast, 1)
    client.force_login(getattr(cast, role))
    urls = [
        reverse("knowledge:list"),
        reverse("knowledge:list") + "?q=praktijk",
        reverse("knowledge:map"),
    ]
    few = [count(client, url) for url in urls]
    more(cast, 12, start=1)
    assert [count(client, url) for url in urls] == few


def test_an_entry_and_the_showcase_cost_the_same_with_more(cast: Any, client: Client) -> None:
    more(cast, 1)
    entry = public(cast, title="Goede praktijk 0")
    client.force_login(cast.coordinator)
    detail = reverse("knowledge:detail", args=[entry.pk])
    few_detail = count(client, detail)
    client.logout()
    showcase = reverse("knowledge:showcase", args=[cast.environment.pk])
    public_entry = reverse("knowledge:public_entry", args=[entry.pk])
    few_showcase = count(client, showcase)
    few_public = count(client, public_entry)
    more(cast, 12, start=1)
    entry.organisations.add(*cast.environment.organisations.all())
    assert count(client, showcase) == few_showcase
    assert count(client, public_entry) == few_public
    # Cached: a second visitor costs no query for the showcase's figures.
    assert count(client, showcase, cached=True) < few_showcase
    client.force_login(cast.coordinator)
    assert count(client, detail) == few_detail
