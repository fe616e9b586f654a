"""Session lifetime: 30 minutes idle, 12 hours at most, and the list of a user's sessions.

Django's session expiry (``SESSION_COOKIE_AGE``) already ends a session that sees
no request for the idle period; ``SessionTimeoutMiddleware`` also ends it after the
absolute lifetime, however busy, and checks the idle time itself so the two limits
hold whatever the session engine does. Receivers keep ``UserSession`` (one row per
signed-in session) in step with logins, logouts and password changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from allauth.account.signals import password_changed, password_reset, password_set
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from accounts.security_log import environments_of, security_event

AUTHENTICATED_AT = "ulvo_authenticated_at"
SEEN_AT = "ulvo_seen_at"
# Writing the session on every request costs a query; once a minute keeps the idle
# clock within a minute of the truth.
SEEN_RESOLUTION = 60


def _now() -> float:
    return timezone.now().timestamp()


class SessionTimeoutMiddleware:
    """Log out after ``ULVO_SESSION_IDLE_TIMEOUT`` idle or ``ULVO_SESSION_MAX_AGE`` in all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._expired(request, user)
        response = self.get_response(request)
        if request.headers.get("HX-Request") != "true" or response.status_code != 302:
            return response
        login = resolve_url(settings.LOGIN_URL)
        if response["Location"].startswith(login):
            # An ended session: an htmx request would swap the login page into the
            # fragment, so the whole page goes to the login instead.
            current = request.headers.get("HX-Current-URL", "")
            next_url = ""
            if url_has_allowed_host_and_scheme(current, {request.get_host()}):
                parts = urlsplit(current)
                next_url = parts.path + (f"?{parts.query}" if parts.query else "")
            location = f"{login}?{urlencode({'next': next_url})}" if next_url else login
            return HttpResponseClientRedirect(location)
        return response

    def _expired(self, request: HttpRequest, user: Any) -> bool:
        """Log the user out if either limit has passed; True when that happened."""
        session = request.session
        now = _now()
        started = session.get(AUTHENTICATED_AT)
        seen = session.get(SEEN_AT, started)
        if started is None or seen is None:
            # A session from before these limits: its clock starts now.
            session[AUTHENTICATED_AT] = session[SEEN_AT] = now
            return False
        idle = settings.ULVO_SESSION_IDLE_TIMEOUT.total_seconds()
        max_age = settings.ULVO_SESSION_MAX_AGE.total_seconds()
        reason = None
        if now - started > max_age:
            reason = "absolute"
        elif now - seen > idle:
            reason = "idle"
        if reason is not None:
            security_event(
                "session_expired",
                outcome="logged_out",
                request=request,
                user=user,
                environment=environments_of(user.pk),
                reason=reason,
            )
            logout(request)
            messages.info(request, _("Your session has ended. Please log in again."))
            return True
        if now - seen >= SEEN_RESOLUTION:
            session[SEEN_AT] = now
        return False


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    from accounts.services import user_session_start

    if request is None or not hasattr(request, "session"):
        return
    now = _now()
    request.session[AUTHENTICATED_AT] = now
    request.session[SEEN_AT] = now
    if request.session.session_key:
        user_session_start(
            user=user,
            session_key=request.session.session_key,
            user_agent=request.headers.get("user-agent", ""),
        )
    security_event(
        "login",
        outcome="success",
        request=request,
        user=user,
        environment=environments_of(user.pk),
    )


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    security_event(
        "logout",
        outcome="success",
        request=request,
        user=user,
        environment=environments_of(user.pk),
    )


def end_other_sessions(request: HttpRequest | None, user: Any, *, reason: str) -> int:
    """End the user's sessions other than the one of ``request``."""
    from accounts.services import user_sessions_end

    keep = None
    if request is not None and hasattr(request, "session"):
        keep = request.session.session_key
    ended = user_sessions_end(user=user, keep=keep)
    security_event(
        "sessions_ended",
        outcome="success",
        request=request,
        user=user,
        environment=environments_of(user.pk),
        reason=reason,
        count=ended,
    )
    return ended


def on_password_changed(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    from accounts.services import user_session_start

    security_event("password_change", outcome="success", request=request, user=user)
    end_other_sessions(request, user, reason="password_change")
    # When this session stays logged in, Django gave it a new key: list it again.
    if request.user.is_authenticated and request.session.session_key:
        user_session_start(
            user=user,
            session_key=request.session.session_key,
            user_agent=request.headers.get("user-agent", ""),
        )


def on_password_reset(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    security_event("password_reset", outcome="success", request=request, user=user)
    # Whoever asked for the reset is not logged in: every session of the account ends.
    end_other_sessions(None, user, reason="password_reset")


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="ulvo_session_logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="ulvo_session_logged_out")
    password_changed.connect(on_password_changed, dispatch_uid="ulvo_password_changed")
    password_set.connect(on_password_changed, dispatch_uid="ulvo_password_set")
    password_reset.connect(on_password_reset, dispatch_uid="ulvo_password_reset")
