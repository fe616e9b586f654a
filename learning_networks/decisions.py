""" "You said, we did" (#19): what a network's core team concluded from the feedback on a
session or along a learning line, and what it changes. Shown to the participants on the
session, on the next session of the line (and in its preparation notes) and on the line;
kept with the line, so rollover carries it into next school year."""

from django.db import transaction

from accounts.audit import audit_before, audit_saved
from accounts.models import User
from learning_networks.models import FeedbackDecision, LearningLine, NetworkSession


@transaction.atomic
def session_decision_save(
    *, session: NetworkSession, concluded: str, changes: str, author: User
) -> FeedbackDecision:
    """The session's decision, made or changed (one per session), kept with its line."""
    decision = FeedbackDecision.objects.select_for_update().filter(session=session).first()
    if decision is None:
        decision = FeedbackDecision(network_id=session.network_id, session=session)
    before = audit_before(decision)
    decision.line_id = session.line_id
    decision.concluded = concluded.strip()
    decision.changes = changes.strip()
    decision.author = author
    decision.save()
    audit_saved(decision, before=before)
    return decision


@transaction.atomic
def line_decision_add(
    *, line: LearningLine, concluded: str, changes: str, author: User
) -> FeedbackDecision:
    """A decision about the line as a whole; a line collects them over the year."""
    decision = FeedbackDecision(
        network_id=line.network_id,
        line=line,
        concluded=concluded.strip(),
        changes=changes.strip(),
        author=author,
    )
    decision.save()
    audit_saved(decision, before=None)
    return decision


def line_decisions(line: LearningLine) -> list[FeedbackDecision]:
    """Every decision kept with the line, newest first, with its session (one query)."""
    return list(
        FeedbackDecision.objects.filter(line=line)
        .select_related("session")
        .order_by("-created_at", "-pk")
    )
