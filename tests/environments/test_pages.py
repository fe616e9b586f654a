"""Home, environment page, language switch, error pages and htmx messages."""

from typing import Any

import pytest
from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse

from accounts.models import Role, User
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.environments.factories import LearningEnvironmentFactory, ProgrammeFactory


def test_home_lists_my_environments_with_my_roles_in_dutch(cast: Any, login: Any) -> None:
    MembershipFactory(
        user=cast.student,
        environment=cast.environment,
        role=Role.PRACTICE_SUPERVISOR,
        organisation=cast.school,
    )

    response = login(cast.student).get(reverse("home"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="nl"' in html
    assert "Mijn leeromgevingen" in html
    assert "Leidsche Rijn" in html
    assert "Vleuten/De Meern" not in html
    assert "student" in html and "praktijkopleider" in html
    assert "Social work" in html


def test_home_without_environments_explains_how_to_join(db: None, client: Client) -> None:
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert "Je hoort nog niet bij een leeromgeving" in response.content.decode()


def test_home_runs_a_constant_number_of_queries(cast: Any, login: Any) -> None:
    client = login(cast.student)
    client.get(reverse("home"))  # warm up session and caches

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for index in range(6):
        environment = LearningEnvironmentFactory(name=f"Extra {index}")
        environment.organisations.add(cast.institute)
        MembershipFactory(
            user=cast.student,
            environment=environment,
            role=Role.STUDENT,
            programme=ProgrammeFactory(institute=cast.institute),
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("home"))

    assert response.content.decode().count("Extra ") >= 6
    assert len(many) == len(few)


def test_coordinator_sees_members_and_invite_link(cast: Any, login: Any) -> None:
    response = login(cast.coordinator).get(
        reverse("accounts:environment", args=[cast.environment.pk])
    )

    html = response.content.decode()
    assert "Basisschool De Regenboog" in html
    assert "Sanne Student" in html
    assert reverse("accounts:invitation_list", args=[cast.environment.pk]) in html


def test_student_sees_counts_but_not_the_member_list(cast: Any, login: Any) -> None:
    response = login(cast.student).get(reverse("accounts:environment", args=[cast.environment.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Basisschool De Regenboog" in html
    assert "Bram Schoolopleider" not in html
    assert reverse("accounts:invitation_list", args=[cast.environment.pk]) not in html


def test_environment_page_query_count_does_not_grow(cast: Any, login: Any) -> None:
    client = login(cast.coordinator)
    url = reverse("accounts:environment", args=[cast.environment.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(10):
        MembershipFactory(
            user=UserFactory(full_name=f"Lid {index}"),
            environment=cast.environment,
            role=Role.STUDENT,
            programme=cast.social_work,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "Lid 9" in response.content.decode()
    assert len(many) == len(few)


def test_language_switch_to_english_is_remembered(cast: Any, login: Any) -> None:
    client = login(cast.student)

    response = client.post(reverse("accounts:language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    cast.student.refresh_from_db()
    assert cast.student.language == "en"
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en"' in html
    assert "My learning environments" in html


def test_language_switch_refuses_unknown_language_and_foreign_next(cast: Any, login: Any) -> None:
    client = login(cast.student)

    response = client.post(
        reverse("accounts:language"), {"language": "xx", "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("home")
    cast.student.refresh_from_db()
    assert cast.student.language == "nl"


def test_language_switch_rejects_get(cast: Any, login: Any) -> None:
    assert login(cast.student).get(reverse("accounts:language")).status_code == 405


def test_logging_in_applies_the_users_language(cast: Any, client: Client) -> None:
    User.objects.filter(pk=cast.student.pk).update(language="en")
    response = client.post(
        reverse("account_login"),
        {"login": cast.student.email, "password": "correct-horse-battery-42"},
    )
    assert response.status_code == 302
    assert response.cookies["ulvo_language"].value == "en"


@pytest.mark.parametrize(
    ("language", "text"), [("nl", "Pagina niet gevonden"), ("en", "Page not found")]
)
def test_friendly_404_in_both_languages(cast: Any, login: Any, language: str, text: str) -> None:
    client = login(cast.student)
    client.cookies["ulvo_language"] = language

    response = client.get("/bestaat-niet/")

    assert response.status_code == 404
    assert text in response.content.decode()


def test_outsider_gets_the_friendly_404_for_another_environment(cast: Any, login: Any) -> None:
    response = login(cast.outsider).get(reverse("accounts:environment", args=[cast.environment.pk]))
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()
    assert "Leidsche Rijn" not in response.content.decode()


def test_friendly_403(cast: Any, login: Any) -> None:
    response = login(cast.student).get(
        reverse("accounts:invitation_list", args=[cast.environment.pk])
    )
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


def with_message(request: HttpRequest) -> HttpResponse:
    messages.success(request, "Opgeslagen!")
    return HttpResponse("<p>fragment</p>")


urlpatterns = [path("boom/", boom), path("message/", with_message)]


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("language", "text"), [("nl", "Er ging iets mis"), ("en", "Something went wrong")]
)
def test_friendly_500_in_both_languages(cast: Any, login: Any, language: str, text: str) -> None:
    client = login(cast.student)
    client.raise_request_exception = False
    client.cookies["ulvo_language"] = language

    response = client.get("/boom/")

    assert response.status_code == 500
    assert text in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_htmx_responses_carry_messages_out_of_band(cast: Any, login: Any) -> None:
    client = login(cast.student)

    htmx = client.get("/message/", headers={"HX-Request": "true"})
    plain = client.get("/message/")

    assert 'id="messages"' in htmx.content.decode()
    assert 'hx-swap-oob="true"' in htmx.content.decode()
    assert "Opgeslagen!" in htmx.content.decode()
    assert "Opgeslagen!" not in plain.content.decode()


def test_base_layout_has_skip_link_csrf_header_and_csp_nonce(cast: Any, login: Any) -> None:
    response = login(cast.student).get(reverse("home"))
    html = response.content.decode()
    csp = response["Content-Security-Policy"]

    assert 'href="#main"' in html and 'id="main"' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert "htmx-2" in html
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in html
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "no-store" in response["Cache-Control"]


def test_navigation_shows_role_specific_links(cast: Any, login: Any) -> None:
    invitations = reverse("accounts:invitation_list", args=[cast.environment.pk])
    assert invitations in login(cast.coordinator).get(reverse("home")).content.decode()
    student_html = login(cast.student).get(reverse("home")).content.decode()
    assert invitations not in student_html
    assert reverse("admin:index") not in student_html
