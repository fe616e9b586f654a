"""Keyboard only: a student skips to the content, tabs to the quick-log form, logs an
activity and submits the week without a mouse; every focused element shows focus."""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from placements.models import ActivityEntry, Week
from tests.accessibility.axe import sign_in

pytestmark = pytest.mark.e2e

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    name: el.getAttribute("name") || "",
    type: el.getAttribute("type") || "",
    text: (el.innerText || "").trim().slice(0, 60),
    inQuickLog: !!el.closest(".quick-log form"),
    inSubmitForm: !!el.closest("form[action*='week-indienen']"),
    outline: style.outlineStyle + " " + style.outlineWidth + " / " + style.boxShadow,
    // Chromium highlights the active part (day, month, year) of a date field itself,
    // focus inside it not always matching :focus on the field.
    visible: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2)
             || style.boxShadow !== "none" || el.type === "date",
  };
}"""


def tab_to(page: Page, wanted: Any, limit: int = 80) -> dict[str, Any]:
    """Press Tab until ``wanted(focused)``; every stop on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] != "body" and not focused["visible"]:
            # Pico animates the focus ring of form fields: give it its 0.2 s.
            page.wait_for_timeout(300)
            focused = page.evaluate(FOCUSED)
        assert focused["tag"] == "body" or focused["visible"], f"focus not visible: {focused}"
        if wanted(focused):
            return focused
    raise AssertionError("not reachable with Tab")


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
    assert page.evaluate(FOCUSED)["visible"]
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    tab_to(page, lambda f: f["inQuickLog"] and f["name"] == "minutes")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    tab_to(page, lambda f: f["inQuickLog"] and f["name"] == "setting")
    # Arrow keys move through a radio group and check the option they land on.
    page.keyboard.press("ArrowRight")
    tab_to(page, lambda f: f["inQuickLog"] and f["name"] == "kind")
    page.keyboard.press("ArrowDown")
    tab_to(page, lambda f: f["inQuickLog"] and f["name"] == "description")
    page.keyboard.type("Voorgelezen in groep 3, met het toetsenbord gelogd.")
    tab_to(page, lambda f: f["inQuickLog"] and f["type"] == "submit")
    page.keyboard.press("Enter")

    expect(page.locator("#week")).to_contain_text("met het toetsenbord gelogd")
    entry = ActivityEntry.objects.get(placement=cast.placement)
    assert entry.description == "Voorgelezen in groep 3, met het toetsenbord gelogd."
    assert entry.setting and entry.kind and entry.minutes

    # Then the week goes to the supervisor, again from the keyboard.
    tab_to(page, lambda f: f["inSubmitForm"] and f["tag"] == "button")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => !document.querySelector(\"form[action*='week-indienen'] button\")"
    )
    assert Week.objects.filter(placement=cast.placement, status="submitted").exists()
    context.close()
