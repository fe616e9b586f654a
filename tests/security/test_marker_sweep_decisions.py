"""The marker sweep for feedback and "you said, we did" (#19): a session's decision and
a line's decision reach the network's members who see the session and the line (the
student and the supervisor, who are in it, and the coordinator) and nobody else; a
feedback comment of a session with four responses reaches nobody at all (the
five-response rule), one of a session with five the core team and coordinators only."""

from typing import Any

from django.test import Client
from django.urls import reverse

from learning_networks.decisions import line_decision_add, session_decision_save
from learning_networks.models import LearningLine, NetworkSession
from learning_networks.services import session_invite
from tests.learning_networks.test_feedback import give, participants
from tests.security.matrix import ROLES
from tests.security.test_authorisation_matrix import CASES
from tests.security.test_marker_sweep import body

NETWORK = {"student", "supervisor", "coordinator"}
CORE_TEAM = {"supervisor", "coordinator"}


def seed(cast: Any) -> tuple[dict[str, set[str]], list[str]]:
    line = LearningLine.objects.create(network=cast.network, title="Samen lezen")
    NetworkSession.objects.filter(pk=cast.past_session.pk).update(line=line, position=1)
    NetworkSession.objects.filter(pk=cast.session.pk).update(line=line, position=2)
    cast.past_session.refresh_from_db()
    session_decision_save(
        session=cast.past_session,
        concluded="Meer sociaal domein. zqx-SESSION-DECISION-marker-4412",
        changes="Een buurtteam schuift aan.",
        author=cast.supervisor,
    )
    line_decision_add(
        line=line,
        concluded="Te veel in mei. zqx-LINE-DECISION-marker-4412",
        changes="Eén bijeenkomst minder.",
        author=cast.supervisor,
    )
    # Four responses on the past session: its comment is never shown.
    people = participants(cast, 4, prefix="Anoniem")
    session_invite(session=cast.past_session)
    give(cast.past_session, people[0], 4, 4, "Te kort. zqx-FOUR-COMMENT-marker-4412")
    for person in people[1:]:
        give(cast.past_session, person, 3, 3)
    allowed = {
        "zqx-SESSION-DECISION-marker-4412": NETWORK,
        "zqx-LINE-DECISION-marker-4412": NETWORK,
        "zqx-FOUR-COMMENT-marker-4412": set(),
    }
    urls = [
        reverse("learning_networks:session", args=[cast.past_session.pk]),
        reverse("learning_networks:session", args=[cast.session.pk]),
        reverse("learning_networks:line", args=[line.pk]),
        reverse("learning_networks:line_feedback", args=[line.pk]),
        reverse("dashboards:environment", args=[cast.environment.pk]),
        reverse("dashboards:network", args=[cast.network.pk]),
    ]
    return allowed, urls


def sweep_all(cast: Any, allowed: dict[str, set[str]], urls: list[str]) -> dict[str, set[str]]:
    clients = {role: Client() for role in ROLES}
    for role, client in clients.items():
        if role != "anonymous":
            client.force_login(getattr(cast, role))
    leaks: list[str] = []
    seen: dict[str, set[str]] = {marker: set() for marker in allowed}

    def sweep(url: str) -> None:
        for role, client in clients.items():
            text = body(client.get(url))
            for marker, readers in allowed.items():
                if marker in text:
                    seen[marker].add(role)
                    if role not in readers:
                        leaks.append(f"{marker} shown to {role} at {url}")

    for url in urls:
        sweep(url)
    for case in CASES:
        if case.method != "get":
            continue
        cast.setup_result = case.setup(cast) if case.setup else None
        sweep(reverse(case.url_name, args=case.args(cast)))
    assert not leaks, "\n".join(leaks)
    return seen


def test_decisions_reach_the_network_and_four_comments_nobody(cast: Any) -> None:
    allowed, urls = seed(cast)
    seen = sweep_all(cast, allowed, urls)
    # The sweep saw what it should: every reader found the decisions somewhere.
    assert seen["zqx-SESSION-DECISION-marker-4412"] == NETWORK
    assert seen["zqx-LINE-DECISION-marker-4412"] == NETWORK


def test_a_fifth_response_shows_the_comment_to_the_core_team_only(cast: Any) -> None:
    allowed, urls = seed(cast)
    (fifth,) = participants(cast, 1, prefix="Vijfde")
    session_invite(session=cast.past_session)
    give(cast.past_session, fifth, 4, 4)
    allowed["zqx-FOUR-COMMENT-marker-4412"] = CORE_TEAM
    seen = sweep_all(cast, allowed, urls)
    assert seen["zqx-FOUR-COMMENT-marker-4412"] == CORE_TEAM
