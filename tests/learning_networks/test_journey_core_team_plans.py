"""A core-team member on a phone finds a date with the date finder for the social-work
students, plans the session there and publishes it after seeing whom it invites.

Driven by Playwright in Debian's Chromium at phone size (390×844, tests/conftest.py)
against the live server; ``transactional_db`` comes before ``cast`` so the server's
thread sees the cast. Selectors and the database, not texts, carry the assertions.
"""

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from learning_networks.models import Attendance, NetworkSession, SchoolHoliday, SessionStatus
from tests.accessibility.axe import violations
from tests.browser import log_in, watch_console

pytestmark = pytest.mark.e2e


def test_core_team_member_plans_for_some_programmes_and_publishes_after_confirming(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    base_url = live_server.url
    errors = watch_console(page)
    log_in(page, base_url, cast.supervisor)

    page.goto(base_url + reverse("learning_networks:list"))
    page.locator(f'main a[href="{cast.network.get_absolute_url()}"]').click()
    # The core team reaches its network's figures from the network page.
    expect(
        page.locator(f'main a[href="{reverse("dashboards:network", args=[cast.network.pk])}"]')
    ).to_be_visible()
    finder = reverse("learning_networks:date_finder", args=[cast.network.pk])
    page.locator(f'main a[href="{finder}"]').click()

    # Only the social-work students, in the afternoon (htmx replaces the results).
    page.locator("details.finder-audience > summary").click()
    page.locator(f'input[name="audience_programmes"][value="{cast.social_work.pk}"]').check()
    page.locator('input[name="start_times"][value="09:00"]').uncheck()
    page.locator('input[name="start_times"][value="15:30"]').uncheck()
    with page.expect_response(lambda response: finder in response.url):
        page.locator('main form[method="get"] button[type="submit"]').click()
    expect(page).to_have_url(re.compile(rf"audience_programmes={cast.social_work.pk}"))

    # The best few, one line each: no explanation or table until asked for.
    slots = page.locator("#results ol.slot-list > li.slot")
    expect(slots.first).to_be_visible()
    shown = [item for item in slots.all() if item.is_visible()]
    assert 1 <= len(shown) <= 5
    for item in shown:
        box = item.bounding_box()
        assert box is not None and box["height"] < 100, box
        expect(item.locator(".slot-details")).to_be_hidden()
    results = page.locator("#results").bounding_box()
    assert results is not None and results["height"] < 900, results
    first = shown[0]
    first.locator("summary").click()
    expect(first.locator("table")).to_be_visible()
    assert violations(page) == []
    expect(first.locator("summary")).to_contain_text("13:00")
    # No time proposed in a school holiday of the environment's region.
    for item in shown:
        href = item.locator("a.slot-plan").get_attribute("href") or ""
        day = re.search(r"starts_at=(\d{4}-\d{2}-\d{2})", href)
        assert day is not None
        date = datetime.date.fromisoformat(day.group(1))
        assert not SchoolHoliday.objects.overlapping(
            cast.environment.holiday_region, date, date
        ).exists(), href
    first.locator("a.slot-plan").click()

    # The session form keeps the moment and the programmes chosen in the finder.
    create = reverse("learning_networks:session_create", args=[cast.network.pk])
    expect(page).to_have_url(re.compile(re.escape(create) + r"\?"))
    starts = page.locator("#id_starts_at").input_value()
    assert starts.endswith("T13:00")
    expect(
        page.locator(f'input[name="audience_programmes"][value="{cast.social_work.pk}"]')
    ).to_be_checked()
    expect(
        page.locator(f'input[name="audience_programmes"][value="{cast.pabo.pk}"]')
    ).not_to_be_checked()
    page.locator("#id_kind").select_option("mixed")
    page.locator("#id_theme").fill("Samen een ouderavond voorbereiden")
    page.locator("#id_location").select_option(str(cast.school.pk))
    # The facilitator picker: grouped by organisation, searchable by name.
    page.locator("#facilitator-filter").fill("bram")
    supervisor_box = page.locator(f'input[name="facilitators"][value="{cast.supervisor.pk}"]')
    expect(supervisor_box).to_be_visible()
    expect(page.locator(f'input[name="facilitators"][value="{cast.student.pk}"]')).to_be_hidden()
    supervisor_box.check()
    assert violations(page) == []
    page.locator('main form[method="post"] button[type="submit"]').click()

    expect(page).to_have_url(base_url + cast.network.get_absolute_url())
    session = NetworkSession.objects.get(theme="Samen een ouderavond voorbereiden")
    assert session.status == SessionStatus.DRAFT
    assert timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M") == starts
    assert list(session.audience_programmes.all()) == [cast.social_work]

    # Publishing first says whom it invites, by name; nothing happens until confirmed.
    page.locator(f'a[data-publish="{session.pk}"]').click()
    publish = reverse("learning_networks:session_publish", args=[session.pk])
    expect(page).to_have_url(base_url + publish)
    expect(page.locator('[data-audience="narrowed"]')).to_contain_text(cast.social_work.name)
    expect(page.locator(".publish-invitees")).to_contain_text(cast.student.full_name)
    session.refresh_from_db()
    assert session.status == SessionStatus.DRAFT
    assert violations(page) == []
    page.locator('main form button[name="confirm"]').click()

    expect(page).to_have_url(base_url + cast.network.get_absolute_url())
    expect(page.locator(f'a[data-publish="{session.pk}"]')).to_have_count(0)
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED
    invited = set(Attendance.objects.filter(session=session).values_list("user_id", flat=True))
    assert invited == {cast.student.pk, cast.supervisor.pk}
    assert errors == []
