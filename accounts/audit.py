"""The audit trail: who changed placements, supervision, week approvals and roles.

Written by the services that make those changes, in their bodies: they take the row
as it was (:func:`audit_before`), save, and record what changed
(:func:`audit_saved`); a deletion is recorded before the row goes
(:func:`audit_deleted`); rows made with ``bulk_create`` (the placement import, the
demo's extra supervisors) with :func:`audit_bulk_created`. A membership's changes
are also role changes for the security log (``role_change``). Changes made in the
admin site, which saves models itself, are recorded by ``ulvo.receivers``. Deleting
an account records the memberships and assignments it removes
(``privacy.services.account_delete``), before the account goes, so the user's
deletion unlinks those events from them like every other; deleting an environment
takes its trail along (``AuditEvent.environment`` cascades).

The actor is the user of the request being served (``AuditActorMiddleware`` keeps
the request in a context variable); outside a request (tasks, commands) it is empty.

Hand-written, for now: no django-auditlog release supports Django 6.1 yet,
django-simple-history stores free text (the trail must not keep what people wrote),
and django-pghistory is PostgreSQL-only (the development set-up runs on SQLite).
Revisit when django-auditlog declares support for Django 6.x.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse

from accounts.models import AuditEvent, Membership
from accounts.security_log import security_event

_current_request: ContextVar[HttpRequest | None] = ContextVar("ulvo_audit_request", default=None)


class AuditActorMiddleware:
    """Remembers the request so audit events know who made a change."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


@contextmanager
def acting_as(request: HttpRequest | None) -> Iterator[None]:
    """For code outside the middleware (tests, commands) that acts for a request."""
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def current_request() -> HttpRequest | None:
    """The request being served, if any."""
    return _current_request.get()


def current_actor_id() -> int | None:
    request = _current_request.get()
    if request is None:
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.pk
    return None


@dataclass(frozen=True)
class Audited:
    label: str
    environment: Callable[[Any], int | None]
    # Only these fields (None: all concrete fields except the primary key and ``exclude``).
    fields: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ("created_at",)
    deletes: bool = True


AUDITED = (
    Audited("placements.Placement", lambda obj: obj.environment_id),
    Audited("placements.SupervisionAssignment", lambda obj: obj.placement.environment_id),
    # A week's approval: its status and who reviewed it. The week's other fields and
    # its comment are in the week's own history (WeekEvent).
    Audited(
        "placements.Week",
        lambda obj: obj.placement.environment_id,
        fields=("status", "reviewer"),
        deletes=False,
    ),
    Audited("accounts.Membership", lambda obj: obj.environment_id),
    # What someone says about when they cannot come is theirs: the event names the kind,
    # without the times or the reason, and no environment's trail shows it.
    Audited("learning_networks.Unavailability", lambda obj: None, fields=("user", "kind")),
    Audited("learning_networks.WorkingDays", lambda obj: obj.environment_id, fields=("weekdays",)),
    # Whom a session invites beyond its network (learning_networks.services).
    Audited(
        "learning_networks.SessionGuest",
        lambda obj: obj.session.network.environment_id,
        fields=("session", "user"),
    ),
    Audited(
        "learning_networks.SessionGuestOrganisation",
        lambda obj: obj.session.network.environment_id,
        fields=("session", "organisation"),
    ),
    # "You said, we did" (learning_networks.decisions): the texts are free text, so
    # the trail says that they changed, not what they say.
    Audited("learning_networks.FeedbackDecision", lambda obj: obj.network.environment_id),
    # The environment's settings (accounts.environment_settings). An organisation
    # belongs to the region: its event has no environment, the partnership that
    # links it to one has.
    Audited("environments.LearningEnvironment", lambda obj: obj.pk, deletes=False),
    Audited("environments.Organisation", lambda obj: None),
    Audited("environments.Partnership", lambda obj: obj.learningenvironment_id),
    Audited("environments.ProgrammeTarget", lambda obj: obj.environment_id),
    Audited("environments.DomainTarget", lambda obj: obj.environment_id),
    # A rollover into next school year (supervision.rollover), in the old year's trail;
    # the new environment's own creation is in its trail.
    Audited("supervision.Rollover", lambda obj: obj.source_id, fields=("target", "created_by")),
)
_BY_LABEL = {spec.label: spec for spec in AUDITED}

_TEXT_FIELDS = (models.CharField, models.TextField)


def is_audited(model: type[models.Model]) -> bool:
    return model._meta.label in _BY_LABEL


def _spec(instance: models.Model) -> Audited:
    try:
        return _BY_LABEL[instance._meta.label]
    except KeyError:
        raise LookupError(f"{instance._meta.label} is not audited.") from None


def _tracked_fields(spec: Audited, model: type[models.Model]) -> list[models.Field[Any, Any]]:
    result = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in spec.exclude:
            continue
        if spec.fields is not None and field.name not in spec.fields:
            continue
        result.append(field)
    return result


def _value(field: models.Field[Any, Any], instance: models.Model) -> Any:
    value = getattr(instance, field.attname)
    if isinstance(value, datetime | date | Decimal):
        return str(value)
    return value


def _same(field: models.Field[Any, Any], old: Any, new: Any) -> bool:
    """Equal once parsed: an unsaved 16 is the stored Decimal("16.0")."""
    try:
        return field.to_python(old) == field.to_python(new)
    except ValidationError:
        return old == new


def _is_free_text(field: models.Field[Any, Any]) -> bool:
    """Text typed by people: recorded as changed, never with its contents."""
    return isinstance(field, _TEXT_FIELDS) and not field.choices


def _diff(spec: Audited, instance: models.Model, old: models.Model | None) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for field in _tracked_fields(spec, type(instance)):
        new_value = _value(field, instance)
        old_value = _value(field, old) if old is not None else None
        if old is not None and _same(field, old_value, new_value):
            continue
        if old is None and new_value in (None, "", False):
            continue
        changes[field.name] = None if _is_free_text(field) else [old_value, new_value]
    return changes


def _event(
    spec: Audited, instance: models.Model, action: str, changes: dict[str, Any], actor_id: Any
) -> AuditEvent:
    return AuditEvent(
        environment_id=spec.environment(instance),
        actor_id=actor_id,
        action=action,
        model=spec.label,
        object_id=instance.pk,
        changes=changes,
    )


def _log_role_change(membership: Membership, outcome: str, changes: dict[str, Any]) -> None:
    security_event(
        "role_change",
        outcome=outcome,
        request=_current_request.get(),
        user=membership.user_id,
        environment=membership.environment_id,
        role=membership.role,
        active=membership.is_active,
        changed=sorted(changes),
        actor=current_actor_id(),
    )


def audit_before[M: models.Model](instance: M) -> M | None:
    """The stored row of an audited object about to change; None for a new one.

    Call it before changing the row, and hand the result to :func:`audit_saved`.
    """
    _spec(instance)
    if instance.pk is None:
        return None
    return type(instance)._default_manager.filter(pk=instance.pk).first()


def audit_saved(instance: models.Model, *, before: models.Model | None) -> None:
    """Record a saved object: created (``before`` is None), or the fields that changed
    since ``before`` (nothing when none did)."""
    spec = _spec(instance)
    changes = _diff(spec, instance, before)
    if before is not None and not changes:
        return
    action = "create" if before is None else "update"
    _event(spec, instance, action, changes, current_actor_id()).save()
    if isinstance(instance, Membership):
        _log_role_change(instance, "granted" if before is None else "changed", changes)


def audit_deleted(instance: models.Model) -> None:
    """Record an object about to be deleted (call it before the row goes)."""
    spec = _spec(instance)
    if not spec.deletes:
        return
    _event(spec, instance, "delete", {}, current_actor_id()).save()
    if isinstance(instance, Membership):
        _log_role_change(instance, "revoked", {})


def audit_bulk_created(instances: Sequence[models.Model], *, actor_id: int | None) -> None:
    """Record rows made with ``bulk_create`` (the import), in one query."""
    if not instances:
        return
    spec = _spec(instances[0])
    AuditEvent.objects.bulk_create(
        _event(spec, instance, "create", _diff(spec, instance, None), actor_id)
        for instance in instances
    )


# --- Reading the trail --------------------------------------------------------------

# What the object names of each audited model need, so naming a page of events
# costs one query per model.
_LABEL_RELATED = {
    "placements.Placement": ("student", "programme"),
    "placements.Week": ("placement__student", "placement__programme"),
    "placements.SupervisionAssignment": ("supervisor",),
    "accounts.Membership": ("user", "environment"),
    "learning_networks.WorkingDays": ("user", "environment"),
    "learning_networks.SessionGuest": ("user", "session"),
    "learning_networks.SessionGuestOrganisation": ("organisation", "session"),
    "environments.Partnership": ("organisation", "learningenvironment"),
    "environments.ProgrammeTarget": ("programme",),
}


@dataclass
class Change:
    field: str
    old: str | None
    new: str | None


@dataclass
class EventRow:
    event: Any
    model_name: str
    object_label: str
    changes: list[Change]


def _display(field: models.Field[Any, Any] | None, value: Any, related: dict[Any, str]) -> str:
    from django.utils.translation import gettext as _

    if value is None or value == "":
        return "–"
    if field is None:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if field.is_relation:
        return related.get((field.related_model, value), f"#{value}")
    return str(value)


def describe(events: list[Any]) -> list[EventRow]:
    """Readable rows for a page of audit events, in a bounded number of queries."""
    from django.utils.translation import gettext as _

    by_model: dict[str, set[int]] = {}
    relation_ids: dict[Any, set[Any]] = {}
    for event in events:
        by_model.setdefault(event.model, set()).add(event.object_id)
        model = apps.get_model(event.model)
        for name, change in event.changes.items():
            field = _field(model, name)
            if field is not None and field.is_relation and change:
                relation_ids.setdefault(field.related_model, set()).update(
                    value for value in change if value is not None
                )
    labels: dict[tuple[str, int], str] = {}
    for label, ids in by_model.items():
        model = apps.get_model(label)
        queryset = model._default_manager.all()
        if label in _LABEL_RELATED:
            # (select_related() without fields is deprecated: it follows every relation.)
            queryset = queryset.select_related(*_LABEL_RELATED[label])
        for obj in queryset.filter(pk__in=ids):
            labels[(label, obj.pk)] = str(obj)
    related: dict[Any, str] = {}
    for model, ids in relation_ids.items():
        for pk, obj in model._default_manager.in_bulk(list(ids)).items():
            related[(model, pk)] = str(obj)

    rows = []
    for event in events:
        model = apps.get_model(event.model)
        changes = []
        for name, change in event.changes.items():
            field = _field(model, name)
            verbose = str(field.verbose_name) if field is not None else name
            if change is None:
                changes.append(Change(verbose, None, None))
            else:
                old, new = change
                changes.append(
                    Change(verbose, _display(field, old, related), _display(field, new, related))
                )
        object_label = labels.get((event.model, event.object_id)) or _("(removed) #%(id)s") % {
            "id": event.object_id
        }
        rows.append(
            EventRow(
                event=event,
                model_name=str(model._meta.verbose_name),
                object_label=object_label,
                changes=changes,
            )
        )
    return rows


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any] | None:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None
