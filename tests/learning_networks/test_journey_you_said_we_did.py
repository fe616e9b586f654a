"""A core-team member on a phone reads a session's feedback (five responses, so the
comments are shown), records what the core team concluded and changes, and a student
sees "you said, we did" on the next session of the learning line (#19).

Driven by Playwright in Debian's Chromium at phone size (tests/conftest.py) against
the live server; ``transactional_db`` comes before ``cast`` so the cast is visible to
the server's thread.
"""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from learning_networks.models import FeedbackDecision, LearningLine, NetworkSession
from learning_networks.services import session_invite
from tests.browser import is_htmx_post, log_in, watch_console
from tests.learning_networks.test_feedback import give, participants

pytestmark = pytest.mark.e2e


def test_core_team_decides_and_the_student_sees_it_next_time(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    line = LearningLine.objects.create(network=cast.network, title="Samen lezen")
    NetworkSession.objects.filter(pk=cast.past_session.pk).update(line=line, position=1)
    NetworkSession.objects.filter(pk=cast.session.pk).update(line=line, position=2)
    people = participants(cast, 5, prefix="Anoniem")
    session_invite(session=cast.past_session)
    give(cast.past_session, people[0], 3, 2, "Graag meer over het sociaal domein.")
    for person in people[1:]:
        give(cast.past_session, person, 4, 3)
    base_url = live_server.url
    errors = watch_console(page)

    # The school trainer (core team) reads the feedback on the past session.
    log_in(page, base_url, cast.supervisor)
    past_url = reverse("learning_networks:session", args=[cast.past_session.pk])
    page.goto(base_url + past_url)
    expect(page.locator(".feedback-comments li")).to_have_count(1)
    expect(page.locator(".feedback-comments")).to_contain_text("sociaal domein")
    page.evaluate("window.__notReloaded = true")

    decision_url = reverse("learning_networks:session_decision", args=[cast.past_session.pk])
    form = page.locator("#decision form")
    # Nothing typed: refused at the fields, in place.
    with page.expect_response(is_htmx_post(decision_url)) as posted:
        form.locator('button[type="submit"]').click()
    assert posted.value.status == 422
    expect(page.locator("#decision .errorlist").first).to_be_visible()
    form = page.locator("#decision form")
    form.locator('textarea[name="concluded"]').fill("Jullie misten het sociaal domein.")
    form.locator('textarea[name="changes"]').fill("Volgende keer schuift het buurtteam aan.")
    with page.expect_response(is_htmx_post(decision_url)) as posted:
        form.locator('button[type="submit"]').click()
    assert posted.value.status == 200
    expect(page.locator("#decision dl.decision")).to_contain_text("buurtteam")
    assert page.evaluate("window.__notReloaded") is True
    decision = FeedbackDecision.objects.get()
    assert (decision.session_id, decision.line_id, decision.author_id) == (
        cast.past_session.pk,
        line.pk,
        cast.supervisor.pk,
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the session page scrolls sideways on a phone ({width}px)"

    # The student opens the next session of the line and reads what changes.
    page.context.clear_cookies()
    log_in(page, base_url, cast.student)
    page.goto(base_url + reverse("learning_networks:session", args=[cast.session.pk]))
    said = page.locator("section.you-said-we-did")
    expect(said).to_be_visible()
    expect(said.locator("dl.decision")).to_contain_text("Volgende keer schuift het buurtteam aan.")
    expect(page.locator("#decision form")).to_have_count(0)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the next session scrolls sideways on a phone ({width}px)"
    # The browser logs the refused empty form (422) as a failed resource; nothing else.
    assert [error for error in errors if "422" not in error] == []
