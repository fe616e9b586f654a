"""#14's first journey on a phone: staff make a new environment and invite its
coordinator in the management site; the coordinator accepts, sets up the authenticator
app the role requires, and sets the environment up from nothing through the settings
pages (a partner school, a programme, the target mix), invites a practice supervisor
and a colleague; the colleague accepts and sees the environment page; a kick-off that
invites the whole school reaches the colleague, who answers it; the dashboard shows
the targets.

Driven by Playwright in Debian's Chromium at phone size (tests/conftest.py), against
the live server; every page in English so the journey does not wait for the Dutch
catalogue. ``transactional_db`` so the server's thread sees the rows.
"""

import datetime
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from accounts.models import Invitation, Membership, Role
from environments.models import Domain, DomainTarget, LearningEnvironment, ProgrammeTarget
from learning_networks.models import Answer, Attendance, NetworkSession
from tests.accessibility.axe import sign_in
from tests.accounts.factories import UserFactory
from tests.accounts.steps import activate_totp
from tests.browser import watch_console
from tests.environments.factories import InstituteFactory, ProgrammeFactory, RegionFactory

pytestmark = pytest.mark.e2e

PASSWORD = "Zeilboot-Lente-2026!"
ACCEPT_PATH = re.compile(r"https?://[^/\s]+(/uitnodiging/[^/\s]+/)")


def field(scope: Page | Locator, label: str) -> Locator:
    """The form field with exactly this label (Django adds a colon)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def english(page: Page, base_url: str) -> Page:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base_url}]
    )
    return page


@pytest.fixture
def second_page(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[Page]:
    """Another phone: no cookies shared with ``page``."""
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()


def accept_link(address: str) -> str:
    message = next(message for message in mail.outbox if message.to == [address])
    found = ACCEPT_PATH.search(message.body)
    assert found, message.body
    return found.group(1)


def accept(page: Page, base_url: str, address: str, name: str) -> None:
    """Open the e-mailed link and make the account."""
    page.goto(base_url + accept_link(address))
    field(page, "Full name").fill(name)
    field(page, "Language").select_option("en")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


def current_code(secret: str) -> str:
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 5:
        # Hand the server this period's code, not one about to go stale.
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def test_a_new_coordinator_sets_up_an_environment_from_nothing(
    transactional_db: None, live_server: Any, page: Page, second_page: Page
) -> None:
    base = live_server.url
    region = RegionFactory(name="Utrecht")
    institute = InstituteFactory(name="Hogeschool Utrecht", region=region)
    ProgrammeFactory(institute=institute, name="Pabo", domain=Domain.EDUCATIONAL)
    staff = UserFactory(email="beheer@example.org", full_name="Bea Beheer", is_staff=True)
    staff.is_superuser = True
    staff.language = "en"
    staff.save(update_fields=["is_superuser", "language"])
    activate_totp(staff)
    today = timezone.localdate()
    year = today.year if today.month >= 8 else today.year - 1
    school_year = f"{year}-{year + 1}"
    errors = watch_console(page)

    # Staff: the environment and its coordinator's invitation, in the management site.
    sign_in(english(page, base), base, staff)
    english(page, base)
    page.goto(base + reverse("admin:environments_learningenvironment_add"))
    field(page, "Name").fill("Overvecht")
    field(page, "Region").select_option(label="Utrecht")
    field(page, "School year").fill(school_year)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("Overvecht")
    environment = LearningEnvironment.objects.get(name="Overvecht")

    page.goto(base + reverse("admin:accounts_invitation_add"))
    page.locator("#id_environment + .select2").click()
    page.locator(".select2-search__field").fill("Overvecht")
    page.locator(".select2-results__option", has_text="Overvecht").click()
    field(page, "E-mail address").fill("noor.nieuw@example.org")
    field(page, "Role").select_option(Role.COORDINATOR.value)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("noor.nieuw@example.org")
    assert Invitation.objects.get(email="noor.nieuw@example.org").invited_by == staff

    # The new coordinator, on their own phone: the account, then the authenticator app.
    coordinator = english(page, base)
    coordinator.context.clear_cookies()
    english(coordinator, base)
    accept(coordinator, base, "noor.nieuw@example.org", "Noor Nieuw")
    # The password just chosen counts: no second password prompt before the authenticator.
    expect(coordinator).to_have_url(re.compile(re.escape(reverse("mfa_activate_totp"))))
    secret = coordinator.locator("#authenticator_secret").input_value()
    coordinator.locator("#id_code").fill(current_code(secret))
    coordinator.locator("main form button[type=submit]").click()
    expect(coordinator).to_have_url(re.compile(re.escape(reverse("mfa_view_recovery_codes"))))

    # The environment, from nothing: a partner school, a programme, the target mix.
    coordinator.goto(base + reverse("accounts:environment", args=[environment.pk]))
    coordinator.locator("main").get_by_role("button", name="Settings").click()
    field(coordinator, "Shared vision").fill("Samen leren in Overvecht.")
    coordinator.get_by_role("button", name="Save profile").click()
    expect(coordinator.get_by_text("The environment's profile has been saved.")).to_be_visible()
    coordinator.get_by_role("link", name="Partner organisations").click()
    field(coordinator, "Name").fill("Basisschool De Zon")
    field(coordinator, "Kind").select_option("school")
    field(coordinator, "Type").select_option("primary")
    field(coordinator, "Contact person").fill("Ria Directeur")
    coordinator.get_by_role("button", name="Create and add as partner").click()
    expect(coordinator.get_by_text("Basisschool De Zon is now a partner")).to_be_visible()
    coordinator.get_by_role("link", name="Programmes and targets").click()
    field(coordinator, "Programme of an institute in the region").select_option(
        label="Pabo (hbo) – Hogeschool Utrecht"
    )
    coordinator.get_by_role("button", name="Add programme").click()
    expect(coordinator.get_by_text("Pabo now takes part")).to_be_visible()
    field(coordinator, "Pabo (hbo)").fill("4")
    field(coordinator, "Educational").fill("6")
    coordinator.get_by_role("button", name="Save targets").click()
    expect(coordinator.get_by_text("The target mix has been saved.")).to_be_visible()
    assert ProgrammeTarget.objects.get(environment=environment).students == 4
    assert (
        DomainTarget.objects.get(environment=environment, domain=Domain.EDUCATIONAL).students == 6
    )
    assert coordinator.evaluate("document.documentElement.scrollWidth") <= 390

    # A practice supervisor and a colleague of the new school.
    school = environment.organisations.get(name="Basisschool De Zon")
    coordinator.goto(base + reverse("accounts:invitation_list", args=[environment.pk]))
    for address, role in (
        ("pim.praktijk@example.org", Role.PRACTICE_SUPERVISOR),
        ("kim.collega@example.org", Role.COLLEAGUE),
    ):
        coordinator.locator("#id_email").fill(address)
        coordinator.locator("#id_role").select_option(role.value)
        coordinator.locator("#id_organisation").select_option(str(school.pk))
        coordinator.get_by_role("button", name="Send invitation").click()
        expect(coordinator.locator("#invitations tbody")).to_contain_text(address)

    # The colleague, on their own phone, joins and sees the environment page.
    colleague = english(second_page, base)
    accept(colleague, base, "kim.collega@example.org", "Kim Collega")
    expect(colleague.locator("main")).to_contain_text("Overvecht")
    colleague.locator("main").get_by_role("link", name="Overvecht").first.click()
    expect(colleague.locator("main")).to_contain_text("Samen leren in Overvecht.")
    assert Membership.objects.get(user__email="kim.collega@example.org").role == Role.COLLEAGUE

    # A kick-off for the whole school: the coordinator plans it and invites the school.
    coordinator.goto(base + reverse("learning_networks:create", args=[environment.pk]))
    field(coordinator, "Name").fill("Leernetwerk Overvecht")
    coordinator.locator("main form button[type=submit]").click()
    expect(coordinator.locator("h1")).to_contain_text("Leernetwerk Overvecht")
    network = environment.networks.get()
    coordinator.goto(base + reverse("learning_networks:session_create", args=[network.pk]))
    starts = (timezone.localtime() + datetime.timedelta(days=3)).replace(hour=15, minute=0)
    field(coordinator, "Kind").select_option("kick_off")
    field(coordinator, "Theme").fill("Jaarstart met de hele school")
    field(coordinator, "Starts").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    field(coordinator, "Ends").fill(
        (starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    )
    coordinator.locator("#guest-organisations").get_by_label("Basisschool De Zon").check()
    coordinator.get_by_role("button", name="Save as draft").click()
    session = NetworkSession.objects.get(theme="Jaarstart met de hele school")
    coordinator.goto(base + reverse("learning_networks:session_publish", args=[session.pk]))
    expect(coordinator.locator("main")).to_contain_text("Everyone of Basisschool De Zon")
    expect(coordinator.locator("main")).to_contain_text("Kim Collega")
    coordinator.get_by_role("button", name=re.compile("^Publish and invite")).click()
    expect(coordinator.locator("#messages")).to_contain_text("Session published")

    # The colleague finds the invitation on their home page and answers it.
    colleague.goto(base + reverse("home"))
    colleague.get_by_role("link", name="Jaarstart met de hele school").first.click()
    expect(colleague.locator("h1")).to_have_text("Jaarstart met de hele school")
    colleague.get_by_role("button", name="I'll come").click()
    expect(colleague.locator("#answer")).to_contain_text("You answered: I'll come.")
    attendance = Attendance.objects.get(session=session, user__email="kim.collega@example.org")
    assert attendance.answer == Answer.YES

    # The dashboard compares the (empty) environment with its targets.
    coordinator.goto(base + reverse("dashboards:environment", args=[environment.pk]))
    expect(coordinator.locator("main")).to_contain_text("missing (target 4)")

    # The refused and not-yet-answered requests log nothing else.
    assert [error for error in errors if "status of 4" not in error] == []
