"""The audit trail: who changed placements, supervision, week approvals and roles.

Recorded from model signals, registered in one place (``connect``, called from
``AccountsConfig.ready``), so every path that saves these models is covered:
views, services, the admin and the import tasks. Bulk ``update()`` and
``bulk_create()`` bypass signals: the import records its placements with
``audit_bulk_created``.

The actor is the user of the request being served (``AuditActorMiddleware`` keeps
the request in a context variable); outside a request (tasks, commands) it is empty.
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
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest, HttpResponse

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


def current_actor_id() -> int | None:
    request = _current_request.get()
    if request is None:
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.pk
    return None


def _placement_environment(placement_id: int | None) -> int | None:
    from placements.models import Placement

    if placement_id is None:
        return None
    return (
        Placement.objects.filter(pk=placement_id).values_list("environment_id", flat=True).first()
    )


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
    Audited(
        "placements.SupervisionAssignment",
        lambda obj: _placement_environment(obj.placement_id),
    ),
    # A week's approval: its status and who reviewed it. The week's other fields and
    # its comment are in the week's own history (WeekEvent).
    Audited(
        "placements.Week",
        lambda obj: _placement_environment(obj.placement_id),
        fields=("status", "reviewer"),
        deletes=False,
    ),
    Audited("accounts.Membership", lambda obj: obj.environment_id),
)

_TEXT_FIELDS = (models.CharField, models.TextField)


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


def _diff(
    spec: Audited, instance: models.Model, old: models.Model | None, only: Any = None
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for field in _tracked_fields(spec, type(instance)):
        if only is not None and field.name not in only and field.attname not in only:
            continue
        new_value = _value(field, instance)
        old_value = _value(field, old) if old is not None else None
        if old is not None and _same(field, old_value, new_value):
            continue
        if old is None and new_value in (None, "", False):
            continue
        changes[field.name] = None if _is_free_text(field) else [old_value, new_value]
    return changes


def _record(spec: Audited, instance: models.Model, action: str, changes: dict[str, Any]) -> None:
    from accounts.models import AuditEvent

    AuditEvent.objects.create(
        environment_id=spec.environment(instance),
        actor_id=current_actor_id(),
        action=action,
        model=spec.label,
        object_id=instance.pk,
        changes=changes,
    )


def audit_bulk_created(instances: Sequence[models.Model], *, actor_id: int | None) -> None:
    """Record rows made with ``bulk_create``, which sends no signals (the import)."""
    from accounts.models import AuditEvent

    if not instances:
        return
    spec = next(s for s in AUDITED if s.label == instances[0]._meta.label)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            environment_id=spec.environment(instance),
            actor_id=actor_id,
            action="create",
            model=spec.label,
            object_id=instance.pk,
            changes=_diff(spec, instance, None, only=None),
        )
        for instance in instances
    )


def _log_role_change(instance: Any, outcome: str, changes: dict[str, Any]) -> None:
    security_event(
        "role_change",
        outcome=outcome,
        request=_current_request.get(),
        user=instance.user_id,
        environment=instance.environment_id,
        role=instance.role,
        active=instance.is_active,
        changed=sorted(changes),
        actor=current_actor_id(),
    )


def _make_receivers(spec: Audited) -> tuple[Callable[..., None], ...]:
    def before_save(sender: Any, instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
        # The row as it was, kept on the instance for after_save: not a declared field.
        if raw or instance.pk is None:
            instance._audit_old = None  # type: ignore[attr-defined]
            return
        instance._audit_old = sender._default_manager.filter(pk=instance.pk).first()  # type: ignore[attr-defined]

    def after_save(
        sender: Any,
        instance: models.Model,
        created: bool,
        raw: bool = False,
        update_fields: Any = None,
        **kwargs: Any,
    ) -> None:
        if raw:
            return
        old = None if created else getattr(instance, "_audit_old", None)
        if not created and old is None:
            return
        changes = _diff(spec, instance, old, only=update_fields)
        if not created and not changes:
            return
        _record(spec, instance, "create" if created else "update", changes)
        if spec.label == "accounts.Membership":
            _log_role_change(instance, "granted" if created else "changed", changes)

    def after_delete(sender: Any, instance: models.Model, **kwargs: Any) -> None:
        if not spec.deletes:
            return
        _record(spec, instance, "delete", {})
        if spec.label == "accounts.Membership":
            _log_role_change(instance, "revoked", {})

    return before_save, after_save, after_delete


def _forget_environment(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Deleting an environment deletes its memberships, which records audit events
    for it after its own events were collected for deletion: remove those too."""
    from accounts.models import AuditEvent

    AuditEvent.objects.filter(environment_id=instance.pk).delete()


def _forget_actor(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Likewise for a user deleting their own account: the events recorded while
    their memberships went keep no link to them."""
    from accounts.models import AuditEvent

    AuditEvent.objects.filter(actor_id=instance.pk).update(actor=None)


_connected: list[Callable[..., None]] = []


def connect() -> None:
    if _connected:
        return
    for spec in AUDITED:
        model = apps.get_model(spec.label)
        before_save, after_save, after_delete = _make_receivers(spec)
        pre_save.connect(before_save, sender=model, weak=False)
        post_save.connect(after_save, sender=model, weak=False)
        post_delete.connect(after_delete, sender=model, weak=False)
        _connected.extend([before_save, after_save, after_delete])
    post_delete.connect(
        _forget_environment, sender=apps.get_model("environments.LearningEnvironment")
    )
    post_delete.connect(_forget_actor, sender=apps.get_model("accounts.User"))


# --- Reading the trail --------------------------------------------------------------

# What the object names of each audited model need, so naming a page of events
# costs one query per model.
_LABEL_RELATED = {
    "placements.Placement": ("student", "programme"),
    "placements.Week": ("placement__student", "placement__programme"),
    "placements.SupervisionAssignment": ("supervisor",),
    "accounts.Membership": ("user", "environment"),
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
        queryset = model._default_manager.select_related(*_LABEL_RELATED.get(label, ()))
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
