"""A small environment whose figures are worked out by hand in the tests.

School year 2026-2027. Programmes and targets: Social work (social, hbo) 2, Pabo
(educational, hbo) 3, Pedagogisch medewerker (pedagogical, mbo) 1, Vaktherapie (social,
hbo) no target. Placements counted in the year: two social-work students, one pabo
student, one vaktherapie student; a cancelled placement, one of last year and one in
another environment do not count.
"""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from accounts.models import Role
from environments.models import (
    Domain,
    Level,
    OrganisationKind,
    OrganisationSubtype,
    ProgrammeTarget,
)
from learning_networks.models import (
    Attendance,
    LearningNetwork,
    NetworkMembership,
    NetworkSession,
    SessionFeedback,
)
from placements.models import ActivityEntry, SupervisionAssignment
from reflections.models import Reflection
from supervision.models import TimeLog
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.accounts.steps import activate_totp
from tests.dashboards.steps import at, make_placement
from tests.environments.factories import (
    InstituteFactory,
    LearningEnvironmentFactory,
    OrganisationFactory,
    ProgrammeFactory,
)


@dataclass
class World:
    environment: Any
    other: Any
    school: Any
    neighbourhood: Any
    institute: Any
    social_work: Any
    pabo: Any
    pm: Any
    vaktherapie: Any
    coordinator: Any
    core_member: Any
    trainer: Any
    neighbour: Any
    students: list[Any]
    placements: dict[str, Any]
    network: Any
    sessions: dict[str, Any]


@pytest.fixture
def world(db: None) -> World:
    environment = LearningEnvironmentFactory(name="Dashboardwijk", school_year="2026-2027")
    other = LearningEnvironmentFactory(name="Elders", school_year="2026-2027")
    school = OrganisationFactory(name="Basisschool Telwerk")
    neighbourhood = OrganisationFactory(
        name="Buurtteam Telwerk",
        kind=OrganisationKind.NEIGHBOURHOOD,
        subtype=OrganisationSubtype.SOCIAL_WORK,
    )
    institute = InstituteFactory(name="Hogeschool Telwerk")
    environment.organisations.add(school, neighbourhood, institute)
    other.organisations.add(school, institute)
    social_work = ProgrammeFactory(
        institute=institute, name="Social work", domain=Domain.SOCIAL, level=Level.HBO
    )
    pabo = ProgrammeFactory(
        institute=institute, name="Pabo", domain=Domain.EDUCATIONAL, level=Level.HBO
    )
    pm = ProgrammeFactory(
        institute=institute,
        name="Pedagogisch medewerker",
        domain=Domain.PEDAGOGICAL,
        level=Level.MBO,
    )
    vaktherapie = ProgrammeFactory(
        institute=institute, name="Vaktherapie", domain=Domain.SOCIAL, level=Level.HBO
    )
    for programme, students in ((social_work, 2), (pabo, 3), (pm, 1)):
        ProgrammeTarget.objects.create(
            environment=environment, programme=programme, students=students
        )

    coordinator = UserFactory(full_name="Cora Coördinator")
    MembershipFactory(user=coordinator, environment=environment, role=Role.COORDINATOR)
    activate_totp(coordinator)
    trainer = UserFactory(full_name="Tom Trainer")
    MembershipFactory(
        user=trainer, environment=environment, role=Role.SCHOOL_TRAINER, organisation=school
    )
    neighbour = UserFactory(full_name="Nina Buurt")
    MembershipFactory(
        user=neighbour,
        environment=environment,
        role=Role.PRACTICE_SUPERVISOR,
        organisation=neighbourhood,
    )
    core_member = UserFactory(full_name="Kees Kernteam")
    MembershipFactory(
        user=core_member,
        environment=environment,
        role=Role.PRACTICE_SUPERVISOR,
        organisation=neighbourhood,
    )
    programmes = [social_work, social_work, pabo, vaktherapie, social_work, pabo]
    students = []
    for number, programme in enumerate(programmes, start=1):
        student = UserFactory(full_name=f"Student {number}")
        MembershipFactory(
            user=student, environment=environment, role=Role.STUDENT, programme=programme
        )
        students.append(student)
    s1, s2, s3, s4, s5, s6 = students
    outsider = UserFactory(full_name="Student Elders")
    MembershipFactory(user=outsider, environment=other, role=Role.STUDENT, programme=pabo)

    placements = {
        "p1": make_placement(
            s1, social_work, environment, school, "2026-09-07", "2027-01-29", [1, 2]
        ),
        "p2": make_placement(s2, social_work, environment, school, "2026-09-07", "2027-06-30", [4]),
        "p3": make_placement(s3, pabo, environment, school, "2026-10-05", "2026-12-18", [3]),
        "p4": make_placement(
            s4, vaktherapie, environment, school, "2026-09-07", "2026-09-25", [3], "completed"
        ),
        "p5": make_placement(
            s5, social_work, environment, school, "2026-09-07", "2027-01-29", [1], "cancelled"
        ),
        "p6": make_placement(
            s6, pabo, environment, school, "2025-09-01", "2026-06-30", [1], "completed"
        ),
        "elsewhere": make_placement(outsider, pabo, other, school, "2026-09-07", "2027-06-30", [1]),
    }  # fmt: skip
    SupervisionAssignment.objects.create(
        placement=placements["p1"], supervisor=trainer, role="school_trainer", domain="educational"
    )
    SupervisionAssignment.objects.create(
        placement=placements["p2"], supervisor=neighbour, role="practice", domain="social"
    )
    SupervisionAssignment.objects.create(
        placement=placements["p3"], supervisor=trainer, role="school_trainer", domain="educational"
    )

    network = LearningNetwork.objects.create(environment=environment, name="Netwerk Telwerk")
    NetworkMembership.objects.create(network=network, user=core_member, core_team=True)
    for student in (s1, s2, s3):
        NetworkMembership.objects.create(network=network, user=student)

    def session(key: str, kind: str, day: str, status: str) -> NetworkSession:
        return NetworkSession.objects.create(
            network=network,
            kind=kind,
            theme=f"Thema {key}",
            starts_at=at(day),
            ends_at=at(day, 12),
            status=status,
        )

    sessions = {
        "m1": session("m1", "mixed", "2026-10-06", "held"),
        "m2": session("m2", "mixed", "2026-11-03", "held"),
        "k1": session("k1", "skills_lab", "2026-10-13", "held"),
        "d1": session("d1", "mono", "2027-07-20", "planned"),
        "c1": session("c1", "mixed", "2026-10-20", "cancelled"),
        "x1": session("x1", "mixed", "2026-10-27", "draft"),
    }
    for key, user, presence in [
        ("m1", s1, "present"),
        ("m1", s2, "absent"),
        ("m1", s3, "present"),
        ("m1", core_member, "present"),
        ("m2", s1, "present"),
        ("m2", s2, "present"),
        ("m2", s3, "excused"),
        ("c1", s3, "present"),
    ]:
        Attendance.objects.create(session=sessions[key], user=user, presence=presence)
    for key, user, usefulness, relevance in [
        ("m1", s1, 4, 5),
        ("m1", s3, 2, 3),
        ("k1", s2, 5, 5),
        ("m2", s1, 3, 3),
    ]:
        SessionFeedback.objects.create(
            session=sessions[key], user=user, usefulness=usefulness, relevance=relevance
        )
    for placement, day, setting, minutes, status in [
        ("p1", "2026-10-05", "school", 120, "approved"),
        ("p1", "2026-10-06", "neighbourhood", 60, "draft"),
        ("p2", "2026-10-08", "neighbourhood", 90, "approved"),
        ("p2", "2026-10-09", "online", 30, "submitted"),
        ("p6", "2026-03-02", "school", 600, "approved"),
        ("elsewhere", "2026-10-05", "school", 300, "approved"),
    ]:
        ActivityEntry.objects.create(
            placement=placements[placement],
            date=datetime.date.fromisoformat(day),
            setting=setting,
            kind="classroom",
            minutes=minutes,
            status=status,
        )
    for person, organisation, domain, day, minutes, env in [
        (trainer, school, "educational", "2026-10-01", 90, environment),
        (trainer, school, "educational", "2026-11-01", 30, environment),
        (neighbour, neighbourhood, "social", "2026-10-02", 60, environment),
        (core_member, neighbourhood, "pedagogical", "2026-10-02", 45, environment),
        (neighbour, neighbourhood, "social", "2025-10-02", 600, environment),  # last year
        (trainer, school, "educational", "2026-10-01", 300, other),
    ]:
        TimeLog.objects.create(
            person=person,
            environment=env,
            organisation=organisation,
            domain=domain,
            date=datetime.date.fromisoformat(day),
            minutes=minutes,
            kind="supervision",
        )
    for author, published, mechanisms in [
        (s1, "2026-10-07", ["identification", "reflection"]),
        (s2, "2026-10-08", ["identification"]),
        (s3, "2026-11-10", ["transformation", "identification", "coordination"]),
        (s1, None, ["coordination"]),  # a draft
        (s1, "2025-11-10", ["coordination"]),  # last year
    ]:
        Reflection.objects.create(
            author=author,
            environment=environment,
            text="GEHEIME-REFLECTIETEKST " + author.full_name,
            published_at=at(published) if published else None,
            **{f"shows_{m}": True for m in mechanisms},
        )
    return World(
        environment=environment,
        other=other,
        school=school,
        neighbourhood=neighbourhood,
        institute=institute,
        social_work=social_work,
        pabo=pabo,
        pm=pm,
        vaktherapie=vaktherapie,
        coordinator=coordinator,
        core_member=core_member,
        trainer=trainer,
        neighbour=neighbour,
        students=students,
        placements=placements,
        network=network,
        sessions=sessions,
    )
