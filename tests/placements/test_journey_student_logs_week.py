"""A student on a phone logs two activities, edits one inline and submits the week.

Driven by Playwright in Debian's Chromium at phone size (tests/conftest.py) against
the live server. ``transactional_db`` comes before ``cast`` so the cast is committed
and visible to the server's thread. The assertions use selectors and the database
rather than texts, which the Dutch catalogue may still change.
"""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from placements.models import ActivityEntry, EntryStatus, Week, WeekEventAction, WeekStatus
from tests.browser import is_htmx_post, log_in, watch_console

pytestmark = pytest.mark.e2e


def test_student_logs_two_activities_edits_one_and_submits_the_week(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    base_url = live_server.url
    errors = watch_console(page)
    log_in(page, base_url, cast.student)

    detail = reverse("placements:detail", args=[cast.placement.pk])
    page.locator("nav .nav-menu > summary").click()
    page.locator(f'nav a[href="{reverse("placements:list")}"]').click()
    page.locator(f'main a[href="{detail}"]').click()
    expect(page).to_have_url(base_url + detail)
    page.evaluate("window.__notReloaded = true")

    # First activity: the quick-log is open while the week is empty.
    quick_log = page.locator("#week .quick-log form")
    expect(quick_log).to_be_visible()
    expect(quick_log.locator('input[name="date"]')).to_have_value(timezone.localdate().isoformat())
    quick_log.locator('select[name="minutes"]').select_option("90")
    quick_log.locator('input[name="setting"][value="school"]').check()
    quick_log.locator('select[name="kind"]').select_option("classroom")
    quick_log.locator('textarea[name="description"]').fill("Rekenles in groep 5 ondersteund.")
    create = reverse("placements:entry_create", args=[cast.placement.pk])
    with page.expect_response(is_htmx_post(create)) as posted:
        quick_log.locator('button[type="submit"]').click()
    assert posted.value.status == 200
    assert posted.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#week")).to_contain_text("Rekenles in groep 5 ondersteund.")
    expect(page.locator("#messages .message-success")).to_be_visible()

    # Second activity: the quick-log folds away once there are entries.
    page.locator("#week .quick-log > summary").click()
    quick_log = page.locator("#week .quick-log form")
    quick_log.locator('select[name="minutes"]').select_option("60")
    quick_log.locator('input[name="setting"][value="neighbourhood"]').check()
    quick_log.locator('select[name="kind"]').select_option("group")
    quick_log.locator("details summary").click()
    quick_log.locator('input[name="disciplines"][value="youth_work"]').check()
    quick_log.locator('textarea[name="description"]').fill("Huiswerkklas in het buurthuis.")
    with page.expect_response(is_htmx_post(create)) as posted:
        quick_log.locator('button[type="submit"]').click()
    assert posted.value.status == 200
    expect(page.locator("#week article.entry")).to_have_count(2)

    entries = list(cast.placement.entries.order_by("pk"))
    assert [(e.minutes, e.setting, e.kind) for e in entries] == [
        (90, "school", "classroom"),
        (60, "neighbourhood", "group"),
    ]
    assert entries[1].disciplines == ["youth_work"]

    # Edit the first one inline.
    first = entries[0]
    edit = reverse("placements:entry_edit", args=[first.pk])
    article = page.locator(f"#entry-{first.pk}")
    article.locator(f'a[href="{edit}"]').click()
    edit_form = page.locator(f"#entry-{first.pk} form")
    expect(edit_form.locator('select[name="minutes"]')).to_have_value("90")
    edit_form.locator('select[name="minutes"]').select_option("120")
    edit_form.locator('textarea[name="description"]').fill("Rekenles en verlengde instructie.")
    with page.expect_response(is_htmx_post(edit)) as posted:
        edit_form.locator('button[type="submit"]').click()
    assert posted.value.status == 200
    expect(page.locator("#week")).to_have_count(1)
    expect(page.locator("#week")).to_contain_text("Rekenles en verlengde instructie.")
    expect(page.locator("#week article.entry")).to_have_count(2)
    first.refresh_from_db()
    assert (first.minutes, first.description) == (120, "Rekenles en verlengde instructie.")

    # Submit the week.
    submit = reverse("placements:week_submit", args=[cast.placement.pk])
    with page.expect_response(is_htmx_post(submit)) as posted:
        page.locator(f'#week form[action^="{submit}"] button[type="submit"]').click()
    assert posted.value.status == 200
    expect(page.locator(f'#week form[action^="{submit}"]')).to_have_count(0)
    expect(page.locator("#week .week-submitted")).to_be_visible()
    expect(page.locator(f'#week a[href="{edit}"]')).to_have_count(0)

    assert set(ActivityEntry.objects.values_list("status", flat=True)) == {EntryStatus.SUBMITTED}
    week = Week.objects.get(placement=cast.placement)
    assert week.status == WeekStatus.SUBMITTED
    assert list(week.events.values_list("action", "actor")) == [
        (WeekEventAction.SUBMITTED, cast.student.pk)
    ]

    assert page.evaluate("window.__notReloaded") is True
    assert page.url == base_url + detail
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the week scrolls sideways on a phone ({width}px)"
    assert errors == []
