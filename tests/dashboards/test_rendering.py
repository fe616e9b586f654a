"""What the dashboard pages print is what Django's formats and filters print: the
shortcuts that make the pages cheaper (texts remembered per language, one reverse per
list, counts in subqueries) change no character."""

import datetime
import re
from decimal import Decimal

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from dashboards.tables import cell_text, date_text, datetime_text
from dashboards.views import labels, url_maker
from learning_networks.models import Attendance, NetworkSession, SessionFeedback, SessionKind
from tests.dashboards.steps import at
from ulvo.lib.formats import cell

VALUES = [
    0, 7, 1234, 1234567, -3, 2.5, 2.0, 1038.75, Decimal("11.25"), Decimal("3"),
    datetime.date(2026, 10, 12), datetime.date(2027, 1, 1), None, True, "12", "<5",
]  # fmt: skip


@pytest.mark.parametrize("language", ["nl", "en"])
def test_cell_texts_are_the_cells_of_the_language(language) -> None:
    with translation.override(language):
        for value in VALUES:
            assert cell_text(value) == cell(value), value
            assert cell_text(value) == cell(value), value  # remembered, still the same


def test_remembered_texts_follow_the_language() -> None:
    with translation.override("nl"):
        dutch = cell_text(1234567), date_text(datetime.date(2026, 10, 12))
    with translation.override("en"):
        english = cell_text(1234567), date_text(datetime.date(2026, 10, 12))
    assert dutch == ("1.234.567", "12 okt 2026")
    assert english == ("1,234,567", "12 Oct 2026")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_dates_and_times_are_the_template_filters(language) -> None:
    template = engines["django"].from_string(
        '{{ day|date:"SHORT_DATE_FORMAT" }}|{{ moment|date:"SHORT_DATETIME_FORMAT" }}'
    )
    for day, moment in [
        (datetime.date(2026, 3, 29), at("2026-03-29", 1)),  # the night clocks go forward
        (datetime.date(2026, 10, 25), at("2026-10-25", 23)),
        (datetime.date(2027, 5, 4), at("2027-05-04", 9)),
    ]:
        with translation.override(language):
            expected = template.render({"day": day, "moment": moment})
            assert f"{date_text(day)}|{datetime_text(moment)}" == expected


def test_url_maker_is_reverse() -> None:
    for name in ("placements:detail", "placements:overview", "learning_networks:session"):
        make = url_maker(name)
        for pk in (1, 42, 2147483647, 9):
            assert make(pk) == reverse(name, args=[pk])


def test_labels_are_the_choices_in_the_language() -> None:
    with translation.override("nl"):
        assert labels(SessionKind.choices)[SessionKind.MIXED] == str(SessionKind.MIXED.label)


def session_row(body: str, theme: str) -> list[str]:
    row = re.search(rf"<tr>\s*<th scope=\"row\"><a href=\"([^\"]+)\">{theme}</a></th>(.*?)</tr>",
                    body, re.S)  # fmt: skip
    assert row, theme
    return [row.group(1), *re.findall(r"<td>(.*?)</td>", row.group(2))]


def test_session_list_counts_attendance_and_averages_feedback(world, client) -> None:
    """Attendance and feedback of a session counted apart: three invited, two present,
    two responses (4 and 5) — joined at once they would count six and six."""
    session = NetworkSession.objects.create(
        network=world.network, kind="mixed", theme="Thema telling",
        starts_at=at("2026-11-12", 14), ends_at=at("2026-11-12", 16), status="held",
    )  # fmt: skip
    NetworkSession.objects.create(
        network=world.network, kind="mixed", theme="Thema leeg",
        starts_at=at("2026-11-13", 9), ends_at=at("2026-11-13", 11), status="held",
    )  # fmt: skip
    for student, presence in zip(world.students[:3], ["present", "present", "absent"], strict=True):
        Attendance.objects.create(session=session, user=student, presence=presence)
    for student, score in zip(world.students[:2], [4, 5], strict=True):
        SessionFeedback.objects.create(session=session, user=student, usefulness=score, relevance=3)
    client.force_login(world.coordinator)
    with translation.override("nl"):
        body = client.get(
            reverse("dashboards:sessions", args=[world.environment.pk]) + "?kind=mixed",
            HTTP_ACCEPT_LANGUAGE="nl",
        ).content.decode()
    url, date, kind, network, invited, present, usefulness = session_row(body, "Thema telling")
    assert url == session.get_absolute_url()
    assert date == "12 nov 2026 14:00"
    assert (kind, network) == (str(SessionKind.MIXED.label), world.network.name)
    assert (invited, present, usefulness) == ("3", "2", "4,5")
    assert session_row(body, "Thema leeg")[4:] == ["0", "0", "–"]
