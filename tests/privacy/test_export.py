"""Download all my data (JSON) and the readable page: everything of mine, nothing else."""

import json
from typing import Any

from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from learning_networks.models import CalendarFeed
from privacy.registry import REGISTRY
from tests.privacy.markers import PREFIX
from tests.privacy.test_delete_account import seed_student


def _other_students_reflection(cast: Any) -> str:
    from reflections.models import Reflection
    from reflections.services import reflection_save

    text = f"{PREFIX}-someone-else"
    reflection_save(
        reflection=Reflection(author=cast.outsider, environment=cast.other_environment, text=text),
        publish=True,
    )
    return text


def test_download_is_an_attachment_with_all_my_data(cast: Any, reauthed: Any) -> None:
    seed_student(cast)
    not_mine = _other_students_reflection(cast)
    client: Client = reauthed(cast.student)

    response = client.get(reverse("privacy:download"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="ulvo-mijn-gegevens-')
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    data = json.loads(response.content)
    cast.student.refresh_from_db()
    sections = {section["model"]: section["rows"] for section in data["sections"]}
    assert sections["accounts.User"] == [
        {
            "email": cast.student.email,
            "full_name": cast.student.full_name,
            "language": "nl",
            "date_joined": cast.student.date_joined.isoformat(),
            "last_login": cast.student.last_login.isoformat(),
        }
    ]
    text = response.content.decode()
    for label in (
        "reflection-",
        "reflection-feedback",
        "own-response",
        "approved-description",
        "draft-description",
        "return-comment",
        "approval-comment",
        "meeting-notes",
        "meeting-agreements",
        "absence-reason",
        "session-feedback",
        "unavailable",
        "notification-payload",
        "invited-name",
    ):
        assert f"{PREFIX}-{label}" in text, label
    assert not_mine not in text
    # Secrets never leave: the two-factor key, the password hash, the calendar token.
    secret = Authenticator.objects.get(user=cast.student, type="totp").data["secret"]
    assert secret not in text
    assert cast.student.password not in text
    assert CalendarFeed.objects.get(user=cast.student).token_hash not in text
    # Every exported model has its section, even when empty.
    assert set(sections) == {entry.model for entry in REGISTRY if entry.export}


def test_readable_page_shows_the_same(cast: Any, reauthed: Any) -> None:
    seed_student(cast)
    not_mine = _other_students_reflection(cast)

    response = reauthed(cast.student).get(reverse("privacy:my_data"))

    assert response.status_code == 200
    content = response.content.decode()
    assert cast.student.full_name in content
    assert f"{PREFIX}-reflection-" in content
    assert f"{PREFIX}-meeting-notes" in content
    assert not_mine not in content
    assert reverse("privacy:download") in content
    assert reverse("privacy:delete_account") in content


def test_a_supervisor_gets_their_own_data_not_their_students(cast: Any, reauthed: Any) -> None:
    seed_student(cast)

    response = reauthed(cast.supervisor).get(reverse("privacy:download"))

    text = response.content.decode()
    assert cast.supervisor.email in text
    # What the supervisor wrote about the student is theirs; the student's own texts are not.
    assert f"{PREFIX}-reflection-feedback" in text
    assert f"{PREFIX}-meeting-notes" in text
    assert f"{PREFIX}-own-response" not in text
    assert f"{PREFIX}-draft-description" not in text
    assert f"{PREFIX}-session-feedback" not in text


def test_export_and_page_need_reauthentication(cast: Any, login: Any) -> None:
    client = login(cast.student)
    for name in ("privacy:my_data", "privacy:download"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_export_is_logged_without_personal_data(cast: Any, reauthed: Any, caplog: Any) -> None:
    caplog.set_level("INFO", logger="ulvo.security")

    reauthed(cast.student).get(reverse("privacy:download"))

    [line] = [
        record.security
        for record in caplog.records
        if getattr(record, "security", {}).get("event") == "personal_data_export"
    ]
    assert line["user"] == cast.student.pk
    assert cast.student.email not in caplog.text


def test_queries_do_not_grow_with_the_data(cast: Any, reauthed: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.privacy.test_delete_account import seed_student

    seed_student(cast)
    client = reauthed(cast.student)
    url = reverse("privacy:my_data")
    client.get(url)  # the session's first request does one-off work
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _more_of_everything(cast)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.status_code == 200
    assert len(many) == len(few)


def _more_of_everything(cast: Any) -> None:
    import datetime

    from django.utils import timezone

    from placements.services import activity_create, week_return, week_submit
    from reflections.models import Reflection
    from reflections.services import reflection_feedback_add, reflection_save

    for weeks_ago in range(4, 9):
        day = timezone.localdate() - datetime.timedelta(days=7 * weeks_ago)
        activity_create(
            placement=cast.placement, date=day, minutes=60, setting="school", kind="group"
        )
        week = week_submit(placement=cast.placement, start=day, student=cast.student)
        week_return(week=week, reviewer=cast.supervisor, comment="Aanvullen.")
        reflection = reflection_save(
            reflection=Reflection(
                author=cast.student,
                environment=cast.environment,
                placement=cast.placement,
                session=cast.past_session,
                text=f"Reflectie {weeks_ago}",
            ),
            publish=True,
        )
        reflection_feedback_add(reflection=reflection, author=cast.supervisor, text="Mooi.")
