"""What the navigation shows a user, computed once and kept in the cache.

Every page's layout needs the user's environments (with the coordinator's links),
whether they sign off hours, whether they have a supervisor's home, and their
unread notifications. Asked of the database, that is two queries and their ORM
work on every page, the largest part of a small page's time; from the cache it is
one read. Changes that alter the answer forget the user's entry (the receivers
below and ``navigation_forget``); anything else is at most ``NAV_SECONDS`` old.
The navigation only offers links: every view still checks access itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_delete, post_save

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


def navigation_key(user_id: int) -> str:
    return f"ulvo:nav:v1:{user_id}"


def navigation_for(user: Any) -> Navigation:
    navigation = cache.get(navigation_key(user.pk))
    if navigation is None:
        navigation = _compute(user)
        # The test settings set 0 (not cached), so query counts do not depend on the
        # order of requests; tests/dashboards/test_navigation.py turns it on.
        seconds = getattr(settings, "ULVO_NAV_CACHE_SECONDS", NAV_SECONDS)
        cache.set(navigation_key(user.pk), navigation, seconds)
    return navigation


def navigation_forget(user_id: int | None) -> None:
    """Drop a user's navigation after the current transaction commits."""
    if user_id is not None:
        transaction.on_commit(lambda: cache.delete(navigation_key(user_id)))


def _compute(user: Any) -> Navigation:
    from accounts.models import Membership, Role
    from learning_networks.models import NetworkMembership
    from notifications.models import Notification
    from placements.models import SUPERVISOR_ROLES, SupervisionAssignment

    entries: dict[int, NavEntry] = {}
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
        coordinates = membership.role == Role.COORDINATOR
        entry = entries.get(membership.environment_id)
        if entry is None or (coordinates and not entry.is_coordinator):
            entries[membership.environment_id] = NavEntry(
                NavEnvironment(membership.environment_id, membership.environment.name),
                coordinates or (entry is not None and entry.is_coordinator),
            )
    unread = Notification.objects.for_user(user).unread().count()
    return Navigation(tuple(entries.values()), signs_off, supervisor_home, unread)


def _forget_user(sender: Any, instance: Any, **kwargs: Any) -> None:
    navigation_forget(getattr(instance, "user_id", None))


def _forget_supervisor(sender: Any, instance: Any, **kwargs: Any) -> None:
    navigation_forget(instance.supervisor_id)


def _forget_recipient(sender: Any, instance: Any, **kwargs: Any) -> None:
    # At once rather than on commit: the outbox's own commit hooks stay its own, and
    # a count read before the commit is at most NAV_SECONDS old.
    if instance.recipient_id is not None:
        cache.delete(navigation_key(instance.recipient_id))


def connect() -> None:
    from accounts.models import Membership
    from learning_networks.models import NetworkMembership
    from notifications.models import Notification
    from placements.models import SupervisionAssignment

    for signal in (post_save, post_delete):
        signal.connect(_forget_user, sender=Membership, dispatch_uid="nav-membership")
        signal.connect(_forget_user, sender=NetworkMembership, dispatch_uid="nav-network")
        signal.connect(
            _forget_supervisor, sender=SupervisionAssignment, dispatch_uid="nav-assignment"
        )
        signal.connect(_forget_recipient, sender=Notification, dispatch_uid="nav-notification")
