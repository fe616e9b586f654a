"""Steps shared by the knowledge-base tests, built through the real services."""

from typing import Any

from knowledge.models import Entry, EntryKind, EntryStatus
from knowledge.services import (
    contributor_consent,
    entry_make_public,
    entry_save,
    entry_step,
)

LIVING_ROOM = "De huiskamer in de school"


def draft(cast: Any, *, title: str = LIVING_ROOM, **fields: Any) -> Entry:
    """A good practice the school trainer (core team) writes with the student."""
    existing = Entry.objects.filter(environment=cast.environment, title=title).first()
    if existing is not None:
        return existing
    fields.setdefault("kind", EntryKind.GOOD_PRACTICE)
    fields.setdefault("summary", "Een rustige plek waar leerlingen even op adem komen.")
    fields.setdefault("body", "## Wat we deden\n\nEen **huiskamer** met banken en thee.")
    return entry_save(
        entry=Entry(environment=cast.environment, title=title, **fields),
        author=cast.supervisor,
        contributors=[cast.student],
    )


def in_review(cast: Any, **fields: Any) -> Entry:
    entry = draft(cast, **fields)
    if entry.status == EntryStatus.DRAFT:
        entry = entry_step(entry=entry, step="submit", by=cast.supervisor)
    return entry


def published(cast: Any, **fields: Any) -> Entry:
    entry = in_review(cast, **fields)
    if entry.status == EntryStatus.IN_REVIEW:
        entry = entry_step(entry=entry, step="publish", by=cast.coordinator)
    return entry


def consented(cast: Any, **fields: Any) -> Entry:
    entry = published(cast, **fields)
    for contributor in entry.contributors.all():
        contributor_consent(contributor=contributor)
    return Entry.objects.get(pk=entry.pk)


def public(cast: Any, **fields: Any) -> Entry:
    entry = consented(cast, **fields)
    if not entry.is_public:
        entry = entry_make_public(entry=entry, by=cast.coordinator)
    return entry
