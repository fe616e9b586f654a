from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from environments.models import LearningEnvironment

# How long the outbox keeps a message: a year after it was written, read or not,
# delivered or failed; the nightly retention purge (privacy.services) removes it then.
NOTIFICATION_RETENTION = datetime.timedelta(days=365)


class Kind(models.TextChoices):
    REFLECTION_FEEDBACK = "reflection_feedback", _("feedback on a reflection")
    SESSION_REMINDER = "session_reminder", _("reminder of a session tomorrow")
    SESSION_FOLLOWUP = "session_followup", _("feedback and reflection after a session")
    LOG_REMINDER = "log_reminder", _("reminder to log activities")
    SIGNOFF_REQUEST = "signoff_request", _("a week submitted for sign-off")
    SIGNOFF_REMINDER = "signoff_reminder", _("reminder of weeks waiting for sign-off")
    BALANCE_REPORT = "balance_report", _("monthly participation-balance report")
    REPORT_READY = "report_ready", _("requested report ready")
    # Issue #15: the events that concern someone.
    WEEK_RETURNED = "week_returned", _("a week returned to you with a comment")
    WEEK_APPROVED = "week_approved", _("a week of yours approved")
    SUPERVISION_ASSIGNED = "supervision_assigned", _("a new supervision assignment")
    NETWORK_ADDED = "network_added", _("added to a learning network or its core team")
    REFLECTION_SHARED = "reflection_shared", _("a reflection shared with you")
    REFLECTION_WAITING = "reflection_waiting", _("a shared reflection waiting for a response")
    INVITATION_REMINDER = "invitation_reminder", _("reminder of an invitation not yet accepted")
    INVITATION_UNACCEPTED = "invitation_unaccepted", _("an invitation not accepted after a week")
    SESSION_PUBLISHED = "session_published", _("an invitation to a session")
    SESSION_MOVED = "session_moved", _("a session moved to another time")
    SESSION_CANCELLED = "session_cancelled", _("a session cancelled")


class Delivery(models.TextChoices):
    """How a user wants one kind of message; also how a row was delivered."""

    EMAIL = "email", _("by e-mail")
    IN_APP = "in_app", _("in the app only")
    DIGEST = "digest", _("in a weekly digest e-mail")


class Status(models.TextChoices):
    PENDING = "pending", _("pending")
    DIGEST = "digest", _("waiting for the weekly digest")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    # Nothing worth sending: the account was deactivated, or the subject changed
    # (a week signed off, a session cancelled).
    SKIPPED = "skipped", _("skipped")
    # The recipient may no longer see what the message is about (a membership
    # ended, a supervision or coordination given up): never sent, never shown.
    OBSOLETE = "obsolete", _("obsolete")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: User) -> NotificationQuerySet:
        """A user's in-app list: their own messages that are due."""
        return self.filter(recipient=user, due_at__lte=timezone.now()).exclude(
            status__in=[Status.SKIPPED, Status.OBSOLETE]
        )

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def due(self) -> NotificationQuerySet:
        return self.filter(status=Status.PENDING, due_at__lte=timezone.now())

    def past_retention(self, now: datetime.datetime | None = None) -> NotificationQuerySet:
        """Rows written more than ``NOTIFICATION_RETENTION`` ago.

        A row still pending whose due time falls within that year stays: it is
        being retried, or staff sent it again from the admin, and the delivery
        sweep still owns it. It goes a year after it was last due.
        """
        cutoff = (now or timezone.now()) - NOTIFICATION_RETENTION
        return self.filter(created_at__lt=cutoff).exclude(status=Status.PENDING, due_at__gte=cutoff)


class Notification(models.Model):
    """The outbox: one message to one person, written in the transaction that caused it.

    Delivery claims the row under a row lock and moves it out of ``pending`` in
    the same transaction as the send, so a redelivered task finds nothing to do.
    The payload holds IDs and dates only — never reflection text or pupil data.
    """

    MAX_ATTEMPTS = 5

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
        db_index=False,  # notification_recipient_idx leads with this column
    )
    # Supervisors without an account are reached at the address on their assignment.
    email = models.EmailField(_("e-mail address"), blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    due_at = models.DateTimeField(_("due"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    channel = models.CharField(_("delivered"), max_length=10, choices=Delivery, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(email=""),
                name="notification_has_recipient_or_email",
            ),
        ]
        indexes = [
            # The delivery sweep: pending rows whose time has come, oldest first.
            models.Index(
                fields=["due_at"],
                condition=Q(status="pending"),
                name="notification_pending_due_idx",
            ),
            # The in-app list of one user, newest first.
            models.Index(fields=["recipient", "-due_at"], name="notification_recipient_idx"),
            # The unread count in the navigation, on every page.
            models.Index(
                fields=["recipient", "due_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            # The weekly digest: rows waiting for it, per recipient.
            models.Index(
                fields=["recipient"],
                condition=Q(status="digest"),
                name="notification_digest_idx",
            ),
            # The retention purge: the oldest rows first, a batch at a time.
            models.Index(fields=["created_at"], name="notification_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient or self.email}"

    def get_absolute_url(self) -> str:
        return reverse("notifications:open", args=[self.pk])

    @property
    def address(self) -> str:
        return self.recipient.email if self.recipient is not None else self.email

    @property
    def language(self) -> str:
        return self.recipient.language if self.recipient is not None else settings.LANGUAGE_CODE


class Preference(models.Model):
    """How a user wants one kind of message. No row: by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
        db_index=False,  # preference_unique_per_kind leads with this column
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_unique_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} – {self.get_delivery_display()}"


# How long a produced report can be downloaded before the purge removes it.
REPORT_RETENTION = datetime.timedelta(days=7)


class ReportState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


class ReportQuerySet(models.QuerySet["Report"]):
    def visible_to(self, user: User) -> ReportQuerySet:
        """Reports of the environments the user coordinates: nobody else's business."""
        coordinated = user.memberships.filter(role=Role.COORDINATOR, is_active=True).values(
            "environment_id"
        )
        return self.filter(environment_id__in=coordinated)

    def expired(self) -> ReportQuerySet:
        return self.filter(expires_at__lte=timezone.now())


class Report(models.Model):
    """A participation-balance report, produced by a task and kept for a while.

    The files live in the database, not on a worker's disk, so any web process
    can serve them and the retention purge removes them with the row.
    """

    environment = models.ForeignKey(
        LearningEnvironment,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("learning environment"),
        db_index=False,  # report_env_created_idx leads with this column
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState, default=ReportState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    error = models.TextField(_("error"), blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    xlsx = models.BinaryField(_("Excel"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="report_period_ordered",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_max"),
        ]
        indexes = [
            # The report page: an environment's reports, newest first.
            models.Index(fields=["environment", "-created_at"], name="report_env_created_idx"),
            # The retention purge: expired reports.
            models.Index(fields=["expires_at"], name="report_expires_idx"),
            # The sweep that restarts reports whose task was lost.
            models.Index(
                fields=["created_at"],
                condition=Q(state__in=["queued", "running"]),
                name="report_unfinished_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.environment} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("notifications:report_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state in (ReportState.DONE, ReportState.FAILED)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def filename_stem(self) -> str:
        period = f"{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}"
        return f"ulvo-balance-{self.environment_id}-{period}"

    @staticmethod
    def default_expiry() -> datetime.datetime:
        return timezone.now() + REPORT_RETENTION
