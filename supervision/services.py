"""Workflows of supervision: the environment's agreement, meeting notes and the
time professionals invest. Who supervises a placement is part of the placement
aggregate (``placements.services.assignment_save``)."""

from django.db import transaction

from supervision.models import MeetingNote, ResponsibilityAgreement, TimeLog
from ulvo.lib.home_tokens import home_forget_supervisors


@transaction.atomic
def agreement_save(*, agreement: ResponsibilityAgreement) -> ResponsibilityAgreement:
    agreement.save()
    return agreement


@transaction.atomic
def meeting_note_save(*, note: MeetingNote) -> MeetingNote:
    note.save()
    home_forget_supervisors([note.author_id])  # counted on the author's home
    return note


@transaction.atomic
def meeting_note_delete(*, note: MeetingNote) -> None:
    home_forget_supervisors([note.author_id])
    note.delete()


@transaction.atomic
def time_log_save(*, entry: TimeLog) -> TimeLog:
    entry.save()
    return entry


@transaction.atomic
def time_log_delete(*, entry: TimeLog) -> None:
    entry.delete()
