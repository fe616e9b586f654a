"""Searching the knowledge base: Dutch-aware full-text search on PostgreSQL.

The services store each entry's ``search_vector`` (title weighted A, summary B, body
C, the ``dutch`` configuration: stemming and Dutch stop words); a GIN index on it
(migration 0002) serves the match, ``ts_rank`` orders the hits. SQLite, the
development fallback, matches each word with ``icontains`` on the three texts.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import CombinedExpression

CONFIG = "dutch"
MAX_QUERY = 200


def search_vector() -> CombinedExpression:
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("summary", weight="B", config=CONFIG)
        + SearchVector("body", weight="C", config=CONFIG)
    )


def search[QS: QuerySet](entries: QS, text: str) -> QS:
    """``entries`` matching ``text`` (web-search syntax: words, "a phrase", -not), the
    best first."""
    text = text.strip()[:MAX_QUERY]
    if not text:
        return entries
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config=CONFIG, search_type="websearch")
        return (
            entries.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-pk")
        )
    for word in text.split():
        entries = entries.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    return entries
