"""One rule for a plausible date: a day in the years 2000 to 2099.

Every form that takes a date or a date and time uses these fields, and the placement
import the same years. A fixed window rather than "today ± a few years": a form gives
the same answer tomorrow as today (a saved link, a test), a past school year stays
reachable, and the window is wide enough for any year the platform will see. What it
keeps out is a typing error or a probe such as 0001-01-01 or 9999-12-31, which
otherwise reached queries, charts and calendars, where adding a week or a year to a
day near the end of Python's range overflows.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST_YEAR, LAST_YEAR = 2000, 2099
EARLIEST = datetime.date(FIRST_YEAR, 1, 1)
LATEST = datetime.date(LAST_YEAR, 12, 31)
OUT_OF_RANGE = _("Choose a date between %(first)s and %(last)s.")


def is_plausible(day: datetime.date) -> bool:
    """Whether the day (or the date of a date and time) lies in the window."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def validate_plausible_date(value: datetime.date) -> None:
    if not is_plausible(value):
        raise ValidationError(
            OUT_OF_RANGE,
            code="date_out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


class DateInput(forms.DateInput):
    """A browser's date picker. Its value is always ISO (2026-08-01), whatever the
    language: ``<input type="date">`` reads nothing else and shows an empty field for
    the Dutch 01-08-2026."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class PlausibleDateField(forms.DateField):
    """A date in the window; a date picker offers only those days."""

    widget = DateInput
    default_validators = [validate_plausible_date]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if "date" in (widget.attrs.get("type"), getattr(widget, "input_type", None)):
            attrs.update(min=EARLIEST.isoformat(), max=LATEST.isoformat())
        return attrs


class PlausibleDateTimeField(forms.DateTimeField):
    """A date and time in the window (its year as entered, in the current time zone)."""

    default_validators = [validate_plausible_date]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", None) == "datetime-local":
            attrs.update(min=f"{EARLIEST.isoformat()}T00:00", max=f"{LATEST.isoformat()}T23:59")
        return attrs
