"""Practice questions (*vraagstukken*): a real question from a school or a
neighbourhood organisation, the mixed team of students and supervisors that works
on it, and the team's board of cards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from environments.models import Domain, LearningEnvironment, Organisation
from learning_networks.models import NetworkMembership

if TYPE_CHECKING:
    from accounts.models import User

MAX_TITLE = 200
MAX_QUESTION_TEXT = 4000
MAX_SHORT_TEXT = 1000
MAX_CARD_NOTES = 2000
MAX_COMMENT = 1000
MAX_COLUMN_NAME = 40


class QuestionStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    ACCEPTED = "accepted", _("accepted")
    IN_PROGRESS = "in_progress", _("in progress")
    DELIVERED = "delivered", _("delivered")
    EVALUATED = "evaluated", _("evaluated")
    DECLINED = "declined", _("declined")


# Questions still waiting for their answer: the list's "open" filter.
OPEN_STATUSES = (QuestionStatus.PROPOSED, QuestionStatus.ACCEPTED, QuestionStatus.IN_PROGRESS)
# Questions other members of the environment know of (title and status only).
ANNOUNCED_STATUSES = (
    QuestionStatus.ACCEPTED,
    QuestionStatus.IN_PROGRESS,
    QuestionStatus.DELIVERED,
    QuestionStatus.EVALUATED,
)
# A team works on its board from acceptance until delivery.
BOARD_STATUSES = (QuestionStatus.ACCEPTED, QuestionStatus.IN_PROGRESS)


class PracticeQuestionQuerySet(models.QuerySet["PracticeQuestion"]):
    def visible_to(self, user: User) -> PracticeQuestionQuerySet:
        """Questions the user sees in full (the context, the team, the board): its team,
        its asker, and the environment's coordinators and core team; only in the
        environments the user is an active member of."""
        if not user.is_authenticated:
            return self.none()
        environments = LearningEnvironment.objects.visible_to(user)
        coordinated = user.memberships.filter(role=Role.COORDINATOR, is_active=True).values(
            "environment_id"
        )
        core_team = NetworkMembership.objects.filter(user=user, core_team=True).values(
            "network__environment_id"
        )
        team = TeamMember.objects.filter(user=user).values("question_id")
        return self.filter(
            Q(asked_by=user)
            | Q(pk__in=team)
            | Q(environment_id__in=coordinated)
            | Q(environment_id__in=core_team),
            environment__in=environments,
        )

    def listed_to(self, user: User) -> PracticeQuestionQuerySet:
        """Questions the user finds in the list: those seen in full, and the accepted
        questions of the user's environments, whose title and status everyone there
        may know."""
        if not user.is_authenticated:
            return self.none()
        environments = LearningEnvironment.objects.visible_to(user)
        return self.filter(
            Q(pk__in=self.visible_to(user).values("pk"))
            | Q(environment__in=environments, status__in=ANNOUNCED_STATUSES)
        )


class PracticeQuestion(models.Model):
    """A question that lives in a school or the neighbourhood, for a mixed team.

    Status: proposed → accepted (by the core team or a coordinator) → in progress →
    delivered → evaluated (by the asker); or declined with a reason. ``board_version``
    counts every change to the board, so a page that shows an older board knows it.
    """

    environment = models.ForeignKey(
        LearningEnvironment,
        on_delete=models.CASCADE,
        related_name="practice_questions",
        verbose_name=_("learning environment"),
        db_index=False,  # practice_q_env_status_idx leads with this column
    )
    host = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="practice_questions",
        verbose_name=_("school or neighbourhood organisation"),
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practice_questions_asked",
        verbose_name=_("asked by"),
    )
    title = models.CharField(_("question"), max_length=MAX_TITLE)
    context = models.TextField(_("context"), max_length=MAX_QUESTION_TEXT)
    hoped_for = models.TextField(_("what you hope for"), max_length=MAX_SHORT_TEXT)
    for_whom = models.CharField(_("for whom"), max_length=MAX_TITLE)
    people_to_involve = models.TextField(
        _("people to involve"), max_length=MAX_SHORT_TEXT, blank=True
    )
    needed_domain = models.CharField(
        _("domain the question needs most"), max_length=20, choices=Domain.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=QuestionStatus, default=QuestionStatus.PROPOSED
    )
    decline_reason = models.TextField(_("reason"), max_length=MAX_SHORT_TEXT, blank=True)
    outcome = models.TextField(
        _("what the team delivered"), max_length=MAX_QUESTION_TEXT, blank=True
    )
    evaluation = models.TextField(_("evaluation"), max_length=MAX_QUESTION_TEXT, blank=True)
    board_version = models.PositiveIntegerField(_("board version"), default=0)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PracticeQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("practice question")
        verbose_name_plural = _("practice questions")
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="practice_question_has_title"),
            models.CheckConstraint(
                condition=~Q(status=QuestionStatus.DECLINED) | ~Q(decline_reason=""),
                name="practice_question_declined_with_reason",
            ),
        ]
        indexes = [
            # The list of one environment's questions, filtered by status.
            models.Index(
                fields=["environment", "status", "-created_at"],
                name="practice_q_env_status_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practice:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def has_board(self) -> bool:
        return self.status != QuestionStatus.PROPOSED and self.status != QuestionStatus.DECLINED

    @property
    def board_is_open(self) -> bool:
        return self.status in BOARD_STATUSES


class TeamMember(models.Model):
    """A student or a supervisor on a question's mixed team."""

    question = models.ForeignKey(
        PracticeQuestion,
        on_delete=models.CASCADE,
        related_name="team",
        verbose_name=_("practice question"),
        db_index=False,  # practice_team_member_unique leads with this column
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="practice_teams",
        verbose_name=_("team member"),
    )
    is_supervisor = models.BooleanField(_("supervisor"), default=False)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["is_supervisor", "user__full_name"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "user"], name="practice_team_member_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.question}"


class BoardColumn(models.Model):
    """A column of a team's board (to do / doing / done); the team names them."""

    question = models.ForeignKey(
        PracticeQuestion,
        on_delete=models.CASCADE,
        related_name="columns",
        verbose_name=_("practice question"),
        db_index=False,  # practice_column_unique_position leads with this column
    )
    name = models.CharField(_("name"), max_length=MAX_COLUMN_NAME)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("board column")
        verbose_name_plural = _("board columns")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "position"], name="practice_column_unique_position"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="practice_column_has_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Card(models.Model):
    """A card on a team's board: what to do, who takes it, by when.

    ``position`` orders the cards of a column from 0 without gaps (the services keep it
    so); ``version`` counts the card's moves and edits, so a move made from an older
    view of the card is recognised and refused.
    """

    question = models.ForeignKey(
        PracticeQuestion,
        on_delete=models.CASCADE,
        related_name="cards",
        verbose_name=_("practice question"),
    )
    column = models.ForeignKey(
        BoardColumn,
        on_delete=models.CASCADE,
        related_name="cards",
        verbose_name=_("column"),
        db_index=False,  # practice_card_col_pos_idx leads with this column
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    notes = models.TextField(_("notes"), max_length=MAX_CARD_NOTES, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practice_cards",
        verbose_name=_("taken by"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["column__position", "position", "pk"]
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="practice_card_has_title"),
        ]
        indexes = [
            # The board: one column's cards in order.
            models.Index(fields=["column", "position"], name="practice_card_col_pos_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practice:card", args=[self.pk])


class CardComment(models.Model):
    """A short message in a card's thread."""

    card = models.ForeignKey(
        Card, on_delete=models.CASCADE, related_name="comments", verbose_name=_("card")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"), max_length=MAX_COMMENT)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("card comment")
        verbose_name_plural = _("card comments")
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="practice_comment_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.card} – {self.created_at:%Y-%m-%d %H:%M}"


class TeamMeeting(models.Model):
    """A team's (weekly) meeting: who chaired, what the agenda held (drawn from the
    board when the meeting was held), the notes and agreements, who chairs next."""

    question = models.ForeignKey(
        PracticeQuestion,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("practice question"),
        db_index=False,  # practice_meeting_question_idx leads with this column
    )
    held_on = models.DateField(_("date"))
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chair"),
    )
    next_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chair next time"),
    )
    agenda = models.TextField(_("agenda"), blank=True)
    notes = models.TextField(_("notes"), max_length=MAX_QUESTION_TEXT)
    agreements = models.TextField(_("agreements"), max_length=MAX_QUESTION_TEXT, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("team meeting")
        verbose_name_plural = _("team meetings")
        constraints = [
            models.CheckConstraint(condition=~Q(notes=""), name="practice_meeting_has_notes"),
        ]
        indexes = [
            # A question's meetings, newest first (the meeting page).
            models.Index(fields=["question", "-held_on"], name="practice_meeting_question_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.question} – {self.held_on:%Y-%m-%d}"
