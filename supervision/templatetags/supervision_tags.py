from typing import Any

from django import template
from django.db.models import Exists, Q

from accounts.models import Membership
from learning_networks.models import NetworkMembership
from supervision.models import SupervisionAssignment
from supervision.services import SUPERVISOR_ROLES

register = template.Library()


@register.simple_tag(takes_context=True)
def has_supervisor_home(context: dict[str, Any]) -> bool:
    """Whether the user supervises a student, or holds a professional role or core-team
    seat (their hours are logged from the supervisor's home). Once per request."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    cached = getattr(request, "_ulvo_supervisor_home", None)
    if cached is None:
        cached = (
            Membership.objects.filter(user=user, is_active=True)
            .filter(
                Q(role__in=SUPERVISOR_ROLES)
                | Q(Exists(SupervisionAssignment.objects.filter(supervisor=user)))
                | Q(Exists(NetworkMembership.objects.filter(user=user, core_team=True)))
            )
            .exists()
        )
        request._ulvo_supervisor_home = cached
    return bool(cached)
