"""Keyboard only: a student skips to the content, tabs to the quick-log form, logs an
activity and submits the week without a mouse; every focused element shows focus."""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from placements.models import ActivityEntry, Week
from tests.accessibility.axe import sign_in
from tests.browser import focused, tab_to

pytestmark = pytest.mark.e2e

QUICK_LOG = ".quick-log form"
SUBMIT_WEEK = "form[action*='week-indienen']"


def test_student_logs_an_activity_with_the_keyboard_alone(
    transactional_db: None, cast: Any, live_server: Any, browser: Browser
) -> None:
    # A desktop browser with a keyboard, rather than the phone of the other journeys.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    sign_in(page, live_server.url, cast.student)
    page.goto(live_server.url + reverse("placements:detail", args=[cast.placement.pk]))

    # The first Tab reaches the skip link, which moves focus to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert focused(page)["visible"]
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    tab_to(page, lambda f: f["inside"] and f["name"] == "minutes", inside=QUICK_LOG)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    tab_to(page, lambda f: f["inside"] and f["name"] == "setting", inside=QUICK_LOG)
    # Arrow keys move through a radio group and check the option they land on.
    page.keyboard.press("ArrowRight")
    tab_to(page, lambda f: f["inside"] and f["name"] == "kind", inside=QUICK_LOG)
    page.keyboard.press("ArrowDown")
    tab_to(page, lambda f: f["inside"] and f["name"] == "description", inside=QUICK_LOG)
    page.keyboard.type("Voorgelezen in groep 3, met het toetsenbord gelogd.")
    tab_to(page, lambda f: f["inside"] and f["type"] == "submit", inside=QUICK_LOG)
    page.keyboard.press("Enter")

    expect(page.locator("#week")).to_contain_text("met het toetsenbord gelogd")
    entry = ActivityEntry.objects.get(placement=cast.placement)
    assert entry.description == "Voorgelezen in groep 3, met het toetsenbord gelogd."
    assert entry.setting and entry.kind and entry.minutes

    # Then the week goes to the supervisor, again from the keyboard.
    tab_to(page, lambda f: f["inside"] and f["tag"] == "button", inside=SUBMIT_WEEK)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => !document.querySelector(\"form[action*='week-indienen'] button\")"
    )
    assert Week.objects.filter(placement=cast.placement, status="submitted").exists()
    context.close()
