"""A supervisor returns a week on a phone; the student finds the in-app notification
with the comment, and the week's page shows what to fix (#15).

Driven by Playwright in Debian's Chromium at 390 px against the live server, on a
committed database (``transactional_db`` before ``cast``).
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from notifications.models import Delivery, Kind, Notification, Preference
from notifications.tasks import deliver_due_notifications
from placements.models import EntryStatus
from tests.browser import log_in, watch_console
from tests.placements.test_journey_supervisor_signs_off import submitted_week

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
COMMENT = "Schrijf bij de rekenles wat jij zelf deed."


@pytest.fixture
def student_page(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[Page]:
    """The student's own browser: no cookies shared with the supervisor's ``page``."""
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()


def test_the_student_sees_the_returned_week_and_what_to_fix(
    transactional_db: None, cast: Any, live_server: Any, page: Page, student_page: Page
) -> None:
    Preference.objects.create(user=cast.student, kind=Kind.WEEK_RETURNED, delivery=Delivery.IN_APP)
    week = submitted_week(cast)
    base_url = live_server.url
    errors = watch_console(page)

    # The supervisor returns the week with a comment.
    page.set_viewport_size(PHONE)
    log_in(page, base_url, cast.supervisor)
    page.goto(base_url + reverse("placements:week_review", args=[week.pk]))
    page.locator('textarea[name="comment"]').fill(COMMENT)
    page.locator('button[name="action"][value="return"]').click()
    expect(page.locator('textarea[name="comment"]')).to_have_count(0)
    deliver_due_notifications()
    (row,) = Notification.objects.filter(kind=Kind.WEEK_RETURNED)
    assert row.recipient == cast.student

    # The student's notification list names the week and shows the comment.
    student = student_page
    student.set_viewport_size(PHONE)
    student_errors = watch_console(student)
    log_in(student, base_url, cast.student)
    student.goto(base_url + reverse("notifications:list"))
    item = student.locator("main li.notification").first
    expect(item).to_contain_text(COMMENT)
    item.locator(".notification-subject").click()

    # It opens the week's page, which shows the comment and lets the entries change.
    expect(student).to_have_url(f"{base_url}{cast.placement.get_absolute_url()}?week={week.start}")
    week_section = student.locator("#week")
    expect(week_section.locator("blockquote")).to_contain_text(COMMENT)
    for entry in cast.placement.entries.filter(date__gte=week.start):
        assert entry.status == EntryStatus.RETURNED
        edit = reverse("placements:entry_edit", args=[entry.pk])
        expect(week_section.locator(f'a[href="{edit}"]')).to_be_visible()
    assert errors == []
    assert student_errors == []
