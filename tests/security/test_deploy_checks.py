"""The project's deploy checks (ulvo/checks.py): each passes with the real settings and
fires when the setting it guards is broken. The full ``check --deploy`` in production
mode is tests/test_settings.py::test_production_passes_the_deploy_check_without_silenced_checks.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.checks import Tags
from django.core.checks.registry import registry
from django.test import override_settings
from django.utils.csp import CSP

from ulvo import checks

PROJECT_CHECKS = [
    checks.check_sessions_in_database,
    checks.check_rate_limits,
    checks.check_content_security_policy,
    checks.check_session_timeouts,
    checks.check_security_middleware,
    checks.check_client_address,
]


def ids(check: Any) -> list[str]:
    return [message.id for message in check(None)]


def test_checks_are_registered_as_deploy_checks() -> None:
    deploy = registry.get_checks(include_deployment_checks=True)
    ordinary = registry.get_checks(include_deployment_checks=False)
    for check in PROJECT_CHECKS:
        assert check in deploy
        assert check not in ordinary
        assert Tags.security in check.tags


@pytest.mark.parametrize("check", PROJECT_CHECKS, ids=lambda check: check.__name__)
def test_the_real_settings_pass(check: Any) -> None:
    assert check(None) == []


@pytest.mark.parametrize(
    "engine",
    [
        "django.contrib.sessions.backends.cache",
        "django.contrib.sessions.backends.signed_cookies",
        "django.contrib.sessions.backends.file",
    ],
)
def test_sessions_outside_the_database_fire(engine: str) -> None:
    with override_settings(SESSION_ENGINE=engine):
        assert ids(checks.check_sessions_in_database) == ["ulvo.E001"]
    with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cached_db"):
        assert ids(checks.check_sessions_in_database) == []


@pytest.mark.parametrize(
    "limits",
    [
        pytest.param(False, id="switched-off"),
        pytest.param({}, id="empty"),
        pytest.param(
            {k: v for k, v in settings.ACCOUNT_RATE_LIMITS.items() if k != "login_failed"},
            id="no-login-failed",
        ),
        pytest.param({**settings.ACCOUNT_RATE_LIMITS, "login": None}, id="login-none"),
    ],
)
def test_missing_rate_limits_fire(limits: Any) -> None:
    with override_settings(ACCOUNT_RATE_LIMITS=limits):
        assert ids(checks.check_rate_limits) == ["ulvo.E002"]


def test_disabled_rate_limits_fire() -> None:
    with override_settings(ACCOUNT_RATE_LIMITS_ENABLED=False):
        assert ids(checks.check_rate_limits) == ["ulvo.E002"]


def weakened(directive: str, sources: list[str] | None) -> dict[str, Any]:
    policy = {key: list(value) for key, value in settings.SECURE_CSP.items()}
    if sources is None:
        policy.pop(directive)
    else:
        policy[directive] = sources
    return policy


@pytest.mark.parametrize(
    "policy",
    [
        pytest.param({}, id="none"),
        pytest.param(weakened("script-src", [CSP.SELF]), id="no-nonce"),
        pytest.param(
            weakened("script-src", [CSP.SELF, CSP.NONCE, CSP.UNSAFE_INLINE]), id="unsafe-inline"
        ),
        pytest.param(
            weakened("script-src", [CSP.SELF, CSP.NONCE, CSP.UNSAFE_EVAL]), id="unsafe-eval"
        ),
        pytest.param(weakened("style-src", [CSP.SELF, CSP.UNSAFE_INLINE]), id="inline-styles"),
        pytest.param(weakened("frame-ancestors", [CSP.SELF]), id="framable"),
        pytest.param(weakened("frame-ancestors", None), id="no-frame-ancestors"),
        pytest.param(weakened("object-src", None), id="no-object-src"),
        pytest.param(weakened("img-src", ["*"]), id="wildcard"),
    ],
)
def test_weak_content_security_policy_fires(policy: dict[str, Any]) -> None:
    with override_settings(SECURE_CSP=policy):
        assert ids(checks.check_content_security_policy) == ["ulvo.E003"]


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"ULVO_SESSION_IDLE_TIMEOUT": timedelta(hours=1)}, id="idle-too-long"),
        pytest.param({"ULVO_SESSION_IDLE_TIMEOUT": timedelta(0)}, id="idle-zero"),
        pytest.param({"ULVO_SESSION_IDLE_TIMEOUT": 1800}, id="idle-not-a-timedelta"),
        pytest.param({"ULVO_SESSION_MAX_AGE": timedelta(days=14)}, id="absolute-too-long"),
        pytest.param({"SESSION_COOKIE_AGE": 14 * 24 * 3600}, id="cookie-outlives"),
        pytest.param({"ACCOUNT_SESSION_REMEMBER": True}, id="remember-me"),
        pytest.param({"ACCOUNT_SESSION_REMEMBER": None}, id="remember-me-asked"),
    ],
)
def test_unsafe_session_timeouts_fire(overrides: dict[str, Any]) -> None:
    with override_settings(**overrides):
        assert ids(checks.check_session_timeouts) == ["ulvo.E004"]


def test_missing_timeout_setting_fires() -> None:
    with override_settings():
        del settings.ULVO_SESSION_MAX_AGE
        assert ids(checks.check_session_timeouts) == ["ulvo.E004"]


@pytest.mark.parametrize("middleware", checks.REQUIRED_MIDDLEWARE)
def test_missing_security_middleware_fires(middleware: str) -> None:
    with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != middleware]):
        assert ids(checks.check_security_middleware) == ["ulvo.E005"]


BEHIND_PROXY = ("HTTP_X_FORWARDED_PROTO", "https")


def test_a_proxy_without_the_client_address_fires() -> None:
    with override_settings(
        SECURE_PROXY_SSL_HEADER=BEHIND_PROXY,
        ALLAUTH_TRUSTED_PROXY_COUNT=0,
        ALLAUTH_TRUSTED_CLIENT_IP_HEADER=None,
    ):
        assert ids(checks.check_client_address) == ["ulvo.W001"]


@pytest.mark.parametrize(
    "told",
    [{"ALLAUTH_TRUSTED_PROXY_COUNT": 1}, {"ALLAUTH_TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}],
    ids=["proxy-count", "client-ip-header"],
)
def test_a_proxy_with_the_client_address_passes(told: dict[str, Any]) -> None:
    with override_settings(SECURE_PROXY_SSL_HEADER=BEHIND_PROXY, **told):
        assert ids(checks.check_client_address) == []
