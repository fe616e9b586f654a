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

    loaded = SimpleLazyObject(lambda: navigation_for(user))
    return {
        "nav_environments": SimpleLazyObject(lambda: loaded.environments),
        "nav_signs_off": SimpleLazyObject(lambda: loaded.signs_off),
        "nav_supervisor_home": SimpleLazyObject(lambda: loaded.supervisor_home),
        "nav_unread": SimpleLazyObject(lambda: loaded.unread),
    }
