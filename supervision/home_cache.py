"""The supervisor's home page, kept in the cache per supervisor and language.

The page gathers per supervisee their placement, submitted weeks, reflections
waiting for a response, recent attendance and meeting notes: five queries over the
region's largest tables and a long list to render, on the page a supervisor opens
most. Rendered once, its list is kept under a key made of two tokens:

- the supervisor's token, forgotten whenever something on their page may change:
  their own assignments, memberships, core-team seats and meeting notes, and
  anything about one of their students (placement, weeks, reflections and the
  responses to them, attendance and the sessions attended, their name, their
  other supervisors);
- a global token, forgotten when programmes or environments change (names and
  domains are on every page).

A forgotten token is replaced by a new random one, so the old page can no longer be
reached: there is nothing to find and delete. Tokens are forgotten after the change
commits, and a reader sets a missing token *before* it reads the database, so a page
built from data older than a change is never stored under a token that outlives it.
``HOME_SECONDS`` bounds what time alone changes (a session that has just ended shows
among the recent sessions at most that late). Writes that bypass signals
(``bulk_create``, ``update()``) call :func:`forget_students` themselves.

The page is personal: the key holds the supervisor's id, and the cached list holds no
CSRF token (a placeholder is replaced per request).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

HOME_SECONDS = 300
# Stands in for the CSRF token in the cached list; replaced on every request.
CSRF_PLACEHOLDER = "ulvo-csrf-placeholder-9f3c"
_TOKEN_SECONDS = 7 * 24 * 3600
_GLOBAL = "ulvo:home:v1:all"


def _supervisor_key(user_id: int) -> str:
    return f"ulvo:home:v1:sup:{user_id}"


def seconds() -> int:
    """How long a page is kept; 0 switches the cache off (the test settings do)."""
    return int(getattr(settings, "ULVO_SUPERVISOR_HOME_CACHE_SECONDS", HOME_SECONDS))


def page_key(user_id: int, language: str) -> str:
    """The current key of a supervisor's page in a language. Missing tokens are set
    here, before the caller reads the database (see the module's docstring)."""
    keys = [_supervisor_key(user_id), _GLOBAL]
    tokens = cache.get_many(keys)
    missing = {key: secrets.token_hex(8) for key in keys if key not in tokens}
    if missing:
        cache.set_many(missing, _TOKEN_SECONDS)
        tokens.update(missing)
    return f"ulvo:home:v1:page:{user_id}:{language}:{tokens[keys[0]]}:{tokens[_GLOBAL]}"


def cached_page(user_id: int, language: str, build: Callable[[], str]) -> str:
    """The supervisor's rendered list: from the cache, or built and kept."""
    if seconds() <= 0:
        return build()
    key = page_key(user_id, language)
    html = cache.get(key)
    if html is None:
        html = build()
        cache.set(key, html, seconds())
    return html


def forget_supervisors(user_ids: Iterable[int | None]) -> None:
    """These supervisors' pages are out of date once the current transaction commits."""
    keys = {_supervisor_key(pk) for pk in user_ids if pk is not None}
    if keys:
        transaction.on_commit(lambda: cache.delete_many(list(keys)))


def forget_students(student_ids: Iterable[int | None]) -> None:
    """The pages of every supervisor of these students are out of date once the
    current transaction commits (their supervisors are looked up then)."""
    students = {pk for pk in student_ids if pk is not None}
    if not students:
        return

    def forget() -> None:
        from placements.models import SupervisionAssignment

        supervisors = set(
            SupervisionAssignment.objects.filter(placement__student_id__in=students)
            .values_list("supervisor_id", flat=True)
            .distinct()
        )
        if supervisors:
            cache.delete_many([_supervisor_key(pk) for pk in supervisors])

    transaction.on_commit(forget)


def forget_everyone() -> None:
    transaction.on_commit(lambda: cache.delete(_GLOBAL))


# --- Receivers ---------------------------------------------------------------------------


def _student_of_placement(placement_id: int | None) -> list[int]:
    from placements.models import Placement

    if placement_id is None:
        return []
    return list(Placement.objects.filter(pk=placement_id).values_list("student_id", flat=True))


def _assignment_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_supervisors([instance.supervisor_id, getattr(instance, "_home_old_supervisor", None)])
    forget_students(_student_of_placement(instance.placement_id))


def _assignment_before_save(sender: Any, instance: Any, **kwargs: Any) -> None:
    # A replaced supervisor loses the student from their page too.
    if instance.pk is not None:
        instance._home_old_supervisor = (
            sender.objects.filter(pk=instance.pk).values_list("supervisor_id", flat=True).first()
        )


def _placement_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_students([instance.student_id])


def _week_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_students(_student_of_placement(instance.placement_id))


def _reflection_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_students([instance.author_id])


def _feedback_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from reflections.models import Reflection

    forget_students(
        Reflection.objects.filter(pk=instance.reflection_id).values_list("author_id", flat=True)
    )


def _attendance_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_students([instance.user_id])


def _session_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from learning_networks.models import Attendance

    if kwargs.get("signal") is post_delete:
        return  # its attendance rows are deleted with it, each with its own signal
    forget_students(Attendance.objects.filter(session=instance).values_list("user_id", flat=True))


def _meeting_note_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_supervisors([instance.author_id])


def _member_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Memberships decide which environments count; core-team seats the hours links.
    forget_supervisors([instance.user_id])


def _user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Logging in saves last_login; only a name matters to the page.
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "full_name" not in update_fields:
        return
    forget_students([instance.pk])


def _catalogue_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_everyone()


def connect() -> None:
    from accounts.models import Membership, User
    from environments.models import LearningEnvironment, Programme
    from learning_networks.models import Attendance, NetworkMembership, NetworkSession
    from placements.models import Placement, SupervisionAssignment, Week
    from reflections.models import Reflection, ReflectionFeedback
    from supervision.models import MeetingNote

    receivers: list[tuple[Callable[..., None], Any]] = [
        (_assignment_changed, SupervisionAssignment),
        (_placement_changed, Placement),
        (_week_changed, Week),
        (_reflection_changed, Reflection),
        (_feedback_changed, ReflectionFeedback),
        (_attendance_changed, Attendance),
        (_session_changed, NetworkSession),
        (_meeting_note_changed, MeetingNote),
        (_member_changed, Membership),
        (_member_changed, NetworkMembership),
        (_user_changed, User),
        (_catalogue_changed, Programme),
        (_catalogue_changed, LearningEnvironment),
    ]
    for receiver, model in receivers:
        uid = f"home-{receiver.__name__}-{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid)
    pre_save.connect(
        _assignment_before_save, sender=SupervisionAssignment, dispatch_uid="home-assignment-old"
    )
