"""Demo placements: every demo student on site, with a few weeks of logged work.

Called by ``manage.py demo`` inside its transaction. Placements are keyed on
(student, programme, environment) and left alone once they exist; activities and
weeks are only made for an active placement that has none yet, so a second run
changes nothing. Everything is derived from the student's e-mail address with a
seeded random generator: the same database gives the same demo every time.

The weeks go through the real services (submit, approve, return), so their
history and the entries' statuses are what the platform itself would make; only
the timestamps are moved back afterwards to when a student or supervisor would
plausibly have clicked. A submitted week enqueues the sign-off e-mail on commit,
as in real use: in development it is printed to the console.
"""

from __future__ import annotations

import datetime
import random
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_bulk_created
from accounts.models import Membership, Role, User
from environments.models import (
    Domain,
    LearningEnvironment,
    Organisation,
    OrganisationKind,
    OrganisationSubtype,
    Programme,
)
from placements.models import (
    ActivityEntry,
    ActivityKind,
    Discipline,
    EntryStatus,
    Placement,
    PlacementStatus,
    Setting,
    SupervisionAssignment,
    SupervisionRole,
    Week,
    Weekday,
    WeekEvent,
    WeekEventAction,
    WeekStatus,
    week_start,
    weekdays_to_mask,
)
from placements.services import (
    activity_update,
    placement_save,
    week_approve,
    week_reopen,
    week_reopen_request,
    week_return,
    week_submit,
)
from ulvo.lib.demo import DEMO_DOMAIN, DemoWriter

# The students everyone clicks through first get the full mix of week states.
NAMED_STUDENTS = {f"student{DEMO_DOMAIN}", f"pabo{DEMO_DOMAIN}"}

# A neighbourhood professional without an account: signs off through the e-mailed link.
WIJKCOACH_NAME = "Bas Vermeer"
WIJKCOACH_EMAIL = f"wijkcoach{DEMO_DOMAIN}"
WIJKCOACH_STUDENTS = 2  # per environment: social students placed only at a social-work team

FULL_WEEKS = (4, 5)  # full weeks logged before the current one
WEEKS_BEFORE_TODAY = (6, 7, 8)  # a placement started this many weeks ago (or at the year's start)


class Profile(NamedTuple):
    discipline: str | None
    class_day: int
    secondary: bool = False  # placed at a 10-14 or secondary school when there is one


# The fixed class day of each programme (students of one programme share it) and
# the discipline its students bring.
PROFILES = {
    "Pabo": Profile(Discipline.TEACHER, Weekday.WEDNESDAY),
    "Tweedegraads lerarenopleiding": Profile(Discipline.TEACHER, Weekday.THURSDAY, True),
    "Eerstegraads lerarenopleiding": Profile(Discipline.TEACHER, Weekday.TUESDAY, True),
    "Docent muziek": Profile(Discipline.MUSIC, Weekday.FRIDAY),
    "Onderwijsassistent": Profile(Discipline.TEACHING_ASSISTANT, Weekday.FRIDAY),
    "Social work": Profile(Discipline.SOCIAL_WORK, Weekday.THURSDAY),
    "Vaktherapie": Profile(Discipline.ARTS_THERAPY, Weekday.WEDNESDAY),
    "Ecologische pedagogiek": Profile(Discipline.PEDAGOGY, Weekday.TUESDAY),
    "Pedagogisch educatief professional": Profile(Discipline.PEDAGOGY, Weekday.WEDNESDAY),
    "Pedagogisch medewerker": Profile(Discipline.CHILDCARE, Weekday.FRIDAY),
    "Sport en bewegen": Profile(Discipline.SPORT, Weekday.FRIDAY),
}


def _profile(programme: Programme) -> Profile:
    if programme.name in PROFILES:
        return PROFILES[programme.name]
    return Profile(None, zlib.crc32(programme.name.encode()) % 5 + 1)


# --- What students write in their log -------------------------------------------------

SCHOOL, SOCIAL, CHILDCARE = "school", "social", "childcare"  # where an activity happens


class Activity(NamedTuple):
    place: str
    kind: str
    text: str
    partners: tuple[str, ...] = ()  # the disciplines worked with
    only_for: str | None = None  # an activity of one discipline's students


D = Discipline
K = ActivityKind
ACTIVITIES = [
    # At school
    Activity(SCHOOL, K.CLASSROOM, "Ondersteund in groep 5 tijdens de rekenles", (D.TEACHER,)),
    Activity(SCHOOL, K.CLASSROOM, "Meegedraaid in groep 7 bij begrijpend lezen", (D.TEACHER,)),
    Activity(
        SCHOOL,
        K.CLASSROOM,
        "Kleine instructiegroep bij spelling begeleid",
        (D.TEACHER, D.TEACHING_ASSISTANT),
    ),
    Activity(SCHOOL, K.CLASSROOM, "Themales over gezonde voeding ondersteund", (D.TEACHER,)),
    Activity(SCHOOL, K.INDIVIDUAL, "Een leerling geholpen met het plannen van huiswerk"),
    Activity(SCHOOL, K.INDIVIDUAL, "Gesprek met een leerling over ruzie op het plein"),
    Activity(
        SCHOOL,
        K.INDIVIDUAL,
        "Rustmoment begeleid voor een leerling die vastliep in de klas",
        (D.TEACHER,),
    ),
    Activity(SCHOOL, K.GROUP, "Leesgroep begeleid samen met de vaktherapeut", (D.ARTS_THERAPY,)),
    Activity(
        SCHOOL, K.GROUP, "Kringgesprek over vriendschap geleid in groep 3", (D.TEACHER, D.PEDAGOGY)
    ),
    Activity(
        SCHOOL, K.GROUP, "Pauzespel op het plein georganiseerd met de sportstudent", (D.SPORT,)
    ),
    Activity(
        SCHOOL, K.GROUP, "Weerbaarheidstraining voor groep 6 mee begeleid", (D.SOCIAL_WORK, D.SPORT)
    ),
    Activity(SCHOOL, K.OBSERVATION, "Geobserveerd in groep 8 tijdens zelfstandig werken"),
    Activity(
        SCHOOL,
        K.OBSERVATION,
        "Groepsdynamiek in de klas geobserveerd voor mijn opdracht",
        (D.TEACHER,),
    ),
    Activity(
        SCHOOL,
        K.PROJECT,
        "Met het studententeam gewerkt aan het vraagstuk 'rust in de school'",
        (D.TEACHER, D.SOCIAL_WORK, D.PEDAGOGY),
    ),
    Activity(
        SCHOOL,
        K.PROJECT,
        "Huiskamer in de school verder ingericht met studenten social work",
        (D.SOCIAL_WORK,),
    ),
    Activity(
        SCHOOL,
        K.PROJECT,
        "Vragenuurtje voor kleine leerlingvragen voorbereid",
        (D.TEACHER, D.SOCIAL_WORK),
    ),
    Activity(
        SCHOOL,
        K.CONSULTATION,
        "Overleg met de intern begeleider over de ondersteuning in groep 5",
        (D.TEACHER,),
    ),
    Activity(
        SCHOOL,
        K.CONSULTATION,
        "Afstemming met de leerkracht en de schoolmaatschappelijk werker",
        (D.TEACHER, D.SOCIAL_WORK),
    ),
    Activity(
        SCHOOL,
        K.INTERVISION,
        "Intervisie met studenten van pabo en social work",
        (D.TEACHER, D.SOCIAL_WORK),
    ),
    Activity(
        SCHOOL,
        K.INTERVISION,
        "Casusbespreking met de andere stagiairs van de school",
        (D.TEACHER, D.ARTS_THERAPY, D.SOCIAL_WORK),
    ),
    Activity(
        SCHOOL,
        K.CLASSROOM,
        "Zelf een rekenles voorbereid en gegeven",
        (D.TEACHING_ASSISTANT,),
        D.TEACHER,
    ),
    Activity(
        SCHOOL,
        K.CLASSROOM,
        "Verlengde instructie gegeven aan een klein groepje",
        (D.TEACHER,),
        D.TEACHING_ASSISTANT,
    ),
    Activity(SCHOOL, K.CLASSROOM, "Muziekles in groep 5 gegeven", (D.TEACHER,), D.MUSIC),
    Activity(
        SCHOOL,
        K.GROUP,
        "Beeldende groepsactiviteit over gevoelens gegeven in groep 6",
        (D.TEACHER,),
        D.ARTS_THERAPY,
    ),
    Activity(SCHOOL, K.GROUP, "Gymles mee voorbereid en gegeven", (D.TEACHER,), D.SPORT),
    # In the neighbourhood: social work, youth work, sport
    Activity(SOCIAL, K.GROUP, "Huiswerkklas in het buurthuis begeleid", (D.SOCIAL_WORK,)),
    Activity(
        SOCIAL,
        K.GROUP,
        "Sportinstuif op het Cruijff Court met het jongerenwerk",
        (D.YOUTH_WORK, D.SPORT),
    ),
    Activity(SOCIAL, K.GROUP, "Meidenavond in het jongerencentrum mee begeleid", (D.YOUTH_WORK,)),
    Activity(SOCIAL, K.GROUP, "Kookactiviteit voor kinderen uit de wijk begeleid"),
    Activity(SOCIAL, K.INDIVIDUAL, "Gesprek met een jongere over school en bijbaan"),
    Activity(SOCIAL, K.INDIVIDUAL, "Ouder geholpen bij het invullen van formulieren"),
    Activity(SOCIAL, K.OBSERVATION, "Meegelopen met de wijkcoach op huisbezoek", (D.SOCIAL_WORK,)),
    Activity(SOCIAL, K.OBSERVATION, "Rondje door de wijk met het jongerenwerk", (D.YOUTH_WORK,)),
    Activity(
        SOCIAL,
        K.PROJECT,
        "Buurtactiviteit voor ouders en kinderen voorbereid",
        (D.SOCIAL_WORK, D.PEDAGOGY),
    ),
    Activity(
        SOCIAL,
        K.PROJECT,
        "Flyer voor de ouderochtend gemaakt samen met de school",
        (D.TEACHER, D.SOCIAL_WORK),
    ),
    Activity(
        SOCIAL,
        K.CONSULTATION,
        "Overleg met de wijkcoach en de intern begeleider over een gezin",
        (D.SOCIAL_WORK, D.TEACHER),
    ),
    Activity(SOCIAL, K.CONSULTATION, "Teamoverleg van het buurtteam bijgewoond", (D.SOCIAL_WORK,)),
    Activity(
        SOCIAL,
        K.INTERVISION,
        "Intervisie met de andere stagiairs in de wijk",
        (D.SOCIAL_WORK, D.YOUTH_WORK),
    ),
    Activity(SOCIAL, K.GROUP, "Beweegspel voor kinderen uit de buurt gegeven", (), D.SPORT),
    # In childcare (BSO)
    Activity(CHILDCARE, K.GROUP, "Knutselmiddag met kinderen van de BSO begeleid", (D.CHILDCARE,)),
    Activity(
        CHILDCARE, K.GROUP, "Buitenspelen georganiseerd samen met de sportstudent", (D.SPORT,)
    ),
    Activity(
        CHILDCARE,
        K.GROUP,
        "Natuurwandeling in het park met een groep kinderen",
        (D.PEDAGOGY, D.CHILDCARE),
    ),
    Activity(CHILDCARE, K.INDIVIDUAL, "Een kind begeleid bij het wennen op de BSO"),
    Activity(
        CHILDCARE,
        K.OBSERVATION,
        "Vrij spel geobserveerd voor mijn observatieopdracht",
        (D.CHILDCARE,),
    ),
    Activity(
        CHILDCARE,
        K.PROJECT,
        "Moestuinproject van de BSO verder opgezet",
        (D.PEDAGOGY, D.CHILDCARE),
    ),
    Activity(
        CHILDCARE,
        K.CONSULTATION,
        "Overdracht met de leerkracht bij het ophalen uit school",
        (D.TEACHER, D.CHILDCARE),
    ),
    Activity(
        CHILDCARE,
        K.INTERVISION,
        "Intervisie met de pedagogisch medewerkers",
        (D.CHILDCARE,),
    ),
]

REOPEN_REASON = "Ik was de huiswerkklas van donderdag vergeten te registreren."
REOPEN_COMMENT = "Prima, voeg hem toe en dien de week opnieuw in."
RETURN_COMMENTS = [
    "Beschrijf bij de groepsactiviteit wat jouw eigen rol was.",
    "Wil je bij het overleg aangeven met welke disciplines je hebt samengewerkt?",
    "Graag iets concreter: wat heb je gedaan en wat heb je ervan geleerd?",
    "De observatie mist nog een korte toelichting; vul die aan en dien de week opnieuw in.",
]
APPROVE_COMMENTS = [
    "",
    "",
    "",
    "Fijne week, ga zo door!",
    "Helder beschreven, dank je.",
    "Goed bezig. Breng de casus gerust in bij de intervisie.",
]
FIXED_DESCRIPTION = " Aangevuld: mijn rol was voorbereiden, begeleiden en nabespreken."


# --- Who is where ---------------------------------------------------------------------


def _domain_of(organisation: Organisation) -> str:
    """The domain a host organisation's professionals come from."""
    if organisation.kind == OrganisationKind.SCHOOL:
        return Domain.EDUCATIONAL
    if organisation.subtype == OrganisationSubtype.CHILDCARE:
        return Domain.PEDAGOGICAL
    return Domain.SOCIAL


def _place_of(organisation: Organisation) -> str:
    if organisation.kind == OrganisationKind.SCHOOL:
        return SCHOOL
    return CHILDCARE if organisation.subtype == OrganisationSubtype.CHILDCARE else SOCIAL


@dataclass
class _Partners:
    """One environment's host organisations and the supervisors with an account there."""

    primary_schools: list[Organisation] = field(default_factory=list)
    secondary_schools: list[Organisation] = field(default_factory=list)
    social: list[Organisation] = field(default_factory=list)
    childcare: list[Organisation] = field(default_factory=list)
    # organisation pk -> {role: user}
    supervisors: dict[int, dict[str, User]] = field(default_factory=lambda: defaultdict(dict))
    counters: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def next(self, key: str, options: list[Organisation]) -> Organisation | None:
        """Take turns, so students spread over the organisations of a kind."""
        if not options:
            return None
        self.counters[key] += 1
        return options[(self.counters[key] - 1) % len(options)]

    def school(self, *, secondary: bool = False) -> Organisation | None:
        if secondary and self.secondary_schools:
            return self.next("secondary", self.secondary_schools)
        return self.next("primary", self.primary_schools or self.secondary_schools)

    def practice_supervisor(self, organisation: Organisation) -> User | None:
        found = self.supervisors.get(organisation.pk, {})
        return found.get(Role.PRACTICE_SUPERVISOR) or found.get(Role.SCHOOL_TRAINER)


def _partners(environment: LearningEnvironment, demo_users: Iterable[Membership]) -> _Partners:
    partners = _Partners()
    for organisation in environment.organisations.order_by("name"):
        if organisation.kind == OrganisationKind.SCHOOL:
            if organisation.subtype == OrganisationSubtype.PRIMARY:
                partners.primary_schools.append(organisation)
            else:
                partners.secondary_schools.append(organisation)
        elif organisation.kind == OrganisationKind.NEIGHBOURHOOD:
            if organisation.subtype == OrganisationSubtype.CHILDCARE:
                partners.childcare.append(organisation)
            else:
                partners.social.append(organisation)
    for membership in demo_users:
        if membership.environment_id == environment.pk and membership.organisation_id:
            partners.supervisors[membership.organisation_id][membership.role] = membership.user
    return partners


@dataclass
class _Plan:
    placement: Placement
    signoff: dict[str, object]
    others: list[SupervisionAssignment]


def _school_year_start(environment: LearningEnvironment) -> datetime.date:
    first = datetime.date(int(environment.school_year[:4]), 9, 1)
    return first + datetime.timedelta(days=(7 - first.weekday()) % 7)  # first Monday


def _last_friday_until(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - 4) % 7)


def _period(
    rng: random.Random, environment: LearningEnvironment, today: datetime.date, *, named: bool
) -> tuple[datetime.date, datetime.date]:
    """From the start of the school year or a few weeks ago, whichever is later, to the
    end of January or of June.

    Early in the school year (and in the summer) the placement starts earlier than
    that, so the demo always has weeks of history to show.
    """
    this_week = week_start(today)
    weeks_back = max(WEEKS_BEFORE_TODAY) if named else rng.choice(WEEKS_BEFORE_TODAY)
    recent = this_week - datetime.timedelta(weeks=weeks_back)
    start = max(_school_year_start(environment), recent)
    start = min(start, this_week - datetime.timedelta(weeks=max(FULL_WEEKS)))
    year = int(environment.school_year[5:])
    ends = [
        end
        for end in (_last_friday_until(datetime.date(year, 1, 31)), datetime.date(year, 6, 30))
        if end >= today + datetime.timedelta(weeks=4)
    ]
    # A semester placement ends in January, a year-long one in June.
    end = rng.choice(ends) if ends else today + datetime.timedelta(weeks=8)
    return start, end


def _days(rng: random.Random, profile: Profile, *, named: bool) -> tuple[list[int], int]:
    """Days on site (2 or 3) and the hours per week, around the programme's class day."""
    free = [day for day in Weekday.values if day != profile.class_day]
    count = rng.choice((2, 2, 3))
    if named and Weekday.MONDAY in free:
        # Named students are on site on Mondays, so the current week has work in it.
        days = [Weekday.MONDAY, *rng.sample([d for d in free if d != Weekday.MONDAY], count - 1)]
    else:
        days = rng.sample(free, count)
    hours = rng.choice((8, 12, 14, 16)) if count == 2 else rng.choice((16, 18, 20, 24))
    return sorted(days), hours


def _hosts(
    partners: _Partners, programme: Programme, profile: Profile, turn: int
) -> tuple[Organisation | None, Organisation | None]:
    """(school, neighbourhood organisation) as in the pilots.

    Educational students are at a school. Social-domain students are split
    between a school and a neighbourhood organisation, or only in the
    neighbourhood, and some only at a school (supervised from education: the
    own-domain gap). Pedagogical students combine a school with childcare, or
    are in childcare only.
    """
    if programme.domain == Domain.SOCIAL:
        pattern = ("split", "neighbourhood", "split", "school")[turn % 4]
        neighbourhood = partners.next("social", partners.social or partners.childcare)
    elif programme.domain == Domain.PEDAGOGICAL:
        pattern = ("split", "neighbourhood")[turn % 2]
        neighbourhood = partners.next("childcare", partners.childcare or partners.social)
    else:
        return partners.school(secondary=profile.secondary), None
    if pattern == "school" or neighbourhood is None:
        return partners.school(), None
    if pattern == "neighbourhood":
        return None, neighbourhood
    return partners.school(), neighbourhood


def _plan(
    membership: Membership,
    partners: _Partners,
    institute_supervisors: dict[tuple[int, int | None], User],
    today: datetime.date,
    turn: int,
    wijkcoach_left: list[int],
) -> _Plan | None:
    student, programme, environment = membership.user, membership.programme, membership.environment
    assert programme is not None
    named = student.email in NAMED_STUDENTS
    rng = random.Random(f"placement:{student.email}")
    profile = _profile(programme)
    school, neighbourhood = _hosts(partners, programme, profile, turn)
    if school is None and neighbourhood is None:
        return None
    start, end = _period(rng, environment, today, named=named)
    days, hours = _days(rng, profile, named=named)
    placement = Placement(
        student=student,
        programme=programme,
        environment=environment,
        school=school,
        neighbourhood_organisation=neighbourhood,
        start_date=start,
        end_date=end,
        weekdays_on_site=weekdays_to_mask(days),
        institute_days=weekdays_to_mask([profile.class_day]),
        hours_per_week=Decimal(hours),
        status=PlacementStatus.ACTIVE,
    )

    # Who signs off: a supervisor of the student's own domain at one of the hosts
    # if there is one, otherwise whoever the host has (an educational school trainer
    # for a social-work student at school: the pilots' gap).
    hosts = [host for host in (school, neighbourhood) if host]
    hosts.sort(key=lambda host: _domain_of(host) != programme.domain)
    signer_host = next((h for h in hosts if partners.practice_supervisor(h)), None)
    signoff: dict[str, object]
    if (
        signer_host is neighbourhood
        and school is None
        and neighbourhood is not None
        and neighbourhood.subtype == OrganisationSubtype.SOCIAL_WORK
        and programme.domain == Domain.SOCIAL
        and wijkcoach_left[0] > 0
        and not named
    ):
        wijkcoach_left[0] -= 1
        signoff = {"supervisor": None, "name": WIJKCOACH_NAME, "email": WIJKCOACH_EMAIL}
    elif signer_host is not None:
        signoff = {"supervisor": partners.practice_supervisor(signer_host)}
    else:
        return None
    signoff.update(
        {
            "role": SupervisionRole.PRACTICE,
            "domain": _domain_of(signer_host or hosts[0]),
            "guides": True,
        }
    )

    others: list[SupervisionAssignment] = []
    for host in hosts:
        supervisor = partners.practice_supervisor(host)
        if host is signer_host or supervisor is None or supervisor == signoff["supervisor"]:
            continue
        # The other host's supervisor guides the student there, but does not sign off.
        others.append(
            SupervisionAssignment(
                supervisor=supervisor,
                role=SupervisionRole.PRACTICE,
                domain=_domain_of(host),
                guides=True,
            )
        )
    trainer = partners.supervisors.get(school.pk, {}).get(Role.SCHOOL_TRAINER) if school else None
    if (
        trainer is not None
        and programme.domain == Domain.EDUCATIONAL
        and trainer != signoff["supervisor"]
    ):
        others.append(
            SupervisionAssignment(
                supervisor=trainer,
                role=SupervisionRole.SCHOOL_TRAINER,
                domain=Domain.EDUCATIONAL,
                guides=True,
                assesses=True,
            )
        )
    lecturer = institute_supervisors.get((environment.pk, programme.institute_id))
    if lecturer is not None and (named or turn % 3 != 2):
        others.append(
            SupervisionAssignment(
                supervisor=lecturer,
                role=SupervisionRole.INSTITUTE,
                domain=programme.domain,
                guides=True,
                assesses=True,
            )
        )
    return _Plan(placement, signoff, others)


# --- Weeks of work --------------------------------------------------------------------


def _at(day: datetime.date, minutes_after_midnight: int) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(
        minutes=minutes_after_midnight
    )
    return timezone.make_aware(moment)


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """Split minutes into parts of whole quarters, each at least half an hour."""
    quarters = total // 15
    parts = max(1, min(parts, quarters // 2))
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    sizes = [max(2, round(quarters * w / sum(weights))) for w in weights[:-1]]
    last = quarters - sum(sizes)
    if last < 2:
        sizes = [quarters // parts] * (parts - 1)
        last = quarters - sum(sizes)
    return [size * 15 for size in [*sizes, last]]


def _entries(
    rng: random.Random,
    placement: Placement,
    first_day: datetime.date,
    today: datetime.date,
    now: datetime.datetime,
) -> list[ActivityEntry]:
    """The activities of the on-site days from ``first_day`` up to today."""
    profile = _profile(placement.programme)
    own = profile.discipline
    pools: dict[str, list[Activity]] = defaultdict(list)
    for activity in ACTIVITIES:
        if activity.only_for not in (None, own) or activity.partners == (own,):
            continue
        pools[activity.place].append(activity)
    days = placement.days_on_site
    # Split placements: the last day (or two) in the neighbourhood, the rest at school.
    places: dict[int, Organisation] = {}
    for index, weekday in enumerate(days):
        if placement.school and placement.neighbourhood_organisation:
            in_neighbourhood = index == len(days) - 1 or (index > 0 and rng.random() < 0.5)
            places[weekday] = (
                placement.neighbourhood_organisation if in_neighbourhood else placement.school
            )
        else:
            host = placement.school or placement.neighbourhood_organisation
            assert host is not None  # a placement is at a school, in a neighbourhood or both
            places[weekday] = host
    per_day = int(placement.hours_per_week * 60) // max(1, len(days))
    entries = []
    day = max(first_day, placement.start_date)
    last = min(today, placement.end_date)
    while day <= last:
        # Now and then a day is missed (ill, a study day); not by the students everyone
        # looks at first, whose week must show work.
        missed = rng.random() < 0.06 and placement.student.email not in NAMED_STUDENTS
        if day.isoweekday() in places and not missed:
            host = places[day.isoweekday()]
            place = _place_of(host)
            total = max(60, round(per_day * rng.uniform(0.8, 1.1) / 15) * 15)
            # A short day is one activity; a long one two or three.
            parts = _split(rng, total, rng.choice((1, 2) if total < 240 else (2, 2, 3)))
            chosen = rng.sample(pools[place], min(len(parts), len(pools[place])))
            for minute_of_day, (minutes, activity) in enumerate(zip(parts, chosen, strict=False)):
                partners = [code for code in activity.partners if code != own]
                entries.append(
                    ActivityEntry(
                        placement=placement,
                        date=day,
                        minutes=minutes,
                        setting=Setting.SCHOOL if place == SCHOOL else Setting.NEIGHBOURHOOD,
                        kind=activity.kind,
                        disciplines=[code for code in Discipline.values if code in partners],
                        description=activity.text,
                        created_at=min(now, _at(day, 12 * 60 + 150 * minute_of_day)),
                    )
                )
        day += datetime.timedelta(days=1)
    return entries


@dataclass
class _Reviewer:
    user: User | None
    name: str

    @property
    def via_link(self) -> bool:
        return self.user is None


class _Clock:
    """When each week event plausibly happened, in the order the services make them."""

    def __init__(self, now: datetime.datetime) -> None:
        self.now = now
        self.moments: list[datetime.datetime] = []

    def at(self, day: datetime.date, minutes_after_midnight: int) -> datetime.datetime:
        moment = min(self.now, _at(day, minutes_after_midnight))
        self.moments.append(moment)
        return moment


def _log_weeks(
    placement: Placement,
    reviewer: _Reviewer | None,
    today: datetime.date,
    clock: _Clock,
    weeks_done: set[int],
) -> list[ActivityEntry]:
    """Entries for the last few weeks; the full weeks submitted and reviewed.

    Older weeks are approved, one of them after it had been returned and fixed;
    the week before last is returned with a comment (still to fix); last week
    waits in the supervisor's queue; this week is still draft.
    """
    student = placement.student
    named = student.email in NAMED_STUDENTS
    rng = random.Random(f"entries:{student.email}")
    this_week = week_start(today)
    full_weeks = max(FULL_WEEKS) if named else rng.choice(FULL_WEEKS)
    first = this_week - datetime.timedelta(weeks=full_weeks)
    entries = _entries(rng, placement, first, today, clock.now)
    ActivityEntry.objects.bulk_create(entries)

    starts = sorted({week_start(entry.date) for entry in entries if entry.date < this_week})
    states = ["approved"] * len(starts)
    if starts:
        states[-1] = "submitted" if named or rng.random() < 0.75 else "draft"
    if len(starts) >= 2 and (named or rng.random() < 0.3):
        states[-2] = "returned"
    if len(starts) >= 4 and (named or rng.random() < 0.25):
        states[-4] = "fixed"
    if len(starts) >= 3 and named and reviewer is not None and reviewer.user is not None:
        # Signed off, then the student forgot something and the supervisor reopened it.
        states[-3] = "reopened"
    if reviewer is None:  # nobody signs off yet: the weeks wait
        states = ["submitted" if state != "draft" else state for state in states]

    for start, state in zip(starts, states, strict=True):
        if state == "draft":
            continue
        submit_day = start + datetime.timedelta(days=rng.choice((4, 4, 6)))  # Friday or Sunday
        clock.at(submit_day, rng.randint(16 * 60, 21 * 60))
        week = week_submit(placement=placement, start=start, student=student)
        weeks_done.add(week.pk)
        if state == "submitted":
            continue
        assert reviewer is not None
        monday = start + datetime.timedelta(weeks=1)
        review_day = monday + datetime.timedelta(days=rng.choice((0, 1)))
        clock.at(review_day, rng.randint(8 * 60, 16 * 60))
        if state in ("returned", "fixed"):
            week = week_return(
                week=week,
                reviewer=reviewer.user,
                reviewer_name=reviewer.name,
                comment=rng.choice(RETURN_COMMENTS),
                via_link=reviewer.via_link,
            )
            if state == "returned":
                continue
            # The student adds what was asked and submits again; then it is approved.
            entry = placement.entries.filter(
                date__range=(start, start + datetime.timedelta(days=6)),
                status=EntryStatus.RETURNED,
            ).first()
            if entry is not None:
                activity_update(entry=entry, description=entry.description + FIXED_DESCRIPTION)
            clock.at(review_day, rng.randint(19 * 60, 22 * 60))
            week = week_submit(placement=placement, start=start, student=student)
            clock.at(review_day + datetime.timedelta(days=1), rng.randint(8 * 60, 16 * 60))
        week = week_approve(
            week=week,
            reviewer=reviewer.user,
            reviewer_name=reviewer.name,
            comment=rng.choice(APPROVE_COMMENTS),
            via_link=reviewer.via_link,
        )
        if state == "reopened" and reviewer.user is not None:
            clock.at(review_day + datetime.timedelta(days=2), rng.randint(16 * 60, 21 * 60))
            week = week_reopen_request(week=week, student=student, reason=REOPEN_REASON)
            clock.at(review_day + datetime.timedelta(days=3), rng.randint(8 * 60, 16 * 60))
            week_reopen(week=week, reviewer=reviewer.user, comment=REOPEN_COMMENT)
    return entries


def _backdate(weeks: set[int], clock: _Clock) -> None:
    """Move the services' timestamps (all "now") back to when each step happened."""
    events = list(WeekEvent.objects.filter(week_id__in=weeks).order_by("pk"))
    if len(events) != len(clock.moments):  # the services changed: keep their timestamps
        return
    for event, moment in zip(events, clock.moments, strict=True):
        event.created_at = moment
    WeekEvent.objects.bulk_update(events, ["created_at"], batch_size=500)

    def last(*actions: str) -> Subquery:
        return Subquery(
            WeekEvent.objects.filter(week=OuterRef("pk"), action__in=actions)
            .order_by("-created_at")
            .values("created_at")[:1]
        )

    Week.objects.filter(pk__in=weeks).update(submitted_at=last(WeekEventAction.SUBMITTED))
    Week.objects.filter(pk__in=weeks).exclude(status=WeekStatus.SUBMITTED).update(
        reviewed_at=last(WeekEventAction.APPROVED, WeekEventAction.RETURNED)
    )


# --- Entry point ----------------------------------------------------------------------


def create_demo_placements(
    *, environments: Iterable[LearningEnvironment], stdout: DemoWriter
) -> None:
    """An active placement for every demo student of these environments, with supervisors
    and a few weeks of activities in every state of sign-off. Idempotent."""
    environments = list(environments)
    today = timezone.localdate()
    now = timezone.now()
    memberships = list(
        Membership.objects.filter(
            environment__in=environments,
            is_active=True,
            user__email__endswith=DEMO_DOMAIN,
        )
        .select_related("user", "environment", "programme")
        .order_by("environment__name", "user_id")
    )
    students = [m for m in memberships if m.role == Role.STUDENT and m.programme_id]
    professionals = [
        m
        for m in memberships
        if m.role in (Role.PRACTICE_SUPERVISOR, Role.SCHOOL_TRAINER, Role.INSTITUTE_SUPERVISOR)
    ]
    institute_supervisors = {
        (m.environment_id, m.organisation_id): m.user
        for m in professionals
        if m.role == Role.INSTITUTE_SUPERVISOR
    }

    existing: set[tuple[int, int | None, int]] = set(
        Placement.objects.filter(environment__in=environments).values_list(
            "student_id", "programme_id", "environment_id"
        )
    )
    created = 0
    for environment in environments:
        partners = _partners(environment, professionals)
        turns: dict[str, int] = defaultdict(int)
        wijkcoach_left = [WIJKCOACH_STUDENTS]
        for membership in students:
            if membership.environment_id != environment.pk:
                continue
            assert membership.programme is not None
            domain = membership.programme.domain
            turn = turns[domain]
            turns[domain] += 1
            plan = _plan(membership, partners, institute_supervisors, today, turn, wijkcoach_left)
            key = (membership.user_id, membership.programme_id, environment.pk)
            # Planned for every student, so everyone takes their turn whether or not
            # their placement exists already; only the missing ones are saved.
            if plan is None or key in existing:
                continue
            placement = placement_save(placement=plan.placement, signoff=plan.signoff)
            for assignment in plan.others:
                assignment.placement = placement
            SupervisionAssignment.objects.bulk_create(plan.others)
            audit_bulk_created(plan.others, actor_id=None)
            existing.add(key)
            created += 1

    # Work logged for active placements that have none yet.
    empty = (
        Placement.objects.filter(
            environment__in=environments,
            student__email__endswith=DEMO_DOMAIN,
            status=PlacementStatus.ACTIVE,
            start_date__lte=today,
            end_date__gte=today,
        )
        .exclude(Exists(ActivityEntry.objects.filter(placement=OuterRef("pk"))))
        .exclude(Exists(Week.objects.filter(placement=OuterRef("pk"))))
        .select_related("student", "programme", "school", "neighbourhood_organisation")
        .order_by("pk")
    )
    signers = {
        assignment.placement_id: assignment
        for assignment in SupervisionAssignment.objects.filter(placement__in=empty, signs_off=True)
        .select_related("supervisor")
        .order_by("-pk")  # the first one wins
    }
    clock = _Clock(now)
    weeks: set[int] = set()
    logged = entries = 0
    for placement in empty:
        signer = signers.get(placement.pk)
        reviewer = _Reviewer(signer.supervisor, signer.display_name) if signer is not None else None
        entries += len(_log_weeks(placement, reviewer, today, clock, weeks))
        logged += 1
    _backdate(weeks, clock)

    stdout.write(
        f"Placements: {created} created, {len(existing) - created} already there; "
        f"{entries} activities and {len(weeks)} submitted weeks logged "
        f"for {logged} placements."
    )


def print_signoff_hints(*, environments: Iterable[LearningEnvironment], stdout: DemoWriter) -> None:
    """Which demo login has weeks waiting for sign-off, and the e-mailed links of the
    supervisor without an account (each works once, for a limited time)."""
    waiting: dict[int, list[Week]] = defaultdict(list)
    for week in Week.objects.filter(
        status=WeekStatus.SUBMITTED,
        placement__environment__in=list(environments),
        placement__student__email__endswith=DEMO_DOMAIN,
    ).select_related("placement__student"):
        waiting[week.placement_id].append(week)
    queues: dict[str, list[Week]] = defaultdict(list)
    links: list[tuple[SupervisionAssignment, Week]] = []
    for assignment in SupervisionAssignment.objects.filter(
        placement_id__in=waiting, signs_off=True
    ).select_related("supervisor"):
        for week in waiting[assignment.placement_id]:
            if assignment.supervisor is not None:
                queues[assignment.supervisor.email].append(week)
            else:
                links.append((assignment, week))
    if not queues and not links:
        return
    queue_url = settings.ULVO_BASE_URL + reverse("placements:signoff_queue")
    stdout.write("")
    stdout.write(f"Weeks waiting for sign-off (log in as the supervisor, then {queue_url}):")
    width = max((len(email) for email in queues), default=0)
    for email, weeks in sorted(queues.items()):
        students = sorted({week.placement.student.email for week in weeks})
        named = [email for email in students if email in NAMED_STUDENTS]
        hint = f", including {', '.join(named)}" if named else ""
        stdout.write(f"  {email.ljust(width)}  {len(weeks)} week(s){hint}")
    for assignment, week in sorted(links, key=lambda link: link[1].start):
        stdout.write(
            f"  {assignment.display_name} ({assignment.email}, no account) signs off "
            f"{week.placement.student.full_name}, week of {week.start:%d-%m-%Y}, via "
            f"{settings.ULVO_BASE_URL + week.get_signoff_url(assignment.pk)}"
        )
