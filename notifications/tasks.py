"""Thin tasks: they take IDs and call one service. Schedules: ulvo/celery.py."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from notifications import reminders, reports
from notifications.models import Notification
from notifications.outbox import digests_send, notification_deliver

# Rows handled per sweep run; the next run (every minute) takes the rest.
SWEEP_BATCH = 500


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=3,
)
def deliver_notification(notification_id: int) -> str:
    """Deliver one outbox row. Safe to run twice: the second run finds it claimed.

    A failed send is recorded on the row with its next due time; it is
    re-enqueued with that countdown (capped well below the broker's visibility
    timeout), and the sweep picks it up if the broker loses it.
    """
    outcome = notification_deliver(notification_id=notification_id)
    if outcome == "retry":
        row = Notification.objects.filter(pk=notification_id).only("due_at").first()
        if row is not None:
            countdown = max(1, int((row.due_at - timezone.now()).total_seconds()))
            deliver_notification.apply_async((notification_id,), countdown=min(countdown, 1800))
    return outcome


@shared_task
def deliver_due_notifications() -> int:
    """The sweep: deliver every pending row whose time has come.

    Rows are delivered one by one in this worker (each under its own row lock),
    so a worker killed halfway leaves the rest pending for the next run.
    """
    ids = list(
        Notification.objects.due().order_by("due_at").values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    delivered = 0
    for pk in ids:
        if notification_deliver(notification_id=pk) == "sent":
            delivered += 1
    return delivered


@shared_task
def send_digests() -> int:
    return digests_send()


@shared_task
def remind_session_tomorrow() -> int:
    return reminders.session_reminders()


@shared_task
def remind_session_followup() -> int:
    return reminders.session_followups()


@shared_task
def remind_log_activities() -> int:
    return reminders.log_reminders()


@shared_task
def remind_signoff() -> int:
    return reminders.signoff_reminders()


@shared_task
def remind_reflection_waiting() -> int:
    return reminders.reflection_waiting_reminders()


@shared_task
def remind_invitations() -> int:
    return reminders.invitation_reminders()


@shared_task
def send_balance_reports() -> int:
    return reminders.balance_reports()


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=3,
)
def produce_report(report_id: int) -> str:
    return reports.report_produce(report_id=report_id)


@shared_task
def purge_expired_reports() -> int:
    return reports.reports_purge_expired()


@shared_task
def restart_lost_reports() -> int:
    return reports.reports_restart_lost()
