"""Hostile input in the knowledge base's Markdown fields and on its public pages
(#18): the corpus of tests/security/test_hostile_input.py (scripts, event handlers,
``javascript:`` links, htmx attributes, template syntax), also as Markdown links and
autolinks, typed into the title, summary and text through the real form, and the
interest form's fields; the entry is published and made public, and every page of
the knowledge base is read by a member and by an anonymous visitor: nothing
executable comes through, and the payloads show as text. A huge text is refused at
the field."""

from html import escape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from knowledge.models import Entry, Interest
from knowledge.services import contributor_consent, entry_make_public, entry_step
from tests.security.test_hostile_input import CORPUS, PROBE, dangers

pytestmark = pytest.mark.django_db

MARKDOWN = [
    f"[klik](javascript:alert('{PROBE}'))",
    f"<javascript:alert('{PROBE}')>",
    f"[x](data:text/html;base64,PHNjcmlwdD4{PROBE})",
    f"![{PROBE}](https://evil.example/{PROBE}.png)",
    f'[a](https://ulvo.nl "{PROBE}" onmouseover="alert(1)")',
]


@pytest.mark.parametrize("payload", CORPUS + MARKDOWN)
def test_no_payload_runs_on_the_knowledge_pages(cast: Any, client: Client, payload: str) -> None:
    client.force_login(cast.supervisor)
    response = client.post(
        reverse("knowledge:create", args=[cast.environment.pk]),
        {
            "kind": "good_practice",
            "title": f"Titel {payload}"[:200],
            "summary": f"Samenvatting {payload}",
            "body": f"## Kop {payload}\n\n{payload}\n\n- {payload}\n\n> {payload}",
            "contributors": [cast.student.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    entry = Entry.objects.get()
    entry = entry_step(entry=entry, step="submit", by=cast.supervisor)
    entry = entry_step(entry=entry, step="publish", by=cast.coordinator)
    for contributor in entry.contributors.all():
        contributor_consent(contributor=contributor)
    entry_make_public(entry=entry, by=cast.coordinator)
    Interest.objects.create(
        environment=cast.environment,
        programme=payload[:150],
        institute=payload[:150],
        study_year=1,
        email="x@example.org",
        consent=True,
    )
    member_pages = [
        reverse("knowledge:list"),
        reverse("knowledge:list") + "?q=Kop",
        reverse("knowledge:detail", args=[entry.pk]),
        reverse("knowledge:interests", args=[cast.environment.pk]),
        reverse("knowledge:map"),
    ]
    public_pages = [
        reverse("knowledge:showcase", args=[cast.environment.pk]),
        reverse("knowledge:public_entry", args=[entry.pk]),
    ]
    shown = 0
    client.force_login(cast.coordinator)
    for url in member_pages + public_pages:
        html = client.get(url).content.decode()
        assert not dangers(html), (url, dangers(html))
        assert "javascript:" not in html.lower().replace(escape("javascript:"), ""), url
        shown += html.count(escape(payload, quote=False)) + html.count(escape(payload))
    anonymous = Client()
    for url in public_pages:
        response = anonymous.get(url)
        assert response.status_code == 200
        assert not dangers(response.content.decode()), url
    assert shown or PROBE in Entry.objects.get().body_html


def test_huge_input_is_refused_at_the_field(cast: Any, client: Client) -> None:
    client.force_login(cast.supervisor)
    response = client.post(
        reverse("knowledge:create", args=[cast.environment.pk]),
        {"kind": "insight", "title": "Groot", "summary": "x", "body": "[" * 1_000_000},
    )
    assert response.status_code == 422
    assert not Entry.objects.exists()
