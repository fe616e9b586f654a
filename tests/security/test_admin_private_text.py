"""The management site cannot be made to read private free text.

An admin page that hides a text field still accepted a filter on it in the query
string: ``?text__startswith=I`` on the reflections list answered "1 reflection" or
"0 reflections", and a private reflection could be read letter by letter. The
private fields come from the privacy registry (privacy.registry.
private_text_fields), so a model added there is covered here without a new test.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from privacy.checks import admin_private_text_errors
from privacy.registry import REGISTRY, private_text_fields
from tests.accounts.factories import UserFactory
from tests.accounts.steps import activate_totp

PRIVATE = private_text_fields()


def private_paths(model: type[models.Model]) -> Iterator[str]:
    """Every private field on the model, and one relation away from it."""
    yield from sorted(PRIVATE.get(model._meta.label, ()))
    for field in model._meta.get_fields():
        if field.is_relation and field.related_model is not None:
            related: Any = field.related_model
            for name in sorted(PRIVATE.get(related._meta.label, ())):
                yield f"{field.name}__{name}"


ADMIN_PATHS = [
    pytest.param(model, path, id=f"{model._meta.label}:{path}")
    for model in admin.site._registry
    for path in private_paths(model)
]
ADMINS_WITH_PRIVATE_TEXT = [
    pytest.param(model, sorted(PRIVATE[model._meta.label])[0], id=model._meta.label)
    for model in admin.site._registry
    if model._meta.label in PRIVATE
]


def test_private_text_is_what_people_wrote() -> None:
    expected = {
        "reflections.Reflection": {"text"},
        "reflections.ReflectionFeedback": {"text"},
        "supervision.MeetingNote": {"notes", "agreements"},
        "supervision.TimeLog": {"note"},
        "learning_networks.SessionFeedback": {"comment"},
        "learning_networks.Attendance": {"reason"},
        "learning_networks.Unavailability": {"reason"},
        "placements.ActivityEntry": {"description"},
        "placements.Week": {"comment"},
        "placements.WeekEvent": {"comment"},
    }
    for label, names in expected.items():
        assert names <= PRIVATE[label], label
    # Names, titles and addresses are what staff look rows up by.
    assert "accounts.User" not in PRIVATE
    assert "placements.SupervisionAssignment" not in PRIVATE
    assert "learning_networks.NetworkSession" not in PRIVATE
    assert PRIVATE["placements.Week"] == {"comment"}


def test_what_is_searchable_is_a_text_field_of_its_entry() -> None:
    for entry in REGISTRY:
        for name in entry.searchable:
            assert name in (*entry.export, *entry.clear), (entry.model, name)
            field = entry.model_class._meta.get_field(name)
            assert isinstance(field, models.CharField | models.TextField), (entry.model, name)


@pytest.mark.parametrize(("model", "path"), ADMIN_PATHS)
def test_no_admin_filters_on_private_text(model: type[models.Model], path: str) -> None:
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    for lookup in (path, f"{path}__regex", f"{path}__startswith", f"{path}__lower__contains"):
        assert not model_admin.lookup_allowed(lookup, "^a", request), lookup


def test_there_are_paths_to_check() -> None:
    """The parametrisation above must not pass by finding nothing."""
    labels = {param.values[0]._meta.label for param in ADMIN_PATHS}  # type: ignore[union-attr]
    assert {"reflections.Reflection", "learning_networks.SessionFeedback"} <= labels
    assert ("accounts.User", "reflections__text") in {
        (param.values[0]._meta.label, param.values[1])  # type: ignore[union-attr]
        for param in ADMIN_PATHS
    }


@pytest.fixture
def staff(db: None) -> Any:
    user = UserFactory(email="beheer@example.org", is_staff=True, is_superuser=True)
    activate_totp(user)
    return user


@pytest.mark.parametrize(("model", "field"), ADMINS_WITH_PRIVATE_TEXT)
def test_a_filter_on_private_text_is_refused(
    staff: Any, client: Client, model: type[models.Model], field: str
) -> None:
    client.force_login(staff)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = client.get(url, {f"{field}__regex": "^."})

    assert response.status_code == 400


def test_a_private_reflection_cannot_be_read_letter_by_letter(
    cast: Any, staff: Any, client: Client
) -> None:
    from reflections.models import Reflection, Visibility

    Reflection.objects.create(
        author=cast.student,
        environment=cast.environment,
        placement=cast.placement,
        text="Ik twijfel of ik deze opleiding wil afmaken.",
        visibility=Visibility.PRIVATE,
        published_at=timezone.now(),
    )
    client.force_login(staff)
    url = reverse("admin:reflections_reflection_changelist")
    assert client.get(url).status_code == 200

    right = client.get(url, {"text__startswith": "Ik"})
    wrong = client.get(url, {"text__startswith": "Jij"})
    through_feedback = client.get(url, {"feedback__text__regex": "."})

    assert right.status_code == wrong.status_code == through_feedback.status_code == 400
    changelist = client.get(url, {"q": "twijfel"})
    assert changelist.status_code == 200
    assert isinstance(changelist.context["cl"], ChangeList)
    assert changelist.context["cl"].result_count == 0


def test_the_management_site_is_clean() -> None:
    assert admin_private_text_errors(admin.site) == []


def test_the_check_finds_search_and_filters_on_private_text() -> None:
    from reflections.models import Reflection

    class CarelessAdmin(admin.ModelAdmin):
        search_fields = ["author__full_name", "=text"]
        list_filter = ["visibility", ("feedback__text", admin.AllValuesFieldListFilter)]
        date_hierarchy = "created_at"

    site = admin.AdminSite(name="careless")
    site.register(Reflection, CarelessAdmin)

    errors = admin_private_text_errors(site)

    assert sorted(error.id or "" for error in errors) == [
        "privacy.E001",
        "privacy.E001",
        "privacy.E002",
    ]
    assert "search_fields reaches private free text: text" in errors[0].msg
    assert "list_filter reaches private free text: feedback__text" in errors[1].msg
