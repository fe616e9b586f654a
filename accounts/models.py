from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core import signing
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from environments.models import (
    Domain,
    LearningEnvironment,
    Organisation,
    OrganisationKind,
    OrganisationSubtype,
    Programme,
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="nl"
    )
    is_staff = models.BooleanField(
        _("staff"), default=False, help_text=_("May log in to the management site.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def is_coordinator_of(self, environment: LearningEnvironment) -> bool:
        return self.memberships.filter(
            environment=environment, role=Role.COORDINATOR, is_active=True
        ).exists()

    @property
    def must_use_mfa(self) -> bool:
        """Coordinators and staff must protect their account with a TOTP app."""
        return (
            self.is_staff or self.memberships.filter(role=Role.COORDINATOR, is_active=True).exists()
        )


class Role(models.TextChoices):
    STUDENT = "student", _("student")
    PRACTICE_SUPERVISOR = "practice_supervisor", _("practice supervisor")
    SCHOOL_TRAINER = "school_trainer", _("school trainer")
    INSTITUTE_SUPERVISOR = "institute_supervisor", _("institute supervisor")
    COORDINATOR = "coordinator", _("coordinator")
    # A teacher or social worker at a host who is not a supervisor: sees the environment
    # page, the agenda and the sessions they are invited to, nothing about students.
    COLLEAGUE = "colleague", _("colleague")


# Roles of professionals: they have an organisation and their own domain.
PROFESSIONAL_ROLES = [
    Role.PRACTICE_SUPERVISOR,
    Role.SCHOOL_TRAINER,
    Role.INSTITUTE_SUPERVISOR,
    Role.COORDINATOR,
    Role.COLLEAGUE,
]


def guessed_domain(organisation: Organisation | None) -> str:
    """The domain an organisation's professionals usually work in, or "" when the kind
    says nothing (an institute). Only a suggestion: a professional's own domain is the
    one recorded on their membership (a pedagogical professional at a school is no
    teacher)."""
    if organisation is None or organisation.kind == OrganisationKind.INSTITUTE:
        return ""
    if organisation.kind == OrganisationKind.SCHOOL:
        return Domain.EDUCATIONAL
    if organisation.subtype == OrganisationSubtype.CHILDCARE:
        return Domain.PEDAGOGICAL
    return Domain.SOCIAL


class Membership(models.Model):
    """A user's role within one learning environment."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
        db_index=False,  # membership_unique_role leads with this column
    )
    environment = models.ForeignKey(
        LearningEnvironment,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("learning environment"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("programme"),
    )
    domain = models.CharField(
        _("own domain"),
        max_length=20,
        choices=Domain.choices,
        blank=True,
        help_text=_(
            "The professional domain this person works in. Empty for students: "
            "their programme decides."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["environment__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "environment", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.STUDENT) | Q(programme__isnull=False),
                name="membership_student_has_programme",
            ),
        ]
        # The home page and every visible_to() read a user's environments through
        # membership_unique_role, which leads with (user, environment).

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.environment}"

    @property
    def affiliation(self) -> Programme | Organisation | None:
        """What the role ties someone to: a student's programme, else the organisation.

        Someone with two roles at one school has two memberships and one affiliation.
        """
        return self.programme or self.organisation

    @property
    def effective_domain(self) -> str:
        """The person's own domain here: a student's programme's, else the one recorded
        ("" when nobody recorded it)."""
        if self.role == Role.STUDENT and self.programme is not None:
            return self.programme.domain
        return self.domain


def recorded_domain(user: Any, environment: Any) -> models.Subquery:
    """The own domain recorded on a professional's active membership of an environment,
    as a subquery; ``user`` and ``environment`` are values or ``OuterRef``s. NULL when
    none is recorded (callers fall back with ``Coalesce``)."""
    return models.Subquery(
        Membership.objects.filter(user=user, environment=environment, is_active=True)
        .exclude(domain="")
        .order_by("pk")
        .values("domain")[:1]
    )


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """A coordinator's invitation to join an environment in a role.

    The link carries a signature of the invitation's id, so no secret is
    stored; it works once (``accepted_at``) and until ``expires_at``.
    """

    SIGNING_SALT = "ulvo.accounts.invitation"

    environment = models.ForeignKey(
        LearningEnvironment,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("learning environment"),
        db_index=False,  # invitation_env_created_idx leads with this column
    )
    email = models.EmailField(_("e-mail address"), max_length=254)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=Role)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    domain = models.CharField(_("own domain"), max_length=20, choices=Domain.choices, blank=True)
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.STUDENT) | Q(programme__isnull=False),
                name="invitation_student_has_programme",
            ),
        ]
        indexes = [
            # The coordinator's invitation list of one environment, newest first.
            models.Index(fields=["environment", "-created_at"], name="invitation_env_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.email} – {self.get_role_display()} – {self.environment}"

    @property
    def token(self) -> str:
        return signing.dumps(self.pk, salt=self.SIGNING_SALT, compress=True)

    @classmethod
    def pk_from_token(cls, token: str) -> int | None:
        max_age = settings.INVITATION_MAX_AGE
        try:
            value = signing.loads(token, salt=cls.SIGNING_SALT, max_age=max_age)
        except signing.BadSignature:
            return None
        return value if isinstance(value, int) else None

    def get_accept_url(self) -> str:
        return reverse("accounts:invitation_accept", args=[self.token])

    def is_expired(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired()

    @property
    def status_label(self) -> str:
        if self.accepted_at:
            return str(_("accepted"))
        if self.revoked_at:
            return str(_("revoked"))
        if self.is_expired():
            return str(_("expired"))
        return str(_("pending"))


class UserSession(models.Model):
    """A signed-in session of a user, so the user can see and end their sessions.

    The row lives and dies with Django's session row: logging out, expiry
    (``clearsessions``) and ending a session delete both. Only a coarse summary of
    the browser is kept, no IP address.
    """

    session = models.OneToOneField(
        "sessions.Session",
        on_delete=models.CASCADE,
        related_name="+",
        # A login session ("sessie"), not a network session ("bijeenkomst").
        verbose_name=pgettext_lazy("login", "session"),
    )
    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("user"),
        db_index=False,  # usersession_user_created_idx leads with this column
    )
    created_at = models.DateTimeField(_("signed in"), default=timezone.now)
    device = models.CharField(_("device"), max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("active session")
        verbose_name_plural = _("active sessions")
        indexes = [
            # The user's "active sessions" page and ending all of a user's sessions.
            models.Index(fields=["user", "-created_at"], name="usersession_user_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} – {self.created_at:%Y-%m-%d %H:%M}"


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")


class AuditEvent(models.Model):
    """Who changed a placement, a supervision assignment, a week's approval or a role.

    ``changes`` maps a field name to ``[old, new]``; free-text fields are recorded
    as changed without their contents. The object is named by type and id only:
    the trail holds no names or e-mail addresses of its own.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now)
    environment = models.ForeignKey(
        LearningEnvironment,
        on_delete=models.CASCADE,
        null=True,
        related_name="audit_events",
        verbose_name=_("learning environment"),
        db_index=False,  # auditevent_env_created_idx leads with this column
    )
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    action = models.CharField(_("action"), max_length=10, choices=AuditAction)
    model = models.CharField(_("object type"), max_length=100)
    object_id = models.PositiveBigIntegerField(_("object"))
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            # The coordinator's audit page: one environment's events, newest first.
            models.Index(fields=["environment", "-created_at"], name="auditevent_env_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.model}#{self.object_id}"
