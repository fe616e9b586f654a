"""A clock for time travel in tests: ``django.utils.timezone.now`` follows it."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone


class Clock:
    def __init__(self) -> None:
        self.now: datetime = timezone.now()

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def freeze_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Stop Django's clock; it moves only by ``Clock.advance``."""
    current = Clock()
    monkeypatch.setattr(timezone, "now", lambda: current.now)
    return current
