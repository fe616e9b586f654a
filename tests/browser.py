"""Shared steps for the Playwright journeys: logging in through the form, watching
the console for errors, and recognising an htmx POST among the responses."""

import re
from typing import Any

from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page, Response, expect

from tests.accounts.factories import PASSWORD


def watch_console(page: Page) -> list[str]:
    """Collects console errors and uncaught exceptions (CSP violations included)."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    return errors


def log_in(page: Page, base_url: str, user: Any) -> None:
    """Logs ``user`` in through the login form and lands on the home page."""
    page.goto(base_url + "/")
    login = reverse("account_login")
    expect(page).to_have_url(re.compile(re.escape(login)))
    form = page.locator(f'form[action="{login}"]')
    form.locator('input[name="login"]').fill(user.email)
    form.locator('input[name="password"]').fill(PASSWORD)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(base_url + reverse("home"))


def is_htmx_post(path: str) -> Any:
    """A predicate for ``page.expect_response``: a POST to ``path``."""

    def matches(response: Response) -> bool:
        return response.request.method == "POST" and response.url.split("?")[0].endswith(path)

    return matches


# The element that has focus, and whether it shows it: an outline of 2px or more, or a
# ring drawn with box-shadow. Chromium highlights the active part (day, month, year)
# of a date field itself, focus inside it not always matching :focus on the field.
# ``inside``: whether the element is within that CSS selector.
_FOCUSED = """(inside) => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    name: el.getAttribute("name") || "",
    type: el.getAttribute("type") || "",
    href: el.getAttribute("href") || "",
    text: (el.textContent || "").trim().slice(0, 200),
    summary: el.tagName === "SUMMARY" ? el.parentElement.className : "",
    inside: inside ? !!el.closest(inside) : false,
    outline: style.outlineStyle + " " + style.outlineWidth + " / " + style.boxShadow,
    visible: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2)
             || style.boxShadow !== "none" || el.type === "date",
  };
}"""


def focused(page: Page, inside: str | None = None) -> dict[str, Any]:
    """What has focus (see ``_FOCUSED`` for the keys)."""
    return dict(page.evaluate(_FOCUSED, inside))


def tab_to(
    page: Page, wanted: Any, *, inside: str | None = None, limit: int = 80
) -> dict[str, Any]:
    """Press Tab until ``wanted(focused)``; every stop on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page, inside)
        if now["tag"] != "body" and not now["visible"]:
            # Pico animates the focus ring of form fields: give it its 0.2 s.
            page.wait_for_timeout(300)
            now = focused(page, inside)
        assert now["tag"] == "body" or now["visible"], f"focus not visible: {now}"
        if wanted(now):
            return now
    raise AssertionError("not reachable with Tab")
