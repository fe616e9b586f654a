"""In Debian's Chromium at phone size, through the real test provider: a member logs
in with their institution's account (discovery, authorisation code with PKCE, token,
userinfo, the ID token's signature) and sees the link on "Linked accounts"; an invited
professional accepts the invitation with the provider; a stranger is turned away.
axe (WCAG 2.2 A/AA) finds nothing on the pages of the journey."""

import re
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import Membership, Role, User
from accounts.services import invitation_create
from tests.accessibility.axe import violations
from tests.accounts.factories import MembershipFactory
from tests.accounts.sso.provider import PROVIDER_PASSWORD, Provider
from tests.browser import watch_console

pytestmark = pytest.mark.e2e


def at_provider(page: Page, provider: Provider, username: str) -> None:
    expect(page).to_have_url(re.compile(re.escape(f"{provider.url}/login/")))
    page.fill("#id_username", username)
    page.fill("#id_password", PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in at the provider").click()


def test_a_member_logs_in_with_the_provider_and_sees_the_link(
    transactional_db: None, live_server: Any, page: Page, sso: Provider
) -> None:
    base_url = live_server.url
    errors = watch_console(page)
    ada = MembershipFactory(user__email="ada@example.org").user

    page.goto(base_url + reverse("account_login"))
    start = reverse("openid_connect_login", args=[sso.id])
    button = page.locator(f'form[action^="{start}"] button')
    expect(button).to_contain_text("Test IdP")
    assert violations(page) == []
    button.click()

    at_provider(page, sso, "ada")

    expect(page).to_have_url(base_url + reverse("home"))
    assert SocialAccount.objects.get(user=ada).uid == "sub-ada"

    page.goto(base_url + reverse("socialaccount_connections"))
    main = page.locator("main")
    expect(main.locator("tbody")).to_contain_text("Test IdP")
    expect(main.locator("tbody")).to_contain_text("hu.nl")
    assert violations(page) == []
    assert errors == []


def test_an_invited_professional_accepts_with_the_provider(
    transactional_db: None, cast: Any, live_server: Any, page: Page, sso: Provider
) -> None:
    base_url = live_server.url
    errors = watch_console(page)
    invitation = invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email="newbie@example.org",
        role=Role.PRACTICE_SUPERVISOR,
        organisation=cast.school,
    )

    page.goto(base_url + invitation.get_accept_url())
    button = page.locator(f'form[action$="/inloggen/{sso.id}/"] button')
    expect(button).to_contain_text("Test IdP")
    button.click()

    at_provider(page, sso, "newbie")

    expect(page).to_have_url(base_url + reverse("home"))
    expect(page.locator("main")).to_contain_text(cast.environment.name)
    user = User.objects.get(email="newbie@example.org")
    assert Membership.objects.filter(user=user, environment=cast.environment).exists()
    assert errors == []


def test_a_stranger_is_told_to_ask_for_an_invitation(
    transactional_db: None, live_server: Any, page: Page, sso: Provider
) -> None:
    base_url = live_server.url
    page.goto(base_url + reverse("account_login"))
    page.locator(f'form[action^="{reverse("openid_connect_login", args=[sso.id])}"] button').click()

    at_provider(page, sso, "stranger")

    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("main [role=alert]")).to_be_visible()
    expect(page.locator("main")).to_contain_text(re.compile("co[öo]rdinator"))
    assert not User.objects.filter(email="stranger@example.org").exists()
    assert violations(page) == []
