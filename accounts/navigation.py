"""The cache key of a user's navigation, and forgetting it.

What the navigation shows (``ulvo.navigation``) is kept in the cache per user. The
services that change its answer forget the user's entry in their bodies
(:func:`navigation_forget`): memberships (``accounts.services``), supervision
assignments (``placements.services``), core-team seats
(``learning_networks.services``), notifications and reading them
(``notifications.services``); changes made in the admin site, by ``ulvo.receivers``.
The key lives this low so that every one of them may call it; anything else is at
most ``ulvo.navigation.NAV_SECONDS`` old. The navigation only offers links: every
view still checks access itself.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction


def navigation_key(user_id: int) -> str:
    # v2: the navigation carries its version (the rendered menu's key).
    return f"ulvo:nav:v2:{user_id}"


def navigation_forget(*user_ids: int | None) -> None:
    """Drop these users' navigation after the current transaction commits."""
    keys = {navigation_key(pk) for pk in user_ids if pk is not None}
    if keys:
        transaction.on_commit(lambda: cache.delete_many(list(keys)))


def navigation_forget_now(user_id: int | None) -> None:
    """Drop a user's navigation at once, for a change whose commit hooks are not ours
    to add to (the outbox's: a count read before the commit is at most
    ``NAV_SECONDS`` old)."""
    if user_id is not None:
        cache.delete(navigation_key(user_id))
