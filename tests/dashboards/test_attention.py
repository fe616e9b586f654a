"""The coordinator's home shows what needs attention (dashboards/attention.py):
programmes below target, placements without own-domain supervision, weeks waiting long."""

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from environments.models import Domain, ProgrammeTarget
from placements.models import PlacementStatus, SupervisionAssignment, SupervisionRole, Week
from placements.services import week_submit
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.clock import frozen_at
from tests.environments.factories import LearningEnvironmentFactory, ProgrammeFactory
from tests.placements.factories import PlacementFactory, log_activity

HEADING = "Vraagt je aandacht"


def submitted_days_ago(cast: Any, days: int, placement: Any = None) -> Week:
    """A week of the placement (the cast's by default), submitted ``days`` days ago."""
    placement = placement or cast.placement
    moment = timezone.now() - datetime.timedelta(days=days)
    with frozen_at(moment):
        log_activity(placement, date=moment.date())
        return week_submit(placement=placement, start=moment.date(), student=placement.student)


def own_domain_supervisor(placement: Any) -> None:
    SupervisionAssignment.objects.create(
        placement=placement,
        name="Wendy Wijkteam",
        email="wendy@buurtteam.example.org",
        role=SupervisionRole.PRACTICE,
        domain=placement.programme.domain,
    )


def test_the_three_things_each_link_to_where_the_coordinator_acts(cast: Any, login: Any) -> None:
    ProgrammeTarget.objects.create(environment=cast.environment, programme=cast.pabo, students=2)
    ProgrammeTarget.objects.create(
        environment=cast.environment, programme=cast.social_work, students=3
    )
    submitted_days_ago(cast, 10)

    response = login(cast.coordinator).get(reverse("home"))

    html = response.content.decode()
    assert HEADING in html
    dashboard = reverse("dashboards:environment", args=[cast.environment.pk])
    assert f'<a href="{dashboard}">2 opleidingen onder hun doel</a>' in html
    assert "Pabo (0 van 2), Social work (1 van 3)" in html
    gaps = reverse("supervision:gaps", args=[cast.environment.pk])
    assert (
        f'<a href="{gaps}">1 actieve stage zonder praktijkopleider uit het eigen domein '
        "van de student</a>" in html
    )
    assert "1 week wacht al meer dan 7 dagen op aftekening" in html
    supervision = reverse("supervision:placement", args=[cast.placement.pk])
    assert f'<a href="{supervision}">Sanne Student</a>' in html


def test_nothing_to_attend_to_says_so(cast: Any, login: Any) -> None:
    ProgrammeTarget.objects.create(
        environment=cast.environment, programme=cast.social_work, students=1
    )
    own_domain_supervisor(cast.placement)
    submitted_days_ago(cast, 6)  # waiting, but not long yet

    html = login(cast.coordinator).get(reverse("home")).content.decode()

    assert HEADING in html
    assert "Op dit moment vraagt niets je aandacht." in html
    assert "onder hun doel" not in html and "wacht al meer dan" not in html


def test_a_signed_off_week_and_a_closed_placement_no_longer_count(cast: Any, login: Any) -> None:
    from placements.services import week_approve

    week = submitted_days_ago(cast, 10)
    week_approve(week=week, reviewer=cast.supervisor)
    cast.placement.status = PlacementStatus.COMPLETED
    cast.placement.save()

    html = login(cast.coordinator).get(reverse("home")).content.decode()

    assert "Op dit moment vraagt niets je aandacht." in html


def test_only_coordinators_see_it_and_only_of_their_environment(cast: Any, login: Any) -> None:
    submitted_days_ago(cast, 10)
    for user in (cast.student, cast.supervisor, cast.bystander):
        assert HEADING not in login(user).get(reverse("home")).content.decode()

    # The other environment's coordinator sees their own environment, with nothing in it.
    html = login(cast.other_coordinator).get(reverse("home")).content.decode()
    assert HEADING in html
    assert "Op dit moment vraagt niets je aandacht." in html
    assert "Sanne Student" not in html


def add_environment_with_attention(cast: Any, index: int) -> None:
    """Another environment the coordinator runs, with a programme below target,
    placements without own-domain supervision and weeks waiting long."""
    environment = LearningEnvironmentFactory(name=f"Omgeving {index}")
    MembershipFactory(user=cast.coordinator, environment=environment, role=Role.COORDINATOR)
    for number in range(3):
        programme = ProgrammeFactory(
            institute=cast.institute, name=f"Opleiding {index}.{number}", domain=Domain.SOCIAL
        )
        ProgrammeTarget.objects.create(environment=environment, programme=programme, students=4)
        student = UserFactory()
        MembershipFactory(
            user=student, environment=environment, role=Role.STUDENT, programme=programme
        )
        placement = PlacementFactory(
            student=student,
            programme=programme,
            environment=environment,
            start_date=timezone.localdate() - datetime.timedelta(days=60),
            end_date=timezone.localdate() + datetime.timedelta(days=60),
            status=PlacementStatus.ACTIVE,
        )
        submitted_days_ago(cast, 8 + number, placement=placement)
        submitted_days_ago(cast, 20 + number, placement=placement)


def test_the_home_runs_a_constant_number_of_queries(cast: Any, login: Any) -> None:
    ProgrammeTarget.objects.create(environment=cast.environment, programme=cast.pabo, students=2)
    submitted_days_ago(cast, 10)
    client = login(cast.coordinator)
    client.get(reverse("home"))  # sessions, caches and the like settle
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("home")).status_code == 200

    for index in range(3):
        add_environment_with_attention(cast, index)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("home"))
    assert response.content.decode().count(HEADING) == 4
    assert "3 opleidingen onder hun doel" in response.content.decode()
    assert "6 weken wachten al meer dan 7 dagen op aftekening" in response.content.decode()

    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]
