"""Every kind of message goes only to someone who may still see what it is about.

Checked when a message is queued and again when it is delivered (security #21): a
supervisor whose membership of the environment has ended gets nothing more about
former supervisees, and nobody outside the environment ever gets a row. A row queued
before someone lost access is marked obsolete at delivery, never sent.
"""

import datetime
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Membership, Role
from accounts.services import invitation_create
from learning_networks.models import NetworkSession, SessionStatus
from learning_networks.services import session_save
from notifications import reminders
from notifications.models import Delivery, Kind, Notification, Preference, Status
from notifications.reports import report_request
from notifications.services import notify
from notifications.tasks import deliver_due_notifications, send_digests
from placements.models import SupervisionAssignment, SupervisionRole
from placements.services import week_submit
from reflections.models import Reflection
from reflections.services import reflection_feedback_add, reflection_save
from tests.accounts.factories import UserFactory
from tests.clock import Clock
from tests.notifications.steps import placement_around
from tests.placements.factories import log_activity

pytestmark = pytest.mark.django_db

AMSTERDAM = datetime.timezone(datetime.timedelta(hours=1))  # March 2027: winter time
MONDAY = datetime.datetime(2027, 3, 15, 10, 0, tzinfo=AMSTERDAM)
WENDY = "wendy@buurtteam.example.org"


def leave(user: Any, environment: Any) -> None:
    """The user's membership of the environment ends; the account stays active."""
    Membership.objects.filter(user=user, environment=environment).update(is_active=False)


def statuses(**filters: Any) -> list[str]:
    return list(Notification.objects.filter(**filters).values_list("status", flat=True))


def submit(cast: Any, placement: Any, day: datetime.date) -> Any:
    log_activity(placement, date=day)
    return week_submit(placement=placement, start=day, student=cast.student)


def external_signer(cast: Any) -> Any:
    """A placement of the student whose hours Wendy, who has no account, signs off."""
    placement = placement_around(cast)
    SupervisionAssignment.objects.create(
        placement=placement,
        email=WENDY,
        role=SupervisionRole.PRACTICE,
        domain="social",
        signs_off=True,
    )
    return placement


def published_reflection(cast: Any) -> Reflection:
    return reflection_save(
        reflection=Reflection(
            author=cast.student,
            environment=cast.environment,
            placement=cast.placement,
            text="Vandaag ging het gesprek over samenwerken.",
            visibility="supervisors",
        ),
        publish=True,
    )


# --- Sign-off requests and reminders ------------------------------------------------


def test_a_supervisor_who_left_is_not_asked_to_sign_off(cast: Any) -> None:
    leave(cast.supervisor, cast.environment)

    submit(cast, cast.placement, timezone.localdate())

    assert not Notification.objects.filter(recipient=cast.supervisor).exists()
    deliver_due_notifications()
    assert mail.outbox == []


def test_a_request_queued_before_the_supervisor_left_is_obsolete_at_delivery(cast: Any) -> None:
    submit(cast, cast.placement, timezone.localdate())
    assert statuses(recipient=cast.supervisor) == [Status.PENDING]
    leave(cast.supervisor, cast.environment)

    assert deliver_due_notifications() == 0

    assert statuses(recipient=cast.supervisor) == [Status.OBSOLETE]
    assert mail.outbox == []
    # Not in their list of messages either.
    assert not Notification.objects.for_user(cast.supervisor).exists()


def test_a_supervisor_without_an_account_still_gets_the_request(cast: Any) -> None:
    placement = external_signer(cast)
    leave(cast.supervisor, cast.environment)

    submit(cast, placement, timezone.localdate())
    deliver_due_notifications()

    assert [m.to for m in mail.outbox] == [[WENDY]]
    assert "/aftekenen/link/" in mail.outbox[0].body


def test_a_supervisor_without_an_account_who_no_longer_signs_off_gets_nothing(cast: Any) -> None:
    placement = external_signer(cast)
    submit(cast, placement, timezone.localdate())
    placement.assignments.update(signs_off=False)

    deliver_due_notifications()

    assert statuses(email=WENDY) == [Status.OBSOLETE]
    assert mail.outbox == []


def test_the_weekly_signoff_reminder_skips_a_supervisor_who_left(cast: Any, clock: Clock) -> None:
    submitted = datetime.datetime(2027, 3, 1, 18, 0, tzinfo=AMSTERDAM)
    clock.now = submitted
    placement = placement_around(cast)
    SupervisionAssignment.objects.create(
        placement=placement,
        supervisor=cast.supervisor,
        role=SupervisionRole.SCHOOL_TRAINER,
        domain="educational",
        signs_off=True,
    )
    submit(cast, placement, submitted.date())
    submit(cast, external_signer(cast), submitted.date())
    clock.now = submitted + datetime.timedelta(days=7, hours=1)
    assert reminders.signoff_reminders() == 2
    leave(cast.supervisor, cast.environment)

    clock.now = submitted + datetime.timedelta(days=14, hours=1)
    assert reminders.signoff_reminders() == 1  # Wendy's second, not the trainer's.

    rows = Notification.objects.filter(kind=Kind.SIGNOFF_REMINDER)
    assert [row.payload["round"] for row in rows.filter(recipient=cast.supervisor)] == [1]
    assert sorted(row.payload["round"] for row in rows.filter(email=WENDY)) == [1, 2]
    deliver_due_notifications()
    assert [m.to for m in mail.outbox] == [[WENDY]] * 3  # The request and two reminders.
    assert statuses(recipient=cast.supervisor) == [Status.OBSOLETE] * 2


# --- Sessions -------------------------------------------------------------------------


def test_the_session_reminder_skips_an_invitee_who_left(cast: Any, clock: Clock) -> None:
    clock.now = MONDAY
    session_save(
        session=NetworkSession(
            network=cast.network,
            kind="mixed",
            theme="Morgen",
            starts_at=MONDAY + datetime.timedelta(days=1),
            ends_at=MONDAY + datetime.timedelta(days=1, hours=2),
            location=cast.school,
            status=SessionStatus.PLANNED,
        ),
        facilitators=[],
        audience_programmes=[],
    )
    leave(cast.supervisor, cast.environment)

    assert reminders.session_reminders() == 1
    assert list(Notification.objects.values_list("recipient", flat=True)) == [cast.student.pk]


@pytest.mark.parametrize("kind", [Kind.SESSION_REMINDER, Kind.SESSION_FOLLOWUP])
def test_a_session_message_queued_before_the_invitee_left_is_obsolete(cast: Any, kind: str) -> None:
    for person in (cast.student, cast.supervisor):
        notify(
            recipient=person,
            kind=kind,
            dedupe_key=f"{kind}:{person.pk}",
            payload={"session": cast.session.pk},
        )
    leave(cast.supervisor, cast.environment)

    assert deliver_due_notifications() == 1

    assert [m.to for m in mail.outbox] == [["student@example.org"]]
    assert statuses(recipient=cast.supervisor) == [Status.OBSOLETE]


# --- Reflections ----------------------------------------------------------------------


def test_a_supervisor_who_left_hears_nothing_more_of_a_thread(cast: Any) -> None:
    reflection = published_reflection(cast)
    reflection_feedback_add(reflection=reflection, author=cast.supervisor, text="Mooi verwoord.")
    assert Notification.objects.filter(recipient=cast.student).count() == 1
    leave(cast.supervisor, cast.environment)

    reflection_feedback_add(reflection=reflection, author=cast.student, text="Dank je!")

    # (The reflection's sharing, before, told the supervisor: #15.)
    assert not Notification.objects.filter(
        recipient=cast.supervisor, kind=Kind.REFLECTION_FEEDBACK
    ).exists()


def test_feedback_queued_before_the_supervisor_left_is_obsolete(cast: Any) -> None:
    reflection = published_reflection(cast)
    reflection_feedback_add(reflection=reflection, author=cast.supervisor, text="Mooi verwoord.")
    reflection_feedback_add(reflection=reflection, author=cast.student, text="Dank je!")
    leave(cast.supervisor, cast.environment)

    deliver_due_notifications()

    assert statuses(recipient=cast.supervisor, kind=Kind.REFLECTION_FEEDBACK) == [Status.OBSOLETE]
    # The reflection's sharing (#15) is obsolete too: the supervisor left.
    assert statuses(recipient=cast.supervisor, kind=Kind.REFLECTION_SHARED) == [Status.OBSOLETE]
    assert [m.to for m in mail.outbox] == [["student@example.org"]]


# --- Every kind -----------------------------------------------------------------------


def subjects(cast: Any) -> dict[str, tuple[Any, dict[str, Any]]]:
    """Each kind with whom it is for and what it is about, made through the services."""
    reflection = published_reflection(cast)
    week = submit(cast, cast.placement, timezone.localdate())
    signer = cast.placement.assignments.get(signs_off=True)
    report = report_request(
        environment=cast.environment,
        requested_by=cast.coordinator,
        start=timezone.localdate(),
        end=timezone.localdate(),
    )
    signoff = {"week": week.pk, "assignment": signer.pk}
    review = {"week": week.pk, "placement": cast.placement.pk, "event": 0}
    invitee = UserFactory(email="invitee@example.org")
    invitation = invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email=invitee.email,
        role=Role.COLLEAGUE,
        organisation=cast.school,
    )
    return {
        Kind.REFLECTION_FEEDBACK: (cast.student, {"reflection": reflection.pk}),
        Kind.SESSION_REMINDER: (cast.student, {"session": cast.session.pk}),
        Kind.SESSION_FOLLOWUP: (cast.student, {"session": cast.past_session.pk}),
        Kind.LOG_REMINDER: (cast.student, {"placement": cast.placement.pk, "week": "2027-03-08"}),
        Kind.SIGNOFF_REQUEST: (cast.supervisor, signoff),
        Kind.SIGNOFF_REMINDER: (cast.supervisor, {**signoff, "round": 1}),
        Kind.BALANCE_REPORT: (cast.coordinator, {"report": report.pk}),
        Kind.REPORT_READY: (cast.coordinator, {"report": report.pk}),
        Kind.WEEK_RETURNED: (cast.student, review),
        Kind.WEEK_APPROVED: (cast.student, review),
        Kind.SUPERVISION_ASSIGNED: (
            cast.supervisor,
            {"placement": cast.placement.pk, "assignment": signer.pk},
        ),
        Kind.NETWORK_ADDED: (cast.supervisor, {"network": cast.network.pk, "core_team": 1}),
        Kind.REFLECTION_SHARED: (
            cast.supervisor,
            {"reflection": reflection.pk, "author": cast.student.pk},
        ),
        Kind.REFLECTION_WAITING: (
            cast.supervisor,
            {"reflection": reflection.pk, "author": cast.student.pk},
        ),
        Kind.INVITATION_REMINDER: (invitee, {"invitation": invitation.pk}),
        Kind.INVITATION_UNACCEPTED: (cast.coordinator, {"invitation": invitation.pk}),
        Kind.SESSION_PUBLISHED: (cast.student, {"session": cast.session.pk}),
        Kind.SESSION_MOVED: (cast.student, {"session": cast.session.pk, "was": 0}),
        Kind.SESSION_CANCELLED: (cast.student, {"session": cast.session.pk}),
    }


def test_every_kind_has_its_rules() -> None:
    from notifications.kinds import KINDS

    assert set(KINDS) == set(Kind.values)


def test_nobody_in_another_environment_ever_gets_a_row(cast: Any) -> None:
    about = subjects(cast)
    assert set(about) == set(Kind.values)
    Notification.objects.all().delete()

    for kind, (recipient, payload) in about.items():
        for outsider in (cast.outsider, cast.other_coordinator):
            queued = notify(
                recipient=outsider, kind=kind, dedupe_key=f"{kind}:{outsider.pk}", payload=payload
            )
            assert queued is None, kind
        # The one it is for does get it: the rule is about the recipient, not the kind.
        assert notify(recipient=recipient, kind=kind, dedupe_key=kind, payload=payload), kind

    assert not Notification.objects.filter(
        recipient__in=[cast.outsider, cast.other_coordinator]
    ).exists()
    assert Notification.objects.count() == len(Kind.values)


def test_nobody_in_the_environment_gets_what_they_may_not_see(cast: Any) -> None:
    """The bystander works in the environment but supervises nobody and coordinates nothing."""
    for kind, (_recipient, payload) in subjects(cast).items():
        if kind in (
            Kind.SESSION_REMINDER,
            Kind.SESSION_FOLLOWUP,
            Kind.SESSION_PUBLISHED,
            Kind.SESSION_MOVED,
            Kind.SESSION_CANCELLED,
        ):
            continue  # Sessions are for the whole network; the bystander is not in it.
        queued = notify(
            recipient=cast.bystander, kind=kind, dedupe_key=f"by:{kind}", payload=payload
        )
        assert queued is None, kind
    assert not Notification.objects.filter(recipient=cast.bystander).exists()


def test_a_coordinator_who_stepped_down_gets_no_report(cast: Any) -> None:
    report = report_request(
        environment=cast.environment,
        requested_by=cast.coordinator,
        start=timezone.localdate(),
        end=timezone.localdate(),
    )
    notify(
        recipient=cast.coordinator,
        kind=Kind.REPORT_READY,
        dedupe_key="ready",
        payload={"report": report.pk},
    )
    leave(cast.coordinator, cast.environment)

    deliver_due_notifications()

    assert statuses(kind=Kind.REPORT_READY) == [Status.OBSOLETE]
    assert mail.outbox == []


def test_the_digest_leaves_out_what_the_recipient_may_no_longer_see(
    cast: Any, clock: Clock
) -> None:
    Preference.objects.create(
        user=cast.supervisor, kind=Kind.SESSION_FOLLOWUP, delivery=Delivery.DIGEST
    )
    for session in (cast.session, cast.past_session):
        notify(
            recipient=cast.supervisor,
            kind=Kind.SESSION_FOLLOWUP,
            dedupe_key=f"digest:{session.pk}",
            payload={"session": session.pk},
        )
    deliver_due_notifications()
    assert statuses(recipient=cast.supervisor) == [Status.DIGEST, Status.DIGEST]
    leave(cast.supervisor, cast.environment)
    clock.now = MONDAY  # The digest's day.

    assert send_digests() == 0

    assert statuses(recipient=cast.supervisor) == [Status.OBSOLETE, Status.OBSOLETE]
    assert mail.outbox == []
