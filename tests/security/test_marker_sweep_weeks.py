"""The marker sweep for a week's conversation: what the student and the supervisor who
signs off write to each other about a week (a request to reopen it and its reason, a
refusal, a return comment) reaches only the two of them.

Like tests/security/test_marker_sweep.py: markers seeded through the services, then
every role requests every GET page of the authorisation matrix and the week's own
pages, and no response shows a marker to anyone else.
"""

import datetime
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from placements.models import week_start
from placements.services import (
    activity_create,
    week_approve,
    week_reopen_decline,
    week_reopen_request,
    week_return,
    week_submit,
)
from tests.security.matrix import ROLES
from tests.security.test_authorisation_matrix import CASES

READERS = {"student", "supervisor"}
MARKERS = {
    "return": "zqx-WEEK-RETURN-marker-4410",
    "asked": "zqx-WEEK-ASKED-marker-4410",
    "declined": "zqx-WEEK-DECLINED-marker-4410",
    "pending": "zqx-WEEK-PENDING-marker-4410",
}


def seed(cast: Any) -> Any:
    """A week two weeks ago: returned, submitted again, approved, asked to reopen,
    declined, and asked again (waiting)."""
    start = week_start(timezone.localdate()) - datetime.timedelta(days=14)
    activity_create(
        placement=cast.placement,
        date=start,
        minutes=60,
        setting="school",
        kind="classroom",
        disciplines=[],
        description="Kringgesprek.",
    )
    week = week_submit(placement=cast.placement, start=start, student=cast.student)
    week_return(week=week, reviewer=cast.supervisor, comment=MARKERS["return"])
    week_submit(placement=cast.placement, start=start, student=cast.student)
    week_approve(week=week, reviewer=cast.supervisor)
    week_reopen_request(week=week, student=cast.student, reason=MARKERS["asked"])
    week_reopen_decline(week=week, reviewer=cast.supervisor, comment=MARKERS["declined"])
    return week_reopen_request(week=week, student=cast.student, reason=MARKERS["pending"])


def test_a_weeks_conversation_reaches_only_the_student_and_the_supervisor(cast: Any) -> None:
    week = seed(cast)
    clients = {role: Client() for role in ROLES}
    for role, client in clients.items():
        if role != "anonymous":
            client.force_login(getattr(cast, role))
    leaks: list[str] = []
    seen: dict[str, set[str]] = {marker: set() for marker in MARKERS.values()}

    def sweep(url: str) -> None:
        for role, client in clients.items():
            response = client.get(url)
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            text = content.decode(errors="replace")
            for marker in MARKERS.values():
                if marker in text:
                    seen[marker].add(role)
                    if role not in READERS:
                        leaks.append(f"{marker} shown to {role} at {url}")

    detail = reverse("placements:detail", args=[cast.placement.pk])
    for url in (
        f"{detail}?week={week.start.isoformat()}",
        reverse("placements:week_review", args=[week.pk]),
        reverse("placements:overview", args=[cast.placement.pk]),
    ):
        sweep(url)
    for case in CASES:
        if case.method != "get":
            continue
        cast.setup_result = case.setup(cast) if case.setup else None
        sweep(reverse(case.url_name, args=case.args(cast)))

    assert not leaks, "\n".join(leaks)
    # The sweep can fail: both readers found every marker.
    for marker, roles in seen.items():
        assert roles == READERS, (marker, roles)
