import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from notifications.models import Delivery, Kind, Preference
from ulvo.lib.dates import PlausibleDateField

# A report longer than this is refused: figures per week over years are unreadable.
MAX_REPORT_DAYS = 2 * 366


class PreferencesForm(forms.Form):
    """One choice per kind of message."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
        for kind, label in Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=Delivery.choices,
                initial=current.get(kind, Delivery.EMAIL),
                widget=forms.RadioSelect,
            )


class ReportForm(forms.Form):
    period_start = PlausibleDateField(label=_("From"))
    period_end = PlausibleDateField(label=_("Until"))

    def clean(self) -> dict:
        data = super().clean() or {}
        start: datetime.date | None = data.get("period_start")
        end: datetime.date | None = data.get("period_end")
        if start and end:
            if end < start:
                self.add_error("period_end", _("The end lies before the start."))
            elif (end - start).days > MAX_REPORT_DAYS:
                self.add_error("period_end", _("A report covers at most two years."))
        return data
