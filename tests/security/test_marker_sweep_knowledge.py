"""The marker sweep for the knowledge base (#18): a draft's title, summary and text
reach its contributors, the coordinators and the core team only; a published entry
the members of the region; a public entry anyone, with its contributors' names; the
names of an entry's contributors never reach anonymous visitors while one has not
consented; a prospective student's e-mail address the environment's coordinators
only."""

from typing import Any

from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from knowledge.models import Interest
from tests.knowledge.steps import consented, draft, public
from tests.security.matrix import ROLES
from tests.security.test_authorisation_matrix import CASES
from tests.security.test_marker_sweep import body

ANYONE = set(ROLES)
MEMBERS = ANYONE - {"anonymous"}
# The draft: written by the school trainer (core team) with the student.
DRAFT = {"student", "supervisor", "coordinator"}


def seed(cast: Any) -> tuple[dict[str, set[str]], list[str]]:
    allowed = {
        "zqk-DRAFT-marker-5513": DRAFT,
        "zqk-REGION-marker-5513": MEMBERS,
        "zqk-PUBLIC-marker-5513": ANYONE,
        "zqk-INTEREST-marker-5513": {"coordinator"},
    }
    waiting = draft(
        cast,
        title="Een concept",
        summary="Nog niet af. zqk-DRAFT-marker-5513",
        body="Tekst zqk-DRAFT-marker-5513",
    )
    region = consented(
        cast,
        title="In de regio",
        summary="Gepubliceerd, niet openbaar. zqk-REGION-marker-5513",
    )
    shown = public(
        cast,
        title="Openbaar",
        summary="Voor iedereen. zqk-PUBLIC-marker-5513",
        body="**zqk-PUBLIC-marker-5513**",
    )
    Interest.objects.create(
        environment=cast.environment,
        programme="Pabo",
        institute="Hogeschool Utrecht",
        study_year=1,
        email="zqk-INTEREST-marker-5513@example.org",
        consent=True,
    )
    cache.clear()
    urls = [
        reverse("knowledge:list"),
        reverse("knowledge:list") + "?q=zqk",
        reverse("knowledge:detail", args=[waiting.pk]),
        reverse("knowledge:detail", args=[region.pk]),
        reverse("knowledge:detail", args=[shown.pk]),
        reverse("knowledge:showcase", args=[cast.environment.pk]),
        reverse("knowledge:showcase", args=[cast.other_environment.pk]),
        reverse("knowledge:public_entry", args=[region.pk]),
        reverse("knowledge:public_entry", args=[shown.pk]),
        reverse("knowledge:interests", args=[cast.environment.pk]),
        reverse("knowledge:map"),
    ]
    return allowed, urls


def test_knowledge_markers_reach_only_their_readers(cast: Any) -> None:
    allowed, urls = seed(cast)
    clients = {role: Client() for role in ROLES}
    for role, client in clients.items():
        if role != "anonymous":
            client.force_login(getattr(cast, role))
    leaks: list[str] = []
    seen: dict[str, set[str]] = {marker: set() for marker in allowed}

    def sweep(url: str) -> None:
        for role, client in clients.items():
            text = body(client.get(url))
            for marker, readers in allowed.items():
                if marker in text:
                    seen[marker].add(role)
                    if role not in readers:
                        leaks.append(f"{marker} shown to {role} at {url}")
            # Names of people reach anonymous visitors only on a public entry.
            if role == "anonymous" and "publiek/kennisbank" not in url:
                for person in (cast.student, cast.supervisor, cast.coordinator):
                    if person.full_name in text:
                        leaks.append(f"{person.full_name} shown to anonymous at {url}")

    for url in urls:
        sweep(url)
    for case in CASES:
        if case.method != "get" or not case.url_name.startswith("knowledge:"):
            continue
        cast.setup_result = case.setup(cast) if case.setup else None
        sweep(reverse(case.url_name, args=case.args(cast)))

    assert not leaks, "\n".join(leaks)
    # The sweep saw every marker where it belongs (so it cannot pass by seeing none).
    assert seen == allowed, seen
