"""The unavailability page: everyone keeps their own dates, weekly blocks and (for
professionals) the days they work; nobody else reaches them."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from learning_networks.availability_services import unavailability_add, working_days_set
from learning_networks.models import Unavailability, UnavailabilityKind, WorkingDays
from tests.accounts.factories import MembershipFactory
from tests.environments.factories import LearningEnvironmentFactory
from ulvo.lib.dates import FIRST_YEAR, LAST_YEAR

PAGE = reverse("learning_networks:unavailability")
OUT_OF_RANGE = f"Kies een datum tussen {FIRST_YEAR} en {LAST_YEAR}."


def next_monday() -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday())


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def once(day: datetime.date, **fields: str) -> dict[str, str]:
    return {"kind": "once", "once-date": day.isoformat(), **fields}


def weekly(weekday: int, **fields: str) -> dict[str, str]:
    return {"kind": "weekly", "weekly-weekday": str(weekday), **fields}


def errors(response: Any, form: str) -> dict[str, list[str]]:
    return {name: list(map(str, errs)) for name, errs in response.context[form].errors.items()}


@pytest.fixture
def student(cast: Any, login: Any) -> Client:
    client: Client = login(cast.student)
    return client


def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_whole_day_is_added_and_listed_in_dutch(cast: Any, student: Client) -> None:
    monday = next_monday()

    response = student.post(PAGE, once(monday, **{"once-reason": "Tandarts"}), follow=True)

    [entry] = Unavailability.objects.filter(user=cast.student)
    assert entry.kind == UnavailabilityKind.ONCE
    assert (entry.starts_at, entry.ends_at) == (
        at(monday, 0),
        at(monday + datetime.timedelta(days=1), 0),
    )
    assert entry.reason == "Tandarts"
    page = response.content.decode()
    assert response.redirect_chain == [(PAGE, 302)]
    assert f"maandag {monday.day} " in page and "Tandarts" in page
    event = AuditEvent.objects.get(model="learning_networks.Unavailability")
    assert (event.action, event.actor_id, event.environment_id) == ("create", cast.student.pk, None)
    assert "reason" not in event.changes and "starts_at" not in event.changes


def test_some_hours_of_a_day_and_several_days(cast: Any, student: Client) -> None:
    monday = next_monday()
    student.post(PAGE, once(monday, **{"once-starts_time": "09:00", "once-ends_time": "12:30"}))
    student.post(
        PAGE,
        once(
            monday + datetime.timedelta(days=7),
            **{"once-last_day": (monday + datetime.timedelta(days=11)).isoformat()},
        ),
    )

    hours, days = Unavailability.objects.filter(user=cast.student).order_by("starts_at")
    assert (hours.starts_at, hours.ends_at) == (
        at(monday, 9),
        at(monday, 12) + datetime.timedelta(minutes=30),
    )
    assert (days.first_day, days.last_day) == (
        monday + datetime.timedelta(days=7),
        monday + datetime.timedelta(days=11),
    )
    page = student.get(PAGE).content.decode()
    assert "09:00–12:30" in page


def test_a_weekly_block_is_added(cast: Any, student: Client) -> None:
    monday = next_monday()
    response = student.post(
        PAGE,
        weekly(
            3,
            **{
                "weekly-starts_time": "13:00",
                "weekly-ends_time": "17:00",
                "weekly-valid_until": (monday + datetime.timedelta(days=60)).isoformat(),
            },
        ),
    )

    assert response.status_code == 302
    [entry] = Unavailability.objects.filter(user=cast.student)
    assert (entry.kind, entry.weekday) == (UnavailabilityKind.WEEKLY, 3)
    assert (entry.starts_time, entry.ends_time) == (datetime.time(13), datetime.time(17))
    assert entry.valid_until == monday + datetime.timedelta(days=60)
    assert entry.starts_at is None and entry.valid_from is None
    assert "13:00–17:00" in student.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"once-starts_time": "12:00", "once-ends_time": "09:00"}, "ends_time"),
        ({"once-starts_time": "12:00", "once-ends_time": "12:00"}, "ends_time"),
        ({"once-starts_time": "12:00"}, "ends_time"),
        ({"once-ends_time": "12:00"}, "starts_time"),
        ({"once-starts_time": "25:00", "once-ends_time": "26:00"}, "starts_time"),
        ({"once-last_day": "2026-01-01", "once-date": "2026-02-01"}, "last_day"),
        ({"once-last_day": "2028-06-01", "once-date": "2026-02-01"}, "last_day"),
        (
            {
                "once-date": "2026-02-02",
                "once-last_day": "2026-02-04",
                "once-starts_time": "09:00",
                "once-ends_time": "10:00",
            },
            "starts_time",
        ),
        ({"once-date": ""}, "date"),
        ({"once-date": "2026-01-05"}, "date"),
        ({"once-date": "2025-12-01", "once-last_day": "2026-01-05"}, "date"),
        ({"once-date": "morgen"}, "date"),
        ({"once-reason": "x" * 201}, "reason"),
        ({"once-reason": "Tand\x00arts"}, "reason"),
    ],
)
def test_a_wrong_date_is_refused_at_its_field(
    cast: Any, student: Client, data: dict[str, str], field: str
) -> None:
    response = student.post(PAGE, {**once(next_monday()), **data})

    assert response.status_code == 422
    assert field in errors(response, "once_form")
    assert not Unavailability.objects.exists()


@pytest.mark.parametrize("day", ["1999-12-31", "0001-01-01", "9999-12-31", "2100-01-01"])
def test_days_outside_the_years_are_refused(cast: Any, student: Client, day: str) -> None:
    response = student.post(PAGE, {**once(next_monday()), "once-date": day})
    assert response.status_code == 422
    assert errors(response, "once_form")["date"] == [OUT_OF_RANGE]

    response = student.post(PAGE, weekly(1, **{"weekly-valid_from": day}))
    assert response.status_code == 422
    assert errors(response, "weekly_form")["valid_from"] == [OUT_OF_RANGE]
    assert not Unavailability.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"weekly-weekday": "6"}, "weekday"),
        ({"weekly-weekday": "0"}, "weekday"),
        ({"weekly-weekday": "maandag"}, "weekday"),
        ({"weekly-starts_time": "10:00", "weekly-ends_time": "09:59"}, "ends_time"),
        ({"weekly-starts_time": "10:00"}, "ends_time"),
        ({"weekly-valid_from": "2026-09-01", "weekly-valid_until": "2026-08-31"}, "valid_until"),
        ({"weekly-valid_until": "2026-01-05"}, "valid_until"),
    ],
)
def test_a_wrong_weekly_block_is_refused_at_its_field(
    cast: Any, student: Client, data: dict[str, str], field: str
) -> None:
    response = student.post(PAGE, {**weekly(1), **data})

    assert response.status_code == 422
    assert field in errors(response, "weekly_form")
    assert not Unavailability.objects.exists()


def test_the_end_time_message_is_dutch(cast: Any, student: Client) -> None:
    """Needs the Dutch catalogue with this part's messages."""
    response = student.post(
        PAGE, once(next_monday(), **{"once-starts_time": "12:00", "once-ends_time": "09:00"})
    )
    assert errors(response, "once_form")["ends_time"] == [
        "De eindtijd moet na de begintijd liggen."
    ]


def test_overlapping_duplicates_are_refused(cast: Any, student: Client) -> None:
    monday = next_monday()
    student.post(PAGE, once(monday, **{"once-starts_time": "09:00", "once-ends_time": "12:00"}))
    student.post(PAGE, weekly(2, **{"weekly-starts_time": "09:00", "weekly-ends_time": "12:00"}))

    # The same again (a double submit), or overlapping: refused at the field.
    for data in (
        once(monday, **{"once-starts_time": "09:00", "once-ends_time": "12:00"}),
        once(monday, **{"once-starts_time": "11:00", "once-ends_time": "13:00"}),
        once(monday - datetime.timedelta(days=2), **{"once-last_day": monday.isoformat()}),
    ):
        response = student.post(PAGE, data)
        assert response.status_code == 422
        assert list(errors(response, "once_form")) == ["date"]
    for data in (
        weekly(2, **{"weekly-starts_time": "09:00", "weekly-ends_time": "12:00"}),
        weekly(2),  # all day
        weekly(2, **{"weekly-starts_time": "11:59", "weekly-ends_time": "13:00"}),
    ):
        response = student.post(PAGE, data)
        assert response.status_code == 422
        assert list(errors(response, "weekly_form")) == ["weekday"]
    assert Unavailability.objects.filter(user=cast.student).count() == 2

    # Right after, or on another day, or a different period of the year: fine.
    for data in (
        once(monday, **{"once-starts_time": "12:00", "once-ends_time": "13:00"}),
        weekly(2, **{"weekly-starts_time": "12:00", "weekly-ends_time": "13:00"}),
        weekly(3, **{"weekly-starts_time": "09:00", "weekly-ends_time": "12:00"}),
    ):
        assert student.post(PAGE, data).status_code == 302
    assert Unavailability.objects.filter(user=cast.student).count() == 5
    # Someone else's entries are no clash.
    unavailability_add(
        unavailability=Unavailability(starts_at=at(monday, 14), ends_at=at(monday, 15)),
        user=cast.supervisor,
    )
    response = student.post(
        PAGE, once(monday, **{"once-starts_time": "14:00", "once-ends_time": "15:00"})
    )
    assert response.status_code == 302


def test_the_owner_cannot_be_chosen(cast: Any, student: Client) -> None:
    response = student.post(
        PAGE, {**once(next_monday()), "user": cast.supervisor.pk, "once-user": cast.supervisor.pk}
    )
    assert response.status_code == 302
    assert Unavailability.objects.get().user == cast.student


def test_only_the_owner_removes_an_entry(cast: Any, student: Client, client: Client) -> None:
    monday = next_monday()
    mine = unavailability_add(
        unavailability=Unavailability(starts_at=at(monday, 9), ends_at=at(monday, 10)),
        user=cast.student,
    )
    theirs = unavailability_add(
        unavailability=Unavailability(starts_at=at(monday, 9), ends_at=at(monday, 10)),
        user=cast.supervisor,
    )

    assert (
        student.post(
            reverse("learning_networks:unavailability_remove", args=[theirs.pk])
        ).status_code
        == 404
    )
    assert (
        student.get(reverse("learning_networks:unavailability_remove", args=[mine.pk])).status_code
        == 405
    )
    response = student.post(reverse("learning_networks:unavailability_remove", args=[mine.pk]))

    assert response.status_code == 302
    assert list(Unavailability.objects.all()) == [theirs]
    assert AuditEvent.objects.filter(
        model="learning_networks.Unavailability", object_id=mine.pk, action="delete"
    ).exists()


def test_posts_need_the_csrf_token(cast: Any) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.student)
    assert browser.post(PAGE, once(next_monday())).status_code == 403
    assert not Unavailability.objects.exists()


def test_professionals_set_their_working_days(cast: Any, login: Any) -> None:
    client = login(cast.supervisor)
    page = client.get(PAGE).content.decode()
    assert "Basisschool De Regenboog" in page
    url = reverse("learning_networks:working_days", args=[cast.environment.pk])
    prefix = f"working-{cast.environment.pk}-days"

    response = client.post(url, {prefix: ["2", "4"]})

    assert response.status_code == 302
    working = WorkingDays.objects.get(user=cast.supervisor, environment=cast.environment)
    assert working.days == [2, 4]
    response = client.post(url, {prefix: ["1"]})
    working.refresh_from_db()
    assert working.days == [1]
    assert (
        AuditEvent.objects.filter(
            model="learning_networks.WorkingDays", environment=cast.environment
        ).count()
        == 2
    )

    # No day at all, or a weekend day: refused at the field.
    for days in ([], ["6"], ["x"]):
        response = client.post(url, {prefix: days})
        assert response.status_code == 422
        [place] = response.context["workplaces"]
        assert "days" in place.form.errors
    working.refresh_from_db()
    assert working.days == [1]


def test_working_days_only_where_one_works(cast: Any, login: Any) -> None:
    url = reverse("learning_networks:working_days", args=[cast.environment.pk])
    prefix = f"working-{cast.environment.pk}-days"
    student = login(cast.student)
    assert "working-" not in student.get(PAGE).content.decode()
    assert student.post(url, {prefix: ["1"]}).status_code == 403
    outsider = login(cast.outsider)
    assert outsider.post(url, {prefix: ["1"]}).status_code == 404
    assert outsider.get(url).status_code == 405
    assert not WorkingDays.objects.exists()


def test_the_page_runs_the_same_queries_for_few_and_many(cast: Any, login: Any) -> None:
    client = login(cast.supervisor)
    monday = next_monday()
    client.get(PAGE)
    with CaptureQueriesContext(connection) as few:
        assert client.get(PAGE).status_code == 200
    for week in range(10):
        day = monday + datetime.timedelta(days=7 * week)
        unavailability_add(
            unavailability=Unavailability(starts_at=at(day, 9), ends_at=at(day, 10)),
            user=cast.supervisor,
        )
    for weekday in (1, 2, 3, 4, 5):
        unavailability_add(
            unavailability=Unavailability(
                kind=UnavailabilityKind.WEEKLY, weekday=weekday, reason="Sport"
            ),
            user=cast.supervisor,
        )
    for _ in range(3):
        environment = LearningEnvironmentFactory()
        MembershipFactory(
            user=cast.supervisor,
            environment=environment,
            role="practice_supervisor",
            organisation=cast.school,
        )
        working_days_set(user=cast.supervisor, environment=environment, weekdays=[1, 3])
    with CaptureQueriesContext(connection) as many:
        response = client.get(PAGE)
    assert response.status_code == 200
    assert len(response.context["dates"]) == 10 and len(response.context["weekly"]) == 5
    assert len(response.context["workplaces"]) == 4
    assert len(few) == len(many)
