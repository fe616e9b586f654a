"""Workflows of practice questions: posing, deciding, the team, the board.

Every change to a board locks its question's row first, so moves of two people are
applied one after the other and each column stays numbered 0, 1, 2… without gaps. A
move names the version of the card it was made from: a card someone else moved or
edited in the meantime is not moved again from an old picture of the board.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from practice.models import (
    BoardColumn,
    Card,
    CardComment,
    PracticeQuestion,
    QuestionStatus,
    TeamMeeting,
    TeamMember,
)


class PracticeError(Exception):
    """A change refused; ``code`` says why (the views turn it into a message)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# Which status each step starts from and leads to.
STEPS: dict[str, tuple[tuple[str, ...], str]] = {
    "accept": ((QuestionStatus.PROPOSED,), QuestionStatus.ACCEPTED),
    "decline": ((QuestionStatus.PROPOSED, QuestionStatus.ACCEPTED), QuestionStatus.DECLINED),
    "start": ((QuestionStatus.ACCEPTED,), QuestionStatus.IN_PROGRESS),
    "deliver": ((QuestionStatus.IN_PROGRESS,), QuestionStatus.DELIVERED),
    "evaluate": ((QuestionStatus.DELIVERED,), QuestionStatus.EVALUATED),
}


def default_column_names() -> list[str]:
    return [_("To do"), _("Doing"), _("Done")]


def _locked(question: PracticeQuestion) -> PracticeQuestion:
    return PracticeQuestion.objects.select_for_update().get(pk=question.pk)


def _board_changed(question: PracticeQuestion) -> None:
    PracticeQuestion.objects.filter(pk=question.pk).update(board_version=F("board_version") + 1)


@transaction.atomic
def question_pose(*, question: PracticeQuestion, asked_by: User) -> PracticeQuestion:
    question.asked_by = asked_by
    question.status = QuestionStatus.PROPOSED
    question.save()
    return question


@transaction.atomic
def question_step(*, question: PracticeQuestion, step: str, text: str = "") -> PracticeQuestion:
    """Move a question on by one step of its status flow (``STEPS``); ``text`` is the
    reason of a decline, what the team delivered, or the asker's evaluation.

    Refused (``PracticeError``): a step from another status (someone went before, or
    the button was pressed twice: ``status``), starting without a student on the team
    (``no_team``), a decline without a reason (``reason``).
    """
    sources, target = STEPS[step]
    locked = _locked(question)
    if locked.status not in sources:
        raise PracticeError("status")
    now = timezone.now()
    if step == "accept":
        locked.accepted_at = now
        if not locked.columns.exists():
            BoardColumn.objects.bulk_create(
                BoardColumn(question=locked, name=name, position=position)
                for position, name in enumerate(default_column_names())
            )
    elif step == "decline":
        if not text.strip():
            raise PracticeError("reason")
        locked.decline_reason = text
    elif step == "start":
        if not locked.team.filter(is_supervisor=False).exists():
            raise PracticeError("no_team")
    elif step == "deliver":
        locked.outcome = text
        locked.delivered_at = now
    elif step == "evaluate":
        locked.evaluation = text
        locked.evaluated_at = now
    locked.status = target
    locked.save()
    return locked


@transaction.atomic
def team_add(*, question: PracticeQuestion, user: User, is_supervisor: bool) -> TeamMember:
    """Refused when the person is on the team already (``duplicate``)."""
    _locked(question)
    if question.team.filter(user=user).exists():
        raise PracticeError("duplicate")
    return TeamMember.objects.create(question=question, user=user, is_supervisor=is_supervisor)


@transaction.atomic
def team_remove(*, member: TeamMember) -> None:
    _locked(member.question)
    Card.objects.filter(question=member.question, assignee=member.user).update(assignee=None)
    member.delete()
    _board_changed(member.question)


@transaction.atomic
def columns_rename(*, question: PracticeQuestion, names: dict[int, str]) -> None:
    """New names for the board's columns, by column id."""
    _locked(question)
    columns = list(question.columns.filter(pk__in=names))
    for column in columns:
        column.name = names[column.pk]
    BoardColumn.objects.bulk_update(columns, ["name"])
    _board_changed(question)


def _renumber(cards: Sequence[Card]) -> list[Card]:
    changed = []
    for position, card in enumerate(cards):
        if card.position != position:
            card.position = position
            changed.append(card)
    return changed


@transaction.atomic
def card_add(
    *,
    question: PracticeQuestion,
    column: BoardColumn,
    title: str,
    notes: str = "",
    assignee: User | None = None,
    due_date: datetime.date | None = None,
    created_by: User,
) -> Card:
    """A card at the bottom of its column. Refused on a closed board (``closed``) and
    in a column of another board (``other_board``)."""
    locked = _locked(question)
    if not locked.board_is_open:
        raise PracticeError("closed")
    if column.question_id != question.pk:
        raise PracticeError("other_board")
    card = Card.objects.create(
        question=question,
        column=column,
        position=column.cards.count(),
        title=title,
        notes=notes,
        assignee=assignee,
        due_date=due_date,
        created_by=created_by,
    )
    _board_changed(question)
    return card


@transaction.atomic
def card_update(*, card: Card, version: int) -> Card:
    """Save a card's title, notes, assignee and due date, unless someone changed it
    since ``version`` was read (``stale``) or the board is closed (``closed``)."""
    if not _locked(card.question).board_is_open:
        raise PracticeError("closed")
    current = Card.objects.get(pk=card.pk)
    if current.version != version:
        raise PracticeError("stale")
    card.column_id = current.column_id
    card.position = current.position
    card.version = current.version + 1
    card.save()
    _board_changed(card.question)
    return card


@transaction.atomic
def card_delete(*, card: Card, version: int) -> None:
    if not _locked(card.question).board_is_open:
        raise PracticeError("closed")
    current = Card.objects.filter(pk=card.pk).first()
    if current is None or current.version != version:
        raise PracticeError("stale")
    column = current.column
    current.delete()
    rest = list(column.cards.order_by("position", "pk"))
    Card.objects.bulk_update(_renumber(rest), ["position"])
    _board_changed(card.question)


@transaction.atomic
def card_move(
    *,
    card: Card,
    version: int,
    direction: str = "",
    column: BoardColumn | None = None,
    before: Card | None = None,
) -> Card:
    """Move a card one step (``direction``: left, right, up, down) or into ``column``
    above ``before`` (at the bottom without it), as dragging does.

    Refused, nothing changed (``PracticeError``): the card changed since ``version``
    (``stale``: someone else moved it, or the same move was sent twice), ``before``
    is no longer in that column (``stale``), a column or card of another board
    (``other_board``), no column or place in that direction (``edge``), a closed
    board (``closed``).
    """
    question = _locked(card.question)
    if not question.board_is_open:
        raise PracticeError("closed")
    current = Card.objects.select_related("column").get(pk=card.pk)
    if current.version != version:
        raise PracticeError("stale")
    columns = list(question.columns.all())
    source = current.column
    index = next(i for i, c in enumerate(columns) if c.pk == source.pk)
    ordered = list(source.cards.order_by("position", "pk"))
    at = [c.pk for c in ordered].index(current.pk)
    source_cards = [c for c in ordered if c.pk != current.pk]
    if direction in ("left", "right"):
        step = -1 if direction == "left" else 1
        if not 0 <= index + step < len(columns):
            raise PracticeError("edge")
        target = columns[index + step]
        target_cards = list(target.cards.order_by("position", "pk"))
        insert_at = len(target_cards)
    elif direction in ("up", "down"):
        target = source
        target_cards = source_cards
        insert_at = at + (-1 if direction == "up" else 1)
        if not 0 <= insert_at <= len(source_cards):
            raise PracticeError("edge")
    elif column is not None:
        if column.question_id != question.pk:
            raise PracticeError("other_board")
        target = column
        target_cards = (
            source_cards
            if target.pk == source.pk
            else list(target.cards.order_by("position", "pk"))
        )
        if before is None:
            insert_at = len(target_cards)
        else:
            if before.question_id != question.pk:
                raise PracticeError("other_board")
            insert_at = next((i for i, c in enumerate(target_cards) if c.pk == before.pk), -1)
            if insert_at < 0:
                raise PracticeError("stale")
    else:
        raise PracticeError("edge")
    current.column = target
    target_cards.insert(insert_at, current)
    current.version += 1
    current.save(update_fields=["column", "version", "updated_at"])
    moved = _renumber(target_cards)
    if target.pk != source.pk:
        moved += _renumber(source_cards)
    Card.objects.bulk_update(moved, ["position"])
    _board_changed(question)
    return current


@transaction.atomic
def card_comment_add(*, card: Card, author: User, text: str) -> CardComment:
    return CardComment.objects.create(card=card, author=author, text=text)


@transaction.atomic
def meeting_hold(
    *,
    question: PracticeQuestion,
    held_on: datetime.date,
    chair: User | None,
    next_chair: User | None,
    agenda: str,
    notes: str,
    agreements: str,
) -> TeamMeeting:
    """Write down a team meeting. Refused when the team wrote one down for that day
    already (``duplicate``: the same form sent twice) or the board is closed."""
    locked = _locked(question)
    if not locked.board_is_open:
        raise PracticeError("closed")
    if locked.meetings.filter(held_on=held_on).exists():
        raise PracticeError("meeting_duplicate")
    return TeamMeeting.objects.create(
        question=locked,
        held_on=held_on,
        chair=chair,
        next_chair=next_chair,
        agenda=agenda,
        notes=notes,
        agreements=agreements,
    )
