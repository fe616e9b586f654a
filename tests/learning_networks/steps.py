"""Steps shared by tests of learning networks and of what shows their sessions, built
through the real services."""

import datetime
from typing import Any

from django.utils import timezone

from learning_networks.models import NetworkSession, SessionStatus
from learning_networks.services import session_save


def add_session(cast: Any, *, days: float, **fields: Any) -> NetworkSession:
    """A planned two-hour mixed session of the cast's network, ``days`` from now (less
    than 0: it took place), facilitated by the supervisor; its audience is invited."""
    starts = timezone.now() + datetime.timedelta(days=days)
    values: dict[str, Any] = {
        "network": cast.network,
        "kind": "mixed",
        "theme": "Extra bijeenkomst",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=2),
        "status": SessionStatus.PLANNED,
    }
    values.update(fields)
    return session_save(
        session=NetworkSession(**values), facilitators=[cast.supervisor], audience_programmes=[]
    )


def ship_holidays_if_flushed() -> None:
    """The school holidays the data migration ships. A browser journey earlier in the run
    (transactional_db) flushes every table, migration data included: ship them again."""
    from importlib import import_module

    from django.apps import apps

    from learning_networks.models import SchoolHoliday

    if not SchoolHoliday.objects.exists():
        import_module("learning_networks.migrations.0003_ship_school_holidays").ship(apps, None)
