"""Calendars in the authorisation matrix: the private feed, its settings page, the agenda.

The feed is public by design: its token is the credential, so whoever fetches a valid
link (logged in or not) gets it, and an invalid one is 404 for everybody.
"""

from typing import Any

from tests.security.matrix import ROLES, Case, env_pk, statuses


def student_feed_token(cast: Any) -> str:
    from learning_networks.services import calendar_feed_renew

    return calendar_feed_renew(user=cast.student)


def revoked_feed_token(cast: Any) -> str:
    from learning_networks.services import calendar_feed_revoke

    token = student_feed_token(cast)
    calendar_feed_revoke(user=cast.student)
    return token


def token_args(cast: Any) -> list[Any]:
    return [cast.setup_result]


EVERYONE = dict.fromkeys(ROLES, 200)

CASES = [
    Case(
        "learning_networks:calendar_feed",
        EVERYONE,
        setup=student_feed_token,
        args=token_args,
        note="the token is the credential",
    ),
    Case(
        "learning_networks:calendar_feed",
        dict.fromkeys(ROLES, 404),
        setup=revoked_feed_token,
        args=token_args,
    ),
    Case(
        "learning_networks:calendar_feed",
        dict.fromkeys(ROLES, 405),
        method="post",
        setup=student_feed_token,
        args=token_args,
    ),
    # Everyone manages only their own link.
    Case("learning_networks:calendar_settings", statuses()),
    Case(
        "learning_networks:calendar_settings",
        statuses(**dict.fromkeys(ROLES[1:], 302)),
        method="post",
        data=lambda cast: {"action": "renew"},
    ),
    Case(
        "learning_networks:calendar_settings",
        statuses(**dict.fromkeys(ROLES[1:], 302)),
        method="post",
        setup=student_feed_token,
        data=lambda cast: {"action": "revoke"},
    ),
    # Any member of the environment sees its agenda.
    Case(
        "learning_networks:environment_agenda",
        statuses(outsider=404, other_coordinator=404),
        args=env_pk,
    ),
]

ALLOWED_WRITES = {("learning_networks:calendar_settings", role) for role in ROLES[1:]}
