"""Steps shared by the practice-question tests, built through the real services."""

from typing import Any

from practice.models import Card, PracticeQuestion, QuestionStatus
from practice.services import card_add, question_pose, question_step, team_add

PLAYGROUND = "Hoe maken we het schoolplein een fijnere plek?"


def pose(cast: Any, *, title: str = PLAYGROUND, asked_by: Any = None, **fields: Any) -> Any:
    """A question the school trainer (or ``asked_by``) poses for the cast's school."""
    existing = PracticeQuestion.objects.filter(environment=cast.environment, title=title).first()
    if existing is not None:
        return existing
    fields.setdefault("context", "In de pauzes is er veel onrust op het plein.")
    fields.setdefault("hoped_for", "Een plan dat kinderen zelf mee bedenken.")
    fields.setdefault("for_whom", "Groep 5 tot en met 8, het plein in de pauze")
    return question_pose(
        question=PracticeQuestion(
            environment=cast.environment, host=cast.school, title=title, **fields
        ),
        asked_by=asked_by or cast.supervisor,
    )


def accepted(cast: Any, *, title: str = PLAYGROUND, **fields: Any) -> Any:
    """Posed by the school trainer and accepted, with the student and the school
    trainer (as supervisor) on the team."""
    question = pose(cast, title=title, **fields)
    if question.status == QuestionStatus.PROPOSED:
        question = question_step(question=question, step="accept")
        team_add(question=question, user=cast.student, is_supervisor=False)
        team_add(question=question, user=cast.supervisor, is_supervisor=True)
    return PracticeQuestion.objects.get(pk=question.pk)


def in_progress(cast: Any, **fields: Any) -> Any:
    question = accepted(cast, **fields)
    if question.status == QuestionStatus.ACCEPTED:
        question = question_step(question=question, step="start")
    return question


def delivered(cast: Any, **fields: Any) -> Any:
    question = in_progress(cast, **fields)
    if question.status == QuestionStatus.IN_PROGRESS:
        question = question_step(
            question=question, step="deliver", text="Een plan met speelzones en muntjes."
        )
    return question


def a_card(cast: Any, *, title: str = "Kinderen interviewen", question: Any = None) -> Card:
    question = question or in_progress(cast)
    existing = Card.objects.filter(question=question, title=title).first()
    if existing is not None:
        return existing
    return card_add(
        question=question,
        column=question.columns.order_by("position").first(),
        title=title,
        created_by=cast.student,
    )


def a_student(cast: Any, programme: Any, name: str, days: tuple[int, ...] = (1, 2)) -> Any:
    """Another student of the environment, with an active placement at the school."""
    import datetime

    from django.utils import timezone

    from accounts.models import Role
    from placements.models import Placement, PlacementStatus, weekdays_to_mask
    from tests.accounts.factories import MembershipFactory, UserFactory

    user = UserFactory(full_name=name)
    MembershipFactory(
        user=user, environment=cast.environment, role=Role.STUDENT, programme=programme
    )
    today = timezone.localdate()
    Placement.objects.create(
        student=user,
        programme=programme,
        environment=cast.environment,
        school=cast.school,
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=90),
        weekdays_on_site=weekdays_to_mask(list(days)),
        hours_per_week=8,
        status=PlacementStatus.ACTIVE,
    )
    return user
