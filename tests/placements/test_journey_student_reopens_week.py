"""A student on a phone forgets an activity in a week that has been signed off: the
quick-log refuses the date with the right reason and stays on the week; the student
asks the supervisor to reopen that week; the supervisor agrees; the student adds the
activity and submits the week again. The history shows every step.

Driven by Playwright in Debian's Chromium at phone size (390×844, tests/conftest.py)
against the live server, on a committed database (``transactional_db`` before
``cast``). Selectors and the database rather than texts, which the Dutch catalogue
may still change.
"""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from placements.models import EntryStatus, Week, WeekEventAction, WeekStatus, week_start
from placements.services import week_approve, week_submit
from tests.browser import is_htmx_post, log_in, watch_console
from tests.placements.factories import log_activity

pytestmark = pytest.mark.e2e


@pytest.fixture
def fresh_page(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[Page]:
    """A page in a new browser context: no cookies shared with ``page``."""
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()


def signed_off_last_week(cast: Any) -> Week:
    start = week_start(timezone.localdate()) - datetime.timedelta(days=7)
    log_activity(cast.placement, date=start, minutes=120, description="Rekenles in groep 5.")
    log_activity(
        cast.placement,
        date=start + datetime.timedelta(days=1),
        minutes=90,
        setting="neighbourhood",
        kind="group",
        description="Huiswerkklas in het buurthuis.",
    )
    week = week_submit(placement=cast.placement, start=start, student=cast.student)
    return week_approve(week=week, reviewer=cast.supervisor)


def test_student_forgets_an_activity_asks_to_reopen_and_resubmits_the_week(
    transactional_db: None, cast: Any, live_server: Any, page: Page, fresh_page: Page
) -> None:
    base_url = live_server.url
    week = signed_off_last_week(cast)
    thursday = week.start + datetime.timedelta(days=3)
    detail = reverse("placements:detail", args=[cast.placement.pk])
    errors = watch_console(page)

    # The student opens this week and logs the forgotten Thursday of last week.
    log_in(page, base_url, cast.student)
    page.goto(base_url + detail)
    page.evaluate("window.__notReloaded = true")
    this_week = page.locator("#week h2").inner_text()
    quick_log = page.locator("#week .quick-log form")
    expect(quick_log).to_be_visible()
    quick_log.locator('input[name="date"]').fill(thursday.isoformat())
    quick_log.locator('select[name="minutes"]').select_option("120")
    quick_log.locator('input[name="setting"][value="school"]').check()
    quick_log.locator('select[name="kind"]').select_option("consultation")
    quick_log.locator('textarea[name="description"]').fill("Ouderavond groep 5.")
    create = reverse("placements:entry_create", args=[cast.placement.pk])
    with page.expect_response(is_htmx_post(create)) as posted:
        quick_log.locator('button[type="submit"]').click()
    assert posted.value.status == 422

    # Refused at the date, on the same week, with a way to the signed-off one.
    expect(page.locator("#id_date_error")).to_be_visible()
    expect(page.locator("#week h2")).to_have_text(this_week)
    assert cast.placement.entries.count() == 2
    to_week = page.locator("#week .locked-week a")
    expect(to_week).to_have_attribute("href", f"{detail}?week={week.start.isoformat()}")
    to_week.click()
    expect(page).to_have_url(f"{base_url}{detail}?week={week.start.isoformat()}")

    # Last week: signed off, no quick-log; the student asks to reopen it.
    section = page.locator("#week")
    expect(section.locator(".quick-log")).to_have_count(0)
    expect(section.locator(".week-approved")).to_be_visible()
    section.locator(".reopen-request > summary").click()
    section.locator('textarea[name="reason"]').fill(
        "Donderdag was de ouderavond; die ben ik vergeten."
    )
    ask = reverse("placements:week_reopen_request", args=[cast.placement.pk])
    with page.expect_response(is_htmx_post(ask)) as posted:
        section.locator(".reopen-request button[type=submit]").click()
    assert posted.value.status == 200
    expect(page.locator("#week .week-locked .message-info")).to_be_visible()
    expect(page.locator("#week textarea[name=reason]")).to_have_count(0)
    expect(page.locator("#messages .message-success")).to_be_visible()
    week.refresh_from_db()
    assert week.reopen_requested_at is not None
    assert page.evaluate("window.__notReloaded") is True

    # The supervisor finds the request in the queue and reopens the week.
    supervisor = fresh_page
    supervisor_errors = watch_console(supervisor)
    log_in(supervisor, base_url, cast.supervisor)
    queue = reverse("placements:signoff_queue")
    supervisor.goto(base_url + queue)
    request = supervisor.locator("article.reopen-item")
    expect(request).to_have_count(1)
    expect(request).to_contain_text(cast.student.full_name)
    expect(request).to_contain_text("die ben ik vergeten")
    request.locator(f'a[href="{reverse("placements:week_review", args=[week.pk])}"]').click()
    supervisor.locator('textarea[name="comment"]').fill("Goed dat je het meldt.")
    supervisor.locator('button[name="action"][value="reopen"]').click()
    expect(supervisor).to_have_url(base_url + queue)
    expect(supervisor.locator("#messages .message-success")).to_contain_text(cast.student.full_name)
    expect(supervisor.locator("article.reopen-item")).to_have_count(0)
    week.refresh_from_db()
    assert week.status == WeekStatus.REOPENED

    # The student's week takes the activity again; the date is already in that week.
    page.reload()
    section = page.locator("#week")
    expect(section.locator(".week-reopened")).to_be_visible()
    expect(section.locator("blockquote, .message-warning").first).to_contain_text(
        "Goed dat je het meldt."
    )
    quick_log = section.locator(".quick-log form")
    if not quick_log.is_visible():
        section.locator(".quick-log > summary").click()
    expect(quick_log.locator('input[name="date"]')).to_have_value(thursday.isoformat())
    quick_log.locator('select[name="minutes"]').select_option("120")
    quick_log.locator('input[name="setting"][value="school"]').check()
    quick_log.locator('select[name="kind"]').select_option("consultation")
    quick_log.locator('textarea[name="description"]').fill("Ouderavond groep 5.")
    with page.expect_response(is_htmx_post(create)) as posted:
        quick_log.locator('button[type="submit"]').click()
    assert posted.value.status == 200
    expect(page.locator("#week article.entry")).to_have_count(3)
    expect(page.locator("#week h2")).not_to_have_text(this_week)

    submit = reverse("placements:week_submit", args=[cast.placement.pk])
    with page.expect_response(is_htmx_post(submit)) as posted:
        page.locator(f'#week form[action^="{submit}"] button[type="submit"]').click()
    assert posted.value.status == 200
    expect(page.locator("#week .week-submitted")).to_be_visible()
    expect(page.locator("#week .week-submitted")).to_contain_text(cast.supervisor.full_name)
    page.locator("#week details:has(.history) > summary").click()
    expect(page.locator("#week .history li")).to_have_count(5)

    week.refresh_from_db()
    assert week.status == WeekStatus.SUBMITTED
    assert week.reviewer is None
    assert sorted(cast.placement.entries.values_list("date", "status")) == [
        (week.start, EntryStatus.SUBMITTED),
        (week.start + datetime.timedelta(days=1), EntryStatus.SUBMITTED),
        (thursday, EntryStatus.SUBMITTED),
    ]
    assert list(week.events.values_list("action", flat=True)) == [
        WeekEventAction.SUBMITTED,
        WeekEventAction.APPROVED,
        WeekEventAction.REOPEN_REQUESTED,
        WeekEventAction.REOPENED,
        WeekEventAction.SUBMITTED,
    ]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the week scrolls sideways on a phone ({width}px)"
    # Chromium reports the refused date's 422 as a failed resource load.
    assert [e for e in errors if "status of 422" not in e] == []
    assert supervisor_errors == []
