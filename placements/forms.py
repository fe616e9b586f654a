import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from environments.models import Domain, LearningEnvironment, OrganisationKind
from placements.activation import activation_refusals
from placements.models import (
    LOCKED_WEEK_STATUSES,
    MAX_DESCRIPTION,
    MAX_MINUTES,
    MAX_MINUTES_PER_DAY,
    MIN_MINUTES,
    ActivityEntry,
    Discipline,
    Placement,
    PlacementStatus,
    Setting,
    SupervisionRole,
    Week,
    Weekday,
    WeekStatus,
    mask_to_weekdays,
    week_start,
    weekdays_to_mask,
)
from ulvo.lib.dates import DateInput, PlausibleDateField
from ulvo.lib.formats import duration, lazy_duration

# The import's rule (placements.imports): one student, one programme, one placement at
# a time in an environment; a cancelled placement does not count.
OVERLAPPING_PLACEMENT = _(
    "This student already has a placement in this programme from %(start)s to %(end)s "
    "that overlaps."
)


DURATION_CHOICES = [
    (minutes, lazy_duration(minutes)) for minutes in range(MIN_MINUTES, MAX_MINUTES + 1, 15)
]
# The duration options' labels per language, worked out once: 48 durations in words on
# every quick-log form were a large part of the week page's time (issue #22).
_DURATION_OPTIONS: dict[str, list[tuple[str, str]]] = {}


def duration_options() -> list[tuple[str, str]]:
    """``DURATION_CHOICES`` as (value, label) strings in the current language."""
    language = get_language() or ""
    options = _DURATION_OPTIONS.get(language)
    if options is None:
        options = [(str(minutes), str(label)) for minutes, label in DURATION_CHOICES]
        _DURATION_OPTIONS[language] = options
    return options


@dataclass(frozen=True)
class ShownField:
    """One field of the activity form as its hand-written markup shows it
    (``templates/placements/_entry_form_fields.html``): what Django's widgets would
    render, without rendering a template per widget and per option."""

    id: str
    label: str
    value: str = ""
    errors: list[str] = field(default_factory=list)
    help_text: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    chosen: frozenset[str] = frozenset()

    @property
    def error_id(self) -> str:
        return f"{self.id}_error"

    @property
    def help_id(self) -> str:
        return f"{self.id}_helptext"

    @property
    def described_by(self) -> str:
        """The ids of its help text and errors, as ``aria-describedby`` names them."""
        ids = [self.help_id] if self.help_text else []
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)


class ActivityEntryForm(forms.ModelForm):
    minutes = forms.TypedChoiceField(
        label=_("Duration"), choices=DURATION_CHOICES, coerce=int, initial=60
    )
    disciplines = forms.MultipleChoiceField(
        label=_("Disciplines I worked with"),
        choices=Discipline.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ActivityEntry
        fields = ["date", "minutes", "setting", "kind", "disciplines", "description"]
        field_classes = {"date": PlausibleDateField}
        widgets = {
            "date": DateInput(),
            "setting": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3, "maxlength": MAX_DESCRIPTION}),
        }
        labels = {
            "date": _("Date"),
            "setting": _("Where"),
            "kind": _("What kind of activity"),
            "description": _("Short description"),
        }

    def __init__(self, *args: Any, placement: Placement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.placement = placement
        self.locked_week: Week | None = None
        # Radio buttons need no empty "choose one" option: none is checked until chosen.
        cast(forms.ChoiceField, self.fields["setting"]).choices = Setting.choices
        self.fields["description"].help_text = _(
            "At most %(count)s characters. Do not name pupils."
        ) % {"count": MAX_DESCRIPTION}
        if not self.is_bound and self.instance.pk is None:
            today = timezone.localdate()
            self.initial.setdefault(
                "date", min(max(today, placement.start_date), placement.end_date)
            )
            self.initial.setdefault("submission_key", uuid.uuid4())

    def shown(self) -> dict[str, ShownField]:
        """Every field as the template writes it: id, label, the value as entered (or
        the initial one), its errors and, for choices, the options and which are chosen."""
        errors = self.errors if self.is_bound else {}

        def messages(name: str) -> list[str]:
            return [str(message) for message in errors.get(name, ())]

        shown = {}
        for name in ("submission_key", "date", "minutes", "setting", "kind", "disciplines"):
            bound = self[name]
            value = bound.value()
            choices: list[tuple[str, str]] = []
            if name == "minutes":
                choices = duration_options()
            elif name in ("setting", "kind", "disciplines"):
                field_choices = cast(list[tuple[Any, Any]], bound.field.choices)  # type: ignore[attr-defined]
                choices = [(str(key), str(label)) for key, label in field_choices]
            if name == "disciplines":
                text, chosen = "", frozenset(str(item) for item in value or ())
            elif choices:
                text = "" if value is None else str(value)
                chosen = frozenset([text])
            else:
                # The ISO date a date picker reads, or what was typed when it was no date.
                text = str(bound.field.widget.format_value(value) or "")
                chosen = frozenset()
            shown[name] = ShownField(
                id=bound.auto_id,
                label=str(bound.label),
                value=text,
                errors=messages(name),
                choices=choices,
                chosen=chosen,
            )
        description = self["description"]
        shown["description"] = ShownField(
            id=description.auto_id,
            label=str(description.label),
            value=str(description.value() or ""),
            errors=messages("description"),
            help_text=str(description.help_text),
        )
        return shown

    def clean_date(self) -> datetime.date:
        date: datetime.date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("You cannot log an activity in the future."))
        if not self.placement.covers(date):
            raise forms.ValidationError(
                _("Choose a date within your placement (%(start)s to %(end)s).")
                % {
                    "start": formats.date_format(self.placement.start_date, "SHORT_DATE_FORMAT"),
                    "end": formats.date_format(self.placement.end_date, "SHORT_DATE_FORMAT"),
                }
            )
        locked = Week.objects.filter(
            placement=self.placement, start=week_start(date), status__in=LOCKED_WEEK_STATUSES
        ).first()
        if locked is not None:
            # The page offers a link to that week, where the student can ask to reopen it.
            self.locked_week = locked
            names = {"start": formats.date_format(locked.start, "MONTH_DAY_FORMAT")}
            if locked.status == WeekStatus.APPROVED:
                raise forms.ValidationError(
                    _(
                        "The week of %(start)s has already been signed off, so nothing can be "
                        "added to it. Forgot something? Ask your supervisor to reopen that week."
                    )
                    % names,
                    code="week_approved",
                )
            raise forms.ValidationError(
                _(
                    "The week of %(start)s is waiting for sign-off, so nothing can be added to "
                    "it until your supervisor has reviewed it."
                )
                % names,
                code="week_submitted",
            )
        return date

    def clean_disciplines(self) -> list[str]:
        # Stored in the order of the choices, without repeats.
        chosen = set(self.cleaned_data["disciplines"])
        return [code for code in Discipline.values if code in chosen]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not self.placement.accepts_entries:
            raise forms.ValidationError(
                _("This placement is not active, so no activities can be logged.")
            )
        date = cleaned.get("date")
        minutes = cleaned.get("minutes")
        if date and minutes:
            others = self.placement.entries.filter(date=date)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            logged = others.aggregate(total=Sum("minutes"))["total"] or 0
            if logged + minutes > MAX_MINUTES_PER_DAY:
                self.add_error(
                    "minutes",
                    _("This day would have more than 24 hours; %(logged)s are logged already.")
                    % {"logged": duration(logged)},
                )
        return cleaned


class ReviewForm(forms.Form):
    APPROVE = "approve"
    RETURN = "return"

    action = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (RETURN, _("Return to the student"))]
    )
    comment = forms.CharField(
        label=_("Comment for the student"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return the week."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("action") == self.RETURN and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Tell the student what to change."))
        return cleaned


class ReopenRequestForm(forms.Form):
    """The student asks to reopen a signed-off week."""

    reason = forms.CharField(
        label=_("What do you want to add?"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_DESCRIPTION}),
        help_text=_("For example the activity you forgot, and on which day. Do not name pupils."),
    )


class ReopenDecisionForm(forms.Form):
    """The supervisor reopens the week or declines, saying why."""

    REOPEN = "reopen"
    DECLINE = "decline"

    action = forms.ChoiceField(choices=[(REOPEN, _("Reopen the week")), (DECLINE, _("Decline"))])
    comment = forms.CharField(
        label=_("Comment for the student"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you decline."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("action") == self.DECLINE and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Tell the student why you decline."))
        return cleaned


class SignoffNameForm(ReviewForm):
    """The e-mailed link: the supervisor confirms who they are."""

    name = forms.CharField(label=_("Your name"), max_length=150)


class WeekdaysField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Weekday.choices, required=False, **kwargs)


class PlacementForm(forms.ModelForm):
    days_on_site = WeekdaysField(label=_("Days on site"))
    class_days = WeekdaysField(label=_("Institute class days"))
    signoff_supervisor = forms.ModelChoiceField(
        label=_("Signs off hours (with an account)"),
        queryset=User.objects.none(),
        required=False,
    )
    signoff_name = forms.CharField(
        label=_("Or: name of the supervisor without an account"), max_length=150, required=False
    )
    signoff_email = forms.EmailField(label=_("E-mail address of that supervisor"), required=False)
    signoff_domain = forms.ChoiceField(
        label=_("Domain of the supervisor who signs off"), choices=Domain.choices
    )

    class Meta:
        model = Placement
        fields = [
            "student",
            "programme",
            "school",
            "neighbourhood_organisation",
            "start_date",
            "end_date",
            "hours_per_week",
            "status",
        ]
        field_classes = {"start_date": PlausibleDateField, "end_date": PlausibleDateField}
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
        }

    def __init__(self, *args: Any, environment: LearningEnvironment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environment = environment
        student = cast(forms.ModelChoiceField, self.fields["student"])
        student.queryset = User.objects.filter(
            memberships__environment=environment,
            memberships__role=Role.STUDENT,
            memberships__is_active=True,
        ).distinct()
        programme = cast(forms.ModelChoiceField, self.fields["programme"])
        programme.queryset = environment.programmes()
        organisations = environment.organisations.all()
        school = cast(forms.ModelChoiceField, self.fields["school"])
        school.queryset = organisations.filter(kind=OrganisationKind.SCHOOL)
        neighbourhood = cast(forms.ModelChoiceField, self.fields["neighbourhood_organisation"])
        neighbourhood.queryset = organisations.filter(kind=OrganisationKind.NEIGHBOURHOOD)
        signoff = cast(forms.ModelChoiceField, self.fields["signoff_supervisor"])
        signoff.queryset = User.objects.filter(
            memberships__environment=environment,
            memberships__role__in=[Role.PRACTICE_SUPERVISOR, Role.SCHOOL_TRAINER],
            memberships__is_active=True,
        ).distinct()
        if self.instance.pk:
            # A placement's entries belong to its student: the student never changes.
            student.disabled = True
            student.queryset = User.objects.filter(pk=self.instance.student_id)
            self.initial["days_on_site"] = [
                str(d) for d in mask_to_weekdays(self.instance.weekdays_on_site)
            ]
            self.initial["class_days"] = [
                str(d) for d in mask_to_weekdays(self.instance.institute_days)
            ]
            signer = self.instance.assignments.filter(signs_off=True).first()
            if signer is not None:
                self.initial.update(
                    {
                        "signoff_supervisor": signer.supervisor_id,
                        "signoff_name": signer.name,
                        "signoff_email": signer.email,
                        "signoff_domain": signer.domain,
                    }
                )
        else:
            self.initial.setdefault("status", PlacementStatus.ACTIVE)

    def _refuse_activation(self, status: str | None) -> None:
        """A placement becoming active asks the activation guards (placements/activation.py,
        e.g. allocation's compliance gate); their refusals show at the status field."""
        if status != PlacementStatus.ACTIVE or self.instance.status == PlacementStatus.ACTIVE:
            return
        for refusal in activation_refusals(self.instance):
            self.add_error("status", refusal)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end lies before the start."))
        elif start and end:
            self._refuse_overlap(start, end)
        if not cleaned.get("school") and not cleaned.get("neighbourhood_organisation"):
            self.add_error("school", _("Choose a school, a neighbourhood organisation, or both."))
        self._refuse_activation(cleaned.get("status"))
        on_site = {int(day) for day in cleaned.get("days_on_site", [])}
        classes = {int(day) for day in cleaned.get("class_days", [])}
        if on_site & classes:
            self.add_error(
                "class_days", _("A day cannot be both a day on site and an institute day.")
            )
        if cleaned.get("signoff_supervisor") and (
            cleaned.get("signoff_name") or cleaned.get("signoff_email")
        ):
            self.add_error(
                "signoff_name",
                _("Choose a supervisor with an account, or fill in a name and e-mail address."),
            )
        elif bool(cleaned.get("signoff_name")) != bool(cleaned.get("signoff_email")):
            self.add_error("signoff_email", _("Fill in both the name and the e-mail address."))
        return cleaned

    def _refuse_overlap(self, start: datetime.date, end: datetime.date) -> None:
        cleaned = self.cleaned_data
        student, programme = cleaned.get("student"), cleaned.get("programme")
        if student is None or programme is None:
            return
        if cleaned.get("status") == PlacementStatus.CANCELLED:
            return
        other = (
            Placement.objects.filter(
                environment=self.environment,
                student=student,
                programme=programme,
                start_date__lte=end,
                end_date__gte=start,
            )
            .exclude(status=PlacementStatus.CANCELLED)
            .exclude(pk=self.instance.pk)
            .order_by("start_date")
            .first()
        )
        if other is not None:
            self.add_error(
                "start_date",
                OVERLAPPING_PLACEMENT
                % {
                    "start": formats.date_format(other.start_date, "SHORT_DATE_FORMAT"),
                    "end": formats.date_format(other.end_date, "SHORT_DATE_FORMAT"),
                },
            )

    def save(self, commit: bool = True) -> Placement:
        placement: Placement = super().save(commit=False)
        placement.environment = self.environment
        placement.weekdays_on_site = weekdays_to_mask(self.cleaned_data["days_on_site"])
        placement.institute_days = weekdays_to_mask(self.cleaned_data["class_days"])
        if commit:
            placement.save()
        return placement

    def signoff(self) -> dict[str, Any] | None:
        """Who signs off, as chosen in the form; None when nobody is chosen."""
        data = self.cleaned_data
        if data.get("signoff_supervisor") is None and not data.get("signoff_email"):
            return None
        role = SupervisionRole.PRACTICE
        return {
            "supervisor": data.get("signoff_supervisor"),
            "name": data.get("signoff_name", ""),
            "email": data.get("signoff_email", ""),
            "domain": data["signoff_domain"],
            "role": role,
        }
