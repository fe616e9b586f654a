"""The demo coordinator asks for the participation-balance report, watches the
progress bar fill while a real Celery worker (on Redis) produces it, and downloads
the PDF and the Excel file.

Driven by Playwright in Debian's Chromium at phone size, against the live server
and the demo world (``manage.py demo``).
"""

import io
import re
import time
from collections.abc import Iterator
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from environments.models import LearningEnvironment
from notifications import reports
from notifications.models import Kind, Notification, Report, ReportState
from tests.browser import watch_console
from ulvo.celery import app
from ulvo.lib.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

pytestmark = [pytest.mark.e2e, pytest.mark.services, pytest.mark.django_db(transaction=True)]

COORDINATOR = "coordinator.leidscherijn@demo.ulvo.nl"


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("demo", stdout=StringIO())


@pytest.fixture
def worker(settings: Any) -> Iterator[None]:
    """A real worker on Redis; each step of the report takes a moment, so the
    progress bar can be seen moving."""
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "needs REDIS_URL"
    real_progress = reports._progress

    def slow_progress(report_id: int, value: int) -> None:
        time.sleep(0.4)
        real_progress(report_id, value)

    app.conf.update(task_always_eager=False)
    try:
        with (
            mock.patch.object(reports, "_progress", slow_progress),
            start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
        ):
            yield
    finally:
        app.conf.update(task_always_eager=True)


def totp_code(user: User) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 5:
        time.sleep(period - time.time() % period + 0.1)
    code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // period))
    cache.delete(TOTP(authenticator)._get_used_cache_key(code))
    return code


def log_in(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + "/")
    login = reverse("account_login")
    expect(page).to_have_url(re.compile(re.escape(login)))
    form = page.locator(f'form[action="{login}"]')
    form.locator('input[name="login"]').fill(email)
    form.locator('input[name="password"]').fill(DEMO_PASSWORD)
    form.locator('button[type="submit"]').click()
    authenticate = reverse("mfa_authenticate")
    expect(page).to_have_url(base_url + authenticate)
    code_form = page.locator(f'form[action="{authenticate}"]')
    code_form.locator('input[name="code"]').fill(totp_code(User.objects.get(email=email)))
    code_form.locator('button[type="submit"]:not([form])').click()
    expect(page).to_have_url(base_url + reverse("home"))


def test_demo_coordinator_requests_watches_and_downloads_the_report(
    demo: None, worker: None, live_server: Any, page: Page
) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    base = live_server.url
    errors = watch_console(page)
    environment = LearningEnvironment.objects.get(name="Leidsche Rijn")
    log_in(page, base, COORDINATOR)

    # On the phone the links wait behind "Menu", the coordinator's in the environment's
    # own dropdown.
    reports_link = page.locator(
        f"a[href='{reverse('notifications:report_list', args=[environment.pk])}']"
    )
    page.locator("nav .nav-menu > summary").click()
    page.locator("nav details.nav-coordination", has=reports_link).locator("summary").click()
    page.locator("nav").locator(reports_link).click()
    expect(page.locator("h1")).to_be_visible()
    page.locator('input[name="period_start"]').fill(f"{environment.school_year[:4]}-08-01")
    page.locator('input[name="period_end"]').fill(f"{environment.school_year[5:]}-07-31")
    page.locator("main form button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"/rapportages/\d+/$"))
    report = Report.objects.filter(requested_by__email=COORDINATOR).latest("created_at")
    bar = page.locator("#report-progress progress")
    expect(bar).to_be_visible()
    # The bar fills as the worker goes (htmx polls the fragment every second).
    seen = set()
    deadline = time.monotonic() + 90
    # Read in one step: the bar can be swapped out between a count and a read, and a
    # read of a bar that is gone waits for it.
    read = "() => document.querySelector('#report-progress progress')?.getAttribute('value')"
    while time.monotonic() < deadline:
        value = page.evaluate(read)
        if value is None:
            break
        seen.add(int(value))
        page.wait_for_timeout(250)
    assert len(seen) >= 2, f"progress values seen: {sorted(seen)}"

    pdf_link = page.locator("#report-progress a", has_text=re.compile("PDF"))
    expect(pdf_link).to_be_visible(timeout=5000)
    with page.expect_download() as download_info:
        pdf_link.click()
    pdf = PdfReader(download_info.value.path())
    assert len(pdf.pages) >= 2
    assert "Leidsche Rijn" in pdf.pages[0].extract_text()
    assert download_info.value.suggested_filename.endswith(".pdf")

    with page.expect_download() as download_info:
        page.locator("#report-progress a", has_text=re.compile("Excel")).click()
    with open(download_info.value.path(), "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    assert workbook.worksheets[0]["B2"].value == "Leidsche Rijn"

    report.refresh_from_db()
    assert report.state == ReportState.DONE
    assert Notification.objects.filter(
        kind=Kind.REPORT_READY, recipient__email=COORDINATOR, payload__report=report.pk
    ).exists()
    assert errors == []
