"""The supervisor's home page, kept in the cache per supervisor and language.

The page gathers per supervisee their placement, submitted weeks, reflections
waiting for a response, recent attendance and meeting notes: five queries over the
region's largest tables and a long list to render, on the page a supervisor opens
most. Rendered once (supervision/home.py, templates/supervision/home.html), the page
is kept by the template's ``{% cache %}`` under a key made of two tokens:

- the supervisor's token, forgotten whenever something on their page may change:
  their own assignments, memberships, core-team seats and meeting notes, and
  anything about one of their students (placement, weeks, reflections and the
  responses to them, attendance and the sessions attended, their name, their
  other supervisors);
- a global token, forgotten when programmes or environments change (names and
  domains are on every page).

A forgotten token is replaced by a new random one, so the old page can no longer be
reached: there is nothing to find and delete. Tokens are forgotten after the change
commits, and a reader sets a missing token *before* it reads the database, so a page
built from data older than a change is never stored under a token that outlives it.
``HOME_SECONDS`` bounds what time alone changes (a session that has just ended shows
among the recent sessions at most that late). The tokens, and forgetting them, are in
``ulvo.lib.home_tokens``: every service that changes what the page shows says so in
its body (``home_forget_students``, ``home_forget_supervisors``,
``home_forget_everyone``); changes made in the admin site, by ``ulvo.receivers``.

The page is personal: the key holds the supervisor's id, and the template keeps it per
browser session as well, since its forms carry a CSRF token made for the browser.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.cache import cache

from placements.models import SupervisionAssignment
from ulvo.lib.home_tokens import GLOBAL_TOKEN as _GLOBAL
from ulvo.lib.home_tokens import TOKEN_SECONDS as _TOKEN_SECONDS
from ulvo.lib.home_tokens import supervisor_token as _supervisor_key

HOME_SECONDS = 300
# Part of every page key; v1 kept HTML with a placeholder for the CSRF token.
_PAGE = "ulvo:home:v2:page"


def seconds() -> int:
    """How long a page is kept; 0 switches the cache off (the test settings do)."""
    return int(getattr(settings, "ULVO_SUPERVISOR_HOME_CACHE_SECONDS", HOME_SECONDS))


def page_key(user_id: int, language: str) -> str:
    """The current key of a supervisor's page in a language. Missing tokens are set
    here, before the caller reads the database (see the module's docstring)."""
    keys = [_supervisor_key(user_id), _GLOBAL]
    tokens = cache.get_many(keys)
    missing = {key: secrets.token_hex(8) for key in keys if key not in tokens}
    if missing:
        cache.set_many(missing, _TOKEN_SECONDS)
        tokens.update(missing)
    return f"{_PAGE}:{user_id}:{language}:{tokens[keys[0]]}:{tokens[_GLOBAL]}"


def supervisors_of(students: set[int]) -> set[int]:
    """Whose home pages show these students: their supervisors. Handed down to
    ``ulvo.lib.home_tokens`` when the apps are ready (``SupervisionConfig``), for
    ``home_forget_students``, which services of every layer call."""
    return set(
        SupervisionAssignment.objects.filter(
            placement__student_id__in=students, supervisor__isnull=False
        )
        .values_list("supervisor_id", flat=True)
        .distinct()
    )
