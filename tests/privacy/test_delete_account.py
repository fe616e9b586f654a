"""Deleting one's account: re-authentication, confirmation, and a database without a trace.

The student's every personal field is seeded with a unique marker, through the real
services; after deletion a scan of every text, JSON and binary column of every
table finds none of them, while the signed-off hours stay under a pseudonym.
"""

import datetime
import logging
from typing import Any

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, User
from learning_networks.models import Attendance, Unavailability
from placements.models import (
    ActivityEntry,
    ImportJob,
    Placement,
    SupervisionAssignment,
    Week,
    WeekEvent,
)
from privacy.services import PSEUDONYM_DOMAIN
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory
from tests.privacy.markers import PREFIX, marker, scan
from tests.privacy.steps import reauthenticate

URL = reverse("privacy:delete_account")


def seed_student(cast: Any) -> dict[str, Any]:
    """Markers in everything about the student, made through the real services."""
    from allauth.account.models import EmailAddress

    from accounts.services import invitation_create
    from learning_networks.services import attendance_answer, calendar_feed_renew, feedback_give
    from notifications.models import Notification
    from notifications.services import notify
    from placements.imports import import_job_create, import_job_validate
    from placements.services import activity_create, week_approve, week_return, week_submit
    from reflections.models import LearningOutcome, Reflection
    from reflections.services import (
        evidence_link,
        outcome_save,
        reflection_feedback_add,
        reflection_mark_read,
        reflection_save,
    )
    from supervision.models import MeetingNote
    from supervision.services import meeting_note_save
    from tests.accounts.steps import activate_totp

    student = cast.student
    email = marker("email").lower() + "@example.org"
    EmailAddress.objects.filter(user=student).update(email=email)
    student.email = email
    student.full_name = marker("name")
    student.save()
    activate_totp(student)
    calendar_feed_renew(user=student)

    invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email=email,
        role="student",
        full_name=marker("invited-name"),
        programme=cast.social_work,
    )

    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    two_weeks_ago = monday - datetime.timedelta(days=14)
    last_week = monday - datetime.timedelta(days=7)

    def log(day: datetime.date, label: str) -> ActivityEntry:
        return activity_create(
            placement=cast.placement,
            date=day,
            minutes=120,
            setting="school",
            kind="classroom",
            disciplines=["teacher"],
            description=marker(label),
        )

    approved_entry = log(two_weeks_ago, "approved-description")
    approved = week_submit(placement=cast.placement, start=two_weeks_ago, student=student)
    week_approve(week=approved, reviewer=cast.supervisor, comment=marker("approval-comment"))
    log(last_week, "returned-description")
    returned = week_submit(placement=cast.placement, start=last_week, student=student)
    week_return(week=returned, reviewer=cast.supervisor, comment=marker("return-comment"))
    log(monday, "draft-description")

    reflection = Reflection(
        author=student,
        environment=cast.environment,
        placement=cast.placement,
        text=marker("reflection"),
        visibility="supervisors",
    )
    reflection_save(reflection=reflection, publish=True)
    reflection_feedback_add(
        reflection=reflection, author=cast.supervisor, text=marker("reflection-feedback")
    )
    reflection_feedback_add(reflection=reflection, author=student, text=marker("own-response"))
    reflection_mark_read(reflection=reflection, reader=cast.supervisor)
    outcome = outcome_save(
        outcome=LearningOutcome(environment=cast.environment, title="Samenwerken"),
        by=cast.coordinator,
    )
    evidence_link(outcome=outcome, student=student, reflection=reflection)

    meeting_note_save(
        note=MeetingNote(
            placement=cast.placement,
            author=cast.supervisor,
            date=today,
            notes=marker("meeting-notes"),
            agreements=marker("meeting-agreements"),
        )
    )

    upcoming = Attendance.objects.get(session=cast.session, user=student)
    attendance_answer(attendance=upcoming, answer="no", reason=marker("absence-reason"))
    past = Attendance.objects.get(session=cast.past_session, user=student)
    feedback_give(attendance=past, usefulness=4, relevance=5, comment=marker("session-feedback"))
    Unavailability.objects.create(
        user=student,
        starts_at=timezone.now() + datetime.timedelta(days=20),
        ends_at=timezone.now() + datetime.timedelta(days=21),
        reason=marker("unavailable"),
    )

    notify(
        recipient=student,
        kind="log_reminder",
        dedupe_key=marker("dedupe"),
        payload={"placement": cast.placement.pk, "note": marker("notification-payload")},
    )
    # A message to the address from before the account (the outbox queues one only
    # for a sign-off assignment naming the address; the row is what matters here).
    Notification.objects.create(
        email=email, kind="signoff_request", dedupe_key="before-the-account", payload={}
    )

    csv = (
        "e-mailadres;naam;opleiding;school;startdatum;einddatum;stagedagen;uren per week\r\n"
        f"{email};{student.full_name};Pabo;Basisschool De Regenboog;01-09-2030;31-01-2031;ma;8\r\n"
    ).encode()
    job = import_job_create(
        environment=cast.environment,
        created_by=cast.coordinator,
        file_name="stages.csv",
        content=csv,
        kind="csv",
    )
    import_job_validate(job_id=job.pk)

    LogEntry.objects.create(
        user=cast.coordinator,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(student.pk),
        object_repr=str(student),
        action_flag=CHANGE,
        change_message=f'[{{"changed": {{"name": "{student.full_name}"}}}}]',
    )
    return {"approved_entry": approved_entry, "approved_week": approved, "job": job}


def _sessions_of(user_pk: int) -> list[str]:
    return [
        session.session_key
        for session in Session.objects.all()
        if session.get_decoded().get("_auth_user_id") == str(user_pk)
    ]


def test_deletion_leaves_no_personal_data(
    cast: Any, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    seeded = seed_student(cast)
    assert len(scan()) >= 15, "the seeding must reach the database"
    student = cast.student
    other_device = Client()
    other_device.force_login(student)
    client.force_login(student)
    reauthenticate(client, student)
    assert len(_sessions_of(student.pk)) == 2

    with caplog.at_level(logging.INFO, logger="ulvo.security"):
        response = client.post(URL, {"confirm_email": student.email.upper()})

    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:policy")
    leftovers = scan()
    assert not leftovers, "personal data left after deletion:\n" + "\n".join(leftovers)

    # The placement and its signed-off hours stay for the institute, under a pseudonym.
    kept = User.objects.get(pk=student.pk)
    assert kept.email.endswith("@" + PSEUDONYM_DOMAIN)
    assert kept.full_name.startswith("deelnemer-")
    assert not kept.is_active
    assert not kept.has_usable_password()
    assert Placement.objects.filter(pk=cast.placement.pk, student=kept).exists()
    entry = ActivityEntry.objects.get(pk=seeded["approved_entry"].pk)
    assert (entry.minutes, entry.description, entry.status) == (120, "", "approved")
    assert list(ActivityEntry.objects.filter(placement=cast.placement)) == [entry]
    assert list(Week.objects.filter(placement=cast.placement)) == [seeded["approved_week"]]
    assert not WeekEvent.objects.filter(actor=kept).exists()
    # Everything else about the person is gone.
    assert not Membership.objects.filter(user=kept).exists()
    assert not Attendance.objects.filter(user=kept).exists()
    assert not ImportJob.objects.filter(pk=seeded["job"].pk).exists()
    assert not _sessions_of(student.pk)
    assert not other_device.get(reverse("home")).wsgi_request.user.is_authenticated
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated
    # The security log names the account by its id only.
    [line] = [
        record.security
        for record in caplog.records
        if getattr(record, "security", {}).get("event") == "account_deletion"
    ]
    assert line["outcome"] == "pseudonymised"
    assert line["user"] == student.pk
    assert line["environment"] == [cast.environment.pk]
    assert all(PREFIX.lower() not in record.getMessage().lower() for record in caplog.records)
    # The kept account cannot log in again.
    assert not Client().login(email=kept.email, password=PASSWORD)


def test_a_person_without_placements_is_deleted_entirely(
    cast: Any, reauthed: Any, caplog: pytest.LogCaptureFixture
) -> None:
    supervisor = cast.supervisor
    week = _approved_week(cast)
    client = reauthed(supervisor)

    with caplog.at_level(logging.INFO, logger="ulvo.security"):
        response = client.post(URL, {"confirm_email": supervisor.email})

    assert response.status_code == 302
    assert not User.objects.filter(pk=supervisor.pk).exists()
    assert not SupervisionAssignment.objects.filter(placement=cast.placement).exists()
    week.refresh_from_db()
    # The student's week stays signed off, without the supervisor's name.
    assert week.status == "approved"
    assert week.reviewer is None
    assert week.reviewer_name.startswith("deelnemer-")
    assert supervisor.full_name not in str(list(WeekEvent.objects.values_list()))
    assert f'"event": "account_deletion", "outcome": "deleted", "user": {supervisor.pk}' in (
        caplog.text
    )


def _approved_week(cast: Any) -> Week:
    from placements.services import activity_create, week_approve, week_submit

    day = timezone.localdate() - datetime.timedelta(days=7)
    activity_create(
        placement=cast.placement, date=day, minutes=60, setting="school", kind="classroom"
    )
    week = week_submit(placement=cast.placement, start=day, student=cast.student)
    return week_approve(week=week, reviewer=cast.supervisor, reviewer_name="")


def test_deletion_needs_reauthentication(cast: Any, login: Any) -> None:
    client = login(cast.student)

    response = client.post(URL, {"confirm_email": cast.student.email})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert User.objects.get(pk=cast.student.pk).email == cast.student.email


def test_reauthentication_with_the_password_then_deletes(cast: Any, login: Any) -> None:
    """The POST is kept while the user re-enters their password, then carried out."""
    client = login(cast.bystander)
    response = client.post(URL, {"confirm_email": cast.bystander.email})
    reauth_url = response["Location"]

    response = client.post(reauth_url, {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=cast.bystander.pk).exists()


@pytest.mark.parametrize("typed", ["", "someone@example.org", "student@example", "x" * 300])
def test_the_address_must_be_typed(cast: Any, reauthed: Any, typed: str) -> None:
    client = reauthed(cast.student)

    response = client.post(URL, {"confirm_email": typed})

    assert response.status_code == 422
    assert response.context["form"].errors["confirm_email"]
    assert User.objects.get(pk=cast.student.pk).is_active


def test_the_form(cast: Any, reauthed: Any) -> None:
    response = reauthed(cast.student).get(URL)

    assert response.status_code == 200
    assert b'name="confirm_email"' in response.content
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )


def test_the_only_coordinator_is_told_to_hand_over_first(
    cast: Any, reauthed: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = reauthed(cast.coordinator)

    page = client.get(URL)
    with caplog.at_level(logging.INFO, logger="ulvo.security"):
        response = client.post(URL, {"confirm_email": cast.coordinator.email})

    assert page.status_code == 200
    assert b'name="confirm_email"' not in page.content
    assert cast.environment.name in page.content.decode()
    assert response.status_code == 409
    assert User.objects.get(pk=cast.coordinator.pk).is_active
    assert Membership.objects.filter(user=cast.coordinator).exists()
    assert '"outcome": "refused_sole_coordinator"' in caplog.text
    assert cast.coordinator.email not in caplog.text


def test_a_coordinator_with_a_colleague_may_go(cast: Any, reauthed: Any) -> None:
    colleague = UserFactory()
    MembershipFactory(user=colleague, environment=cast.environment, role="coordinator")
    invitation = Invitation.objects.create(
        environment=cast.environment,
        email="iemand@example.org",
        role="practice_supervisor",
        invited_by=cast.coordinator,
        expires_at=timezone.now() + datetime.timedelta(days=3),
    )

    response = reauthed(cast.coordinator).post(URL, {"confirm_email": cast.coordinator.email})

    assert response.status_code == 302
    assert not User.objects.filter(pk=cast.coordinator.pk).exists()
    invitation.refresh_from_db()
    assert invitation.invited_by is None


def seed_supervisor(cast: Any) -> None:
    """Markers in everything a supervisor leaves in other people's records."""
    from allauth.account.models import EmailAddress

    from accounts.services import invitation_accept_existing_user, invitation_create
    from placements.services import activity_create, week_approve, week_return, week_submit
    from reflections.models import Reflection
    from reflections.services import reflection_feedback_add, reflection_save
    from supervision.models import MeetingNote, TimeLog
    from supervision.services import meeting_note_save, time_log_save

    supervisor = cast.supervisor
    email = marker("sv-email").lower() + "@example.org"
    EmailAddress.objects.filter(user=supervisor).update(email=email)
    supervisor.email = email
    supervisor.full_name = marker("sv-name")
    supervisor.save()
    invitation = invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email=email,
        role="institute_supervisor",
        full_name=marker("sv-invited-name"),
        organisation=cast.institute,
    )
    invitation_accept_existing_user(invitation=invitation, user=supervisor)
    # Recorded by address on another placement, before the account existed.
    SupervisionAssignment.objects.create(
        placement=cast.placement,
        name=marker("sv-external-name"),
        email=email,
        role="practice",
        domain="educational",
    )

    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    for weeks_ago, review in ((2, "approve"), (1, "return")):
        day = monday - datetime.timedelta(days=7 * weeks_ago)
        activity_create(
            placement=cast.placement, date=day, minutes=60, setting="school", kind="classroom"
        )
        week = week_submit(placement=cast.placement, start=day, student=cast.student)
        if review == "approve":
            week_approve(week=week, reviewer=supervisor)
        else:
            week_return(week=week, reviewer=supervisor, comment="Graag aanvullen.")
    reflection = reflection_save(
        reflection=Reflection(
            author=cast.student,
            environment=cast.environment,
            placement=cast.placement,
            text="Reflectie van de student.",
            visibility="supervisors",
        ),
        publish=True,
    )
    reflection_feedback_add(reflection=reflection, author=supervisor, text=marker("sv-feedback"))
    meeting_note_save(
        note=MeetingNote(
            placement=cast.placement, author=supervisor, date=today, notes=marker("sv-notes")
        )
    )
    time_log_save(
        entry=TimeLog(
            person=supervisor,
            environment=cast.environment,
            organisation=cast.school,
            domain="educational",
            date=today,
            minutes=90,
            kind="supervision",
            note=marker("sv-time-note"),
        )
    )


def test_a_supervisors_traces_in_others_records_go(cast: Any, reauthed: Any) -> None:
    seed_supervisor(cast)
    assert len(scan()) >= 8
    supervisor = cast.supervisor

    response = reauthed(supervisor).post(URL, {"confirm_email": supervisor.email})

    assert response.status_code == 302
    leftovers = scan()
    assert not leftovers, "personal data left after deletion:\n" + "\n".join(leftovers)
    assert not User.objects.filter(pk=supervisor.pk).exists()
    # The student's record stays whole: weeks, their history, the session.
    assert Week.objects.filter(placement=cast.placement).count() == 2
    assert WeekEvent.objects.filter(week__placement=cast.placement).count() == 4
    assert not cast.session.facilitators.exists()


def test_csrf_is_enforced(cast: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.student)
    reauthenticate(client, cast.student)

    response = client.post(URL, {"confirm_email": cast.student.email})

    assert response.status_code == 403
    assert User.objects.get(pk=cast.student.pk).is_active


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_wrong_methods(cast: Any, reauthed: Any, method: str) -> None:
    response = getattr(reauthed(cast.student), method)(URL)

    assert response.status_code == 405
    assert User.objects.get(pk=cast.student.pk).is_active
