"""The outbox: written with the change, delivered once, retried with backoff, never leaky."""

import datetime
import re
import smtplib
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import formats, timezone, translation

from accounts.models import Role
from accounts.services import invitation_create
from notifications.models import Delivery, Kind, Notification, Preference, Status
from notifications.outbox import backoff, notification_deliver
from notifications.services import notify
from notifications.tasks import deliver_due_notifications, deliver_notification, send_digests
from placements.services import week_signoff_requests_queue
from tests.clock import Clock
from tests.notifications.factories import queue

pytestmark = pytest.mark.django_db

PREFERENCES_LINK = re.compile(r"https?://[^\s\"]+/meldingen/voorkeuren/[^/\s\"]+/")


def test_notify_is_idempotent_on_its_key(cast: Any) -> None:
    # The reminder is about the student's own placement: the outbox checks that they
    # may see it (a fixed id would depend on the order the tests run in).
    mine = {"placement": cast.placement.pk}
    first = notify(recipient=cast.student, kind=Kind.LOG_REMINDER, dedupe_key="k:1", payload=mine)
    again = notify(
        recipient=cast.student,
        kind=Kind.LOG_REMINDER,
        dedupe_key="k:1",
        payload={"placement": cast.placement.pk, "again": True},
    )

    assert first is not None and again is None
    assert Notification.objects.get().payload == mine


def test_a_conflict_leaves_the_callers_transaction_usable(cast: Any) -> None:
    queue(cast.student, key="k:2")
    with transaction.atomic():
        assert (
            notify(recipient=cast.student, kind=Kind.LOG_REMINDER, dedupe_key="k:2", payload={})
            is None
        )
        # Still usable after the duplicate key: the savepoint rolled back only the insert.
        assert Notification.objects.count() == 1


def test_the_row_rolls_back_with_the_change_that_caused_it(cast: Any) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        queue(cast.student, key="k:3")
        raise RuntimeError("the change failed")

    assert not Notification.objects.exists()


def test_delivery_is_enqueued_only_after_commit(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue(cast.student, key="k:4")
    assert len(callbacks) == 1
    assert mail.outbox == []

    callbacks[0]()  # Commit: the (eager) task runs.

    assert [m.to for m in mail.outbox] == [["student@example.org"]]
    assert Notification.objects.get().status == Status.SENT


def test_a_later_row_is_left_to_the_sweep(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue(cast.student, key="k:5", due_at=timezone.now() + datetime.timedelta(days=1))
    assert callbacks == []


def test_a_task_run_twice_sends_once(cast: Any) -> None:
    row = queue(cast.student, key="k:6")

    assert deliver_notification(row.pk) == Status.SENT
    assert deliver_notification(row.pk) == "claimed-elsewhere"
    assert deliver_due_notifications() == 0

    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.channel, row.attempts) == (Status.SENT, Delivery.EMAIL, 1)
    assert row.sent_at is not None


def test_a_row_that_is_not_due_is_not_delivered(cast: Any, clock: Clock) -> None:
    row = queue(cast.student, key="k:7", due_at=clock.now + datetime.timedelta(hours=1))

    assert deliver_notification(row.pk) == "claimed-elsewhere"
    assert deliver_due_notifications() == 0
    clock.advance(hours=1)
    assert deliver_due_notifications() == 1
    assert len(mail.outbox) == 1


def test_the_email_is_in_the_recipients_language_with_text_and_html(cast: Any) -> None:
    cast.student.language = "en"
    cast.student.save()
    queue(cast.student, key="k:8", kind=Kind.SESSION_REMINDER, payload={"session": cast.session.pk})
    cast.supervisor.language = "nl"
    cast.supervisor.save()
    queue(
        cast.supervisor, key="k:9", kind=Kind.SESSION_REMINDER, payload={"session": cast.session.pk}
    )

    deliver_due_notifications()

    by_address = {m.to[0]: m for m in mail.outbox}
    english, dutch = by_address["student@example.org"], by_address["trainer@example.org"]
    assert english.subject == f"Tomorrow: {cast.session.theme}"
    # Django's own Dutch month and day names show the language, whatever locale/ holds.
    when = timezone.localtime(cast.session.starts_at)
    for message, language in ((english, "en"), (dutch, "nl")):
        with translation.override(language):
            assert formats.date_format(when, "l j F Y") in message.body
    for message in (english, dutch):
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert cast.session.get_absolute_url() in message.body
        assert cast.session.get_absolute_url() in html
        assert PREFERENCES_LINK.search(message.body)
        assert PREFERENCES_LINK.search(html)


def test_the_preferences_link_in_an_email_works_without_logging_in(cast: Any) -> None:
    queue(cast.student, key="k:10")
    deliver_due_notifications()
    path = PREFERENCES_LINK.search(mail.outbox[0].body).group(0).split("8000", 1)[-1]  # type: ignore[union-attr]
    anonymous = Client()

    page = anonymous.get(path)
    assert page.status_code == 200
    assert "student@example.org" in page.content.decode()

    data = dict.fromkeys(Kind.values, Delivery.EMAIL)
    data[Kind.REFLECTION_FEEDBACK] = Delivery.DIGEST
    response = anonymous.post(path, data)

    assert response.status_code == 303
    assert Preference.objects.get(user=cast.student, kind=Kind.REFLECTION_FEEDBACK).delivery == (
        Delivery.DIGEST
    )


def test_a_forged_preferences_link_is_refused(cast: Any) -> None:
    response = Client().get("/meldingen/voorkeuren/eyJ1Ijo1fQ:forged:sig/")

    assert response.status_code == 404
    assert not Preference.objects.exists()


def test_in_app_only_sends_no_email_but_the_row_shows_in_the_app(cast: Any) -> None:
    Preference.objects.create(user=cast.student, kind=Kind.LOG_REMINDER, delivery=Delivery.IN_APP)
    row = queue(cast.student, key="k:11", kind=Kind.LOG_REMINDER)

    assert deliver_due_notifications() == 1

    assert mail.outbox == []
    row.refresh_from_db()
    assert (row.status, row.channel) == (Status.SENT, Delivery.IN_APP)
    assert list(Notification.objects.for_user(cast.student).unread()) == [row]


def test_the_weekly_digest_bundles_rows_into_one_email_once(cast: Any) -> None:
    Preference.objects.create(
        user=cast.student, kind=Kind.SESSION_FOLLOWUP, delivery=Delivery.DIGEST
    )
    first = queue(
        cast.student, key="k:12", kind=Kind.SESSION_FOLLOWUP, payload={"session": cast.session.pk}
    )
    second = queue(
        cast.student,
        key="k:13",
        kind=Kind.SESSION_FOLLOWUP,
        payload={"session": cast.past_session.pk},
    )
    other = queue(
        cast.supervisor,
        key="k:14",
        kind=Kind.SESSION_FOLLOWUP,
        payload={"session": cast.session.pk},
    )

    deliver_due_notifications()
    assert [m.to for m in mail.outbox] == [["trainer@example.org"]]  # Only the e-mail kind.
    first.refresh_from_db()
    assert first.status == Status.DIGEST

    assert send_digests() == 1
    assert send_digests() == 0

    digest = mail.outbox[-1]
    assert digest.to == ["student@example.org"]
    assert cast.session.theme in digest.body and cast.past_session.theme in digest.body
    assert PREFERENCES_LINK.search(digest.body)
    for row in (first, second):
        row.refresh_from_db()
        assert (row.status, row.channel) == (Status.SENT, Delivery.DIGEST)
    other.refresh_from_db()
    assert other.channel == Delivery.EMAIL


def test_failing_smtp_retries_with_backoff_then_fails_with_the_error(
    cast: Any, clock: Clock
) -> None:
    row = queue(cast.student, key="k:15")
    error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    waits = []

    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=error):
        for attempt in range(1, Notification.MAX_ATTEMPTS + 1):
            assert notification_deliver(notification_id=row.pk) in ("retry", Status.FAILED)
            row.refresh_from_db()
            assert row.attempts == attempt
            assert "SMTPServerDisconnected" in row.last_error
            if row.status == Status.PENDING:
                waits.append(row.due_at - clock.now)
                # Not before its time: backoff is respected.
                assert deliver_due_notifications() == 0
                clock.now = row.due_at
        assert deliver_due_notifications() == 0  # Failed rows are never retried on their own.

    assert row.status == Status.FAILED
    assert waits == [backoff(n) for n in range(1, Notification.MAX_ATTEMPTS)]
    assert waits == sorted(waits) and max(waits) < datetime.timedelta(hours=1)
    assert mail.outbox == []


def test_a_failed_row_is_visible_to_staff_with_its_error_and_can_be_retried(
    cast: Any,
) -> None:
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from tests.accounts.factories import UserFactory

    row = queue(cast.student, key="k:16")
    Notification.objects.filter(pk=row.pk).update(
        status=Status.FAILED, attempts=5, last_error="SMTPServerDisconnected: gone"
    )
    request = RequestFactory().get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    admin = site._registry[Notification]

    assert "last_error" in admin.get_fields(request, row)
    assert "status" in admin.list_filter
    assert list(admin.get_queryset(request).filter(status=Status.FAILED)) == [row]

    with mock.patch.object(admin, "message_user"):
        admin.retry(request, Notification.objects.filter(pk=row.pk))
    assert deliver_due_notifications() == 1
    row.refresh_from_db()
    assert row.status == Status.SENT


def test_the_retry_task_is_re_enqueued_with_a_countdown_below_the_visibility_timeout(
    cast: Any, settings: Any
) -> None:
    row = queue(cast.student, key="k:17")
    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("down")),
        mock.patch.object(deliver_notification, "apply_async") as enqueue,
    ):
        assert deliver_notification(row.pk) == "retry"

    countdown = enqueue.call_args.kwargs["countdown"]
    assert 0 < countdown < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


def test_an_inactive_recipient_is_skipped(cast: Any) -> None:
    row = queue(cast.student, key="k:18")
    cast.student.is_active = False
    cast.student.save()

    deliver_due_notifications()

    row.refresh_from_db()
    assert row.status == Status.SKIPPED
    assert mail.outbox == []


def test_messages_carry_no_free_text_and_payloads_only_ids(cast: Any) -> None:
    """Free text written about practice (activity descriptions, feedback comments,
    reflections) may mention pupils: no message shows it, whatever its kind."""
    from learning_networks.models import NetworkSession, SessionFeedback, SessionStatus
    from learning_networks.services import session_cancel, session_save
    from notifications.reports import report_request
    from placements.services import week_approve, week_return, week_submit
    from reflections.models import Reflection
    from reflections.services import reflection_save
    from tests.placements.factories import log_activity

    marker = "GEHEIM-LEERLING-7731"
    log_activity(cast.placement, description=f"Gesprek met leerling {marker}")
    week = week_submit(placement=cast.placement, start=timezone.localdate(), student=cast.student)
    signer = cast.placement.assignments.get(signs_off=True)
    SessionFeedback.objects.create(
        session=cast.past_session, user=cast.student, usefulness=4, relevance=4, comment=marker
    )
    reflection = reflection_save(
        reflection=Reflection(
            author=cast.student,
            environment=cast.environment,
            placement=cast.placement,
            text=f"Leerling {marker} las voor.",
            visibility="supervisors",
        ),
        publish=True,
    )
    report = report_request(
        environment=cast.environment,
        requested_by=cast.coordinator,
        start=timezone.localdate(),
        end=timezone.localdate(),
    )
    # #15: a week returned with the marker in the comment, another approved, an
    # invitation waiting, and the supervision and network seats of the cast.
    returned = week_return(
        week=submitted_on(cast, week.start - datetime.timedelta(days=7), marker),
        reviewer=cast.supervisor,
        comment=f"Noem leerling {marker} niet.",
    )
    approved = week_approve(
        week=submitted_on(cast, week.start - datetime.timedelta(days=14), marker),
        reviewer=cast.supervisor,
    )
    invitation = invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email="nieuw@example.org",
        full_name=f"Leerling {marker}",
        role=Role.COLLEAGUE,
        organisation=cast.school,
    )

    cancelled = session_cancel(
        session=session_save(
            session=NetworkSession(
                network=cast.network,
                kind="mixed",
                theme="Afgelast",
                starts_at=cast.session.starts_at,
                ends_at=cast.session.ends_at,
                location=cast.school,
                status=SessionStatus.PLANNED,
            ),
            facilitators=[cast.supervisor],
            audience_programmes=[],
        )
    )

    def reviewed(week: Any) -> dict[str, int]:
        return {"week": week.pk, "placement": cast.placement.pk, "event": week.events.last().pk}

    payloads = {
        Kind.REFLECTION_FEEDBACK: {"reflection": reflection.pk},
        Kind.SESSION_REMINDER: {"session": cast.session.pk},
        Kind.SESSION_FOLLOWUP: {"session": cast.past_session.pk},
        Kind.LOG_REMINDER: {"placement": cast.placement.pk, "week": week.start.isoformat()},
        Kind.SIGNOFF_REQUEST: {"week": week.pk, "assignment": signer.pk},
        Kind.SIGNOFF_REMINDER: {"week": week.pk, "assignment": signer.pk, "round": 1},
        Kind.BALANCE_REPORT: {"report": report.pk},
        Kind.REPORT_READY: {"report": report.pk},
        Kind.WEEK_RETURNED: reviewed(returned),
        Kind.WEEK_APPROVED: reviewed(approved),
        Kind.SUPERVISION_ASSIGNED: {"placement": cast.placement.pk, "assignment": signer.pk},
        Kind.NETWORK_ADDED: {"network": cast.network.pk, "core_team": 1},
        Kind.REFLECTION_SHARED: {"reflection": reflection.pk, "author": cast.student.pk},
        Kind.REFLECTION_WAITING: {"reflection": reflection.pk, "author": cast.student.pk},
        Kind.INVITATION_REMINDER: {"invitation": invitation.pk},
        Kind.INVITATION_UNACCEPTED: {"invitation": invitation.pk},
        Kind.SESSION_PUBLISHED: {"session": cast.session.pk},
        Kind.SESSION_MOVED: {"session": cast.session.pk, "was": 0},
        Kind.SESSION_CANCELLED: {"session": cancelled.pk},
    }
    assert set(payloads) == set(Kind.values)
    readers = {
        Kind.WEEK_RETURNED: cast.student,
        Kind.WEEK_APPROVED: cast.student,
        Kind.INVITATION_REMINDER: None,  # the invitee has no account: the address
        Kind.INVITATION_UNACCEPTED: cast.coordinator,
    }
    Notification.objects.all().delete()
    for kind, payload in payloads.items():
        # Each to someone who may see what it is about: the outbox sends nothing else.
        reader = readers.get(kind, cast.coordinator if "report" in payload else cast.supervisor)
        email = "nieuw@example.org" if reader is None else ""
        queue(reader, key=f"privacy:{kind}", kind=kind, payload=payload, email=email)

    deliver_due_notifications()

    assert len(mail.outbox) == len(Kind.values)
    for message in mail.outbox:
        assert marker not in message.subject
        assert marker not in message.body
        assert marker not in message.alternatives[0][0]
    for row in Notification.objects.all():
        for value in row.payload.values():
            assert isinstance(value, int) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value))


def submitted_on(cast: Any, day: datetime.date, marker: str) -> Any:
    from placements.services import week_submit
    from tests.placements.factories import log_activity

    log_activity(cast.placement, date=day, description=f"Gesprek met leerling {marker}")
    return week_submit(placement=cast.placement, start=day, student=cast.student)


def test_submitting_a_week_queues_the_signoff_request_in_the_outbox(cast: Any) -> None:
    from placements.services import week_submit
    from tests.placements.factories import log_activity

    log_activity(cast.placement)
    week = week_submit(placement=cast.placement, start=timezone.localdate(), student=cast.student)

    row = Notification.objects.get(kind=Kind.SIGNOFF_REQUEST)
    assert row.recipient == cast.supervisor
    assert row.payload == {
        "week": week.pk,
        "assignment": row.payload["assignment"],
        "submitted": int(week.submitted_at.timestamp()),
    }
    assert week_signoff_requests_queue(week=week) == 0  # Same submission: nothing new.

    deliver_due_notifications()
    assert [m.to for m in mail.outbox] == [["trainer@example.org"]]
    assert week.get_absolute_url() in mail.outbox[0].body


def test_a_supervisor_without_an_account_gets_the_signed_link(cast: Any) -> None:
    from placements.models import SupervisionAssignment, SupervisionRole
    from placements.services import week_submit
    from tests.placements.factories import log_activity

    # Wendy signs off instead of the school trainer (a placement has one signer).
    cast.placement.assignments.update(signs_off=False)
    SupervisionAssignment.objects.create(
        placement=cast.placement,
        email="wendy@buurtteam.example.org",
        name="Wendy",
        role=SupervisionRole.PRACTICE,
        domain="social",
        signs_off=True,
    )
    log_activity(cast.placement)
    week_submit(placement=cast.placement, start=timezone.localdate(), student=cast.student)

    deliver_due_notifications()

    to_wendy = [m for m in mail.outbox if m.to == ["wendy@buurtteam.example.org"]]
    assert len(to_wendy) == 1
    assert "/aftekenen/link/" in to_wendy[0].body
    assert "/meldingen/voorkeuren/" not in to_wendy[0].body


def test_a_message_whose_subject_changed_before_delivery_is_skipped(cast: Any) -> None:
    """Signed off, resubmitted or cancelled in the meantime: nothing worth sending."""
    from learning_networks.services import session_cancel
    from placements.services import week_approve, week_submit
    from tests.placements.factories import log_activity

    log_activity(cast.placement)
    week = week_submit(placement=cast.placement, start=timezone.localdate(), student=cast.student)
    week_approve(week=week, reviewer=cast.supervisor)
    queue(
        cast.student, key="k:20", kind=Kind.SESSION_REMINDER, payload={"session": cast.session.pk}
    )
    session_cancel(session=cast.session)

    deliver_due_notifications()

    # Only the approval itself is news, to the student (#15).
    assert [m.to for m in mail.outbox] == [[cast.student.email]]
    assert set(
        Notification.objects.exclude(kind=Kind.WEEK_APPROVED).values_list("status", flat=True)
    ) == {Status.SKIPPED}


def test_the_digest_goes_out_on_mondays_and_a_missed_monday_is_caught_up(
    cast: Any, clock: Clock
) -> None:
    amsterdam = datetime.timezone(datetime.timedelta(hours=1))
    wednesday = datetime.datetime(2027, 3, 10, 9, 0, tzinfo=amsterdam)
    clock.now = wednesday
    Preference.objects.create(user=cast.student, kind=Kind.LOG_REMINDER, delivery=Delivery.DIGEST)
    queue(cast.student, key="d:1", kind=Kind.LOG_REMINDER)
    deliver_due_notifications()

    clock.now = wednesday + datetime.timedelta(days=1)  # Thursday: not yet.
    assert send_digests() == 0
    clock.now = wednesday + datetime.timedelta(days=6)  # Tuesday: Monday's run was missed...
    assert send_digests() == 0  # ...but the message is not a week old yet.
    clock.now = wednesday + datetime.timedelta(days=7)  # Wednesday: a week old, caught up.
    assert send_digests() == 1
    assert send_digests() == 0
    clock.now = wednesday + datetime.timedelta(days=12)  # Monday: nothing left.
    assert send_digests() == 0
    assert [m.to for m in mail.outbox] == [["student@example.org"]]
