"""Demo learning networks: one per demo environment, with a learning line of sessions.

Called by ``manage.py demo`` inside its transaction, after the placements (the
sessions are put on the weekday most students are on site). Networks are keyed on
(environment, name), lines on (network, title) and sessions on (network, theme,
date). The dates count from the day the network was created, not from today, so
running the command again on a later day finds the same sessions instead of adding
a shifted copy. Attendance and feedback are only made for a session that has none
yet. Everything random is seeded by name: the same database gives the same demo.

Sessions go through the services (``session_save`` invites the audience,
``session_publish``, ``session_cancel``, ``attendance_answer``,
``attendance_register``, ``feedback_give``). The only exception is the answers
to sessions that already took place: see ``_answer_in_hindsight``.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role, User
from environments.models import Domain, LearningEnvironment, Programme
from learning_networks.models import (
    Answer,
    Attendance,
    LearningLine,
    LearningNetwork,
    NetworkSession,
    Presence,
    SessionFeedback,
    SessionKind,
    SessionStatus,
)
from learning_networks.services import (
    attendance_answer,
    attendance_register,
    feedback_give,
    network_member_set,
    session_cancel,
    session_publish,
    session_save,
)
from placements.models import Placement, PlacementStatus, Weekday
from ulvo.lib.demo import DEMO_DOMAIN, DemoWriter

NAMED_STUDENT = f"student{DEMO_DOMAIN}"  # the student everyone clicks through first


def _email(local_part: str) -> str:
    return f"{local_part}{DEMO_DOMAIN}"


# What becomes of a session in the demo.
HELD, PLANNED, DRAFT, CANCELLED = "held", "planned", "draft", "cancelled"


class Spec(NamedTuple):
    kind: str
    theme: str
    week: int  # weeks from the week the network was created; negative: in the past
    start: tuple[int, int]  # (hour, minute)
    minutes: int
    location: str | None  # an organisation of the environment
    room: str
    facilitators: tuple[str, ...]  # e-mail local parts
    notes: str
    outcome: str
    in_line: bool = True
    domains: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    # Partner organisations invited as a whole, beyond the network (their colleagues).
    guest_organisations: tuple[str, ...] = ()


@dataclass(frozen=True)
class NetworkSpec:
    environment: str
    name: str
    description: str
    core_team: tuple[str, ...]
    line_title: str
    line_description: str
    sessions: list[Spec] = field(default_factory=list)


K = SessionKind
NETWORKS = [
    NetworkSpec(
        environment="Leidsche Rijn",
        name="Leernetwerk Leidsche Rijn",
        description=(
            "Studenten van alle opleidingen in Leidsche Rijn komen elke paar weken samen "
            "met professionals van de scholen, het buurtteam en de opleidingen."
        ),
        core_team=(
            "schoolopleider.regenboog",  # school trainer
            "praktijk.buurtteam",  # neighbourhood practice supervisor
            "opleider.hu",  # institute supervisors
            "opleider.marnix",
        ),
        line_title="Samen werken aan leesplezier",
        line_description=(
            "Hoe krijgen kinderen in Leidsche Rijn meer plezier in lezen, op school, op de "
            "BSO en thuis? Studenten uit onderwijs, sociaal werk en pedagogiek werken samen "
            "aan het vraagstuk dat de scholen inbrachten."
        ),
        sessions=[
            Spec(
                K.KICK_OFF,
                "Jaarstart: kennismaken met de wijk en het vraagstuk leesplezier",
                -9,
                (13, 30),
                180,
                "Basisschool De Regenboog",
                "Aula",
                ("schoolopleider.regenboog", "praktijk.buurtteam", "opleider.hu"),
                "De scholen vertellen in tien minuten waarom leesplezier hun vraagstuk is. "
                "Daarna gemengde tafels (onderwijs, sociaal, pedagogisch): wat zie jij in je "
                "stage? Neem je stageplan mee. Koffie en thee vanaf 13.15 uur.",
                HELD,
            ),
            Spec(
                K.MIXED,
                "Wat maakt lezen leuk? Kijken door de ogen van school, buurt en gezin",
                -6,
                (14, 0),
                120,
                "Buurtteam Leidsche Rijn",
                "Buurtkamer",
                ("praktijk.buurtteam", "opleider.marnix"),
                "Sluit aan op de jaarstart: elke tafel gaat verder met de vragen die daar zijn "
                "opgehaald. Voorbereiding: lees het artikel over leesmotivatie in de gedeelde "
                "map en vraag in je stage één ouder of collega hoe er thuis gelezen wordt.",
                HELD,
            ),
            Spec(
                K.SKILLS_LAB,
                "Skills lab: interactief voorlezen en het gesprek over een prentenboek",
                -3,
                (13, 30),
                150,
                "IKC Het Zand",
                "Speellokaal",
                ("praktijk.hetzand", "opleider.marnix"),
                "Oefenen in drietallen: voorlezen, vragen stellen, doorvragen. Neem een "
                "prentenboek mee dat je in je stage gebruikt. Bouwt voort op de ideeën over "
                "leesmotivatie van de vorige bijeenkomst.",
                HELD,
            ),
            Spec(
                K.INTERVISION,
                "Intervisie: wat doe je als een kind afhaakt bij lezen?",
                1,
                (14, 0),
                120,
                "Hogeschool Utrecht",
                "Lokaal 2.07",
                ("opleider.hu", "schoolopleider.regenboog"),
                "Intervisie volgens de incidentmethode, in gemengde groepjes van vijf. Schrijf "
                "vooraf een korte situatie uit je stage op (zonder namen van kinderen). We "
                "gebruiken wat je oefende in het skills lab.",
                PLANNED,
            ),
            Spec(
                K.WORKSHOP,
                "Workshop: lezen na schooltijd, voorleesactiviteiten op de BSO",
                3,
                (15, 0),
                120,
                "BSO De Speeltuin",
                "Grote groepsruimte",
                ("praktijk.bso", "praktijk.buurtteam"),
                "Lotte de Graaf van BSO De Speeltuin laat zien hoe de BSO lezen in het spel "
                "verweeft. Daarna ontwerp je in een gemengd groepje een activiteit die je in je "
                "eigen stage kunt uitproberen.",
                PLANNED,
                domains=(Domain.PEDAGOGICAL, Domain.SOCIAL),
                # The school's teachers too: reading does not stop at the school gate.
                guest_organisations=("Basisschool De Regenboog",),
            ),
            Spec(
                K.EXPEDITION,
                "Expeditie: de bibliotheek en het leescafé in Leidsche Rijn Centrum",
                6,
                (13, 0),
                180,
                None,
                "Bibliotheek Leidsche Rijn, Berlijnplein",
                ("praktijk.buurtteam", "opleider.hu"),
                "Nog uit te werken: rondleiding door de bibliotheek, gesprek met de "
                "leesconsulent en een bezoek aan het leescafé. We verzamelen bij de ingang.",
                DRAFT,
            ),
            Spec(
                K.MONO,
                "Leesdidactiek voor pabo en onderwijsassistenten",
                2,
                (15, 30),
                90,
                "Marnix Academie",
                "Lokaal 1.12",
                ("opleider.marnix",),
                "Verdieping voor de onderwijsstudenten. Afgelast: te weinig aanmeldingen, we "
                "nemen het onderwerp mee in de intervisie.",
                CANCELLED,
                in_line=False,
                programmes=("Pabo", "Onderwijsassistent"),
            ),
        ],
    ),
    NetworkSpec(
        environment="Vleuten/De Meern",
        name="Leernetwerk Vleuten/De Meern",
        description=(
            "Het leernetwerk van Vleuten/De Meern: school, jongerenwerk, BSO en opleidingen "
            "leren samen met de studenten van de wijk."
        ),
        core_team=(
            "schoolopleider.demeernzuid",  # school trainer
            "praktijk.jongerenwerk",  # neighbourhood practice supervisor
            "opleider.mbo",  # institute supervisor
        ),
        line_title="De wijk als leeromgeving",
        line_description=(
            "Wat leren kinderen en jongeren buiten de school, en hoe verbind je dat met de "
            "klas? Studenten verkennen de wijk samen met het jongerenwerk, de BSO en de school."
        ),
        sessions=[
            Spec(
                K.KICK_OFF,
                "Kick-off: de wijk als leeromgeving",
                -8,
                (13, 30),
                180,
                "Basisschool De Meern-Zuid",
                "Aula",
                ("schoolopleider.demeernzuid", "praktijk.jongerenwerk", "opleider.mbo"),
                "Kennismaking en uitleg over de leerlijn. Neem een foto mee van een plek in de "
                "wijk waar je kinderen of jongeren tegenkomt; die gebruiken we in de opening.",
                HELD,
            ),
            Spec(
                K.EXPEDITION,
                "Wijkwandeling: waar spelen, sporten en leren kinderen na school?",
                -5,
                (13, 0),
                180,
                "Jongerenwerk Vleuten",
                "Jongerencentrum (verzamelen)",
                ("praktijk.jongerenwerk", "praktijk.demeernzuid"),
                "We lopen in groepjes langs speelplekken, het Cruijff Court en het "
                "jongerencentrum. Trek schoenen aan waarop je kunt lopen. Gebruik de foto's "
                "van de kick-off als startpunt.",
                HELD,
            ),
            Spec(
                K.WORKSHOP,
                "Workshop door het jongerenwerk: in gesprek met jongeren die school lastig vinden",
                -1,
                (14, 0),
                120,
                "Jongerenwerk Vleuten",
                "Ontmoetingsruimte",
                ("praktijk.jongerenwerk", "opleider.hu"),
                "Kevin Brouwer vertelt hoe het jongerenwerk contact legt en houdt. Daarna "
                "oefenen met gespreksopeningen. Denk na over wat je op de wijkwandeling zag.",
                HELD,
            ),
            Spec(
                K.INTERVISION,
                "Intervisie: wat zag je in de wijk, en wat betekent dat voor de klas?",
                1,
                (14, 0),
                120,
                "Basisschool De Meern-Zuid",
                "Teamkamer",
                ("opleider.mbo", "schoolopleider.demeernzuid"),
                "Breng één situatie in uit je stage waarin de wijk de klas binnenkwam, zonder "
                "namen van kinderen of jongeren. We werken met de roddelmethode.",
                PLANNED,
            ),
            Spec(
                K.SKILLS_LAB,
                "Skills lab: een buitenactiviteit begeleiden met een gemengde groep",
                4,
                (13, 30),
                150,
                "BSO De Speeltuin",
                "Speelzaal en buitenterrein",
                ("praktijk.bso", "opleider.mbo"),
                "Je bereidt in tweetallen een korte buitenactiviteit voor en begeleidt die bij "
                "elkaar. Feedback op veiligheid, uitleg en betrekken van stille kinderen.",
                PLANNED,
                domains=(Domain.PEDAGOGICAL, Domain.SOCIAL),
            ),
            Spec(
                K.MIXED,
                "Samen een wijkactiviteit ontwerpen voor de voorjaarsvakantie",
                7,
                (14, 0),
                150,
                "Jongerenwerk Vleuten",
                "Ontmoetingsruimte",
                ("praktijk.jongerenwerk", "schoolopleider.demeernzuid"),
                "Concept: gemengde teams ontwerpen een activiteit die school, BSO en "
                "jongerenwerk samen kunnen uitvoeren. Nog afstemmen met de BSO.",
                DRAFT,
            ),
            Spec(
                K.EXPEDITION,
                "Bezoek aan de zorgboerderij in Haarzuilens",
                2,
                (13, 0),
                210,
                None,
                "Zorgboerderij, Haarzuilens",
                ("praktijk.demeernzuid",),
                "Afgelast: de boerderij kon ons deze maand niet ontvangen. We zoeken in het "
                "voorjaar een nieuwe datum.",
                CANCELLED,
                in_line=False,
            ),
        ],
    ),
]

# Why a student could not come. The class day is used when it is the student's own.
CLASS_DAY = "Vaste lesdag op de opleiding"
EXCUSES = [
    "Ziek",
    "Afspraak bij de huisarts",
    "Toets op de opleiding",
    "Ouderavond op mijn stageschool",
    "Familieomstandigheden",
]
CANNOT_COME = [
    "Dan heb ik een toets op de opleiding",
    "Ik begeleid die middag een uitje met mijn groep",
    "Afspraak bij de tandarts",
    "Mijn stagebegeleider heeft me dan nodig bij een oudergesprek",
]
COMMENTS = [
    "Fijn om met studenten van andere opleidingen te praten.",
    "Veel herkenning, dit neem ik mee naar mijn stage.",
    "Iets te veel uitleg, ik had liever meer geoefend.",
    "De voorbeelden uit de praktijk maakten het concreet.",
    "Graag de volgende keer meer tijd voor de casussen.",
    "Goed voorbereid en een duidelijke opdracht.",
    "Interessant, maar minder relevant voor mijn opleiding.",
]


# --- When ----------------------------------------------------------------------------


def _busiest_weekday(environment: LearningEnvironment) -> int:
    """The weekday most of the environment's students are on site (placements' masks)."""
    counts: Counter[int] = Counter()
    for mask in Placement.objects.filter(
        environment=environment, status=PlacementStatus.ACTIVE
    ).values_list("weekdays_on_site", flat=True):
        for day in Weekday.values:
            if mask & (1 << (day - 1)) and day <= Weekday.FRIDAY:
                counts[day] += 1
    if not counts:
        return Weekday.TUESDAY
    return min(counts, key=lambda day: (-counts[day], day))


def _moment(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


# --- Who -----------------------------------------------------------------------------


def _network(
    spec: NetworkSpec, environment: LearningEnvironment, users: dict[str, User]
) -> LearningNetwork:
    network, _ = LearningNetwork.objects.get_or_create(
        environment=environment, name=spec.name, defaults={"description": spec.description}
    )
    members = set(network.memberships.values_list("user_id", flat=True))
    core = {_email(local) for local in spec.core_team}
    for email in sorted(core):
        network_member_set(network=network, user=users[email], core_team=True)
    facilitators = {_email(local) for s in spec.sessions for local in s.facilitators}
    students = (
        Membership.objects.filter(
            environment=environment,
            role=Role.STUDENT,
            is_active=True,
            user__email__endswith=DEMO_DOMAIN,
        )
        .select_related("user")
        .order_by("user__email")
    )
    newcomers = [m.user for m in students] + [users[e] for e in sorted(facilitators - core)]
    for user in newcomers:
        if user.pk not in members:
            network_member_set(network=network, user=user)
            members.add(user.pk)
    return network


# --- What happened -------------------------------------------------------------------


def _answer_in_hindsight(attendances: list[Attendance]) -> None:
    """Store answers to a session that already took place.

    ``attendance_answer`` refuses answers once a session has started, as it should
    for real participants; the demo makes its past after the fact, so the answers
    people would have given beforehand are written directly. Nothing else is.
    """
    Attendance.objects.bulk_update(attendances, ["answer", "reason"])


def _hold(
    session: NetworkSession,
    rng: random.Random,
    students: set[int],
    class_days: dict[int, list[int]],
    spare: set[int],
) -> tuple[int, int]:
    """Answers, presence and feedback of a session that took place.

    Students in ``spare`` come but give no feedback yet (the demo's "to do").
    Returns (registered, feedback given)."""
    facilitators = set(session.facilitators.values_list("pk", flat=True))
    weekday = timezone.localdate(session.starts_at).isoweekday()
    attendances = list(session.attendances.select_related("user").order_by("user__email"))
    presence: dict[int, str] = {}
    for attendance in attendances:
        draw = rng.random()
        if attendance.user_id in facilitators or attendance.user.email == NAMED_STUDENT:
            attendance.answer, attendance.reason = Answer.YES, ""
            presence[attendance.pk] = Presence.PRESENT
        elif attendance.user_id not in students:  # a core-team member in the audience
            if draw < 0.7:
                attendance.answer = Answer.YES
                presence[attendance.pk] = Presence.PRESENT
            else:
                attendance.answer, attendance.reason = Answer.NO, "Overleg op school"
                presence[attendance.pk] = Presence.EXCUSED
        elif weekday in class_days.get(attendance.user_id, []):
            attendance.answer, attendance.reason = Answer.NO, CLASS_DAY
            presence[attendance.pk] = Presence.EXCUSED
        elif draw < 0.08:
            attendance.answer, attendance.reason = Answer.NO, rng.choice(EXCUSES)
            presence[attendance.pk] = Presence.EXCUSED
        elif draw < 0.14:
            # Said they would come (or never answered) and did not show up.
            attendance.answer = rng.choice([Answer.YES, Answer.NONE])
            presence[attendance.pk] = Presence.ABSENT
        else:
            attendance.answer = Answer.YES if rng.random() < 0.85 else Answer.NONE
            presence[attendance.pk] = Presence.PRESENT
    _answer_in_hindsight(attendances)
    for attendance in attendances:
        attendance_register(attendance=attendance, presence=presence[attendance.pk])

    given = 0
    for attendance in attendances:
        if (
            presence[attendance.pk] != Presence.PRESENT
            or attendance.user_id not in students  # facilitators do not rate their own session
            or attendance.user_id in spare
            or rng.random() < 0.2
        ):
            continue
        usefulness = rng.choice([2, 3, 3, 4, 4, 4, 5, 5])
        relevance = min(5, max(2, usefulness + rng.choice([-1, 0, 0, 1])))
        comment = rng.choice(COMMENTS) if rng.random() < 0.25 else ""
        attendance.session = session
        feedback_give(
            attendance=attendance, usefulness=usefulness, relevance=relevance, comment=comment
        )
        given += 1
    return len(attendances), given


def _answer_ahead(
    session: NetworkSession,
    rng: random.Random,
    students: set[int],
    class_days: dict[int, list[int]],
) -> int:
    """Some of the invitees answer a planned session; the named student has not yet."""
    facilitators = set(session.facilitators.values_list("pk", flat=True))
    weekday = timezone.localdate(session.starts_at).isoweekday()
    answered = 0
    for attendance in session.attendances.select_related("user").order_by("user__email"):
        if attendance.user.email == NAMED_STUDENT:
            continue
        attendance.session = session
        draw = rng.random()
        if attendance.user_id in facilitators:
            attendance_answer(attendance=attendance, answer=Answer.YES)
        elif attendance.user_id in students and weekday in class_days.get(attendance.user_id, []):
            attendance_answer(attendance=attendance, answer=Answer.NO, reason=CLASS_DAY)
        elif draw < 0.1:
            attendance_answer(
                attendance=attendance, answer=Answer.NO, reason=rng.choice(CANNOT_COME)
            )
        elif draw < 0.55:
            attendance_answer(attendance=attendance, answer=Answer.YES)
        else:
            continue
        answered += 1
    return answered


# --- Entry points --------------------------------------------------------------------


@dataclass
class _Tally:
    networks: int = 0
    sessions: int = 0
    registered: int = 0
    feedback: int = 0
    answers: int = 0


def _sessions(
    spec: NetworkSpec,
    network: LearningNetwork,
    users: dict[str, User],
    tally: _Tally,
) -> None:
    environment = network.environment
    line, _ = LearningLine.objects.get_or_create(
        network=network, title=spec.line_title, defaults={"description": spec.line_description}
    )
    organisations = {o.name: o for o in environment.organisations.all()}
    programmes = {p.name: p for p in Programme.objects.filter(name__in=_programme_names(spec))}
    placements = Placement.objects.filter(environment=environment, status=PlacementStatus.ACTIVE)
    class_days = {p.student_id: p.days_at_institute for p in placements}
    students = set(
        Membership.objects.filter(
            environment=environment, role=Role.STUDENT, is_active=True
        ).values_list("user_id", flat=True)
    )
    # Counted from the network's first day, so later runs find the same dates.
    anchor = timezone.localdate(network.created_at)
    monday = anchor - datetime.timedelta(days=anchor.weekday())
    weekday = _busiest_weekday(environment)
    last_held = max(s.week for s in spec.sessions if s.outcome == HELD)
    position = 0
    for session_spec in spec.sessions:
        if session_spec.in_line:
            position += 1
        day = monday + datetime.timedelta(weeks=session_spec.week, days=weekday - 1)
        starts_at = _moment(day, *session_spec.start)
        rng = random.Random(f"session:{spec.name}:{session_spec.theme}")
        session = NetworkSession.objects.filter(
            network=network, theme=session_spec.theme, starts_at__date=day
        ).first()
        if session is None:
            session = NetworkSession(
                network=network,
                line=line if session_spec.in_line else None,
                position=position if session_spec.in_line else 1,
                kind=session_spec.kind,
                theme=session_spec.theme,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(minutes=session_spec.minutes),
                location=organisations.get(session_spec.location or ""),
                room=session_spec.room,
                audience_domains=list(session_spec.domains),
                status=_first_status(session_spec.outcome, starts_at),
                preparation_notes=session_spec.notes,
            )
            session_save(
                session=session,
                facilitators=[users[_email(local)] for local in session_spec.facilitators],
                audience_programmes=[programmes[name] for name in session_spec.programmes],
                guest_organisations=[
                    organisations[name] for name in session_spec.guest_organisations
                ],
            )
            if session.status == SessionStatus.DRAFT and session_spec.outcome != DRAFT:
                session = session_publish(session=session)  # invites the audience
            tally.sessions += 1
        has_answers = session.attendances.exclude(answer=Answer.NONE).exists()
        if session_spec.outcome == HELD and not (
            has_answers
            or session.attendances.exclude(presence=Presence.UNKNOWN).exists()
            or session.feedback.exists()
        ):
            # The named student still has feedback to give on the latest session.
            spare = {users[NAMED_STUDENT].pk} if session_spec.week == last_held else set()
            registered, given = _hold(session, rng, students, class_days, spare)
            tally.registered += registered
            tally.feedback += given
        elif (
            session_spec.outcome in (PLANNED, CANCELLED)
            and not has_answers
            and session.status != SessionStatus.CANCELLED
            and session.starts_at > timezone.now()
        ):
            tally.answers += _answer_ahead(session, rng, students, class_days)
        if session_spec.outcome == CANCELLED and session.status != SessionStatus.CANCELLED:
            session_cancel(session=session)


def _first_status(outcome: str, starts_at: datetime.datetime) -> str:
    """Held sessions are saved as held; upcoming ones start as a draft and are published.
    (A network made long ago has its "upcoming" sessions in the past: those are saved as
    planned, since only a future draft can be published.)"""
    if outcome == HELD:
        return SessionStatus.HELD
    if outcome != DRAFT and starts_at <= timezone.now():
        return SessionStatus.PLANNED
    return SessionStatus.DRAFT


def _programme_names(spec: NetworkSpec) -> set[str]:
    return {name for session in spec.sessions for name in session.programmes}


def create_demo_networks(
    *, environments: Iterable[LearningEnvironment], stdout: DemoWriter
) -> None:
    """A learning network per demo environment with its core team, all demo students as
    members and a learning line of held, planned and draft sessions. Idempotent."""
    by_name = {environment.name: environment for environment in environments}
    users = {user.email: user for user in User.objects.filter(email__endswith=DEMO_DOMAIN)}
    tally = _Tally()
    for spec in NETWORKS:
        environment = by_name.get(spec.environment)
        if environment is None:
            continue
        network = _network(spec, environment, users)
        network.environment = environment
        _sessions(spec, network, users, tally)
        tally.networks += 1
    stdout.write(
        f"Learning networks: {tally.networks} networks; {tally.sessions} sessions created, "
        f"{tally.registered} attendances registered, {tally.feedback} feedback given, "
        f"{tally.answers} answers to upcoming sessions."
    )


def print_session_hints(*, environments: Iterable[LearningEnvironment], stdout: DemoWriter) -> None:
    """One line: who sees the roster of an upcoming session, who has feedback to give."""
    now = timezone.now()
    networks = LearningNetwork.objects.filter(
        environment__in=list(environments), name__in=[spec.name for spec in NETWORKS]
    )
    planned = NetworkSession.objects.filter(
        network__in=networks, status=SessionStatus.PLANNED, starts_at__gt=now
    ).order_by("starts_at", "pk")
    # Preferably the one the named student is invited to, so both hints fit together.
    upcoming = planned.filter(attendances__user__email=NAMED_STUDENT).first() or planned.first()
    facilitator = (
        upcoming.facilitators.filter(email__endswith=DEMO_DOMAIN)
        .exclude(memberships__role=Role.COORDINATOR)
        .order_by("email")
        .first()
        if upcoming
        else None
    )
    to_rate = (
        Attendance.objects.filter(
            session__network__in=networks,
            session__status=SessionStatus.HELD,
            presence=Presence.PRESENT,
            user__memberships__role=Role.STUDENT,
            user__email__endswith=DEMO_DOMAIN,
        )
        .exclude(
            Exists(
                SessionFeedback.objects.filter(session=OuterRef("session"), user=OuterRef("user"))
            )
        )
        .select_related("user", "session")
        .order_by("-session__starts_at", "user__email")
    )
    named = to_rate.filter(user__email=NAMED_STUDENT).first() or to_rate.first()
    parts = []
    if upcoming and facilitator:
        url = settings.ULVO_BASE_URL + reverse("learning_networks:roster", args=[upcoming.pk])
        parts.append(
            f"{facilitator.email} sees the roster of '{upcoming.theme}' "
            f"({timezone.localtime(upcoming.starts_at):%d-%m-%Y}) at {url}"
        )
    if named:
        url = settings.ULVO_BASE_URL + named.session.get_absolute_url()
        parts.append(f"{named.user.email} can give feedback on '{named.session.theme}' at {url}")
    if parts:
        stdout.write("")
        stdout.write("Sessions: " + "; ".join(parts) + ".")
