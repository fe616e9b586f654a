"""Authorisation matrix cases of a session that invites beyond its network (#14, part 3).

The session is the network's, planned, and also invites the colleague by name and the
neighbourhood organisation as a whole, so the bystander (who works there) is a guest
too. Guests open the session and nothing else of it: planning, publishing, cancelling
and the roster stay with the core team (the supervisor) and the coordinator; the
outsiders still find nothing. The guests' own answers are in
tests/learning_networks/test_session_guests.py.
"""

import datetime
from typing import Any

from tests.security.matrix import Case, statuses

THEME = "Jaarstart voor de hele school"
HIDDEN = {"outsider": 404, "other_coordinator": 404}
# Network members, guests (in person and with their organisation) and coordinators read.
GUEST_READ = statuses(bystander=200, colleague=200, **HIDDEN)
# Planning and the roster: the core team and the coordinator; guests and students 403.
PLAN = statuses(student=403, bystander=403, colleague=403, **HIDDEN)
PLAN_WRITE = {**PLAN, "supervisor": 302, "coordinator": 302}


def make_guest_session(cast: Any) -> Any:
    from learning_networks.models import NetworkSession, SessionStatus
    from learning_networks.services import session_save

    # The sweeps run every set-up on one cast: make it once.
    existing = NetworkSession.objects.filter(network=cast.network, theme=THEME).first()
    if existing is not None:
        return existing
    starts = cast.session.starts_at + datetime.timedelta(days=2)
    return session_save(
        session=NetworkSession(
            network=cast.network,
            kind="kick_off",
            theme=THEME,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            location=cast.school,
            status=SessionStatus.PLANNED,
        ),
        facilitators=[cast.supervisor],
        audience_programmes=[],
        guests=[cast.colleague],
        guest_organisations=[cast.neighbourhood],
    )


def setup_pk(cast: Any) -> list[Any]:
    return [cast.setup_result.pk]


CASES = [
    Case("learning_networks:session", GUEST_READ, setup=make_guest_session, args=setup_pk),
    Case("learning_networks:session_edit", PLAN, setup=make_guest_session, args=setup_pk),
    Case("learning_networks:roster", PLAN, setup=make_guest_session, args=setup_pk),
    Case(
        "learning_networks:session_cancel",
        PLAN_WRITE,
        method="post",
        setup=make_guest_session,
        args=setup_pk,
    ),
]

ALLOWED_WRITES: set[tuple[str, str]] = set()
