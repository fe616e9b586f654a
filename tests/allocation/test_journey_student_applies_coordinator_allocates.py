"""A student applies on a phone; the coordinator runs the allocation, pins one student,
re-runs and confirms; the placements exist with their supervisors; a compliance item
blocks one placement until it is checked (#16).

Playwright in Debian's Chromium at phone size (390 px, tests/conftest.py) against the
live server; in English so the journey does not wait for the Dutch catalogue; axe
(WCAG 2.2 A/AA) finds nothing on the application and proposal pages, and nothing is
wider than the screen. ``transactional_db`` before ``cast``: the server's thread sees
the cast. Celery runs eagerly in the tests, so the proposal is solved when the run's
redirect lands.
"""

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from allocation.models import Application, ComplianceKind, ComplianceRequirement
from allocation.services import (
    AllocationError,
    application_confirm,
    compliance_check,
    placement_activate,
)
from placements.models import Placement, PlacementStatus, SupervisionAssignment
from tests.accessibility.axe import sign_in, violations
from tests.allocation.steps import a_round
from tests.browser import watch_console

pytestmark = pytest.mark.e2e


def in_english(page: Page, base_url: str, user: Any) -> None:
    user.language = "en"
    user.save(update_fields=["language"])
    sign_in(page, base_url, user)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base_url}]
    )


def narrow(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_apply_allocate_pin_confirm_and_the_compliance_gate(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    r = a_round(cast)
    ComplianceRequirement.objects.create(
        environment=cast.environment, kind=ComplianceKind.VOG, name="VOG", programme=cast.pabo
    )
    errors = watch_console(page)

    # The pabo student changes their application on a phone.
    in_english(page, live_server.url, r.pabo_student)
    page.goto(live_server.url + reverse("allocation:index"))
    page.get_by_role("button", name="Change your application").click()
    expect(page.get_by_role("heading", name="Your application")).to_be_visible()
    assert violations(page) == []
    page.get_by_label("Choice 1").select_option(label=cast.school.name)
    page.get_by_label("Choice 2").select_option(label=cast.neighbourhood.name)
    page.get_by_role("checkbox", name="Tuesday").first.check()
    page.get_by_role("button", name="Save my application").click()
    expect(page.get_by_text("Your application is saved.")).to_be_visible()
    assert narrow(page)
    application = Application.objects.get(pk=r.pabo_application.pk)
    assert [p.host_id for p in application.preferences.all()] == [
        cast.school.pk,
        cast.neighbourhood.pk,
    ]
    # The changed days wait for the institute supervisor again.
    application_confirm(application=application, supervisor=r.institute_supervisor)

    # The coordinator runs the allocation.
    in_english(page, live_server.url, cast.coordinator)
    page.goto(live_server.url + reverse("allocation:round", args=[r.round.pk]))
    page.get_by_role("button", name="Run the allocation").click()
    expect(page.get_by_role("heading", name="Proposal")).to_be_visible()
    student = page.locator(f"#application-{r.application.pk}")
    expect(student).to_contain_text(cast.school.name)
    expect(student).to_contain_text("1st choice")
    assert violations(page) == []
    assert narrow(page)

    # Pin the social-work student to the neighbourhood organisation and run again.
    student.get_by_label("Host").select_option(label=cast.neighbourhood.name)
    student.get_by_label("Decision").select_option("pin")
    student.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved. Run the allocation again")).to_be_visible()
    page.get_by_role("button", name="Run the allocation again").click()
    student = page.locator(f"#application-{r.application.pk}")
    expect(student).to_contain_text("pinned by the coordinator")
    expect(student).to_contain_text(cast.neighbourhood.name)

    page.get_by_role("button", name="Confirm: make these placements").click()
    expect(page.get_by_text("Confirmed: 2 placements")).to_be_visible()
    expect(page.get_by_role("heading", name="Confirmed allocation")).to_be_visible()
    assert violations(page) == []
    assert narrow(page)

    social = Placement.objects.get(student=cast.student, start_date=r.round.starts_on)
    pabo = Placement.objects.get(student=r.pabo_student, start_date=r.round.starts_on)
    assert social.neighbourhood_organisation == cast.neighbourhood
    assert pabo.school == cast.school
    assert SupervisionAssignment.objects.get(placement=social).supervisor == r.social_supervisor
    assert SupervisionAssignment.objects.get(placement=pabo).supervisor == cast.supervisor

    # The pabo student's certificate of conduct blocks their placement until checked.
    placement_activate(placement=social)
    with pytest.raises(AllocationError):
        placement_activate(placement=pabo)
    assert Placement.objects.get(pk=pabo.pk).status == PlacementStatus.PLANNED
    compliance_check(item=pabo.compliance_items.get(), user=cast.coordinator, day=r.round.starts_on)
    placement_activate(placement=pabo)
    assert Placement.objects.get(pk=pabo.pk).status == PlacementStatus.ACTIVE
    assert errors == []
