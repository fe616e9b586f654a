"""Who may see and change supervision, meeting notes and logged time.

First line of every view of the app.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Membership, Role, User
from environments.access import environment_for
from environments.models import LearningEnvironment, Organisation
from learning_networks.models import NetworkMembership
from placements.access import placement_for
from placements.models import SUPERVISOR_ROLES, Placement, SupervisionAssignment
from supervision.models import MeetingNote, TimeLog


def assignment_for(user: User, pk: int) -> SupervisionAssignment:
    """An assignment its environment's coordinator may change.

    Outsiders get 404; others who may see the placement get 403.
    """
    assignment = (
        SupervisionAssignment.objects.select_related(
            "supervisor", "placement__student", "placement__programme", "placement__environment"
        )
        .filter(pk=pk, placement__in=Placement.objects.visible_to(user))
        .first()
    )
    if assignment is None:
        raise Http404
    if not user.is_coordinator_of(assignment.placement.environment):
        raise PermissionDenied
    return assignment


def supervised_placement_for(user: User, pk: int) -> Placement:
    """A placement the user supervises (to write meeting notes).

    Outsiders get 404; others who may see the placement (its student, coordinators) 403.
    """
    placement = placement_for(user, pk)
    if not placement.assignments.filter(supervisor=user).exists():
        raise PermissionDenied
    return placement


def meeting_note_for(user: User, pk: int, *, write: bool = False) -> MeetingNote:
    """A meeting note its author or the placement's student may see; 404 for everyone
    else. ``write``: only its author, while still supervising the placement (403)."""
    note = (
        MeetingNote.objects.visible_to(user)
        .select_related("placement__student", "placement__programme", "author")
        .filter(pk=pk)
        .first()
    )
    if note is None:
        raise Http404
    if write and (
        note.author_id != user.pk or not note.placement.assignments.filter(supervisor=user).exists()
    ):
        raise PermissionDenied
    return note


def time_organisations(user: User, environment: LearningEnvironment) -> list[Organisation]:
    """The organisations a professional works for in an environment, when they may log
    time there: a supervisor's role, or a core-team seat in one of its networks."""
    memberships = Membership.objects.filter(
        user=user, environment=environment, is_active=True, organisation__isnull=False
    ).exclude(role=Role.STUDENT)
    core_team = NetworkMembership.objects.filter(
        user=user, core_team=True, network__environment=environment
    )
    if not (memberships.filter(role__in=SUPERVISOR_ROLES).exists() or core_team.exists()):
        return []
    organisations = {
        m.organisation_id: m.organisation for m in memberships.select_related("organisation")
    }
    return sorted(
        (org for org in organisations.values() if org is not None), key=lambda org: org.name
    )


def time_environments(user: User) -> list[LearningEnvironment]:
    """Where the user may log time, by the rules of :func:`time_organisations` (two
    queries, whatever the number of environments)."""
    memberships = list(
        Membership.objects.filter(user=user, is_active=True, organisation__isnull=False)
        .exclude(role=Role.STUDENT)
        .select_related("environment")
    )
    core_team = set(
        NetworkMembership.objects.filter(user=user, core_team=True).values_list(
            "network__environment_id", flat=True
        )
    )
    environments = {
        m.environment_id: m.environment
        for m in memberships
        if m.role in SUPERVISOR_ROLES or m.environment_id in core_team
    }
    return sorted(environments.values(), key=lambda env: (env.name, env.school_year))


def environment_to_log_time(user: User, pk: int) -> tuple[LearningEnvironment, list[Organisation]]:
    """An environment where the user logs their hours, with the organisations to log for.

    Outsiders get 404; members who are neither supervisor nor core team (students,
    coordinators only) 403.
    """
    environment = environment_for(user, pk)
    organisations = time_organisations(user, environment)
    if not organisations:
        raise PermissionDenied
    return environment, organisations


def time_log_for(user: User, pk: int) -> TimeLog:
    """One's own logged time; anyone else's does not exist for the user (404)."""
    entry = (
        TimeLog.objects.visible_to(user)
        .select_related("environment", "organisation")
        .filter(pk=pk, environment__in=LearningEnvironment.objects.visible_to(user))
        .first()
    )
    if entry is None:
        raise Http404
    return entry
