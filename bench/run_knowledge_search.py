"""Benchmark of the knowledge base's search (knowledge.search) at 10,000 entries.

    .venv/bin/python bench/run_knowledge_search.py [--entries 10000] [--runs 30] [--no-write]

Creates a PostgreSQL database (``DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/ulvo_bench_knowledge``; its name must contain
"bench": it is dropped and created), migrates it, and seeds one region of five
environments with ``--entries`` published entries of Dutch text (title, summary of
two sentences, a body of about 250 words, two or three tags each) through bulk
inserts and one UPDATE of the search vectors, as the services store them. Then
times, in-process, the query the knowledge base's list runs for a member of the
region: the search (``@@`` on the GIN index, ``ts_rank`` ordering), the first 50
hits with their environment and tags, for a set of queries (single words, stems
that match inflected forms, two words, a phrase, a word with a tag filter, a word
matching nearly everything, a word matching nothing). Reports min / median / p95 in
milliseconds per query against the 100 ms budget and writes
bench/results/knowledge-search-<UTC date>.json.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import Database, machine_info, write_results  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ulvo_bench_knowledge"
BUDGET_MS = 100.0
SEED = 20261207
LIMIT = 50

# Common words: in nearly every text (the worst case for ranking).
WORDS = [
    "leerlingen",
    "kinderen",
    "school",
    "wijk",
    "buurt",
    "pauze",
    "plein",
    "klas",
    "groep",
    "ouders",
    "studenten",
    "opleiding",
    "stage",
    "praktijkopleider",
    "leerkracht",
    "jongerenwerk",
    "sociaal",
    "werk",
    "pedagogisch",
    "educatief",
    "samenwerken",
    "rust",
    "spel",
    "sport",
    "bewegen",
    "muziek",
    "lezen",
    "rekenen",
    "taal",
    "gesprek",
    "vragen",
    "begeleiding",
    "kennismaking",
    "ontmoeting",
    "project",
    "activiteit",
    "middag",
    "ochtend",
    "week",
    "jaar",
    "team",
    "interdisciplinair",
    "reflectie",
    "leren",
    "ontwikkelen",
    "ervaren",
    "plannen",
    "organiseren",
    "natuur",
    "koken",
    "theater",
    "dans",
    "kunst",
    "verhalen",
    "vertrouwen",
    "veiligheid",
    "aandacht",
    "zorg",
    "welbevinden",
    "talent",
    "nieuwsgierig",
    "samen",
]
TITLE_NOUNS = [
    "huiskamer",
    "steunuur",
    "moestuin",
    "leesclub",
    "pleinspel",
    "kookmiddag",
    "buurtwandeling",
    "theaterweek",
    "muziekochtend",
    "ouderkoffie",
    "talentenjacht",
    "natuurles",
]
# Rarer words, made of two parts: each text has a few, as real texts have their own
# subject (about 2,500 of them).
PARTS = [
    "speel",
    "lees",
    "kook",
    "buurt",
    "school",
    "ouder",
    "sport",
    "natuur",
    "kunst",
    "muziek",
    "taal",
    "reken",
    "dans",
    "tuin",
    "zorg",
    "wijk",
    "klas",
    "plein",
    "spel",
    "verhaal",
    "doe",
    "praat",
    "denk",
    "werk",
    "kring",
    "hoek",
    "tafel",
    "kamer",
    "middag",
    "uur",
    "club",
    "les",
    "feest",
    "markt",
    "route",
    "kaart",
    "box",
    "lab",
    "atelier",
    "podium",
    "plan",
    "boek",
    "film",
    "foto",
    "lied",
    "bank",
    "kist",
    "pad",
    "veld",
    "bos",
]
TOPICS = [a + b for a in PARTS for b in PARTS if a != b]

QUERIES: list[tuple[str, str, bool]] = [
    ("one word", "huiskamer", False),
    ("plural finds singular", "huiskamers", False),
    ("rarer word", "speeltuin", False),
    ("two words", "moestuin ouders", False),
    ("phrase", '"sociaal werk"', False),
    ("word with a tag filter", "leesclub", True),
    ("matches nearly all", "leerlingen", False),
    ("matches nothing", "ruimtevaart", False),
]


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def seed(entries: int) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from environments.models import LearningEnvironment, Region
    from knowledge.models import Entry, EntryKind, EntryStatus, Tag
    from knowledge.search import search_vector

    rng = random.Random(SEED)
    region = Region.objects.create(name="Utrecht")
    environments = [
        LearningEnvironment.objects.create(
            region=region, name=f"Leeromgeving {n}", school_year="2026-2027"
        )
        for n in range(5)
    ]
    now = timezone.now()
    kinds = list(EntryKind)
    rows = []
    for n in range(entries):
        topics = rng.sample(TOPICS, 4)
        body = "\n\n".join(
            f"{sentence(rng, rng.randint(15, 30))} {rng.choice(topics).capitalize()}."
            for _ in range(10)
        )
        rows.append(
            Entry(
                environment=rng.choice(environments),
                kind=rng.choice(kinds),
                title=f"De {rng.choice(TITLE_NOUNS)} van {rng.choice(WORDS)} ({n})",
                summary=f"{sentence(rng, 14)} Over {topics[0]} en {topics[1]}.",
                body=body,
                body_html=body,
                status=EntryStatus.PUBLISHED,
                published_at=now,
            )
        )
    Entry.objects.bulk_create(rows, batch_size=1000)
    tags = list(Tag.objects.all())
    through = Entry.tags.through
    links = [
        through(entry_id=pk, tag_id=tag.pk)
        for pk in Entry.objects.values_list("pk", flat=True)
        for tag in rng.sample(tags, rng.randint(2, 3))
    ]
    through.objects.bulk_create(links, batch_size=5000)
    Entry.objects.update(search_vector=search_vector())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return {"region": region.pk, "tag": Tag.objects.get(name="op het plein").pk}


def run_query(region_id: int, text: str, tag_id: int | None) -> int:
    from knowledge.models import Entry, EntryStatus
    from knowledge.search import search
    from knowledge.views import LIST_DEFER

    entries = Entry.objects.filter(status=EntryStatus.PUBLISHED, environment__region_id=region_id)
    if tag_id is not None:
        entries = entries.filter(tags=tag_id)
    rows = list(
        search(entries, text)
        .defer(*LIST_DEFER)
        .select_related("environment")
        .prefetch_related("tags")[:LIMIT]
    )
    return len(rows)


def explain(region_id: int, text: str) -> str:
    from knowledge.models import Entry, EntryStatus
    from knowledge.search import search

    entries = Entry.objects.filter(status=EntryStatus.PUBLISHED, environment__region_id=region_id)
    return search(entries, text)[:LIMIT].explain()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    database = Database.from_url(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    database.recreate()
    os.environ["DATABASE_URL"] = database.url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ulvo.settings")
    os.environ.pop("REDIS_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    try:
        started = time.perf_counter()
        ids = seed(args.entries)
        seeded_s = time.perf_counter() - started
        print(f"seeded {args.entries} entries in {seeded_s:.1f} s")
        results = []
        for label, text, with_tag in QUERIES:
            tag = ids["tag"] if with_tag else None
            hits = 0
            for _ in range(3):
                hits = run_query(ids["region"], text, tag)
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                run_query(ids["region"], text, tag)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            figures = {
                "query": label,
                "text": text,
                "tag_filter": with_tag,
                "rows": hits,
                "min_ms": round(times[0], 2),
                "median_ms": round(statistics.median(times), 2),
                "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 2),
            }
            results.append(figures)
            verdict = "ok" if figures["p95_ms"] < BUDGET_MS else "OVER BUDGET"
            print(
                f"{label:28} {hits:3} rows  min {figures['min_ms']:7.2f}  "
                f"median {figures['median_ms']:7.2f}  p95 {figures['p95_ms']:7.2f} ms  {verdict}"
            )
        plan = explain(ids["region"], "huiskamer")
        print(plan)
        payload = {
            "benchmark": "knowledge-search",
            "entries": args.entries,
            "runs": args.runs,
            "budget_ms": BUDGET_MS,
            "seed_seconds": round(seeded_s, 1),
            "queries": results,
            "plan_one_word": plan.splitlines(),
            "machine": machine_info(database),
        }
        if not args.no_write:
            print(f"written to {write_results('knowledge-search', payload)}")
    finally:
        from django.db import connections

        connections.close_all()
        database.drop()


if __name__ == "__main__":
    main()
