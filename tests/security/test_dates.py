"""Dates without bounds: one rule for a plausible day, and no overlapping placements.

A placement could be planned from 0001-01-01 to 9999-12-31, a student could get two
placements in one programme at the same time, and a balance report for the year 9999
was accepted and crashed in the worker (OverflowError in dashboards/figures.py).
Every form now takes days in the years 2000-2099 only (ulvo/lib/dates.py), the same
as the import; tests/security/test_hostile_input.py tries every dated write.
"""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from dashboards import figures
from notifications.models import Report
from placements.models import Placement, PlacementStatus
from ulvo.lib.dates import FIRST_YEAR, LAST_YEAR
from ulvo.lib.formats import short_date

# Dutch is the default: the messages are checked as users read them.
OUT_OF_RANGE = f"Kies een datum tussen {FIRST_YEAR} en {LAST_YEAR}."


@pytest.fixture
def coordinator(cast: Any, login: Any) -> Client:
    client: Client = login(cast.coordinator)
    return client


def placement_data(cast: Any, start: datetime.date, end: datetime.date, **extra: Any) -> Any:
    return {
        "student": cast.student.pk,
        "programme": cast.social_work.pk,
        "school": cast.school.pk,
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "days_on_site": ["1", "2"],
        "class_days": ["3"],
        "hours_per_week": "12",
        "status": "planned",
        "signoff_domain": "social",
        **extra,
    }


def field_errors(response: Any, name: str) -> list[str]:
    return [str(error) for error in response.context["form"].errors.get(name, [])]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.date(1, 1, 1), datetime.date(2027, 6, 30)),
        (datetime.date(2040, 9, 1), datetime.date(9999, 12, 31)),
        (datetime.date(1999, 12, 31), datetime.date(2000, 6, 30)),
        (datetime.date(2099, 9, 1), datetime.date(2100, 1, 1)),
    ],
)
def test_a_placement_outside_the_years_is_refused_at_the_field(
    cast: Any, coordinator: Client, start: datetime.date, end: datetime.date
) -> None:
    url = reverse("placements:create", args=[cast.environment.pk])

    response = coordinator.post(url, placement_data(cast, start, end))

    assert response.status_code == 422
    wrong = "start_date" if not FIRST_YEAR <= start.year <= LAST_YEAR else "end_date"
    assert field_errors(response, wrong) == [OUT_OF_RANGE]
    assert Placement.objects.filter(student=cast.student).count() == 1


def test_the_first_and_last_plausible_days_are_taken(cast: Any, coordinator: Client) -> None:
    url = reverse("placements:create", args=[cast.environment.pk])
    first, last = datetime.date(FIRST_YEAR, 1, 1), datetime.date(LAST_YEAR, 12, 31)

    response = coordinator.post(url, placement_data(cast, first, first))
    assert response.status_code == 302
    response = coordinator.post(url, placement_data(cast, last, last))
    assert response.status_code == 302
    assert Placement.objects.filter(student=cast.student, start_date__in=[first, last]).count() == 2


def test_the_date_picker_offers_only_plausible_days(cast: Any, coordinator: Client) -> None:
    page = coordinator.get(reverse("placements:create", args=[cast.environment.pk]))

    html = page.content.decode()
    assert 'min="2000-01-01"' in html and 'max="2099-12-31"' in html


def test_an_overlapping_placement_in_the_programme_is_refused(
    cast: Any, coordinator: Client
) -> None:
    existing = cast.placement
    start = existing.end_date - datetime.timedelta(days=10)
    url = reverse("placements:create", args=[cast.environment.pk])

    response = coordinator.post(url, placement_data(cast, start, start + datetime.timedelta(90)))

    assert response.status_code == 422
    with translation.override("nl"):
        start_day, end_day = short_date(existing.start_date), short_date(existing.end_date)
    assert field_errors(response, "start_date") == [
        "Deze student heeft al een overlappende stage in deze opleiding van "
        f"{start_day} tot en met {end_day}."
    ]
    assert Placement.objects.filter(student=cast.student).count() == 1


def test_a_placement_may_follow_or_replace_a_cancelled_one(cast: Any, coordinator: Client) -> None:
    existing = cast.placement
    url = reverse("placements:create", args=[cast.environment.pk])
    after = existing.end_date + datetime.timedelta(days=1)

    response = coordinator.post(url, placement_data(cast, after, after + datetime.timedelta(90)))
    assert response.status_code == 302

    Placement.objects.filter(pk=existing.pk).update(status=PlacementStatus.CANCELLED)
    response = coordinator.post(url, placement_data(cast, existing.start_date, existing.end_date))
    assert response.status_code == 302
    assert Placement.objects.filter(student=cast.student).count() == 3


def test_editing_a_placement_is_not_an_overlap_with_itself(cast: Any, coordinator: Client) -> None:
    placement = cast.placement
    url = reverse("placements:edit", args=[placement.pk])
    later = placement.end_date + datetime.timedelta(days=30)

    response = coordinator.post(
        url, placement_data(cast, placement.start_date, later, status="active")
    )

    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.end_date == later


def test_editing_into_another_placement_is_refused(cast: Any, coordinator: Client) -> None:
    placement = cast.placement
    after = placement.end_date + datetime.timedelta(days=1)
    coordinator.post(
        reverse("placements:create", args=[cast.environment.pk]),
        placement_data(cast, after, after + datetime.timedelta(90)),
    )

    response = coordinator.post(
        reverse("placements:edit", args=[placement.pk]),
        placement_data(cast, placement.start_date, after, status="active"),
    )

    assert response.status_code == 422
    assert field_errors(response, "start_date")
    placement.refresh_from_db()
    assert placement.end_date == after - datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("start", "end"),
    [("0001-01-01", "0001-12-31"), ("9999-01-01", "9999-12-31"), ("2099-12-01", "2100-01-31")],
)
def test_a_report_outside_the_years_is_not_requested(
    cast: Any, coordinator: Client, start: str, end: str
) -> None:
    url = reverse("notifications:report_list", args=[cast.environment.pk])

    response = coordinator.post(url, {"period_start": start, "period_end": end})

    assert response.status_code == 422
    assert OUT_OF_RANGE in field_errors(response, "period_end")
    assert not Report.objects.exists()


def test_the_figures_reach_the_last_plausible_day(cast: Any) -> None:
    """The worker's figures for the widest allowed report do not overflow."""
    period = figures.Period(
        start=datetime.date(LAST_YEAR - 1, 1, 1), end=datetime.date(LAST_YEAR, 12, 31), label="x"
    )

    dashboard = figures.dashboard(cast.environment, period)

    assert dashboard is not None
    assert period.end_at > timezone.now()


def test_the_import_uses_the_same_years() -> None:
    from placements import imports

    assert (imports.FIRST_YEAR, imports.LAST_YEAR) == (FIRST_YEAR, LAST_YEAR)
