"""The facilitator registers attendance on a phone and shows the check-in code.

Driven by Playwright in Debian's Chromium at phone size (tests/conftest.py) against
the live server. Assertions use selectors and the database, not texts.
"""

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role
from learning_networks.models import Attendance, NetworkSession, Presence, SessionStatus
from learning_networks.services import attendance_answer, network_member_set, session_save
from tests.accessibility.axe import sign_in, violations
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.browser import is_htmx_post, log_in, watch_console

pytestmark = pytest.mark.e2e


def test_facilitator_registers_attendance_on_a_phone(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    starts = timezone.now() - datetime.timedelta(minutes=15)
    session = session_save(
        session=NetworkSession(
            network=cast.network,
            kind="intervision",
            theme="Casusbespreking",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            location=cast.school,
            status=SessionStatus.PLANNED,
        ),
        facilitators=[cast.supervisor],
        audience_programmes=[],
    )
    student = Attendance.objects.get(session=session, user=cast.student)
    own = Attendance.objects.get(session=session, user=cast.supervisor)

    base_url = live_server.url
    errors = watch_console(page)
    log_in(page, base_url, cast.supervisor)
    page.goto(base_url + session.get_absolute_url())
    roster_url = reverse("learning_networks:roster", args=[session.pk])
    page.locator(f'a[href="{roster_url}"]').click()
    expect(page).to_have_url(base_url + roster_url)
    page.evaluate("window.__notReloaded = true")

    # One tap per person; the row comes back with the choice pressed.
    row = page.locator(f"#attendance-{student.pk}")
    present = row.locator('button[value="present"]')
    box = present.bounding_box()
    assert box is not None and box["height"] >= 44, "tap targets must be large on a phone"
    mark = reverse("learning_networks:roster_mark", args=[session.pk, student.pk])
    with page.expect_response(is_htmx_post(mark)) as posted:
        present.tap()
    assert posted.value.status == 200
    expect(page.locator(f'#attendance-{student.pk} button[value="present"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    mark_own = reverse("learning_networks:roster_mark", args=[session.pk, own.pk])
    with page.expect_response(is_htmx_post(mark_own)) as posted:
        page.locator(f'#attendance-{own.pk} button[value="excused"]').tap()
    assert posted.value.status == 200
    # Changing one's mind is another tap.
    with page.expect_response(is_htmx_post(mark)) as posted:
        page.locator(f'#attendance-{student.pk} button[value="absent"]').tap()
    expect(page.locator(f'#attendance-{student.pk} button[value="absent"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator(".roster-row")).to_have_count(2)
    student.refresh_from_db()
    own.refresh_from_db()
    assert (student.presence, own.presence) == (Presence.ABSENT, Presence.EXCUSED)

    # The check-in code, in large type.
    open_url = reverse("learning_networks:open_check_in", args=[session.pk])
    with page.expect_response(is_htmx_post(open_url)) as posted:
        page.locator(f'form[action="{open_url}"] button').tap()
    assert posted.value.status == 200
    session.refresh_from_db()
    code = page.locator("#check-in-code .check-in-code")
    expect(code).to_have_text(session.check_in_code)
    font_size = code.evaluate("element => parseFloat(getComputedStyle(element).fontSize)")
    assert font_size >= 40

    assert page.evaluate("window.__notReloaded") is True
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the roster scrolls sideways on a phone ({width}px)"
    assert errors == []


def test_facilitator_finds_people_on_a_long_roster_on_a_phone(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    """Thirty invitees: those who said they would come are first, those who can't are
    folded away, and typing part of a name narrows the list in place (htmx)."""
    starts = timezone.now() - datetime.timedelta(minutes=10)
    people = []
    for n in range(30):
        person = UserFactory(full_name=f"Deelnemer {n:02d}")
        MembershipFactory(
            user=person, environment=cast.environment, role=Role.STUDENT, programme=cast.pabo
        )
        network_member_set(network=cast.network, user=person)
        people.append(person)
    later = starts + datetime.timedelta(days=2)
    session = session_save(
        session=NetworkSession(
            network=cast.network,
            kind="intervision",
            theme="Casusbespreking",
            starts_at=later,
            ends_at=later + datetime.timedelta(hours=2),
            status=SessionStatus.PLANNED,
        ),
        facilitators=[cast.supervisor],
        audience_programmes=[],
    )
    rows = {a.user_id: a for a in Attendance.objects.filter(session=session)}
    coming = [rows[p.pk] for p in people[25:]]  # the last five by name
    for row in coming:
        attendance_answer(attendance=row, answer="yes", reason="")
    for row in (rows[p.pk] for p in people[:3]):
        attendance_answer(attendance=row, answer="no", reason="Stage")
    # The session starts now: registering presence is open.
    NetworkSession.objects.filter(pk=session.pk).update(
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=2)
    )

    errors = watch_console(page)
    sign_in(page, live_server.url, cast.supervisor)
    roster_url = reverse("learning_networks:roster", args=[session.pk])
    page.goto(live_server.url + roster_url)
    page.evaluate("window.__notReloaded = true")

    first = page.locator(".roster-row").first
    expect(first).to_have_id(f"attendance-{coming[0].pk}")
    expect(page.locator(".roster-row:visible")).to_have_count(32 - 3)
    folded = page.locator("details.roster-fold")
    expect(folded).not_to_have_attribute("open", "")

    # Typing narrows the list without a page load, and the URL keeps the filter.
    page.get_by_role("searchbox").fill("27")
    expect(page.locator(".roster-row")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"name=27"))
    row = page.locator(f"#attendance-{coming[2].pk}")
    box = row.bounding_box()
    assert box is not None and box["y"] + box["height"] <= page.viewport_size["height"]
    mark = reverse("learning_networks:roster_mark", args=[session.pk, coming[2].pk])
    with page.expect_response(is_htmx_post(mark)) as posted:
        row.locator('button[value="present"]').tap()
    assert posted.value.status == 200
    expect(row.locator('button[value="present"]')).to_have_attribute("aria-pressed", "true")

    # Who can't come, chosen from the list; their group is then open.
    page.get_by_role("searchbox").fill("")
    page.get_by_role("combobox").select_option("no")
    expect(page.locator(".roster-row")).to_have_count(3)
    expect(page.locator(".roster-row").first).to_be_visible()

    assert page.evaluate("window.__notReloaded") is True
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert violations(page) == []
    assert errors == []
