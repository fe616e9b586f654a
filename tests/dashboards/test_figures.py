"""Each figure against the hand-made world of conftest.py; the answers are worked out
by hand in the comments."""

import datetime
import math

import pytest

from dashboards import figures
from dashboards.figures import Period, evenness, school_year_bounds, term_bounds

YEAR = Period(datetime.date(2026, 8, 1), datetime.date(2027, 7, 31), "2026-2027")
# Two weeks in October: the pabo student (Wednesdays) has started, the vaktherapie
# student (Wednesdays, until 25 September) has finished.
OCTOBER = Period(datetime.date(2026, 10, 5), datetime.date(2026, 10, 18), "oktober")


def test_evenness_by_hand() -> None:
    assert evenness([5, 5]) == pytest.approx(1.0)
    assert evenness([4, 0]) == pytest.approx(0.0)
    # k = 3, shares 2/3, 1/3, 0: H = -(2/3 ln 2/3 + 1/3 ln 1/3) = 0.6365; / ln 3 = 0.5794
    assert evenness([2, 1, 0]) == pytest.approx(0.5794, abs=1e-4)
    assert evenness([7]) is None  # k = 1: undefined
    assert evenness([]) is None
    assert evenness([0, 0, 0]) is None  # nobody at all


def test_periods() -> None:
    assert school_year_bounds("2026-2027") == (
        datetime.date(2026, 8, 1),
        datetime.date(2027, 7, 31),
    )
    assert term_bounds("2026-2027", 1) == (datetime.date(2026, 8, 1), datetime.date(2026, 10, 31))
    assert term_bounds("2026-2027", 2) == (datetime.date(2026, 11, 1), datetime.date(2027, 1, 31))
    assert term_bounds("2026-2027", 3) == (datetime.date(2027, 2, 1), datetime.date(2027, 4, 30))
    assert term_bounds("2026-2027", 4) == (datetime.date(2027, 5, 1), datetime.date(2027, 7, 31))


def test_balance(world) -> None:
    balance = figures.balance(world.environment, YEAR)
    rows = {r.name: r for r in balance.programmes}
    # Cancelled (p5), last year's (p6) and the other environment's placement do not count.
    assert {n: (r.students, r.target) for n, r in rows.items()} == {
        "Social work": (2, 2),
        "Pabo": (1, 3),
        "Pedagogisch medewerker": (0, 1),
        "Vaktherapie": (1, None),
    }
    assert rows["Pabo"].under_target and not rows["Pabo"].missing
    assert rows["Pedagogisch medewerker"].missing
    assert {r.name for r in balance.alerts} == {"Pabo", "Pedagogisch medewerker"}
    assert balance.total == 4
    assert [(d.key, d.students, d.target) for d in balance.domains] == [
        ("educational", 1, 3),
        ("social", 3, 2),
        ("pedagogical", 0, 1),
    ]
    assert [(lv.key, lv.students, lv.target) for lv in balance.levels] == [
        ("mbo", 0, 1),
        ("hbo", 4, 5),
    ]
    # Domains, k = 3 (pedagogical is in the target mix): shares 3/4, 1/4, 0.
    h = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    assert balance.domain_evenness == pytest.approx(h / math.log(3))
    assert balance.domain_evenness == pytest.approx(0.5119, abs=1e-4)
    # Programmes, k = 4 (three targeted + vaktherapie present): 2, 1, 0, 1 of 4.
    h = -(0.5 * math.log(0.5) + 2 * 0.25 * math.log(0.25))
    assert balance.programme_evenness == pytest.approx(h / math.log(4))
    assert balance.programme_evenness == pytest.approx(0.75)


def test_balance_in_a_term(world) -> None:
    # Term 1 (Aug–Oct): all four; a period in March 2027: only p2 (social work).
    march = Period(datetime.date(2027, 3, 1), datetime.date(2027, 3, 31), "maart")
    balance = figures.balance(world.environment, march)
    assert {r.name: r.students for r in balance.programmes} == {
        "Social work": 1,
        "Pabo": 0,
        "Pedagogisch medewerker": 0,
    }
    # Domains: social 1, educational 0, pedagogical 0 (both targeted): k = 3, H = 0.
    assert balance.domain_evenness == pytest.approx(0.0)


def test_on_site_week_by_week(world) -> None:
    data = figures.on_site(world.environment, OCTOBER)
    assert data.domains == ["educational", "social"]
    assert [w.start for w in data.weeks] == [
        datetime.date(2026, 10, 5),
        datetime.date(2026, 10, 12),
    ]
    week = data.weeks[0]
    # Social work: p1 (Mon, Tue), p2 (Thu) = 2; pabo: p3 (Wed) = 1.
    assert week.on_site == {"educational": 1, "social": 2}
    # The domains are never on site on the same day: at best one domain a day.
    assert week.domains_on_site == 2
    assert week.domains_together == 1
    assert week.best_day == 1  # Monday, the first day with one domain
    assert week.apart
    assert data.weeks_apart == 2


def test_on_site_whole_year(world) -> None:
    data = figures.on_site(world.environment, YEAR)
    # From the Monday before 1 August 2026 to the week of 31 July 2027.
    assert data.weeks[0].start == datetime.date(2026, 7, 27)
    assert data.weeks[-1].start == datetime.date(2027, 7, 26)
    assert len(data.weeks) == 53 and not data.truncated
    by_start = {w.start: w for w in data.weeks}
    # 7 September: p1, p2 and p4 (vaktherapie, Wednesdays) — all social.
    assert by_start[datetime.date(2026, 9, 7)].on_site == {"educational": 0, "social": 3}
    assert not by_start[datetime.date(2026, 9, 7)].apart
    # After p1 ends (29 January) only p2.
    assert by_start[datetime.date(2027, 2, 1)].on_site == {"educational": 0, "social": 1}
    assert by_start[datetime.date(2026, 8, 3)].on_site == {"educational": 0, "social": 0}


def test_sessions_and_mixed_attendance(world) -> None:
    from django.utils import timezone

    data = figures.sessions(world.environment, YEAR)
    # Cancelled and draft sessions do not count; the mono session (planned, July 2027)
    # has taken place once its end has passed.
    mono_held = int(world.sessions["d1"].ends_at <= timezone.now())
    assert [(k.kind, k.sessions, k.held) for k in data.kinds] == [
        ("mixed", 2, 2),
        ("mono", 1, mono_held),
        ("skills_lab", 1, 1),
    ]
    assert data.total == 4
    # Students only (the core-team member's presence does not count):
    # social work m1: s1 present, s2 absent; m2: s1, s2 present → 3 of 4.
    # pabo m1: s3 present; m2: s3 excused → 1 of 2.
    assert [(r.label, r.invited, r.present, r.rate) for r in data.programmes] == [
        ("Pabo", 2, 1, 0.5),
        ("Social work", 4, 3, 0.75),
    ]
    assert [(r.key, r.invited, r.present) for r in data.domains] == [
        ("educational", 2, 1),
        ("social", 4, 3),
    ]
    # m2: the only pabo student (educational) was excused.
    assert [(a.theme, a.absent_domains) for a in data.absent] == [("Thema m2", ["educational"])]


def test_sessions_of_one_network(world) -> None:
    from learning_networks.models import LearningNetwork

    empty = LearningNetwork.objects.create(environment=world.environment, name="Leeg")
    assert figures.sessions(world.environment, YEAR, empty).total == 0
    assert figures.sessions(world.environment, YEAR, world.network).total == 4


def test_own_domain_supervision(world) -> None:
    data = figures.supervision(world.environment, YEAR)
    # p1 social work + school trainer from education: gap; p2 social practice
    # supervisor: covered; p3 pabo + school trainer (education counts): covered;
    # p4 vaktherapie without supervisor: gap.
    assert (data.total, data.covered, data.gaps, data.share) == (4, 2, 2, 0.5)
    assert [(r.key, r.invited, r.present) for r in data.domains] == [
        ("educational", 1, 1),
        ("social", 3, 1),
    ]
    gaps = figures.supervision_gaps(world.environment, YEAR)
    assert {p.pk for p in gaps} == {world.placements["p1"].pk, world.placements["p4"].pk}


def test_student_hours_per_setting(world) -> None:
    rows = figures.student_hours(world.environment, YEAR)
    # School 120 (approved); neighbourhood 60 draft + 90 approved; online 30 submitted.
    # Last year's 600 and the other environment's 300 minutes do not count.
    assert [(r.key, r.minutes, r.approved_minutes) for r in rows] == [
        ("school", 120, 120),
        ("neighbourhood", 150, 90),
        ("online", 30, 0),
    ]
    assert [(r.hours, r.approved_hours) for r in rows] == [(2.0, 2.0), (2.5, 1.5), (0.5, 0.0)]


def test_professional_hours_per_organisation_and_domain(world) -> None:
    rows = figures.professional_hours(world.environment, YEAR)
    # School (educational) 90 + 30; buurtteam social 60 and pedagogical 45; last
    # year's 600 and the other environment's 300 do not count.
    assert [(r.label, r.domain, r.minutes) for r in rows] == [
        ("Basisschool Telwerk", "educational", 120),
        ("Buurtteam Telwerk", "pedagogical", 45),
        ("Buurtteam Telwerk", "social", 60),
    ]
    assert [r.hours for r in rows] == [2.0, 0.8, 1.0]


def test_reflections_per_mechanism(world) -> None:
    data = figures.reflections(world.environment, YEAR)
    # Published this year: identification 3, coordination 1, reflection 1,
    # transformation 1 (the draft and last year's do not count).
    assert data.total == 3
    assert [(m.key, m.count) for m in data.mechanisms] == [
        ("shows_identification", 3),
        ("shows_coordination", 1),
        ("shows_reflection", 1),
        ("shows_transformation", 1),
    ]


def test_usefulness_per_month(world) -> None:
    rows = figures.usefulness(world.environment, YEAR)
    # October: m1 (4/5, 2/3) and k1 (5/5) → usefulness 11/3, relevance 13/3.
    # November: m2 (3/3).
    assert [(r.month, r.responses, r.usefulness, r.relevance) for r in rows] == [
        (datetime.date(2026, 10, 1), 3, 3.67, 4.33),
        (datetime.date(2026, 11, 1), 1, 3.0, 3.0),
    ]


def test_dashboard_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        figures.dashboard(world.environment, YEAR)
    # Ten times the students, placements, sessions and attendance.
    from tests.dashboards.test_queries import grow

    grow(world, 10)
    with CaptureQueriesContext(connection) as large:
        figures.dashboard(world.environment, YEAR)
    assert len(small) == len(large)
    assert len(large) <= 12
