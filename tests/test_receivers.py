"""Side effects you can read (STYLE.md, 15): the services say what a change touches,
and the only receivers for the project's own models are the admin site's, in
ulvo/receivers.py, where they act for admin requests only."""

from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.db.models import signals
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Membership, Role
from accounts.navigation import navigation_key
from accounts.services import membership_set
from placements.models import SupervisionAssignment
from tests.admin_forms import admin_change, admin_delete, staff_client
from tests.environments.factories import LearningEnvironmentFactory
from tests.security.cases_supervision import assignment_data

PROJECT_APPS = {
    "accounts",
    "environments",
    "placements",
    "supervision",
    "learning_networks",
    "reflections",
    "dashboards",
    "notifications",
    "privacy",
    "ulvo",
}
MODEL_SIGNALS = [
    signals.pre_init,
    signals.post_init,
    signals.pre_save,
    signals.post_save,
    signals.pre_delete,
    signals.post_delete,
    signals.m2m_changed,
]


def test_receivers_for_project_models_are_connected_in_one_module() -> None:
    """Anything a change of one of our models sets off is called by its service,
    or listed in ulvo/receivers.py for the admin site."""
    elsewhere = set()
    listed = set()
    for config in apps.get_app_configs():
        if config.name not in PROJECT_APPS:
            continue
        for model in config.get_models():
            for signal in MODEL_SIGNALS:
                sync, asynchronous = signal._live_receivers(model)
                for receiver in [*sync, *asynchronous]:
                    module = getattr(receiver, "__module__", "") or ""
                    if module.split(".")[0] not in PROJECT_APPS:
                        continue  # Django's and other packages' own
                    if module == "ulvo.receivers":
                        listed.add(model._meta.label)
                    else:
                        elsewhere.add(f"{model._meta.label}: {module}.{receiver.__qualname__}")
    assert sorted(elsewhere) == []
    assert "accounts.Membership" in listed  # the check looks where receivers are


def test_outside_the_admin_a_plain_save_touches_nothing(cast: Any) -> None:
    """The admin's receivers stay quiet for everything else: a change that bypasses the
    services (a shell, a data fix) records nothing and forgets nothing."""
    cache.set(navigation_key(cast.bystander.pk), "kept")
    before = AuditEvent.objects.count()
    membership = Membership.objects.get(user=cast.bystander)
    membership.is_active = False
    membership.save()
    Membership.objects.create(
        user=cast.bystander, environment=cast.environment, role=Role.COORDINATOR
    )
    assert AuditEvent.objects.count() == before
    assert cache.get(navigation_key(cast.bystander.pk)) == "kept"
    cache.clear()


def test_a_service_change_is_recorded_once(cast: Any) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    client.post(reverse("supervision:placement", args=[cast.placement.pk]), assignment_data(cast))
    assignment = SupervisionAssignment.objects.get(supervisor=cast.bystander)
    assert (
        AuditEvent.objects.filter(
            model="placements.SupervisionAssignment", object_id=assignment.pk
        ).count()
        == 1
    )


def test_a_role_changed_in_the_admin_is_audited_and_forgotten(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    staff = staff_client()
    membership = Membership.objects.get(user=cast.bystander)
    cache.set(navigation_key(cast.bystander.pk), "kept")
    with django_capture_on_commit_callbacks(execute=True):
        admin_change(staff, membership, is_active="")

    [event] = AuditEvent.objects.filter(model="accounts.Membership", object_id=membership.pk)
    assert (event.action, event.changes) == ("update", {"is_active": [True, False]})
    assert event.actor is not None and event.actor.is_staff
    assert cache.get(navigation_key(cast.bystander.pk)) is None
    cache.clear()


def test_a_user_deleted_in_the_admin_leaves_their_roles_revoked_in_the_trail(
    cast: Any,
) -> None:
    staff = staff_client()
    membership = Membership.objects.get(user=cast.bystander)
    admin_delete(staff, cast.bystander)
    connection.check_constraints()  # as at commit

    [event] = AuditEvent.objects.filter(model="accounts.Membership", action="delete")
    assert (event.object_id, event.environment) == (membership.pk, cast.environment)


def test_an_environment_deleted_in_the_admin_takes_its_trail_along(cast: Any) -> None:
    environment = LearningEnvironmentFactory()
    membership_set(user=cast.bystander, environment=environment, role=Role.PRACTICE_SUPERVISOR)
    assert AuditEvent.objects.filter(environment=environment).exists()

    admin_delete(staff_client(), environment)
    connection.check_constraints()  # as at commit

    assert not AuditEvent.objects.filter(environment_id=environment.pk).exists()
