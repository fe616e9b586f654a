"""Each kind of message: who may still receive it, and what it says.

Per kind, two small functions chosen from ``KINDS``, which ``NotificationsConfig.ready``
hands to the outbox (``notifications.outbox.install``):

- whether the recipient may still see what the message is about — the apps' own
  access rules (``Placement.objects.visible_to``, ``session_for``,
  ``Reflection.objects.visible_to``, ``Report.objects.visible_to``), which count a
  supervisor or network member only while their membership of the environment is
  active. The outbox asks when a message is queued and again when it is delivered;
  a row that may no longer go is marked obsolete.
- what it says, composed at delivery time from the IDs in the payload, in the
  recipient's language; None when the subject no longer calls for it. Messages name
  sessions, weeks and reports, never the text of a reflection or anything about pupils.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Model, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from accounts.models import Invitation, Role, User
from learning_networks.access import session_for
from learning_networks.models import (
    LearningNetwork,
    NetworkMembership,
    NetworkSession,
    SessionStatus,
)
from notifications.models import Kind, Notification, Report
from notifications.outbox import KindRules, Message
from placements.models import Placement, SupervisionAssignment, Week, WeekStatus
from reflections.models import Reflection
from ulvo.lib.formats import long_datetime, short_date


def _date(value: datetime.date | datetime.datetime) -> str:
    """A moment in the long style (maandag 12 oktober 2026 om 14:30), a day in the short
    one (12 okt 2026)."""
    if isinstance(value, datetime.datetime):
        return long_datetime(value)
    return short_date(value)


def _reverse(name: str, *args: object) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return reverse("notifications:list")


# --- Who may still receive it -------------------------------------------------------


def sees_session(notification: Notification) -> bool:
    if notification.recipient is None:
        return False
    try:
        session_for(notification.recipient, notification.payload.get("session"))
    except Http404:
        return False
    return True


def sees_reflection(notification: Notification) -> bool:
    if notification.recipient is None:
        return False
    return (
        Reflection.objects.visible_to(notification.recipient)
        .filter(pk=notification.payload.get("reflection"))
        .exists()
    )


def sees_placement(notification: Notification) -> bool:
    if notification.recipient is None:
        return False
    return (
        Placement.objects.visible_to(notification.recipient)
        .filter(pk=notification.payload.get("placement"))
        .exists()
    )


def signs_off_week(notification: Notification) -> bool:
    """The row's assignment still signs off the week's placement, and is the
    recipient's: a supervisor who may still see the placement, or the address of
    one without an account."""
    payload = notification.payload
    week = Week.objects.select_related("placement").filter(pk=payload.get("week")).first()
    if week is None:
        return False
    assignment = week.placement.assignments.filter(
        pk=payload.get("assignment"), signs_off=True
    ).first()
    if assignment is None:
        return False
    if notification.recipient is None:
        return (
            assignment.supervisor_id is None
            and assignment.email.lower() == notification.email.lower()
        )
    return (
        assignment.supervisor_id == notification.recipient_id
        and Placement.objects.visible_to(notification.recipient)
        .filter(pk=week.placement_id)
        .exists()
    )


def coordinates_report(notification: Notification) -> bool:
    if notification.recipient is None:
        return False
    return (
        Report.objects.visible_to(notification.recipient)
        .filter(pk=notification.payload.get("report"))
        .exists()
    )


# --- What it says ---------------------------------------------------------------------


def _live_session(notification: Notification) -> NetworkSession | None:
    session = (
        NetworkSession.objects.select_related("network")
        .filter(pk=notification.payload.get("session"))
        .first()
    )
    if session is None or session.status == SessionStatus.CANCELLED:
        return None
    return session


def session_reminder(notification: Notification) -> Message | None:
    session = _live_session(notification)
    if session is None:
        return None
    names = {"theme": session.theme, "network": session.network.name}
    return Message(
        subject=_("Tomorrow: %(theme)s") % names,
        lines=[
            _("You are invited to “%(theme)s” of %(network)s.") % names,
            _("It starts %(when)s. Please let us know whether you will come.")
            % {"when": _date(session.starts_at)},
        ],
        url=session.get_absolute_url(),
        action=_("Answer the invitation"),
    )


def session_followup(notification: Notification) -> Message | None:
    session = _live_session(notification)
    if session is None:
        return None
    names = {"theme": session.theme, "network": session.network.name}
    return Message(
        subject=_("How was “%(theme)s”?") % names,
        lines=[
            _("Was the session of %(when)s useful for your practice?")
            % {"when": _date(session.starts_at)},
            _("Give your feedback, and write a reflection while it is fresh."),
        ],
        url=session.get_absolute_url(),
        action=_("Give feedback"),
    )


def reflection_feedback(notification: Notification) -> Message:
    payload = notification.payload
    author = User.objects.filter(pk=payload.get("author")).first()
    return Message(
        subject=_("New response to a reflection"),
        lines=[
            _("%(name)s wrote a response to a reflection.") % {"name": author}
            if author
            else _("Someone wrote a response to a reflection.")
        ],
        url=_reverse("reflections:detail", payload.get("reflection")),
        action=_("Read the feedback"),
    )


def log_reminder(notification: Notification) -> Message:
    payload = notification.payload
    placement = Placement.objects.filter(pk=payload.get("placement")).first()
    monday = datetime.date.fromisoformat(payload.get("week", "2000-01-03"))
    return Message(
        subject=_("Log your activities of the week of %(week)s") % {"week": _date(monday)},
        lines=[
            _(
                "You were on site in the week of %(week)s, but no activities "
                "have been logged for it yet."
            )
            % {"week": _date(monday)}
        ],
        url=placement.get_absolute_url() if placement else reverse("notifications:list"),
        action=_("Log activities"),
    )


def _waiting_week(notification: Notification) -> Week | None:
    """The week, if it still waits for the sign-off this row asks for."""
    week = (
        Week.objects.select_related("placement__student", "placement__programme")
        .filter(pk=notification.payload.get("week"))
        .first()
    )
    stamp = notification.payload.get("submitted")
    if (
        week is None
        or week.status != WeekStatus.SUBMITTED
        or week.submitted_at is None
        or (stamp is not None and stamp != int(week.submitted_at.timestamp()))
    ):
        return None
    return week


def _week_names(week: Week) -> dict[str, str]:
    return {
        "student": week.placement.student.full_name,
        "programme": week.placement.programme.name,
        "start": _date(week.start),
        "end": _date(week.end),
    }


def _signoff_url(notification: Notification, week: Week) -> str:
    """The week's page; the signed link for a supervisor without an account."""
    if notification.recipient_id:
        return week.get_absolute_url()
    return week.get_signoff_url(notification.payload["assignment"])


def signoff_request(notification: Notification) -> Message | None:
    week = _waiting_week(notification)
    if week is None:
        return None
    names = _week_names(week)
    return Message(
        subject=_("%(student)s asks you to sign off a week") % names,
        lines=[
            _(
                "%(student)s (%(programme)s) has submitted the activities of "
                "%(start)s to %(end)s for your sign-off."
            )
            % names,
            _("Open the link to approve the week, or to return it with a comment."),
        ],
        url=_signoff_url(notification, week),
        action=_("Approve or return the week"),
    )


def signoff_reminder(notification: Notification) -> Message | None:
    week = _waiting_week(notification)
    if week is None:
        return None
    return Message(
        subject=_("Reminder: a week waits for your sign-off"),
        lines=[
            _(
                "%(student)s (%(programme)s) submitted the activities of %(start)s "
                "to %(end)s for your sign-off, and they are still waiting."
            )
            % _week_names(week)
        ],
        url=_signoff_url(notification, week),
        action=_("Approve or return the week"),
    )


def _report_message(notification: Notification, subject: str) -> Message | None:
    report = (
        Report.objects.select_related("environment")
        .filter(pk=notification.payload.get("report"))
        .first()
    )
    if report is None:
        return None
    names = {
        "environment": report.environment.name,
        "start": _date(report.period_start),
        "end": _date(report.period_end),
    }
    return Message(
        subject=subject % names,
        lines=[
            _("The participation-balance report of %(environment)s for %(start)s to %(end)s.")
            % names,
            _("It can be downloaded as PDF and Excel until %(expires)s.")
            % {"expires": _date(report.expires_at)},
        ],
        url=report.get_absolute_url(),
        action=_("Open the report"),
    )


def balance_report(notification: Notification) -> Message | None:
    return _report_message(notification, _("Monthly participation balance of %(environment)s"))


def report_ready(notification: Notification) -> Message | None:
    return _report_message(notification, _("Your report for %(environment)s is ready"))


# --- Issue #15: the events that concern someone --------------------------------------
# Each names the week, placement, network, reflection or invitation and says who did
# what and when; never what anyone wrote (a return comment is shown in the app, in the
# in-app list and on the week's page, never in an e-mail).


def sees_week(notification: Notification) -> bool:
    """The recipient may still see the week's placement (the student, their supervisors)."""
    if notification.recipient is None:
        return False
    return Week.objects.filter(
        pk=notification.payload.get("week"),
        placement__in=Placement.objects.visible_to(notification.recipient),
    ).exists()


def _reviewed_week(notification: Notification, status: str) -> Week | None:
    """The week, if it is still in the state this row reports (a week returned and
    already submitted again says nothing any more)."""
    week = (
        Week.objects.select_related("placement")
        .filter(pk=notification.payload.get("week"), status=status)
        .first()
    )
    if week is None:
        return None
    # The review this row reports is still the week's last step.
    last = week.events.order_by("-created_at", "-pk").values_list("pk", flat=True).first()
    return week if last == notification.payload.get("event") else None


def _week_url(week: Week) -> str:
    return f"{week.placement.get_absolute_url()}?week={week.start.isoformat()}"


def _review_names(week: Week) -> dict[str, str]:
    return {
        "reviewer": week.reviewer_name or _("Your supervisor"),
        "start": _date(week.start),
        "end": _date(week.end),
    }


def week_returned(notification: Notification) -> Message | None:
    week = _reviewed_week(notification, WeekStatus.RETURNED)
    if week is None:
        return None
    names = _review_names(week)
    return Message(
        subject=_("Your week of %(start)s was returned") % names,
        lines=[
            _("%(reviewer)s returned your activities of %(start)s to %(end)s with a comment.")
            % names,
            _("Open the week to read the comment, change what is asked and submit it again."),
        ],
        url=_week_url(week),
        action=_("Open the week"),
    )


def week_approved(notification: Notification) -> Message | None:
    week = _reviewed_week(notification, WeekStatus.APPROVED)
    if week is None:
        return None
    return Message(
        subject=_("Your week of %(start)s was approved") % _review_names(week),
        lines=[
            _("%(reviewer)s approved your activities of %(start)s to %(end)s.")
            % _review_names(week)
        ],
        url=_week_url(week),
        action=_("Open the week"),
    )


def supervision_assigned(notification: Notification) -> Message | None:
    assignment = (
        SupervisionAssignment.objects.select_related(
            "placement__student", "placement__programme", "supervisor"
        )
        .filter(pk=notification.payload.get("assignment"))
        .first()
    )
    if assignment is None or assignment.supervisor is None:
        return None
    placement = assignment.placement
    names = {
        "student": placement.student.full_name,
        "programme": placement.programme.name,
        "supervisor": assignment.supervisor.full_name,
        "role": assignment.get_role_display(),
    }
    if notification.recipient_id == placement.student_id:
        subject = _("%(supervisor)s supervises your placement") % names
        line = _("%(supervisor)s is now your %(role)s for your placement (%(programme)s).") % names
    else:
        subject = _("You supervise %(student)s") % names
        line = _("You are now the %(role)s of %(student)s (%(programme)s).") % names
    return Message(
        subject=subject, lines=[line], url=placement.get_absolute_url(), action=_("Open")
    )


def in_network(notification: Notification) -> bool:
    """The recipient still has the seat the row is about (a member, or in the core team)."""
    if notification.recipient is None:
        return False
    seats = NetworkMembership.objects.filter(
        network_id=notification.payload.get("network"),
        user=notification.recipient,
        network__in=LearningNetwork.objects.visible_to(notification.recipient),
    )
    if notification.payload.get("core_team"):
        seats = seats.filter(core_team=True)
    return seats.exists()


def network_added(notification: Notification) -> Message | None:
    network = LearningNetwork.objects.filter(pk=notification.payload.get("network")).first()
    if network is None:
        return None
    names = {"network": network.name}
    if notification.payload.get("core_team"):
        subject = _("You are in the core team of %(network)s") % names
        line = (
            _(
                "You were added to the core team of the learning network %(network)s: you "
                "plan its sessions and see its figures."
            )
            % names
        )
    else:
        subject = _("You are a member of %(network)s") % names
        line = (
            _(
                "You were added to the learning network %(network)s: you are invited to "
                "its sessions."
            )
            % names
        )
    return Message(
        subject=subject,
        lines=[line],
        url=network.get_absolute_url(),
        action=_("Open the learning network"),
    )


def _shared_reflection(notification: Notification) -> Reflection | None:
    return (
        Reflection.objects.select_related("author")
        .filter(pk=notification.payload.get("reflection"), published_at__isnull=False)
        .first()
    )


def reflection_shared(notification: Notification) -> Message | None:
    reflection = _shared_reflection(notification)
    if reflection is None:
        return None
    names = {"author": reflection.author.full_name}
    return Message(
        subject=_("%(author)s shared a reflection with you") % names,
        lines=[
            _("%(author)s shared a reflection with their supervisors. You can respond to it.")
            % names
        ],
        url=_reverse("reflections:detail", reflection.pk),
        action=_("Read and respond"),
    )


def reflection_waiting(notification: Notification) -> Message | None:
    reflection = _shared_reflection(notification)
    if (
        reflection is None
        or reflection.published_at is None
        or reflection.feedback.exclude(author_id=reflection.author_id).exists()
    ):
        return None  # answered in the meantime
    names = {"author": reflection.author.full_name, "shared": _date(reflection.published_at)}
    return Message(
        subject=_("A reflection of %(author)s waits for a response") % names,
        lines=[
            _("%(author)s shared a reflection on %(shared)s; nobody has responded yet.") % names
        ],
        url=_reverse("reflections:detail", reflection.pk),
        action=_("Read and respond"),
    )


def _waiting_invitation(notification: Notification) -> Invitation | None:
    return (
        Invitation.objects.pending()
        .select_related("environment")
        .filter(pk=notification.payload.get("invitation"))
        .first()
    )


def invited_at_address(notification: Notification) -> bool:
    """The row goes to the address the invitation was sent to, and nowhere else (an
    account with that address, when the invitee has one already)."""
    invitation = Invitation.objects.filter(pk=notification.payload.get("invitation")).first()
    return invitation is not None and invitation.email.lower() == notification.address.lower()


def coordinates_invitation(notification: Notification) -> bool:
    if notification.recipient is None:
        return False
    invitation = Invitation.objects.filter(pk=notification.payload.get("invitation")).first()
    return (
        invitation is not None
        and notification.recipient.memberships.filter(
            environment_id=invitation.environment_id, role=Role.COORDINATOR, is_active=True
        ).exists()
    )


def invitation_reminder(notification: Notification) -> Message | None:
    invitation = _waiting_invitation(notification)
    if invitation is None:
        return None
    names = {"environment": invitation.environment.name, "expires": _date(invitation.expires_at)}
    return Message(
        subject=_("Reminder: your invitation to %(environment)s") % names,
        lines=[
            _("You were invited to the learning environment %(environment)s a week ago.") % names,
            _("The link works until %(expires)s.") % names,
        ],
        url=invitation.get_accept_url(),
        action=_("Accept the invitation"),
        footer=_(
            "You receive this message because a coordinator invited you. Ask them if "
            "this is not right."
        ),
    )


def invitation_unaccepted(notification: Notification) -> Message | None:
    invitation = (
        Invitation.objects.select_related("environment")
        .filter(
            pk=notification.payload.get("invitation"),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        .first()
    )
    if invitation is None:
        return None  # accepted or taken back in the meantime
    names = {
        "email": invitation.email,
        "environment": invitation.environment.name,
        "sent": _date(invitation.created_at),
    }
    return Message(
        subject=_("An invitation to %(environment)s is not accepted yet") % names,
        lines=[
            _(
                "%(email)s has not accepted the invitation of %(sent)s, even after a "
                "reminder. You can send it again or take it back."
            )
            % names
        ],
        url=_reverse("people:list", invitation.environment_id),
        action=_("Open the people of the environment"),
    )


def session_published(notification: Notification) -> Message | None:
    session = _live_session(notification)
    if session is None or session.status != SessionStatus.PLANNED:
        return None
    names = {
        "theme": session.theme,
        "network": session.network.name,
        "when": _date(session.starts_at),
    }
    return Message(
        subject=_("Invitation: %(theme)s") % names,
        lines=[_("You are invited to “%(theme)s” of %(network)s on %(when)s.") % names],
        url=session.get_absolute_url(),
        action=_("Answer the invitation"),
    )


def session_moved(notification: Notification) -> Message | None:
    session = _live_session(notification)
    was = notification.payload.get("was")
    if session is None or not isinstance(was, int):
        return None
    before = datetime.datetime.fromtimestamp(was, tz=datetime.UTC)
    if before == session.starts_at:
        return None  # moved back within the burst: nothing changed
    names = {
        "theme": session.theme,
        "network": session.network.name,
        "was": _date(before),
        "when": _date(session.starts_at),
    }
    return Message(
        subject=_("Moved: %(theme)s") % names,
        lines=[
            _("“%(theme)s” of %(network)s has moved.") % names,
            _("It was %(was)s; it is now %(when)s.") % names,
        ],
        url=session.get_absolute_url(),
        action=_("Answer the invitation"),
    )


def session_cancelled(notification: Notification) -> Message | None:
    session = (
        NetworkSession.objects.select_related("network")
        .filter(pk=notification.payload.get("session"), status=SessionStatus.CANCELLED)
        .first()
    )
    if session is None:
        return None
    names = {
        "theme": session.theme,
        "network": session.network.name,
        "when": _date(session.starts_at),
    }
    return Message(
        subject=_("Cancelled: %(theme)s") % names,
        lines=[_("“%(theme)s” of %(network)s on %(when)s does not take place.") % names],
        url=session.get_absolute_url(),
        action=_("Open the session"),
    )


KINDS: dict[str, KindRules] = {
    Kind.REFLECTION_FEEDBACK: KindRules(may_receive=sees_reflection, compose=reflection_feedback),
    Kind.SESSION_REMINDER: KindRules(may_receive=sees_session, compose=session_reminder),
    Kind.SESSION_FOLLOWUP: KindRules(may_receive=sees_session, compose=session_followup),
    Kind.LOG_REMINDER: KindRules(may_receive=sees_placement, compose=log_reminder),
    Kind.SIGNOFF_REQUEST: KindRules(may_receive=signs_off_week, compose=signoff_request),
    Kind.SIGNOFF_REMINDER: KindRules(may_receive=signs_off_week, compose=signoff_reminder),
    Kind.BALANCE_REPORT: KindRules(may_receive=coordinates_report, compose=balance_report),
    Kind.REPORT_READY: KindRules(may_receive=coordinates_report, compose=report_ready),
    Kind.WEEK_RETURNED: KindRules(may_receive=sees_week, compose=week_returned),
    Kind.WEEK_APPROVED: KindRules(may_receive=sees_week, compose=week_approved),
    Kind.SUPERVISION_ASSIGNED: KindRules(may_receive=sees_placement, compose=supervision_assigned),
    Kind.NETWORK_ADDED: KindRules(may_receive=in_network, compose=network_added),
    Kind.REFLECTION_SHARED: KindRules(may_receive=sees_reflection, compose=reflection_shared),
    Kind.REFLECTION_WAITING: KindRules(may_receive=sees_reflection, compose=reflection_waiting),
    Kind.INVITATION_REMINDER: KindRules(
        may_receive=invited_at_address, compose=invitation_reminder
    ),
    Kind.INVITATION_UNACCEPTED: KindRules(
        may_receive=coordinates_invitation, compose=invitation_unaccepted
    ),
    Kind.SESSION_PUBLISHED: KindRules(may_receive=sees_session, compose=session_published),
    Kind.SESSION_MOVED: KindRules(may_receive=sees_session, compose=session_moved),
    Kind.SESSION_CANCELLED: KindRules(may_receive=sees_session, compose=session_cancelled),
}


def compose(notification: Notification) -> Message | None:
    """The row's message in the active language (the in-app list opens its link)."""
    return KINDS[notification.kind].compose(notification)


# --- What it is about, in the in-app list ------------------------------------------


@dataclass(frozen=True)
class Summary:
    """A row of the in-app list: who or what it is about, and which week or day."""

    subject: str
    detail: str = ""


@dataclass(frozen=True)
class Subjects:
    """What a page of the in-app list is about, looked up once for the whole page and
    only as far as the reader may still see it; a row about anything else is listed by
    its kind alone."""

    weeks: dict[int, Week]
    sessions: dict[int, NetworkSession]
    authors: dict[int, User]  # who responded, to reflections the reader may read
    placements: dict[int, Placement]
    reports: dict[int, Report]


def _ids(notifications: Sequence[Notification], key: str) -> set[int]:
    return {n.payload[key] for n in notifications if isinstance(n.payload.get(key), int)}


def _in_bulk[M: Model](queryset: QuerySet[M], ids: set[int]) -> dict[int, M]:
    """The rows with these ids, by id; no query for none."""
    return queryset.in_bulk(ids) if ids else {}


def subjects_for(user: User, notifications: Sequence[Notification]) -> Subjects:
    """At most six queries, however many rows (none for a kind that is not there)."""
    placements = Placement.objects.visible_to(user)
    readable = _in_bulk(
        Reflection.objects.visible_to(user).only("pk"), _ids(notifications, "reflection")
    )
    authors = {
        n.payload["author"]
        for n in notifications
        if n.payload.get("reflection") in readable and isinstance(n.payload.get("author"), int)
    }
    return Subjects(
        # (A log reminder's week is a date, not an id: _ids leaves it out.)
        weeks=_in_bulk(
            Week.objects.filter(placement__in=placements).select_related(
                "placement__student", "placement__programme"
            ),
            _ids(notifications, "week"),
        ),
        sessions=_in_bulk(
            NetworkSession.objects.visible_to(user).exclude(status=SessionStatus.DRAFT),
            _ids(notifications, "session"),
        ),
        authors=_in_bulk(User.objects.all(), authors),
        placements=_in_bulk(
            placements.select_related("programme"), _ids(notifications, "placement")
        ),
        reports=_in_bulk(
            Report.objects.visible_to(user).select_related("environment"),
            _ids(notifications, "report"),
        ),
    )


def _week_span(start: datetime.date, end: datetime.date) -> str:
    return _("Week of %(start)s – %(end)s") % {"start": _date(start), "end": _date(end)}


def week_summary(notification: Notification, subjects: Subjects) -> Summary | None:
    """A week to sign off: the student, and which week."""
    week = subjects.weeks.get(notification.payload.get("week"))
    if week is None:
        return None
    return Summary(week.placement.student.full_name, _week_span(week.start, week.end))


def session_summary(notification: Notification, subjects: Subjects) -> Summary | None:
    session = subjects.sessions.get(notification.payload.get("session"))
    if session is None:
        return None
    return Summary(session.theme, _date(session.starts_at))


def feedback_summary(notification: Notification, subjects: Subjects) -> Summary | None:
    author = subjects.authors.get(notification.payload.get("author"))
    return Summary(author.full_name) if author is not None else None


def log_reminder_summary(notification: Notification, subjects: Subjects) -> Summary | None:
    try:
        monday = datetime.date.fromisoformat(notification.payload.get("week", ""))
    except (TypeError, ValueError):
        return None
    placement = subjects.placements.get(notification.payload.get("placement"))
    end = monday + datetime.timedelta(days=6)
    return Summary(_week_span(monday, end), placement.programme.name if placement else "")


def report_summary(notification: Notification, subjects: Subjects) -> Summary | None:
    report = subjects.reports.get(notification.payload.get("report"))
    if report is None:
        return None
    return Summary(
        report.environment.name, f"{_date(report.period_start)} – {_date(report.period_end)}"
    )


def returned_week_summary(notification: Notification, subjects: Subjects) -> Summary | None:
    """A returned week: which week, and the comment, while the week waits for the change
    (the in-app list only: e-mails never carry what someone wrote)."""
    week = subjects.weeks.get(notification.payload.get("week"))
    if week is None:
        return None
    comment = week.comment if week.status == WeekStatus.RETURNED else ""
    return Summary(_week_span(week.start, week.end), comment)


def reviewed_week_summary(notification: Notification, subjects: Subjects) -> Summary | None:
    week = subjects.weeks.get(notification.payload.get("week"))
    if week is None:
        return None
    return Summary(_week_span(week.start, week.end), week.placement.programme.name)


def placement_summary(notification: Notification, subjects: Subjects) -> Summary | None:
    placement = subjects.placements.get(notification.payload.get("placement"))
    if placement is None:
        return None
    return Summary(
        placement.programme.name, f"{_date(placement.start_date)} – {_date(placement.end_date)}"
    )


def nothing_more(notification: Notification, subjects: Subjects) -> Summary | None:
    """Listed by its kind alone (what it is about is on the page it opens)."""
    return None


SUMMARIES: dict[str, Callable[[Notification, Subjects], Summary | None]] = {
    Kind.REFLECTION_FEEDBACK: feedback_summary,
    Kind.SESSION_REMINDER: session_summary,
    Kind.SESSION_FOLLOWUP: session_summary,
    Kind.LOG_REMINDER: log_reminder_summary,
    Kind.SIGNOFF_REQUEST: week_summary,
    Kind.SIGNOFF_REMINDER: week_summary,
    Kind.BALANCE_REPORT: report_summary,
    Kind.REPORT_READY: report_summary,
    Kind.WEEK_RETURNED: returned_week_summary,
    Kind.WEEK_APPROVED: reviewed_week_summary,
    Kind.SUPERVISION_ASSIGNED: placement_summary,
    Kind.NETWORK_ADDED: nothing_more,
    Kind.REFLECTION_SHARED: feedback_summary,
    Kind.REFLECTION_WAITING: feedback_summary,
    Kind.INVITATION_REMINDER: nothing_more,
    Kind.INVITATION_UNACCEPTED: nothing_more,
    Kind.SESSION_PUBLISHED: session_summary,
    Kind.SESSION_MOVED: session_summary,
    Kind.SESSION_CANCELLED: session_summary,
}


def summarise(notification: Notification, subjects: Subjects) -> Summary | None:
    """Who or what the row is about, from the page's subjects; None when the reader
    may no longer see it (the list then shows the row's kind alone)."""
    return SUMMARIES[notification.kind](notification, subjects)
