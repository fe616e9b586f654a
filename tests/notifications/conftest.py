from datetime import datetime, timedelta

import pytest
from django.utils import timezone


class Clock:
    """Django's clock, stopped: it moves only when a test moves it."""

    def __init__(self) -> None:
        self.now: datetime = timezone.now()

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    current = Clock()
    monkeypatch.setattr(timezone, "now", lambda: current.now)
    return current
