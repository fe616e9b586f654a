"""The region view for staff: every environment of a region side by side.

The world (tests/dashboards/conftest.py) in 2026-2027, Dashboardwijk: students social 3
(social work 2, vaktherapie 1), educational 1, pedagogical 0 against the targets
social 2, educational 3, pedagogical 1: 4 students, target 6, 1 + 2 + 1 = 4 away from
it; own-domain supervision 2 of 4 placements; students present at the sessions that
took place 4 of 6 (m1: s1, s3 present, s2 absent; m2: s1, s2 present, s3 excused);
3 reflections published. Elders (moved into the same region here): one pabo student.
"""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from dashboards import figures, region
from environments.models import Domain, DomainTarget, Region
from learning_networks.models import Attendance, NetworkSession
from placements.models import SupervisionAssignment
from reflections.models import Reflection
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.accounts.steps import activate_totp
from tests.dashboards.steps import at, make_placement
from tests.environments.factories import LearningEnvironmentFactory

YEAR = "2026-2027"


@pytest.fixture
def same_region(world: Any) -> Any:
    world.other.region = world.environment.region
    world.other.save()
    return world.environment.region


@pytest.fixture
def staff(db: None) -> Any:
    user = UserFactory(full_name="Rita Regio", is_staff=True)
    activate_totp(user)
    return user


def url(region_: Any, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"region": region_.pk, "year": YEAR, **params}.items())
    return f"{reverse('dashboards:region')}?{query}"


def by_name(data: region.RegionFigures) -> dict[str, region.EnvironmentFigures]:
    return {e.name: e for e in data.environments}


def test_an_environments_figures_are_its_dashboards(world, same_region) -> None:
    data = by_name(region.region_figures(same_region, YEAR))
    assert set(data) == {"Dashboardwijk", "Elders"}
    here = data["Dashboardwijk"]
    period = region.school_year_period(YEAR)
    balance = figures.balance(world.environment, period)
    assert [(d.domain, d.students, d.target) for d in here.domains] == [
        (d.key, d.students, d.target) for d in balance.domains
    ]
    assert [(d.domain, d.students, d.target) for d in here.domains] == [
        ("educational", 1, 3),
        ("social", 3, 2),
        ("pedagogical", 0, 1),
    ]
    assert (here.students, here.target, here.off_target) == (4, 6, 4)
    assert here.evenness == pytest.approx(balance.domain_evenness)
    supervision = figures.supervision(world.environment, period)
    assert (here.placements, here.covered) == (supervision.total, supervision.covered) == (4, 2)
    assert (here.invited, here.present) == (6, 4)
    assert here.reflections == figures.reflections(world.environment, period).total == 3
    assert here.concerns == ["off_target", "coverage", "reflections"]
    elders = data["Elders"]
    assert [(d.domain, d.students, d.target) for d in elders.domains] == [("educational", 1, None)]
    assert (elders.off_target, elders.coverage, elders.attendance) == (None, 0.0, None)


def test_a_domain_target_counts_over_its_programmes(world, same_region) -> None:
    DomainTarget.objects.create(environment=world.environment, domain=Domain.SOCIAL, students=5)
    here = by_name(region.region_figures(same_region, YEAR))["Dashboardwijk"]
    assert [(d.domain, d.target) for d in here.domains] == [
        ("educational", 3),
        ("social", 5),
        ("pedagogical", 1),
    ]
    assert here.off_target == 2 + 2 + 1


def test_other_school_years_and_regions_stay_out(world, same_region) -> None:
    LearningEnvironmentFactory(name="Vorig jaar", region=same_region, school_year="2025-2026")
    elsewhere = Region.objects.create(name="Elders in het land")
    LearningEnvironmentFactory(name="Andere regio", region=elsewhere, school_year=YEAR)
    assert set(by_name(region.region_figures(same_region, YEAR))) == {"Dashboardwijk", "Elders"}
    # Newest first; the current school year is offered even without environments.
    years = region.school_years(same_region)
    assert {"2026-2027", "2025-2026", region.current_school_year()} == set(years)
    assert years == sorted(years, reverse=True)


def test_only_staff_see_the_region(world, same_region, client) -> None:
    client.force_login(world.coordinator)
    assert client.get(url(same_region)).status_code == 403
    assert client.get(reverse("dashboards:region_export")).status_code == 403


def test_staff_see_counts_of_other_environments_suppressed(world, same_region, staff, client):
    client.force_login(staff)
    response = client.get(url(same_region), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    rows = {row.name: row for row in response.context["rows"]}
    here = rows["Dashboardwijk"]
    shown = {column: cell.text for column, cell in here.cells.items()}
    # 4 students; a domain of 1 and one of 3: the distance and the evenness would give
    # them back; 4 placements; 4 present of 6 (2 not); 3 reflections.
    assert shown == {
        "students": "<5",
        "target": "6",
        "off_target": "hidden",
        "evenness": "hidden",
        "coverage": "<5",
        "attendance": "hidden",
        "reflections": "hidden",
    }
    assert here.needs_help
    assert here.domains == [
        ("educational", "<5", "3"),
        ("social", "<5", "2"),
        ("pedagogical", "0", "1"),
    ]
    body = response.content.decode()
    assert "social: &lt;5 of 2" in body
    # Numbers only: nobody's name, no reflection's words.
    assert "Student 1" not in body and "GEHEIME-REFLECTIETEKST" not in body
    # No dashboard link for an environment staff do not coordinate.
    assert reverse("dashboards:environment", args=[world.environment.pk]) not in body


def test_a_coordinator_among_staff_sees_their_environment_exactly(
    world, same_region, staff, client
):
    MembershipFactory(user=staff, environment=world.environment, role=Role.COORDINATOR)
    client.force_login(staff)
    response = client.get(url(same_region, sort="name"), HTTP_ACCEPT_LANGUAGE="en")
    rows = {row.name: row for row in response.context["rows"]}
    shown = {column: cell.text for column, cell in rows["Dashboardwijk"].cells.items()}
    assert shown == {
        "students": "4",
        "target": "6",
        "off_target": "4",
        "evenness": "0.51",
        "coverage": "50%",
        "attendance": "67%",
        "reflections": "0.8",
    }
    assert rows["Elders"].cells["students"].text == "<5"
    assert rows["Dashboardwijk"].domains == [
        ("educational", "1", "3"),
        ("social", "3", "2"),
        ("pedagogical", "0", "1"),
    ]
    assert rows["Elders"].domains == [("educational", "<5", None)]
    body = response.content.decode()
    assert reverse("dashboards:environment", args=[world.environment.pk]) in body
    assert reverse("dashboards:environment", args=[world.other.pk]) not in body


def test_dutch_number_formats(world, same_region, staff, client) -> None:
    MembershipFactory(user=staff, environment=world.environment, role=Role.COORDINATOR)
    client.force_login(staff)
    response = client.get(url(same_region), HTTP_ACCEPT_LANGUAGE="nl")
    body = response.content.decode()
    assert '<td class="num">0,51</td>' in body
    assert '<td class="num">0,8</td>' in body


def test_sorted_by_a_column_without_javascript(world, same_region, staff, client) -> None:
    MembershipFactory(user=staff, environment=world.environment, role=Role.COORDINATOR)
    MembershipFactory(user=staff, environment=world.other, role=Role.COORDINATOR)
    third = LearningEnvironmentFactory(name="Aardewijk", region=same_region, school_year=YEAR)
    MembershipFactory(user=staff, environment=third, role=Role.COORDINATOR)
    client.force_login(staff)

    def names(sort: str) -> list[str]:
        return [row.name for row in client.get(url(same_region, sort=sort)).context["rows"]]

    assert names("name") == ["Aardewijk", "Dashboardwijk", "Elders"]
    assert names("-name") == ["Elders", "Dashboardwijk", "Aardewijk"]
    assert names("students") == ["Aardewijk", "Elders", "Dashboardwijk"]
    assert names("-students") == ["Dashboardwijk", "Elders", "Aardewijk"]
    # Without a value (no placements to cover) last, whichever the direction.
    assert names("coverage") == ["Elders", "Dashboardwijk", "Aardewijk"]
    assert names("-coverage") == ["Dashboardwijk", "Elders", "Aardewijk"]
    assert names("nonsense") == names("name")
    response = client.get(url(same_region, sort="students"))
    body = response.content.decode()
    assert 'aria-sort="ascending"' in body
    assert "sort=-students" in body  # the sorted column's link reverses it


def test_a_wrong_school_year_or_region_is_an_error(world, same_region, staff, client) -> None:
    client.force_login(staff)
    assert client.get(url(same_region, year="1999-2000")).status_code == 422
    response = client.get(f"{reverse('dashboards:region')}?region=999999&year={YEAR}")
    assert response.status_code == 422


def test_csv_export(world, same_region, staff, client) -> None:
    client.force_login(staff)
    response = client.get(
        reverse("dashboards:region_export") + f"?region={same_region.pk}&year={YEAR}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Learning environment,Students,Target")
    assert lines[0].endswith(
        "educational: students,educational: target,social: students,social: target,"
        "pedagogical: students,pedagogical: target"
    )
    assert lines[1].startswith("Dashboardwijk,<5,6,hidden,hidden,<5,hidden,hidden,")
    assert lines[1].endswith(",<5,3,<5,2,0,1")


def grow(region_: Any, world: Any, number: int) -> None:
    """Environments of the region with students, targets, supervision, attendance and
    reflections."""
    for n in range(number):
        environment = LearningEnvironmentFactory(
            name=f"Groei {n}", region=region_, school_year=YEAR
        )
        DomainTarget.objects.create(environment=environment, domain=Domain.SOCIAL, students=3)
        student = UserFactory()
        MembershipFactory(
            user=student, environment=environment, role=Role.STUDENT, programme=world.social_work
        )
        placement = make_placement(
            student, world.social_work, environment, world.school, "2026-09-01", "2027-06-30", [2]
        )
        SupervisionAssignment.objects.create(
            placement=placement, supervisor=world.neighbour, role="practice", domain="social"
        )
        from learning_networks.models import LearningNetwork

        network = LearningNetwork.objects.create(environment=environment, name=f"Net {n}")
        session = NetworkSession.objects.create(
            network=network,
            kind="mixed",
            theme="Groei",
            starts_at=at("2026-10-01"),
            ends_at=at("2026-10-01", 12),
            status="held",
        )
        Attendance.objects.create(session=session, user=student, presence="present")
        Reflection.objects.create(
            author=student, environment=environment, text="x", published_at=at("2026-10-02")
        )


def test_queries_do_not_grow_with_the_environments(world, same_region, staff, client) -> None:
    from django.core.cache import cache

    client.force_login(staff)
    client.get(url(same_region))  # warm: session, navigation

    def count() -> int:
        cache.delete(region.cache_key(same_region, YEAR))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url(same_region))
        assert response.status_code == 200
        return len(captured)

    two = count()
    grow(same_region, world, 4)
    six = count()
    assert len(client.get(url(same_region)).context["rows"]) == 6
    assert two == six
    with CaptureQueriesContext(connection) as figures_only:
        region.region_figures(same_region, YEAR)
    assert len(figures_only) == 7


def test_the_figures_come_from_the_cache(world, same_region, staff, client) -> None:
    client.force_login(staff)
    client.get(url(same_region))
    Reflection.objects.create(
        author=world.students[0],
        environment=world.environment,
        text="later",
        published_at=at("2026-10-03"),
    )
    cached = by_name(region.cached_region_figures(same_region, YEAR))["Dashboardwijk"]
    assert cached.reflections == 3
    fresh = by_name(region.region_figures(same_region, YEAR))["Dashboardwijk"]
    assert fresh.reflections == 4


def test_current_school_year() -> None:
    assert region.current_school_year(datetime.date(2026, 7, 31)) == "2025-2026"
    assert region.current_school_year(datetime.date(2026, 8, 1)) == "2026-2027"
