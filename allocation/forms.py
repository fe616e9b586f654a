from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from allocation.models import MAX_PREFERENCES, ApplicationRound, ComplianceStatus, DecisionKind
from allocation.services import AllocationError, document_type
from environments.models import Organisation
from placements.models import Weekday

CHOICE_FIELDS = [f"choice_{i}" for i in range(1, MAX_PREFERENCES + 1)]


class WeekdaysField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Weekday.choices, **kwargs)


class ApplicationForm(forms.Form):
    """A student's ranked choices (or none), days on site and class days."""

    weekdays = WeekdaysField(label=_("Days you can be on site"))
    class_days = WeekdaysField(label=_("Your institute class days"), required=False)
    crebo = forms.RegexField(
        label=_("Your qualification (crebo code)"),
        regex=r"^[0-9]{5}$",
        required=False,
        max_length=5,
        help_text=_("Five digits, on your study agreement. Only for mbo."),
        error_messages={"invalid": _("A crebo code has five digits.")},
    )

    def __init__(self, *args: Any, hosts: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i, name in enumerate(CHOICE_FIELDS, start=1):
            self.fields[name] = forms.ModelChoiceField(
                label=_("Choice %(rank)s") % {"rank": i},
                queryset=Organisation.objects.filter(pk__in=[h.pk for h in hosts]).order_by("name"),
                required=False,
                empty_label=_("no (further) choice"),
                error_messages={"invalid_choice": _("Choose one of the hosts of this round.")},
            )
        # Choices first on the page.
        self.order_fields([*CHOICE_FIELDS, "weekdays", "class_days", "crebo"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        seen: set[int] = set()
        for name in CHOICE_FIELDS:
            host = cleaned.get(name)
            if host is None:
                continue
            if host.pk in seen:
                self.add_error(name, _("You chose this host already."))
            seen.add(host.pk)
        weekdays = set(cleaned.get("weekdays") or [])
        class_days = set(cleaned.get("class_days") or [])
        if weekdays and weekdays <= class_days:
            self.add_error("weekdays", _("Choose at least one day that is not a class day."))
        return cleaned

    def hosts(self) -> list[Organisation]:
        return [self.cleaned_data[n] for n in CHOICE_FIELDS if self.cleaned_data.get(n)]


class DecisionForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    host = forms.ModelChoiceField(label=_("Host"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(
        label=_("Decision"),
        choices=[*DecisionKind.choices, ("", _("no decision"))],
        required=False,
    )

    def __init__(
        self, *args: Any, round: ApplicationRound, hosts: list[Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.round = round
        host_field = self.fields["host"]
        assert isinstance(host_field, forms.ModelChoiceField)
        host_field.queryset = Organisation.objects.filter(pk__in=[h.pk for h in hosts]).order_by(
            "name"
        )

    def clean_application(self) -> int:
        pk = self.cleaned_data["application"]
        if not self.round.applications.filter(pk=pk).exists():
            raise forms.ValidationError(_("This student did not apply to this round."))
        return int(pk)


UPLOAD_REFUSALS = {
    "empty": _("The file is empty."),
    "too_big": _("The file is larger than 5 MB."),
    "wrong_type": _("Upload a PDF, PNG or JPEG file (its content decides, not its name)."),
}


class ComplianceForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ComplianceStatus.choices)
    signed_by = forms.CharField(
        label=_("Signed by"),
        max_length=300,
        required=False,
        help_text=_("For a placement agreement: who signed it (for mbo the three parties)."),
    )
    document = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("PDF, PNG or JPEG; at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.content: bytes | None = None
        self.kind = ""

    def clean_document(self) -> Any:
        upload = self.cleaned_data.get("document")
        if not upload:
            return upload
        content = upload.read(5 * 1024 * 1024 + 1)
        try:
            self.kind = document_type(name=upload.name or "", content=content)
        except AllocationError as error:
            raise forms.ValidationError(UPLOAD_REFUSALS[error.code], code=error.code) from error
        self.content = content
        return upload
