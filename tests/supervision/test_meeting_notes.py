"""Supervision meeting notes: written by an assigned supervisor, read by them and the
student only."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from environments.models import Domain
from placements.models import SupervisionAssignment
from supervision.models import MAX_MEETING_TEXT, MeetingNote
from tests.supervision.factories import MeetingNoteFactory


def add_url(cast: Any) -> str:
    return reverse("supervision:meeting_note_add", args=[cast.placement.pk])


def page_url(cast: Any) -> str:
    return reverse("supervision:placement", args=[cast.placement.pk])


def note_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "notes": "Leerdoelen besproken: samenwerken met de buurtwerker.",
        "agreements": "Sanne plant een overleg met het buurtteam.",
    }
    data.update(overrides)
    return data


def rows() -> list[tuple[Any, ...]]:
    return list(
        MeetingNote.objects.order_by("pk").values_list(
            "placement_id", "author_id", "date", "notes", "agreements"
        )
    )


def test_supervisor_writes_a_note_the_student_reads(cast: Any, client: Client) -> None:
    client.force_login(cast.supervisor)
    response = client.post(add_url(cast), note_data())
    assert response.status_code == 302
    assert response["Location"] == page_url(cast) + "#meeting-notes"
    [note] = MeetingNote.objects.all()
    assert (note.placement, note.author, note.notes) == (
        cast.placement,
        cast.supervisor,
        "Leerdoelen besproken: samenwerken met de buurtwerker.",
    )
    assert note.date == timezone.localdate() - datetime.timedelta(days=1)

    client.force_login(cast.student)
    html = client.get(page_url(cast)).content.decode()
    assert "Leerdoelen besproken" in html
    assert "Sanne plant een overleg met het buurtteam." in html
    assert reverse("supervision:meeting_note_edit", args=[note.pk]) not in html


def test_htmx_add_returns_the_section(cast: Any, client: Client) -> None:
    client.force_login(cast.supervisor)
    response = client.post(add_url(cast), note_data(), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="meeting-notes"')
    assert "Leerdoelen besproken" in html
    assert 'hx-swap-oob="true"' in html
    assert MeetingNote.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("notes", ""),
        ("notes", "   "),
        ("notes", "x" * (MAX_MEETING_TEXT + 1)),
        ("agreements", "x" * (MAX_MEETING_TEXT + 1)),
        ("notes", "NUL\x00byte"),
        ("date", ""),
        ("date", "2026-02-31"),
        ("date", "not a date"),
        ("date", "3026-01-01"),
        ("date", (timezone.localdate() + datetime.timedelta(days=30)).isoformat()),
        ("date", "1999-01-01"),
    ],
)
def test_bad_input_is_refused_at_the_field(
    cast: Any, client: Client, field: str, value: str
) -> None:
    client.force_login(cast.supervisor)
    response = client.post(
        add_url(cast), note_data(**{field: value}), headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert field in response.context["note_form"].errors
    assert 'class="errorlist' in response.content.decode()
    assert rows() == []
    # Without JavaScript: the page again, with the message.
    response = client.post(add_url(cast), note_data(**{field: value}))
    assert response.status_code == 422
    assert field in response.context["note_form"].errors
    assert rows() == []


def test_placement_and_author_cannot_be_assigned_through_the_form(
    cast: Any, client: Client
) -> None:
    client.force_login(cast.supervisor)
    client.post(add_url(cast), note_data(author=cast.bystander.pk, placement=0))
    assert rows()[0][:2] == (cast.placement.pk, cast.supervisor.pk)


def test_who_may_write(cast: Any, client: Client) -> None:
    for user, status in [
        (cast.student, 403),
        (cast.coordinator, 403),
        (cast.bystander, 404),
        (cast.outsider, 404),
        (cast.other_coordinator, 404),
    ]:
        client.force_login(user)
        assert client.post(add_url(cast), note_data()).status_code == status, user
    assert rows() == []
    client.logout()
    assert client.post(add_url(cast), note_data()).status_code == 302
    assert client.get(add_url(cast)).status_code == 302  # to log in first
    client.force_login(cast.supervisor)
    assert client.get(add_url(cast)).status_code == 405
    assert rows() == []


def test_notes_stay_between_their_author_and_the_student(cast: Any, client: Client) -> None:
    SupervisionAssignment.objects.create(
        placement=cast.placement, supervisor=cast.bystander, role="practice", domain=Domain.SOCIAL
    )
    note = MeetingNoteFactory(
        placement=cast.placement, author=cast.supervisor, notes="VERTROUWELIJK-MARKER"
    )
    for user, sees, edit_status in [
        (cast.supervisor, True, 200),
        (cast.student, True, 403),
        (cast.bystander, False, 404),  # another supervisor of the same student
        (cast.coordinator, False, 404),
    ]:
        client.force_login(user)
        html = client.get(page_url(cast)).content.decode()
        assert ("VERTROUWELIJK-MARKER" in html) is sees, user
        edit = client.get(reverse("supervision:meeting_note_edit", args=[note.pk]))
        assert edit.status_code == edit_status, user


def test_notes_are_not_in_the_admin() -> None:
    from django.contrib import admin

    assert MeetingNote not in admin.site._registry


def test_author_edits_and_deletes(cast: Any, client: Client) -> None:
    note = MeetingNoteFactory(placement=cast.placement, author=cast.supervisor)
    edit_url = reverse("supervision:meeting_note_edit", args=[note.pk])
    client.force_login(cast.supervisor)
    assert client.get(edit_url).status_code == 200
    response = client.post(edit_url, note_data(notes="Bijgewerkt verslag."))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.notes == "Bijgewerkt verslag."
    response = client.post(edit_url, note_data(notes=""))
    assert response.status_code == 422
    note.refresh_from_db()
    assert note.notes == "Bijgewerkt verslag."

    delete_url = reverse("supervision:meeting_note_delete", args=[note.pk])
    client.force_login(cast.student)
    assert client.post(delete_url).status_code == 403
    assert client.post(edit_url, note_data(notes="Door student")).status_code == 403
    client.force_login(cast.supervisor)
    assert client.get(delete_url).status_code == 405
    response = client.post(delete_url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="meeting-notes"' in response.content.decode()
    assert not MeetingNote.objects.exists()


def test_a_former_supervisor_can_no_longer_change_notes(cast: Any, client: Client) -> None:
    note = MeetingNoteFactory(placement=cast.placement, author=cast.supervisor)
    SupervisionAssignment.objects.filter(supervisor=cast.supervisor).delete()
    client.force_login(cast.supervisor)
    response = client.post(reverse("supervision:meeting_note_delete", args=[note.pk]))
    assert response.status_code == 404
    assert MeetingNote.objects.filter(pk=note.pk).exists()
