"""The person's rights: a copy of all their data, and erasure of their account.

Both are driven by privacy.registry, so a model added there is exported and erased
without touching this module.
"""

from __future__ import annotations

import datetime
import decimal
import logging
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.audit import audit_deleted, is_audited
from accounts.models import Role, User
from accounts.navigation import navigation_forget
from accounts.security_log import environments_of, security_event
from environments.models import LearningEnvironment
from privacy.registry import PSEUDONYM, REGISTRY, Erasure, PersonalData
from ulvo.lib.formats import short_date, short_datetime
from ulvo.lib.home_tokens import home_forget_students, home_forget_supervisors

logger = logging.getLogger("ulvo.privacy")

PSEUDONYM_DOMAIN = "verwijderd.invalid"
# In place of what someone wrote about a student they no longer work with.
WITHHELD = gettext_lazy("not shown: you no longer work with this student")


class AccountDeletionBlocked(Exception):
    """The person is the only coordinator of these environments."""

    def __init__(self, environments: list[LearningEnvironment]) -> None:
        super().__init__("sole coordinator")
        self.environments = environments


@dataclass
class ExportSection:
    label: str
    title: str
    columns: list[str]
    rows: list[dict[str, Any]]
    display_rows: list[list[str]]


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def _field_values(obj: models.Model, name: str) -> tuple[Any, str]:
    """(machine-readable value, readable text) of one field of a row."""
    model_field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if getattr(model_field, "choices", None) and not model_field.is_relation:
        shown = str(getattr(obj, f"get_{name}_display")())
    elif isinstance(value, list):
        shown = ", ".join(str(item) for item in value)
    elif value is None:
        shown = "–"
    elif isinstance(value, datetime.datetime):
        shown = short_datetime(value)
    elif isinstance(value, datetime.date):
        shown = short_date(value)
    elif isinstance(value, bool):
        shown = "✓" if value else "–"
    else:
        shown = str(value)
    return _json_value(value), shown


def _related_paths(model: type[models.Model], names: tuple[str, ...], depth: int = 3) -> list[str]:
    """The foreign keys behind the exported fields, deep enough for their names.

    A related row is shown by its ``__str__``, which may follow further keys (a
    week names its placement, which names its student): joined up front, the
    export runs the same number of queries however many rows there are.
    """
    paths: list[str] = []
    for name in names:
        field = model._meta.get_field(name)
        if not (field.many_to_one or field.one_to_one) or field.related_model is None:
            continue
        paths.append(name)
        if depth > 1:
            related = field.related_model
            forward = tuple(
                other.name
                for other in related._meta.fields
                if (other.many_to_one or other.one_to_one) and other.related_model is not related
            )
            paths += [f"{name}__{path}" for path in _related_paths(related, forward, depth - 1)]
    return paths


def _section(entry: PersonalData, user: User) -> ExportSection:
    meta = entry.model_class._meta
    # Exported names are the model's own fields, never reverse relations.
    columns = [str(meta.get_field(name).verbose_name) for name in entry.export]  # type: ignore[union-attr]
    rows: list[dict[str, Any]] = []
    display_rows: list[list[str]] = []
    rows_query = entry.export_rows(user).order_by("pk")
    related = _related_paths(entry.model_class, entry.export)
    if related:
        rows_query = rows_query.select_related(*related)
    withheld = entry.withheld_fields()
    seen: set[Any] = set()
    if entry.still_sees is not None:
        seen = set(
            entry.export_rows(user).filter(entry.still_sees(user)).values_list("pk", flat=True)
        )
    for obj in rows_query:
        hidden = withheld if entry.still_sees is not None and obj.pk not in seen else frozenset()
        values = [
            (None, str(WITHHELD)) if name in hidden else _field_values(obj, name)
            for name in entry.export
        ]
        row = {name: value for name, (value, _) in zip(entry.export, values, strict=True)}
        if hidden:
            row["withheld"] = sorted(hidden)
        rows.append(row)
        display_rows.append([shown for _, shown in values])
    return ExportSection(
        label=entry.model,
        title=str(meta.verbose_name_plural),
        columns=columns,
        rows=rows,
        display_rows=display_rows,
    )


def personal_data_sections(*, user: User) -> list[ExportSection]:
    return [_section(entry, user) for entry in REGISTRY if entry.export]


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about the person, as JSON-ready data."""
    return {
        "format": "ulvo-personal-data/1",
        "generated_at": timezone.now().isoformat(),
        "sections": [
            {"model": section.label, "title": section.title, "rows": section.rows}
            for section in personal_data_sections(user=user)
        ],
    }


def sole_coordinated_environments(user: User) -> list[LearningEnvironment]:
    """Environments that would be left without a coordinator."""
    from accounts.models import Membership

    coordinated = Membership.objects.filter(
        user=user, role=Role.COORDINATOR, is_active=True
    ).values("environment_id")
    return [
        environment
        for environment in LearningEnvironment.objects.filter(pk__in=coordinated)
        if not Membership.objects.filter(
            environment=environment, role=Role.COORDINATOR, is_active=True
        )
        .exclude(user=user)
        .exists()
    ]


def _erase(entry: PersonalData, user: User, pseudonym: str) -> None:
    model = entry.model_class
    pks = list(entry.rows(user).values_list("pk", flat=True))
    if not pks:
        return
    rows = model._default_manager.filter(pk__in=pks)
    if entry.erasure == Erasure.DELETE:
        rows.delete()
    elif entry.unlink:
        for obj in rows:
            getattr(obj, entry.owner).remove(user)
    elif entry.clear:
        rows.update(
            **{
                name: pseudonym if value is PSEUDONYM else value
                for name, value in entry.clear.items()
            }
        )


@transaction.atomic
def account_delete(*, user: User) -> bool:
    """Erase the person's account; True when a pseudonymised account is kept.

    Raises AccountDeletionBlocked for the last coordinator of an environment.
    """
    from placements.models import Placement

    user_id = user.pk
    environments = environments_of(user_id)
    blocked = sole_coordinated_environments(user)
    if blocked:
        security_event(
            "account_deletion",
            outcome="refused_sole_coordinator",
            user=user_id,
            environment=environments,
        )
        raise AccountDeletionBlocked(blocked)
    pseudonym = "deelnemer-" + secrets.token_hex(4)
    # What the erasure changes elsewhere, said before the rows go: the audit trail
    # records the memberships and supervision it removes (before the account itself
    # goes, so that deleting it unlinks these events from the person too), and the
    # person's navigation and the home pages that show them are forgotten.
    for entry in REGISTRY:
        if entry.erasure == Erasure.DELETE and is_audited(entry.model_class):
            for row in entry.rows(user):
                audit_deleted(row)
    navigation_forget(user_id)
    home_forget_supervisors([user_id])
    home_forget_students([user_id])
    # The students they supervised: their other supervisors see who supervises them.
    home_forget_students(
        Placement.objects.filter(assignments__supervisor=user).values_list("student_id", flat=True)
    )
    for entry in REGISTRY:
        if entry.model != "accounts.User":
            _erase(entry, user, pseudonym)
    kept = Placement.objects.filter(student=user).exists()
    if kept:
        user.email = f"{pseudonym}@{PSEUDONYM_DOMAIN}"
        user.full_name = pseudonym
        user.set_unusable_password()
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.last_login = None
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
    else:
        user.delete()
    # User id and environment ids only: the log must not undo the erasure.
    security_event(
        "account_deletion",
        outcome="pseudonymised" if kept else "deleted",
        user=user_id,
        environment=environments,
    )
    return kept


# Notifications removed per transaction: a year's backlog goes in short
# transactions, so the purge never holds many row locks for long.
NOTIFICATION_PURGE_BATCH = 1000


@dataclass
class PurgeResult:
    reflections: int
    descriptions: int
    import_jobs: int
    notifications: int = 0


def retention_purge(*, now: datetime.datetime | None = None) -> PurgeResult:
    """Remove what is past its retention time; running it twice changes nothing more.

    Reflections and activity descriptions go ``RETENTION_AFTER_PLACEMENT`` after the
    placement ended (reflections without a placement follow their author's last
    placement); import jobs, whose reports list people, go
    ``IMPORT_REPORT_RETENTION`` after they were uploaded, unless still running;
    notifications go ``NOTIFICATION_RETENTION`` after they were written, in batches
    (``NotificationQuerySet.past_retention`` says which).
    """
    now = now or timezone.now()
    result = _purge_records(now)
    result.notifications = _purge_notifications(now)
    logger.info(
        "retention_purge reflections=%s descriptions=%s import_jobs=%s notifications=%s",
        result.reflections,
        result.descriptions,
        result.import_jobs,
        result.notifications,
    )
    return result


@transaction.atomic
def _purge_records(now: datetime.datetime) -> PurgeResult:
    from django.conf import settings

    from placements.models import ActivityEntry, ImportJob, ImportState, Placement
    from reflections.models import Reflection

    cutoff = timezone.localdate(now) - settings.RETENTION_AFTER_PLACEMENT
    ended = Placement.objects.filter(end_date__lt=cutoff)
    still_placed = Placement.objects.filter(end_date__gte=cutoff).values("student_id")
    expired_reflections = Reflection.objects.filter(
        models.Q(placement__in=ended)
        | models.Q(placement__isnull=True, author__placements__in=ended)
    ).exclude(placement__isnull=True, author_id__in=still_placed)
    # Shared reflections wait for a response on the authors' supervisors' home pages.
    home_forget_students(list(expired_reflections.values_list("author_id", flat=True)))
    _, deleted = Reflection.objects.filter(pk__in=expired_reflections.values("pk")).delete()
    reflections = deleted.get("reflections.Reflection", 0)
    # The hours stay (the institute needs them); only what the student wrote goes.
    descriptions = (
        ActivityEntry.objects.filter(placement__in=ended)
        .exclude(description="")
        .update(description="")
    )
    _, deleted = (
        ImportJob.objects.filter(created_at__lt=now - settings.IMPORT_REPORT_RETENTION)
        .exclude(state__in=[ImportState.UPLOADED, ImportState.VALIDATING, ImportState.IMPORTING])
        .delete()
    )
    import_jobs = deleted.get("placements.ImportJob", 0)
    return PurgeResult(reflections=reflections, descriptions=descriptions, import_jobs=import_jobs)


def _purge_notifications(now: datetime.datetime) -> int:
    """Delete notifications past their retention, oldest first, one batch per transaction.

    Rows a delivery worker holds locked are skipped (``SKIP LOCKED``), never waited
    for; the next night takes them. Deleting old rows frees their deduplication
    keys: notifications.reminders never asks for a key that old again.
    """
    from notifications.models import Notification

    removed = 0
    while True:
        with transaction.atomic():
            batch = list(
                Notification.objects.past_retention(now)
                .select_for_update(skip_locked=True)
                .order_by("created_at", "pk")
                .values_list("pk", "recipient_id")[:NOTIFICATION_PURGE_BATCH]
            )
            _, deleted = Notification.objects.filter(pk__in=[pk for pk, _ in batch]).delete()
            # The recipients' unread count in the navigation.
            navigation_forget(*{recipient for _, recipient in batch})
        removed += deleted.get("notifications.Notification", 0)
        if len(batch) < NOTIFICATION_PURGE_BATCH:
            return removed
