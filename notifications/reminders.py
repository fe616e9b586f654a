"""State-based reminder selection, run by the beat schedule in ulvo/celery.py.

Each function looks at the state of the data now ("due and not yet sent"), not
at when it last ran: a beat or worker that was stopped catches up on its next
run, and the deduplication keys make a second run queue nothing twice.

The retention purge removes rows a year after they were written
(``NOTIFICATION_RETENTION``), keys and all. No selection here may therefore pick
a subject whose message could be older than that: each looks at a window of
days (tomorrow, the last few days, last week, last month), and the sign-off
reminders stop for a week that has waited longer than the retention.

Who may still receive a message is not decided here: every candidate goes through
``notify``, which applies its kind's rule (``notifications.kinds``), so a supervisor
whose membership of the environment has ended is reminded of nothing there.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Invitation, Membership, Role, User
from environments.models import LearningEnvironment
from learning_networks.models import (
    Answer,
    Attendance,
    Presence,
    SessionFeedback,
    SessionStatus,
)
from notifications.models import NOTIFICATION_RETENTION, Kind, Notification, Report
from notifications.reports import report_request
from notifications.services import notify
from placements.models import (
    ActivityEntry,
    Placement,
    PlacementStatus,
    SupervisionAssignment,
    Week,
    WeekStatus,
    week_start,
)
from reflections.models import Reflection, ReflectionFeedback, Visibility

# A session's follow-up prompt is only worth sending shortly after it ended.
FOLLOWUP_WINDOW = datetime.timedelta(days=3)
# Reminders about one submitted week: one per week of waiting, at most three.
SIGNOFF_MAX_REMINDERS = 3
# A shared reflection without a response after this long reminds the supervisors once;
# only reflections shared within the window are looked at.
REFLECTION_WAIT = datetime.timedelta(days=7)
REFLECTION_WAIT_WINDOW = datetime.timedelta(days=28)
# An invitation not accepted after a week reminds the invitee; a week after that
# reminder, the coordinators see it.
INVITATION_WAIT = datetime.timedelta(days=7)
# Before the link expires (ULVO_INVITATION_DAYS, 14 by default).
INVITATION_ESCALATE = datetime.timedelta(days=3)
INVITATION_WAIT_WINDOW = datetime.timedelta(days=28)


@dataclass(frozen=True)
class Pending:
    recipient: User | None
    kind: str
    dedupe_key: str
    payload: dict[str, Any]
    email: str = ""


@transaction.atomic
def _queue(candidates: list[Pending]) -> int:
    """Queue the candidates whose key is new; one query finds the known keys."""
    if not candidates:
        return 0
    known = set(
        Notification.objects.filter(
            dedupe_key__in=[candidate.dedupe_key for candidate in candidates]
        ).values_list("dedupe_key", flat=True)
    )
    queued = 0
    for candidate in candidates:
        if candidate.dedupe_key in known:
            continue
        created = notify(
            recipient=candidate.recipient,
            kind=candidate.kind,
            dedupe_key=candidate.dedupe_key,
            payload=candidate.payload,
            email=candidate.email,
        )
        queued += created is not None
    return queued


def _local_day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return start, start + datetime.timedelta(days=1)


def session_reminders() -> int:
    """The day before a session: invitees who have not answered yet."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    start, end = _local_day_bounds(tomorrow)
    attendances = Attendance.objects.filter(
        session__status=SessionStatus.PLANNED,
        session__starts_at__gte=start,
        session__starts_at__lt=end,
        answer=Answer.NONE,
        user__is_active=True,
    ).select_related("user")
    return _queue(
        [
            Pending(
                recipient=attendance.user,
                kind=Kind.SESSION_REMINDER,
                dedupe_key=f"session_reminder:{attendance.session_id}:{attendance.user_id}",
                payload={"session": attendance.session_id},
            )
            for attendance in attendances
        ]
    )


def session_followups() -> int:
    """After a session: those who came (or said they would) and gave no feedback yet."""
    now = timezone.now()
    attendances = (
        Attendance.objects.filter(
            session__status__in=[SessionStatus.PLANNED, SessionStatus.HELD],
            session__ends_at__lte=now,
            session__ends_at__gt=now - FOLLOWUP_WINDOW,
            user__is_active=True,
        )
        .filter(Q(presence=Presence.PRESENT) | Q(presence=Presence.UNKNOWN, answer=Answer.YES))
        .exclude(
            Exists(
                SessionFeedback.objects.filter(
                    session_id=OuterRef("session_id"), user_id=OuterRef("user_id")
                )
            )
        )
        .select_related("user")
    )
    return _queue(
        [
            Pending(
                recipient=attendance.user,
                kind=Kind.SESSION_FOLLOWUP,
                dedupe_key=f"session_followup:{attendance.session_id}:{attendance.user_id}",
                payload={"session": attendance.session_id},
            )
            for attendance in attendances
        ]
    )


def log_reminders() -> int:
    """Weekly: students whose last week had days on site but no logged activity."""
    monday = week_start(timezone.localdate()) - datetime.timedelta(days=7)
    sunday = monday + datetime.timedelta(days=6)
    placements = (
        Placement.objects.filter(
            status=PlacementStatus.ACTIVE,
            start_date__lte=sunday,
            end_date__gte=monday,
            student__is_active=True,
        )
        .exclude(weekdays_on_site=0)
        .exclude(
            Exists(
                ActivityEntry.objects.filter(
                    placement_id=OuterRef("pk"), date__gte=monday, date__lte=sunday
                )
            )
        )
        .select_related("student")
    )
    candidates = []
    for placement in placements:
        on_site = [
            monday + datetime.timedelta(days=weekday - 1)
            for weekday in placement.days_on_site
            if placement.start_date
            <= monday + datetime.timedelta(days=weekday - 1)
            <= placement.end_date
        ]
        if not on_site:
            continue
        candidates.append(
            Pending(
                recipient=placement.student,
                kind=Kind.LOG_REMINDER,
                dedupe_key=f"log_reminder:{placement.pk}:{monday.isoformat()}",
                payload={"placement": placement.pk, "week": monday.isoformat()},
            )
        )
    return _queue(candidates)


def signoff_rounds_due(submitted_at: datetime.datetime, now: datetime.datetime) -> int:
    """How many reminders a week waiting since ``submitted_at`` has earned by now."""
    return min(SIGNOFF_MAX_REMINDERS, (now - submitted_at).days // 7)


def signoff_reminders() -> int:
    """Weekly: supervisors who sign off, for each week waiting on them, at most three times.

    The third reminder's key is asked for again every day the week keeps waiting;
    once the week has waited longer than the outbox keeps messages, that row may
    have been purged, so such a week is left alone instead of reminded again.
    """
    now = timezone.now()
    weeks = Week.objects.filter(
        status=WeekStatus.SUBMITTED,
        submitted_at__lte=now - datetime.timedelta(days=7),
        submitted_at__gt=now - NOTIFICATION_RETENTION,
    )
    assignments = (
        SupervisionAssignment.objects.filter(signs_off=True, placement__weeks__in=weeks)
        .filter(Q(supervisor__isnull=True) | Q(supervisor__is_active=True))
        .select_related("supervisor")
        .distinct()
    )
    by_placement: dict[int, list[SupervisionAssignment]] = {}
    for assignment in assignments:
        by_placement.setdefault(assignment.placement_id, []).append(assignment)
    candidates = []
    for week in weeks:
        assert week.submitted_at is not None
        rounds = signoff_rounds_due(week.submitted_at, now)
        stamp = int(week.submitted_at.timestamp())
        for assignment in by_placement.get(week.placement_id, []):
            if not assignment.contact_email:
                continue
            candidates.append(
                Pending(
                    recipient=assignment.supervisor,
                    email="" if assignment.supervisor_id else assignment.email,
                    kind=Kind.SIGNOFF_REMINDER,
                    # The submission's time: a resubmitted week starts counting again.
                    dedupe_key=f"signoff_reminder:{week.pk}:{stamp}:{assignment.pk}:{rounds}",
                    payload={
                        "week": week.pk,
                        "assignment": assignment.pk,
                        "submitted": stamp,
                        "round": rounds,
                    },
                )
            )
    return _queue(candidates)


def reflection_waiting_reminders() -> int:
    """Daily: a reflection shared with supervisors a week ago or more that nobody but its
    author has responded to: one reminder to each of the author's supervisors there.

    Only reflections shared in the last four weeks are looked at, well within the
    outbox's retention, so a purged key is never asked for again.
    """
    now = timezone.now()
    reflections = (
        Reflection.objects.filter(
            published_at__lte=now - REFLECTION_WAIT,
            published_at__gt=now - REFLECTION_WAIT_WINDOW,
            visibility__in=[Visibility.SUPERVISORS, Visibility.NETWORK],
        )
        .exclude(
            Exists(
                ReflectionFeedback.objects.filter(reflection_id=OuterRef("pk")).exclude(
                    author_id=OuterRef("author_id")
                )
            )
        )
        .only("pk", "author_id", "environment_id")
    )
    candidates = []
    for reflection in reflections:
        supervisors = User.objects.filter(
            is_active=True,
            supervisions__placement__student_id=reflection.author_id,
            supervisions__placement__environment_id=reflection.environment_id,
        ).distinct()
        for supervisor in supervisors:
            candidates.append(
                Pending(
                    recipient=supervisor,
                    kind=Kind.REFLECTION_WAITING,
                    dedupe_key=f"reflection_waiting:{reflection.pk}:{supervisor.pk}",
                    payload={"reflection": reflection.pk, "author": reflection.author_id},
                )
            )
    return _queue(candidates)


def invitation_reminders() -> int:
    """Daily: an invitation not accepted a week after it was sent gets one reminder to
    the invitee (while its link works); three days after that reminder, still not
    accepted, the environment's coordinators are told (expired or not: they can send
    it again). Only invitations at most four weeks old are looked at, within the
    outbox's retention.
    """
    now = timezone.now()
    # Not accepted and not taken back; an expired one still concerns the coordinators.
    invitations = list(
        Invitation.objects.filter(
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            created_at__lte=now - INVITATION_WAIT,
            created_at__gt=now - INVITATION_WAIT_WINDOW,
        )
    )
    reminded = set(
        Notification.objects.filter(
            dedupe_key__in=[f"invitation_reminder:{i.pk}" for i in invitations],
            due_at__lte=now - INVITATION_ESCALATE,
        ).values_list("payload__invitation", flat=True)
    )
    candidates = []
    coordinators: dict[int, list[User]] = {}
    for invitation in invitations:
        if not invitation.is_expired(now):
            candidates.append(
                Pending(
                    recipient=None,
                    email=invitation.email,
                    kind=Kind.INVITATION_REMINDER,
                    dedupe_key=f"invitation_reminder:{invitation.pk}",
                    payload={"invitation": invitation.pk},
                )
            )
        if invitation.pk not in reminded:
            continue
        if invitation.environment_id not in coordinators:
            coordinators[invitation.environment_id] = list(
                User.objects.filter(
                    is_active=True,
                    memberships__environment_id=invitation.environment_id,
                    memberships__role=Role.COORDINATOR,
                    memberships__is_active=True,
                ).distinct()
            )
        for coordinator in coordinators[invitation.environment_id]:
            candidates.append(
                Pending(
                    recipient=coordinator,
                    kind=Kind.INVITATION_UNACCEPTED,
                    dedupe_key=f"invitation_unaccepted:{invitation.pk}:{coordinator.pk}",
                    payload={"invitation": invitation.pk},
                )
            )
    return _queue(candidates)


def previous_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return last.replace(day=1), last


def balance_reports() -> int:
    """Monthly: produce last month's balance report for every coordinated environment.

    The coordinators are notified when it is ready (``reports.report_produce``).
    Returns the number of reports started.
    """
    start, end = previous_month(timezone.localdate())
    environments = LearningEnvironment.objects.filter(
        Exists(
            Membership.objects.filter(
                environment_id=OuterRef("pk"), role=Role.COORDINATOR, is_active=True
            )
        )
    ).exclude(
        Exists(
            Report.objects.filter(
                environment_id=OuterRef("pk"),
                period_start=start,
                period_end=end,
                requested_by__isnull=True,
            )
        )
    )
    started = 0
    for environment in environments:
        month = start.strftime("%Y-%m")
        if Notification.objects.filter(
            dedupe_key__startswith=f"balance_report:{environment.pk}:{month}:"
        ).exists():
            continue  # Sent before and already purged.
        report_request(environment=environment, requested_by=None, start=start, end=end)
        started += 1
    return started
