"""The region's knowledge base: good practices, work forms and insights.

An entry is written in one learning environment and read, once a coordinator has
published it, by the members of every environment of the region. It becomes public
(the showcase, for anyone) only when every contributor has consented and a reviewer
has confirmed that no pupil can be identified; a withdrawn consent takes it off the
public pages at once (``services.contributor_consent_withdraw``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from environments.models import LearningEnvironment, Organisation
from knowledge.markdown import MAX_BODY
from learning_networks.models import NetworkMembership
from practice.models import PracticeQuestion

if TYPE_CHECKING:
    from accounts.models import User

MAX_TITLE = 200
MAX_SUMMARY = 600
MAX_TAG = 60


class EntryKind(models.TextChoices):
    GOOD_PRACTICE = "good_practice", _("good practice")
    WORK_FORM = "work_form", _("work form")
    INSIGHT = "insight", _("insight")


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    PUBLISHED = "published", _("published in the region")


class TagCategory(models.TextChoices):
    DOMAIN = "domain", _("domain")
    AGE_GROUP = "age_group", _("age group")
    SETTING = "setting", _("setting")
    MECHANISM = "mechanism", _("boundary-crossing mechanism")


class Tag(models.Model):
    """A label to filter entries by; staff keep the list in the management site."""

    category = models.CharField(_("category"), max_length=20, choices=TagCategory)
    name = models.CharField(_("name"), max_length=MAX_TAG)

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="knowledge_tag_unique"),
        ]

    def __str__(self) -> str:
        return self.name


def _coordinated(user: User) -> models.QuerySet:
    return user.memberships.filter(role=Role.COORDINATOR, is_active=True).values("environment_id")


class EntryQuerySet(models.QuerySet["Entry"]):
    def visible_to(self, user: User) -> EntryQuerySet:
        """Entries the user may read: published ones of the regions of the user's
        environments; drafts and entries in review to their contributors and the
        coordinators and core team of their environment."""
        if not user.is_authenticated:
            return self.none()
        environments = LearningEnvironment.objects.visible_to(user)
        regions = environments.values("region_id")
        core_team = NetworkMembership.objects.filter(
            user=user, core_team=True, network__environment__in=environments
        ).values("network__environment_id")
        contributed = Contributor.objects.filter(user=user).values("entry_id")
        return self.filter(
            Q(status=EntryStatus.PUBLISHED, environment__region_id__in=regions)
            | Q(
                Q(pk__in=contributed)
                | Q(environment_id__in=_coordinated(user))
                | Q(environment_id__in=core_team),
                environment__in=environments,
            )
        )

    def public(self) -> EntryQuerySet:
        """What anyone may read: published, public, every contributor consenting."""
        return self.filter(status=EntryStatus.PUBLISHED, is_public=True).exclude(
            contributors__consented_at__isnull=True
        )


class Entry(models.Model):
    """One good practice, work form or insight.

    Status: draft → in review (its contributors submit it) → published in the region
    (a coordinator of its environment), or back to draft. ``is_public`` puts a
    published entry on the public showcase; it needs every contributor's consent and
    ``privacy_confirmed_by`` (a reviewer who read it and found no pupil identifiable).
    ``body_html`` is ``body`` rendered and sanitised when saved by the services.
    """

    environment = models.ForeignKey(
        LearningEnvironment,
        on_delete=models.CASCADE,
        related_name="knowledge_entries",
        verbose_name=_("learning environment"),
        db_index=False,  # knowledge_entry_env_status_idx leads with this column
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind)
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    summary = models.TextField(_("summary"), max_length=MAX_SUMMARY)
    body = models.TextField(_("text"), max_length=MAX_BODY, blank=True)
    body_html = models.TextField(_("text as HTML"), blank=True, editable=False)
    tags = models.ManyToManyField(Tag, related_name="entries", blank=True, verbose_name=_("tags"))
    organisations = models.ManyToManyField(
        Organisation,
        related_name="knowledge_entries",
        blank=True,
        verbose_name=_("organisations involved"),
    )
    practice_questions = models.ManyToManyField(
        PracticeQuestion,
        related_name="knowledge_entries",
        blank=True,
        verbose_name=_("practice questions"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="knowledge_entries_created",
        verbose_name=_("written by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EntryStatus, default=EntryStatus.DRAFT
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    is_public = models.BooleanField(_("public"), default=False)
    privacy_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("no pupil identifiable, confirmed by"),
    )
    public_at = models.DateTimeField(_("made public"), null=True, blank=True)
    # Filled by the services on PostgreSQL (Dutch configuration); empty on SQLite,
    # where search falls back to icontains.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at", "-pk"]
        verbose_name = _("knowledge-base entry")
        verbose_name_plural = _("knowledge-base entries")
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="knowledge_entry_has_title"),
            models.CheckConstraint(
                condition=Q(is_public=False) | Q(status=EntryStatus.PUBLISHED),
                name="knowledge_entry_public_only_published",
            ),
        ]
        indexes = [
            # The showcase and the list: one environment's entries by status.
            models.Index(
                fields=["environment", "status", "-published_at"],
                name="knowledge_entry_env_status_idx",
            ),
            # The GIN index on search_vector (search) is made on PostgreSQL only, in
            # migration 0002.
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:detail", args=[self.pk])


class Contributor(models.Model):
    """Someone named on an entry. ``consented_at``: when they agreed to the entry
    (with their name) being public; None while they have not, or withdrew."""

    entry = models.ForeignKey(
        Entry,
        on_delete=models.CASCADE,
        related_name="contributors",
        verbose_name=_("entry"),
        db_index=False,  # knowledge_contributor_unique leads with this column
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="knowledge_contributions",
        verbose_name=_("contributor"),
    )
    consented_at = models.DateTimeField(_("consented to publication"), null=True, blank=True)

    class Meta:
        ordering = ["user__full_name", "pk"]
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")
        constraints = [
            models.UniqueConstraint(fields=["entry", "user"], name="knowledge_contributor_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.entry}"


class Interest(models.Model):
    """A prospective student's interest, sent from an environment's public showcase;
    the environment's coordinators read it."""

    environment = models.ForeignKey(
        LearningEnvironment,
        on_delete=models.CASCADE,
        related_name="interests",
        verbose_name=_("learning environment"),
    )
    programme = models.CharField(_("programme"), max_length=150)
    institute = models.CharField(_("institute"), max_length=150)
    study_year = models.PositiveSmallIntegerField(_("year of study"))
    email = models.EmailField(_("e-mail address"))
    consent = models.BooleanField(_("agreed to be contacted"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        constraints = [
            models.CheckConstraint(condition=Q(consent=True), name="knowledge_interest_consent"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} – {self.environment}"
