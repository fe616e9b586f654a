"""Workflows of the placement aggregate: logging activities, signing weeks off, and
who supervises a placement and signs off its hours."""

import datetime
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import audit_before, audit_deleted, audit_saved
from accounts.models import User
from accounts.navigation import navigation_forget
from notifications.models import Kind
from notifications.services import notify
from placements.models import (
    EDITABLE_STATUSES,
    SUPERVISOR_ROLES,
    ActivityEntry,
    EntryStatus,
    Placement,
    SupervisionAssignment,
    Week,
    WeekEvent,
    WeekEventAction,
    WeekStatus,
    week_start,
)
from ulvo.lib.home_tokens import home_forget_students, home_forget_supervisors


class WeekError(Exception):
    """A week that cannot take this step; the message code is for the view."""


@transaction.atomic
def activity_create(
    *, placement: Placement, submission_key: uuid.UUID | None = None, **fields: Any
) -> ActivityEntry:
    """Log an activity. A repeated submission key returns the entry made the first time."""
    if submission_key is not None:
        existing = placement.entries.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return ActivityEntry.objects.create(
                placement=placement, submission_key=submission_key, **fields
            )
    except IntegrityError:
        # Two identical submits raced: the other one made the entry.
        if submission_key is None:
            raise
        return placement.entries.get(submission_key=submission_key)


@transaction.atomic
def activity_update(*, entry: ActivityEntry, **fields: Any) -> ActivityEntry:
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.save()
    return entry


@transaction.atomic
def activity_delete(*, entry: ActivityEntry) -> None:
    entry.delete()


def _week_entries(placement: Placement, start: datetime.date) -> Any:
    return placement.entries.filter(date__gte=start, date__lte=start + datetime.timedelta(days=6))


REVIEW_FIELDS = ["reviewed_at", "reviewer", "reviewer_name", "comment"]


def _clear_review(week: Week) -> None:
    week.reviewed_at = None
    week.reviewer = None
    week.reviewer_name = ""
    week.comment = ""


@transaction.atomic
def week_submit(*, placement: Placement, start: datetime.date, student: User) -> Week:
    """Submit a week's draft and returned entries for sign-off."""
    start = week_start(start)
    entries = _week_entries(placement, start).select_for_update()
    if not entries.filter(status__in=EDITABLE_STATUSES).exists():
        raise WeekError("nothing_to_submit")
    week, created = Week.objects.select_for_update().get_or_create(
        placement=placement, start=start, defaults={"status": WeekStatus.SUBMITTED}
    )
    if week.status == WeekStatus.APPROVED:
        raise WeekError("already_approved")
    before = None if created else audit_before(week)
    now = timezone.now()
    entries.filter(status__in=EDITABLE_STATUSES).update(
        status=EntryStatus.SUBMITTED, updated_at=now
    )
    week.status = WeekStatus.SUBMITTED
    week.submitted_at = now
    # A resubmission waits for a new review: the last one no longer speaks for it.
    _clear_review(week)
    week.save(update_fields=["status", "submitted_at", *REVIEW_FIELDS])
    WeekEvent.objects.create(
        week=week,
        action=WeekEventAction.SUBMITTED,
        actor=student,
        actor_name=student.full_name or student.email,
        created_at=now,
    )
    audit_saved(week, before=before)
    home_forget_students([placement.student_id])  # the week waits on their home
    # Through the outbox: the requests commit with the week, and a broker
    # outage delays the e-mails instead of failing the submission.
    week_signoff_requests_queue(week=week)
    return week


def week_signoff_requests_queue(*, week: Week) -> int:
    """Queue the e-mail to the supervisor who signs off a just-submitted week.

    Called inside ``week_submit``'s transaction. The key names the submission's
    time: a resubmission after a return is a new request. ``notify`` leaves out a
    supervisor who may no longer sign the week off (one who left the environment).
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


def _review(
    *,
    week: Week,
    action: WeekEventAction,
    reviewer: User | None,
    reviewer_name: str,
    comment: str,
    via_link: bool,
) -> Week:
    week = Week.objects.select_for_update().get(pk=week.pk)
    if week.status != WeekStatus.SUBMITTED:
        raise WeekError("not_submitted")
    before = audit_before(week)
    now = timezone.now()
    entry_status = (
        EntryStatus.APPROVED if action == WeekEventAction.APPROVED else EntryStatus.RETURNED
    )
    _week_entries(week.placement, week.start).filter(status=EntryStatus.SUBMITTED).update(
        status=entry_status, updated_at=now
    )
    week.status = WeekStatus.APPROVED if action == WeekEventAction.APPROVED else WeekStatus.RETURNED
    week.reviewed_at = now
    week.reviewer = reviewer
    week.reviewer_name = reviewer_name
    week.comment = comment
    week.save(update_fields=["status", "reviewed_at", "reviewer", "reviewer_name", "comment"])
    event = WeekEvent.objects.create(
        week=week,
        action=action,
        actor=reviewer,
        actor_name=reviewer_name,
        via_link=via_link,
        comment=comment,
        created_at=now,
    )
    audit_saved(week, before=before)
    home_forget_students([week.placement.student_id])  # no longer waiting
    # The student hears of it: one message per review (the key names its history step).
    notify(
        recipient=week.placement.student,
        kind=Kind.WEEK_RETURNED if action == WeekEventAction.RETURNED else Kind.WEEK_APPROVED,
        dedupe_key=f"week_review:{event.pk}",
        payload={"week": week.pk, "placement": week.placement_id, "event": event.pk},
    )
    return week


@transaction.atomic
def week_approve(
    *,
    week: Week,
    reviewer: User | None,
    reviewer_name: str = "",
    comment: str = "",
    via_link: bool = False,
) -> Week:
    """Approve a submitted week: its entries are locked."""
    name = reviewer_name or (reviewer.full_name if reviewer else "")
    return _review(
        week=week,
        action=WeekEventAction.APPROVED,
        reviewer=reviewer,
        reviewer_name=name,
        comment=comment,
        via_link=via_link,
    )


@transaction.atomic
def week_return(
    *,
    week: Week,
    reviewer: User | None,
    comment: str,
    reviewer_name: str = "",
    via_link: bool = False,
) -> Week:
    """Send a submitted week back to the student with a comment."""
    if not comment.strip():
        raise WeekError("comment_required")
    name = reviewer_name or (reviewer.full_name if reviewer else "")
    return _review(
        week=week,
        action=WeekEventAction.RETURNED,
        reviewer=reviewer,
        reviewer_name=name,
        comment=comment,
        via_link=via_link,
    )


def _actor_name(user: User) -> str:
    return user.full_name or user.email


@transaction.atomic
def week_approval_undo(*, week: Week, reviewer: User) -> Week:
    """Take back an approval just given (see ``APPROVAL_UNDO_WINDOW``): the week
    waits for sign-off again, as submitted."""
    week = Week.objects.select_for_update().select_related("placement").get(pk=week.pk)
    now = timezone.now()
    if not week.approval_undoable_by(reviewer, now=now):
        raise WeekError("not_undoable")
    before = audit_before(week)
    # A signed-off week took no new entries: all its approved entries are this approval's.
    _week_entries(week.placement, week.start).filter(status=EntryStatus.APPROVED).update(
        status=EntryStatus.SUBMITTED, updated_at=now
    )
    week.status = WeekStatus.SUBMITTED
    _clear_review(week)
    week.save(update_fields=["status", *REVIEW_FIELDS])
    WeekEvent.objects.create(
        week=week,
        action=WeekEventAction.APPROVAL_UNDONE,
        actor=reviewer,
        actor_name=_actor_name(reviewer),
        created_at=now,
    )
    audit_saved(week, before=before)
    home_forget_students([week.placement.student_id])  # waiting again
    return week


@transaction.atomic
def week_reopen_request(*, week: Week, student: User, reason: str) -> Week:
    """The student asks to reopen a signed-off week (an activity was forgotten). The
    request waits on the sign-off queue of the supervisor who signs off, who reopens
    the week (:func:`week_reopen`) or declines (:func:`week_reopen_decline`)."""
    week = Week.objects.select_for_update().select_related("placement").get(pk=week.pk)
    if week.status != WeekStatus.APPROVED:
        raise WeekError("not_approved")
    if week.reopen_requested_at is not None:
        raise WeekError("reopen_pending")
    if not reason.strip():
        raise WeekError("reason_required")
    # Only a supervisor with an account sees the queue the request waits on.
    if not week.placement.assignments.signing_off().filter(supervisor__isnull=False).exists():
        raise WeekError("reopen_needs_account")
    now = timezone.now()
    week.reopen_requested_at = now
    week.save(update_fields=["reopen_requested_at"])
    WeekEvent.objects.create(
        week=week,
        action=WeekEventAction.REOPEN_REQUESTED,
        actor=student,
        actor_name=_actor_name(student),
        comment=reason,
        created_at=now,
    )
    return week


def _pending_reopen(week: Week) -> Week:
    week = Week.objects.select_for_update().select_related("placement").get(pk=week.pk)
    if week.status != WeekStatus.APPROVED or week.reopen_requested_at is None:
        raise WeekError("no_reopen_request")
    return week


@transaction.atomic
def week_reopen(*, week: Week, reviewer: User, comment: str = "") -> Week:
    """Agree to the student's request: the signed-off entries become drafts again,
    and the week takes new entries until the student resubmits it."""
    week = _pending_reopen(week)
    before = audit_before(week)
    now = timezone.now()
    _week_entries(week.placement, week.start).filter(status=EntryStatus.APPROVED).update(
        status=EntryStatus.DRAFT, updated_at=now
    )
    week.status = WeekStatus.REOPENED
    week.reopen_requested_at = None
    week.reviewed_at = now
    week.reviewer = reviewer
    week.reviewer_name = _actor_name(reviewer)
    week.comment = comment
    week.save(
        update_fields=[
            "status",
            "reopen_requested_at",
            "reviewed_at",
            "reviewer",
            "reviewer_name",
            "comment",
        ]
    )
    WeekEvent.objects.create(
        week=week,
        action=WeekEventAction.REOPENED,
        actor=reviewer,
        actor_name=week.reviewer_name,
        comment=comment,
        created_at=now,
    )
    audit_saved(week, before=before)
    home_forget_students([week.placement.student_id])  # no longer signed off
    return week


@transaction.atomic
def week_reopen_decline(*, week: Week, reviewer: User, comment: str) -> Week:
    """Decline the student's request, saying why: the week stays signed off."""
    if not comment.strip():
        raise WeekError("reason_required")
    week = _pending_reopen(week)
    now = timezone.now()
    week.reopen_requested_at = None
    week.save(update_fields=["reopen_requested_at"])
    WeekEvent.objects.create(
        week=week,
        action=WeekEventAction.REOPEN_DECLINED,
        actor=reviewer,
        actor_name=_actor_name(reviewer),
        comment=comment,
        created_at=now,
    )
    return week


@transaction.atomic
def placement_save(*, placement: Placement, signoff: dict[str, Any] | None) -> Placement:
    """Save a placement and, when given, who signs off its hours (through
    :func:`assignment_save`, which keeps the one-signer rule)."""
    before = audit_before(placement)
    placement.save()
    audit_saved(placement, before=before)
    home_forget_students([placement.student_id, before.student_id if before else None])
    if signoff is None:
        return placement
    assignments = placement.assignments.order_by("pk")
    signer = assignments.filter(signs_off=True).first()
    chosen = signoff["supervisor"]
    # Someone already assigned in another capacity signs off in that assignment.
    existing = assignments.filter(supervisor=chosen).first() if chosen is not None else None
    if existing is not None:
        signer = existing
    if signer is None:
        signer = SupervisionAssignment(placement=placement, **signoff)
    else:
        fields = dict(signoff)
        if signer.supervisor == chosen and (chosen is not None or signer.email == signoff["email"]):
            # The same person keeps the role they have (a school trainer stays one).
            fields.pop("role")
        for name, value in fields.items():
            setattr(signer, name, value)
    signer.signs_off = True
    assignment_save(assignment=signer)
    return placement


class AssignmentError(Exception):
    """An assignment that breaks a rule; the message code is for the view."""


@transaction.atomic
def assignment_save(*, assignment: SupervisionAssignment) -> SupervisionAssignment:
    """Create or change an assignment: the one service for it.

    At most one assignment of a placement signs off hours (the database says so too:
    ``assignment_one_signer_per_placement``); choosing it here takes it from the one
    that had it.
    """
    # Serialises changes to one placement's assignments (the sign-off moves safely).
    placement = Placement.objects.select_for_update().get(pk=assignment.placement_id)
    before = audit_before(assignment)
    supervisor = assignment.supervisor
    if supervisor is None and not assignment.email:
        raise AssignmentError("no_supervisor")
    if (
        supervisor is not None
        and not supervisor.memberships.filter(
            environment_id=placement.environment_id, role__in=SUPERVISOR_ROLES, is_active=True
        ).exists()
    ):
        raise AssignmentError("other_environment")
    if supervisor is not None:
        assignment.name = ""
        assignment.email = ""
    twins = SupervisionAssignment.objects.filter(placement=placement, role=assignment.role)
    if supervisor is not None:
        twins = twins.filter(supervisor=supervisor)
    else:
        twins = twins.filter(supervisor__isnull=True, email__iexact=assignment.email)
    if assignment.pk:
        twins = twins.exclude(pk=assignment.pk)
    if twins.exists():
        raise AssignmentError("duplicate")
    if assignment.signs_off:
        others = SupervisionAssignment.objects.filter(placement=placement, signs_off=True)
        if assignment.pk:
            others = others.exclude(pk=assignment.pk)
        # One by one (one or two rows): each change reaches the audit trail, and the
        # supervisor's navigation forgets its "Sign off" link.
        for other in others:
            other_before = audit_before(other)
            other.signs_off = False
            other.save(update_fields=["signs_off"])
            audit_saved(other, before=other_before)
            navigation_forget(other.supervisor_id)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as error:
        raise AssignmentError("duplicate") from error
    audit_saved(assignment, before=before)
    # Their "Sign off" link and supervisor's home; a replaced supervisor loses the
    # student, and the student's other supervisors see who else supervises them.
    previous = before.supervisor_id if before is not None else None
    navigation_forget(assignment.supervisor_id, previous)
    home_forget_supervisors([assignment.supervisor_id, previous])
    home_forget_students([placement.student_id])
    # A new supervisor (or a new assignment): the student and the supervisor hear of it.
    if assignment.supervisor is not None and assignment.supervisor_id != previous:
        for recipient in (placement.student, assignment.supervisor):
            notify(
                recipient=recipient,
                kind=Kind.SUPERVISION_ASSIGNED,
                dedupe_key=(
                    f"supervision_assigned:{assignment.pk}:{assignment.supervisor_id}"
                    f":{recipient.pk}"
                ),
                payload={"placement": placement.pk, "assignment": assignment.pk},
            )
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: SupervisionAssignment) -> None:
    audit_deleted(assignment)
    navigation_forget(assignment.supervisor_id)
    home_forget_supervisors([assignment.supervisor_id])
    home_forget_students([assignment.placement.student_id])
    assignment.delete()
