"""Fill the database with a small, realistic ULVO world to click through.

Everything is keyed on natural keys (names, e-mail addresses), so running the
command again updates the same rows instead of adding new ones. The people and
their passwords are public: the command refuses to run in production.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.navigation import navigation_forget
from accounts.services import membership_set
from allocation.demo import create_demo_allocation
from environments.models import (
    Domain,
    LearningEnvironment,
    Level,
    Organisation,
    OrganisationKind,
    OrganisationSubtype,
    Programme,
    ProgrammeTarget,
    Region,
)
from knowledge.demo import create_demo_knowledge
from learning_networks.availability_demo import create_demo_availability
from learning_networks.demo import create_demo_networks, print_session_hints
from notifications.demo import create_demo_notifications
from placements.demo import create_demo_placements, print_signoff_hints
from practice.demo import create_demo_practice
from reflections.demo import create_demo_reflections
from supervision.demo import create_demo_supervision
from ulvo.lib.demo import DEMO_DOMAIN, DEMO_PASSWORD, DEMO_TOTP_SECRET
from ulvo.lib.home_tokens import home_forget_everyone

REGION = "Utrecht"
LEIDSCHE_RIJN = "Leidsche Rijn"
VLEUTEN = "Vleuten/De Meern"
ENVIRONMENTS = [
    # (name, neighbourhood)
    (LEIDSCHE_RIJN, "Leidsche Rijn"),
    (VLEUTEN, "Vleuten/De Meern"),
]
# The profile a coordinator writes on the settings page (shared vision, what to expect).
PROFILES = {
    LEIDSCHE_RIJN: (
        "Scholen, buurtorganisaties en opleidingen in Leidsche Rijn leiden samen op. "
        "Studenten van verschillende opleidingen werken aan echte vragen uit de school "
        "en de wijk, en leren van elkaars vak.",
        "Je loopt stage op een school of in de wijk, vaak allebei. Elke maand is er een "
        "leernetwerkbijeenkomst met studenten van andere opleidingen.\n\n"
        "Je hebt een praktijkopleider uit je eigen domein en je reflecteert op wat je "
        "van de andere disciplines leert.",
    ),
}

REGENBOOG = "Basisschool De Regenboog"
HET_ZAND = "IKC Het Zand"
MEERN_ZUID = "Basisschool De Meern-Zuid"
TIENERSCHOOL = "Tienerschool Leidsche Rijn"
BUURTTEAM = "Buurtteam Leidsche Rijn"
JONGERENWERK = "Jongerenwerk Vleuten"
BSO = "BSO De Speeltuin"
HU = "Hogeschool Utrecht"
MARNIX = "Marnix Academie"
MBO = "MBO Utrecht"
UU = "Universiteit Utrecht"

ORGANISATIONS = [
    # (name, kind, subtype, environments it partners)
    (REGENBOOG, OrganisationKind.SCHOOL, OrganisationSubtype.PRIMARY, [LEIDSCHE_RIJN]),
    (HET_ZAND, OrganisationKind.SCHOOL, OrganisationSubtype.PRIMARY, [LEIDSCHE_RIJN]),
    (MEERN_ZUID, OrganisationKind.SCHOOL, OrganisationSubtype.PRIMARY, [VLEUTEN]),
    (TIENERSCHOOL, OrganisationKind.SCHOOL, OrganisationSubtype.TEN_FOURTEEN, [LEIDSCHE_RIJN]),
    (
        BUURTTEAM,
        OrganisationKind.NEIGHBOURHOOD,
        OrganisationSubtype.SOCIAL_WORK,
        [LEIDSCHE_RIJN],
    ),
    (JONGERENWERK, OrganisationKind.NEIGHBOURHOOD, OrganisationSubtype.YOUTH_WORK, [VLEUTEN]),
    (
        BSO,
        OrganisationKind.NEIGHBOURHOOD,
        OrganisationSubtype.CHILDCARE,
        [LEIDSCHE_RIJN, VLEUTEN],
    ),
    (HU, OrganisationKind.INSTITUTE, OrganisationSubtype.HBO, [LEIDSCHE_RIJN, VLEUTEN]),
    (MARNIX, OrganisationKind.INSTITUTE, OrganisationSubtype.HBO, [LEIDSCHE_RIJN, VLEUTEN]),
    (MBO, OrganisationKind.INSTITUTE, OrganisationSubtype.MBO, [LEIDSCHE_RIJN, VLEUTEN]),
    # Eerstegraads students teach in secondary education: only Leidsche Rijn has a 10-14 school.
    (UU, OrganisationKind.INSTITUTE, OrganisationSubtype.WO, [LEIDSCHE_RIJN]),
]

PABO = "Pabo"
TWEEDEGRAADS = "Tweedegraads lerarenopleiding"
EERSTEGRAADS = "Eerstegraads lerarenopleiding"
MUZIEK = "Docent muziek"
ONDERWIJSASSISTENT = "Onderwijsassistent"
SOCIAL_WORK = "Social work"
VAKTHERAPIE = "Vaktherapie"
ECOLOGISCH = "Ecologische pedagogiek"
PEP = "Pedagogisch educatief professional"
PEDAGOGISCH_MEDEWERKER = "Pedagogisch medewerker"
SPORT = "Sport en bewegen"

PROGRAMMES = [
    # (name, institute, level, domain)
    (PABO, MARNIX, Level.HBO, Domain.EDUCATIONAL),
    (TWEEDEGRAADS, HU, Level.HBO, Domain.EDUCATIONAL),
    (EERSTEGRAADS, UU, Level.WO, Domain.EDUCATIONAL),
    (MUZIEK, HU, Level.HBO, Domain.EDUCATIONAL),
    (ONDERWIJSASSISTENT, MBO, Level.MBO, Domain.EDUCATIONAL),
    (SOCIAL_WORK, HU, Level.HBO, Domain.SOCIAL),
    (VAKTHERAPIE, HU, Level.HBO, Domain.SOCIAL),
    (ECOLOGISCH, HU, Level.HBO, Domain.PEDAGOGICAL),
    (PEP, MARNIX, Level.HBO, Domain.PEDAGOGICAL),
    (PEDAGOGISCH_MEDEWERKER, MBO, Level.MBO, Domain.PEDAGOGICAL),
    (SPORT, MBO, Level.MBO, Domain.SOCIAL),
]

# What each environment aims for; the students below fall short on pabo, as in the pilots.
TARGETS = {
    LEIDSCHE_RIJN: {
        PABO: 6,
        TWEEDEGRAADS: 2,
        EERSTEGRAADS: 1,
        MUZIEK: 1,
        ONDERWIJSASSISTENT: 3,
        SOCIAL_WORK: 6,
        VAKTHERAPIE: 3,
        ECOLOGISCH: 2,
        PEP: 2,
        PEDAGOGISCH_MEDEWERKER: 3,
        SPORT: 3,
    },
    VLEUTEN: {
        PABO: 4,
        ONDERWIJSASSISTENT: 2,
        SOCIAL_WORK: 3,
        VAKTHERAPIE: 2,
        ECOLOGISCH: 1,
        PEDAGOGISCH_MEDEWERKER: 2,
        SPORT: 2,
    },
}


@dataclass(frozen=True)
class Person:
    email: str
    full_name: str
    # (role, environment, organisation or None, programme or None)
    memberships: list[tuple[Role, str, str | None, str | None]] = field(default_factory=list)
    is_staff: bool = False
    totp: bool = False


def _demo_email(local_part: str) -> str:
    return f"{local_part}{DEMO_DOMAIN}"


PROFESSIONALS = [
    Person(_demo_email("beheer"), "Marieke van Dijk", is_staff=True, totp=True),
    Person(
        _demo_email("coordinator.leidscherijn"),
        "Esther Bakker",
        [(Role.COORDINATOR, LEIDSCHE_RIJN, None, None)],
        totp=True,
    ),
    Person(
        _demo_email("coordinator.vleuten"),
        "Ruud Hendriks",
        [(Role.COORDINATOR, VLEUTEN, None, None)],
        totp=True,
    ),
    Person(
        _demo_email("schoolopleider.regenboog"),
        "Anouk Visser",
        [
            (Role.SCHOOL_TRAINER, LEIDSCHE_RIJN, REGENBOOG, None),
            (Role.PRACTICE_SUPERVISOR, LEIDSCHE_RIJN, REGENBOOG, None),
        ],
    ),
    # A teacher at a host who supervises nobody: the environment page and the agenda.
    Person(
        _demo_email("collega.regenboog"),
        "Femke Boer",
        [(Role.COLLEAGUE, LEIDSCHE_RIJN, REGENBOOG, None)],
    ),
    Person(
        _demo_email("schoolopleider.tienerschool"),
        "Joost Mulder",
        [(Role.SCHOOL_TRAINER, LEIDSCHE_RIJN, TIENERSCHOOL, None)],
    ),
    Person(
        _demo_email("schoolopleider.demeernzuid"),
        "Ingrid Smit",
        [(Role.SCHOOL_TRAINER, VLEUTEN, MEERN_ZUID, None)],
    ),
    Person(
        _demo_email("praktijk.hetzand"),
        "Nadia El Khatib",
        [(Role.PRACTICE_SUPERVISOR, LEIDSCHE_RIJN, HET_ZAND, None)],
    ),
    Person(
        _demo_email("praktijk.demeernzuid"),
        "Thijs van Leeuwen",
        [(Role.PRACTICE_SUPERVISOR, VLEUTEN, MEERN_ZUID, None)],
    ),
    Person(
        _demo_email("praktijk.buurtteam"),
        "Samira Ouali",
        [(Role.PRACTICE_SUPERVISOR, LEIDSCHE_RIJN, BUURTTEAM, None)],
    ),
    Person(
        _demo_email("praktijk.jongerenwerk"),
        "Kevin Brouwer",
        [(Role.PRACTICE_SUPERVISOR, VLEUTEN, JONGERENWERK, None)],
    ),
    Person(
        _demo_email("praktijk.bso"),
        "Lotte de Graaf",
        [
            (Role.PRACTICE_SUPERVISOR, LEIDSCHE_RIJN, BSO, None),
            (Role.PRACTICE_SUPERVISOR, VLEUTEN, BSO, None),
        ],
    ),
    Person(
        _demo_email("opleider.hu"),
        "Priya Ramdin",
        [
            (Role.INSTITUTE_SUPERVISOR, LEIDSCHE_RIJN, HU, None),
            (Role.INSTITUTE_SUPERVISOR, VLEUTEN, HU, None),
        ],
    ),
    Person(
        _demo_email("opleider.marnix"),
        "Hans Vermeulen",
        [
            (Role.INSTITUTE_SUPERVISOR, LEIDSCHE_RIJN, MARNIX, None),
            (Role.INSTITUTE_SUPERVISOR, VLEUTEN, MARNIX, None),
        ],
    ),
    Person(
        _demo_email("opleider.mbo"),
        "Ayşe Yılmaz",
        [
            (Role.INSTITUTE_SUPERVISOR, LEIDSCHE_RIJN, MBO, None),
            (Role.INSTITUTE_SUPERVISOR, VLEUTEN, MBO, None),
        ],
    ),
    Person(
        _demo_email("opleider.uu"),
        "Maarten de Wit",
        [(Role.INSTITUTE_SUPERVISOR, LEIDSCHE_RIJN, UU, None)],
    ),
]

# Two memorable students, then the numbered ones: student01, student02, ...
NAMED_STUDENTS = [
    (_demo_email("student"), "Daan de Vries", LEIDSCHE_RIJN, SOCIAL_WORK),
    (_demo_email("pabo"), "Sanne Jansen", LEIDSCHE_RIJN, PABO),
]
STUDENT_NAMES = [
    "Emma Dekker",
    "Noah Willems",
    "Julia Bos",
    "Sem Peters",
    "Fleur van den Berg",
    "Mohamed Amrani",
    "Tess Kuipers",
    "Lucas Hoekstra",
    "Zoë Verhoeven",
    "Milan Koster",
    "Lieke Prins",
    "Yassin El Idrissi",
    "Eva Schouten",
    "Finn van Wijk",
    "Sara Benali",
    "Jesse Huisman",
    "Isa Meijer",
    "Bram Jacobs",
    "Noor Haddou",
    "Thomas Vos",
    "Anna Postma",
    "Ruben Kok",
    "Femke Dijkstra",
    "Stijn Veenstra",
    "Amira Chaouch",
    "Luuk van Dam",
    "Roos Timmermans",
    "Gijs Maas",
    "Imane Boukhari",
    "Max Scholten",
    "Jasmijn de Boer",
    "Rayan Aziz",
    "Merel Sanders",
    "Tim Kramer",
    "Hanna Wouters",
    "Jayden Martina",
    "Elif Demir",
    "Olivier Gerritsen",
    "Maud Verbeek",
    "Kofi Mensah",
]
# Unbalanced like the pilots: many social-domain students, hardly any pabo students.
STUDENT_MIX = [
    # (environment, programme, number of numbered students)
    (LEIDSCHE_RIJN, SOCIAL_WORK, 7),
    (LEIDSCHE_RIJN, VAKTHERAPIE, 3),
    (LEIDSCHE_RIJN, SPORT, 4),
    (LEIDSCHE_RIJN, PEDAGOGISCH_MEDEWERKER, 3),
    (LEIDSCHE_RIJN, ECOLOGISCH, 2),
    (LEIDSCHE_RIJN, PEP, 2),
    (LEIDSCHE_RIJN, ONDERWIJSASSISTENT, 2),
    (LEIDSCHE_RIJN, TWEEDEGRAADS, 1),
    (LEIDSCHE_RIJN, EERSTEGRAADS, 1),
    (LEIDSCHE_RIJN, MUZIEK, 1),
    (VLEUTEN, SOCIAL_WORK, 4),
    (VLEUTEN, VAKTHERAPIE, 2),
    (VLEUTEN, SPORT, 3),
    (VLEUTEN, PEDAGOGISCH_MEDEWERKER, 2),
    (VLEUTEN, ECOLOGISCH, 1),
    (VLEUTEN, ONDERWIJSASSISTENT, 1),
    (VLEUTEN, PABO, 1),
]


def _students() -> list[Person]:
    people = [
        Person(email, name, [(Role.STUDENT, environment, None, programme)])
        for email, name, environment, programme in NAMED_STUDENTS
    ]
    places = [
        (environment, programme)
        for environment, programme, count in STUDENT_MIX
        for _ in range(count)
    ]
    # strict: a name for every place, so nobody is silently dropped or invented.
    for number, (name, (environment, programme)) in enumerate(
        zip(STUDENT_NAMES, places, strict=True), start=1
    ):
        people.append(
            Person(
                _demo_email(f"student{number:02}"),
                name,
                [(Role.STUDENT, environment, None, programme)],
            )
        )
    return people


PEOPLE = PROFESSIONALS + _students()


@dataclass
class World:
    environments: dict[str, LearningEnvironment]
    organisations: dict[str, Organisation]
    programmes: dict[str, Programme]


def school_year_on(day: date) -> str:
    """The school year a day falls in; a new one starts on 1 August."""
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{start + 1}"


class Command(BaseCommand):
    help = (
        "Create or update a demo world: two learning environments in Utrecht with their "
        "partner organisations, programmes, professionals and about 40 students. "
        "Safe to run more than once. Development only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help=f"Set the password of existing demo users back to {DEMO_PASSWORD!r}.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("The demo data has public passwords; never load it in production.")
        school_year = school_year_on(timezone.localdate())
        # The demo's own role changes are no security events worth a screenful of log.
        security_log = logging.getLogger("ulvo.security")
        was_disabled, security_log.disabled = security_log.disabled, True
        try:
            with transaction.atomic():
                world = self._world(school_year)
                self._people(world, reset_passwords=options["reset_passwords"])
                environments = world.environments.values()
                create_demo_placements(environments=environments, stdout=self.stdout)
                create_demo_networks(environments=environments, stdout=self.stdout)
                create_demo_availability(environments=environments, stdout=self.stdout)
                create_demo_supervision(environments=environments, stdout=self.stdout)
                create_demo_reflections(environments=environments, stdout=self.stdout)
                create_demo_practice(environments=environments, stdout=self.stdout)
                create_demo_knowledge(environments=environments, stdout=self.stdout)
                create_demo_allocation(environments=environments, stdout=self.stdout)
                create_demo_notifications(environments=environments, stdout=self.stdout)
                # Written partly in bulk, the demo world is new to every cached page.
                home_forget_everyone()
                navigation_forget(
                    *User.objects.filter(email__endswith=DEMO_DOMAIN).values_list("pk", flat=True)
                )
        finally:
            security_log.disabled = was_disabled
        print_signoff_hints(environments=world.environments.values(), stdout=self.stdout)
        print_session_hints(environments=world.environments.values(), stdout=self.stdout)
        # Last, right above the server's address: what a newcomer needs to log in.
        self._print_logins(school_year)

    def _world(self, school_year: str) -> World:
        region, _ = Region.objects.get_or_create(name=REGION)
        environments: dict[str, LearningEnvironment] = {}
        for name, neighbourhood in ENVIRONMENTS:
            environments[name], _ = LearningEnvironment.objects.update_or_create(
                region=region,
                name=name,
                school_year=school_year,
                defaults={
                    "neighbourhood": neighbourhood,
                    "vision": PROFILES.get(name, ("", ""))[0],
                    "expectations": PROFILES.get(name, ("", ""))[1],
                },
            )
        organisations: dict[str, Organisation] = {}
        for name, kind, subtype, partners in ORGANISATIONS:
            organisations[name], _ = Organisation.objects.update_or_create(
                region=region, name=name, defaults={"kind": kind, "subtype": subtype}
            )
            for environment_name in partners:
                environments[environment_name].organisations.add(organisations[name])
        programmes: dict[str, Programme] = {}
        for name, institute, level, domain in PROGRAMMES:
            programmes[name], _ = Programme.objects.update_or_create(
                institute=organisations[institute],
                name=name,
                defaults={"level": level, "domain": domain},
            )
        for environment_name, targets in TARGETS.items():
            for programme_name, students in targets.items():
                ProgrammeTarget.objects.update_or_create(
                    environment=environments[environment_name],
                    programme=programmes[programme_name],
                    defaults={"students": students},
                )
        return World(environments, organisations, programmes)

    def _people(self, world: World, *, reset_passwords: bool) -> None:
        existing = set(
            User.objects.filter(email__in=[p.email for p in PEOPLE]).values_list("email", flat=True)
        )
        # One hash for everyone, and only when needed: hashing is slow on purpose, and these
        # passwords are public anyway.
        needs_hash = reset_passwords or len(existing) < len(PEOPLE)
        password = make_password(DEMO_PASSWORD) if needs_hash else ""
        for person in PEOPLE:
            fields = {
                "full_name": person.full_name,
                "language": "nl",
                "is_active": True,
                "is_staff": person.is_staff,
                "is_superuser": person.is_staff,
            }
            if reset_passwords:
                fields["password"] = password
            user, _ = User.objects.update_or_create(
                email=person.email,
                defaults=fields,
                create_defaults={**fields, "password": password},
            )
            EmailAddress.objects.update_or_create(
                user=user, email=person.email, defaults={"primary": True, "verified": True}
            )
            for role, environment_name, organisation, programme in person.memberships:
                membership_set(
                    user=user,
                    environment=world.environments[environment_name],
                    role=role,
                    organisation=world.organisations[organisation] if organisation else None,
                    programme=world.programmes[programme] if programme else None,
                )
            if (
                person.totp
                and not Authenticator.objects.filter(
                    user=user, type=Authenticator.Type.TOTP
                ).exists()
            ):
                TOTP.activate(user, DEMO_TOTP_SECRET)

    def _print_logins(self, school_year: str) -> None:
        users = {
            user.email: user
            for user in User.objects.filter(email__endswith=DEMO_DOMAIN).prefetch_related(
                "memberships__environment", "memberships__organisation", "memberships__programme"
            )
        }
        secrets = {
            authenticator.user_id: get_mfa_adapter().decrypt(authenticator.data["secret"])
            for authenticator in Authenticator.objects.filter(
                user__email__endswith=DEMO_DOMAIN, type=Authenticator.Type.TOTP
            )
        }
        header = ("E-mail", "Password", "Role(s)", "Environment", "Two-factor")
        rows = []
        for person in PEOPLE:
            user = users[person.email]
            memberships = list(user.memberships.all())
            # "school trainer + practice supervisor (Basisschool De Regenboog)"
            roles_by_detail: dict[str, set[str]] = {}
            for m in memberships:
                detail = m.programme.name if m.programme else str(m.organisation or "")
                roles_by_detail.setdefault(detail, set()).add(str(Role(m.role).label))
            roles = [
                " + ".join(sorted(labels)) + (f" ({detail})" if detail else "")
                for detail, labels in sorted(roles_by_detail.items())
            ]
            if user.is_staff:
                roles.insert(0, "staff (superuser)")
            places = sorted({m.environment.name for m in memberships})
            if user.pk not in secrets:
                two_factor = "-"
            elif secrets[user.pk] == DEMO_TOTP_SECRET:
                two_factor = "TOTP: demo_totp EMAIL"
            else:
                two_factor = "TOTP (own secret)"
            rows.append(
                (
                    user.email,
                    DEMO_PASSWORD,
                    ", ".join(roles) or "-",
                    ", ".join(places) or "-",
                    two_factor,
                )
            )
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo world ready: region {REGION}, school year {school_year}, "
                f"{len(rows)} demo logins."
            )
        )
        self.stdout.write("")
        self.stdout.write(line(header).rstrip())
        self.stdout.write("  ".join("-" * width for width in widths))
        for row in rows:
            self.stdout.write(line(row).rstrip())
        self.stdout.write("")
        self.stdout.write(
            "Coordinators and staff log in with a code from an authenticator app.\n"
            "  Current code:  python manage.py demo_totp EMAIL\n"
            f"  Or add the secret {DEMO_TOTP_SECRET} to an authenticator app "
            f"(TOTP, SHA1, {mfa_settings.TOTP_DIGITS} digits, {mfa_settings.TOTP_PERIOD} s)."
        )
