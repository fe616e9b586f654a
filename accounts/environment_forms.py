"""Forms of the coordinator's environment settings (accounts.environment_settings)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from environments.models import (
    SUBTYPES_BY_KIND,
    TARGET_MAX,
    Domain,
    DomainTarget,
    LearningEnvironment,
    Organisation,
    OrganisationKind,
    Programme,
    ProgrammeTarget,
)

TARGET_ERRORS = {
    "min_value": _("A target cannot be negative."),
    "max_value": _("No environment hosts more than %(limit_value)s students: check the number."),
    "invalid": _("Write the number of students as a whole number."),
}


class EnvironmentProfileForm(forms.ModelForm):
    class Meta:
        model = LearningEnvironment
        fields = [
            "name",
            "neighbourhood",
            "school_year",
            "holiday_region",
            "vision",
            "expectations",
        ]
        widgets = {
            "vision": forms.Textarea(attrs={"rows": 4}),
            "expectations": forms.Textarea(attrs={"rows": 6}),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        name, year = cleaned.get("name"), cleaned.get("school_year")
        # The region is not on the form, so the model's own check of the unique
        # name per year is skipped: done here, at the name.
        if (
            name
            and year
            and LearningEnvironment.objects.filter(
                region_id=self.instance.region_id, name=name, school_year=year
            )
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error(
                "name", _("The region already has an environment of this name in this school year.")
            )
        return cleaned


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_subtype_display()})"


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} – {obj.institute.name}"


class PartnerAddForm(forms.Form):
    organisation = OrganisationChoiceField(
        label=_("Organisation of the region"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
    )

    def __init__(self, *args: Any, environment: LearningEnvironment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["organisation"])
        field.queryset = (
            Organisation.objects.filter(region_id=environment.region_id)
            .exclude(environments=environment)
            .order_by("kind", "name")
        )


class OrganisationCreateForm(forms.ModelForm):
    """A new organisation of the environment's region (the region comes from the
    environment, never from the form)."""

    class Meta:
        model = Organisation
        fields = ["name", "kind", "subtype", "address", "contact_name", "contact_email"]

    def __init__(self, *args: Any, environment: LearningEnvironment, **kwargs: Any) -> None:
        kwargs["instance"] = Organisation(region_id=environment.region_id)
        super().__init__(*args, **kwargs)
        subtype = cast(forms.TypedChoiceField, self.fields["subtype"])
        # Grouped by kind, so the list itself says which type goes with which kind.
        subtype.choices = [
            ("", "---------"),
            *(
                (kind.label, [(value.value, value.label) for value in SUBTYPES_BY_KIND[kind]])
                for kind in OrganisationKind
            ),
        ]
        subtype.help_text = _("A type that belongs to the kind chosen above.")
        # Someone else's details: the browser's own (the coordinator's) do not fit.
        for name in ("address", "contact_name", "contact_email"):
            self.fields[name].widget.attrs["autocomplete"] = "off"

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Organisation.objects.filter(
            region_id=self.instance.region_id, name__iexact=name
        ).exists():
            raise forms.ValidationError(
                _("The region already has an organisation of this name: add it from the list.")
            )
        return name

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        kind, subtype = cleaned.get("kind"), cleaned.get("subtype")
        if kind and subtype and subtype not in SUBTYPES_BY_KIND[OrganisationKind(kind)]:
            # Organisation.clean says the same, but only once every field is valid.
            self.add_error("subtype", _("This type does not belong to this kind of organisation."))
        return cleaned


class ProgrammeAddForm(forms.Form):
    programme = ProgrammeChoiceField(
        label=_("Programme of an institute in the region"),
        queryset=Programme.objects.none(),
        empty_label=_("Choose a programme"),
    )

    def __init__(self, *args: Any, environment: LearningEnvironment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["programme"])
        field.queryset = (
            Programme.objects.filter(institute__region_id=environment.region_id)
            .exclude(pk__in=environment.programme_targets.values("programme_id"))
            .select_related("institute")
            .order_by("name", "institute__name")
        )


def _target_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=TARGET_MAX,
        error_messages=TARGET_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class TargetsForm(forms.Form):
    """The target mix on one page: a number of students per programme taking part and
    per domain (empty: no target)."""

    def __init__(
        self,
        *args: Any,
        programme_targets: QuerySet[ProgrammeTarget] | list[ProgrammeTarget],
        domain_targets: QuerySet[DomainTarget] | list[DomainTarget],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.programme_targets = list(programme_targets)
        by_domain = {target.domain: target for target in domain_targets}
        for target in self.programme_targets:
            name = f"programme_{target.programme_id}"
            self.fields[name] = _target_field(str(target.programme))
            self.initial[name] = target.students
        for domain in Domain:
            name = f"domain_{domain.value}"
            self.fields[name] = _target_field(str(capfirst(domain.label)))
            existing = by_domain.get(domain.value)
            self.initial[name] = existing.students if existing else None

    def programme_fields(self) -> list[forms.BoundField]:
        return [self[f"programme_{target.programme_id}"] for target in self.programme_targets]

    def domain_fields(self) -> list[forms.BoundField]:
        return [self[f"domain_{domain.value}"] for domain in Domain]

    def programme_numbers(self) -> dict[int, int | None]:
        return {
            target.programme_id: self.cleaned_data[f"programme_{target.programme_id}"]
            for target in self.programme_targets
        }

    def domain_numbers(self) -> dict[str, int | None]:
        return {domain.value: self.cleaned_data[f"domain_{domain.value}"] for domain in Domain}
