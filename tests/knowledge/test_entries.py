"""Knowledge base (#18, part 1): writing an entry (also from a delivered practice
question), the Markdown rendered safely, review and publication in the region, consent
and the public pages, withdrawal."""

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from knowledge.markdown import render_markdown
from knowledge.models import Contributor, Entry, EntryStatus, Tag
from knowledge.services import contributor_consent_withdraw
from tests.knowledge.steps import consented, draft, in_review, public, published
from tests.practice.steps import delivered

pytestmark = pytest.mark.django_db


def entry_data(cast: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "good_practice",
        "title": "Het steunuur",
        "summary": "Een uur per week voor kleine vragen van leerlingen.",
        "body": "## Hoe\n\nElke woensdag, in het lokaal naast de gymzaal.",
        "tags": [Tag.objects.get(name="sociaal").pk],
        "organisations": [cast.school.pk],
        "contributors": [cast.student.pk],
    }
    data.update(overrides)
    return data


def test_a_core_team_member_turns_a_delivered_question_into_a_good_practice(
    cast: Any, client: Client
) -> None:
    question = delivered(cast)
    client.force_login(cast.supervisor)
    url = reverse("knowledge:create", args=[cast.environment.pk])
    form = client.get(f"{url}?vraagstuk={question.pk}")
    html = form.content.decode()
    assert form.status_code == 200
    assert question.title in html
    assert "Een plan met speelzones en muntjes." in html
    response = client.post(
        url,
        entry_data(cast, title=question.title, practice_questions=[question.pk]),
    )
    entry = Entry.objects.get(title=question.title)
    assert response.status_code == 302
    assert entry.status == EntryStatus.DRAFT
    assert entry.created_by == cast.supervisor
    assert list(entry.practice_questions.all()) == [question]
    assert set(entry.contributors.values_list("user_id", flat=True)) == {
        cast.supervisor.pk,
        cast.student.pk,
    }
    assert "<h2>Hoe</h2>" in entry.body_html


def test_students_do_not_write_entries(cast: Any, client: Client) -> None:
    client.force_login(cast.student)
    url = reverse("knowledge:create", args=[cast.environment.pk])
    assert client.post(url, entry_data(cast)).status_code == 403
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": ""},
        {"title": "x" * 201},
        {"summary": "a\x00b"},
        {"body": "x" * 20_001},
        {"kind": "secret"},
        {"contributors": [999_999]},
        {"tags": ["nope"]},
    ],
)
def test_bad_input_is_refused_with_422(cast: Any, client: Client, overrides: Any) -> None:
    client.force_login(cast.supervisor)
    url = reverse("knowledge:create", args=[cast.environment.pk])
    response = client.post(url, entry_data(cast, **overrides))
    assert response.status_code == 422
    assert not Entry.objects.exists()


def test_mass_assignment_of_status_and_public_is_ignored(cast: Any, client: Client) -> None:
    client.force_login(cast.supervisor)
    url = reverse("knowledge:create", args=[cast.environment.pk])
    client.post(
        url,
        entry_data(cast, status="published", is_public="on", environment=cast.other_environment.pk),
    )
    entry = Entry.objects.get()
    assert (entry.status, entry.is_public, entry.environment) == (
        EntryStatus.DRAFT,
        False,
        cast.environment,
    )


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[klik](javascript:alert(1))",
        '<a href="javascript:alert(1)">a</a>',
        '<div hx-get="/account/" hx-trigger="load">x</div>',
        '<p data-hx-on:click="alert(1)">x</p>',
        "[x](JaVaScRiPt:alert(1))",
        '<a href="/" style="position:fixed">x</a>',
        "![x](https://evil.example/pixel.png)",
    ],
)
def test_markdown_is_rendered_without_anything_executable(hostile: str) -> None:
    """What comes out has only the allowed elements and attributes (text that looks
    like HTML stays escaped text), and no link outside http(s) and mailto."""
    elements = Elements()
    elements.feed(render_markdown(f"Tekst {hostile} tekst"))
    for tag, attrs in elements.found:
        assert tag in {"p", "a", "strong", "em"}, tag
        for name, value in attrs:
            assert name in {"href", "rel", "title"}, name
            if name == "href":
                assert (value or "").startswith(("https:", "http:", "/")), value


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def test_huge_markdown_renders_quickly_and_bounded() -> None:
    html = render_markdown("*" * 20_000 + "[" * 5_000)
    assert len(html) < 200_000


def test_links_are_kept_with_rel_nofollow() -> None:
    html = render_markdown("[ULVO](https://ulvo.nl)")
    assert 'href="https://ulvo.nl"' in html
    assert "nofollow" in html


def test_drafts_are_read_by_contributors_coordinators_and_core_team_only(
    cast: Any, client: Client
) -> None:
    entry = draft(cast)
    url = reverse("knowledge:detail", args=[entry.pk])
    for user, status in [
        (cast.supervisor, 200),
        (cast.student, 200),
        (cast.coordinator, 200),
        (cast.bystander, 404),
        (cast.colleague, 404),
        (cast.outsider, 404),
        (cast.other_coordinator, 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_published_entries_are_read_in_the_whole_region(cast: Any, client: Client) -> None:
    entry = published(cast)
    client.force_login(cast.other_coordinator)
    response = client.get(reverse("knowledge:detail", args=[entry.pk]))
    assert response.status_code == 200
    assert "<strong>huiskamer</strong>" in response.content.decode()
    listed = client.get(reverse("knowledge:list")).content.decode()
    assert entry.title in listed


def test_the_review_workflow(cast: Any, client: Client) -> None:
    entry = draft(cast)
    step = reverse("knowledge:step", args=[entry.pk])
    client.force_login(cast.supervisor)
    # Only a coordinator publishes.
    assert client.post(step, {"action": "publish"}).status_code == 403
    client.post(step, {"action": "submit"})
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.IN_REVIEW
    client.force_login(cast.coordinator)
    client.post(step, {"action": "publish"})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PUBLISHED
    assert entry.reviewed_by == cast.coordinator
    # Pressed twice: refused, nothing changes.
    response = client.post(step, {"action": "publish"}, follow=True)
    assert "moved on" in response.content.decode() or "verder" in response.content.decode()
    # A published entry is not edited before it is returned to draft.
    client.force_login(cast.supervisor)
    assert client.get(reverse("knowledge:edit", args=[entry.pk])).status_code == 403


def test_public_needs_every_consent_and_the_privacy_check(cast: Any, client: Client) -> None:
    entry = published(cast)
    url = reverse("knowledge:public", args=[entry.pk])
    client.force_login(cast.coordinator)
    client.post(url, {"action": "public", "no_pupil_identifiable": "on"})
    assert not Entry.objects.get(pk=entry.pk).is_public  # nobody consented yet
    consented(cast)
    response = client.post(url, {"action": "public"})
    assert response.status_code == 422  # the privacy check not confirmed
    assert not Entry.objects.get(pk=entry.pk).is_public
    client.post(url, {"action": "public", "no_pupil_identifiable": "on"})
    entry.refresh_from_db()
    assert entry.is_public
    assert entry.privacy_confirmed_by == cast.coordinator


def test_the_privacy_hint_shows_the_reviewer_what_may_identify_a_pupil(
    cast: Any, client: Client
) -> None:
    entry = consented(cast, title="Met naam", body="De leerling Jesse kwam elke dag.")
    client.force_login(cast.coordinator)
    html = client.get(reverse("knowledge:detail", args=[entry.pk])).content.decode()
    assert "Jesse" in html
    assert "privacy-hint" in html


def test_contributors_consent_for_themselves_only(cast: Any, client: Client) -> None:
    entry = published(cast)
    url = reverse("knowledge:consent", args=[entry.pk])
    client.force_login(cast.coordinator)  # reads it, but is no contributor
    assert client.post(url, {"action": "give"}).status_code == 403
    client.force_login(cast.student)
    client.post(url, {"action": "give"})
    mine = Contributor.objects.get(entry=entry, user=cast.student)
    other = Contributor.objects.get(entry=entry, user=cast.supervisor)
    assert mine.consented_at is not None
    assert other.consented_at is None


def test_withdrawing_consent_unpublishes_at_once(cast: Any, client: Client) -> None:
    entry = public(cast)
    client.logout()
    showcase = reverse("knowledge:showcase", args=[cast.environment.pk])
    public_url = reverse("knowledge:public_entry", args=[entry.pk])
    assert entry.title in client.get(showcase).content.decode()  # now cached
    assert client.get(public_url).status_code == 200
    client.force_login(cast.student)
    client.post(reverse("knowledge:consent", args=[entry.pk]), {"action": "withdraw"})
    entry.refresh_from_db()
    assert not entry.is_public
    client.logout()
    assert entry.title not in client.get(showcase).content.decode()
    assert client.get(public_url).status_code == 404


def test_a_changed_text_needs_consent_again(cast: Any, client: Client) -> None:
    entry = consented(cast)
    client.force_login(cast.coordinator)
    client.post(reverse("knowledge:step", args=[entry.pk]), {"action": "return"})
    client.force_login(cast.supervisor)
    client.post(
        reverse("knowledge:edit", args=[entry.pk]),
        entry_data(cast, title=entry.title, body="Nieuwe tekst."),
    )
    entry.refresh_from_db()
    assert entry.body == "Nieuwe tekst."
    assert not entry.contributors.filter(consented_at__isnull=False).exists()


def test_a_withdrawal_through_the_service_forgets_the_public_cache(
    cast: Any, client: Client
) -> None:
    entry = public(cast)
    showcase = reverse("knowledge:showcase", args=[cast.environment.pk])
    assert entry.title in client.get(showcase).content.decode()
    contributor_consent_withdraw(contributor=entry.contributors.get(user=cast.supervisor))
    assert entry.title not in client.get(showcase).content.decode()


def test_return_to_draft_takes_it_off_the_public_pages(cast: Any, client: Client) -> None:
    entry = public(cast)
    client.force_login(cast.coordinator)
    client.post(reverse("knowledge:step", args=[entry.pk]), {"action": "return"})
    client.logout()
    assert client.get(reverse("knowledge:public_entry", args=[entry.pk])).status_code == 404


def test_in_review_is_listed_for_the_coordinator(cast: Any, client: Client) -> None:
    entry = in_review(cast)
    client.force_login(cast.coordinator)
    html = client.get(reverse("knowledge:list")).content.decode()
    assert entry.title in html
