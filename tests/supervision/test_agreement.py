"""The environment's default agreement: who does what."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from placements.models import SupervisionRole
from supervision.models import ResponsibilityAgreement

TEXTS = {
    "practice_supervisor": "Begeleidt wekelijks en tekent de uren af.",
    "school_trainer": "Beoordeelt samen met het instituut.",
    "institute_supervisor": "Bewaakt de leerdoelen.",
}


def agreement_url(cast: Any) -> str:
    return reverse("supervision:agreement", args=[cast.environment.pk])


def test_coordinator_writes_the_agreement_and_everyone_on_a_placement_reads_it(
    cast: Any, client: Client
) -> None:
    client.force_login(cast.coordinator)
    assert client.get(agreement_url(cast)).status_code == 200
    response = client.post(agreement_url(cast), TEXTS)
    assert response.status_code == 302
    agreement = ResponsibilityAgreement.objects.get(environment=cast.environment)
    assert agreement.practice_supervisor == TEXTS["practice_supervisor"]

    client.force_login(cast.student)
    html = client.get(reverse("supervision:placement", args=[cast.placement.pk])).content.decode()
    for text in TEXTS.values():
        assert text in html
    assert agreement_url(cast) not in html


def test_saving_again_changes_the_one_agreement(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    client.post(agreement_url(cast), TEXTS)
    client.post(agreement_url(cast), {**TEXTS, "school_trainer": ""})
    agreement = ResponsibilityAgreement.objects.get(environment=cast.environment)
    assert agreement.school_trainer == ""
    assert [label for label, _ in agreement.by_role()] == [
        SupervisionRole.PRACTICE.label,
        SupervisionRole.INSTITUTE.label,
    ]


def test_environment_in_the_data_is_ignored(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    client.post(agreement_url(cast), {**TEXTS, "environment": cast.other_environment.pk})
    assert ResponsibilityAgreement.objects.get().environment == cast.environment


@pytest.mark.parametrize(
    "bad",
    [{"practice_supervisor": "x" * 2001}, {"school_trainer": "Zo\x00"}],
)
def test_bad_input_is_refused(bad: dict[str, str], cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    response = client.post(agreement_url(cast), {**TEXTS, **bad})
    assert response.status_code == 422
    assert set(bad) <= set(response.context["form"].errors)
    assert not ResponsibilityAgreement.objects.exists()


def test_text_is_escaped(cast: Any, client: Client) -> None:
    client.force_login(cast.coordinator)
    client.post(agreement_url(cast), {**TEXTS, "practice_supervisor": "<b hx-get='/x'>Hoi</b>"})
    html = client.get(reverse("supervision:placement", args=[cast.placement.pk])).content.decode()
    assert "&lt;b hx-get=&#x27;/x&#x27;&gt;Hoi&lt;/b&gt;" in html


def test_no_agreement_yet(cast: Any, client: Client) -> None:
    client.force_login(cast.student)
    response = client.get(reverse("supervision:placement", args=[cast.placement.pk]))
    assert response.context["agreement"] is None


@pytest.mark.parametrize(
    ("role", "status"),
    [("student", 403), ("supervisor", 403), ("bystander", 403), ("outsider", 404)],
)
def test_only_coordinators_write(role: str, status: int, cast: Any, client: Client) -> None:
    client.force_login(getattr(cast, role))
    assert client.post(agreement_url(cast), TEXTS).status_code == status
    assert not ResponsibilityAgreement.objects.exists()
