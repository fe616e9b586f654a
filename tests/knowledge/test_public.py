"""Public pages (#18, parts 3 and 4): the practice map for members, the showcase per
environment for anyone (cached, no names without consent, no count below 5, meta and
Open Graph), and the interest form (CSRF, honeypot, a limit per address) that lands
with the coordinator."""

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from knowledge.models import Interest
from tests.knowledge.steps import consented, public, published
from tests.practice.steps import delivered

pytestmark = pytest.mark.django_db


def interest(**overrides: Any) -> dict[str, Any]:
    data = {
        "programme": "Pabo",
        "institute": "Hogeschool Utrecht",
        "study_year": 2,
        "email": "nieuwsgierig@example.org",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def showcase_url(cast: Any) -> str:
    return reverse("knowledge:showcase", args=[cast.environment.pk])


def test_the_showcase_is_public_with_meta_and_open_graph(cast: Any, client: Client) -> None:
    cast.environment.vision = "Samen leren in school en wijk."
    cast.environment.expectations = "Je werkt op twee dagen in de week op school."
    cast.environment.save()
    entry = public(cast)
    response = client.get(showcase_url(cast))
    html = response.content.decode()
    assert response.status_code == 200
    # Every page carries a CSRF token: no shared cache may keep it (the data is
    # cached on the server, tests/knowledge/test_queries.py).
    assert "public" not in response.get("Cache-Control", "")
    assert '<meta property="og:title" content="Leidsche Rijn">' in html
    assert 'name="description" content="Samen leren in school en wijk."' in html
    assert "Je werkt op twee dagen" in html
    assert entry.title in html
    assert cast.school.name in html


def test_the_showcase_shows_no_names_and_no_small_counts(cast: Any, client: Client) -> None:
    delivered(cast)
    published(cast, title="Nog niet openbaar")
    html = client.get(showcase_url(cast)).content.decode()
    assert "Nog niet openbaar" not in html
    for person in (cast.student, cast.supervisor, cast.coordinator):
        assert person.full_name not in html
    # One student, one delivered question: fewer than five, so not counted.
    assert "Fewer than 5 students" in html or "Minder dan 5 studenten" in html
    assert "Fewer than 5 practice questions" in html or "Minder dan 5 vraagstukken" in html


def test_a_public_entry_names_its_consenting_contributors(cast: Any, client: Client) -> None:
    entry = public(cast)
    response = client.get(reverse("knowledge:public_entry", args=[entry.pk]))
    html = response.content.decode()
    assert cast.student.full_name in html
    assert 'property="og:type" content="article"' in html
    assert "<strong>huiskamer</strong>" in html


def test_an_entry_without_every_consent_is_not_public(cast: Any, client: Client) -> None:
    entry = consented(cast)
    url = reverse("knowledge:public_entry", args=[entry.pk])
    assert client.get(url).status_code == 404  # consented, not made public
    entry.is_public = True
    entry.save()
    entry.contributors.filter(user=cast.student).update(consented_at=None)
    assert client.get(url).status_code == 404  # public, but a consent missing


def test_an_unknown_environment_is_404(client: Client) -> None:
    assert client.get(reverse("knowledge:showcase", args=[999_999])).status_code == 404


def test_an_anonymous_visitor_sends_the_interest_form(cast: Any, client: Client) -> None:
    response = client.post(showcase_url(cast), interest())
    assert response.status_code == 303
    assert response["Location"] == reverse("knowledge:thanks", args=[cast.environment.pk])
    sent = Interest.objects.get()
    assert (sent.environment, sent.programme, sent.study_year) == (cast.environment, "Pabo", 2)
    client.force_login(cast.coordinator)
    html = client.get(reverse("knowledge:interests", args=[cast.environment.pk])).content
    assert b"nieuwsgierig@example.org" in html


@pytest.mark.parametrize(
    "overrides",
    [
        {"consent": ""},
        {"email": "geen-adres"},
        {"study_year": 0},
        {"study_year": 99},
        {"programme": ""},
        {"programme": "x" * 151},
        {"institute": "a\x00b"},
    ],
)
def test_bad_interest_is_refused_with_422(cast: Any, client: Client, overrides: Any) -> None:
    assert client.post(showcase_url(cast), interest(**overrides)).status_code == 422
    assert not Interest.objects.exists()


def test_the_honeypot_drops_what_a_bot_sends(cast: Any, client: Client) -> None:
    response = client.post(showcase_url(cast), interest(website="https://spam.example"))
    assert response.status_code == 303
    assert not Interest.objects.exists()


def test_the_form_needs_the_csrf_token(cast: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(showcase_url(cast), interest()).status_code == 403
    assert not Interest.objects.exists()


def test_one_address_sends_five_forms_an_hour(cast: Any, client: Client) -> None:
    for n in range(5):
        assert (
            client.post(showcase_url(cast), interest(email=f"s{n}@example.org")).status_code == 303
        )
    response = client.post(showcase_url(cast), interest(email="s6@example.org"))
    assert response.status_code == 429
    assert Interest.objects.count() == 5


def test_the_practice_map_lists_what_happens_where(cast: Any, client: Client) -> None:
    delivered(cast)
    entry = published(cast)
    entry.organisations.add(cast.school)
    client.force_login(cast.outsider)  # the other environment of the same region
    response = client.get(reverse("knowledge:map"))
    html = response.content.decode()
    assert response.status_code == 200
    assert cast.school.name in html
    assert cast.neighbourhood.name in html
    assert cast.social_work.name in html  # the student's programme is present


def test_logged_in_people_are_not_limited(cast: Any, client: Client) -> None:
    client.force_login(cast.student)
    for n in range(7):
        assert (
            client.post(showcase_url(cast), interest(email=f"s{n}@example.org")).status_code == 303
        )
    assert Interest.objects.count() == 7
