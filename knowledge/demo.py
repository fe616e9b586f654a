"""Demo data of the knowledge base: the coins in the break (the practice question the
demo team delivered) as a public good practice of the first environment, with its
team as consenting contributors; the living room in the school, published in the
region but not public (a contributor has not consented yet); a draft insight; and a
prospective student's interest. Called by ``manage.py demo`` after the practice
questions exist; idempotent (keyed on the entries' titles)."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import Membership, Role
from environments.models import LearningEnvironment
from knowledge.models import Entry, EntryKind, Interest, Tag
from knowledge.services import (
    contributor_consent,
    entry_make_public,
    entry_save,
    entry_step,
)
from practice.demo import COINS
from practice.models import PracticeQuestion, QuestionStatus
from ulvo.lib.demo import DemoWriter

COINS_PRACTICE = "Muntjes in de pauze: een rustiger schoolplein"
COINS_BODY = """## Wat we deden

Een team van studenten social work, pabo en sport en bewegen ging met de
leerlingenraad in gesprek over de pauzes. Samen bedachten ze **speelzones** op het
plein en muntjes die kinderen verdienen met samen spelen.

## Wat het opleverde

- minder ruzie na de pauze, zeggen de leerkrachten;
- kinderen uit de bovenbouw helpen de jongere kinderen bij de spellen;
- de pleinwacht heeft een vast plan.

## Tips

1. Laat de leerlingenraad de zones bedenken.
2. Begin klein: één zone per week.
"""
LIVING_ROOM = "De huiskamer in de school"
INSIGHT = "Wat een jongerenwerker ziet wat een leerkracht mist"


def create_demo_knowledge(
    *, environments: Iterable[LearningEnvironment], stdout: DemoWriter
) -> None:
    environment = next(iter(environments), None)
    if environment is None:
        return
    question = PracticeQuestion.objects.filter(
        environment=environment, title=COINS, status=QuestionStatus.DELIVERED
    ).first()
    coordinator = Membership.objects.filter(
        environment=environment, role=Role.COORDINATOR, is_active=True
    ).first()
    if question is None or coordinator is None or question.asked_by is None:
        return
    team = [member.user for member in question.team.select_related("user")]
    added = 0
    if not Entry.objects.filter(environment=environment, title=COINS_PRACTICE).exists():
        entry = entry_save(
            entry=Entry(
                environment=environment,
                kind=EntryKind.GOOD_PRACTICE,
                title=COINS_PRACTICE,
                summary=(
                    "Speelzones en muntjes die kinderen verdienen met samen spelen: "
                    "minder ruzie na de pauze."
                ),
                body=COINS_BODY,
            ),
            author=question.asked_by,
            contributors=team,
        )
        entry.tags.set(Tag.objects.filter(name__in=["sociaal", "op het plein", "coördinatie"]))
        entry.organisations.set([question.host])
        entry.practice_questions.set([question])
        entry = entry_step(entry=entry, step="submit", by=question.asked_by)
        entry = entry_step(entry=entry, step="publish", by=coordinator.user)
        for contributor in entry.contributors.all():
            contributor_consent(contributor=contributor)
        entry_make_public(entry=entry, by=coordinator.user)
        added += 1
    if not Entry.objects.filter(environment=environment, title=LIVING_ROOM).exists():
        entry = entry_save(
            entry=Entry(
                environment=environment,
                kind=EntryKind.GOOD_PRACTICE,
                title=LIVING_ROOM,
                summary="Een rustige plek met banken en thee, waar leerlingen even op adem komen.",
                body="Elke ochtend open, met een student en een jongerenwerker.",
            ),
            author=question.asked_by,
            contributors=team[:1],
        )
        entry.tags.set(Tag.objects.filter(name__in=["pedagogisch", "in de klas"]))
        entry = entry_step(entry=entry, step="submit", by=question.asked_by)
        entry_step(entry=entry, step="publish", by=coordinator.user)
        added += 1
    if not Entry.objects.filter(environment=environment, title=INSIGHT).exists():
        entry_save(
            entry=Entry(
                environment=environment,
                kind=EntryKind.INSIGHT,
                title=INSIGHT,
                summary="Over kijken vanuit twee disciplines naar hetzelfde kind.",
            ),
            author=question.asked_by,
        )
        added += 1
    Interest.objects.get_or_create(
        environment=environment,
        email="nieuwsgierig@demo.ulvo.nl",
        defaults={
            "programme": "Pabo",
            "institute": "Hogeschool Utrecht",
            "study_year": 2,
            "consent": True,
        },
    )
    stdout.write(f"Knowledge base: {added} entries added in {environment.name}.")
