"""Numbers, durations and dates as ULVO writes them, in Dutch and in English.

One style for each, on every page, chart, e-mail, PDF and export:

- **Durations** (work logged, time invested; stored as minutes) in hours and minutes:
  "25 uur 15 min" / "25 h 15 min"; whole hours "2 uur" / "2 h", less than an hour
  "15 min", nothing "0 uur" / "0 h". Never "25:15", which reads as a time of day.
  A number and its unit are held together by a non-breaking space (a narrow day in
  the week strip shows "7 uur" above "15 min", not "7 uur 15" above "min").
  Dutch writes "uur", not the abbreviation "u" (``ulvo/lib/glossary.py``: "u" is the
  formal *you*).
- **Hour totals** (the dashboard's sums, where minutes no longer matter) in decimal
  hours with one decimal where it is needed: "1.038,8 uur" / "1,038.8 h", "12 uur".
- **Numbers** with the language's separators, thousands grouped: "1.038,8" / "1,038.8".
  Grouping is asked for here, not switched on everywhere with
  ``USE_THOUSAND_SEPARATOR``, which would also group ids and years printed in links.
- **Dates** in two styles, defined per language in ``ulvo/formats/<language>/formats.py``
  (``FORMAT_MODULE_PATH``): short "12 okt 2026" / "12 Oct 2026" (``SHORT_DATE_FORMAT``)
  and long "maandag 12 oktober 2026" / "Monday 12 October 2026" (``DATE_FORMAT``).
  Derived from them: with a time (``SHORT_DATETIME_FORMAT`` "12 okt 2026 14:30",
  ``DATETIME_FORMAT`` "maandag 12 oktober 2026 om 14:30"),
  without the year (``MONTH_DAY_FORMAT`` "12 okt", ``LONG_MONTH_DAY_FORMAT`` "maandag
  12 oktober"), a month (``YEAR_MONTH_FORMAT`` "oktober 2026",
  ``SHORT_YEAR_MONTH_FORMAT`` "okt 2026") and a day in a week strip
  (``WEEKDAY_DAY_FORMAT`` "ma 12"). Dutch month and day names are lowercase. The long
  style is for the one day a page or message is about (a session, a meeting note, the
  deadline in an e-mail), the short one for lists, tables, ranges and meta lines. Templates
  name the format: ``{{ day|date:"SHORT_DATE_FORMAT" }}``; never letters such as
  "j M Y" (Django's Dutch "M" is "Okt"), which ``tests/test_formats.py`` looks for.
- **Spreadsheets** (CSV) in Dutch: semicolons between fields and a decimal comma, what
  Excel with Dutch settings opens in columns; in English commas and a decimal point.
  Dates in a CSV are ISO (2026-10-12), which a spreadsheet reads as a date in any
  language.

The template filters are in ``ulvo/templatetags/ulvo_formats.py``.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _

SHORT_DATE = "SHORT_DATE_FORMAT"
LONG_DATE = "DATE_FORMAT"
SHORT_DATETIME = "SHORT_DATETIME_FORMAT"
LONG_DATETIME = "DATETIME_FORMAT"
MONTH_DAY = "MONTH_DAY_FORMAT"
LONG_MONTH_DAY = "LONG_MONTH_DAY_FORMAT"
YEAR_MONTH = "YEAR_MONTH_FORMAT"
SHORT_YEAR_MONTH = "SHORT_YEAR_MONTH_FORMAT"
WEEKDAY_DAY = "WEEKDAY_DAY_FORMAT"
# Every named format a template or this module may use; each language's module
# defines all of them (a name a module lacks would be printed letter by letter).
DATE_FORMATS = (
    SHORT_DATE,
    LONG_DATE,
    SHORT_DATETIME,
    LONG_DATETIME,
    MONTH_DAY,
    LONG_MONTH_DAY,
    YEAR_MONTH,
    SHORT_YEAR_MONTH,
    WEEKDAY_DAY,
    "TIME_FORMAT",
)

Number = int | float | Decimal
NBSP = "\u00a0"


def date(value: datetime.date | datetime.datetime | None, style: str = SHORT_DATE) -> str:
    """A date (or a date and time, in the current time zone) in a named format."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, style)


def short_date(value: datetime.date | datetime.datetime | None) -> str:
    """12 okt 2026 / 12 Oct 2026."""
    return date(value, SHORT_DATE)


def long_date(value: datetime.date | datetime.datetime | None) -> str:
    """maandag 12 oktober 2026 / Monday 12 October 2026."""
    return date(value, LONG_DATE)


def short_datetime(value: datetime.datetime | None) -> str:
    """12 okt 2026 14:30 / 12 Oct 2026 14:30."""
    return date(value, SHORT_DATETIME)


def long_datetime(value: datetime.datetime | None) -> str:
    """maandag 12 oktober 2026 om 14:30 / Monday 12 October 2026 at 14:30."""
    return date(value, LONG_DATETIME)


def number(value: Number | None, decimals: int | None = None) -> str:
    """A number with the language's separators and its thousands grouped.

    ``decimals``: that many decimals always; None: whole numbers as they are, others
    with the decimals they have."""
    if value is None:
        return ""
    return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


def _as_needed(value: Number, decimals: int) -> str:
    """Rounded to at most ``decimals``, without trailing zeros: 12, 12,5 and 12,25."""
    step = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP).normalize()
    exponent = rounded.as_tuple().exponent
    return number(rounded, max(0, -exponent) if isinstance(exponent, int) else 0)


def duration(minutes: int | None) -> str:
    """Minutes as hours and minutes: 25 uur 15 min, 2 uur, 15 min, 0 uur."""
    total = int(minutes or 0)
    whole_hours, rest = divmod(abs(total), 60)
    parts = []
    if whole_hours or not rest:
        parts.append(_("%(hours)s h") % {"hours": number(whole_hours)})
    if rest:
        parts.append(_("%(minutes)s min") % {"minutes": rest})
    # A line may break between "25 uur" and "15 min", never inside either.
    return ("-" if total < 0 else "") + " ".join(part.replace(" ", NBSP) for part in parts)


# For labels made before a language is active, such as a form's choices.
lazy_duration = lazy(duration, str)


def hours(minutes: Number | None, decimals: int = 1) -> str:
    """Minutes as a total in decimal hours: 1.038,8 uur, 12 uur."""
    return (_("%(hours)s h") % {"hours": hour_number(minutes, decimals)}).replace(" ", NBSP)


def hour_number(minutes: Number | None, decimals: int = 1) -> str:
    """Minutes as decimal hours without the unit, for a column headed "Hours": 1.038,8."""
    return _as_needed(hour_value(minutes, decimals), decimals)


def hour_value(minutes: Number | None, decimals: int = 1) -> Decimal:
    """Minutes as decimal hours, a half rounded up (62.325 minutes: 1038.8), for a table
    cell or a spreadsheet; the same rounding as :func:`hours`, so that a chart and its
    table agree (Python's ``round`` gives 11.2 for 11.25, this 11.3)."""
    step = Decimal(1).scaleb(-decimals)
    return (Decimal(str(minutes or 0)) / 60).quantize(step, rounding=ROUND_HALF_UP)


def cell(value: Any) -> str:
    """A table cell as the page shows it: numbers with the language's separators, dates
    in the short style; text as it is. The same cell goes into a spreadsheet as a number
    or a date (``dashboards.exports``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return number(value)
    if isinstance(value, float | Decimal):
        return _as_needed(value, 2)
    # A date in a narrow column stays on one line ("27 jul 2026", not three).
    if isinstance(value, datetime.datetime):
        return short_datetime(value).replace(" ", NBSP)
    if isinstance(value, datetime.date):
        return short_date(value).replace(" ", NBSP)
    return str(value)


def csv_separators() -> tuple[str, str]:
    """(field separator, decimal separator) for a CSV in the current language. Where the
    decimal separator is a comma, spreadsheets (Excel with Dutch settings) separate
    fields with a semicolon, and open a comma-separated file in one column."""
    decimal = str(formats.get_format("DECIMAL_SEPARATOR"))
    return (";" if decimal == "," else ",", decimal)
