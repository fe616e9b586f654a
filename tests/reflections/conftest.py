from typing import Any

import pytest

from accounts.models import Role
from learning_networks.services import network_member_set
from tests.accounts.factories import MembershipFactory, UserFactory


@pytest.fixture
def peer(cast: Any) -> Any:
    """Another student of the environment in the cast's network, supervising nobody."""
    user = UserFactory(email="peer@example.org", full_name="Pim Peer")
    MembershipFactory(
        user=user, environment=cast.environment, role=Role.STUDENT, programme=cast.pabo
    )
    network_member_set(network=cast.network, user=user)
    return user
