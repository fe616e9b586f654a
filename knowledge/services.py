"""Workflows of knowledge-base entries: writing, review, publication, consent.

Every change that can alter what the public pages show forgets the environment's
public cache in its own body (``public_forget``), so a withdrawn consent is gone from
the showcase at the next request.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from knowledge.markdown import render_markdown
from knowledge.models import Contributor, Entry, EntryStatus, Interest
from knowledge.search import search_vector

PUBLIC_CACHE_SECONDS = 300


class KnowledgeError(Exception):
    """A change refused; ``code`` says why (the views turn it into a message)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def public_cache_key(environment_id: int) -> str:
    return f"knowledge:showcase:{environment_id}"


def public_forget(*, environment_id: int) -> None:
    cache.delete(public_cache_key(environment_id))


def _locked(entry: Entry) -> Entry:
    return Entry.objects.select_for_update().get(pk=entry.pk)


def _index(entry: Entry) -> None:
    if connection.vendor == "postgresql":
        Entry.objects.filter(pk=entry.pk).update(search_vector=search_vector())


@transaction.atomic
def entry_save(
    *,
    entry: Entry,
    author: User,
    contributors: Iterable[User] = (),
) -> Entry:
    """Save what was written (a new entry by ``author``, or an edit of a draft or one
    in review): the body rendered and sanitised, the first writer and ``contributors``
    named, the
    search index brought up to date. A changed text needs everyone's consent again.

    Refused: editing a published entry (``published``: return it to draft first).
    """
    is_new = entry.pk is None
    if not is_new:
        stored = _locked(entry)
        if stored.status == EntryStatus.PUBLISHED:
            raise KnowledgeError("published")
        entry.status = stored.status
    else:
        entry.created_by = author
        entry.status = EntryStatus.DRAFT
    entry.body_html = render_markdown(entry.body)
    entry.is_public = False
    entry.save()
    # The first writer is always named; the others as chosen.
    wanted = {user.pk for user in contributors}
    if entry.created_by_id:
        wanted.add(entry.created_by_id)
    entry.contributors.exclude(user_id__in=wanted).delete()
    existing = set(entry.contributors.values_list("user_id", flat=True))
    Contributor.objects.bulk_create(
        Contributor(entry=entry, user_id=pk) for pk in sorted(wanted - existing)
    )
    if not is_new:
        entry.contributors.update(consented_at=None)
    _index(entry)
    return entry


@transaction.atomic
def entry_step(*, entry: Entry, step: str, by: User) -> Entry:
    """``submit`` (draft → in review), ``publish`` (in review → published in the
    region), ``return`` (in review or published → draft, off the public pages).

    Refused (``status``): a step from another status (someone went before, or the
    button was pressed twice).
    """
    sources = {
        "submit": (EntryStatus.DRAFT,),
        "publish": (EntryStatus.IN_REVIEW,),
        "return": (EntryStatus.IN_REVIEW, EntryStatus.PUBLISHED),
    }[step]
    locked = _locked(entry)
    if locked.status not in sources:
        raise KnowledgeError("status")
    if step == "submit":
        locked.status = EntryStatus.IN_REVIEW
    elif step == "publish":
        locked.status = EntryStatus.PUBLISHED
        locked.reviewed_by = by
        locked.published_at = timezone.now()
    else:
        locked.status = EntryStatus.DRAFT
        locked.is_public = False
        locked.public_at = None
        locked.privacy_confirmed_by = None
    locked.save()
    public_forget(environment_id=locked.environment_id)
    return locked


@transaction.atomic
def entry_make_public(*, entry: Entry, by: User) -> Entry:
    """Put a published entry on the public pages; ``by`` confirms that no pupil can
    be identified. Refused: not published (``status``), a contributor who has not
    consented (``consent``)."""
    locked = _locked(entry)
    if locked.status != EntryStatus.PUBLISHED:
        raise KnowledgeError("status")
    if locked.contributors.filter(consented_at__isnull=True).exists():
        raise KnowledgeError("consent")
    locked.is_public = True
    locked.public_at = timezone.now()
    locked.privacy_confirmed_by = by
    locked.save()
    public_forget(environment_id=locked.environment_id)
    return locked


@transaction.atomic
def entry_make_private(*, entry: Entry) -> Entry:
    locked = _locked(entry)
    locked.is_public = False
    locked.public_at = None
    locked.save()
    public_forget(environment_id=locked.environment_id)
    return locked


@transaction.atomic
def contributor_consent(*, contributor: Contributor) -> Contributor:
    _locked(contributor.entry)
    if contributor.consented_at is None:
        contributor.consented_at = timezone.now()
        contributor.save(update_fields=["consented_at"])
    return contributor


@transaction.atomic
def contributor_consent_withdraw(*, contributor: Contributor) -> Contributor:
    """Withdraw consent: the entry leaves the public pages at once."""
    entry = _locked(contributor.entry)
    contributor.consented_at = None
    contributor.save(update_fields=["consented_at"])
    if entry.is_public:
        entry.is_public = False
        entry.public_at = None
        entry.save(update_fields=["is_public", "public_at", "updated_at"])
    public_forget(environment_id=entry.environment_id)
    return contributor


def interest_send(*, interest: Interest) -> Interest:
    interest.save()
    return interest
