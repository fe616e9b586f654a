""" "You said, we did" (#19): only the network's core team and its coordinators record
what they concluded from the feedback; members of the network read it (their session
and line pages are in cases_attendance and cases_networks); outsiders find nothing."""

from typing import Any

from tests.security.cases_attendance import HIDDEN, make_line, past_session_pk, setup_pk
from tests.security.matrix import Case, statuses

DECIDE = statuses(student=403, supervisor=302, coordinator=302, **HIDDEN)


def decision_data(cast: Any) -> dict[str, str]:
    return {"concluded": "Meer over het sociaal domein.", "changes": "Een buurtteam schuift aan."}


CASES = [
    Case(
        "learning_networks:session_decision",
        DECIDE,
        method="post",
        args=past_session_pk,
        data=decision_data,
    ),
    Case(
        "learning_networks:line_decision",
        DECIDE,
        method="post",
        setup=make_line,
        args=setup_pk,
        data=decision_data,
    ),
]

ALLOWED_WRITES = {
    ("learning_networks:session_decision", "supervisor"),
    ("learning_networks:session_decision", "coordinator"),
    ("learning_networks:line_decision", "supervisor"),
    ("learning_networks:line_decision", "coordinator"),
}
