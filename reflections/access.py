"""Who may read, change and respond to reflections, and manage learning outcomes.

First line of every view. Outsiders get 404 (a reflection one may not read does not
exist for them); readers who may not do what they ask get 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from environments.access import environment_for
from environments.models import LearningEnvironment
from learning_networks.models import NetworkMembership
from reflections.models import LearningOutcome, OutcomeEvidence, Reflection


def reflection_for(user: User, pk: int, *, edit: bool = False) -> Reflection:
    """A reflection the user may read; ``edit``: only its author may change it."""
    reflection = (
        Reflection.objects.visible_to(user)
        .select_related(
            "author",
            "environment",
            "placement__programme",
            "session",
            "activity",
        )
        .filter(pk=pk)
        .first()
    )
    if reflection is None:
        raise Http404
    if edit and reflection.author_id != user.pk:
        raise PermissionDenied
    return reflection


def is_supervisor_of(user: User, reflection: Reflection) -> bool:
    """The user supervises the author in the reflection's environment and it is shared
    with supervisors."""
    return Reflection.objects.supervised_by(user).filter(pk=reflection.pk).exists()


def may_respond(user: User, reflection: Reflection) -> bool:
    """Supervisors who may read a shared reflection respond; its author replies."""
    if reflection.is_draft:
        return False
    return reflection.author_id == user.pk or is_supervisor_of(user, reflection)


def manages_outcomes(user: User, environment: LearningEnvironment) -> bool:
    """The environment's coordinators and the core teams of its learning networks."""
    if user.is_coordinator_of(environment):
        return True
    return (
        user.memberships.filter(environment=environment, is_active=True).exists()
        and NetworkMembership.objects.filter(
            user=user, core_team=True, network__environment=environment
        ).exists()
    )


def environment_for_outcomes(user: User, pk: int, *, manage: bool = False) -> LearningEnvironment:
    environment = environment_for(user, pk)
    if manage and not manages_outcomes(user, environment):
        raise PermissionDenied
    return environment


def outcome_for(user: User, pk: int, *, manage: bool = False) -> LearningOutcome:
    outcome = (
        LearningOutcome.objects.visible_to(user).select_related("environment").filter(pk=pk).first()
    )
    if outcome is None:
        raise Http404
    if manage and not manages_outcomes(user, outcome.environment):
        raise PermissionDenied
    return outcome


def evidence_for(user: User, pk: int) -> OutcomeEvidence:
    """A link of the user's own; 404 otherwise (others' evidence is theirs)."""
    evidence = (
        OutcomeEvidence.objects.filter(pk=pk, student=user)
        .select_related("outcome__environment")
        .first()
    )
    if evidence is None:
        raise Http404
    return evidence
