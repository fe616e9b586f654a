"""Generate the region of DESIGN.md §6 for load tests and benchmarks.

At ``--scale 1``: 50 learning environments, 5,000 students, 800 professionals,
1,000,000 activity entries, 20,000 sessions, 200,000 attendance rows and 100,000
reflections (plus session feedback and professionals' time logs). Every number is
multiplied by ``--scale`` (at least one of each, at most 10 regions), so a test can
run it tiny; ``--env-factor 10`` makes the environments ten times larger (ten times
fewer, with the same people and activity).

Weeks come in every state: most past weeks signed off (by the placement's school
trainer), the last week or two of many active placements waiting for sign-off, some
returned with a comment, the current week a draft; an entry's status is its week's.

Rows go in with PostgreSQL's COPY where available (bulk_create in batches on other
databases), in one transaction: a failed run leaves nothing behind. The data is
fake and deterministic for a given ``--seed``; its users cannot log in (no usable
password). It refuses to run in production mode.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import random
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone

REGION = "Regio Schaaltest"
# Ten regions (10,000,000 activity entries) at most: growth beyond one region (#22).
MAX_SCALE = 10
PROGRAMMES = [
    # (name, institute index, level, domain, share of the students)
    ("Pabo", 0, "hbo", "educational", 0.05),
    ("Tweedegraads lerarenopleiding", 1, "hbo", "educational", 0.08),
    ("Eerstegraads lerarenopleiding", 2, "wo", "educational", 0.03),
    ("Docent muziek", 1, "hbo", "educational", 0.03),
    ("Onderwijsassistent", 3, "mbo", "educational", 0.12),
    ("Social work", 1, "hbo", "social", 0.22),
    ("Vaktherapie", 1, "hbo", "social", 0.08),
    ("Ecologische pedagogiek", 1, "hbo", "pedagogical", 0.07),
    ("Pedagogisch educatief professional", 0, "hbo", "pedagogical", 0.07),
    ("Pedagogisch medewerker", 3, "mbo", "pedagogical", 0.15),
    ("Sport en bewegen", 3, "mbo", "social", 0.10),
]
INSTITUTES = [
    ("Marnix Academie (schaal)", "hbo"),
    ("Hogeschool Utrecht (schaal)", "hbo"),
    ("Universiteit Utrecht (schaal)", "wo"),
    ("MBO Utrecht (schaal)", "mbo"),
]
SCHOOLS_PER_ENVIRONMENT = 4
NEIGHBOURHOOD_PER_ENVIRONMENT = 3
NETWORKS_PER_ENVIRONMENT = 2
SETTINGS = ["school", "school", "neighbourhood", "neighbourhood", "online"]
KINDS = ["classroom", "individual", "group", "observation", "project", "consultation"]
SESSION_KINDS = ["mixed", "mixed", "mixed", "mono", "skills_lab", "intervision", "workshop"]
PRESENCE = ["present"] * 7 + ["excused", "absent", ""]
DOMAINS = ["educational", "social", "pedagogical"]
TIME_KINDS = ["preparation", "supervision", "meeting", "other"]


@dataclass(frozen=True)
class Scale:
    environments: int = 50
    students: int = 5_000
    professionals: int = 800
    entries: int = 1_000_000
    sessions: int = 20_000
    attendances: int = 200_000
    reflections: int = 100_000
    feedback: int = 40_000
    time_logs: int = 40_000

    def times(self, fraction: float) -> Scale:
        return Scale(**{k: max(1, round(v * fraction)) for k, v in self.__dict__.items()})

    def larger_environments(self, factor: float) -> Scale:
        """The same people and activity in ``factor`` times fewer, larger environments."""
        return dataclasses.replace(self, environments=max(1, round(self.environments / factor)))


# An entry's status in a week of each state ("draft": a week not submitted, no Week row).
WEEK_ENTRY_STATUS = {
    "draft": "draft",
    "submitted": "submitted",
    "approved": "approved",
    "returned": "returned",
}


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def school_year_of(day: datetime.date) -> str:
    first = day.year if day.month >= 8 else day.year - 1
    return f"{first}-{first + 1}"


def insert(model: type[models.Model], rows: Sequence[dict[str, Any]], batch: int = 5000) -> None:
    """Insert plain rows (field attnames → values): COPY on PostgreSQL, bulk_create
    elsewhere. Primary keys are not returned."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        for start in range(0, len(rows), batch):
            model._default_manager.bulk_create(
                [model(**row) for row in rows[start : start + batch]], batch_size=batch
            )
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    names = [f.attname for f in fields]
    defaults = {}
    for f in fields:
        if f.attname in rows[0]:
            continue
        if f.has_default():
            defaults[f.attname] = f.get_default()
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = timezone.now()
        else:
            defaults[f.attname] = None
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    sql = 'COPY "{}" ({}) FROM STDIN'.format(
        model._meta.db_table, ", ".join(f'"{c}"' for c in columns)
    )
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            values = []
            for name in names:
                value = row[name] if name in row else defaults[name]
                if name in json_fields:
                    value = json.dumps(value)
                values.append(value)
            copy.write_row(values)


def ids(model: type[models.Model], **filters: Any) -> list[int]:
    return list(
        model._default_manager.filter(**filters).order_by("pk").values_list("pk", flat=True)
    )


class RegionSeeder:
    """Builds the region; ``run`` returns the numbers it made."""

    def __init__(self, scale: Scale, seed: int = 2026, today: datetime.date | None = None) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.school_year = school_year_of(self.today)
        self.year_start = datetime.date(int(self.school_year[:4]), 8, 1)
        self.tz = timezone.get_current_timezone()
        self.stamp = timezone.now()
        self.counts: dict[str, int] = {}

    def at(self, day: datetime.date, hour: int) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour), tzinfo=self.tz)

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            self.organisations()
            self.people()
            self.placements()
            self.entries()
            self.networks()
            self.sessions()
            self.reflections()
            self.time_logs()
        return self.counts

    # -- organisations and programmes -------------------------------------------

    def organisations(self) -> None:
        from environments.models import (
            LearningEnvironment,
            Organisation,
            Programme,
            ProgrammeTarget,
            Region,
        )

        if Region.objects.filter(name=REGION).exists():
            raise CommandError(f"The region {REGION!r} exists already: seed an empty database.")
        region = Region.objects.create(name=REGION)
        n = self.scale.environments
        LearningEnvironment.objects.bulk_create(
            [
                LearningEnvironment(
                    region=region,
                    name=f"Leeromgeving {i + 1:02d}",
                    neighbourhood=f"Wijk {i + 1:02d}",
                    school_year=self.school_year,
                )
                for i in range(n)
            ]
        )
        self.environments = list(LearningEnvironment.objects.filter(region=region).order_by("pk"))
        orgs = [
            Organisation(region=region, name=name, kind="institute", subtype=subtype)
            for name, subtype in INSTITUTES
        ]
        for i in range(n):
            orgs += [
                Organisation(
                    region=region,
                    name=f"School {i + 1:02d}-{j + 1}",
                    kind="school",
                    subtype="primary" if j < 3 else "ten_fourteen",
                )  # fmt: skip
                for j in range(SCHOOLS_PER_ENVIRONMENT)
            ]
            orgs += [
                Organisation(
                    region=region,
                    name=f"Buurtorganisatie {i + 1:02d}-{j + 1}",
                    kind="neighbourhood",
                    subtype=["social_work", "youth_work", "childcare"][j % 3],
                )  # fmt: skip
                for j in range(NEIGHBOURHOOD_PER_ENVIRONMENT)
            ]
        Organisation.objects.bulk_create(orgs)
        by_name = {o.name: o for o in Organisation.objects.filter(region=region)}
        self.institutes = [by_name[name] for name, _s in INSTITUTES]
        self.schools: dict[int, list[Any]] = {}
        self.neighbourhood: dict[int, list[Any]] = {}
        through = []
        for i, env in enumerate(self.environments):
            self.schools[env.pk] = [
                by_name[f"School {i + 1:02d}-{j + 1}"] for j in range(SCHOOLS_PER_ENVIRONMENT)
            ]
            self.neighbourhood[env.pk] = [
                by_name[f"Buurtorganisatie {i + 1:02d}-{j + 1}"]
                for j in range(NEIGHBOURHOOD_PER_ENVIRONMENT)
            ]
            for org in self.institutes + self.schools[env.pk] + self.neighbourhood[env.pk]:
                through.append(
                    LearningEnvironment.organisations.through(
                        learningenvironment_id=env.pk, organisation_id=org.pk
                    )
                )
        LearningEnvironment.organisations.through.objects.bulk_create(through)
        Programme.objects.bulk_create(
            [
                Programme(
                    institute=self.institutes[institute], name=name, level=level, domain=domain
                )
                for name, institute, level, domain, _share in PROGRAMMES
            ]
        )
        self.programmes = list(
            Programme.objects.filter(institute__in=self.institutes).order_by("pk")
        )
        per_env = self.scale.students / self.scale.environments
        ProgrammeTarget.objects.bulk_create(
            [
                ProgrammeTarget(
                    environment=env,
                    programme=programme,
                    # Targets ask for balance: at least 8% of the students per programme.
                    students=max(1, round(per_env * max(share, 0.08))),
                )
                for env in self.environments
                for programme, (*_rest, share) in zip(self.programmes, PROGRAMMES, strict=True)
            ]
        )
        self.counts["environments"] = len(self.environments)

    # -- people -----------------------------------------------------------------

    def people(self) -> None:
        from accounts.models import Membership, User

        s, p = self.scale.students, self.scale.professionals
        users = [
            User(
                email=f"student{i:05d}@schaal.ulvo.test",
                full_name=f"Student {i:05d}",
                password="!",
                date_joined=self.stamp,
            )
            for i in range(s)
        ]
        users += [
            User(
                email=f"professional{i:04d}@schaal.ulvo.test",
                full_name=f"Professional {i:04d}",
                password="!",
                date_joined=self.stamp,
            )
            for i in range(p)
        ]
        User.objects.bulk_create(users, batch_size=2000)
        self.students = ids(User, email__startswith="student", email__endswith="@schaal.ulvo.test")
        self.professionals = ids(
            User, email__startswith="professional", email__endswith="@schaal.ulvo.test"
        )
        self.names = dict(
            User.objects.filter(pk__in=self.professionals).values_list("pk", "full_name")
        )
        weights = [share for *_rest, share in PROGRAMMES]
        memberships = []
        self.student_env: dict[int, Any] = {}
        self.student_programme: dict[int, Any] = {}
        for i, user_id in enumerate(self.students):
            env = self.environments[i % len(self.environments)]
            programme = self.rng.choices(self.programmes, weights)[0]
            self.student_env[user_id] = env
            self.student_programme[user_id] = programme
            memberships.append(
                Membership(user_id=user_id, environment=env, role="student", programme=programme)
            )
        # Professionals: per environment one coordinator, then school trainers,
        # practice supervisors (school and neighbourhood) and institute supervisors.
        self.staff: dict[int, dict[str, list[tuple[int, Any]]]] = {
            env.pk: {"coordinator": [], "school": [], "neighbourhood": [], "institute": []}
            for env in self.environments
        }
        for i, user_id in enumerate(self.professionals):
            env = self.environments[i % len(self.environments)]
            slot = i // len(self.environments)
            if slot == 0:
                role, org, kind = "coordinator", None, "coordinator"
            elif slot % 4 == 1:
                role, kind = "school_trainer", "school"
                org = self.schools[env.pk][slot % SCHOOLS_PER_ENVIRONMENT]
            elif slot % 4 == 2:
                role, kind = "practice_supervisor", "neighbourhood"
                org = self.neighbourhood[env.pk][slot % NEIGHBOURHOOD_PER_ENVIRONMENT]
            elif slot % 4 == 3:
                role, kind = "practice_supervisor", "school"
                org = self.schools[env.pk][slot % SCHOOLS_PER_ENVIRONMENT]
            else:
                role, kind = "institute_supervisor", "institute"
                org = self.institutes[slot % len(self.institutes)]
            self.staff[env.pk][kind].append((user_id, org))
            memberships.append(
                Membership(user_id=user_id, environment=env, role=role, organisation=org)
            )
        Membership.objects.bulk_create(memberships, batch_size=5000)
        self.counts["students"] = len(self.students)
        self.counts["professionals"] = len(self.professionals)

    # -- placements and supervision -----------------------------------------------

    def placements(self) -> None:
        from placements.models import Placement, SupervisionAssignment

        rows = []
        for user_id in self.students:
            env = self.student_env[user_id]
            start = self.year_start + datetime.timedelta(days=self.rng.randint(24, 60))
            start -= datetime.timedelta(days=start.weekday())
            end = start + datetime.timedelta(weeks=self.rng.choice((12, 20, 30, 40)), days=4)
            days = self.rng.sample([1, 2, 3, 4, 5], self.rng.choice((2, 2, 3, 4)))
            institute_day = next(d for d in (3, 5, 1, 2, 4) if d not in days)
            status = "completed" if end < self.today else "active"
            rows.append(
                Placement(
                    student_id=user_id,
                    programme=self.student_programme[user_id],
                    environment=env,
                    school=self.rng.choice(self.schools[env.pk]),
                    neighbourhood_organisation=self.rng.choice(self.neighbourhood[env.pk])
                    if self.rng.random() < 0.5
                    else None,
                    start_date=start,
                    end_date=end,
                    weekdays_on_site=sum(1 << (d - 1) for d in days),
                    institute_days=1 << (institute_day - 1),
                    hours_per_week=8 * len(days),
                    status=status,
                    created_at=self.stamp,
                )
            )
        Placement.objects.bulk_create(rows, batch_size=2000)
        self.placement_rows = list(
            Placement.objects.filter(environment__in=self.environments)
            .order_by("pk")
            .values(
                "pk",
                "student_id",
                "environment_id",
                "programme__domain",
                "start_date",
                "end_date",
                "weekdays_on_site",
            )  # fmt: skip
        )
        assignments = []
        # Who signs off each placement's weeks (its school trainer), for the seeded reviews.
        self.signer: dict[int, int] = {}
        for row in self.placement_rows:
            staff = self.staff[row["environment_id"]]
            domain = row["programme__domain"]
            if staff["school"]:
                supervisor, _org = self.rng.choice(staff["school"])
                self.signer[row["pk"]] = supervisor
                assignments.append(
                    SupervisionAssignment(
                        placement_id=row["pk"],
                        supervisor_id=supervisor,
                        role="school_trainer",
                        domain="educational",
                        signs_off=True,
                    )  # fmt: skip
                )
            # Two in three students of another domain get a practice supervisor of theirs.
            if domain != "educational" and staff["neighbourhood"] and self.rng.random() < 0.67:
                supervisor, _org = self.rng.choice(staff["neighbourhood"])
                assignments.append(
                    SupervisionAssignment(
                        placement_id=row["pk"],
                        supervisor_id=supervisor,
                        role="practice",
                        domain=domain,
                    )  # fmt: skip
                )
        SupervisionAssignment.objects.bulk_create(assignments, batch_size=5000)
        self.counts["placements"] = len(self.placement_rows)
        self.counts["supervision_assignments"] = len(assignments)

    def entries(self) -> None:
        """Each placement's activity on its days on site up to today, and its weeks in
        every state a school year shows (see :meth:`week_states`); an entry's status is
        its week's."""
        from placements.models import ActivityEntry, Week

        per = max(1, self.scale.entries // len(self.placement_rows))
        extra = self.scale.entries - per * len(self.placement_rows)
        rows: list[dict[str, Any]] = []
        weeks: list[dict[str, Any]] = []
        total = 0
        self.week_counts: dict[str, int] = dict.fromkeys(WEEK_ENTRY_STATUS, 0)
        for index, row in enumerate(self.placement_rows):
            wanted = per + (1 if index < extra else 0)
            days = []
            day = row["start_date"]
            last = max(row["start_date"], min(row["end_date"], self.today))
            while day <= last:
                if row["weekdays_on_site"] & (1 << day.weekday()):
                    days.append(day)
                day += datetime.timedelta(days=1)
            days = days or [row["start_date"]]
            starts = sorted({monday(date) for date in days[:wanted]})
            states = self.week_states(row, starts)
            weeks += self.week_rows(row, states)
            for n in range(wanted):
                date = days[n % len(days)]
                setting = self.rng.choice(SETTINGS)
                rows.append(
                    {
                        "placement_id": row["pk"],
                        "date": date,
                        "minutes": self.rng.choice((30, 45, 60, 90, 120)),
                        "setting": setting,
                        "kind": self.rng.choice(KINDS),
                        "disciplines": [],
                        "description": "Activiteit",
                        "status": WEEK_ENTRY_STATUS[states[monday(date)]],
                        "submission_key": None,
                        "created_at": self.stamp,
                        "updated_at": self.stamp,
                    }
                )
            if len(rows) >= 100_000:
                insert(ActivityEntry, rows)
                insert(Week, weeks)
                total += len(rows)
                rows, weeks = [], []
        insert(ActivityEntry, rows)
        insert(Week, weeks)
        self.counts["activity_entries"] = total + len(rows)
        for state, number in self.week_counts.items():
            self.counts[f"weeks_{state}"] = number

    def week_states(self, row: Mapping[str, Any], starts: list[datetime.date]) -> dict[Any, str]:
        """The state of each week with activity: the current week is a draft; of an
        active placement the last week or two wait for sign-off (or were returned, or
        not submitted yet); older weeks are signed off, a few returned or never
        submitted. A week without a Week row is a draft."""
        current = monday(self.today)
        past = [start for start in starts if start < current]
        states = dict.fromkeys(starts, "draft")
        ongoing = row["end_date"] >= current - datetime.timedelta(days=7)
        for age, start in enumerate(reversed(past)):
            draw = self.rng.random()
            if ongoing and age == 0:
                state = (
                    "submitted"
                    if draw < 0.6
                    else "returned"
                    if draw < 0.7
                    else "draft"
                    if draw < 0.85
                    else "approved"
                )
            elif ongoing and age == 1 and states[past[-1]] == "submitted" and draw < 0.35:
                state = "submitted"
            else:
                state = "approved" if draw < 0.93 else "returned" if draw < 0.96 else "draft"
            states[start] = state
        for state in states.values():
            self.week_counts[state] += 1
        return states

    def week_rows(self, row: Mapping[str, Any], states: dict[Any, str]) -> list[dict[str, Any]]:
        signer = self.signer.get(row["pk"])
        latest = self.stamp - datetime.timedelta(hours=1)
        weeks = []
        for start, state in states.items():
            if state == "draft":
                continue
            submitted = min(self.at(start + datetime.timedelta(days=4), 17), latest)
            reviewed = state != "submitted"
            weeks.append(
                {
                    "placement_id": row["pk"],
                    "start": start,
                    "status": state,
                    "submitted_at": submitted,
                    "reviewed_at": (
                        min(self.at(start + datetime.timedelta(days=8), 10), latest)
                        if reviewed
                        else None
                    ),
                    "reviewer_id": signer if reviewed else None,
                    "reviewer_name": self.names.get(signer, "") if reviewed and signer else "",
                    "comment": "Graag de beschrijvingen aanvullen." if state == "returned" else "",
                    "reopen_requested_at": None,
                }
            )
        return weeks

    # -- networks, sessions, attendance, feedback ----------------------------------

    def networks(self) -> None:
        from learning_networks.models import LearningNetwork, NetworkMembership

        LearningNetwork.objects.bulk_create(
            [
                LearningNetwork(environment=env, name=f"Leernetwerk {env.name[-2:]}-{j + 1}")
                for env in self.environments
                for j in range(NETWORKS_PER_ENVIRONMENT)
            ]
        )
        self.networks_by_env: dict[int, list[int]] = {}
        for pk, env_id in (
            LearningNetwork.objects.filter(environment__in=self.environments)
            .order_by("pk")
            .values_list("pk", "environment_id")
        ):
            self.networks_by_env.setdefault(env_id, []).append(pk)
        self.network_students: dict[int, list[int]] = {}
        members = []
        for i, user_id in enumerate(self.students):
            env = self.student_env[user_id]
            # Students go round the environments; within one, round its networks.
            slot = (i // len(self.environments)) % NETWORKS_PER_ENVIRONMENT
            network = self.networks_by_env[env.pk][slot]
            self.network_students.setdefault(network, []).append(user_id)
            members.append(NetworkMembership(network_id=network, user_id=user_id))
        for env_id, staff in self.staff.items():
            for n, network in enumerate(self.networks_by_env[env_id]):
                for k, (user_id, _org) in enumerate(staff["school"] + staff["neighbourhood"]):
                    if k % NETWORKS_PER_ENVIRONMENT == n:
                        members.append(
                            NetworkMembership(network_id=network, user_id=user_id, core_team=k < 4)
                        )
        NetworkMembership.objects.bulk_create(members, batch_size=5000)
        self.counts["networks"] = sum(len(v) for v in self.networks_by_env.values())

    def sessions(self) -> None:
        from learning_networks.models import Attendance, NetworkSession, SessionFeedback

        networks = [pk for pks in self.networks_by_env.values() for pk in pks]
        per = max(1, self.scale.sessions // len(networks))
        span = (datetime.date(self.year_start.year + 1, 7, 10) - self.year_start).days
        rows: list[dict[str, Any]] = []
        for network in networks:
            for n in range(per):
                day = self.year_start + datetime.timedelta(days=20 + (n * span // per) % span)
                while day.weekday() > 4:
                    day += datetime.timedelta(days=1)
                starts = self.at(day, self.rng.choice((9, 13, 15)))
                rows.append(
                    {
                        "network_id": network,
                        "line_id": None,
                        "position": 1,
                        "kind": self.rng.choice(SESSION_KINDS),
                        "theme": f"Bijeenkomst {n + 1}",
                        "starts_at": starts,
                        "ends_at": starts + datetime.timedelta(hours=2),
                        "location_id": None,
                        "room": "",
                        "audience_domains": [],
                        "status": "held" if day < self.today else "planned",
                        "preparation_notes": "",
                        "check_in_code": "",
                        "uid": uuid.UUID(int=self.rng.getrandbits(128)),
                        "sequence": 0,
                        "created_at": self.stamp,
                        "updated_at": self.stamp,
                    }
                )
        insert(NetworkSession, rows)
        sessions = list(
            NetworkSession.objects.filter(network_id__in=networks)
            .order_by("pk")
            .values_list("pk", "network_id", "starts_at")
        )
        per_session = max(1, self.scale.attendances // len(sessions))
        feedback_per = max(0, round(self.scale.feedback / len(sessions)))
        attendance: list[dict[str, Any]] = []
        feedback: list[dict[str, Any]] = []
        attendances = feedbacks = 0
        for pk, network, starts in sessions:
            if len(attendance) >= 100_000:
                # In parts: ten regions' rows would not fit in memory at once.
                insert(Attendance, attendance)
                insert(SessionFeedback, feedback)
                attendances += len(attendance)
                feedbacks += len(feedback)
                attendance, feedback = [], []
            pool = self.network_students.get(network, [])
            invited = self.rng.sample(pool, min(per_session, len(pool)))
            past = starts.date() < self.today
            for user_id in invited:
                attendance.append(
                    {
                        "session_id": pk,
                        "user_id": user_id,
                        "answer": "yes" if self.rng.random() < 0.8 else "no",
                        "reason": "",
                        "presence": self.rng.choice(PRESENCE) if past else "",
                        "checked_in_at": None,
                        "updated_at": self.stamp,
                    }  # fmt: skip
                )
            if past:
                for user_id in invited[:feedback_per]:
                    feedback.append(
                        {
                            "session_id": pk,
                            "user_id": user_id,
                            "usefulness": self.rng.randint(2, 5),
                            "relevance": self.rng.randint(1, 5),
                            "comment": "",
                            "created_at": starts,
                        }  # fmt: skip
                    )
        insert(Attendance, attendance)
        insert(SessionFeedback, feedback)
        self.counts["sessions"] = len(sessions)
        self.counts["attendances"] = attendances + len(attendance)
        self.counts["session_feedback"] = feedbacks + len(feedback)

    # -- reflections and time logs -------------------------------------------------

    def reflections(self) -> None:
        try:
            from reflections.models import Reflection
        except ImportError:  # the model is not there (yet)
            return
        per = max(1, self.scale.reflections // len(self.students))
        rows = []
        for user_id in self.students:
            env = self.student_env[user_id]
            for n in range(per):
                day = self.year_start + datetime.timedelta(days=25 + self.rng.randint(0, 100))
                published = self.at(day, 20) if self.rng.random() < 0.8 else None
                flags = [self.rng.random() < p for p in (0.6, 0.35, 0.5, 0.15)]
                rows.append(
                    {
                        "author_id": user_id,
                        "environment_id": env.pk,
                        "placement_id": None,
                        "session_id": None,
                        "activity_id": None,
                        "text": f"Reflectie {n + 1}",
                        "shows_identification": flags[0],
                        "shows_coordination": flags[1],
                        "shows_reflection": flags[2],
                        "shows_transformation": flags[3],
                        "published_at": published,
                        "created_at": self.at(day, 19),
                        "updated_at": self.stamp,
                    }  # fmt: skip
                )
        insert(Reflection, rows)
        self.counts["reflections"] = len(rows)

    def time_logs(self) -> None:
        try:
            from supervision.models import TimeLog
        except ImportError:
            return
        professionals = [
            (env_id, user_id, org)
            for env_id, staff in self.staff.items()
            for kind in ("school", "neighbourhood", "institute")
            for user_id, org in staff[kind]
        ]
        if not professionals:
            return
        per = max(1, self.scale.time_logs // len(professionals))
        rows = []
        for env_id, user_id, org in professionals:
            domain = {"school": "educational", "institute": "educational"}.get(
                org.kind, self.rng.choice(("social", "pedagogical"))
            )
            for _n in range(per):
                rows.append(
                    {
                        "person_id": user_id,
                        "environment_id": env_id,
                        "organisation_id": org.pk,
                        "domain": domain,
                        "date": self.year_start
                        + datetime.timedelta(days=25 + self.rng.randint(0, 110)),
                        "minutes": self.rng.choice((30, 60, 90, 120)),
                        "kind": self.rng.choice(TIME_KINDS),
                        "note": "",
                        "created_at": self.stamp,
                    }  # fmt: skip
                )
        insert(TimeLog, rows)
        self.counts["time_logs"] = len(rows)


def _iter_counts(counts: dict[str, int]) -> Iterable[str]:
    for name, value in counts.items():
        yield f"  {name}: {value:,}"


class Command(BaseCommand):
    help = "Generate the region of DESIGN.md §6 (or a fraction of it) for load tests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="fraction of the full region (1 = 50 environments, 1,000,000 entries)",
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--env-factor",
            type=float,
            default=1.0,
            help="environments this many times larger (and fewer): 10 = 5 environments at scale 1",
        )

    def handle(
        self, *args: Any, scale: float, seed: int, env_factor: float = 1.0, **options: Any
    ) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("seed_scale makes fake people: it does not run in production.")
        if not 0 < scale <= MAX_SCALE:
            raise CommandError(f"--scale must be more than 0 and at most {MAX_SCALE}.")
        if not 1 <= env_factor <= 100:
            raise CommandError("--env-factor must be from 1 to 100.")
        started = time.monotonic()
        counts = RegionSeeder(Scale().times(scale).larger_environments(env_factor), seed=seed).run()
        self.stdout.write(f"Seeded in {time.monotonic() - started:.0f} s:")
        for line in _iter_counts(counts):
            self.stdout.write(line)
