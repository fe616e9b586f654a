"""A coordinator sets up their environment on a phone (#14, part 1): writes the shared
vision, creates a partner organisation, adds a programme of another institute, sets
the target mix (a negative number first, refused at its field), and sees the vision
on the environment page.

Driven by Playwright in Debian's Chromium at phone size (tests/conftest.py), against
the live server, without JavaScript being needed for any step. ``transactional_db``
comes before ``cast`` so the cast is committed and visible to the server's thread.
"""

import re
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from environments.models import Domain, DomainTarget, LearningEnvironment, ProgrammeTarget
from tests.accessibility.axe import sign_in
from tests.browser import watch_console
from tests.environments.factories import InstituteFactory, ProgrammeFactory

pytestmark = pytest.mark.e2e


def field(page: Page, label: str) -> Locator:
    """The form field with exactly this label (Django adds a colon)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def test_a_coordinator_sets_up_the_environment_on_a_phone(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    mbo = InstituteFactory(name="MBO Utrecht")
    ProgrammeFactory(institute=mbo, name="Onderwijsassistent", domain=Domain.EDUCATIONAL)
    errors = watch_console(page)
    # In English, so the journey does not wait for the Dutch catalogue.
    cast.coordinator.language = "en"
    cast.coordinator.save(update_fields=["language"])
    sign_in(page, live_server.url, cast.coordinator)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    environment_url = live_server.url + reverse("accounts:environment", args=[cast.environment.pk])

    page.goto(environment_url)
    # The environment page's actions are links shown as buttons.
    page.locator("main").get_by_role("button", name="Settings").click()
    field(page, "Shared vision").fill("Samen leren in de wijk.\nMet de scholen.")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("The environment's profile has been saved.")).to_be_visible()

    page.get_by_role("link", name="Partner organisations").click()
    field(page, "Name").fill("Jongerenwerk Parkwijk")
    field(page, "Kind").select_option("neighbourhood")
    field(page, "Type").select_option("youth_work")
    field(page, "Contact person").fill("Mo Jongerenwerker")
    page.get_by_role("button", name="Create and add as partner").click()
    expect(page.get_by_text("Jongerenwerk Parkwijk is now a partner")).to_be_visible()

    page.get_by_role("link", name="Programmes and targets").click()
    field(page, "Programme of an institute in the region").select_option(
        label="Onderwijsassistent (hbo) – MBO Utrecht"
    )
    page.get_by_role("button", name="Add programme").click()
    expect(page.get_by_text("Onderwijsassistent now takes part")).to_be_visible()
    field(page, "Onderwijsassistent (hbo)").fill("4")
    field(page, "Social").fill("-2")
    page.get_by_role("button", name="Save targets").click()
    expect(page.get_by_text("A target cannot be negative.")).to_be_visible()
    assert not DomainTarget.objects.exists()
    field(page, "Social").fill("6")
    page.get_by_role("button", name="Save targets").click()
    expect(page.get_by_text("The target mix has been saved.")).to_be_visible()

    assert ProgrammeTarget.objects.get(programme__name="Onderwijsassistent").students == 4
    assert DomainTarget.objects.get(domain=Domain.SOCIAL).students == 6
    assert cast.environment.organisations.filter(name="MBO Utrecht").exists()
    assert LearningEnvironment.objects.get(pk=cast.environment.pk).vision.startswith("Samen")
    # The page fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(environment_url)
    expect(page.get_by_role("heading", name="Our shared vision")).to_be_visible()
    expect(page.get_by_text("Met de scholen.")).to_be_visible()
    # The refused targets answered 422 on purpose (Chromium logs that as an error).
    assert [error for error in errors if "status of 422" not in error] == []
