"""Accounts in the authorisation matrix: the user's own sessions and the coordinator's
audit log. (The invitation and language URLs are in test_authorisation_matrix.py.)"""

from typing import Any

from tests.security.matrix import ROLES, Case, env_pk, statuses

# Environment pages of the coordinators: members 403, outsiders 404.
COORDINATE = statuses(
    student=403, supervisor=403, bystander=403, outsider=404, other_coordinator=404
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
]

ALLOWED_WRITES = {
    ("accounts:session_end", "student"),
    ("accounts:session_end_others", "student"),
}
