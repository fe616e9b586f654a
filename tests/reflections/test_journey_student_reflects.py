"""A student on a phone writes a reflection, is warned about a pupil's name, shares it
with their supervisors anyway, and later reads the supervisor's response and sees
that the supervisor read it.

Driven by Playwright in Debian's Chromium at phone size against the live server;
``transactional_db`` comes before ``cast`` so the cast is visible to the server.
"""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from reflections.models import Reflection, Visibility
from reflections.services import reflection_feedback_add
from tests.browser import is_htmx_post, log_in, watch_console

pytestmark = pytest.mark.e2e

TEXT = (
    "Vandaag werkte ik samen met de buurtwerker. Leerling Sam wilde niet meedoen, "
    "de buurtwerker kende het gezin en wist hoe we hem konden helpen."
)


def test_student_reflects_and_reads_the_feedback(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    base_url = live_server.url
    errors = watch_console(page)
    log_in(page, base_url, cast.student)

    page.goto(base_url + reverse("reflections:list"))
    page.locator(f'a[href="{reverse("reflections:create")}"]').first.click()
    form = page.locator("#reflection-form")

    # Typing autosaves a draft, and the privacy hint appears as the name is typed.
    with page.expect_response(is_htmx_post(reverse("reflections:autosave"))) as saved:
        form.locator('textarea[name="text"]').fill(TEXT)
    assert saved.value.status == 200
    expect(page.locator("#autosave-status .privacy-hint")).to_contain_text("Sam")
    draft = Reflection.objects.get(author=cast.student)
    assert draft.is_draft and draft.text == TEXT
    expect(form.locator('input[name="draft"]')).to_have_value(str(draft.pk))

    form.locator('input[name="mechanisms"][value="identification"]').check()
    form.locator('input[name="mechanisms"][value="coordination"]').check()
    form.locator('input[name="t_arm"][value="connecting"]').check()
    form.locator('input[name="visibility"][value="supervisors"]').check()
    form.locator('button[name="action"][value="publish"]').click()

    # Sharing asks first: the warning explains how to write about a pupil.
    warning = page.locator("#privacy-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Sam")
    assert Reflection.objects.get().is_draft
    warning.locator('button[type="submit"]').click()

    detail_url = reverse("reflections:detail", args=[draft.pk])
    expect(page).to_have_url(base_url + detail_url)
    reflection = Reflection.objects.get()  # the autosaved draft, not a second one
    assert reflection.pk == draft.pk and not reflection.is_draft
    assert reflection.visibility == Visibility.SUPERVISORS
    assert reflection.shows_identification and reflection.shows_coordination
    assert not reflection.shows_reflection and not reflection.shows_transformation

    # Later: the supervisor responds (and so has read it).
    reflection_feedback_add(
        reflection=reflection, author=cast.supervisor, text="Goed dat je de buurtwerker vroeg."
    )
    page.reload()
    thread = page.locator(f"#thread-{reflection.pk}")
    expect(thread.locator(".feedback")).to_contain_text("Goed dat je de buurtwerker vroeg.")
    expect(thread.locator(".read-receipts")).to_contain_text(cast.supervisor.full_name)

    assert errors == [], errors
