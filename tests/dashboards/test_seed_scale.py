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
        call_command("seed_scale", scale=5, verbosity=0)
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("seed_scale", scale=0.01, verbosity=0)
