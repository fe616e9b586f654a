"""The navigation's queries, its cache, and what it tells the layout."""

import re

import pytest
from django.db import connection
from django.db.models import Exists, Q
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from learning_networks.models import NetworkMembership
from placements.models import SUPERVISOR_ROLES, SupervisionAssignment
from tests.accounts.steps import activate_totp
from ulvo.navigation import navigation


@pytest.fixture(autouse=True)
def _navigation_cached(settings) -> None:
    """The test settings switch the cache off; here it is what is tested."""
    settings.ULVO_NAV_CACHE_SECONDS = 60


def has_supervisor_home(user) -> bool:
    """Asked of the database directly: a professional role, a supervision assignment or
    a core-team seat (their hours are logged from the supervisor's home)."""
    return (
        Membership.objects.filter(user=user, is_active=True)
        .filter(
            Q(role__in=SUPERVISOR_ROLES)
            | Q(Exists(SupervisionAssignment.objects.filter(supervisor=user)))
            | Q(Exists(NetworkMembership.objects.filter(user=user, core_team=True)))
        )
        .exists()
    )


def context_for(user) -> dict:
    request = RequestFactory().get("/")
    request.user = user
    return navigation(request)


@pytest.mark.parametrize(
    "role", ["student", "supervisor", "bystander", "coordinator", "outsider", "other_coordinator"]
)
def test_the_cached_navigation_agrees_with_the_database(cast, role) -> None:
    user = getattr(cast, role)
    expected = has_supervisor_home(user)

    context = context_for(user)
    with CaptureQueriesContext(connection) as captured:
        list(context["nav_environments"])
        bool(context["nav_signs_off"])
        str(context["nav_unread"])
        answer = bool(context["nav_supervisor_home"])
    # The memberships with their flags, and the unread count; then from the cache.
    assert len(captured) == 2
    with CaptureQueriesContext(connection) as captured:
        cached = context_for(user)
        list(cached["nav_environments"])
        assert bool(cached["nav_supervisor_home"]) == expected
    assert len(captured) == 0
    assert answer == expected
    assert bool(context["nav_signs_off"]) == (role == "supervisor")


def test_anonymous_visitors_get_no_navigation() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert context_for(AnonymousUser()) == {}


def test_coordinator_sees_the_dashboard_in_the_navigation(cast, client) -> None:
    client.force_login(cast.coordinator)
    body = client.get("/").content.decode()
    assert f"/leeromgevingen/{cast.environment.pk}/dashboard/" in body
    client.force_login(cast.student)
    assert "/dashboard/" not in client.get("/").content.decode()


# The navigation's unread badge (a role badge elsewhere on the page is not it).
UNREAD = re.compile(r'class="badge">\d+<span class="visually-hidden">')


def test_the_cached_navigation_follows_changes_at_once(
    cast, client, django_capture_on_commit_callbacks
) -> None:
    from accounts.models import Membership, Role
    from accounts.services import membership_save, membership_set
    from notifications.services import notifications_mark_read, notify

    client.force_login(cast.bystander)
    dashboard = f"/leeromgevingen/{cast.environment.pk}/dashboard/"
    assert dashboard not in client.get("/").content.decode()

    # Made coordinator (with the two-factor app coordinators need): the links are
    # there on the next page.
    activate_totp(cast.bystander)
    with django_capture_on_commit_callbacks(execute=True):
        membership_set(user=cast.bystander, environment=cast.environment, role=Role.COORDINATOR)
    body = client.get("/").content.decode()
    assert dashboard in body
    assert not UNREAD.search(body)

    # A notification (about a placement the coordinator sees): the badge counts it;
    # read, the badge goes.
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipient=cast.bystander,
            kind="log_reminder",
            dedupe_key="nav-test",
            payload={"placement": cast.placement.pk},
        )
    assert '<span class="badge">1<span class="visually-hidden">' in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        notifications_mark_read(user=cast.bystander)
    assert not UNREAD.search(client.get("/").content.decode())

    # Membership ended: the links go.
    membership = Membership.objects.get(user=cast.bystander, role=Role.COORDINATOR)
    membership.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        membership_save(membership=membership)
    assert dashboard not in client.get("/").content.decode()


def test_the_supervisor_home_follows_a_core_team_seat(
    cast, client, django_capture_on_commit_callbacks
) -> None:
    """The layout's link and the home page's button both read the cached navigation,
    which forgets its answer when the seat comes and goes."""
    from django.urls import reverse

    from learning_networks.services import network_member_set

    supervisees = f'href="{reverse("supervision:home")}"'
    client.force_login(cast.coordinator)
    assert supervisees not in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        network_member_set(network=cast.network, user=cast.coordinator, core_team=True)
    assert has_supervisor_home(cast.coordinator)
    # In the navigation and as the home page's button.
    assert client.get("/").content.decode().count(supervisees) == 2

    with django_capture_on_commit_callbacks(execute=True):
        network_member_set(network=cast.network, user=cast.coordinator, core_team=False)
    assert not has_supervisor_home(cast.coordinator)
    assert supervisees not in client.get("/").content.decode()
