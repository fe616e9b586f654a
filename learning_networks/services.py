"""Workflows of learning networks: planning sessions, answers, attendance, feedback."""

import secrets
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.audit import audit_bulk_created, audit_deleted, current_actor_id
from accounts.models import Membership, Role, User
from accounts.navigation import navigation_forget
from environments.models import Organisation, Programme
from learning_networks.models import (
    Answer,
    Attendance,
    CalendarFeed,
    LearningNetwork,
    NetworkMembership,
    NetworkSession,
    Presence,
    SessionFeedback,
    SessionGuest,
    SessionGuestOrganisation,
    SessionStatus,
    hash_token,
)
from ulvo.lib.home_tokens import home_forget_students, home_forget_supervisors

CHECK_IN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class SessionError(Exception):
    """A step a session or its participant cannot take; the code is for the view."""


@transaction.atomic
def network_member_set(
    *, network: LearningNetwork, user: User, core_team: bool = False
) -> NetworkMembership:
    """Add someone of the network's environment to it, or change their core-team flag."""
    if not user.memberships.filter(environment=network.environment, is_active=True).exists():
        raise SessionError("not_in_environment")
    membership, _ = NetworkMembership.objects.update_or_create(
        network=network, user=user, defaults={"core_team": core_team}
    )
    # A core-team seat gives a supervisor's home (its link in the navigation, and the
    # hours logged from it).
    navigation_forget(user.pk)
    home_forget_supervisors([user.pk])
    return membership


def session_audience(session: NetworkSession) -> QuerySet[User]:
    """The network's members the session is meant for, its facilitators and its
    guests: the people and the members of the organisations invited beyond the
    network, while active in the environment.

    Programme and domain filters narrow the students; professionals are invited
    when the session is for the whole network.
    """
    members = User.objects.filter(network_memberships__network=session.network, is_active=True)
    programmes = list(session.audience_programmes.values_list("pk", flat=True))
    domains = list(session.audience_domains)
    if programmes or domains:
        students = Q(
            memberships__environment=session.network.environment,
            memberships__role=Role.STUDENT,
            memberships__is_active=True,
        )
        if programmes:
            students &= Q(memberships__programme_id__in=programmes)
        if domains:
            students &= Q(memberships__programme__domain__in=domains)
        members = members.filter(students)
    facilitators = session.facilitators.values("pk")
    guests = Membership.objects.filter(
        Q(user_id__in=session.guests.values("user_id"))
        | Q(organisation_id__in=session.guest_organisations.values("organisation_id")),
        environment_id=session.network.environment_id,
        is_active=True,
        user__is_active=True,
    ).values("user_id")
    return User.objects.filter(
        Q(pk__in=members.values("pk")) | Q(pk__in=facilitators) | Q(pk__in=guests)
    ).distinct()


@transaction.atomic
def session_guests_set(
    *,
    session: NetworkSession,
    people: Iterable[User],
    organisations: Iterable[Organisation],
) -> bool:
    """Invite these people and partner organisations of the session's environment
    beyond the network's audience (an organisation: its active members there), and no
    others. Returns whether anything changed; setting the same twice changes nothing.

    Each invitation added or taken back is in the environment's audit trail. Someone
    who is not an active member of the environment, or an organisation that is not its
    partner, is refused (``SessionError``) and nothing changes. The invitations
    themselves (``Attendance``) follow when the session is planned (``session_invite``).
    """
    environment = session.network.environment
    people = list(people)
    organisations = list(organisations)
    members = set(
        Membership.objects.filter(
            environment=environment, is_active=True, user__in=people
        ).values_list("user_id", flat=True)
    )
    if any(person.pk not in members for person in people):
        raise SessionError("guest_not_in_environment")
    partners = set(
        environment.organisations.filter(
            pk__in=[organisation.pk for organisation in organisations]
        ).values_list("pk", flat=True)
    )
    if any(organisation.pk not in partners for organisation in organisations):
        raise SessionError("organisation_not_a_partner")
    wanted_people = {person.pk for person in people}
    wanted_organisations = {organisation.pk for organisation in organisations}
    gone_people = list(
        SessionGuest.objects.filter(session=session).exclude(user_id__in=wanted_people)
    )
    gone_organisations = list(
        SessionGuestOrganisation.objects.filter(session=session).exclude(
            organisation_id__in=wanted_organisations
        )
    )
    rows: list[SessionGuest | SessionGuestOrganisation] = [*gone_people, *gone_organisations]
    for row in rows:
        row.session = session  # the trail names the session's environment
        audit_deleted(row)
        row.delete()
    have_people = set(session.guests.values_list("user_id", flat=True))
    have_organisations = set(session.guest_organisations.values_list("organisation_id", flat=True))
    new_people = [SessionGuest(session=session, user_id=pk) for pk in wanted_people - have_people]
    new_organisations = [
        SessionGuestOrganisation(session=session, organisation_id=pk)
        for pk in wanted_organisations - have_organisations
    ]
    actor = current_actor_id()
    # PostgreSQL returns the new rows' ids, which the trail records.
    audit_bulk_created(SessionGuest.objects.bulk_create(new_people), actor_id=actor)
    audit_bulk_created(
        SessionGuestOrganisation.objects.bulk_create(new_organisations), actor_id=actor
    )
    return bool(gone_people or gone_organisations or new_people or new_organisations)


@transaction.atomic
def session_save(
    *,
    session: NetworkSession,
    facilitators: Iterable[User],
    audience_programmes: Iterable[Programme],
    guests: Iterable[User] | None = None,
    guest_organisations: Iterable[Organisation] | None = None,
) -> NetworkSession:
    """Save a session; once planned, its audience is invited (and kept in step).

    ``guests`` and ``guest_organisations``, when given, replace whom the session
    invites beyond its network (``session_guests_set``: refused, with nothing saved,
    for anyone or anything outside the environment). Any change a calendar would show
    raises the event's sequence number.
    """
    previous_line_id = None
    if session.pk:
        previous = NetworkSession.objects.select_for_update().get(pk=session.pk)
        previous_line_id = previous.line_id
        if (
            previous.starts_at,
            previous.ends_at,
            previous.status,
            previous.theme,
            previous.location_id,
            previous.room,
        ) != (
            session.starts_at,
            session.ends_at,
            session.status,
            session.theme,
            session.location_id,
            session.room,
        ):
            session.sequence = previous.sequence + 1
    session.save()
    session.facilitators.set(facilitators)
    session.audience_programmes.set(audience_programmes)
    if guests is not None or guest_organisations is not None:
        session_guests_set(
            session=session,
            people=User.objects.filter(session_guest_of__session=session)
            if guests is None
            else guests,
            organisations=Organisation.objects.filter(
                pk__in=session.guest_organisations.values("organisation_id")
            )
            if guest_organisations is None
            else guest_organisations,
        )
    line_order_by_date(line_ids={session.line_id, previous_line_id})
    if session.line_id is not None:
        session.refresh_from_db(fields=["position"])
    if session.status in (SessionStatus.PLANNED, SessionStatus.HELD):
        session_invite(session=session)
    # Its theme and time show among the attendees' recent sessions.
    home_forget_students(session.attendances.values_list("user_id", flat=True))
    return session


def line_order_by_date(*, line_ids: Iterable[int | None]) -> None:
    """Number the sessions of these learning lines by date: what comes before in a
    line is what takes place before, whenever a session was added or moved."""
    for line_id in line_ids:
        if line_id is None:
            continue
        sessions = list(NetworkSession.objects.filter(line_id=line_id).order_by("starts_at", "pk"))
        for position, line_session in enumerate(sessions, 1):
            line_session.position = position
        # Only the position: a renumbering is no change a calendar would show.
        NetworkSession.objects.bulk_update(sessions, ["position"])


@transaction.atomic
def session_invite(*, session: NetworkSession) -> int:
    """Invite the audience who were not invited yet. Returns how many were added.

    When a coming session's audience narrows, invitations of people outside it are
    withdrawn, unless they already answered or were registered: their answer stays
    part of the session's record.
    """
    if session.starts_at > timezone.now():
        withdrawn = session.attendances.exclude(user__in=session_audience(session)).filter(
            answer=Answer.NONE, presence=Presence.UNKNOWN
        )
        home_forget_students(list(withdrawn.values_list("user_id", flat=True)))
        withdrawn.delete()
    invited = set(session.attendances.values_list("user_id", flat=True))
    new = [
        Attendance(session=session, user_id=pk)
        for pk in session_audience(session).values_list("pk", flat=True)
        if pk not in invited
    ]
    Attendance.objects.bulk_create(new, ignore_conflicts=True)
    # A session that already took place shows on the home pages of the newly
    # invited students' supervisors.
    home_forget_students(attendance.user_id for attendance in new)
    return len(new)


@transaction.atomic
def session_cancel(*, session: NetworkSession) -> NetworkSession:
    session = NetworkSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.CANCELLED:
        session.status = SessionStatus.CANCELLED
        session.sequence += 1
        session.save(update_fields=["status", "sequence", "updated_at"])
        home_forget_students(session.attendances.values_list("user_id", flat=True))
    return session


@transaction.atomic
def attendance_answer(*, attendance: Attendance, answer: str, reason: str = "") -> Attendance:
    """A participant's answer to an invitation, given before the session starts."""
    if attendance.session.starts_at <= timezone.now():
        raise SessionError("already_started")
    if attendance.session.status == SessionStatus.CANCELLED:
        raise SessionError("cancelled")
    if answer == Answer.NO and not reason.strip():
        raise SessionError("reason_required")
    attendance.answer = answer
    attendance.reason = reason.strip() if answer == Answer.NO else ""
    attendance.save(update_fields=["answer", "reason", "updated_at"])
    home_forget_students([attendance.user_id])
    return attendance


@transaction.atomic
def attendance_register(*, attendance: Attendance, presence: str) -> Attendance:
    """The facilitator's tap on the roster."""
    if presence not in Presence.values:
        raise SessionError("unknown_presence")
    attendance.presence = presence
    attendance.save(update_fields=["presence", "updated_at"])
    home_forget_students([attendance.user_id])
    return attendance


@transaction.atomic
def session_open_check_in(*, session: NetworkSession) -> str:
    """Give the session a short code to show in the room."""
    session.check_in_code = "".join(secrets.choice(CHECK_IN_ALPHABET) for _ in range(6))
    session.save(update_fields=["check_in_code", "updated_at"])
    return session.check_in_code


@transaction.atomic
def attendance_check_in(*, attendance: Attendance, code: str) -> Attendance:
    session = attendance.session
    if (
        session.status == SessionStatus.CANCELLED
        or timezone.localdate(session.starts_at) != timezone.localdate()
    ):
        raise SessionError("not_today")
    if not session.check_in_code or not secrets.compare_digest(
        session.check_in_code, code.strip().upper()
    ):
        raise SessionError("wrong_code")
    attendance.presence = Presence.PRESENT
    attendance.checked_in_at = timezone.now()
    attendance.save(update_fields=["presence", "checked_in_at", "updated_at"])
    home_forget_students([attendance.user_id])
    return attendance


@transaction.atomic
def feedback_give(
    *,
    attendance: Attendance,
    usefulness: int,
    relevance: int,
    comment: str = "",
) -> SessionFeedback:
    """Feedback from an invited participant, once, after the session took place."""
    session = attendance.session
    if not session.has_taken_place or session.status == SessionStatus.CANCELLED:
        raise SessionError("not_yet")
    if SessionFeedback.objects.filter(session=session, user_id=attendance.user_id).exists():
        raise SessionError("already_given")
    return SessionFeedback.objects.create(
        session=session,
        user_id=attendance.user_id,
        usefulness=usefulness,
        relevance=relevance,
        comment=comment.strip(),
    )


@transaction.atomic
def calendar_feed_renew(*, user: User) -> str:
    """Make a new private feed token (the old link stops working). Returns the token."""
    token = CalendarFeed.new_token()
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": hash_token(token)})
    return token


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()


@transaction.atomic
def network_member_remove(*, network: LearningNetwork, user: User) -> bool:
    """Take someone out of a network. Returns whether they were a member.

    Their invitations and feedback stay: they record what happened. The last core-team
    member cannot be removed, or nobody but the coordinators could manage the network.
    """
    membership = (
        NetworkMembership.objects.select_for_update().filter(network=network, user=user).first()
    )
    if membership is None:
        return False
    if (
        membership.core_team
        and not NetworkMembership.objects.filter(network=network, core_team=True)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise SessionError("last_core_team_member")
    membership.delete()
    navigation_forget(user.pk)
    home_forget_supervisors([user.pk])
    return True


@transaction.atomic
def session_publish(*, session: NetworkSession) -> NetworkSession:
    """Draft → planned: the audience is invited."""
    session = NetworkSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.DRAFT:
        raise SessionError("not_a_draft")
    if session.starts_at <= timezone.now():
        raise SessionError("in_the_past")
    session.status = SessionStatus.PLANNED
    return session_save(
        session=session,
        facilitators=list(session.facilitators.all()),
        audience_programmes=list(session.audience_programmes.all()),
    )
