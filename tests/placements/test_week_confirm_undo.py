"""The supervisor's sign-off says what happened to which week: returning and
approving are confirmed with the student and the week, and an approval can be
undone for a short while, which the week's history records."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from placements.models import (
    APPROVAL_UNDO_WINDOW,
    ActivityEntry,
    EntryStatus,
    Week,
    WeekEvent,
    WeekEventAction,
    WeekStatus,
)
from placements.services import (
    WeekError,
    assignment_save,
    week_approval_undo,
    week_approve,
    week_reopen_request,
    week_submit,
)
from placements.views import _week_names
from tests.clock import frozen_at
from tests.placements.factories import SupervisionAssignmentFactory, log_activity


def as_user(user: Any) -> Client:
    client = Client()
    client.cookies["ulvo_language"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def supervisor(cast: Any) -> Client:
    return as_user(cast.supervisor)


def submitted_week(cast: Any) -> Week:
    log_activity(cast.placement, description="Kringgesprek.")
    log_activity(cast.placement, description="Voorlezen.")
    return week_submit(placement=cast.placement, start=timezone.localdate(), student=cast.student)


def dates(week: Week) -> str:
    """The week's dates as the messages write them (in English, as the clients read)."""
    with translation.override("en"):
        names = _week_names(week)
    return f"{names['start']} to {names['end']}"


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {
        model.__name__: sorted(model.objects.values_list())
        for model in (ActivityEntry, Week, WeekEvent)
    }


def undo_url(week: Week) -> str:
    return reverse("placements:week_approval_undo", args=[week.pk])


# --- Confirmations ----------------------------------------------------------------------------


def test_returning_a_week_is_confirmed_with_the_student_and_the_week(
    cast: Any, supervisor: Client
) -> None:
    week = submitted_week(cast)

    response = supervisor.post(
        reverse("placements:week_review", args=[week.pk]),
        {"action": "return", "comment": "Noem ook de werkvorm."},
        follow=True,
    )

    html = response.content.decode()
    assert f"You returned the week of {dates(week)} to Sanne Student with your comment." in html
    assert 'class="message message-success"' in html


@pytest.mark.parametrize("where", ["queue", "review-page"])
def test_approving_is_confirmed_with_the_student_and_the_week_and_offers_an_undo(
    cast: Any, supervisor: Client, where: str
) -> None:
    week = submitted_week(cast)

    if where == "queue":
        response = supervisor.post(reverse("placements:week_approve", args=[week.pk]), follow=True)
    else:
        response = supervisor.post(
            reverse("placements:week_review", args=[week.pk]),
            {"action": "approve", "comment": ""},
            follow=True,
        )

    html = response.content.decode()
    assert f"You signed off the week of {dates(week)} of Sanne Student." in html
    assert [w.pk for w in response.context["just_signed_off"]] == [week.pk]
    assert f'action="{undo_url(week)}"' in html


def test_the_e_mailed_link_confirms_which_week_was_signed_off(cast: Any, client: Client) -> None:
    external = assignment_save(
        assignment=SupervisionAssignmentFactory.build(
            placement=cast.placement,
            supervisor=None,
            name="Wendy Wijkteam",
            email="wendy@buurtteam.example.org",
        )
    )
    week = submitted_week(cast)
    client.cookies["ulvo_language"] = "en"

    response = client.post(
        week.get_signoff_url(external.pk), {"action": "approve", "name": "Wendy Wijkteam"}
    )

    html = response.content.decode()
    assert "Sanne Student" in html
    start = dates(week).split(" to ")[0]
    assert f"Week of {start} to" in html


# --- Undoing an approval ----------------------------------------------------------------------


def test_an_approval_undone_puts_the_week_back_in_the_queue(cast: Any, supervisor: Client) -> None:
    week = submitted_week(cast)
    supervisor.post(reverse("placements:week_approve", args=[week.pk]))

    response = supervisor.post(undo_url(week))

    assert response.status_code == 302
    assert response["Location"] == reverse("placements:signoff_queue")
    week.refresh_from_db()
    assert (week.status, week.reviewer, week.reviewer_name, week.reviewed_at) == (
        WeekStatus.SUBMITTED,
        None,
        "",
        None,
    )
    assert set(cast.placement.entries.values_list("status", flat=True)) == {EntryStatus.SUBMITTED}
    assert list(week.events.values_list("action", "actor")) == [
        (WeekEventAction.SUBMITTED, cast.student.pk),
        (WeekEventAction.APPROVED, cast.supervisor.pk),
        (WeekEventAction.APPROVAL_UNDONE, cast.supervisor.pk),
    ]
    queue = supervisor.get(response["Location"])
    assert [w["pk"] for w in queue.context["weeks"]] == [week.pk]
    assert queue.context["just_signed_off"] == []
    html = queue.content.decode()
    assert f"Sign-off undone: the week of {dates(week)} of Sanne Student" in html
    # The history shows it to the student too.
    student = as_user(cast.student).get(reverse("placements:detail", args=[cast.placement.pk]))
    assert "sign-off undone · Bram Schoolopleider" in student.content.decode()


def test_the_review_page_offers_the_undo_while_it_is_possible(
    cast: Any, supervisor: Client
) -> None:
    week = submitted_week(cast)
    week_approve(week=week, reviewer=cast.supervisor)
    url = reverse("placements:week_review", args=[week.pk])

    shown = supervisor.get(url).content.decode()
    with frozen_at(timezone.now() + APPROVAL_UNDO_WINDOW + datetime.timedelta(minutes=1)):
        later = supervisor.get(url).content.decode()

    assert f'action="{undo_url(week)}"' in shown
    assert 'value="approve"' not in shown
    assert f'action="{undo_url(week)}"' not in later


def test_an_approval_cannot_be_undone_after_the_window(cast: Any, supervisor: Client) -> None:
    week = submitted_week(cast)
    week_approve(week=week, reviewer=cast.supervisor)
    before = snapshot()

    with frozen_at(timezone.now() + APPROVAL_UNDO_WINDOW + datetime.timedelta(minutes=1)):
        response = supervisor.post(undo_url(week), follow=True)
        assert response.context["just_signed_off"] == []

    assert "This sign-off can no longer be undone." in response.content.decode()
    assert snapshot() == before


def test_only_who_approved_may_undo(cast: Any) -> None:
    week = submitted_week(cast)
    week_approve(week=week, reviewer=cast.supervisor)
    # Signing off moves to the neighbourhood's practice supervisor.
    assignment_save(
        assignment=SupervisionAssignmentFactory.build(
            placement=cast.placement, supervisor=cast.bystander
        )
    )
    before = snapshot()

    by_new_signer = as_user(cast.bystander).post(undo_url(week), follow=True)
    by_approver = as_user(cast.supervisor).post(undo_url(week))

    assert "This sign-off can no longer be undone." in by_new_signer.content.decode()
    assert by_approver.status_code == 403  # no longer signs off this placement
    assert snapshot() == before


def test_an_approval_with_a_request_to_reopen_is_not_undone(cast: Any, supervisor: Client) -> None:
    week = submitted_week(cast)
    week_approve(week=week, reviewer=cast.supervisor)
    week_reopen_request(week=week, student=cast.student, reason="Vergeten.")
    before = snapshot()

    response = supervisor.post(undo_url(week), follow=True)

    assert "This sign-off can no longer be undone." in response.content.decode()
    assert snapshot() == before
    with pytest.raises(WeekError, match="not_undoable"):
        week_approval_undo(week=week, reviewer=cast.supervisor)


def test_undoing_twice_changes_nothing_the_second_time(cast: Any, supervisor: Client) -> None:
    week = submitted_week(cast)
    week_approve(week=week, reviewer=cast.supervisor)
    supervisor.post(undo_url(week))
    before = snapshot()

    response = supervisor.post(undo_url(week), follow=True)

    assert "This sign-off can no longer be undone." in response.content.decode()
    assert snapshot() == before


def test_undo_accepts_only_post(cast: Any, supervisor: Client) -> None:
    week = submitted_week(cast)
    week_approve(week=week, reviewer=cast.supervisor)

    assert supervisor.get(undo_url(week)).status_code == 405
    week.refresh_from_db()
    assert week.status == WeekStatus.APPROVED
