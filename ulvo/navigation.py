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

The menu itself (templates/includes/navigation.html: about twenty links, each
reversed and translated) is kept rendered by base.html's ``{% cache %}`` for as long,
per user, language and browser session (its log-out form carries the CSRF token
made for the browser), under the digest of what it shows (``Navigation.version``:
a navigation computed afresh that differs is a new key) and which of its links is
the current page (``nav_current``, ``nav_current_pk``: what the menu marks with
``aria-current``). From the cache, a page's layout reads two keys and renders no
link.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.urls import ResolverMatch
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from accounts.models import Membership, Role
from accounts.navigation import navigation_key
from allocation.models import ApplicationRound
from learning_networks.models import NetworkMembership
from notifications.models import Notification
from placements.models import SUPERVISOR_ROLES, SupervisionAssignment

NAV_SECONDS = 60

# The menu's links that can be the current page, by view name; the coordination links
# are the current page only in their own environment (the URL's pk).
NAV_VIEWS = frozenset(
    {
        "home",
        "placements:list",
        "learning_networks:list",
        "practice:list",
        "knowledge:list",
        "allocation:index",
        "placements:signoff_queue",
        "supervision:home",
        "notifications:list",
        "learning_networks:unavailability",
        "dashboards:region",
    }
)
COORDINATION_VIEWS = frozenset(
    {
        "placements:environment_placements",
        "accounts:invitation_list",
        "dashboards:environment",
        "notifications:report_list",
        "accounts:audit_log",
        "people:list",
        "accounts:environment_settings",
    }
)


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
    # An application round of one of the user's environments has not closed yet.
    applications: bool = False
    # A digest of the fields above: part of the rendered menu's cache key.
    version: str = field(init=False)

    def __post_init__(self) -> None:
        shown = repr(
            (
                self.environments,
                self.signs_off,
                self.supervisor_home,
                self.unread,
                self.applications,
            )
        )
        digest = hashlib.blake2b(shown.encode(), digest_size=8).hexdigest()
        object.__setattr__(self, "version", digest)


def nav_seconds() -> int:
    """How long the navigation and its rendered menu are kept. The test settings set
    0 (not cached), so query counts do not depend on the order of requests;
    tests/dashboards/test_navigation.py turns it on."""
    return int(getattr(settings, "ULVO_NAV_CACHE_SECONDS", NAV_SECONDS))


def navigation_for(user: Any) -> Navigation:
    navigation = cache.get(navigation_key(user.pk))
    if navigation is None:
        navigation = _compute(user)
        cache.set(navigation_key(user.pk), navigation, nav_seconds())
    return navigation


def _compute(user: Any) -> Navigation:
    entries: dict[int, NavEntry] = {}
    signs_off = supervisor_home = applications = False
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
            rounds=Exists(
                ApplicationRound.objects.filter(
                    environment=OuterRef("environment"), closes_on__gte=timezone.localdate()
                )
            ),
        )
        .order_by("environment__name", "environment__school_year")
    )
    for membership in memberships:
        signs_off = signs_off or membership.signs_off
        applications = applications or membership.rounds
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
    return Navigation(
        tuple(entries.values()), signs_off, supervisor_home, unread, applications=applications
    )


def current_link(match: ResolverMatch | None) -> tuple[str, int | None]:
    """Which of the menu's links is the page being shown: its view name (the app's
    name for reflections, whose every page marks the link) and, for a coordination
    link, the environment's pk; empty for every other page, which therefore all share
    one rendered menu."""
    if match is None:
        return "", None
    if match.app_name == "reflections":
        return "reflections", None
    if match.view_name in NAV_VIEWS:
        return match.view_name, None
    if match.view_name in COORDINATION_VIEWS:
        return match.view_name, match.kwargs.get("pk")
    return "", None


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The context processor: the user's environments with the roles held in each,
    whether they sign off hours, have a supervisor's home, and how many
    notifications they have not read; the key of the rendered menu (its version, the
    current link) and how long it is kept.

    Lazy: a page that shows no navigation reads nothing; every other page reads it
    once, from the cache when it can.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    loaded = SimpleLazyObject(lambda: navigation_for(user))
    current, current_pk = current_link(getattr(request, "resolver_match", None))
    return {
        "nav_environments": SimpleLazyObject(lambda: loaded.environments),
        "nav_signs_off": SimpleLazyObject(lambda: loaded.signs_off),
        "nav_supervisor_home": SimpleLazyObject(lambda: loaded.supervisor_home),
        "nav_unread": SimpleLazyObject(lambda: loaded.unread),
        "nav_applications": SimpleLazyObject(lambda: loaded.applications),
        "nav_version": SimpleLazyObject(lambda: loaded.version),
        "nav_current": current,
        "nav_current_pk": current_pk,
        "nav_seconds": nav_seconds(),
    }
