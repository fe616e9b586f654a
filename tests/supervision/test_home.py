"""The supervisor's home: my supervisees with what waits for me."""

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, Role
from environments.models import Domain
from learning_networks.models import Attendance, Presence
from learning_networks.services import attendance_register
from placements.models import SupervisionAssignment, SupervisionRole
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.placements.factories import PlacementFactory
from tests.supervision.factories import MeetingNoteFactory
from tests.supervision.steps import share_reflection, submit_week

HOME = reverse("supervision:home")


def rows(response: Any) -> dict[int, Any]:
    return {
        s.placement_pk: s for group in response.context["home"].groups for s in group.supervisees
    }


def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_post_is_not_allowed(cast: Any, login: Any) -> None:
    assert login(cast.supervisor).post(HOME).status_code == 405


def test_supervisor_sees_what_waits_per_supervisee(cast: Any, login: Any) -> None:
    week = submit_week(cast)
    shared = share_reflection(cast.student, cast.environment, "Samen met de leerkracht geleerd.")
    share_reflection(cast.student, cast.environment, "PRIVE-MARKER", visibility="private")
    attendance = Attendance.objects.get(session=cast.past_session, user=cast.student)
    attendance_register(attendance=attendance, presence=Presence.EXCUSED)
    MeetingNoteFactory(placement=cast.placement, author=cast.supervisor)

    response = login(cast.supervisor).get(HOME)

    assert response.status_code == 200
    [group] = response.context["home"].groups
    assert group.environment.pk == cast.environment.pk
    [row] = group.supervisees
    assert row.placement_pk == cast.placement.pk
    assert [w.pk for w in row.waiting_weeks] == [week.pk]
    assert row.waiting_reflection.pk == shared.pk
    assert [(a.session_pk, a.presence) for a in row.recent_attendance] == [
        (cast.past_session.pk, Presence.EXCUSED)
    ]
    assert row.has_own is False  # a school trainer from education for a social-work student
    assert row.note_count == 1
    html = response.content.decode()
    assert "Sanne Student" in html
    assert week.get_absolute_url() in html
    assert "Samen met de leerkracht geleerd." in html
    assert "PRIVE-MARKER" not in html
    assert html.count('class="respond-form"') == 1
    assert reverse("reflections:feedback_add", args=[shared.pk]) in html
    assert shared.get_absolute_url() in html
    assert cast.past_session.get_absolute_url() in html
    assert str(Presence.EXCUSED.label) in html
    assert reverse("supervision:placement", args=[cast.placement.pk]) + "#meeting-notes" in html
    assert str(Domain.SOCIAL.label) in html
    assert reverse("supervision:time_log", args=[cast.environment.pk]) in html


def test_many_waiting_reflections_show_the_oldest_and_a_count(cast: Any, login: Any) -> None:
    texts = [f"Reflectie nummer {n}." for n in range(5)]
    shared = [share_reflection(cast.student, cast.environment, text) for text in texts]

    response = login(cast.supervisor).get(HOME)

    row = rows(response)[cast.placement.pk]
    assert row.waiting_count == 5
    assert row.waiting_reflection.pk == shared[0].pk
    assert row.waiting_more == 4
    html = response.content.decode()
    assert html.count('class="respond-form"') == 1
    assert reverse("reflections:feedback_add", args=[shared[0].pk]) in html
    assert "Reflectie nummer 0." in html and "Reflectie nummer 1." not in html
    assert reverse("reflections:list") + "#shared-heading" in html


def test_answered_reflections_and_approved_weeks_no_longer_wait(cast: Any, login: Any) -> None:
    from placements.services import week_approve
    from reflections.services import reflection_feedback_add

    week = submit_week(cast)
    week_approve(week=week, reviewer=cast.supervisor)
    reflection = share_reflection(cast.student, cast.environment, "Over de leesgroep.")
    reflection_feedback_add(reflection=reflection, author=cast.supervisor, text="Mooi gezien.")

    row = rows(login(cast.supervisor).get(HOME))[cast.placement.pk]
    assert row.waiting_weeks == ()
    assert row.waiting_reflection is None


def test_only_the_supervisor_who_signs_off_sees_the_waiting_week(cast: Any, login: Any) -> None:
    submit_week(cast)
    SupervisionAssignment.objects.create(
        placement=cast.placement,
        supervisor=cast.bystander,
        role=SupervisionRole.PRACTICE,
        domain=Domain.SOCIAL,
    )
    row = rows(login(cast.bystander).get(HOME))[cast.placement.pk]
    assert row.signs_off is False
    assert row.my_roles == (SupervisionRole.PRACTICE,)  # not the school trainer's
    assert row.waiting_weeks == ()
    assert row.has_own is True


def test_others_see_no_supervisees(cast: Any, client: Client) -> None:
    submit_week(cast)
    for user in (cast.bystander, cast.coordinator, cast.student, cast.outsider):
        client.force_login(user)
        response = client.get(HOME)
        assert response.status_code == 200
        assert response.context["home"].groups == ()
        assert "Sanne Student" not in response.content.decode()


def test_supervision_ends_with_the_membership(cast: Any, login: Any) -> None:
    Membership.objects.filter(user=cast.supervisor).update(is_active=False)
    assert login(cast.supervisor).get(HOME).context["home"].groups == ()


def test_query_count_does_not_grow_with_the_supervisees(cast: Any, client: Client) -> None:
    client.force_login(cast.supervisor)
    submit_week(cast)
    share_reflection(cast.student, cast.environment, "Eerste reflectie.")
    client.get(HOME)
    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    for number in range(6):
        student = UserFactory(full_name=f"Student {number}")
        MembershipFactory(
            user=student,
            environment=cast.environment,
            role=Role.STUDENT,
            programme=cast.pabo,
        )
        placement = PlacementFactory(
            environment=cast.environment, programme=cast.pabo, school=cast.school, student=student
        )
        SupervisionAssignment.objects.create(
            placement=placement,
            supervisor=cast.supervisor,
            role=SupervisionRole.SCHOOL_TRAINER,
            domain=Domain.EDUCATIONAL,
            signs_off=True,
        )
        submit_week(cast, placement)
        share_reflection(student, cast.environment, f"Reflectie {number}.")
        MeetingNoteFactory(placement=placement, author=cast.supervisor)
        from learning_networks.services import network_member_set, session_invite

        network_member_set(network=cast.network, user=student)
        session_invite(session=cast.past_session)
    with CaptureQueriesContext(connection) as many:
        response = client.get(HOME)
    placements = rows(response)
    assert len(placements) == 7
    assert all(len(p.waiting_weeks) == 1 for p in placements.values())
    assert all(p.waiting_reflection is not None for p in placements.values())
    assert all(len(p.recent_attendance) == 1 for p in placements.values())
    assert len(many) == len(few)


def test_attendance_shows_the_last_four_held_sessions(cast: Any, login: Any) -> None:
    import datetime

    from learning_networks.models import NetworkSession, SessionStatus
    from learning_networks.services import session_save

    for weeks_ago in range(2, 7):
        start = cast.past_session.starts_at - datetime.timedelta(weeks=weeks_ago)
        session_save(
            session=NetworkSession(
                network=cast.network,
                kind="mixed",
                theme=f"Eerder {weeks_ago}",
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=2),
                status=SessionStatus.HELD,
            ),
            facilitators=[cast.supervisor],
            audience_programmes=[],
        )
    row = rows(login(cast.supervisor).get(HOME))[cast.placement.pk]
    assert [a.theme for a in row.recent_attendance] == [
        "Gesprekstechnieken",
        "Eerder 2",
        "Eerder 3",
        "Eerder 4",
    ]


def test_nav_link_only_for_people_with_a_supervisor_home(cast: Any, client: Client) -> None:
    for user, shown in [
        (cast.supervisor, True),
        (cast.bystander, True),
        (cast.student, False),
        (cast.coordinator, False),
    ]:
        client.force_login(user)
        html = client.get(reverse("home")).content.decode()
        assert (f'href="{HOME}"' in html) is shown, user


def test_hours_links_follow_the_rules_of_the_time_page(cast: Any, client: Client) -> None:
    from supervision.access import time_environments

    assert time_environments(cast.supervisor) == [cast.environment]
    assert time_environments(cast.bystander) == [cast.environment]
    assert time_environments(cast.student) == []
    assert time_environments(cast.coordinator) == []
    # A school trainer without an organisation has nothing to log for.
    Membership.objects.filter(user=cast.supervisor).update(organisation=None)
    assert time_environments(cast.supervisor) == []
    client.force_login(cast.supervisor)
    url = reverse("supervision:time_log", args=[cast.environment.pk])
    assert client.get(url).status_code == 403
    assert url not in client.get(HOME).content.decode()


def test_many_waiting_weeks_show_the_oldest_three_and_the_queue(cast: Any, login: Any) -> None:
    import datetime

    from placements.models import Week, WeekStatus

    latest = submit_week(cast)
    earlier = [
        Week.objects.create(
            placement=cast.placement,
            start=latest.start - datetime.timedelta(weeks=n),
            status=WeekStatus.SUBMITTED,
        )
        for n in range(4, 0, -1)
    ]

    response = login(cast.supervisor).get(HOME, headers={"accept-language": "en"})

    row = rows(response)[cast.placement.pk]
    assert [w.pk for w in row.waiting_weeks] == [w.pk for w in [*earlier, latest]]
    html = response.content.decode()
    assert "5 weeks wait for my sign-off" in html
    assert all(week.get_absolute_url() in html for week in earlier[:3])
    assert all(week.get_absolute_url() not in html for week in [earlier[3], latest])
    assert f'href="{reverse("placements:signoff_queue")}"' in html


def test_sessions_the_supervisor_may_not_open_are_not_linked(cast: Any, login: Any) -> None:
    """The student also attended a session of a network the supervisor is not in: it
    shows, as text, since its page would answer the supervisor 404."""
    import datetime

    from learning_networks.models import LearningNetwork, NetworkSession, SessionStatus
    from learning_networks.services import network_member_set, session_save

    neighbourhood = LearningNetwork.objects.create(
        environment=cast.environment, name="Leernetwerk Wijk"
    )
    network_member_set(network=neighbourhood, user=cast.student)
    start = cast.past_session.starts_at + datetime.timedelta(days=1)
    elsewhere = session_save(
        session=NetworkSession(
            network=neighbourhood,
            kind="mixed",
            theme="Wijktafel zonder begeleider",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            status=SessionStatus.HELD,
        ),
        facilitators=[],
        audience_programmes=[],
    )
    client = login(cast.supervisor)
    assert client.get(elsewhere.get_absolute_url()).status_code == 404
    assert client.get(cast.past_session.get_absolute_url()).status_code == 200

    response = client.get(HOME)

    html = response.content.decode()
    assert "Wijktafel zonder begeleider" in html
    assert elsewhere.get_absolute_url() not in html
    assert cast.past_session.get_absolute_url() in html
    row = rows(response)[cast.placement.pk]
    assert [(a.session_pk, a.may_open) for a in row.recent_attendance] == [
        (elsewhere.pk, False),
        (cast.past_session.pk, True),
    ]


def test_htmx_asks_for_the_page_without_the_layout(cast: Any, login: Any) -> None:
    submit_week(cast)
    response = login(cast.supervisor).get(HOME, headers={"hx-request": "true"})
    html = response.content.decode()
    assert html.strip().startswith('<div id="supervisor-home">')
    assert "Sanne Student" in html
    assert "<html" not in html


def test_the_presenter_returns_plain_data(cast: Any) -> None:
    """No model rows, translated labels or HTML: pickled, nothing of Django's is in it."""
    import pickle

    from supervision.home import home_for

    submit_week(cast)
    share_reflection(cast.student, cast.environment, "Een gedeelde reflectie.")
    MeetingNoteFactory(placement=cast.placement, author=cast.supervisor)
    home = home_for(cast.supervisor)
    kept = pickle.dumps(home)
    assert b"django" not in kept
    assert pickle.loads(kept) == home


def test_kept_rendered_each_browser_gets_forms_it_can_send(cast: Any, settings: Any) -> None:
    """With the cache on, the page is kept per browser session: the supervisor's phone
    is not handed the CSRF tokens of their laptop's page."""
    import re

    from django.core.cache import cache

    settings.ULVO_SUPERVISOR_HOME_CACHE_SECONDS = 300
    cache.clear()
    reflection = share_reflection(cast.student, cast.environment, "Graag je reactie.")
    respond = reverse("reflections:feedback_add", args=[reflection.pk])
    browsers = {}
    for name in ("laptop", "phone"):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(cast.supervisor)
        browser.get(HOME)
        html = browser.get(HOME).content.decode()  # kept
        [token] = re.findall(
            rf'action="{re.escape(respond)}".*?name="csrfmiddlewaretoken" value="([^"]+)"',
            html,
            flags=re.S,
        )
        browsers[name] = (browser, token)
    with CaptureQueriesContext(connection) as again:
        browsers["phone"][0].get(HOME)
    assert "reflections_reflection" not in " ".join(q["sql"] for q in again.captured_queries)

    phone, token = browsers["phone"]
    # Refused for its empty text, not for its token.
    assert phone.post(respond, {"csrfmiddlewaretoken": token, "text": ""}).status_code == 422
    laptop, token = browsers["laptop"]
    response = laptop.post(respond, {"csrfmiddlewaretoken": token, "text": "Mooi.", "next": HOME})
    assert response.status_code == 302
    cache.clear()


def test_those_who_need_me_come_first_open_and_the_rest_folded(cast: Any, login: Any) -> None:
    """Scannable on a phone (#20): one line per student saying what waits; the students
    with a week or a reflection waiting come first, and the first of them is open."""
    quiet = UserFactory(full_name="Aad Alfabetisch-Eerst")
    MembershipFactory(
        user=quiet, environment=cast.environment, role=Role.STUDENT, programme=cast.pabo
    )
    placement = PlacementFactory(
        environment=cast.environment, programme=cast.pabo, school=cast.school, student=quiet
    )
    SupervisionAssignment.objects.create(
        placement=placement,
        supervisor=cast.supervisor,
        role=SupervisionRole.SCHOOL_TRAINER,
        domain=Domain.EDUCATIONAL,
    )
    submit_week(cast)  # Sanne Student: a week waits for my sign-off.

    html = login(cast.supervisor).get(HOME).content.decode()

    waiting = html.index(f'id="supervisee-{cast.placement.pk}"')
    folded = html.index(f'id="supervisee-{placement.pk}"')
    assert waiting < folded, "the student who needs me comes first, whatever the name"
    assert html[waiting : html.index(">", waiting)].endswith(" open")
    assert " open" not in html[folded : html.index(">", folded)]
    assert "1 week om af te tekenen" in html[waiting:folded]
    assert "er wacht niets op je" in html[folded:]
    assert "1 student heeft je nodig" in html
