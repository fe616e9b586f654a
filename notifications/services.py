"""The outbox: write a message in the caller's transaction, deliver it later.

``notify`` is what other apps call. It never talks to the broker inside the
transaction: the delivery task is enqueued after commit, and when the broker is
down the row simply waits for the periodic sweep (``deliver_due_notifications``).
"""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.navigation import navigation_forget
from notifications.models import Delivery, Kind, Notification, Preference, Status

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# Deliver right after commit only what is due soon; later rows are left to the
# sweep, so no task ever waits in Redis longer than the visibility timeout.
ENQUEUE_HORIZON = datetime.timedelta(minutes=5)


def notify(
    *,
    recipient: User | None,
    kind: Kind | str,
    dedupe_key: str,
    payload: dict[str, Any],
    due_at: datetime.datetime | None = None,
    email: str = "",
) -> Notification | None:
    """Queue one message; returns the new row, or None if the key was used before.

    Call it inside the transaction of the change that causes the message: the
    row commits (or rolls back) with it. ``payload`` holds IDs and dates only.
    ``email`` reaches someone without an account (``recipient=None``).
    """
    if recipient is None and not email:
        raise ValueError("A notification needs a recipient or an e-mail address.")
    try:
        # The savepoint keeps the caller's transaction usable after a conflict.
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(
                dedupe_key=dedupe_key,
                defaults={
                    "recipient": recipient,
                    "email": "" if recipient is not None else email,
                    "kind": kind,
                    "payload": payload,
                    "due_at": due_at or timezone.now(),
                },
            )
    except IntegrityError:
        # A concurrent transaction inserted the same key first.
        return None
    if not created:
        return None
    if notification.due_at <= timezone.now() + ENQUEUE_HORIZON:
        transaction.on_commit(lambda: enqueue_delivery(notification.pk))
    return notification


# Enqueueing from a page must fail fast when Redis is down: one attempt, no waiting
# (kombu's default retries would hold the request for seconds).
FAIL_FAST = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}


def enqueue(task: Any, *args: Any) -> bool:
    """Hand a task to the broker; an outage is logged, never raised.

    Returns whether the task was handed over. What it would have done waits in
    the database for the periodic sweep.
    """
    from ulvo.celery import app

    if app.conf.task_always_eager:  # Development and tests: in-process, errors surface.
        task.apply_async(args)
        return True
    try:
        with app.connection_for_write(transport_options=FAIL_FAST) as connection:
            task.apply_async(args, retry=False, connection=connection)
    except Exception:  # The broker's errors differ per transport; none may break the page.
        logger.warning("Broker unavailable; %s%r waits for the sweep", task.name, args)
        return False
    return True


def enqueue_delivery(notification_id: int) -> bool:
    from notifications.tasks import deliver_notification

    return enqueue(deliver_notification, notification_id)


def preferred_delivery(user: User | None, kind: str) -> str:
    if user is None:
        return Delivery.EMAIL
    preference = Preference.objects.filter(user=user, kind=kind).first()
    return preference.delivery if preference else Delivery.EMAIL


def backoff(attempts: int) -> datetime.timedelta:
    """1, 4, 16, 30, 30 minutes: well within the broker's visibility timeout."""
    return datetime.timedelta(minutes=min(4 ** (attempts - 1), 30))


def notification_deliver(*, notification_id: int) -> str:
    """Deliver one due row, exactly once; returns what happened.

    The row is locked (``SKIP LOCKED``: another worker already holds it) and
    leaves ``pending`` in the same transaction as the send. A killed worker
    rolls back and leaves the row pending; a second run finds it gone.
    """
    from notifications.delivery import is_obsolete, send_notification_email

    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=notification_id, status=Status.PENDING, due_at__lte=timezone.now())
            .first()
        )
        if notification is None:
            return "claimed-elsewhere"
        recipient = notification.recipient
        if (recipient is not None and not recipient.is_active) or is_obsolete(notification):
            # An inactive account, or the subject changed since (a week signed off,
            # a session cancelled, a report expired): nothing worth sending.
            notification.status = Status.SKIPPED
            notification.save(update_fields=["status"])
            return Status.SKIPPED
        delivery = preferred_delivery(recipient, notification.kind)
        if delivery == Delivery.IN_APP:
            notification.status = Status.SENT
            notification.channel = Delivery.IN_APP
            notification.sent_at = timezone.now()
            notification.save(update_fields=["status", "channel", "sent_at"])
            return Status.SENT
        if delivery == Delivery.DIGEST:
            notification.status = Status.DIGEST
            notification.save(update_fields=["status"])
            return Status.DIGEST
        notification.attempts += 1
        try:
            send_notification_email(notification)
        except Exception as error:  # SMTP and template errors alike: recorded, retried.
            notification.last_error = f"{type(error).__name__}: {error}"[:2000]
            if notification.attempts >= Notification.MAX_ATTEMPTS:
                notification.status = Status.FAILED
            else:
                notification.due_at = timezone.now() + backoff(notification.attempts)
            notification.save(update_fields=["attempts", "last_error", "status", "due_at"])
            logger.warning(
                "Notification %s: attempt %s failed", notification.pk, notification.attempts
            )
            return "retry" if notification.status == Status.PENDING else Status.FAILED
        notification.status = Status.SENT
        notification.channel = Delivery.EMAIL
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.save(update_fields=["attempts", "status", "channel", "sent_at", "last_error"])
        return Status.SENT


def notifications_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one (or all) of a user's notifications read; returns how many changed."""
    rows = Notification.objects.for_user(user).unread()
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    navigation_forget(user.pk)  # the unread count in the navigation
    return rows.update(read_at=timezone.now())


@transaction.atomic
def preferences_save(*, user: User, choices: dict[str, str]) -> None:
    for kind, delivery in choices.items():
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})


def signoff_requests_queue(*, week: Any) -> int:
    """Queue the e-mail to each supervisor who signs off a just-submitted week.

    Called inside ``week_submit``'s transaction. The key names the submission's
    time: a resubmission after a return is a new request.
    """
    assert week.submitted_at is not None
    stamp = int(week.submitted_at.timestamp())
    queued = 0
    for assignment in week.placement.assignments.filter(signs_off=True).select_related(
        "supervisor"
    ):
        if not assignment.contact_email:
            continue
        created = notify(
            recipient=assignment.supervisor,
            email="" if assignment.supervisor_id else assignment.email,
            kind=Kind.SIGNOFF_REQUEST,
            dedupe_key=f"signoff_request:{week.pk}:{stamp}:{assignment.pk}",
            payload={"week": week.pk, "assignment": assignment.pk, "submitted": stamp},
        )
        queued += created is not None
    return queued
