"""Through the test provider: an invitation bound to the identity that follows it,
the second factor of coordinators, and the page of linked accounts."""

from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from accounts.models import Invitation, Membership, Role, User
from accounts.services import invitation_create
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory
from tests.accounts.sso.provider import Provider
from tests.accounts.sso.steps import at_provider, finish, sign_in

pytestmark = pytest.mark.django_db


def invite(cast: Any, email: str) -> Invitation:
    return invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email=email,
        role=Role.PRACTICE_SUPERVISOR,
        organisation=cast.school,
    )


def test_an_invitation_followed_then_sso_binds_to_that_identity(
    client: Client, cast: Any, sso: Provider
) -> None:
    invitation = invite(cast, "newbie@example.org")
    page = client.get(invitation.get_accept_url())
    start = reverse("sso:invitation", args=[invitation.token, sso.id])
    assert f'action="{start}"' in page.content.decode()

    response = client.post(start)
    assert response.status_code == 302
    # The provider's address differs from the invited one: the link reached the
    # invited address, the identity is the one that followed it.
    response = finish(client, at_provider(sso, "newbie", response["Location"]))

    assert response.status_code == 302
    user = User.objects.get(email="newbie@example.org")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.full_name == "Newbie Provider"
    assert not user.has_usable_password()
    assert SocialAccount.objects.get(user=user).uid == "sub-newbie"
    assert Membership.objects.filter(
        user=user, environment=cast.environment, role=Role.PRACTICE_SUPERVISOR
    ).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


def test_a_used_invitation_binds_nothing(client: Client, cast: Any, sso: Provider) -> None:
    invitation = invite(cast, "newbie@example.org")
    response = client.post(reverse("sso:invitation", args=[invitation.token, sso.id]))
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at="2026-01-01T00:00:00Z")

    response = finish(client, at_provider(sso, "newbie", response["Location"]))

    assert response.status_code == 403
    assert response.context["reason"] == "invitation_invalid"
    assert not User.objects.filter(email__in=["newbie@example.org"]).exists()
    assert not SocialAccount.objects.exists()


def test_an_invitation_for_an_existing_account_asks_to_log_in_first(
    client: Client, cast: Any, sso: Provider
) -> None:
    invitation = invite(cast, cast.bystander.email)
    Membership.objects.filter(user=cast.bystander).delete()
    response = client.post(reverse("sso:invitation", args=[invitation.token, sso.id]))

    response = finish(client, at_provider(sso, "newbie", response["Location"]))

    assert response.status_code == 403
    assert response.context["reason"] == "account_exists"
    assert not SocialAccount.objects.exists()
    assert not Membership.objects.filter(user=cast.bystander).exists()


def test_a_coordinator_without_totp_must_set_it_up_after_sso_without_mfa(
    client: Client, cast: Any, sso: Provider
) -> None:
    MembershipFactory(user__email="cora@example.org", role=Role.COORDINATOR)

    sign_in(client, sso, "cora")
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_a_provider_asserting_mfa_is_the_coordinators_second_factor(
    client: Client, cast: Any, sso: Provider
) -> None:
    coco = MembershipFactory(user__email="coco@example.org", role=Role.COORDINATOR).user

    sign_in(client, sso, "coco")
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert response.context["user"] == coco
    # A later password login in a fresh session has no such assertion.
    client.post(reverse("account_logout"))
    client.force_login(coco)
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_linked_accounts_are_listed_and_removed_while_a_password_remains(
    client: Client, sso: Provider
) -> None:
    ada = MembershipFactory(user__email="ada@example.org").user
    sign_in(client, sso, "ada")
    account = SocialAccount.objects.get(user=ada)

    page = client.get(reverse("socialaccount_connections"))
    assert page.status_code == 200
    # Removing asks for the password again, as other account changes do.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert "Test IdP" in page.content.decode()
    assert "hu.nl" in page.content.decode()

    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})
    assert response.status_code == 302
    assert not SocialAccount.objects.filter(user=ada).exists()


def test_the_last_way_to_log_in_cannot_be_removed(client: Client, cast: Any, sso: Provider) -> None:
    invitation = invite(cast, "newbie@example.org")
    response = client.post(reverse("sso:invitation", args=[invitation.token, sso.id]))
    finish(client, at_provider(sso, "newbie", response["Location"]))
    account = SocialAccount.objects.get(uid="sub-newbie")

    response = client.post(reverse("socialaccount_connections"), {"account": account.pk})

    assert SocialAccount.objects.filter(pk=account.pk).exists()
    assert response.status_code in (200, 422)


def test_a_signed_in_user_links_another_identity(client: Client, sso: Provider) -> None:
    user = UserFactory(email="someone@example.org")
    MembershipFactory(user=user)
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = sign_in(client, sso, "stranger", process="connect")

    assert response.status_code == 302
    assert SocialAccount.objects.get(user=user).uid == "sub-stranger"


def test_the_member_list_shows_the_institution_a_linked_identity_names(
    client: Client, cast: Any, sso: Provider
) -> None:
    MembershipFactory(user__email="ada@example.org", environment=cast.environment)
    sign_in(client, sso, "ada")
    client.force_login(cast.coordinator)

    page = client.get(reverse("people:list", args=[cast.environment.pk]))

    rows = {row.email: row for row in page.context["rows"]}
    assert rows["ada@example.org"].home_organisation == "hu.nl"
    assert rows[cast.student.email].home_organisation == ""
    assert "hu.nl" in page.content.decode()


def test_the_account_menu_links_to_linked_accounts_only_with_providers(
    client: Client, cast: Any, settings: Any
) -> None:
    client.force_login(cast.student)
    link = f'href="{reverse("socialaccount_connections")}"'
    assert link not in client.get(reverse("home")).content.decode()

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
    assert link in client.get(reverse("home")).content.decode()


def test_a_coordinator_with_totp_is_asked_for_the_code_after_sso(
    client: Client, cast: Any, sso: Provider
) -> None:
    User.objects.filter(pk=cast.coordinator.pk).update(email="cora@example.org")
    cast.coordinator.emailaddress_set.update(email="cora@example.org")

    response = sign_in(client, sso, "cora")

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
