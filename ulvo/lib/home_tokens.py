"""The tokens that key the supervisors' cached home pages, and forgetting them.

A supervisor's page is kept under a key made of two tokens (the page itself is
supervision/home_cache.py):

- the supervisor's own token, forgotten whenever something on their page may
  change: their own assignments, memberships, core-team seats and meeting notes,
  and anything about one of their students (:func:`home_forget_students`);
- a global token, forgotten when programmes or environments change (names and
  domains are on every page): :func:`home_forget_everyone`.

A forgotten token is replaced by a new random one, so the old page can no longer be
reached: there is nothing to find and delete. Tokens are forgotten after the change
commits, and a reader sets a missing token *before* it reads the database
(:func:`home_tokens`), so a page built from data older than a change is never stored
under a token that outlives it.

The functions live this low so that every service that changes what a page shows can
say so in its body, whatever its layer. Which supervisors' pages show a student is
known higher up (the placements and their supervision): the supervision app hands
that look-up down when the apps are ready (:func:`home_students_lookup`), and with it
what to do once a supervisor's page is forgotten (:func:`home_refresh_with`: queue a
task that builds it again, so the next visit does not wait for the database).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction

TOKEN_SECONDS = 7 * 24 * 3600
GLOBAL_TOKEN = "ulvo:home:v1:all"

# Student ids → the ids of the supervisors whose home pages show them.
SupervisorsOf = Callable[[set[int]], Iterable[int]]
_supervisors_of: SupervisorsOf | None = None
# Supervisor ids whose pages were just forgotten → build them again (or not).
Refresh = Callable[[set[int]], None]
_refresh: Refresh | None = None


def supervisor_token(user_id: int) -> str:
    """The cache key of a supervisor's token."""
    return f"ulvo:home:v1:sup:{user_id}"


def home_tokens(user_id: int) -> tuple[str, str]:
    """The supervisor's token and the global token, set first where missing (see the
    module's docstring: before the caller reads the database)."""
    keys = [supervisor_token(user_id), GLOBAL_TOKEN]
    tokens = cache.get_many(keys)
    missing = {key: secrets.token_hex(8) for key in keys if key not in tokens}
    if missing:
        cache.set_many(missing, TOKEN_SECONDS)
        tokens.update(missing)
    return tokens[keys[0]], tokens[GLOBAL_TOKEN]


def home_students_lookup(lookup: SupervisorsOf) -> None:
    """Declare who supervises whom (called once, when the apps are ready)."""
    global _supervisors_of
    _supervisors_of = lookup


def home_refresh_with(refresh: Refresh) -> None:
    """Declare what follows forgetting supervisors' pages (called once, when the apps
    are ready)."""
    global _refresh
    _refresh = refresh


def _forget(supervisors: set[int]) -> None:
    if supervisors:
        cache.delete_many([supervisor_token(pk) for pk in supervisors])
        if _refresh is not None:
            _refresh(supervisors)


def home_forget_supervisors(user_ids: Iterable[int | None]) -> None:
    """These supervisors' pages are out of date once the current transaction commits."""
    supervisors = {pk for pk in user_ids if pk is not None}
    if supervisors:
        transaction.on_commit(lambda: _forget(supervisors))


def home_forget_students(student_ids: Iterable[int | None]) -> None:
    """The pages of every supervisor of these students are out of date once the
    current transaction commits (their supervisors are looked up then)."""
    students = {pk for pk in student_ids if pk is not None}
    if not students:
        return
    lookup = _supervisors_of
    if lookup is None:
        raise RuntimeError("No look-up of the students' supervisors was declared.")

    transaction.on_commit(lambda: _forget(set(lookup(students))))


def home_forget_everyone() -> None:
    """Every supervisor's page is out of date once the current transaction commits."""
    transaction.on_commit(lambda: cache.delete(GLOBAL_TOKEN))
