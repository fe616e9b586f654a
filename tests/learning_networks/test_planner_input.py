"""The date finder's input: a network's members as the planner's participants."""

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership, Role
from accounts.services import membership_save
from environments.models import Domain
from learning_networks.models import Unavailability
from learning_networks.planner import WORKING_DAYS
from learning_networks.planner_input import network_participants
from learning_networks.services import network_member_set, session_cancel
from tests.accounts.factories import MembershipFactory, UserFactory


def around_next_week() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return today, today + datetime.timedelta(days=14)


def test_students_come_from_their_placement_and_professionals_on_working_days(
    cast: Any,
) -> None:
    first_day, last_day = around_next_week()

    students, professionals = network_participants(
        cast.network, first_day=first_day, last_day=last_day
    )

    [student] = students
    assert student.key == cast.student.pk
    assert (student.programme, student.domain) == ("Social work", Domain.SOCIAL)
    assert student.on_site_days == {1, 2, 4} and student.class_days == {3}
    assert student.available_from == cast.placement.start_date
    assert student.available_until == cast.placement.end_date
    [trainer] = professionals
    assert trainer.key == cast.supervisor.pk
    # A school trainer counts for education; professionals can come on every working day.
    assert trainer.domain == Domain.EDUCATIONAL and trainer.programme == ""
    assert trainer.on_site_days == set(WORKING_DAYS) and not trainer.class_days
    # Both are invited to next week's session: busy then.
    session = (cast.session.starts_at, cast.session.ends_at)
    assert student.busy == (session,) and trainer.busy == (session,)


def test_unavailability_makes_busy_and_a_cancelled_session_does_not(cast: Any) -> None:
    first_day, last_day = around_next_week()
    away = timezone.make_aware(
        datetime.datetime.combine(first_day + datetime.timedelta(days=2), datetime.time(9))
    )
    Unavailability.objects.create(
        user=cast.student, starts_at=away, ends_at=away + datetime.timedelta(hours=3)
    )
    # Outside the period: not the planner's business.
    Unavailability.objects.create(
        user=cast.student,
        starts_at=away + datetime.timedelta(days=30),
        ends_at=away + datetime.timedelta(days=31),
    )
    session_cancel(session=cast.session)

    students, professionals = network_participants(
        cast.network, first_day=first_day, last_day=last_day
    )

    assert students[0].busy == ((away, away + datetime.timedelta(hours=3)),)
    assert professionals[0].busy == ()


def test_left_out_or_never_on_site(cast: Any) -> None:
    """A member no longer active in the environment is not expected; a student without a
    placement in the period has no day on site, so never counts as able to come."""
    first_day, last_day = around_next_week()
    trainer = Membership.objects.get(user=cast.supervisor, environment=cast.environment)
    trainer.is_active = False
    membership_save(membership=trainer)
    newcomer = UserFactory()
    MembershipFactory(
        user=newcomer, environment=cast.environment, role=Role.STUDENT, programme=cast.pabo
    )
    network_member_set(network=cast.network, user=newcomer)
    neighbour = UserFactory()
    MembershipFactory(
        user=neighbour,
        environment=cast.environment,
        role=Role.PRACTICE_SUPERVISOR,
        organisation=cast.neighbourhood,
    )
    network_member_set(network=cast.network, user=neighbour)

    students, professionals = network_participants(
        cast.network, first_day=first_day, last_day=last_day
    )

    placed, unplaced = sorted(students, key=lambda s: s.key != cast.student.pk)
    assert placed.key == cast.student.pk and placed.on_site_days
    assert (unplaced.key, unplaced.programme) == (newcomer.pk, "Pabo")
    assert not unplaced.on_site_days and unplaced.available_from is None
    assert [(p.key, p.domain) for p in professionals] == [(neighbour.pk, Domain.SOCIAL)]


def test_the_same_queries_for_few_and_many_members(cast: Any) -> None:
    first_day, last_day = around_next_week()
    with CaptureQueriesContext(connection) as few:
        network_participants(cast.network, first_day=first_day, last_day=last_day)
    for _ in range(10):
        person = UserFactory()
        MembershipFactory(
            user=person, environment=cast.environment, role=Role.STUDENT, programme=cast.pabo
        )
        network_member_set(network=cast.network, user=person)
    with CaptureQueriesContext(connection) as many:
        students, _professionals = network_participants(
            cast.network, first_day=first_day, last_day=last_day
        )
    assert len(students) == 11
    assert len(few) == len(many) == 5
