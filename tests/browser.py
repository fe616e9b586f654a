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
