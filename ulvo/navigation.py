"""What the navigation shows a user, computed once and kept in the cache.

Every page's layout needs the user's environments (with the coordinator's links),
whether they sign off hours, whether they have a supervisor's home, and their
unread notifications. Asked of the database, that is two queries and their ORM
work on every page, the largest part of a small page's time; from the cache it is
one read. The answer gathers memberships, supervision assignments, core-team seats
and notifications, so it is computed here, above the apps it reads; its cache key,
and forgetting it when one of those changes, are in ``accounts.navigation``, low
enough for every service that changes them. Anything else is at most
``NAV_SECONDS`` old. The navigation only offers links: every view still checks
access itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.models import Membership, Role
from accounts.navigation import navigation_key
from learning_networks.models import NetworkMembership
from notifications.models import Notification
from placements.models import SUPERVISOR_ROLES, SupervisionAssignment

NAV_SECONDS = 60


@dataclass(frozen=True)
class NavEnvironment:
    pk: int
    name: str


@dataclass(frozen=True)
class NavEntry:
    environment: NavEnvironment
    is_coordinator: bool


@dataclass(frozen=True)
class Navigation:
    environments: tuple[NavEntry, ...]
    signs_off: bool
    supervisor_home: bool
    unread: int


def navigation_for(user: Any) -> Navigation:
    navigation = cache.get(navigation_key(user.pk))
    if navigation is None:
        navigation = _compute(user)
        # The test settings set 0 (not cached), so query counts do not depend on the
        # order of requests; tests/dashboards/test_navigation.py turns it on.
        seconds = getattr(settings, "ULVO_NAV_CACHE_SECONDS", NAV_SECONDS)
        cache.set(navigation_key(user.pk), navigation, seconds)
    return navigation


def _compute(user: Any) -> Navigation:
    entries: dict[int, NavEntry] = {}
    signs_off = supervisor_home = False
    # Per active membership: supervision counts only in the environment one is still in
    # (SupervisionAssignment.objects.active_for), so a leaver gets no "Sign off" link.
    mine = SupervisionAssignment.objects.filter(
        supervisor=OuterRef("user"), placement__environment=OuterRef("environment")
    )
    memberships = (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("environment")
        .annotate(
            signs_off=Exists(mine.filter(signs_off=True)),
            supervises=Exists(mine),
            core_team=Exists(
                NetworkMembership.objects.filter(
                    user=OuterRef("user"),
                    network__environment=OuterRef("environment"),
                    core_team=True,
                )
            ),
        )
        .order_by("environment__name", "environment__school_year")
    )
    for membership in memberships:
        signs_off = signs_off or membership.signs_off
        supervisor_home = supervisor_home or (
            membership.role in SUPERVISOR_ROLES or membership.supervises or membership.core_team
        )
        coordinates = membership.role == Role.COORDINATOR
        entry = entries.get(membership.environment_id)
        if entry is None or (coordinates and not entry.is_coordinator):
            entries[membership.environment_id] = NavEntry(
                NavEnvironment(membership.environment_id, membership.environment.name),
                coordinates or (entry is not None and entry.is_coordinator),
            )
    unread = Notification.objects.for_user(user).unread().count()
    return Navigation(tuple(entries.values()), signs_off, supervisor_home, unread)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The context processor: the user's environments with the roles held in each,
    whether they sign off hours, have a supervisor's home, and how many
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
