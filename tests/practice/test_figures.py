"""Practice questions in figures (#17, part 6): per host by status, the domain mix of
the teams' students (small numbers suppressed), the time from proposal to delivery."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from practice.figures import practice_figures
from practice.services import team_add
from tests.practice.steps import a_student, accepted, delivered, pose

pytestmark = pytest.mark.django_db


def test_figures_per_host_domain_and_time(cast: Any) -> None:
    delivered(cast)
    pose(cast, title="Een leesplek", asked_by=cast.bystander)
    with translation.override("en"):
        figures = practice_figures(cast.environment)
    [school] = figures.hosts
    statuses = dict(zip(figures.statuses, school.counts, strict=True))
    assert (statuses["proposed"], statuses["delivered"], school.total) == (1, 1, 2)
    # One social-work student on a team: shown as "<5", the others as 0.
    assert dict(figures.domains) == {"educational": "0", "social": "<5", "pedagogical": "0"}
    assert figures.delivered == 1
    assert figures.median_days == "0.0"


def test_five_students_of_a_domain_are_counted(cast: Any) -> None:
    question = accepted(cast)
    for number in range(5):
        team_add(
            question=question,
            user=a_student(cast, cast.pabo, f"Pabo {number}"),
            is_supervisor=False,
        )
    with translation.override("en"):
        assert dict(practice_figures(cast.environment).domains)["educational"] == "5"


def test_the_page_reads_the_same_queries_for_more_questions(cast: Any, client: Client) -> None:
    delivered(cast)
    client.force_login(cast.coordinator)
    url = reverse("practice:figures", args=[cast.environment.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for number in range(6):
        pose(cast, title=f"Vraag {number}", asked_by=cast.bystander)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "Questions per school or organisation" in response.content.decode()
    assert len(many) == len(few)
