"""Changing and deleting objects through the management site, as staff do: the form
as the page shows it, with the changes typed in."""

from typing import Any

from django import forms
from django.db import models
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.accounts.steps import activate_totp


def staff_client() -> Client:
    """A client logged in as a superuser with the two-factor app staff need."""
    user = UserFactory(email="beheer@example.org", is_staff=True, is_superuser=True)
    activate_totp(user)
    client = Client()
    client.force_login(user)
    return client


def _url(obj: models.Model, page: str) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{page}", args=[obj.pk])


def _form_data(form: forms.BaseForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        key = form.add_prefix(name)
        if isinstance(field, forms.BooleanField):
            if value:
                data[key] = "on"
        elif value is None:
            data[key] = ""
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        else:
            data[key] = str(value)
    return data


def admin_change(client: Client, obj: models.Model, **changes: Any) -> HttpResponse:
    """Post the object's change form with these fields changed; asserts it was saved."""
    url = _url(obj, "change")
    page = client.get(url)
    assert page.status_code == 200
    data = _form_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for form in formset.forms:
            data.update(_form_data(form))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def admin_delete(client: Client, obj: models.Model) -> HttpResponse:
    """Confirm the object's deletion page."""
    response = client.post(_url(obj, "delete"), {"post": "yes"})
    assert response.status_code == 302
    return response
