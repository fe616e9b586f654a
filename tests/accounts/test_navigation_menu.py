"""The layout's menu kept rendered (templates/includes/navigation.html, base.html's
``{% cache %}``): which link is the current page, per browser session, and what it
shows follow the page and the navigation as if it were rendered every time."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from tests.accounts.factories import MembershipFactory
from tests.accounts.steps import activate_totp

CURRENT = re.compile(r'<a href="([^"]*)" aria-current="page">')
LOGOUT_TOKEN = re.compile(
    r'class="nav-logout">\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"'
)


@pytest.fixture(autouse=True)
def _navigation_cached(settings: Any) -> Iterator[None]:
    """The test settings switch the cache off; here it is what is tested."""
    settings.ULVO_NAV_CACHE_SECONDS = 60
    cache.clear()
    caches["process"].clear()
    yield
    cache.clear()
    caches["process"].clear()


def current_links(client: Client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200
    return CURRENT.findall(response.content.decode())


def test_the_current_link_follows_the_page_from_the_cache(cast: Any, client: Client) -> None:
    client.force_login(cast.supervisor)
    home, placements = reverse("home"), reverse("placements:list")
    queue = reverse("placements:signoff_queue")
    supervisees, reflections = reverse("supervision:home"), reverse("reflections:list")
    # Twice round: the second time every menu comes from the cache.
    for _ in range(2):
        assert current_links(client, home) == [home]
        assert current_links(client, placements) == [placements]
        assert current_links(client, queue) == [queue]
        assert current_links(client, supervisees) == [supervisees]
        assert current_links(client, reflections) == [reflections]
        # A page that is none of the menu's links marks none.
        assert current_links(client, reverse("accounts:sessions")) == []


def test_a_coordination_link_is_current_only_in_its_own_environment(
    cast: Any, client: Client
) -> None:
    # A coordinator of two environments: two coordination menus with the same links.
    MembershipFactory(
        user=cast.coordinator, environment=cast.other_environment, role=Role.COORDINATOR
    )
    client.force_login(cast.coordinator)
    mine = reverse("dashboards:environment", args=[cast.environment.pk])
    other = reverse("dashboards:environment", args=[cast.other_environment.pk])
    for _ in range(2):
        assert current_links(client, mine) == [mine]
        assert current_links(client, other) == [other]


def test_each_browser_session_keeps_its_own_menu(cast: Any) -> None:
    """The log-out form carries the CSRF token made for the browser: two browsers of
    one user each get a menu whose log-out form they can send."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for browser in (first, second):
        browser.force_login(cast.student)
    tokens = []
    for browser in (first, second, first, second):
        body = browser.get("/").content.decode()
        tokens.append(LOGOUT_TOKEN.findall(body))
    assert all(len(found) == 1 for found in tokens)
    # The kept menu is the same for the same browser, another for another browser.
    assert tokens[0] == tokens[2] and tokens[1] == tokens[3]
    assert tokens[0] != tokens[1]
    for browser, found in ((first, tokens[2]), (second, tokens[3])):
        response = browser.post(reverse("account_logout"), {"csrfmiddlewaretoken": found[0]})
        assert response.status_code == 302


def test_a_menu_kept_for_a_staff_member_is_not_shown_once_they_are_not(
    cast: Any, client: Client
) -> None:
    management = f'href="{reverse("admin:index")}"'
    cast.student.is_staff = True
    cast.student.save()
    # Staff need a two-factor app, or every page sends them to set one up.
    activate_totp(cast.student)
    client.force_login(cast.student)
    assert management in client.get("/").content.decode()
    cast.student.is_staff = False
    cast.student.save()
    assert management not in client.get("/").content.decode()
