"""A student logged in on two devices ends the other session from the account menu;
a coordinator reads who changed what in the environment's audit log.

Driven by Playwright in Debian's Chromium at phone size (tests/conftest.py).
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, Page, expect

from accounts.models import UserSession
from tests.accounts.test_journey_coordinator_invites import log_in_with_totp
from tests.browser import log_in, watch_console
from tests.security.cases_supervision import assignment_data

pytestmark = pytest.mark.e2e


def dutch(text: str) -> str:
    """The interface text as the Dutch catalogue has it."""
    with translation.override("nl"):
        return translation.gettext(text)


@pytest.fixture
def laptop(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[Page]:
    """A second device: a browser context sharing no cookies with ``page``."""
    context = browser.new_context(
        **{**browser_context_args, "viewport": {"width": 1280, "height": 800}, "is_mobile": False}
    )
    yield context.new_page()
    context.close()


def test_student_ends_the_session_on_another_device(
    transactional_db: None, cast: Any, live_server: Any, page: Page, laptop: Page
) -> None:
    base_url = live_server.url
    errors = watch_console(page)
    log_in(laptop, base_url, cast.student)
    log_in(page, base_url, cast.student)

    page.locator("nav .nav-menu > summary").click()
    page.locator("summary", has_text="Mijn account").click()
    page.get_by_role("link", name=dutch("Active sessions")).click()
    expect(page).to_have_url(base_url + reverse("accounts:sessions"))
    expect(page.locator("h1")).to_have_text(dutch("Active sessions"))
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(dutch("this session"))

    page.get_by_role("button", name=dutch("End all other sessions")).click()

    expect(page.locator("main")).to_contain_text(dutch("All your other sessions have been ended."))
    expect(rows).to_have_count(1)
    assert UserSession.objects.filter(user=cast.student).count() == 1
    laptop.goto(base_url + reverse("placements:list"))
    expect(laptop).to_have_url(re.compile(re.escape(reverse("account_login"))))
    assert errors == []


def test_coordinator_reads_the_audit_log(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    from django.test import Client

    client = Client()
    client.force_login(cast.coordinator)
    client.post(reverse("supervision:placement", args=[cast.placement.pk]), assignment_data(cast))
    base_url = live_server.url
    errors = watch_console(page)
    log_in_with_totp(page, base_url, cast.coordinator)

    audit_path = reverse("accounts:audit_log", args=[cast.environment.pk])
    # Behind "Menu" on the phone, in the environment's dropdown.
    audit_link = page.locator(f'a[href="{audit_path}"]')
    page.locator("nav .nav-menu > summary").click()
    page.locator("nav details.nav-coordination", has=audit_link).locator("summary").click()
    page.locator("nav").locator(audit_link).click()

    expect(page).to_have_url(base_url + audit_path)
    expect(page.locator("h1")).to_have_text(dutch("Audit log"))
    first = page.locator("main tbody tr").first
    expect(first).to_contain_text(cast.coordinator.full_name)
    expect(first).to_contain_text("Bea Buurtwerker")
    assert errors == []
