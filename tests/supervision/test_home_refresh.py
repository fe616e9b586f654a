"""The supervisor's home built again in the background after a change
(supervision/tasks.py; the tasks run eagerly in the tests), so the next visit reads
no table of its own, and what it shows is what a visit would have built."""

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from environments.models import Domain
from placements.models import SupervisionAssignment, SupervisionRole
from placements.services import week_approve
from supervision.home import home_for, home_kept, home_refresh
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.placements.factories import PlacementFactory
from tests.supervision.steps import share_reflection, submit_week

HOME = reverse("supervision:home")
# The tables only the home's own queries read.
HOME_TABLES = ("reflections_reflection", "placements_week", "learning_networks_attendance")

Commit = Callable[[], AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def _home_cached(settings: Any) -> Iterator[None]:
    settings.ULVO_SUPERVISOR_HOME_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Commit:
    """A change as it happens outside a test: its on-commit hooks run."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def home_tables_read(client: Client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(HOME)
    assert response.status_code == 200
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    return response.content.decode(), [table for table in HOME_TABLES if table in sql]


def test_after_a_change_the_next_visit_reads_no_table_of_the_home(
    cast: Any, client: Client, commit: Commit
) -> None:
    client.force_login(cast.supervisor)
    html, read = home_tables_read(client)
    assert read == list(HOME_TABLES)  # the first visit builds it

    with commit():
        week = submit_week(cast)
    html, read = home_tables_read(client)
    assert week.get_absolute_url() in html
    assert read == []

    with commit():
        reflection = share_reflection(cast.student, cast.environment, "Na de bijeenkomst.")
    html, read = home_tables_read(client)
    assert "Na de bijeenkomst." in html
    assert reverse("reflections:feedback_add", args=[reflection.pk]) in html
    assert read == []

    with commit():
        week_approve(week=week, reviewer=cast.supervisor)
    html, read = home_tables_read(client)
    assert week.get_absolute_url() not in html
    assert read == []


def test_the_refreshed_home_is_the_one_a_visit_builds(cast: Any) -> None:
    submit_week(cast)
    share_reflection(cast.student, cast.environment, "Samen geleerd.")
    assert home_refresh([cast.supervisor.pk, cast.student.pk]) == 2
    with CaptureQueriesContext(connection) as captured:
        kept = home_kept(cast.supervisor)
    assert len(captured) == 0
    assert kept == home_for(cast.supervisor)


def test_switched_off_nothing_is_built(cast: Any, settings: Any) -> None:
    settings.ULVO_SUPERVISOR_HOME_CACHE_SECONDS = 0
    assert home_refresh([cast.supervisor.pk]) == 0
    with CaptureQueriesContext(connection) as captured:
        home_kept(cast.supervisor)
    assert "reflections_reflection" in " ".join(q["sql"] for q in captured.captured_queries)


def respond_token(html: str, reflection: Any) -> str:
    action = re.escape(reverse("reflections:feedback_add", args=[reflection.pk]))
    [token] = re.findall(
        rf'action="{action}".*?name="csrfmiddlewaretoken" value="([^"]+)"', html, flags=re.S
    )
    return token


def test_a_card_that_did_not_change_is_not_rendered_again(
    cast: Any, client: Client, commit: Commit
) -> None:
    """Each card is kept under what it shows: when another student's card changes, the
    page is built again but this card is the one kept (its form's CSRF token, masked
    afresh at every rendering, is the same); when it changes itself, it is new."""
    other = UserFactory(full_name="Otto Ander")
    MembershipFactory(
        user=other, environment=cast.environment, role=Role.STUDENT, programme=cast.pabo
    )
    placement = PlacementFactory(
        environment=cast.environment, programme=cast.pabo, school=cast.school, student=other
    )
    SupervisionAssignment.objects.create(
        placement=placement,
        supervisor=cast.supervisor,
        role=SupervisionRole.SCHOOL_TRAINER,
        domain=Domain.EDUCATIONAL,
        signs_off=True,
    )
    reflection = share_reflection(cast.student, cast.environment, "Wacht op reactie.")
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.supervisor)
    first = respond_token(client.get(HOME).content.decode(), reflection)

    with commit():
        week = submit_week(cast, placement)
    html = client.get(HOME).content.decode()
    assert week.get_absolute_url() in html
    assert respond_token(html, reflection) == first

    with commit():
        share_reflection(cast.student, cast.environment, "Nog een.")
    html = client.get(HOME).content.decode()
    again = respond_token(html, reflection)
    assert again != first
    # The kept form is one the browser can send.
    response = client.post(
        reverse("reflections:feedback_add", args=[reflection.pk]),
        {"csrfmiddlewaretoken": again, "text": "Mooi gezien.", "next": HOME},
    )
    assert response.status_code == 302
