"""#14's rule: a role change or an ended membership takes effect on the next request,
with the navigation kept in the cache as in production (the test settings keep it
for 0 seconds; here for five minutes), not only once the cache expires. The services
forget a menu when their transaction commits, which a test runs explicitly."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Role
from environments.models import Domain
from placements.models import SupervisionAssignment
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.accounts.steps import activate_totp


@pytest.fixture
def kept_menu(settings: Any) -> None:
    settings.ULVO_NAV_CACHE_SECONDS = 300


def member_url(cast: Any, user: Any, name: str = "people:member") -> str:
    membership = Membership.objects.get(user=user, environment=cast.environment)
    return reverse(name, args=[cast.environment.pk, membership.pk])


def menu(client: Client) -> str:
    """The page's navigation (the menu the cache keeps)."""
    page = client.get(reverse("notifications:list")).content.decode()
    return page.split("<main", 1)[0]


def test_a_coordinator_made_colleague_loses_the_coordination_menu_at_once(
    cast: Any, client: Client, kept_menu: None, django_capture_on_commit_callbacks: Any
) -> None:
    second = UserFactory(email="tweede.coordinator@example.org", full_name="Tim Tweede")
    MembershipFactory(user=second, environment=cast.environment, role=Role.COORDINATOR)
    activate_totp(second)
    theirs = Client()
    theirs.force_login(second)
    people = reverse("people:list", args=[cast.environment.pk])
    settings_url = reverse("accounts:environment_settings", args=[cast.environment.pk])
    assert people in menu(theirs) and settings_url in menu(theirs)
    client.force_login(cast.coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            member_url(cast, second),
            {"role": Role.COLLEAGUE, "organisation": cast.school.pk, "domain": Domain.EDUCATIONAL},
        )

    assert response.status_code == 302
    assert people not in menu(theirs) and settings_url not in menu(theirs)
    assert theirs.get(people).status_code == 403


def test_an_ended_supervisor_loses_the_supervisors_menu_at_once(
    cast: Any, client: Client, kept_menu: None, django_capture_on_commit_callbacks: Any
) -> None:
    SupervisionAssignment.objects.create(
        placement=cast.placement, supervisor=cast.bystander, role="practice", domain=Domain.SOCIAL
    )
    bystander = Client()
    bystander.force_login(cast.bystander)
    home = reverse("supervision:home")
    assert home in menu(bystander)
    client.force_login(cast.coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(member_url(cast, cast.bystander, "people:end"))

    assert response.status_code == 302
    assert home not in menu(bystander)
    environment_url = reverse("accounts:environment", args=[cast.environment.pk])
    assert bystander.get(environment_url).status_code == 404
