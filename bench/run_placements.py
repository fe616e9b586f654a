"""Benchmark of the placement pages at the scale of issue 3.

    .venv/bin/python bench/run_placements.py [--keep] [--duration 12] [--rounds 3] ...

Seeds a fresh PostgreSQL database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/ulvo_bench; dropped and recreated, so its name
must contain "bench") with one learning environment, a student whose active
placement holds 2,000 activity entries in weeks of every state, and a practice
supervisor who signs off for 60 supervisees, each with a submitted week of about
20 entries. Then serves the platform with gunicorn (2 sync workers, production
settings) on 127.0.0.1 and measures, from a second process with 16 connections,
the student's week and overview, the supervisor's queue and a week review
against a minimal logged-in page (and an empty page in the site layout), in
interleaved rounds. Then, in-process and one request at a time, each page's own
cost — and that of the two writes, logging an activity through the htmx quick-log
and approving a week from the queue (each in a transaction rolled back afterwards,
so every repetition meets the same data) — as the median wall and CPU time of
``--repeat`` requests against the minimal page's. Figures go to
bench/results/placements-<date>.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402

SEED = 20260301

# --- What gets seeded ----------------------------------------------------------------

STUDENT_DAYS = (1, 2, 4, 5)  # a dual-track student: on site four days, Wednesday at the institute
ENTRIES_PER_DAY = (4, 8)  # activities logged on one day on site
MINUTES = (30, 45, 60, 60, 75, 90, 90, 120, 150)
MAX_MINUTES_A_DAY = 10 * 60  # well within the model's 24 hours
HOLIDAY_WEEKS = {1, 9, 18, 30, 31, 32, 33, 34, 35, 43, 52}  # ISO weeks without placement work

FIRST_NAMES = [
    "Sanne", "Daan", "Fleur", "Milan", "Noor", "Sem", "Lotte", "Levi", "Emma", "Luuk",
    "Yara", "Finn", "Sara", "Bram", "Amira", "Thijs", "Iris", "Mohamed", "Julia", "Ruben",
]  # fmt: skip
LAST_NAMES = [
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "El Amrani", "Mulder",
    "de Boer", "Bos", "Yilmaz", "Peters", "Hendriks", "van Dijk", "Dekker",
]  # fmt: skip
DESCRIPTIONS = {
    "school": [
        "Ondersteund in groep 5 tijdens de rekenles",
        "Kleine instructiegroep bij spelling begeleid",
        "Een leerling geholpen met het plannen van huiswerk",
        "Kringgesprek over vriendschap geleid in groep 3",
        "Geobserveerd in groep 8 tijdens zelfstandig werken",
        "Overleg met de intern begeleider over de ondersteuning in groep 5",
        "Met het studententeam gewerkt aan het vraagstuk 'rust in de school'",
        "Pauzespel op het plein georganiseerd met de sportstudent",
    ],
    "neighbourhood": [
        "Huiswerkklas in het buurthuis begeleid",
        "Sportinstuif op het Cruijff Court met het jongerenwerk",
        "Meegelopen met de wijkcoach op huisbezoek",
        "Gesprek met een jongere over school en bijbaan",
        "Buurtactiviteit voor ouders en kinderen voorbereid",
        "Overleg met de wijkcoach en de intern begeleider over een gezin",
        "Kookactiviteit voor kinderen uit de wijk begeleid",
    ],
    "online": [
        "Verslag van de week geschreven en gedeeld met de praktijkbegeleider",
        "Online intervisie met studenten van andere opleidingen",
        "Lesmateriaal voor de themaweek voorbereid",
    ],
}
KINDS_BY_SETTING = {
    "school": ["classroom", "classroom", "individual", "group", "observation", "consultation"],
    "neighbourhood": ["group", "group", "individual", "observation", "project", "consultation"],
    "online": ["intervision", "project", "other", "consultation"],
}
DISCIPLINES = ["teacher", "teaching_assistant", "social_work", "pedagogy", "youth_work", "sport"]
RETURN_COMMENTS = [
    "Wil je bij donderdag beschrijven wat je bij het huisbezoek zelf hebt gedaan?",
    "De uren van maandag kloppen niet met het rooster; pas je ze aan?",
]


def school_year(day: datetime.date) -> str:
    first = day.year if day.month >= 8 else day.year - 1
    return f"{first}-{first + 1}"


class Seeder:
    """Everything in bulk inserts, in one transaction; deterministic for a given day."""

    def __init__(self, entries: int, supervisees: int) -> None:
        from django.utils import timezone

        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.tz = timezone.get_current_timezone()
        self.target_entries = entries
        self.supervisees = supervisees
        self.entries: list[Any] = []
        self.weeks: list[Any] = []
        self.events: list[tuple[Any, dict[str, Any]]] = []
        self.info: dict[str, Any] = {}

    # -- helpers ------------------------------------------------------------------

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    def day_entries(
        self, placement: Any, day: datetime.date, count: int, status: str, choices: tuple
    ) -> list[Any]:
        from placements.models import ActivityEntry

        minutes = [self.rng.choice(choices) for _ in range(count)]
        while sum(minutes) > MAX_MINUTES_A_DAY:
            largest = minutes.index(max(minutes))
            minutes[largest] = max(15, minutes[largest] - 15)
        made = []
        for index, duration in enumerate(minutes):
            if self.rng.random() < 0.1:
                setting = "online"
            elif day.isoweekday() in (1, 2):
                setting = "school"
            else:
                setting = "neighbourhood"
            made.append(
                ActivityEntry(
                    placement=placement,
                    date=day,
                    minutes=duration,
                    setting=setting,
                    kind=self.rng.choice(KINDS_BY_SETTING[setting]),
                    disciplines=self.rng.sample(DISCIPLINES, self.rng.choice((0, 1, 1, 2))),
                    description=self.rng.choice(DESCRIPTIONS[setting]),
                    status=status,
                    created_at=self.at(day, 16, index),
                )
            )
        self.entries.extend(made)
        return made

    def week(
        self,
        placement: Any,
        start: datetime.date,
        state: str,
        student: Any,
        reviewer: Any,
        returned_first: bool = False,
    ) -> Any:
        """A Week row and its history: submitted, and approved or returned (maybe twice)."""
        from placements.models import Week

        submitted = self.at(start + datetime.timedelta(days=4), 17)
        history = [("submitted", student, submitted, "")]
        if returned_first:
            history.append(
                ("returned", reviewer, submitted + datetime.timedelta(days=3), RETURN_COMMENTS[0])
            )
            submitted = submitted + datetime.timedelta(days=3, hours=4)
            history.append(("submitted", student, submitted, ""))
        reviewed = submitted + datetime.timedelta(days=2, hours=1)
        if state in ("approved", "returned"):
            comment = RETURN_COMMENTS[1] if state == "returned" else ""
            history.append((state, reviewer, reviewed, comment))
        week = Week(
            placement=placement,
            start=start,
            status=state,
            submitted_at=submitted,
            reviewed_at=reviewed if state != "submitted" else None,
            reviewer=reviewer if state != "submitted" else None,
            reviewer_name=reviewer.full_name if state != "submitted" else "",
            comment=history[-1][3],
        )
        self.weeks.append(week)
        for action, actor, when, comment in history:
            self.events.append(
                (
                    week,
                    {
                        "action": action,
                        "actor": actor,
                        "actor_name": actor.full_name,
                        "comment": comment,
                        "created_at": when,
                    },
                )
            )
        return week

    # -- the world ----------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        from django.db import transaction

        with transaction.atomic():
            self.organisations()
            self.people()
            self.student_placement()
            self.supervised_placements()
            self.flush()
        return self.info

    def organisations(self) -> None:
        from environments.models import (
            Domain,
            LearningEnvironment,
            Level,
            Organisation,
            Programme,
            ProgrammeTarget,
            Region,
        )

        region = Region.objects.create(name="Utrecht")
        self.environment = LearningEnvironment.objects.create(
            region=region,
            name="Leidsche Rijn",
            neighbourhood="Leidsche Rijn",
            school_year=school_year(self.today),
        )
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(region=region, name=name, kind=kind, subtype=subtype)
                for name, kind, subtype in [
                    ("Basisschool De Regenboog", "school", "primary"),
                    ("IKC De Vlinder", "school", "primary"),
                    ("Kindcentrum Vleuterweide", "school", "ten_fourteen"),
                    ("Buurtteam Leidsche Rijn", "neighbourhood", "social_work"),
                    ("Jongerenwerk Utrecht-West", "neighbourhood", "youth_work"),
                    ("BSO De Boomhut", "neighbourhood", "childcare"),
                    ("Hogeschool Utrecht", "institute", "hbo"),
                    ("ROC Midden Nederland", "institute", "mbo"),
                ]
            ]
        )
        self.schools = orgs[:3]
        self.neighbourhood = orgs[3:6]
        hu, roc = orgs[6], orgs[7]
        self.environment.organisations.add(*orgs)
        self.programmes = Programme.objects.bulk_create(
            [
                Programme(institute=hu, name="Social work", level=Level.HBO, domain=Domain.SOCIAL),
                Programme(institute=hu, name="Pabo", level=Level.HBO, domain=Domain.EDUCATIONAL),
                Programme(
                    institute=hu, name="Pedagogiek", level=Level.HBO, domain=Domain.PEDAGOGICAL
                ),
                Programme(
                    institute=roc,
                    name="Onderwijsassistent",
                    level=Level.MBO,
                    domain=Domain.EDUCATIONAL,
                ),
                Programme(
                    institute=roc,
                    name="Pedagogisch medewerker",
                    level=Level.MBO,
                    domain=Domain.PEDAGOGICAL,
                ),
            ]
        )
        ProgrammeTarget.objects.bulk_create(
            [
                ProgrammeTarget(environment=self.environment, programme=programme, students=15)
                for programme in self.programmes
            ]
        )

    def people(self) -> None:
        from allauth.account.models import EmailAddress

        from accounts.models import Membership, Role, User

        def user(email: str, name: str) -> User:
            # No usable password: the benchmark logs in through sessions it creates.
            return User(email=email, full_name=name, password="!bench")

        self.student = user("student@bench.ulvo.test", "Sanne de Vries")
        self.trainer = user("trainer@bench.ulvo.test", "Bram Schoolopleider")
        self.supervisor = user("begeleider@bench.ulvo.test", "Marieke Praktijk")
        self.lecturer = user("docent@bench.ulvo.test", "Dirk Docent")
        names = [
            f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i * 7) % len(LAST_NAMES)]}"
            for i in range(self.supervisees)
        ]
        self.supervisee_users = [
            user(f"stagiair{i:03d}@bench.ulvo.test", name) for i, name in enumerate(names)
        ]
        everyone = [self.student, self.trainer, self.supervisor, self.lecturer]
        everyone += self.supervisee_users
        User.objects.bulk_create(everyone)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in everyone]
        )
        env = self.environment
        memberships = [
            Membership(
                user=self.student, environment=env, role=Role.STUDENT, programme=self.programmes[0]
            ),
            Membership(
                user=self.trainer,
                environment=env,
                role=Role.SCHOOL_TRAINER,
                organisation=self.schools[0],
            ),
            Membership(
                user=self.supervisor,
                environment=env,
                role=Role.PRACTICE_SUPERVISOR,
                organisation=self.neighbourhood[0],
            ),
            Membership(
                user=self.lecturer,
                environment=env,
                role=Role.INSTITUTE_SUPERVISOR,
                organisation=self.programmes[0].institute,
            ),
        ]
        for i, student in enumerate(self.supervisee_users):
            memberships.append(
                Membership(
                    user=student,
                    environment=env,
                    role=Role.STUDENT,
                    programme=self.programmes[i % len(self.programmes)],
                )
            )
        Membership.objects.bulk_create(memberships)

    def student_placement(self) -> None:
        """2,000 entries: walking back from today over the days on site, 4–8 a day."""
        from placements.models import Placement, SupervisionAssignment, week_start, weekdays_to_mask

        this_week = week_start(self.today)
        days: list[tuple[datetime.date, int]] = []
        remaining = self.target_entries
        day = self.today
        while remaining > 0:
            holiday = day.isocalendar().week in HOLIDAY_WEEKS and week_start(day) != this_week
            if day.isoweekday() in STUDENT_DAYS and not holiday:
                count = min(remaining, self.rng.randint(*ENTRIES_PER_DAY))
                days.append((day, count))
                remaining -= count
            day -= datetime.timedelta(days=1)
        start = week_start(days[-1][0])
        placement = Placement.objects.create(
            student=self.student,
            programme=self.programmes[0],
            environment=self.environment,
            school=self.schools[0],
            neighbourhood_organisation=self.neighbourhood[0],
            start_date=start,
            end_date=this_week + datetime.timedelta(weeks=10, days=4),
            weekdays_on_site=weekdays_to_mask(list(STUDENT_DAYS)),
            institute_days=weekdays_to_mask([3]),
            hours_per_week=Decimal("32"),
            status="active",
        )
        SupervisionAssignment.objects.bulk_create(
            [
                SupervisionAssignment(
                    placement=placement,
                    supervisor=self.trainer,
                    role="school_trainer",
                    domain="educational",
                    signs_off=True,
                ),
                SupervisionAssignment(
                    placement=placement, supervisor=self.lecturer, role="institute", domain="social"
                ),
            ]
        )
        by_week: dict[datetime.date, list[tuple[datetime.date, int]]] = defaultdict(list)
        for day, count in days:
            by_week[week_start(day)].append((day, count))
        week_starts = sorted(by_week)
        states: dict[datetime.date, str] = {}
        for start_of_week in week_starts:
            weeks_ago = (this_week - start_of_week).days // 7
            if weeks_ago == 0:
                states[start_of_week] = "draft"  # this week: still logging
            elif weeks_ago == 1:
                states[start_of_week] = "submitted"
            elif weeks_ago == 2:
                states[start_of_week] = "returned"
            else:
                roll = self.rng.random()
                states[start_of_week] = (
                    "draft" if roll < 0.04 else "reapproved" if roll < 0.10 else "approved"
                )
        entry_status = {
            "draft": "draft",
            "submitted": "submitted",
            "returned": "returned",
            "approved": "approved",
            "reapproved": "approved",
        }
        busiest = max(week_starts, key=lambda w: (sum(c for _, c in by_week[w]), w))
        marker = None
        for start_of_week in week_starts:
            state = states[start_of_week]
            made = []
            for day, count in sorted(by_week[start_of_week]):
                made += self.day_entries(placement, day, count, entry_status[state], MINUTES)
            if start_of_week == busiest:
                marker = made[-1]
            if state != "draft":
                self.week(
                    placement,
                    start_of_week,
                    "approved" if state == "reapproved" else state,
                    self.student,
                    self.trainer,
                    returned_first=state == "reapproved",
                )
        self.placement = placement
        self.busiest = busiest
        self.busiest_marker = marker
        state_counts = Counter(states.values())
        self.info["student"] = {
            "entries": sum(count for _, count in days),
            "placement_start": start.isoformat(),
            "placement_end": placement.end_date.isoformat(),
            "weeks_with_entries": len(week_starts),
            "week_states": {
                "draft": state_counts["draft"],
                "submitted": state_counts["submitted"],
                "returned": state_counts["returned"],
                "approved": state_counts["approved"] + state_counts["reapproved"],
                "approved_after_return": state_counts["reapproved"],
            },
            "busiest_week": busiest.isoformat(),
            "busiest_week_entries": sum(c for _, c in by_week[busiest]),
            "busiest_week_state": states[busiest],
        }

    def supervised_placements(self) -> None:
        """Each supervisee: 7–15 approved weeks, one submitted week of 18–22 entries,
        and drafts after it."""
        from placements.models import Placement, SupervisionAssignment, week_start, weekdays_to_mask

        this_week = week_start(self.today)
        placements = []
        plans = []
        for i, student in enumerate(self.supervisee_users):
            weeks_running = self.rng.randint(10, 16)
            submitted_ago = self.rng.choice((1, 1, 1, 2, 2, 3))
            on_site = sorted(self.rng.sample([1, 2, 3, 4, 5], self.rng.choice((2, 3))))
            class_day = self.rng.choice([d for d in (1, 2, 3, 4, 5) if d not in on_site])
            start = this_week - datetime.timedelta(weeks=weeks_running)
            placements.append(
                Placement(
                    student=student,
                    programme=self.programmes[i % len(self.programmes)],
                    environment=self.environment,
                    school=self.schools[i % len(self.schools)] if i % 3 else None,
                    neighbourhood_organisation=self.neighbourhood[0],
                    start_date=start,
                    end_date=start + datetime.timedelta(weeks=40, days=4),
                    weekdays_on_site=weekdays_to_mask(on_site),
                    institute_days=weekdays_to_mask([class_day]),
                    hours_per_week=Decimal(self.rng.choice(("12", "16", "16", "20", "24"))),
                    status="active",
                )
            )
            plans.append((weeks_running, submitted_ago, on_site))
        Placement.objects.bulk_create(placements)
        assignments = []
        for placement in placements:
            assignments.append(
                SupervisionAssignment(
                    placement=placement,
                    supervisor=self.supervisor,
                    role="practice",
                    domain="social",
                    signs_off=True,
                )
            )
            assignments.append(
                SupervisionAssignment(
                    placement=placement, supervisor=self.lecturer, role="institute", domain="social"
                )
            )
        SupervisionAssignment.objects.bulk_create(assignments)

        short = (15, 30, 30, 45, 45, 60, 90)
        queue_sizes = []
        self.queue_weeks = []
        for placement, student, (weeks_running, submitted_ago, on_site) in zip(
            placements, self.supervisee_users, plans, strict=True
        ):
            for weeks_ago in range(weeks_running, -1, -1):
                start = this_week - datetime.timedelta(weeks=weeks_ago)
                days = [
                    start + datetime.timedelta(days=d - 1)
                    for d in on_site
                    if start + datetime.timedelta(days=d - 1) <= self.today
                ]
                if not days:
                    continue
                if weeks_ago == submitted_ago:
                    state, total = "submitted", self.rng.randint(18, 22)
                elif weeks_ago < submitted_ago:
                    state, total = "draft", self.rng.randint(2, 8)
                else:
                    state, total = "approved", self.rng.randint(8, 14)
                counts = [total // len(days)] * len(days)
                for extra in range(total - sum(counts)):
                    counts[extra] += 1
                made = []
                for day, count in zip(days, counts, strict=True):
                    made += self.day_entries(placement, day, count, state, short)
                if state == "submitted":
                    week = self.week(placement, start, "submitted", student, self.supervisor)
                    self.queue_weeks.append((week, made))
                    queue_sizes.append(len(made))
                elif state == "approved":
                    self.week(
                        placement,
                        start,
                        "approved",
                        student,
                        self.supervisor,
                        returned_first=self.rng.random() < 0.05,
                    )
        self.info["supervisor"] = {
            "supervisees": len(placements),
            "submitted_weeks": len(self.queue_weeks),
            "entries_per_submitted_week": {
                "min": min(queue_sizes),
                "mean": round(sum(queue_sizes) / len(queue_sizes), 1),
                "max": max(queue_sizes),
            },
        }

    def flush(self) -> None:
        from placements.models import ActivityEntry, Week, WeekEvent

        ActivityEntry.objects.bulk_create(self.entries, batch_size=2000)
        Week.objects.bulk_create(self.weeks, batch_size=2000)
        WeekEvent.objects.bulk_create(
            [WeekEvent(week=week, **fields) for week, fields in self.events], batch_size=2000
        )
        self.info["totals"] = {
            "activity_entries": len(self.entries),
            "weeks": len(self.weeks),
            "week_events": len(self.events),
            "placements": 1 + self.supervisees,
        }


def pages(seeder: Seeder) -> tuple[harness.Page, list[harness.Page]]:
    from django.urls import reverse

    from placements.models import Week

    student = harness.login_session(seeder.student)
    supervisor = harness.login_session(seeder.supervisor)
    placement = seeder.placement
    info = seeder.info
    minimal = harness.Page(
        name="minimal",
        path="/bench/minimal/",
        session_key=student,
        expect="bench-minimal-ok",
        description="a tiny template, logged in, through the full middleware stack",
    )
    week_url = reverse("placements:detail", args=[placement.pk])
    # The queue shows the oldest week first; review the first one there.
    review_week, review_entries = min(
        seeder.queue_weeks, key=lambda item: (item[0].start, item[0].placement.student.full_name)
    )
    queue_last, _ = max(
        seeder.queue_weeks, key=lambda item: (item[0].start, item[0].placement.student.full_name)
    )
    student_weeks = Week.objects.filter(placement=placement).count()
    first_week = Week.objects.filter(placement=placement).order_by("start").first()
    assert first_week is not None
    return minimal, [
        harness.Page(
            name="layout",
            path="/bench/layout/",
            session_key=student,
            expect="bench-layout-ok",
            description="an empty page in the site layout (base.html): the floor of every page",
        ),
        harness.Page(
            name="week",
            path=f"{week_url}?week={seeder.busiest.isoformat()}",
            session_key=student,
            expect=f'id="entry-{seeder.busiest_marker.pk}"',
            checks=[('<article class="entry ', info["student"]["busiest_week_entries"])],
            description="student's week page (placements:detail), the busiest week",
        ),
        harness.Page(
            name="overview",
            path=reverse("placements:overview", args=[placement.pk]),
            session_key=student,
            expect=f"?week={first_week.start.isoformat()}",
            checks=[(f'href="{week_url}?week=', student_weeks)],
            description=f"student's overview: totals over {info['student']['entries']} entries",
        ),
        harness.Page(
            name="queue",
            path=reverse("placements:signoff_queue"),
            session_key=supervisor,
            expect=reverse("placements:week_review", args=[queue_last.pk]),
            checks=[('class="queue-item"', len(seeder.queue_weeks))],
            description=f"supervisor's sign-off queue: {len(seeder.queue_weeks)} submitted weeks",
        ),
        harness.Page(
            name="review",
            path=reverse("placements:week_review", args=[review_week.pk]),
            session_key=supervisor,
            expect=f'id="entry-{review_entries[-1].pk}"',
            checks=[('<article class="entry ', len(review_entries))],
            description=f"supervisor's review of one submitted week ({len(review_entries)} "
            "entries)",
        ),
    ]


@dataclass
class Post:
    """A write measured in-process: ``data()`` makes a fresh form each time."""

    name: str
    path: str
    session_key: str
    data: Callable[[], dict[str, Any]]
    expect_status: int
    expect: str
    headers: dict[str, str] = field(default_factory=dict)
    description: str = ""


def posts(seeder: Seeder) -> list[Post]:
    """The student logs an hour today through the htmx quick-log, on this week's page
    (which already has entries to submit: the answer is the fresh form, the totals and
    the new entry); the supervisor approves the oldest week in the queue."""
    from django.urls import reverse

    from placements.models import week_start

    student = harness.login_session(seeder.student)
    supervisor = harness.login_session(seeder.supervisor)
    today = seeder.today
    oldest, _ = min(
        seeder.queue_weeks, key=lambda item: (item[0].start, item[0].placement.student.full_name)
    )

    def activity() -> dict[str, Any]:
        return {
            "date": today.isoformat(),
            "minutes": "60",
            "setting": "school",
            "kind": "classroom",
            "disciplines": ["teacher", "social_work"],
            "description": "Rekenles in groep 5 ondersteund",
            "submission_key": str(uuid.uuid4()),
        }

    return [
        Post(
            name="log",
            path=reverse("placements:entry_create", args=[seeder.placement.pk])
            + f"?week={week_start(today).isoformat()}",
            session_key=student,
            data=activity,
            headers={"HX-Request": "true"},
            expect_status=200,
            expect='id="quick-log"',
            description="student logs an activity: htmx POST of the quick-log on this week",
        ),
        Post(
            name="approve",
            path=reverse("placements:week_approve", args=[oldest.pk]),
            session_key=supervisor,
            data=dict,
            expect_status=302,
            expect=reverse("placements:signoff_queue"),
            description="supervisor approves the oldest week from the queue (POST, redirect)",
        ),
    ]


class _RolledBack(Exception):
    pass


def inprocess_costs(
    minimal: harness.Page, pages: list[harness.Page], writes: list[Post], repeat: int
) -> list[dict[str, Any]]:
    """Each request's own cost in-process, one at a time: the median wall and CPU
    time of ``repeat`` requests (after two warm ones), its ratio to the minimal page's
    and its query count. A write runs in a transaction that is rolled back, so it
    meets the same data every time (what it would hand to on_commit is not run)."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client

    def client(session_key: str) -> Client:
        made = Client(HTTP_HOST=harness.HOST, raise_request_exception=True)
        made.cookies[settings.SESSION_COOKIE_NAME] = session_key
        made.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
        return made

    def request(target: harness.Page | Post, made: Client) -> Any:
        if isinstance(target, harness.Page):
            return made.get(target.path)
        response = None
        try:
            with transaction.atomic():
                response = made.post(target.path, target.data(), headers=target.headers)
                raise _RolledBack
        except _RolledBack:
            pass
        return response

    queries: list[str] = []

    def counted(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    figures = []
    for target in [minimal, *pages, *writes]:
        made = client(target.session_key)
        for _ in range(2):
            request(target, made)
        queries.clear()
        with connection.execute_wrapper(counted):
            response = request(target, made)
        expected = target.expect_status if isinstance(target, Post) else 200
        body = response.content.decode()
        where = response.get("Location", "") + body
        if response.status_code != expected or target.expect not in where:
            raise harness.BenchError(
                f"{target.name}: {target.path} answered {response.status_code} in-process "
                f"(marker {target.expect!r} {'found' if target.expect in where else 'missing'})"
            )
        wall, cpu = [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            request(target, made)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
        figures.append(
            {
                "name": target.name,
                "method": "GET" if isinstance(target, harness.Page) else "POST",
                "ms": round(statistics.median(wall), 2),
                "cpu_ms": round(statistics.median(cpu), 2),
                "queries": len(queries),
                "response_bytes": len(response.content),
            }
        )
    for row in figures:
        row["ratio"] = round(row["ms"] / figures[0]["ms"], 2)
        row["ratio_cpu"] = round(row["cpu_ms"] / figures[0]["cpu_ms"], 2)
    return figures


def format_inprocess(rows: list[dict[str, Any]]) -> str:
    header = (
        f"{'request':<10} {'method':>6} {'ms':>7} {'cpu ms':>7} {'×ms':>6} {'×cpu':>6} "
        f"{'queries':>7} {'KiB':>6}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row['name']:<10} {row['method']:>6} {row['ms']:>7.1f} {row['cpu_ms']:>7.1f} "
            f"{row['ratio']:>6.2f} {row['ratio_cpu']:>6.2f} {row['queries']:>7} "
            f"{row['response_bytes'] / 1024:>6.1f}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration", type=float, default=12, help="seconds measured per page, over all rounds"
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of all pages")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of warm-up per phase")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--entries", type=int, default=2000, help="the student's entries")
    parser.add_argument("--supervisees", type=int, default=60)
    parser.add_argument("--redis-url", default=harness.DEFAULT_REDIS_URL)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--no-write", action="store_true", help="print only, write no JSON")
    parser.add_argument("--show-queries", action="store_true", help="print each page's SQL")
    parser.add_argument(
        "--repeat", type=int, default=30, help="requests per page for the in-process costs"
    )
    args = parser.parse_args()
    config = harness.LoadConfig(
        workers=args.workers,
        connections=args.connections,
        rounds=args.rounds,
        warmup=args.warmup,
        duration=args.duration,
    )
    if args.rounds < 1 or config.load_seconds(5) > 180:
        parser.error(
            f"the load phases would take {config.load_seconds(5):.0f} s; keep them within 180 s"
        )

    database_url = os.environ.get("DATABASE_URL") or harness.DEFAULT_DATABASE_URL
    began = time.monotonic()
    server = None
    database = None
    try:
        with harness.deadline(400):
            database = harness.Database.from_url(database_url)
            harness.check_redis(args.redis_url)
            env = harness.server_environment(database.url, args.redis_url)
            print(f"database {database.name}: recreating, migrating, collecting static files")
            harness.prepare(database, env)

            print(
                f"seeding: a student with {args.entries} entries, "
                f"a supervisor with {args.supervisees} supervisees"
            )
            seeding = time.monotonic()
            seeder = Seeder(args.entries, args.supervisees)
            data = seeder.run()
            harness.vacuum_analyse()
            data["seed_seconds"] = round(time.monotonic() - seeding, 1)
            minimal, measured = pages(seeder)

            server = harness.Gunicorn(env, args.workers)
            print(f"gunicorn: {args.workers} sync workers on {harness.HOST}:{server.port}")
            server.start()
            warning = harness.busy_machine_warning(len(os.sched_getaffinity(0)))
            if warning:
                print(warning)
            load_before = harness.load_average()
            results = harness.measure(server, minimal, measured, config, args.show_queries)
            load_after = harness.load_average()
            server.stop()
            print(f"in-process: {args.repeat} requests of each page and write, one at a time")
            own_costs = inprocess_costs(minimal, measured, posts(seeder), args.repeat)
            machine = harness.machine_info(database)
            # Load average (1, 5, 15 min) before and after measuring: the other work on
            # the machine, including this benchmark's own server and client.
            machine["loadavg_before"] = load_before
            machine["loadavg_after"] = load_after

            payload = {
                "benchmark": "placements",
                "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "machine": machine,
                "config": {
                    "server": (
                        f"gunicorn ulvo.wsgi:application, {args.workers} sync workers, "
                        f"{harness.HOST}, no access log"
                    ),
                    "settings": (
                        "bench.settings = ulvo.settings with DJANGO_ENV=production, DEBUG off, "
                        "PostgreSQL (CONN_MAX_AGE 600, health checks), Redis cache "
                        "(sessions in the database), WhiteNoise manifest static files, "
                        "no TLS redirect"
                    ),
                    "redis": args.redis_url,
                    "client": (
                        "bench/loadgen.py in a second process: one thread and one http.client "
                        "connection each, reconnecting when the server closes it"
                    ),
                    "workers": args.workers,
                    "connections": args.connections,
                    "rounds": args.rounds,
                    "warmup_seconds_per_phase": args.warmup,
                    "measured_seconds_per_page": args.duration,
                    "order": (
                        ", ".join(["minimal", *(page.name for page in measured)])
                        + ", repeated per round, then minimal once more; each phase a "
                        "warm-up, then "
                        f"{config.phase_seconds:g} s measured"
                    ),
                    "ratios": (
                        "per round, against the mean of the minimal phases before and after; "
                        "the median over the rounds"
                    ),
                    "queries": (
                        "one request per page in-process with the test client, after a warm "
                        "one: query count, SQL time and the request's time (inprocess_ms)"
                    ),
                },
                "data": data,
                "pages": results,
                "inprocess": own_costs,
                "run_seconds": round(time.monotonic() - began, 1),
            }
            print()
            print(harness.format_table(results))
            print()
            print(format_inprocess(own_costs))
            print(
                "\n×rps = minimal req/s ÷ page req/s, ×p50 = page p50 ÷ minimal p50 (medians "
                "over the rounds); 1 req ms = one request in-process.\n"
                f"Minimal page req/s per phase: {results[0]['phases_rps']} "
                f"(spread {results[0]['spread']:.0%}). Load average before/after: "
                f"{load_before} / {load_after}. Whole run {payload['run_seconds']} s.\n"
                "In-process: median of each request's wall (ms) and CPU (cpu ms) time, and "
                "their ratios to the minimal page's; writes rolled back after each request."
            )
            if not args.no_write:
                path = harness.write_results("placements", payload)
                print(f"written: {path.relative_to(harness.ROOT)}")
    except harness.BenchError as error:
        print(f"\nBENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        harness.tear_down(server, database, keep=args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
