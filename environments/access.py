from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from environments.models import LearningEnvironment

if TYPE_CHECKING:
    from accounts.models import User


def environment_for(user: User, pk: int, *, manage: bool = False) -> LearningEnvironment:
    """Fetch an environment the user belongs to.

    Outsiders get 404 (existence is not leaked); members who may not manage it
    get 403 when ``manage`` is asked for (coordinators only).
    """
    environment = LearningEnvironment.objects.visible_to(user).filter(pk=pk).first()
    if environment is None:
        raise Http404
    if manage and not user.is_coordinator_of(environment):
        raise PermissionDenied
    return environment
