"""The date finder honours what people say about when they cannot come: weekly blocks
(with their hours and the dates they apply between), dates, and the days professionals
work in the environment."""

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from learning_networks.availability_services import unavailability_add, working_days_set
from learning_networks.models import Unavailability, UnavailabilityKind
from learning_networks.planner import WORKING_DAYS, candidate_slots, rank_slots
from learning_networks.planner_input import network_participants
from learning_networks.services import session_cancel


def next_monday() -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday())


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)


def weekly(user: Any, weekday: int, hours: tuple[int, int] | None = None, **extra: Any) -> Any:
    return unavailability_add(
        unavailability=Unavailability(
            kind=UnavailabilityKind.WEEKLY,
            weekday=weekday,
            starts_time=datetime.time(hours[0]) if hours else None,
            ends_time=datetime.time(hours[1]) if hours else None,
            **extra,
        ),
        user=user,
    )


def who_can_come(cast: Any, first: datetime.date, last: datetime.date, hour: int) -> dict:
    """Per candidate day of the period, the keys of the participants who can come to a
    two-hour session starting at ``hour``."""
    students, professionals = network_participants(cast.network, first_day=first, last_day=last)
    slots = candidate_slots(
        first_day=first,
        last_day=last,
        start_times=[datetime.time(hour)],
        duration=datetime.timedelta(hours=2),
    )
    scores = rank_slots(participants=[*students, *professionals], slots=slots)
    return {score.slot.start.date(): score.available for score in scores}


def test_a_weekly_block_makes_busy_on_that_weekday_in_its_hours_only(cast: Any) -> None:
    session_cancel(session=cast.session)  # the cast's own session would be busy too
    monday = next_monday()
    weekly(cast.student, 1, (9, 12))

    [student], _ = network_participants(
        cast.network, first_day=monday, last_day=monday + datetime.timedelta(days=13)
    )

    assert student.busy == (
        (at(monday, 9), at(monday, 12)),
        (at(monday + datetime.timedelta(days=7), 9), at(monday + datetime.timedelta(days=7), 12)),
    )
    morning = who_can_come(cast, monday, monday + datetime.timedelta(days=1), 10)
    afternoon = who_can_come(cast, monday, monday + datetime.timedelta(days=1), 13)
    tuesday = monday + datetime.timedelta(days=1)
    assert cast.student.pk not in morning[monday] and cast.student.pk in morning[tuesday]
    assert cast.student.pk in afternoon[monday]


def test_a_weekly_block_applies_only_between_its_dates_and_all_day_without_hours(
    cast: Any,
) -> None:
    session_cancel(session=cast.session)
    monday = next_monday()
    # From the second Monday on, all of Tuesday; until the first week, all of Thursday.
    weekly(cast.student, 2, valid_from=monday + datetime.timedelta(days=7))
    weekly(cast.student, 4, valid_until=monday + datetime.timedelta(days=6))
    last = monday + datetime.timedelta(days=13)

    [student], _ = network_participants(cast.network, first_day=monday, last_day=last)

    second_tuesday = monday + datetime.timedelta(days=8)
    first_thursday = monday + datetime.timedelta(days=3)
    assert sorted(student.busy) == [
        (at(first_thursday, 0), at(first_thursday + datetime.timedelta(days=1), 0)),
        (at(second_tuesday, 0), at(second_tuesday + datetime.timedelta(days=1), 0)),
    ]
    come = who_can_come(cast, monday, last, 10)
    assert cast.student.pk in come[monday + datetime.timedelta(days=1)]  # first Tuesday
    assert cast.student.pk not in come[second_tuesday]
    assert cast.student.pk not in come[first_thursday]
    assert cast.student.pk in come[monday + datetime.timedelta(days=10)]  # second Thursday


def test_a_weekly_block_outside_the_period_is_not_read(cast: Any) -> None:
    monday = next_monday()
    weekly(cast.student, 1, valid_until=monday - datetime.timedelta(days=1))
    weekly(cast.student, 2, valid_from=monday + datetime.timedelta(days=30))

    [student], _ = network_participants(
        cast.network, first_day=monday, last_day=monday + datetime.timedelta(days=13)
    )

    assert student.busy == ((cast.session.starts_at, cast.session.ends_at),)


def test_a_date_makes_busy_the_whole_day_or_its_hours(cast: Any) -> None:
    session_cancel(session=cast.session)
    monday = next_monday()
    tuesday = monday + datetime.timedelta(days=1)
    unavailability_add(
        unavailability=Unavailability(starts_at=at(monday, 0), ends_at=at(tuesday, 0)),
        user=cast.student,
    )
    unavailability_add(
        unavailability=Unavailability(starts_at=at(tuesday, 13), ends_at=at(tuesday, 17)),
        user=cast.supervisor,
    )

    morning = who_can_come(cast, monday, tuesday, 10)
    afternoon = who_can_come(cast, monday, tuesday, 14)

    assert cast.student.pk not in morning[monday] and cast.student.pk not in afternoon[monday]
    assert cast.student.pk in morning[tuesday]
    assert cast.supervisor.pk in morning[tuesday] and cast.supervisor.pk not in afternoon[tuesday]


def test_professionals_come_only_on_the_days_they_work_in_the_environment(cast: Any) -> None:
    session_cancel(session=cast.session)
    monday = next_monday()
    friday = monday + datetime.timedelta(days=4)
    _, [before] = network_participants(cast.network, first_day=monday, last_day=friday)
    assert before.on_site_days == set(WORKING_DAYS)

    working_days_set(user=cast.supervisor, environment=cast.environment, weekdays=[2, 4])
    # What they work in another environment is not this one's business.
    working_days_set(user=cast.supervisor, environment=cast.other_environment, weekdays=[1])

    _, [trainer] = network_participants(cast.network, first_day=monday, last_day=friday)
    assert trainer.on_site_days == {2, 4}
    come = who_can_come(cast, monday, friday, 10)
    assert [
        day.isoweekday() for day, keys in sorted(come.items()) if cast.supervisor.pk in keys
    ] == [
        2,
        4,
    ]


def test_working_days_and_weekly_blocks_add_no_queries(cast: Any) -> None:
    monday = next_monday()
    last = monday + datetime.timedelta(days=27)
    with CaptureQueriesContext(connection) as few:
        network_participants(cast.network, first_day=monday, last_day=last)
    for weekday in (1, 2, 3):
        weekly(cast.student, weekday, (9, 10))
        weekly(cast.supervisor, weekday)
    working_days_set(user=cast.supervisor, environment=cast.environment, weekdays=[1, 2])
    with CaptureQueriesContext(connection) as many:
        students, professionals = network_participants(
            cast.network, first_day=monday, last_day=last
        )
    assert len(students[0].busy) > 12 and len(professionals[0].busy) > 12
    assert len(few) == len(many) == 5
