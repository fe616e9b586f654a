"""Signing in through a real OpenID Connect provider (tests/oidc_provider), with the
test client: linking by a verified address, refusing whatever ULVO cannot trust."""

import json
import logging
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.accounts.sso.provider import Provider
from tests.accounts.sso.steps import sign_in

pytestmark = pytest.mark.django_db


def security_lines(caplog: pytest.LogCaptureFixture) -> list[Any]:
    return [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "ulvo.security"
    ]


def test_a_verified_matching_address_links_the_identity_and_logs_in(
    client: Client, sso: Provider
) -> None:
    ada = MembershipFactory(user__email="ada@example.org").user

    response = sign_in(client, sso, "ada")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(ada.pk)
    account = SocialAccount.objects.get(user=ada)
    assert (account.provider, account.uid) == (sso.id, "sub-ada")
    # Userinfo and the verified ID token are both kept, with the claims ULVO reads.
    assert account.extra_data["userinfo"]["schac_home_organization"] == "hu.nl"
    assert account.extra_data["id_token"]["iss"] == sso.issuer
    assert account.extra_data["id_token"]["aud"] == sso.client_id


def test_a_linked_identity_logs_in_again_by_its_sub(client: Client, sso: Provider) -> None:
    ada = MembershipFactory(user__email="ada@example.org").user
    sign_in(client, sso, "ada")
    client.post(reverse("account_logout"))
    # The address in ULVO changes; the identity stays linked by its sub.
    User.objects.filter(pk=ada.pk).update(email="ada.new@example.org")

    response = sign_in(client, sso, "ada")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(ada.pk)
    assert SocialAccount.objects.filter(user=ada).count() == 1


def test_an_unknown_identity_is_told_to_ask_for_an_invitation_and_nothing_is_made(
    client: Client, sso: Provider, caplog: pytest.LogCaptureFixture
) -> None:
    MembershipFactory(user__email="ada@example.org")
    users = User.objects.count()

    with caplog.at_level(logging.INFO, logger="ulvo.security"):
        response = sign_in(client, sso, "stranger")

    assert response.status_code == 403
    assert "socialaccount/refused.html" in [t.name for t in response.templates]
    assert response.context["reason"] == "unknown_identity"
    assert "coordinator" in response.content.decode() or "coördinator" in response.content.decode()
    assert User.objects.count() == users
    assert not SocialAccount.objects.exists()
    assert "_auth_user_id" not in client.session
    assert any(
        line["event"] == "sso_login" and line["outcome"] == "unknown_identity"
        for line in security_lines(caplog)
    )


def test_an_unverified_address_is_not_linked(client: Client, sso: Provider) -> None:
    una = MembershipFactory(user__email="una@example.org").user
    before = User.objects.filter(pk=una.pk).values().get()

    response = sign_in(client, sso, "una")

    assert response.status_code == 403
    assert response.context["reason"] == "unverified_email"
    assert not SocialAccount.objects.exists()
    assert "_auth_user_id" not in client.session
    assert User.objects.filter(pk=una.pk).values().get() == before


def test_an_address_not_verified_in_ulvo_is_not_linked(client: Client, sso: Provider) -> None:
    ada = MembershipFactory(user__email="ada@example.org").user
    ada.emailaddress_set.update(verified=False)

    response = sign_in(client, sso, "ada")

    assert response.status_code == 403
    assert not SocialAccount.objects.exists()


def test_an_inactive_account_is_not_logged_in(client: Client, sso: Provider) -> None:
    UserFactory(email="ada@example.org", is_active=False)

    response = sign_in(client, sso, "ada")

    assert "_auth_user_id" not in client.session
    assert response.status_code == 403
    assert not SocialAccount.objects.exists()


@pytest.mark.parametrize("person", ["tampered", "wrongaud", "expired"])
def test_an_id_token_that_does_not_verify_is_refused(
    client: Client, sso: Provider, person: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The provider signs these people's tokens wrongly on purpose: a payload changed
    after signing, another audience, an expiry an hour ago (tests/oidc_provider)."""
    ada = MembershipFactory(user__email="ada@example.org").user
    before = User.objects.filter(pk=ada.pk).values().get()

    with caplog.at_level(logging.INFO, logger="ulvo.security"):
        response = sign_in(client, sso, person)

    assert "socialaccount/authentication_error.html" in [t.name for t in response.templates]
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()
    assert User.objects.filter(pk=ada.pk).values().get() == before
    assert any(
        line["event"] == "sso_login" and line["outcome"] == "error"
        for line in security_lines(caplog)
    )


def test_an_unknown_provider_is_not_found(client: Client, sso: Provider) -> None:
    response = client.post(reverse("openid_connect_login", args=["elsewhere"]))

    assert response.status_code == 404


def test_linked_accounts_need_a_login(client: Client) -> None:
    response = client.get(reverse("socialaccount_connections"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_login_page_lists_the_providers_without_a_query(client: Client, settings: Any) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "surfconext",
                    "name": "SURFconext",
                    "client_id": "ulvo",
                    "secret": "s",
                    "settings": {"server_url": "https://connect.surfconext.nl"},
                }
            ]
        }
    }
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("account_login"))

    assert "SURFconext" in page.content.decode()
    assert not [query["sql"] for query in queries if "socialaccount" in query["sql"]]
