import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from notifications.models import Delivery, Kind, Preference
from ulvo.lib.dates import PlausibleDateField

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A report longer than this is refused: figures per week over years are unreadable.
MAX_REPORT_DAYS = 2 * 366


# What each kind is, in a sentence, on the preferences page.
EXPLANATIONS: dict[str, "StrOrPromise"] = {
    Kind.REFLECTION_FEEDBACK: _("Someone responded to a reflection of yours."),
    Kind.SESSION_REMINDER: _("The day before a session you are invited to."),
    Kind.SESSION_FOLLOWUP: _("After a session: a prompt to give feedback and reflect."),
    Kind.LOG_REMINDER: _("Weekly, when you were on site but logged nothing for that week."),
    Kind.SIGNOFF_REQUEST: _("A student you sign off for submitted a week."),
    Kind.SIGNOFF_REMINDER: _("Weeks still waiting for your sign-off (at most three times)."),
    Kind.BALANCE_REPORT: _("Monthly, for coordinators: the participation-balance report."),
    Kind.REPORT_READY: _("A report you asked for can be downloaded."),
    Kind.WEEK_RETURNED: _(
        "Your supervisor returned a week: the app and the week's page show what to change."
    ),
    Kind.WEEK_APPROVED: _("Your supervisor approved a week of yours."),
    Kind.SUPERVISION_ASSIGNED: _(
        "Someone starts supervising your placement, or you start supervising a student."
    ),
    Kind.NETWORK_ADDED: _("You were added to a learning network or to its core team."),
    Kind.REFLECTION_SHARED: _("A student you supervise shared a reflection with you."),
    Kind.REFLECTION_WAITING: _("A reflection shared with you has waited a week for a response."),
    Kind.INVITATION_REMINDER: _("A reminder of an invitation you have not accepted yet."),
    Kind.INVITATION_UNACCEPTED: _(
        "For coordinators: someone did not accept an invitation, even after a reminder."
    ),
    Kind.SESSION_PUBLISHED: _("A session was planned for you, or you were invited to one."),
    Kind.SESSION_MOVED: _("A session you are invited to moved: the old and the new time."),
    Kind.SESSION_CANCELLED: _("A session you are invited to does not take place."),
}


class PreferencesForm(forms.Form):
    """One choice per kind of message."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
        for kind, label in Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                help_text=EXPLANATIONS.get(kind) or "",
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
