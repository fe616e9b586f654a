"""The single sign-on pages as the W3C Nu checker sees them, with a provider configured
(the suite-wide check renders the pages without one): the login page's buttons, the
invitation's, linked accounts, the refusals and the institution on the people page."""

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.services import invitation_create
from tests.accessibility import test_html_validity as validity
from tests.accounts.factories import MembershipFactory
from tests.accounts.sso.provider import Provider
from tests.accounts.sso.steps import sign_in

pytestmark = pytest.mark.django_db


def test_the_sso_pages_are_valid_html(cast: Any, sso: Provider, tmp_path: Path) -> None:
    pages: dict[str, str] = {}
    anonymous = Client()
    pages["login"] = anonymous.get(reverse("account_login")).content.decode()
    invitation = invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email="newbie@example.org",
        role=Role.PRACTICE_SUPERVISOR,
        organisation=cast.school,
    )
    pages["invitation"] = anonymous.get(invitation.get_accept_url()).content.decode()
    assert "Test IdP" in pages["login"] and "Test IdP" in pages["invitation"]
    pages["refused"] = sign_in(Client(), sso, "stranger").content.decode()
    pages["error"] = sign_in(Client(), sso, "expired").content.decode()
    member = Client()
    MembershipFactory(user__email="ada@example.org", environment=cast.environment)
    sign_in(member, sso, "ada")
    pages["connections"] = member.get(reverse("socialaccount_connections")).content.decode()
    coordinator = Client()
    coordinator.force_login(cast.coordinator)
    people = coordinator.get(reverse("people:list", args=[cast.environment.pk]))
    pages["people"] = people.content.decode()
    assert "hu.nl" in pages["connections"] and "hu.nl" in pages["people"]
    for name, html in pages.items():
        assert html.lstrip().lower().startswith("<!doctype html>"), name
        (tmp_path / f"{name}.html").write_text(html)

    messages = validity.run_vnu(tmp_path)

    assert not [
        f"{message.get('url', '').rsplit('/', 1)[-1]} line {message.get('lastLine')}: "
        f"{message['message']}"
        for message in messages
    ]
