"""Date pickers get ISO values in every language (#20): ``<input type="date">`` reads
nothing else, and showed the coordinator's time totals as empty fields for the Dutch
01-08-2026. Every date field is a PlausibleDateField or uses ulvo.lib.dates.DateInput."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ulvo.lib.dates import DateInput, PlausibleDateField

pytestmark = pytest.mark.django_db

DATE_VALUES = re.compile(r'<input type="date"[^>]*value="([^"]*)"')


class _Period(forms.Form):
    start = PlausibleDateField(label="From")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_date_field_renders_iso_in_every_language(language: str) -> None:
    with translation.override(language):
        html = str(_Period(initial={"start": datetime.date(2026, 8, 1)})["start"])
    assert 'type="date"' in html
    assert 'value="2026-08-01"' in html


def test_the_widget_keeps_iso_even_with_a_localised_format() -> None:
    with translation.override("nl"):
        html = DateInput().render("day", datetime.date(2026, 12, 7))
    assert 'value="2026-12-07"' in html


def _date_values(html: str) -> list[str]:
    return DATE_VALUES.findall(html)


def test_the_coordinators_time_totals_show_their_period(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    url = reverse("supervision:time_totals", args=[cast.environment.pk])
    with translation.override("nl"):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    values = _date_values(html)
    assert values, "no date inputs on the page"
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) for value in values), values
