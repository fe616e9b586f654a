"""The reflection pages: list, write, autosave, detail, feedback and read receipts."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from reflections.models import (
    MAX_TEXT,
    Reflection,
    ReflectionFeedback,
    ReflectionRead,
    TArm,
    Visibility,
)
from reflections.views import text_digest
from tests.placements.factories import ActivityEntryFactory, PlacementFactory
from tests.reflections.factories import ReflectionFactory

HTMX = {"HX-Request": "true"}
XSS = '<img src=x onerror=alert(1)> <div hx-get="/x">klik</div>'


def reflection_data(cast: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "text": "Ik zag hoe de buurtwerker het gesprek met ouders opende.",
        "mechanisms": ["identification", "reflection"],
        "t_arm": TArm.CONNECTING,
        "disciplines": ["social_work", "teacher"],
        "visibility": Visibility.SUPERVISORS,
        "placement": cast.placement.pk,
        "action": "publish",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def shared(cast: Any, **kwargs: Any) -> Reflection:
    return ReflectionFactory(author=cast.student, environment=cast.environment, **kwargs)


def snapshot() -> list[tuple[Any, ...]]:
    return sorted(Reflection.objects.values_list(), key=str) + sorted(
        ReflectionFeedback.objects.values_list(), key=str
    )


# --- Writing ---------------------------------------------------------------------------


def test_student_writes_and_shares_a_reflection(cast: Any, login: Any) -> None:
    client = login(cast.student)

    response = client.post(reverse("reflections:create"), reflection_data(cast))

    reflection = Reflection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reflection.get_absolute_url()
    assert reflection.author == cast.student
    assert reflection.environment == cast.environment
    assert reflection.placement == cast.placement
    assert reflection.shows_identification and reflection.shows_reflection
    assert not reflection.shows_coordination and not reflection.shows_transformation
    assert reflection.disciplines == ["social_work", "teacher"]
    assert reflection.visibility == Visibility.SUPERVISORS
    assert reflection.published_at is not None


def test_save_draft_keeps_it_a_draft(cast: Any, login: Any) -> None:
    login(cast.student).post(reverse("reflections:create"), reflection_data(cast, action="draft"))

    assert Reflection.objects.get().is_draft


def test_the_environment_follows_from_an_activity(cast: Any, login: Any) -> None:
    entry = ActivityEntryFactory(placement=cast.placement)

    login(cast.student).post(
        reverse("reflections:create"),
        reflection_data(cast, placement=None, activity=entry.pk),
    )

    reflection = Reflection.objects.get()
    assert (reflection.activity, reflection.placement) == (entry, cast.placement)
    assert reflection.environment == cast.environment


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "x" * (MAX_TEXT + 1)}, "text"),
        ({"text": "nul\x00byte"}, "text"),
        ({"visibility": "everyone"}, "visibility"),
        ({"t_arm": "sideways"}, "t_arm"),
        ({"mechanisms": ["telepathy"]}, "mechanisms"),
        ({"disciplines": ["astrology"]}, "disciplines"),
        ({"placement": "abc"}, "placement"),
    ],
)
def test_bad_input_is_refused_at_the_field(
    cast: Any, login: Any, overrides: dict[str, Any], field: str
) -> None:
    response = login(cast.student).post(
        reverse("reflections:create"), reflection_data(cast, **overrides)
    )

    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert not Reflection.objects.exists()


def test_another_students_placement_session_or_activity_is_refused(cast: Any, login: Any) -> None:
    other = PlacementFactory(environment=cast.environment, programme=cast.pabo)
    entry = ActivityEntryFactory(placement=other)
    client = login(cast.student)

    for overrides, field in (
        ({"placement": other.pk}, "placement"),
        ({"placement": None, "activity": entry.pk}, "activity"),
        ({"placement": None, "session": cast.session.pk}, "session"),  # not begun yet
    ):
        response = client.post(reverse("reflections:create"), reflection_data(cast, **overrides))
        assert response.status_code == 422
        assert response.context["form"].errors[field]
    assert not Reflection.objects.exists()


def test_a_link_to_another_environment_than_chosen_is_refused(cast: Any, login: Any) -> None:
    from accounts.models import Role
    from tests.accounts.factories import MembershipFactory

    MembershipFactory(
        user=cast.student,
        environment=cast.other_environment,
        role=Role.STUDENT,
        programme=cast.social_work,
    )
    response = login(cast.student).post(
        reverse("reflections:create"),
        reflection_data(cast, environment=cast.other_environment.pk),
    )

    assert response.status_code == 422
    assert response.context["form"].errors["environment"]
    assert not Reflection.objects.exists()


def test_mass_assignment_is_ignored(cast: Any, login: Any) -> None:
    login(cast.student).post(
        reverse("reflections:create"),
        reflection_data(cast, author=cast.supervisor.pk, published_at="2020-01-01T00:00"),
    )

    reflection = Reflection.objects.get()
    assert reflection.author == cast.student
    assert reflection.published_at.year != 2020


def test_the_privacy_hint_warns_and_save_anyway_saves(cast: Any, login: Any) -> None:
    client = login(cast.student)
    text = "Vandaag hielp ik leerling Sam met lezen."

    response = client.post(reverse("reflections:create"), reflection_data(cast, text=text))

    assert response.status_code == 200
    assert not Reflection.objects.exists()
    content = response.content.decode()
    assert "Sam" in content and 'name="privacy_ok"' in content
    assert [f.text for f in response.context["findings"]] == ["Sam"]

    # A changed text is checked again ...
    response = client.post(
        reverse("reflections:create"),
        reflection_data(cast, text=text + " En leerling Noor.", privacy_ok=text_digest(text)),
    )
    assert response.status_code == 200 and response.context["privacy_check"]
    assert not Reflection.objects.exists()

    # ... the confirmed one is saved.
    response = client.post(
        reverse("reflections:create"),
        reflection_data(cast, text=text, privacy_ok=text_digest(text)),
    )
    assert response.status_code == 302
    assert Reflection.objects.get().text == text


def test_wrong_method_and_anonymous(cast: Any, client: Client) -> None:
    response = client.get(reverse("reflections:create"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

    client.force_login(cast.student)
    assert client.put(reverse("reflections:create")).status_code == 405
    assert client.get(reverse("reflections:autosave")).status_code == 405
    reflection = shared(cast)
    assert client.get(reverse("reflections:feedback_add", args=[reflection.pk])).status_code == 405
    assert client.get(reverse("reflections:mark_read", args=[reflection.pk])).status_code == 405


# --- Autosave --------------------------------------------------------------------------


def test_autosave_creates_then_updates_one_draft(cast: Any, login: Any) -> None:
    client = login(cast.student)
    url = reverse("reflections:autosave")

    first = client.post(url, reflection_data(cast, text="Eerste zin."), headers=HTMX)

    draft = Reflection.objects.get()
    assert first.status_code == 200
    assert draft.is_draft and draft.text == "Eerste zin."
    content = first.content.decode()
    assert 'id="autosave-status"' in content and "<html" not in content
    assert f'value="{draft.pk}"' in content and 'hx-swap-oob="true"' in content

    client.post(
        url, reflection_data(cast, text="Eerste zin. Tweede zin.", draft=draft.pk), headers=HTMX
    )

    assert Reflection.objects.get().text == "Eerste zin. Tweede zin."


def test_autosave_shows_the_privacy_hint_live(cast: Any, login: Any) -> None:
    response = login(cast.student).post(
        reverse("reflections:autosave"),
        reflection_data(cast, text="Het meisje Fatima, tel 06-12345678."),
        headers=HTMX,
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Fatima" in content and "06-12345678" in content
    assert Reflection.objects.get().is_draft


def test_autosave_with_nothing_written_saves_nothing(cast: Any, login: Any) -> None:
    response = login(cast.student).post(
        reverse("reflections:autosave"), reflection_data(cast, text=""), headers=HTMX
    )

    assert response.status_code == 200
    assert not Reflection.objects.exists()


def test_autosave_of_bad_input_is_422_and_saves_nothing(cast: Any, login: Any) -> None:
    response = login(cast.student).post(
        reverse("reflections:autosave"), reflection_data(cast, visibility="all"), headers=HTMX
    )

    assert response.status_code == 422
    assert not Reflection.objects.exists()


def test_autosave_never_touches_a_shared_or_someone_elses_reflection(cast: Any, login: Any) -> None:
    mine = shared(cast, text="Gedeelde tekst")
    theirs = ReflectionFactory(
        author=cast.supervisor, environment=cast.environment, published_at=None, text="Van Bram"
    )
    client = login(cast.student)

    client.post(
        reverse("reflections:autosave"),
        reflection_data(cast, text="Overschreven", draft=mine.pk),
        headers=HTMX,
    )
    client.post(
        reverse("reflections:autosave"),
        reflection_data(cast, text="Overschreven", draft=theirs.pk),
        headers=HTMX,
    )

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.text == "Gedeelde tekst" and theirs.text == "Van Bram"
    # The second post made a new draft of the student's own, nothing else.
    assert Reflection.objects.filter(author=cast.student).count() == 2


# --- Editing ---------------------------------------------------------------------------


def test_edit_is_for_the_author_only(cast: Any, peer: Any, client: Client) -> None:
    reflection = shared(cast, visibility=Visibility.NETWORK)
    url = reverse("reflections:edit", args=[reflection.pk])
    for user, status in (
        (cast.student, 200),
        (cast.supervisor, 403),
        (peer, 403),
        (cast.bystander, 404),
        (cast.coordinator, 404),
        (cast.outsider, 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_making_it_private_hides_it_at_once(cast: Any, client: Client) -> None:
    reflection = shared(cast)
    detail = reverse("reflections:detail", args=[reflection.pk])
    client.force_login(cast.supervisor)
    assert client.get(detail).status_code == 200

    client.force_login(cast.student)
    response = client.post(
        reverse("reflections:edit", args=[reflection.pk]),
        reflection_data(cast, text=reflection.text, visibility="private", action="draft"),
    )
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert reflection.visibility == Visibility.PRIVATE and not reflection.is_draft

    client.force_login(cast.supervisor)
    assert client.get(detail).status_code == 404
    assert reflection.text not in client.get(reverse("reflections:list")).content.decode()


def test_unpublish_makes_it_a_draft(cast: Any, login: Any) -> None:
    reflection = shared(cast)

    login(cast.student).post(
        reverse("reflections:edit", args=[reflection.pk]),
        reflection_data(cast, text=reflection.text, action="unpublish"),
    )

    reflection.refresh_from_db()
    assert reflection.is_draft


def test_delete_is_for_the_author(cast: Any, client: Client) -> None:
    reflection = shared(cast)
    url = reverse("reflections:delete", args=[reflection.pk])

    client.force_login(cast.supervisor)
    assert client.post(url).status_code == 403
    client.force_login(cast.student)
    assert client.post(url).status_code == 302
    assert not Reflection.objects.exists()


# --- Reading, feedback and read receipts --------------------------------------------


def test_text_is_shown_escaped(cast: Any, login: Any) -> None:
    reflection = shared(cast, text=XSS)
    ReflectionFeedback.objects.create(reflection=reflection, author=cast.supervisor, text=XSS)

    for user in (cast.student, cast.supervisor):
        content = login(user).get(reverse("reflections:detail", args=[reflection.pk])).content
        html = content.decode()
        assert "<img src=x" not in html and '<div hx-get="/x">' not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "&lt;div hx-get=&quot;/x&quot;&gt;" in html
    listing = login(cast.student).get(reverse("reflections:list")).content.decode()
    assert "<img src=x" not in listing


def test_supervisor_reads_and_the_page_offers_to_mark_it_read(cast: Any, login: Any) -> None:
    reflection = shared(cast)

    response = login(cast.supervisor).get(reverse("reflections:detail", args=[reflection.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert reflection.text in content
    assert reverse("reflections:mark_read", args=[reflection.pk]) in content
    assert 'hx-trigger="load"' in content
    # Opening the page changes nothing: the receipt is a POST of its own.
    assert not ReflectionRead.objects.exists()


def test_mark_read_records_a_receipt_the_author_sees(cast: Any, client: Client) -> None:
    reflection = shared(cast)
    client.force_login(cast.supervisor)

    response = client.post(reverse("reflections:mark_read", args=[reflection.pk]), headers=HTMX)
    client.post(reverse("reflections:mark_read", args=[reflection.pk]))

    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert ReflectionRead.objects.filter(reflection=reflection, reader=cast.supervisor).count() == 1
    client.force_login(cast.student)
    content = client.get(reverse("reflections:detail", args=[reflection.pk])).content.decode()
    assert "Bram Schoolopleider" in content


def test_only_supervisors_leave_read_receipts(cast: Any, peer: Any, client: Client) -> None:
    reflection = shared(cast, visibility=Visibility.NETWORK)
    url = reverse("reflections:mark_read", args=[reflection.pk])
    for user, status in ((peer, 403), (cast.student, 403), (cast.bystander, 404)):
        client.force_login(user)
        assert client.post(url).status_code == status
    assert not ReflectionRead.objects.exists()


def test_a_network_member_reads_but_sees_no_thread(cast: Any, peer: Any, login: Any) -> None:
    reflection = shared(cast, visibility=Visibility.NETWORK)
    ReflectionFeedback.objects.create(
        reflection=reflection, author=cast.supervisor, text="Persoonlijke-reactie-123"
    )

    content = login(peer).get(reverse("reflections:detail", args=[reflection.pk])).content.decode()

    assert reflection.text in content
    assert "Persoonlijke-reactie-123" not in content


def test_supervisor_responds_full_page_and_goes_to_a_safe_next(cast: Any, login: Any) -> None:
    reflection = shared(cast)
    client = login(cast.supervisor)
    url = reverse("reflections:feedback_add", args=[reflection.pk])

    response = client.post(url, {"text": "Goed gezien!", "next": "/begeleiding/"})
    assert response.status_code == 302 and response["Location"] == "/begeleiding/"

    response = client.post(url, {"text": "Nog iets.", "next": "https://evil.example/"})
    assert response["Location"] == reflection.get_absolute_url()

    assert list(reflection.feedback.values_list("text", flat=True)) == ["Goed gezien!", "Nog iets."]
    assert Notification.objects.filter(recipient=cast.student).count() == 2


def test_supervisor_responds_with_htmx_and_gets_the_thread(cast: Any, login: Any) -> None:
    reflection = shared(cast)

    response = login(cast.supervisor).post(
        reverse("reflections:feedback_add", args=[reflection.pk]),
        {"text": "Mooie reflectie."},
        headers=HTMX,
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert f'id="thread-{reflection.pk}"' in content and "<html" not in content
    assert "Mooie reflectie." in content
    assert reflection.feedback.count() == 1


def test_empty_feedback_is_422_and_changes_nothing(cast: Any, login: Any) -> None:
    reflection = shared(cast)
    client = login(cast.supervisor)
    url = reverse("reflections:feedback_add", args=[reflection.pk])

    htmx = client.post(url, {"text": "  "}, headers=HTMX)
    full = client.post(url, {"text": "x" * 5000})

    assert htmx.status_code == 422 and full.status_code == 422
    assert 'id="thread-' in htmx.content.decode()
    assert not reflection.feedback.exists()
    assert not Notification.objects.exists()


def test_the_author_replies_in_their_own_thread(cast: Any, login: Any) -> None:
    reflection = shared(cast)

    response = login(cast.student).post(
        reverse("reflections:feedback_add", args=[reflection.pk]), {"text": "Dank je!"}
    )

    assert response.status_code == 302
    assert reflection.feedback.get().author == cast.student


@pytest.mark.parametrize("visibility", [Visibility.PRIVATE, Visibility.SUPERVISORS])
def test_feedback_on_a_reflection_one_may_not_see_is_404(
    cast: Any, client: Client, visibility: str
) -> None:
    private = shared(cast, visibility=Visibility.PRIVATE)
    draft = shared(cast, visibility=visibility, published_at=None)
    before = snapshot()
    for reflection in (private, draft):
        for user in (cast.supervisor, cast.bystander, cast.coordinator, cast.outsider):
            client.force_login(user)
            response = client.post(
                reverse("reflections:feedback_add", args=[reflection.pk]), {"text": "Hallo"}
            )
            assert response.status_code == 404
    assert snapshot() == before
    assert not Notification.objects.exists()


def test_network_members_may_read_but_not_respond(cast: Any, peer: Any, login: Any) -> None:
    reflection = shared(cast, visibility=Visibility.NETWORK)

    response = login(peer).post(
        reverse("reflections:feedback_add", args=[reflection.pk]), {"text": "Hallo"}
    )

    assert response.status_code == 403
    assert not reflection.feedback.exists()


# --- Lists -----------------------------------------------------------------------------


def test_list_shows_mine_and_what_is_shared_with_me(cast: Any, login: Any) -> None:
    draft = shared(cast, published_at=None, text="Mijn-concept-1")
    private = shared(cast, visibility=Visibility.PRIVATE, text="Mijn-prive-2")
    supervisors = shared(cast, text="Voor-begeleiders-3")

    mine = login(cast.student).get(reverse("reflections:list")).content.decode()
    theirs = login(cast.supervisor).get(reverse("reflections:list")).content.decode()

    assert all(r.text in mine for r in (draft, private, supervisors))
    assert supervisors.text in theirs
    assert draft.text not in theirs and private.text not in theirs


def test_coordinators_see_counts_only(cast: Any, login: Any) -> None:
    shared(cast, text="Geheim-voor-coordinator-A")
    shared(cast, visibility=Visibility.PRIVATE, text="Geheim-voor-coordinator-B")

    response = login(cast.coordinator).get(reverse("reflections:list"))

    content = response.content.decode()
    assert "Geheim-voor-coordinator" not in content
    (row,) = response.context["counts"]
    assert (row["total"], row["private"], row["supervisors"], row["network"]) == (2, 1, 1, 0)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_list_runs_a_constant_number_of_queries(cast: Any, client: Client) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            reflection = shared(cast, visibility=Visibility.NETWORK)
            ReflectionFeedback.objects.create(
                reflection=reflection, author=cast.supervisor, text="Top"
            )

    add(2)
    counts = {}
    for user in (cast.student, cast.supervisor, cast.coordinator):
        client.force_login(user)
        counts[user.pk] = _queries(client, reverse("reflections:list"))
    add(10)
    for user in (cast.student, cast.supervisor, cast.coordinator):
        client.force_login(user)
        assert _queries(client, reverse("reflections:list")) == counts[user.pk]


def test_the_detail_runs_a_constant_number_of_queries(cast: Any, client: Client) -> None:
    reflection = shared(cast)
    client.force_login(cast.student)
    url = reverse("reflections:detail", args=[reflection.pk])
    ReflectionFeedback.objects.create(reflection=reflection, author=cast.supervisor, text="1")
    ReflectionRead.objects.create(reflection=reflection, reader=cast.supervisor)
    few = _queries(client, url)
    for n in range(8):
        ReflectionFeedback.objects.create(reflection=reflection, author=cast.supervisor, text=n)

    assert _queries(client, url) == few
