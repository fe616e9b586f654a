"""The marker sweep for unavailability: the reason someone gives (for a date or a weekly
block) reaches only them. Every role requests every GET page of the authorisation
matrix, the date finder over the days concerned and the management site, and no
response shows another's reason.

Like tests/security/test_marker_sweep.py: markers seeded through the services.
"""

import datetime
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from learning_networks.availability_services import unavailability_add
from learning_networks.models import Unavailability, UnavailabilityKind
from tests.accounts.factories import UserFactory
from tests.accounts.steps import activate_totp
from tests.security.matrix import ROLES
from tests.security.test_authorisation_matrix import CASES

MARKERS = {
    "zqx-UNAVAILABLE-DATE-marker-5120": "student",
    "zqx-UNAVAILABLE-WEEKLY-marker-5120": "student",
    "zqx-UNAVAILABLE-BYSTANDER-marker-5120": "bystander",
    "zqx-UNAVAILABLE-TRAINER-marker-5120": "supervisor",
}


def seed(cast: Any) -> datetime.date:
    """The markers as reasons; the first day they touch."""
    day = timezone.localdate() + datetime.timedelta(days=9)
    zone = timezone.get_current_timezone()
    for marker, owner in MARKERS.items():
        user = getattr(cast, owner)
        if "WEEKLY" in marker:
            unavailability = Unavailability(
                kind=UnavailabilityKind.WEEKLY, weekday=2, reason=marker
            )
        else:
            unavailability = Unavailability(
                starts_at=datetime.datetime.combine(day, datetime.time(9), tzinfo=zone),
                ends_at=datetime.datetime.combine(day, datetime.time(17), tzinfo=zone),
                reason=marker,
            )
        unavailability_add(unavailability=unavailability, user=user)
    return day


def body(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def test_a_reason_reaches_only_its_owner(cast: Any) -> None:
    day = seed(cast)
    clients = {role: Client() for role in ROLES}
    for role, client in clients.items():
        if role != "anonymous":
            client.force_login(getattr(cast, role))
    leaks: list[str] = []
    seen: dict[str, set[str]] = {marker: set() for marker in MARKERS}

    def sweep(url: str) -> None:
        for role, client in clients.items():
            text = body(client.get(url))
            for marker, owner in MARKERS.items():
                if marker in text:
                    seen[marker].add(role)
                    if role != owner:
                        leaks.append(f"{marker} shown to {role} at {url}")

    finder = reverse("learning_networks:date_finder", args=[cast.network.pk])
    monday = day - datetime.timedelta(days=day.weekday())
    period = {
        "first_day": monday.isoformat(),
        "last_day": (monday + datetime.timedelta(days=11)).isoformat(),
        "duration": "120",
        "start_times": ["10:00", "13:00"],
        "weekdays": ["1", "2", "3", "4", "5"],
    }
    sweep(f"{finder}?{urlencode(period, doseq=True)}")
    for case in CASES:
        if case.method != "get":
            continue
        cast.setup_result = case.setup(cast) if case.setup else None
        sweep(reverse(case.url_name, args=case.args(cast)))

    assert not leaks, "\n".join(leaks)
    # The sweep can fail: every owner found their own reasons on their page.
    for marker, owner in MARKERS.items():
        assert seen[marker] == {owner}, (marker, seen[marker])


def test_the_management_site_never_shows_a_reason(cast: Any, client: Client) -> None:
    seed(cast)
    staff = UserFactory(email="beheer@example.org", is_staff=True, is_superuser=True)
    activate_totp(staff)
    client.force_login(staff)
    urls = [
        reverse("admin:learning_networks_unavailability_changelist"),
        *(
            reverse("admin:learning_networks_unavailability_change", args=[pk])
            for pk in Unavailability.objects.values_list("pk", flat=True)
        ),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "zqx-" not in body(response), url
