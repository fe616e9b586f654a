"""Project-specific deployment checks (``manage.py check --deploy``).

Each guards a setting the platform's security rests on, so a change that weakens it
fails the deploy check instead of going unnoticed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.csp import CSP

DB_SESSION_ENGINES = {
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
}
MAX_IDLE = timedelta(minutes=30)
MAX_AGE = timedelta(hours=12)
REQUIRED_RATE_LIMITS = ("login", "login_failed", "reset_password", "reauthenticate")
REQUIRED_MIDDLEWARE = (
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "accounts.sessions.SessionTimeoutMiddleware",
    "accounts.middleware.SecurityLogMiddleware",
)


@register(Tags.security, deploy=True)
def check_sessions_in_database(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.SESSION_ENGINE not in DB_SESSION_ENGINES:
        return [
            Error(
                "Sessions must be stored in the database (SESSION_ENGINE db or cached_db).",
                hint="A cache-only store loses every session when Redis restarts, and the "
                "'active sessions' page and ending sessions need the database rows.",
                id="ulvo.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_rate_limits(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    limits = getattr(settings, "ACCOUNT_RATE_LIMITS", None)
    if not isinstance(limits, dict):
        missing = list(REQUIRED_RATE_LIMITS)
    else:
        missing = [action for action in REQUIRED_RATE_LIMITS if not limits.get(action)]
    if missing or not getattr(settings, "ACCOUNT_RATE_LIMITS_ENABLED", True):
        return [
            Error(
                "allauth's rate limits must be on for: " + ", ".join(REQUIRED_RATE_LIMITS) + ".",
                hint="Missing or switched off: " + (", ".join(missing) or "all") + ".",
                id="ulvo.E002",
            )
        ]
    return []


def _csp_problems() -> list[str]:
    policy = getattr(settings, "SECURE_CSP", None) or {}
    problems = []
    if not policy:
        return ["SECURE_CSP is not set"]
    scripts = list(policy.get("script-src", policy.get("default-src", [])))
    if CSP.NONCE not in scripts:
        problems.append("script-src has no nonce")
    for directive, sources in policy.items():
        unsafe = {CSP.UNSAFE_INLINE, CSP.UNSAFE_EVAL, "*"} & set(sources)
        if unsafe:
            problems.append(f"{directive} allows {', '.join(sorted(unsafe))}")
    if list(policy.get("frame-ancestors", [])) != [CSP.NONE]:
        problems.append("frame-ancestors is not 'none'")
    for directive in ("default-src", "object-src", "base-uri"):
        if directive not in policy:
            problems.append(f"{directive} is missing")
    return problems


@register(Tags.security, deploy=True)
def check_content_security_policy(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    problems = _csp_problems()
    if problems:
        return [
            Error(
                "The Content Security Policy is too weak: " + "; ".join(problems) + ".",
                hint="Scripts run only with the request's nonce; no 'unsafe-inline' or "
                "'unsafe-eval'; the site is never framed.",
                id="ulvo.E003",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_session_timeouts(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    idle = getattr(settings, "ULVO_SESSION_IDLE_TIMEOUT", None)
    max_age = getattr(settings, "ULVO_SESSION_MAX_AGE", None)
    problems = []
    if not isinstance(idle, timedelta) or not timedelta(0) < idle <= MAX_IDLE:
        problems.append("ULVO_SESSION_IDLE_TIMEOUT must be at most 30 minutes")
    if not isinstance(max_age, timedelta) or not timedelta(0) < max_age <= MAX_AGE:
        problems.append("ULVO_SESSION_MAX_AGE must be at most 12 hours")
    if isinstance(max_age, timedelta) and max_age.total_seconds() < settings.SESSION_COOKIE_AGE:
        problems.append("SESSION_COOKIE_AGE outlives ULVO_SESSION_MAX_AGE")
    if getattr(settings, "ACCOUNT_SESSION_REMEMBER", None) is not False:
        problems.append("ACCOUNT_SESSION_REMEMBER must be False")
    if problems:
        return [
            Error(
                "Session timeouts are not set safely: " + "; ".join(problems) + ".",
                id="ulvo.E004",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_client_address(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    behind_proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is not None
    told = bool(getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)) or bool(
        getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)
    )
    if behind_proxy and not told:
        return [
            Warning(
                "HTTPS is taken from a proxy's header, but the client's address is not: "
                "every client shares the proxy's rate limits and security-log address.",
                hint="Set ULVO_TRUSTED_PROXY_COUNT to the number of proxies that append to "
                "X-Forwarded-For, or ULVO_CLIENT_IP_HEADER to the header the proxy sets.",
                id="ulvo.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_security_middleware(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    missing = [name for name in REQUIRED_MIDDLEWARE if name not in settings.MIDDLEWARE]
    if missing:
        return [
            Error(
                "Security middleware is missing: " + ", ".join(missing) + ".",
                id="ulvo.E005",
            )
        ]
    return []
