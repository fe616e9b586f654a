"""Knowledge base, practice map and public showcase (#18).

The cast's entry is written by the school trainer (the supervisor, in the core team)
with the student as contributor. Drafts are read by its contributors, the
environment's coordinators and core team; published entries by every member of an
environment of the region (the other environment is in the same region). The public
pages answer anyone, anonymous visitors included.
"""

from typing import Any

from tests.knowledge.steps import consented, draft, in_review, public, published
from tests.security.matrix import Case, env_pk, statuses

# People at the schools and organisations, the core team and coordinators write.
WRITE = statuses(student=403, outsider=404, other_coordinator=404)
WRITE_POST = {**WRITE, "supervisor": 302, "bystander": 302, "colleague": 302, "coordinator": 302}
# A draft: its contributors (supervisor, student) and the coordinator.
DRAFT = statuses(bystander=404, colleague=404, outsider=404, other_coordinator=404)
DRAFT_POST = {**DRAFT, "student": 302, "supervisor": 302, "coordinator": 302}
# In review: only the coordinator publishes.
PUBLISH = {**DRAFT, "student": 403, "supervisor": 403, "coordinator": 302}
# Published: read in the whole region; only the environment's coordinator makes it
# public, only contributors consent.
REGION = statuses()
MAKE_PUBLIC = {
    **{role: 403 for role in REGION if role != "anonymous"},
    "anonymous": REGION["anonymous"],
    "coordinator": 302,
}
CONSENT = {**MAKE_PUBLIC, "coordinator": 403, "student": 302, "supervisor": 302}
COORDINATOR = statuses(
    student=403, supervisor=403, bystander=403, outsider=404, other_coordinator=404
)
ANYONE = statuses(anonymous=200)


def entry_data(cast: Any) -> dict[str, Any]:
    return {
        "kind": "work_form",
        "title": "Samen koken in de wijk",
        "summary": "Studenten van drie opleidingen koken met kinderen uit de buurt.",
        "body": "Elke **vrijdag**.",
        "contributors": [cast.student.pk],
    }


def setup_pk(cast: Any) -> list[Any]:
    return [cast.setup_result.pk]


def interest_data(cast: Any) -> dict[str, Any]:
    return {
        "programme": "Pabo",
        "institute": "Hogeschool Utrecht",
        "study_year": 2,
        "email": "nieuwsgierig@example.org",
        "consent": "on",
    }


CASES = [
    Case("knowledge:list", statuses()),
    Case("knowledge:create", WRITE, args=env_pk),
    Case("knowledge:create", WRITE_POST, method="post", args=env_pk, data=entry_data),
    Case("knowledge:detail", DRAFT, setup=draft, args=setup_pk),
    Case("knowledge:detail", REGION, setup=published, args=setup_pk),
    Case("knowledge:edit", DRAFT, setup=draft, args=setup_pk),
    Case(
        "knowledge:edit",
        DRAFT_POST,
        method="post",
        setup=draft,
        args=setup_pk,
        data=lambda cast: {**entry_data(cast), "title": "De huiskamer, herschreven"},
    ),
    Case(
        "knowledge:step",
        DRAFT_POST,
        method="post",
        setup=draft,
        args=setup_pk,
        data=lambda cast: {"action": "submit"},
    ),
    Case(
        "knowledge:step",
        PUBLISH,
        method="post",
        setup=in_review,
        args=setup_pk,
        data=lambda cast: {"action": "publish"},
    ),
    Case(
        "knowledge:public",
        MAKE_PUBLIC,
        method="post",
        setup=consented,
        args=setup_pk,
        data=lambda cast: {"action": "public", "no_pupil_identifiable": "on"},
    ),
    Case(
        "knowledge:consent",
        CONSENT,
        method="post",
        setup=published,
        args=setup_pk,
        data=lambda cast: {"action": "give"},
    ),
    Case("knowledge:map", statuses()),
    Case("knowledge:interests", COORDINATOR, args=env_pk),
    Case("knowledge:showcase", ANYONE, args=env_pk),
    Case(
        "knowledge:showcase",
        statuses(**dict.fromkeys(ANYONE, 303)),
        method="post",
        args=env_pk,
        data=interest_data,
    ),
    Case("knowledge:thanks", ANYONE, args=env_pk),
    Case("knowledge:public_entry", ANYONE, setup=public, args=setup_pk),
]

ALLOWED_WRITES = {
    *{
        ("knowledge:create", role)
        for role in ("supervisor", "bystander", "colleague", "coordinator")
    },
    *{("knowledge:edit", role) for role in ("student", "supervisor", "coordinator")},
    *{("knowledge:step", role) for role in ("student", "supervisor", "coordinator")},
    ("knowledge:public", "coordinator"),
    *{("knowledge:consent", role) for role in ("student", "supervisor")},
    # Anyone may send the interest form of a public page.
    *{
        ("knowledge:showcase", role)
        for role in (
            "anonymous",
            "student",
            "supervisor",
            "bystander",
            "colleague",
            "coordinator",
            "outsider",
            "other_coordinator",
        )
    },
}
