"""The rollover form (supervision.rollover_views): the new environment's name and what
to carry over, everything ticked at first."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from environments.models import LearningEnvironment
from supervision.models import Rollover
from supervision.rollover import Choices, next_school_year

CHOICE_FIELDS = ("partners", "programmes", "agreement", "networks", "lines", "outcomes")


class RolloverForm(forms.Form):
    name = forms.CharField(
        label=_("Name of next year's environment"),
        max_length=LearningEnvironment._meta.get_field("name").max_length,
    )
    partners = forms.BooleanField(label=_("Partner organisations"), required=False, initial=True)
    programmes = forms.BooleanField(
        label=_("Programmes taking part and the target mix"),
        required=False,
        initial=True,
        help_text=_("A programme's institute comes along as a partner."),
    )
    agreement = forms.BooleanField(
        label=_("The “who does what” agreement"), required=False, initial=True
    )
    networks = forms.BooleanField(
        label=_("Learning networks with their core teams"),
        required=False,
        initial=True,
        help_text=_("Only the core teams: students and other members join next year anew."),
    )
    lines = forms.BooleanField(
        label=_("Learning lines with their sessions, as drafts"),
        required=False,
        initial=True,
        help_text=_(
            "On the same weekday in the same school week a year later. Drafts invite nobody "
            "until you publish them; cancelled sessions stay behind."
        ),
    )
    outcomes = forms.BooleanField(label=_("Shared learning outcomes"), required=False, initial=True)

    def __init__(self, *args: Any, source: LearningEnvironment, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"name": source.name})
        super().__init__(*args, **kwargs)
        self.source = source
        self.school_year = next_school_year(source.school_year)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        taken = (
            LearningEnvironment.objects.filter(
                region_id=self.source.region_id, name=name, school_year=self.school_year
            )
            .exclude(pk__in=Rollover.objects.filter(source=self.source).values("target_id"))
            .exists()
        )
        if taken:
            raise forms.ValidationError(
                _(
                    "There already is an environment called %(name)s in %(year)s that was not "
                    "started from this one. Choose another name."
                ),
                code="taken",
                params={"name": name, "year": self.school_year},
            )
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("lines") and not cleaned.get("networks"):
            self.add_error(
                "lines",
                _("Learning lines belong to a network: carry over the learning networks too."),
            )
        return cleaned

    @property
    def choices(self) -> Choices:
        return Choices(**{name: bool(self.cleaned_data.get(name)) for name in CHOICE_FIELDS})
