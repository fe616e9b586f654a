"""Notifications (one's own only), preferences (also through the e-mailed link) and
the coordinators' reports."""

from typing import Any

from tests.security.matrix import ROLES, Case, env_pk, statuses

# One's own notification: nobody else knows it exists.
OWN = statuses(
    student=302, supervisor=404, bystander=404, coordinator=404, outsider=404,
    other_coordinator=404,
)  # fmt: skip
# Reports: the environment's coordinators; its other members 403, outsiders 404.
COORDINATE = statuses(
    student=403, supervisor=403, bystander=403, outsider=404, other_coordinator=404
)
LOGGED_IN = [role for role in ROLES if role != "anonymous"]


def make_notification(cast: Any) -> Any:
    from notifications.models import Kind, Notification

    # get_or_create: test_get_never_changes_data runs every setup on one cast.
    return Notification.objects.get_or_create(
        dedupe_key="matrix:1",
        defaults={"recipient": cast.student, "kind": Kind.LOG_REMINDER, "payload": {}},
    )[0]


def notification_pk(cast: Any) -> list[Any]:
    return [cast.setup_result.pk]


def preferences_token(cast: Any) -> list[Any]:
    from notifications.outbox import preferences_token

    return [preferences_token(cast.student.pk)]


def preferences_data(cast: Any) -> dict[str, Any]:
    from notifications.models import Delivery, Kind

    return dict.fromkeys(Kind.values, Delivery.IN_APP)


def make_report(cast: Any) -> Any:
    import datetime

    from django.utils import timezone

    from notifications.models import Report, ReportState

    return Report.objects.get_or_create(
        environment=cast.environment,
        period_start=datetime.date(2026, 9, 1),
        period_end=datetime.date(2026, 9, 30),
        defaults={
            "state": ReportState.DONE,
            "progress": 100,
            "pdf": b"%PDF-1.7 matrix",
            "xlsx": b"PK matrix",
            "expires_at": timezone.now() + datetime.timedelta(days=1),
        },
    )[0]


def report_pk(cast: Any) -> list[Any]:
    return [cast.setup_result.pk]


def report_pdf(cast: Any) -> list[Any]:
    return [cast.setup_result.pk, "pdf"]


def report_data(cast: Any) -> dict[str, Any]:
    return {"period_start": "2026-09-01", "period_end": "2026-12-31"}


CASES = [
    Case("notifications:list", statuses()),
    Case("notifications:open", OWN, "post", notification_pk, setup=make_notification),
    Case("notifications:mark_read", OWN, "post", notification_pk, setup=make_notification),
    Case(
        "notifications:mark_all_read",
        statuses(**dict.fromkeys(LOGGED_IN, 302)),
        "post",
        setup=make_notification,
        note="marks only the user's own",
    ),
    Case("notifications:preferences", statuses()),
    Case(
        "notifications:preferences",
        statuses(**dict.fromkeys(LOGGED_IN, 302)),
        "post",
        data=preferences_data,
    ),
    Case("notifications:preferences_link", statuses(anonymous=200), args=preferences_token),
    Case(
        "notifications:preferences_link",
        dict.fromkeys(ROLES, 303),
        "post",
        preferences_token,
        preferences_data,
        note="the signed link is the credential, whoever is logged in",
    ),
    Case("notifications:report_list", COORDINATE, args=env_pk),
    Case(
        "notifications:report_list",
        {**COORDINATE, "coordinator": 302},
        "post",
        env_pk,
        report_data,
    ),
    Case("notifications:report_detail", COORDINATE, args=report_pk, setup=make_report),
    Case("notifications:report_download", COORDINATE, args=report_pdf, setup=make_report),
]

ALLOWED_WRITES = {
    ("notifications:open", "student"),
    ("notifications:mark_read", "student"),
    ("notifications:mark_all_read", "student"),
    *{("notifications:preferences", role) for role in LOGGED_IN},
    *{("notifications:preferences_link", role) for role in ROLES},
    ("notifications:report_list", "coordinator"),
}
