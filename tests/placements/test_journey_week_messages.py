"""Messages belong to the response that caused them: on the student's week page, a
"saved" from an earlier htmx swap does not stay above the error of the next one.

One mechanism delivers them (ulvo.lib.middleware.HtmxMessagesMiddleware): messages
added during an htmx request come with that response, out of band into #messages.
Driven by Playwright in Debian's Chromium at phone size against the live server.
"""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser import is_htmx_post, log_in, watch_console

pytestmark = pytest.mark.e2e


# Messages belong to the response that caused them (#20): every swap the user causes
# replaces #messages, so an earlier message never stays above a new one.
def test_a_saved_message_does_not_outlive_the_next_swap_on_the_week_page(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    base_url = live_server.url
    errors = watch_console(page)
    log_in(page, base_url, cast.student)
    page.goto(base_url + reverse("placements:detail", args=[cast.placement.pk]))
    page.evaluate("window.__notReloaded = true")
    create = reverse("placements:entry_create", args=[cast.placement.pk])
    messages = page.locator("#messages article.message")

    # Saved: one green message.
    quick_log = page.locator("#week .quick-log form")
    quick_log.locator('input[name="setting"][value="school"]').check()
    quick_log.locator('select[name="kind"]').select_option("classroom")
    quick_log.locator('textarea[name="description"]').fill("Rekenles in groep 5.")
    with page.expect_response(is_htmx_post(create)) as posted:
        quick_log.locator('button[type="submit"]').click()
    assert posted.value.status == 200
    expect(messages).to_have_count(1)
    expect(page.locator("#messages .message-success")).to_be_visible()

    # The next activity forgets where it took place: the error, and no green above it.
    page.locator("#week .quick-log > summary").click()
    quick_log = page.locator("#week .quick-log form")
    quick_log.locator('select[name="kind"]').select_option("group")
    quick_log.locator('textarea[name="description"]').fill("Huiswerkklas.")
    with page.expect_response(is_htmx_post(create)) as posted:
        quick_log.locator('button[type="submit"]').click()
    assert posted.value.status == 422
    expect(page.locator("#week .quick-log .errorlist")).to_be_visible()
    expect(page.locator("#messages .message-success")).to_have_count(0)

    # Corrected: one green message again, not two.
    quick_log = page.locator("#week .quick-log form")
    quick_log.locator('input[name="setting"][value="neighbourhood"]').check()
    with page.expect_response(is_htmx_post(create)) as posted:
        quick_log.locator('button[type="submit"]').click()
    assert posted.value.status == 200
    expect(page.locator("#week article.entry")).to_have_count(2)
    expect(messages).to_have_count(1)

    # Moving to the previous week clears what was said about this one.
    page.locator("#week .week-nav a").first.click()
    expect(page.locator("#week article.entry")).to_have_count(0)
    expect(messages).to_have_count(0)

    assert page.evaluate("window.__notReloaded") is True
    assert [e for e in errors if "status of 422" not in e] == []
