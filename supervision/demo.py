"""Demo data of supervision: each environment's "who does what", supervision meeting
notes, and the hours professionals logged. Called by ``manage.py demo`` after the
placements and learning networks exist; idempotent like the rest of the demo.

The own-domain gaps come from placements/demo.py: some social-domain students are
only at a school and supervised from education, as in the pilots.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Membership, Role
from environments.models import LearningEnvironment, Organisation
from learning_networks.models import NetworkMembership
from placements.models import (
    SUPERVISOR_ROLES,
    Placement,
    PlacementStatus,
    SupervisionAssignment,
    own_domain_supervision,
)
from supervision.forms import organisation_domain
from supervision.models import MeetingNote, ResponsibilityAgreement, TimeKind, TimeLog
from ulvo.lib.demo import DEMO_DOMAIN, DemoWriter

AGREEMENTS = {
    "Leidsche Rijn": {
        "practice_supervisor": (
            "De praktijkopleider begeleidt de student op de werkplek, bij voorkeur iemand uit "
            "het eigen domein van de student (onderwijs, sociaal of pedagogisch). Hij of zij "
            "voert elke twee weken een begeleidingsgesprek, tekent wekelijks de uren af en "
            "geeft halverwege en aan het eind input voor de beoordeling. Bij zorgen over de "
            "voortgang neemt de praktijkopleider contact op met de instituutsopleider."
        ),
        "school_trainer": (
            "De schoolopleider coördineert de opleiding in de school: zorgt voor een plek in "
            "een groep, koppelt studenten van verschillende opleidingen aan elkaar en bewaakt "
            "de samenwerking met het buurtteam. Voor pabo- en lerarenopleidingsstudenten "
            "beoordeelt de schoolopleider samen met het instituut; voor studenten uit het "
            "sociale of pedagogische domein is de schoolopleider aanspreekpunt in de school, "
            "niet de beoordelaar."
        ),
        "institute_supervisor": (
            "De instituutsopleider bewaakt de leerdoelen van de opleiding, bezoekt de student "
            "minstens één keer per periode op de stageplek, leest de reflecties en is "
            "eindverantwoordelijk voor de beoordeling. Hij of zij neemt deel aan het kernteam "
            "van het leernetwerk en bereidt bijeenkomsten mee voor."
        ),
    },
    "Vleuten/De Meern": {
        "practice_supervisor": (
            "De praktijkopleider (op school, bij het jongerenwerk of op de BSO) begeleidt de "
            "student dagelijks, voert om de week een kort begeleidingsgesprek en tekent de "
            "uren af. Heeft de student geen praktijkopleider uit het eigen domein, dan zoekt "
            "de coördinator samen met de wijkorganisaties een collega die dat wel is."
        ),
        "school_trainer": (
            "De schoolopleider van De Meern-Zuid verdeelt de studenten over de groepen, "
            "organiseert de intervisie op school en beoordeelt de onderwijsstudenten samen met "
            "de opleiding."
        ),
        "institute_supervisor": (
            "De instituutsopleider houdt contact met de student en de praktijkopleider, "
            "bespreekt de leeruitkomsten en beoordeelt aan het eind van de stage. Twee keer "
            "per jaar sluit hij of zij aan bij een leernetwerkbijeenkomst."
        ),
    },
}

# (days ago, notes, agreements) of the meetings a signing-off supervisor writes down.
MEETINGS = [
    (
        24,
        "Kennismaking en leerdoelen doorgenomen. De student wil leren hoe je met leerkrachten "
        "en het buurtteam samen optrekt rond één kind, en meer durven in groepsgesprekken.",
        "Student schrijft de leerdoelen uit en deelt ze. Volgende keer: eerste ervaringen "
        "in de groep bespreken.",
    ),
    (
        10,
        "Eerste weken besproken. Het loopt goed in de groep; de student merkt dat de taal van "
        "school en van het buurtteam verschilt en vond het gesprek met de intern begeleider "
        "leerzaam.",
        "Student sluit aan bij het zorgoverleg en schrijft er een reflectie over "
        "(coördinatie). Uren van de afgelopen weken worden deze week afgetekend.",
    ),
]

# The work a professional's hours go to, by weight.
KINDS = (
    [TimeKind.SUPERVISION] * 4
    + [TimeKind.PREPARATION] * 2
    + [TimeKind.MEETING] * 2
    + [TimeKind.OTHER]
)
NOTES = {
    TimeKind.SUPERVISION: ["Begeleidingsgesprek", "Uren afgetekend", "Meegekeken in de groep"],
    TimeKind.PREPARATION: ["Bijeenkomst voorbereid", "Werkvorm uitgewerkt", ""],
    TimeKind.MEETING: ["Kernteamoverleg", "Overleg met de opleiding", ""],
    TimeKind.OTHER: ["Werving nieuwe studenten", ""],
}
TIME_WEEKS = 8


def _agreements(environments: list[LearningEnvironment]) -> int:
    saved = 0
    for environment in environments:
        texts = AGREEMENTS.get(environment.name)
        if texts is None:
            continue
        ResponsibilityAgreement.objects.update_or_create(environment=environment, defaults=texts)
        saved += 1
    return saved


def _meeting_notes(environments: list[LearningEnvironment], today: datetime.date) -> int:
    """Notes of the signing-off supervisor, for every other placement (and the named
    students'), so some supervisees have notes and some do not yet."""
    created = 0
    signers = (
        SupervisionAssignment.objects.filter(
            placement__environment__in=environments,
            placement__status=PlacementStatus.ACTIVE,
            placement__student__email__endswith=DEMO_DOMAIN,
            supervisor__isnull=False,
            signs_off=True,
        )
        .select_related("placement__student")
        .order_by("placement_id")
    )
    for turn, assignment in enumerate(signers):
        placement = assignment.placement
        named = placement.student.email.split("@")[0] in ("student", "pabo")
        if not named and turn % 2:
            continue
        for days_ago, notes, agreements in MEETINGS:
            day = today - datetime.timedelta(days=days_ago)
            if day < placement.start_date:
                continue
            _, made = MeetingNote.objects.get_or_create(
                placement=placement,
                author_id=assignment.supervisor_id,
                date=day,
                defaults={"notes": notes, "agreements": agreements},
            )
            created += made
    return created


def _professionals(
    environment: LearningEnvironment,
) -> list[tuple[int, str, list[Organisation]]]:
    """(user id, e-mail, organisations) of who logs time: supervisors and core team."""
    core_team = set(
        NetworkMembership.objects.filter(
            network__environment=environment, core_team=True
        ).values_list("user_id", flat=True)
    )
    memberships = (
        Membership.objects.filter(
            environment=environment,
            is_active=True,
            organisation__isnull=False,
            user__email__endswith=DEMO_DOMAIN,
        )
        .filter(Q(role__in=SUPERVISOR_ROLES) | Q(user_id__in=core_team))
        .exclude(role=Role.STUDENT)
        .select_related("user", "organisation")
        .order_by("user__email", "organisation__name")
    )
    people: dict[int, tuple[int, str, list[Organisation]]] = {}
    for membership in memberships:
        assert membership.organisation is not None
        entry = people.setdefault(
            membership.user_id, (membership.user_id, membership.user.email, [])
        )
        if membership.organisation not in entry[2]:
            entry[2].append(membership.organisation)
    return list(people.values())


def _time_logs(environments: list[LearningEnvironment], today: datetime.date) -> int:
    """A couple of months of hours for every professional who has none in the environment
    yet. Core-team members prepare sessions; the others mostly supervise."""
    logs: list[TimeLog] = []
    for environment in environments:
        done = set(
            TimeLog.objects.filter(environment=environment).values_list("person_id", flat=True)
        )
        core_team = set(
            NetworkMembership.objects.filter(
                network__environment=environment, core_team=True
            ).values_list("user_id", flat=True)
        )
        for user_id, email, organisations in _professionals(environment):
            if user_id in done:
                continue
            rng = random.Random(f"time:{email}:{environment.name}")
            # Core-team members take turns preparing sessions: more entries a week.
            busy = 3 if user_id in core_team else 2
            for week in range(TIME_WEEKS):
                monday = today - datetime.timedelta(days=today.weekday() + 7 * week)
                for _ in range(rng.randint(1, busy)):
                    day = monday + datetime.timedelta(days=rng.randint(0, 4))
                    if day > today:
                        continue
                    organisation = rng.choice(organisations)
                    kind = rng.choice(KINDS)
                    if user_id in core_team and rng.random() < 0.4:
                        kind = TimeKind.PREPARATION
                    logs.append(
                        TimeLog(
                            person_id=user_id,
                            environment=environment,
                            organisation=organisation,
                            domain=organisation_domain(organisation),
                            date=day,
                            minutes=rng.choice((30, 45, 60, 60, 90, 120)),
                            kind=kind,
                            note=rng.choice(NOTES[kind]),
                        )
                    )
    TimeLog.objects.bulk_create(logs)
    return len(logs)


def create_demo_supervision(
    *, environments: Iterable[LearningEnvironment], stdout: DemoWriter
) -> None:
    environments = list(environments)
    today = timezone.localdate()
    agreements = _agreements(environments)
    notes = _meeting_notes(environments, today)
    hours = _time_logs(environments, today)
    gaps = (
        Placement.objects.filter(environment__in=environments, status=PlacementStatus.ACTIVE)
        .annotate(has_own=own_domain_supervision())
        .aggregate(total=Count("pk"), gaps=Count("pk", filter=Q(has_own=False)))
    )
    stdout.write(
        f"Supervision: {agreements} agreements, {notes} meeting notes and {hours} time "
        f"entries added; {gaps['gaps']} of {gaps['total']} active placements without a "
        f"practice supervisor of the student's own domain."
    )
