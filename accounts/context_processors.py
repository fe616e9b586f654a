from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The user's navigation (accounts/navigation.py): environments with the roles
    held in each, whether they sign off hours, have a supervisor's home, and how many
    notifications they have not read.

    Lazy: a page that shows no navigation reads nothing; every other page reads it
    once, from the cache when it can.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def load() -> Any:
        loaded = navigation_for(user)
        # supervision_tags.has_supervisor_home asks the same question later in the
        # layout and keeps its answer on the request: answered here, it costs nothing.
        request._ulvo_supervisor_home = loaded.supervisor_home  # type: ignore[attr-defined]
        return loaded

    loaded = SimpleLazyObject(load)
    return {
        "nav_environments": SimpleLazyObject(lambda: loaded.environments),
        "nav_signs_off": SimpleLazyObject(lambda: loaded.signs_off),
        "nav_unread": SimpleLazyObject(lambda: loaded.unread),
    }
