"""The site header on a phone and on a desktop.

On a phone (375×667) every link waits behind one "Menu" disclosure, so the header
takes little of the first screen; the coordinator's seven links per environment sit
in a dropdown of their own. At desktop width the links are in view without the menu.
Driven by Playwright in Debian's Chromium, keyboard only where it says so.
"""

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from accounts.models import Membership, Role
from tests.accessibility.axe import sign_in, violations
from tests.browser import tab_to
from tests.notifications.factories import queue

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 900}


def dutch(text: str, **values: str) -> str:
    """The interface text as the Dutch catalogue has it."""
    with translation.override("nl"):
        return translation.gettext(text) % values if values else translation.gettext(text)


def coordination_links(environment: Any) -> list[str]:
    """The coordinator's seven links for one environment, in the order of the menu."""
    args = [environment.pk]
    return [
        reverse("placements:environment_placements", args=args),
        reverse("people:list", args=args),
        reverse("accounts:invitation_list", args=args),
        reverse("dashboards:environment", args=args),
        reverse("notifications:report_list", args=args),
        reverse("accounts:audit_log", args=args),
        reverse("accounts:environment_settings", args=args),
    ]


def coordination(page: Page, environment: Any) -> Locator:
    """The environment's dropdown in the header."""
    summary = dutch("Coordination %(name)s", name=environment.name)
    return page.locator("header details.nav-coordination").filter(
        has=page.locator("summary", has_text=summary)
    )


@pytest.fixture
def environments(cast: Any) -> list[Any]:
    """The coordinator coordinates both environments of the cast (in name order)."""
    Membership.objects.create(
        user=cast.coordinator, environment=cast.other_environment, role=Role.COORDINATOR
    )
    return [cast.environment, cast.other_environment]


@pytest.mark.parametrize("role", ["coordinator", "student"])
def test_the_header_is_compact_on_a_phone_until_the_menu_opens(
    transactional_db: None,
    cast: Any,
    environments: list[Any],
    live_server: Any,
    page: Page,
    role: str,
) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, getattr(cast, role))
    page.goto(live_server.url + reverse("home"))

    header = page.locator("header.site-header")
    box = header.bounding_box()
    assert box is not None and box["height"] <= 0.25 * PHONE["height"], box
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    home = header.locator(f'a[href="{reverse("home")}"]:not(.brand)')
    expect(home).to_be_hidden()
    expect(header.get_by_role("button", name="English")).to_be_visible()

    header.locator(".nav-menu > summary").click()
    expect(home).to_be_visible()
    expect(header.locator(f'a[href="{reverse("notifications:list")}"]')).to_be_visible()
    header.locator(".nav-account > summary").click()
    expect(header.get_by_role("button", name=dutch("Log out"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(header.locator("details.nav-coordination")).to_have_count(
        2 if role == "coordinator" else 0
    )
    # Open, with every dropdown unfolded, the menu passes axe as well.
    for summary in header.locator("details.dropdown > summary").all():
        summary.click()
    assert violations(page) == []


def test_coordinator_reaches_an_environment_link_with_the_keyboard_on_a_phone(
    transactional_db: None,
    cast: Any,
    environments: list[Any],
    live_server: Any,
    page: Page,
) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, cast.coordinator)
    page.goto(live_server.url + reverse("home"))
    second = environments[1]
    balance = coordination_links(second)[3]

    tab_to(page, lambda f: f["summary"] == "nav-menu")
    page.keyboard.press("Enter")
    expect(page.locator("header .nav-links")).to_be_visible()
    focused = tab_to(
        page, lambda f: f["summary"] == "dropdown nav-coordination" and second.name in f["text"]
    )
    page.keyboard.press("Enter")
    expect(coordination(page, second).locator(f'a[href="{balance}"]')).to_be_visible()
    focused = tab_to(page, lambda f: f["tag"] == "a" and f["href"] == balance)
    assert second.name in focused["text"], "the link names its environment"
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url + balance)
    expect(page.locator(f'header a[href="{balance}"]')).to_have_attribute("aria-current", "page")
    # A new page starts with the menu closed again.
    expect(page.locator(f'header a[href="{balance}"]')).to_be_hidden()


def test_each_coordinated_environment_has_a_dropdown_with_seven_links_on_a_desktop(
    transactional_db: None,
    cast: Any,
    environments: list[Any],
    live_server: Any,
    page: Page,
) -> None:
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, cast.coordinator)
    page.goto(live_server.url + reverse("home"))

    header = page.locator("header.site-header")
    expect(header.locator(".nav-menu > summary")).to_be_hidden()
    expect(header.locator(f'a[href="{reverse("placements:list")}"]')).to_be_visible()
    expect(header.locator("details.nav-coordination")).to_have_count(2)
    names: set[str] = set()
    for environment in environments:
        dropdown = coordination(page, environment)
        links = dropdown.locator("a")
        expect(links).to_have_count(7)
        expect(links.first).to_be_hidden()
        dropdown.locator("summary").click()
        assert [link.get_attribute("href") for link in links.all()] == coordination_links(
            environment
        )
        for link in links.all():
            expect(link).to_be_visible()
            # Short on screen, but the accessible name says which environment.
            shown = link.evaluate("(el) => el.firstChild.textContent.trim()")
            assert environment.name not in shown
            # (Chromium puts a space before the hidden text's colon: it is positioned.)
            name = link.evaluate("(el) => el.textContent.trim()")
            assert name == f"{shown}: {environment.name}"
            expect(link).to_have_accessible_name(
                re.compile(rf"^{re.escape(shown)} ?: {re.escape(environment.name)}$")
            )
            names.add(name)
        dropdown.locator("summary").click()
    assert len(names) == 14, "fourteen distinct link names for two environments"

    reports = coordination_links(environments[1])[4]
    coordination(page, environments[1]).locator("summary").click()
    header.locator(f'a[href="{reports}"]').click()
    expect(page).to_have_url(live_server.url + reports)
    expect(page.locator(f'header a[href="{reports}"]')).to_have_attribute("aria-current", "page")
    assert violations(page) == []


def test_the_unread_count_is_on_the_closed_menu_on_a_phone(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    """With the menu closed the notifications link is out of sight; its count is not:
    it is on the menu button, which names it for a screen reader."""
    for n in range(3):
        queue(cast.student, key=f"phone-unread:{n}")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, cast.student)
    page.goto(live_server.url + reverse("home"))

    menu = page.locator("header .nav-menu > summary")
    expect(page.locator(f'header a[href="{reverse("notifications:list")}"]')).to_be_hidden()
    expect(menu.locator(".badge")).to_be_visible()
    expect(menu.locator(".badge")).to_have_text("3")
    with translation.override("nl"):
        unread = translation.ngettext(
            "%(counter)s unread notification", "%(counter)s unread notifications", 3
        ) % {"counter": 3}
    expect(menu).to_have_accessible_name(re.compile(rf"^{dutch('Menu')}\W+{unread}$"))
    box = page.locator("header.site-header").bounding_box()
    assert box is not None and box["height"] <= 0.25 * PHONE["height"], box
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert violations(page) == []
