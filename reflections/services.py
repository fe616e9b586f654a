"""Workflows of reflections: drafts, sharing, feedback, read receipts, learning outcomes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from notifications.models import Kind
from notifications.services import notify
from placements.models import SupervisionAssignment
from reflections.models import (
    LearningOutcome,
    OutcomeEvidence,
    Reflection,
    ReflectionFeedback,
    ReflectionRead,
    Visibility,
)
from ulvo.lib.home_tokens import home_forget_students

if TYPE_CHECKING:
    from accounts.models import User
    from placements.models import ActivityEntry


class ReflectionError(Exception):
    """A change that breaks a rule; the message code is for the view."""


@transaction.atomic
def reflection_save(*, reflection: Reflection, publish: bool | None = None) -> Reflection:
    """Create or change a reflection (form-validated fields set on it).

    ``publish``: True shares it (keeping the first sharing time), False makes it a
    draft again, None leaves that as it is. Its visibility takes effect at once:
    every reader's query goes through ``Reflection.objects.visible_to``.
    """
    if publish is True and not reflection.text.strip():
        raise ReflectionError("empty")
    was_shared = reflection.pk is not None and _shared_with_supervisors(
        Reflection.objects.get(pk=reflection.pk)
    )
    if publish is True and reflection.published_at is None:
        reflection.published_at = timezone.now()
    elif publish is False:
        reflection.published_at = None
    reflection.save()
    # Shared, it waits for a response on the author's supervisors' home pages.
    home_forget_students([reflection.author_id])
    if not was_shared and _shared_with_supervisors(reflection):
        reflection_shared_queue(reflection=reflection)
    return reflection


def _shared_with_supervisors(reflection: Reflection) -> bool:
    return reflection.published_at is not None and reflection.visibility in (
        Visibility.SUPERVISORS,
        Visibility.NETWORK,
    )


def reflection_shared_queue(*, reflection: Reflection) -> int:
    """Tell the author's supervisors in the reflection's environment that it was shared
    with them: once per reflection and supervisor, however often it is shared again
    (the key names both). The message names the author, never the text."""
    from accounts.models import User as UserModel

    supervisors = UserModel.objects.filter(
        Exists(
            SupervisionAssignment.objects.filter(
                supervisor_id=OuterRef("pk"),
                placement__student_id=reflection.author_id,
                placement__environment_id=reflection.environment_id,
            )
        )
    ).exclude(pk=reflection.author_id)
    queued = 0
    for supervisor in supervisors:
        created = notify(
            recipient=supervisor,
            kind=Kind.REFLECTION_SHARED,
            dedupe_key=f"reflection_shared:{reflection.pk}:{supervisor.pk}",
            payload={"reflection": reflection.pk, "author": reflection.author_id},
        )
        queued += created is not None
    return queued


@transaction.atomic
def reflection_delete(*, reflection: Reflection) -> None:
    home_forget_students([reflection.author_id])
    reflection.delete()


@transaction.atomic
def reflection_feedback_add(
    *, reflection: Reflection, author: User, text: str
) -> ReflectionFeedback:
    """Add a response to a reflection's thread and tell the other side in the app.

    The caller has checked that ``author`` may respond (see ``access.may_respond``).
    A supervisor's response also counts as having seen the reflection.
    """
    text = text.strip()
    if not text:
        raise ReflectionError("empty")
    feedback = ReflectionFeedback.objects.create(reflection=reflection, author=author, text=text)
    # Answered, it no longer waits on the supervisors' home pages.
    home_forget_students([reflection.author_id])
    if author.pk == reflection.author_id:
        # The author replies: tell the supervisors who wrote in the thread before.
        recipients = list(
            reflection.feedback.exclude(author_id=author.pk)
            .values_list("author_id", flat=True)
            .distinct()
        )
    else:
        recipients = [reflection.author_id]
        reflection_mark_read(reflection=reflection, reader=author)
    from accounts.models import User as UserModel

    payload: dict[str, Any] = {
        "reflection": reflection.pk,
        "feedback": feedback.pk,
        "author": author.pk,
        "environment": reflection.environment_id,
    }
    for recipient in UserModel.objects.filter(pk__in=recipients):
        notify(
            recipient=recipient,
            kind=Kind.REFLECTION_FEEDBACK,
            dedupe_key=f"reflection_feedback:{feedback.pk}:{recipient.pk}",
            payload=payload,
        )
    return feedback


@transaction.atomic
def reflection_mark_read(*, reflection: Reflection, reader: User) -> ReflectionRead | None:
    """Record that a reader other than the author opened the reflection (once)."""
    if reader.pk == reflection.author_id or reflection.is_draft:
        return None
    read, _ = ReflectionRead.objects.get_or_create(reflection=reflection, reader=reader)
    return read


@transaction.atomic
def outcome_save(*, outcome: LearningOutcome, by: User) -> LearningOutcome:
    if outcome.pk is None:
        outcome.created_by = by
    outcome.save()
    return outcome


@transaction.atomic
def outcome_delete(*, outcome: LearningOutcome) -> None:
    outcome.delete()


@transaction.atomic
def evidence_link(
    *,
    outcome: LearningOutcome,
    student: User,
    reflection: Reflection | None = None,
    activity: ActivityEntry | None = None,
) -> OutcomeEvidence:
    """Link one of the student's own reflections or activity entries to an outcome.

    Idempotent: linking the same item twice returns the existing link.
    """
    if (reflection is None) == (activity is None):
        raise ReflectionError("one_item")
    if reflection is not None and (
        reflection.author_id != student.pk or reflection.environment_id != outcome.environment_id
    ):
        raise ReflectionError("not_yours")
    if activity is not None and (
        activity.placement.student_id != student.pk
        or activity.placement.environment_id != outcome.environment_id
    ):
        raise ReflectionError("not_yours")
    evidence, _ = OutcomeEvidence.objects.get_or_create(
        outcome=outcome,
        reflection=reflection,
        activity=activity,
        defaults={"student": student},
    )
    return evidence


@transaction.atomic
def evidence_unlink(*, evidence: OutcomeEvidence) -> None:
    evidence.delete()
