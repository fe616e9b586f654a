"""Figures of an environment's practice questions: per host, how many in each status;
the domain mix of the teams' students; the time from proposal to delivery. Plain
dataclasses, three queries whatever the number of questions, for the coordinators'
and core team's page (and for a dashboard to show). Counts of students below
``SMALL`` are shown as "<5", as the dashboards do: a team's mix could otherwise point
at one student."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from django.db.models import Count

from accounts.models import Membership, Role
from environments.models import Domain, LearningEnvironment
from practice.models import PracticeQuestion, QuestionStatus
from ulvo.lib.formats import number

SMALL = 5


def suppressed(count: int) -> str:
    return f"<{SMALL}" if 0 < count < SMALL else str(count)


@dataclass(frozen=True)
class HostRow:
    host: str
    counts: list[int]  # in the order of QuestionStatus
    total: int


@dataclass(frozen=True)
class Figures:
    statuses: list[str]
    hosts: list[HostRow]
    domains: list[tuple[str, str]]  # (domain label, students on teams, suppressed)
    delivered: int
    median_days: str | None  # in the Dutch (or English) number format
    small: str = f"<{SMALL}"  # what a suppressed count shows


def practice_figures(environment: LearningEnvironment) -> Figures:
    statuses = list(QuestionStatus)
    by_host: dict[str, dict[str, int]] = {}
    for host, status, count in (
        PracticeQuestion.objects.filter(environment=environment)
        .values_list("host__name", "status")
        .annotate(n=Count("pk"))
        .order_by("host__name")
    ):
        by_host.setdefault(host, {})[status] = count
    hosts = [
        HostRow(
            host=host,
            counts=[counts.get(s.value, 0) for s in statuses],
            total=sum(counts.values()),
        )
        for host, counts in sorted(by_host.items())
    ]
    per_domain = dict(
        Membership.objects.filter(
            environment=environment,
            role=Role.STUDENT,
            is_active=True,
            user__practice_teams__question__environment=environment,
            user__practice_teams__is_supervisor=False,
        )
        .values_list("programme__domain")
        .annotate(n=Count("user", distinct=True))
        .values_list("programme__domain", "n")
    )
    domains = [(str(d.label), suppressed(per_domain.get(d.value, 0))) for d in Domain]
    durations = [
        (delivered - created).total_seconds() / 86400
        for created, delivered in PracticeQuestion.objects.filter(
            environment=environment, delivered_at__isnull=False
        ).values_list("created_at", "delivered_at")
        if delivered is not None
    ]
    return Figures(
        statuses=[str(s.label) for s in statuses],
        hosts=hosts,
        domains=domains,
        delivered=len(durations),
        median_days=number(statistics.median(durations), 1) if durations else None,
    )
