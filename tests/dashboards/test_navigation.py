"""The navigation's one query answers what the layout's tags ask as well."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.context_processors import navigation
from supervision.templatetags.supervision_tags import has_supervisor_home


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
        answer = has_supervisor_home({"request": request})
    assert len(captured) == 1
    assert answer == expected
    assert bool(context["nav_signs_off"]) == (role == "supervisor")


def test_coordinator_sees_the_dashboard_in_the_navigation(cast, client) -> None:
    client.force_login(cast.coordinator)
    body = client.get("/").content.decode()
    assert f"/leeromgevingen/{cast.environment.pk}/dashboard/" in body
    client.force_login(cast.student)
    assert "/dashboard/" not in client.get("/").content.decode()
