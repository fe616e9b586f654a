"""The quick-log's answer (issue #22): an htmx POST that adds an entry to the week on
screen returns only what changed — a fresh form in place of the old one, and out of
band the week's totals and the new entry in date order — and the whole week whenever
more changes. Without JavaScript it still redirects to the week.

The cast's placement has Monday, Tuesday and Thursday on site; the clock stands on a
Thursday, so the week on screen has earlier days to log.
"""

import datetime
import re
import uuid
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from placements.models import ActivityEntry, week_start
from placements.services import week_submit
from tests.clock import frozen_at
from tests.placements.factories import entry_post_data, log_activity

HTMX = {"HX-Request": "true"}
THURSDAY = datetime.datetime(2026, 3, 5, 16, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture(autouse=True)
def on_thursday() -> Iterator[None]:
    with frozen_at(THURSDAY):
        yield


@pytest.fixture
def student(cast: Any, client: Client) -> Client:
    client.cookies["ulvo_language"] = "en"
    client.force_login(cast.student)
    return client


def today() -> datetime.date:
    return timezone.localdate()


def create_url(cast: Any, viewing: datetime.date) -> str:
    """The quick-log's address as the page of ``viewing``'s week has it."""
    return (
        reverse("placements:entry_create", args=[cast.placement.pk])
        + f"?week={week_start(viewing).isoformat()}"
    )


def test_a_second_entry_returns_a_fresh_form_the_totals_and_the_entry(
    cast: Any, student: Client
) -> None:
    monday = log_activity(cast.placement, date=today() - datetime.timedelta(days=3), minutes=60)
    key = str(uuid.uuid4())

    response = student.post(
        create_url(cast, today()),
        entry_post_data(minutes="90", description="Kringgesprek in groep 3.", submission_key=key),
        headers=HTMX,
    )

    assert response.status_code == 200
    entry = ActivityEntry.objects.get(description="Kringgesprek in groep 3.")
    assert (entry.date, entry.minutes) == (today(), 90)
    # The fresh form replaces the old one; the week itself stays on screen.
    assert response["HX-Retarget"] == "#quick-log"
    assert response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert '<section id="week"' not in html and "<html" not in html
    assert html.lstrip().startswith('<details class="quick-log" id="quick-log"')
    form = html[: html.index("</details>")]
    new_key = re.search(r'name="submission_key" value="([^"]+)"', form)
    assert new_key is not None and new_key.group(1) != key
    assert 'value="2026-03-05"' in form
    assert "Kringgesprek in groep 3." not in form
    # Out of band: the totals of the week (2 h 30 min), and the new entry at the end.
    glance = html[html.index('id="week-glance"') :]
    assert 'data-hx-swap-oob="true"' in glance.split(">", 1)[0]
    assert "2\u00a0h 30\u00a0min" in glance.split("</div>", 1)[0]
    assert "beforeend:#week-entries" in html
    added = html[html.index("beforeend:#week-entries") :]
    assert f'id="entry-{entry.pk}"' in added
    assert "Kringgesprek in groep 3." in added
    assert f'id="entry-{monday.pk}"' not in html
    messages = html[html.index('<div id="messages"') :]
    assert "Activity logged." in messages


def test_an_entry_for_an_earlier_day_goes_before_the_first_later_entry(
    cast: Any, student: Client
) -> None:
    monday = today() - datetime.timedelta(days=3)
    log_activity(cast.placement, date=monday, description="Maandag.")
    tuesday_entry = log_activity(
        cast.placement, date=monday + datetime.timedelta(days=1), description="Dinsdag."
    )
    log_activity(cast.placement, date=today(), description="Donderdag.")

    response = student.post(
        create_url(cast, today()),
        entry_post_data(date=monday.isoformat(), description="Ook maandag."),
        headers=HTMX,
    )

    entry = ActivityEntry.objects.get(description="Ook maandag.")
    html = response.content.decode()
    assert f'data-hx-swap-oob="beforebegin:#entry-{tuesday_entry.pk}"' in html
    placed = html[html.index(f"beforebegin:#entry-{tuesday_entry.pk}") :]
    assert f'id="entry-{entry.pk}"' in placed
    # Only the new entry travels.
    assert html.count('<article class="entry ') == 1


def test_the_first_entry_to_submit_returns_the_whole_week_with_its_submit_button(
    cast: Any, student: Client
) -> None:
    response = student.post(create_url(cast, today()), entry_post_data(), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    assert '<section id="week"' in html
    assert reverse("placements:week_submit", args=[cast.placement.pk]) in html
    assert ActivityEntry.objects.count() == 1


def test_an_entry_in_another_week_returns_that_whole_week(cast: Any, student: Client) -> None:
    log_activity(cast.placement, date=today())
    last_week = today() - datetime.timedelta(days=7)
    log_activity(cast.placement, date=last_week)

    response = student.post(
        create_url(cast, today()),
        entry_post_data(date=last_week.isoformat(), description="Vorige week vergeten."),
        headers=HTMX,
    )

    html = response.content.decode()
    assert "HX-Retarget" not in response
    assert '<section id="week"' in html
    assert response.context["week_start"] == week_start(last_week)
    assert "Vorige week vergeten." in html


def test_a_repeated_submit_returns_the_whole_week_with_the_entry_once(
    cast: Any, student: Client
) -> None:
    log_activity(cast.placement, date=today() - datetime.timedelta(days=1))
    data = entry_post_data(submission_key=str(uuid.uuid4()), description="Twee keer verstuurd.")

    first = student.post(create_url(cast, today()), data, headers=HTMX)
    second = student.post(create_url(cast, today()), data, headers=HTMX)

    entry = ActivityEntry.objects.get(description="Twee keer verstuurd.")
    assert first["HX-Retarget"] == "#quick-log"
    assert "HX-Retarget" not in second
    assert second.content.decode().count(f'id="entry-{entry.pk}"') == 1


def test_without_javascript_the_quick_log_still_redirects_to_the_week(
    cast: Any, student: Client
) -> None:
    log_activity(cast.placement, date=today() - datetime.timedelta(days=1))

    response = student.post(create_url(cast, today()), entry_post_data(description="Zonder JS."))

    assert response.status_code == 302
    page = student.get(response["Location"]).content.decode()
    assert "Zonder JS." in page
    assert "Activity logged." in page


def test_a_submitted_week_on_screen_is_not_patched(cast: Any, student: Client) -> None:
    """A week that takes no entries refuses the date: the form with its error, 422."""
    log_activity(cast.placement, date=today())
    week_submit(placement=cast.placement, start=today(), student=cast.student)

    response = student.post(create_url(cast, today()), entry_post_data(), headers=HTMX)

    assert response.status_code == 422
    assert "HX-Retarget" not in response
    assert ActivityEntry.objects.count() == 1


def test_the_fragment_runs_the_same_queries_for_few_and_many_entries(
    cast: Any, student: Client
) -> None:
    monday = today() - datetime.timedelta(days=3)

    def fill(count: int) -> None:
        for index in range(count):
            log_activity(
                cast.placement, date=monday + datetime.timedelta(days=index % 4), minutes=15
            )

    def post() -> Any:
        return student.post(create_url(cast, today()), entry_post_data(minutes="15"), headers=HTMX)

    fill(3)
    post()
    with CaptureQueriesContext(connection) as few:
        assert post()["HX-Retarget"] == "#quick-log"
    fill(60)
    with CaptureQueriesContext(connection) as many:
        assert post()["HX-Retarget"] == "#quick-log"

    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]


# --- The form written out by hand keeps what the widgets wrote ------------------------------


def test_a_refused_duration_is_marked_at_its_field_and_keeps_the_other_answers(
    cast: Any, student: Client
) -> None:
    response = student.post(
        create_url(cast, today()),
        entry_post_data(minutes="10", kind="group", setting="online", disciplines=["sport"]),
        headers=HTMX,
    )

    assert response.status_code == 422
    html = response.content.decode()
    select = re.search(r'<select name="minutes"[^>]*>', html)
    assert select is not None
    assert 'aria-invalid="true"' in select.group(0)
    assert 'aria-describedby="id_minutes_error"' in select.group(0)
    assert '<ul class="errorlist" id="id_minutes_error">' in html
    # Every quarter of an hour up to 12 hours, in ULVO's duration style.
    options = re.findall(r'<option value="(\d+)"', html[html.index('name="minutes"') :])[:48]
    assert [int(value) for value in options] == list(range(15, 12 * 60 + 1, 15))
    assert '<option value="90">1\u00a0h 30\u00a0min</option>' in html
    assert '<option value="group" selected>' in html
    assert re.search(r'<input type="radio" name="setting" value="online"[^>]* checked', html)
    assert re.search(r'<input type="checkbox" name="disciplines" value="sport"[^>]* checked', html)
    description = re.search(r"<textarea[^>]*>", html)
    assert description is not None
    assert 'aria-describedby="id_description_helptext"' in description.group(0)


def test_the_edit_form_shows_the_entry_with_its_own_ids(cast: Any, student: Client) -> None:
    entry = log_activity(cast.placement, minutes=135, kind="project", disciplines=["music"])

    html = student.get(
        reverse("placements:entry_edit", args=[entry.pk]), headers=HTMX
    ).content.decode()

    assert f'<select name="minutes" id="id_entry{entry.pk}_minutes">' in html
    assert '<option value="135" selected>' in html
    assert '<option value="project" selected>' in html
    assert f'id="id_entry{entry.pk}_disciplines_0"' in html
    assert re.search(r'value="music"[^>]* checked', html)
