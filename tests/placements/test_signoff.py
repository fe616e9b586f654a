"""Weeks: the student submits, the supervisor approves or returns, in the platform or
through the e-mailed link; the e-mails that ask for it; the queue's queries."""

import datetime
import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.tasks import deliver_due_notifications
from placements.models import (
    ActivityEntry,
    EntryStatus,
    SupervisionAssignment,
    SupervisionRole,
    Week,
    WeekEvent,
    WeekEventAction,
    WeekStatus,
    contact_digest,
    week_start,
)
from placements.services import assignment_save, week_approve, week_return, week_submit
from tests.accounts.factories import UserFactory
from tests.clock import frozen_at
from tests.placements.factories import (
    PlacementFactory,
    SupervisionAssignmentFactory,
    entry_post_data,
    log_activity,
)

HTMX = {"HX-Request": "true"}
LINK_PATH = re.compile(r"(/aftekenen/link/[^/\s]+/)")


def today() -> datetime.date:
    return timezone.localdate()


def as_user(client: Client, user: Any) -> Client:
    client.cookies["ulvo_language"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def student(cast: Any) -> Client:
    return as_user(Client(), cast.student)


@pytest.fixture
def supervisor(cast: Any) -> Client:
    return as_user(Client(), cast.supervisor)


@pytest.fixture
def anonymous(db: None) -> Client:
    client = Client()
    client.cookies["ulvo_language"] = "en"
    return client


@pytest.fixture
def external(cast: Any) -> SupervisionAssignment:
    """A neighbourhood professional without an account who signs off the hours (and so
    takes signing off from the cast's school trainer: one signer per placement)."""
    return assignment_save(
        assignment=SupervisionAssignmentFactory.build(
            placement=cast.placement,
            supervisor=None,
            name="Wendy Wijkteam",
            email="wendy@buurtteam.example.org",
            role=SupervisionRole.PRACTICE,
        )
    )


def submit_url(cast: Any, day: datetime.date) -> str:
    return (
        reverse("placements:week_submit", args=[cast.placement.pk])
        + f"?week={week_start(day).isoformat()}"
    )


def week_page(cast: Any, day: datetime.date) -> str:
    return (
        reverse("placements:detail", args=[cast.placement.pk])
        + f"?week={week_start(day).isoformat()}"
    )


def submitted_week(cast: Any, *descriptions: str) -> Week:
    """A week of today with the given entries, submitted through the service."""
    for description in descriptions or ("Kringgesprek begeleid.",):
        log_activity(cast.placement, description=description, minutes=90)
    return week_submit(placement=cast.placement, start=today(), student=cast.student)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {
        model.__name__: sorted(model.objects.values_list())
        for model in (ActivityEntry, Week, WeekEvent)
    }


# --- Submitting a week --------------------------------------------------------------


def test_submitting_a_week_submits_its_draft_and_returned_entries(
    cast: Any, student: Client
) -> None:
    returned = log_activity(cast.placement, date=week_start(today()))
    week = week_submit(placement=cast.placement, start=today(), student=cast.student)
    week_return(week=week, reviewer=cast.supervisor, comment="Vul de beschrijving aan.")
    draft = log_activity(cast.placement, date=today())
    last_week = log_activity(cast.placement, date=week_start(today()) - datetime.timedelta(days=1))

    response = student.post(submit_url(cast, today()))

    assert response.status_code == 302
    assert response["Location"] == week_page(cast, today())
    returned.refresh_from_db()
    draft.refresh_from_db()
    last_week.refresh_from_db()
    assert returned.status == draft.status == EntryStatus.SUBMITTED
    assert last_week.status == EntryStatus.DRAFT
    week.refresh_from_db()
    assert week.status == WeekStatus.SUBMITTED
    assert week.start == week_start(today())
    assert week.submitted_at is not None
    assert timezone.now() - week.submitted_at < datetime.timedelta(minutes=1)
    event = week.events.last()
    assert event.action == WeekEventAction.SUBMITTED
    assert event.actor == cast.student
    assert event.actor_name == "Sanne Student"
    assert "Week submitted for sign-off." in student.get(response["Location"]).content.decode()


def test_submitting_through_htmx_returns_the_week(cast: Any, student: Client) -> None:
    entry = log_activity(cast.placement)

    response = student.post(submit_url(cast, today()), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="week"' in html and "<html" not in html
    assert "Week submitted for sign-off." in html
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    assert Week.objects.get().status == WeekStatus.SUBMITTED


def test_submitting_e_mails_the_supervisor_once_committed(
    cast: Any, student: Client, django_capture_on_commit_callbacks: Any
) -> None:
    log_activity(cast.placement)

    with django_capture_on_commit_callbacks(execute=True):
        student.post(submit_url(cast, today()))

    assert [message.to for message in mail.outbox] == [["trainer@example.org"]]


@pytest.mark.parametrize("state", ["empty", "already-submitted"])
def test_a_week_with_nothing_to_submit_is_refused(cast: Any, student: Client, state: str) -> None:
    if state == "already-submitted":
        submitted_week(cast)
    before = snapshot()

    response = student.post(submit_url(cast, today()), headers=HTMX)

    assert response.status_code == 200
    assert "There is nothing to submit in this week." in response.content.decode()
    assert snapshot() == before


def test_an_approved_week_cannot_be_submitted_again(cast: Any, student: Client) -> None:
    week = submitted_week(cast)
    week_approve(week=week, reviewer=cast.supervisor)
    before = snapshot()

    response = student.post(submit_url(cast, today()))

    assert response.status_code == 302
    assert snapshot() == before


def test_the_week_shows_its_history_with_names_and_the_return_comment(
    cast: Any, student: Client, external: SupervisionAssignment
) -> None:
    week = submitted_week(cast)
    week_return(
        week=week,
        reviewer=None,
        reviewer_name="Wendy Wijkteam",
        comment="Beschrijf wat je zelf deed.",
        via_link=True,
    )
    week_submit(placement=cast.placement, start=today(), student=cast.student)
    week_approve(week=week, reviewer=cast.supervisor)

    html = student.get(week_page(cast, today())).content.decode()

    history = html[html.index('class="history"') :]
    assert history.count("<li>") == 4
    assert history.index("Sanne Student") < history.index("Wendy Wijkteam")
    assert "through the e-mailed link" in history
    assert "Beschrijf wat je zelf deed." in history
    assert "Bram Schoolopleider" in history
    assert "approved" in history and "returned" in history


def test_a_returned_week_shows_the_comment_to_the_student(cast: Any, student: Client) -> None:
    week = submitted_week(cast)
    week_return(week=week, reviewer=cast.supervisor, comment="Graag meer detail.")

    html = student.get(week_page(cast, today())).content.decode()

    assert "Comment from your supervisor:" in html
    assert "Graag meer detail." in html


# --- The e-mails asking for sign-off ------------------------------------------------------


def test_the_sign_off_request_goes_to_the_supervisor_with_an_account_who_signs_off(
    cast: Any,
) -> None:
    SupervisionAssignmentFactory(
        placement=cast.placement, supervisor=cast.bystander, signs_off=False
    )
    week = submitted_week(cast)

    deliver_due_notifications()  # The outbox (tests/notifications) sends them.

    assert [message.to for message in mail.outbox] == [["trainer@example.org"]]
    with_account = mail.outbox[0].body
    assert settings.ULVO_BASE_URL + reverse("placements:week_review", args=[week.pk]) in (
        with_account
    )
    assert "/aftekenen/link/" not in with_account
    assert "Sanne Student" in mail.outbox[0].subject


def test_the_sign_off_request_to_a_supervisor_without_an_account_carries_a_link(
    cast: Any, external: SupervisionAssignment
) -> None:
    SupervisionAssignmentFactory(
        placement=cast.placement, supervisor=cast.bystander, signs_off=False
    )
    week = submitted_week(cast)

    deliver_due_notifications()

    # The school trainer handed signing off to Wendy: only she is asked.
    assert [message.to for message in mail.outbox] == [["wendy@buurtteam.example.org"]]
    without_account = mail.outbox[0].body
    found = LINK_PATH.search(without_account)
    assert found, without_account
    assert settings.ULVO_BASE_URL + found.group(1) in without_account
    token = found.group(1).split("/")[-2]
    payload = Week.parse_signoff_token(token)
    assert payload == {
        "w": week.pk,
        "a": external.pk,
        "e": contact_digest("wendy@buurtteam.example.org"),
        "s": week.submitted_at.isoformat(),
    }


@pytest.mark.parametrize("review", [week_approve, week_return])
def test_no_sign_off_request_for_a_week_no_longer_submitted(
    cast: Any, external: SupervisionAssignment, review: Any
) -> None:
    week = submitted_week(cast)
    review(week=week, reviewer=cast.supervisor, comment="Klaar.")

    deliver_due_notifications()

    # The student hears of the review (#15); no signer is asked any more.
    assert [message.to for message in mail.outbox] == [[cast.student.email]]


# --- The queue and the review in the platform ------------------------------------------------


def supervised_placement(cast: Any, name: str, *, signs_off: bool = True) -> Any:
    placement = PlacementFactory(
        student=UserFactory(full_name=name),
        programme=cast.social_work,
        environment=cast.environment,
        school=cast.school,
    )
    SupervisionAssignmentFactory(
        placement=placement,
        supervisor=cast.supervisor,
        role=SupervisionRole.SCHOOL_TRAINER,
        signs_off=signs_off,
    )
    return placement


def submit(placement: Any, *minutes: int, day: datetime.date | None = None) -> Week:
    day = day or today()
    for value in minutes:
        log_activity(placement, date=day, minutes=value)
    return week_submit(placement=placement, start=day, student=placement.student)


def test_the_queue_lists_the_submitted_weeks_i_sign_off_with_their_hours(
    cast: Any, supervisor: Client
) -> None:
    mine = submit(cast.placement, 90, 60)
    earlier = submit(cast.placement, 45, day=today() - datetime.timedelta(days=14))
    approved = submit(
        supervised_placement(cast, "Anna Goedgekeurd"), 60, day=today() - datetime.timedelta(7)
    )
    week_approve(week=approved, reviewer=cast.supervisor)
    # Long enough ago that it is no longer offered for undoing.
    Week.objects.filter(pk=approved.pk).update(reviewed_at=timezone.now() - datetime.timedelta(1))
    submit(supervised_placement(cast, "Gijs Begeleid", signs_off=False), 60)
    submit(PlacementFactory(student=UserFactory(full_name="Vera Vreemd")), 60)

    response = supervisor.get(reverse("placements:signoff_queue"))

    html = response.content.decode()
    assert response.status_code == 200
    assert [week["pk"] for week in response.context["weeks"]] == [earlier.pk, mine.pk]
    assert "Sanne Student" in html
    assert "2\u00a0h 30\u00a0min" in html
    assert "45\u00a0min" in html
    for hidden in ("Anna Goedgekeurd", "Gijs Begeleid", "Vera Vreemd"):
        assert hidden not in html
    assert reverse("placements:week_approve", args=[mine.pk]) in html
    assert reverse("placements:week_review", args=[mine.pk]) in html


def test_the_queue_runs_the_same_queries_for_2_and_30_supervisees(
    cast: Any, supervisor: Client
) -> None:
    def seed(count: int) -> None:
        for index in range(count):
            submit(supervised_placement(cast, f"Student {index}"), 60, 30)

    url = reverse("placements:signoff_queue")
    seed(2)
    supervisor.get(url)
    with CaptureQueriesContext(connection) as few:
        assert len(supervisor.get(url).context["weeks"]) == 2
    seed(28)
    with CaptureQueriesContext(connection) as many:
        response = supervisor.get(url)

    assert len(response.context["weeks"]) == 30
    assert response.content.decode().count("1\u00a0h 30\u00a0min") == 30
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]


def test_one_click_approve_locks_the_week(cast: Any, supervisor: Client) -> None:
    week = submitted_week(cast, "Eerste.", "Tweede.")

    response = supervisor.post(reverse("placements:week_approve", args=[week.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("placements:signoff_queue")
    week.refresh_from_db()
    assert week.status == WeekStatus.APPROVED
    assert week.reviewer == cast.supervisor
    assert week.reviewer_name == "Bram Schoolopleider"
    assert week.reviewed_at is not None
    assert set(cast.placement.entries.values_list("status", flat=True)) == {"approved"}
    event = week.events.last()
    assert (event.action, event.actor, event.actor_name, event.via_link) == (
        WeekEventAction.APPROVED,
        cast.supervisor,
        "Bram Schoolopleider",
        False,
    )
    queue = supervisor.get(response["Location"]).content.decode()
    # The confirmation names the student and the week.
    assert (
        f"You signed off the week of {week.start.day} {week.start:%b} to "
        f"{week.end.day} {week.end:%b %Y} of Sanne Student."
    ) in queue

    entry = cast.placement.entries.first()
    student = as_user(Client(), cast.student)
    assert student.get(reverse("placements:entry_edit", args=[entry.pk])).status_code == 403
    edit = student.post(
        reverse("placements:entry_edit", args=[entry.pk]), entry_post_data(minutes="30")
    )
    assert edit.status_code == 403
    entry.refresh_from_db()
    assert entry.minutes == 90


def test_approving_twice_changes_nothing_the_second_time(cast: Any, supervisor: Client) -> None:
    week = submitted_week(cast)
    supervisor.post(reverse("placements:week_approve", args=[week.pk]))
    before = snapshot()

    response = supervisor.post(reverse("placements:week_approve", args=[week.pk]), follow=True)

    assert "This week is no longer waiting for sign-off." in response.content.decode()
    assert snapshot() == before


def test_the_review_page_shows_only_that_week(cast: Any, supervisor: Client) -> None:
    submit(cast.placement, 60, day=today() - datetime.timedelta(days=7))
    week = submitted_week(cast, "Deze week: voorlezen.")

    response = supervisor.get(reverse("placements:week_review", args=[week.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Deze week: voorlezen." in html
    assert [entry.date >= week.start for entry in response.context["entries"]] == [True]


def review(client: Client, week: Week, **data: str) -> Any:
    return client.post(reverse("placements:week_review", args=[week.pk]), data)


@pytest.mark.parametrize("comment", ["", "   "])
def test_returning_needs_a_comment(cast: Any, supervisor: Client, comment: str) -> None:
    week = submitted_week(cast)
    before = snapshot()

    response = review(supervisor, week, action="return", comment=comment)

    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["comment"]
    assert 'id="id_comment_error"' in response.content.decode()
    assert "Tell the student what to change." in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    "data",
    [{"action": "delete"}, {}, {"action": "approve", "comment": "x" * 2001}],
    ids=["unknown-action", "no-action", "comment-too-long"],
)
def test_a_malformed_review_is_422_and_changes_nothing(
    cast: Any, supervisor: Client, data: dict[str, str]
) -> None:
    week = submitted_week(cast)
    before = snapshot()

    response = review(supervisor, week, **data)

    assert response.status_code == 422
    assert snapshot() == before


def test_approving_from_the_review_page_keeps_the_comment(cast: Any, supervisor: Client) -> None:
    week = submitted_week(cast)

    response = review(supervisor, week, action="approve", comment="Mooi gedaan.")

    assert response.status_code == 302
    week.refresh_from_db()
    assert (week.status, week.comment, week.reviewer) == (
        "approved",
        "Mooi gedaan.",
        cast.supervisor,
    )


def test_a_returned_week_goes_back_to_the_student_who_resubmits(
    cast: Any, supervisor: Client
) -> None:
    week = submitted_week(cast, "Eerste versie.")
    first_submission = week.submitted_at

    response = review(supervisor, week, action="return", comment="Noem ook de werkvorm.")

    assert response.status_code == 302
    week.refresh_from_db()
    assert week.status == WeekStatus.RETURNED
    assert week.comment == "Noem ook de werkvorm."
    entry = cast.placement.entries.get()
    assert entry.status == EntryStatus.RETURNED
    event = week.events.last()
    assert (event.action, event.actor, event.comment) == (
        WeekEventAction.RETURNED,
        cast.supervisor,
        "Noem ook de werkvorm.",
    )

    student = as_user(Client(), cast.student)
    page = student.get(week_page(cast, today())).content.decode()
    assert "Noem ook de werkvorm." in page
    assert reverse("placements:entry_edit", args=[entry.pk]) in page
    edited = student.post(
        reverse("placements:entry_edit", args=[entry.pk]),
        entry_post_data(description="Tweede versie, met werkvorm."),
    )
    assert edited.status_code == 302
    entry.refresh_from_db()
    assert (entry.description, entry.status) == ("Tweede versie, met werkvorm.", "returned")

    resubmitted = student.post(submit_url(cast, today()))

    assert resubmitted.status_code == 302
    week.refresh_from_db()
    entry.refresh_from_db()
    assert week.status == WeekStatus.SUBMITTED
    assert week.submitted_at > first_submission
    assert entry.status == EntryStatus.SUBMITTED
    assert list(week.events.values_list("action", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
    ]
    assert [
        w["pk"] for w in supervisor.get(reverse("placements:signoff_queue")).context["weeks"]
    ] == [week.pk]


# --- The e-mailed link ------------------------------------------------------------------------


def link(week: Week, assignment: SupervisionAssignment) -> str:
    week.refresh_from_db()
    return week.get_signoff_url(assignment.pk)


def test_the_link_shows_only_that_week(
    cast: Any, anonymous: Client, external: SupervisionAssignment
) -> None:
    submit(cast.placement, 60, day=today() - datetime.timedelta(days=7))
    log_activity(
        cast.placement,
        date=today() - datetime.timedelta(days=7),
        description="Vorige week: niet tonen.",
    )
    week = submitted_week(cast, "Deze week: tonen.")

    response = anonymous.get(link(week, external))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sanne Student" in html
    assert "Deze week: tonen." in html
    assert "Vorige week: niet tonen." not in html
    assert [entry.date >= week.start for entry in response.context["entries"]] == [True]
    assert response.context["form"]["name"].value() == "Wendy Wijkteam"


def test_approving_through_the_link(
    cast: Any, anonymous: Client, external: SupervisionAssignment
) -> None:
    week = submitted_week(cast)

    response = anonymous.post(link(week, external), {"action": "approve", "name": "W. Wijkteam"})

    assert response.status_code == 200
    assert "The week has been signed off." in response.content.decode()
    week.refresh_from_db()
    assert week.status == WeekStatus.APPROVED
    assert week.reviewer is None
    assert week.reviewer_name == "W. Wijkteam"
    assert cast.placement.entries.get().status == EntryStatus.APPROVED
    event = week.events.last()
    assert (event.action, event.actor, event.actor_name, event.via_link) == (
        WeekEventAction.APPROVED,
        None,
        "W. Wijkteam",
        True,
    )


@pytest.mark.parametrize(
    "data",
    [
        {"action": "approve", "name": ""},
        {"action": "return", "name": "Wendy", "comment": ""},
        {"action": "approve", "name": "x" * 151},
        {"action": "approve", "name": "Wendy\x00"},
        {"action": "sideways", "name": "Wendy"},
    ],
    ids=["no-name", "return-without-comment", "long-name", "nul-byte", "unknown-action"],
)
def test_a_malformed_link_form_is_422_and_changes_nothing(
    cast: Any, anonymous: Client, external: SupervisionAssignment, data: dict[str, str]
) -> None:
    week = submitted_week(cast)
    before = snapshot()

    response = anonymous.post(link(week, external), data)

    assert response.status_code == 422
    assert response.context["form"].errors
    assert snapshot() == before


def test_a_used_link_is_gone_and_changes_nothing(
    cast: Any, anonymous: Client, external: SupervisionAssignment
) -> None:
    week = submitted_week(cast)
    url = link(week, external)
    anonymous.post(url, {"action": "approve", "name": "Wendy Wijkteam"})
    before = snapshot()

    shown = anonymous.get(url)
    again = anonymous.post(url, {"action": "return", "name": "Wendy", "comment": "Toch niet."})

    assert shown.status_code == again.status_code == 410
    assert "already been handled" in again.content.decode()
    assert snapshot() == before


def test_a_tampered_link_is_not_found(
    cast: Any, anonymous: Client, external: SupervisionAssignment
) -> None:
    week = submitted_week(cast)
    url = link(week, external)
    token = url.rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    before = snapshot()

    shown = anonymous.get(reverse("placements:signoff_link", args=[tampered]))
    posted = anonymous.post(
        reverse("placements:signoff_link", args=[tampered]),
        {"action": "approve", "name": "Wendy"},
    )
    garbage = anonymous.get(reverse("placements:signoff_link", args=["nonsense"]))

    assert shown.status_code == posted.status_code == garbage.status_code == 404
    assert "This link is not valid." in shown.content.decode()
    assert snapshot() == before


def test_an_expired_link_is_not_found(
    cast: Any, anonymous: Client, external: SupervisionAssignment
) -> None:
    week = submitted_week(cast)
    url = link(week, external)
    later = timezone.now() + settings.SIGNOFF_LINK_MAX_AGE + datetime.timedelta(minutes=1)
    before = snapshot()

    with frozen_at(later):
        shown = anonymous.get(url)
        posted = anonymous.post(url, {"action": "approve", "name": "Wendy"})

    assert shown.status_code == posted.status_code == 404
    assert snapshot() == before
    assert anonymous.get(url).status_code == 200


def test_after_return_and_resubmit_only_the_new_link_works(
    cast: Any, anonymous: Client, external: SupervisionAssignment
) -> None:
    week = submitted_week(cast)
    old = link(week, external)
    anonymous.post(old, {"action": "return", "name": "Wendy", "comment": "Meer uitleg."})
    week.refresh_from_db()
    assert week.status == WeekStatus.RETURNED
    week_submit(placement=cast.placement, start=today(), student=cast.student)
    new = link(week, external)
    before = snapshot()

    assert new != old
    assert anonymous.get(old).status_code == 410
    assert anonymous.post(old, {"action": "approve", "name": "Wendy"}).status_code == 410
    assert snapshot() == before
    assert anonymous.post(new, {"action": "approve", "name": "Wendy"}).status_code == 200
    week.refresh_from_db()
    assert week.status == WeekStatus.APPROVED


def test_a_link_for_another_placements_assignment_is_not_found(
    cast: Any, anonymous: Client
) -> None:
    week = submitted_week(cast)
    elsewhere = SupervisionAssignmentFactory(supervisor=None, name="Elders", email="e@example.org")
    before = snapshot()

    shown = anonymous.get(link(week, elsewhere))
    posted = anonymous.post(link(week, elsewhere), {"action": "approve", "name": "Elders"})

    assert shown.status_code == posted.status_code == 404
    assert snapshot() == before


def test_a_link_for_someone_who_does_not_sign_off_is_not_found(
    cast: Any, anonymous: Client
) -> None:
    guide = SupervisionAssignmentFactory(
        placement=cast.placement,
        supervisor=None,
        name="Gids",
        email="g@example.org",
        signs_off=False,
    )
    week = submitted_week(cast)
    before = snapshot()

    response = anonymous.post(link(week, guide), {"action": "approve", "name": "Gids"})

    assert response.status_code == 404
    assert snapshot() == before


def test_a_link_of_another_kind_of_signature_is_not_found(
    cast: Any, anonymous: Client, external: SupervisionAssignment
) -> None:
    """A value signed for another purpose (another salt) is no sign-off link."""
    from django.core import signing

    week = submitted_week(cast)
    payload = {"w": week.pk, "a": external.pk, "s": week.submitted_at.isoformat()}
    token = signing.dumps(payload, salt="ulvo.accounts.invitation", compress=True)

    response = anonymous.get(reverse("placements:signoff_link", args=[token]))

    assert response.status_code == 404


def test_an_entry_logged_while_the_week_waits_is_not_stranded_by_the_approval(
    cast: Any, student: Client, supervisor: Client
) -> None:
    """The approval must not leave a draft behind in a week nobody can submit again.

    Either the quick-log refuses a date in a week that waits for sign-off, or the
    entry can still be submitted after the approval.
    """
    week = submitted_week(cast)
    student.post(
        reverse("placements:entry_create", args=[cast.placement.pk]),
        entry_post_data(description="Na het indienen gelogd."),
    )
    supervisor.post(reverse("placements:week_approve", args=[week.pk]))
    student.post(submit_url(cast, today()))

    late = ActivityEntry.objects.filter(description="Na het indienen gelogd.").first()
    if late is not None:
        assert late.status in (EntryStatus.SUBMITTED, EntryStatus.APPROVED)


def test_the_link_stops_working_when_another_supervisor_takes_over(
    cast: Any, external: SupervisionAssignment, client: Client
) -> None:
    week = submitted_week(cast)
    url = week.get_signoff_url(external.pk)
    external.email = "someone.else@buurtteam.example.org"
    external.save()

    response = client.post(url, {"action": "approve", "name": "Wendy Wijkteam"})

    assert response.status_code == 404
    week.refresh_from_db()
    assert week.status == WeekStatus.SUBMITTED
