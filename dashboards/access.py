"""Who may see which dashboard. First line of every dashboard view and export.

- the environment's dashboard and its drill-downs: its coordinators (members 403,
  outsiders 404);
- an organisation's view: the environment's coordinators and the people who belong to
  the environment on behalf of that organisation (other members 403);
- a network's view: its core team and the environment's coordinators (network members
  403, others 404).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from environments.access import environment_for
from environments.models import LearningEnvironment, Organisation
from learning_networks.access import network_for
from learning_networks.models import LearningNetwork


def dashboard_environment(user: User, pk: int) -> LearningEnvironment:
    """The environment, for its coordinators: ``environment_for(manage=True)`` in one
    query (the user's active memberships there, with the environment)."""
    from accounts.models import Membership, Role

    memberships = list(
        Membership.objects.filter(user=user, environment_id=pk, is_active=True).select_related(
            "environment"
        )
    )
    if not memberships:
        raise Http404
    if not any(m.role == Role.COORDINATOR for m in memberships):
        raise PermissionDenied
    return memberships[0].environment


def dashboard_organisation(
    user: User, pk: int, organisation_pk: int
) -> tuple[LearningEnvironment, Organisation, bool]:
    """The environment, the partner organisation and whether the viewer coordinates."""
    environment = environment_for(user, pk)
    organisation = environment.organisations.filter(pk=organisation_pk).first()
    if organisation is None:
        raise Http404
    if user.is_coordinator_of(environment):
        return environment, organisation, True
    belongs = user.memberships.filter(
        environment=environment, organisation=organisation, is_active=True
    ).exists()
    if not belongs:
        raise PermissionDenied
    return environment, organisation, False


def dashboard_network(user: User, pk: int) -> tuple[LearningNetwork, bool]:
    """The network (core team or coordinator) and whether the viewer coordinates."""
    network = network_for(user, pk, manage=True)
    return network, user.is_coordinator_of(network.environment)
