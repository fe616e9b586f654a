from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from environments.models import LearningEnvironment, Organisation, OrganisationKind
from practice.models import (
    MAX_COLUMN_NAME,
    MAX_COMMENT,
    MAX_QUESTION_TEXT,
    MAX_SHORT_TEXT,
    BoardColumn,
    Card,
    PracticeQuestion,
    QuestionStatus,
)
from ulvo.lib.dates import DateInput, PlausibleDateField

CHOOSE_HOST = _("Choose a school or neighbourhood organisation of this learning environment.")
CHOOSE_MEMBER = _("Choose a student with a placement here or a supervisor of this environment.")


def _strip_nul(value: str) -> str:
    if "\x00" in value:
        raise forms.ValidationError(_("Remove the invisible control characters."))
    return value


class QuestionForm(forms.ModelForm):
    """What the asker tells: the question, its context, what they hope for, for whom,
    whom to involve and which domain it needs most."""

    class Meta:
        model = PracticeQuestion
        fields = [
            "title",
            "host",
            "context",
            "hoped_for",
            "for_whom",
            "people_to_involve",
            "needed_domain",
        ]
        labels = {
            "title": _("The question"),
            "host": _("School or neighbourhood organisation"),
            "context": _("Context: where does the question come from?"),
            "hoped_for": _("What do you hope the team achieves?"),
            "for_whom": _("For whom (pupils' age group, setting)"),
            "people_to_involve": _("People to involve"),
            "needed_domain": _("Domain the question needs most"),
        }
        help_texts = {
            "title": _("One sentence, e.g. “How do we make the playground a happier place?”"),
            "for_whom": _(
                "E.g. “groups 5 to 8, the playground during breaks”. No names of pupils."
            ),
            "people_to_involve": _(
                "Optional. Colleagues, parents' council, the neighbourhood team…"
            ),
            "needed_domain": _("Optional. ULVO warns when the team has nobody from it."),
        }
        widgets = {
            "context": forms.Textarea(attrs={"rows": 4, "maxlength": MAX_QUESTION_TEXT}),
            "hoped_for": forms.Textarea(attrs={"rows": 3, "maxlength": MAX_SHORT_TEXT}),
            "people_to_involve": forms.Textarea(attrs={"rows": 2, "maxlength": MAX_SHORT_TEXT}),
        }
        error_messages = {
            "title": {"required": _("Write down the question.")},
            "context": {"required": _("Describe where the question comes from.")},
            "hoped_for": {"required": _("Write down what you hope for.")},
            "for_whom": {"required": _("Say for whom the question is.")},
            "host": {"invalid_choice": CHOOSE_HOST, "required": CHOOSE_HOST},
        }

    def __init__(
        self, *args: Any, environment: LearningEnvironment, user: User, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        hosts = environment.organisations.filter(
            kind__in=[OrganisationKind.SCHOOL, OrganisationKind.NEIGHBOURHOOD]
        ).order_by("name")
        host_field = self.fields["host"]
        assert isinstance(host_field, forms.ModelChoiceField)
        host_field.queryset = hosts
        host_field.empty_label = None
        if not self.is_bound:
            own = (
                user.memberships.filter(environment=environment, organisation__in=hosts)
                .values_list("organisation_id", flat=True)
                .first()
            )
            if own:
                self.initial.setdefault("host", own)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in data.items():
            if isinstance(value, str):
                try:
                    _strip_nul(value)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return data


class DecisionForm(forms.Form):
    """Accept or decline a proposed question (a reason is needed to decline)."""

    action = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    reason = forms.CharField(
        label=_("Reason (when you decline)"),
        required=False,
        max_length=MAX_SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_SHORT_TEXT}),
    )

    def clean_reason(self) -> str:
        return _strip_nul(self.cleaned_data["reason"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "decline" and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the question is declined."))
        return data


class StepForm(forms.Form):
    """The team starts, or delivers with what it delivered."""

    action = forms.ChoiceField(choices=[("start", _("Start")), ("deliver", _("Deliver"))])
    outcome = forms.CharField(
        label=_("What did the team deliver?"),
        required=False,
        max_length=MAX_QUESTION_TEXT,
        help_text=_("A plan, a presentation to the school's team, a product…"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_QUESTION_TEXT}),
    )

    def clean_outcome(self) -> str:
        return _strip_nul(self.cleaned_data["outcome"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "deliver" and not data.get("outcome", "").strip():
            self.add_error("outcome", _("Describe what the team delivered."))
        return data


class EvaluationForm(forms.Form):
    evaluation = forms.CharField(
        label=_("Did it help? What changed for the children?"),
        max_length=MAX_QUESTION_TEXT,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_QUESTION_TEXT}),
        error_messages={"required": _("Write down your evaluation.")},
    )

    def clean_evaluation(self) -> str:
        return _strip_nul(self.cleaned_data["evaluation"])


class TeamMemberForm(forms.Form):
    person = forms.TypedChoiceField(
        label=_("Add to the team"), coerce=int, error_messages={"invalid_choice": CHOOSE_MEMBER}
    )

    def __init__(self, *args: Any, candidates: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *candidates]


class ColumnsForm(forms.Form):
    """One name field per column of the board."""

    def __init__(self, *args: Any, columns: list[BoardColumn], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        for column in columns:
            self.fields[f"column_{column.pk}"] = forms.CharField(
                label=_("Column %(number)s") % {"number": column.position + 1},
                max_length=MAX_COLUMN_NAME,
                initial=column.name,
                error_messages={"required": _("Give the column a name.")},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in data.items():
            try:
                _strip_nul(value)
            except forms.ValidationError as error:
                self.add_error(name, error)
        return data

    def names(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[f"column_{c.pk}"].strip() for c in self.columns}


class CardForm(forms.ModelForm):
    due_date = PlausibleDateField(label=_("Due date"), required=False, widget=DateInput())

    class Meta:
        model = Card
        fields = ["title", "notes", "assignee", "due_date"]
        labels = {"title": _("Card"), "notes": _("Notes"), "assignee": _("Taken by")}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"title": {"required": _("Give the card a title.")}}

    def __init__(self, *args: Any, team: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ModelChoiceField)
        assignee.queryset = User.objects.filter(pk__in=[u.pk for u in team])
        assignee.empty_label = _("nobody yet")
        assignee.error_messages["invalid_choice"] = _("Choose someone of the team.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("title", "notes"):
            value = data.get(name)
            if isinstance(value, str):
                try:
                    _strip_nul(value)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return data


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"),
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_COMMENT}),
        error_messages={"required": _("Write a comment first.")},
    )

    def clean_text(self) -> str:
        return _strip_nul(self.cleaned_data["text"])


class ListFilterForm(forms.Form):
    environment = forms.TypedChoiceField(
        label=_("Learning environment"), coerce=int, required=False
    )
    host = forms.TypedChoiceField(label=_("School or organisation"), coerce=int, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    open = forms.BooleanField(label=_("Only open questions"), required=False)

    def __init__(
        self,
        *args: Any,
        environments: list[LearningEnvironment],
        hosts: list[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("all"))]
        env_field = self.fields["environment"]
        host_field = self.fields["host"]
        status_field = self.fields["status"]
        assert isinstance(env_field, forms.TypedChoiceField)
        assert isinstance(host_field, forms.TypedChoiceField)
        assert isinstance(status_field, forms.ChoiceField)
        env_field.choices = everything + [(e.pk, str(e)) for e in environments]
        host_field.choices = everything + [(h.pk, h.name) for h in hosts]
        status_field.choices = everything + list(QuestionStatus.choices)


class MeetingForm(forms.Form):
    held_on = PlausibleDateField(label=_("Date of the meeting"), widget=DateInput())
    notes = forms.CharField(
        label=_("Notes"),
        max_length=MAX_QUESTION_TEXT,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_QUESTION_TEXT}),
        error_messages={"required": _("Write down what the team discussed.")},
    )
    agreements = forms.CharField(
        label=_("Agreements"),
        required=False,
        max_length=MAX_QUESTION_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_QUESTION_TEXT}),
    )
    next_chair = forms.TypedChoiceField(
        label=_("Who chairs next time"),
        coerce=int,
        error_messages={"invalid_choice": _("Choose someone of the team.")},
    )

    def __init__(self, *args: Any, team: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["next_chair"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(u.pk, u.full_name) for u in team]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("notes", "agreements"):
            value = data.get(name)
            if isinstance(value, str):
                try:
                    _strip_nul(value)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return data
