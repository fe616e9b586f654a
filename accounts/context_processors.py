from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.models import Membership, Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The user's environments for the navigation, with the roles held in each.

    Lazy: a page that shows no navigation runs no query for it.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def environments() -> list[dict[str, Any]]:
        entries: dict[int, dict[str, Any]] = {}
        memberships = (
            Membership.objects.filter(user=user, is_active=True)
            .select_related("environment")
            .order_by("environment__name", "environment__school_year")
        )
        for membership in memberships:
            entry = entries.setdefault(
                membership.environment_id,
                {"environment": membership.environment, "is_coordinator": False},
            )
            if membership.role == Role.COORDINATOR:
                entry["is_coordinator"] = True
        return list(entries.values())

    def signs_off() -> bool:
        from supervision.models import SupervisionAssignment

        return SupervisionAssignment.objects.filter(supervisor=user, signs_off=True).exists()

    return {
        "nav_environments": SimpleLazyObject(environments),
        "nav_signs_off": SimpleLazyObject(signs_off),
    }
