"""The management site never filters or searches on what people wrote about themselves.

Hiding a text field from an admin page is not enough: the changelist accepts a
filter on any field of its model from the query string, so ``?text__regex=^a``,
``^b``, … on the reflections list would recover a private reflection letter by
letter. :class:`PrivateTextAdmin` refuses every lookup that reaches private free
text, directly or through a relation (Django answers a refused lookup with 400);
a system check (``privacy.checks``) refuses ``search_fields`` and ``list_filter``
that reach it.

Which fields are private is declared by the privacy registry (the top layer), which
hands them down here when the apps are ready (``privacy.apps``); the admins of
every app, lower in the layers, use the mixin without importing the registry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest

# Model label → names of its private free-text fields.
_private_text: dict[str, frozenset[str]] = {}


def private_text_protect(fields: Mapping[str, Iterable[str]]) -> None:
    """Declare the private free-text fields (model label → field names)."""
    _private_text.clear()
    _private_text.update({label: frozenset(names) for label, names in fields.items()})


def private_text_reached(model: type[models.Model], path: str) -> bool:
    """Whether a lookup or search path (``feedback__text__regex``) reaches private text."""
    opts = model._meta
    for part in path.split(LOOKUP_SEP):
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            # The rest is a lookup or transform (``regex``, ``lower``) of the last field.
            return False
        # A proxy's fields are its concrete model's, and so is the declaration.
        label = (opts.concrete_model or opts.model)._meta.label
        if field.name in _private_text.get(label, ()):
            return True
        if not field.is_relation or field.related_model is None:
            return False
        opts = field.related_model._meta
    return False


class PrivateTextAdmin(admin.ModelAdmin):
    """A ModelAdmin that refuses filters on private free text, however they are spelled."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        if private_text_reached(self.model, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)
