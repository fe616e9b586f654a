"""Workflows of supervision: who supervises a placement, the environment's agreement,
meeting notes and the time professionals invest."""

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from accounts.models import Role
from accounts.navigation import navigation_forget
from environments.models import Domain
from placements.models import Placement
from supervision.models import (
    MeetingNote,
    ResponsibilityAgreement,
    SupervisionAssignment,
    SupervisionRole,
    TimeLog,
)

# Memberships that make someone a professional who may supervise in an environment.
SUPERVISOR_ROLES = [Role.PRACTICE_SUPERVISOR, Role.SCHOOL_TRAINER, Role.INSTITUTE_SUPERVISOR]


class AssignmentError(Exception):
    """An assignment that breaks a rule; the message code is for the view."""


def is_own_domain(assignment: SupervisionAssignment, student_domain: str) -> bool:
    """A practice supervisor of the student's domain (a school trainer counts in education)."""
    if assignment.domain != student_domain:
        return False
    return assignment.role == SupervisionRole.PRACTICE or (
        assignment.role == SupervisionRole.SCHOOL_TRAINER and student_domain == Domain.EDUCATIONAL
    )


def own_domain_supervision() -> Exists:
    """For a Placement queryset: its student has a practice supervisor of their own domain.

    The SQL form of :func:`is_own_domain`; the two must agree.
    """
    return Exists(
        SupervisionAssignment.objects.filter(
            placement=OuterRef("pk"), domain=OuterRef("programme__domain")
        ).filter(
            Q(role=SupervisionRole.PRACTICE)
            | Q(role=SupervisionRole.SCHOOL_TRAINER, domain=Domain.EDUCATIONAL)
        )
    )


@transaction.atomic
def assignment_save(*, assignment: SupervisionAssignment) -> SupervisionAssignment:
    """Create or change an assignment. At most one assignment of a placement signs off
    hours: choosing it here takes it from the one that had it."""
    # Serialises changes to one placement's assignments (the sign-off moves safely).
    placement = Placement.objects.select_for_update().get(pk=assignment.placement_id)
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
            other.signs_off = False
            other.save(update_fields=["signs_off"])
            navigation_forget(other.supervisor_id)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as error:
        raise AssignmentError("duplicate") from error
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: SupervisionAssignment) -> None:
    assignment.delete()


@transaction.atomic
def agreement_save(*, agreement: ResponsibilityAgreement) -> ResponsibilityAgreement:
    agreement.save()
    return agreement


@transaction.atomic
def meeting_note_save(*, note: MeetingNote) -> MeetingNote:
    note.save()
    return note


@transaction.atomic
def meeting_note_delete(*, note: MeetingNote) -> None:
    note.delete()


@transaction.atomic
def time_log_save(*, entry: TimeLog) -> TimeLog:
    entry.save()
    return entry


@transaction.atomic
def time_log_delete(*, entry: TimeLog) -> None:
    entry.delete()
