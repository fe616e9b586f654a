"""Demo data of the allocation: for every environment an open application round for
next school year, its hosts in the register (weekdays, places, a training school of the
pabo institute's partnership, schools wanting two domains, SBB recognitions for the mbo
qualifications), the practice supervisors' capacity, and applications of the
environment's students with realistic preferences (popular schools asked first by
many, a few without preference; two left for the institute supervisor to confirm).
Called by ``manage.py demo`` after placements exist; idempotent (keyed on the round's
name and each student's application)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from accounts.models import Membership, Role
from allocation.models import (
    Application,
    ApplicationRound,
    HostPlace,
    HostProfile,
    SbbRecognition,
    SupervisorCapacity,
    TrainingPartnership,
)
from allocation.services import application_confirm, application_submit, round_hosts
from environments.models import (
    Domain,
    LearningEnvironment,
    Level,
    Organisation,
    OrganisationKind,
    Programme,
)
from placements.models import Placement, mask_to_weekdays
from ulvo.lib.demo import DemoWriter

ROUND_NAME = "Stages %(year)s"
# SBB's crebo codes of the mbo qualifications in the demo (onderwijsassistent,
# pedagogisch medewerker, sport en bewegen).
CREBO: dict[str, str] = {
    Domain.EDUCATIONAL: "25698",
    Domain.PEDAGOGICAL: "25486",
    Domain.SOCIAL: "25409",
}


def _next_year(environment: LearningEnvironment) -> str:
    start = int(environment.school_year[:4]) + 1
    return f"{start}-{start + 1}"


def create_demo_allocation(
    *, environments: Iterable[LearningEnvironment], stdout: DemoWriter
) -> None:
    today = timezone.localdate()
    made = 0
    for environment in environments:
        year = _next_year(environment)
        round, created = ApplicationRound.objects.get_or_create(
            environment=environment,
            name=ROUND_NAME % {"year": year},
            defaults={
                "school_year": year,
                "opens_on": today - datetime.timedelta(days=7),
                "closes_on": today + datetime.timedelta(days=28),
                "starts_on": datetime.date(int(year[:4]), 9, 1),
                "ends_on": datetime.date(int(year[5:]), 6, 30),
            },
        )
        if not round.is_open(today):
            continue
        hosts = round_hosts(round)
        _register(environment, round, hosts)
        made += _applications(environment, round, hosts)
    if made:
        stdout.write(f"Allocation: {made} applications in the open rounds for next year.")


def _register(
    environment: LearningEnvironment, round: ApplicationRound, hosts: list[Organisation]
) -> None:
    institutes = Organisation.objects.filter(
        pk__in=Programme.objects.filter(
            memberships__environment=environment, level__in=[Level.HBO, Level.WO]
        ).values("institute")
    )
    partnership, _ = TrainingPartnership.objects.get_or_create(
        name=f"Opleiden in de school {environment.region.name}"
    )
    partnership.institutes.add(*institutes)
    schools = [h for h in hosts if h.kind == OrganisationKind.SCHOOL]
    # Scarce pabo places: only the first schools are training schools.
    partnership.schools.add(*schools[: max(1, len(schools) // 2)])
    for i, host in enumerate(hosts):
        school = host.kind == OrganisationKind.SCHOOL
        HostProfile.objects.get_or_create(
            organisation=host,
            defaults={
                "weekdays": 0b11111 if school else (0b01110 if i % 2 else 0b11101),
                "min_domains": 2 if school else 0,
            },
        )
        if not HostPlace.objects.filter(organisation=host, school_year=round.school_year).exists():
            HostPlace.objects.create(
                organisation=host, school_year=round.school_year, capacity=6 if school else 4
            )
        for domain, crebo in CREBO.items():
            if (domain == Domain.EDUCATIONAL) == school:
                SbbRecognition.objects.get_or_create(
                    organisation=host,
                    crebo=crebo,
                    defaults={"valid_from": datetime.date(2024, 1, 1)},
                )
    supervisors = Membership.objects.filter(
        environment=environment,
        role__in=[Role.PRACTICE_SUPERVISOR, Role.SCHOOL_TRAINER],
        organisation__in=hosts,
        is_active=True,
    )
    for membership in supervisors.select_related("organisation"):
        SupervisorCapacity.objects.get_or_create(
            organisation=membership.organisation,
            school_year=round.school_year,
            supervisor_id=membership.user_id,
            defaults={"capacity": 3},
        )


def _applications(
    environment: LearningEnvironment, round: ApplicationRound, hosts: list[Organisation]
) -> int:
    students = (
        Membership.objects.filter(environment=environment, role=Role.STUDENT, is_active=True)
        .select_related("user", "programme")
        .order_by("pk")
    )
    confirmer = (
        Membership.objects.filter(
            environment=environment, role=Role.INSTITUTE_SUPERVISOR, is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if not hosts:
        return 0
    applied = set(round.applications.values_list("student_id", flat=True))
    # Popularity: the first school is asked first by many, the rest less often.
    popular = sorted(hosts, key=lambda h: (h.kind != OrganisationKind.SCHOOL, h.pk))
    made = 0
    for i, membership in enumerate(students):
        if membership.user_id in applied or membership.programme is None:
            continue
        placement = (
            Placement.objects.filter(student_id=membership.user_id).order_by("-start_date").first()
        )
        days = mask_to_weekdays(placement.weekdays_on_site) if placement else [1, 2]
        class_days = mask_to_weekdays(placement.institute_days) if placement else [3]
        if i % 9 == 4:
            choices: list[Organisation] = []  # no preference
        else:
            count = 2 + i % 3
            start = 0 if i % 3 else i % len(popular)
            choices = [popular[(start + k) % len(popular)] for k in range(min(count, len(popular)))]
        application: Application = application_submit(
            round=round,
            student=membership.user,
            hosts=choices,
            weekdays=days,
            class_days=class_days,
            crebo=CREBO[membership.programme.domain]
            if membership.programme.level == Level.MBO
            else "",
        )
        if confirmer is not None and i % 7 != 6:
            application_confirm(application=application, supervisor=confirmer.user)
        made += 1
    return made
