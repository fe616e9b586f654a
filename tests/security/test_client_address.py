"""Rate limits and the security log see the client's address, behind a proxy too.

allauth keys its per-address limits on the client's address. Behind a TLS proxy every
request comes from the proxy (REMOTE_ADDR), so without telling ULVO about the proxy
all users shared one bucket: ten wrong passwords anywhere locked everyone out. With
ULVO_TRUSTED_PROXY_COUNT (or ULVO_CLIENT_IP_HEADER) the address comes from the proxy's
header; without them X-Forwarded-For is ignored, so a client cannot pick its bucket.
"""

import json
from typing import Any

import pytest
from django.test import Client, override_settings

from accounts.security_log import client_address, client_reference
from tests.accounts.test_login import LOCKED_OUT, WRONG_CREDENTIALS, log_in, logged_in_user
from tests.test_settings import PRODUCTION_ENV, run

PROXY = "10.0.0.2"
ALICE, BOB = "203.0.113.5", "198.51.100.7"


def behind_proxy(forwarded_for: str) -> Client:
    """A browser whose requests reach ULVO through the proxy at PROXY."""
    return Client(REMOTE_ADDR=PROXY, headers={"x-forwarded-for": forwarded_for})


def exhaust_address_limit(client: Client) -> None:
    """Ten wrong guesses at ten accounts: the per-address limit of failures."""
    for number in range(10):
        response = log_in(client, f"guess{number}@example.org", "not-the-password")
        assert WRONG_CREDENTIALS in response.content.decode()


def test_directly_the_forwarded_header_is_ignored(cast: Any) -> None:
    exhaust_address_limit(Client(REMOTE_ADDR=ALICE, headers={"x-forwarded-for": BOB}))

    # Claiming to be someone else does not open a new bucket.
    spoofing = Client(REMOTE_ADDR=ALICE, headers={"x-forwarded-for": "192.0.2.99"})
    response = log_in(spoofing, "student@example.org")

    assert LOCKED_OUT in response.content.decode()
    assert not logged_in_user(spoofing).is_authenticated


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_clients_have_their_own_buckets(cast: Any) -> None:
    exhaust_address_limit(behind_proxy(ALICE))

    alice = behind_proxy(ALICE)
    assert LOCKED_OUT in log_in(alice, "student@example.org").content.decode()
    bob = behind_proxy(BOB)
    response = log_in(bob, "student@example.org")
    assert response.status_code == 302
    assert logged_in_user(bob) == cast.student


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_what_the_client_writes_is_not_trusted(cast: Any) -> None:
    exhaust_address_limit(behind_proxy(ALICE))

    # Alice writes Bob's address herself; the proxy appends hers, which counts.
    spoofing = behind_proxy(f"{BOB}, {ALICE}")
    response = log_in(spoofing, "student@example.org")

    assert LOCKED_OUT in response.content.decode()


@override_settings(ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP")
def test_a_header_set_by_the_proxy(cast: Any) -> None:
    exhaust_address_limit(Client(REMOTE_ADDR=PROXY, headers={"x-real-ip": ALICE}))

    bob = Client(REMOTE_ADDR=PROXY, headers={"x-real-ip": BOB, "x-forwarded-for": ALICE})
    response = log_in(bob, "student@example.org")

    assert response.status_code == 302


def test_the_security_log_sees_the_same_address(rf: Any) -> None:
    direct = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ALICE)
    other = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=BOB)
    assert client_address(direct) == PROXY
    assert client_reference(direct) == client_reference(other)

    with override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1):
        assert client_address(direct) == ALICE
        assert client_reference(direct) != client_reference(other)
        spoofed = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{BOB}, {ALICE}")
        assert client_reference(spoofed) == client_reference(direct)
        # Fewer entries than proxies: the address cannot be told, and nothing breaks.
        with override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2):
            assert client_address(direct) == ""


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, (0, None)),
        ({"ULVO_TRUSTED_PROXY_COUNT": "1"}, (1, None)),
        ({"ULVO_CLIENT_IP_HEADER": "X-Real-IP"}, (0, "X-Real-IP")),
    ],
)
def test_the_environment_configures_allauth(
    variables: dict[str, str], expected: tuple[int, str | None]
) -> None:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER]))"
    )
    result = run(["-c", code], variables)
    assert result.returncode == 0, result.stderr
    assert tuple(json.loads(result.stdout)) == expected


@pytest.mark.parametrize(
    "variables",
    [
        {"ULVO_TRUSTED_PROXY_COUNT": "one"},
        {"ULVO_TRUSTED_PROXY_COUNT": "-1"},
        {"ULVO_TRUSTED_PROXY_COUNT": "1", "ULVO_CLIENT_IP_HEADER": "X-Real-IP"},
    ],
)
def test_a_wrong_proxy_setting_refuses_to_start(variables: dict[str, str]) -> None:
    result = run(["manage.py", "check"], variables)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


@pytest.mark.parametrize(
    "proxy",
    [{"ULVO_TRUSTED_PROXY_COUNT": "1"}, {"ULVO_CLIENT_IP_HEADER": "X-Real-IP"}],
    ids=["proxy-count", "client-ip-header"],
)
def test_production_behind_a_proxy_passes_the_deploy_check(proxy: dict[str, str]) -> None:
    env = {key: value for key, value in PRODUCTION_ENV.items() if not key.startswith("ULVO_")}

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], {**env, **proxy})

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_the_client_address_fails_the_deploy_check() -> None:
    env = {key: value for key, value in PRODUCTION_ENV.items() if not key.startswith("ULVO_")}

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode != 0
    assert "ulvo.W001" in result.stdout + result.stderr
