"""Accounts in the authorisation matrix: the user's own sessions, the coordinator's
audit log, resending an invitation and the people page (served by supervision.people,
which ends supervision and network seats). (The other invitation and language URLs are
in test_authorisation_matrix.py.)"""

from typing import Any

from tests.security.matrix import ROLES, Case, env_pk, statuses

# Environment pages of the coordinators: members 403, outsiders 404.
COORDINATE = statuses(
    student=403,
    supervisor=403,
    bystander=403,
    colleague=403,
    outsider=404,
    other_coordinator=404,
)
COORDINATE_WRITE = {**COORDINATE, "coordinator": 302}


def bystanders_membership(cast: Any) -> list[Any]:
    from accounts.models import Membership

    membership = Membership.objects.get(user=cast.bystander, environment=cast.environment)
    return [cast.environment.pk, membership.pk]


def bystander_ended(cast: Any) -> None:
    from accounts.models import Membership

    Membership.objects.filter(user=cast.bystander, environment=cast.environment).update(
        is_active=False
    )


def waiting_invitation(cast: Any) -> Any:
    from accounts.models import Invitation, Role

    invitation = Invitation.objects.filter(email="wacht@example.org").first()
    if invitation is not None:
        return invitation
    from accounts.services import invitation_create

    return invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email="wacht@example.org",
        role=Role.COLLEAGUE,
        organisation=cast.school,
    )


def students_other_session(cast: Any) -> Any:
    """A second signed-in session of the student, on another device."""
    from django.contrib.auth import login
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    from accounts.models import UserSession

    existing = UserSession.objects.filter(user=cast.student, device="Firefox · Windows").first()
    if existing is not None:
        return existing
    request = RequestFactory().get(
        "/", HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) Firefox/132.0"
    )
    request.session = SessionStore()
    login(request, cast.student, backend="django.contrib.auth.backends.ModelBackend")
    request.session.save()
    return UserSession.objects.get(session_id=request.session.session_key)


CASES = [
    Case("accounts:sessions", statuses()),
    Case(
        "accounts:session_end",
        # Only its owner ends a session; for anyone else it does not exist.
        statuses(
            student=302,
            supervisor=404,
            bystander=404,
            coordinator=404,
            outsider=404,
            other_coordinator=404,
        ),
        method="post",
        setup=students_other_session,
        args=lambda cast: [cast.setup_result.pk],
    ),
    Case(
        "accounts:session_end_others",
        # Everyone may end their own other sessions; nobody else's.
        statuses(**dict.fromkeys(ROLES[1:], 302)),
        method="post",
        setup=students_other_session,
    ),
    Case("accounts:audit_log", COORDINATE, args=env_pk),
    Case(
        "accounts:invitation_resend",
        COORDINATE_WRITE,
        method="post",
        setup=waiting_invitation,
        args=lambda cast: [cast.environment.pk, cast.setup_result.pk],
    ),
    Case("people:list", COORDINATE, args=env_pk),
    Case("people:member", COORDINATE, args=bystanders_membership),
    Case(
        "people:member",
        COORDINATE_WRITE,
        method="post",
        args=bystanders_membership,
        data=lambda cast: {
            "role": "practice_supervisor",
            "organisation": cast.neighbourhood.pk,
            "domain": "pedagogical",
        },
    ),
    Case("people:end", COORDINATE_WRITE, method="post", args=bystanders_membership),
    Case(
        "people:reinvite",
        # The ended bystander is no member any more: for them the environment is gone.
        {**COORDINATE_WRITE, "bystander": 404},
        method="post",
        setup=bystander_ended,
        args=bystanders_membership,
    ),
]

ALLOWED_WRITES = {
    ("accounts:session_end", "student"),
    ("accounts:session_end_others", "student"),
    ("accounts:invitation_resend", "coordinator"),
    ("people:member", "coordinator"),
    ("people:end", "coordinator"),
    ("people:reinvite", "coordinator"),
}
