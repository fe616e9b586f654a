"""Single sign-on providers (OpenID Connect) read from the environment.

``ULVO_OIDC_PROVIDERS`` holds a JSON list with one object per provider; none by
default. Each object has:

- ``id``: short name in the URLs (lowercase letters, digits, ``-``), e.g. ``surfconext``;
- ``name``: what the button on the login page says, e.g. ``SURFconext``;
- ``server_url``: the issuer; ``/.well-known/openid-configuration`` is appended
  unless the URL already names a ``/.well-known/`` document;
- ``client_id`` and ``secret``: as registered with the provider;
- optionally ``scope`` (a list; default ``openid profile email``), and ``mfa_acr``
  and ``mfa_amr``: the ``acr`` values, or ``amr`` methods, by which the provider
  asserts that the person used a second factor (coordinators and staff then need no
  TOTP in ULVO for that session).

This module is read by ``ulvo/settings.py`` before Django is set up, so it imports
nothing from Django but its exception.
"""

import json
import re
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

REQUIRED = ("id", "name", "server_url", "client_id", "secret")
OPTIONAL = ("scope", "mfa_acr", "mfa_amr")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def _strings(provider_id: str, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ImproperlyConfigured(
            f"ULVO_OIDC_PROVIDERS: '{key}' of '{provider_id}' must be a list of strings."
        )
    return list(value)


def oidc_apps(raw: str, *, production: bool) -> list[dict[str, Any]]:
    """allauth's ``APPS`` entries of its ``openid_connect`` provider for ``raw``."""
    if not raw.strip():
        return []
    try:
        entries = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"ULVO_OIDC_PROVIDERS is not valid JSON: {error}") from None
    if not isinstance(entries, list):
        raise ImproperlyConfigured("ULVO_OIDC_PROVIDERS must be a JSON list of objects.")
    apps: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict):
            raise ImproperlyConfigured("ULVO_OIDC_PROVIDERS must be a JSON list of objects.")
        missing = [key for key in REQUIRED if not isinstance(entry.get(key), str) or not entry[key]]
        if missing:
            raise ImproperlyConfigured(
                "ULVO_OIDC_PROVIDERS: a provider lacks " + ", ".join(missing) + "."
            )
        unknown = set(entry) - set(REQUIRED) - set(OPTIONAL)
        if unknown:
            raise ImproperlyConfigured(
                "ULVO_OIDC_PROVIDERS: unknown keys " + ", ".join(sorted(unknown)) + "."
            )
        provider_id = entry["id"]
        if not _ID.match(provider_id) or provider_id in seen:
            raise ImproperlyConfigured(
                f"ULVO_OIDC_PROVIDERS: '{provider_id}' is not a unique id of lowercase "
                "letters, digits and '-'."
            )
        seen.add(provider_id)
        if production and not entry["server_url"].startswith("https://"):
            raise ImproperlyConfigured(
                f"ULVO_OIDC_PROVIDERS: the server_url of '{provider_id}' must use https."
            )
        app_settings: dict[str, Any] = {
            "server_url": entry["server_url"],
            # Authorisation code with PKCE, whatever the provider requires.
            "oauth_pkce_enabled": True,
            "mfa_acr": _strings(provider_id, "mfa_acr", entry.get("mfa_acr", [])),
            "mfa_amr": _strings(provider_id, "mfa_amr", entry.get("mfa_amr", [])),
        }
        if "scope" in entry:
            app_settings["scope"] = _strings(provider_id, "scope", entry["scope"])
        apps.append(
            {
                "provider_id": provider_id,
                "name": entry["name"],
                "client_id": entry["client_id"],
                "secret": entry["secret"],
                "settings": app_settings,
            }
        )
    return apps


def oidc_origins(apps: list[dict[str, Any]]) -> list[str]:
    """The providers' origins, which the Content Security Policy's ``form-action`` must
    allow: a login button's form is answered with a redirect to the provider, and
    browsers hold redirects after a form to that directive too."""
    origins: list[str] = []
    for app in apps:
        parts = urlsplit(app["settings"]["server_url"])
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in origins:
            origins.append(origin)
    return origins
