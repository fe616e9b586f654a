"""A student logs, edits and deletes activities: quick-log, htmx branch and bad input.

Who may reach these URLs at all is the authorisation matrix's job
(tests/security/test_authorisation_matrix.py); these tests cover what the
student's own requests do to the database.
"""

import datetime
import re
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from placements.models import (
    ActivityEntry,
    EntryStatus,
    Placement,
    PlacementStatus,
    Week,
    week_start,
)
from placements.services import week_approve, week_return, week_submit
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.placements.factories import PlacementFactory, entry_post_data, log_activity

HTMX = {"HX-Request": "true"}


@pytest.fixture
def student(cast: Any, client: Client) -> Client:
    """The cast's student, with the interface in English to read the messages."""
    client.cookies["ulvo_language"] = "en"
    client.force_login(cast.student)
    return client


def create_url(cast: Any) -> str:
    return reverse("placements:entry_create", args=[cast.placement.pk])


def week_url(cast: Any, day: datetime.date) -> str:
    return (
        reverse("placements:detail", args=[cast.placement.pk])
        + f"?week={week_start(day).isoformat()}"
    )


def entry_rows() -> list[tuple[Any, ...]]:
    return sorted(ActivityEntry.objects.values_list())


def other_students_placement(cast: Any) -> Placement:
    """An active placement of another student in the same environment."""
    other_student = UserFactory()
    MembershipFactory(
        user=other_student,
        environment=cast.environment,
        role=Role.STUDENT,
        programme=cast.social_work,
    )
    return PlacementFactory(
        student=other_student, programme=cast.social_work, environment=cast.environment
    )


def today() -> datetime.date:
    return timezone.localdate()


# --- Quick-log ------------------------------------------------------------------


def test_quick_log_creates_an_entry_and_redirects_to_its_week(cast: Any, student: Client) -> None:
    response = student.post(create_url(cast), entry_post_data(minutes="90"))

    assert response.status_code == 302
    assert response["Location"] == week_url(cast, today())
    entry = ActivityEntry.objects.get()
    assert entry.placement == cast.placement
    assert entry.date == today()
    assert entry.minutes == 90
    assert entry.setting == "school"
    assert entry.kind == "classroom"
    assert entry.disciplines == ["teacher"]
    assert entry.description == "Rekenles in groep 5 ondersteund."
    assert entry.status == EntryStatus.DRAFT

    page = student.get(response["Location"]).content.decode()
    assert "Activity logged." in page
    assert "Rekenles in groep 5 ondersteund." in page


def test_quick_log_through_htmx_returns_the_week_with_a_message(cast: Any, student: Client) -> None:
    response = student.post(
        create_url(cast),
        entry_post_data(description="Voorleesmoment in de kleuterklas."),
        headers=HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="week"' in html
    assert "<html" not in html
    assert "Voorleesmoment in de kleuterklas." in html
    messages = html[html.index('<div id="messages"') :]
    assert 'hx-swap-oob="true"' in messages.split(">", 1)[0]
    assert "Activity logged." in messages
    assert ActivityEntry.objects.get().description == "Voorleesmoment in de kleuterklas."


def test_quick_log_form_defaults_the_date_to_today(cast: Any, student: Client) -> None:
    response = student.get(reverse("placements:detail", args=[cast.placement.pk]))

    form = response.context["form"]
    assert form["date"].value() == today()
    assert f'value="{today().isoformat()}"' in response.content.decode()
    assert form["submission_key"].value()


def test_quick_log_form_keeps_its_default_date_within_the_placement(
    cast: Any, student: Client
) -> None:
    cast.placement.end_date = today() - datetime.timedelta(days=3)
    cast.placement.save()

    response = student.get(reverse("placements:detail", args=[cast.placement.pk]))

    assert response.context["form"]["date"].value() == cast.placement.end_date


def in_the_future() -> dict[str, object]:
    return {"date": (today() + datetime.timedelta(days=1)).isoformat()}


def before_the_placement(cast: Any) -> dict[str, object]:
    return {"date": (cast.placement.start_date - datetime.timedelta(days=1)).isoformat()}


BAD_INPUT = [
    pytest.param("date", lambda cast: in_the_future(), "in the future", id="future-date"),
    pytest.param("date", before_the_placement, "within your placement", id="before-the-placement"),
    pytest.param("date", lambda cast: {"date": "2026-02-30"}, "", id="impossible-date"),
    pytest.param("date", lambda cast: {"date": ""}, "", id="empty-date"),
    pytest.param("minutes", lambda cast: {"minutes": "10"}, "", id="10-minutes"),
    pytest.param("minutes", lambda cast: {"minutes": "800"}, "", id="800-minutes"),
    pytest.param("minutes", lambda cast: {"minutes": "abc"}, "", id="minutes-not-a-number"),
    pytest.param("minutes", lambda cast: {"minutes": "-60"}, "", id="negative-minutes"),
    pytest.param(
        "description",
        lambda cast: {"description": "x" * 1001},
        "at most 1000 characters",
        id="description-too-long",
    ),
    pytest.param(
        "description",
        lambda cast: {"description": "Les\x00gegeven"},
        "Null characters are not allowed.",
        id="nul-byte",
    ),
    pytest.param("setting", lambda cast: {"setting": "garden"}, "", id="unknown-setting"),
    pytest.param("setting", lambda cast: {"setting": ""}, "", id="no-setting"),
    pytest.param("kind", lambda cast: {"kind": "napping"}, "", id="unknown-kind"),
    pytest.param(
        "disciplines",
        lambda cast: {"disciplines": ["teacher", "astrology"]},
        "",
        id="unknown-discipline",
    ),
]


@pytest.mark.parametrize(("field", "bad", "message"), BAD_INPUT)
def test_bad_input_through_htmx_is_422_at_the_field_and_creates_nothing(
    cast: Any, student: Client, field: str, bad: Any, message: str
) -> None:
    response = student.post(create_url(cast), entry_post_data(**bad(cast)), headers=HTMX)

    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="week"' in html and "<html" not in html
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert f'id="id_{field}_error"' in html or field in {"setting", "disciplines"}
    for error in form.errors[field]:
        assert error in html or error.replace("'", "&#x27;") in html
    assert message in " ".join(form.errors[field])
    assert not ActivityEntry.objects.exists()


@pytest.mark.parametrize(("field", "bad", "message"), BAD_INPUT)
def test_bad_input_without_javascript_rerenders_the_page_and_creates_nothing(
    cast: Any, student: Client, field: str, bad: Any, message: str
) -> None:
    response = student.post(create_url(cast), entry_post_data(**bad(cast)))

    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" in html
    assert list(response.context["form"].errors) == [field]
    assert not ActivityEntry.objects.exists()


def test_more_than_24_hours_on_one_day_is_refused_at_the_duration(
    cast: Any, student: Client
) -> None:
    log_activity(cast.placement, minutes=12 * 60)
    log_activity(cast.placement, minutes=12 * 60)
    before = entry_rows()

    response = student.post(create_url(cast), entry_post_data(minutes="15"), headers=HTMX)

    assert response.status_code == 422
    assert "more than 24 hours" in " ".join(response.context["form"].errors["minutes"])
    assert "24\u00a0h" in response.content.decode()
    assert entry_rows() == before


def test_exactly_24_hours_on_one_day_is_allowed(cast: Any, student: Client) -> None:
    log_activity(cast.placement, minutes=12 * 60)

    response = student.post(create_url(cast), entry_post_data(minutes=str(12 * 60)))

    assert response.status_code == 302
    assert ActivityEntry.objects.count() == 2


def test_the_day_limit_counts_only_this_placement(cast: Any, student: Client) -> None:
    other = PlacementFactory(
        student=cast.student, programme=cast.social_work, environment=cast.environment
    )
    log_activity(other, minutes=12 * 60)
    log_activity(other, minutes=12 * 60)

    response = student.post(create_url(cast), entry_post_data())

    assert response.status_code == 302
    assert cast.placement.entries.count() == 1


@pytest.mark.parametrize("status", [PlacementStatus.PLANNED, PlacementStatus.COMPLETED])
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "full-page"])
def test_a_placement_that_is_not_active_takes_no_entries(
    cast: Any, student: Client, status: str, htmx: bool
) -> None:
    cast.placement.status = status
    cast.placement.save()

    response = student.post(create_url(cast), entry_post_data(), headers=HTMX if htmx else {})

    assert response.status_code == 422
    form = response.context["form"]
    assert form.non_field_errors() == [
        "This placement is not active, so no activities can be logged."
    ]
    # The student must be told why nothing happened.
    assert "This placement is not active" in response.content.decode()
    assert not ActivityEntry.objects.exists()


def test_mass_assignment_is_ignored(cast: Any, student: Client) -> None:
    other = other_students_placement(cast)

    response = student.post(
        create_url(cast),
        entry_post_data(
            status=EntryStatus.APPROVED,
            placement=other.pk,
            placement_id=other.pk,
            student=other.student_id,
            created_at="2000-01-01T00:00:00Z",
            id=999_999,
            pk=999_999,
        ),
    )

    assert response.status_code == 302
    entry = ActivityEntry.objects.get()
    assert entry.status == EntryStatus.DRAFT
    assert entry.placement == cast.placement
    assert entry.pk != 999_999
    assert entry.created_at.year == timezone.now().year
    assert not other.entries.exists()


def test_a_double_submit_creates_one_entry(cast: Any, student: Client) -> None:
    key = str(uuid.uuid4())
    data = entry_post_data(submission_key=key)

    first = student.post(create_url(cast), data, headers=HTMX)
    second = student.post(create_url(cast), data, headers=HTMX)

    assert first.status_code == second.status_code == 200
    entry = ActivityEntry.objects.get()
    assert str(entry.submission_key) == key
    assert second.content.decode().count(f'id="entry-{entry.pk}"') == 1


def test_two_submits_with_different_keys_are_two_entries(cast: Any, student: Client) -> None:
    student.post(create_url(cast), entry_post_data(submission_key=str(uuid.uuid4())))
    student.post(create_url(cast), entry_post_data(submission_key=str(uuid.uuid4())))

    assert ActivityEntry.objects.count() == 2


def test_a_forged_submission_key_is_refused(cast: Any, student: Client) -> None:
    response = student.post(create_url(cast), entry_post_data(submission_key="not-a-uuid"))

    assert response.status_code == 422
    assert "submission_key" in response.context["form"].errors
    assert not ActivityEntry.objects.exists()


def test_the_entry_form_only_accepts_post(cast: Any, student: Client) -> None:
    assert student.get(create_url(cast), entry_post_data()).status_code == 405
    assert not ActivityEntry.objects.exists()


def test_get_never_changes_entries(cast: Any, student: Client) -> None:
    entry = log_activity(cast.placement)
    before = entry_rows()

    student.get(reverse("placements:detail", args=[cast.placement.pk]), {"week": "garbage"})
    student.get(reverse("placements:entry_edit", args=[entry.pk]), entry_post_data(minutes="30"))
    delete = student.get(reverse("placements:entry_delete", args=[entry.pk]))
    submit = student.get(reverse("placements:week_submit", args=[cast.placement.pk]))

    assert delete.status_code == submit.status_code == 405
    assert entry_rows() == before
    assert not Week.objects.exists()


# --- Editing and deleting ---------------------------------------------------------


def edit_url(entry: ActivityEntry) -> str:
    return reverse("placements:entry_edit", args=[entry.pk])


def delete_url(entry: ActivityEntry) -> str:
    return reverse("placements:entry_delete", args=[entry.pk])


def test_edit_page_shows_the_entry_in_a_form(cast: Any, student: Client) -> None:
    entry = log_activity(cast.placement, minutes=45, description="Observatie in groep 3.")

    response = student.get(edit_url(entry))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert "Observatie in groep 3." in html
    assert response.context["form"]["minutes"].value() == 45


def test_edit_through_htmx_returns_only_the_entry_form(cast: Any, student: Client) -> None:
    entry = log_activity(cast.placement)

    response = student.get(edit_url(entry), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith(f'<article id="entry-{entry.pk}"')
    assert f'hx-post="{edit_url(entry)}"' in html


def test_saving_an_edit_updates_the_entry(cast: Any, student: Client) -> None:
    entry = log_activity(cast.placement, minutes=60, description="Oud.")

    response = student.post(
        edit_url(entry),
        entry_post_data(minutes="120", kind="group", description="Nieuw.", status="approved"),
    )

    assert response.status_code == 302
    assert response["Location"] == week_url(cast, entry.date)
    entry.refresh_from_db()
    assert (entry.minutes, entry.kind, entry.description) == (120, "group", "Nieuw.")
    assert entry.status == EntryStatus.DRAFT


def test_saving_an_edit_through_htmx_replaces_the_week(cast: Any, student: Client) -> None:
    """The edit form targets its own article; a week in its place would nest #week."""
    entry = log_activity(cast.placement, minutes=60)

    response = student.post(edit_url(entry), entry_post_data(minutes="75"), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="week"' in html and "<html" not in html
    assert "Activity saved." in html
    assert response.headers.get("HX-Retarget") == "#week"
    entry.refresh_from_db()
    assert entry.minutes == 75


def test_an_edit_may_keep_the_day_at_24_hours(cast: Any, student: Client) -> None:
    """The entry's own minutes do not count twice against the day."""
    log_activity(cast.placement, minutes=12 * 60)
    entry = log_activity(cast.placement, minutes=11 * 60)

    response = student.post(edit_url(entry), entry_post_data(minutes=str(12 * 60)))

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.minutes == 12 * 60


@pytest.mark.parametrize(
    "bad",
    [
        {"minutes": "800"},
        {"date": "1999-01-01"},
        {"description": "a\x00b"},
        {"kind": ""},
    ],
    ids=["minutes", "date", "nul", "empty-kind"],
)
def test_an_invalid_edit_is_422_and_changes_nothing(
    cast: Any, student: Client, bad: dict[str, str]
) -> None:
    entry = log_activity(cast.placement)
    before = entry_rows()

    response = student.post(edit_url(entry), entry_post_data(**bad), headers=HTMX)

    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith(f'<article id="entry-{entry.pk}"')
    assert list(response.context["form"].errors) == list(bad)
    assert entry_rows() == before


def test_an_edit_that_pushes_the_day_over_24_hours_is_refused(cast: Any, student: Client) -> None:
    log_activity(cast.placement, minutes=12 * 60)
    log_activity(cast.placement, minutes=10 * 60)
    entry = log_activity(cast.placement, date=today() - datetime.timedelta(days=1))
    before = entry_rows()

    response = student.post(edit_url(entry), entry_post_data(minutes=str(3 * 60)))

    assert response.status_code == 422
    assert "minutes" in response.context["form"].errors
    assert entry_rows() == before


def test_deleting_a_draft_entry(cast: Any, student: Client) -> None:
    entry = log_activity(cast.placement)
    kept = log_activity(cast.placement, description="Blijft staan.")

    response = student.post(delete_url(entry))

    assert response.status_code == 302
    assert response["Location"] == week_url(cast, entry.date)
    assert list(ActivityEntry.objects.all()) == [kept]


def test_deleting_through_htmx_returns_the_week(cast: Any, student: Client) -> None:
    entry = log_activity(cast.placement, description="Weg ermee.")

    response = student.post(delete_url(entry), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="week"' in html
    assert "Weg ermee." not in html
    assert "Activity deleted." in html
    assert not ActivityEntry.objects.exists()


def submitted_entry(cast: Any) -> ActivityEntry:
    entry = log_activity(cast.placement)
    week_submit(placement=cast.placement, start=entry.date, student=cast.student)
    entry.refresh_from_db()
    return entry


def approved_entry(cast: Any) -> ActivityEntry:
    entry = submitted_entry(cast)
    week_approve(week=Week.objects.get(), reviewer=cast.supervisor)
    entry.refresh_from_db()
    return entry


@pytest.mark.parametrize("make", [submitted_entry, approved_entry], ids=["submitted", "approved"])
def test_a_submitted_or_approved_entry_cannot_be_changed(
    cast: Any, student: Client, make: Any
) -> None:
    entry = make(cast)
    before = entry_rows()

    shown = student.get(edit_url(entry))
    edited = student.post(edit_url(entry), entry_post_data(minutes="30"))
    edited_htmx = student.post(edit_url(entry), entry_post_data(minutes="30"), headers=HTMX)
    deleted = student.post(delete_url(entry))

    assert shown.status_code == edited.status_code == edited_htmx.status_code == 403
    assert deleted.status_code == 403
    assert entry_rows() == before


def test_another_students_entry_is_not_found(cast: Any, student: Client) -> None:
    other = other_students_placement(cast)
    entry = log_activity(other)
    before = entry_rows()

    shown = student.get(edit_url(entry))
    edited = student.post(edit_url(entry), entry_post_data(minutes="30"))
    deleted = student.post(delete_url(entry))
    logged = student.post(reverse("placements:entry_create", args=[other.pk]), entry_post_data())

    assert shown.status_code == edited.status_code == deleted.status_code == 404
    assert logged.status_code == 404
    assert entry_rows() == before


def test_a_late_entry_in_an_approved_week_is_not_stranded(cast: Any, student: Client) -> None:
    """An entry may not end up in a signed-off week where nobody can ever submit it.

    Either the quick-log refuses the date, or the week can be submitted again.
    """
    approved = approved_entry(cast)

    student.post(create_url(cast), entry_post_data(description="Vergeten activiteit."))
    student.post(
        reverse("placements:week_submit", args=[cast.placement.pk])
        + f"?week={week_start(approved.date).isoformat()}"
    )

    late = ActivityEntry.objects.filter(description="Vergeten activiteit.").first()
    if late is not None:
        assert late.status == EntryStatus.SUBMITTED
        assert Week.objects.get().status == "submitted"


# --- Queries that do not grow with the data -------------------------------------------------


def fill_last_week(cast: Any, count: int) -> datetime.date:
    """``count`` quarter-hour entries spread over last week, submitted and returned."""
    start = week_start(today()) - datetime.timedelta(days=7)
    for index in range(count):
        log_activity(
            cast.placement,
            date=start + datetime.timedelta(days=index % 7),
            minutes=15,
            kind=["classroom", "group", "observation"][index % 3],
            disciplines=["teacher", "youth_work"][: 1 + index % 2],
        )
    week = week_submit(placement=cast.placement, start=start, student=cast.student)
    if count > 10:
        week_return(week=week, reviewer=cast.supervisor, comment="Meer detail graag.")
        week_submit(placement=cast.placement, start=start, student=cast.student)
    return start


@pytest.mark.parametrize("viewer", ["student", "supervisor", "coordinator"])
def test_the_week_page_runs_the_same_queries_for_5_and_200_entries(
    cast: Any, client: Client, viewer: str
) -> None:
    client.force_login(getattr(cast, viewer))
    start = fill_last_week(cast, 5)
    url = reverse("placements:detail", args=[cast.placement.pk]) + f"?week={start.isoformat()}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    fill_last_week(cast, 195)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.status_code == 200
    if viewer != "coordinator":
        assert len(response.context["entries"]) == 200
        assert "50\u00a0uur" in response.content.decode()
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]


def test_the_overview_runs_the_same_queries_for_5_and_200_entries(
    cast: Any, student: Client
) -> None:
    def fill(count: int, weeks: int) -> None:
        first = week_start(cast.placement.start_date) + datetime.timedelta(days=7)
        for index in range(count):
            day = first + datetime.timedelta(days=7 * (index % weeks) + index % 5)
            log_activity(
                cast.placement, date=day, minutes=30, setting=["school", "online"][index % 2]
            )
        for offset in range(weeks):
            day = first + datetime.timedelta(days=7 * offset)
            if cast.placement.entries.filter(date=day, status="draft").exists():
                week_submit(placement=cast.placement, start=day, student=cast.student)

    url = reverse("placements:overview", args=[cast.placement.pk])
    fill(5, 2)
    student.get(url)
    with CaptureQueriesContext(connection) as few:
        student.get(url)
    fill(195, 6)
    with CaptureQueriesContext(connection) as many:
        response = student.get(url)

    assert response.context["totals"]["total_minutes"] == 200 * 30
    assert len(response.context["weeks"]) == 6
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]


def test_the_overview_totals_per_setting_and_kind(cast: Any, student: Client) -> None:
    log_activity(cast.placement, minutes=90, setting="school", kind="classroom")
    log_activity(cast.placement, minutes=60, setting="online", kind="classroom")
    approved = log_activity(
        cast.placement,
        date=today() - datetime.timedelta(days=7),
        minutes=45,
        setting="neighbourhood",
        kind="intervision",
    )
    week = week_submit(placement=cast.placement, start=approved.date, student=cast.student)
    week_approve(week=week, reviewer=cast.supervisor)

    response = student.get(reverse("placements:overview", args=[cast.placement.pk]))

    totals = response.context["totals"]
    assert totals["total_minutes"] == 195
    assert totals["approved_minutes"] == 45
    # In the order of the choices: school, neighbourhood, online.
    assert [minutes for _, minutes in totals["by_setting"]] == [90, 45, 60]
    by_kind = [minutes for _, minutes in totals["by_kind"]]
    assert (by_kind[0], by_kind[6], sum(by_kind)) == (150, 45, 195)
    assert "3\u00a0h 15\u00a0min" in response.content.decode()


def test_the_inline_edit_form_does_not_reuse_the_quick_log_ids(cast: Any, student: Client) -> None:
    """Both forms are on the page at once: shared ids tie labels to the wrong field."""
    entry = log_activity(cast.placement)
    page = student.get(reverse("placements:detail", args=[cast.placement.pk])).content.decode()
    fragment = student.get(edit_url(entry), headers=HTMX).content.decode()

    def field_ids(html: str) -> set[str]:
        return set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html))

    assert field_ids(fragment)
    assert field_ids(fragment).isdisjoint(field_ids(page))


def test_the_setting_radios_offer_no_empty_choice(cast: Any, student: Client) -> None:
    html = student.get(reverse("placements:detail", args=[cast.placement.pk])).content.decode()
    values = re.findall(r'<input type="radio" name="setting" value="([^"]*)"', html)
    assert values and all(values), values


def test_the_overview_links_weeks_for_the_student_and_supervisors_only(
    cast: Any, client: Client
) -> None:
    """A week opens for its student and supervisors; coordinators see the totals only."""
    entry = log_activity(cast.placement)
    week = week_submit(placement=cast.placement, start=entry.date, student=cast.student)
    url = reverse("placements:overview", args=[cast.placement.pk])
    link = f"{cast.placement.get_absolute_url()}?week={week.start:%Y-%m-%d}"
    for user, linked in [(cast.student, True), (cast.supervisor, True), (cast.coordinator, False)]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert (link in response.content.decode()) is linked, user
