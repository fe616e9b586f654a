"""The demo coordinator opens the balance dashboard, changes the period, drills into
the under-represented programme (pabo, as in the pilots) and downloads the export.

Driven by Playwright in Debian's Chromium at phone size against the live server, on
the demo world (``manage.py demo``).
"""

import csv
import datetime
import io
import re
import time
from io import StringIO
from typing import Any

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from dashboards.figures import TERMS
from environments.models import LearningEnvironment, Programme
from tests.browser import watch_console

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "ulvo-demo-2026"
COORDINATOR = "coordinator.leidscherijn@demo.ulvo.nl"


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("demo", stdout=StringIO())


def totp_code(user: User) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 5:
        time.sleep(period - time.time() % period + 0.1)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // period))
    cache.delete(TOTP(authenticator)._get_used_cache_key(code))
    return code


def log_in(page: Page, base: str, user: User) -> None:
    page.goto(base + reverse("account_login"))
    page.locator('input[name="login"]').fill(user.email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('main button[type="submit"]').click()
    authenticate = reverse("mfa_authenticate")
    expect(page).to_have_url(base + authenticate)
    form = page.locator(f'form[action="{authenticate}"]')
    form.locator('input[name="code"]').fill(totp_code(user))
    form.locator('button[type="submit"]:not([form])').click()
    expect(page).to_have_url(base + reverse("home"))


def current_term(day: datetime.date) -> int:
    for term, (first, _last) in TERMS.items():
        months = {m % 12 or 12 for m in range(first, first + 3)}
        if day.month in months:
            return term
    raise AssertionError(day)


def test_demo_coordinator_reads_the_balance_and_drills_into_pabo(
    demo: None, live_server: Any, page: Page
) -> None:
    base = live_server.url
    errors = watch_console(page)
    coordinator = User.objects.get(email=COORDINATOR)
    environment = LearningEnvironment.objects.get(
        name="Leidsche Rijn", memberships__user=coordinator
    )
    pabo = Programme.objects.get(name="Pabo")
    log_in(page, base, coordinator)

    dashboard = reverse("dashboards:environment", args=[environment.pk])
    page.locator(f"main a[href='{dashboard}']").first.click()
    expect(page).to_have_url(base + dashboard)
    # At phone size the chart's narrow drawing (dashboards.charts).
    expect(page.locator("#figure-programmes svg.chart-narrow[role=img]")).to_be_visible()
    expect(page.locator("#figure-programmes svg.chart-wide")).to_be_hidden()
    alerts = page.locator(".dashboard-summary .message-warning")
    expect(alerts).to_contain_text("Pabo")

    # The period: this term. Filters update the figures through htmx and stay in the URL.
    term = current_term(timezone.localdate())
    page.locator('select[name="term"]').select_option(str(term))
    expect(page).to_have_url(re.compile(rf"term={term}"))
    page.locator('select[name="period"]').select_option("term")
    expect(page).to_have_url(re.compile(rf"period=term.*term={term}"))
    expect(page.locator(".period-heading")).to_contain_text(str(term))
    expect(page.locator("#figure-programmes")).to_be_visible()
    # A reversed custom range: a clear message and no figures.
    page.locator('select[name="period"]').select_option("custom")
    expect(page.locator("#dashboard [role=alert]").first).to_be_visible()
    expect(page.locator("#figure-programmes")).to_have_count(0)
    # The back button brings the term's figures back.
    page.go_back()
    expect(page).to_have_url(re.compile(rf"period=term.*term={term}"))
    expect(page.locator("#figure-programmes")).to_be_visible()

    # Drill into pabo, below its target.
    page.locator(".dashboard-summary .message-warning a", has_text="Pabo").click()
    expect(page).to_have_url(re.compile(rf"/dashboard/stages/\?.*programme={pabo.pk}"))
    rows = page.locator("main table tbody tr")
    expect(rows.first).to_contain_text("Pabo")
    expect(page.locator("main")).to_contain_text("Sanne Jansen")

    # Back to the figures, and download the programmes as CSV.
    page.locator("main hgroup a").first.click()
    expect(page.locator("#figure-programmes")).to_be_visible()
    export = reverse("dashboards:export", args=[environment.pk, "programmes", "csv"])
    with page.expect_download() as download_info:
        page.locator(f"#figure-programmes a[href^='{export}']").click()
    download = download_info.value
    with open(download.path(), encoding="utf-8-sig") as handle:
        # Dutch: semicolons, what Dutch Excel opens in columns.
        rows = list(csv.reader(io.StringIO(handle.read()), delimiter=";"))
    by_name = {row[0]: row for row in rows[1:]}
    assert "Pabo" in by_name
    students, target = by_name["Pabo"][3], by_name["Pabo"][4]
    assert int(students) < int(target)
    # The reversed range answered 422 on purpose; the browser logs that, nothing else.
    assert [e for e in errors if "status of 422" not in e] == []
