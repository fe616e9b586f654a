"""Rollover to the next school year, the service (#14, part 5): what is carried over
and what never is, drafts a school year later with their holiday landings, running it
twice, a year that already has an environment of the name, the old year untouched."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.navigation import navigation_key
from environments.models import Domain, LearningEnvironment
from learning_networks.models import (
    Attendance,
    HolidayKind,
    LearningLine,
    LearningNetwork,
    NetworkMembership,
    NetworkSession,
    SessionFeedback,
    SessionStatus,
)
from placements.models import ActivityEntry, Placement
from reflections.models import LearningOutcome, OutcomeEvidence, Reflection
from supervision.models import MeetingNote, ResponsibilityAgreement, Rollover, TimeLog
from supervision.rollover import (
    Choices,
    RolloverRefused,
    a_year_later,
    next_school_year,
    rollover_plan,
    rollover_run,
    weeks_to_next_year,
)
from tests.environments.factories import LearningEnvironmentFactory
from tests.learning_networks.steps import ship_holidays_if_flushed
from tests.supervision.steps import a_year_to_roll_over

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shipped_holidays(db: None) -> None:
    """The year's first school weeks come from the shipped summer holidays."""
    ship_holidays_if_flushed()


AMS = ZoneInfo("Europe/Amsterdam")


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)


def _new_year(cast: Any) -> LearningEnvironment:
    return LearningEnvironment.objects.get(name=cast.environment.name, school_year="2027-2028")


def _old_year(environment: LearningEnvironment) -> dict[str, list[Any]]:
    """Every row of the environment's year, as values."""
    networks = LearningNetwork.objects.filter(environment=environment)
    sessions = NetworkSession.objects.filter(network__in=networks)
    return {
        "environment": list(LearningEnvironment.objects.filter(pk=environment.pk).values()),
        "partners": list(environment.organisations.values_list("pk", flat=True)),
        "programme_targets": list(environment.programme_targets.values()),
        "domain_targets": list(environment.domain_targets.values()),
        "agreement": list(ResponsibilityAgreement.objects.filter(environment=environment).values()),
        "memberships": list(environment.memberships.values()),
        "networks": list(networks.values()),
        "network_members": list(NetworkMembership.objects.filter(network__in=networks).values()),
        "lines": list(LearningLine.objects.filter(network__in=networks).values()),
        "sessions": list(sessions.order_by("pk").values()),
        "facilitators": list(
            NetworkSession.facilitators.through.objects.filter(networksession__in=sessions)
            .order_by("pk")
            .values()
        ),
        "attendances": list(Attendance.objects.filter(session__in=sessions).values()),
        "feedback": list(SessionFeedback.objects.filter(session__in=sessions).values()),
        "outcomes": list(LearningOutcome.objects.filter(environment=environment).values()),
        "placements": list(Placement.objects.filter(environment=environment).values()),
        "reflections": list(Reflection.objects.filter(environment=environment).values()),
    }


def test_next_school_year() -> None:
    assert next_school_year("2026-2027") == "2027-2028"
    assert next_school_year("2029-2030") == "2030-2031"


def test_a_session_moves_to_the_same_weekday_of_the_same_school_week() -> None:
    # Both years' first school weeks are known (middle region): 31 August 2026 and
    # 30 August 2027, 52 weeks apart, though 2026 has an ISO week 53.
    assert weeks_to_next_year("midden", "2026-2027") == 52
    third_week = datetime.datetime(2026, 9, 15, 9, 30, tzinfo=AMS)  # a Tuesday
    moved = a_year_later(third_week, 52)
    assert moved.date() == datetime.date(2027, 9, 14)
    assert (moved.isoweekday(), moved.time()) == (2, datetime.time(9, 30))
    # A year whose next summer holiday is not known yet: by ISO week number, 53 weeks
    # across a year with a week 53 ...
    assert weeks_to_next_year("midden", "2028-2029") is None
    assert a_year_later(third_week).date() == datetime.date(2027, 9, 21)
    # ... 52 otherwise, keeping the clock time across the change to summer time.
    winter = datetime.datetime(2027, 3, 2, 14, 0, tzinfo=AMS)
    moved = a_year_later(winter)
    assert moved.date() == datetime.date(2028, 2, 29)
    assert _local(moved).time() == datetime.time(14, 0)


def test_rollover_carries_the_frame_and_makes_the_coordinator_its_coordinator(cast: Any) -> None:
    line = a_year_to_roll_over(cast)

    rollover, plan = rollover_run(source=cast.environment, user=cast.coordinator)

    new = _new_year(cast)
    assert rollover.source == cast.environment and rollover.target == new
    assert rollover.created_by == cast.coordinator
    assert (new.region, new.neighbourhood, new.holiday_region, new.vision) == (
        cast.environment.region,
        cast.environment.neighbourhood,
        cast.environment.holiday_region,
        cast.environment.vision,
    )
    assert set(new.organisations.all()) == set(cast.environment.organisations.all())
    assert list(new.programme_targets.values_list("programme", "students")) == [
        (cast.social_work.pk, 5)
    ]
    assert list(new.domain_targets.values_list("domain", "students")) == [(Domain.SOCIAL, 4)]
    assert new.responsibility_agreement.practice_supervisor == (
        "Begeleidt wekelijks op de werkplek."
    )
    assert list(new.learning_outcomes.values_list("title", flat=True)) == [
        "Samenwerken over grenzen"
    ]
    # The coordinator, and only the coordinator, is a member of the new year.
    assert list(new.memberships.values_list("user", "role", "is_active")) == [
        (cast.coordinator.pk, Role.COORDINATOR, True)
    ]
    # The network with its core team, not its students.
    network = LearningNetwork.objects.get(environment=new)
    assert network.name == cast.network.name
    assert list(network.memberships.values_list("user", "core_team")) == [
        (cast.supervisor.pk, True)
    ]
    new_line = LearningLine.objects.get(network=network)
    assert new_line.title == line.title
    # The line's sessions that were not cancelled, as drafts on the same weekday and
    # time of the same school week, in the same order; nothing outside the line.
    old_sessions = list(line.sessions.exclude(status=SessionStatus.CANCELLED).order_by("starts_at"))
    drafts = list(new_line.sessions.order_by("starts_at"))
    assert [s.theme for s in drafts] == [s.theme for s in old_sessions]
    assert {s.status for s in drafts} == {SessionStatus.DRAFT}
    assert [s.position for s in drafts] == [1, 2, 3]
    for old, draft in zip(old_sessions, drafts, strict=True):
        assert _local(draft.starts_at).date() - _local(old.starts_at).date() == (
            datetime.timedelta(weeks=52)
        )
        assert _local(draft.starts_at).time() == _local(old.starts_at).time()
        assert draft.ends_at - draft.starts_at == old.ends_at - old.starts_at
        assert (draft.kind, draft.location_id) == (old.kind, old.location_id)
        assert draft.uid != old.uid
    assert NetworkSession.objects.filter(network=network).count() == len(drafts)
    workshop = next(s for s in drafts if s.theme == "Ouderbetrokkenheid")
    assert list(workshop.audience_programmes.all()) == [cast.social_work]
    # Drafts invite nobody.
    assert not Attendance.objects.filter(session__network=network).exists()
    # The one landing in the spring holiday of 2028 is listed, not dropped.
    assert [(m.session.theme, m.holiday) for m in plan.in_holidays] == [
        ("Ouderbetrokkenheid", str(HolidayKind.SPRING.label))
    ]
    assert _local(workshop.starts_at).date() == datetime.date(2028, 2, 29)


def test_rollover_never_carries_what_students_did(cast: Any) -> None:
    a_year_to_roll_over(cast)
    assert Placement.objects.filter(environment=cast.environment).exists()
    assert Reflection.objects.filter(environment=cast.environment).exists()
    assert SessionFeedback.objects.exists()

    rollover_run(source=cast.environment, user=cast.coordinator)

    new = _new_year(cast)
    assert not Placement.objects.filter(environment=new).exists()
    assert not ActivityEntry.objects.filter(placement__environment=new).exists()
    assert not Reflection.objects.filter(environment=new).exists()
    assert not OutcomeEvidence.objects.filter(outcome__environment=new).exists()
    assert not Attendance.objects.filter(session__network__environment=new).exists()
    assert not SessionFeedback.objects.filter(session__network__environment=new).exists()
    assert not MeetingNote.objects.filter(placement__environment=new).exists()
    assert not TimeLog.objects.filter(environment=new).exists()
    assert not NetworkMembership.objects.filter(
        network__environment=new, user=cast.student
    ).exists()
    assert not new.memberships.filter(user=cast.student).exists()


def test_the_old_year_stays_as_it_was(cast: Any) -> None:
    a_year_to_roll_over(cast)
    before = _old_year(cast.environment)

    rollover_run(source=cast.environment, user=cast.coordinator)
    rollover_run(source=cast.environment, user=cast.coordinator)

    assert _old_year(cast.environment) == before


def _counts(environment: LearningEnvironment) -> dict[str, int]:
    return {
        "partners": environment.organisations.count(),
        "programme_targets": environment.programme_targets.count(),
        "domain_targets": environment.domain_targets.count(),
        "agreement": ResponsibilityAgreement.objects.filter(environment=environment).count(),
        "memberships": environment.memberships.count(),
        "networks": environment.networks.count(),
        "network_members": NetworkMembership.objects.filter(
            network__environment=environment
        ).count(),
        "lines": LearningLine.objects.filter(network__environment=environment).count(),
        "sessions": NetworkSession.objects.filter(network__environment=environment).count(),
        "audience": NetworkSession.audience_programmes.through.objects.filter(
            networksession__network__environment=environment
        ).count(),
        "outcomes": environment.learning_outcomes.count(),
    }


def test_running_it_twice_duplicates_nothing(cast: Any) -> None:
    a_year_to_roll_over(cast)
    first, _ = rollover_run(source=cast.environment, user=cast.coordinator)
    new = _new_year(cast)
    after_first = _counts(new)

    again, plan = rollover_run(source=cast.environment, user=cast.coordinator)

    assert again.pk == first.pk
    assert plan.nothing
    assert _counts(new) == after_first
    assert Rollover.objects.count() == 1
    assert LearningEnvironment.objects.filter(name=cast.environment.name).count() == 2


def test_running_it_again_adds_only_what_is_missing(cast: Any) -> None:
    """After the coordinator moved a draft, renamed the line and removed an outcome,
    a second run adds the session planned since in the old year, and nothing else."""
    line = a_year_to_roll_over(cast)
    rollover_run(source=cast.environment, user=cast.coordinator)
    new = _new_year(cast)
    new_line = LearningLine.objects.get(network__environment=new)
    new_line.title = "Samen opvoeden 2027"
    new_line.save()
    moved = new_line.sessions.get(theme="Ouderbetrokkenheid")
    moved.starts_at += datetime.timedelta(days=14)
    moved.ends_at += datetime.timedelta(days=14)
    moved.save()
    new.learning_outcomes.all().delete()
    late = datetime.datetime(2027, 5, 11, 15, 0, tzinfo=AMS)
    NetworkSession.objects.create(
        network=cast.network,
        line=line,
        kind="intervision",
        theme="Casusbespreking",
        starts_at=late,
        ends_at=late + datetime.timedelta(hours=1),
    )
    before = _counts(new)

    _, plan = rollover_run(source=cast.environment, user=cast.coordinator)

    assert [move.session.theme for move in plan.sessions] == ["Casusbespreking"]
    assert _counts(new) == {**before, "sessions": before["sessions"] + 1}
    assert list(
        NetworkSession.objects.filter(network__environment=new)
        .order_by("starts_at")
        .values_list("theme", "line__title")
    )[-1] == ("Casusbespreking", "Samen opvoeden 2027")
    assert LearningLine.objects.filter(network__environment=new).count() == 1


def test_a_year_with_an_environment_of_that_name_is_refused(cast: Any) -> None:
    a_year_to_roll_over(cast)
    LearningEnvironmentFactory(name=cast.environment.name, school_year="2027-2028")
    environments = LearningEnvironment.objects.count()

    plan = rollover_plan(source=cast.environment)
    assert plan.refused
    with pytest.raises(RolloverRefused):
        rollover_run(source=cast.environment, user=cast.coordinator)

    assert LearningEnvironment.objects.count() == environments
    assert not Rollover.objects.exists()
    # Under another name it goes.
    rollover_run(source=cast.environment, user=cast.coordinator, name="Leidsche Rijn Noord")
    assert LearningEnvironment.objects.filter(
        name="Leidsche Rijn Noord", school_year="2027-2028"
    ).exists()


def test_only_the_chosen_parts_are_carried(cast: Any) -> None:
    a_year_to_roll_over(cast)

    rollover_run(
        source=cast.environment,
        user=cast.coordinator,
        choices=Choices(partners=False, agreement=False, lines=False, outcomes=False),
    )

    new = _new_year(cast)
    # A programme's institute comes along with it; the schools do not.
    assert list(new.organisations.all()) == [cast.institute]
    assert new.programme_targets.count() == 1
    assert not ResponsibilityAgreement.objects.filter(environment=new).exists()
    assert new.networks.count() == 1
    assert not LearningLine.objects.filter(network__environment=new).exists()
    assert not NetworkSession.objects.filter(network__environment=new).exists()
    assert not new.learning_outcomes.exists()


def test_the_rollover_is_audited_and_the_menu_forgotten(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a_year_to_roll_over(cast)
    cache.set(navigation_key(cast.coordinator.pk), "menu")

    with django_capture_on_commit_callbacks(execute=True):
        rollover, _ = rollover_run(source=cast.environment, user=cast.coordinator)

    new = _new_year(cast)
    assert cache.get(navigation_key(cast.coordinator.pk)) is None
    assert AuditEvent.objects.filter(
        environment=cast.environment, model="supervision.Rollover", object_id=rollover.pk
    ).exists()
    created = set(
        AuditEvent.objects.filter(environment=new, action="create").values_list("model", flat=True)
    )
    assert created >= {
        "environments.LearningEnvironment",
        "environments.Partnership",
        "environments.ProgrammeTarget",
        "environments.DomainTarget",
        "accounts.Membership",
    }


def test_the_plan_costs_the_same_queries_for_a_bigger_year(
    cast: Any, django_assert_max_num_queries: Any
) -> None:
    line = a_year_to_roll_over(cast)
    with CaptureQueriesContext(connection) as small:
        rollover_plan(source=cast.environment)
    other = LearningNetwork.objects.create(environment=cast.environment, name="Tweede netwerk")
    NetworkMembership.objects.create(network=other, user=cast.bystander, core_team=True)
    second = LearningLine.objects.create(network=other, title="Buitenspelen")
    for week in range(6):
        start = datetime.datetime(2027, 4, 6, 10, 0, tzinfo=AMS) + datetime.timedelta(weeks=week)
        for session_line in (line, second):
            NetworkSession.objects.create(
                network=session_line.network,
                line=session_line,
                kind="mixed",
                theme=f"Week {week}",
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=1),
            )
    LearningOutcome.objects.create(environment=cast.environment, title="Tweede uitkomst")

    with django_assert_max_num_queries(len(small.captured_queries)):
        plan = rollover_plan(source=cast.environment)
    assert len(plan.sessions) == 3 + 12
