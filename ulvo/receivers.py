"""The project's only signal receivers for its own models: changes made in the admin.

Every other change goes through a service that says in its body what else it
touches: the audit trail (``accounts.audit``), the navigation
(``accounts.navigation``) and the supervisors' home pages (``ulvo.lib.home_tokens``);
STYLE.md, convention 15. The admin site does not: its change forms, inlines and
delete action save and delete models themselves, and a delete there takes related
rows along (deleting a user deletes their memberships and network seats, deleting a
network its sessions and invitations). The receivers below do for those changes
what the services do, and nothing for any other change: each returns at once unless
the request being served is the admin site's.

What the admin can reach is listed here. Placements, weeks and meeting notes have no
admin page, and no admin delete reaches them (a placement protects its student,
environment and programme). tests/test_receivers.py fails when a receiver for a
project model is connected anywhere else. The framework's own hooks (logging in and
out, passwords) are in ``accounts.sessions``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models.signals import ModelSignal, post_delete, post_save, pre_save

from accounts.audit import audit_before, audit_deleted, audit_saved, current_request
from accounts.models import AuditEvent, Membership, User
from accounts.navigation import navigation_forget, navigation_forget_now
from environments.models import LearningEnvironment, Programme
from learning_networks.models import Attendance, NetworkMembership, NetworkSession
from notifications.models import Notification
from placements.models import SupervisionAssignment
from reflections.models import Reflection, ReflectionFeedback
from ulvo.lib.home_tokens import (
    home_forget_everyone,
    home_forget_students,
    home_forget_supervisors,
)

Receiver = Callable[..., None]
# The row as it was before an admin save, kept on the instance for after the save.
_BEFORE = "_ulvo_admin_before"


def in_admin() -> bool:
    """Whether the request being served is the admin site's."""
    request = current_request()
    match = getattr(request, "resolver_match", None)
    return match is not None and match.namespace == admin.site.name


def _deleted(kwargs: dict[str, Any]) -> bool:
    return kwargs.get("signal") is post_delete


def _remember(sender: Any, instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if in_admin() and not raw:
        setattr(instance, _BEFORE, audit_before(instance))


def _audit(instance: models.Model, kwargs: dict[str, Any]) -> models.Model | None:
    """Record the change; returns the row as it was before a save."""
    if _deleted(kwargs):
        audit_deleted(instance)
        return None
    before = None if kwargs.get("created") else getattr(instance, _BEFORE, None)
    audit_saved(instance, before=before)
    return before


def _membership(sender: Any, instance: Membership, **kwargs: Any) -> None:
    if not in_admin():
        return
    _audit(instance, kwargs)
    navigation_forget(instance.user_id)
    home_forget_supervisors([instance.user_id])


def _assignment(sender: Any, instance: SupervisionAssignment, **kwargs: Any) -> None:
    if not in_admin():
        return
    before = _audit(instance, kwargs)
    previous = getattr(before, "supervisor_id", None)
    navigation_forget(instance.supervisor_id, previous)
    home_forget_supervisors([instance.supervisor_id, previous])
    home_forget_students([instance.placement.student_id])


def _network_seat(sender: Any, instance: NetworkMembership, **kwargs: Any) -> None:
    if in_admin():
        navigation_forget(instance.user_id)
        home_forget_supervisors([instance.user_id])


def _attendance(sender: Any, instance: Attendance, **kwargs: Any) -> None:
    if in_admin():
        home_forget_students([instance.user_id])


def _session(sender: Any, instance: NetworkSession, **kwargs: Any) -> None:
    # A deleted session's invitations go with it, each forgetting its own student.
    if in_admin() and not _deleted(kwargs):
        home_forget_students(instance.attendances.values_list("user_id", flat=True))


def _reflection(sender: Any, instance: Reflection, **kwargs: Any) -> None:
    if in_admin():
        home_forget_students([instance.author_id])


def _feedback(sender: Any, instance: ReflectionFeedback, **kwargs: Any) -> None:
    # Deleting a supervisor deletes their responses: the reflection waits again.
    if in_admin():
        home_forget_students(
            Reflection.objects.filter(pk=instance.reflection_id).values_list("author_id", flat=True)
        )


def _notification(sender: Any, instance: Notification, **kwargs: Any) -> None:
    if in_admin():
        navigation_forget_now(instance.recipient_id)


def _user(sender: Any, instance: User, **kwargs: Any) -> None:
    if not in_admin():
        return
    if _deleted(kwargs):
        # Events recorded while their memberships went (a user deleting their own
        # account in the admin) keep no link to them.
        AuditEvent.objects.filter(actor_id=instance.pk).update(actor=None)
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is None or "full_name" in update_fields:
        home_forget_students([instance.pk])  # their name, on their supervisors' pages


def _catalogue(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    if not in_admin():
        return
    home_forget_everyone()  # names and domains are on every page
    if isinstance(instance, LearningEnvironment) and _deleted(kwargs):
        # Its memberships were deleted (and recorded) after its own trail was
        # collected for deletion: the trail goes with the environment.
        AuditEvent.objects.filter(environment_id=instance.pk).delete()


RECEIVERS: list[tuple[tuple[ModelSignal, ...], Receiver, type[models.Model]]] = [
    ((pre_save,), _remember, Membership),
    ((pre_save,), _remember, SupervisionAssignment),
    ((post_save, post_delete), _membership, Membership),
    ((post_save, post_delete), _assignment, SupervisionAssignment),
    ((post_save, post_delete), _network_seat, NetworkMembership),
    ((post_save, post_delete), _attendance, Attendance),
    ((post_save, post_delete), _session, NetworkSession),
    ((post_save, post_delete), _reflection, Reflection),
    ((post_save, post_delete), _feedback, ReflectionFeedback),
    ((post_save, post_delete), _notification, Notification),
    ((post_save, post_delete), _user, User),
    ((post_save, post_delete), _catalogue, Programme),
    ((post_save, post_delete), _catalogue, LearningEnvironment),
]


def connect() -> None:
    for signals, receiver, model in RECEIVERS:
        for signal in signals:
            uid = f"ulvo-admin-{receiver.__name__}-{model._meta.label}"
            signal.connect(receiver, sender=model, dispatch_uid=uid)
