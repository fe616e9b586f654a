"""The supervisor's home kept in the cache: served from it, and forgotten by every
change that alters what it shows (supervision/home_cache.py).

The test settings switch the cache off; here it is on, and every change runs its
on-commit hooks, as it would outside a test's transaction.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.services import membership_save
from environments.models import Domain
from learning_networks.models import Attendance, NetworkSession, Presence
from learning_networks.services import attendance_register, session_invite, session_save
from placements.models import PlacementStatus, SupervisionAssignment, SupervisionRole
from placements.services import assignment_remove, assignment_save, placement_save, week_approve
from reflections.models import Visibility
from reflections.services import reflection_delete, reflection_save
from supervision import home_cache
from supervision.services import meeting_note_save
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.admin_forms import admin_change, staff_client
from tests.learning_networks.steps import add_session
from tests.supervision.factories import MeetingNoteFactory
from tests.supervision.steps import share_reflection, submit_week

HOME = reverse("supervision:home")

Commit = Callable[[], AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def _home_cached(settings: Any) -> Iterator[None]:
    settings.ULVO_SUPERVISOR_HOME_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Commit:
    """A change as it happens outside a test: its on-commit hooks run."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def home(cast: Any, client: Client) -> Callable[[], str]:
    """The supervisor's home as HTML, in English; asked once first, so the cache is warm."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(cast.supervisor)

    def get() -> str:
        response = client.get(HOME)
        assert response.status_code == 200
        return response.content.decode()

    get()
    return get


def test_the_second_request_is_served_from_the_cache(cast: Any, client: Client) -> None:
    submit_week(cast)
    share_reflection(cast.student, cast.environment, "Samen geleerd.")
    client.force_login(cast.supervisor)
    with CaptureQueriesContext(connection) as cold:
        first = client.get(HOME)
    with CaptureQueriesContext(connection) as warm:
        second = client.get(HOME)

    tables = " ".join(q["sql"] for q in warm.captured_queries)
    for table in ("reflections_reflection", "placements_week", "learning_networks_attendance"):
        assert table in " ".join(q["sql"] for q in cold.captured_queries)
        assert table not in tables
    assert len(warm) < len(cold)
    strip = re.compile(r'value="[^"]+"|"X-CSRFToken": "[^"]+"|nonce="[^"]+"')
    assert strip.sub("", first.content.decode()) == strip.sub("", second.content.decode())
    assert "Samen geleerd." in second.content.decode()


def test_the_cached_form_carries_this_requests_csrf_token(cast: Any) -> None:
    reflection = share_reflection(cast.student, cast.environment, "Graag je reactie.")
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.supervisor)
    client.get(HOME)
    html = client.get(HOME).content.decode()
    [token] = re.findall(
        r'action="{}".*?name="csrfmiddlewaretoken" value="([^"]+)"'.format(
            re.escape(reverse("reflections:feedback_add", args=[reflection.pk]))
        ),
        html,
        flags=re.S,
    )
    response = client.post(
        reverse("reflections:feedback_add", args=[reflection.pk]),
        {"csrfmiddlewaretoken": token, "text": "Mooi gezien.", "next": HOME},
    )
    assert response.status_code == 302


def test_each_supervisor_and_language_has_their_own_page(cast: Any, client: Client) -> None:
    share_reflection(cast.student, cast.environment, "Alleen voor mijn begeleider.")
    client.force_login(cast.supervisor)
    assert "Alleen voor mijn begeleider." in client.get(HOME).content.decode()
    client.force_login(cast.bystander)
    html = client.get(HOME).content.decode()
    assert "Alleen voor mijn begeleider." not in html
    assert cast.student.full_name not in html

    client.force_login(cast.supervisor)
    dutch = client.get(HOME, headers={"accept-language": "nl"}).content.decode()
    cast.supervisor.language = "en"
    cast.supervisor.save(update_fields=["language"])
    client.cookies["django_language"] = "en"
    english = client.get(HOME, headers={"accept-language": "en"}).content.decode()
    assert "My supervisees" in english
    assert "My supervisees" not in dutch


def test_switched_off_it_keeps_nothing(cast: Any, client: Client, settings: Any) -> None:
    settings.ULVO_SUPERVISOR_HOME_CACHE_SECONDS = 0
    client.force_login(cast.supervisor)
    client.get(HOME)
    with CaptureQueriesContext(connection) as again:
        client.get(HOME)
    assert "reflections_reflection" in " ".join(q["sql"] for q in again.captured_queries)


# --- Every change that alters the page forgets it ---------------------------------------


def test_a_submitted_week_shows_and_goes_when_approved(
    cast: Any, home: Callable[[], str], commit: Commit
) -> None:
    with commit():
        week = submit_week(cast)
    assert week.get_absolute_url() in home()
    with commit():
        week_approve(week=week, reviewer=cast.supervisor)
    assert week.get_absolute_url() not in home()


def test_a_shared_reflection_shows_and_goes_when_answered(
    cast: Any, home: Callable[[], str], commit: Commit, client: Client
) -> None:
    with commit():
        reflection = share_reflection(cast.student, cast.environment, "Over samenwerken.")
    assert "Over samenwerken." in home()
    with commit():
        response = client.post(
            reverse("reflections:feedback_add", args=[reflection.pk]),
            {"text": "Goed punt.", "next": HOME},
        )
    assert response.status_code == 302
    assert "Over samenwerken." not in home()


def test_a_reflection_made_private_or_deleted_goes(
    cast: Any, home: Callable[[], str], commit: Commit
) -> None:
    with commit():
        first = share_reflection(cast.student, cast.environment, "EERSTE-TEKST")
    assert "EERSTE-TEKST" in home()
    with commit():
        first.visibility = Visibility.PRIVATE
        reflection_save(reflection=first)
    assert "EERSTE-TEKST" not in home()
    with commit():
        second = share_reflection(cast.student, cast.environment, "TWEEDE-TEKST")
    assert "TWEEDE-TEKST" in home()
    with commit():
        reflection_delete(reflection=second)
    assert "TWEEDE-TEKST" not in home()


def test_registered_presence_and_a_renamed_session_show(
    cast: Any, home: Callable[[], str], commit: Commit
) -> None:
    attendance = Attendance.objects.get(session=cast.past_session, user=cast.student)
    with commit():
        attendance_register(attendance=attendance, presence=Presence.ABSENT)
    assert str(Presence.ABSENT.label) in home()
    with commit():
        session = NetworkSession.objects.get(pk=cast.past_session.pk)
        session.theme = "Nieuw-thema-na-afloop"
        session_save(session=session, facilitators=[cast.supervisor], audience_programmes=[])
    assert "Nieuw-thema-na-afloop" in home()


def test_a_session_that_took_place_without_being_marked_held_shows(
    cast: Any, home: Callable[[], str], commit: Commit
) -> None:
    """Nobody marks a session held: a planned session that is over counts too, and
    the invitations bulk-created for it forget the page."""
    with commit():
        add_session(cast, days=-2, theme="Afgelopen-zonder-markering")
    assert "Afgelopen-zonder-markering" in home()


def test_invitations_added_to_a_past_session_show(
    cast: Any, home: Callable[[], str], commit: Commit
) -> None:
    Attendance.objects.filter(session=cast.past_session, user=cast.student).delete()
    cache.clear()
    assert cast.past_session.theme not in home()
    with commit():
        assert session_invite(session=cast.past_session) == 1
    assert cast.past_session.theme in home()


def test_a_meeting_note_shows(cast: Any, home: Callable[[], str], commit: Commit) -> None:
    assert "1 meeting note" not in home()
    with commit():
        meeting_note_save(
            note=MeetingNoteFactory.build(placement=cast.placement, author=cast.supervisor)
        )
    assert "1 meeting note" in home()


def test_a_renamed_student_shows_by_their_new_name(
    cast: Any, home: Callable[[], str], commit: Commit
) -> None:
    staff = staff_client()  # a name is changed in the management site
    with commit():
        admin_change(staff, cast.student, full_name="Sanne Hernoemd")
    assert "Sanne Hernoemd" in home()


def test_logging_in_does_not_forget_the_page(cast: Any, home: Callable[[], str]) -> None:
    key = home_cache.page_key(cast.supervisor.pk, "nl")
    cast.student.last_login = timezone.now()
    cast.student.save(update_fields=["last_login"])
    assert home_cache.page_key(cast.supervisor.pk, "nl") == key


def test_assignments_decide_who_is_on_the_page(
    cast: Any, home: Callable[[], str], commit: Commit
) -> None:
    assignment = SupervisionAssignment.objects.get(
        placement=cast.placement, supervisor=cast.supervisor
    )
    assert "No practice supervisor from their own domain" in home()
    # A practice supervisor from the student's own domain joins: the badge changes.
    colleague = UserFactory()
    MembershipFactory(user=colleague, environment=cast.environment, role="practice_supervisor")
    with commit():
        assignment_save(
            assignment=SupervisionAssignment(
                placement=cast.placement,
                supervisor=colleague,
                role=SupervisionRole.PRACTICE,
                domain=Domain.SOCIAL,
            )
        )
    assert "Has a practice supervisor from their own domain" in home()
    with commit():
        assignment_remove(assignment=assignment)
    assert cast.student.full_name not in home()


def test_a_replaced_supervisor_loses_the_student(
    cast: Any, home: Callable[[], str], commit: Commit, client: Client
) -> None:
    assert cast.student.full_name in home()
    assignment = SupervisionAssignment.objects.get(
        placement=cast.placement, supervisor=cast.supervisor
    )
    with commit():
        assignment.supervisor = cast.bystander
        assignment_save(assignment=assignment)
    assert cast.student.full_name not in home()
    client.force_login(cast.bystander)
    assert cast.student.full_name in client.get(HOME).content.decode()


def test_a_completed_placement_and_an_ended_membership_leave_the_page(
    cast: Any, home: Callable[[], str], commit: Commit
) -> None:
    with commit():
        cast.placement.status = PlacementStatus.COMPLETED
        placement_save(placement=cast.placement, signoff=None)
    assert cast.student.full_name not in home()
    with commit():
        cast.placement.status = PlacementStatus.ACTIVE
        placement_save(placement=cast.placement, signoff=None)
    assert cast.student.full_name in home()
    with commit():
        membership = Membership.objects.get(user=cast.supervisor, environment=cast.environment)
        membership.is_active = False
        membership_save(membership=membership)
    assert cast.student.full_name not in home()


def test_a_renamed_programme_shows(cast: Any, home: Callable[[], str], commit: Commit) -> None:
    programme = cast.placement.programme
    staff = staff_client()  # programmes are kept in the management site
    with commit():
        admin_change(staff, programme, name="Sociaal Werk Vernieuwd")
    assert "Sociaal Werk Vernieuwd" in home()


def test_a_deleted_student_account_leaves_no_trace(
    cast: Any, home: Callable[[], str], commit: Commit
) -> None:
    from privacy.services import account_delete

    name = cast.student.full_name
    assert name in home()
    with commit():
        account_delete(user=cast.student)
    assert name not in home()


def test_a_colleague_deleting_their_account_leaves_the_badge(
    cast: Any, home: Callable[[], str], commit: Commit
) -> None:
    from privacy.services import account_delete

    colleague = UserFactory()
    MembershipFactory(user=colleague, environment=cast.environment, role="practice_supervisor")
    with commit():
        assignment_save(
            assignment=SupervisionAssignment(
                placement=cast.placement,
                supervisor=colleague,
                role=SupervisionRole.PRACTICE,
                domain=Domain.SOCIAL,
            )
        )
    assert "Has a practice supervisor from their own domain" in home()
    with commit():
        account_delete(user=colleague)
    assert "No practice supervisor from their own domain" in home()
