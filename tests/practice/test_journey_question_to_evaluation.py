"""A practice question from the school to its evaluation (#17), in Chromium: a school
trainer poses it on a phone; a coordinator accepts it and forms a mixed team (the
warning shows while the team has students of one programme only); two students move
cards at the same moment, one by dragging on a computer, one with the keyboard on a
phone, and both moves are kept; the chair holds the team meeting from the board; the
team delivers and the asker evaluates. axe (WCAG
2.2 A/AA) finds nothing on the pages at 390 px and on the board at desktop width.

``transactional_db`` comes before ``cast`` so the cast is committed and visible to the
server's thread. In English, so the journey does not wait for the Dutch catalogue.
"""

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from practice.models import Card, PracticeQuestion, QuestionStatus
from tests.accessibility.axe import sign_in, violations
from tests.browser import watch_console
from tests.practice.steps import a_card, a_student

pytestmark = pytest.mark.e2e


def english(page: Page, base_url: str) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base_url}]
    )


def as_user(page: Page, base_url: str, user: Any) -> None:
    user.language = "en"
    user.save(update_fields=["language"])
    sign_in(page, base_url, user)
    english(page, base_url)


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_question_from_the_school_to_its_evaluation(
    transactional_db: None, cast: Any, live_server: Any, page: Page, browser: Browser
) -> None:
    base = live_server.url
    errors = watch_console(page)
    pabo_student = a_student(cast, cast.pabo, "Pim Pabo", days=(3, 4))

    # A school trainer poses the question on a phone.
    as_user(page, base, cast.supervisor)
    page.goto(base + reverse("practice:list"))
    assert violations(page) == []
    page.get_by_role("button", name="Pose a question").click()
    page.get_by_label("The question:", exact=True).fill(
        "Hoe maken we het schoolplein een fijnere plek?"
    )
    page.get_by_label("Context").fill("Veel ruzies in de pauze; leraren zijn daarna lang bezig.")
    page.get_by_label("What do you hope").fill("Een aanpak die positief gedrag beloont.")
    page.get_by_label("For whom").fill("Groep 3 tot en met 8, in de pauzes")
    page.get_by_label("Domain the question needs most").select_option("pedagogical")
    fits_the_phone(page)
    assert violations(page) == []
    page.get_by_role("button", name="Propose the question").click()
    expect(page.get_by_text("Your question was proposed to the core team.")).to_be_visible()
    question = PracticeQuestion.objects.get()
    assert (question.asked_by, question.status) == (cast.supervisor, QuestionStatus.PROPOSED)

    # The coordinator accepts it and forms a mixed team.
    as_user(page, base, cast.coordinator)
    page.goto(base + reverse("practice:detail", args=[question.pk]))
    page.get_by_role("button", name="Accept the question").click()
    expect(page.get_by_text("Question accepted.")).to_be_visible()
    page.get_by_label("Add to the team").select_option(str(cast.student.pk))
    page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_text("This team is monodisciplinary")).to_be_visible()
    expect(page.get_by_text("Nobody on the team comes from the pedagogical domain")).to_be_visible()
    fits_the_phone(page)
    assert violations(page) == []
    page.get_by_label("Add to the team").select_option(str(pabo_student.pk))
    page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_role("cell", name="Wednesday, Thursday")).to_be_visible()
    expect(page.get_by_text("This team is monodisciplinary")).to_have_count(0)
    page.get_by_role("button", name="Start working on it").click()
    expect(page.get_by_text("The team has started.")).to_be_visible()

    for title in ("Kinderen interviewen", "Munten ontwerpen"):
        a_card(cast, title=title, question=PracticeQuestion.objects.get())
    board_url = base + reverse("practice:board", args=[question.pk])
    interviews = Card.objects.get(title="Kinderen interviewen")
    coins = Card.objects.get(title="Munten ontwerpen")

    # Two students open the board: one at a computer, one on a phone.
    desktop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    computer = desktop.new_page()
    computer_errors = watch_console(computer)
    as_user(computer, base, cast.student)
    computer.goto(board_url)
    as_user(page, base, pabo_student)
    page.goto(board_url)
    fits_the_phone(page)
    assert violations(page) == []
    assert violations(computer) == []

    # At the computer, "Kinderen interviewen" is dragged into Doing...
    doing = computer.locator("[data-board-column]").nth(1)
    with computer.expect_response(lambda r: r.url.endswith("/verplaatsen/")) as dropped:
        computer.locator(f"#card-{interviews.pk}").drag_to(doing)
    assert dropped.value.status == 200
    expect(doing.locator(f"#card-{interviews.pk}")).to_be_visible()
    # ...while the phone, which still shows both cards in To do, moves "Munten
    # ontwerpen" with the keyboard.
    move = page.get_by_role("button", name="Move “Munten ontwerpen” to Doing")
    move.focus()
    page.keyboard.press("Enter")
    phone_doing = page.locator("[data-board-column]").nth(1)
    expect(phone_doing.locator(f"#card-{coins.pk}")).to_be_visible()
    expect(phone_doing.locator(f"#card-{interviews.pk}")).to_be_visible()
    assert sorted(Card.objects.filter(column__position=1).values_list("title", flat=True)) == [
        "Kinderen interviewen",
        "Munten ontwerpen",
    ]
    desktop.close()

    # The chair holds the team meeting from the board: the agenda shows what moved.
    page.get_by_role("link", name="Team meeting").click()
    expect(page.get_by_role("heading", name="What is on the board")).to_be_visible()
    expect(page.get_by_role("link", name="Munten ontwerpen")).to_be_visible()
    page.get_by_label("Notes").fill("Interviews en munten lopen; volgende week presenteren.")
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.get_by_text("Meeting written down.")).to_be_visible()
    fits_the_phone(page)
    assert violations(page) == []

    # The team delivers; the asker evaluates.
    page.goto(base + reverse("practice:detail", args=[question.pk]))
    page.get_by_label("What did the team deliver?").fill("Een muntensysteem, gepresenteerd.")
    page.get_by_role("button", name="Mark as delivered").click()
    expect(page.get_by_text("Delivered.")).to_be_visible()
    as_user(page, base, cast.supervisor)
    page.goto(base + reverse("practice:detail", args=[question.pk]))
    page.get_by_label("Did it help?").fill("Minder ruzie; de kinderen sparen munten.")
    page.get_by_role("button", name="Save the evaluation").click()
    expect(page.get_by_text("Thank you for your evaluation.")).to_be_visible()
    fits_the_phone(page)
    assert violations(page) == []
    assert PracticeQuestion.objects.get().status == QuestionStatus.EVALUATED
    assert errors == [] and computer_errors == []
