"""Team meetings (#17, part 4): a rotating chair, an agenda drawn from the board (what
moved, what is stuck, what is due), notes and agreements, who chairs next time."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from practice.models import Card, TeamMeeting
from practice.services import card_move, team_add
from tests.practice.steps import a_card, a_student, in_progress

pytestmark = pytest.mark.django_db


def hold(client: Client, question: Any, **data: Any) -> Any:
    data.setdefault("held_on", timezone.localdate().isoformat())
    data.setdefault("notes", "Interviews verdeeld.")
    return client.post(reverse("practice:meeting", args=[question.pk]), data)


def test_the_agenda_comes_from_the_board(cast: Any, client: Client) -> None:
    question = in_progress(cast)
    moving = a_card(cast, title="Interviews", question=question)
    stuck = a_card(cast, title="Plattegrond", question=question)
    card_move(card=stuck, version=stuck.version, direction="right")
    due = a_card(cast, title="Presentatie", question=question)
    Card.objects.filter(pk=due.pk).update(
        due_date=timezone.localdate() + datetime.timedelta(days=3)
    )
    # The map has been in Doing, untouched, for two weeks.
    two_weeks_ago = timezone.now() - datetime.timedelta(days=14)
    Card.objects.filter(pk=stuck.pk).update(updated_at=two_weeks_ago)
    client.force_login(cast.student)
    assert hold(client, question, next_chair=cast.supervisor.pk).status_code == 302
    Card.objects.filter(question=question).update(updated_at=two_weeks_ago)
    Card.objects.filter(pk=stuck.pk).update(updated_at=two_weeks_ago)
    moving.refresh_from_db()
    card_move(card=moving, version=moving.version, direction="right")
    html = client.get(reverse("practice:meeting", args=[question.pk])).content.decode()
    moved_part, rest = html.split("What is stuck")
    stuck_part, due_part = rest.split("What is due")
    assert "Interviews" in moved_part.split("What moved since")[1]
    assert "Plattegrond" in stuck_part
    assert "Presentatie" in due_part
    assert "Presentatie" not in moved_part.split("What moved since")[1]


def test_the_chair_rotates(cast: Any, client: Client) -> None:
    question = in_progress(cast)
    other = a_student(cast, cast.pabo, "Pim Pabo")
    team_add(question=question, user=other, is_supervisor=False)
    client.force_login(cast.student)
    today = timezone.localdate()
    # The first meeting: the first of the team chairs; the form proposes the next one.
    page = client.get(reverse("practice:meeting", args=[question.pk]))
    first_chair = page.context["agenda"].chair
    proposed = page.context["form"].initial["next_chair"]
    assert proposed != first_chair.pk
    assert hold(client, question, held_on=today.isoformat(), next_chair=proposed).status_code == 302
    meeting = TeamMeeting.objects.get()
    assert (meeting.chair, meeting.next_chair_id) == (first_chair, proposed)
    assert "Presentatie" not in meeting.agenda
    page = client.get(reverse("practice:meeting", args=[question.pk]))
    assert page.context["agenda"].chair.pk == proposed
    # The same meeting sent twice: refused, nothing changed.
    again = hold(client, question, held_on=today.isoformat(), next_chair=proposed)
    assert again.status_code == 409
    assert TeamMeeting.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"notes": ""},
        {"held_on": "0001-01-01"},
        {"next_chair": "999999"},
        {"notes": "a\x00b"},
    ],
)
def test_bad_meetings_are_refused(cast: Any, client: Client, data: dict[str, Any]) -> None:
    question = in_progress(cast)
    client.force_login(cast.student)
    data.setdefault("next_chair", cast.supervisor.pk)
    assert hold(client, question, **data).status_code == 422
    assert not TeamMeeting.objects.exists()


def test_the_privacy_hint_runs_on_meeting_notes(cast: Any, client: Client) -> None:
    question = in_progress(cast)
    client.force_login(cast.student)
    response = hold(
        client, question, notes="Leerling Sam Jansen was boos.", next_chair=cast.student.pk
    )
    assert response.status_code == 200
    assert "Your text may identify a pupil." in response.content.decode()
    assert not TeamMeeting.objects.exists()


def test_only_the_team_writes_meetings(cast: Any, client: Client) -> None:
    question = in_progress(cast)
    client.force_login(cast.coordinator)
    page = client.get(reverse("practice:meeting", args=[question.pk]))
    assert page.status_code == 200
    assert page.context["form"] is None
    assert hold(client, question, next_chair=cast.student.pk).status_code == 403
    client.force_login(cast.bystander)
    assert client.get(reverse("practice:meeting", args=[question.pk])).status_code == 404
    assert not TeamMeeting.objects.exists()
