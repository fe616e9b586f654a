import contextlib
import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User
from environments.models import (
    Domain,
    LearningEnvironment,
    Organisation,
    OrganisationKind,
    Programme,
)
from learning_networks.models import ClosedDay, LearningLine, LearningNetwork, NetworkSession
from placements.models import Weekday
from ulvo.lib.dates import PlausibleDateField, PlausibleDateTimeField
from ulvo.lib.formats import lazy_duration, short_date

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def school_year_bounds(environment: LearningEnvironment) -> tuple[datetime.date, datetime.date]:
    """1 August of the first year to 31 July of the second ("2026-2027")."""
    first, second = (int(part) for part in environment.school_year.split("-"))
    return datetime.date(first, 8, 1), datetime.date(second, 7, 31)


def environment_people(environment: LearningEnvironment) -> Any:
    return (
        User.objects.filter(
            is_active=True, memberships__environment=environment, memberships__is_active=True
        )
        .distinct()
        .order_by("full_name")
    )


class NetworkForm(forms.ModelForm):
    class Meta:
        model = LearningNetwork
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3, "maxlength": 2000})}

    def __init__(self, *args: Any, environment: LearningEnvironment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environment = environment

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        others = LearningNetwork.objects.filter(environment=self.environment, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This environment already has a network by that name."))
        return name

    def save(self, commit: bool = True) -> LearningNetwork:
        network: LearningNetwork = super().save(commit=False)
        network.environment = self.environment
        if commit:
            network.save()
        return network


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())
    core_team = forms.BooleanField(label=_("In the core team"), required=False)

    def __init__(self, *args: Any, network: LearningNetwork, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = cast(forms.ModelChoiceField, self.fields["user"])
        user.queryset = environment_people(network.environment)


class LineForm(forms.ModelForm):
    class Meta:
        model = LearningLine
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3, "maxlength": 2000})}

    def __init__(self, *args: Any, network: LearningNetwork, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        others = LearningLine.objects.filter(network=self.network, title__iexact=title)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This network already has a learning line by that name."))
        return title

    def save(self, commit: bool = True) -> LearningLine:
        line: LearningLine = super().save(commit=False)
        line.network = self.network
        if commit:
            line.save()
        return line


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class SessionForm(forms.ModelForm):
    """All a planner sets; status, uid and sequence change only through the services,
    and a session's place in its learning line follows from its date (``session_save``)."""

    audience_domains = forms.MultipleChoiceField(
        label=_("For domains"),
        choices=Domain.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for every domain."),
    )
    guest_organisations: "forms.ModelMultipleChoiceField[Organisation]" = (
        forms.ModelMultipleChoiceField(
            label=_("Also invite whole organisations"),
            queryset=None,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_(
                "Everyone of a partner organisation in this learning environment, also "
                "who is in no network: a kick-off for the whole school."
            ),
            error_messages={
                "invalid_choice": _(
                    "Only partner organisations of this learning environment can be invited."
                ),
                "invalid_pk_value": _(
                    "Only partner organisations of this learning environment can be invited."
                ),
            },
        )
    )
    guests: "forms.ModelMultipleChoiceField[User]" = forms.ModelMultipleChoiceField(
        label=_("Also invite these people"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Colleagues and other people of this learning environment outside the network."
        ),
        error_messages={
            "invalid_choice": _("Only people of this learning environment can be invited."),
            "invalid_pk_value": _("Only people of this learning environment can be invited."),
        },
    )

    class Meta:
        model = NetworkSession
        fields = [
            "kind",
            "theme",
            "starts_at",
            "ends_at",
            "location",
            "room",
            "facilitators",
            "audience_programmes",
            "audience_domains",
            "line",
            "preparation_notes",
        ]
        field_classes = {"starts_at": PlausibleDateTimeField, "ends_at": PlausibleDateTimeField}
        widgets = {
            "starts_at": DateTimeLocalInput(),
            "ends_at": DateTimeLocalInput(),
            "facilitators": forms.CheckboxSelectMultiple,
            "audience_programmes": forms.CheckboxSelectMultiple,
            "preparation_notes": forms.Textarea(attrs={"rows": 4, "maxlength": 5000}),
        }
        labels = {"starts_at": _("Starts"), "ends_at": _("Ends")}

    def __init__(self, *args: Any, network: LearningNetwork, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network
        environment = network.environment
        location = cast(forms.ModelChoiceField, self.fields["location"])
        location.queryset = environment.organisations.order_by("name")
        facilitators = cast(forms.ModelMultipleChoiceField, self.fields["facilitators"])
        facilitators.queryset = environment_people(environment)
        audience = cast(forms.ModelMultipleChoiceField, self.fields["audience_programmes"])
        audience.queryset = environment.programmes().order_by("name")
        line = cast(forms.ModelChoiceField, self.fields["line"])
        line.queryset = network.lines.all()
        organisations = cast(forms.ModelMultipleChoiceField, self.fields["guest_organisations"])
        organisations.queryset = environment.organisations.order_by("name")
        guests = cast(forms.ModelMultipleChoiceField, self.fields["guests"])
        guests.queryset = environment_people(environment)
        if self.instance.pk and not self.is_bound:
            self.initial["guest_organisations"] = [
                row.organisation_id for row in self.instance.guest_organisations.all()
            ]
            self.initial["guests"] = [row.user_id for row in self.instance.guests.all()]
        self.fields["theme"].widget.attrs["maxlength"] = 200
        if self.instance.pk and not self.is_bound:
            self.initial["starts_at"] = timezone.localtime(self.instance.starts_at)
            self.initial["ends_at"] = timezone.localtime(self.instance.ends_at)

    def facilitator_groups(self) -> list[dict[str, Any]]:
        """The facilitator checkboxes by organisation, professionals first (schools,
        neighbourhood organisations, institutes, each by name), then the students by
        programme, then who has neither; in one query."""
        return self._person_groups("facilitators")

    def guest_groups(self) -> list[dict[str, Any]]:
        """The checkboxes of the people to invite beyond the network, grouped as the
        facilitators are; in one query."""
        return self._person_groups("guests")

    def _person_groups(self, field_name: str) -> list[dict[str, Any]]:
        group_of: dict[int, tuple[tuple[int, int, str], str]] = {}
        kind_order = {kind: index for index, kind in enumerate(OrganisationKind.values)}
        for membership in (
            Membership.objects.filter(environment=self.network.environment, is_active=True)
            .select_related("organisation", "programme")
            .order_by("pk")
        ):
            if membership.organisation is not None:
                name = membership.organisation.name
                key = (0, kind_order.get(membership.organisation.kind, 9), name.casefold())
                label = name
            elif membership.programme is not None:
                name = membership.programme.name
                key = (1, 0, name.casefold())
                label = str(_("Students of %(programme)s") % {"programme": name})
            else:
                key, label = (2, 0, ""), str(_("Other people"))
            # A professional's organisation wins over another role in the environment.
            if membership.user_id not in group_of or key < group_of[membership.user_id][0]:
                group_of[membership.user_id] = (key, label)
        groups: dict[tuple[int, int, str], dict[str, Any]] = {}
        for box in self[field_name]:
            key, label = group_of.get(int(str(box.data["value"])), ((2, 0, ""), ""))
            group = groups.setdefault(
                key, {"label": label or _("Other people"), "boxes": [], "checked": False}
            )
            group["boxes"].append(box)
            group["checked"] = group["checked"] or bool(box.data["selected"])
        return [groups[key] for key in sorted(groups)]

    def prefill(self, params: Any) -> None:
        """Take start, end and programmes from the date finder's link, where they are valid."""
        for name in ("starts_at", "ends_at"):
            with contextlib.suppress(forms.ValidationError):
                self.initial[name] = self.fields[name].clean(params.get(name, ""))
        try:
            programmes = self.fields["audience_programmes"].clean(
                params.getlist("audience_programmes")
            )
        except forms.ValidationError:
            programmes = []
        if programmes:
            self.initial["audience_programmes"] = [programme.pk for programme in programmes]

    def clean_audience_domains(self) -> list[str]:
        chosen = set(self.cleaned_data["audience_domains"])
        return [code for code in Domain.values if code in chosen]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must lie after the start."))
        first, last = school_year_bounds(self.network.environment)
        for name in ("starts_at", "ends_at"):
            value = cleaned.get(name)
            if value and not first <= timezone.localtime(value).date() <= last:
                self.add_error(
                    name,
                    _("Choose a moment within the school year (%(first)s to %(last)s).")
                    % {"first": short_date(first), "last": short_date(last)},
                )
        if starts and ends and ends - starts > datetime.timedelta(hours=12):
            self.add_error("ends_at", _("A session lasts at most 12 hours."))
        return cleaned

    def save(self, commit: bool = False) -> NetworkSession:
        """The session, unsaved: ``session_save`` stores it with its relations."""
        session: NetworkSession = super().save(commit=False)
        session.network = self.network
        return session


DURATION_CHOICES = [(minutes, lazy_duration(minutes)) for minutes in range(60, 241, 30)]
START_TIMES = ["08:30", "09:00", "10:00", "11:00", "13:00", "14:00", "15:30", "16:00"]
DEFAULT_START_TIMES = ["09:00", "13:00", "15:30"]
MAX_PERIOD_DAYS = 92


class DateFinderForm(forms.Form):
    first_day = PlausibleDateField(label=_("From"))
    last_day = PlausibleDateField(label=_("Until"))
    duration = forms.TypedChoiceField(label=_("Duration"), choices=DURATION_CHOICES, coerce=int)
    start_times = forms.MultipleChoiceField(
        label=_("Start times"),
        choices=[(value, value) for value in START_TIMES],
        widget=forms.CheckboxSelectMultiple,
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    audience_programmes: "forms.ModelMultipleChoiceField[Programme]" = (
        forms.ModelMultipleChoiceField(
            label=_("Only for these programmes"),
            queryset=None,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Leave empty for the whole network."),
        )
    )

    def __init__(self, *args: Any, network: LearningNetwork, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network
        audience = cast(forms.ModelMultipleChoiceField, self.fields["audience_programmes"])
        audience.queryset = network.environment.programmes().order_by("name")

    @classmethod
    def defaults(cls, network: LearningNetwork) -> dict[str, Any]:
        first, last = school_year_bounds(network.environment)
        start = min(max(timezone.localdate() + datetime.timedelta(days=7), first), last)
        return {
            "first_day": start.isoformat(),
            "last_day": min(start + datetime.timedelta(days=27), last).isoformat(),
            "duration": "120",
            "start_times": DEFAULT_START_TIMES,
            "weekdays": [str(day) for day in Weekday.values],
        }

    def clean_start_times(self) -> list[datetime.time]:
        return [datetime.time.fromisoformat(value) for value in self.cleaned_data["start_times"]]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last:
            year_first, year_last = school_year_bounds(self.network.environment)
            if last < first:
                self.add_error("last_day", _("The end of the period lies before its start."))
            elif (last - first).days >= MAX_PERIOD_DAYS:
                self.add_error(
                    "last_day",
                    _("Choose a period of at most %(days)s days.") % {"days": MAX_PERIOD_DAYS},
                )
            if not (year_first <= first <= year_last and year_first <= last <= year_last):
                self.add_error(
                    "first_day",
                    _("Choose a period within the school year (%(first)s to %(last)s).")
                    % {
                        "first": short_date(year_first),
                        "last": short_date(year_last),
                    },
                )
        return cleaned


class ClosedDayForm(forms.ModelForm):
    """A day, or days, on which the environment plans no sessions."""

    class Meta:
        model = ClosedDay
        fields = ["first_day", "last_day", "reason"]
        field_classes = {"first_day": PlausibleDateField, "last_day": PlausibleDateField}
        labels = {"first_day": _("From"), "last_day": _("Until")}
        help_texts = {"last_day": _("Leave empty for a single day.")}

    def __init__(self, *args: Any, environment: LearningEnvironment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environment = environment
        self.fields["last_day"].required = False
        self.fields["reason"].widget.attrs["maxlength"] = 150

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why nobody plans a session then."))
        return reason

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and not last and "last_day" not in self.errors:
            cleaned["last_day"] = last = first
        if first and last:
            if last < first:
                self.add_error("last_day", _("The last day lies before the first day."))
            elif (last - first).days > 366:
                self.add_error("last_day", _("Choose at most a year of closed days."))
        return cleaned

    def save(self, commit: bool = True) -> ClosedDay:
        closed: ClosedDay = super().save(commit=False)
        closed.environment = self.environment
        if commit:
            closed.save()
        return closed
