"""A student on a phone answers an invitation from the home page and, after an
earlier session, gives feedback.

Driven by Playwright in Debian's Chromium at phone size (tests/conftest.py) against
the live server; ``transactional_db`` comes before ``cast`` so the cast is visible to
the server's thread. Assertions use selectors and the database, not texts.
"""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from learning_networks.models import Answer, Attendance, SessionFeedback
from tests.browser import is_htmx_post, log_in, watch_console

pytestmark = pytest.mark.e2e


def test_student_answers_and_gives_feedback(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    base_url = live_server.url
    errors = watch_console(page)
    log_in(page, base_url, cast.student)

    # The home page lists the coming session; "I can't" leads to the reason form.
    session_url = reverse("learning_networks:session", args=[cast.session.pk])
    upcoming = page.locator(f"#upcoming-{cast.session.pk}")
    expect(upcoming).to_be_visible()
    upcoming.locator(f'a[href="{session_url}?answer=no#answer"]').click()
    expect(page).to_have_url(base_url + session_url + "?answer=no#answer")
    page.evaluate("window.__notReloaded = true")

    answer_url = reverse("learning_networks:session_answer", args=[cast.session.pk])
    no_form = page.locator('#answer form:has(input[name="answer"][value="no"])')
    expect(no_form.locator('textarea[name="reason"]')).to_be_visible()
    # An empty reason is refused at the field, in place.
    with page.expect_response(is_htmx_post(answer_url)) as posted:
        no_form.locator('button[type="submit"]').click()
    assert posted.value.status == 422
    expect(page.locator("#answer .errorlist")).to_be_visible()
    no_form = page.locator('#answer form:has(input[name="answer"][value="no"])')
    no_form.locator('textarea[name="reason"]').fill("Toetsweek op de hogeschool")
    with page.expect_response(is_htmx_post(answer_url)) as posted:
        no_form.locator('button[type="submit"]').click()
    assert posted.value.status == 200
    expect(page.locator("#answer .answer-no")).to_contain_text("Toetsweek op de hogeschool")
    attendance = Attendance.objects.get(session=cast.session, user=cast.student)
    assert (attendance.answer, attendance.reason) == (Answer.NO, "Toetsweek op de hogeschool")

    # Changing the mind: one tap on "I'll come".
    with page.expect_response(is_htmx_post(answer_url)) as posted:
        page.locator('#answer form:has(input[name="answer"][value="yes"]) button').click()
    assert posted.value.status == 200
    expect(page.locator("#answer .answer-yes")).to_be_visible()
    attendance.refresh_from_db()
    assert (attendance.answer, attendance.reason) == (Answer.YES, "")
    assert page.evaluate("window.__notReloaded") is True

    # Feedback on last week's session: two radio groups and a comment.
    past_url = reverse("learning_networks:session", args=[cast.past_session.pk])
    page.goto(base_url + past_url)
    form = page.locator("#feedback form")
    expect(form.locator("fieldset")).to_have_count(2)
    form.locator('input[name="usefulness"][value="4"]').check()
    form.locator('input[name="relevance"][value="5"]').check()
    form.locator('textarea[name="comment"]').fill("Veel geleerd van de pabo-studenten.")
    feedback_url = reverse("learning_networks:session_feedback", args=[cast.past_session.pk])
    with page.expect_response(is_htmx_post(feedback_url)) as posted:
        form.locator('button[type="submit"]').click()
    assert posted.value.status == 200
    expect(page.locator("#feedback form")).to_have_count(0)
    expect(page.locator("#messages .message-success")).to_be_visible()

    feedback = SessionFeedback.objects.get()
    assert (feedback.user, feedback.usefulness, feedback.relevance, feedback.comment) == (
        cast.student,
        4,
        5,
        "Veel geleerd van de pabo-studenten.",
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the session page scrolls sideways on a phone ({width}px)"
    # The browser logs the refused empty reason (422) as a failed resource; nothing else.
    assert [error for error in errors if "422" not in error] == []
