"""Numbers and dates the Dutch way (#20): one duration style, hour totals and numbers
with the language's separators, two date styles, in both languages
(``ulvo/lib/formats.py``, ``ulvo/formats/<language>/formats.py``)."""

from __future__ import annotations

import datetime
import importlib
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from ulvo.lib import formats

MONDAY = datetime.date(2026, 10, 12)
NBSP = "\u00a0"


def plain(text: str) -> str:
    """The text with its non-breaking spaces as spaces, for readable expectations."""
    return text.replace(NBSP, " ")


@pytest.mark.parametrize(
    ("minutes", "dutch", "english"),
    [
        (0, "0 uur", "0 h"),
        (None, "0 uur", "0 h"),
        (15, "15 min", "15 min"),
        (59, "59 min", "59 min"),
        (60, "1 uur", "1 h"),
        (61, "1 uur 1 min", "1 h 1 min"),
        (120, "2 uur", "2 h"),
        (1515, "25 uur 15 min", "25 h 15 min"),
        (62_280, "1.038 uur", "1,038 h"),
        (62_295, "1.038 uur 15 min", "1,038 h 15 min"),
        (-90, "-1 uur 30 min", "-1 h 30 min"),
    ],
)
def test_a_duration_is_hours_and_minutes(minutes: int | None, dutch: str, english: str) -> None:
    with translation.override("nl"):
        assert plain(formats.duration(minutes)) == dutch
    with translation.override("en"):
        assert plain(formats.duration(minutes)) == english


def test_a_duration_breaks_between_its_parts_only() -> None:
    with translation.override("nl"):
        assert formats.duration(1515) == f"25{NBSP}uur 15{NBSP}min"
        assert formats.hours(62_328) == f"1.038,8{NBSP}uur"


@pytest.mark.parametrize(
    ("minutes", "dutch", "english"),
    [
        (0, "0 uur", "0 h"),
        (15, "0,3 uur", "0.3 h"),  # 0,25: a half rounds up
        (60, "1 uur", "1 h"),
        (61, "1 uur", "1 h"),
        (90, "1,5 uur", "1.5 h"),
        (1515, "25,3 uur", "25.3 h"),
        (1503, "25,1 uur", "25.1 h"),
        (62_328, "1.038,8 uur", "1,038.8 h"),
        (60_000_000, "1.000.000 uur", "1,000,000 h"),
    ],
)
def test_an_hour_total_has_a_decimal_only_where_needed(
    minutes: int, dutch: str, english: str
) -> None:
    with translation.override("nl"):
        assert plain(formats.hours(minutes)) == dutch
    with translation.override("en"):
        assert plain(formats.hours(minutes)) == english


def test_a_chart_and_its_table_round_alike() -> None:
    """675 minutes are 11.25 hours: Python's round() said 11.2 in the table while the
    chart said 11,3."""
    assert formats.hour_value(675) == Decimal("11.3")
    assert formats.hour_value(62_328) == Decimal("1038.8")
    with translation.override("nl"):
        assert formats.hour_number(675) == "11,3"
        assert formats.cell(formats.hour_value(675)) == "11,3"
        assert formats.cell(formats.hour_value(120)) == "2"


def test_an_hour_total_can_have_two_decimals() -> None:
    with translation.override("nl"):
        assert plain(formats.hours(1515, decimals=2)) == "25,25 uur"
        assert formats.hour_number(1515, decimals=2) == "25,25"


@pytest.mark.parametrize(
    ("value", "decimals", "dutch", "english"),
    [
        (0, None, "0", "0"),
        (1038.8, None, "1.038,8", "1,038.8"),
        (1234567, None, "1.234.567", "1,234,567"),
        (Decimal("3.5"), 1, "3,5", "3.5"),
        (3, 1, "3,0", "3.0"),
        (None, None, "", ""),
    ],
)
def test_numbers_have_the_languages_separators(
    value: formats.Number | None, decimals: int | None, dutch: str, english: str
) -> None:
    with translation.override("nl"):
        assert formats.number(value, decimals) == dutch
    with translation.override("en"):
        assert formats.number(value, decimals) == english


@pytest.mark.parametrize(
    ("value", "dutch", "english"),
    [
        (1038.8, "1.038,8", "1,038.8"),
        (0.1 + 0.2, "0,3", "0.3"),
        (3.456, "3,46", "3.46"),
        (1000.0, "1.000", "1,000"),
        (1200, "1.200", "1,200"),
        ("<5", "<5", "<5"),
        ("", "", ""),
        # A date does not break over lines in a narrow column.
        (MONDAY, "12\u00a0okt\u00a02026", "12\u00a0Oct\u00a02026"),
    ],
)
def test_a_table_cell_is_shown_in_the_language(value: object, dutch: str, english: str) -> None:
    with translation.override("nl"):
        assert formats.cell(value) == dutch
    with translation.override("en"):
        assert formats.cell(value) == english


@pytest.mark.parametrize(
    ("style", "dutch", "english"),
    [
        (formats.SHORT_DATE, "12 okt 2026", "12 Oct 2026"),
        (formats.LONG_DATE, "maandag 12 oktober 2026", "Monday 12 October 2026"),
        (formats.MONTH_DAY, "12 okt", "12 Oct"),
        (formats.LONG_MONTH_DAY, "maandag 12 oktober", "Monday 12 October"),
        (formats.YEAR_MONTH, "oktober 2026", "October 2026"),
        (formats.SHORT_YEAR_MONTH, "okt 2026", "Oct 2026"),
        (formats.WEEKDAY_DAY, "ma 12", "Mon 12"),
    ],
)
def test_the_date_styles(style: str, dutch: str, english: str) -> None:
    with translation.override("nl"):
        assert formats.date(MONDAY, style) == dutch
    with translation.override("en"):
        assert formats.date(MONDAY, style) == english


@pytest.mark.parametrize(
    ("day", "short", "long"),
    [
        (datetime.date(2026, 3, 3), "3 mrt 2026", "dinsdag 3 maart 2026"),
        (datetime.date(2026, 5, 1), "1 mei 2026", "vrijdag 1 mei 2026"),
        (datetime.date(2027, 1, 31), "31 jan 2027", "zondag 31 januari 2027"),
    ],
)
def test_dutch_months_are_lowercase(day: datetime.date, short: str, long: str) -> None:
    with translation.override("nl"):
        assert formats.short_date(day) == short
        assert formats.long_date(day) == long


def test_a_date_and_time_is_in_amsterdam_time() -> None:
    # 12:30 UTC is 14:30 in Amsterdam in summer time.
    moment = datetime.datetime(2026, 10, 12, 12, 30, tzinfo=datetime.UTC)
    with translation.override("nl"):
        assert formats.short_datetime(moment) == "12 okt 2026 14:30"
        assert formats.long_datetime(moment) == "maandag 12 oktober 2026 om 14:30"
    with translation.override("en"):
        assert formats.short_datetime(moment) == "12 Oct 2026 14:30"
        assert formats.long_datetime(moment) == "Monday 12 October 2026 at 14:30"
    assert formats.short_date(None) == ""


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_named_format_is_defined_in_both_languages(language: str) -> None:
    """A name a language's module lacks would be printed letter by letter."""
    module = importlib.import_module(f"ulvo.formats.{language}.formats")
    for name in formats.DATE_FORMATS:
        assert getattr(module, name, None), f"{name} missing in {language}"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "12 okt 2026 · maandag 12 oktober 2026 · 25 uur 15 min · 1.038,8 uur · 1.038,8"),
        ("en", "12 Oct 2026 · Monday 12 October 2026 · 25 h 15 min · 1,038.8 h · 1,038.8"),
    ],
)
def test_the_template_filters(language: str, expected: str) -> None:
    template = Template(
        "{% load ulvo_formats %}"
        '{{ day|date:"SHORT_DATE_FORMAT" }} · {{ day|date:"DATE_FORMAT" }} · '
        "{{ minutes|duration }} · {{ total|hours }} · {{ value|number }}"
    )
    context = Context({"day": MONDAY, "minutes": 1515, "total": 62_328, "value": 1038.8})
    with translation.override(language):
        assert plain(template.render(context)) == expected


def test_placements_tags_duration_is_the_same_filter() -> None:
    template = Template("{% load placements_tags %}{{ minutes|duration }}")
    with translation.override("nl"):
        assert plain(template.render(Context({"minutes": 1515}))) == "25 uur 15 min"


@pytest.mark.parametrize(("language", "separators"), [("nl", (";", ",")), ("en", (",", "."))])
def test_csv_separators_follow_the_decimal_separator(
    language: str, separators: tuple[str, str]
) -> None:
    with translation.override(language):
        assert formats.csv_separators() == separators


# --- The ad-hoc formats do not come back -------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "accounts",
    "dashboards",
    "environments",
    "learning_networks",
    "notifications",
    "placements",
    "privacy",
    "reflections",
    "supervision",
    "ulvo",
)
# Formats for machines (links, form values), a time, or a weekday's name alone.
MACHINE_FORMATS = {"Y-m-d", "Y-m", "H:i", "D", "l"}
ALLOWED_FORMATS = set(formats.DATE_FORMATS) | MACHINE_FORMATS
DATE_FILTER = re.compile(r"\|(?:date|time):(?:\"([^\"]*)\"|'([^']*)')")
DURATION_VARIABLE = re.compile(r"(\w+)=[\w.]+\|duration\b")
BLOCKTRANSLATE = re.compile(r"{%\s*blocktranslate\b(.*?)%}(.*?){%\s*endblocktranslate\s*%}", re.S)
# A date format in Python code: a named one, or one for machines (ISO).
DATE_FORMAT_CALL = re.compile(r"date_format\([^,()]+(?:\([^()]*\))?,\s*[\"']([^\"']+)[\"']")
STRFTIME_FOR_READERS = re.compile(r"strftime\([\"'][^\"']*%(?:d-%m|m-%Y|[bBaAe])")
FSTRING_FOR_READERS = re.compile(r"\{[^{}\n]*:[^{}\n]*%(?:d-%m|m-%Y|[bBaAe])[^{}\n]*\}")
CLOCK_DURATION = re.compile(r"%\s*60\s*:02d|%d:%02d|\{[^}]*//\s*60\}:")


def _templates() -> list[Path]:
    return sorted(p for p in (ROOT / "templates").rglob("*") if p.suffix in {".html", ".txt"})


def _python_sources() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        # Not for readers: migrations, and what commands and the demo set-up print
        # for developers on the console.
        if "migrations" not in path.parts
        and "management" not in path.parts
        and path.name != "demo.py"
    )


def test_templates_use_named_date_formats() -> None:
    """``|date:"j M Y"`` gave "12 Okt 2026" in Dutch, "j-n-Y" "12-10-2026": templates name
    one of the styles (ulvo/lib/formats.py) instead of spelling a format out."""
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in _templates()
        for match in DATE_FILTER.finditer(path.read_text(encoding="utf-8"))
        if (match.group(1) if match.group(1) is not None else match.group(2)) not in ALLOWED_FORMATS
    ]
    assert not found, "ad-hoc date formats:\n" + "\n".join(found)


def test_templates_write_no_unit_after_a_duration() -> None:
    """A duration says its own unit ("25 uur 15 min"); "{{ hours }} hours" after it
    printed "25:15 uur" before and would print "25 uur 15 min uur" now."""
    found: list[str] = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        if re.search(r"\|duration\s*}}\s*{%\s*translate\s+[\"']hours", text):
            found.append(f"{path.relative_to(ROOT)}: |duration followed by 'hours'")
        for match in BLOCKTRANSLATE.finditer(text):
            for name in DURATION_VARIABLE.findall(match.group(1)):
                unit_after = r"{{\s*" + name + r"\s*}}\s*(?:hours|uur|h)\b"
                if re.search(unit_after, match.group(2)):
                    found.append(f"{path.relative_to(ROOT)}: {{{{ {name} }}}} hours")
        if "floatformat" in text and re.search(r"(?:minutes|hours)\|floatformat", text):
            found.append(f"{path.relative_to(ROOT)}: hours or minutes through floatformat")
    assert not found, "\n".join(found)


def test_python_uses_named_date_formats_and_no_clock_durations() -> None:
    found: list[str] = []
    for path in _python_sources():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        found += [
            f"{name}: date_format(…, {match.group(1)!r})"
            for match in DATE_FORMAT_CALL.finditer(text)
            if match.group(1) not in ALLOWED_FORMATS
        ]
        found += [f"{name}: {m.group(0)}" for m in STRFTIME_FOR_READERS.finditer(text)]
        found += [f"{name}: {m.group(0)}" for m in FSTRING_FOR_READERS.finditer(text)]
        found += [f"{name}: {m.group(0)}" for m in CLOCK_DURATION.finditer(text)]
    assert not found, "ad-hoc formats in code:\n" + "\n".join(found)


def test_the_checks_find_what_issue_20_found() -> None:
    """The patterns above catch the old styles (so a passing check means something)."""
    assert DATE_FILTER.search('{{ day|date:"j M Y" }}').group(1) not in ALLOWED_FORMATS  # type: ignore[union-attr]
    assert DATE_FORMAT_CALL.search('formats.date_format(week.end, "j F Y")')
    assert DATE_FORMAT_CALL.search("date_format(a.starts_at.date(), 'd-m')")
    assert STRFTIME_FOR_READERS.search('day.strftime("%d-%m-%Y")')
    assert not STRFTIME_FOR_READERS.search('day.strftime("%Y-%m-%d")')
    assert FSTRING_FOR_READERS.search('f"{self.date:%d-%m-%Y}"')
    assert not FSTRING_FOR_READERS.search('f"{day:%Y-%m-%d}"')
    assert CLOCK_DURATION.search('f"{minutes // 60}:{minutes % 60:02d}"')
