"""Authorisation matrix cases of the participants' side of sessions
(learning_networks/attendance_urls.py).

In the cast, the student and the supervisor are invited to both sessions; the
supervisor facilitates them and is in the core team; the coordinator manages the
network without being invited; the bystander is in the environment but not in the
network, so, like the outsiders, finds nothing (404).
"""

import datetime
from typing import Any

from django.utils import timezone

from tests.security.matrix import Case, statuses

HIDDEN = {"bystander": 404, "outsider": 404, "other_coordinator": 404}
# Members of the network read; outsiders find nothing.
MEMBER_READ = statuses(**HIDDEN)
# The invitees write their own answer, check-in and feedback; others are not invited.
INVITEE_WRITE = statuses(student=302, supervisor=302, coordinator=403, **HIDDEN)
# Facilitators, the core team and coordinators keep the roster.
ROSTER_READ = statuses(student=403, **HIDDEN)
ROSTER_WRITE = statuses(student=403, supervisor=302, coordinator=302, **HIDDEN)


def session_pk(cast: Any) -> list[Any]:
    return [cast.session.pk]


def past_session_pk(cast: Any) -> list[Any]:
    return [cast.past_session.pk]


def setup_pk(cast: Any) -> list[Any]:
    return [cast.setup_result.pk]


def make_session(cast: Any, starts: datetime.datetime) -> Any:
    from learning_networks.models import NetworkSession, SessionStatus
    from learning_networks.services import session_save

    return session_save(
        session=NetworkSession(
            network=cast.network,
            kind="mixed",
            theme="Vandaag",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            status=SessionStatus.PLANNED,
        ),
        facilitators=[cast.supervisor],
        audience_programmes=[],
    )


def make_running_session(cast: Any) -> Any:
    """A session that started ten minutes ago, with its check-in open."""
    from learning_networks.services import session_open_check_in

    session = make_session(cast, timezone.now() - datetime.timedelta(minutes=10))
    session_open_check_in(session=session)
    session.refresh_from_db()
    return session


def make_line(cast: Any) -> Any:
    from learning_networks.models import LearningLine, NetworkSession

    line, _created = LearningLine.objects.get_or_create(network=cast.network, title="Samen lezen")
    NetworkSession.objects.filter(pk__in=[cast.past_session.pk, cast.session.pk]).update(line=line)
    return line


def students_past_attendance(cast: Any) -> list[Any]:
    from learning_networks.models import Attendance

    attendance = Attendance.objects.get(session=cast.past_session, user=cast.student)
    return [cast.past_session.pk, attendance.pk]


CASES = [
    Case("learning_networks:session", MEMBER_READ, args=session_pk),
    Case("learning_networks:session", MEMBER_READ, args=past_session_pk),
    Case(
        "learning_networks:session_answer",
        INVITEE_WRITE,
        method="post",
        args=session_pk,
        data=lambda cast: {"answer": "no", "reason": "Toets"},
    ),
    Case(
        "learning_networks:session_check_in",
        INVITEE_WRITE,
        method="post",
        setup=make_running_session,
        args=setup_pk,
        data=lambda cast: {"code": cast.setup_result.check_in_code},
    ),
    Case(
        "learning_networks:session_feedback",
        # Facilitators do not rate their own session (422, nothing saved).
        {**INVITEE_WRITE, "supervisor": 422},
        method="post",
        args=past_session_pk,
        data=lambda cast: {"usefulness": "4", "relevance": "5", "comment": "Leerzaam."},
    ),
    Case("learning_networks:roster", ROSTER_READ, args=session_pk),
    Case(
        "learning_networks:roster_mark",
        ROSTER_WRITE,
        method="post",
        args=students_past_attendance,
        data=lambda cast: {"presence": "present"},
    ),
    Case(
        "learning_networks:open_check_in",
        ROSTER_WRITE,
        method="post",
        setup=lambda cast: make_session(cast, timezone.now() + datetime.timedelta(minutes=5)),
        args=setup_pk,
    ),
    Case(
        "learning_networks:line_feedback",
        statuses(student=403, **HIDDEN),
        setup=make_line,
        args=setup_pk,
    ),
]

ALLOWED_WRITES = {
    ("learning_networks:session_answer", "student"),
    ("learning_networks:session_answer", "supervisor"),
    ("learning_networks:session_check_in", "student"),
    ("learning_networks:session_check_in", "supervisor"),
    ("learning_networks:session_feedback", "student"),
    ("learning_networks:roster_mark", "supervisor"),
    ("learning_networks:roster_mark", "coordinator"),
    ("learning_networks:open_check_in", "supervisor"),
    ("learning_networks:open_check_in", "coordinator"),
}
