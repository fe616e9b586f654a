from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from environments.models import LearningEnvironment
from ulvo.lib.formats import short_date

if TYPE_CHECKING:
    from accounts.models import User


MAX_TEXT = 10_000
MAX_FEEDBACK = 4_000
MAX_OUTCOME_TEXT = 4_000


class LearningMechanism(models.TextChoices):
    """The four boundary-crossing learning mechanisms (Akkerman & Bakker)."""

    IDENTIFICATION = "identification", _("identification")
    COORDINATION = "coordination", _("coordination")
    REFLECTION = "reflection", _("reflection")
    TRANSFORMATION = "transformation", _("transformation")

    @property
    def explanation(self) -> str:
        return str(MECHANISM_EXPLANATIONS[self])


MECHANISM_EXPLANATIONS = {
    LearningMechanism.IDENTIFICATION: _(
        "You notice how your own discipline differs from another and what makes each unique."
    ),
    LearningMechanism.COORDINATION: _(
        "You make practical arrangements so that working together across disciplines runs smoothly."
    ),
    LearningMechanism.REFLECTION: _(
        "You look at your own practice through the eyes of another discipline."
    ),
    LearningMechanism.TRANSFORMATION: _(
        "Together you create a new way of working that neither discipline had before."
    ),
}

# The boolean field on Reflection for each mechanism.
MECHANISM_FIELDS = {
    LearningMechanism.IDENTIFICATION: "shows_identification",
    LearningMechanism.COORDINATION: "shows_coordination",
    LearningMechanism.REFLECTION: "shows_reflection",
    LearningMechanism.TRANSFORMATION: "shows_transformation",
}


class TArm(models.TextChoices):
    """The two arms of the T-shaped professional."""

    DEEPENING = "deepening", _("deepening my own discipline")
    CONNECTING = "connecting", _("connecting with other disciplines")
    BOTH = "both", _("both")


class Visibility(models.TextChoices):
    PRIVATE = "private", _("only me")
    SUPERVISORS = "supervisors", _("me and my supervisors")
    NETWORK = "network", _("my supervisors and my learning network")


VISIBILITY_EXPLANATIONS = {
    Visibility.PRIVATE: _("Nobody else can read this: not your supervisors, not the coordinator."),
    Visibility.SUPERVISORS: _(
        "The supervisors of your placement in this learning environment can read it and respond."
    ),
    Visibility.NETWORK: _(
        "Your supervisors and the other members of your learning networks in this learning "
        "environment can read it."
    ),
}


class ReflectionQuerySet(models.QuerySet["Reflection"]):
    """Who may read a reflection's text.

    - the author always, drafts included;
    - once published with visibility "supervisors" or "network": every user who
      supervises a placement of the author in the reflection's environment;
    - once published with visibility "network": also the members of the learning
      networks of that environment that the author belongs to.

    Supervision and network membership count only while the reader is an active
    member of the environment. Coordinators get no special right to the text:
    they see counts (``counts_by_environment``), and text only where one of the
    rules above makes them a reader themselves.
    """

    def _supervised_by(self, user: User) -> Q:
        from placements.models import SupervisionAssignment

        return Q(
            Exists(
                SupervisionAssignment.objects.filter(
                    supervisor=user,
                    placement__student_id=OuterRef("author_id"),
                    placement__environment_id=OuterRef("environment_id"),
                )
            )
        )

    def _shares_network_with(self, user: User) -> Q:
        from learning_networks.models import NetworkMembership

        return Q(
            Exists(
                NetworkMembership.objects.filter(
                    user_id=OuterRef("author_id"),
                    network__environment_id=OuterRef("environment_id"),
                    network__memberships__user=user,
                )
            )
        )

    def visible_to(self, user: User) -> ReflectionQuerySet:
        if not user.is_authenticated:
            return self.none()
        active = user.memberships.filter(is_active=True).values("environment_id")
        shared = Q(published_at__isnull=False, environment_id__in=active) & ~Q(author=user)
        return self.filter(
            Q(author=user)
            | (
                shared
                & Q(visibility__in=[Visibility.SUPERVISORS, Visibility.NETWORK])
                & self._supervised_by(user)
            )
            | (shared & Q(visibility=Visibility.NETWORK) & self._shares_network_with(user))
        )

    def supervised_by(self, user: User) -> ReflectionQuerySet:
        """Published reflections shared with this user as one of the author's supervisors."""
        if not user.is_authenticated:
            return self.none()
        active = user.memberships.filter(is_active=True).values("environment_id")
        return self.filter(
            self._supervised_by(user),
            published_at__isnull=False,
            environment_id__in=active,
            visibility__in=[Visibility.SUPERVISORS, Visibility.NETWORK],
        ).exclude(author=user)

    def awaiting_response_from(self, user: User) -> ReflectionQuerySet:
        """Reflections shared with this supervisor that have no feedback from them yet.

        Per student: ``.values("author").annotate(n=Count("pk"))``.
        """
        return self.supervised_by(user).exclude(
            Exists(ReflectionFeedback.objects.filter(reflection=OuterRef("pk"), author=user))
        )

    def published(self) -> ReflectionQuerySet:
        return self.filter(published_at__isnull=False)


class Reflection(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reflections",
        verbose_name=_("author"),
        db_index=False,  # reflection_author_created_idx leads with this column
    )
    environment = models.ForeignKey(
        LearningEnvironment,
        on_delete=models.CASCADE,
        related_name="reflections",
        verbose_name=_("learning environment"),
        db_index=False,  # reflection_env_pub_idx leads with this column
    )
    placement = models.ForeignKey(
        "placements.Placement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reflections",
        verbose_name=_("placement"),
    )
    session = models.ForeignKey(
        "learning_networks.NetworkSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reflections",
        verbose_name=_("session"),
    )
    activity = models.ForeignKey(
        "placements.ActivityEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reflections",
        verbose_name=_("activity"),
    )
    text = models.TextField(_("reflection"), max_length=MAX_TEXT, blank=True)
    shows_identification = models.BooleanField(_("identification"), default=False)
    shows_coordination = models.BooleanField(_("coordination"), default=False)
    shows_reflection = models.BooleanField(_("reflection"), default=False)
    shows_transformation = models.BooleanField(_("transformation"), default=False)
    t_arm = models.CharField(
        _("arm of the T"), max_length=12, choices=TArm, default=TArm.CONNECTING
    )
    disciplines = models.JSONField(_("disciplines involved"), default=list, blank=True)
    visibility = models.CharField(
        _("who may read it"),
        max_length=12,
        choices=Visibility,
        default=Visibility.SUPERVISORS,
    )
    # None: a draft, readable by its author alone whatever the visibility.
    published_at = models.DateTimeField(_("shared"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReflectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), MAX_TEXT), name="reflection_text_length"
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(GreaterThan(Length(Trim("text")), 0)),
                name="reflection_published_has_text",
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="reflection_visibility_valid"
            ),
            models.CheckConstraint(
                condition=Q(t_arm__in=TArm.values), name="reflection_t_arm_valid"
            ),
        ]
        indexes = [
            # "My reflections": one author's reflections, newest first.
            models.Index(fields=["author", "-created_at"], name="reflection_author_created_idx"),
            # Dashboard counts per environment, and visible_to() per environment.
            models.Index(fields=["environment", "published_at"], name="reflection_env_pub_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.author} – {short_date(self.created_at)}"

    def get_absolute_url(self) -> str:
        return reverse("reflections:detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.published_at is None

    @property
    def mechanisms(self) -> list[LearningMechanism]:
        return [m for m, field in MECHANISM_FIELDS.items() if getattr(self, field)]

    def mechanism_labels(self) -> list[str]:
        return [str(m.label) for m in self.mechanisms]

    def discipline_labels(self) -> list[str]:
        from placements.models import Discipline

        labels = dict(Discipline.choices)
        return [str(labels[code]) for code in self.disciplines if code in labels]

    @property
    def visibility_explanation(self) -> str:
        return str(VISIBILITY_EXPLANATIONS[Visibility(self.visibility)])


class ReflectionFeedback(models.Model):
    reflection = models.ForeignKey(
        Reflection,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("reflection"),
        db_index=False,  # refl_feedback_refl_author_idx leads with this column
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reflection_feedback",
        verbose_name=_("author"),
    )
    text = models.TextField(_("response"), max_length=MAX_FEEDBACK)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("feedback on a reflection")
        verbose_name_plural = _("feedback on reflections")
        constraints = [
            models.CheckConstraint(
                condition=Q(GreaterThan(Length(Trim("text")), 0))
                & Q(LessThanOrEqual(Length("text"), MAX_FEEDBACK)),
                name="reflection_feedback_text",
            ),
        ]
        indexes = [
            # awaiting_response_from(): has this supervisor responded to this reflection?
            models.Index(fields=["reflection", "author"], name="refl_feedback_refl_author_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.author} – {self.reflection_id}"


class ReflectionRead(models.Model):
    """A read receipt: a permitted reader (not the author) opened the reflection."""

    reflection = models.ForeignKey(
        Reflection,
        on_delete=models.CASCADE,
        related_name="reads",
        verbose_name=_("reflection"),
        db_index=False,  # reflection_read_once leads with this column
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reader"),
    )
    read_at = models.DateTimeField(_("seen"), default=timezone.now)

    class Meta:
        ordering = ["read_at", "pk"]
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [
            models.UniqueConstraint(fields=["reflection", "reader"], name="reflection_read_once"),
        ]

    def __str__(self) -> str:
        return f"{self.reader} – {self.reflection_id}"


class LearningOutcomeQuerySet(models.QuerySet["LearningOutcome"]):
    def visible_to(self, user: User) -> LearningOutcomeQuerySet:
        """The outcomes of the environments a user is an active member of."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            environment_id__in=user.memberships.filter(is_active=True).values("environment_id")
        )


class LearningOutcome(models.Model):
    """A learning outcome shared by everyone in a learning environment."""

    environment = models.ForeignKey(
        LearningEnvironment,
        on_delete=models.CASCADE,
        related_name="learning_outcomes",
        verbose_name=_("learning environment"),
        db_index=False,  # outcome_env_position_idx leads with this column
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=MAX_OUTCOME_TEXT, blank=True)
    criteria = models.TextField(_("criteria"), max_length=MAX_OUTCOME_TEXT, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LearningOutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["environment", "position", "title"]
        verbose_name = _("learning outcome")
        verbose_name_plural = _("learning outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["environment", "title"], name="outcome_unique_title_per_environment"
            ),
        ]
        indexes = [
            # The outcomes page of one environment, in order.
            models.Index(fields=["environment", "position"], name="outcome_env_position_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reflections:outcomes", args=[self.environment_id])


class OutcomeEvidence(models.Model):
    """A student's reflection or activity entry offered as evidence for an outcome."""

    outcome = models.ForeignKey(
        LearningOutcome,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=_("learning outcome"),
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="outcome_evidence",
        verbose_name=_("student"),
        db_index=False,  # evidence_student_outcome_idx leads with this column
    )
    reflection = models.ForeignKey(
        Reflection,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("reflection"),
    )
    activity = models.ForeignKey(
        "placements.ActivityEntry",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("activity"),
    )
    created_at = models.DateTimeField(_("linked"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=Q(reflection__isnull=False, activity__isnull=True)
                | Q(reflection__isnull=True, activity__isnull=False),
                name="evidence_exactly_one_item",
            ),
            models.UniqueConstraint(
                fields=["outcome", "reflection"],
                condition=Q(reflection__isnull=False),
                name="evidence_unique_reflection",
            ),
            models.UniqueConstraint(
                fields=["outcome", "activity"],
                condition=Q(activity__isnull=False),
                name="evidence_unique_activity",
            ),
        ]
        indexes = [
            # A student's outcomes overview: their evidence per outcome.
            models.Index(fields=["student", "outcome"], name="evidence_student_outcome_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} – {self.reflection_id or self.activity_id}"
