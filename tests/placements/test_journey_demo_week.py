"""The issue's own journey on the demo world: a demo student logs two activities,
edits one and submits the week; their practice supervisor signs it off, and a
neighbourhood professional without an account signs off through the e-mailed link."""

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from placements.models import ActivityEntry, EntryStatus, SupervisionAssignment, Week, WeekStatus
from placements.services import week_submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "ulvo-demo-2026"


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("demo", stdout=StringIO())


def log_in(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + reverse("account_login"))
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('main button[type="submit"]').click()
    expect(page).to_have_url(base_url + reverse("home"))


def test_demo_student_logs_edits_and_submits_then_supervisor_signs_off(
    demo: None, live_server: Any, page: Page
) -> None:
    base = live_server.url
    log_in(page, base, "student@demo.ulvo.nl")

    page.locator("main a[role=button][href^='/stages/']").first.click()
    expect(page).to_have_url(re.compile(r"/stages/\d+/$"))
    placement_pk = int(page.url.rstrip("/").split("/")[-1])
    before = ActivityEntry.objects.filter(placement_id=placement_pk).count()

    for minutes, description in [("60", "Leesgroep met de vaktherapeut"), ("45", "Overleg IB")]:
        summary = page.locator("#week .quick-log > summary")
        if page.locator("#week .quick-log[open]").count() == 0:
            summary.click()
        form = page.locator("#week .quick-log form")
        form.locator('select[name="minutes"]').select_option(minutes)
        form.locator('input[name="setting"][value="school"]').check()
        form.locator('select[name="kind"]').select_option("group")
        form.locator('textarea[name="description"]').fill(description)
        form.locator('button[type="submit"]').click()
        expect(page.locator("#week")).to_contain_text(description)

    assert ActivityEntry.objects.filter(placement_id=placement_pk).count() == before + 2
    entry = ActivityEntry.objects.get(placement_id=placement_pk, description="Overleg IB")
    page.locator(f"#entry-{entry.pk} a[href$='/activiteiten/{entry.pk}/']").click()
    page.locator(f"#entry-{entry.pk} textarea[name='description']").fill("Overleg met de IB'er")
    page.locator(f"#entry-{entry.pk} button[type='submit']").click()
    expect(page.locator("#week")).to_contain_text("Overleg met de IB'er")

    page.locator("#week form[action*='week-indienen'] button[type='submit']").click()
    expect(page.locator("#week .week-submitted")).to_be_visible()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    week = Week.objects.get(placement_id=placement_pk, start=entry.week_start)
    assert week.status == WeekStatus.SUBMITTED

    # The practice supervisor signs the week off in one click from the queue.
    page.context.clear_cookies()
    signer = SupervisionAssignment.objects.get(placement_id=placement_pk, signs_off=True)
    log_in(page, base, signer.supervisor.email)
    page.goto(base + reverse("placements:signoff_queue"))
    approve = reverse("placements:week_approve", args=[week.pk])
    page.locator(f"form[action='{approve}'] button[type='submit']").click()
    expect(page.locator("#messages .message-success")).to_be_visible()
    week.refresh_from_db()
    assert week.status == WeekStatus.APPROVED
    assert week.reviewer == signer.supervisor


def test_neighbourhood_professional_signs_off_through_the_emailed_link(
    demo: None, live_server: Any, page: Page
) -> None:
    external = SupervisionAssignment.objects.filter(
        supervisor__isnull=True, signs_off=True
    ).select_related("placement__student")[0]
    week = Week.objects.filter(placement=external.placement, status=WeekStatus.SUBMITTED).first()
    if week is None:
        entry = external.placement.entries.filter(status=EntryStatus.DRAFT).first()
        assert entry is not None, "the demo gives every student draft work this week"
        week = week_submit(
            placement=external.placement, start=entry.date, student=external.placement.student
        )

    page.goto(live_server.url + week.get_signoff_url(external.pk))
    expect(page.locator("main")).to_contain_text(external.placement.student.full_name)
    page.locator('input[name="name"]').fill("Bas Vermeer")
    page.locator('button[value="approve"]').click()
    expect(page.locator(".message-success")).to_be_visible()
    week.refresh_from_db()
    assert week.status == WeekStatus.APPROVED
    event = week.events.latest("created_at")
    assert (event.actor_name, event.via_link) == ("Bas Vermeer", True)

    # The same link a second time: it worked once, and says so.
    events = week.events.count()
    page.goto(live_server.url + week.get_signoff_url(external.pk))
    expect(page.locator("[role=alert]")).to_be_visible()
    assert week.events.count() == events
