"""Demo data of practice questions: the learning-team study's two stories (the coins
in the break, the practical afternoons) as questions of the first environment at
different stages, with mixed teams and boards, and a fresh question waiting for the
core team. Called by ``manage.py demo`` after placements and networks exist;
idempotent like the rest of the demo (keyed on the questions' titles)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import translation

from accounts.models import Membership, Role, User
from environments.models import LearningEnvironment, OrganisationKind
from placements.models import Placement, PlacementStatus
from practice.models import Card, PracticeQuestion, QuestionStatus
from practice.services import (
    card_add,
    card_comment_add,
    card_move,
    question_pose,
    question_step,
    team_add,
)
from ulvo.lib.demo import DemoWriter

COINS = "Hoe maken we het schoolplein een fijnere plek, met minder ruzie in de pauze?"
AFTERNOONS = "Hoe maken we van de praktijkmiddagen een succes voor kinderen die leren door te doen?"
READING = "Hoe krijgen we meer ouders naar de inloopochtend?"


@dataclass(frozen=True)
class Story:
    title: str
    context: str
    hoped_for: str
    for_whom: str
    people_to_involve: str
    needed_domain: str
    stage: str
    outcome: str = ""
    # (title, the column it ends in: 0 to do, 1 doing, 2 done)
    cards: list[tuple[str, int]] = field(default_factory=list)


STORIES = [
    Story(
        title=COINS,
        context=(
            "Er zijn veel ruzies op het schoolplein. Als de kinderen daarna de klas in komen, "
            "zijn leraren nog lang bezig met rechtzetten wat er in de pauze is gebeurd."
        ),
        hoped_for=(
            "Meer plezier op het schoolplein: een aanpak die positief gedrag beloont en die "
            "de leraren samen met de kinderen kunnen volhouden."
        ),
        for_whom="Groep 3 tot en met 8 in de pauzes; de peuters van de kinderopvang",
        people_to_involve="De leraren (teamoverleg), de pleinwacht, de kinderopvang",
        needed_domain="pedagogical",
        stage=QuestionStatus.DELIVERED,
        outcome=(
            "Een muntensysteem: kinderen verdienen in de pauze munten voor samen spelen, een "
            "bord laat zien wie er munten verdiende en elke week is er een winnaar. Bij de "
            "peuters verdienen ze een munt als het wisselen van de fietsen goed gaat. "
            "Gepresenteerd in het teamoverleg."
        ),
        cards=[
            ("Ruzies in de pauze een week lang turven", 2),
            ("Beloningssysteem met munten ontwerpen", 2),
            ("Munten ook bij het wisselen van de fietsen (peuters)", 2),
            ("Presentatie voor het teamoverleg voorbereiden", 2),
        ],
    ),
    Story(
        title=AFTERNOONS,
        context=(
            "De school wil beter aansluiten bij leerlingen die leren door te doen: koken in de "
            "nieuwe keuken, houtbewerken, net waar hun interesse ligt. Dit jaar draait een "
            "kleine pilot met praktijklessen in drie groepen."
        ),
        hoped_for=(
            "Een opzet voor praktijkmiddagen waarop zoveel mogelijk kinderen doen wat ze "
            "graag willen leren, uitgeprobeerd in de pilot."
        ),
        for_whom="Midden- en bovenbouw, drie groepen in de pilot",
        people_to_involve="De leraren van de drie groepen, de vakleraar bewegingsonderwijs",
        needed_domain="educational",
        stage=QuestionStatus.IN_PROGRESS,
        cards=[
            ("Eén-op-één gesprekjes: wat wil je graag leren?", 1),
            ("Ideeën van de kinderen inventariseren en combineren", 0),
            ("Haalbare contactmomenten van het leerteam uitzoeken", 2),
            ("Eerste praktijkles koken voorbereiden", 0),
        ],
    ),
    Story(
        title=READING,
        context=(
            "Op de inloopochtend komen weinig ouders. Juist ouders die de school minder goed "
            "kennen, willen we graag spreken."
        ),
        hoped_for=("Ideeën die we dit schooljaar kunnen uitproberen, samen met het buurtteam."),
        for_whom="Ouders van groep 1 tot en met 4",
        people_to_involve="Het buurtteam, de ouderraad",
        needed_domain="social",
        stage=QuestionStatus.PROPOSED,
    ),
]


def _team(environment: LearningEnvironment) -> tuple[list[User], list[User]]:
    """Students of as many programmes as there are (one each), and two supervisors."""
    students: dict[int, User] = {}
    for placement in (
        Placement.objects.filter(environment=environment, status=PlacementStatus.ACTIVE)
        .select_related("student")
        .order_by("student__email")
    ):
        students.setdefault(placement.programme_id, placement.student)
    supervisors = [
        m.user
        for m in Membership.objects.filter(
            environment=environment,
            is_active=True,
            role__in=[Role.SCHOOL_TRAINER, Role.PRACTICE_SUPERVISOR],
        )
        .select_related("user")
        .order_by("user__email")
    ]
    unique = list({u.pk: u for u in supervisors}.values())
    return list(students.values())[:5], unique[:2]


def create_demo_practice(
    *, environments: Iterable[LearningEnvironment], stdout: DemoWriter
) -> None:
    environment = next(iter(environments), None)
    if environment is None:
        return
    school = environment.organisations.filter(kind=OrganisationKind.SCHOOL).order_by("name").first()
    trainer = (
        Membership.objects.filter(
            environment=environment, role=Role.SCHOOL_TRAINER, organisation=school
        )
        .select_related("user")
        .first()
    )
    if school is None or trainer is None:
        return
    students, supervisors = _team(environment)
    added = 0
    for story in STORIES:
        if PracticeQuestion.objects.filter(environment=environment, title=story.title).exists():
            continue
        question = question_pose(
            question=PracticeQuestion(
                environment=environment,
                host=school,
                title=story.title,
                context=story.context,
                hoped_for=story.hoped_for,
                for_whom=story.for_whom,
                people_to_involve=story.people_to_involve,
                needed_domain=story.needed_domain,
            ),
            asked_by=trainer.user,
        )
        added += 1
        if story.stage == QuestionStatus.PROPOSED:
            continue
        with translation.override("nl"):  # the board's column names, in Dutch
            question = question_step(question=question, step="accept")
        for student in students:
            team_add(question=question, user=student, is_supervisor=False)
        for supervisor in supervisors:
            if not question.team.filter(user=supervisor).exists():
                team_add(question=question, user=supervisor, is_supervisor=True)
        question = question_step(question=question, step="start")
        first = question.columns.order_by("position")[0]
        for number, (title, column) in enumerate(story.cards):
            card = card_add(
                question=question,
                column=first,
                title=title,
                assignee=students[number % len(students)] if students else None,
                created_by=students[0] if students else trainer.user,
            )
            for _ in range(column):
                card = Card.objects.get(pk=card.pk)
                card_move(card=card, version=card.version, direction="right")
            if number == 0 and students:
                card_comment_add(
                    card=card, author=students[-1], text="Ik neem de bovenbouw voor mijn rekening."
                )
        if story.stage == QuestionStatus.DELIVERED:
            question_step(question=question, step="deliver", text=story.outcome)
    stdout.write(f"Practice questions: {added} added in {environment.name}.")
