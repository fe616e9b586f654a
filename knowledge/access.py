"""Who may read and change knowledge-base entries.

First line of every view of the app. Outsiders (and members who may not read a
draft) get 404; those who read an entry but may not do what they ask 403. The
public pages ask nobody: they read ``Entry.objects.public()`` only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from environments.access import environment_for
from environments.models import LearningEnvironment
from knowledge.models import Contributor, Entry, EntryStatus
from practice.access import manages_questions, may_pose


def may_write(user: User, environment: LearningEnvironment) -> bool:
    """People at the schools and organisations, the core team and coordinators write
    entries (students are named as contributors)."""
    return may_pose(user, environment)


def environment_to_write(user: User, pk: int) -> LearningEnvironment:
    environment = environment_for(user, pk)
    if not may_write(user, environment):
        raise PermissionDenied
    return environment


def may_edit(user: User, entry: Entry) -> bool:
    """Its contributors, coordinators and the core team change an entry that is not
    published."""
    if entry.status == EntryStatus.PUBLISHED:
        return False
    return entry.contributors.filter(user=user).exists() or manages_questions(
        user, entry.environment
    )


def entry_for(user: User, pk: int, *, edit: bool = False, review: bool = False) -> Entry:
    """An entry the user may read; ``edit``: change it (see :func:`may_edit`);
    ``review``: publish, return, make public: its environment's coordinators (403)."""
    entry = (
        Entry.objects.visible_to(user)
        .select_related("environment", "created_by")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404
    if edit and not may_edit(user, entry):
        raise PermissionDenied
    if review and not user.is_coordinator_of(entry.environment):
        raise PermissionDenied
    return entry


def contribution_for(user: User, pk: int) -> Contributor:
    """The user's own place on an entry they may read (consent is theirs alone)."""
    entry = entry_for(user, pk)
    contributor = entry.contributors.filter(user=user).first()
    if contributor is None:
        raise PermissionDenied
    contributor.entry = entry
    return contributor


def environment_to_coordinate(user: User, pk: int) -> LearningEnvironment:
    return environment_for(user, pk, manage=True)
