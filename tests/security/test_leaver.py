"""A supervisor who has left the environment sees nothing more of their former students.

Their membership is deactivated (the coordinator ended it); the assignments stay on
record. Every page and fragment they can still open must then be free of the
students' names: the home page, the placement list, the sign-off queue, the
supervisor's home, the calendar feed and the notifications. Detail pages answer
404 (tests/security/test_authorisation_matrix.py); this covers the lists.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from environments.models import Domain
from learning_networks.services import calendar_feed_renew
from placements.models import SupervisionAssignment, SupervisionRole, Week
from placements.services import activity_create, week_submit
from reflections.models import Reflection, Visibility
from tests.accounts.factories import MembershipFactory, UserFactory
from ulvo.navigation import navigation_for

pytestmark = pytest.mark.django_db

STUDENT_NAME = "Sanne Student"


def _submitted_week(cast: Any) -> Week:
    placement = cast.placement
    day = timezone.localdate()
    activity_create(
        placement=placement,
        date=day,
        minutes=120,
        setting="school",
        kind="classroom",
        description="Leesgroep begeleid",
    )
    return week_submit(placement=placement, start=day, student=cast.student)


def _leave(cast: Any) -> None:
    Membership.objects.filter(user=cast.supervisor, environment=cast.environment).update(
        is_active=False
    )


def _pages(client: Client, feed_token: str) -> dict[str, str]:
    urls = {
        "home": reverse("home"),
        "placement list": reverse("placements:list"),
        "sign-off queue": reverse("placements:signoff_queue"),
        "supervisor's home": reverse("supervision:home"),
        "notifications": reverse("notifications:list"),
        "calendar feed": reverse("learning_networks:calendar_feed", args=[feed_token]),
    }
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), (name, response.status_code)
        pages[name] = response.content.decode()
    return pages


def test_before_leaving_the_supervisor_sees_the_student_on_the_lists(
    cast: Any, client: Client
) -> None:
    """The control: the same pages do show the name while the supervisor is in."""
    week = _submitted_week(cast)
    token = calendar_feed_renew(user=cast.supervisor)
    client.force_login(cast.supervisor)

    pages = _pages(client, token)

    for name in ("placement list", "sign-off queue", "supervisor's home"):
        assert STUDENT_NAME in pages[name], name
    assert reverse("placements:week_review", args=[week.pk]) in pages["sign-off queue"]


def test_a_supervisor_who_left_sees_none_of_their_former_students(
    cast: Any, client: Client
) -> None:
    _submitted_week(cast)
    Reflection.objects.create(
        author=cast.student,
        environment=cast.environment,
        placement=cast.placement,
        text="Wat ik leerde van het buurtteam",
        visibility=Visibility.SUPERVISORS,
    )
    token = calendar_feed_renew(user=cast.supervisor)
    _leave(cast)
    client.force_login(cast.supervisor)

    pages = _pages(client, token)

    for name, html in pages.items():
        assert STUDENT_NAME not in html, f"{name} still names the former student"
    assert Week.objects.awaiting_signoff_by(cast.supervisor).count() == 0


def test_a_supervisor_who_left_cannot_sign_off_through_an_old_link(
    cast: Any, client: Client
) -> None:
    week = _submitted_week(cast)
    assignment = cast.placement.assignments.get(signs_off=True)
    url = week.get_signoff_url(assignment.pk)
    _leave(cast)

    response = client.get(url)

    assert response.status_code == 404
    assert STUDENT_NAME not in response.content.decode()


def test_the_database_refuses_a_second_signer_for_one_placement(cast: Any) -> None:
    """At most one supervisor signs off a placement: a named constraint, not only the
    service (``placements.services.assignment_save``)."""
    other = UserFactory(email="tweede@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisionAssignment.objects.create(
            placement=cast.placement,
            supervisor=other,
            role=SupervisionRole.PRACTICE,
            domain=Domain.SOCIAL,
            signs_off=True,
        )
    assert cast.placement.assignments.filter(signs_off=True).count() == 1


def test_weeks_awaiting_sign_off_count_only_while_the_membership_is_active(cast: Any) -> None:
    week = _submitted_week(cast)
    assert list(Week.objects.awaiting_signoff_by(cast.supervisor)) == [week]
    assert list(Week.objects.awaiting_signoff_by(cast.bystander)) == []

    _leave(cast)

    assert list(Week.objects.awaiting_signoff_by(cast.supervisor)) == []
    week.refresh_from_db()
    assert week.submitted_at is not None
    assert week.submitted_at <= timezone.now() + datetime.timedelta(seconds=1)


def test_a_supervisor_who_left_gets_no_sign_off_link_in_the_navigation(cast: Any) -> None:
    """The navigation counts supervision per active membership: still in another
    environment, the leaver has no "Sign off" link to an empty queue."""
    assert navigation_for(cast.supervisor).signs_off
    MembershipFactory(user=cast.supervisor, environment=cast.other_environment)
    _leave(cast)

    assert not navigation_for(cast.supervisor).signs_off
