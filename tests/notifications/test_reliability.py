"""Nothing lost, nothing twice: Redis down, two workers at once, a real worker on Redis.

The worker killed in the middle of a batch is shown by ``bin/chaos-outbox`` (a
real Redis, real worker processes and SIGKILL; too slow for the suite).
"""

import threading
import time
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import Kind, Notification, Status
from notifications.services import notify
from notifications.tasks import deliver_due_notifications
from placements.models import Week, week_start
from tests.placements.factories import entry_post_data
from ulvo.celery import app

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CLOSED_PORT = "redis://127.0.0.1:1/0"


def about(cast: Any) -> dict[str, Any]:
    """A log reminder's payload: the cast's placement, which its people may see."""
    return {"placement": cast.placement.pk, "week": "2027-03-01"}


@pytest.fixture
def broker_down(settings: Any) -> Iterator[None]:
    """Tasks really go to a broker, and the broker is a closed port."""
    real = app.conf.broker_url
    app.conf.update(task_always_eager=False, broker_url=CLOSED_PORT)
    try:
        yield
    finally:
        app.conf.update(task_always_eager=True, broker_url=real)


@pytest.fixture
def worker(settings: Any) -> Iterator[None]:
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "needs REDIS_URL"
    app.conf.update(task_always_eager=False, broker_url=settings.CELERY_BROKER_URL)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.update(task_always_eager=True)


def wait_for(condition: Any, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_with_redis_down_the_page_answers_and_the_row_waits_then_is_sent_once(
    cast: Any, broker_down: None
) -> None:
    client = Client()
    client.cookies["ulvo_language"] = "en"
    client.force_login(cast.student)
    today = timezone.localdate()
    client.post(reverse("placements:entry_create", args=[cast.placement.pk]), entry_post_data())

    started = time.monotonic()
    response = client.post(
        reverse("placements:week_submit", args=[cast.placement.pk])
        + f"?week={week_start(today).isoformat()}"
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 302, response.content.decode()[:500]
    assert elapsed < 3, f"the page waited {elapsed:.1f} s for the broker"
    assert Week.objects.get().status == "submitted"
    row = Notification.objects.get(kind=Kind.SIGNOFF_REQUEST)
    assert row.status == Status.PENDING
    assert mail.outbox == []

    # Redis is back: the periodic sweep delivers it, once.
    app.conf.update(task_always_eager=True)
    assert deliver_due_notifications() == 1
    assert deliver_due_notifications() == 0
    assert [m.to for m in mail.outbox] == [["trainer@example.org"]]


def test_a_row_queued_while_redis_was_down_is_delivered_by_a_real_worker(
    cast: Any, settings: Any
) -> None:
    app.conf.update(task_always_eager=False, broker_url=CLOSED_PORT)
    try:
        row = notify(
            recipient=cast.student, kind=Kind.LOG_REMINDER, dedupe_key="r:1", payload=about(cast)
        )
    finally:
        app.conf.update(broker_url=settings.CELERY_BROKER_URL)
    assert row is not None
    assert Notification.objects.get().status == Status.PENDING

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        deliver_due_notifications.delay()
        deliver_due_notifications.delay()  # A second sweep (beat caught up): no double.
        assert wait_for(lambda: Notification.objects.filter(status=Status.SENT).exists())
        time.sleep(1)
    app.conf.update(task_always_eager=True)

    assert [m.to for m in mail.outbox] == [["student@example.org"]]


def test_a_committed_row_is_delivered_through_redis_by_a_worker(cast: Any, worker: None) -> None:
    notify(recipient=cast.student, kind=Kind.LOG_REMINDER, dedupe_key="r:2", payload=about(cast))

    assert wait_for(lambda: len(mail.outbox) == 1)
    assert Notification.objects.get().status == Status.SENT


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED needs PostgreSQL")
def test_two_workers_never_deliver_the_same_row(cast: Any) -> None:
    from accounts.models import Role
    from tests.accounts.factories import MembershipFactory, UserFactory

    people = [UserFactory(email=f"p{n}@example.org") for n in range(30)]
    for person in people:  # Coordinators: they may be reminded of the cast's placement.
        MembershipFactory(user=person, environment=cast.environment, role=Role.COORDINATOR)
    # Queued while the broker is away: only the sweeps below deliver them.
    with mock.patch("notifications.services.enqueue_delivery", return_value=False):
        for person in people:
            notify(
                recipient=person,
                kind=Kind.LOG_REMINDER,
                dedupe_key=f"r:{person.pk}",
                payload=about(cast),
            )
    assert Notification.objects.filter(status=Status.PENDING).count() == len(people)
    sent: list[str] = []
    lock = threading.Lock()
    original = mail.EmailMultiAlternatives.send

    def slow_send(message: Any, *args: Any, **kwargs: Any) -> int:
        time.sleep(0.02)  # Long enough for the other worker to reach the same rows.
        with lock:
            sent.extend(message.to)
        return original(message, *args, **kwargs)

    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            results.append(deliver_due_notifications())
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    with mock.patch.object(mail.EmailMultiAlternatives, "send", slow_send):
        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

    assert not errors, errors
    assert sorted(sent) == sorted(person.email for person in people)
    assert sum(results) == len(people)
    assert all(results), "both workers delivered a share"
    assert Notification.objects.filter(status=Status.SENT).count() == len(people)
