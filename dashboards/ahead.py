"""The environment's figures in the shared cache, and computed ahead of the visit.

A dashboard's figures are aggregates over up to a year of a whole environment's work:
computed once, then served from the shared cache (Redis) for ``CACHE_SECONDS``; the
page says when they were computed. Computing them is most of what a first visit costs
(measured at the region's scale: the figures about half of a cold request, drawing
and rendering the rest), so for an environment whose dashboard was opened in the last
``WANTED_SECONDS`` the periods the period form offers first — the school year and its
four terms — are computed again by a periodic task (``dashboards.tasks``) before they
expire: a coordinator who opens them finds the figures there. Other periods (custom
ranges, other school years) are computed on the visit, as before.
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.utils import timezone

from dashboards import figures
from dashboards.forms import PeriodForm, PeriodKind
from environments.models import LearningEnvironment

CACHE_SECONDS = 300
CACHE_VERSION = 1
# How long after the last use of its figures an environment's standard periods are
# kept computed ahead.
WANTED_SECONDS = 3600


def cache_key(environment: LearningEnvironment, period: figures.Period, *parts: str) -> str:
    return ":".join(
        [
            "dashboards",
            str(CACHE_VERSION),
            str(environment.pk),
            period.start.isoformat(),
            period.end.isoformat(),
            *parts,
        ]
    )


def _wanted_key(environment_id: int) -> str:
    return f"dashboards:{CACHE_VERSION}:wanted:{environment_id}"


def standard_periods(environment: LearningEnvironment) -> list[figures.Period]:
    """The environment's school year and its four terms, made as the period form makes
    them (the same periods, so the same cache keys)."""
    choices: list[dict[str, object]] = [{"period": PeriodKind.YEAR}]
    choices += [{"period": PeriodKind.TERM, "term": term} for term in figures.TERMS]
    periods = []
    for data in choices:
        form = PeriodForm({**data, "year": environment.school_year}, environment=environment)
        if form.is_valid():
            periods.append(form.get_period())
    return periods


def compute(
    environment: LearningEnvironment, period: figures.Period
) -> tuple[figures.Dashboard, datetime.datetime]:
    """The figures afresh, stored for the next visits."""
    hit = (figures.dashboard(environment, period), timezone.now())
    cache.set(cache_key(environment, period, "figures"), hit, CACHE_SECONDS)
    return hit


def cached_dashboard(
    environment: LearningEnvironment, period: figures.Period
) -> tuple[figures.Dashboard, datetime.datetime]:
    """The environment's figures for the period, and when they were computed. Each
    use (a page drawn or an export, not a page served whole from the cache) marks the
    environment as one whose standard periods are kept ahead for ``WANTED_SECONDS``:
    figures found computed ahead keep it marked too."""
    hit = cache.get(cache_key(environment, period, "figures"))
    if hit is None:
        hit = compute(environment, period)
    cache.set(_wanted_key(environment.pk), True, WANTED_SECONDS)
    return hit


def compute_ahead() -> int:
    """Compute the standard periods of every environment whose dashboard is wanted;
    the number of environments done."""
    ids = list(LearningEnvironment.objects.values_list("pk", flat=True))
    wanted = cache.get_many([_wanted_key(pk) for pk in ids])
    done = 0
    for environment in LearningEnvironment.objects.filter(
        pk__in=[pk for pk in ids if _wanted_key(pk) in wanted]
    ).order_by("pk"):
        for period in standard_periods(environment):
            compute(environment, period)
        done += 1
    return done
