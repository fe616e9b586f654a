from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.models import User


class Domain(models.TextChoices):
    EDUCATIONAL = "educational", _("educational")
    SOCIAL = "social", _("social")
    PEDAGOGICAL = "pedagogical", _("pedagogical")


class Level(models.TextChoices):
    MBO = "mbo", _("mbo")
    HBO = "hbo", _("hbo")
    WO = "wo", _("wo")


class HolidayRegion(models.TextChoices):
    """The school-holiday regions of the Netherlands (Rijksoverheid's regio-indeling)."""

    NORTH = "noord", _("north")
    MIDDLE = "midden", _("middle")
    SOUTH = "zuid", _("south")


class OrganisationKind(models.TextChoices):
    SCHOOL = "school", _("training school")
    NEIGHBOURHOOD = "neighbourhood", _("neighbourhood organisation")
    INSTITUTE = "institute", _("institute")


class OrganisationSubtype(models.TextChoices):
    PRIMARY = "primary", _("primary school (PO)")
    SECONDARY = "secondary", _("secondary school (VO)")
    TEN_FOURTEEN = "ten_fourteen", _("10-14 school")
    SOCIAL_WORK = "social_work", _("social work")
    YOUTH_WORK = "youth_work", _("youth work")
    CHILDCARE = "childcare", _("childcare / after-school care")
    SPORT = "sport", _("sport")
    MBO = "mbo", _("mbo institute")
    HBO = "hbo", _("university of applied sciences (hbo)")
    WO = "wo", _("university (wo)")


SUBTYPES_BY_KIND = {
    OrganisationKind.SCHOOL: [
        OrganisationSubtype.PRIMARY,
        OrganisationSubtype.SECONDARY,
        OrganisationSubtype.TEN_FOURTEEN,
    ],
    OrganisationKind.NEIGHBOURHOOD: [
        OrganisationSubtype.SOCIAL_WORK,
        OrganisationSubtype.YOUTH_WORK,
        OrganisationSubtype.CHILDCARE,
        OrganisationSubtype.SPORT,
    ],
    OrganisationKind.INSTITUTE: [
        OrganisationSubtype.MBO,
        OrganisationSubtype.HBO,
        OrganisationSubtype.WO,
    ],
}


class Region(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("region"),
        db_index=False,  # organisation_unique_name leads with this column
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind)
    subtype = models.CharField(_("type"), max_length=20, choices=OrganisationSubtype)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Someone at the organisation the coordinators talk to, who need not have an
    # account: personal data (privacy/registry.py).
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact person's e-mail address"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="organisation_unique_name"),
            models.CheckConstraint(
                condition=Q(
                    *[
                        Q(kind=kind, subtype__in=subtypes)
                        for kind, subtypes in SUBTYPES_BY_KIND.items()
                    ],
                    _connector=Q.OR,
                ),
                name="organisation_subtype_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        allowed = SUBTYPES_BY_KIND.get(OrganisationKind(self.kind), []) if self.kind else []
        if self.kind and self.subtype and self.subtype not in allowed:
            raise ValidationError(
                {"subtype": _("This type does not belong to this kind of organisation.")}
            )


class Programme(models.Model):
    institute = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="programmes",
        limit_choices_to={"kind": OrganisationKind.INSTITUTE},
        verbose_name=_("institute"),
        db_index=False,  # programme_unique_name leads with this column
    )
    name = models.CharField(_("name"), max_length=150)
    level = models.CharField(_("level"), max_length=3, choices=Level)
    domain = models.CharField(_("domain"), max_length=20, choices=Domain)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.UniqueConstraint(fields=["institute", "name"], name="programme_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_level_display()})"


class Partnership(models.Model):
    """An organisation taking part in a learning environment.

    The table Django made for ``LearningEnvironment.organisations`` before this
    model existed (migration 0005 adopted it): its columns keep their names.
    """

    learningenvironment = models.ForeignKey(
        "LearningEnvironment",
        on_delete=models.CASCADE,
        verbose_name=_("learning environment"),
        db_index=False,  # its unique pair leads with this column
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, verbose_name=_("organisation")
    )

    class Meta:
        db_table = "environments_learningenvironment_organisations"
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        # As the table has it since Django made it (a named constraint would be a
        # second index on the same columns).
        unique_together = [("learningenvironment", "organisation")]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.learningenvironment}"


# The profile's texts are read on a phone by people about to join: a few paragraphs.
VISION_MAX_LENGTH = 1500
# A target above this is a typing error, not a plan (an environment hosts tens).
TARGET_MAX = 2000


class LearningEnvironmentQuerySet(models.QuerySet["LearningEnvironment"]):
    def visible_to(self, user: User) -> LearningEnvironmentQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=user.memberships.filter(is_active=True).values("environment_id"))


class LearningEnvironment(models.Model):
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="environments",
        verbose_name=_("region"),
        db_index=False,  # environment_unique_name_per_year leads with this column
    )
    name = models.CharField(_("name"), max_length=150)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=150, blank=True)
    school_year = models.CharField(
        _("school year"),
        max_length=9,
        help_text=_("For example 2026-2027."),
        validators=[
            RegexValidator(r"^[0-9]{4}-[0-9]{4}$", _("Write the school year as 2026-2027."))
        ],
    )
    organisations = models.ManyToManyField(
        Organisation,
        through=Partnership,
        related_name="environments",
        blank=True,
        verbose_name=_("partner organisations"),
    )
    # Utrecht, where ULVO started, lies in the middle region.
    holiday_region = models.CharField(
        _("school-holiday region"),
        max_length=6,
        choices=HolidayRegion,
        default=HolidayRegion.MIDDLE,
        help_text=_("The region whose school holidays the schools of this environment follow."),
    )
    vision = models.TextField(
        _("shared vision"),
        max_length=VISION_MAX_LENGTH,
        blank=True,
        help_text=_("What the partners want to achieve together, in a few sentences."),
    )
    expectations = models.TextField(
        _("what you can expect here"),
        max_length=VISION_MAX_LENGTH,
        blank=True,
        help_text=_("For students and host staff: how the environment works and what it asks."),
    )

    objects = LearningEnvironmentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("learning environment")
        verbose_name_plural = _("learning environments")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name", "school_year"], name="environment_unique_name_per_year"
            ),
            models.CheckConstraint(
                condition=Q(school_year__regex=r"^[0-9]{4}-[0-9]{4}$"),
                name="environment_school_year_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.school_year}"

    def get_absolute_url(self) -> str:
        return reverse("accounts:environment", args=[self.pk])

    def programmes(self) -> models.QuerySet[Programme]:
        """Programmes of the partner institutes."""
        return Programme.objects.filter(institute__environments=self).select_related("institute")


class ProgrammeTarget(models.Model):
    """How many students of a programme the environment aims to host."""

    environment = models.ForeignKey(
        LearningEnvironment,
        on_delete=models.CASCADE,
        related_name="programme_targets",
        verbose_name=_("learning environment"),
        db_index=False,  # programme_target_unique leads with this column
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    # Empty: the programme takes part without a target number (yet).
    students = models.PositiveSmallIntegerField(
        _("target number of students"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(TARGET_MAX)],
    )

    class Meta:
        verbose_name = _("programme target")
        verbose_name_plural = _("programme targets")
        constraints = [
            models.UniqueConstraint(
                fields=["environment", "programme"], name="programme_target_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.students}"


class DomainTarget(models.Model):
    """How many students of a domain the environment aims to host, whatever their
    programme."""

    environment = models.ForeignKey(
        LearningEnvironment,
        on_delete=models.CASCADE,
        related_name="domain_targets",
        verbose_name=_("learning environment"),
        db_index=False,  # domain_target_unique leads with this column
    )
    domain = models.CharField(_("domain"), max_length=20, choices=Domain)
    students = models.PositiveSmallIntegerField(
        _("target number of students"), validators=[MaxValueValidator(TARGET_MAX)]
    )

    class Meta:
        verbose_name = _("domain target")
        verbose_name_plural = _("domain targets")
        constraints = [
            models.UniqueConstraint(fields=["environment", "domain"], name="domain_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_domain_display()}: {self.students}"
