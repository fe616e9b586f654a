"""Structured security log lines on the logger ``ulvo.security``.

One JSON object per line: UTC time, event, outcome, the user's id (never an
e-mail address or name), the learning environment(s) concerned, the deployment
and, for requests, the view's URL name and a keyed hash of the client address
(enough to see that attempts come from one place, without storing the address).
The address is the one allauth's rate limits use: behind a proxy it is read from the
proxy's header as configured (ULVO_TRUSTED_PROXY_COUNT, ULVO_CLIENT_IP_HEADER).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import UTC
from typing import Any

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger("ulvo.security")


def client_address(request: HttpRequest) -> str:
    """The client's address as allauth's rate limits see it; "" when it cannot be told
    (none given, or fewer X-Forwarded-For entries than trusted proxies)."""
    try:
        return str(get_adapter(request).get_client_ip(request))
    except (ImproperlyConfigured, PermissionDenied):
        return ""


def client_reference(request: HttpRequest) -> str:
    address = client_address(request)
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"client:{address}".encode(), hashlib.sha256
    ).hexdigest()
    return digest[:16]


def _user_id(user: Any) -> int | None:
    if user is None:
        return None
    if isinstance(user, int):
        return user
    return user.pk if getattr(user, "is_authenticated", False) else None


def environments_of(user_id: int | None) -> list[int]:
    if user_id is None:
        return []
    from accounts.models import Membership

    return sorted(
        set(
            Membership.objects.filter(user_id=user_id, is_active=True).values_list(
                "environment_id", flat=True
            )
        )
    )


def security_event(
    event: str,
    *,
    outcome: str,
    request: HttpRequest | None = None,
    user: Any = None,
    environment: int | list[int] | None = None,
    level: int = logging.INFO,
    **fields: Any,
) -> dict[str, Any]:
    """Write one security log line and return what was written."""
    user_id = _user_id(user)
    if user_id is None and request is not None:
        user_id = _user_id(getattr(request, "user", None))
    record: dict[str, Any] = {
        "time": timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "event": event,
        "outcome": outcome,
        "user": user_id,
        "environment": environment,
        "deployment": settings.DJANGO_ENV,
    }
    if request is not None:
        match = getattr(request, "resolver_match", None)
        record["view"] = match.view_name if match else None
        record["method"] = request.method
        record["client"] = client_reference(request)
    record.update(fields)
    logger.log(level, json.dumps(record, default=str), extra={"security": record})
    return record
