"""What a person's export holds about other people.

A supervisor's "Mijn gegevens" held every meeting note they wrote, with the text and
the student's name, also after they had left the environment: a leaver could take
dozens of notes about named students along. What someone wrote about another
person's placement (meeting notes, responses to reflections, sign-off steps, the
supervision itself) is now exported in full only while they may still open that
placement in ULVO; afterwards only when and in which role, never the student's name
or the text (privacy.registry, ``still_sees``).
"""

import datetime
import json
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from placements.models import SupervisionAssignment
from privacy.registry import REGISTRY
from privacy.services import personal_data_export
from tests.privacy.markers import marker

STUDENT_NAME = "Sanne Student"


def write_about_the_student(cast: Any) -> dict[str, str]:
    """A meeting note, a response to a reflection and a sign-off comment by the
    supervisor, through the real services; the markers they carry."""
    from placements.services import activity_create, week_return, week_submit
    from reflections.models import Reflection
    from reflections.services import reflection_feedback_add, reflection_save
    from supervision.models import MeetingNote
    from supervision.services import meeting_note_save

    cast.student.full_name = STUDENT_NAME
    cast.student.save()
    written = {
        label: marker(label) for label in ("notes", "agreements", "feedback", "week-comment")
    }
    today = timezone.localdate()
    meeting_note_save(
        note=MeetingNote(
            placement=cast.placement,
            author=cast.supervisor,
            date=today,
            notes=written["notes"],
            agreements=written["agreements"],
        )
    )
    reflection = Reflection(
        author=cast.student,
        environment=cast.environment,
        placement=cast.placement,
        text="Vandaag de ouderavond voorbereid.",
        visibility="supervisors",
    )
    reflection_save(reflection=reflection, publish=True)
    reflection_feedback_add(reflection=reflection, author=cast.supervisor, text=written["feedback"])
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    activity_create(
        placement=cast.placement,
        date=monday,
        minutes=60,
        setting="school",
        kind="classroom",
        description="Leesgroep",
    )
    week = week_submit(placement=cast.placement, start=monday, student=cast.student)
    week_return(week=week, reviewer=cast.supervisor, comment=written["week-comment"])
    return written


def rows_by_model(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The exported rows per model (a model with several entries has several sections)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for section in data["sections"]:
        rows.setdefault(section["model"], []).extend(section["rows"])
    return rows


def leave(cast: Any) -> None:
    """The coordinator ended the supervisor's membership; the rows stay on record."""
    Membership.objects.filter(user=cast.supervisor, environment=cast.environment).update(
        is_active=False
    )


def test_while_supervising_the_export_has_what_they_wrote(cast: Any) -> None:
    written = write_about_the_student(cast)

    text = json.dumps(personal_data_export(user=cast.supervisor))

    for value in written.values():
        assert value in text
    assert STUDENT_NAME in text
    assert '"withheld"' not in text


def test_after_leaving_only_when_and_in_which_role(cast: Any) -> None:
    written = write_about_the_student(cast)
    leave(cast)

    data = personal_data_export(user=cast.supervisor)

    text = json.dumps(data)
    for value in written.values():
        assert value not in text
    assert STUDENT_NAME not in text
    rows = rows_by_model(data)
    [note] = rows["supervision.MeetingNote"]
    assert note == {
        "placement": None,
        "date": timezone.localdate().isoformat(),
        "notes": None,
        "agreements": None,
        "withheld": ["agreements", "notes", "placement"],
    }
    [feedback] = rows["reflections.ReflectionFeedback"]
    assert feedback["text"] is None and feedback["reflection"] is None
    returned = [row for row in rows["placements.WeekEvent"] if row["action"] == "returned"]
    assert [(row["week"], row["comment"]) for row in returned] == [(None, None)]
    [assignment] = rows["placements.SupervisionAssignment"]
    assert assignment["placement"] is None
    assert assignment["signs_off"] is True


def test_no_longer_assigned_is_leaving_too(cast: Any) -> None:
    """Still a member of the environment, but no longer this student's supervisor."""
    written = write_about_the_student(cast)
    SupervisionAssignment.objects.filter(supervisor=cast.supervisor).delete()

    text = json.dumps(personal_data_export(user=cast.supervisor))

    assert written["notes"] not in text
    assert STUDENT_NAME not in text


def test_the_student_keeps_what_was_written_about_them(cast: Any) -> None:
    written = write_about_the_student(cast)
    leave(cast)

    text = json.dumps(personal_data_export(user=cast.student))

    for value in written.values():
        assert value in text


def test_the_page_says_what_is_not_shown(cast: Any, reauthed: Any) -> None:
    written = write_about_the_student(cast)
    leave(cast)
    client: Client = reauthed(cast.supervisor)
    client.cookies["ulvo_language"] = "en"

    page = client.get(reverse("privacy:my_data")).content.decode()

    assert written["notes"] not in page
    assert STUDENT_NAME not in page
    assert "not shown: you no longer work with this student" in page


def test_what_is_withheld_names_others_or_was_written() -> None:
    withheld = {entry.model: entry.withheld_fields() for entry in REGISTRY if entry.still_sees}
    assert withheld["supervision.MeetingNote"] == {"placement", "notes", "agreements"}
    assert withheld["reflections.ReflectionFeedback"] == {"reflection", "text"}
    assert withheld["placements.WeekEvent"] == {"week", "comment"}
    assert withheld["placements.SupervisionAssignment"] == {"placement"}
