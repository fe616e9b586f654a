"""A supervisor with weeks waiting reads their notifications on a phone: each row says
who and which week, the run of sign-off requests is folded under one heading naming
the student, and marking one read happens in place (htmx) without a page load.

Driven by Playwright in Debian's Chromium at 390 px against the live server.
"""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from notifications.models import Kind, Notification
from tests.accessibility.axe import sign_in, violations
from tests.browser import watch_console
from tests.notifications.factories import queue
from tests.notifications.test_views import submitted_weeks

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def dutch(text: str) -> str:
    with translation.override("nl"):
        return translation.gettext(text)


def test_supervisor_reads_who_and_what_and_marks_one_read(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    weeks = submitted_weeks(cast, 6)
    queue(cast.supervisor, key="journey:log", kind=Kind.LOG_REMINDER)
    errors = watch_console(page)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, cast.supervisor)
    page.goto(live_server.url + reverse("notifications:list"))

    # Seven messages, one screen: the lone reminder, and the six weeks under a heading.
    main = page.locator("main")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= PHONE["height"] * 1.25, height
    group = main.locator(".notification-group")
    expect(group).to_have_count(1)
    heading = group.locator("summary")
    expect(heading).to_contain_text(dutch("a week submitted for sign-off").capitalize())
    expect(heading).to_contain_text(cast.student.full_name)
    lone = main.locator("li.notification:not(.notification-group li)")
    expect(lone).to_have_count(1)
    expect(lone).to_contain_text(dutch("reminder to log activities").capitalize())

    # The rows are a list, not a wall of full-width buttons.
    rows = group.locator("li.notification")
    expect(rows.first).to_be_hidden()
    heading.click()
    expect(rows).to_have_count(6)
    row = rows.first
    expect(row.locator(".notification-subject")).to_have_text(cast.student.full_name)
    mark = row.get_by_role("button", name=dutch("Mark as read"))
    row_box, mark_box = row.bounding_box(), mark.bounding_box()
    assert row_box and mark_box and mark_box["width"] < 0.6 * row_box["width"]
    assert row.evaluate("(el) => getComputedStyle(el).listStyleType") == "none"
    assert row.evaluate("(el) => getComputedStyle(el).borderLeftColor") != "rgba(0, 0, 0, 0)"

    # Marking read swaps the row in place; the others stay unread.
    newest = Notification.objects.get(recipient=cast.supervisor, payload__week=weeks[-1].pk)
    with page.expect_response(lambda r: r.request.method == "POST"):
        mark.click()
    expect(row.locator(".badge")).to_have_count(0)
    expect(row.get_by_role("button", name=dutch("Mark as read"))).to_have_count(0)
    expect(row.locator(".notification-subject")).to_have_text(cast.student.full_name)
    newest.refresh_from_db()
    assert newest.read_at is not None
    assert Notification.objects.filter(recipient=cast.supervisor, read_at__isnull=True).count() == 6

    assert violations(page) == []
    assert errors == []
