"""A reflection newly shared with the author's supervisors tells them, once; a week
without a response reminds them, once (#15). No message carries the text."""

from typing import Any

import pytest
from django.core import mail

from notifications import reminders
from notifications.models import Kind, Notification, Status
from notifications.tasks import deliver_due_notifications
from reflections.models import Reflection, Visibility
from reflections.services import reflection_feedback_add, reflection_save
from tests.clock import Clock

pytestmark = pytest.mark.django_db

TEXT = "Leerling Jesse (8) had moeite met het voorlezen."


def reflection(cast: Any, visibility: str = Visibility.SUPERVISORS, **kw: Any) -> Reflection:
    return reflection_save(
        reflection=Reflection(
            author=cast.student,
            environment=cast.environment,
            placement=cast.placement,
            text=TEXT,
            visibility=visibility,
        ),
        **kw,
    )


def recipients(kind: str) -> list[Any]:
    return list(Notification.objects.filter(kind=kind).values_list("recipient", flat=True))


def test_sharing_with_supervisors_tells_each_supervisor_once(cast: Any) -> None:
    shared = reflection(cast, publish=True)

    assert recipients(Kind.REFLECTION_SHARED) == [cast.supervisor.pk]
    (row,) = Notification.objects.filter(kind=Kind.REFLECTION_SHARED)
    assert row.payload == {"reflection": shared.pk, "author": cast.student.pk}
    # Made a draft and shared again: nothing new.
    reflection_save(reflection=shared, publish=False)
    reflection_save(reflection=shared, publish=True)
    assert recipients(Kind.REFLECTION_SHARED) == [cast.supervisor.pk]


def test_a_draft_or_a_private_reflection_tells_nobody(cast: Any) -> None:
    reflection(cast)  # a draft
    private = reflection(cast, Visibility.PRIVATE, publish=True)
    assert recipients(Kind.REFLECTION_SHARED) == []

    # Widened to the supervisors later: newly shared with them.
    private.visibility = Visibility.SUPERVISORS
    reflection_save(reflection=private)
    assert recipients(Kind.REFLECTION_SHARED) == [cast.supervisor.pk]


def test_nobody_else_gets_a_row(cast: Any) -> None:
    reflection(cast, Visibility.NETWORK, publish=True)

    assert not Notification.objects.filter(kind=Kind.REFLECTION_SHARED).exclude(
        recipient=cast.supervisor
    )
    for outsider in (cast.outsider, cast.other_coordinator, cast.bystander, cast.coordinator):
        assert not Notification.objects.filter(recipient=outsider).exists()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_email_names_the_author_and_never_the_text(cast: Any, language: str) -> None:
    cast.supervisor.language = language
    cast.supervisor.save()
    shared = reflection(cast, publish=True)

    deliver_due_notifications()

    (message,) = [m for m in mail.outbox if m.to == [cast.supervisor.email]]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert cast.student.full_name in message.subject
    assert shared.get_absolute_url() in message.body
    assert shared.get_absolute_url() in html
    for text in (message.subject, message.body, html):
        assert "Jesse" not in text
    if language == "en":
        assert message.subject == f"{cast.student.full_name} shared a reflection with you"


def test_a_week_without_a_response_reminds_the_supervisors_once(cast: Any, clock: Clock) -> None:
    shared = reflection(cast, publish=True)
    answered = reflection(cast, publish=True)
    reflection_feedback_add(reflection=answered, author=cast.supervisor, text="Mooi.")

    clock.advance(days=6)
    assert reminders.reflection_waiting_reminders() == 0
    clock.advance(days=2)
    assert reminders.reflection_waiting_reminders() == 1
    assert reminders.reflection_waiting_reminders() == 0  # a second run queues nothing

    (row,) = Notification.objects.filter(kind=Kind.REFLECTION_WAITING)
    assert (row.recipient, row.payload["reflection"]) == (cast.supervisor, shared.pk)
    cast.supervisor.language = "en"
    cast.supervisor.save()
    deliver_due_notifications()
    (message,) = [m for m in mail.outbox if "waits for a response" in m.subject]
    assert message.to == [cast.supervisor.email]
    assert TEXT not in message.body


def test_a_response_before_delivery_skips_the_reminder(cast: Any, clock: Clock) -> None:
    shared = reflection(cast, publish=True)
    deliver_due_notifications()
    clock.advance(days=8)
    reminders.reflection_waiting_reminders()
    reflection_feedback_add(reflection=shared, author=cast.supervisor, text="Goed gezien.")

    deliver_due_notifications()

    (row,) = Notification.objects.filter(kind=Kind.REFLECTION_WAITING)
    assert row.status == Status.SKIPPED
