"""Reopening a signed-off week: the student asks with a reason, the supervisor who
signs off reopens it or declines, the history keeps every step, and a reopened week
takes the forgotten activity and is submitted again."""

import datetime
from html import escape
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from placements.models import (
    ActivityEntry,
    EntryStatus,
    SupervisionRole,
    Week,
    WeekEvent,
    WeekEventAction,
    WeekStatus,
    week_start,
)
from placements.services import (
    WeekError,
    assignment_save,
    week_approve,
    week_reopen,
    week_reopen_decline,
    week_reopen_request,
    week_submit,
)
from tests.placements.factories import (
    SupervisionAssignmentFactory,
    entry_post_data,
    log_activity,
)

HTMX = {"HX-Request": "true"}


def today() -> datetime.date:
    return timezone.localdate()


def as_user(user: Any) -> Client:
    client = Client()
    client.cookies["ulvo_language"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def student(cast: Any) -> Client:
    return as_user(cast.student)


@pytest.fixture
def supervisor(cast: Any) -> Client:
    return as_user(cast.supervisor)


def last_week() -> datetime.date:
    return week_start(today()) - datetime.timedelta(days=7)


def signed_off_week(cast: Any, start: datetime.date | None = None) -> Week:
    """A week with two activities, submitted and approved through the services."""
    start = start or last_week()
    log_activity(cast.placement, date=start, description="Maandag: rekenles.")
    log_activity(cast.placement, date=start + datetime.timedelta(days=1), description="Dinsdag.")
    week = week_submit(placement=cast.placement, start=start, student=cast.student)
    return week_approve(week=week, reviewer=cast.supervisor)


def asked_week(cast: Any, reason: str = "Donderdag de ouderavond vergeten.") -> Week:
    return week_reopen_request(week=signed_off_week(cast), student=cast.student, reason=reason)


def request_url(cast: Any, start: datetime.date) -> str:
    return (
        reverse("placements:week_reopen_request", args=[cast.placement.pk])
        + f"?week={start.isoformat()}"
    )


def reopen_url(week: Week) -> str:
    return reverse("placements:week_reopen", args=[week.pk])


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {
        model.__name__: sorted(model.objects.values_list())
        for model in (ActivityEntry, Week, WeekEvent)
    }


# --- The student asks ---------------------------------------------------------------------


def test_the_student_asks_to_reopen_a_signed_off_week_with_a_reason(
    cast: Any, student: Client
) -> None:
    week = signed_off_week(cast)

    response = student.post(
        request_url(cast, week.start), {"reason": "Donderdag de ouderavond vergeten."}
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"?week={week.start.isoformat()}")
    week.refresh_from_db()
    assert week.status == WeekStatus.APPROVED
    assert week.reopen_requested_at is not None
    event = week.events.last()
    assert (event.action, event.actor, event.comment) == (
        WeekEventAction.REOPEN_REQUESTED,
        cast.student,
        "Donderdag de ouderavond vergeten.",
    )
    assert set(cast.placement.entries.values_list("status", flat=True)) == {"approved"}
    page = student.get(response["Location"]).content.decode()
    assert "Your request to reopen this week has been sent to Bram Schoolopleider." in page
    assert "You asked Bram Schoolopleider to reopen this week" in page
    assert 'name="reason"' not in page


def test_asking_through_htmx_returns_the_week(cast: Any, student: Client) -> None:
    week = signed_off_week(cast)

    response = student.post(
        request_url(cast, week.start), {"reason": "Ouderavond vergeten."}, headers=HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="week"')
    assert "You asked Bram Schoolopleider to reopen this week" in html
    assert response.context["week_start"] == week.start


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 1001, "at most 1000 characters"),
        ("Ouder\x00avond", "Null characters are not allowed."),
    ],
    ids=["empty", "blank", "too-long", "nul-byte"],
)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_bad_reason_is_refused_at_the_field_and_changes_nothing(
    cast: Any, student: Client, reason: str, message: str, htmx: bool
) -> None:
    week = signed_off_week(cast)
    before = snapshot()

    response = student.post(
        request_url(cast, week.start), {"reason": reason}, headers=HTMX if htmx else {}
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert ("<html" in html) is not htmx
    form = response.context["reopen_form"]
    assert list(form.errors) == ["reason"]
    assert message in " ".join(form.errors["reason"])
    assert 'id="id_reason_error"' in html
    assert snapshot() == before


def test_mass_assignment_is_ignored(cast: Any, student: Client) -> None:
    week = signed_off_week(cast)

    student.post(
        request_url(cast, week.start),
        {"reason": "Vergeten.", "status": "reopened", "reopen_requested_at": "2000-01-01"},
    )

    week.refresh_from_db()
    assert week.status == WeekStatus.APPROVED
    assert timezone.now() - week.reopen_requested_at < datetime.timedelta(minutes=1)


def test_asking_twice_changes_nothing_the_second_time(cast: Any, student: Client) -> None:
    week = asked_week(cast)
    before = snapshot()

    response = student.post(request_url(cast, week.start), {"reason": "Nog een keer."}, follow=True)

    assert "You have already asked to reopen this week." in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("state", ["no-week", "submitted", "returned"])
def test_only_a_signed_off_week_can_be_asked_to_reopen(
    cast: Any, student: Client, state: str
) -> None:
    start = week_start(today())
    if state != "no-week":
        log_activity(cast.placement)
        week = week_submit(placement=cast.placement, start=start, student=cast.student)
        if state == "returned":
            from placements.services import week_return

            week_return(week=week, reviewer=cast.supervisor, comment="Meer detail.")
    before = snapshot()

    response = student.post(request_url(cast, start), {"reason": "Vergeten."}, follow=True)

    assert "This week has not been signed off, so it needs no reopening." in (
        response.content.decode()
    )
    assert snapshot() == before


def test_a_supervisor_without_an_account_cannot_be_asked_in_ulvo(
    cast: Any, student: Client
) -> None:
    week = signed_off_week(cast)
    assignment_save(
        assignment=SupervisionAssignmentFactory.build(
            placement=cast.placement,
            supervisor=None,
            name="Wendy Wijkteam",
            email="wendy@buurtteam.example.org",
            role=SupervisionRole.PRACTICE,
        )
    )
    url = reverse("placements:detail", args=[cast.placement.pk]) + f"?week={week.start}"
    before = snapshot()

    page = student.get(url).content.decode()
    response = student.post(request_url(cast, week.start), {"reason": "Vergeten."}, follow=True)

    assert 'name="reason"' not in page
    assert "Wendy Wijkteam signs off through an e-mailed link" in page
    assert "cannot reopen weeks in ULVO" in response.content.decode()
    assert snapshot() == before


def test_a_request_is_only_possible_on_a_signed_off_week_in_the_database(cast: Any) -> None:
    log_activity(cast.placement)
    week = week_submit(placement=cast.placement, start=today(), student=cast.student)

    with pytest.raises(IntegrityError), transaction.atomic():
        Week.objects.filter(pk=week.pk).update(reopen_requested_at=timezone.now())


# --- The supervisor answers -----------------------------------------------------------------


def test_the_request_waits_on_the_supervisors_queue_with_its_reason(
    cast: Any, supervisor: Client
) -> None:
    week = asked_week(cast, reason="Donderdag de ouderavond vergeten.")

    response = supervisor.get(reverse("placements:signoff_queue"))

    html = response.content.decode()
    assert [w.pk for w in response.context["reopen_requests"]] == [week.pk]
    assert "Donderdag de ouderavond vergeten." in html
    assert reverse("placements:week_review", args=[week.pk]) in html
    review = supervisor.get(reverse("placements:week_review", args=[week.pk])).content.decode()
    assert "Donderdag de ouderavond vergeten." in review
    assert f'action="{reopen_url(week)}"' in review
    assert 'value="approve"' not in review


def test_the_request_is_not_on_the_queue_of_someone_who_does_not_sign_off(cast: Any) -> None:
    asked_week(cast)
    SupervisionAssignmentFactory(
        placement=cast.placement, supervisor=cast.bystander, signs_off=False
    )

    response = as_user(cast.bystander).get(reverse("placements:signoff_queue"))

    assert response.context["reopen_requests"] == []
    assert "ouderavond" not in response.content.decode()


def test_reopening_makes_the_entries_editable_and_the_week_take_new_ones(
    cast: Any, supervisor: Client, student: Client
) -> None:
    week = asked_week(cast)

    response = supervisor.post(reopen_url(week), {"action": "reopen", "comment": "Prima."})

    assert response.status_code == 302
    assert response["Location"] == reverse("placements:signoff_queue")
    week.refresh_from_db()
    assert (week.status, week.reopen_requested_at, week.reviewer, week.comment) == (
        WeekStatus.REOPENED,
        None,
        cast.supervisor,
        "Prima.",
    )
    assert set(cast.placement.entries.values_list("status", flat=True)) == {EntryStatus.DRAFT}
    event = week.events.last()
    assert (event.action, event.actor, event.comment) == (
        WeekEventAction.REOPENED,
        cast.supervisor,
        "Prima.",
    )
    queue = supervisor.get(response["Location"]).content.decode()
    assert "You reopened the week of" in queue and "of Sanne Student" in queue
    assert queue.count("ouderavond") == 0

    # The student adds what was forgotten and submits the week again.
    thursday = week.start + datetime.timedelta(days=3)
    page = student.get(
        reverse("placements:detail", args=[cast.placement.pk]) + f"?week={week.start}"
    )
    assert page.context["form"]["date"].value() == thursday
    assert "Bram Schoolopleider reopened this week." in page.content.decode()
    added = student.post(
        reverse("placements:entry_create", args=[cast.placement.pk]) + f"?week={week.start}",
        entry_post_data(date=thursday.isoformat(), description="Ouderavond."),
    )
    assert added.status_code == 302
    resubmitted = student.post(
        reverse("placements:week_submit", args=[cast.placement.pk]) + f"?week={week.start}"
    )
    assert resubmitted.status_code == 302
    week.refresh_from_db()
    assert week.status == WeekStatus.SUBMITTED
    assert week.reviewer is None
    assert set(cast.placement.entries.values_list("status", flat=True)) == {"submitted"}
    assert cast.placement.entries.count() == 3
    assert list(week.events.values_list("action", flat=True)) == [
        "submitted",
        "approved",
        "reopen_requested",
        "reopened",
        "submitted",
    ]
    assert [w["pk"] for w in supervisor.get(response["Location"]).context["weeks"]] == [week.pk]


def test_declining_needs_a_reason(cast: Any, supervisor: Client) -> None:
    week = asked_week(cast)
    before = snapshot()

    response = supervisor.post(reopen_url(week), {"action": "decline", "comment": "  "})

    assert response.status_code == 422
    assert list(response.context["reopen_form"].errors) == ["comment"]
    assert "Tell the student why you decline." in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    "data",
    [{"action": "delete"}, {}, {"action": "reopen", "comment": "x" * 2001}],
    ids=["unknown-action", "no-action", "comment-too-long"],
)
def test_a_malformed_answer_is_422_and_changes_nothing(
    cast: Any, supervisor: Client, data: dict[str, str]
) -> None:
    week = asked_week(cast)
    before = snapshot()

    response = supervisor.post(reopen_url(week), data)

    assert response.status_code == 422
    assert snapshot() == before


def test_declining_keeps_the_week_signed_off_and_tells_the_student_why(
    cast: Any, supervisor: Client, student: Client
) -> None:
    week = asked_week(cast)

    response = supervisor.post(
        reopen_url(week), {"action": "decline", "comment": "Die uren vallen onder week 12."}
    )

    assert response.status_code == 302
    week.refresh_from_db()
    assert (week.status, week.reopen_requested_at) == (WeekStatus.APPROVED, None)
    assert set(cast.placement.entries.values_list("status", flat=True)) == {"approved"}
    event = week.events.last()
    assert (event.action, event.comment) == (
        WeekEventAction.REOPEN_DECLINED,
        "Die uren vallen onder week 12.",
    )
    assert (
        "You declined to reopen the week of"
        in supervisor.get(response["Location"]).content.decode()
    )
    page = student.get(
        reverse("placements:detail", args=[cast.placement.pk]) + f"?week={week.start}"
    ).content.decode()
    assert "Bram Schoolopleider did not reopen the week:" in page
    assert "Die uren vallen onder week 12." in page
    # The student may ask again, with more to say.
    assert 'name="reason"' in page


def test_answering_a_request_that_is_gone_changes_nothing(cast: Any, supervisor: Client) -> None:
    week = asked_week(cast)
    supervisor.post(reopen_url(week), {"action": "reopen"})
    before = snapshot()

    response = supervisor.post(
        reopen_url(week), {"action": "decline", "comment": "Toch niet."}, follow=True
    )

    assert "Nobody is asking to reopen this week (any more)." in response.content.decode()
    assert snapshot() == before


def test_the_services_refuse_what_the_forms_would(cast: Any) -> None:
    week = asked_week(cast)
    with pytest.raises(WeekError, match="reason_required"):
        week_reopen_decline(week=week, reviewer=cast.supervisor, comment=" ")
    with pytest.raises(WeekError, match="reopen_pending"):
        week_reopen_request(week=week, student=cast.student, reason="Nog eens.")
    week_reopen(week=week, reviewer=cast.supervisor)
    with pytest.raises(WeekError, match="no_reopen_request"):
        week_reopen(week=week, reviewer=cast.supervisor)
    with pytest.raises(WeekError, match="not_approved"):
        week_reopen_request(week=week, student=cast.student, reason="Nog eens.")


def test_the_history_shows_every_step(cast: Any, student: Client) -> None:
    week = asked_week(cast, reason="Ouderavond vergeten.")
    week_reopen_decline(week=week, reviewer=cast.supervisor, comment="Hoort bij week 12.")
    week_reopen_request(week=week, student=cast.student, reason="Het was echt deze week.")
    week_reopen(week=week, reviewer=cast.supervisor)

    html = student.get(
        reverse("placements:detail", args=[cast.placement.pk]) + f"?week={week.start}"
    ).content.decode()

    history = html[html.index('class="history"') :]
    assert history.count("<li>") == 6
    for text in (
        "asked to reopen · Sanne Student: “Ouderavond vergeten.”",
        "reopening declined · Bram Schoolopleider: “Hoort bij week 12.”",
        "reopened · Bram Schoolopleider",
    ):
        assert text in history


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert('xss-probe')</script>",
        '" data-hx-get="/xss-probe" data-hx-trigger="load" x="',
        "<img src=x onerror=alert('xss-probe')>",
    ],
)
def test_a_hostile_reason_is_shown_as_text(
    cast: Any, student: Client, supervisor: Client, payload: str
) -> None:
    from tests.security.test_hostile_input import dangers

    week = signed_off_week(cast)
    student.post(request_url(cast, week.start), {"reason": payload})

    pages = [
        student.get(reverse("placements:detail", args=[cast.placement.pk]) + f"?week={week.start}"),
        supervisor.get(reverse("placements:signoff_queue")),
        supervisor.get(reverse("placements:week_review", args=[week.pk])),
    ]

    for response in pages:
        html = response.content.decode()
        assert not dangers(html), response.request["PATH_INFO"]
        assert escape(payload, quote=False) in html or escape(payload) in html
