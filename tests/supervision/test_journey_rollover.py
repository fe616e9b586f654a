"""A coordinator rolls their environment over into the next school year on a phone
(#14, part 5): from the environment page to the choices (leaving the shared outcomes
behind), the confirmation naming the session that lands in the spring holiday, the
start, the page listing that session to move, the new year's page linking last year's,
and the new year's learning line with its draft sessions.

Driven by Playwright in Debian's Chromium at phone size (tests/conftest.py), against
the live server, without JavaScript being needed for any step; axe (WCAG 2.2 A/AA)
finds nothing on the rollover's pages and the new year's environment page. ``transactional_db``
comes before ``cast`` so the cast is committed and visible to the server's thread.
"""

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from environments.models import LearningEnvironment
from learning_networks.models import LearningLine, NetworkSession, SessionStatus
from tests.accessibility.axe import sign_in, violations
from tests.browser import watch_console
from tests.supervision.steps import a_year_to_roll_over

pytestmark = pytest.mark.e2e


def test_a_coordinator_rolls_the_environment_over_on_a_phone(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    old_line = a_year_to_roll_over(cast)
    errors = watch_console(page)
    # In English, so the journey does not wait for the Dutch catalogue.
    cast.coordinator.language = "en"
    cast.coordinator.save(update_fields=["language"])
    sign_in(page, live_server.url, cast.coordinator)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )

    page.goto(live_server.url + reverse("accounts:environment", args=[cast.environment.pk]))
    page.locator("main").get_by_role("button", name="Next school year").click()
    expect(page.get_by_role("heading", name="Start 2027-2028")).to_be_visible()
    assert violations(page) == []
    outcomes = page.get_by_role("checkbox", name="Shared learning outcomes")
    expect(outcomes).to_be_checked()
    outcomes.uncheck()
    page.get_by_role("button", name="Show what will be carried over").click()

    expect(page.get_by_role("heading", name="Sessions that land in a holiday")).to_be_visible()
    expect(page.get_by_text("Ouderbetrokkenheid: Tuesday 29 February 2028")).to_be_visible()
    expect(page.get_by_role("heading", name="Shared learning outcomes")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert violations(page) == []
    page.get_by_role("button", name="Start 2027-2028").click()

    expect(page.get_by_text("Leidsche Rijn 2027-2028 is ready")).to_be_visible()
    expect(page.get_by_text("1 session lands in a holiday")).to_be_visible()
    new = LearningEnvironment.objects.get(name="Leidsche Rijn", school_year="2027-2028")
    moving = NetworkSession.objects.get(network__environment=new, theme="Ouderbetrokkenheid")
    expect(page.get_by_role("link", name="Ouderbetrokkenheid")).to_have_attribute(
        "href", reverse("learning_networks:session_edit", args=[moving.pk])
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert violations(page) == []

    page.get_by_role("link", name="Leidsche Rijn 2027-2028").click()
    expect(page.get_by_role("link", name="Last year's environment (2026-2027)")).to_be_visible()
    assert violations(page) == []
    assert not new.learning_outcomes.exists()

    line = LearningLine.objects.get(network__environment=new)
    assert line.title == old_line.title
    page.goto(live_server.url + reverse("learning_networks:line", args=[line.pk]))
    steps = page.locator("ol.line-steps > li")
    expect(steps).to_have_count(3)
    expect(steps.filter(has_text="draft")).to_have_count(3)
    expect(steps.first).to_contain_text(cast.past_session.theme)
    # Each draft on the same weekday and clock time, 52 weeks on (a school year later).
    old_sessions = old_line.sessions.exclude(status=SessionStatus.CANCELLED).order_by("starts_at")
    drafts = line.sessions.order_by("starts_at")
    for old, draft in zip(old_sessions, drafts, strict=True):
        assert draft.status == SessionStatus.DRAFT
        assert timezone.localtime(draft.starts_at) == (
            timezone.localtime(old.starts_at) + datetime.timedelta(weeks=52)
        )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
