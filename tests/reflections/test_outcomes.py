"""Shared learning outcomes: who defines them, and students' evidence with its feedback."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reflections.models import LearningOutcome, OutcomeEvidence, ReflectionFeedback, Visibility
from tests.placements.factories import ActivityEntryFactory, PlacementFactory
from tests.reflections.factories import LearningOutcomeFactory, ReflectionFactory


def outcomes_url(cast: Any) -> str:
    return reverse("reflections:outcomes", args=[cast.environment.pk])


def outcome_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Ouders betrekken",
        "description": "Samen met de buurtwerker ouders betrekken bij het leren.",
        "criteria": "Je laat zien hoe je samenwerkte.",
        "position": "1",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["coordinator", "supervisor"])  # the supervisor is core team
def test_coordinators_and_the_core_team_add_outcomes(cast: Any, login: Any, role: str) -> None:
    response = login(getattr(cast, role)).post(outcomes_url(cast), outcome_data())

    assert response.status_code == 302
    outcome = LearningOutcome.objects.get()
    assert outcome.environment == cast.environment
    assert outcome.created_by == getattr(cast, role)


@pytest.mark.parametrize(
    ("role", "status"), [("student", 403), ("bystander", 403), ("outsider", 404)]
)
def test_others_may_not_add_outcomes(cast: Any, login: Any, role: str, status: int) -> None:
    response = login(getattr(cast, role)).post(outcomes_url(cast), outcome_data())

    assert response.status_code == status
    assert not LearningOutcome.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"criteria": "x" * 5000}, "criteria"),
        ({"position": "-1"}, "position"),
        ({"position": "abc"}, "position"),
    ],
)
def test_bad_outcomes_are_refused(
    cast: Any, login: Any, overrides: dict[str, Any], field: str
) -> None:
    response = login(cast.coordinator).post(outcomes_url(cast), outcome_data(**overrides))

    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert not LearningOutcome.objects.exists()


def test_a_duplicate_title_is_refused(cast: Any, login: Any) -> None:
    LearningOutcomeFactory(environment=cast.environment, title="Ouders betrekken")

    response = login(cast.coordinator).post(
        outcomes_url(cast), outcome_data(title="ouders betrekken")
    )

    assert response.status_code == 422
    assert LearningOutcome.objects.count() == 1


def test_edit_and_delete_an_outcome(cast: Any, client: Client) -> None:
    outcome = LearningOutcomeFactory(environment=cast.environment)
    client.force_login(cast.student)
    assert client.get(reverse("reflections:outcome_edit", args=[outcome.pk])).status_code == 403
    client.force_login(cast.coordinator)

    response = client.post(
        reverse("reflections:outcome_edit", args=[outcome.pk]), outcome_data(title="Nieuw")
    )
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.title == "Nieuw"

    client.post(reverse("reflections:outcome_delete", args=[outcome.pk]))
    assert not LearningOutcome.objects.exists()


def test_student_links_evidence_and_sees_its_feedback(cast: Any, login: Any) -> None:
    outcome = LearningOutcomeFactory(environment=cast.environment)
    reflection = ReflectionFactory(author=cast.student, environment=cast.environment)
    ReflectionFeedback.objects.create(
        reflection=reflection, author=cast.supervisor, text="Sterk-voorbeeld-42"
    )
    entry = ActivityEntryFactory(placement=cast.placement)
    client = login(cast.student)
    url = reverse("reflections:evidence_add", args=[outcome.pk])

    assert client.post(url, {"reflection": reflection.pk}).status_code == 302
    assert client.post(url, {"activity": entry.pk}).status_code == 302

    assert OutcomeEvidence.objects.filter(outcome=outcome, student=cast.student).count() == 2
    content = client.get(outcomes_url(cast)).content.decode()
    assert "Sterk-voorbeeld-42" in content and "Bram Schoolopleider" in content


@pytest.mark.parametrize("which", ["others_reflection", "others_entry", "both", "neither"])
def test_evidence_must_be_one_of_my_own_items(cast: Any, login: Any, which: str) -> None:
    outcome = LearningOutcomeFactory(environment=cast.environment)
    theirs = ReflectionFactory(author=cast.supervisor, environment=cast.environment)
    their_entry = ActivityEntryFactory(
        placement=PlacementFactory(environment=cast.environment, programme=cast.pabo)
    )
    mine = ReflectionFactory(author=cast.student, environment=cast.environment)
    data = {
        "others_reflection": {"reflection": theirs.pk},
        "others_entry": {"activity": their_entry.pk},
        "both": {
            "reflection": mine.pk,
            "activity": ActivityEntryFactory(placement=cast.placement).pk,
        },
        "neither": {},
    }[which]

    response = login(cast.student).post(
        reverse("reflections:evidence_add", args=[outcome.pk]), data
    )

    assert response.status_code == 422
    assert not OutcomeEvidence.objects.exists()


def test_another_environments_outcome_is_404(cast: Any, login: Any) -> None:
    outcome = LearningOutcomeFactory(environment=cast.other_environment)
    reflection = ReflectionFactory(author=cast.student, environment=cast.environment)

    response = login(cast.student).post(
        reverse("reflections:evidence_add", args=[outcome.pk]), {"reflection": reflection.pk}
    )

    assert response.status_code == 404
    assert not OutcomeEvidence.objects.exists()


def test_evidence_is_removed_by_its_student_only(cast: Any, client: Client) -> None:
    outcome = LearningOutcomeFactory(environment=cast.environment)
    reflection = ReflectionFactory(author=cast.student, environment=cast.environment)
    evidence = OutcomeEvidence.objects.create(
        outcome=outcome, student=cast.student, reflection=reflection
    )
    url = reverse("reflections:evidence_remove", args=[evidence.pk])

    client.force_login(cast.coordinator)
    assert client.post(url).status_code == 404
    client.force_login(cast.student)
    assert client.post(url).status_code == 302
    assert not OutcomeEvidence.objects.exists()


def test_managers_see_how_many_linked_evidence_never_the_text(cast: Any, login: Any) -> None:
    outcome = LearningOutcomeFactory(environment=cast.environment)
    private = ReflectionFactory(
        author=cast.student,
        environment=cast.environment,
        visibility=Visibility.PRIVATE,
        text="Prive-bewijs-77",
    )
    OutcomeEvidence.objects.create(outcome=outcome, student=cast.student, reflection=private)

    response = login(cast.coordinator).get(outcomes_url(cast))

    assert "Prive-bewijs-77" not in response.content.decode()
    assert response.context["rows"][0]["outcome"].students == 1


def test_the_outcomes_page_runs_a_constant_number_of_queries(cast: Any, client: Client) -> None:
    client.force_login(cast.student)

    def add(n: int) -> None:
        for _ in range(n):
            outcome = LearningOutcomeFactory(environment=cast.environment)
            reflection = ReflectionFactory(author=cast.student, environment=cast.environment)
            ReflectionFeedback.objects.create(
                reflection=reflection, author=cast.supervisor, text="Goed"
            )
            OutcomeEvidence.objects.create(
                outcome=outcome, student=cast.student, reflection=reflection
            )
            OutcomeEvidence.objects.create(
                outcome=outcome,
                student=cast.student,
                activity=ActivityEntryFactory(placement=cast.placement),
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(outcomes_url(cast)).status_code == 200
        return len(context)

    add(2)
    few = queries()
    add(8)
    assert queries() == few


def test_a_reflection_of_another_environment_is_refused_at_the_field(cast: Any, login: Any) -> None:
    from accounts.models import Role
    from tests.accounts.factories import MembershipFactory

    MembershipFactory(
        user=cast.student,
        environment=cast.other_environment,
        role=Role.STUDENT,
        programme=cast.social_work,
    )
    outcome = LearningOutcomeFactory(environment=cast.environment)
    elsewhere = ReflectionFactory(author=cast.student, environment=cast.other_environment)

    response = login(cast.student).post(
        reverse("reflections:evidence_add", args=[outcome.pk]), {"reflection": elsewhere.pk}
    )

    assert response.status_code == 422
    assert response.context["rows"][0]["errors"].errors["reflection"]
    assert not OutcomeEvidence.objects.exists()
