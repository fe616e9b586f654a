"""The date finder page: participants from placements, unavailability and sessions."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import Role
from environments.models import HolidayRegion
from learning_networks.models import SchoolHoliday, Unavailability
from learning_networks.services import network_member_set
from placements.models import Placement, PlacementStatus, weekdays_to_mask
from tests.accounts.factories import MembershipFactory, UserFactory


@pytest.fixture
def planner(cast: Any, client: Client) -> Client:
    client.force_login(cast.supervisor)
    return client


def week_after_next() -> datetime.date:
    """The Monday of the first school week (Monday to Friday without a school holiday
    of the middle region, shipped by the migrations) from the week after next."""
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(days=14)
    while SchoolHoliday.objects.overlapping(
        HolidayRegion.MIDDLE, monday, monday + datetime.timedelta(days=4)
    ).exists():
        monday += datetime.timedelta(days=7)
    return monday


def add_student(cast: Any, programme: Any, on_site: list[int], classes: list[int]) -> Any:
    person = UserFactory()
    MembershipFactory(
        user=person, environment=cast.environment, role=Role.STUDENT, programme=programme
    )
    today = timezone.localdate()
    Placement.objects.create(
        student=person,
        programme=programme,
        environment=cast.environment,
        school=cast.school,
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=90),
        weekdays_on_site=weekdays_to_mask(on_site),
        institute_days=weekdays_to_mask(classes),
        hours_per_week=16,
        status=PlacementStatus.ACTIVE,
    )
    network_member_set(network=cast.network, user=person)
    return person


def search(cast: Any, monday: datetime.date, **overrides: Any) -> str:
    params: dict[str, Any] = {
        "first_day": monday.isoformat(),
        "last_day": (monday + datetime.timedelta(days=4)).isoformat(),
        "duration": "120",
        "start_times": ["13:00"],
        "weekdays": ["1", "2", "3", "4", "5"],
    }
    params.update(overrides)
    url = reverse("learning_networks:date_finder", args=[cast.network.pk])
    return url + "?" + urlencode(params, doseq=True)


def test_the_biggest_crowd_without_pabo_loses_to_a_slot_with_every_domain(
    cast: Any, planner: Client
) -> None:
    # The cast's social-work student is on site Mon, Tue, Thu; five more on Mon and Thu.
    for _ in range(5):
        add_student(cast, cast.social_work, on_site=[1, 4], classes=[3])
    # Pabo students are on site Tue and Wed, at the institute on Monday.
    for _ in range(2):
        add_student(cast, cast.pabo, on_site=[2, 3], classes=[1])
    monday = week_after_next()

    response = planner.get(search(cast, monday))

    assert response.status_code == 200
    results = response.context["results"]
    best = results[0]["score"]
    assert timezone.localtime(best.slot.start).date() == monday + datetime.timedelta(days=1)
    assert best.expected == 3 and not best.missing_domains
    monday_score = next(
        r["score"] for r in results if timezone.localtime(r["score"].slot.start).date() == monday
    )
    assert monday_score.expected == 6
    assert "Pabo" in monday_score.missing_programmes
    content = response.content.decode()
    assert best.explanation.split(".")[0] in content
    # One line per time: what is missing in a few words, the explanation on demand.
    assert monday_score.shortfall and monday_score.shortfall in content
    assert monday_score.warnings[0] not in content
    # Each slot links to the session form with its times.
    assert f"starts_at={monday + datetime.timedelta(days=1)}T13%3A00" in results[0]["plan_url"]
    assert results[0]["professionals"] == 1


def test_unavailability_and_other_sessions_make_people_busy(cast: Any, planner: Client) -> None:
    monday = week_after_next()
    tuesday_13 = timezone.make_aware(
        datetime.datetime.combine(monday + datetime.timedelta(days=1), datetime.time(12))
    )
    Unavailability.objects.create(
        user=cast.student,
        starts_at=tuesday_13,
        ends_at=tuesday_13 + datetime.timedelta(hours=4),
    )
    response = planner.get(search(cast, monday, weekdays=["1", "2"]))
    by_day = {
        timezone.localtime(r["score"].slot.start).weekday(): r["score"].expected
        for r in response.context["results"]
    }
    assert by_day == {0: 1, 1: 0}

    # The cast's session next week keeps its invitees busy then (whatever holiday that
    # day may fall in when the suite runs: this is about sessions).
    session_day = timezone.localtime(cast.session.starts_at).date()
    next_monday = session_day - datetime.timedelta(days=session_day.weekday())
    SchoolHoliday.objects.overlapping(HolidayRegion.MIDDLE, session_day, session_day).delete()
    response = planner.get(
        search(
            cast,
            next_monday,
            last_day=(next_monday + datetime.timedelta(days=4)).isoformat(),
            weekdays=[str(session_day.isoweekday())],
        )
    )
    result = response.context["results"][0]
    assert result["score"].expected == 0 and result["professionals"] == 0


def test_only_chosen_programmes_count(cast: Any, planner: Client) -> None:
    add_student(cast, cast.pabo, on_site=[2, 3], classes=[1])
    response = planner.get(search(cast, week_after_next(), audience_programmes=[cast.pabo.pk]))
    best = response.context["results"][0]
    assert best["score"].total == 1
    assert f"audience_programmes={cast.pabo.pk}" in best["plan_url"]


def test_the_first_visit_proposes_a_search(cast: Any, planner: Client) -> None:
    response = planner.get(reverse("learning_networks:date_finder", args=[cast.network.pk]))
    assert response.status_code == 200
    assert response.context["results"] is not None


def test_htmx_returns_only_the_results(cast: Any, planner: Client) -> None:
    response = planner.get(search(cast, week_after_next()), HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="results"')
    assert "<form" not in content


@pytest.mark.parametrize(
    "overrides",
    [
        {"first_day": "2027-02-30"},
        {"first_day": "morgen"},
        {"last_day": "2026-01-01"},
        {"first_day": "2026-07-01", "last_day": "2026-07-03"},
        {"first_day": "2026-12-01", "last_day": "2027-06-30"},
        {"duration": "0"},
        {"duration": "-60"},
        {"duration": "abc"},
        {"start_times": ["25:00"]},
        {"start_times": []},
        {"weekdays": ["8"]},
        {"weekdays": []},
        {"audience_programmes": ["999999"]},
    ],
)
def test_bad_input_is_422_and_shows_no_results(
    cast: Any, planner: Client, overrides: dict[str, Any]
) -> None:
    response = planner.get(search(cast, week_after_next(), **overrides))
    assert response.status_code == 422
    assert "results" not in response.context
    assert (
        planner.get(
            search(cast, week_after_next(), **overrides), HTTP_HX_REQUEST="true"
        ).status_code
        == 422
    )


def test_a_programme_of_another_environment_is_refused(cast: Any, planner: Client) -> None:
    from tests.environments.factories import ProgrammeFactory

    response = planner.get(
        search(cast, week_after_next(), audience_programmes=[ProgrammeFactory().pk])
    )
    assert response.status_code == 422


def fill(cast: Any, count: int) -> None:
    monday = week_after_next()
    for index in range(count):
        person = add_student(
            cast, [cast.social_work, cast.pabo][index % 2], on_site=[1, 2], classes=[3]
        )
        starts = timezone.make_aware(datetime.datetime.combine(monday, datetime.time(8)))
        Unavailability.objects.create(
            user=person, starts_at=starts, ends_at=starts + datetime.timedelta(hours=1)
        )
        professional = UserFactory()
        MembershipFactory(
            user=professional, environment=cast.environment, organisation=cast.neighbourhood
        )
        network_member_set(network=cast.network, user=professional)


def test_the_date_finder_runs_the_same_queries_for_3_and_60_people(
    cast: Any, planner: Client
) -> None:
    url = search(cast, week_after_next())
    fill(cast, 3)
    planner.get(url)
    with CaptureQueriesContext(connection) as few:
        planner.get(url)
    fill(cast, 57)
    with CaptureQueriesContext(connection) as many:
        response = planner.get(url)
    assert response.context["student_count"] == 61
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]
