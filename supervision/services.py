"""Workflows of supervision: the environment's agreement, meeting notes and the
time professionals invest. Who supervises a placement is part of the placement
aggregate (``placements.services.assignment_save``)."""

from django.db import transaction

from supervision.models import MeetingNote, ResponsibilityAgreement, TimeLog


@transaction.atomic
def agreement_save(*, agreement: ResponsibilityAgreement) -> ResponsibilityAgreement:
    agreement.save()
    return agreement


@transaction.atomic
def meeting_note_save(*, note: MeetingNote) -> MeetingNote:
    note.save()
    return note


@transaction.atomic
def meeting_note_delete(*, note: MeetingNote) -> None:
    note.delete()


@transaction.atomic
def time_log_save(*, entry: TimeLog) -> TimeLog:
    entry.save()
    return entry


@transaction.atomic
def time_log_delete(*, entry: TimeLog) -> None:
    entry.delete()
