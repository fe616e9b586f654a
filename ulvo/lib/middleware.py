from collections.abc import Callable

from django.contrib.messages import get_messages
from django.contrib.messages.storage.base import BaseStorage
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from ulvo.lib.http import AnyRequest


class NoStoreForAuthenticatedMiddleware:
    """Pages shown to a logged-in user must not stay in a shared or browser cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class HtmxMessagesMiddleware:
    """The one way Django messages reach the page after an htmx request: appended to
    the response as an out-of-band swap of ``#messages`` (``includes/messages.html``).

    A full page shows its messages through the base template; a fragment would leave
    them waiting for the next full page, where they would tell of a change long done.
    Templates therefore never include the messages out of band themselves.

    Messages belong to the response that caused them: every swap the user caused
    replaces ``#messages``, with its own messages or with none, so a green "saved"
    never stays above the next error. Requests the page makes by itself (polling a
    progress bar, autosaving a draft, a read receipt on load) say so with the header
    ``X-Ulvo-Background`` and leave ``#messages`` and the queue alone.

    Messages stay queued, for the next page that shows them, when htmx does not swap
    the response in (see ``htmx-config`` in ``base.html``): a redirect, one of htmx's
    own navigations (``HX-Redirect``, ``HX-Location``, ``HX-Refresh``), 204, or an
    error other than 422. Messages the response has shown already (a full page asked
    for by htmx) are not added a second time.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: AnyRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not getattr(request, "htmx", False)
            or BACKGROUND_HEADER in request.headers
            or not _swapped_by_htmx(response)
        ):
            return response
        storage = get_messages(request)
        if not isinstance(storage, BaseStorage) or storage.used:
            return response
        response.write(
            render_to_string(
                "includes/messages.html", {"messages": storage, "oob": True}, request=request
            )
        )
        return response


# Sent by the page's own requests (data-hx-headers on the polling, autosaving and
# read-receipt elements): they are no user's action, so they change no message.
BACKGROUND_HEADER = "X-Ulvo-Background"

# Response headers with which htmx leaves the page instead of swapping the response.
HTMX_NAVIGATES = ("HX-Redirect", "HX-Location", "HX-Refresh")


def _swapped_by_htmx(response: HttpResponse) -> bool:
    """Whether htmx puts this response into the page, out-of-band parts included; the
    statuses follow ``responseHandling`` in ``base.html``."""
    status = response.status_code
    return (
        ((200 <= status < 300 and status != 204) or status == 422)
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not any(header in response for header in HTMX_NAVIGATES)
    )
