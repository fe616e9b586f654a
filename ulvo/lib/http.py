from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class AnyRequest(HttpRequest):
    htmx: HtmxDetails


class AuthedRequest(AnyRequest):
    """A request that went through login (LoginRequiredMiddleware) and htmx."""

    user: User
