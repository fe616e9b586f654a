"""What each kind of message says, and sending it by e-mail.

Messages are composed at delivery time from the IDs in the payload, in the
recipient's language. They name sessions, weeks and reports, never the text of
a reflection or anything about pupils.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from notifications.models import Delivery, Kind, Notification, Status

logger = logging.getLogger(__name__)

# Monday: the day the weekly digest goes out.
DIGEST_WEEKDAY = 0
PREFERENCES_SALT = "ulvo.notifications.preferences"
# The preferences link in an e-mail works without logging in, for this long.
PREFERENCES_LINK_MAX_AGE = datetime.timedelta(days=90)


@dataclass
class Message:
    subject: str
    lines: list[str] = field(default_factory=list)
    url: str = ""
    action: str = ""
    # The subject is gone or no longer calls for the message: it is not sent.
    obsolete: bool = False


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


def _reverse(name: str, *args: object) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return reverse("notifications:list")


def _date(value: datetime.date | datetime.datetime) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
        return formats.date_format(value, "l j F Y, H:i")
    return formats.date_format(value, "j F Y")


def compose(notification: Notification) -> Message:
    """The message of one row, in the active language. Missing objects degrade gracefully."""
    payload = notification.payload
    kind = notification.kind
    if kind in (Kind.SESSION_REMINDER, Kind.SESSION_FOLLOWUP):
        from learning_networks.models import NetworkSession, SessionStatus

        session = (
            NetworkSession.objects.select_related("network")
            .filter(pk=payload.get("session"))
            .first()
        )
        if session is None or session.status == SessionStatus.CANCELLED:
            return Message(subject=_("A session has been removed"), obsolete=True)
        names = {"theme": session.theme, "network": session.network.name}
        when = _date(session.starts_at)
        if kind == Kind.SESSION_REMINDER:
            return Message(
                subject=_("Tomorrow: %(theme)s") % names,
                lines=[
                    _("You are invited to “%(theme)s” of %(network)s.") % names,
                    _("It starts %(when)s. Please let us know whether you will come.")
                    % {"when": when},
                ],
                url=session.get_absolute_url(),
                action=_("Answer the invitation"),
            )
        return Message(
            subject=_("How was “%(theme)s”?") % names,
            lines=[
                _("Was the session of %(when)s useful for your practice?") % {"when": when},
                _("Give your feedback, and write a reflection while it is fresh."),
            ],
            url=session.get_absolute_url(),
            action=_("Give feedback"),
        )
    if kind == Kind.REFLECTION_FEEDBACK:
        from accounts.models import User

        author = User.objects.filter(pk=payload.get("author")).first()
        return Message(
            subject=_("New response to a reflection"),
            lines=[
                _("%(name)s wrote a response to a reflection.") % {"name": author}
                if author
                else _("Someone wrote a response to a reflection.")
            ],
            url=_reverse("reflections:detail", payload.get("reflection")),
            action=_("Read the feedback"),
        )
    if kind == Kind.LOG_REMINDER:
        from placements.models import Placement

        placement = Placement.objects.filter(pk=payload.get("placement")).first()
        monday = datetime.date.fromisoformat(payload.get("week", "2000-01-03"))
        return Message(
            subject=_("Log your activities of the week of %(week)s") % {"week": _date(monday)},
            lines=[
                _(
                    "You were on site in the week of %(week)s, but no activities "
                    "have been logged for it yet."
                )
                % {"week": _date(monday)}
            ],
            url=placement.get_absolute_url() if placement else reverse("notifications:list"),
            action=_("Log activities"),
        )
    if kind in (Kind.SIGNOFF_REQUEST, Kind.SIGNOFF_REMINDER):
        from placements.models import Week, WeekStatus

        week = (
            Week.objects.select_related("placement__student", "placement__programme")
            .filter(pk=payload.get("week"))
            .first()
        )
        stamp = payload.get("submitted")
        if (
            week is None
            or week.status != WeekStatus.SUBMITTED
            or week.submitted_at is None
            or (stamp is not None and stamp != int(week.submitted_at.timestamp()))
        ):
            return Message(subject=_("A week no longer waits for your sign-off"), obsolete=True)
        names = {
            "student": week.placement.student.full_name,
            "programme": week.placement.programme.name,
            "start": _date(week.start),
            "end": _date(week.end),
        }
        if notification.recipient_id:
            url = week.get_absolute_url()
        else:
            url = week.get_signoff_url(payload["assignment"])
        if kind == Kind.SIGNOFF_REQUEST:
            return Message(
                subject=_("%(student)s asks you to sign off a week") % names,
                lines=[
                    _(
                        "%(student)s (%(programme)s) has submitted the activities of "
                        "%(start)s to %(end)s for your sign-off."
                    )
                    % names,
                    _("Open the link to approve the week, or to return it with a comment."),
                ],
                url=url,
                action=_("Approve or return the week"),
            )
        return Message(
            subject=_("Reminder: a week waits for your sign-off"),
            lines=[
                _(
                    "%(student)s (%(programme)s) submitted the activities of %(start)s "
                    "to %(end)s for your sign-off, and they are still waiting."
                )
                % names
            ],
            url=url,
            action=_("Approve or return the week"),
        )
    if kind in (Kind.BALANCE_REPORT, Kind.REPORT_READY):
        from notifications.models import Report

        report = (
            Report.objects.select_related("environment").filter(pk=payload.get("report")).first()
        )
        if report is None:
            return Message(subject=_("A report has expired"), obsolete=True)
        names = {
            "environment": report.environment.name,
            "start": _date(report.period_start),
            "end": _date(report.period_end),
        }
        subject = (
            _("Monthly participation balance of %(environment)s")
            if kind == Kind.BALANCE_REPORT
            else _("Your report for %(environment)s is ready")
        )
        return Message(
            subject=subject % names,
            lines=[
                _("The participation-balance report of %(environment)s for %(start)s to %(end)s.")
                % names,
                _("It can be downloaded as PDF and Excel until %(expires)s.")
                % {"expires": _date(report.expires_at)},
            ],
            url=report.get_absolute_url(),
            action=_("Open the report"),
        )
    return Message(subject=notification.get_kind_display())


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


def is_obsolete(notification: Notification) -> bool:
    with translation.override(notification.language):
        return compose(notification).obsolete


def send_notification_email(notification: Notification) -> None:
    """Send one row by e-mail, in its recipient's language; raises on failure."""
    with translation.override(notification.language):
        message = compose(notification)
        message.url = _absolute(message.url) if message.url else ""
    _send(
        address=notification.address,
        language=notification.language,
        recipient_pk=notification.recipient_id,
        subject=message.subject,
        context={"messages": [message], "digest": False},
    )


def digests_send() -> int:
    """Weekly: one e-mail per user with the messages they chose to receive as a digest.

    Run daily; on Mondays every waiting digest goes out, on other days only
    those with a message a week old or older, so a missed Monday is caught up
    without anyone getting two digests in one week.

    Each user's rows are locked while their digest is sent and marked sent in
    the same transaction, so a second run or a second worker sends nothing again.
    """
    from django.db.models import Min

    from accounts.models import User

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
            with translation.override(user.language):
                messages = []
                for row in rows:
                    message = compose(row)
                    if message.obsolete:
                        row.status = Status.SKIPPED
                        continue
                    message.url = _absolute(message.url) if message.url else ""
                    messages.append(message)
                subject = _("Your weekly ULVO digest")
            skipped = [row for row in rows if row.status == Status.SKIPPED]
            Notification.objects.bulk_update(skipped, ["status"])
            rows = [row for row in rows if row.status != Status.SKIPPED]
            if not rows or not user.is_active:
                continue
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
