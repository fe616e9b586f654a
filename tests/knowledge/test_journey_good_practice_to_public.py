"""From a delivered practice question to a public good practice and back (#18), in
Chromium at 390 px: a core-team member (the school trainer) writes the good practice
from the delivered question and sends it for review; the coordinator publishes it;
both contributors consent; the coordinator confirms the privacy check and makes it
public; an anonymous visitor on a phone finds the environment's showcase, reads the
good practice and sends the interest form, which the coordinator then sees; it is
found in the knowledge base's search; a contributor withdraws consent and it is gone
from the public pages. axe (WCAG 2.2 A/AA) finds nothing on the pages; no console
error (CSP included).

``transactional_db`` comes before ``cast`` so the cast is committed and visible to the
server's thread. In English, so the journey does not wait for the Dutch catalogue.
"""

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from knowledge.models import Entry, Interest
from tests.accessibility.axe import sign_in, violations
from tests.browser import watch_console
from tests.practice.steps import delivered

pytestmark = pytest.mark.e2e


def english(page: Page, base_url: str) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base_url}]
    )


def as_user(page: Page, base_url: str, user: Any) -> None:
    user.language = "en"
    user.save(update_fields=["language"])
    sign_in(page, base_url, user)
    english(page, base_url)


def anonymous(page: Page, base_url: str) -> None:
    page.context.clear_cookies()
    english(page, base_url)


def checked(page: Page) -> None:
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_delivered_question_becomes_a_public_good_practice(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    base = live_server.url
    errors = watch_console(page)
    question = delivered(cast)

    # The core-team member writes the good practice from the delivered question.
    as_user(page, base, cast.supervisor)
    page.goto(base + reverse("practice:detail", args=[question.pk]))
    page.get_by_role("button", name="Write it up as a good practice").click()
    checked(page)
    expect(page.get_by_label("Title")).to_have_value(question.title)
    page.get_by_label("Text").fill("## Wat we deden\n\nSpeelzones en **muntjes** in de pauze.")
    page.get_by_label("op het plein").check()
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(question.title)
    checked(page)
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("sent to the coordinators")).to_be_visible()
    entry = Entry.objects.get(title=question.title)

    # The coordinator publishes it in the region.
    as_user(page, base, cast.coordinator)
    page.goto(base + reverse("knowledge:list"))
    checked(page)
    page.get_by_role("link", name=question.title).click()
    page.get_by_role("button", name="Publish in the region").click()
    expect(page.get_by_text("It can be public once every contributor has agreed.")).to_be_visible()

    # Both contributors consent.
    for contributor in (cast.student, cast.supervisor):
        as_user(page, base, contributor)
        page.goto(base + reverse("knowledge:detail", args=[entry.pk]))
        checked(page)
        page.get_by_role("button", name="I agree to publication").click()
        expect(page.get_by_role("button", name="Withdraw my consent")).to_be_visible()

    # The coordinator confirms the privacy check and makes it public.
    as_user(page, base, cast.coordinator)
    page.goto(base + reverse("knowledge:detail", args=[entry.pk]))
    page.get_by_role("button", name="Make it public").click()
    expect(page.get_by_text("Confirm that no pupil can be identified.")).to_be_visible()
    page.get_by_label("no pupil can be identified").check()
    page.get_by_role("button", name="Make it public").click()
    expect(page.get_by_text("The entry is public.")).to_be_visible()

    # It is found in the knowledge base's search.
    page.goto(base + reverse("knowledge:list"))
    page.get_by_role("textbox", name="Search").fill("muntjes")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=question.title)).to_be_visible()

    # An anonymous visitor on a phone reads it and sends the interest form.
    anonymous(page, base)
    page.goto(base + reverse("knowledge:showcase", args=[cast.environment.pk]))
    checked(page)
    page.get_by_role("link", name=question.title).click()
    expect(page.locator(".markdown strong")).to_have_text("muntjes")
    checked(page)
    page.go_back()
    page.get_by_label("Your programme").fill("Pabo")
    page.get_by_label("Your institute").fill("Hogeschool Utrecht")
    page.get_by_label("Year of study").fill("2")
    page.get_by_label("Your e-mail address").fill("nieuwsgierig@example.org")
    page.get_by_label("may e-mail me").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    checked(page)
    assert Interest.objects.filter(email="nieuwsgierig@example.org").exists()

    # The coordinator sees it.
    as_user(page, base, cast.coordinator)
    page.goto(base + reverse("knowledge:interests", args=[cast.environment.pk]))
    expect(page.get_by_role("link", name="nieuwsgierig@example.org")).to_be_visible()
    checked(page)

    # A contributor withdraws consent: gone from the public pages at once.
    as_user(page, base, cast.student)
    page.goto(base + reverse("knowledge:detail", args=[entry.pk]))
    page.get_by_role("button", name="Withdraw my consent").click()
    expect(page.get_by_text("not public any more")).to_be_visible()
    anonymous(page, base)
    page.goto(base + reverse("knowledge:showcase", args=[cast.environment.pk]))
    expect(page.get_by_role("link", name=question.title)).to_have_count(0)
    response = page.goto(base + reverse("knowledge:public_entry", args=[entry.pk]))
    assert response is not None and response.status == 404
    # The browser logs the two refusals the journey asks for (the unconfirmed privacy
    # check, 422; the withdrawn entry, 404): nothing else, no CSP violation.
    expected = ("status of 422 (Unprocessable Entity)", "status of 404 (Not Found)")
    assert [error for error in errors if not error.endswith(expected)] == []
    assert len(errors) == 2
