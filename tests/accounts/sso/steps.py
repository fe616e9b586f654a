"""Signing in through the test provider with Django's test client: ULVO sends the
browser to the provider, the person signs in there (here with ``requests``), the
provider sends them back to ULVO's callback with a code."""

from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from tests.accounts.sso.provider import PROVIDER_PASSWORD, Provider


def at_provider(provider: Provider, username: str, authorize_url: str) -> str:
    """Sign in at the provider and follow the authorisation request: the callback URL."""
    browser = requests.Session()
    browser.get(f"{provider.url}/login/", timeout=10).raise_for_status()
    response = browser.post(
        f"{provider.url}/login/",
        data={
            "username": username,
            "password": PROVIDER_PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["oidc_provider_csrftoken"],
            "next": "/",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    return str(response.headers["Location"])


def start(client: Client, provider: Provider, **data: Any) -> str:
    """ULVO's side of starting: the authorisation request it redirects to."""
    response = client.post(reverse("openid_connect_login", args=[provider.id]), data)
    assert response.status_code == 302, response.content
    location = str(response["Location"])
    query = parse_qs(urlsplit(location).query)
    # Authorisation code with PKCE.
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    return location


def sign_in(client: Client, provider: Provider, username: str, **data: Any) -> HttpResponse:
    """The whole round trip; ULVO's answer to the callback."""
    callback = at_provider(provider, username, start(client, provider, **data))
    parts = urlsplit(callback)
    response: HttpResponse = client.get(f"{parts.path}?{parts.query}")
    return response


def finish(client: Client, callback: str) -> HttpResponse:
    parts = urlsplit(callback)
    response: HttpResponse = client.get(f"{parts.path}?{parts.query}")
    return response
