import datetime
from typing import Any, cast

from django import forms
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from environments.models import (
    Domain,
    LearningEnvironment,
    Organisation,
    OrganisationKind,
    OrganisationSubtype,
)
from placements.models import SUPERVISOR_ROLES, Placement, SupervisionAssignment
from supervision.models import (
    MAX_AGREEMENT_TEXT,
    MAX_MEETING_TEXT,
    MAX_TIME_MINUTES,
    MAX_TIME_NOTE,
    MIN_TIME_MINUTES,
    MeetingNote,
    ResponsibilityAgreement,
    TimeLog,
)
from ulvo.lib.dates import DateInput, PlausibleDateField

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
        supervisor = cast(forms.ModelChoiceField, self.fields["supervisor"])
        supervisor.queryset = (
            User.objects.filter(
                memberships__environment_id=placement.environment_id,
                memberships__role__in=SUPERVISOR_ROLES,
                memberships__is_active=True,
            )
            .distinct()
            .order_by("full_name", "email")
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
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


# Notes and hours are about what happened: a little ahead for a meeting written up in
# advance, but no further, and not from long before the learning environment existed.
MEETING_DAYS_AHEAD = 7
DAYS_BACK = 2 * 365
MINUTES_PER_DAY = 24 * 60


def _check_date(day: datetime.date | None, *, days_ahead: int) -> datetime.date | None:
    if day is None:
        return day
    today = timezone.localdate()
    if day > today + datetime.timedelta(days=days_ahead):
        if days_ahead:
            raise forms.ValidationError(
                _("The date can be at most %(days)s days ahead.") % {"days": days_ahead}
            )
        raise forms.ValidationError(_("The date cannot be in the future."))
    if day < today - datetime.timedelta(days=DAYS_BACK):
        raise forms.ValidationError(_("The date cannot be more than two years ago."))
    return day


class MeetingNoteForm(forms.ModelForm):
    class Meta:
        model = MeetingNote
        fields = ["date", "notes", "agreements"]
        field_classes = {"date": PlausibleDateField}
        labels = {
            "date": _("Date of the meeting"),
            "notes": _("What we talked about"),
            "agreements": _("What we agreed"),
        }
        help_texts = {
            "notes": _("Seen only by you and the student."),
            "agreements": _("Optional. Who does what before the next meeting."),
        }
        widgets = {
            "date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 4, "maxlength": MAX_MEETING_TEXT}),
            "agreements": forms.Textarea(attrs={"rows": 3, "maxlength": MAX_MEETING_TEXT}),
        }
        error_messages = {
            "notes": {"required": _("Write down what you talked about.")},
            "date": {"invalid": _("Enter a valid date.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("date", timezone.localdate())

    def clean_date(self) -> datetime.date | None:
        return _check_date(self.cleaned_data.get("date"), days_ahead=MEETING_DAYS_AHEAD)

    def clean_notes(self) -> str:
        notes = (self.cleaned_data.get("notes") or "").strip()
        if not notes:
            raise forms.ValidationError(_("Write down what you talked about."))
        return notes


def organisation_domain(organisation: Organisation) -> str:
    """The professional domain an organisation's people usually work in."""
    if organisation.kind == OrganisationKind.SCHOOL:
        return Domain.EDUCATIONAL
    if organisation.subtype == OrganisationSubtype.CHILDCARE:
        return Domain.PEDAGOGICAL
    return Domain.SOCIAL


def default_time_domain(
    user: User, environment: LearningEnvironment, organisation: Organisation
) -> str:
    """The domain to suggest: the one the person logged last in the environment, else the
    one they supervise in, else their organisation's."""
    last = (
        TimeLog.objects.filter(person=user, environment=environment)
        .order_by("-date", "-created_at")
        .values_list("domain", flat=True)
        .first()
    )
    if last:
        return last
    assigned = (
        SupervisionAssignment.objects.filter(supervisor=user, placement__environment=environment)
        .order_by("-pk")
        .values_list("domain", flat=True)
        .first()
    )
    return assigned or organisation_domain(organisation)


class TimeLogForm(forms.ModelForm):
    class Meta:
        model = TimeLog
        fields = ["date", "minutes", "kind", "organisation", "domain", "note"]
        field_classes = {"date": PlausibleDateField}
        labels = {
            "date": _("Date"),
            "minutes": _("Time in minutes"),
            "kind": _("What for"),
            "organisation": _("On behalf of"),
            "domain": _("My domain"),
            "note": _("Note"),
        }
        help_texts = {
            "minutes": _("For example 90 for an hour and a half; at most 12 hours."),
            "note": _("Optional, for yourself."),
        }
        widgets = {
            "date": DateInput(),
            "minutes": forms.NumberInput(
                attrs={"min": MIN_TIME_MINUTES, "max": MAX_TIME_MINUTES, "step": 5}
            ),
            "note": forms.TextInput(attrs={"maxlength": MAX_TIME_NOTE}),
        }
        error_messages = {
            "minutes": {
                "min_value": _("Log at least %(limit_value)s minutes."),
                "max_value": _("Log at most %(limit_value)s minutes at a time."),
                "invalid": _("Enter a whole number of minutes."),
            },
            "organisation": {
                "invalid_choice": _("Choose an organisation you work for in this environment.")
            },
            "date": {"invalid": _("Enter a valid date.")},
        }

    def __init__(
        self,
        *args: Any,
        person: User,
        environment: LearningEnvironment,
        organisations: list[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.environment = environment
        organisation = cast(forms.ModelChoiceField, self.fields["organisation"])
        organisation.queryset = Organisation.objects.filter(
            pk__in=[org.pk for org in organisations]
        ).order_by("name")
        organisation.empty_label = None
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("date", timezone.localdate())
            self.initial.setdefault("kind", "supervision")
            self.initial.setdefault("organisation", organisations[0].pk)
            self.initial.setdefault(
                "domain", default_time_domain(person, environment, organisations[0])
            )

    def clean_date(self) -> datetime.date | None:
        return _check_date(self.cleaned_data.get("date"), days_ahead=0)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        day, minutes = cleaned.get("date"), cleaned.get("minutes")
        if day and minutes:
            others = TimeLog.objects.filter(person=self.person, date=day)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            logged = others.aggregate(total=Sum("minutes"))["total"] or 0
            if logged + minutes > MINUTES_PER_DAY:
                self.add_error("minutes", _("That makes more than 24 hours on one day."))
        return cleaned

    def save(self, commit: bool = True) -> TimeLog:
        entry: TimeLog = super().save(commit=False)
        entry.person = self.person
        entry.environment = self.environment
        if commit:
            entry.save()
        return entry


class PeriodForm(forms.Form):
    start = PlausibleDateField(label=_("From"), required=False)
    end = PlausibleDateField(label=_("Until"), required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end comes before the start."))
        return cleaned
