"""A student finds "My data" in the account menu, confirms their password, downloads
their data and deletes their account, in Chromium against the live server."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.accessibility.axe import violations
from tests.accounts.factories import PASSWORD
from tests.browser import log_in, watch_console

pytestmark = pytest.mark.e2e


def test_student_downloads_their_data_then_deletes_the_account(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    base_url = live_server.url
    errors = watch_console(page)
    log_in(page, base_url, cast.student)

    page.locator("nav .nav-menu > summary").click()
    page.locator("nav .nav-account > summary").click()
    page.locator(f'a[href="{reverse("privacy:my_data")}"]').click()
    # Seeing one's data asks for the password again.
    expect(page).to_have_url(re.compile(re.escape(reverse("account_reauthenticate"))))
    assert violations(page) == []
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('main button[type="submit"]').click()
    expect(page).to_have_url(base_url + reverse("privacy:my_data"))
    expect(page.locator("main")).to_contain_text(cast.student.email)
    assert violations(page) == []

    with page.expect_download() as download_info:
        page.locator(f'main a[href="{reverse("privacy:download")}"]').first.click()
    download = download_info.value
    assert download.suggested_filename.startswith("ulvo-mijn-gegevens-")
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    users = next(s for s in data["sections"] if s["model"] == "accounts.User")
    assert users["rows"][0]["email"] == cast.student.email

    page.locator(f'main a[href="{reverse("privacy:delete_account")}"]').first.click()
    expect(page).to_have_url(base_url + reverse("privacy:delete_account"))
    assert violations(page) == []
    form = page.locator(f'main form[action="{reverse("privacy:delete_account")}"]')
    form.locator('input[name="confirm_email"]').fill("iemand-anders@example.org")
    form.locator('button[type="submit"]').click()
    expect(form.locator(".errorlist")).to_be_visible()
    assert User.objects.get(pk=cast.student.pk).is_active

    form.locator('input[name="confirm_email"]').fill(cast.student.email)
    form.locator('button[type="submit"]').click()

    expect(page).to_have_url(base_url + reverse("privacy:policy"))
    expect(page.locator("#messages .message-success")).to_be_visible()
    kept = User.objects.get(pk=cast.student.pk)  # kept for the placement, pseudonymised
    assert not kept.is_active and kept.email != cast.student.email
    # Logged out: the home page sends to the login page.
    page.goto(base_url + reverse("home"))
    expect(page).to_have_url(re.compile(re.escape(reverse("account_login"))))
    # The wrong address answered 422 on purpose; the browser logs that, nothing else.
    assert [error for error in errors if "status of 422" not in error] == []
