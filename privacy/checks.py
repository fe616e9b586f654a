"""System checks: the management site never searches or filters on private free text."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.checks import CheckMessage, Error, Tags, register

from privacy.registry import private_text_fields
from ulvo.lib.admin import PrivateTextAdmin, private_text_reached


def _paths(model_admin: admin.ModelAdmin[Any]) -> list[tuple[str, str]]:
    """(option, field path) of every search field, list filter and date hierarchy."""
    paths = [("search_fields", field.lstrip("^=@")) for field in model_admin.search_fields]
    for item in model_admin.list_filter:
        name = item[0] if isinstance(item, tuple | list) else item
        if isinstance(name, str):
            paths.append(("list_filter", name))
    if model_admin.date_hierarchy:
        paths.append(("date_hierarchy", model_admin.date_hierarchy))
    return paths


@register(Tags.admin)
def check_admin_private_text(**kwargs: Any) -> list[CheckMessage]:
    return admin_private_text_errors(admin.site)


def admin_private_text_errors(site: admin.AdminSite) -> list[CheckMessage]:
    private = private_text_fields()
    errors: list[CheckMessage] = []
    for model, model_admin in site._registry.items():
        name = type(model_admin).__name__
        for option, path in _paths(model_admin):
            if private_text_reached(model, path):
                errors.append(
                    Error(
                        f"{name}.{option} reaches private free text: {path}",
                        hint="Search and filter on names, dates and states; what people "
                        "wrote stays out of the management site (privacy.registry).",
                        obj=type(model_admin),
                        id="privacy.E001",
                    )
                )
        if model._meta.label in private and not isinstance(model_admin, PrivateTextAdmin):
            errors.append(
                Error(
                    f"{name} manages a model with private free text without "
                    "ulvo.lib.admin.PrivateTextAdmin, so its list accepts filters on it.",
                    obj=type(model_admin),
                    id="privacy.E002",
                )
            )
    return errors
