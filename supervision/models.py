from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from environments.models import Domain
from placements.models import Placement


class SupervisionRole(models.TextChoices):
    PRACTICE = "practice", _("practice supervisor")
    SCHOOL_TRAINER = "school_trainer", _("school trainer")
    INSTITUTE = "institute", _("institute supervisor")


class SupervisionAssignment(models.Model):
    """Who supervises a placement, in which role, and with which responsibilities.

    A supervisor usually has an account; a neighbourhood professional without one
    is recorded by name and e-mail and signs off through an e-mailed link.
    """

    placement = models.ForeignKey(
        Placement,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("placement"),
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervisions",
        verbose_name=_("supervisor"),
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=SupervisionRole.choices)
    domain = models.CharField(_("supervisor's domain"), max_length=20, choices=Domain.choices)
    guides = models.BooleanField(_("guidance"), default=True)
    assesses = models.BooleanField(_("assessment"), default=False)
    signs_off = models.BooleanField(_("signs off hours"), default=False)

    class Meta:
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
        return self.supervisor.email if self.supervisor_id else self.email


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

    def by_role(self) -> list[tuple[str, str]]:
        """(role label, text) in the order of the roles, leaving out empty texts."""
        texts = {
            SupervisionRole.PRACTICE: self.practice_supervisor,
            SupervisionRole.SCHOOL_TRAINER: self.school_trainer,
            SupervisionRole.INSTITUTE: self.institute_supervisor,
        }
        return [(role.label, texts[role]) for role in SupervisionRole if texts[role].strip()]
