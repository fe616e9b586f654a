"""Long Dutch compounds in headings on a phone (issue #20).

"Begeleidingsgesprekken" broke anywhere ("Begeleidingsgesprekk / en"). Headings are
hyphenated in the page's language (``hyphens: auto`` with ``<html lang>``), where the
browser has Dutch hyphenation patterns (Safari, Chrome on Android, Firefox); Debian's
Chromium has none, so here the test checks the rule, the language and that nothing
overflows a 360 px screen.
"""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page

from tests.browser import log_in

HEADINGS = """() => [...document.querySelectorAll("main h1, main h2, main h3")].map((h) => ({
  text: h.textContent.trim(),
  lang: h.closest("[lang]").lang,
  hyphens: getComputedStyle(h).hyphens,
  overflows: h.scrollWidth > h.clientWidth,
}))"""


@pytest.mark.e2e
def test_headings_hyphenate_in_dutch_and_fit_a_small_phone(
    page: Page, live_server: Any, cast: Any
) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server.url, cast.supervisor)

    page.goto(live_server.url + reverse("supervision:placement", args=[cast.placement.pk]))

    headings = page.evaluate(HEADINGS)
    assert "Begeleidingsgesprekken" in [heading["text"] for heading in headings]
    for heading in headings:
        assert heading["lang"] == "nl", heading
        assert heading["hyphens"] == "auto", heading
        assert not heading["overflows"], heading
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_page_language_follows_the_interface_language(client: Client, cast: Any) -> None:
    client.force_login(cast.student)
    assert '<html lang="nl"' in client.get(reverse("home")).content.decode()

    client.cookies["ulvo_language"] = "en"
    assert '<html lang="en"' in client.get(reverse("home")).content.decode()
