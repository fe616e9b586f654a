"""The team meeting's agenda drawn from the board, and whose turn it is to chair.

What moved (cards changed since the last meeting), what is stuck (cards in a middle
column unchanged for a week), what is due (cards not done with a due date in the
coming week, or past it). Four queries whatever the board's size.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import User
from practice.models import Card, PracticeQuestion, TeamMeeting, TeamMember

STUCK_DAYS = 7
DUE_DAYS = 7


@dataclass(frozen=True)
class AgendaItem:
    card_pk: int
    title: str
    column: str
    due_date: datetime.date | None


@dataclass(frozen=True)
class Agenda:
    moved: list[AgendaItem]
    stuck: list[AgendaItem]
    due: list[AgendaItem]
    last: TeamMeeting | None
    chair: User | None  # whose turn it is
    next_chair: User | None  # who follows them in the rotation

    def as_text(self) -> str:
        """The agenda as it stood, kept with the meeting (titles and columns only)."""
        parts = []
        for heading, items in (("moved", self.moved), ("stuck", self.stuck), ("due", self.due)):
            for item in items:
                parts.append(f"{heading}: {item.title} ({item.column})")
        return "\n".join(parts)


def _rotation(members: list[TeamMember], after: int | None) -> User | None:
    """The team member after ``after`` in the team's order (students first, by name)."""
    if not members:
        return None
    users = [m.user for m in members]
    pks = [u.pk for u in users]
    if after not in pks:
        return users[0]
    return users[(pks.index(after) + 1) % len(users)]


def agenda_for(question: PracticeQuestion, today: datetime.date | None = None) -> Agenda:
    today = today or timezone.localdate()
    last = question.meetings.order_by("-held_on", "-pk").select_related("next_chair").first()
    members = list(TeamMember.objects.filter(question=question).select_related("user"))
    cards = list(
        Card.objects.filter(question=question)
        .select_related("column")
        .order_by("column__position", "position")
    )
    total_columns = question.columns.count()
    since = (
        timezone.make_aware(datetime.datetime.combine(last.held_on, datetime.time.min))
        if last
        else None
    )
    stuck_before = timezone.now() - datetime.timedelta(days=STUCK_DAYS)
    moved, stuck, due = [], [], []
    for card in cards:
        item = AgendaItem(card.pk, card.title, card.column.name, card.due_date)
        is_done = total_columns and card.column.position == total_columns - 1
        if since is None or card.updated_at >= since:
            moved.append(item)
        if 0 < card.column.position < max(total_columns - 1, 1) and card.updated_at < stuck_before:
            stuck.append(item)
        if (
            not is_done
            and card.due_date is not None
            and card.due_date <= today + datetime.timedelta(days=DUE_DAYS)
        ):
            due.append(item)
    chair = last.next_chair if last and last.next_chair else _rotation(members, None)
    if chair is not None and chair.pk not in {m.user_id for m in members}:
        chair = _rotation(members, None)
    return Agenda(
        moved=moved,
        stuck=stuck,
        due=due,
        last=last,
        chair=chair,
        next_chair=_rotation(members, chair.pk if chair else None),
    )
