"""Building blocks of the authorisation matrix (tests/security/test_authorisation_matrix.py).

Each app adds its URLs in a module ``tests/security/cases_<app>.py`` that defines
``CASES`` (a list of :class:`Case`) and ``ALLOWED_WRITES`` (the (url name, role) pairs
whose POST may change data); the matrix test collects them all.

Roles, relative to the cast's environment (tests/conftest.py):
- anonymous;
- student: the placement's student; supervisor: signs off its hours;
- bystander: a practice supervisor in the environment, not assigned to the placement;
- colleague: a teacher at the school who supervises nobody and is in no network: sees
  the environment page and the agenda, nothing about students (unless a case says
  otherwise, whatever the bystander may not, nor may the colleague);
- coordinator: manages the environment;
- outsider: a student of another environment;
- other_coordinator: manages another environment (rights there, none here).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

ROLES = [
    "anonymous",
    "student",
    "supervisor",
    "bystander",
    "colleague",
    "coordinator",
    "outsider",
    "other_coordinator",
]
LOGIN = 302  # anonymous users are sent to the login page

# Every model of these apps is compared before and after a denied write.
PROJECT_APPS = (
    "accounts",
    "environments",
    "placements",
    "allocation",
    "supervision",
    "learning_networks",
    "reflections",
    "practice",
    "knowledge",
    "dashboards",
    "notifications",
    "privacy",
)


def statuses(**overrides: int) -> dict[str, int]:
    """Expected statuses: members 200 unless overridden; the colleague as the bystander
    unless overridden."""
    base = dict.fromkeys(ROLES, 200)
    base["anonymous"] = LOGIN
    base.update(overrides)
    if "colleague" not in overrides:
        base["colleague"] = base["bystander"]
    return base


def db_snapshot() -> dict[str, list[tuple[str, ...]]]:
    snapshot: dict[str, list[tuple[str, ...]]] = {}
    for config in apps.get_app_configs():
        if config.label not in PROJECT_APPS:
            continue
        for model in config.get_models():
            snapshot[model._meta.label] = sorted(
                tuple(str(value) for value in row) for row in model.objects.values_list()
            )
    return snapshot


@dataclass
class Case:
    url_name: str
    expected: dict[str, int]
    method: str = "get"
    args: Callable[[Any], list[Any]] = lambda cast: []
    data: Callable[[Any], dict[str, Any]] = lambda cast: {}
    setup: Callable[[Any], Any] | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def env_pk(cast: Any) -> list[Any]:
    return [cast.environment.pk]
