"""The forms of the unavailability page: a date (or days, or some hours of a day), a
weekly block, and the days a professional works in an environment."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from learning_networks.models import Unavailability, UnavailabilityKind
from placements.forms import WeekdaysField
from placements.models import Weekday
from ulvo.lib.dates import PlausibleDateField
from ulvo.lib.formats import short_date

# Enough for every week of a school year and then some; more is a script, not a person.
MAX_ENTRIES = 200
MAX_DAYS = 366
REASON_LENGTH = 200
BOTH_TIMES = gettext_lazy("Give both times, or neither for the whole day.")
PASSED = gettext_lazy("That day has passed; choose today or a later day.")
REASON_HELP = gettext_lazy(
    "Only you see it. The date finder and the coordinators only see that you cannot come."
)


class TimeInput(forms.TimeInput):
    """A browser's time picker; its value is always 24-hour ``HH:MM``."""

    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


def _time_field(label: Any) -> forms.TimeField:
    return forms.TimeField(label=label, required=False, widget=TimeInput())


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        max_length=REASON_LENGTH,
        required=False,
        help_text=REASON_HELP,
    )


def describe(unavailability: Unavailability) -> str:
    """In a few words when it is, for messages: "every Monday, 09:00–12:00",
    "7 dec 2026", "7 dec 2026, 09:00–12:00", "7 dec 2026 to 11 dec 2026"."""
    if unavailability.is_weekly:
        day = _("every %(weekday)s") % {"weekday": unavailability.get_weekday_display()}
        if unavailability.starts_time and unavailability.ends_time:
            return f"{day}, {unavailability.starts_time:%H:%M}–{unavailability.ends_time:%H:%M}"
        return day
    first, last = unavailability.first_day, unavailability.last_day
    if unavailability.all_day:
        if first == last:
            return short_date(first)
        return _("%(first)s to %(last)s") % {"first": short_date(first), "last": short_date(last)}
    start, end = unavailability.local_start, unavailability.local_end
    if start.date() == end.date():
        return f"{short_date(start)}, {start:%H:%M}–{end:%H:%M}"
    return _("%(first)s to %(last)s") % {
        "first": f"{short_date(start)} {start:%H:%M}",
        "last": f"{short_date(end)} {end:%H:%M}",
    }


class _UnavailabilityForm(forms.Form):
    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"]
        return reason.strip()

    def _check_times(self) -> tuple[datetime.time | None, datetime.time | None]:
        starts, ends = self.cleaned_data.get("starts_time"), self.cleaned_data.get("ends_time")
        if "starts_time" in self.errors or "ends_time" in self.errors:
            return None, None
        if (starts is None) != (ends is None):
            self.add_error("starts_time" if starts is None else "ends_time", BOTH_TIMES)
        elif starts is not None and ends is not None and ends <= starts:
            self.add_error("ends_time", _("The end time must be after the start time."))
        return starts, ends

    def _check_count(self) -> None:
        if Unavailability.objects.filter(user=self.user).count() >= MAX_ENTRIES:
            raise forms.ValidationError(
                _("You have entered %(count)s times already; remove some you no longer need.")
                % {"count": MAX_ENTRIES}
            )


class OnceForm(_UnavailabilityForm):
    """A date, some days in a row, or some hours of one day."""

    prefix = "once"

    date = PlausibleDateField(label=gettext_lazy("Date"))
    last_day = PlausibleDateField(
        label=gettext_lazy("Last day (optional)"),
        required=False,
        help_text=gettext_lazy("For several days in a row."),
    )
    starts_time = _time_field(gettext_lazy("Start time"))
    ends_time = _time_field(gettext_lazy("End time"))
    reason = _reason_field()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("date"), cleaned.get("last_day")
        starts, ends = self._check_times()
        if first is None or self.errors:
            return cleaned
        if last is not None and last != first:
            if last < first:
                self.add_error("last_day", _("The last day lies before the first day."))
            elif (last - first).days >= MAX_DAYS:
                self.add_error("last_day", _("Choose a period of at most a year."))
            elif starts is not None:
                self.add_error(
                    "starts_time", _("Times are for a single day; leave them empty for several.")
                )
        if not self.errors and (last or first) < timezone.localdate():
            # It would never be listed nor read by the date finder.
            self.add_error("date", PASSED)
        if self.errors:
            return cleaned
        self._check_count()
        zone = timezone.get_current_timezone()
        last = last or first
        if starts is not None and ends is not None:
            starts_at = datetime.datetime.combine(first, starts, tzinfo=zone)
            ends_at = datetime.datetime.combine(first, ends, tzinfo=zone)
        else:
            starts_at = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
            ends_at = datetime.datetime.combine(
                last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
            )
        clash = (
            Unavailability.objects.filter(
                user=self.user,
                kind=UnavailabilityKind.ONCE,
                starts_at__lt=ends_at,
                ends_at__gt=starts_at,
            )
            .order_by("starts_at")
            .first()
        )
        if clash is not None:
            self.add_error(
                "date",
                _("This overlaps what you already entered: %(when)s.") % {"when": describe(clash)},
            )
        cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at
        return cleaned

    def unavailability(self) -> Unavailability:
        return Unavailability(
            kind=UnavailabilityKind.ONCE,
            starts_at=self.cleaned_data["starts_at"],
            ends_at=self.cleaned_data["ends_at"],
            reason=self.cleaned_data["reason"],
        )


class WeeklyForm(_UnavailabilityForm):
    """A weekday, all day or some hours, optionally only from or until a date."""

    prefix = "weekly"

    weekday = forms.TypedChoiceField(
        label=gettext_lazy("Weekday"), choices=Weekday.choices, coerce=int
    )
    starts_time = _time_field(gettext_lazy("Start time"))
    ends_time = _time_field(gettext_lazy("End time"))
    valid_from = PlausibleDateField(label=gettext_lazy("Starting on (optional)"), required=False)
    valid_until = PlausibleDateField(label=gettext_lazy("Last time on (optional)"), required=False)
    reason = _reason_field()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = self._check_times()
        first, last = cleaned.get("valid_from"), cleaned.get("valid_until")
        if first is not None and last is not None and last < first:
            self.add_error("valid_until", _("The end of the period cannot be before its start."))
        elif last is not None and last < timezone.localdate():
            self.add_error("valid_until", PASSED)
        weekday = cleaned.get("weekday")
        if self.errors or weekday is None:
            return cleaned
        self._check_count()
        for other in Unavailability.objects.filter(
            user=self.user, kind=UnavailabilityKind.WEEKLY, weekday=weekday
        ):
            if _hours_overlap(
                (starts, ends), (other.starts_time, other.ends_time)
            ) and _days_overlap((first, last), (other.valid_from, other.valid_until)):
                self.add_error(
                    "weekday",
                    _("This overlaps what you already entered: %(when)s.")
                    % {"when": describe(other)},
                )
                break
        return cleaned

    def unavailability(self) -> Unavailability:
        data = self.cleaned_data
        return Unavailability(
            kind=UnavailabilityKind.WEEKLY,
            weekday=data["weekday"],
            starts_time=data["starts_time"],
            ends_time=data["ends_time"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            reason=data["reason"],
        )


Hours = tuple[datetime.time | None, datetime.time | None]
Days = tuple[datetime.date | None, datetime.date | None]


def _hours_overlap(one: Hours, other: Hours) -> bool:
    """Whether two blocks of a day overlap; no times is the whole day."""
    if None in one or None in other:
        return True
    assert one[0] and one[1] and other[0] and other[1]
    return one[0] < other[1] and other[0] < one[1]


def _days_overlap(one: Days, other: Days) -> bool:
    """Whether two periods (both inclusive, open-ended where None) share a day."""
    first = max(one[0] or datetime.date.min, other[0] or datetime.date.min)
    last = min(one[1] or datetime.date.max, other[1] or datetime.date.max)
    return first <= last


class WorkingDaysForm(forms.Form):
    """The weekdays someone works at their organisation in one environment."""

    days = WeekdaysField(label=gettext_lazy("The days you work here"))

    def clean_days(self) -> list[int]:
        days = [int(day) for day in self.cleaned_data["days"]]
        if not days:
            raise forms.ValidationError(_("Tick at least one day."))
        return days
