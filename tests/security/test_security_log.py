"""Security log lines: logins, failures, lockouts, logouts, refused requests and role
changes, as JSON with UTC time, user id, environment and outcome, and no personal data."""

import json
import logging
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Role
from accounts.services import (
    invitation_accept_existing_user,
    invitation_create,
    membership_remove,
    membership_save,
)
from tests.accounts.factories import PASSWORD

UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture
def security_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="ulvo.security")
    return caplog


def events(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """The log lines of ``ulvo.security``, parsed from the message as written."""
    return [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "ulvo.security"
    ]


def assert_no_personal_data(caplog: pytest.LogCaptureFixture, cast: Any) -> None:
    text = "\n".join(record.getMessage() for record in caplog.records)
    for person in (cast.student, cast.supervisor, cast.coordinator, cast.bystander):
        assert person.email not in text.lower()
        assert person.full_name not in text
        for part in person.full_name.split():
            assert part not in text
    assert "127.0.0.1" not in text
    assert PASSWORD not in text


def log_in(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_login_success_and_logout(client: Client, cast: Any, security_log: Any) -> None:
    log_in(client, "student@example.org")
    client.post(reverse("account_logout"))

    lines = events(security_log)
    login = next(line for line in lines if line["event"] == "login")
    assert login["outcome"] == "success"
    assert login["user"] == cast.student.pk
    assert login["environment"] == [cast.environment.pk]
    assert login["deployment"] == "development"
    assert UTC_TIME.match(login["time"])
    assert login["view"] == "account_login"
    assert re.fullmatch(r"[0-9a-f]{16}", login["client"])
    logout = next(line for line in lines if line["event"] == "logout")
    assert logout["user"] == cast.student.pk
    assert logout["outcome"] == "success"
    assert_no_personal_data(security_log, cast)


def test_failed_login_names_the_account_by_id(client: Client, cast: Any, security_log: Any) -> None:
    log_in(client, "student@example.org", "not-the-password")
    log_in(client, "nobody@example.org", "not-the-password")

    failures = [line for line in events(security_log) if line["outcome"] == "failure"]
    assert [(line["event"], line["user"]) for line in failures] == [
        ("login", cast.student.pk),
        ("login", None),
    ]
    assert all(line["environment"] is None for line in failures)
    assert "nobody" not in "\n".join(r.getMessage() for r in security_log.records)
    assert_no_personal_data(security_log, cast)


def test_lockout_is_logged(client: Client, cast: Any, security_log: Any) -> None:
    for _ in range(6):
        log_in(client, "student@example.org", "not-the-password")

    locked = [line for line in events(security_log) if line["outcome"] == "locked_out"]
    assert len(locked) == 1
    assert locked[0]["user"] == cast.student.pk
    assert [r.levelname for r in security_log.records if "locked_out" in r.getMessage()] == [
        "WARNING"
    ]
    assert_no_personal_data(security_log, cast)


def test_forbidden_and_hidden_pages_are_logged(
    client: Client, cast: Any, security_log: Any
) -> None:
    client.force_login(cast.student)
    security_log.clear()

    assert client.get(reverse("accounts:audit_log", args=[cast.environment.pk])).status_code == 403
    other = reverse("accounts:audit_log", args=[cast.other_environment.pk])
    assert client.get(other).status_code == 404

    denied = [line for line in events(security_log) if line["event"] == "access_denied"]
    assert [(line["status"], line["outcome"], line["user"]) for line in denied] == [
        (403, "denied", cast.student.pk),
        (404, "denied", cast.student.pk),
    ]
    assert denied[0]["view"] == "accounts:audit_log"
    assert_no_personal_data(security_log, cast)


def test_csrf_failure_is_logged(cast: Any, security_log: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.student)

    client.post(reverse("accounts:session_end_others"))

    denied = [line for line in events(security_log) if line["event"] == "access_denied"]
    assert [(line["status"], line["method"]) for line in denied] == [(403, "POST")]


def test_anonymous_404s_are_not_logged(client: Client, db: None, security_log: Any) -> None:
    client.get("/does-not-exist/")

    assert events(security_log) == []


def test_role_changes_are_logged(cast: Any, security_log: Any) -> None:
    invitation = invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email=cast.bystander.email,
        role=Role.COORDINATOR,
    )
    invitation_accept_existing_user(invitation=invitation, user=cast.bystander)
    membership = Membership.objects.get(user=cast.bystander, role=Role.COORDINATOR)
    membership.is_active = False
    membership_save(membership=membership)
    membership_remove(membership=membership)

    roles = [line for line in events(security_log) if line["event"] == "role_change"]
    assert [(line["outcome"], line["role"], line["active"]) for line in roles] == [
        ("granted", "coordinator", True),
        ("changed", "coordinator", False),
        ("revoked", "coordinator", False),
    ]
    assert {line["user"] for line in roles} == {cast.bystander.pk}
    assert {line["environment"] for line in roles} == {cast.environment.pk}
    assert roles[1]["changed"] == ["is_active"]
    assert_no_personal_data(security_log, cast)


def test_log_lines_are_json_on_one_line(client: Client, cast: Any, security_log: Any) -> None:
    log_in(client, "student@example.org")

    for record in security_log.records:
        if record.name == "ulvo.security":
            message = record.getMessage()
            assert "\n" not in message
            assert json.loads(message) == record.security  # type: ignore[attr-defined]
