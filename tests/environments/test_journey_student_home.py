"""A student on a phone logs in, finds their environment and switches language."""

from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from accounts.models import Role
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory
from tests.environments.factories import (
    InstituteFactory,
    LearningEnvironmentFactory,
    OrganisationFactory,
    ProgrammeFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def student(transactional_db: None) -> Any:
    environment = LearningEnvironmentFactory(name="Leidsche Rijn")
    institute = InstituteFactory(name="Hogeschool Utrecht")
    environment.organisations.add(institute, OrganisationFactory(name="IKC Het Zand"))
    user = UserFactory(email="sanne@example.org", full_name="Sanne de Vries")
    MembershipFactory(
        user=user,
        environment=environment,
        role=Role.STUDENT,
        programme=ProgrammeFactory(institute=institute, name="Vaktherapie"),
    )
    return user


def collect_errors(page: Page) -> list[str]:
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_student_logs_in_on_a_phone_and_sees_their_environment(
    page: Page, live_server: Any, student: Any
) -> None:
    errors = collect_errors(page)
    page.goto(live_server.url + "/")

    expect(page).to_have_url(live_server.url + "/account/login/?next=/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.get_by_label("E-mailadres").fill("sanne@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    expect(page.get_by_role("heading", name="Mijn leeromgevingen")).to_be_visible()
    expect(page.get_by_role("link", name="Leidsche Rijn")).to_be_visible()
    expect(page.get_by_text("Vaktherapie")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"

    page.get_by_role("link", name="Leidsche Rijn").click()
    expect(page.get_by_role("heading", name="Partnerorganisaties")).to_be_visible()
    expect(page.get_by_text("IKC Het Zand")).to_be_visible()
    assert errors == []


def test_keyboard_user_reaches_content_through_the_skip_link(
    page: Page, live_server: Any, student: Any
) -> None:
    page.goto(live_server.url + "/account/login/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/account/login/#main")


def test_student_switches_to_english_and_back(page: Page, live_server: Any, student: Any) -> None:
    errors = collect_errors(page)
    page.goto(live_server.url + "/account/login/")
    page.get_by_label("E-mailadres").fill("sanne@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Mijn leeromgevingen")).to_be_visible()

    page.get_by_role("button", name="English").click()

    expect(page.get_by_role("heading", name="My learning environments")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Nederlands").click()
    expect(page.get_by_role("heading", name="Mijn leeromgevingen")).to_be_visible()
    assert errors == []


def test_logout_is_a_post_from_the_navigation(page: Page, live_server: Any, student: Any) -> None:
    page.goto(live_server.url + "/account/login/")
    page.get_by_label("E-mailadres").fill("sanne@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Mijn leeromgevingen")).to_be_visible()

    page.locator("nav .nav-menu > summary").click()  # on a phone the links wait behind "Menu"
    page.locator("nav .nav-account > summary").click()  # logging out is in the account menu
    page.get_by_role("button", name="Uitloggen").click()

    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/account/login/?next=/")
