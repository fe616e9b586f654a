"""Who may see and change placements, entries and weeks. First line of every view."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from environments.access import environment_for
from environments.models import LearningEnvironment
from placements.models import ActivityEntry, Placement, SupervisionAssignment, Week

PLACEMENT_RELATED = ("student", "programme", "environment", "school", "neighbourhood_organisation")


def placement_for(
    user: User,
    pk: int,
    *,
    log: bool = False,
    manage: bool = False,
    related: tuple[str, ...] = PLACEMENT_RELATED,
) -> Placement:
    """Fetch a placement the user may see; 404 for outsiders.

    ``log``: the user must be the placement's student (to log and submit activities).
    ``manage``: the user must coordinate the placement's environment.
    ``related``: what the page shows of it, joined in the same query (a page that
    needs less saves the planning of the other joins).
    """
    placement = Placement.objects.select_related(*related).filter(pk=pk).first()
    # The student's own placement, the most visited, needs no further query;
    # anyone else is checked against visible_to(), the one definition of who sees it.
    if placement is None or (
        placement.student_id != user.pk
        and not Placement.objects.visible_to(user).filter(pk=placement.pk).exists()
    ):
        raise Http404
    if log and placement.student_id != user.pk:
        raise PermissionDenied
    if manage and not user.is_coordinator_of(placement.environment):
        raise PermissionDenied
    return placement


def entry_for(user: User, pk: int) -> ActivityEntry:
    """An activity entry its student may change: draft or returned, own placement."""
    entry = (
        ActivityEntry.objects.select_related("placement")
        .filter(pk=pk, placement__in=Placement.objects.visible_to(user))
        .first()
    )
    if entry is None:
        raise Http404
    if entry.placement.student_id != user.pk or not entry.is_editable:
        raise PermissionDenied
    return entry


def may_sign_off(user: User, placement: Placement) -> bool:
    return (
        SupervisionAssignment.objects.active_for(user)
        .signing_off()
        .filter(placement=placement)
        .exists()
    )


def week_for_review(user: User, pk: int) -> Week:
    """A week the user signs off; others who may see the placement get 403."""
    week = (
        Week.objects.select_related(
            "placement__student", "placement__programme", "placement__environment"
        )
        .filter(pk=pk, placement__in=Placement.objects.visible_to(user))
        .first()
    )
    if week is None:
        raise Http404
    if not may_sign_off(user, week.placement):
        raise PermissionDenied
    return week


def environment_to_manage(user: User, pk: int) -> LearningEnvironment:
    return environment_for(user, pk, manage=True)
