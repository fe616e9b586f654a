"""The supervisor signs the student's week off: in the queue with one click, or,
without an account, through the e-mailed link; the student then sees the outcome.

Driven by Playwright in Debian's Chromium at phone size (tests/conftest.py) against
the live server, on a committed database (``transactional_db`` before ``cast``).
"""

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from notifications.tasks import deliver_due_notifications
from placements.models import (
    EntryStatus,
    SupervisionAssignment,
    SupervisionRole,
    Week,
    WeekEventAction,
    WeekStatus,
)
from placements.services import assignment_save, week_submit
from tests.browser import log_in, watch_console
from tests.placements.factories import log_activity

pytestmark = pytest.mark.e2e

LINK = re.compile(re.escape(settings.ULVO_BASE_URL) + r"(/aftekenen/link/[^/\s]+/)")


@pytest.fixture
def fresh_page(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[Page]:
    """A page in a new browser context: no cookies shared with ``page``."""
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()


def submitted_week(cast: Any) -> Week:
    """The student's week of today: two activities, submitted through the service."""
    today = timezone.localdate()
    log_activity(cast.placement, date=today, minutes=90, description="Rekenles in groep 5.")
    log_activity(
        cast.placement,
        date=today,
        minutes=60,
        setting="neighbourhood",
        kind="group",
        description="Huiswerkklas in het buurthuis.",
    )
    # Last week stays a draft: the sign-off must not touch it.
    log_activity(cast.placement, date=today - datetime.timedelta(days=7), description="Vorige.")
    return week_submit(placement=cast.placement, start=today, student=cast.student)


def test_supervisor_approves_the_week_from_the_queue_in_one_click(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    base_url = live_server.url
    week = submitted_week(cast)
    errors = watch_console(page)

    log_in(page, base_url, cast.supervisor)
    queue = reverse("placements:signoff_queue")
    page.locator("nav .nav-menu > summary").click()
    page.locator(f'nav a[href="{queue}"]').click()
    expect(page).to_have_url(base_url + queue)
    item = page.locator("article.queue-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(cast.student.full_name)
    expect(item).to_contain_text("2 uur 30 min")

    approve = reverse("placements:week_approve", args=[week.pk])
    item.locator(f'form[action="{approve}"] button[type="submit"]').click()

    expect(page).to_have_url(base_url + queue)
    expect(page.locator("#messages .message-success")).to_contain_text(cast.student.full_name)
    expect(page.locator("article.queue-item")).to_have_count(0)

    week.refresh_from_db()
    assert week.status == WeekStatus.APPROVED
    assert week.reviewer == cast.supervisor
    assert sorted(cast.placement.entries.values_list("status", flat=True)) == [
        EntryStatus.APPROVED,
        EntryStatus.APPROVED,
        EntryStatus.DRAFT,
    ]
    event = week.events.last()
    assert (event.action, event.actor, event.via_link) == (
        WeekEventAction.APPROVED,
        cast.supervisor,
        False,
    )
    assert errors == []


def test_supervisor_without_an_account_returns_the_week_through_the_e_mailed_link(
    transactional_db: None, cast: Any, live_server: Any, page: Page, fresh_page: Page
) -> None:
    base_url = live_server.url
    # Through the service: Wendy takes signing off over (one signer per placement).
    external = assignment_save(
        assignment=SupervisionAssignment(
            placement=cast.placement,
            name="Wendy Wijkteam",
            email="wendy@buurtteam.example.org",
            role=SupervisionRole.PRACTICE,
            domain="social",
            signs_off=True,
        )
    )
    week = submitted_week(cast)
    deliver_due_notifications()  # Already sent on commit, unless the broker was away.

    to_wendy = [m for m in mail.outbox if m.to == ["wendy@buurtteam.example.org"]]
    assert len(mail.outbox) == len(to_wendy) == 1
    found = LINK.search(to_wendy[0].body)
    assert found, to_wendy[0].body

    # Wendy opens the link on her phone, without an account.
    errors = watch_console(page)
    page.goto(base_url + found.group(1))
    expect(page.locator("main")).to_contain_text(cast.student.full_name)
    expect(page.locator("main article.entry")).to_have_count(2)
    expect(page.locator("main")).to_contain_text("Huiswerkklas in het buurthuis.")
    expect(page.locator("main")).not_to_contain_text("Vorige.")
    name = page.locator('input[name="name"]')
    expect(name).to_have_value("Wendy Wijkteam")
    name.fill("Wendy van het Wijkteam")
    page.locator('textarea[name="comment"]').fill("Beschrijf ook wat je zelf deed.")
    page.locator('button[name="action"][value="return"]').click()

    expect(page.locator("main .message-success")).to_be_visible()
    expect(page.locator('textarea[name="comment"]')).to_have_count(0)

    week.refresh_from_db()
    assert week.status == WeekStatus.RETURNED
    assert week.comment == "Beschrijf ook wat je zelf deed."
    assert week.reviewer is None
    assert week.reviewer_name == "Wendy van het Wijkteam"
    event = week.events.last()
    assert (event.action, event.actor_name, event.via_link) == (
        WeekEventAction.RETURNED,
        "Wendy van het Wijkteam",
        True,
    )
    assert external.pk in {a.pk for a in cast.placement.assignments.filter(signs_off=True)}

    # Used once: the same link now explains that the week has been handled.
    response = page.goto(base_url + found.group(1))
    assert response is not None and response.status == 410

    # The student sees the comment on the week and can change the entries again.
    student = fresh_page
    student_errors = watch_console(student)
    log_in(student, base_url, cast.student)
    student.goto(base_url + reverse("placements:detail", args=[cast.placement.pk]))
    week_section = student.locator("#week")
    expect(week_section.locator("blockquote")).to_contain_text("Beschrijf ook wat je zelf deed.")
    expect(week_section.locator(".history")).to_contain_text("Wendy van het Wijkteam")
    for entry in cast.placement.entries.filter(date__gte=week.start):
        assert entry.status == EntryStatus.RETURNED
        edit = reverse("placements:entry_edit", args=[entry.pk])
        expect(week_section.locator(f'a[href="{edit}"]')).to_be_visible()

    # Chromium reports the 410 of the used link as a failed resource load.
    assert [e for e in errors if "status of 410" not in e] == []
    assert student_errors == []
