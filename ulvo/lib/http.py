from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class AuthedRequest(HttpRequest):
    """A request that went through login (LoginRequiredMiddleware) and htmx."""

    user: User
    htmx: HtmxDetails


class AnyRequest(HttpRequest):
    htmx: HtmxDetails
