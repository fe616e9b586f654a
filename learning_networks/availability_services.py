"""What people say about when they cannot come: unavailability (dates and weekly
blocks) and the days professionals work in an environment.

Both are read afresh by the date finder (``planner_input``) each time it runs; no
cached page shows them (neither the navigation nor the supervisors' home), so these
services record the change in the audit trail and have nothing to forget.
"""

from collections.abc import Collection

from django.db import transaction

from accounts.audit import audit_before, audit_deleted, audit_saved
from accounts.models import User
from environments.models import LearningEnvironment
from learning_networks.models import Unavailability, WorkingDays
from placements.models import weekdays_to_mask


@transaction.atomic
def unavailability_add(*, unavailability: Unavailability, user: User) -> Unavailability:
    """Save a new unavailability of ``user`` (the form has checked it)."""
    unavailability.user = user
    unavailability.save()
    audit_saved(unavailability, before=None)
    return unavailability


@transaction.atomic
def unavailability_remove(*, unavailability: Unavailability) -> None:
    audit_deleted(unavailability)
    unavailability.delete()


@transaction.atomic
def working_days_set(
    *, user: User, environment: LearningEnvironment, weekdays: Collection[int]
) -> WorkingDays:
    """Record the weekdays (ISO numbers, Monday to Friday, at least one) ``user`` works
    in ``environment``."""
    mask = weekdays_to_mask(list(weekdays))
    working = (
        WorkingDays.objects.select_for_update().filter(user=user, environment=environment).first()
    )
    if working is None:
        working = WorkingDays.objects.create(user=user, environment=environment, weekdays=mask)
        audit_saved(working, before=None)
        return working
    before = audit_before(working)
    working.weekdays = mask
    working.save()
    audit_saved(working, before=before)
    return working
