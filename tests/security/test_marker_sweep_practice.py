"""The marker sweep for practice questions (#17): a question's context, its cards'
notes and their comments reach its team, its asker, the coordinators and the core
team only; an accepted question's title reaches the environment's members; a
proposed question's title only those who decide on it and its asker."""

from typing import Any

from django.test import Client
from django.urls import reverse

from practice.services import card_comment_add
from tests.practice.steps import a_card, in_progress, pose
from tests.security.matrix import ROLES
from tests.security.test_authorisation_matrix import CASES
from tests.security.test_marker_sweep import body

# The cast's question: posed by the school trainer (core team), with the student on
# its team; the colleague poses another that nobody accepted yet.
FULL = {"student", "supervisor", "coordinator"}
MEMBERS = {"student", "supervisor", "coordinator", "bystander", "colleague"}
DECIDE = {"colleague", "supervisor", "coordinator"}


def seed(cast: Any) -> tuple[dict[str, set[str]], list[str]]:
    allowed = {
        "zqx-ANNOUNCED-title-marker-7731": MEMBERS,
        "zqx-CONTEXT-marker-7731": FULL,
        "zqx-CARD-NOTES-marker-7731": FULL,
        "zqx-COMMENT-marker-7731": FULL,
        "zqx-PROPOSED-title-marker-7731": DECIDE,
    }
    question = in_progress(
        cast,
        title="Een fijner schoolplein zqx-ANNOUNCED-title-marker-7731",
        context="Onrust in de pauze. zqx-CONTEXT-marker-7731",
    )
    card = a_card(cast, title="Interviews", question=question)
    card.notes = "Vragenlijst maken. zqx-CARD-NOTES-marker-7731"
    card.save()
    card_comment_add(card=card, author=cast.student, text="Gedaan. zqx-COMMENT-marker-7731")
    proposed = pose(
        cast, title="Een leesplek zqx-PROPOSED-title-marker-7731", asked_by=cast.colleague
    )
    urls = [
        reverse("practice:list"),
        reverse("practice:detail", args=[question.pk]),
        reverse("practice:detail", args=[proposed.pk]),
        reverse("practice:board", args=[question.pk]),
        reverse("practice:card", args=[card.pk]),
    ]
    return allowed, urls


def test_practice_markers_reach_only_their_readers(cast: Any) -> None:
    allowed, urls = seed(cast)
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
    for marker, readers in allowed.items():
        assert seen[marker] == readers, (marker, seen[marker])
