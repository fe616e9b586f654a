"""Someone with two roles at one organisation is named with it once (issue #20).

A school trainer who is also a practice supervisor at the same school has two
memberships; the session page and the roster showed the school once per role
("Anouk Visser (Basisschool De Regenboog) (Basisschool De Regenboog)").
"""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from tests.accounts.factories import MembershipFactory

SCHOOL = "Basisschool De Regenboog"


@pytest.fixture
def two_roles(cast: Any) -> Any:
    """The cast's school trainer (who facilitates the session) also supervises practice there."""
    assert cast.school.name == SCHOOL
    MembershipFactory(
        user=cast.supervisor,
        environment=cast.environment,
        role=Role.PRACTICE_SUPERVISOR,
        organisation=cast.school,
    )
    return cast


def test_session_page_names_the_facilitators_organisation_once(
    two_roles: Any, client: Client
) -> None:
    client.force_login(two_roles.student)

    html = client.get(reverse("learning_networks:session", args=[two_roles.session.pk])).content
    text = " ".join(html.decode().split())

    assert f"Bram Schoolopleider ({SCHOOL})" in text
    assert f"({SCHOOL}) ({SCHOOL})" not in text


def test_roster_names_each_affiliation_once(two_roles: Any, client: Client) -> None:
    client.force_login(two_roles.supervisor)

    html = client.get(reverse("learning_networks:roster", args=[two_roles.session.pk])).content
    text = " ".join(html.decode().split())

    affiliations = dict(re.findall(r"<strong>([^<]+)</strong> <small>([^<]*)</small>", text))
    assert affiliations["Bram Schoolopleider"] == SCHOOL
    assert affiliations["Sanne Student"] == "Social work"
