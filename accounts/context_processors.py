from typing import Any

from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.models import Membership, Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The user's environments for the navigation, with the roles held in each,
    whether they sign off anyone's hours and whether they have a supervisor's home.

    Lazy, and one query for all: a page that shows no navigation runs none, every
    other page runs one (each query costs a page more than its SQL: compiling it and
    the round trip are most of a small page's time).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def load() -> dict[str, Any]:
        from learning_networks.models import NetworkMembership
        from supervision.models import SupervisionAssignment
        from supervision.services import SUPERVISOR_ROLES

        entries: dict[int, dict[str, Any]] = {}
        signs_off = supervisor_home = False
        mine = SupervisionAssignment.objects.filter(supervisor=OuterRef("user"))
        memberships = (
            Membership.objects.filter(user=user, is_active=True)
            .select_related("environment")
            .annotate(
                signs_off=Exists(mine.filter(signs_off=True)),
                supervises=Exists(mine),
                core_team=Exists(
                    NetworkMembership.objects.filter(user=OuterRef("user"), core_team=True)
                ),
            )
            .order_by("environment__name", "environment__school_year")
        )
        for membership in memberships:
            signs_off = signs_off or membership.signs_off
            supervisor_home = supervisor_home or (
                membership.role in SUPERVISOR_ROLES or membership.supervises or membership.core_team
            )
            entry = entries.setdefault(
                membership.environment_id,
                {"environment": membership.environment, "is_coordinator": False},
            )
            if membership.role == Role.COORDINATOR:
                entry["is_coordinator"] = True
        # supervision_tags.has_supervisor_home asks the same question later in the layout
        # and keeps its answer on the request: answered here, it costs no query of its own.
        request._ulvo_supervisor_home = supervisor_home  # type: ignore[attr-defined]
        return {"environments": list(entries.values()), "signs_off": signs_off}

    loaded = SimpleLazyObject(load)
    return {
        "nav_environments": SimpleLazyObject(lambda: loaded["environments"]),
        "nav_signs_off": SimpleLazyObject(lambda: loaded["signs_off"]),
    }
