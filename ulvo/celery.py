import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ulvo.settings")

app = Celery("ulvo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one place where periodic work is scheduled (no django-celery-beat: the
# schedule is static and lives in code). Times are Europe/Amsterdam
# (CELERY_TIMEZONE). Every reminder task selects by state ("due and not yet
# sent", with a deduplication key per message), so running one late, twice or
# after an outage sends what is due exactly once.
app.conf.beat_schedule = {
    # The outbox sweep: rows whose broker message was lost, or that waited for
    # Redis, or whose retry time has come.
    "deliver-due-notifications": {
        "task": "notifications.tasks.deliver_due_notifications",
        "schedule": 60.0,
    },
    # The dashboards' school year and terms, for environments whose dashboard is in
    # use, before the cached figures (dashboards.ahead.CACHE_SECONDS) expire.
    "dashboards-compute-figures-ahead": {
        "task": "dashboards.tasks.compute_figures_ahead",
        "schedule": 240.0,
    },
    "restart-lost-reports": {
        "task": "notifications.tasks.restart_lost_reports",
        "schedule": 120.0,
    },
    # The day before a session: hourly in the daytime, so a late beat still reminds.
    "remind-session-tomorrow": {
        "task": "notifications.tasks.remind_session_tomorrow",
        "schedule": crontab(minute=0, hour="9-20"),
    },
    "remind-session-followup": {
        "task": "notifications.tasks.remind_session_followup",
        "schedule": crontab(minute=30, hour="8-22"),
    },
    # Weekly reminders, checked daily: the keys (one per student-week, one per
    # week of waiting for a sign-off) keep them weekly, and a missed Monday is
    # caught up the next day.
    "remind-log-activities": {
        "task": "notifications.tasks.remind_log_activities",
        "schedule": crontab(minute=0, hour=9),
    },
    "remind-signoff": {
        "task": "notifications.tasks.remind_signoff",
        "schedule": crontab(minute=0, hour=8),
    },
    # Shared reflections a week without a response; invitations a week unaccepted (#15).
    "remind-reflection-waiting": {
        "task": "notifications.tasks.remind_reflection_waiting",
        "schedule": crontab(minute=10, hour=8),
    },
    "remind-invitations": {
        "task": "notifications.tasks.remind_invitations",
        "schedule": crontab(minute=20, hour=8),
    },
    # The weekly digest (Mondays), checked daily so a missed Monday is caught up.
    "send-digests": {
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(minute=0, hour=7),
    },
    # Last month's balance report for every environment, in the first days of a month.
    "send-balance-reports": {
        "task": "notifications.tasks.send_balance_reports",
        "schedule": crontab(minute=0, hour=6, day_of_month="1-3"),
    },
    "purge-expired-reports": {
        "task": "notifications.tasks.purge_expired_reports",
        "schedule": crontab(minute=15, hour=3),
    },
    # Privacy: reflections, activity descriptions, import reports and notifications past retention.
    "privacy-retention-purge": {
        "task": "privacy.tasks.retention_purge",
        "schedule": crontab(minute=30, hour=3),
    },
    # Sessions past their idle or absolute timeout (accounts.UserSession goes with them).
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": crontab(minute=45, hour=3),
    },
}
