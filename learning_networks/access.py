"""Who may see and change learning networks and their sessions. First line of every view."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from learning_networks.models import (
    Attendance,
    LearningNetwork,
    NetworkSession,
    SessionStatus,
)


def manages_network(user: User, network: LearningNetwork) -> bool:
    """Core-team members manage their network; coordinators every network of their environment."""
    return network.memberships.filter(user=user, core_team=True).exists() or user.is_coordinator_of(
        network.environment
    )


def network_for(user: User, pk: int, *, manage: bool = False) -> LearningNetwork:
    """A network the user belongs to (or coordinates); 404 for outsiders, 403 when
    ``manage`` is asked of someone outside the core team."""
    network = (
        LearningNetwork.objects.visible_to(user).select_related("environment").filter(pk=pk).first()
    )
    if network is None:
        raise Http404
    if manage and not manages_network(user, network):
        raise PermissionDenied
    return network


def session_for(
    user: User, pk: int, *, manage: bool = False, roster: bool = False
) -> NetworkSession:
    """A session of a network the user may see, or one they are a guest of (invited
    in person or with their organisation: a colleague at a host).

    ``manage``: core team or coordinator (plan and edit).
    ``roster``: also the session's facilitators (register attendance).
    """
    session = (
        NetworkSession.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("network__environment", "line", "location")
        .first()
    )
    if session is None:
        raise Http404
    is_facilitator = session.facilitators.filter(pk=user.pk).exists()
    may_manage = manages_network(user, session.network)
    # A draft is the planners' business: to anyone else it does not exist yet.
    if session.status == SessionStatus.DRAFT and not (may_manage or is_facilitator):
        raise Http404
    if manage and not may_manage:
        raise PermissionDenied
    if roster and not (is_facilitator or may_manage):
        raise PermissionDenied
    return session


def attendance_for(user: User, session: NetworkSession) -> Attendance:
    """The user's own invitation to a session; 403 when they were not invited."""
    attendance = Attendance.objects.filter(session=session, user=user).first()
    if attendance is None:
        raise PermissionDenied
    return attendance
