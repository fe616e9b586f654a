from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from environments.models import (
    Domain,
    HolidayRegion,
    LearningEnvironment,
    Organisation,
    Programme,
)
from placements.models import Weekday
from ulvo.lib.formats import short_date, short_datetime

if TYPE_CHECKING:
    from accounts.models import User


class LearningNetworkQuerySet(models.QuerySet["LearningNetwork"]):
    def visible_to(self, user: User) -> LearningNetworkQuerySet:
        """Networks a user is a member of, and all networks of environments they coordinate."""
        from accounts.models import Role

        if not user.is_authenticated:
            return self.none()
        coordinated = user.memberships.filter(role=Role.COORDINATOR, is_active=True).values(
            "environment_id"
        )
        # Network membership counts only while the person is active in the environment.
        active = user.memberships.filter(is_active=True).values("environment_id")
        return self.filter(
            Q(memberships__user=user, environment_id__in=active) | Q(environment_id__in=coordinated)
        ).distinct()


class LearningNetwork(models.Model):
    environment = models.ForeignKey(
        LearningEnvironment,
        on_delete=models.CASCADE,
        related_name="networks",
        verbose_name=_("learning environment"),
        db_index=False,  # network_unique_name_per_environment leads with this column
    )
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = LearningNetworkQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("learning network")
        verbose_name_plural = _("learning networks")
        constraints = [
            models.UniqueConstraint(
                fields=["environment", "name"], name="network_unique_name_per_environment"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("learning_networks:detail", args=[self.pk])


class NetworkMembership(models.Model):
    network = models.ForeignKey(
        LearningNetwork,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("learning network"),
        db_index=False,  # network_member_unique leads with this column
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="network_memberships",
        verbose_name=_("member"),
        db_index=False,  # network_member_user_idx leads with this column
    )
    core_team = models.BooleanField(_("core team"), default=False)

    class Meta:
        ordering = ["-core_team", "user__full_name"]
        verbose_name = _("network member")
        verbose_name_plural = _("network members")
        constraints = [
            models.UniqueConstraint(fields=["network", "user"], name="network_member_unique"),
        ]
        indexes = [
            # visible_to(): the networks of one user.
            models.Index(fields=["user", "network"], name="network_member_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.network}"


class LearningLine(models.Model):
    """An ordered series of sessions that build on each other."""

    network = models.ForeignKey(
        LearningNetwork,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("learning network"),
        db_index=False,  # line_unique_title leads with this column
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=2000, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("learning line")
        verbose_name_plural = _("learning lines")
        constraints = [
            models.UniqueConstraint(fields=["network", "title"], name="line_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title


class SessionKind(models.TextChoices):
    MIXED = "mixed", _("mixed interdisciplinary")
    MONO = "mono", _("monodisciplinary")
    SKILLS_LAB = "skills_lab", _("skills lab")
    INTERVISION = "intervision", _("intervision / case discussion")
    WORKSHOP = "workshop", _("workshop by a practice professional")
    EXPEDITION = "expedition", _("expedition / visit")
    KICK_OFF = "kick_off", _("kick-off")


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


def taken_place(path: str = "") -> Q:
    """Sessions that took place, as a filter: marked held, or planned and over (nobody
    has to mark a session held). Drafts and cancelled sessions never took place. The
    query form of ``NetworkSession.has_taken_place``; ``path`` leads to the session
    from the model filtered (``"session__"`` for attendance)."""
    return Q(**{f"{path}status": SessionStatus.HELD}) | Q(
        **{f"{path}status": SessionStatus.PLANNED, f"{path}ends_at__lte": timezone.now()}
    )


class NetworkSessionQuerySet(models.QuerySet["NetworkSession"]):
    def visible_to(self, user: User) -> NetworkSessionQuerySet:
        """Sessions of the networks a user may see (drafts included: ``session_for``
        hides them from all but the planners), and the sessions they are a guest of
        while active in the environment: invited in person or with their organisation
        (never a draft)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(network__in=LearningNetwork.objects.visible_to(user))
            | (guest_of(user.pk) & ~Q(status=SessionStatus.DRAFT))
        )


class NetworkSession(models.Model):
    network = models.ForeignKey(
        LearningNetwork,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("learning network"),
        db_index=False,  # session_network_start_idx leads with this column
    )
    line = models.ForeignKey(
        LearningLine,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("learning line"),
    )
    position = models.PositiveSmallIntegerField(_("position in the learning line"), default=1)
    kind = models.CharField(_("kind"), max_length=15, choices=SessionKind)
    theme = models.CharField(_("theme"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location"),
    )
    room = models.CharField(_("room"), max_length=100, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="facilitated_sessions",
        blank=True,
        verbose_name=_("facilitators"),
    )
    audience_programmes = models.ManyToManyField(
        Programme,
        related_name="+",
        blank=True,
        verbose_name=_("for programmes"),
        help_text=_("Leave empty for the whole network."),
    )
    audience_domains = models.JSONField(
        _("for domains"), default=list, blank=True, help_text=_("Empty: every domain.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus, default=SessionStatus.DRAFT
    )
    preparation_notes = models.TextField(_("preparation notes"), max_length=5000, blank=True)
    check_in_code = models.CharField(_("check-in code"), max_length=6, blank=True)
    # Calendar apps recognise an event by its UID and pick up changes by SEQUENCE.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = NetworkSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("network session")
        verbose_name_plural = _("network sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]
        indexes = [
            # A network's sessions in time order; the agenda of an environment.
            models.Index(fields=["network", "starts_at"], name="session_network_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.theme} ({short_datetime(self.starts_at)})"

    def get_absolute_url(self) -> str:
        return reverse("learning_networks:session", args=[self.pk])

    @property
    def has_taken_place(self) -> bool:
        return self.ends_at <= timezone.now() or self.status == SessionStatus.HELD

    def audience_domain_labels(self) -> list[str]:
        labels = dict(Domain.choices)
        return [str(labels[code]) for code in self.audience_domains if code in labels]


class SessionGuest(models.Model):
    """Someone of the environment invited to a session beyond its network's audience:
    a colleague at a host, a professional outside the network. The invitation itself
    is their ``Attendance``, made by ``session_invite`` while they are active there."""

    session = models.ForeignKey(
        NetworkSession,
        on_delete=models.CASCADE,
        related_name="guests",
        verbose_name=_("session"),
        db_index=False,  # session_guest_unique leads with this column
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="session_guest_of",
        verbose_name=_("guest"),
        db_index=False,  # session_guest_user_idx leads with this column
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("invited person")
        verbose_name_plural = _("invited people")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="session_guest_unique"),
        ]
        indexes = [
            # NetworkSession.objects.visible_to(): the sessions one user is a guest of.
            models.Index(fields=["user", "session"], name="session_guest_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.session}"


class SessionGuestOrganisation(models.Model):
    """A partner organisation invited to a session as a whole (a kick-off for the whole
    school): its active members in the environment are invited."""

    session = models.ForeignKey(
        NetworkSession,
        on_delete=models.CASCADE,
        related_name="guest_organisations",
        verbose_name=_("session"),
        db_index=False,  # session_guest_organisation_unique leads with this column
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("invited organisation")
        verbose_name_plural = _("invited organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "organisation"], name="session_guest_organisation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.session}"


def guest_of(user_id: int) -> Q:
    """A filter: sessions the user is invited to beyond their networks, in person
    or as an active member of an invited organisation, while active in the
    session's environment."""
    here = Membership.objects.filter(
        user_id=user_id, is_active=True, environment_id=OuterRef("network__environment_id")
    )
    in_person = SessionGuest.objects.filter(session_id=OuterRef("pk"), user_id=user_id)
    with_organisation = SessionGuestOrganisation.objects.filter(
        session_id=OuterRef("pk"),
        organisation_id__in=Membership.objects.filter(
            user_id=user_id,
            is_active=True,
            environment_id=OuterRef(OuterRef("network__environment_id")),
        ).values("organisation_id"),
    )
    return Q(Exists(here)) & (Q(Exists(in_person)) | Q(Exists(with_organisation)))


class Answer(models.TextChoices):
    NONE = "", _("no answer yet")
    YES = "yes", _("I'll come")
    NO = "no", _("I can't come")


class Presence(models.TextChoices):
    UNKNOWN = "", _("not registered")
    PRESENT = "present", _("present")
    EXCUSED = "excused", _("excused")
    ABSENT = "absent", _("absent")


class Attendance(models.Model):
    """An invitation to a session, the invitee's answer and whether they came."""

    session = models.ForeignKey(
        NetworkSession,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("session"),
        db_index=False,  # attendance_unique leads with this column
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("participant"),
        db_index=False,  # attendance_user_idx leads with this column
    )
    answer = models.CharField(
        _("answer"), max_length=3, choices=Answer, default=Answer.NONE, blank=True
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    presence = models.CharField(
        _("presence"), max_length=10, choices=Presence, default=Presence.UNKNOWN, blank=True
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="attendance_unique"),
        ]
        indexes = [
            # A participant's upcoming sessions on their home page.
            models.Index(fields=["user", "session"], name="attendance_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.session}"


class SessionFeedback(models.Model):
    session = models.ForeignKey(
        NetworkSession,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("session"),
        db_index=False,  # feedback_once leads with this column
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="session_feedback",
        verbose_name=_("participant"),
    )
    usefulness = models.PositiveSmallIntegerField(
        _("usefulness"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    relevance = models.PositiveSmallIntegerField(
        _("relevance to my practice"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("given"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("session feedback")
        verbose_name_plural = _("session feedback")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="feedback_once"),
            models.CheckConstraint(
                condition=Q(usefulness__gte=1, usefulness__lte=5)
                & Q(relevance__gte=1, relevance__lte=5),
                name="feedback_scores_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session}: {self.usefulness}/{self.relevance}"


class FeedbackDecision(models.Model):
    """ "You said, we did" (#19): what the core team concluded from the feedback on a
    session or along a learning line, and what it changes. A session's decision is kept
    with its line too, so the line carries its history (and rollover takes it along)."""

    network = models.ForeignKey(
        LearningNetwork,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("learning network"),
    )
    line = models.ForeignKey(
        LearningLine,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("learning line"),
    )
    session = models.OneToOneField(
        NetworkSession,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="decision",
        verbose_name=_("session"),
    )
    concluded = models.TextField(_("what we concluded from the feedback"), max_length=2000)
    changes = models.TextField(_("what we change"), max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # Set on a copy made by rollover: the school year the decision was first taken in.
    school_year = models.CharField(_("school year"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("feedback decision")
        verbose_name_plural = _("feedback decisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(session__isnull=False) | Q(line__isnull=False),
                name="decision_has_session_or_line",
            ),
        ]

    def __str__(self) -> str:
        return str(self.session or self.line)


class UnavailabilityKind(models.TextChoices):
    ONCE = "once", _("on a date")
    WEEKLY = "weekly", _("every week")


class UnavailabilityQuerySet(models.QuerySet["Unavailability"]):
    def touching(self, first_day: datetime.date, last_day: datetime.date) -> UnavailabilityQuerySet:
        """Unavailability with a moment between ``first_day`` and ``last_day`` (both
        inclusive, in the current time zone): dates that overlap the period, and weekly
        blocks valid during some of it."""
        zone = timezone.get_current_timezone()
        period_start = datetime.datetime.combine(first_day, datetime.time.min, tzinfo=zone)
        period_end = datetime.datetime.combine(
            last_day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        return self.filter(
            Q(kind=UnavailabilityKind.ONCE, starts_at__lt=period_end, ends_at__gt=period_start)
            | (
                Q(kind=UnavailabilityKind.WEEKLY)
                & (Q(valid_from__isnull=True) | Q(valid_from__lte=last_day))
                & (Q(valid_until__isnull=True) | Q(valid_until__gte=first_day))
            )
        )


class Unavailability(models.Model):
    """A time someone declared they cannot come to sessions: on a date (a whole day,
    some days, or some hours of one day), or every week on a weekday (all day or some
    hours), optionally only from or until a date.

    The reason is the owner's alone: the date finder and the coordinators only learn
    that the person cannot come.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="unavailabilities",
        verbose_name=_("person"),
        db_index=False,  # unavailability_user_kind_idx leads with this column
    )
    kind = models.CharField(
        _("when"), max_length=6, choices=UnavailabilityKind, default=UnavailabilityKind.ONCE
    )
    # On a date: the period itself (a whole day runs from midnight to midnight).
    starts_at = models.DateTimeField(_("from"), null=True, blank=True)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    # Every week: the weekday and, unless it is all day, the hours.
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday, null=True, blank=True)
    starts_time = models.TimeField(_("from time"), null=True, blank=True)
    ends_time = models.TimeField(_("until time"), null=True, blank=True)
    valid_from = models.DateField(_("first day"), null=True, blank=True)
    valid_until = models.DateField(_("last day"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = UnavailabilityQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "starts_at", "weekday", "starts_time", "pk"]
        verbose_name = _("unavailability")
        verbose_name_plural = _("unavailabilities")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=UnavailabilityKind.ONCE,
                        starts_at__isnull=False,
                        ends_at__gt=models.F("starts_at"),
                        weekday__isnull=True,
                        starts_time__isnull=True,
                        ends_time__isnull=True,
                        valid_from__isnull=True,
                        valid_until__isnull=True,
                    )
                    | Q(
                        kind=UnavailabilityKind.WEEKLY,
                        starts_at__isnull=True,
                        ends_at__isnull=True,
                        weekday__gte=1,
                        weekday__lte=5,
                    )
                ),
                name="unavailability_once_or_weekly",
            ),
            models.CheckConstraint(
                condition=Q(starts_time__isnull=True, ends_time__isnull=True)
                | Q(ends_time__gt=models.F("starts_time")),
                name="unavailability_block_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="unavailability_valid_until_after_from",
            ),
        ]
        indexes = [
            # The date finder: the unavailability of a network's members (planner_input).
            models.Index(fields=["user", "kind"], name="unavailability_user_kind_idx"),
        ]

    def __str__(self) -> str:
        if self.kind == UnavailabilityKind.WEEKLY:
            hours = (
                f" {self.starts_time:%H:%M}–{self.ends_time:%H:%M}"
                if self.starts_time and self.ends_time
                else ""
            )
            return f"{self.user}: {self.get_weekday_display()}{hours}"
        return f"{self.user}: {short_date(self.starts_at)} – {short_date(self.ends_at)}"

    # What the owner's page shows; in the current time zone.

    @property
    def is_weekly(self) -> bool:
        return self.kind == UnavailabilityKind.WEEKLY

    @property
    def all_day(self) -> bool:
        """Whole days: a weekly block without hours, or dates from midnight to midnight."""
        if self.is_weekly:
            return self.starts_time is None
        start, end = self.local_start, self.local_end
        return start.time() == end.time() == datetime.time.min

    @property
    def local_start(self) -> datetime.datetime:
        assert self.starts_at is not None
        return timezone.localtime(self.starts_at)

    @property
    def local_end(self) -> datetime.datetime:
        assert self.ends_at is not None
        return timezone.localtime(self.ends_at)

    @property
    def first_day(self) -> datetime.date:
        return self.local_start.date()

    @property
    def last_day(self) -> datetime.date:
        """The last day it touches (a period ending at midnight ends the day before)."""
        end = self.local_end
        if end.time() == datetime.time.min:
            return end.date() - datetime.timedelta(days=1)
        return end.date()

    def periods(
        self, first_day: datetime.date, last_day: datetime.date
    ) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """The times between ``first_day`` and ``last_day`` (both inclusive) it covers,
        as aware start and end; a date's period whole, even where it reaches outside."""
        if not self.is_weekly:
            assert self.starts_at is not None and self.ends_at is not None
            return [(self.starts_at, self.ends_at)]
        zone = timezone.get_current_timezone()
        first = max(first_day, self.valid_from or first_day)
        last = min(last_day, self.valid_until or last_day)
        assert self.weekday is not None
        day = first + datetime.timedelta(days=(self.weekday - first.isoweekday()) % 7)
        result = []
        while day <= last:
            if self.starts_time is not None and self.ends_time is not None:
                start = datetime.datetime.combine(day, self.starts_time, tzinfo=zone)
                end = datetime.datetime.combine(day, self.ends_time, tzinfo=zone)
            else:
                start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
                end = datetime.datetime.combine(
                    day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
                )
            result.append((start, end))
            day += datetime.timedelta(days=7)
        return result


class WorkingDays(models.Model):
    """The weekdays a professional works at their organisation in a learning environment.

    Without a row they count as working every weekday (what the date finder assumed
    before they could say otherwise). Days are a bit set like a placement's days on
    site: bit n-1 for ISO weekday n, Monday to Friday.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="working_days",
        verbose_name=_("person"),
        db_index=False,  # working_days_unique_per_environment leads with this column
    )
    environment = models.ForeignKey(
        LearningEnvironment,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("learning environment"),
    )
    weekdays = models.PositiveSmallIntegerField(
        _("working days"), validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["environment_id"]
        verbose_name = _("working days")
        verbose_name_plural = _("working days")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "environment"], name="working_days_unique_per_environment"
            ),
            models.CheckConstraint(
                condition=Q(weekdays__gte=1) & Q(weekdays__lte=31),
                name="working_days_mask_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.environment}"

    @property
    def days(self) -> list[int]:
        """ISO weekday numbers, Monday first."""
        return [day for day in range(1, 6) if self.weekdays & (1 << (day - 1))]


class HolidayKind(models.TextChoices):
    AUTUMN = "autumn", _("autumn holiday")
    CHRISTMAS = "christmas", _("Christmas holiday")
    SPRING = "spring", _("spring holiday")
    MAY = "may", _("May holiday")
    SUMMER = "summer", _("summer holiday")
    EASTER_MONDAY = "easter_monday", _("Easter Monday")
    KINGS_DAY = "kings_day", _("King's Day")
    ASCENSION = "ascension", _("Ascension Day")
    WHIT_MONDAY = "whit_monday", _("Whit Monday")


class SchoolHolidayQuerySet(models.QuerySet["SchoolHoliday"]):
    def overlapping(
        self, region: str, first_day: datetime.date, last_day: datetime.date
    ) -> SchoolHolidayQuerySet:
        """The holidays of a region with a day between ``first_day`` and ``last_day``."""
        return self.filter(region=region, first_day__lte=last_day, last_day__gte=first_day)


class SchoolHoliday(models.Model):
    """Days the schools of a holiday region are closed: the school holidays the
    Rijksoverheid sets or advises, and the public holidays that fall outside them.

    Shipped as data for the coming school years (a data migration) and kept up to
    date by staff in the management site.
    """

    region = models.CharField(_("region"), max_length=6, choices=HolidayRegion)
    kind = models.CharField(_("holiday"), max_length=15, choices=HolidayKind)
    school_year = models.CharField(
        _("school year"),
        max_length=9,
        help_text=_("For example 2026-2027."),
        validators=[
            RegexValidator(r"^[0-9]{4}-[0-9]{4}$", _("Write the school year as 2026-2027."))
        ],
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))

    objects = SchoolHolidayQuerySet.as_manager()

    class Meta:
        ordering = ["first_day", "region"]
        verbose_name = _("school holiday")
        verbose_name_plural = _("school holidays")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "school_year", "kind"], name="school_holiday_once_a_year"
            ),
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")),
                name="school_holiday_ends_after_start",
            ),
        ]
        indexes = [
            # overlapping(): a region's holidays around the date finder's period.
            models.Index(fields=["region", "last_day"], name="school_holiday_region_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.school_year} ({self.get_region_display()})"

    def clean(self) -> None:
        super().clean()
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": _("The last day lies before the first day.")})


class ClosedDayQuerySet(models.QuerySet["ClosedDay"]):
    def overlapping(
        self, environment: LearningEnvironment, first_day: datetime.date, last_day: datetime.date
    ) -> ClosedDayQuerySet:
        """The environment's closed days between ``first_day`` and ``last_day``."""
        return self.filter(
            environment=environment, first_day__lte=last_day, last_day__gte=first_day
        )


class ClosedDay(models.Model):
    """A day, or a run of days, on which an environment plans no sessions: a study
    day of the schools, a neighbourhood centre that is closed."""

    environment = models.ForeignKey(
        LearningEnvironment,
        on_delete=models.CASCADE,
        related_name="closed_days",
        verbose_name=_("learning environment"),
        db_index=False,  # closed_day_environment_idx leads with this column
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=150)

    objects = ClosedDayQuerySet.as_manager()

    class Meta:
        ordering = ["first_day"]
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")),
                name="closed_day_ends_after_start",
            ),
        ]
        indexes = [
            # overlapping(): an environment's closed days around the date finder's period.
            models.Index(fields=["environment", "last_day"], name="closed_day_environment_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({short_date(self.first_day)})"

    def clean(self) -> None:
        super().clean()
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": _("The last day lies before the first day.")})


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A user's private iCalendar feed. Only the token's hash is stored."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("user"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)
