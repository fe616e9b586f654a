from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from environments.models import Domain
from placements.models import Placement, SupervisionRole
from ulvo.lib.formats import short_date

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from accounts.models import User


MAX_AGREEMENT_TEXT = 2000


class ResponsibilityAgreement(models.Model):
    """The environment's default "who does what": each supervision role's tasks.

    Shown on every placement's supervision page, so student and supervisors start
    from the same agreement.
    """

    environment = models.OneToOneField(
        "environments.LearningEnvironment",
        on_delete=models.CASCADE,
        related_name="responsibility_agreement",
        verbose_name=_("learning environment"),
    )
    practice_supervisor = models.CharField(
        _("practice supervisor"), max_length=MAX_AGREEMENT_TEXT, blank=True
    )
    school_trainer = models.CharField(
        _("school trainer"), max_length=MAX_AGREEMENT_TEXT, blank=True
    )
    institute_supervisor = models.CharField(
        _("institute supervisor"), max_length=MAX_AGREEMENT_TEXT, blank=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("responsibility agreement")
        verbose_name_plural = _("responsibility agreements")

    def __str__(self) -> str:
        return str(self.environment)

    def by_role(self) -> list[tuple[StrOrPromise, str]]:
        """(role label, text) in the order of the roles, leaving out empty texts."""
        texts = {
            SupervisionRole.PRACTICE: self.practice_supervisor,
            SupervisionRole.SCHOOL_TRAINER: self.school_trainer,
            SupervisionRole.INSTITUTE: self.institute_supervisor,
        }
        return [(role.label, texts[role]) for role in SupervisionRole if texts[role].strip()]


MAX_MEETING_TEXT = 4000


class MeetingNoteQuerySet(models.QuerySet["MeetingNote"]):
    def visible_to(self, user: User) -> MeetingNoteQuerySet:
        """Notes the user wrote or that are about their own placement: nobody else,
        not other supervisors, not coordinators."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(author=user) | Q(placement__student=user),
            placement__in=Placement.objects.visible_to(user),
        )


class MeetingNote(models.Model):
    """A supervisor's notes of a supervision meeting with the student, and what they agreed.

    Seen by its author and the placement's student only; on purpose not in the admin.
    """

    placement = models.ForeignKey(
        Placement,
        on_delete=models.CASCADE,
        related_name="meeting_notes",
        verbose_name=_("placement"),
        db_index=False,  # meeting_note_placement_idx leads with this column
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_notes",
        verbose_name=_("supervisor"),
    )
    date = models.DateField(_("date of the meeting"))
    notes = models.TextField(_("notes"), max_length=MAX_MEETING_TEXT)
    agreements = models.TextField(_("agreements"), max_length=MAX_MEETING_TEXT, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("supervision meeting note")
        verbose_name_plural = _("supervision meeting notes")
        constraints = [
            models.CheckConstraint(condition=~Q(notes=""), name="meeting_note_has_notes"),
        ]
        indexes = [
            # A placement's notes, newest first (supervision page, supervisor's home).
            models.Index(fields=["placement", "-date"], name="meeting_note_placement_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.placement} – {short_date(self.date)}"


class TimeKind(models.TextChoices):
    PREPARATION = "preparation", _("preparing sessions")
    SUPERVISION = "supervision", _("supervision")
    MEETING = "meeting", _("meeting")
    OTHER = "other", _("other")


MIN_TIME_MINUTES = 5
MAX_TIME_MINUTES = 12 * 60
MAX_TIME_NOTE = 200


class TimeLogQuerySet(models.QuerySet["TimeLog"]):
    def visible_to(self, user: User) -> TimeLogQuerySet:
        """A person's own hours; others (coordinators included) see totals only."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(person=user)


class TimeLog(models.Model):
    """Time a professional spent on the learning environment, for the balance dashboards."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="time_logs",
        verbose_name=_("person"),
        db_index=False,  # timelog_person_date_idx leads with this column
    )
    environment = models.ForeignKey(
        "environments.LearningEnvironment",
        on_delete=models.CASCADE,
        related_name="time_logs",
        verbose_name=_("learning environment"),
        db_index=False,  # timelog_env_date_idx leads with this column
    )
    organisation = models.ForeignKey(
        "environments.Organisation",
        on_delete=models.PROTECT,
        related_name="time_logs",
        verbose_name=_("organisation"),
    )
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    date = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(
        _("minutes"),
        validators=[MinValueValidator(MIN_TIME_MINUTES), MaxValueValidator(MAX_TIME_MINUTES)],
    )
    kind = models.CharField(_("kind of work"), max_length=15, choices=TimeKind)
    note = models.CharField(_("note"), max_length=MAX_TIME_NOTE, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TimeLogQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("time invested")
        verbose_name_plural = _("time invested")
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=MIN_TIME_MINUTES) & Q(minutes__lte=MAX_TIME_MINUTES),
                name="timelog_minutes_range",
            ),
        ]
        indexes = [
            # The balance dashboard and the coordinator's totals: one environment's hours in
            # a period, summed per organisation and domain (covering on PostgreSQL).
            models.Index(
                fields=["environment", "date"],
                include=["organisation", "domain", "minutes"],
                name="timelog_env_date_idx",
            ),
            # A person's own hours, month by month.
            models.Index(fields=["person", "date"], name="timelog_person_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.date} ({self.minutes} min)"


class Rollover(models.Model):
    """A coordinator started ``target``, next school year's environment, from ``source``
    (supervision.rollover). ``carried`` maps what was copied (``"networks"``,
    ``"lines"``, ``"sessions"``, ``"outcomes"``: source pk, as a string → new pk), so
    running it again adds only what is missing, even after the new year's rows were
    renamed, moved or removed."""

    source = models.ForeignKey(
        "environments.LearningEnvironment",
        on_delete=models.CASCADE,
        related_name="rollovers_out",
        verbose_name=_("from environment"),
        db_index=False,  # rollover_once_per_pair leads with this column
    )
    target = models.ForeignKey(
        "environments.LearningEnvironment",
        on_delete=models.CASCADE,
        related_name="rollovers_in",
        verbose_name=_("to environment"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    carried = models.JSONField(_("carried over"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last run"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("rollover to the next school year")
        verbose_name_plural = _("rollovers to the next school year")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="rollover_once_per_pair"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="rollover_not_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"
