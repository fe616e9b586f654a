"""The navigation's one query answers what the layout's tags ask as well."""

import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.context_processors import navigation
from supervision.templatetags.supervision_tags import has_supervisor_home
from tests.conftest import activate_totp


@pytest.fixture(autouse=True)
def _navigation_cached(settings) -> None:
    """The test settings switch the cache off; here it is what is tested."""
    settings.ULVO_NAV_CACHE_SECONDS = 60


@pytest.mark.parametrize(
    "role", ["student", "supervisor", "bystander", "coordinator", "outsider", "other_coordinator"]
)
def test_navigation_agrees_with_the_supervisor_home_tag(cast, role) -> None:
    user = getattr(cast, role)
    fresh = RequestFactory().get("/")
    fresh.user = user
    expected = has_supervisor_home({"request": fresh})

    request = RequestFactory().get("/")
    request.user = user
    context = navigation(request)
    with CaptureQueriesContext(connection) as captured:
        list(context["nav_environments"])
        bool(context["nav_signs_off"])
        str(context["nav_unread"])
        answer = has_supervisor_home({"request": request})
    # The memberships with their flags, and the unread count; then from the cache.
    assert len(captured) == 2
    again = RequestFactory().get("/")
    again.user = user
    with CaptureQueriesContext(connection) as captured:
        cached = navigation(again)
        list(cached["nav_environments"])
        assert has_supervisor_home({"request": again}) == expected
    assert len(captured) == 0
    assert answer == expected
    assert bool(context["nav_signs_off"]) == (role == "supervisor")


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
    from notifications.services import notifications_mark_read, notify

    client.force_login(cast.bystander)
    dashboard = f"/leeromgevingen/{cast.environment.pk}/dashboard/"
    assert dashboard not in client.get("/").content.decode()

    # Made coordinator (with the two-factor app coordinators need): the links are
    # there on the next page.
    activate_totp(cast.bystander)
    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.create(
            user=cast.bystander, environment=cast.environment, role=Role.COORDINATOR
        )
    body = client.get("/").content.decode()
    assert dashboard in body
    assert not UNREAD.search(body)

    # A notification: the badge counts it; read, the badge goes.
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipient=cast.bystander,
            kind="reflection_feedback",
            dedupe_key="nav-test",
            payload={},
        )
    assert '<span class="badge">1<span class="visually-hidden">' in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        notifications_mark_read(user=cast.bystander)
    assert not UNREAD.search(client.get("/").content.decode())

    # Membership ended: the links go.
    membership = Membership.objects.get(user=cast.bystander, role=Role.COORDINATOR)
    membership.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        membership.save()
    assert dashboard not in client.get("/").content.decode()
