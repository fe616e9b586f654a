"""A supervisor opens a reflection shared with them: the page itself records that they
read it (an htmx POST on load), and their response appears in the thread in place."""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from reflections.models import ReflectionFeedback, ReflectionRead
from tests.browser import is_htmx_post, log_in, watch_console
from tests.reflections.factories import ReflectionFactory

pytestmark = pytest.mark.e2e


def test_supervisor_reads_and_responds(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    reflection = ReflectionFactory(
        author=cast.student,
        environment=cast.environment,
        text='Samen met de buurtwerker. <img src=x onerror=alert(1)> <div hx-get="/x">x</div>',
    )
    base_url = live_server.url
    errors = watch_console(page)
    log_in(page, base_url, cast.supervisor)

    read_url = reverse("reflections:mark_read", args=[reflection.pk])
    with page.expect_response(is_htmx_post(read_url)) as read:
        page.goto(base_url + reverse("reflections:detail", args=[reflection.pk]))
    assert read.value.status == 200
    expect(page.locator("#seen-by-me form")).to_have_count(0)
    assert ReflectionRead.objects.filter(reflection=reflection, reader=cast.supervisor).exists()
    # The markup in the text is shown as text, never run.
    expect(page.locator(".reflection-text")).to_contain_text("<img src=x onerror=alert(1)>")
    expect(page.locator(".reflection-text img")).to_have_count(0)

    thread = page.locator(f"#thread-{reflection.pk}")
    feedback_url = reverse("reflections:feedback_add", args=[reflection.pk])
    with page.expect_response(is_htmx_post(feedback_url)) as posted:
        thread.locator('button[type="submit"]').click()
    assert posted.value.status == 422
    expect(thread.locator(".errorlist")).to_be_visible()
    thread.locator("textarea").fill("Mooi beschreven, bespreken we donderdag.")
    with page.expect_response(is_htmx_post(feedback_url)) as posted:
        thread.locator('button[type="submit"]').click()
    assert posted.value.status == 200
    expect(thread.locator(".feedback")).to_contain_text("Mooi beschreven")
    assert ReflectionFeedback.objects.get().author == cast.supervisor

    assert [e for e in errors if "422" not in e] == [], errors
