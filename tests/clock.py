"""The one clock of the tests, built on time-machine.

While it is stopped, time stands still for everything in this process: Django's
``timezone.now()`` and ``localdate()``, ``time.time()`` (signed tokens, allauth's
re-authentication and TOTP), ``datetime.now()``. It moves only when a test moves it.
``time.monotonic()`` keeps running, so timeouts and waits still work. Other processes
(PostgreSQL's ``now()``, Redis expiry, a browser) keep the real time.

- the ``clock`` fixture (tests/conftest.py) stops it for the whole test at the real
  time it starts: ``clock.now`` reads it, ``clock.now = moment`` sets it,
  ``clock.advance(minutes=31)`` moves it on;
- ``with frozen_at(moment):`` stops it for a block only, e.g. to build state in the
  past for a browser journey whose pages must then run on the real clock.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from django.utils import timezone


class Clock:
    def __init__(self, traveller: time_machine.Traveller) -> None:
        self._traveller = traveller

    @property
    def now(self) -> datetime.datetime:
        return timezone.now()

    @now.setter
    def now(self, moment: datetime.datetime) -> None:
        self._traveller.shift(moment - timezone.now())

    def advance(self, **delta: float) -> None:
        """Move on (or back, with negative values) by ``datetime.timedelta(**delta)``."""
        self._traveller.shift(datetime.timedelta(**delta))


@contextmanager
def frozen_at(moment: datetime.datetime) -> Iterator[Clock]:
    """Time stands still at ``moment`` (an aware datetime) inside the block."""
    # Handed over as naive UTC: for an aware destination, time-machine would also set the
    # process's TZ to its zone.
    destination = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    with time_machine.travel(destination, tick=False) as traveller:
        yield Clock(traveller)
