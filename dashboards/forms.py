import datetime
from typing import Any, cast

from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dashboards.figures import TERMS, Period, school_year_bounds, term_bounds
from environments.models import Domain, LearningEnvironment, Level, Programme
from learning_networks.models import SessionKind
from placements.models import Setting
from ulvo.lib.dates import PlausibleDateField
from ulvo.lib.formats import short_date

# A custom range longer than this is a typing error, not a question anyone asks.
MAX_RANGE_DAYS = 2 * 366
# School years offered: around the environment's own.
YEARS_BACK = 5
YEARS_AHEAD = 1


class PeriodKind:
    YEAR = "year"
    TERM = "term"
    CUSTOM = "custom"


def school_year_choices(environment: LearningEnvironment) -> list[tuple[str, str]]:
    first = int(environment.school_year[:4])
    years = range(first + YEARS_AHEAD, first - YEARS_BACK - 1, -1)
    return [(f"{y}-{y + 1}", f"{y}-{y + 1}") for y in years]


class PeriodForm(forms.Form):
    """The dashboard's period, from GET parameters: a school year, one of its terms,
    or a custom range. Anything else is an error, never a silently different period."""

    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            (PeriodKind.YEAR, _("School year")),
            (PeriodKind.TERM, _("Term")),
            (PeriodKind.CUSTOM, _("Custom range")),
        ],
        required=False,
    )
    year = forms.ChoiceField(label=_("School year"), required=False)
    term = forms.TypedChoiceField(
        label=_("Term"),
        choices=[
            (1, _("Term 1 (Aug–Oct)")),
            (2, _("Term 2 (Nov–Jan)")),
            (3, _("Term 3 (Feb–Apr)")),
            (4, _("Term 4 (May–Jul)")),
        ],
        coerce=int,
        required=False,
        empty_value=None,
    )
    start = PlausibleDateField(label=_("From"), required=False)
    end = PlausibleDateField(label=_("Until"), required=False)

    def __init__(self, *args: Any, environment: LearningEnvironment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environment = environment
        cast(forms.ChoiceField, self.fields["year"]).choices = school_year_choices(environment)
        self.fields["year"].validators.append(RegexValidator(r"^[0-9]{4}-[0-9]{4}$"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        kind = data.get("period") or PeriodKind.YEAR
        year = data.get("year") or self.environment.school_year
        data["period"], data["year"] = kind, year
        if kind == PeriodKind.TERM and data.get("term") not in TERMS:
            self.add_error("term", _("Choose a term."))
        if kind == PeriodKind.CUSTOM:
            start, end = data.get("start"), data.get("end")
            if start is None:
                self.add_error("start", _("Enter the first day."))
            if end is None:
                self.add_error("end", _("Enter the last day."))
            if start and end:
                if end < start:
                    self.add_error("end", _("The last day comes before the first day."))
                elif (end - start).days > MAX_RANGE_DAYS:
                    self.add_error("end", _("Choose a range of at most two years."))
        return data

    def get_period(self) -> Period:
        """The chosen period; only after ``is_valid()``."""
        data = self.cleaned_data
        year = str(data["year"])
        if data["period"] == PeriodKind.TERM:
            start, end = term_bounds(year, int(data["term"]))
            label = _("term %(term)s of %(year)s") % {"term": data["term"], "year": year}
        elif data["period"] == PeriodKind.CUSTOM:
            start, end = data["start"], data["end"]
            label = f"{short_date(start)} – {short_date(end)}"
        else:
            start, end = school_year_bounds(year)
            label = _("school year %(year)s") % {"year": year}
        return Period(start=start, end=end, label=str(label))

    def query(self) -> str:
        """The filters as a query string (for links that keep the period)."""
        from urllib.parse import urlencode

        data = self.cleaned_data
        params: dict[str, object] = {"period": data["period"], "year": data["year"]}
        if data["period"] == PeriodKind.TERM:
            params["term"] = data["term"]
        if data["period"] == PeriodKind.CUSTOM:
            params["start"] = data["start"].isoformat()
            params["end"] = data["end"].isoformat()
        return urlencode(params)


class DrillForm(forms.Form):
    """The filter of a drill-down list: unknown values are errors, not ignored."""

    def __init__(self, *args: Any, environment: LearningEnvironment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environment = environment

    def description(self) -> list[tuple[str, str]]:
        """(label, value) of each filter in use, for the page's heading."""
        shown = []
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                # Django keeps a form field's choices as (value, label) pairs.
                pairs = cast(list[tuple[Any, Any]], field.choices)
                value = dict(pairs).get(value, value)
            shown.append((str(field.label), str(value)))
        return shown


class PlacementDrillForm(DrillForm):
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), required=False)
    domain = forms.ChoiceField(
        label=_("Domain"), choices=[("", ""), *Domain.choices], required=False
    )
    level = forms.ChoiceField(label=_("Level"), choices=[("", ""), *Level.choices], required=False)
    week = PlausibleDateField(label=_("Week of"), required=False)
    own_domain = forms.ChoiceField(
        label=_("Practice supervisor from the student's own domain"),
        choices=[("", ""), ("yes", _("yes")), ("no", _("no"))],
        required=False,
    )

    def __init__(self, *args: Any, environment: LearningEnvironment, **kwargs: Any) -> None:
        super().__init__(*args, environment=environment, **kwargs)
        programme = cast(forms.ModelChoiceField, self.fields["programme"])
        programme.label = _("Programme")
        programme.queryset = Programme.objects.filter(
            Q(institute__environments=environment)
            | Q(pk__in=environment.programme_targets.values("programme_id"))
        ).distinct()

    def clean_week(self) -> datetime.date | None:
        week = self.cleaned_data.get("week")
        if week is not None and week.weekday() != 0:
            raise forms.ValidationError(_("A week starts on a Monday."))
        return week


class SessionDrillForm(DrillForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", ""), *SessionKind.choices], required=False
    )


class HoursDrillForm(DrillForm):
    setting = forms.ChoiceField(
        label=_("Setting"), choices=[("", ""), *Setting.choices], required=False
    )
