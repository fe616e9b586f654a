"""Pages run the same number of queries whatever the amount of data."""

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from learning_networks.models import Attendance, NetworkSession, SessionFeedback
from placements.models import ActivityEntry, SupervisionAssignment
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.dashboards.steps import at, make_placement


def grow(world: Any, times: int) -> None:
    """More of everything: students, placements, supervision, sessions, attendance,
    feedback and logged hours."""
    for n in range(times):
        programme = [world.social_work, world.pabo, world.pm, world.vaktherapie][n % 4]
        student = UserFactory(full_name=f"Extra {n}")
        MembershipFactory(
            user=student, environment=world.environment, role=Role.STUDENT, programme=programme
        )
        placement = make_placement(
            student, programme, world.environment, world.school, "2026-09-01", "2027-06-30",
            [1 + n % 5],
        )  # fmt: skip
        SupervisionAssignment.objects.create(
            placement=placement, supervisor=world.neighbour, role="practice", domain="social"
        )
        session = NetworkSession.objects.create(
            network=world.network,
            kind=["mixed", "mono", "skills_lab"][n % 3],
            theme=f"Extra {n}",
            starts_at=at(f"2026-{9 + n % 4:02d}-{10 + n % 15:02d}"),
            ends_at=at(f"2026-{9 + n % 4:02d}-{10 + n % 15:02d}", 12),
            status="held",
        )
        Attendance.objects.create(session=session, user=student, presence="present")
        SessionFeedback.objects.create(session=session, user=student, usefulness=4, relevance=4)
        ActivityEntry.objects.create(
            placement=placement,
            date=datetime.date(2026, 10, 1) + datetime.timedelta(days=n),
            setting="school",
            kind="classroom",
            minutes=60,
        )


def count(client: Any, url: str) -> int:
    """Queries of a request with the figures computed afresh (not from the cache)."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured)


def test_pages_query_counts_do_not_grow(world, client) -> None:
    client.force_login(world.coordinator)
    env = world.environment.pk
    urls = [
        reverse("dashboards:environment", args=[env]),
        reverse("dashboards:environment", args=[env]) + "?period=term&term=1&year=2026-2027",
        reverse("dashboards:placements", args=[env]) + "?programme=" + str(world.pabo.pk),
        reverse("dashboards:sessions", args=[env]) + "?kind=mixed",
        reverse("dashboards:hours", args=[env]) + "?setting=school",
        reverse("dashboards:export", args=[env, "programmes", "csv"]),
        reverse("dashboards:network", args=[world.network.pk]),
        reverse("dashboards:organisation", args=[env, world.school.pk]),
    ]
    for url in urls:
        client.get(url)  # warm: sessions, caches
    before = {url: count(client, url) for url in urls}
    grow(world, 12)
    after = {url: count(client, url) for url in urls}
    assert before == after
    assert before[urls[0]] <= 25, before


def test_the_figures_come_from_the_cache_the_second_time(world, client) -> None:
    client.force_login(world.coordinator)
    url = reverse("dashboards:environment", args=[world.environment.pk])
    cold = count(client, url)
    with CaptureQueriesContext(connection) as warm:
        body = client.get(url).content.decode()
    # Only the session, the user, the access checks and the navigation remain.
    assert len(warm) <= cold - 10
    assert 'id="figure-programmes"' in body
    # Another period is computed on its own.
    with CaptureQueriesContext(connection) as other:
        client.get(url + "?period=term&term=2")
    assert len(other) == cold
