"""seed_scale at a tiny fraction: the numbers it promises, and a dashboard on top."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, User
from environments.models import LearningEnvironment
from learning_networks.models import Attendance, NetworkSession
from placements.models import ActivityEntry, Placement
from reflections.models import Reflection
from ulvo.management.commands.seed_scale import REGION, Scale


def test_seed_scale_tiny(db, settings) -> None:
    call_command("seed_scale", scale=0.01, verbosity=0)
    expected = Scale().times(0.01)
    environments = LearningEnvironment.objects.filter(region__name=REGION)
    assert environments.count() == expected.environments == 1 or environments.count() == 1
    assert expected.students == 50 and expected.entries == 10_000
    students = User.objects.filter(email__startswith="student", email__endswith="@schaal.ulvo.test")
    assert students.count() == 50
    assert Membership.objects.filter(role="coordinator", environment__in=environments).exists()
    assert Placement.objects.filter(environment__in=environments).count() == 50
    assert ActivityEntry.objects.count() == 10_000
    assert NetworkSession.objects.count() == expected.sessions == 200
    assert Attendance.objects.count() == expected.attendances == 2_000
    assert Reflection.objects.count() == expected.reflections == 1_000
    # Nobody can log in with a password.
    assert not any(u.has_usable_password() for u in students[:5])


def test_seed_scale_counts_at_another_fraction(db) -> None:
    call_command("seed_scale", scale=0.04, verbosity=0)
    assert LearningEnvironment.objects.filter(region__name=REGION).count() == 2
    assert ActivityEntry.objects.count() == 40_000
    assert Attendance.objects.count() == 8_000


def test_seed_scale_refuses_bad_input(db, settings) -> None:
    with pytest.raises(CommandError):
        call_command("seed_scale", scale=0, verbosity=0)
    with pytest.raises(CommandError):
        call_command("seed_scale", scale=11, verbosity=0)
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("seed_scale", scale=0.01, verbosity=0)


def test_seed_scale_weeks_in_every_state(db, clock) -> None:
    """Weeks as a school year shows them, and each entry's status is its week's."""
    import datetime

    from django.db.models import Count

    from placements.models import SupervisionAssignment, Week, week_start

    # Mid-year (a Wednesday), so that every placement has past weeks.
    clock.now = datetime.datetime(2027, 3, 10, 12, tzinfo=datetime.UTC)
    call_command("seed_scale", scale=0.01, verbosity=0)
    today = datetime.date(2027, 3, 10)
    weeks = dict(Week.objects.values_list("status").annotate(n=Count("pk")))
    assert set(weeks) == {"approved", "submitted", "returned"}
    assert weeks["approved"] > weeks["submitted"] > 0 and weeks["returned"] > 0
    # Every week row has entries, and every entry's status is its week's (a draft without one).
    states = {(w.placement_id, w.start): w for w in Week.objects.all()}
    seen = set()
    for placement_id, date, status in ActivityEntry.objects.values_list(
        "placement_id", "date", "status"
    ):
        week = states.get((placement_id, week_start(date)))
        assert status == (week.status if week else "draft")
        seen.add((placement_id, week_start(date)))
    assert set(states) <= seen
    # Nothing of this week is submitted; submitted weeks wait, reviewed ones name their reviewer.
    assert not Week.objects.filter(start__gte=week_start(today)).exists()
    signers = set(
        SupervisionAssignment.objects.filter(signs_off=True).values_list(
            "supervisor_id", "placement_id"
        )
    )
    for week in states.values():
        assert week.submitted_at is not None
        if week.status == "submitted":
            assert week.reviewer_id is None and week.reviewed_at is None
        else:
            assert (week.reviewer_id, week.placement_id) in signers
            assert week.reviewer_name.startswith("Professional ")
            assert week.submitted_at <= week.reviewed_at <= clock.now
        assert bool(week.comment) == (week.status == "returned")
    # Many active placements have last week waiting for sign-off.
    last_week = week_start(today) - datetime.timedelta(days=7)
    assert Week.objects.filter(start=last_week, status="submitted").count() >= 10


def test_seed_scale_larger_environments(db) -> None:
    """--env-factor: the same people and activity in fewer, larger environments."""
    scale = Scale().times(0.1).larger_environments(5)
    assert scale.environments == 1 and scale.students == 500
    assert Scale().times(10).larger_environments(10).environments == 50
    assert Scale().times(10).entries == 10_000_000
    call_command("seed_scale", scale=0.04, env_factor=2, verbosity=0)
    assert LearningEnvironment.objects.filter(region__name=REGION).count() == 1
    assert ActivityEntry.objects.count() == 40_000
