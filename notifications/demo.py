"""Demo notifications: a few of each kind, for the demo people who would get them.

Called by ``manage.py demo`` inside its transaction, after placements, networks
and reflections exist. The rows are delivered once the demo commits: with the
console e-mail backend the e-mails appear on the terminal, and every message is
in the recipient's notification list. Idempotent: the keys make a second run
queue nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, Role
from environments.models import LearningEnvironment
from learning_networks.models import Attendance, SessionStatus
from notifications import reminders
from notifications.models import Kind, Notification, Report
from notifications.reports import report_request
from notifications.services import notify
from placements.models import Placement, PlacementStatus, Week, WeekStatus, week_start
from placements.services import week_signoff_requests_queue
from ulvo.lib.demo import DEMO_DOMAIN, DemoWriter

# People per kind: enough to see the messages, few enough to read the terminal.
PER_KIND = 2


def _students(environment: LearningEnvironment) -> list[Membership]:
    return list(
        Membership.objects.filter(
            environment=environment,
            role=Role.STUDENT,
            is_active=True,
            user__email__endswith=DEMO_DOMAIN,
        )
        .select_related("user")
        .order_by("user__email")[:PER_KIND]
    )


def _sessions(environment: LearningEnvironment, students: list[Membership]) -> int:
    now = timezone.now()
    queued = 0
    for membership in students:
        attendances = Attendance.objects.filter(
            user=membership.user, session__network__environment=environment
        ).select_related("session")
        coming = (
            attendances.filter(session__status=SessionStatus.PLANNED, session__starts_at__gt=now)
            .order_by("session__starts_at")
            .first()
        )
        held = (
            attendances.filter(session__ends_at__lt=now)
            .exclude(session__status=SessionStatus.CANCELLED)
            .order_by("-session__ends_at")
            .first()
        )
        for attendance, kind in ((coming, Kind.SESSION_REMINDER), (held, Kind.SESSION_FOLLOWUP)):
            if attendance is None:
                continue
            queued += bool(
                notify(
                    recipient=membership.user,
                    kind=kind,
                    dedupe_key=f"demo:{kind}:{attendance.session_id}:{membership.user_id}",
                    payload={"session": attendance.session_id},
                )
            )
    return queued


def _logs(students: list[Membership]) -> int:
    monday = week_start(timezone.localdate()) - datetime.timedelta(days=7)
    queued = 0
    for membership in students:
        placement = Placement.objects.filter(
            student=membership.user, status=PlacementStatus.ACTIVE
        ).first()
        if placement is None:
            continue
        queued += bool(
            notify(
                recipient=membership.user,
                kind=Kind.LOG_REMINDER,
                dedupe_key=f"demo:log_reminder:{placement.pk}:{monday.isoformat()}",
                payload={"placement": placement.pk, "week": monday.isoformat()},
            )
        )
    return queued


def _signoffs(environment: LearningEnvironment) -> int:
    queued = 0
    weeks = Week.objects.filter(
        placement__environment=environment,
        status=WeekStatus.SUBMITTED,
        submitted_at__isnull=False,
    ).select_related("placement")[:PER_KIND]
    for week in weeks:
        assert week.submitted_at is not None
        queued += week_signoff_requests_queue(week=week)
        for assignment in week.placement.assignments.filter(signs_off=True).filter(
            Q(supervisor__isnull=False) | ~Q(email="")
        ):
            queued += bool(
                notify(
                    recipient=assignment.supervisor,
                    email="" if assignment.supervisor_id else assignment.email,
                    kind=Kind.SIGNOFF_REMINDER,
                    dedupe_key=f"demo:signoff_reminder:{week.pk}:{assignment.pk}",
                    payload={
                        "week": week.pk,
                        "assignment": assignment.pk,
                        "submitted": int(week.submitted_at.timestamp()),
                        "round": 1,
                    },
                )
            )
    return queued


def _reflection_feedback(environment: LearningEnvironment, students: list[Membership]) -> int:
    if Notification.objects.filter(
        kind=Kind.REFLECTION_FEEDBACK, recipient__in=[m.user for m in students]
    ).exists():
        return 0  # The reflections demo's responses already notified them.
    try:
        feedback_model = apps.get_model("reflections", "ReflectionFeedback")
    except LookupError:
        return 0
    queued = 0
    for membership in students:
        feedback = (
            feedback_model.objects.filter(reflection__author=membership.user)
            .exclude(author=membership.user)
            .order_by("-pk")
            .first()
        )
        if feedback is None:
            continue
        queued += bool(
            notify(
                recipient=membership.user,
                kind=Kind.REFLECTION_FEEDBACK,
                dedupe_key=f"reflection_feedback:{feedback.pk}:{membership.user_id}",
                payload={"reflection": feedback.reflection_id, "author": feedback.author_id},
            )
        )
    return queued


def _reports(environment: LearningEnvironment) -> int:
    coordinator = (
        Membership.objects.filter(
            environment=environment,
            role=Role.COORDINATOR,
            is_active=True,
            user__email__endswith=DEMO_DOMAIN,
        )
        .select_related("user")
        .first()
    )
    if coordinator is None:
        return 0
    if Report.objects.filter(environment=environment, requested_by=coordinator.user).exists():
        return 0
    today = timezone.localdate()
    report_request(
        environment=environment,
        requested_by=coordinator.user,
        start=today - datetime.timedelta(days=90),
        end=today,
    )
    return 1


def create_demo_notifications(
    *, environments: Iterable[LearningEnvironment], stdout: DemoWriter
) -> None:
    queued = 0
    reports = 0
    for environment in environments:
        students = _students(environment)
        queued += _sessions(environment, students)
        queued += _logs(students)
        queued += _signoffs(environment)
        queued += _reflection_feedback(environment, students)
        reports += _reports(environment)
    # Last month's balance report for every environment, as the monthly beat does.
    reports += reminders.balance_reports()
    stdout.write(
        f"Notifications: {queued} queued, {reports} reports requested; they are delivered "
        "once the demo is saved (e-mails on this terminal with the console backend)."
    )
