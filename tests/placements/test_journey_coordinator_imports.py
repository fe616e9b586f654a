"""A coordinator imports students and placements: a file with an error, then a good one.

Driven by Playwright in Debian's Chromium at phone size (tests/conftest.py), against
the live server, where the tasks run in-process as soon as the upload is committed.
"""

import re
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import Invitation
from placements.models import ImportJob, ImportState, Placement
from tests.accounts.test_journey_coordinator_invites import ConsoleErrors, log_in_with_totp

pytestmark = pytest.mark.e2e

HEADINGS = "e-mailadres;naam;opleiding;school;startdatum;einddatum;stagedagen;uren per week\n"
GOOD = (
    "nina.nieuw@example.org;Nina Nieuw;Pabo;Basisschool De Regenboog;01-09-2030;31-01-2031;ma;8\n"
)
BAD = "piet@example.org;Piet;Sterrenkunde;Basisschool De Regenboog;01-09-2030;31-01-2031;ma;8\n"


def upload(page: Page, content: str) -> None:
    page.set_input_files(
        "#id_file",
        files=[{"name": "stages.csv", "mimeType": "text/csv", "buffer": content.encode()}],
    )
    page.locator("#import-upload form button[type=submit]").click()


def test_coordinator_corrects_a_file_and_imports_it(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    console = ConsoleErrors()
    console.watch(page)
    base_url = live_server.url
    log_in_with_totp(page, base_url, cast.coordinator)
    page.goto(base_url + reverse("placements:import_start", args=[cast.environment.pk]))

    upload(page, HEADINGS + GOOD + BAD)
    expect(page).to_have_url(re.compile(r"/importeren/\d+/$"))
    first = ImportJob.objects.get()
    assert page.url == base_url + first.get_absolute_url()
    errors = page.locator("#import-progress .import-errors > li")
    expect(errors).to_have_count(1)
    expect(errors).to_contain_text("3")
    expect(errors.locator(".errorlist")).to_contain_text("opleiding")
    expect(errors.locator(".errorlist")).to_contain_text("Sterrenkunde")
    expect(page.locator("#import-progress form")).to_have_count(0)
    assert Placement.objects.filter(student__email="nina.nieuw@example.org").count() == 0

    upload(page, HEADINGS + GOOD)
    expect(page).not_to_have_url(base_url + first.get_absolute_url())
    second = ImportJob.objects.latest("created_at")
    assert page.url == base_url + second.get_absolute_url()
    page.evaluate("window.__notReloaded = true")
    page.locator("#import-progress form button[type=submit]").click()
    # Done: the fragment, swapped in by htmx, links to the environment's placements.
    placements = reverse("placements:environment_placements", args=[cast.environment.pk])
    expect(page.locator(f'#import-progress a[href="{placements}"]')).to_be_visible()
    assert page.evaluate("window.__notReloaded") is True

    second.refresh_from_db()
    assert second.state == ImportState.DONE
    assert Placement.objects.filter(student__email="nina.nieuw@example.org").count() == 1
    assert Invitation.objects.filter(email="nina.nieuw@example.org").exists()
    assert [message.to for message in mail.outbox] == [["nina.nieuw@example.org"]]
    assert console.errors == []
