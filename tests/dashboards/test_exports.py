"""Exports the Dutch way (#20): Dutch Excel opened the comma-separated file in one
column. In Dutch a CSV has semicolons and a decimal comma and a Dutch file name; in
English commas and a decimal point; dates are ISO in both, real dates in Excel."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dashboards.exports import csv_cell, safe_cell

YEAR = "?period=year&year=2026-2027"


def export(world: Any, client: Client, figure: str, fmt: str, language: str = "nl") -> Any:
    client.force_login(world.coordinator)
    client.cookies["ulvo_language"] = language
    url = reverse("dashboards:export", args=[world.environment.pk, figure, fmt])
    response = client.get(url + YEAR)
    assert response.status_code == 200
    return response


def rows_of(response: Any, delimiter: str) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_dutch_csv_has_semicolons_a_decimal_comma_and_a_dutch_name(world, client) -> None:
    response = export(world, client, "student_hours", "csv")

    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Plek;Geregistreerde uren;Afgetekende uren"
    rows = rows_of(response, ";")
    # Neighbourhood: 150 minutes logged, 90 signed off.
    assert rows[2][1:] == ["2,5", "1,5"]
    assert all("." not in cell for row in rows[1:] for cell in row[1:])
    assert response["Content-Disposition"] == (
        'attachment; filename="dashboardwijk-schooljaar-2026-2027-'
        'geregistreerde-uren-van-studenten-per-plek.csv"'
    )


def test_english_csv_has_commas_and_a_decimal_point(world, client) -> None:
    response = export(world, client, "student_hours", "csv", language="en")

    rows = rows_of(response, ",")
    assert rows[0] == ["Setting", "Hours logged", "Hours approved"]
    assert rows[2][1:] == ["2.5", "1.5"]
    assert response["Content-Disposition"] == (
        'attachment; filename="dashboardwijk-school-year-2026-2027-'
        'hours-logged-by-students-per-setting.csv"'
    )


@pytest.mark.parametrize(("language", "delimiter"), [("nl", ";"), ("en", ",")])
def test_weeks_are_iso_dates_in_a_csv(world, client, language: str, delimiter: str) -> None:
    rows = rows_of(export(world, client, "on_site", "csv", language), delimiter)

    first_weeks = [row[0] for row in rows[1:3]]
    assert all(datetime.date.fromisoformat(day).weekday() == 0 for day in first_weeks)


def test_excel_gets_numbers(world, client) -> None:
    sheet = load_workbook(io.BytesIO(export(world, client, "student_hours", "xlsx").content)).active
    assert list(sheet.iter_rows(min_row=3, max_row=3, values_only=True)) == [("wijk", 2.5, 1.5)]


def test_excel_gets_numbers_and_dates(world, client) -> None:
    response = export(world, client, "on_site", "xlsx")

    assert (
        'filename="dashboardwijk-schooljaar-2026-2027-studenten'
        in (response["Content-Disposition"])
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title.startswith("Studenten op locatie")
    first = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))
    assert isinstance(first[0], datetime.datetime)  # Excel's dates are dates and times
    assert first[0].weekday() == 0


def test_the_page_shows_the_same_cells_in_the_languages_style(world, client) -> None:
    client.force_login(world.coordinator)
    url = reverse("dashboards:environment", args=[world.environment.pk]) + YEAR
    dutch = client.get(url).content.decode()
    assert "<td>2,5</td>" in dutch
    # The first week of the school year, in the on-site table and on its axis.
    assert ">27\u00a0jul\u00a02026<" in dutch
    assert ">27 jul</text>" in dutch
    client.cookies["ulvo_language"] = "en"
    english = client.get(url).content.decode()
    assert "<td>2.5</td>" in english
    assert ">27\u00a0Jul\u00a02026<" in english


@pytest.mark.parametrize(
    ("value", "decimal", "expected"),
    [
        (1038.8, ",", "1038,8"),
        (1038.8, ".", "1038.8"),
        (1200, ",", 1200),
        (-1.5, ",", "-1,5"),  # a number of ours, not a formula
        ("-1,5", ",", "'-1,5"),  # text: guarded
        (datetime.date(2026, 10, 12), ",", datetime.date(2026, 10, 12)),
        (
            datetime.datetime(2026, 10, 12, 12, 30, tzinfo=datetime.UTC),
            ",",
            "2026-10-12 14:30",
        ),
    ],
)
def test_csv_cells(value: object, decimal: str, expected: object) -> None:
    assert csv_cell(value, decimal) == expected


def test_excel_cells_keep_local_dates_and_times() -> None:
    moment = datetime.datetime(2026, 10, 12, 12, 30, tzinfo=datetime.UTC)
    local = safe_cell(moment)
    assert (local.tzinfo, local.date(), local.hour, local.minute) == (None, moment.date(), 14, 30)
