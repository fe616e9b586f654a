"""The host register, application rounds, compliance items and the solver's proposals.

Above ``placements`` in the layers: a confirmed proposal becomes placements with their
supervision assignments through the placements services.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from environments.models import Domain, LearningEnvironment, Level, Organisation, Programme
from placements.models import Placement

if TYPE_CHECKING:
    from accounts.models import User

MAX_PREFERENCES = 5
# A host with more than this many students in one year is a typing error.
PLACES_MAX = 200
ALL_WEEKDAYS = 0b11111


class HostProfile(models.Model):
    """What the register keeps about a school or neighbourhood organisation beyond its
    address and contact person (on :class:`Organisation`)."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="host_profile",
        verbose_name=_("organisation"),
    )
    weekdays = models.PositiveSmallIntegerField(
        _("weekdays students can be there"),
        default=ALL_WEEKDAYS,
        validators=[MaxValueValidator(ALL_WEEKDAYS)],
    )
    # The mix at this host: students of at least so many domains (0: no target).
    min_domains = models.PositiveSmallIntegerField(
        _("students of at least this many domains"), default=0, validators=[MaxValueValidator(3)]
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("host profile")
        verbose_name_plural = _("host profiles")

    def __str__(self) -> str:
        return str(self.organisation)


class TrainingPartnership(models.Model):
    """A partnership of institutes and their training schools (*opleidingsschool*): a
    pabo student of one of its institutes goes only to one of its schools."""

    name = models.CharField(_("name"), max_length=150)
    institutes = models.ManyToManyField(
        Organisation, related_name="training_partnerships", verbose_name=_("institutes")
    )
    schools = models.ManyToManyField(
        Organisation, related_name="training_school_of", verbose_name=_("training schools")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("training partnership")
        verbose_name_plural = _("training partnerships")

    def __str__(self) -> str:
        return self.name


class SbbRecognition(models.Model):
    """An SBB recognition (*erkend leerbedrijf*) of a host for one mbo qualification."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="sbb_recognitions",
        verbose_name=_("organisation"),
    )
    crebo = models.CharField(
        _("crebo code"),
        max_length=5,
        validators=[RegexValidator(r"^[0-9]{5}$", _("A crebo code has five digits."))],
    )
    qualification = models.CharField(_("qualification"), max_length=150, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["crebo", "valid_from"]
        verbose_name = _("SBB recognition")
        verbose_name_plural = _("SBB recognitions")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="sbb_recognition_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.crebo} – {self.organisation}"

    def valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class HostPlace(models.Model):
    """Room at a host in a school year for so many students, optionally only of one
    programme, level or domain."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="places",
        verbose_name=_("host"),
        db_index=False,  # hostplace_org_year_idx leads with this column
    )
    school_year = models.CharField(_("school year"), max_length=9)
    capacity = models.PositiveSmallIntegerField(
        _("students"), validators=[MaxValueValidator(PLACES_MAX)]
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only for programme"),
    )
    level = models.CharField(_("only for level"), max_length=3, choices=Level, blank=True)
    domain = models.CharField(_("only for domain"), max_length=20, choices=Domain, blank=True)

    class Meta:
        ordering = ["organisation__name", "pk"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [
            # The solver's input: a round's hosts' places in its school year.
            models.Index(fields=["organisation", "school_year"], name="hostplace_org_year_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.school_year}: {self.capacity}"


class SupervisorCapacity(models.Model):
    """How many students a practice supervisor of a host can take in a school year."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="supervisor_capacities",
        verbose_name=_("host"),
        db_index=False,  # supervisorcapacity_unique leads with this column
    )
    school_year = models.CharField(_("school year"), max_length=9)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="supervision_capacities",
        verbose_name=_("practice supervisor"),
    )
    capacity = models.PositiveSmallIntegerField(
        _("students"), validators=[MaxValueValidator(PLACES_MAX)]
    )

    class Meta:
        verbose_name = _("supervisor's capacity")
        verbose_name_plural = _("supervisors' capacities")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "school_year", "supervisor"],
                name="supervisorcapacity_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor} {self.school_year}: {self.capacity}"


class ApplicationRoundQuerySet(models.QuerySet["ApplicationRound"]):
    def visible_to(self, user: User) -> ApplicationRoundQuerySet:
        """Rounds of the environments a user is an active member of."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            environment_id__in=user.memberships.filter(is_active=True).values("environment_id")
        )


class ApplicationRound(models.Model):
    environment = models.ForeignKey(
        LearningEnvironment,
        on_delete=models.CASCADE,
        related_name="application_rounds",
        verbose_name=_("learning environment"),
    )
    name = models.CharField(_("name"), max_length=150)
    # The school year whose places the round fills.
    school_year = models.CharField(_("school year"), max_length=9)
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    starts_on = models.DateField(_("placements start"))
    ends_on = models.DateField(_("placements end"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ApplicationRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "pk"]
        verbose_name = _("application round")
        verbose_name_plural = _("application rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="round_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="round_placements_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open(self, day: datetime.date) -> bool:
        return self.opens_on <= day <= self.closes_on


class ApplicationQuerySet(models.QuerySet["Application"]):
    def visible_to(self, user: User) -> ApplicationQuerySet:
        """A student's own applications; the applications to the rounds of the
        environments one coordinates; the applications of an institute supervisor's
        own institute's students."""
        if not user.is_authenticated:
            return self.none()
        active = user.memberships.filter(is_active=True)
        coordinated = active.filter(role=Role.COORDINATOR).values("environment_id")
        institute = active.filter(
            role=Role.INSTITUTE_SUPERVISOR, organisation__isnull=False
        ).values_list("environment_id", "organisation_id")
        condition = Q(student=user) | Q(round__environment_id__in=coordinated)
        for environment_id, organisation_id in institute:
            condition |= Q(
                round__environment_id=environment_id, programme__institute_id=organisation_id
            )
        return self.filter(condition)


class Application(models.Model):
    round = models.ForeignKey(
        ApplicationRound,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("application round"),
        db_index=False,  # application_unique_student leads with this column
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("student"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="+", verbose_name=_("programme")
    )
    weekdays = models.PositiveSmallIntegerField(
        _("days I can be on site"), validators=[MaxValueValidator(ALL_WEEKDAYS)]
    )
    class_days = models.PositiveSmallIntegerField(
        _("institute class days"), default=0, validators=[MaxValueValidator(ALL_WEEKDAYS)]
    )
    crebo = models.CharField(
        _("qualification (crebo code)"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{5}$", _("A crebo code has five digits."))],
    )
    no_preference = models.BooleanField(_("no preference"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["round", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["round", "student"], name="application_unique_student"),
        ]

    def __str__(self) -> str:
        return f"{self.student} – {self.round}"


class Preference(models.Model):
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="preferences",
        verbose_name=_("application"),
        db_index=False,  # preference_unique_rank leads with this column
    )
    rank = models.PositiveSmallIntegerField(
        _("rank"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PREFERENCES)]
    )
    host = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("host")
    )

    class Meta:
        ordering = ["application", "rank"]
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="preference_unique_rank"),
            models.UniqueConstraint(fields=["application", "host"], name="preference_unique_host"),
            models.CheckConstraint(
                condition=Q(rank__gte=1, rank__lte=MAX_PREFERENCES), name="preference_rank_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}: {self.host}"


class DecisionKind(models.TextChoices):
    PIN = "pin", _("pinned")
    FORBID = "forbid", _("forbidden")


class Decision(models.Model):
    """A coordinator's pin (this student goes here) or ban (never here)."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("application"),
        db_index=False,  # decision_unique_host leads with this column
    )
    host = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("host")
    )
    kind = models.CharField(_("decision"), max_length=6, choices=DecisionKind)

    class Meta:
        verbose_name = _("pin or ban")
        verbose_name_plural = _("pins and bans")
        constraints = [
            models.UniqueConstraint(fields=["application", "host"], name="decision_unique_host"),
            # One pin per student: a second pin replaces the first (the service).
            models.UniqueConstraint(
                fields=["application"], condition=Q(kind="pin"), name="decision_one_pin"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.host}"


class ProposalStatus(models.TextChoices):
    RUNNING = "running", _("running")
    READY = "ready", _("ready")
    CONFIRMED = "confirmed", _("confirmed")
    FAILED = "failed", _("failed")
    SUPERSEDED = "superseded", _("superseded")


class Proposal(models.Model):
    round = models.ForeignKey(
        ApplicationRound,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("application round"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus, default=ProposalStatus.RUNNING
    )
    progress = models.PositiveIntegerField(_("progress"), default=0)
    total = models.PositiveIntegerField(_("steps"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    optimal = models.BooleanField(_("optimal"), default=False)
    gap = models.FloatField(_("distance from the optimum"), default=0.0)
    # The targets and how far the proposal meets them: ids, numbers and reason codes.
    targets = models.JSONField(_("targets"), default=list, blank=True)
    # Applicants left without a place and why, by application id.
    unassigned = models.JSONField(_("without a place"), default=list, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return f"{self.round} – {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.progress / self.total)) if self.total else 0


class ProposedPlacement(models.Model):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="items", verbose_name=_("proposal")
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="+", verbose_name=_("application")
    )
    host = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("host")
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("practice supervisor"),
    )
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    # Reason codes and parameters (host names, numbers; never a person's name).
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    placement = models.ForeignKey(
        Placement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("placement"),
    )

    class Meta:
        ordering = ["proposal", "host__name", "pk"]
        verbose_name = _("proposed placement")
        verbose_name_plural = _("proposed placements")

    def __str__(self) -> str:
        return f"{self.application} → {self.host}"


class ComplianceKind(models.TextChoices):
    VOG = "vog", _("certificate of conduct (VOG)")
    AGREEMENT = "agreement", _("placement agreement")
    OTHER = "other", _("other")


class ComplianceRequirement(models.Model):
    """An item a placement of a programme needs before it starts (all programmes when
    none is given)."""

    environment = models.ForeignKey(
        LearningEnvironment,
        on_delete=models.CASCADE,
        related_name="compliance_requirements",
        verbose_name=_("learning environment"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ComplianceKind)
    name = models.CharField(_("name"), max_length=150)
    required = models.BooleanField(_("required before the start"), default=True)

    class Meta:
        ordering = ["environment", "kind", "name"]
        verbose_name = _("compliance requirement")
        verbose_name_plural = _("compliance requirements")

    def __str__(self) -> str:
        return self.name


class ComplianceStatus(models.TextChoices):
    OPEN = "open", _("open")
    REQUESTED = "requested", _("requested")
    RECEIVED = "received", _("received")
    CHECKED = "checked", _("checked")


class ComplianceItem(models.Model):
    placement = models.ForeignKey(
        Placement,
        on_delete=models.CASCADE,
        related_name="compliance_items",
        verbose_name=_("placement"),
        db_index=False,  # complianceitem_unique leads with this column
    )
    requirement = models.ForeignKey(
        ComplianceRequirement,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("requirement"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ComplianceStatus, default=ComplianceStatus.OPEN
    )
    requested_on = models.DateField(_("requested"), null=True, blank=True)
    received_on = models.DateField(_("received"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_on = models.DateField(_("checked"), null=True, blank=True)
    # A placement agreement: who signed (for mbo the three parties), and when.
    signed_by = models.CharField(_("signed by"), max_length=300, blank=True)
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    # The uploaded document in the database, as the import's files are (no media
    # storage to configure or to back up apart); its type checked by its content.
    document = models.BinaryField(_("document"), blank=True, default=b"", editable=False)
    document_type = models.CharField(_("document type"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("compliance item")
        verbose_name_plural = _("compliance items")
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "requirement"], name="complianceitem_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requirement} – {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status != ComplianceStatus.CHECKED
