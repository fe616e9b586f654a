"""Who may change a placement's supervision. First line of every view that does."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from placements.models import Placement
from supervision.models import SupervisionAssignment


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
