from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from placements.models import Placement
from supervision.models import (
    MAX_AGREEMENT_TEXT,
    ResponsibilityAgreement,
    SupervisionAssignment,
)
from supervision.services import SUPERVISOR_ROLES

NOT_IN_ENVIRONMENT = _("Choose a supervisor of this learning environment.")
ASSIGNED_TWICE = _("This supervisor already has this role for this placement.")
CHOOSE_SUPERVISOR = _("Choose a supervisor with an account, or fill in a name and e-mail address.")


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = SupervisionAssignment
        fields = [
            "supervisor",
            "name",
            "email",
            "role",
            "domain",
            "guides",
            "assesses",
            "signs_off",
        ]
        labels = {
            "supervisor": _("Supervisor with an account"),
            "name": _("Or: name of a supervisor without an account"),
            "email": _("E-mail address of that supervisor"),
            "role": _("Role"),
            "domain": _("Domain of the supervisor"),
            "guides": _("Guides the student"),
            "assesses": _("Assesses the student"),
            "signs_off": _("Signs off hours"),
        }
        help_texts = {
            "domain": _("The professional domain the supervisor works in."),
            "signs_off": _("Only one supervisor signs off; choosing this moves it here."),
        }
        error_messages = {"supervisor": {"invalid_choice": NOT_IN_ENVIRONMENT}}

    def __init__(self, *args: Any, placement: Placement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.placement = placement
        self.fields["supervisor"].queryset = (
            User.objects.filter(
                memberships__environment_id=placement.environment_id,
                memberships__role__in=SUPERVISOR_ROLES,
                memberships__is_active=True,
            )
            .distinct()
            .order_by("full_name", "email")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        supervisor = cleaned.get("supervisor")
        name, email = cleaned.get("name", ""), cleaned.get("email", "")
        if supervisor is not None and (name or email):
            self.add_error("name", CHOOSE_SUPERVISOR)
        elif supervisor is None and not (name or email) and "supervisor" not in self.errors:
            self.add_error("supervisor", CHOOSE_SUPERVISOR)
        elif supervisor is None and bool(name) != bool(email) and "supervisor" not in self.errors:
            self.add_error("email", _("Fill in both the name and the e-mail address."))
        role = cleaned.get("role")
        if role and not self.errors:
            twins = SupervisionAssignment.objects.filter(placement=self.placement, role=role)
            if self.instance.pk:
                twins = twins.exclude(pk=self.instance.pk)
            if supervisor is not None and twins.filter(supervisor=supervisor).exists():
                self.add_error("supervisor", ASSIGNED_TWICE)
            elif (
                supervisor is None
                and email
                and twins.filter(supervisor__isnull=True, email__iexact=email).exists()
            ):
                self.add_error("email", ASSIGNED_TWICE)
        return cleaned

    def save(self, commit: bool = True) -> SupervisionAssignment:
        assignment: SupervisionAssignment = super().save(commit=False)
        assignment.placement = self.placement
        if commit:
            assignment.save()
        return assignment


def _agreement_widget() -> forms.Textarea:
    return forms.Textarea(attrs={"rows": 4, "maxlength": MAX_AGREEMENT_TEXT})


class AgreementForm(forms.ModelForm):
    class Meta:
        model = ResponsibilityAgreement
        fields = ["practice_supervisor", "school_trainer", "institute_supervisor"]
        labels = {
            "practice_supervisor": _("What the practice supervisor does"),
            "school_trainer": _("What the school trainer does"),
            "institute_supervisor": _("What the institute supervisor does"),
        }
        widgets = {
            "practice_supervisor": _agreement_widget(),
            "school_trainer": _agreement_widget(),
            "institute_supervisor": _agreement_widget(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.help_text = _("At most %(count)s characters.") % {"count": MAX_AGREEMENT_TEXT}
