"""An invitation not accepted after a week: one reminder to the invitee, and three days
later the environment's coordinators see it (#15)."""

from typing import Any

import pytest
from django.core import mail

from accounts.models import Role
from accounts.services import invitation_accept_existing_user, invitation_create
from notifications import reminders
from notifications.models import Kind, Notification, Status
from notifications.tasks import deliver_due_notifications
from tests.accounts.factories import UserFactory
from tests.clock import Clock

pytestmark = pytest.mark.django_db

INVITEE = "nieuw@example.org"


def invite(cast: Any, email: str = INVITEE) -> Any:
    invitation = invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email=email,
        role=Role.COLLEAGUE,
        organisation=cast.school,
    )
    mail.outbox.clear()  # the invitation itself
    return invitation


def rows(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind))


def test_one_reminder_after_a_week_then_the_coordinators_see_it(cast: Any, clock: Clock) -> None:
    invitation = invite(cast)

    clock.advance(days=6)
    assert reminders.invitation_reminders() == 0
    clock.advance(days=2)
    assert reminders.invitation_reminders() == 1
    assert reminders.invitation_reminders() == 0
    (reminder,) = rows(Kind.INVITATION_REMINDER)
    assert (reminder.recipient, reminder.email) == (None, INVITEE)
    assert rows(Kind.INVITATION_UNACCEPTED) == []

    clock.advance(days=2)
    assert reminders.invitation_reminders() == 0
    clock.advance(days=1)
    assert reminders.invitation_reminders() == 1
    assert reminders.invitation_reminders() == 0
    (seen,) = rows(Kind.INVITATION_UNACCEPTED)
    # The environment's coordinator, not the other environment's.
    assert seen.recipient == cast.coordinator
    assert seen.payload == {"invitation": invitation.pk}
    assert len(rows(Kind.INVITATION_REMINDER)) == 1  # still one reminder


def test_an_accepted_invitation_is_not_reminded(cast: Any, clock: Clock) -> None:
    invitation = invite(cast)
    user = UserFactory(email=INVITEE)
    invitation_accept_existing_user(invitation=invitation, user=user)

    clock.advance(days=8)
    assert reminders.invitation_reminders() == 0
    assert not Notification.objects.filter(
        kind__in=[Kind.INVITATION_REMINDER, Kind.INVITATION_UNACCEPTED]
    ).exists()


def test_accepted_after_the_reminder_was_queued_nothing_goes(cast: Any, clock: Clock) -> None:
    invitation = invite(cast)
    clock.advance(days=8)
    reminders.invitation_reminders()
    invitation_accept_existing_user(invitation=invitation, user=UserFactory(email=INVITEE))

    deliver_due_notifications()

    assert [r.status for r in rows(Kind.INVITATION_REMINDER)] == [Status.SKIPPED]
    assert not [m for m in mail.outbox if m.to == [INVITEE]]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_emails_in_both_languages(
    cast: Any, clock: Clock, settings: Any, language: str
) -> None:
    settings.LANGUAGE_CODE = language  # the invitee has no account: the site's language
    cast.coordinator.language = language
    cast.coordinator.save()
    invitation = invite(cast)
    clock.advance(days=8)
    reminders.invitation_reminders()
    deliver_due_notifications()
    clock.advance(days=3)
    reminders.invitation_reminders()
    deliver_due_notifications()

    # (The cast's network seats and session invitations reach the student and trainer.)
    invitations = [m for m in mail.outbox if m.to[0] in (INVITEE, cast.coordinator.email)]
    by_address = {m.to[0]: m for m in invitations}
    to_invitee, to_coordinator = by_address[INVITEE], by_address[cast.coordinator.email]
    # The signed link (its signature carries the time it was made).
    accept = invitation.get_accept_url().split(":")[0] + ":"
    assert accept.startswith("/uitnodiging/")
    assert accept in to_invitee.body
    assert accept in to_invitee.alternatives[0][0]
    assert "supervisor named on a placement" not in to_invitee.body
    assert "/meldingen/voorkeuren/" not in to_invitee.body
    assert cast.environment.name in to_invitee.subject
    assert INVITEE in to_coordinator.body
    assert "/mensen/" in to_coordinator.body
    for message in (to_invitee, to_coordinator):
        assert message.alternatives[0][1] == "text/html"
    if language == "en":
        assert to_invitee.subject == f"Reminder: your invitation to {cast.environment.name}"
    assert set(by_address) == {INVITEE, cast.coordinator.email}
    assert len(invitations) == 2
