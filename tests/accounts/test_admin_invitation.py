"""Staff invite a new environment's first coordinator in the management site (#14): the
invitation goes through the same service as a coordinator's, so it expires on time,
names who invited and e-mails the link."""

from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Role
from tests.accounts.factories import UserFactory
from tests.accounts.steps import activate_totp
from tests.environments.factories import LearningEnvironmentFactory


def test_staff_invite_a_coordinator_whose_link_is_mailed(
    client: Client, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    staff = UserFactory(email="beheer@example.org", is_staff=True, is_superuser=True)
    activate_totp(staff)
    environment = LearningEnvironmentFactory(name="Overvecht")
    client.force_login(staff)
    url = reverse("admin:accounts_invitation_add")

    form = client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "environment": environment.pk,
                "email": "Nieuwe.Coordinator@Example.org",
                "full_name": "Noor Nieuw",
                "role": Role.COORDINATOR,
            },
        )

    assert 'name="expires_at"' not in form
    assert response.status_code == 302, response.content.decode()
    invitation = Invitation.objects.get()
    assert invitation.email == "nieuwe.coordinator@example.org"
    assert invitation.invited_by == staff
    assert invitation.environment == environment and invitation.role == Role.COORDINATOR
    assert invitation.expires_at > timezone.now()
    assert [message.to for message in mail.outbox] == [["nieuwe.coordinator@example.org"]]
    assert invitation.get_accept_url() in mail.outbox[0].body
