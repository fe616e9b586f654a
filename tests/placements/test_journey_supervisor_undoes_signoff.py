"""The supervisor approves a week from the queue on a phone, reads which week of
whom was signed off, and takes it back; then returns it with a comment and is told
so. The week's history shows the approval and its undoing.

Driven by Playwright in Debian's Chromium at phone size against the live server.
"""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from placements.models import EntryStatus, WeekEventAction, WeekStatus
from placements.services import week_submit
from placements.views import _week_names
from tests.browser import log_in, watch_console
from tests.placements.factories import log_activity

pytestmark = pytest.mark.e2e


def test_supervisor_approves_undoes_and_returns_a_week(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    base_url = live_server.url
    log_activity(cast.placement, minutes=90, description="Rekenles in groep 5.")
    week = week_submit(placement=cast.placement, start=timezone.localdate(), student=cast.student)
    with translation.override("nl"):
        start = _week_names(week)["start"]  # as the messages write it
    errors = watch_console(page)
    log_in(page, base_url, cast.supervisor)
    queue = reverse("placements:signoff_queue")
    page.goto(base_url + queue)

    # One click approves; the message names the student and the week, with an undo.
    page.locator(
        f'form[action="{reverse("placements:week_approve", args=[week.pk])}"] button'
    ).click()
    expect(page).to_have_url(base_url + queue)
    confirmation = page.locator("#messages .message-success")
    expect(confirmation).to_contain_text(cast.student.full_name)
    expect(confirmation).to_contain_text(start)
    expect(page.locator("article.queue-item")).to_have_count(0)
    week.refresh_from_db()
    assert week.status == WeekStatus.APPROVED

    undo = reverse("placements:week_approval_undo", args=[week.pk])
    page.locator(f'.signed-off-item form[action="{undo}"] button').click()
    expect(page).to_have_url(base_url + queue)
    expect(page.locator("#messages .message-success")).to_contain_text(cast.student.full_name)
    expect(page.locator(".signed-off-item")).to_have_count(0)
    expect(page.locator("article.queue-item")).to_have_count(1)
    week.refresh_from_db()
    assert (week.status, week.reviewer) == (WeekStatus.SUBMITTED, None)
    assert set(cast.placement.entries.values_list("status", flat=True)) == {EntryStatus.SUBMITTED}

    # On second thought: returned with a comment, and confirmed.
    page.locator(f'a[href="{reverse("placements:week_review", args=[week.pk])}"]').click()
    page.locator('textarea[name="comment"]').fill("Beschrijf ook wat je zelf deed.")
    page.locator('button[name="action"][value="return"]').click()
    expect(page).to_have_url(base_url + queue)
    returned = page.locator("#messages .message-success")
    expect(returned).to_contain_text(cast.student.full_name)
    expect(returned).to_contain_text(start)
    expect(page.locator("article.queue-item")).to_have_count(0)

    week.refresh_from_db()
    assert week.status == WeekStatus.RETURNED
    assert list(week.events.values_list("action", flat=True)) == [
        WeekEventAction.SUBMITTED,
        WeekEventAction.APPROVED,
        WeekEventAction.APPROVAL_UNDONE,
        WeekEventAction.RETURNED,
    ]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the queue scrolls sideways on a phone ({width}px)"
    assert errors == []
