"""A supervisor on a phone opens their home, sees a supervisee's waiting week and a
reflection shared with them, responds to it right there, and writes down a
supervision meeting that the student then reads.

Driven by Playwright in Debian's Chromium at phone size (tests/conftest.py) against
the live server; ``transactional_db`` comes before ``cast`` so the cast is visible to
the server's thread.
"""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from reflections.models import ReflectionFeedback
from supervision.models import MeetingNote
from tests.browser import is_htmx_post, log_in, watch_console
from tests.supervision.steps import share_reflection, submit_week

pytestmark = pytest.mark.e2e


def test_supervisor_responds_from_home_and_writes_meeting_notes(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    week = submit_week(cast)
    reflection = share_reflection(
        cast.student, cast.environment, "Ik zag hoe de buurtwerker het gesprek opende."
    )
    base_url = live_server.url
    errors = watch_console(page)
    log_in(page, base_url, cast.supervisor)

    # From the home page to the supervisor's home, through the link for supervisors.
    home_url = reverse("supervision:home")
    page.locator(f'main a[href="{home_url}"]').click()
    expect(page).to_have_url(base_url + home_url)
    supervisee = page.locator(f"#supervisee-{cast.placement.pk}")
    expect(supervisee).to_contain_text(cast.student.full_name)
    expect(supervisee.locator(f'a[href="{week.get_absolute_url()}"]')).to_be_visible()
    waiting = supervisee.locator(f"#reflection-{reflection.pk}")
    expect(waiting).to_contain_text("Ik zag hoe de buurtwerker het gesprek opende.")

    # Responding right there brings the supervisor back, with nothing left to answer.
    waiting.locator("summary").click()
    waiting.locator('textarea[name="text"]').fill("Mooi beschreven: wat deed jij daarna?")
    waiting.locator('button[type="submit"]').click()
    expect(page).to_have_url(base_url + home_url + f"#supervisee-{cast.placement.pk}")
    expect(page.locator(f"#reflection-{reflection.pk}")).to_have_count(0)
    feedback = ReflectionFeedback.objects.get(reflection=reflection)
    assert (feedback.author, feedback.text) == (
        cast.supervisor,
        "Mooi beschreven: wat deed jij daarna?",
    )

    # Meeting notes: from the supervisee's card to the supervision page.
    supervisee = page.locator(f"#supervisee-{cast.placement.pk}")
    supervisee.locator(
        f'a[href="{reverse("supervision:placement", args=[cast.placement.pk])}#meeting-notes"]'
    ).click()
    section = page.locator("#meeting-notes")
    section.locator("summary").click()
    form = section.locator("form").first
    add_url = reverse("supervision:meeting_note_add", args=[cast.placement.pk])
    # Empty notes are refused at the field, in place.
    with page.expect_response(is_htmx_post(add_url)) as posted:
        form.locator('button[type="submit"]').click()
    assert posted.value.status == 422
    expect(page.locator("#meeting-notes .errorlist")).to_be_visible()
    assert not MeetingNote.objects.exists()

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    form = page.locator("#meeting-notes form").first
    form.locator('input[name="date"]').fill(yesterday.isoformat())
    form.locator('textarea[name="notes"]').fill("Besproken hoe Sanne de ouders betrekt.")
    form.locator('textarea[name="agreements"]').fill("Sanne bereidt een oudergesprek voor.")
    with page.expect_response(is_htmx_post(add_url)) as posted:
        form.locator('button[type="submit"]').click()
    assert posted.value.status == 200
    expect(page.locator("#meeting-notes .meeting-note")).to_contain_text(
        "Besproken hoe Sanne de ouders betrekt."
    )
    note = MeetingNote.objects.get()
    assert (note.author, note.placement, note.date) == (cast.supervisor, cast.placement, yesterday)

    # The student reads it on their placement's supervision page.
    page.context.clear_cookies()
    log_in(page, base_url, cast.student)
    page.goto(base_url + reverse("supervision:placement", args=[cast.placement.pk]))
    notes = page.locator("#meeting-notes")
    expect(notes).to_contain_text("Besproken hoe Sanne de ouders betrekt.")
    expect(notes).to_contain_text("Sanne bereidt een oudergesprek voor.")
    expect(notes.locator("form")).to_have_count(0)
    # The refused empty note is the one expected error response.
    assert [error for error in errors if "422" not in error] == []
