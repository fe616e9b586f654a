from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation, Membership, Role, User
from environments.models import Domain, LearningEnvironment, Organisation, OrganisationKind

# Which kinds of organisation a role belongs to; None: no organisation needed.
ORGANISATION_KINDS_BY_ROLE: dict[str, set[str] | None] = {
    Role.STUDENT: None,
    Role.PRACTICE_SUPERVISOR: {OrganisationKind.SCHOOL, OrganisationKind.NEIGHBOURHOOD},
    Role.SCHOOL_TRAINER: {OrganisationKind.SCHOOL},
    Role.INSTITUTE_SUPERVISOR: {OrganisationKind.INSTITUTE},
    Role.COORDINATOR: None,
    # A teacher or social worker at a host who supervises nobody.
    Role.COLLEAGUE: {OrganisationKind.SCHOOL, OrganisationKind.NEIGHBOURHOOD},
}


def _check_organisation(form: forms.BaseForm, role: str, organisation: Any) -> None:
    kinds = ORGANISATION_KINDS_BY_ROLE[role]
    if kinds is None:
        return
    if organisation is None:
        form.add_error("organisation", _("Choose the organisation for this role."))
    elif organisation.kind not in kinds:
        form.add_error(
            "organisation",
            _("A %(role)s cannot belong to a %(kind)s.")
            % {"role": Role(role).label, "kind": organisation.get_kind_display()},
        )


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "full_name", "role", "organisation", "programme", "domain"]

    def __init__(self, *args: Any, environment: LearningEnvironment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environment = environment
        organisation = cast(forms.ModelChoiceField, self.fields["organisation"])
        organisation.queryset = environment.organisations.order_by("kind", "name")
        programme = cast(forms.ModelChoiceField, self.fields["programme"])
        programme.queryset = environment.programmes()
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.fields["full_name"].required = False
        self.fields["organisation"].help_text = _(
            "Required for supervisors: the school, neighbourhood organisation or institute "
            "they work for."
        )
        self.fields["programme"].help_text = _("Required for students.")
        self.fields["domain"].help_text = _(
            "For professionals: the domain they work in. Leave it empty to take the one "
            "their organisation suggests; a student's programme decides theirs."
        )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        return email

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        role = cleaned.get("role")
        email = cleaned.get("email")
        organisation = cleaned.get("organisation")
        programme = cleaned.get("programme")
        if role is None:
            return cleaned
        if role == Role.STUDENT and programme is None:
            self.add_error("programme", _("Choose the programme the student follows."))
        if role != Role.STUDENT and programme is not None:
            self.add_error("programme", _("Only students follow a programme here."))
        if role == Role.STUDENT:
            cleaned["domain"] = ""
        _check_organisation(self, role, organisation)
        if email:
            if Membership.objects.filter(
                environment=self.environment, role=role, user__email__iexact=email, is_active=True
            ).exists():
                self.add_error("email", _("This person already has this role here."))
            elif (
                Invitation.objects.pending()
                .filter(environment=self.environment, role=role, email__iexact=email)
                .exists()
            ):
                self.add_error("email", _("An invitation for this role is already waiting."))
        return cleaned


class MemberForm(forms.Form):
    """A coordinator changes a professional's role, organisation and own domain."""

    role = forms.ChoiceField(label=_("Role"))
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    domain = forms.ChoiceField(
        label=_("Own domain"),
        choices=[("", _("not recorded")), *Domain.choices],
        required=False,
        help_text=_("The professional domain this person works in."),
    )

    def __init__(self, *args: Any, environment: LearningEnvironment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = cast(forms.ChoiceField, self.fields["role"])
        role.choices = [(r.value, r.label) for r in Role if r != Role.STUDENT]
        organisation = cast(forms.ModelChoiceField, self.fields["organisation"])
        organisation.queryset = environment.organisations.order_by("kind", "name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role = cleaned.get("role")
        if role:
            _check_organisation(self, role, cleaned.get("organisation"))
        return cleaned


class AcceptInvitationForm(forms.Form):
    """The new account's name and password."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="nl")
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, invitation: Invitation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        if not self.is_bound:
            self.fields["full_name"].initial = invitation.full_name

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Fill in your name."))
        return name

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            candidate = User(email=self.invitation.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2000)
