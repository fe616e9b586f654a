"""The authorisation matrix: every named URL × every role → expected status.

Roles, relative to the cast's environment (tests/conftest.py):
- anonymous;
- student and supervisor: members of the environment without rights to manage it;
- coordinator: manages the environment;
- outsider: a student of another environment;
- other_coordinator: manages another environment (rights there, none here).

For a denied write the database must be unchanged. A meta-test fails when a named
URL of the project is missing here, so every new page is covered as it is added.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Invitation, Membership, User
from environments.models import LearningEnvironment

ROLES = ["anonymous", "student", "supervisor", "coordinator", "outsider", "other_coordinator"]
LOGIN = 302  # anonymous users are sent to the login page


def statuses(**overrides: int) -> dict[str, int]:
    """Expected statuses: members 200 unless overridden."""
    base = dict.fromkeys(ROLES, 200)
    base["anonymous"] = LOGIN
    base.update(overrides)
    return base


def make_invitation(cast: Any) -> Invitation:
    from accounts.services import invitation_create

    return invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email="nieuw@example.org",
        role="practice_supervisor",
        organisation=cast.school,
    )


def db_snapshot() -> dict[str, list[tuple[Any, ...]]]:
    tracked: list[type[models.Model]] = [Invitation, Membership, User, LearningEnvironment]
    return {
        model.__name__: sorted(
            tuple(str(value) for value in row) for row in model.objects.values_list()
        )
        for model in tracked
    }


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


CASES: list[Case] = [
    Case("home", statuses()),
    Case("health", statuses(anonymous=200)),
    Case("environments:detail", statuses(outsider=404, other_coordinator=404), args=env_pk),
    Case(
        "accounts:invitation_list",
        statuses(student=403, supervisor=403, outsider=404, other_coordinator=404),
        args=env_pk,
    ),
    Case(
        "accounts:invitation_list",
        # A valid invitation: only the coordinator's is accepted (redirect).
        statuses(
            anonymous=LOGIN,
            student=403,
            supervisor=403,
            coordinator=302,
            outsider=404,
            other_coordinator=404,
        ),
        method="post",
        args=env_pk,
        data=lambda cast: {
            "email": "nieuwe.student@example.org",
            "role": "student",
            "programme": cast.social_work.pk,
        },
    ),
    Case(
        "accounts:invitation_revoke",
        statuses(
            anonymous=LOGIN,
            student=403,
            supervisor=403,
            coordinator=302,
            outsider=404,
            other_coordinator=404,
        ),
        method="post",
        setup=make_invitation,
        args=lambda cast: [cast.environment.pk, cast.setup_result.pk],
    ),
    Case(
        "accounts:invitation_accept",
        # Public by design: the signed link is the credential. Logged-in users see
        # the invitation and may accept it only for their own address.
        statuses(anonymous=200),
        setup=make_invitation,
        args=lambda cast: [cast.setup_result.token],
    ),
    Case(
        "accounts:invitation_accept",
        # Accepting someone else's invitation while logged in changes nothing.
        statuses(
            anonymous=422,  # the account form, submitted empty
            student=409,
            supervisor=409,
            coordinator=409,
            outsider=409,
            other_coordinator=409,
        ),
        method="post",
        setup=make_invitation,
        args=lambda cast: [cast.setup_result.token],
    ),
    Case(
        "accounts:language",
        statuses(**dict.fromkeys(ROLES, 302)),
        method="post",
        data=lambda cast: {"language": "en", "next": "/"},
    ),
]

# Writes that succeed for these roles; every other write must leave the database as it was.
ALLOWED_WRITES = {
    ("accounts:invitation_list", "coordinator"),
    ("accounts:invitation_revoke", "coordinator"),
    ("accounts:language", "student"),
    ("accounts:language", "supervisor"),
    ("accounts:language", "coordinator"),
    ("accounts:language", "outsider"),
    ("accounts:language", "other_coordinator"),
}

# Views the project does not own: allauth's account pages (their access control is
# allauth's; login, lockout and two-factor are tested in tests/accounts) and the
# Django admin (staff only, tested in tests/accounts/test_admin.py).
THIRD_PARTY_MODULES = ("allauth.", "django.contrib.admin.")


def iter_named_urls(
    patterns: list[Any] | None = None, namespace: str = ""
) -> list[tuple[str, str]]:
    """(full name, view module) of every named URL pattern."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    found: list[tuple[str, str]] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found.extend(iter_named_urls(pattern.url_patterns, inner))
        elif isinstance(pattern, URLPattern) and pattern.name:
            callback = pattern.callback
            module = getattr(callback, "__module__", "") or ""
            view_class = getattr(callback, "view_class", None)
            if view_class is not None:
                module = view_class.__module__
            found.append((f"{namespace}{pattern.name}", module))
    return found


def test_every_project_url_is_in_the_matrix() -> None:
    covered = {case.url_name for case in CASES}
    project_urls = {
        name
        for name, module in iter_named_urls()
        if not module.startswith(THIRD_PARTY_MODULES) and not name.startswith("admin:")
    }
    missing = project_urls - covered
    assert not missing, f"URLs missing from the authorisation matrix: {sorted(missing)}"
    stale = covered - project_urls
    assert not stale, f"The matrix names URLs that no longer exist: {sorted(stale)}"


def test_every_case_covers_every_role() -> None:
    for case in CASES:
        assert set(case.expected) == set(ROLES), case.url_name


def _params() -> list[Any]:
    return [
        pytest.param(case, role, id=f"{case.method}-{case.url_name}-{index}-{role}")
        for index, case in enumerate(CASES)
        for role in ROLES
    ]


@pytest.mark.parametrize(("case", "role"), _params())
def test_matrix(case: Case, role: str, cast: Any, client: Client) -> None:
    cast.setup_result = case.setup(cast) if case.setup else None
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    url = reverse(case.url_name, args=case.args(cast))
    before = db_snapshot() if case.method == "post" else None

    response = getattr(client, case.method)(url, case.data(cast))

    assert response.status_code == case.expected[role], (
        f"{case.method.upper()} {url} as {role}: {response.status_code}"
    )
    if (
        response.status_code == LOGIN
        and role == "anonymous"
        and case.url_name != "accounts:language"
    ):
        assert response["Location"].startswith(reverse("account_login"))
    if case.method == "post" and (case.url_name, role) not in ALLOWED_WRITES:
        assert db_snapshot() == before, f"{role} changed data through {url}"


@pytest.mark.parametrize("role", ROLES)
def test_get_never_changes_data(role: str, cast: Any, client: Client) -> None:
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    for case in CASES:
        if case.method != "get":
            continue
        cast.setup_result = case.setup(cast) if case.setup else None
        before = db_snapshot()
        client.get(reverse(case.url_name, args=case.args(cast)))
        assert db_snapshot() == before, case.url_name
