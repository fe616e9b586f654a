"""Messages after an htmx request: one mechanism (``HtmxMessagesMiddleware``), so each
message reaches the page exactly once, and none is lost when htmx swaps nothing in."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.test import Client, override_settings
from django.urls import include, path, reverse
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from tests.reflections.factories import ReflectionFactory
from tests.supervision.test_assignments import practice_data
from tests.supervision.test_meeting_notes import add_url, note_data
from tests.supervision.test_time_log import log_url, time_data

HTMX = {"HX-Request": "true"}
MESSAGES = re.compile(r'<div id="messages"([^>]*)>(.*?)</div>', re.DOTALL)
ARTICLE = re.compile(r'<article class="message message-\w+">(.*?)</article>', re.DOTALL)


def shown(response: HttpResponse) -> list[tuple[bool, list[str]]]:
    """Every ``#messages`` element of the response: (out of band?, its messages)."""
    return [
        ("data-hx-swap-oob" in attributes, ARTICLE.findall(body))
        for attributes, body in MESSAGES.findall(response.content.decode())
    ]


# --- The pages whose fragments used to carry their own copy ------------------------------

# (who, where the fragment is posted, what is posted, the page it belongs to)
Fragment = tuple[str, Callable[[Any], str], Callable[[Any], dict[str, Any]], Callable[[Any], str]]
FRAGMENTS: dict[str, Fragment] = {
    "time log": (
        "supervisor",
        log_url,
        time_data,
        log_url,
    ),
    "supervisor added": (
        "coordinator",
        lambda cast: reverse("supervision:placement", args=[cast.placement.pk]),
        practice_data,
        lambda cast: reverse("supervision:placement", args=[cast.placement.pk]),
    ),
    "meeting notes": (
        "supervisor",
        add_url,
        lambda cast: note_data(),
        lambda cast: reverse("supervision:placement", args=[cast.placement.pk]),
    ),
    "network member": (
        "supervisor",
        lambda cast: reverse("learning_networks:members", args=[cast.network.pk]),
        lambda cast: {"user": cast.bystander.pk},
        lambda cast: reverse("learning_networks:members", args=[cast.network.pk]),
    ),
}


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_an_htmx_post_brings_its_message_once_and_no_later_response_repeats_it(
    cast: Any, client: Client, fragment: str
) -> None:
    who, url, data, page = FRAGMENTS[fragment]
    client.force_login(getattr(cast, who))

    response = client.post(url(cast), data(cast), headers=HTMX)

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    [(out_of_band, texts)] = shown(response)
    assert out_of_band and len(texts) == 1
    later = client.get(page(cast))
    assert shown(later) == [(False, [])]
    assert texts[0] not in later.content.decode()


def test_the_reflection_thread_leaves_messages_to_the_middleware(cast: Any, client: Client) -> None:
    """Its htmx response adds no message: a waiting one comes along once."""
    reflection = ReflectionFactory(author=cast.student, environment=cast.environment)
    url = reverse("reflections:feedback_add", args=[reflection.pk])
    client.force_login(cast.supervisor)
    client.post(url, {"text": "Mooi beschreven."})  # a full-page post: a message, a redirect

    response = client.post(url, {"text": "En nog een vraag."}, headers=HTMX)

    assert response.status_code == 200
    [(out_of_band, texts)] = shown(response)
    assert out_of_band and len(texts) == 1
    assert shown(client.get(reflection.get_absolute_url())) == [(False, [])]


# --- What htmx does not swap keeps its messages --------------------------------------------


def quiet(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<p>nothing to say</p>")


def answer(request: HttpRequest, kind: str) -> HttpResponse:
    messages.success(request, "Opgeslagen!")
    if kind == "redirect":
        return HttpResponseClientRedirect("/")
    if kind == "refresh":
        return HttpResponseClientRefresh()
    if kind == "page":
        return render(request, "base.html")
    return HttpResponse("<p>fragment</p>", status=int(kind))


urlpatterns = [
    path("answer/<str:kind>/", answer),
    path("quiet/", quiet),
    path("", include("ulvo.urls")),
]


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("kind", ["200", "422"])
def test_a_swapped_response_carries_the_message(cast: Any, login: Any, kind: str) -> None:
    client = login(cast.student)

    response = client.get(f"/answer/{kind}/", headers=HTMX)

    assert shown(response) == [(True, ["Opgeslagen!"])]
    assert shown(client.get("/")) == [(False, [])]


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("kind", ["204", "403", "500", "redirect", "refresh"])
def test_a_response_htmx_does_not_swap_leaves_the_message_for_the_next_page(
    cast: Any, login: Any, kind: str
) -> None:
    client = login(cast.student)
    client.raise_request_exception = False

    response = client.get(f"/answer/{kind}/", headers=HTMX)

    assert "Opgeslagen!" not in response.content.decode()
    assert shown(client.get("/")) == [(False, ["Opgeslagen!"])]


@override_settings(ROOT_URLCONF=__name__)
def test_a_full_page_asked_for_by_htmx_shows_the_message_once(cast: Any, login: Any) -> None:
    client = login(cast.student)

    response = client.get("/answer/page/", headers=HTMX)

    assert shown(response) == [(False, ["Opgeslagen!"])]
    assert shown(client.get("/")) == [(False, [])]


@override_settings(ROOT_URLCONF=__name__)
def test_a_swap_without_messages_clears_the_earlier_ones(cast: Any, login: Any) -> None:
    """Messages belong to the response that caused them: the next action's response
    empties #messages, so an old "saved" does not stand above a new result (#20)."""
    client = login(cast.student)

    response = client.get("/quiet/", headers=HTMX)

    assert shown(response) == [(True, [])]


@override_settings(ROOT_URLCONF=__name__)
def test_the_pages_own_background_requests_leave_messages_alone(cast: Any, login: Any) -> None:
    """Polling, autosave and read receipts send X-Ulvo-Background: they neither clear
    what the user is reading nor take a queued message away from the next page."""
    client = login(cast.student)

    quiet = client.get("/quiet/", headers={**HTMX, "X-Ulvo-Background": "1"})
    loud = client.get("/answer/200/", headers={**HTMX, "X-Ulvo-Background": "1"})

    assert shown(quiet) == [] and shown(loud) == []
    assert shown(client.get("/")) == [(False, ["Opgeslagen!"])]


def test_every_background_request_in_the_templates_says_so() -> None:
    """An element that fires by itself (polling "every …", "load") carries the header;
    so does the reflection's autosave, which the user does not ask for either."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    for template in root.rglob("*.html"):
        for tag in re.findall(r"<[^>]*hx-trigger=\"[^\"]*\"[^>]*>", template.read_text()):
            trigger = re.search(r'hx-trigger="([^"]*)"', tag)
            assert trigger is not None
            if re.search(r"\b(every|load)\b", trigger.group(1)) or "autosave" in tag:
                assert "X-Ulvo-Background" in tag, (template.name, tag[:120])
