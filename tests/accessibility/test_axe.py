"""axe-core finds no WCAG 2.2 A/AA problem (nor a serious best-practice one) on the
main pages of every role, at phone size (tests/conftest.py) and at desktop size."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from tests.accessibility.axe import WCAG, rules, sign_in, violations
from tests.clock import frozen_at

pytestmark = pytest.mark.e2e


def seed(cast: Any) -> dict[str, Any]:
    """A week waiting for sign-off, a shared reflection with a response, both linked as
    evidence of a learning outcome."""
    from environments.models import ProgrammeTarget
    from placements.services import activity_create, week_submit
    from reflections.models import LearningOutcome, Reflection
    from reflections.services import (
        evidence_link,
        outcome_save,
        reflection_feedback_add,
        reflection_save,
    )

    day = timezone.localdate() - datetime.timedelta(days=7)
    activity = activity_create(
        placement=cast.placement,
        date=day,
        minutes=90,
        setting="school",
        kind="classroom",
        disciplines=["teacher"],
        description="Rekenles in groep 5 ondersteund.",
    )
    week = week_submit(placement=cast.placement, start=day, student=cast.student)
    # The coordinator's home then has all three things needing attention: a programme
    # below its target, a placement without own-domain supervision, a week waiting long.
    ProgrammeTarget.objects.create(environment=cast.environment, programme=cast.pabo, students=2)
    earlier = timezone.now() - datetime.timedelta(days=10)
    with frozen_at(earlier):
        activity_create(
            placement=cast.placement,
            date=day - datetime.timedelta(days=7),
            minutes=60,
            setting="school",
            kind="classroom",
            disciplines=["teacher"],
            description="Voorleesmiddag in groep 3.",
        )
        week_submit(
            placement=cast.placement, start=day - datetime.timedelta(days=7), student=cast.student
        )
    reflection = reflection_save(
        reflection=Reflection(
            author=cast.student,
            environment=cast.environment,
            placement=cast.placement,
            text="Samen met de buurtwerker een ouderavond voorbereid.",
            visibility="supervisors",
        ),
        publish=True,
    )
    reflection_feedback_add(reflection=reflection, author=cast.supervisor, text="Mooi gedaan.")
    outcome = outcome_save(
        outcome=LearningOutcome(environment=cast.environment, title="Samenwerken met ouders"),
        by=cast.coordinator,
    )
    second = reflection_save(
        reflection=Reflection(
            author=cast.student,
            environment=cast.environment,
            text="Een les samen met de pabo-student gegeven.",
            visibility="supervisors",
        ),
        publish=True,
    )
    evidence_link(outcome=outcome, student=cast.student, reflection=reflection)
    evidence_link(outcome=outcome, student=cast.student, reflection=second)
    evidence_link(outcome=outcome, student=cast.student, activity=activity)
    return {"week": week, "reflection": reflection}


def pages(cast: Any, seeded: dict[str, Any]) -> dict[str, list[str]]:
    placement = [cast.placement.pk]
    environment = [cast.environment.pk]
    return {
        "anonymous": [reverse("account_login"), reverse("privacy:policy")],
        "student": [
            reverse("home"),
            reverse("placements:list"),
            reverse("placements:detail", args=placement),
            reverse("placements:overview", args=placement),
            reverse("learning_networks:list"),
            reverse("learning_networks:session", args=[cast.session.pk]),
            reverse("learning_networks:session", args=[cast.past_session.pk]),
            reverse("reflections:list"),
            reverse("reflections:create"),
            reverse("reflections:detail", args=[seeded["reflection"].pk]),
            reverse("reflections:outcomes", args=environment),
            reverse("supervision:placement", args=placement),
            reverse("notifications:list"),
            reverse("notifications:preferences"),
            reverse("accounts:sessions"),
            reverse("privacy:policy"),
        ],
        "supervisor": [
            reverse("home"),
            reverse("placements:signoff_queue"),
            reverse("placements:week_review", args=[seeded["week"].pk]),
            reverse("supervision:home"),
            reverse("supervision:placement", args=placement),
            reverse("placements:detail", args=placement),
            reverse("reflections:detail", args=[seeded["reflection"].pk]),
            reverse("learning_networks:detail", args=[cast.network.pk]),
            reverse("learning_networks:roster", args=[cast.past_session.pk]),
            # The planning form, with its pickers of facilitators and guests.
            reverse("learning_networks:session_create", args=[cast.network.pk]),
            reverse("supervision:time_log", args=environment),
            # The feedback and the "you said, we did" form of a past session (#19).
            reverse("learning_networks:session", args=[cast.past_session.pk]),
            # The school's host view with this week's students (#19, part 3).
            reverse("dashboards:organisation", args=[cast.environment.pk, cast.school.pk]),
        ],
        "coordinator": [
            reverse("home"),
            reverse("accounts:environment", args=environment),
            reverse("placements:environment_placements", args=environment),
            reverse("placements:create", args=environment),
            reverse("placements:import_start", args=environment),
            reverse("supervision:gaps", args=environment),
            reverse("accounts:invitation_list", args=environment),
            reverse("dashboards:environment", args=environment),
            reverse("dashboards:placements", args=environment),
            reverse("dashboards:sessions", args=environment),
            reverse("dashboards:hours", args=environment),
            reverse("reflections:outcomes", args=environment),
            reverse("notifications:report_list", args=environment),
            reverse("accounts:audit_log", args=environment),
            reverse("privacy:policy"),
        ],
    }


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.parametrize("role", ["anonymous", "student", "supervisor", "coordinator"])
def test_main_pages_have_no_violations(
    transactional_db: None, cast: Any, live_server: Any, page: Page, role: str
) -> None:
    seeded = seed(cast)
    if role != "anonymous":
        sign_in(page, live_server.url, getattr(cast, role))
    page.goto(live_server.url + reverse("privacy:policy"))
    assert "target-size" in rules(page, WCAG), "the bundled axe-core predates WCAG 2.2"
    problems: dict[str, Any] = {}
    # At desktop width the navigation and the grids are laid out differently.
    for width, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        for url in pages(cast, seeded)[role]:
            response = page.goto(live_server.url + url)
            assert response is not None and response.status == 200, url
            page.wait_for_load_state("load")
            found = violations(page)
            if found:
                problems[f"{url} ({width})"] = found
    assert not problems, "\n".join(
        f"{where}: {finding['id']} ({finding['impact']}) {finding['help']}\n    "
        + "\n    ".join(finding["nodes"])
        for where, findings in problems.items()
        for finding in findings
    )
