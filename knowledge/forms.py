from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from environments.models import LearningEnvironment
from knowledge.markdown import MAX_BODY
from knowledge.models import MAX_SUMMARY, Entry, EntryKind, Interest, Tag, TagCategory
from knowledge.search import MAX_QUERY
from practice.models import PracticeQuestion, QuestionStatus


def _strip_nul(value: str) -> str:
    if "\x00" in value:
        raise forms.ValidationError(_("Remove the invisible control characters."))
    return value


class EntryForm(forms.ModelForm):
    """What the writers tell: the kind, a title, a summary, the text in Markdown, the
    tags, the organisations, the contributors and the practice questions behind it."""

    contributors = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Contributors"),
        help_text=_(
            "Everyone named is asked to consent before the entry can be public. Whoever "
            "wrote it first is always named."
        ),
    )

    class Meta:
        model = Entry
        fields = ["kind", "title", "summary", "body", "tags", "organisations", "practice_questions"]
        labels = {
            "kind": _("Kind"),
            "title": _("Title"),
            "summary": _("Summary"),
            "body": _("Text"),
            "tags": _("Tags"),
            "organisations": _("Organisations involved"),
            "practice_questions": _("Practice questions it grew from"),
        }
        help_texts = {
            "summary": _("Two or three sentences: what was done, and what it brought."),
            "body": _(
                "Markdown: **bold**, *italic*, lists with -, headings with ##, links as "
                "[text](https://…). No names of pupils."
            ),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3, "maxlength": MAX_SUMMARY}),
            "body": forms.Textarea(attrs={"rows": 12, "maxlength": MAX_BODY}),
            "tags": forms.CheckboxSelectMultiple,
            "organisations": forms.CheckboxSelectMultiple,
            "practice_questions": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "title": {"required": _("Give the entry a title.")},
            "summary": {"required": _("Write a short summary.")},
        }

    def __init__(
        self, *args: Any, environment: LearningEnvironment, user: User, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        organisations = self.fields["organisations"]
        assert isinstance(organisations, forms.ModelMultipleChoiceField)
        organisations.queryset = environment.organisations.order_by("name")
        questions = self.fields["practice_questions"]
        assert isinstance(questions, forms.ModelMultipleChoiceField)
        questions.queryset = PracticeQuestion.objects.visible_to(user).filter(
            environment=environment,
            status__in=(QuestionStatus.DELIVERED, QuestionStatus.EVALUATED),
        )
        contributors = self.fields["contributors"]
        assert isinstance(contributors, forms.ModelMultipleChoiceField)
        contributors.queryset = (
            User.objects.filter(memberships__environment=environment, memberships__is_active=True)
            .distinct()
            .order_by("full_name")
        )
        tags = self.fields["tags"]
        assert isinstance(tags, forms.ModelMultipleChoiceField)
        tags.queryset = Tag.objects.all()
        if self.instance.pk:
            self.initial["contributors"] = list(
                self.instance.contributors.values_list("user_id", flat=True)
            )

    def clean_title(self) -> str:
        return _strip_nul(self.cleaned_data["title"])

    def clean_summary(self) -> str:
        return _strip_nul(self.cleaned_data["summary"])

    def clean_body(self) -> str:
        return _strip_nul(self.cleaned_data["body"])


class StepForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("submit", "submit"), ("publish", "publish"), ("return", "return")]
    )


class PublicForm(forms.Form):
    """Making an entry public: the reviewer confirms the privacy check."""

    action = forms.ChoiceField(choices=[("public", "public"), ("private", "private")])
    no_pupil_identifiable = forms.BooleanField(
        required=False,
        label=_("I read the entry: no pupil can be identified from its text."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "public" and not data.get("no_pupil_identifiable"):
            self.add_error("no_pupil_identifiable", _("Confirm that no pupil can be identified."))
        return data


class ConsentForm(forms.Form):
    action = forms.ChoiceField(choices=[("give", "give"), ("withdraw", "withdraw")])


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *EntryKind.choices]
    )
    tag = forms.ModelMultipleChoiceField(
        label=_("Tags"),
        required=False,
        queryset=Tag.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_q(self) -> str:
        return _strip_nul(self.cleaned_data["q"])


def tag_groups(form: forms.BaseForm, name: str) -> list[tuple[str, list[Any]]]:
    """The checkboxes of a tag field grouped by category, for the template."""
    by_value = {str(widget.data["value"]): widget for widget in form[name]}
    groups = []
    for category in TagCategory:
        boxes = [
            by_value[str(tag.pk)]
            for tag in Tag.objects.filter(category=category)
            if str(tag.pk) in by_value
        ]
        if boxes:
            groups.append((str(category.label), boxes))
    return groups


class InterestForm(forms.ModelForm):
    """A prospective student's interest. ``website`` is a honeypot: hidden from
    people, filled in by bots; a form with it filled is quietly dropped."""

    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Interest
        fields = ["programme", "institute", "study_year", "email", "consent"]
        labels = {
            "programme": _("Your programme"),
            "institute": _("Your institute"),
            "study_year": _("Year of study"),
            "email": _("Your e-mail address"),
            "consent": _(
                "The coordinator of this learning environment may e-mail me about placements here."
            ),
        }
        widgets = {"study_year": forms.NumberInput(attrs={"min": 1, "max": 6})}
        error_messages = {
            "programme": {"required": _("Say which programme you follow.")},
            "institute": {"required": _("Say at which institute.")},
            "email": {"required": _("Fill in your e-mail address.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].required = True
        self.fields["consent"].error_messages["required"] = _(
            "Agree to be contacted, or we cannot answer you."
        )

    def clean_study_year(self) -> int:
        year = self.cleaned_data["study_year"]
        if not 1 <= year <= 6:
            raise forms.ValidationError(_("A year of study from 1 to 6."))
        return int(year)

    def clean_programme(self) -> str:
        return _strip_nul(self.cleaned_data["programme"])

    def clean_institute(self) -> str:
        return _strip_nul(self.cleaned_data["institute"])
