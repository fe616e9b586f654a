"""Open redirects: every ``next`` parameter stays on this site.

The places that follow a ``next`` (found with ``grep -rn '"next"'``): allauth's
login, logout and re-authentication, the language switch, the answer to a session
invitation and a response to a reflection. Each is tried with addresses that
browsers read as another site. The project's own views read it through one helper
(``ulvo.lib.http.safe_next``), which also refuses what is not a path at all: given
``0`` or ``NaN``, ``redirect()`` raised NoReverseMatch after the change was saved
(a 500), and given a URL name such as ``account_logout`` it followed it.
"""

from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learning_networks.models import Attendance
from tests.accounts.factories import PASSWORD
from ulvo.lib.http import safe_next

OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    "http://testserver@evil.example/",
    "/%09/evil.example",
    "\t//evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://testserver.evil.example/",
]


# Values that are not a path on this site; the views fall back to their own target.
NOT_A_PATH = [
    "0",
    "NaN",
    "account_logout",
    "//evil.example",
    "https://evil.example",
    "/\\evil",
    "/\t/evil.example",
    " /placements/",
]


def stays_on_site(response: Any) -> None:
    assert response.status_code in (301, 302, 303), response.status_code
    # Read it as a browser does: tabs and newlines dropped, backslashes as slashes.
    location = response["Location"]
    for character in "\t\n\r":
        location = location.replace(character, "")
    location = location.strip().replace("\\", "/")
    parts = urlsplit(location)
    assert parts.scheme in ("", "http", "https"), location
    assert parts.netloc in ("", "testserver"), location
    assert location.startswith("/") or parts.netloc == "testserver", location
    assert not location.startswith("//"), location


@pytest.mark.parametrize("target", OFF_SITE)
def test_login(cast: Any, client: Client, target: str) -> None:
    url = reverse("account_login") + "?" + urlencode({"next": target})

    response = client.post(url, {"login": cast.student.email, "password": PASSWORD})

    stays_on_site(response)
    assert client.session.get("_auth_user_id") == str(cast.student.pk)


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_form_field(cast: Any, client: Client, target: str) -> None:
    response = client.post(
        reverse("account_login"),
        {"login": cast.student.email, "password": PASSWORD, "next": target},
    )

    stays_on_site(response)


@pytest.mark.parametrize("target", OFF_SITE)
def test_logout(cast: Any, login: Any, target: str) -> None:
    response = login(cast.student).post(reverse("account_logout"), {"next": target})

    stays_on_site(response)


@pytest.mark.parametrize("target", OFF_SITE)
def test_reauthentication(cast: Any, login: Any, target: str) -> None:
    url = reverse("account_reauthenticate") + "?" + urlencode({"next": target})

    response = login(cast.student).post(url, {"password": PASSWORD})

    stays_on_site(response)


@pytest.mark.parametrize("target", OFF_SITE)
def test_language_switch(cast: Any, client: Client, login: Any, target: str) -> None:
    for browser in (client, login(cast.student)):
        response = browser.post(reverse("accounts:language"), {"language": "en", "next": target})
        stays_on_site(response)


@pytest.mark.parametrize("target", OFF_SITE)
def test_session_answer(cast: Any, login: Any, target: str) -> None:
    client = login(cast.student)

    response = client.post(
        reverse("learning_networks:session_answer", args=[cast.session.pk]),
        {"answer": "yes", "next": target},
    )

    stays_on_site(response)
    assert Attendance.objects.get(session=cast.session, user=cast.student).answer == "yes"


@pytest.mark.parametrize("target", OFF_SITE)
def test_reflection_response(cast: Any, login: Any, target: str) -> None:
    from reflections.models import Reflection
    from reflections.services import reflection_save

    reflection = reflection_save(
        reflection=Reflection(
            author=cast.student,
            environment=cast.environment,
            placement=cast.placement,
            text="Vandaag samen met de buurtwerker een ouderavond voorbereid.",
            visibility="supervisors",
            created_at=timezone.now(),
        ),
        publish=True,
    )
    client = login(cast.supervisor)
    url = reverse("reflections:feedback_add", args=[reflection.pk])

    response = client.post(url + "?" + urlencode({"next": target}), {"text": "Goed gedaan."})

    stays_on_site(response)
    response = client.post(url, {"text": "Nog een reactie.", "next": target})
    stays_on_site(response)


def test_a_page_on_this_site_is_followed(cast: Any, client: Client) -> None:
    """The checks above must not pass by ignoring every ``next``."""
    target = reverse("placements:list")
    response = client.post(
        reverse("account_login") + "?" + urlencode({"next": target}),
        {"login": cast.student.email, "password": PASSWORD},
    )
    assert response["Location"] == target
    response = client.post(reverse("accounts:language"), {"language": "nl", "next": target})
    assert response["Location"] == target


@pytest.mark.parametrize("location", ["//evil.example/", "/\\evil.example", "https://evil.example"])
def test_the_check_catches_an_off_site_location(location: str) -> None:
    from django.http import HttpResponseRedirect

    response = HttpResponseRedirect("/")
    response["Location"] = location
    with pytest.raises(AssertionError):
        stays_on_site(response)


@pytest.mark.parametrize("target", OFF_SITE[:4])
def test_login_with_two_factor(cast: Any, client: Client, target: str) -> None:
    """The ``next`` survives the code step, and is still checked after it."""
    from tests.accounts.test_journey_coordinator_invites import totp_code

    url = reverse("account_login") + "?" + urlencode({"next": target})
    response = client.post(url, {"login": cast.coordinator.email, "password": PASSWORD})
    assert response["Location"].startswith(reverse("mfa_authenticate"))

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(cast.coordinator)})

    stays_on_site(response)
    assert client.session.get("_auth_user_id") == str(cast.coordinator.pk)


@pytest.mark.parametrize("target", NOT_A_PATH)
def test_session_answer_falls_back(cast: Any, login: Any, target: str) -> None:
    client = login(cast.student)
    url = reverse("learning_networks:session_answer", args=[cast.session.pk])

    response = client.post(url, {"answer": "yes", "next": target})

    assert response.status_code == 302
    assert response["Location"] == cast.session.get_absolute_url() + "#answer"
    assert Attendance.objects.get(session=cast.session, user=cast.student).answer == "yes"


@pytest.mark.parametrize("target", NOT_A_PATH)
def test_reflection_response_falls_back(cast: Any, login: Any, target: str) -> None:
    from reflections.models import Reflection, ReflectionFeedback, Visibility

    reflection = Reflection.objects.create(
        author=cast.student,
        environment=cast.environment,
        placement=cast.placement,
        text="Vandaag samen met de buurtwerker een ouderavond voorbereid.",
        visibility=Visibility.SUPERVISORS,
        published_at=timezone.now(),
    )
    client = login(cast.supervisor)
    url = reverse("reflections:feedback_add", args=[reflection.pk])

    by_query = client.post(url + "?" + urlencode({"next": target}), {"text": "Goed gedaan."})
    by_field = client.post(url, {"text": "Nog een reactie.", "next": target})

    for response in (by_query, by_field):
        assert response.status_code == 302
        assert response["Location"] == reflection.get_absolute_url()
    assert ReflectionFeedback.objects.filter(reflection=reflection).count() == 2
    # A form with errors does not carry the value on either.
    response = client.post(url, {"text": "", "next": target})
    assert response.status_code == 422
    assert response.context["next"] == ""


@pytest.mark.parametrize("target", NOT_A_PATH)
def test_language_switch_falls_back(cast: Any, login: Any, target: str) -> None:
    from accounts.models import User

    client = login(cast.student)

    response = client.post(reverse("accounts:language"), {"language": "en", "next": target})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert User.objects.get(pk=cast.student.pk).language == "en"


def test_safe_next_keeps_a_local_path(rf: Any) -> None:
    local = "/plaatsingen/3/?week=2026-03-02#week"
    assert safe_next(rf.post("/", {"next": local}), default="/") == local
    assert safe_next(rf.get("/", {"next": local}), default="/") == local
    assert safe_next(rf.post("/?next=/a/", {"next": "/b/"}), default="/") == "/b/"
    for target in [*NOT_A_PATH, ""]:
        assert safe_next(rf.post("/", {"next": target}), default="/terug/") == "/terug/", target
    for target in OFF_SITE:
        # "/%09/evil.example" is a path here (the tab stays encoded); the rest are not.
        assert safe_next(rf.post("/", {"next": target}), default="/terug/") in (
            "/terug/",
            "/%09/evil.example",
        ), target
