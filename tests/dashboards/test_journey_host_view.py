"""A school trainer on a phone opens their school's host view from the home page and
sees this week's students: name, programme, days on site and supervisors (#19, part 3),
and downloads the list.

Driven by Playwright in Debian's Chromium at phone size (tests/conftest.py) against
the live server; ``transactional_db`` comes before ``cast`` so the cast is visible to
the server's thread.
"""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser import log_in, watch_console

pytestmark = pytest.mark.e2e


def test_school_trainer_opens_the_host_view_on_a_phone(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    base_url = live_server.url
    errors = watch_console(page)
    log_in(page, base_url, cast.supervisor)

    url = reverse("dashboards:organisation", args=[cast.environment.pk, cast.school.pk])
    page.locator(f'a[href="{url}"]').first.click()
    expect(page).to_have_url(base_url + url)

    students = page.locator("ul.host-students > li")
    expect(students).to_have_count(1)
    expect(students.first).to_contain_text(cast.student.full_name)
    expect(students.first).to_contain_text(cast.social_work.name)
    expect(students.first).to_contain_text(cast.supervisor.full_name)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the host view scrolls sideways on a phone ({width}px)"

    export = reverse(
        "dashboards:organisation_building_export", args=[cast.environment.pk, cast.school.pk]
    )
    with page.expect_download() as download:
        page.locator(f'a[href="{export}"]').click()
    path = download.value.path()
    with open(path, encoding="utf-8-sig") as csv_file:
        assert cast.student.full_name in csv_file.read()
    assert errors == []
