"""Demo reflections, feedback threads and shared learning outcomes with evidence.

Called by ``manage.py demo`` inside its transaction, after the placements, networks
and supervision exist. Idempotent: reflections are keyed on (author, environment,
text), outcomes on (environment, title); a thread is only started on a reflection
that has none, and evidence is linked through ``evidence_link``, which finds an
existing link. Everything goes through the services, so the authors are notified
of feedback as in real use. Texts name no pupil: they show how to write about one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from accounts.models import Role, User
from environments.models import LearningEnvironment
from learning_networks.models import Attendance, Presence
from placements.models import ActivityEntry, Placement, PlacementStatus, SupervisionAssignment
from reflections.models import (
    MECHANISM_FIELDS,
    LearningMechanism,
    LearningOutcome,
    Reflection,
    TArm,
    Visibility,
)
from reflections.services import (
    evidence_link,
    reflection_feedback_add,
    reflection_mark_read,
    reflection_save,
)
from ulvo.lib.demo import DEMO_DOMAIN, DemoWriter

NAMED_STUDENT = f"student{DEMO_DOMAIN}"
STUDENTS_PER_ENVIRONMENT = 8


class Spec(NamedTuple):
    text: str
    mechanisms: tuple[LearningMechanism, ...]
    t_arm: TArm
    disciplines: tuple[str, ...]
    visibility: Visibility
    draft: bool = False
    feedback: str = ""
    reply: str = ""


IDN, CRD, RFL, TRF = (
    LearningMechanism.IDENTIFICATION,
    LearningMechanism.COORDINATION,
    LearningMechanism.REFLECTION,
    LearningMechanism.TRANSFORMATION,
)

SPECS = [
    Spec(
        "Vandaag liep ik mee met de buurtwerker bij een huisbezoek. Ik merkte hoe anders zij "
        "naar het gezin kijkt dan ik vanuit de klas: zij begint bij wat er thuis speelt, ik "
        "bij wat leerling A op school laat zien. Ik weet nu beter wat mijn eigen rol is, en "
        "wat ik aan haar kan overlaten.",
        (IDN,),
        TArm.DEEPENING,
        ("social_work", "teacher"),
        Visibility.SUPERVISORS,
        feedback="Mooi dat je het verschil in vertrekpunt benoemt. Wat neem je hiervan mee "
        "naar je gesprekken met ouders?",
        reply="Ik wil vaker eerst vragen hoe het thuis gaat voordat ik over school begin.",
    ),
    Spec(
        "We hebben met de leerkracht, de jongerenwerker en mij een vaste overdracht op "
        "vrijdag afgesproken: tien minuten, drie vragen. Daardoor weten we van elkaar wat "
        "er deze week met de groep is gebeurd, zonder dat iemand extra vergaderingen heeft.",
        (CRD,),
        TArm.CONNECTING,
        ("teacher", "youth_work"),
        Visibility.NETWORK,
        feedback="Een praktische afspraak die werkt. Kun je die in het leernetwerk delen?",
    ),
    Spec(
        "Tijdens de intervisie vroeg de pabostudent waarom ik een conflict op het plein "
        "niet meteen oplos. Ik legde uit dat ik kinderen het eerst zelf laat proberen. Door "
        "haar vraag zag ik dat ik dat niet altijd uitleg aan de kinderen zelf.",
        (RFL, IDN),
        TArm.BOTH,
        ("teacher", "pedagogy"),
        Visibility.SUPERVISORS,
        feedback="Sterk voorbeeld van kijken door de ogen van een ander. Probeer het volgende "
        "week hardop te benoemen en schrijf op wat er gebeurt.",
    ),
    Spec(
        "Samen met de BSO-medewerker hebben we een leesplek in het buurthuis ingericht die "
        "school en BSO allebei gebruiken. Geen van ons had dat alleen bedacht: het is echt "
        "iets nieuws geworden, met afspraken over boeken, tijden en wie erbij is.",
        (TRF, CRD),
        TArm.CONNECTING,
        ("childcare", "teacher", "social_work"),
        Visibility.NETWORK,
        feedback="Dit is precies waar het leernetwerk om draait. Hoe houden jullie het vol "
        "als de stage afgelopen is?",
        reply="We maken een overdrachtsmap voor de volgende studenten.",
    ),
    Spec(
        "Ik merk dat ik onzeker word als de beeldend therapeut meekijkt. Zij ziet andere "
        "dingen in de tekeningen van de kinderen dan ik. Dit wil ik eerst voor mezelf op "
        "een rijtje zetten voordat ik het bespreek.",
        (RFL,),
        TArm.DEEPENING,
        ("arts_therapy",),
        Visibility.PRIVATE,
    ),
    Spec(
        "Eerste aantekeningen over de kick-off: veel nieuwe namen en opleidingen. Ik wil "
        "nog uitzoeken wat een pedagogisch medewerker precies doet op de BSO.",
        (IDN,),
        TArm.CONNECTING,
        ("childcare", "pedagogy"),
        Visibility.SUPERVISORS,
        draft=True,
    ),
]

OUTCOMES = [
    (
        "Werken vanuit je eigen discipline",
        "Je kunt uitleggen wat jouw vak bijdraagt aan de ontwikkeling van kinderen en "
        "jongeren in de wijk, en waar jouw expertise ophoudt.",
        "Je beschrijft in een reflectie een situatie waarin je bewust koos voor jouw "
        "aanpak, en je bespreekt die met je praktijkopleider.",
    ),
    (
        "Samenwerken over grenzen heen",
        "Je stemt je werk af met professionals en studenten uit andere disciplines en "
        "maakt daar werkbare afspraken over.",
        "Je laat met minstens twee activiteiten zien hoe je samenwerkte, en reflecteert op "
        "wat de samenwerking opleverde.",
    ),
    (
        "Samen iets nieuws maken",
        "Je ontwikkelt samen met anderen een aanpak die geen van de disciplines alleen had "
        "kunnen bedenken.",
        "Je beschrijft het resultaat, ieders bijdrage en wat er blijft na je stage.",
    ),
]
# Which outcome a reflection spec counts as evidence for (by position in OUTCOMES).
EVIDENCE_FOR = {0: 0, 1: 1, 2: 0, 3: 2, 4: 0}


@dataclass
class _Tally:
    reflections: int = 0
    feedback: int = 0
    outcomes: int = 0
    evidence: int = 0


def _students(environment: LearningEnvironment) -> list[Placement]:
    """One active placement per student, the named student first."""
    placements = (
        Placement.objects.filter(
            environment=environment,
            status=PlacementStatus.ACTIVE,
            student__email__endswith=DEMO_DOMAIN,
        )
        .select_related("student")
        .order_by("student__email", "pk")
    )
    by_student: dict[int, Placement] = {}
    for placement in placements:
        by_student.setdefault(placement.student_id, placement)
    chosen = sorted(
        by_student.values(), key=lambda p: (p.student.email != NAMED_STUDENT, p.student.email)
    )
    return chosen[:STUDENTS_PER_ENVIRONMENT]


def _supervisor(placement: Placement) -> User | None:
    assignment = (
        SupervisionAssignment.objects.filter(placement=placement, supervisor__isnull=False)
        .select_related("supervisor")
        .order_by("role", "pk")
        .first()
    )
    return assignment.supervisor if assignment else None


def _reflection(
    spec: Spec, placement: Placement, environment: LearningEnvironment, tally: _Tally
) -> Reflection:
    student = placement.student
    existing = Reflection.objects.filter(
        author=student, environment=environment, text=spec.text
    ).first()
    if existing is not None:
        return existing
    reflection = Reflection(
        author=student,
        environment=environment,
        placement=placement,
        text=spec.text,
        t_arm=spec.t_arm,
        disciplines=list(spec.disciplines),
        visibility=spec.visibility,
    )
    for mechanism in spec.mechanisms:
        setattr(reflection, MECHANISM_FIELDS[mechanism], True)
    if spec.mechanisms == (CRD,):
        reflection.activity = (
            ActivityEntry.objects.filter(placement=placement).order_by("-date", "pk").first()
        )
    if spec.mechanisms == (RFL, IDN):
        attended = (
            Attendance.objects.filter(
                user=student,
                presence=Presence.PRESENT,
                session__network__environment=environment,
            )
            .select_related("session")
            .order_by("-session__starts_at")
            .first()
        )
        reflection.session = attended.session if attended else None
    tally.reflections += 1
    return reflection_save(reflection=reflection, publish=not spec.draft)


def _thread(spec: Spec, reflection: Reflection, supervisor: User | None, tally: _Tally) -> None:
    if not spec.feedback or supervisor is None or reflection.is_draft:
        return
    if reflection.feedback.exists():
        return
    reflection_mark_read(reflection=reflection, reader=supervisor)
    reflection_feedback_add(reflection=reflection, author=supervisor, text=spec.feedback)
    tally.feedback += 1
    if spec.reply:
        reflection_feedback_add(reflection=reflection, author=reflection.author, text=spec.reply)
        tally.feedback += 1


def _outcomes(environment: LearningEnvironment, tally: _Tally) -> list[LearningOutcome]:
    coordinator = (
        User.objects.filter(
            memberships__environment=environment,
            memberships__role=Role.COORDINATOR,
            email__endswith=DEMO_DOMAIN,
        )
        .order_by("email")
        .first()
    )
    outcomes = []
    for position, (title, description, criteria) in enumerate(OUTCOMES, start=1):
        outcome = LearningOutcome.objects.filter(environment=environment, title=title).first()
        if outcome is None:
            outcome = LearningOutcome(
                environment=environment,
                title=title,
                description=description,
                criteria=criteria,
                position=position,
            )
            outcome.created_by = coordinator
            outcome.save()
            tally.outcomes += 1
        outcomes.append(outcome)
    return outcomes


def create_demo_reflections(
    *, environments: Iterable[LearningEnvironment], stdout: DemoWriter
) -> None:
    """Reflections of every visibility and mechanism by several students per environment,
    feedback threads with read receipts, and shared learning outcomes with evidence."""
    tally = _Tally()
    for environment in environments:
        outcomes = _outcomes(environment, tally)
        for turn, placement in enumerate(_students(environment)):
            supervisor = _supervisor(placement)
            # The named student writes every kind; the others two each, in turn.
            if placement.student.email == NAMED_STUDENT:
                chosen = list(enumerate(SPECS))
            else:
                chosen = [(i % len(SPECS), SPECS[i % len(SPECS)]) for i in (turn, turn + 3)]
            for index, spec in chosen:
                reflection = _reflection(spec, placement, environment, tally)
                _thread(spec, reflection, supervisor, tally)
                if index in EVIDENCE_FOR and not reflection.is_draft:
                    before = reflection.evidence.count()
                    evidence_link(
                        outcome=outcomes[EVIDENCE_FOR[index]],
                        student=placement.student,
                        reflection=reflection,
                    )
                    tally.evidence += reflection.evidence.count() - before
            entry = ActivityEntry.objects.filter(placement=placement).order_by("date", "pk").first()
            if entry is not None:
                before = entry.evidence.count()
                evidence_link(outcome=outcomes[1], student=placement.student, activity=entry)
                tally.evidence += entry.evidence.count() - before
    stdout.write(
        f"Reflections: {tally.reflections} written, {tally.feedback} responses, "
        f"{tally.outcomes} learning outcomes, {tally.evidence} pieces of evidence linked."
    )
