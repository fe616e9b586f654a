"""Last year's and next year's environment, for the environment page (which accounts
serves, below supervision in the import layers: the template asks for them here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django import template
from django.db.models import Q

from environments.models import LearningEnvironment
from supervision.models import Rollover

if TYPE_CHECKING:
    from accounts.models import User

register = template.Library()


@dataclass
class Years:
    previous: LearningEnvironment | None = None
    next: LearningEnvironment | None = None


@register.simple_tag
def rollover_years(environment: LearningEnvironment, user: User) -> Years:
    """The environment this one was started from and the one started from it, each
    only when the user is a member of it (two queries; one when there is none)."""
    rollovers = list(
        Rollover.objects.filter(Q(source=environment) | Q(target=environment))
        .select_related("source", "target")
        .order_by("-created_at")
    )
    if not rollovers:
        return Years()
    visible = set(
        LearningEnvironment.objects.visible_to(user)
        .filter(pk__in={r.source_id for r in rollovers} | {r.target_id for r in rollovers})
        .values_list("pk", flat=True)
    )
    years = Years()
    for rollover in rollovers:
        if rollover.target_id == environment.pk and rollover.source_id in visible:
            years.previous = years.previous or rollover.source
        elif rollover.source_id == environment.pk and rollover.target_id in visible:
            years.next = years.next or rollover.target
    return years
