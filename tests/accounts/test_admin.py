"""The management site at /beheer/: staff only, behind allauth's login and two-factor."""

from typing import Any

import pytest
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import User
from environments.models import (
    LearningEnvironment,
    Organisation,
    OrganisationKind,
    OrganisationSubtype,
)
from tests.accounts.factories import UserFactory
from tests.accounts.steps import activate_totp
from tests.environments.factories import RegionFactory

PROJECT_APPS = {"accounts", "environments"}


@pytest.fixture
def superuser(db: None) -> User:
    user = UserFactory(email="beheer@example.org", is_staff=True, is_superuser=True)
    activate_totp(user)
    return user


@pytest.fixture
def admin_client(client: Client, superuser: User) -> Client:
    client.force_login(superuser)
    return client


def project_models() -> list[type[models.Model]]:
    return sorted(
        (model for model in admin.site._registry if model._meta.app_label in PROJECT_APPS),
        key=lambda model: model._meta.label,
    )


def admin_url(model: type[models.Model], page: str) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}")


# --- Who gets in ---------------------------------------------------------------------


def test_anonymous_admin_login_goes_through_allauth(client: Client, db: None) -> None:
    admin_login = reverse("admin:login")

    response = client.get(admin_login)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?{urlencode({'next': admin_login})}"


def test_anonymous_admin_index_ends_at_allauth_login(client: Client, db: None) -> None:
    response = client.get(reverse("admin:index"), follow=True)

    login_with_next = f"{reverse('account_login')}?{urlencode({'next': reverse('admin:index')})}"
    assert response.redirect_chain[-1][0] == login_with_next
    assert "account/login.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("role", ["student", "coordinator"])
def test_non_staff_is_denied(client: Client, cast: Any, role: str) -> None:
    client.force_login(getattr(cast, role))

    assert client.get(reverse("admin:login")).status_code == 403
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    response = client.get(admin_url(User, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_totp_is_sent_to_set_it_up(client: Client, db: None) -> None:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_superuser_sees_the_index(admin_client: Client) -> None:
    response = admin_client.get(reverse("admin:index"))

    assert response.status_code == 200
    html = response.content.decode()
    for model in project_models():
        assert admin_url(model, "changelist") in html


def test_every_project_model_is_registered() -> None:
    labels = {model._meta.label for model in project_models()}

    assert {
        "accounts.User",
        "accounts.Membership",
        "accounts.Invitation",
        "environments.Organisation",
        "environments.LearningEnvironment",
    } <= labels


@pytest.mark.parametrize("page", ["changelist", "add"])
@pytest.mark.parametrize("model", project_models(), ids=lambda model: model._meta.label_lower)
def test_superuser_opens_every_page(
    admin_client: Client, cast: Any, model: type[models.Model], page: str
) -> None:
    response = admin_client.get(admin_url(model, page))

    assert response.status_code == 200


def test_superuser_opens_every_change_page(admin_client: Client, cast: Any) -> None:
    for model in project_models():
        instance = model._default_manager.first()
        if instance is None:
            continue
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
            args=[instance.pk],
        )
        assert admin_client.get(url).status_code == 200, url


# --- Forms reject bad input ------------------------------------------------------------


def organisation_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "region": RegionFactory().pk,
        "name": "Sportvereniging De Meern",
        "kind": OrganisationKind.NEIGHBOURHOOD,
        "subtype": OrganisationSubtype.SPORT,
    }
    data.update(overrides)
    return data


def test_organisation_add_works(admin_client: Client) -> None:
    response = admin_client.post(admin_url(Organisation, "add"), organisation_data())

    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.kind == OrganisationKind.NEIGHBOURHOOD
    assert organisation.subtype == OrganisationSubtype.SPORT


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"kind": OrganisationKind.SCHOOL}, id="subtype-of-another-kind"),
        pytest.param({"name": "x" * 151}, id="overlong-name"),
        pytest.param({"name": "Sport\x00club"}, id="nul-in-name"),
        pytest.param({"name": ""}, id="empty-name"),
        pytest.param({"subtype": "golf"}, id="unknown-subtype"),
    ],
)
def test_organisation_add_rejects_bad_input(
    admin_client: Client, overrides: dict[str, Any]
) -> None:
    response = admin_client.post(admin_url(Organisation, "add"), organisation_data(**overrides))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Organisation.objects.exists()


def test_organisation_with_mismatched_subtype_shows_the_error(admin_client: Client) -> None:
    response = admin_client.post(
        admin_url(Organisation, "add"), organisation_data(kind=OrganisationKind.SCHOOL)
    )

    # The mismatch is reported at the subtype field, before the database constraint.
    errors = response.context["adminform"].form.errors
    assert "subtype" in errors
    assert str(errors["subtype"][0]) in response.content.decode()
    assert not Organisation.objects.exists()


def environment_data(admin_client: Client, **overrides: Any) -> dict[str, Any]:
    """A valid add form, with the management forms of its inlines."""
    response = admin_client.get(admin_url(LearningEnvironment, "add"))
    data: dict[str, Any] = {
        "region": RegionFactory().pk,
        "name": "Overvecht",
        "neighbourhood": "Overvecht",
        "school_year": "2026-2027",
        "holiday_region": "midden",
    }
    for inline in response.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def test_environment_add_works(admin_client: Client) -> None:
    response = admin_client.post(
        admin_url(LearningEnvironment, "add"), environment_data(admin_client)
    )

    assert response.status_code == 302
    assert LearningEnvironment.objects.get().school_year == "2026-2027"


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"school_year": "2026"}, id="school-year-without-end"),
        pytest.param({"school_year": "26-27"}, id="school-year-short"),
        pytest.param({"name": "x" * 151}, id="overlong-name"),
        pytest.param({"name": "Over\x00vecht"}, id="nul-in-name"),
        pytest.param({"neighbourhood": "x" * 10_000}, id="huge-neighbourhood"),
    ],
)
def test_environment_add_rejects_bad_input(admin_client: Client, overrides: dict[str, Any]) -> None:
    data = environment_data(admin_client, **overrides)

    response = admin_client.post(admin_url(LearningEnvironment, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not LearningEnvironment.objects.exists()
