from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from accounts.models import User


class AnyRequest(HttpRequest):
    htmx: HtmxDetails


class AuthedRequest(AnyRequest):
    """A request that went through login (LoginRequiredMiddleware) and htmx."""

    user: User


def safe_next(request: HttpRequest, default: str) -> str:
    """The request's ``next`` (form field, else query string) if it is a path on this
    site, else ``default``: the one place a ``next`` is read.

    Only a local path qualifies. ``redirect()`` reads a value without a slash as a URL
    name (``next=0`` raised NoReverseMatch after the change was saved, and
    ``next=account_logout`` was followed), and browsers read ``//host`` and
    ``/\\host`` as another site.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
