from collections.abc import Callable

from django.contrib.messages import get_messages
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
    """Deliver Django messages with htmx responses, as an out-of-band swap.

    A full page shows messages through the base template; an htmx fragment
    would otherwise leave them waiting for the next full page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: AnyRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not getattr(request, "htmx", False)
            or "HX-Redirect" in response
            or "HX-Location" in response
            or 300 <= response.status_code < 400
            or response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        storage = get_messages(request)
        if not storage:
            return response
        response.write(
            render_to_string(
                "includes/messages.html", {"messages": storage, "oob": True}, request=request
            )
        )
        return response
