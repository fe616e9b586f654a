"""A coordinator invites a student, and the student joins through the e-mailed link.

Driven by Playwright in Debian's Chromium at phone size (tests/conftest.py), against
the live server. ``transactional_db`` comes before ``cast`` so the cast is committed
and visible to the server's thread.
"""

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, expect

from accounts.models import Invitation, Membership, Role, User
from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.e2e

STRONG_PASSWORD = "Zeilboot-Lente-2026!"
ACCEPT_PATH = re.compile(r"https?://[^/\s]+(/uitnodiging/[^/\s]+/)")


class ConsoleErrors:
    """Console errors and uncaught exceptions of the pages it watches.

    CSP violations are reported by the browser as console errors, so they end up here.
    """

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Page) -> Page:
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        return page

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({message.location.get('url')})")

    def _on_page_error(self, error: Error) -> None:
        self.errors.append(f"pageerror: {error.message}")


@pytest.fixture
def console() -> ConsoleErrors:
    return ConsoleErrors()


def totp_code(user: User) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 5:
        # The server accepts only the current period's code: don't hand it a stale one.
        time.sleep(period - time.time() % period + 0.1)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // period))
    # allauth refuses a code twice within its period; another run of this journey (same
    # user id in a fresh test database) may have used it a moment ago in the shared cache.
    cache.delete(TOTP(authenticator)._get_used_cache_key(code))
    return code


def log_in_with_totp(page: Page, base_url: str, user: User) -> None:
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(re.escape(reverse("account_login"))))
    login_form = page.locator(f'form[action="{reverse("account_login")}"]')
    login_form.locator('input[name="login"]').fill(user.email)
    login_form.locator('input[name="password"]').fill(PASSWORD)
    login_form.locator('button[type="submit"]').click()

    authenticate = reverse("mfa_authenticate")
    expect(page).to_have_url(base_url + authenticate)
    code_form = page.locator(f'form[action="{authenticate}"]')
    code_form.locator('input[name="code"]').fill(totp_code(user))
    code_form.locator('button[type="submit"]:not([form])').click()
    expect(page).to_have_url(base_url + reverse("home"))


@pytest.fixture
def fresh_page(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[Page]:
    """A page in a new browser context: no cookies shared with ``page``."""
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()


def test_coordinator_invites_a_student_who_joins(
    transactional_db: None,
    cast: Any,
    live_server: Any,
    page: Page,
    fresh_page: Page,
    console: ConsoleErrors,
) -> None:
    base_url = live_server.url
    console.watch(page)

    log_in_with_totp(page, base_url, cast.coordinator)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("h1")).to_have_text("Mijn leeromgevingen")
    expect(page.locator("main")).to_contain_text(cast.environment.name)

    list_path = reverse("accounts:invitation_list", args=[cast.environment.pk])
    page.locator(f'main a[href="{list_path}"]').click()
    expect(page).to_have_url(base_url + list_path)

    page.fill("#id_email", "nina.nieuw@example.org")
    page.fill("#id_full_name", "Nina Nieuw")
    page.select_option("#id_role", Role.STUDENT.value)
    page.select_option("#id_programme", str(cast.social_work.pk))
    # Survives only if htmx swaps the fragment instead of loading a new page.
    page.evaluate("window.__notReloaded = true")
    with page.expect_response(
        lambda response: response.request.method == "POST" and list_path in response.url
    ) as posted:
        page.locator("#invitations form button[type=submit]").click()
    response = posted.value
    assert response.status == 200
    assert response.request.headers.get("hx-request") == "true"

    invitations = page.locator("#invitations")
    expect(invitations.locator("tbody")).to_contain_text("nina.nieuw@example.org")
    expect(invitations.locator("tbody")).to_contain_text(cast.social_work.name)
    expect(page.locator("#messages")).to_contain_text(
        "Uitnodiging verstuurd naar nina.nieuw@example.org"
    )
    expect(page.locator("#id_email")).to_have_value("")
    assert page.evaluate("window.__notReloaded") is True
    assert page.url == base_url + list_path

    invitation = Invitation.objects.get(email="nina.nieuw@example.org")
    assert invitation.environment == cast.environment
    assert invitation.role == Role.STUDENT
    assert invitation.programme == cast.social_work
    assert invitation.invited_by == cast.coordinator
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nina.nieuw@example.org"]
    found = ACCEPT_PATH.search(mail.outbox[0].body)
    assert found, mail.outbox[0].body
    assert found.group(0).startswith(settings.ULVO_BASE_URL)

    # The invited student, on their own phone.
    student = console.watch(fresh_page)
    student.goto(base_url + found.group(1))
    expect(student.locator("h1")).to_have_text("Uitnodiging voor ULVO")
    expect(student.locator("main")).to_contain_text(cast.environment.name)
    expect(student.locator("#id_full_name")).to_have_value("Nina Nieuw")
    student.fill("#id_password1", STRONG_PASSWORD)
    student.fill("#id_password2", STRONG_PASSWORD)
    student.locator("main form button[type=submit]").click()

    expect(student).to_have_url(base_url + reverse("home"))
    expect(student.locator("h1")).to_have_text("Mijn leeromgevingen")
    expect(student.locator("main")).to_contain_text(cast.environment.name)
    expect(student.locator("main")).to_contain_text(cast.social_work.name)

    user = User.objects.get(email="nina.nieuw@example.org")
    assert user.full_name == "Nina Nieuw"
    assert Membership.objects.filter(
        user=user, environment=cast.environment, role=Role.STUDENT, programme=cast.social_work
    ).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == user

    assert console.errors == []


def test_invalid_invitation_shows_the_error_at_the_field(
    transactional_db: None,
    cast: Any,
    live_server: Any,
    page: Page,
    console: ConsoleErrors,
) -> None:
    """htmx must swap in the 422 fragment, or the coordinator sees nothing happen."""
    base_url = live_server.url
    console.watch(page)
    log_in_with_totp(page, base_url, cast.coordinator)
    list_path = reverse("accounts:invitation_list", args=[cast.environment.pk])
    page.goto(base_url + list_path)

    page.fill("#id_email", "zonder.opleiding@example.org")
    page.select_option("#id_role", Role.STUDENT.value)
    with page.expect_response(
        lambda response: response.request.method == "POST" and list_path in response.url
    ) as posted:
        page.locator("#invitations form button[type=submit]").click()
    assert posted.value.status == 422

    expect(page.locator("#id_programme_error")).to_be_visible()
    expect(page.locator("#id_email")).to_have_value("zonder.opleiding@example.org")
    assert not Invitation.objects.exists()
    assert mail.outbox == []
    # Chromium reports every 4xx response as a failed resource load; that one is expected.
    unexpected = [e for e in console.errors if "status of 422" not in e]
    assert unexpected == []
