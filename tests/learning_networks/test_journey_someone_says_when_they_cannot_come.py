"""On a phone, a student says when they cannot come (a weekly block and a date, a
wrong time first) and removes the date again; the supervisor saves the days they work.

Driven by Playwright in Debian's Chromium at phone size (tests/conftest.py) against
the live server; ``transactional_db`` comes before ``cast`` so the cast is visible to
the server's thread. Assertions use selectors and the database, not texts.
"""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from learning_networks.models import Unavailability, UnavailabilityKind, WorkingDays
from tests.browser import log_in, watch_console

pytestmark = pytest.mark.e2e


def test_a_student_and_a_supervisor_say_when_they_cannot_come(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    base_url = live_server.url
    page_url = reverse("learning_networks:unavailability")
    errors = watch_console(page)
    log_in(page, base_url, cast.student)
    page.goto(base_url + page_url)

    # Every Wednesday afternoon.
    weekly = page.locator("main form:has(input[name=kind][value=weekly])")
    weekly.locator("select[name=weekly-weekday]").select_option("3")
    weekly.locator("input[name=weekly-starts_time]").fill("13:00")
    weekly.locator("input[name=weekly-ends_time]").fill("17:00")
    weekly.locator("input[name=weekly-reason]").fill("Bijbaan")
    weekly.locator("button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()
    block = Unavailability.objects.get(user=cast.student)
    assert (block.kind, block.weekday, block.starts_time) == (
        UnavailabilityKind.WEEKLY,
        3,
        datetime.time(13),
    )

    # A morning two weeks ahead: the end before the start is refused at its field.
    day = timezone.localdate() + datetime.timedelta(days=14)
    once = page.locator("main form:has(input[name=kind][value=once])")
    once.locator("input[name=once-date]").fill(day.isoformat())
    once.locator("input[name=once-starts_time]").fill("12:00")
    once.locator("input[name=once-ends_time]").fill("09:00")
    once.locator("button[type=submit]").click()
    once = page.locator("main form:has(input[name=kind][value=once])")
    expect(once.locator("#id_once-ends_time_error")).to_be_visible()
    expect(once.locator("input[name=once-ends_time]")).to_be_in_viewport()
    once.locator("input[name=once-starts_time]").fill("09:00")
    once.locator("input[name=once-ends_time]").fill("12:00")
    once.locator("button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()
    date = Unavailability.objects.get(user=cast.student, kind=UnavailabilityKind.ONCE)
    assert date.first_day == day and not date.all_day

    # Removing the date again leaves the weekly block.
    remove = reverse("learning_networks:unavailability_remove", args=[date.pk])
    page.locator(f'form[action="{remove}"] button').click()
    expect(page.locator(".message-success")).to_be_visible()
    assert list(Unavailability.objects.filter(user=cast.student)) == [block]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"

    # The supervisor works on Tuesday and Thursday only.
    page.context.clear_cookies()
    log_in(page, base_url, cast.supervisor)
    page.goto(base_url + page_url)
    working_url = reverse("learning_networks:working_days", args=[cast.environment.pk])
    form = page.locator(f'form[action="{working_url}#working-heading"]')
    for day_number in ("1", "3", "5"):
        form.locator(f'input[type=checkbox][value="{day_number}"]').uncheck()
    form.locator("button[type=submit]").click()
    expect(page.locator(".message-success")).to_be_visible()
    working = WorkingDays.objects.get(user=cast.supervisor, environment=cast.environment)
    assert working.days == [2, 4]
    # The browser logs the refused form (422) as a failed resource; nothing else.
    assert [error for error in errors if "422" not in error] == []
