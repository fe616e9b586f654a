"""A linked identity is personal data: in the download, and gone with the account."""

import json

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from privacy.services import account_delete, personal_data_export
from tests.accounts.factories import MembershipFactory
from tests.accounts.sso.provider import Provider
from tests.accounts.sso.steps import sign_in

pytestmark = pytest.mark.django_db


def test_the_download_holds_the_linked_identity_and_deleting_removes_it(
    client: Client, sso: Provider
) -> None:
    ada = MembershipFactory(user__email="ada@example.org").user
    sign_in(client, sso, "ada")

    export = personal_data_export(user=ada)
    section = next(s for s in export["sections"] if s["model"] == "socialaccount.SocialAccount")
    text = json.dumps(section["rows"], default=str)
    assert "sub-ada" in text
    assert "hu.nl" in text

    account_delete(user=ada)

    assert not SocialAccount.objects.exists()
