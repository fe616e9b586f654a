"""Reflections: the student's (the author's) pages, feedback, read receipts, outcomes.

The cast's supervisor supervises the student's placement and is in the network's core
team; the bystander, the coordinator and the outsiders neither. A reflection shared
with supervisors is therefore read by the student and the supervisor alone: the
coordinator gets counts only (404 for the text).
"""

from typing import Any

from tests.security.matrix import Case, env_pk, statuses

SHARED_TEXT = "Matrix-reflectie gedeeld met begeleiders."
PRIVATE_TEXT = "Matrix-reflectie alleen voor mij."

# Read by the author and their supervisor; nobody else knows it exists.
READ = statuses(bystander=404, coordinator=404, outsider=404, other_coordinator=404)
AUTHOR_ONLY = {**READ, "supervisor": 404}
# Changed by the author alone; the supervisor reads it, so 403.
AUTHOR_WRITE = {**READ, "student": 302, "supervisor": 403}
# Outcomes: every member reads; coordinators and the core team (the supervisor) manage.
OUTCOMES_READ = statuses(outsider=404, other_coordinator=404)
OUTCOMES_MANAGE = {**OUTCOMES_READ, "student": 403, "bystander": 403, "colleague": 403}
OUTCOMES_MANAGE_WRITE = {**OUTCOMES_MANAGE, "supervisor": 302, "coordinator": 302}
# Anyone may write a reflection in an environment they belong to; the outsiders'
# memberships are elsewhere, so the chosen environment is refused (422).
WRITE_ANY = statuses(
    student=302,
    supervisor=302,
    bystander=302,
    colleague=302,
    coordinator=302,
    outsider=422,
    other_coordinator=422,
)
AUTOSAVE_ANY = {
    **WRITE_ANY,
    **dict.fromkeys(["student", "supervisor", "bystander", "colleague", "coordinator"], 200),
}


def make_shared(cast: Any) -> Any:
    from django.utils import timezone

    from reflections.models import Reflection, Visibility

    return Reflection.objects.get_or_create(
        author=cast.student,
        environment=cast.environment,
        text=SHARED_TEXT,
        defaults={"visibility": Visibility.SUPERVISORS, "published_at": timezone.now()},
    )[0]


def make_private(cast: Any) -> Any:
    from django.utils import timezone

    from reflections.models import Reflection, Visibility

    return Reflection.objects.get_or_create(
        author=cast.student,
        environment=cast.environment,
        text=PRIVATE_TEXT,
        defaults={"visibility": Visibility.PRIVATE, "published_at": timezone.now()},
    )[0]


def make_outcome(cast: Any) -> Any:
    from reflections.models import LearningOutcome

    make_shared(cast)
    return LearningOutcome.objects.get_or_create(
        environment=cast.environment, title="Samenwerken met ouders"
    )[0]


def make_evidence(cast: Any) -> Any:
    from reflections.models import OutcomeEvidence

    return OutcomeEvidence.objects.get_or_create(
        outcome=make_outcome(cast), reflection=make_shared(cast), defaults={"student": cast.student}
    )[0]


def setup_pk(cast: Any) -> list[Any]:
    return [cast.setup_result.pk]


def reflection_data(cast: Any) -> dict[str, Any]:
    return {
        "text": "Ik leerde veel van de buurtwerker over het gesprek met ouders.",
        "mechanisms": ["identification"],
        "t_arm": "connecting",
        "visibility": "supervisors",
        "environment": cast.environment.pk,
        "action": "publish",
    }


def outcome_data(cast: Any) -> dict[str, Any]:
    return {"title": "Reflecteren op eigen handelen", "description": "", "position": "2"}


def evidence_data(cast: Any) -> dict[str, Any]:
    from reflections.models import Reflection

    return {"reflection": Reflection.objects.get(text=SHARED_TEXT).pk}


CASES = [
    Case("reflections:list", statuses()),
    Case("reflections:create", statuses()),
    Case("reflections:create", WRITE_ANY, method="post", data=reflection_data),
    Case("reflections:autosave", AUTOSAVE_ANY, method="post", data=reflection_data),
    Case("reflections:detail", READ, setup=make_shared, args=setup_pk),
    Case("reflections:detail", AUTHOR_ONLY, setup=make_private, args=setup_pk),
    Case("reflections:edit", {**READ, "supervisor": 403}, setup=make_shared, args=setup_pk),
    Case(
        "reflections:edit",
        AUTHOR_WRITE,
        method="post",
        setup=make_shared,
        args=setup_pk,
        data=reflection_data,
    ),
    Case("reflections:delete", AUTHOR_WRITE, method="post", setup=make_shared, args=setup_pk),
    Case(
        "reflections:feedback_add",
        {**READ, "student": 302, "supervisor": 302},
        method="post",
        setup=make_shared,
        args=setup_pk,
        data=lambda cast: {"text": "Mooi beschreven."},
    ),
    Case(
        "reflections:feedback_add",
        {**AUTHOR_ONLY, "student": 302},
        method="post",
        setup=make_private,
        args=setup_pk,
        data=lambda cast: {"text": "Mooi beschreven."},
        note="a private reflection: a supervisor's feedback is 404 and changes nothing",
    ),
    Case(
        "reflections:mark_read",
        {**READ, "student": 403, "supervisor": 302},
        method="post",
        setup=make_shared,
        args=setup_pk,
    ),
    Case("reflections:outcomes", OUTCOMES_READ, args=env_pk),
    Case(
        "reflections:outcomes",
        OUTCOMES_MANAGE_WRITE,
        method="post",
        args=env_pk,
        data=outcome_data,
    ),
    Case("reflections:outcome_edit", OUTCOMES_MANAGE, setup=make_outcome, args=setup_pk),
    Case(
        "reflections:outcome_edit",
        OUTCOMES_MANAGE_WRITE,
        method="post",
        setup=make_outcome,
        args=setup_pk,
        data=outcome_data,
    ),
    Case(
        "reflections:outcome_delete",
        OUTCOMES_MANAGE_WRITE,
        method="post",
        setup=make_outcome,
        args=setup_pk,
    ),
    Case(
        "reflections:evidence_add",
        # Only the author can link the reflection: for other members it is not theirs.
        {
            **OUTCOMES_READ,
            "student": 302,
            "supervisor": 422,
            "bystander": 422,
            "colleague": 422,
            "coordinator": 422,
        },
        method="post",
        setup=make_outcome,
        args=setup_pk,
        data=evidence_data,
    ),
    Case(
        "reflections:evidence_remove",
        {**AUTHOR_ONLY, "student": 302},
        method="post",
        setup=make_evidence,
        args=setup_pk,
    ),
]

ALLOWED_WRITES = {
    *{
        (name, role)
        for name in ("reflections:create", "reflections:autosave")
        for role in ("student", "supervisor", "bystander", "colleague", "coordinator")
    },
    ("reflections:edit", "student"),
    ("reflections:delete", "student"),
    ("reflections:feedback_add", "student"),
    ("reflections:feedback_add", "supervisor"),
    ("reflections:mark_read", "supervisor"),
    ("reflections:outcomes", "coordinator"),
    ("reflections:outcomes", "supervisor"),
    ("reflections:outcome_edit", "coordinator"),
    ("reflections:outcome_edit", "supervisor"),
    ("reflections:outcome_delete", "coordinator"),
    ("reflections:outcome_delete", "supervisor"),
    ("reflections:evidence_add", "student"),
    ("reflections:evidence_remove", "student"),
}
