"""A round trip through a real Celery worker on Redis (no eager mode here)."""

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from accounts.models import Invitation
from accounts.services import invitation_create
from accounts.tasks import send_invitation_email
from ulvo.celery import app

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(settings: Any) -> Iterator[None]:
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "needs REDIS_URL"
    app.conf.update(task_always_eager=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.update(task_always_eager=True)


def test_beat_schedule_lives_in_code() -> None:
    assert isinstance(app.conf.beat_schedule, dict)


def test_a_task_enqueued_on_commit_is_delivered_by_a_worker(worker: None, cast: Any) -> None:
    invitation = invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email="via.worker@example.org",
        role="practice_supervisor",
        organisation=cast.school,
    )

    deadline = time.monotonic() + 60
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)

    assert [message.to for message in mail.outbox] == [["via.worker@example.org"]]
    # The link opens this invitation (its signed token carries the second it was made,
    # in the worker, so it need not equal one made here a moment later).
    tokens = re.findall(r"/uitnodiging/([^/\s]+)/", mail.outbox[0].body)
    assert tokens
    assert {Invitation.pk_from_token(token) for token in tokens} == {invitation.pk}


def test_the_result_comes_back_through_redis(worker: None, cast: Any) -> None:
    invitation = Invitation.objects.create(
        environment=cast.environment,
        email="result@example.org",
        role="coordinator",
        expires_at=timezone.now() + timedelta(days=1),
    )

    result = send_invitation_email.delay(invitation.pk)

    assert result.get(timeout=30) is True
    assert send_invitation_email.delay(10**9).get(timeout=30) is False
