"""The menu offers "Applications" to the members of an environment with a round that
has not closed yet, and to nobody else."""

import datetime
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.allocation.steps import a_round


def menu_link(client: Client, user: Any) -> bool:
    client.force_login(user)
    body = client.get(reverse("home"), headers={"Accept-Language": "en"}).content.decode()
    return f'href="{reverse("allocation:index")}"' in body


def test_members_of_an_environment_with_an_open_round_see_the_link(
    cast: Any, client: Client
) -> None:
    assert not menu_link(client, cast.student)
    a_round(cast)
    assert menu_link(client, cast.student)
    assert menu_link(client, cast.coordinator)
    assert not menu_link(client, cast.other_coordinator)


def test_a_closed_round_takes_the_link_away(cast: Any, client: Client) -> None:
    application_round = a_round(cast).round
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    application_round.opens_on = yesterday - datetime.timedelta(days=30)
    application_round.closes_on = yesterday
    application_round.save()
    assert not menu_link(client, cast.student)
