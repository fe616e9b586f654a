"""The date finder (learning_networks.planner) on constructed cases whose answer is known.

Plain data, no database. The texts are checked in English, the msgids' language.
"""

import os
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from learning_networks.planner import (
    Participant,
    Slot,
    SlotScore,
    candidate_slots,
    rank_slots,
)

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY = date(2026, 10, 5)  # a Monday, three weeks before summer time ends


@pytest.fixture(autouse=True, scope="module")
def _django() -> None:
    """Set Django up when the suite runs without pytest-django (``-p no:django``)."""
    from django.apps import apps

    if not apps.ready:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ulvo.settings_test")
        django.setup()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    from django.utils import translation

    with translation.override("en"):
        yield


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMS)


def slot(day: date, hour: int, hours: int = 2) -> Slot:
    return Slot(start=at(day, hour), end=at(day, hour + hours))


def people(
    count: int,
    *,
    programme: str,
    domain: str,
    on_site: set[int],
    classes: set[int] = frozenset(),  # type: ignore[assignment]
    first_key: int,
    **extra: object,
) -> list[Participant]:
    return [
        Participant(
            key=first_key + number,
            programme=programme,
            domain=domain,
            on_site_days=frozenset(on_site),
            class_days=frozenset(classes),
            **extra,  # type: ignore[arg-type]
        )
        for number in range(count)
    ]


def by_start(scores: list[SlotScore]) -> dict[datetime, SlotScore]:
    return {score.slot.start: score for score in scores}


# --- The case: the biggest slot would lose all pabo students ---------------


def pabo_network() -> list[Participant]:
    """Wednesday: 40 social-work students, nobody else. Tuesday: 25, every domain."""
    return [
        # Pabo: placement Monday and Tuesday, classes on Wednesday.
        *people(
            10, programme="Pabo", domain="educational", on_site={1, 2}, classes={3}, first_key=0
        ),
        # Social work: most on site on Wednesday only, five also on Tuesday.
        *people(35, programme="Social work", domain="social", on_site={3}, first_key=100),
        *people(5, programme="Social work", domain="social", on_site={2, 3}, first_key=200),
        *people(
            10,
            programme="Pedagogisch medewerker",
            domain="pedagogical",
            on_site={2, 4},
            classes={3},
            first_key=300,
        ),
    ]


def test_all_domains_beat_a_bigger_one_sided_crowd() -> None:
    tuesday, wednesday = slot(MONDAY + timedelta(days=1), 10), slot(MONDAY + timedelta(days=2), 10)

    ranked = rank_slots(participants=pabo_network(), slots=[wednesday, tuesday])

    best, second = ranked
    assert best.slot == tuesday
    assert (best.expected, best.total) == (25, 60)
    assert second.slot == wednesday
    assert second.expected == 40 > best.expected
    assert best.missing_domains == () and best.missing_programmes == ()
    assert second.missing_domains == ("educational", "pedagogical")
    assert second.missing_programmes == ("Pabo", "Pedagogisch medewerker")
    assert "Nobody from Pabo can come at this time." in second.warnings
    assert best.warnings == ()
    assert [(group.name, group.expected, group.total) for group in best.per_domain] == [
        ("educational", 10, 10),
        ("social", 5, 40),
        ("pedagogical", 10, 10),
    ]


def test_the_explanations_say_why_the_smaller_slot_wins() -> None:
    tuesday, wednesday = slot(MONDAY + timedelta(days=1), 10), slot(MONDAY + timedelta(days=2), 10)

    best, second = rank_slots(participants=pabo_network(), slots=[tuesday, wednesday])

    assert best.explanation.startswith(
        "All three domains are represented; 25 of 60 participants can come."
    )
    assert "The least represented domain is social: 5 of 40 can come." in best.explanation
    assert (
        "Ranked above Wednesday 7 October 10:00, where more participants can come (40), "
        "because more domains are represented here." in best.explanation
    )
    assert second.explanation.startswith(
        "1 of 3 domains is represented; 40 of 60 participants can come."
    )
    assert "The educational and pedagogical domains are missing entirely." in second.explanation
    assert "Pabo and Pedagogisch medewerker are missing entirely." in second.explanation
    assert "Ranked below Tuesday 6 October 10:00" in second.explanation


def test_the_explanation_names_a_single_missing_programme() -> None:
    network = [
        *people(3, programme="Pabo", domain="educational", on_site={1}, first_key=0),
        *people(3, programme="Tweedegraads", domain="educational", on_site={1, 2}, first_key=10),
        *people(3, programme="Social work", domain="social", on_site={1, 2}, first_key=20),
    ]

    monday, tuesday = rank_slots(
        participants=network, slots=[slot(MONDAY, 10), slot(MONDAY + timedelta(days=1), 10)]
    )

    assert monday.missing_programmes == ()
    assert "Every programme is represented." in monday.explanation
    assert tuesday.missing_programmes == ("Pabo",)
    assert "Pabo is missing entirely." in tuesday.explanation
    assert tuesday.warnings == ("Nobody from Pabo can come at this time.",)
    assert "Ranked" not in tuesday.explanation  # fewer people: no paradox to explain


# --- The availability model ----------------------------------------------------------


def test_a_class_day_excludes_even_when_it_is_also_an_on_site_day() -> None:
    student = Participant(
        key=1,
        programme="Pabo",
        domain="educational",
        on_site_days=frozenset({1, 2, 3}),
        class_days=frozenset({2}),
    )
    days = [MONDAY + timedelta(days=offset) for offset in range(5)]

    scores = by_start(rank_slots(participants=[student], slots=[slot(day, 10) for day in days]))

    assert [scores[at(day, 10)].expected for day in days] == [1, 0, 1, 0, 0]
    assert scores[at(days[1], 10)].available == frozenset()
    assert scores[at(days[0], 10)].available == frozenset({1})


def test_the_placement_period_limits_availability_inclusively() -> None:
    student = Participant(
        key=7,
        programme="Social work",
        domain="social",
        on_site_days=frozenset({1}),
        class_days=frozenset(),
        available_from=MONDAY + timedelta(weeks=1),
        available_until=MONDAY + timedelta(weeks=2),
    )
    mondays = [MONDAY + timedelta(weeks=week) for week in range(4)]

    scores = by_start(rank_slots(participants=[student], slots=[slot(day, 10) for day in mondays]))

    assert [scores[at(day, 10)].expected for day in mondays] == [0, 1, 1, 0]


def test_open_ended_periods_are_always_available() -> None:
    only_from = Participant(
        key=1,
        programme="Pabo",
        domain="educational",
        on_site_days=frozenset({1}),
        class_days=frozenset(),
        available_from=MONDAY + timedelta(weeks=1),
    )
    only_until = Participant(
        key=2,
        programme="Pabo",
        domain="educational",
        on_site_days=frozenset({1}),
        class_days=frozenset(),
        available_until=MONDAY,
    )
    early, late = slot(MONDAY, 10), slot(MONDAY + timedelta(weeks=9), 10)

    scores = by_start(rank_slots(participants=[only_from, only_until], slots=[early, late]))

    assert scores[early.start].available == frozenset({2})
    assert scores[late.start].available == frozenset({1})


def test_a_busy_interval_excludes_only_the_slots_it_overlaps() -> None:
    tuesday = MONDAY + timedelta(days=1)
    other_session = (at(tuesday, 10), at(tuesday, 12))
    busy = Participant(
        key=1,
        programme="Pabo",
        domain="educational",
        on_site_days=frozenset({2, 3}),
        class_days=frozenset(),
        busy=(other_session,),
    )
    free = Participant(
        key=2,
        programme="Pabo",
        domain="educational",
        on_site_days=frozenset({2, 3}),
        class_days=frozenset(),
    )
    slots = [
        Slot(start=at(tuesday, 9), end=at(tuesday, 10)),  # ends as the other begins
        Slot(start=at(tuesday, 11), end=at(tuesday, 13)),  # overlaps the second hour
        Slot(start=at(tuesday, 9), end=at(tuesday, 15)),  # contains it
        Slot(start=at(tuesday, 12), end=at(tuesday, 14)),  # begins as the other ends
        Slot(start=at(tuesday + timedelta(days=1), 10), end=at(tuesday + timedelta(days=1), 12)),
    ]

    scores = {
        (score.slot.start, score.slot.end): score.available
        for score in rank_slots(participants=[busy, free], slots=slots)
    }

    assert [scores[(item.start, item.end)] for item in slots] == [
        frozenset({1, 2}),
        frozenset({2}),
        frozenset({2}),
        frozenset({1, 2}),
        frozenset({1, 2}),
    ]


def test_busy_intervals_in_another_time_zone_are_compared_as_instants() -> None:
    tuesday = MONDAY + timedelta(days=1)
    # 08:30-09:30 UTC is 10:30-11:30 in Amsterdam (summer time).
    busy = (
        datetime.combine(tuesday, time(8, 30), tzinfo=UTC),
        datetime.combine(tuesday, time(9, 30), tzinfo=UTC),
    )
    student = Participant(
        key=1,
        programme="Pabo",
        domain="educational",
        on_site_days=frozenset({2}),
        class_days=frozenset(),
        busy=(busy,),
    )

    morning, afternoon = slot(tuesday, 10), slot(tuesday, 14)
    scores = by_start(rank_slots(participants=[student], slots=[morning, afternoon]))

    assert scores[morning.start].expected == 0
    assert scores[afternoon.start].expected == 1


# --- The ranking ----------------------------------------------------------------------


def test_evenness_beats_a_bigger_total_when_domains_and_programmes_tie() -> None:
    network = [
        *people(8, programme="Pabo", domain="educational", on_site={1}, first_key=0),
        *people(2, programme="Pabo", domain="educational", on_site={2}, first_key=10),
        *people(20, programme="Social work", domain="social", on_site={1}, first_key=100),
        *people(30, programme="Social work", domain="social", on_site={2}, first_key=200),
    ]
    monday, tuesday = slot(MONDAY, 10), slot(MONDAY + timedelta(days=1), 10)

    best, second = rank_slots(participants=network, slots=[tuesday, monday])

    # Monday: pabo 8/10, social 20/50; Tuesday: pabo 2/10, social 30/50.
    assert best.slot == monday
    assert best.score == (2, 2, 0.4, 28)
    assert second.score == (2, 2, 0.2, 32)
    assert "because the domains are more evenly represented here" in best.explanation
    assert "because the domains are less evenly represented here" in second.explanation
    assert "The least represented domain is educational: 2 of 10 can come." in (second.explanation)


def test_a_lost_programme_outranks_a_bigger_total() -> None:
    network = [
        *people(1, programme="Vaktherapie", domain="social", on_site={1}, first_key=0),
        *people(5, programme="Social work", domain="social", on_site={1}, first_key=10),
        *people(20, programme="Social work", domain="social", on_site={2}, first_key=100),
    ]
    monday, tuesday = slot(MONDAY, 10), slot(MONDAY + timedelta(days=1), 10)

    best, second = rank_slots(participants=network, slots=[tuesday, monday])

    assert best.slot == monday
    assert second.missing_programmes == ("Vaktherapie",)
    assert "because more programmes are represented here" in best.explanation
    assert "because fewer programmes are represented here" in second.explanation


def test_ties_are_broken_by_the_earlier_slot_whatever_the_input_order() -> None:
    network = people(4, programme="Pabo", domain="educational", on_site={1, 2, 3}, first_key=0)
    slots = [
        slot(MONDAY + timedelta(days=offset), hour, hours)
        for offset in range(3)
        for hour in (9, 13)
        for hours in (1, 2)
    ]
    expected = sorted(slots, key=lambda item: (item.start, item.end))

    for seed in range(20):
        shuffled = list(slots)
        random.Random(seed).shuffle(shuffled)
        ranked = rank_slots(participants=network, slots=shuffled)
        assert [score.slot for score in ranked] == expected
        assert [score.rank for score in ranked] == list(range(1, len(slots) + 1))


def test_the_audience_narrows_who_counts() -> None:
    network = pabo_network()
    tuesday, wednesday = slot(MONDAY + timedelta(days=1), 10), slot(MONDAY + timedelta(days=2), 10)

    only_pabo = rank_slots(participants=network, slots=[tuesday, wednesday], programmes=["Pabo"])
    social = rank_slots(participants=network, slots=[tuesday, wednesday], domains=["social"])

    assert [(score.slot, score.expected, score.total) for score in only_pabo] == [
        (tuesday, 10, 10),
        (wednesday, 0, 10),
    ]
    assert only_pabo[1].warnings == ("Nobody can come at this time.",)
    assert [(score.slot, score.expected, score.total) for score in social] == [
        (wednesday, 40, 40),
        (tuesday, 5, 40),
    ]
    assert social[0].explanation.startswith(
        "The only domain in this network, social, is represented; 40 of 40 participants can come."
    )


def test_no_participants_gives_empty_scores_in_date_order() -> None:
    slots = [slot(MONDAY + timedelta(days=1), 10), slot(MONDAY, 10)]

    ranked = rank_slots(participants=[], slots=slots)

    assert [score.slot for score in ranked] == [slots[1], slots[0]]
    for score in ranked:
        assert (score.expected, score.total, score.warnings) == (0, 0, ())
        assert score.per_domain == () and score.per_programme == ()
        assert score.explanation == "There are no participants to plan for."
    assert rank_slots(participants=pabo_network(), slots=[]) == []


def test_bad_input_is_refused() -> None:
    twice = people(2, programme="Pabo", domain="educational", on_site={1}, first_key=0)
    twice.append(twice[0])
    with pytest.raises(ValueError, match="only once"):
        rank_slots(participants=twice, slots=[slot(MONDAY, 10)])
    with pytest.raises(ValueError, match="Unknown domain"):
        people(1, programme="X", domain="medical", on_site={1}, first_key=0)
    with pytest.raises(ValueError, match="Unknown domains"):
        rank_slots(participants=[], slots=[slot(MONDAY, 10)], domains=["medical"])
    with pytest.raises(ValueError, match="aware"):
        Slot(start=datetime(2026, 10, 5, 10), end=datetime(2026, 10, 5, 12))  # noqa: DTZ001
    with pytest.raises(ValueError, match="end after"):
        Slot(start=at(MONDAY, 12), end=at(MONDAY, 10))
    with pytest.raises(ValueError, match="ends before"):
        people(
            1,
            programme="Pabo",
            domain="educational",
            on_site={1},
            first_key=0,
            busy=((at(MONDAY, 12), at(MONDAY, 10)),),
        )


def test_adding_a_participant_never_lowers_any_count() -> None:
    rng = random.Random(20261005)
    programmes = [
        ("Pabo", "educational"),
        ("Tweedegraads", "educational"),
        ("Social work", "social"),
        ("Vaktherapie", "social"),
        ("Pedagogisch medewerker", "pedagogical"),
    ]
    slots = candidate_slots(
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=11),
        start_times=[time(9), time(13, 30)],
        duration=timedelta(hours=2),
    )

    def random_participant(key: int) -> Participant:
        programme, domain = rng.choice(programmes)
        start = MONDAY + timedelta(days=rng.randint(-5, 10))
        busy = []
        for _ in range(rng.randint(0, 3)):
            begin = at(MONDAY + timedelta(days=rng.randint(0, 11)), rng.randint(8, 16))
            busy.append((begin, begin + timedelta(minutes=rng.choice([30, 90, 180]))))
        return Participant(
            key=key,
            programme=programme,
            domain=domain,
            on_site_days=frozenset(rng.sample(range(1, 6), rng.randint(0, 4))),
            class_days=frozenset(rng.sample(range(1, 6), rng.randint(0, 2))),
            available_from=start if rng.random() < 0.7 else None,
            available_until=start + timedelta(days=rng.randint(0, 20))
            if rng.random() < 0.7
            else None,
            busy=tuple(busy),
        )

    for trial in range(30):
        network = [random_participant(trial * 1000 + key) for key in range(rng.randint(0, 25))]
        before = by_start(rank_slots(participants=network, slots=slots))
        newcomer = random_participant(trial * 1000 + 999)
        after = by_start(rank_slots(participants=[*network, newcomer], slots=slots))
        for start, score in after.items():
            old = before[start]
            assert score.expected >= old.expected
            assert score.available >= old.available
            assert score.expected - old.expected == (newcomer.key in score.available)
            old_domains = {group.name: group.expected for group in old.per_domain}
            for group in score.per_domain:
                assert group.expected >= old_domains.get(group.name, 0)


# --- Candidate slots --------------------------------------------------------------------


def test_candidate_slots_cover_the_working_days_at_every_start_time() -> None:
    slots = candidate_slots(
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=13),
        start_times=[time(13, 30), time(9)],
        duration=timedelta(minutes=90),
    )

    assert len(slots) == 2 * 5 * 2
    assert {item.start.isoweekday() for item in slots} == {1, 2, 3, 4, 5}
    assert slots[0] == Slot(start=at(MONDAY, 9), end=at(MONDAY, 10, 30))
    assert slots[1] == Slot(start=at(MONDAY, 13, 30), end=at(MONDAY, 15))
    assert slots == sorted(slots, key=lambda item: item.start)


def test_candidate_slots_respect_weekdays_and_excluded_dates() -> None:
    autumn_break = {MONDAY + timedelta(weeks=1, days=offset) for offset in range(5)}

    slots = candidate_slots(
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=20),
        start_times=[time(10)],
        duration=timedelta(hours=2),
        weekdays=(2, 4),
        exclude_dates=autumn_break,
    )

    assert [item.start.date() for item in slots] == [
        MONDAY + timedelta(days=1),
        MONDAY + timedelta(days=3),
        MONDAY + timedelta(days=15),
        MONDAY + timedelta(days=17),
    ]


def test_candidate_slots_keep_wall_clock_time_when_summer_time_ends() -> None:
    slots = candidate_slots(
        first_day=date(2026, 10, 24),
        last_day=date(2026, 10, 26),
        start_times=[time(10)],
        duration=timedelta(hours=2),
        weekdays=range(1, 8),
    )

    assert [(item.start.date(), item.start.time(), item.end.time()) for item in slots] == [
        (date(2026, 10, 24), time(10), time(12)),
        (date(2026, 10, 25), time(10), time(12)),
        (date(2026, 10, 26), time(10), time(12)),
    ]
    assert [item.start.astimezone(UTC).hour for item in slots] == [8, 9, 9]
    assert [item.end - item.start for item in slots] == [timedelta(hours=2)] * 3


def test_a_slot_across_the_clock_change_lasts_its_real_duration() -> None:
    # 01:30 + 3 hours on the night the clocks go back is 03:30 on the wall.
    (night,) = candidate_slots(
        first_day=date(2026, 10, 25),
        last_day=date(2026, 10, 25),
        start_times=[time(1, 30)],
        duration=timedelta(hours=3),
        weekdays=[7],
    )

    assert night.start.time() == time(1, 30) and night.end.time() == time(3, 30)
    assert night.end.astimezone(UTC) - night.start.astimezone(UTC) == timedelta(hours=3)


def test_candidate_slots_in_spring_keep_wall_clock_time_and_skip_the_missing_hour() -> None:
    sunday = date(2026, 3, 29)  # clocks go from 02:00 to 03:00

    slots = candidate_slots(
        first_day=sunday - timedelta(days=1),
        last_day=sunday,
        start_times=[time(2, 30), time(10)],
        duration=timedelta(hours=1),
        weekdays=[6, 7],
    )

    assert [(item.start.date(), item.start.time()) for item in slots] == [
        (sunday - timedelta(days=1), time(2, 30)),
        (sunday - timedelta(days=1), time(10)),
        (sunday, time(3, 30)),  # 02:30 does not exist that night
        (sunday, time(10)),
    ]
    assert [item.start.utcoffset() for item in slots] == [timedelta(hours=h) for h in (1, 1, 2, 2)]


def test_candidate_slots_refuse_impossible_requests() -> None:
    with pytest.raises(ValueError, match="zero"):
        candidate_slots(
            first_day=MONDAY, last_day=MONDAY, start_times=[time(9)], duration=timedelta(0)
        )
    with pytest.raises(ValueError, match="before the first"):
        candidate_slots(
            first_day=MONDAY,
            last_day=MONDAY - timedelta(days=1),
            start_times=[time(9)],
            duration=timedelta(hours=1),
        )
    assert (
        candidate_slots(
            first_day=MONDAY, last_day=MONDAY, start_times=[], duration=timedelta(hours=1)
        )
        == []
    )


def test_the_shortfall_says_in_a_few_words_what_is_missing() -> None:
    """The one-line summary of a time: the missing domain, else the one missing
    programme by name, else how many programmes are missing; nothing when all come."""
    monday, tuesday, wednesday = (slot(MONDAY + timedelta(days=d), 10) for d in range(3))
    network = [
        *people(2, programme="Pabo", domain="educational", on_site={1, 2}, first_key=0),
        *people(2, programme="Social work", domain="social", on_site={1, 2, 3}, first_key=10),
        *people(2, programme="Vaktherapie", domain="social", on_site={1, 3}, first_key=20),
        *people(1, programme="Sport", domain="social", on_site={1}, first_key=30),
    ]
    scores = by_start(rank_slots(participants=network, slots=[monday, tuesday, wednesday]))

    assert scores[monday.start].shortfall == ""
    assert scores[tuesday.start].shortfall == "without 2 programmes"
    assert scores[wednesday.start].shortfall == "without the educational domain"
    alone = by_start(
        rank_slots(participants=network, slots=[tuesday], programmes={"Social work", "Vaktherapie"})
    )
    assert alone[tuesday.start].shortfall == "without Vaktherapie"
    nobody = rank_slots(participants=network, slots=[slot(MONDAY + timedelta(days=5), 10)])
    assert nobody[0].shortfall == "nobody can come"
