"""Who may see and change application rounds and applications. First line of every
view: outsiders get 404 (existence is not leaked), members without the right 403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Role, User
from allocation.models import Application, ApplicationRound, ComplianceItem
from placements.models import Placement


def round_for(
    user: User, pk: int, *, manage: bool = False, apply: bool = False
) -> ApplicationRound:
    """A round of one of the user's environments.

    ``manage``: the user coordinates the round's environment (the proposal page).
    ``apply``: the user is a student there (their own application).
    """
    round = (
        ApplicationRound.objects.visible_to(user)
        .select_related("environment")
        .filter(pk=pk)
        .first()
    )
    if round is None:
        raise Http404
    if manage and not user.is_coordinator_of(round.environment):
        raise PermissionDenied
    if (
        apply
        and not user.memberships.filter(
            environment=round.environment, role=Role.STUDENT, is_active=True
        ).exists()
    ):
        raise PermissionDenied
    return round


def application_to_confirm(user: User, pk: int) -> Application:
    """An application the user confirms as the institute supervisor of its programme's
    institute; others who may see it (the student, coordinators) 403."""
    application = (
        Application.objects.visible_to(user)
        .select_related("round__environment", "programme__institute", "student")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    if not user.memberships.filter(
        environment=application.round.environment,
        role=Role.INSTITUTE_SUPERVISOR,
        organisation=application.programme.institute,
        is_active=True,
    ).exists():
        raise PermissionDenied
    return application


def compliance_item_for(user: User, pk: int) -> ComplianceItem:
    """An item of a placement the user may see; only the environment's coordinators
    keep it (others who see the placement 403)."""
    item = (
        ComplianceItem.objects.select_related(
            "placement__environment", "placement__student", "requirement"
        )
        .filter(pk=pk, placement__in=Placement.objects.visible_to(user))
        .first()
    )
    if item is None:
        raise Http404
    if not user.is_coordinator_of(item.placement.environment):
        raise PermissionDenied
    return item


# Who sees the applicants proposed to their organisation: its supervisors (colleagues
# see nothing about individual students).
HOST_ROLES = (Role.PRACTICE_SUPERVISOR, Role.SCHOOL_TRAINER)


def host_organisations(user: User, round: ApplicationRound) -> list[int]:
    """The hosts of the round's environment the user supervises for (active
    membership); 403 for members who supervise for none."""
    hosts = list(
        user.memberships.filter(
            environment_id=round.environment_id,
            role__in=HOST_ROLES,
            is_active=True,
            organisation__isnull=False,
        ).values_list("organisation_id", flat=True)
    )
    if not hosts:
        raise PermissionDenied
    return hosts
