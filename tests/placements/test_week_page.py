"""The student's week page around submitting: a warning while placement days are still
to come, no quick-log on a week that takes no entries, an honest reason when a date
falls in such a week (and the page stays on the week being looked at), and whom a
resubmitted week waits for.

The cast's placement has Monday, Tuesday and Thursday on site, Wednesday at the institute.
"""

import datetime
import re
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from placements.models import ActivityEntry, Week, WeekStatus, week_start
from placements.services import assignment_save, week_approve, week_return, week_submit
from tests.clock import frozen_at
from tests.placements.factories import (
    SupervisionAssignmentFactory,
    entry_post_data,
    log_activity,
)

HTMX = {"HX-Request": "true"}
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A Monday well inside the cast's placement, which is built around "today".
MONDAY = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def on_monday() -> Iterator[None]:
    with frozen_at(MONDAY):
        yield


def today() -> datetime.date:
    return timezone.localdate()


def as_student(client: Client, cast: Any) -> Client:
    client.cookies["ulvo_language"] = "en"
    client.force_login(cast.student)
    return client


def week_url(cast: Any, day: datetime.date) -> str:
    return (
        reverse("placements:detail", args=[cast.placement.pk])
        + f"?week={week_start(day).isoformat()}"
    )


def create_url(cast: Any, viewing: datetime.date) -> str:
    """The quick-log's address as the page of ``viewing``'s week has it."""
    return (
        reverse("placements:entry_create", args=[cast.placement.pk])
        + f"?week={week_start(viewing).isoformat()}"
    )


def week_section(html: str) -> str:
    return html[html.index('<section id="week"') :]


def signed_off_last_week(cast: Any) -> Week:
    last_week = week_start(today()) - datetime.timedelta(days=7)
    log_activity(cast.placement, date=last_week, description="Vorige week.")
    week = week_submit(placement=cast.placement, start=last_week, student=cast.student)
    return week_approve(week=week, reviewer=cast.supervisor)


# --- A warning before submitting while placement days are still to come ---------------


def test_on_monday_the_submit_button_warns_which_placement_days_are_still_to_come(
    on_monday: None, cast: Any, client: Client
) -> None:
    student = as_student(client, cast)
    log_activity(cast.placement, date=today())

    html = week_section(student.get(week_url(cast, today())).content.decode())

    assert today().isoweekday() == 1
    form = html[html.index(reverse("placements:week_submit", args=[cast.placement.pk])) :]
    warning = form[: form.index("</form>")]
    assert 'id="days-to-come"' in warning
    assert "You still have placement days this week: Tuesday 3 March, Thursday 5 March." in (
        warning
    )
    assert "nothing more can be logged" in warning
    assert "Submit this week now anyway" in warning
    assert 'aria-describedby="days-to-come"' in warning
    # Wednesday is an institute day: not a placement day to wait for.
    assert "Wednesday" not in warning


@pytest.fixture
def on_thursday_evening() -> Iterator[None]:
    with frozen_at(MONDAY + datetime.timedelta(days=3, hours=8)):
        yield


def test_after_the_last_placement_day_the_week_is_submitted_without_a_warning(
    on_thursday_evening: None, cast: Any, client: Client
) -> None:
    student = as_student(client, cast)
    log_activity(cast.placement, date=today())

    html = week_section(student.get(week_url(cast, today())).content.decode())

    assert today().isoweekday() == 4
    assert 'id="days-to-come"' not in html
    assert "Submit this week for sign-off" in html


def test_the_warning_names_only_days_within_the_placement(
    on_monday: None, cast: Any, client: Client
) -> None:
    cast.placement.end_date = today() + datetime.timedelta(days=1)
    cast.placement.save()
    student = as_student(client, cast)
    log_activity(cast.placement, date=today())

    html = week_section(student.get(week_url(cast, today())).content.decode())

    assert "You still have a placement day this week: Tuesday 3 March." in html


def test_a_week_submitted_early_can_still_be_submitted(
    on_monday: None, cast: Any, client: Client
) -> None:
    """The warning warns; a student who will not be on site again submits anyway."""
    student = as_student(client, cast)
    log_activity(cast.placement, date=today())

    response = student.post(
        reverse("placements:week_submit", args=[cast.placement.pk]) + f"?week={today().isoformat()}"
    )

    assert response.status_code == 302
    assert Week.objects.get().status == WeekStatus.SUBMITTED


# --- No quick-log on a week that takes no entries ------------------------------------------


def test_a_submitted_week_explains_instead_of_offering_the_quick_log(
    cast: Any, client: Client
) -> None:
    student = as_student(client, cast)
    log_activity(cast.placement)
    week_submit(placement=cast.placement, start=today(), student=cast.student)

    html = week_section(student.get(week_url(cast, today())).content.decode())

    assert reverse("placements:entry_create", args=[cast.placement.pk]) not in html
    assert "quick-log" not in html
    assert "waiting for sign-off by Bram Schoolopleider" in html
    assert "nothing can be added to it now" in html


def test_an_approved_week_explains_and_offers_to_ask_for_reopening(
    cast: Any, client: Client
) -> None:
    student = as_student(client, cast)
    week = signed_off_last_week(cast)

    html = week_section(student.get(week_url(cast, week.start)).content.decode())

    assert reverse("placements:entry_create", args=[cast.placement.pk]) not in html
    assert "Bram Schoolopleider has signed off this week" in html
    assert reverse("placements:week_reopen_request", args=[cast.placement.pk]) in html
    assert 'name="reason"' in html


def test_a_returned_week_still_offers_the_quick_log(cast: Any, client: Client) -> None:
    student = as_student(client, cast)
    log_activity(cast.placement)
    week = week_submit(placement=cast.placement, start=today(), student=cast.student)
    week_return(week=week, reviewer=cast.supervisor, comment="Graag meer detail.")

    html = week_section(student.get(week_url(cast, today())).content.decode())

    assert reverse("placements:entry_create", args=[cast.placement.pk]) in html


# --- An honest reason, on the week being looked at ---------------------------------------------


def test_a_date_in_a_signed_off_week_is_refused_as_signed_off_and_the_page_stays(
    cast: Any, client: Client
) -> None:
    student = as_student(client, cast)
    week = signed_off_last_week(cast)
    forgotten = week.start + datetime.timedelta(days=1)
    looking_at = today() - datetime.timedelta(days=14)
    before = sorted(ActivityEntry.objects.values_list())

    response = student.post(
        create_url(cast, looking_at),
        entry_post_data(date=forgotten.isoformat(), description="Vergeten."),
        headers=HTMX,
    )

    assert response.status_code == 422
    assert sorted(ActivityEntry.objects.values_list()) == before
    [error] = response.context["form"].errors["date"]
    assert "has already been signed off" in error
    assert "Ask your supervisor to reopen that week" in error
    assert "submitted" not in error and "another date" not in error
    # Still the week the student was looking at, with a way to the signed-off one.
    assert response.context["week_start"] == week_start(looking_at)
    html = response.content.decode()
    assert f"?week={week.start.isoformat()}" in html
    assert "to ask for it to be reopened" in html


def test_a_date_in_a_submitted_week_is_refused_as_waiting(cast: Any, client: Client) -> None:
    student = as_student(client, cast)
    log_activity(cast.placement)
    week_submit(placement=cast.placement, start=today(), student=cast.student)

    response = student.post(create_url(cast, today()), entry_post_data())

    assert response.status_code == 422
    [error] = response.context["form"].errors["date"]
    assert "is waiting for sign-off" in error
    assert "another date" not in error
    assert ActivityEntry.objects.count() == 1


def test_without_javascript_a_refused_date_re_renders_the_page_of_that_week(
    cast: Any, client: Client
) -> None:
    student = as_student(client, cast)
    week = signed_off_last_week(cast)

    response = student.post(
        create_url(cast, week.start + datetime.timedelta(days=14)),
        entry_post_data(date=week.start.isoformat()),
    )

    assert response.status_code == 422
    assert "<html" in response.content.decode()
    assert response.context["week_start"] == week.start + datetime.timedelta(days=14)


def test_the_quick_log_of_a_past_week_defaults_to_its_last_placement_day(
    cast: Any, client: Client
) -> None:
    student = as_student(client, cast)
    start = week_start(today()) - datetime.timedelta(days=14)

    response = student.get(week_url(cast, start))

    # Monday, Tuesday and Thursday on site: Thursday.
    assert response.context["form"]["date"].value() == start + datetime.timedelta(days=3)


# --- Whom a resubmitted week waits for ---------------------------------------------------------


def test_a_resubmitted_week_waits_for_whoever_signs_off_not_for_the_last_reviewer(
    cast: Any, client: Client
) -> None:
    student = as_student(client, cast)
    log_activity(cast.placement)
    week = week_submit(placement=cast.placement, start=today(), student=cast.student)
    week_return(week=week, reviewer=cast.supervisor, comment="Noem de werkvorm.")
    # The coordinator hands signing off to the neighbourhood's practice supervisor.
    assignment_save(
        assignment=SupervisionAssignmentFactory.build(
            placement=cast.placement, supervisor=cast.bystander
        )
    )
    week_submit(placement=cast.placement, start=today(), student=cast.student)

    html = week_section(student.get(week_url(cast, today())).content.decode())

    week.refresh_from_db()
    assert (week.reviewer, week.reviewer_name, week.reviewed_at, week.comment) == (
        None,
        "",
        None,
        "",
    )
    status = re.search(r'<p class="week-status[^"]*">(.*?)</p>', html, re.S)
    assert status is not None
    line = " ".join(status.group(1).split())
    assert "Submitted" in line
    assert "waiting for Bea Buurtwerker" in line
    assert "Bram Schoolopleider" not in line
    # The history still says who returned it.
    assert "Bram Schoolopleider" in html[html.index('class="history"') :]
    overview = student.get(reverse("placements:overview", args=[cast.placement.pk]))
    assert "Bram Schoolopleider" not in overview.content.decode()


def test_a_week_resubmitted_before_this_fix_names_no_reviewer_either(
    cast: Any, client: Client
) -> None:
    """Weeks resubmitted earlier still hold the last reviewer's name in the database."""
    student = as_student(client, cast)
    log_activity(cast.placement)
    week = week_submit(placement=cast.placement, start=today(), student=cast.student)
    Week.objects.filter(pk=week.pk).update(reviewer_name="Wendy Wijkteam")

    html = week_section(student.get(week_url(cast, today())).content.decode())

    status = re.search(r'<p class="week-status[^"]*">(.*?)</p>', html, re.S)
    assert status is not None
    assert "Wendy Wijkteam" not in status.group(1)
    assert "waiting for Bram Schoolopleider" in " ".join(status.group(1).split())
