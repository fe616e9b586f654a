"""Services of reflections: sharing, feedback with its notification, reads, evidence."""

from typing import Any

import pytest
from django.db import IntegrityError
from django.utils import timezone

from notifications.models import Notification
from reflections.models import (
    MAX_TEXT,
    OutcomeEvidence,
    Reflection,
    ReflectionRead,
    Visibility,
)
from reflections.services import (
    ReflectionError,
    evidence_link,
    reflection_feedback_add,
    reflection_mark_read,
    reflection_save,
)
from tests.placements.factories import ActivityEntryFactory, PlacementFactory
from tests.reflections.factories import LearningOutcomeFactory, ReflectionFactory


def shared(cast: Any, **kwargs: Any) -> Reflection:
    return ReflectionFactory(author=cast.student, environment=cast.environment, **kwargs)


def test_publishing_sets_the_time_once_and_a_draft_clears_it(cast: Any) -> None:
    draft = Reflection(author=cast.student, environment=cast.environment, text="Eerste versie")
    reflection_save(reflection=draft, publish=False)
    assert draft.is_draft

    reflection_save(reflection=draft, publish=True)
    first = draft.published_at
    assert first is not None
    reflection_save(reflection=draft, publish=True)
    assert draft.published_at == first

    reflection_save(reflection=draft, publish=False)
    assert Reflection.objects.get(pk=draft.pk).published_at is None


def test_an_empty_reflection_cannot_be_shared(cast: Any) -> None:
    empty = Reflection(author=cast.student, environment=cast.environment, text="   ")

    with pytest.raises(ReflectionError):
        reflection_save(reflection=empty, publish=True)

    assert not Reflection.objects.exists()


def test_the_database_refuses_overlong_and_empty_shared_text(cast: Any) -> None:
    with pytest.raises(IntegrityError):
        Reflection.objects.create(
            author=cast.student, environment=cast.environment, text="x" * (MAX_TEXT + 1)
        )


def test_the_database_refuses_a_shared_reflection_without_text(cast: Any) -> None:
    with pytest.raises(IntegrityError):
        Reflection.objects.create(
            author=cast.student,
            environment=cast.environment,
            text=" ",
            published_at=timezone.now(),
        )


def test_feedback_notifies_the_author_with_ids_only(cast: Any) -> None:
    reflection = shared(cast, text="Geheime-tekst-XYZ over leerling A")

    feedback = reflection_feedback_add(
        reflection=reflection, author=cast.supervisor, text="  Reactie-ABC: goed gezien.  "
    )

    assert feedback.text == "Reactie-ABC: goed gezien."
    notification = Notification.objects.get()
    assert notification.recipient == cast.student
    assert notification.kind == "reflection_feedback"
    assert notification.payload == {
        "reflection": reflection.pk,
        "feedback": feedback.pk,
        "author": cast.supervisor.pk,
        "environment": cast.environment.pk,
    }
    assert "XYZ" not in str(notification.payload) and "ABC" not in str(notification.payload)
    # Responding means having read it.
    assert ReflectionRead.objects.filter(reflection=reflection, reader=cast.supervisor).exists()


def test_the_authors_reply_notifies_the_supervisors_in_the_thread(cast: Any) -> None:
    reflection = shared(cast)
    reflection_feedback_add(reflection=reflection, author=cast.supervisor, text="Vraag?")
    Notification.objects.all().delete()

    reflection_feedback_add(reflection=reflection, author=cast.student, text="Antwoord.")

    assert list(Notification.objects.values_list("recipient", flat=True)) == [cast.supervisor.pk]
    assert not ReflectionRead.objects.filter(reader=cast.student).exists()


def test_empty_feedback_is_refused(cast: Any) -> None:
    reflection = shared(cast)

    with pytest.raises(ReflectionError):
        reflection_feedback_add(reflection=reflection, author=cast.supervisor, text="  ")

    assert not reflection.feedback.exists()
    assert not Notification.objects.exists()


def test_a_read_is_recorded_once_and_never_for_the_author_or_a_draft(cast: Any) -> None:
    reflection = shared(cast)
    first = reflection_mark_read(reflection=reflection, reader=cast.supervisor)
    second = reflection_mark_read(reflection=reflection, reader=cast.supervisor)

    assert first == second
    assert reflection_mark_read(reflection=reflection, reader=cast.student) is None
    draft = shared(cast, published_at=None)
    assert reflection_mark_read(reflection=draft, reader=cast.supervisor) is None
    assert ReflectionRead.objects.count() == 1


def test_evidence_links_own_items_of_the_outcomes_environment_once(cast: Any) -> None:
    outcome = LearningOutcomeFactory(environment=cast.environment)
    reflection = shared(cast, visibility=Visibility.PRIVATE)
    entry = ActivityEntryFactory(placement=cast.placement)

    first = evidence_link(outcome=outcome, student=cast.student, reflection=reflection)
    again = evidence_link(outcome=outcome, student=cast.student, reflection=reflection)
    evidence_link(outcome=outcome, student=cast.student, activity=entry)

    assert first == again
    assert OutcomeEvidence.objects.count() == 2


def test_evidence_refuses_someone_elses_or_another_environments_items(cast: Any) -> None:
    outcome = LearningOutcomeFactory(environment=cast.environment)
    others = ReflectionFactory(author=cast.supervisor, environment=cast.environment)
    elsewhere = ReflectionFactory(author=cast.student, environment=cast.other_environment)
    foreign_entry = ActivityEntryFactory(
        placement=PlacementFactory(environment=cast.environment, programme=cast.pabo)
    )

    for kwargs in (
        {"reflection": others},
        {"reflection": elsewhere},
        {"activity": foreign_entry},
        {},
        {"reflection": elsewhere, "activity": foreign_entry},
    ):
        with pytest.raises(ReflectionError):
            evidence_link(outcome=outcome, student=cast.student, **kwargs)

    assert not OutcomeEvidence.objects.exists()


def test_evidence_needs_exactly_one_item_in_the_database(cast: Any) -> None:
    outcome = LearningOutcomeFactory(environment=cast.environment)

    with pytest.raises(IntegrityError):
        OutcomeEvidence.objects.create(outcome=outcome, student=cast.student)
