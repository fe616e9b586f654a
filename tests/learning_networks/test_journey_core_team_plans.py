"""A core-team member on a phone finds a date with the date finder, plans the session
there and publishes it.

Driven by Playwright in Debian's Chromium at phone size (tests/conftest.py) against the
live server; ``transactional_db`` comes before ``cast`` so the server's thread sees the
cast. Selectors and the database, not texts, carry the assertions.
"""

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from learning_networks.models import Attendance, NetworkSession, SessionStatus
from tests.browser import log_in, watch_console

pytestmark = pytest.mark.e2e


def test_core_team_member_plans_a_session_with_the_date_finder_and_publishes_it(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    base_url = live_server.url
    errors = watch_console(page)
    log_in(page, base_url, cast.supervisor)

    page.goto(base_url + reverse("learning_networks:list"))
    page.locator(f'main a[href="{cast.network.get_absolute_url()}"]').click()
    finder = reverse("learning_networks:date_finder", args=[cast.network.pk])
    page.locator(f'main a[href="{finder}"]').click()

    # Narrow the search to afternoons and search again (htmx replaces the results).
    page.locator('input[name="start_times"][value="09:00"]').uncheck()
    page.locator('input[name="start_times"][value="15:30"]').uncheck()
    page.locator('main form[method="get"] button[type="submit"]').click()
    expect(page.locator("#results article.slot").first).to_be_visible()
    expect(page.locator("#results article.slot h3").first).to_contain_text("13:00")
    first = page.locator("#results article.slot").first
    expect(first.locator("table")).to_be_visible()
    first.locator('a[role="button"]').click()

    create = reverse("learning_networks:session_create", args=[cast.network.pk])
    expect(page).to_have_url(re.compile(re.escape(create) + r"\?"))
    starts = page.locator("#id_starts_at").input_value()
    assert starts.endswith("T13:00")
    page.locator("#id_kind").select_option("mixed")
    page.locator("#id_theme").fill("Samen een ouderavond voorbereiden")
    page.locator("#id_location").select_option(str(cast.school.pk))
    page.locator(f'input[name="facilitators"][value="{cast.supervisor.pk}"]').check()
    page.locator('main form[method="post"] button[type="submit"]').click()

    expect(page).to_have_url(base_url + cast.network.get_absolute_url())
    session = NetworkSession.objects.get(theme="Samen een ouderavond voorbereiden")
    assert session.status == SessionStatus.DRAFT
    assert timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M") == starts

    page.locator(f'button[data-publish="{session.pk}"]').click()
    expect(page.locator(f'button[data-publish="{session.pk}"]')).to_have_count(0)
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED
    invited = set(Attendance.objects.filter(session=session).values_list("user_id", flat=True))
    assert invited == {cast.student.pk, cast.supervisor.pk}
    assert errors == []
