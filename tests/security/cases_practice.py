"""Practice questions (#17): the list, posing, deciding, the team, the board and its
cards.

The cast's question is posed by the school trainer (the supervisor, also in the
network's core team) for the school; its team is the student and the school trainer.
The bystander and the colleague are on no team and asked nothing: they do not know
the question exists (only its title and status, in the list).
"""

from typing import Any

from tests.practice.steps import a_card, accepted, delivered, in_progress, pose
from tests.security.matrix import Case, env_pk, statuses

# People at a school or neighbourhood organisation, the core team and coordinators
# pose questions; students do not.
POSE = statuses(student=403, outsider=404, other_coordinator=404)
POSE_WRITE = {**POSE, "supervisor": 302, "bystander": 302, "colleague": 302, "coordinator": 302}
# Seen in full by the team, the asker, coordinators and core team; nobody else.
FULL = statuses(bystander=404, colleague=404, outsider=404, other_coordinator=404)
# The core team (the school trainer) and coordinators decide and form the team.
MANAGE = {**FULL, "student": 403, "supervisor": 302, "coordinator": 302}
# A proposed question: not even its team (there is none) sees it.
DECIDE = {**MANAGE, "student": 404}
# The team changes its board: the student and the school trainer.
TEAM_WRITE = {**FULL, "student": 302, "supervisor": 302, "coordinator": 403}
READ_WRITE = {**FULL, "student": 302, "supervisor": 302, "coordinator": 302}
# Only the asker evaluates.
EVALUATE = {**FULL, "student": 403, "supervisor": 302, "coordinator": 403}


def question_data(cast: Any) -> dict[str, Any]:
    return {
        "title": "Hoe komen ouders vaker naar school?",
        "host": cast.school.pk,
        "context": "Op ouderavonden komen weinig ouders.",
        "hoped_for": "Ideeën die we dit jaar kunnen uitproberen.",
        "for_whom": "Ouders van groep 1 tot en met 4",
        "needed_domain": "social",
    }


def setup_pk(cast: Any) -> list[Any]:
    return [cast.setup_result.pk]


def question_pk(cast: Any) -> list[Any]:
    return [cast.setup_result.question_id]


def member_args(cast: Any) -> list[Any]:
    question = cast.setup_result
    return [question.pk, question.team.get(user=cast.student).pk]


def card_version(cast: Any) -> dict[str, Any]:
    return {"version": cast.setup_result.version, "direction": "right"}


CASES = [
    Case("practice:list", statuses()),
    Case("practice:create", POSE, args=env_pk),
    Case("practice:create", POSE_WRITE, method="post", args=env_pk, data=question_data),
    # Coordinators and the core team (the school trainer) read the figures.
    Case(
        "practice:figures",
        statuses(student=403, bystander=403, colleague=403, outsider=404, other_coordinator=404),
        # Its own question: the sweeps run every set-up on one cast, and the cast's
        # question must stay in progress for the board's cases.
        setup=lambda cast: delivered(cast, title="Hoe vieren we de Kinderboekenweek?"),
        args=env_pk,
    ),
    Case("practice:detail", FULL, setup=accepted, args=setup_pk),
    Case(
        "practice:decide",
        DECIDE,
        method="post",
        setup=lambda cast: pose(cast, title="Een rustige plek om te lezen"),
        args=setup_pk,
        data=lambda cast: {"action": "accept"},
    ),
    Case(
        "practice:advance",
        {**FULL, "student": 302, "supervisor": 302, "coordinator": 302},
        method="post",
        setup=accepted,
        args=setup_pk,
        data=lambda cast: {"action": "start"},
    ),
    Case(
        "practice:evaluate",
        EVALUATE,
        method="post",
        setup=delivered,
        args=setup_pk,
        data=lambda cast: {"evaluation": "Het is rustiger op het plein."},
    ),
    Case(
        "practice:team_add",
        MANAGE,
        method="post",
        setup=accepted,
        args=setup_pk,
        data=lambda cast: {"person": cast.bystander.pk},
    ),
    Case("practice:team_remove", MANAGE, method="post", setup=accepted, args=member_args),
    Case("practice:board", FULL, setup=in_progress, args=setup_pk),
    Case(
        "practice:columns",
        TEAM_WRITE,
        method="post",
        setup=in_progress,
        args=setup_pk,
        data=lambda cast: {
            f"column_{column.pk}": f"Kolom {column.position}"
            for column in cast.setup_result.columns.all()
        },
    ),
    Case(
        "practice:card_add",
        TEAM_WRITE,
        method="post",
        setup=in_progress,
        args=setup_pk,
        data=lambda cast: {"title": "Rondvraag in groep 6"},
    ),
    Case("practice:meeting", FULL, setup=in_progress, args=setup_pk),
    Case(
        "practice:meeting",
        TEAM_WRITE,
        method="post",
        setup=in_progress,
        args=setup_pk,
        data=lambda cast: {
            "held_on": "2026-11-02",
            "notes": "Interviews verdeeld.",
            "next_chair": cast.student.pk,
        },
    ),
    Case("practice:card", FULL, setup=a_card, args=setup_pk),
    Case(
        "practice:card",
        TEAM_WRITE,
        method="post",
        setup=a_card,
        args=setup_pk,
        data=lambda cast: {"title": "Kinderen interviewen", "version": cast.setup_result.version},
    ),
    Case(
        "practice:card_move",
        TEAM_WRITE,
        method="post",
        setup=a_card,
        args=setup_pk,
        data=card_version,
    ),
    Case(
        "practice:card_comment",
        READ_WRITE,
        method="post",
        setup=a_card,
        args=setup_pk,
        data=lambda cast: {"text": "Ik neem groep 6 voor mijn rekening."},
    ),
    Case(
        "practice:card_delete",
        TEAM_WRITE,
        method="post",
        setup=a_card,
        args=setup_pk,
        data=lambda cast: {"version": cast.setup_result.version},
    ),
]

ALLOWED_WRITES = {
    *{
        ("practice:create", role)
        for role in ("supervisor", "bystander", "colleague", "coordinator")
    },
    *{("practice:decide", role) for role in ("supervisor", "coordinator")},
    *{("practice:advance", role) for role in ("student", "supervisor", "coordinator")},
    ("practice:evaluate", "supervisor"),
    *{("practice:team_add", role) for role in ("supervisor", "coordinator")},
    *{("practice:team_remove", role) for role in ("supervisor", "coordinator")},
    *{
        (name, role)
        for name in (
            "practice:meeting",
            "practice:columns",
            "practice:card_add",
            "practice:card",
            "practice:card_move",
            "practice:card_delete",
        )
        for role in ("student", "supervisor")
    },
    *{("practice:card_comment", role) for role in ("student", "supervisor", "coordinator")},
}
