"""The supervisor's home with its cache on, as in production: what the student does
reaches the supervisor's next page load, and the supervisor's own response leaves it
at once (supervision/home_cache.py).

Driven by Playwright in Debian's Chromium against the live server, whose changes
commit for real, so the cache is forgotten the way it is in production.
"""

from typing import Any

import pytest
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.urls import reverse
from playwright.sync_api import Page, expect

from supervision import home_cache
from tests.browser import log_in, watch_console
from tests.supervision.steps import share_reflection, submit_week

pytestmark = [pytest.mark.e2e, pytest.mark.services]


def test_the_cached_home_follows_the_student_and_the_supervisor(
    transactional_db: None, cast: Any, live_server: Any, page: Page, settings: Any
) -> None:
    settings.ULVO_SUPERVISOR_HOME_CACHE_SECONDS = 300
    base_url = live_server.url
    home_url = base_url + reverse("supervision:home")
    errors = watch_console(page)
    log_in(page, base_url, cast.supervisor)

    page.goto(home_url)
    supervisee = page.locator(f"#supervisee-{cast.placement.pk}")
    expect(supervisee).to_contain_text(cast.student.full_name)
    expect(supervisee.locator(".waiting-reflection")).to_have_count(0)
    # The page is now kept, for this browser's session: the same key still finds it.
    [session] = [
        c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME
    ]
    key = make_template_fragment_key(
        "supervisor-home", [home_cache.page_key(cast.supervisor.pk, "nl"), session]
    )
    assert cast.student.full_name in cache.get(key)

    # The student shares a reflection and submits a week: the next load shows both.
    reflection = share_reflection(cast.student, cast.environment, "Vandaag samen met de wijk.")
    week = submit_week(cast)
    page.reload()
    waiting = page.locator(f"#reflection-{reflection.pk}")
    expect(waiting).to_contain_text("Vandaag samen met de wijk.")
    expect(supervisee.locator(f'a[href="{week.get_absolute_url()}"]')).to_be_visible()

    # Responding from the cached page works (its form carries this request's CSRF
    # token) and the reflection is gone from the page the response returns to.
    waiting.locator("summary").click()
    waiting.locator('textarea[name="text"]').fill("Wat viel je op aan de samenwerking?")
    waiting.locator('button[type="submit"]').click()
    expect(page).to_have_url(home_url + f"#supervisee-{cast.placement.pk}")
    expect(page.locator(f"#reflection-{reflection.pk}")).to_have_count(0)
    expect(supervisee.locator(f'a[href="{week.get_absolute_url()}"]')).to_be_visible()
    assert errors == []
