"""The demo has reflections of every visibility and mechanism, threads and outcomes."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from environments.models import LearningEnvironment
from reflections.demo import create_demo_reflections
from reflections.models import (
    MECHANISM_FIELDS,
    LearningOutcome,
    OutcomeEvidence,
    Reflection,
    ReflectionFeedback,
    ReflectionRead,
    Visibility,
)
from reflections.privacy_hint import find_personal_data

pytestmark = pytest.mark.django_db


def totals() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Reflection,
            ReflectionFeedback,
            ReflectionRead,
            LearningOutcome,
            OutcomeEvidence,
        )
    }


def test_demo_reflections_cover_everything_and_load_twice_the_same() -> None:
    call_command("demo", stdout=StringIO())
    first = totals()
    # Again: what exists is found, nothing is added twice.
    create_demo_reflections(environments=LearningEnvironment.objects.all(), stdout=StringIO())

    assert totals() == first
    for environment_id in Reflection.objects.values_list("environment", flat=True).distinct():
        here = Reflection.objects.filter(environment_id=environment_id)
        published = here.filter(published_at__isnull=False)
        assert set(published.values_list("visibility", flat=True)) == set(Visibility.values)
        assert here.filter(published_at__isnull=True).exists()
        for field in MECHANISM_FIELDS.values():
            assert published.filter(**{field: True}).exists(), field
        # Threads: a supervisor responded, and sometimes the student replied.
        threads = published.annotate(
            responses=Count("feedback"),
            replies=Count("feedback", filter=Q(feedback__author=F("author"))),
        )
        assert threads.filter(responses__gt=0).exists()
        assert threads.filter(replies__gt=0).exists()
        outcomes = LearningOutcome.objects.filter(environment_id=environment_id)
        assert outcomes.count() == 3
        evidence = OutcomeEvidence.objects.filter(outcome__in=outcomes)
        assert evidence.filter(reflection__isnull=False).exists()
        assert evidence.filter(activity__isnull=False).exists()
    # Nobody shares private reflections' feedback, and the texts identify no pupil.
    assert not ReflectionFeedback.objects.filter(reflection__visibility=Visibility.PRIVATE).exists()
    for text in Reflection.objects.values_list("text", flat=True).distinct():
        assert find_personal_data(text) == [], text
    assert ReflectionRead.objects.exists()
