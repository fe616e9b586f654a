"""School holidays and closed days: shipped as data, kept by staff, never suggested by
the date finder, which says why days are missing."""

import datetime
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from environments.models import HolidayRegion
from learning_networks.models import ClosedDay, HolidayKind, SchoolHoliday
from learning_networks.planner import Closure, candidate_slots, closed_dates, closures_note
from tests.accounts.factories import UserFactory

D = datetime.date


@pytest.fixture(autouse=True)
def shipped_holidays(db: None) -> None:
    """The holidays the data migration ships. A browser journey (transactional_db)
    earlier in the run flushes every table, migration data included: ship them again."""
    if not SchoolHoliday.objects.exists():
        migration = import_module("learning_networks.migrations.0003_ship_school_holidays")
        migration.ship(django_apps, None)


@pytest.fixture
def planner(cast: Any, client: Client) -> Client:
    client.force_login(cast.supervisor)
    return client


def search(cast: Any, first_day: D, last_day: D, **overrides: Any) -> str:
    params: dict[str, Any] = {
        "first_day": first_day.isoformat(),
        "last_day": last_day.isoformat(),
        "duration": "120",
        "start_times": ["09:00", "13:00"],
        "weekdays": ["1", "2", "3", "4", "5"],
    }
    params.update(overrides)
    url = reverse("learning_networks:date_finder", args=[cast.network.pk])
    return url + "?" + urlencode(params, doseq=True)


def slot_days(response: Any) -> set[D]:
    return {timezone.localtime(r["score"].slot.start).date() for r in response.context["results"]}


# --- The shipped data ---------------------------------------------------------------


def test_the_official_holidays_are_shipped_for_three_school_years(db: None) -> None:
    for year in ("2025-2026", "2026-2027", "2027-2028"):
        for region in HolidayRegion.values:
            kinds = set(
                SchoolHoliday.objects.filter(region=region, school_year=year).values_list(
                    "kind", flat=True
                )
            )
            assert kinds == set(HolidayKind.values), (year, region)
    christmas = SchoolHoliday.objects.get(
        region=HolidayRegion.MIDDLE, school_year="2026-2027", kind=HolidayKind.CHRISTMAS
    )
    assert (christmas.first_day, christmas.last_day) == (D(2026, 12, 19), D(2027, 1, 3))
    summer = SchoolHoliday.objects.filter(school_year="2027-2028", kind=HolidayKind.SUMMER)
    assert dict(summer.values_list("region", "first_day")) == {
        "noord": D(2028, 7, 15),
        "midden": D(2028, 7, 8),
        "zuid": D(2028, 7, 22),
    }
    for holiday in SchoolHoliday.objects.all():
        first, second = (int(part) for part in holiday.school_year.split("-"))
        assert D(first, 8, 1) <= holiday.first_day <= holiday.last_day <= D(second, 9, 30)
        # Summer has six weeks, Christmas two, the others one, from a Saturday to the
        # Sunday after the last week; a public holiday is one day.
        weeks = {"summer": 6, "christmas": 2}.get(holiday.kind, 1)
        if holiday.kind in ("autumn", "christmas", "spring", "may", "summer"):
            assert holiday.first_day.isoweekday() == 6, holiday
            assert holiday.last_day.isoweekday() == 7, holiday
            assert (holiday.last_day - holiday.first_day).days == 7 * weeks + 1, holiday
        else:
            assert holiday.first_day == holiday.last_day, holiday


def test_every_environment_has_a_holiday_region_utrecht_is_middle(cast: Any) -> None:
    assert cast.environment.holiday_region == HolidayRegion.MIDDLE


def test_staff_keep_the_holidays_in_the_management_site(db: None) -> None:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    staff = UserFactory(email="beheer@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(staff, generate_totp_secret())
    client = Client()
    client.force_login(staff)
    holiday = SchoolHoliday.objects.get(
        region=HolidayRegion.MIDDLE, school_year="2026-2027", kind=HolidayKind.SPRING
    )
    assert (
        client.get(reverse("admin:learning_networks_schoolholiday_changelist")).status_code == 200
    )
    url = reverse("admin:learning_networks_schoolholiday_change", args=[holiday.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "region": "midden",
            "kind": "spring",
            "school_year": "2026-2027",
            "first_day": "2027-02-13",
            "last_day": "2027-02-21",
        },
    )
    assert response.status_code == 302
    holiday.refresh_from_db()
    assert holiday.first_day == D(2027, 2, 13)
    # An end before the start is refused at the field.
    response = client.post(
        url,
        {
            "region": "midden",
            "kind": "spring",
            "school_year": "2026-2027",
            "first_day": "2027-02-13",
            "last_day": "2027-02-12",
        },
    )
    assert response.status_code == 200
    assert "last_day" in response.context["adminform"].form.errors
    assert client.get(reverse("admin:learning_networks_closedday_add")).status_code == 200


# --- The date finder never proposes them ----------------------------------------------


def test_no_candidate_in_the_christmas_holiday_2026(cast: Any, planner: Client) -> None:
    """The middle region's Christmas holiday runs from 19 December 2026 to 3 January
    2027; a search from 14 December to 8 January proposes nothing inside it."""
    response = planner.get(search(cast, D(2026, 12, 14), D(2027, 1, 8)))

    assert response.status_code == 200
    days = slot_days(response)
    assert days, "the school days around the holiday are proposed"
    assert not {day for day in days if D(2026, 12, 19) <= day <= D(2027, 1, 3)}
    assert response.context["slot_count"] == 10 * 2  # 14-18 Dec and 4-8 Jan, two times
    note = response.context["closures_note"]
    assert "19 dec 2026" in note or "19-12-2026" in note or "December 19, 2026" in note, note
    assert note in response.content.decode()


def test_a_period_that_is_all_holiday_says_why_there_is_nothing(cast: Any, planner: Client) -> None:
    response = planner.get(search(cast, D(2026, 12, 21), D(2027, 1, 1)))

    assert response.status_code == 200
    assert response.context["results"] == [] and response.context["slot_count"] == 0
    note = response.context["closures_note"]
    assert str(HolidayKind.CHRISTMAS.label) in note
    assert note == closures_note(
        [Closure(D(2026, 12, 19), D(2027, 1, 3), str(HolidayKind.CHRISTMAS.label))],
        first_day=D(2026, 12, 21),
        last_day=D(2027, 1, 1),
    )
    html = response.content.decode()
    assert note in html
    # The empty list's advice to choose more start times would mislead here.
    assert "slot-list" not in html


def test_the_environment_s_own_region_counts(cast: Any, planner: Client) -> None:
    """The southern region's spring holiday 2027 (6-14 February) is no holiday in the
    middle region (20-28 February)."""
    week = (D(2027, 2, 8), D(2027, 2, 12))
    assert slot_days(planner.get(search(cast, *week)))
    cast.environment.holiday_region = HolidayRegion.SOUTH
    cast.environment.save()
    response = planner.get(search(cast, *week))
    assert not slot_days(response)
    assert str(HolidayKind.SPRING.label) in response.context["closures_note"]


def test_closed_days_of_the_environment_are_never_suggested(cast: Any, planner: Client) -> None:
    ClosedDay.objects.create(
        environment=cast.environment,
        first_day=D(2027, 1, 12),
        last_day=D(2027, 1, 13),
        reason="Studiedagen Basisschool De Regenboog",
    )
    ClosedDay.objects.create(
        environment=cast.other_environment,
        first_day=D(2027, 1, 14),
        last_day=D(2027, 1, 14),
        reason="Elders dicht",
    )
    response = planner.get(search(cast, D(2027, 1, 11), D(2027, 1, 15)))
    assert slot_days(response) == {D(2027, 1, 11), D(2027, 1, 14), D(2027, 1, 15)}
    note = response.context["closures_note"]
    assert "Studiedagen Basisschool De Regenboog" in note and "Elders" not in note


def test_the_closed_days_cost_the_same_queries_however_many(cast: Any, planner: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = search(cast, D(2027, 1, 11), D(2027, 2, 26))
    ClosedDay.objects.create(
        environment=cast.environment, first_day=D(2027, 1, 12), last_day=D(2027, 1, 12), reason="x"
    )
    with CaptureQueriesContext(connection) as few:
        planner.get(url)
    for day in range(18, 23):
        ClosedDay.objects.create(
            environment=cast.environment,
            first_day=D(2027, 1, day),
            last_day=D(2027, 1, day),
            reason=f"Dicht {day}",
        )
    with CaptureQueriesContext(connection) as many:
        planner.get(url)
    assert len(many) == len(few)


# --- The planner's part, plain data -------------------------------------------------------


def test_closed_dates_cover_only_the_period() -> None:
    christmas = Closure(D(2026, 12, 19), D(2027, 1, 3), "kerstvakantie")
    assert closed_dates([christmas], first_day=D(2027, 1, 2), last_day=D(2027, 1, 5)) == {
        D(2027, 1, 2),
        D(2027, 1, 3),
    }
    with pytest.raises(ValueError):
        Closure(D(2027, 1, 3), D(2027, 1, 2), "backwards")


def test_candidate_slots_leave_the_closed_dates_out() -> None:
    closure = Closure(D(2026, 12, 19), D(2027, 1, 3), "kerstvakantie")
    slots = candidate_slots(
        first_day=D(2026, 12, 14),
        last_day=D(2027, 1, 8),
        start_times=[datetime.time(13)],
        duration=datetime.timedelta(hours=2),
        exclude_dates=closed_dates([closure], first_day=D(2026, 12, 14), last_day=D(2027, 1, 8)),
    )
    assert [slot.start.date().day for slot in slots] == [14, 15, 16, 17, 18, 4, 5, 6, 7, 8]


def test_the_note_names_only_closures_on_asked_weekdays() -> None:
    saturday = Closure(D(2027, 1, 16), D(2027, 1, 16), "Buurtfeest")
    assert closures_note([saturday], first_day=D(2027, 1, 11), last_day=D(2027, 1, 17)) == ""
    assert "Buurtfeest" in closures_note(
        [saturday], first_day=D(2027, 1, 11), last_day=D(2027, 1, 17), weekdays=[6]
    )
    assert closures_note([], first_day=D(2027, 1, 11), last_day=D(2027, 1, 17)) == ""


# --- The coordinators' page of closed days --------------------------------------------


def test_coordinators_keep_the_closed_days(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    url = reverse("learning_networks:closed_days", args=[cast.environment.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert str(HolidayKind.CHRISTMAS.label).capitalize() in page.content.decode()

    response = client.post(
        url,
        {
            "first_day": "2027-03-10",
            "last_day": "",
            "reason": "  Studiedag  ",
            "environment": cast.other_environment.pk,
        },
    )
    assert response.status_code == 302
    closed = ClosedDay.objects.get()
    assert closed.environment == cast.environment  # not the one sent along
    assert (closed.first_day, closed.last_day, closed.reason) == (
        D(2027, 3, 10),
        D(2027, 3, 10),
        "Studiedag",
    )
    assert "Studiedag" in client.get(url).content.decode()

    remove = reverse("learning_networks:closed_day_remove", args=[closed.pk])
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert not ClosedDay.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"first_day": "2027-03-10", "last_day": "2027-03-09"}, "last_day"),
        ({"first_day": "2027-03-10", "last_day": "2028-04-10"}, "last_day"),
        ({"first_day": "", "last_day": "2027-03-09"}, "first_day"),
        ({"first_day": "morgen"}, "first_day"),
        ({"first_day": "2027-02-30"}, "first_day"),
        ({"first_day": "9999-01-01"}, "first_day"),
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "x" * 151}, "reason"),
        ({"reason": "nul\x00byte"}, "reason"),
    ],
)
def test_bad_closed_days_are_refused_at_the_field(
    cast: Any, client: Client, data: dict[str, str], field: str
) -> None:
    client.force_login(cast.coordinator)
    url = reverse("learning_networks:closed_days", args=[cast.environment.pk])
    response = client.post(url, {"first_day": "2027-03-10", "reason": "Studiedag", **data})
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert not ClosedDay.objects.exists()


def test_the_date_finder_links_the_closed_days_for_coordinators_only(
    cast: Any, client: Client
) -> None:
    url = reverse("learning_networks:date_finder", args=[cast.network.pk])
    closed = reverse("learning_networks:closed_days", args=[cast.environment.pk])
    for user, shown in ((cast.coordinator, True), (cast.supervisor, False)):
        client.force_login(user)
        assert (f'href="{closed}"' in client.get(url).content.decode()) is shown
