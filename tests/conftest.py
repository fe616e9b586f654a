"""The fixed cast, the clock, the service check and the browser set-up shared by all
tests. Fixtures only: the steps tests share live in tests/<app>/steps.py."""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# live_server tests drive Django from Playwright's event loop thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest
from django.test import Client
from django.utils import timezone

from tests.clock import Clock, frozen_at

CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _service_problems() -> tuple[list[str], list[str]]:
    """Return (missing, unreachable) descriptions of PostgreSQL and Redis."""
    import dj_database_url

    missing: list[str] = []
    unreachable: list[str] = []
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        missing.append("DATABASE_URL (PostgreSQL)")
    else:
        import psycopg

        config = dj_database_url.parse(database_url)
        try:
            psycopg.connect(
                host=config["HOST"] or "127.0.0.1",
                port=config["PORT"] or 5432,
                user=config["USER"] or "postgres",
                password=config["PASSWORD"] or None,
                dbname="postgres",
                connect_timeout=3,
            ).close()
        except psycopg.Error as error:
            unreachable.append(f"PostgreSQL at {database_url}: {error}")
    if not redis_url:
        missing.append("REDIS_URL")
    else:
        import redis

        try:
            redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
        except redis.RedisError as error:
            unreachable.append(f"Redis at {redis_url}: {error}")
    return missing, unreachable


def pytest_sessionstart(session: pytest.Session) -> None:
    missing, unreachable = _service_problems()
    if unreachable or (CI and missing):
        pytest.exit(
            "The test suite needs its services: "
            + "; ".join(missing + unreachable)
            + ". Start PostgreSQL and Redis and set DATABASE_URL and REDIS_URL.",
            returncode=3,
        )
    if missing:
        session.config._ulvo_services_missing = missing  # type: ignore[attr-defined]


def pytest_report_header(config: pytest.Config) -> list[str]:
    missing = getattr(config, "_ulvo_services_missing", None)
    if missing is None:
        missing, _ = _service_problems()
    if missing:
        banner = "!" * 78
        return [
            banner,
            "!! NOT TESTING AGAINST THE REAL SERVICES: " + ", ".join(missing) + " not set.",
            "!! Falling back to SQLite and in-process tasks; tests marked 'services' skip.",
            "!! CI (CI=true) refuses to run like this.",
            banner,
        ]
    return [f"services: PostgreSQL {os.environ['DATABASE_URL']}, Redis {os.environ['REDIS_URL']}"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CI or os.environ.get("REDIS_URL"):
        return
    skip = pytest.mark.skip(reason="needs Redis: set REDIS_URL (CI fails instead of skipping)")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def clock() -> Iterator[Clock]:
    """Time stands still for the test from its start (tests/clock.py)."""
    with frozen_at(timezone.now()) as stopped:
        yield stopped


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Rate limits and other cached state must not leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """Each test starts in the default language: a request through the test client
    leaves its language active in the thread, and with parallel workers the test
    before this one differs from run to run."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


# --- Browser tests: Debian's Chromium, never a downloaded browser ------------------

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # Students log between lessons on a phone: the journeys run at phone size.
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "locale": "nl-NL",
    }


# --- The fixed cast -------------------------------------------------------------


@dataclass
class Cast:
    environment: Any
    other_environment: Any
    school: Any
    neighbourhood: Any
    institute: Any
    social_work: Any
    pabo: Any
    student: Any
    supervisor: Any
    coordinator: Any
    outsider: Any
    other_coordinator: Any
    bystander: Any
    colleague: Any
    placement: Any
    network: Any
    session: Any
    past_session: Any


@pytest.fixture
def cast(db: None) -> Cast:
    """Two environments and the people every authorisation test needs.

    - student: social-work student in the environment;
    - supervisor: a school trainer from education (another domain than the student);
    - coordinator: coordinates the environment (with a TOTP app, as required);
    - outsider: a student of another environment;
    - other_coordinator: coordinates the other environment;
    - bystander: a practice supervisor in the environment, not assigned to the student;
    - colleague: a teacher at the school who supervises nobody and is in no network;
    - placement: the student's active placement, its hours signed off by the supervisor;
    - network: the environment's learning network; the student is a member, the supervisor
      is in the core team (the bystander is not in it);
    - session: a planned mixed session next week, facilitated by the supervisor, to which
      the student and supervisor are invited; past_session: one held last week.
    """
    import datetime

    from accounts.models import Role
    from environments.models import Domain, Level
    from placements.models import PlacementStatus, SupervisionRole, weekdays_to_mask
    from tests.accounts.factories import MembershipFactory, UserFactory
    from tests.accounts.steps import activate_totp
    from tests.environments.factories import (
        InstituteFactory,
        LearningEnvironmentFactory,
        NeighbourhoodOrganisationFactory,
        OrganisationFactory,
        ProgrammeFactory,
    )

    environment = LearningEnvironmentFactory(name="Leidsche Rijn")
    other_environment = LearningEnvironmentFactory(name="Vleuten/De Meern", neighbourhood="Vleuten")
    school = OrganisationFactory(name="Basisschool De Regenboog")
    neighbourhood = NeighbourhoodOrganisationFactory(name="Buurtteam Leidsche Rijn")
    institute = InstituteFactory(name="Hogeschool Utrecht")
    environment.organisations.add(school, neighbourhood, institute)
    other_environment.organisations.add(institute)
    social_work = ProgrammeFactory(
        institute=institute, name="Social work", domain=Domain.SOCIAL, level=Level.HBO
    )
    pabo = ProgrammeFactory(
        institute=institute, name="Pabo", domain=Domain.EDUCATIONAL, level=Level.HBO
    )

    student = UserFactory(email="student@example.org", full_name="Sanne Student")
    MembershipFactory(
        user=student, environment=environment, role=Role.STUDENT, programme=social_work
    )
    supervisor = UserFactory(email="trainer@example.org", full_name="Bram Schoolopleider")
    MembershipFactory(
        user=supervisor, environment=environment, role=Role.SCHOOL_TRAINER, organisation=school
    )
    coordinator = UserFactory(email="coordinator@example.org", full_name="Carla Coördinator")
    MembershipFactory(user=coordinator, environment=environment, role=Role.COORDINATOR)
    activate_totp(coordinator)
    outsider = UserFactory(email="outsider@example.org", full_name="Otto Buitenstaander")
    MembershipFactory(
        user=outsider, environment=other_environment, role=Role.STUDENT, programme=pabo
    )
    other_coordinator = UserFactory(email="other-coordinator@example.org", full_name="Olga Ander")
    MembershipFactory(user=other_coordinator, environment=other_environment, role=Role.COORDINATOR)
    activate_totp(other_coordinator)
    bystander = UserFactory(email="bystander@example.org", full_name="Bea Buurtwerker")
    MembershipFactory(
        user=bystander,
        environment=environment,
        role=Role.PRACTICE_SUPERVISOR,
        organisation=neighbourhood,
    )
    colleague = UserFactory(email="colleague@example.org", full_name="Kees Collega")
    MembershipFactory(
        user=colleague,
        environment=environment,
        role=Role.COLLEAGUE,
        organisation=school,
        domain=Domain.EDUCATIONAL,
    )
    from placements.models import Placement, SupervisionAssignment

    today = timezone.localdate()
    placement = Placement.objects.create(
        student=student,
        programme=social_work,
        environment=environment,
        school=school,
        neighbourhood_organisation=neighbourhood,
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=60),
        weekdays_on_site=weekdays_to_mask([1, 2, 4]),
        institute_days=weekdays_to_mask([3]),
        hours_per_week=16,
        status=PlacementStatus.ACTIVE,
    )
    SupervisionAssignment.objects.create(
        placement=placement,
        supervisor=supervisor,
        role=SupervisionRole.SCHOOL_TRAINER,
        domain=Domain.EDUCATIONAL,
        signs_off=True,
    )
    from learning_networks.models import LearningNetwork, NetworkSession, SessionStatus
    from learning_networks.services import network_member_set, session_save

    network = LearningNetwork.objects.create(environment=environment, name="Leernetwerk LR")
    network_member_set(network=network, user=student)
    network_member_set(network=network, user=supervisor, core_team=True)
    next_week = timezone.now().replace(hour=13, minute=0, second=0, microsecond=0)
    next_week += datetime.timedelta(days=7)
    session = session_save(
        session=NetworkSession(
            network=network,
            kind="mixed",
            theme="Samenwerken rond een leesgroep",
            starts_at=next_week,
            ends_at=next_week + datetime.timedelta(hours=2),
            location=school,
            status=SessionStatus.PLANNED,
        ),
        facilitators=[supervisor],
        audience_programmes=[],
    )
    last_week = next_week - datetime.timedelta(days=14)
    past_session = session_save(
        session=NetworkSession(
            network=network,
            kind="skills_lab",
            theme="Gesprekstechnieken",
            starts_at=last_week,
            ends_at=last_week + datetime.timedelta(hours=2),
            location=neighbourhood,
            status=SessionStatus.HELD,
        ),
        facilitators=[supervisor],
        audience_programmes=[],
    )
    return Cast(
        environment=environment,
        other_environment=other_environment,
        school=school,
        neighbourhood=neighbourhood,
        institute=institute,
        social_work=social_work,
        pabo=pabo,
        student=student,
        supervisor=supervisor,
        coordinator=coordinator,
        outsider=outsider,
        other_coordinator=other_coordinator,
        bystander=bystander,
        colleague=colleague,
        placement=placement,
        network=network,
        session=session,
        past_session=past_session,
    )


@pytest.fixture
def login(client: Client):  # type: ignore[no-untyped-def]
    def _login(user: Any) -> Client:
        client.force_login(user)
        return client

    return _login
