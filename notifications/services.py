"""The outbox's API: what other apps call to queue a message, and the user's own
workflows on their messages.

``notify`` is what other apps call, inside the transaction of the change that
causes the message. It never talks to the broker inside the transaction: the
delivery task is enqueued after commit, and when the broker is down the row simply
waits for the periodic sweep (``deliver_due_notifications``). Delivery itself, and
how this low part of the app learns what each kind says and who may receive it
without importing the apps it is about, is in ``notifications.outbox``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.navigation import navigation_forget, navigation_forget_now
from notifications.models import Kind, Notification, Preference
from notifications.outbox import enqueue_delivery, kind_rules

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
    """Queue one message; returns the new row, or None when nothing was queued.

    Nothing is queued when the key was used before, or when the recipient may not
    see what the message is about (the kind's rule in ``notifications.kinds``,
    asked again at delivery). Call it inside the transaction of the change that
    causes the message: the row commits (or rolls back) with it. ``payload``
    holds IDs and dates only. ``email`` reaches someone without an account
    (``recipient=None``).
    """
    if recipient is None and not email:
        raise ValueError("A notification needs a recipient or an e-mail address.")
    row = Notification(
        recipient=recipient,
        email="" if recipient is not None else email,
        kind=kind,
        payload=payload,
        dedupe_key=dedupe_key,
        due_at=due_at or timezone.now(),
    )
    if not kind_rules(kind).may_receive(row):
        return None
    try:
        # The savepoint keeps the caller's transaction usable after a conflict.
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(
                dedupe_key=dedupe_key,
                defaults={
                    "recipient": row.recipient,
                    "email": row.email,
                    "kind": kind,
                    "payload": payload,
                    "due_at": row.due_at,
                },
            )
    except IntegrityError:
        # A concurrent transaction inserted the same key first.
        return None
    if not created:
        return None
    # The unread count in the recipient's navigation. At once rather than on commit:
    # the delivery below stays the change's only commit hook.
    navigation_forget_now(notification.recipient_id)
    if notification.due_at <= timezone.now() + ENQUEUE_HORIZON:
        transaction.on_commit(lambda: enqueue_delivery(notification.pk))
    return notification


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
