"""Forms of the participants' side of a session: answers, check-in, roster and feedback.

Every rule a service enforces is checked here first, so the user gets a message at
the field; the services check again for requests that race each other.
"""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learning_networks.models import (
    Answer,
    Attendance,
    NetworkSession,
    Presence,
    SessionFeedback,
    SessionStatus,
)

MAX_REASON = Attendance._meta.get_field("reason").max_length or 300
MAX_COMMENT = 2000

SCORE_CHOICES = [
    (1, _("1 – not at all")),
    (2, _("2 – a little")),
    (3, _("3 – somewhat")),
    (4, _("4 – quite")),
    (5, _("5 – very")),
]


def session_day(session: NetworkSession) -> datetime.date:
    return timezone.localdate(session.starts_at)


def check_in_is_open(session: NetworkSession) -> bool:
    """Students check in with the code on the session's day, or while it runs."""
    now = timezone.now()
    return (
        bool(session.check_in_code)
        and session.status != SessionStatus.CANCELLED
        and (
            session.starts_at <= now <= session.ends_at
            or session_day(session) == timezone.localdate(now)
        )
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Answer"), choices=[(Answer.YES, Answer.YES.label), (Answer.NO, Answer.NO.label)]
    )
    reason = forms.CharField(
        label=_("Because…"),
        max_length=MAX_REASON,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_REASON}),
        help_text=_("The facilitators see your reason."),
    )

    def __init__(self, *args: Any, attendance: Attendance, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attendance = attendance

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        session = self.attendance.session
        if session.status == SessionStatus.CANCELLED:
            raise forms.ValidationError(_("This session has been cancelled."))
        if session.starts_at <= timezone.now():
            raise forms.ValidationError(_("This session has already started; answers are closed."))
        if cleaned.get("answer") == Answer.NO and not cleaned.get("reason"):
            self.add_error("reason", _("Tell the facilitators why you cannot come."))
        return cleaned


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=12,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "check-in-input",
            }
        ),
        help_text=_("The code the facilitator shows in the room."),
    )

    def __init__(self, *args: Any, attendance: Attendance, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attendance = attendance

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not check_in_is_open(self.attendance.session):
            raise forms.ValidationError(_("Checking in is not open for this session."))
        return cleaned


class FeedbackForm(forms.Form):
    usefulness = forms.TypedChoiceField(
        label=_("How useful was this session?"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "score"}),
    )
    relevance = forms.TypedChoiceField(
        label=_("How relevant was it to your practice?"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "score"}),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=MAX_COMMENT,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_COMMENT}),
        help_text=_("The core team reads comments without your name. Do not name pupils."),
    )

    def __init__(
        self, *args: Any, attendance: Attendance, is_facilitator: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.attendance = attendance
        self.is_facilitator = is_facilitator

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        session = self.attendance.session
        if self.is_facilitator:
            raise forms.ValidationError(_("Facilitators do not rate their own session."))
        if session.status == SessionStatus.CANCELLED or not session.has_taken_place:
            raise forms.ValidationError(
                _("You can give feedback once the session has taken place.")
            )
        if SessionFeedback.objects.filter(
            session=session, user_id=self.attendance.user_id
        ).exists():
            raise forms.ValidationError(_("You have already given feedback on this session."))
        return cleaned


class PresenceForm(forms.Form):
    presence = forms.ChoiceField(
        label=_("Presence"),
        choices=[
            (Presence.PRESENT, Presence.PRESENT.label),
            (Presence.EXCUSED, Presence.EXCUSED.label),
            (Presence.ABSENT, Presence.ABSENT.label),
        ],
    )

    def __init__(self, *args: Any, session: NetworkSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session = session

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        presence = cleaned.get("presence")
        if self.session.status == SessionStatus.CANCELLED:
            raise forms.ValidationError(_("This session has been cancelled."))
        # Someone may be excused in advance; present and absent only on the day.
        if presence != Presence.EXCUSED and timezone.localdate() < session_day(self.session):
            raise forms.ValidationError(
                _("Presence can be registered from the day of the session.")
            )
        return cleaned


class RosterFilterForm(forms.Form):
    """Whom the roster shows (a GET form): part of a name, and by answer or presence."""

    EVERYONE = ""
    COMING = "yes"
    OPEN = "open"
    NOT_COMING = "no"
    UNREGISTERED = "unregistered"

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        widget=forms.SearchInput(attrs={"autocomplete": "off", "enterkeyhint": "search"}),
    )
    show = forms.ChoiceField(
        label=_("Who"),
        required=False,
        choices=[
            (EVERYONE, _("Everyone")),
            (COMING, _("Said they'll come")),
            (OPEN, _("No answer yet")),
            (NOT_COMING, _("Can't come")),
            (UNREGISTERED, _("Not registered yet")),
        ],
    )


class OpenCheckInForm(forms.Form):
    """No fields: the session must be on its day (or running) and not cancelled."""

    def __init__(self, *args: Any, session: NetworkSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session = session

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        now = timezone.now()
        if self.session.status == SessionStatus.CANCELLED:
            raise forms.ValidationError(_("This session has been cancelled."))
        if session_day(self.session) != timezone.localdate(now) and not (
            self.session.starts_at <= now <= self.session.ends_at
        ):
            raise forms.ValidationError(_("Check-in can be opened on the day of the session."))
        return cleaned


MAX_DECISION = 2000


class DecisionForm(forms.Form):
    """ "You said, we did": what the core team concluded and what it changes (#19)."""

    concluded = forms.CharField(
        label=_("You said: what we concluded from the feedback"),
        max_length=MAX_DECISION,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_DECISION}),
        help_text=_("Participants read this. Do not name participants or pupils."),
    )
    changes = forms.CharField(
        label=_("We did: what we change"),
        max_length=MAX_DECISION,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_DECISION}),
    )
