from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, recorded_domain
from environments.models import (
    Domain,
    LearningEnvironment,
    Organisation,
    OrganisationKind,
    Programme,
)

if TYPE_CHECKING:
    from accounts.models import User


class Weekday(models.IntegerChoices):
    """ISO weekday numbers, stored together as a bit set (bit n-1 for day n)."""

    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")


def weekdays_to_mask(days: Sequence[int | str]) -> int:
    return sum(1 << (int(day) - 1) for day in set(days))


def mask_to_weekdays(mask: int) -> list[int]:
    return [day for day in Weekday.values if mask & (1 << (day - 1))]


def contact_digest(email: str) -> str:
    """A short fingerprint of an e-mail address, to bind a link to its recipient."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


class PlacementStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    ACTIVE = "active", _("active")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")


class PlacementQuerySet(models.QuerySet["Placement"]):
    def visible_to(self, user: User) -> PlacementQuerySet:
        """Placements a user may see: their own, those they supervise, and all of
        the environments they coordinate."""
        if not user.is_authenticated:
            return self.none()
        coordinated = user.memberships.filter(role=Role.COORDINATOR, is_active=True).values(
            "environment_id"
        )
        supervised = SupervisionAssignment.objects.active_for(user).values("placement_id")
        return self.filter(
            Q(student=user) | Q(pk__in=supervised) | Q(environment_id__in=coordinated)
        )

    def supervised_by(self, user: User) -> PlacementQuerySet:
        """The placements the user supervises, while they are an active member of the
        placement's environment (the supervision part of :meth:`visible_to`)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            pk__in=SupervisionAssignment.objects.active_for(user).values("placement_id")
        )

    def with_own_domain_supervision(self) -> PlacementQuerySet:
        """Annotates ``has_own_domain``: the student has a practice supervisor of
        their own domain."""
        return self.annotate(has_own_domain=own_domain_supervision())


def own_domain_supervision() -> models.Exists:
    """For a Placement queryset: its student has a practice supervisor of their own
    domain (the SQL form of :meth:`SupervisionAssignment.is_own_domain`), by the
    supervisor's domain recorded on their membership (see :func:`supervisor_domain`)."""
    return models.Exists(
        SupervisionAssignment.objects.with_supervisor_domain().filter(
            own_domain_condition(
                models.OuterRef("programme__domain"), field=RECORDED_SUPERVISOR_DOMAIN
            ),
            placement=models.OuterRef("pk"),
        )
    )


class Placement(models.Model):
    # The student's and the environment's own indexes would repeat the leading column
    # of placement_student_status_idx and placement_env_status_idx: write cost only.
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("student"),
        db_index=False,
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="placements", verbose_name=_("programme")
    )
    environment = models.ForeignKey(
        LearningEnvironment,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("learning environment"),
        db_index=False,
    )
    school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="school_placements",
        limit_choices_to={"kind": OrganisationKind.SCHOOL},
        verbose_name=_("school"),
    )
    neighbourhood_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="neighbourhood_placements",
        limit_choices_to={"kind": OrganisationKind.NEIGHBOURHOOD},
        verbose_name=_("neighbourhood organisation"),
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    weekdays_on_site = models.PositiveSmallIntegerField(
        _("days on site"), default=0, validators=[MaxValueValidator(31)]
    )
    institute_days = models.PositiveSmallIntegerField(
        _("institute class days"), default=0, validators=[MaxValueValidator(31)]
    )
    hours_per_week = models.DecimalField(
        _("target hours per week"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(40)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlacementStatus, default=PlacementStatus.PLANNED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="placement_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(school__isnull=False) | Q(neighbourhood_organisation__isnull=False),
                name="placement_has_a_host",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=0) & Q(hours_per_week__lte=40),
                name="placement_hours_per_week_range",
            ),
            models.CheckConstraint(
                condition=Q(weekdays_on_site__lte=31) & Q(institute_days__lte=31),
                name="placement_weekday_masks_range",
            ),
        ]
        indexes = [
            # The coordinator's placement list of one environment, by status.
            models.Index(fields=["environment", "status"], name="placement_env_status_idx"),
            # A student's own placements.
            models.Index(fields=["student", "status"], name="placement_student_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.student} – {self.programme.name} ({self.start_date:%Y})"

    def get_absolute_url(self) -> str:
        return reverse("placements:detail", args=[self.pk])

    @property
    def hosts(self) -> list[Organisation]:
        return [org for org in (self.school, self.neighbourhood_organisation) if org]

    @property
    def days_on_site(self) -> list[int]:
        return mask_to_weekdays(self.weekdays_on_site)

    @property
    def days_at_institute(self) -> list[int]:
        return mask_to_weekdays(self.institute_days)

    def days_on_site_labels(self) -> list[str]:
        return [str(Weekday(day).label) for day in self.days_on_site]

    def institute_day_labels(self) -> list[str]:
        return [str(Weekday(day).label) for day in self.days_at_institute]

    def covers(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date

    @property
    def accepts_entries(self) -> bool:
        return self.status == PlacementStatus.ACTIVE


class SupervisionRole(models.TextChoices):
    PRACTICE = "practice", _("practice supervisor")
    SCHOOL_TRAINER = "school_trainer", _("school trainer")
    INSTITUTE = "institute", _("institute supervisor")


# Memberships that make someone a professional who may supervise in an environment.
SUPERVISOR_ROLES = [Role.PRACTICE_SUPERVISOR, Role.SCHOOL_TRAINER, Role.INSTITUTE_SUPERVISOR]


def own_domain_condition(domain: Any, field: str = "domain") -> Q:
    """The assignments that give a student of ``domain`` an own-domain practice
    supervisor: a practice supervisor of that domain, or (in education) a school
    trainer. ``domain`` is a value or an ``OuterRef``; ``field`` names the supervisor's
    domain (the assignment's own, or :data:`RECORDED_SUPERVISOR_DOMAIN` after
    :meth:`~SupervisionAssignmentQuerySet.with_supervisor_domain`).
    :meth:`SupervisionAssignment.is_own_domain` is the same rule for one row."""
    return Q(**{field: domain}) & (
        Q(role=SupervisionRole.PRACTICE)
        | Q(role=SupervisionRole.SCHOOL_TRAINER, **{field: Domain.EDUCATIONAL})
    )


# The annotation of ``with_supervisor_domain``.
RECORDED_SUPERVISOR_DOMAIN = "recorded_supervisor_domain"


def supervisor_domain() -> Coalesce:
    """For a SupervisionAssignment queryset: the supervisor's own domain, as recorded on
    their active membership of the placement's environment; for a supervisor without an
    account (or nothing recorded), the domain given with the assignment."""
    return Coalesce(
        recorded_domain(models.OuterRef("supervisor"), models.OuterRef("placement__environment")),
        models.F("domain"),
    )


class SupervisionAssignmentQuerySet(models.QuerySet["SupervisionAssignment"]):
    def with_supervisor_domain(self) -> SupervisionAssignmentQuerySet:
        """Annotates :data:`RECORDED_SUPERVISOR_DOMAIN`, which
        :attr:`SupervisionAssignment.supervisor_domain` reads (no extra query)."""
        return self.annotate(**{RECORDED_SUPERVISOR_DOMAIN: supervisor_domain()})

    def active_for(self, user: User) -> SupervisionAssignmentQuerySet:
        """The user's assignments in environments where they are still an active
        member: a supervisor who has left sees and signs off nothing there. The one
        definition of "supervises", used by every list and check."""
        active = user.memberships.filter(is_active=True).values("environment_id")
        return self.filter(supervisor=user, placement__environment_id__in=active)

    def signing_off(self) -> SupervisionAssignmentQuerySet:
        return self.filter(signs_off=True)


class SupervisionAssignment(models.Model):
    """Who supervises a placement, in which role, and with which responsibilities.

    A supervisor usually has an account; a neighbourhood professional without one
    is recorded by name and e-mail and signs off through an e-mailed link. Part of
    the placement aggregate: change it through ``placements.services.assignment_save``
    and ``assignment_remove``.
    """

    placement = models.ForeignKey(
        Placement,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("placement"),
    )
    # assignment_supervisor_idx leads with the supervisor: no index of its own.
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervisions",
        verbose_name=_("supervisor"),
        db_index=False,
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=SupervisionRole)
    domain = models.CharField(_("supervisor's domain"), max_length=20, choices=Domain.choices)
    guides = models.BooleanField(_("guidance"), default=True)
    assesses = models.BooleanField(_("assessment"), default=False)
    signs_off = models.BooleanField(_("signs off hours"), default=False)

    objects = SupervisionAssignmentQuerySet.as_manager()

    class Meta:
        # The table keeps the name it had when the model lived in the supervision app.
        db_table = "supervision_supervisionassignment"
        ordering = ["role"]
        verbose_name = _("supervision assignment")
        verbose_name_plural = _("supervision assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(supervisor__isnull=False) | ~Q(email=""),
                name="assignment_has_supervisor_or_email",
            ),
            models.UniqueConstraint(
                fields=["placement", "supervisor", "role"],
                condition=Q(supervisor__isnull=False),
                name="assignment_unique_supervisor_role",
            ),
            models.UniqueConstraint(
                fields=["placement"],
                condition=Q(signs_off=True),
                name="assignment_one_signer_per_placement",
            ),
        ]
        indexes = [
            # A supervisor's placements: every visible_to() and the sign-off queue.
            models.Index(fields=["supervisor", "placement"], name="assignment_supervisor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} – {self.get_role_display()}"

    @property
    def display_name(self) -> str:
        if self.supervisor_id:
            return str(self.supervisor)
        return self.name or self.email

    @property
    def contact_email(self) -> str:
        return self.supervisor.email if self.supervisor is not None else self.email

    @property
    def supervisor_domain(self) -> str:
        """The supervisor's own domain: recorded on their membership when the row was
        read ``with_supervisor_domain()``, else the one given with the assignment."""
        return getattr(self, RECORDED_SUPERVISOR_DOMAIN, None) or self.domain

    def is_own_domain(self, student_domain: str) -> bool:
        """A practice supervisor of the student's domain (a school trainer counts in
        education); the one-row form of :func:`own_domain_condition` (read the row
        ``with_supervisor_domain()`` for the domain recorded on the membership)."""
        if self.supervisor_domain != student_domain:
            return False
        return self.role == SupervisionRole.PRACTICE or (
            self.role == SupervisionRole.SCHOOL_TRAINER and student_domain == Domain.EDUCATIONAL
        )


class Setting(models.TextChoices):
    SCHOOL = "school", _("school")
    NEIGHBOURHOOD = "neighbourhood", _("neighbourhood")
    ONLINE = "online", _("online")


class ActivityKind(models.TextChoices):
    CLASSROOM = "classroom", _("classroom support")
    INDIVIDUAL = "individual", _("individual pupil guidance")
    GROUP = "group", _("group activity")
    OBSERVATION = "observation", _("observation")
    PROJECT = "project", _("project work")
    CONSULTATION = "consultation", _("consultation with colleagues")
    INTERVISION = "intervision", _("intervision")
    OTHER = "other", _("other")


class Discipline(models.TextChoices):
    """The disciplines a student can work with, as people in the field name them."""

    TEACHER = "teacher", _("teacher / pabo")
    TEACHING_ASSISTANT = "teaching_assistant", _("teaching assistant")
    SOCIAL_WORK = "social_work", _("social work")
    ARTS_THERAPY = "arts_therapy", _("arts therapy")
    PEDAGOGY = "pedagogy", _("pedagogy")
    CHILDCARE = "childcare", _("childcare")
    YOUTH_WORK = "youth_work", _("youth work")
    SPORT = "sport", _("sport and exercise")
    MUSIC = "music", _("music")


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")


EDITABLE_STATUSES = (EntryStatus.DRAFT, EntryStatus.RETURNED)

MIN_MINUTES = 15
MAX_MINUTES = 12 * 60
MAX_MINUTES_PER_DAY = 24 * 60
MAX_DESCRIPTION = 1000


class ActivityEntry(models.Model):
    # activity_placement_date_idx leads with the placement: no index of its own.
    placement = models.ForeignKey(
        Placement,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("placement"),
        db_index=False,
    )
    date = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(
        _("duration in minutes"),
        validators=[MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)],
    )
    setting = models.CharField(_("setting"), max_length=15, choices=Setting)
    kind = models.CharField(_("kind of activity"), max_length=15, choices=ActivityKind)
    disciplines = models.JSONField(_("disciplines worked with"), default=list, blank=True)
    description = models.TextField(_("description"), max_length=MAX_DESCRIPTION, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus, default=EntryStatus.DRAFT
    )
    # The form's one-time key: a double submit finds the entry it already made.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["date", "created_at"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=MIN_MINUTES) & Q(minutes__lte=MAX_MINUTES),
                name="activity_minutes_range",
            ),
            models.UniqueConstraint(
                fields=["placement", "submission_key"], name="activity_unique_submission"
            ),
        ]
        indexes = [
            # A placement's entries of one week or of the whole period, in date order; and
            # the sums per setting, kind and status of the placement overview and the balance
            # dashboard (placements of an environment, entries in a period), which the
            # included columns answer from the index alone on PostgreSQL.
            models.Index(
                fields=["placement", "date"],
                include=["minutes", "setting", "kind", "status"],
                name="activity_placement_date_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} ({self.minutes} min)"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def week_start(self) -> datetime.date:
        return week_start(self.date)

    def discipline_labels(self) -> list[str]:
        labels = dict(Discipline.choices)
        return [str(labels[code]) for code in self.disciplines if code in labels]


class WeekStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")
    # Signed off, then opened again at the student's request: they add and resubmit.
    REOPENED = "reopened", _("reopened")


# A week that takes no new entries: it waits for sign-off, or has been signed off.
LOCKED_WEEK_STATUSES = (WeekStatus.SUBMITTED, WeekStatus.APPROVED)

# How long a supervisor may take back an approval they just gave (a wrong click in
# the queue). The student is not notified of approvals, so time alone bounds it.
APPROVAL_UNDO_WINDOW = datetime.timedelta(minutes=15)


class WeekQuerySet(models.QuerySet["Week"]):
    def awaiting_signoff_by(self, user: User) -> WeekQuerySet:
        """Submitted weeks that wait for this user's sign-off: they sign off the
        placement and are still an active member of its environment."""
        if not user.is_authenticated:
            return self.none()
        signing = SupervisionAssignment.objects.active_for(user).signing_off()
        return self.filter(
            status=WeekStatus.SUBMITTED, placement_id__in=signing.values("placement_id")
        )

    def reopen_requested_of(self, user: User) -> WeekQuerySet:
        """Signed-off weeks whose student asked this user, who signs off the
        placement, to reopen them."""
        if not user.is_authenticated:
            return self.none()
        signing = SupervisionAssignment.objects.active_for(user).signing_off()
        return self.filter(
            status=WeekStatus.APPROVED,
            reopen_requested_at__isnull=False,
            placement_id__in=signing.values("placement_id"),
        )

    def undoable_by(self, user: User, *, now: datetime.datetime) -> WeekQuerySet:
        """Weeks this user approved so recently that they may still take it back."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            status=WeekStatus.APPROVED,
            reviewer=user,
            reviewed_at__gt=now - APPROVAL_UNDO_WINDOW,
            reopen_requested_at__isnull=True,
        )


class Week(models.Model):
    """A placement's week once the student has submitted it for sign-off."""

    # week_unique_per_placement leads with the placement: no index of its own.
    placement = models.ForeignKey(
        Placement,
        on_delete=models.CASCADE,
        related_name="weeks",
        verbose_name=_("placement"),
        db_index=False,
    )
    start = models.DateField(_("week of"))
    status = models.CharField(_("status"), max_length=10, choices=WeekStatus)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    reviewer_name = models.CharField(_("reviewed by"), max_length=150, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    # Set while the student's request to reopen the signed-off week waits for the
    # supervisor; the reason is in the week's history (WeekEvent).
    reopen_requested_at = models.DateTimeField(_("reopening asked"), null=True, blank=True)

    objects = WeekQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = _("week")
        verbose_name_plural = _("weeks")
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "start"], name="week_unique_per_placement"
            ),
            models.CheckConstraint(
                condition=Q(reopen_requested_at__isnull=True) | Q(status=WeekStatus.APPROVED),
                name="week_reopen_request_only_when_approved",
            ),
        ]
        indexes = [
            # The supervisor's queue: submitted weeks of the supervised placements.
            models.Index(fields=["status", "placement"], name="week_status_placement_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.placement} – {self.start:%G-W%V}"

    def get_absolute_url(self) -> str:
        return reverse("placements:week_review", args=[self.pk])

    @property
    def end(self) -> datetime.date:
        return self.start + datetime.timedelta(days=6)

    @property
    def takes_entries(self) -> bool:
        return self.status not in LOCKED_WEEK_STATUSES

    @property
    def reopen_pending(self) -> bool:
        return self.reopen_requested_at is not None

    def approval_undoable_by(self, user: User, *, now: datetime.datetime) -> bool:
        """The one-row form of :meth:`WeekQuerySet.undoable_by`."""
        return (
            self.status == WeekStatus.APPROVED
            and self.reviewer_id is not None
            and self.reviewer_id == user.pk
            and self.reviewed_at is not None
            and self.reviewed_at > now - APPROVAL_UNDO_WINDOW
            and self.reopen_requested_at is None
        )

    SIGNOFF_SALT = "ulvo.placements.week-signoff"

    def signoff_token(self, assignment_pk: int) -> str:
        """A link for one supervisor to sign off this submission of the week.

        It names the submission's time, so it stops working once the week has
        been reviewed (and a later resubmission needs a new link), and the
        supervisor's address, so it stops working when someone else takes over.
        """
        assert self.submitted_at is not None
        assignment = SupervisionAssignment.objects.select_related("supervisor").get(
            pk=assignment_pk
        )
        payload = {
            "w": self.pk,
            "a": assignment_pk,
            "e": contact_digest(assignment.contact_email),
            "s": self.submitted_at.isoformat(),
        }
        return signing.dumps(payload, salt=self.SIGNOFF_SALT, compress=True)

    @classmethod
    def parse_signoff_token(cls, token: str) -> dict[str, Any] | None:
        try:
            payload = signing.loads(
                token, salt=cls.SIGNOFF_SALT, max_age=settings.SIGNOFF_LINK_MAX_AGE
            )
        except signing.BadSignature:
            return None
        if not isinstance(payload, dict) or set(payload) != {"w", "a", "e", "s"}:
            return None
        return payload

    def get_signoff_url(self, assignment_pk: int) -> str:
        return reverse("placements:signoff_link", args=[self.signoff_token(assignment_pk)])


class WeekEventAction(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")
    REOPEN_REQUESTED = "reopen_requested", _("asked to reopen")
    REOPENED = "reopened", _("reopened")
    REOPEN_DECLINED = "reopen_declined", _("reopening declined")
    APPROVAL_UNDONE = "approval_undone", _("sign-off undone")


class WeekEvent(models.Model):
    """The history of a week: who submitted, approved or returned it, who asked to
    reopen it and how that was answered, and when."""

    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=WeekEventAction)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_name = models.CharField(_("by"), max_length=150)
    via_link = models.BooleanField(_("through the e-mailed link"), default=False)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("week event")
        verbose_name_plural = _("week events")

    def __str__(self) -> str:
        return f"{self.week}: {self.get_action_display()} ({self.actor_name})"


class ImportKind(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (.xlsx)")


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", _("uploaded")
    VALIDATING = "validating", _("checking")
    VALIDATED = "validated", _("checked")
    IMPORTING = "importing", _("importing")
    DONE = "done", _("imported")
    FAILED = "failed", _("failed")


class ImportJob(models.Model):
    """A coordinator's file of students and placements: checked first, then imported.

    The file is kept in the database, so whichever worker runs the check or the
    import can read it; it is cleared once the import is done. ``report`` holds
    each row's outcome and errors as message codes, rendered in the reader's
    language (see ``placements.imports``).
    """

    # importjob_env_created_idx leads with the environment: no index of its own.
    environment = models.ForeignKey(
        LearningEnvironment,
        on_delete=models.CASCADE,
        related_name="import_jobs",
        verbose_name=_("learning environment"),
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("file type"), max_length=4, choices=ImportKind)
    content = models.BinaryField(_("file content"))
    state = models.CharField(
        _("state"), max_length=10, choices=ImportState, default=ImportState.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(processed_rows__lte=models.F("total_rows")),
                name="importjob_processed_within_total",
            ),
        ]
        indexes = [
            # The import page: an environment's recent imports, newest first.
            models.Index(fields=["environment", "-created_at"], name="importjob_env_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("placements:import_job", args=[self.environment_id, self.pk])

    @property
    def is_running(self) -> bool:
        return self.state in (ImportState.UPLOADED, ImportState.VALIDATING, ImportState.IMPORTING)

    @property
    def error_count(self) -> int:
        return int(self.report.get("summary", {}).get("invalid", 0)) + len(
            self.report.get("file_errors", [])
        )

    @property
    def can_be_imported(self) -> bool:
        return (
            self.state == ImportState.VALIDATED
            and self.error_count == 0
            and int(self.report.get("summary", {}).get("placements", 0)) > 0
        )
