from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from environments.models import LearningEnvironment
from learning_networks.models import NetworkSession
from placements.models import ActivityEntry, Discipline, Placement
from reflections.models import (
    MAX_FEEDBACK,
    MAX_OUTCOME_TEXT,
    MAX_TEXT,
    MECHANISM_EXPLANATIONS,
    MECHANISM_FIELDS,
    VISIBILITY_EXPLANATIONS,
    LearningMechanism,
    LearningOutcome,
    Reflection,
    TArm,
    Visibility,
)
from ulvo.lib.formats import short_date

EMPTY_REFLECTION = _("Write your reflection before you share it.")
TOO_LONG = _("Keep it to at most %(limit)s characters (it has %(count)s).")
NOT_YOURS = _("Choose one of your own.")
OTHER_ENVIRONMENT = _("This belongs to another learning environment than the one you chose.")
LINKS_DISAGREE = _("These belong to different learning environments.")
DUPLICATE_OUTCOME = _("This environment already has an outcome with this title.")
CHOOSE_ENVIRONMENT = _("Choose the learning environment this reflection belongs to.")


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise forms.ValidationError(_("The text contains a character that cannot be saved."))
    return value


class BoundedTextField(forms.CharField):
    """A text field that names the limit and the actual length when it is too long."""

    def __init__(self, *args: Any, limit: int, **kwargs: Any) -> None:
        kwargs.setdefault("strip", True)
        super().__init__(*args, **kwargs)
        self.limit = limit
        self.widget.attrs.setdefault("maxlength", str(limit))

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        _no_nul(value)
        if len(value) > self.limit:
            raise forms.ValidationError(
                TOO_LONG, params={"limit": self.limit, "count": len(value)}, code="max_length"
            )
        return value


class MechanismChoiceField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class ReflectionForm(forms.Form):
    """Write or change a reflection. Only the author's own placements, sessions,
    activity entries and environments are offered and accepted."""

    text = BoundedTextField(
        label=_("Your reflection"),
        limit=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    mechanisms = MechanismChoiceField(
        label=_("Which learning across boundaries does it show?"),
        choices=LearningMechanism.choices,
        required=False,
    )
    t_arm = forms.ChoiceField(
        label=_("Is it about deepening your own discipline or connecting with others?"),
        choices=TArm.choices,
        initial=TArm.CONNECTING,
        widget=forms.RadioSelect,
    )
    disciplines = forms.MultipleChoiceField(
        label=_("Disciplines involved"),
        choices=Discipline.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it?"),
        choices=Visibility.choices,
        initial=Visibility.SUPERVISORS,
        widget=forms.RadioSelect,
    )
    environment = forms.ModelChoiceField(
        label=_("Learning environment"),
        queryset=LearningEnvironment.objects.none(),
        required=False,
        empty_label=_("(from what it is about)"),
    )
    placement = forms.ModelChoiceField(
        label=_("About my placement"), queryset=Placement.objects.none(), required=False
    )
    session = forms.ModelChoiceField(
        label=_("About a session I attended"),
        queryset=NetworkSession.objects.none(),
        required=False,
    )
    activity = forms.ModelChoiceField(
        label=_("About one of my activities"),
        queryset=ActivityEntry.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, user: User, require_text: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.require_text = require_text
        active = user.memberships.filter(is_active=True).values("environment_id")
        cast(
            forms.ModelChoiceField, self.fields["environment"]
        ).queryset = LearningEnvironment.objects.filter(pk__in=active)
        cast(forms.ModelChoiceField, self.fields["placement"]).queryset = Placement.objects.filter(
            student=user, environment_id__in=active
        ).select_related("programme")
        # Sessions I was invited to that have begun: those I can reflect on.
        cast(
            forms.ModelChoiceField, self.fields["session"]
        ).queryset = NetworkSession.objects.filter(
            attendances__user=user,
            network__environment_id__in=active,
            starts_at__lte=timezone.now(),
        ).order_by("-starts_at")
        activity = cast(forms.ModelChoiceField, self.fields["activity"])
        activity.queryset = (
            ActivityEntry.objects.filter(
                placement__student=user, placement__environment_id__in=active
            )
            .select_related("placement")
            .order_by("-date", "-pk")
        )
        # Django's documented per-field labels; the stubs see a method.
        activity.label_from_instance = self._activity_label  # type: ignore[method-assign,assignment]
        for field in ("placement", "session", "activity"):
            self.fields[field].error_messages["invalid_choice"] = NOT_YOURS
        self.fields["environment"].error_messages["invalid_choice"] = CHOOSE_ENVIRONMENT
        self.fields["text"].help_text = _(
            "At most %(count)s characters. Write about pupils without naming them."
        ) % {"count": MAX_TEXT}

    @staticmethod
    def _activity_label(entry: ActivityEntry) -> str:
        return f"{short_date(entry.date)} · {entry.get_kind_display()}"

    @classmethod
    def initial_from(cls, reflection: Reflection) -> dict[str, Any]:
        return {
            "text": reflection.text,
            "mechanisms": [m.value for m in reflection.mechanisms],
            "t_arm": reflection.t_arm,
            "disciplines": reflection.disciplines,
            "visibility": reflection.visibility,
            "environment": reflection.environment_id,
            "placement": reflection.placement_id,
            "session": reflection.session_id,
            "activity": reflection.activity_id,
        }

    def mechanism_choices(self) -> list[tuple[Any, str]]:
        """Each checkbox with its one-line explanation."""
        return [
            (box, str(MECHANISM_EXPLANATIONS[LearningMechanism(box.data["value"])]))
            for box in self["mechanisms"]
        ]

    def visibility_choices(self) -> list[tuple[Any, str]]:
        return [
            (radio, str(VISIBILITY_EXPLANATIONS[Visibility(radio.data["value"])]))
            for radio in self["visibility"]
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.require_text and not data.get("text") and "text" not in self.errors:
            self.add_error("text", EMPTY_REFLECTION)
        environments = set()
        activity = data.get("activity")
        placement = data.get("placement")
        session = data.get("session")
        if activity is not None:
            environments.add(activity.placement.environment_id)
            if placement is None:
                data["placement"] = placement = activity.placement
            elif placement.pk != activity.placement_id:
                self.add_error("activity", LINKS_DISAGREE)
        if placement is not None:
            environments.add(placement.environment_id)
        if session is not None:
            environments.add(session.network.environment_id)
        chosen = data.get("environment")
        if len(environments) > 1:
            self.add_error("session", LINKS_DISAGREE)
        elif chosen is not None and environments and chosen.pk not in environments:
            self.add_error("environment", OTHER_ENVIRONMENT)
        elif chosen is None and environments:
            data["environment"] = LearningEnvironment.objects.get(pk=environments.pop())
        elif chosen is None:
            mine = cast(forms.ModelChoiceField, self.fields["environment"]).queryset
            assert mine is not None
            only = list(mine[:2])
            if len(only) == 1:
                data["environment"] = only[0]
            elif "environment" not in self.errors:
                self.add_error("environment", CHOOSE_ENVIRONMENT)
        return data

    def apply_to(self, reflection: Reflection) -> Reflection:
        data = self.cleaned_data
        reflection.text = data["text"]
        chosen = set(data.get("mechanisms") or [])
        for mechanism, field in MECHANISM_FIELDS.items():
            setattr(reflection, field, mechanism.value in chosen)
        reflection.t_arm = data["t_arm"]
        reflection.disciplines = list(data.get("disciplines") or [])
        reflection.visibility = data["visibility"]
        reflection.environment = data["environment"]
        reflection.placement = data.get("placement")
        reflection.session = data.get("session")
        reflection.activity = data.get("activity")
        return reflection


class FeedbackForm(forms.Form):
    text = BoundedTextField(
        label=_("Your response"),
        limit=MAX_FEEDBACK,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a response first.")},
    )


class OutcomeForm(forms.ModelForm):
    description = BoundedTextField(
        label=_("Description"),
        limit=MAX_OUTCOME_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    criteria = BoundedTextField(
        label=_("Criteria"),
        limit=MAX_OUTCOME_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How can a student show this outcome?"),
    )

    class Meta:
        model = LearningOutcome
        fields = ["title", "description", "criteria", "position"]
        labels = {"title": _("Title"), "position": _("Position in the list")}

    def __init__(self, *args: Any, environment: LearningEnvironment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environment = environment
        self.instance.environment = environment

    def clean_title(self) -> str:
        title = _no_nul(self.cleaned_data["title"].strip())
        duplicates = LearningOutcome.objects.filter(
            environment=self.environment, title__iexact=title
        )
        if self.instance.pk:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise forms.ValidationError(
                _("This environment already has an outcome with this title.")
            )
        return title


class EvidenceForm(forms.Form):
    """Link one of my reflections or activity entries in the outcome's environment."""

    reflection = forms.ModelChoiceField(
        label=_("One of my reflections"), queryset=Reflection.objects.none(), required=False
    )
    activity = forms.ModelChoiceField(
        label=_("One of my activities"), queryset=ActivityEntry.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: User, outcome: LearningOutcome, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcome = outcome
        reflection = cast(forms.ModelChoiceField, self.fields["reflection"])
        reflection.queryset = Reflection.objects.filter(
            author=user, environment_id=outcome.environment_id
        ).order_by("-created_at")
        # Django's documented per-field labels; the stubs see a method.
        reflection.label_from_instance = self._reflection_label  # type: ignore[method-assign,assignment]
        activity = cast(forms.ModelChoiceField, self.fields["activity"])
        activity.queryset = (
            ActivityEntry.objects.filter(
                placement__student=user, placement__environment_id=outcome.environment_id
            )
            .select_related("placement")
            .order_by("-date", "-pk")
        )
        # Django's documented per-field labels; the stubs see a method.
        activity.label_from_instance = ReflectionForm._activity_label  # type: ignore[method-assign,assignment]
        for field in ("reflection", "activity"):
            self.fields[field].error_messages["invalid_choice"] = NOT_YOURS

    @staticmethod
    def _reflection_label(reflection: Reflection) -> str:
        text = " ".join(reflection.text.split())
        day = short_date(reflection.created_at)
        return f"{day} · {text[:60]}" if text else day

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors and (data.get("reflection") is None) == (data.get("activity") is None):
            raise forms.ValidationError(_("Choose one reflection or one activity."))
        return data
