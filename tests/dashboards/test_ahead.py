"""The standard periods' figures computed ahead (dashboards.ahead): an environment whose
dashboard is in use finds its school year and terms computed when the figures expire;
the figures are the ones a visit computes."""

import re

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards import ahead
from dashboards.tasks import compute_figures_ahead
from ulvo.celery import app

TERM = "?period=term&term=2&year=2026-2027"


def page(client, world, query: str = "") -> tuple[int, str]:
    url = reverse("dashboards:environment", args=[world.environment.pk]) + query
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers={"HX-Request": "true"})  # the figures alone
    assert response.status_code == 200
    # The time the figures were computed and the charts' element ids (counted per
    # process) are all that may differ.
    body = re.sub(r"<small>[^<]*\d\d:\d\d[^<]*</small>", "", response.content.decode())
    return len(captured), re.sub(r"\b(chart-title|chart-desc|hatch)-\d+", r"\1", body)


def test_figures_are_computed_ahead_for_an_environment_in_use(world, client) -> None:
    client.force_login(world.coordinator)
    cache.clear()
    computed, on_visit = page(client, world, TERM)  # computed on the visit
    cache.clear()
    page(client, world)  # the school year: the environment is in use
    assert compute_figures_ahead() == 1
    ahead_count, ahead_body = page(client, world, TERM + "&again=1")
    # The term's figures were there: only the session, the user, access and navigation.
    assert ahead_count <= computed - 10, (ahead_count, computed)
    assert 'id="figure-programmes"' in on_visit
    assert ahead_body.replace("&amp;again=1", "") == on_visit


def test_every_standard_period_is_computed(world) -> None:
    periods = ahead.standard_periods(world.environment)
    assert [(p.start.isoformat(), p.end.isoformat()) for p in periods] == [
        ("2026-08-01", "2027-07-31"),
        ("2026-08-01", "2026-10-31"),
        ("2026-11-01", "2027-01-31"),
        ("2027-02-01", "2027-04-30"),
        ("2027-05-01", "2027-07-31"),
    ]
    cache.clear()
    cache.set(ahead._wanted_key(world.environment.pk), True)
    ahead.compute_ahead()
    for period in periods:
        assert cache.get(ahead.cache_key(world.environment, period, "figures")) is not None


def test_environments_not_in_use_are_left_alone(world) -> None:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert compute_figures_ahead() == 0
    assert len(captured) == 1  # the environments, and nothing computed


def test_the_task_runs_before_the_figures_expire() -> None:
    entry = app.conf.beat_schedule["dashboards-compute-figures-ahead"]
    assert entry["task"] == "dashboards.tasks.compute_figures_ahead"
    assert entry["schedule"] < ahead.CACHE_SECONDS


def test_figures_found_computed_ahead_keep_the_environment_in_use(world, client) -> None:
    """An environment in use stays in use while its figures come from the task: the
    mark does not run out an hour after the last figures computed on a visit."""
    client.force_login(world.coordinator)
    cache.clear()
    page(client, world)
    assert compute_figures_ahead() == 1
    cache.delete(ahead._wanted_key(world.environment.pk))  # as if the hour had passed
    page(client, world, TERM)  # the term's figures computed ahead, the page drawn
    assert compute_figures_ahead() == 1
