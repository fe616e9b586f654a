"""Delivering the outbox: each due row exactly once, by e-mail, in the app or in a digest.

Layering. ``notifications.models``, ``notifications.services`` and this module are
the low part of the app: placements, reflections and learning networks queue
messages through ``services.notify``, so nothing here may import them (the
import-linter contract in pyproject.toml says so). Yet two things the outbox does
depend on those apps: knowing, per kind, whether the recipient may still see what
a message is about and what the message says (``notifications.kinds``), and the
Celery task that delivers a row (``notifications.tasks``). Both live in the high
part, which hands them over once, when Django starts: ``NotificationsConfig.ready``
calls :func:`install`. That one call is the whole wiring — no import inside a
function, no lookup of a task by its name (which would bypass eager mode in
development) — and an outbox used before it raises at once.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Min
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.navigation import navigation_forget_now
from notifications.models import Delivery, Kind, Notification, Preference, Status
from ulvo.celery import app

logger = logging.getLogger(__name__)

# Monday: the day the weekly digest goes out.
DIGEST_WEEKDAY = 0
PREFERENCES_SALT = "ulvo.notifications.preferences"
# The preferences link in an e-mail works without logging in, for this long.
PREFERENCES_LINK_MAX_AGE = datetime.timedelta(days=90)
# Enqueueing from a page must fail fast when Redis is down: one attempt, no waiting
# (kombu's default retries would hold the request for seconds).
FAIL_FAST = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}


@dataclass
class Message:
    """What one row says, composed at delivery time in the recipient's language."""

    subject: str
    lines: list[str] = field(default_factory=list)
    url: str = ""
    action: str = ""
    # Why someone without an account receives it (by default: as a supervisor).
    footer: str = ""


@dataclass(frozen=True)
class KindRules:
    """What the outbox needs to know about one kind of message."""

    # Whether the row's recipient (or e-mail address) may still see what it is
    # about; asked when the row is queued and again when it is delivered.
    may_receive: Callable[[Notification], bool]
    # The message in the active language; None when its subject no longer calls
    # for it (a week signed off, a session cancelled).
    compose: Callable[[Notification], Message | None]


@dataclass(frozen=True)
class _Installed:
    kinds: Mapping[str, KindRules]
    deliver_task: Any


_installed: _Installed | None = None


def install(*, kinds: Mapping[str, KindRules], deliver_task: Any) -> None:
    """Hand the outbox each kind's rules and the task that delivers one row."""
    global _installed
    missing = set(Kind.values) - set(kinds)
    if missing:
        raise ValueError(f"No rules for the notification kinds {sorted(missing)}.")
    _installed = _Installed(kinds=dict(kinds), deliver_task=deliver_task)


def _wiring() -> _Installed:
    if _installed is None:
        raise RuntimeError("The outbox is used before NotificationsConfig.ready installed it.")
    return _installed


def kind_rules(kind: str) -> KindRules:
    return _wiring().kinds[kind]


def enqueue(task: Any, *args: Any) -> bool:
    """Hand a task to the broker; an outage is logged, never raised.

    Returns whether the task was handed over. What it would have done waits in
    the database for the periodic sweep.
    """
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
    return enqueue(_wiring().deliver_task, notification_id)


def preferred_delivery(user: User | None, kind: str) -> str:
    if user is None:
        return Delivery.EMAIL
    preference = Preference.objects.filter(user=user, kind=kind).first()
    return preference.delivery if preference else Delivery.EMAIL


def backoff(attempts: int) -> datetime.timedelta:
    """1, 4, 16, 30, 30 minutes: well within the broker's visibility timeout."""
    return datetime.timedelta(minutes=min(4 ** (attempts - 1), 30))


def _verdict(notification: Notification) -> Message | Status:
    """The message to send, or the status of a row that is not sent.

    The recipient's access is checked before anything is composed.
    """
    recipient = notification.recipient
    if recipient is not None and not recipient.is_active:
        return Status.SKIPPED
    kind = kind_rules(notification.kind)
    if not kind.may_receive(notification):
        return Status.OBSOLETE
    with translation.override(notification.language):
        message = kind.compose(notification)
    if message is None:
        return Status.SKIPPED
    message.url = _absolute(message.url) if message.url else ""
    return message


def notification_deliver(*, notification_id: int) -> str:
    """Deliver one due row, exactly once; returns what happened.

    The row is locked (``SKIP LOCKED``: another worker already holds it) and
    leaves ``pending`` in the same transaction as the send. A killed worker
    rolls back and leaves the row pending; a second run finds it gone.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=notification_id, status=Status.PENDING, due_at__lte=timezone.now())
            .first()
        )
        if notification is None:
            return "claimed-elsewhere"
        message = _verdict(notification)
        if not isinstance(message, Message):
            notification.status = message
            notification.save(update_fields=["status"])
            navigation_forget_now(notification.recipient_id)  # no longer in the count
            return message
        delivery = preferred_delivery(notification.recipient, notification.kind)
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
            _send(
                address=notification.address,
                language=notification.language,
                recipient_pk=notification.recipient_id,
                subject=message.subject,
                context={"messages": [message], "digest": False},
            )
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


def digests_send() -> int:
    """Weekly: one e-mail per user with the messages they chose to receive as a digest.

    Run daily; on Mondays every waiting digest goes out, on other days only
    those with a message a week old or older, so a missed Monday is caught up
    without anyone getting two digests in one week.

    Each user's rows are locked while their digest is sent and marked sent in
    the same transaction, so a second run or a second worker sends nothing again.
    Each row is judged as a single delivery would be: a row whose recipient may
    no longer see its subject is marked obsolete, one whose subject changed (or
    whose recipient's account was deactivated) skipped; neither is in the digest.
    """
    sent = 0
    waiting = Notification.objects.filter(status=Status.DIGEST).values("recipient_id")
    if timezone.localdate().weekday() != DIGEST_WEEKDAY:
        waiting = waiting.annotate(oldest=Min("due_at")).filter(
            oldest__lte=timezone.now() - datetime.timedelta(days=7)
        )
    user_ids = waiting.values_list("recipient_id", flat=True).distinct()
    for user_id in list(user_ids):
        with transaction.atomic():
            rows = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(recipient_id=user_id, status=Status.DIGEST)
                .order_by("due_at")
            )
            if not rows:
                continue
            user = User.objects.get(pk=user_id)
            messages = []
            for row in rows:
                verdict = _verdict(row)
                if isinstance(verdict, Message):
                    messages.append(verdict)
                else:
                    row.status = verdict
            dropped = [row for row in rows if row.status != Status.DIGEST]
            Notification.objects.bulk_update(dropped, ["status"])
            if dropped:
                navigation_forget_now(user_id)  # no longer in the unread count
            rows = [row for row in rows if row.status == Status.DIGEST]
            if not rows:
                continue
            with translation.override(user.language):
                subject = _("Your weekly ULVO digest")
            try:
                _send(
                    address=user.email,
                    language=user.language,
                    recipient_pk=user.pk,
                    subject=subject,
                    context={"messages": messages, "digest": True},
                )
            except Exception as error:  # Kept for next week's run; the error shows in the admin.
                logger.warning("Digest for user %s failed", user_id)
                for row in rows:
                    row.last_error = f"{type(error).__name__}: {error}"[:2000]
                Notification.objects.bulk_update(rows, ["last_error"])
                continue
            now = timezone.now()
            for row in rows:
                row.status = Status.SENT
                row.channel = Delivery.DIGEST
                row.sent_at = now
                row.last_error = ""
            Notification.objects.bulk_update(rows, ["status", "channel", "sent_at", "last_error"])
            sent += 1
    return sent


# --- The e-mail ---------------------------------------------------------------------


def preferences_token(user_pk: int) -> str:
    return signing.dumps({"u": user_pk}, salt=PREFERENCES_SALT)


def parse_preferences_token(token: str) -> int | None:
    try:
        payload = signing.loads(token, salt=PREFERENCES_SALT, max_age=PREFERENCES_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    return payload["u"]


def _absolute(path: str) -> str:
    return settings.ULVO_BASE_URL + path if path.startswith("/") else path


def _send(
    *, address: str, language: str, recipient_pk: int | None, subject: str, context: dict
) -> None:
    with translation.override(language):
        context = {
            **context,
            "subject": subject,
            "preferences_url": (
                _absolute(
                    reverse(
                        "notifications:preferences_link", args=[preferences_token(recipient_pk)]
                    )
                )
                if recipient_pk
                else ""
            ),
            "base_url": settings.ULVO_BASE_URL,
        }
        text = render_to_string("notifications/email/message.txt", context)
        html = render_to_string("notifications/email/message.html", context)
    message = EmailMultiAlternatives(subject, text, None, [address])
    message.attach_alternative(html, "text/html")
    message.send()
