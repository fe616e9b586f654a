"""Who may see and change practice questions, their teams and boards.

First line of every view of the app. Outsiders (and members who may know only a
question's title) get 404; those who see a question but may not do what they ask
403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Role, User
from environments.access import environment_for
from environments.models import LearningEnvironment
from learning_networks.models import NetworkMembership
from practice.models import Card, PracticeQuestion

# Who poses a question: people at a school or neighbourhood organisation (and the
# environment's coordinators); the core team too, checked apart.
POSING_ROLES = (
    Role.PRACTICE_SUPERVISOR,
    Role.SCHOOL_TRAINER,
    Role.COLLEAGUE,
    Role.COORDINATOR,
)


def is_core_team(user: User, environment: LearningEnvironment) -> bool:
    return NetworkMembership.objects.filter(
        user=user, core_team=True, network__environment=environment
    ).exists()


def manages_questions(user: User, environment: LearningEnvironment) -> bool:
    """Coordinators and the core team accept, decline and form teams."""
    return user.is_coordinator_of(environment) or is_core_team(user, environment)


def may_pose(user: User, environment: LearningEnvironment) -> bool:
    return user.memberships.filter(
        environment=environment, is_active=True, role__in=POSING_ROLES
    ).exists() or is_core_team(user, environment)


def environment_to_pose(user: User, pk: int) -> LearningEnvironment:
    """An environment where the user may pose a question (students: 403)."""
    environment = environment_for(user, pk)
    if not may_pose(user, environment):
        raise PermissionDenied
    return environment


def environment_to_watch(user: User, pk: int) -> LearningEnvironment:
    """An environment whose questions' figures the user reads: its coordinators and
    core team (other members 403)."""
    environment = environment_for(user, pk)
    if not manages_questions(user, environment):
        raise PermissionDenied
    return environment


def question_for(
    user: User, pk: int, *, manage: bool = False, team: bool = False, asker: bool = False
) -> PracticeQuestion:
    """A question the user sees in full; 404 for everyone else (also for members who
    know its title from the list). ``manage``: coordinators and core team only;
    ``team``: its team members only; ``asker``: whoever asked it only (403)."""
    question = (
        PracticeQuestion.objects.visible_to(user)
        .select_related("environment", "host", "asked_by")
        .filter(pk=pk)
        .first()
    )
    if question is None:
        raise Http404
    if manage and not manages_questions(user, question.environment):
        raise PermissionDenied
    if team and not question.team.filter(user=user).exists():
        raise PermissionDenied
    if asker and question.asked_by_id != user.pk:
        raise PermissionDenied
    return question


def card_for(user: User, pk: int, *, write: bool = False) -> Card:
    """A card of a board the user sees; ``write``: only the team changes its board."""
    card = (
        Card.objects.filter(pk=pk, question__in=PracticeQuestion.objects.visible_to(user))
        .select_related("question__environment", "question__host", "column", "assignee")
        .first()
    )
    if card is None:
        raise Http404
    if write and not card.question.team.filter(user=user).exists():
        raise PermissionDenied
    return card
