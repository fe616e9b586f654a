"""Who may read a reflection: the rules of Reflection.objects.visible_to and friends."""

from typing import Any

import pytest

from accounts.models import Membership, Role
from environments.models import Domain
from learning_networks.models import LearningNetwork
from learning_networks.services import network_member_set
from placements.models import SupervisionAssignment, SupervisionRole
from reflections.models import Reflection, ReflectionFeedback, Visibility
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.placements.factories import PlacementFactory
from tests.reflections.factories import ReflectionFactory

EVERYONE = ["student", "supervisor", "bystander", "coordinator", "outsider", "other_coordinator"]


def readers(cast: Any, reflection: Reflection, *extra: Any) -> set[str]:
    people = {role: getattr(cast, role) for role in EVERYONE}
    people.update({user.full_name: user for user in extra})
    return {
        name
        for name, user in people.items()
        if Reflection.objects.visible_to(user).filter(pk=reflection.pk).exists()
    }


def reflection(cast: Any, visibility: str, *, draft: bool = False) -> Reflection:
    return ReflectionFactory(
        author=cast.student,
        environment=cast.environment,
        visibility=visibility,
        published_at=None if draft else ReflectionFactory.published_at.function(),
    )


@pytest.mark.parametrize("visibility", Visibility.values)
def test_a_draft_is_read_by_its_author_alone(cast: Any, peer: Any, visibility: str) -> None:
    draft = reflection(cast, visibility, draft=True)

    assert readers(cast, draft, peer) == {"student"}


def test_private_is_read_by_its_author_alone(cast: Any, peer: Any) -> None:
    private = reflection(cast, Visibility.PRIVATE)

    assert readers(cast, private, peer) == {"student"}


def test_supervisors_see_what_is_shared_with_supervisors(cast: Any, peer: Any) -> None:
    shared = reflection(cast, Visibility.SUPERVISORS)

    # The peer shares the network but supervises nobody; the coordinator gets counts only.
    assert readers(cast, shared, peer) == {"student", "supervisor"}


def test_network_members_see_what_is_shared_with_the_network(cast: Any, peer: Any) -> None:
    shared = reflection(cast, Visibility.NETWORK)

    assert readers(cast, shared, peer) == {"student", "supervisor", "Pim Peer"}


def test_a_deactivated_supervisor_sees_nothing(cast: Any) -> None:
    shared = reflection(cast, Visibility.NETWORK)
    Membership.objects.filter(user=cast.supervisor).update(is_active=False)

    assert readers(cast, shared) == {"student"}


def test_a_deactivated_network_member_sees_nothing(cast: Any, peer: Any) -> None:
    shared = reflection(cast, Visibility.NETWORK)
    Membership.objects.filter(user=peer).update(is_active=False)

    assert "Pim Peer" not in readers(cast, shared, peer)


def test_changing_the_visibility_takes_effect_at_once(cast: Any, peer: Any) -> None:
    shared = reflection(cast, Visibility.NETWORK)
    assert readers(cast, shared, peer) == {"student", "supervisor", "Pim Peer"}

    Reflection.objects.filter(pk=shared.pk).update(visibility=Visibility.SUPERVISORS)
    assert readers(cast, shared, peer) == {"student", "supervisor"}

    Reflection.objects.filter(pk=shared.pk).update(visibility=Visibility.PRIVATE)
    assert readers(cast, shared, peer) == {"student"}


def test_supervision_in_another_environment_gives_no_access(cast: Any) -> None:
    """The supervisor of the student's placement elsewhere does not read reflections here."""
    elsewhere = UserFactory(full_name="Elders Begeleider")
    MembershipFactory(
        user=elsewhere, environment=cast.other_environment, role=Role.PRACTICE_SUPERVISOR
    )
    other_placement = PlacementFactory(
        student=cast.student, programme=cast.social_work, environment=cast.other_environment
    )
    SupervisionAssignment.objects.create(
        placement=other_placement,
        supervisor=elsewhere,
        role=SupervisionRole.PRACTICE,
        domain=Domain.SOCIAL,
    )
    shared = reflection(cast, Visibility.NETWORK)

    assert "Elders Begeleider" not in readers(cast, shared, elsewhere)


def test_a_network_of_another_environment_gives_no_access(cast: Any) -> None:
    network = LearningNetwork.objects.create(environment=cast.other_environment, name="Elders")
    MembershipFactory(
        user=cast.student,
        environment=cast.other_environment,
        role=Role.STUDENT,
        programme=cast.social_work,
    )
    network_member_set(network=network, user=cast.student)
    network_member_set(network=network, user=cast.outsider)
    shared = reflection(cast, Visibility.NETWORK)

    assert "outsider" not in readers(cast, shared)


def test_a_coordinator_who_supervises_the_student_reads_as_a_supervisor(cast: Any) -> None:
    SupervisionAssignment.objects.create(
        placement=cast.placement,
        supervisor=cast.coordinator,
        role=SupervisionRole.INSTITUTE,
        domain=Domain.SOCIAL,
    )
    shared = reflection(cast, Visibility.SUPERVISORS)

    assert readers(cast, shared) == {"student", "supervisor", "coordinator"}


def test_anonymous_sees_nothing(cast: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    reflection(cast, Visibility.NETWORK)

    assert not Reflection.objects.visible_to(AnonymousUser()).exists()  # type: ignore[arg-type]


def test_awaiting_response_lists_shared_reflections_without_my_feedback(
    cast: Any, peer: Any
) -> None:
    waiting = reflection(cast, Visibility.SUPERVISORS)
    networked = reflection(cast, Visibility.NETWORK)
    answered = reflection(cast, Visibility.SUPERVISORS)
    reflection(cast, Visibility.PRIVATE)
    reflection(cast, Visibility.SUPERVISORS, draft=True)
    ReflectionFeedback.objects.create(reflection=answered, author=cast.supervisor, text="Mooi!")
    # Someone else's response does not count as mine.
    ReflectionFeedback.objects.create(reflection=waiting, author=cast.student, text="Aanvulling")

    pending = set(Reflection.objects.awaiting_response_from(cast.supervisor))

    assert pending == {waiting, networked}
    # A network member is not a supervisor: nothing awaits their response.
    assert not Reflection.objects.awaiting_response_from(peer).exists()
    assert not Reflection.objects.awaiting_response_from(cast.bystander).exists()
    assert not Reflection.objects.awaiting_response_from(cast.coordinator).exists()
