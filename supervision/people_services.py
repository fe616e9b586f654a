"""The coordinator's people page: change a member's role or own domain, end a membership
with what it ends, invite an ended member again.

A membership is the accounts app's; what ending one ends belongs to the apps above it
(supervision assignments, network memberships, the calendar feed), so the workflow
lives here, above them all, and goes through each app's own services: they audit and
forget the cached navigation and supervisor homes, so a change takes effect on the next
request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from accounts.models import Invitation, Membership, Role, User
from accounts.navigation import navigation_forget
from accounts.services import invitation_create, membership_save
from learning_networks.models import CalendarFeed, LearningNetwork, NetworkMembership
from learning_networks.services import calendar_feed_revoke, network_member_remove
from placements.models import SUPERVISOR_ROLES, SupervisionAssignment
from placements.services import assignment_remove
from ulvo.lib.home_tokens import home_forget_students, home_forget_supervisors


class PeopleError(Exception):
    """A change the people page refuses; ``code`` is for the view's message."""

    def __init__(self, code: str, networks: list[LearningNetwork] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.networks = networks or []


@dataclass
class WhatEnds:
    """What ending (or narrowing) a membership takes away, to show before and do after."""

    assignments: list[SupervisionAssignment] = field(default_factory=list)
    networks: list[NetworkMembership] = field(default_factory=list)
    feed: bool = False
    # Refusals: the environment's last coordinator; networks left without a core team.
    last_coordinator: bool = False
    last_core_team_of: list[LearningNetwork] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.last_coordinator or bool(self.last_core_team_of)


def _is_last_coordinator(membership: Membership) -> bool:
    return (
        membership.role == Role.COORDINATOR
        and membership.is_active
        and not Membership.objects.filter(
            environment_id=membership.environment_id, role=Role.COORDINATOR, is_active=True
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def what_ending_ends(membership: Membership, *, new_role: str | None = None) -> WhatEnds:
    """What ending ``membership`` ends (or, with ``new_role``, changing its role to it).

    The person's other active memberships of the environment keep what they need: a
    remaining supervisor role keeps the supervision assignments, any remaining role the
    networks; the calendar feed goes when nothing is left in any environment. In a fixed
    number of queries.
    """
    ends = WhatEnds()
    if not membership.is_active:
        return ends
    user_id, environment_id = membership.user_id, membership.environment_id
    others = list(
        Membership.objects.filter(user_id=user_id, is_active=True)
        .exclude(pk=membership.pk)
        .values_list("environment_id", "role")
    )
    roles_here = {role for env, role in others if env == environment_id}
    if new_role is not None:
        roles_here.add(new_role)
    if new_role is None or new_role != membership.role:
        ends.last_coordinator = membership.role == Role.COORDINATOR and _is_last_coordinator(
            membership
        )
    if not roles_here & set(SUPERVISOR_ROLES):
        ends.assignments = list(
            SupervisionAssignment.objects.filter(
                supervisor_id=user_id, placement__environment_id=environment_id
            )
            .select_related("placement__student", "placement__programme")
            .order_by("placement__student__full_name", "pk")
        )
    if not roles_here:
        ends.networks = list(
            NetworkMembership.objects.filter(
                user_id=user_id, network__environment_id=environment_id
            )
            .select_related("network")
            .order_by("network__name")
        )
        core_networks = [m.network_id for m in ends.networks if m.core_team]
        if core_networks:
            others_in_core = set(
                NetworkMembership.objects.filter(network_id__in=core_networks, core_team=True)
                .exclude(user_id=user_id)
                .values_list("network_id", flat=True)
            )
            ends.last_core_team_of = [
                m.network
                for m in ends.networks
                if m.core_team and m.network_id not in others_in_core
            ]
        ends.feed = not others and CalendarFeed.objects.filter(user_id=user_id).exists()
    return ends


def _end_what(ends: WhatEnds, user: User) -> None:
    for assignment in ends.assignments:
        assignment_remove(assignment=assignment)
    for network_membership in ends.networks:
        network_member_remove(network=network_membership.network, user=user)
    if ends.feed:
        calendar_feed_revoke(user=user)


def _locked(membership: Membership) -> Membership:
    """The membership again, locked with the environment's coordinators, so two
    coordinators ending each other at once cannot leave the environment without one."""
    list(
        Membership.objects.select_for_update().filter(
            environment_id=membership.environment_id, role=Role.COORDINATOR
        )
    )
    return Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)


@transaction.atomic
def member_end(*, membership: Membership) -> WhatEnds:
    """End a membership and what depends on it (see :func:`what_ending_ends`). Refuses
    the environment's last coordinator and a network's last core-team member."""
    membership = _locked(membership)
    ends = what_ending_ends(membership)
    if ends.last_coordinator:
        raise PeopleError("last_coordinator")
    if ends.last_core_team_of:
        raise PeopleError("last_core_team_member", ends.last_core_team_of)
    if not membership.is_active:
        return ends
    _end_what(ends, membership.user)
    membership.is_active = False
    membership_save(membership=membership)  # audited; navigation and homes forgotten
    # Their supervisors' homes list them no longer; nor does their own.
    navigation_forget(membership.user_id)
    home_forget_supervisors([membership.user_id])
    home_forget_students([membership.user_id])
    return ends


@transaction.atomic
def member_change(
    *,
    membership: Membership,
    role: str,
    organisation_id: int | None,
    domain: str,
) -> WhatEnds:
    """Change a professional's role, organisation or own domain. A role that may not
    supervise ends their supervision assignments here (shown first); the last
    coordinator stays one."""
    membership = _locked(membership)
    if not membership.is_active:
        raise PeopleError("ended")
    if Role.STUDENT in (role, membership.role) and role != membership.role:
        raise PeopleError("student_role")
    if (
        role != membership.role
        and Membership.objects.filter(
            user_id=membership.user_id, environment_id=membership.environment_id, role=role
        ).exists()
    ):
        raise PeopleError("has_role")
    ends = what_ending_ends(membership, new_role=role) if role != membership.role else WhatEnds()
    if ends.last_coordinator:
        raise PeopleError("last_coordinator")
    # Changing a role never takes someone out of their networks.
    ends.networks, ends.feed, ends.last_core_team_of = [], False, []
    _end_what(ends, membership.user)
    membership.role = role
    if role != Role.STUDENT:
        membership.organisation_id = organisation_id
        membership.domain = domain
    membership_save(membership=membership)
    navigation_forget(membership.user_id)
    home_forget_supervisors([membership.user_id])
    return ends


@transaction.atomic
def member_reinvite(*, membership: Membership, invited_by: User) -> Invitation:
    """Invite an ended member again, in the same role, organisation or programme and
    own domain (accepting the invitation makes the membership active again)."""
    if membership.is_active:
        raise PeopleError("active")
    if (
        Invitation.objects.pending()
        .filter(
            environment_id=membership.environment_id,
            role=membership.role,
            email__iexact=membership.user.email,
        )
        .exists()
    ):
        raise PeopleError("invited")
    return invitation_create(
        environment=membership.environment,
        invited_by=invited_by,
        email=membership.user.email,
        full_name=membership.user.full_name,
        role=membership.role,
        organisation=membership.organisation,
        programme=membership.programme,
        domain=membership.domain,
    )
