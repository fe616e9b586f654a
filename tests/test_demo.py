import logging
import re
from collections.abc import Iterator
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import validate_totp_code
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Exists, OuterRef, Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role, User
from environments.models import (
    Domain,
    LearningEnvironment,
    Organisation,
    OrganisationKind,
    Programme,
    ProgrammeTarget,
)
from learning_networks.models import (
    Answer,
    Attendance,
    LearningNetwork,
    NetworkSession,
    Presence,
    SessionFeedback,
    SessionKind,
    SessionStatus,
)
from placements.models import (
    MAX_MINUTES_PER_DAY,
    ActivityEntry,
    EntryStatus,
    Placement,
    PlacementStatus,
    Setting,
    SupervisionAssignment,
    SupervisionRole,
    Week,
    WeekEvent,
    WeekStatus,
    week_start,
)
from ulvo.management.commands.demo import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    school_year_on,
)

pytestmark = pytest.mark.django_db

COORDINATORS = ["coordinator.leidscherijn@demo.ulvo.nl", "coordinator.vleuten@demo.ulvo.nl"]


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            EmailAddress,
            Membership,
            Organisation,
            Programme,
            ProgrammeTarget,
            LearningEnvironment,
            Authenticator,
        )
    }


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """One demo world for the module's reading tests (each rolls back its own
    changes), removed again at the end of the module."""
    with django_db_blocker.unblock():
        output = run("demo")
    yield output
    with django_db_blocker.unblock():
        call_command("flush", "--noinput", verbosity=0)


def test_environments_have_their_partner_organisations(demo: str) -> None:
    year = school_year_on(timezone.localdate())
    leidsche_rijn = LearningEnvironment.objects.get(name="Leidsche Rijn", school_year=year)
    vleuten = LearningEnvironment.objects.get(name="Vleuten/De Meern", school_year=year)

    institutes = {"Hogeschool Utrecht", "Marnix Academie", "MBO Utrecht"}
    assert set(leidsche_rijn.organisations.values_list("name", flat=True)) == {
        "Basisschool De Regenboog",
        "IKC Het Zand",
        "Tienerschool Leidsche Rijn",
        "Buurtteam Leidsche Rijn",
        "BSO De Speeltuin",
        "Universiteit Utrecht",
        *institutes,
    }
    assert set(vleuten.organisations.values_list("name", flat=True)) == {
        "Basisschool De Meern-Zuid",
        "Jongerenwerk Vleuten",
        "BSO De Speeltuin",
        *institutes,
    }
    for environment in (leidsche_rijn, vleuten):
        kinds = set(environment.organisations.values_list("kind", flat=True))
        assert kinds == set(OrganisationKind)
        # Targets only for programmes the partner institutes offer.
        assert environment.programme_targets.exists()
        assert not environment.programme_targets.exclude(
            programme__in=environment.programmes()
        ).exists()


def test_school_year_turns_on_the_first_of_august() -> None:
    assert school_year_on(date(2026, 7, 31)) == "2025-2026"
    assert school_year_on(date(2026, 8, 1)) == "2026-2027"
    assert school_year_on(date(2026, 11, 23)) == "2026-2027"


def test_students_are_as_unbalanced_as_in_the_pilots(demo: str) -> None:
    students = Membership.objects.filter(role=Role.STUDENT)
    social = students.filter(programme__domain=Domain.SOCIAL).count()
    pabo = students.filter(programme__name="Pabo").count()

    assert students.count() >= 35
    assert pabo >= 1
    assert social >= 5 * pabo
    assert students.filter(user__email="student@demo.ulvo.nl", programme__name="Social work")
    assert students.filter(user__email="pabo@demo.ulvo.nl", programme__name="Pabo")


def test_supervisors_belong_to_the_right_kind_of_organisation(demo: str) -> None:
    expected = {
        Role.SCHOOL_TRAINER: {OrganisationKind.SCHOOL},
        Role.PRACTICE_SUPERVISOR: {OrganisationKind.SCHOOL, OrganisationKind.NEIGHBOURHOOD},
        Role.INSTITUTE_SUPERVISOR: {OrganisationKind.INSTITUTE},
    }
    for role, kinds in expected.items():
        found = set(
            Membership.objects.filter(role=role).values_list("organisation__kind", flat=True)
        )
        assert found == kinds, role


def test_every_demo_user_can_log_in_with_a_verified_address(demo: str) -> None:
    users = User.objects.filter(email__endswith="@demo.ulvo.nl")

    assert (
        users.count()
        == EmailAddress.objects.filter(user__in=users, primary=True, verified=True).count()
    )
    assert all(user.check_password(DEMO_PASSWORD) for user in users)
    assert users.get(email="beheer@demo.ulvo.nl").is_superuser


def test_coordinators_and_staff_have_exactly_one_totp_authenticator(demo: str) -> None:
    for email in [*COORDINATORS, "beheer@demo.ulvo.nl"]:
        authenticators = Authenticator.objects.filter(user__email=email)

        assert authenticators.count() == 1, email
        authenticator = authenticators.get()
        assert authenticator.type == Authenticator.Type.TOTP
        assert get_mfa_adapter().decrypt(authenticator.data["secret"]) == DEMO_TOTP_SECRET

    assert not Authenticator.objects.filter(user__email="student@demo.ulvo.nl").exists()


def test_a_demo_student_logs_in(demo: str, client: Client) -> None:
    response = client.post(
        reverse("account_login"),
        {"login": "student@demo.ulvo.nl", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302

    response = client.get("/")

    assert response.status_code == 200
    assert response.wsgi_request.user.email == "student@demo.ulvo.nl"
    assert "Leidsche Rijn" in response.content.decode()


def test_a_coordinator_logs_in_with_the_code_from_demo_totp(
    demo: str, client: Client, settings
) -> None:
    # A code is valid for one 30-second window; one window of slack keeps the
    # test from failing when the clock ticks over between printing and posting.
    settings.MFA_TOTP_TOLERANCE = 1
    cache.clear()
    email = COORDINATORS[0]
    response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")

    code = run("demo_totp", email).strip()
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302

    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user.email == email
    assert "Leidsche Rijn" in response.content.decode()


def test_demo_totp_prints_a_valid_code(demo: str, settings) -> None:
    settings.MFA_TOTP_TOLERANCE = 1  # see above
    output = run("demo_totp", "coordinator.vleuten@demo.ulvo.nl")

    assert re.fullmatch(r"\d{6}\n", output)
    assert validate_totp_code(DEMO_TOTP_SECRET, output.strip())


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("someone@example.org", "Only demo accounts"),
        ("beheer@demo.ulvo.nl.example.org", "Only demo accounts"),
        ("student@demo.ulvo.nl", "no TOTP"),
        ("nobody@demo.ulvo.nl", "No user"),
    ],
)
def test_demo_totp_refuses(demo: str, email: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("demo_totp", email)


def test_demo_totp_refuses_a_real_user_with_totp(demo: str) -> None:
    real = User.objects.create_user("echt@example.org", "x", full_name="Echte Coördinator")
    Authenticator.objects.create(user=real, type=Authenticator.Type.TOTP, data={"secret": "X"})

    with pytest.raises(CommandError, match="Only demo accounts"):
        run("demo_totp", "echt@example.org")


def test_demo_refuses_to_run_in_production(settings) -> None:
    settings.PRODUCTION = True
    before = counts()
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("demo", stdout=out)
    assert out.getvalue() == ""
    assert counts() == before


def test_the_login_table_lists_every_demo_user(demo: str) -> None:
    users = User.objects.filter(email__endswith="@demo.ulvo.nl")

    for user in users:
        assert user.email in demo
    assert "demo_totp" in demo
    assert DEMO_TOTP_SECRET in demo


def test_the_login_table_comes_last_and_the_security_log_stays_quiet(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """bin/start loads the demo and then serves: the table a newcomer needs must be the
    last thing above the server's address, not buried in a log line per membership."""
    with caplog.at_level(logging.INFO, logger="ulvo.security"):
        output = run("demo")

    assert [r for r in caplog.records if r.name == "ulvo.security"] == []
    tail = output[output.index("Demo world ready") :]
    assert "Weeks waiting for sign-off" not in tail
    assert "student@demo.ulvo.nl" in tail
    assert logging.getLogger("ulvo.security").disabled is False


# --- Placements and logged work (placements/demo.py) -----------------------------------
# Few tests with many assertions each: every run of the demo logs hundreds of entries.

NAMED = ["student@demo.ulvo.nl", "pabo@demo.ulvo.nl"]
PRACTICE_ROLES = [SupervisionRole.PRACTICE, SupervisionRole.SCHOOL_TRAINER]


def placement_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Placement, ActivityEntry, Week, WeekEvent, SupervisionAssignment)
    }


def network_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (LearningNetwork, NetworkSession, Attendance, SessionFeedback)
    }


def test_running_twice_adds_nothing() -> None:
    run("demo")
    first = counts() | placement_counts() | network_counts()
    states = (
        set(ActivityEntry.objects.values_list("pk", "status", "description")),
        set(Week.objects.values_list("pk", "status", "submitted_at", "reviewed_at")),
    )
    run("demo")

    assert counts() | placement_counts() | network_counts() == first
    assert all(first.values()), first
    assert states == (
        set(ActivityEntry.objects.values_list("pk", "status", "description")),
        set(Week.objects.values_list("pk", "status", "submitted_at", "reviewed_at")),
    )


def test_every_demo_student_has_an_active_placement_with_supervisors(demo: str) -> None:
    today = timezone.localdate()
    students = Membership.objects.filter(role=Role.STUDENT).select_related("user")

    assert students.count() >= 35
    for membership in students:
        placement = Placement.objects.get(
            student=membership.user,
            programme=membership.programme,
            environment=membership.environment,
        )
        assert placement.status == PlacementStatus.ACTIVE
        assert placement.start_date <= today <= placement.end_date
        assert placement.hosts
        assert 2 <= len(placement.days_on_site) <= 3
        assert len(placement.days_at_institute) == 1
        assert not set(placement.days_on_site) & set(placement.days_at_institute)
        assert 8 <= placement.hours_per_week <= 24
        assert placement.assignments.filter(signs_off=True).count() == 1, membership.user
    assert SupervisionAssignment.objects.filter(
        role=SupervisionRole.INSTITUTE, assesses=True, signs_off=False
    ).exists()

    # Some hours are signed off by a neighbourhood professional without an account.
    linked = SupervisionAssignment.objects.filter(supervisor=None, signs_off=True)
    assert linked.exists()
    emails = set(linked.values_list("email", flat=True))
    assert all(email.endswith("@demo.ulvo.nl") for email in emails)
    assert not User.objects.filter(email__in=emails).exists()
    assert WeekEvent.objects.filter(
        via_link=True, actor=None, week__placement__assignments__in=linked
    ).exists()
    assert "wijkcoach@demo.ulvo.nl" in demo

    # The pilots' gap: social-domain students supervised from education only.
    social = Placement.objects.filter(programme__domain=Domain.SOCIAL)
    own_domain = SupervisionAssignment.objects.filter(
        placement=OuterRef("pk"), role__in=PRACTICE_ROLES, domain=Domain.SOCIAL
    )
    gaps = social.exclude(Exists(own_domain))
    assert gaps.exists()
    assert gaps.count() < social.count() / 2  # a gap, not the rule
    for placement in gaps:
        domains = set(
            placement.assignments.filter(role__in=PRACTICE_ROLES).values_list("domain", flat=True)
        )
        assert domains == {Domain.EDUCATIONAL}


def test_logged_work_is_in_the_past_and_weeks_are_in_every_state(demo: str) -> None:
    today = timezone.localdate()
    this_week = week_start(today)
    entries = ActivityEntry.objects.select_related("placement")

    assert entries.count() > 300
    assert not entries.filter(date__gt=today).exists()
    busiest = (
        ActivityEntry.objects.values("placement", "date")
        .annotate(total=Sum("minutes"))
        .order_by("-total")
        .first()
    )
    assert busiest is not None and busiest["total"] <= MAX_MINUTES_PER_DAY
    for entry in entries:
        placement = entry.placement
        assert placement.covers(entry.date)
        assert entry.date.isoweekday() in placement.days_on_site
        assert 15 <= entry.minutes <= 12 * 60
        assert entry.description
        if entry.setting == Setting.SCHOOL:
            assert placement.school_id
        else:
            assert entry.setting == Setting.NEIGHBOURHOOD
            assert placement.neighbourhood_organisation_id

    assert set(Week.objects.values_list("status", flat=True)) == set(WeekStatus)
    for email in NAMED:
        placement = Placement.objects.get(student__email=email)
        assert set(placement.weeks.values_list("status", flat=True)) == set(WeekStatus), email
        # Last week waits for sign-off; this week's entries are still draft.
        assert placement.weeks.get(start=this_week - timedelta(weeks=1)).status == "submitted"
        assert not placement.entries.filter(date__gte=this_week).exclude(status=EntryStatus.DRAFT)
        if any(this_week + timedelta(days=day - 1) <= today for day in placement.days_on_site):
            assert placement.entries.filter(date__gte=this_week, status=EntryStatus.DRAFT)

    # The weeks went through the sign-off workflow: entries, history and reviewer agree.
    for week in Week.objects.prefetch_related("events", "placement__entries"):
        week_entries = [e for e in week.placement.entries.all() if week.start <= e.date <= week.end]
        events = list(week.events.all())
        assert week_entries
        # A reopened week's entries are drafts again, for the student to add to.
        reopened = week.status == WeekStatus.REOPENED
        assert {entry.status for entry in week_entries} == (
            {EntryStatus.DRAFT} if reopened else {week.status}
        )
        assert events[0].action == "submitted"
        assert events[-1].action == week.status
        assert [e.created_at for e in events] == sorted(e.created_at for e in events)
        assert events[-1].created_at <= timezone.now()
        assert week.submitted_at is not None
        if week.status == WeekStatus.SUBMITTED:
            assert week.reviewed_at is None
        else:
            assert week.reviewer_name
            assert week.submitted_at <= week.reviewed_at
        if week.status == WeekStatus.RETURNED:
            assert week.comment.strip()
    # Some weeks were returned, fixed and approved after all.
    assert WeekEvent.objects.filter(action="returned", week__status=WeekStatus.APPROVED)


def test_the_demo_student_sees_their_placement_and_their_supervisor_a_week_to_sign_off(
    demo: str, client: Client
) -> None:
    student = User.objects.get(email="student@demo.ulvo.nl")
    placement = Placement.objects.get(student=student)
    client.force_login(student)

    response = client.get(reverse("placements:detail", args=[placement.pk]))

    assert response.status_code == 200
    assert "Buurtteam Leidsche Rijn" in response.content.decode()

    signer = placement.assignments.get(signs_off=True)
    assert signer.supervisor is not None
    assert signer.role == SupervisionRole.PRACTICE
    assert signer.domain == Domain.SOCIAL  # the demo student does have a role model
    assert placement.weeks.filter(status=WeekStatus.SUBMITTED).exists()
    client.force_login(signer.supervisor)

    response = client.get(reverse("placements:signoff_queue"))

    assert response.status_code == 200
    assert "Daan de Vries" in response.content.decode()
    assert signer.supervisor.email in demo  # the command says where to look


# --- Learning networks and sessions (learning_networks/demo.py) ------------------------

NETWORKS = {
    "Leidsche Rijn": "Leernetwerk Leidsche Rijn",
    "Vleuten/De Meern": "Leernetwerk Vleuten/De Meern",
}


def test_two_networks_each_have_a_core_team_and_a_learning_line_of_ordered_sessions(
    demo: str,
) -> None:
    for environment_name, name in NETWORKS.items():
        network = LearningNetwork.objects.get(name=name, environment__name=environment_name)
        students = set(
            Membership.objects.filter(
                environment=network.environment, role=Role.STUDENT
            ).values_list("user_id", flat=True)
        )
        members = set(network.memberships.values_list("user_id", flat=True))
        assert students <= members, name
        core = network.memberships.filter(core_team=True)
        assert 3 <= core.count() <= 4, name
        core_roles = set(
            Membership.objects.filter(
                environment=network.environment, user__network_memberships__in=core
            ).values_list("role", flat=True)
        )
        assert {Role.SCHOOL_TRAINER, Role.PRACTICE_SUPERVISOR, Role.INSTITUTE_SUPERVISOR} <= (
            core_roles
        )
        assert not core.filter(user_id__in=students).exists()

        line = network.lines.get()
        sessions = list(line.sessions.order_by("position"))
        assert len(sessions) >= 5, name
        assert [s.position for s in sessions] == list(range(1, len(sessions) + 1))
        assert [s.starts_at for s in sessions] == sorted(s.starts_at for s in sessions)
        assert sessions[0].kind == SessionKind.KICK_OFF
        assert len({s.kind for s in sessions}) >= 4
        assert all(s.theme and s.preparation_notes for s in sessions)
        assert {s.status for s in sessions} == {
            SessionStatus.HELD,
            SessionStatus.PLANNED,
            SessionStatus.DRAFT,
        }
        assert network.sessions.filter(status=SessionStatus.CANCELLED).count() == 1
        # Facilitators from several organisations, all of this environment.
        organisations = set(
            Membership.objects.filter(
                environment=network.environment,
                user__facilitated_sessions__network=network,
                organisation__isnull=False,
            ).values_list("organisation", flat=True)
        )
        assert len(organisations) >= 3, name
        assert (
            not network.sessions.exclude(location=None)
            .exclude(location__in=network.environment.organisations.all())
            .exists()
        )


def test_past_sessions_were_held_with_attendance_and_feedback(demo: str) -> None:
    now = timezone.now()
    held = NetworkSession.objects.filter(status=SessionStatus.HELD)

    assert held.count() >= 4
    assert not held.filter(ends_at__gt=now).exists()
    assert (
        not NetworkSession.objects.filter(starts_at__lt=now)
        .exclude(status__in=[SessionStatus.HELD])
        .exists()
    )
    for session in held:
        attendances = session.attendances.all()
        presence = list(attendances.values_list("presence", flat=True))
        assert Presence.UNKNOWN not in presence
        assert presence.count(Presence.PRESENT) > len(presence) / 2, session
        # On a day most students are on site.
        on_site = Placement.objects.filter(
            environment=session.network.environment,
            weekdays_on_site__gt=0,
        )
        weekday = timezone.localdate(session.starts_at).isoweekday()
        there = [p for p in on_site if weekday in p.days_on_site]
        assert len(there) >= len(on_site) / 2, session
        # Excused people said so beforehand, with a reason.
        assert not attendances.filter(presence=Presence.EXCUSED).exclude(answer=Answer.NO)
        assert not attendances.filter(answer=Answer.NO, reason="")
        # Feedback only from present students, never from the facilitators.
        feedback = session.feedback.all()
        assert feedback.exists()
        assert not feedback.filter(user__in=session.facilitators.all()).exists()
        present = set(
            attendances.filter(presence=Presence.PRESENT).values_list("user_id", flat=True)
        )
        assert set(feedback.values_list("user_id", flat=True)) <= present
        assert all(2 <= f.usefulness <= 5 and 2 <= f.relevance <= 5 for f in feedback)
    everyone = set(Attendance.objects.filter(session__in=held).values_list("presence", flat=True))
    assert everyone == {Presence.PRESENT, Presence.EXCUSED, Presence.ABSENT}
    assert SessionFeedback.objects.exclude(comment="").exists()
    assert SessionFeedback.objects.filter(comment="").exists()
    # The named student still has feedback to give, and the command says where.
    student = User.objects.get(email="student@demo.ulvo.nl")
    todo = held.filter(attendances__user=student, attendances__presence=Presence.PRESENT).exclude(
        feedback__user=student
    )
    assert todo.exists()
    assert "student@demo.ulvo.nl can give feedback on" in demo


def test_upcoming_sessions_are_planned_with_invitations_and_some_answers(demo: str) -> None:
    now = timezone.now()
    planned = NetworkSession.objects.filter(status=SessionStatus.PLANNED)

    assert planned.count() >= 2
    assert not planned.filter(starts_at__lte=now).exists()
    for session in planned:
        attendances = session.attendances.all()
        assert attendances.exists(), session
        assert set(session.facilitators.values_list("pk", flat=True)) <= set(
            attendances.values_list("user_id", flat=True)
        )
        assert not attendances.exclude(presence=Presence.UNKNOWN).exists()
    answers = set(Attendance.objects.filter(session__in=planned).values_list("answer", flat=True))
    assert answers == {Answer.YES, Answer.NO, Answer.NONE}
    assert not Attendance.objects.filter(session__in=planned, answer=Answer.NO, reason="")
    assert not SessionFeedback.objects.filter(session__in=planned).exists()
    # Drafts invite nobody yet.
    drafts = NetworkSession.objects.filter(status=SessionStatus.DRAFT)
    assert drafts.count() == 2
    assert not Attendance.objects.filter(session__in=drafts).exists()
    # The command names who sees the roster of an upcoming session.
    match = re.search(r"(\S+@demo\.ulvo\.nl) sees the roster of '([^']+)'", demo)
    assert match
    session = planned.get(theme=match.group(2))
    assert session.facilitators.filter(email=match.group(1)).exists()


def test_a_demo_student_sees_an_upcoming_session_on_the_home_page(
    demo: str, client: Client
) -> None:
    student = User.objects.get(email="student@demo.ulvo.nl")
    session = (
        NetworkSession.objects.filter(
            status=SessionStatus.PLANNED,
            starts_at__gt=timezone.now(),
            attendances__user=student,
        )
        .order_by("starts_at")
        .first()
    )
    assert session is not None
    assert session.starts_at <= timezone.now() + timedelta(days=14)
    client.force_login(student)

    response = client.get("/")

    assert response.status_code == 200
    content = response.content.decode()
    assert f'id="upcoming-{session.pk}"' in content
    assert session.theme in content
