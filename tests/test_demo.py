import re
from datetime import date
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import validate_totp_code
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role, User
from environments.management.commands.demo import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    school_year_on,
)
from environments.models import (
    Domain,
    LearningEnvironment,
    Organisation,
    OrganisationKind,
    Programme,
    ProgrammeTarget,
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


@pytest.fixture
def demo() -> str:
    return run("demo")


def test_running_twice_adds_nothing() -> None:
    run("demo")
    first = counts()
    run("demo")

    assert counts() == first
    assert all(first.values()), first


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

    with pytest.raises(CommandError):
        run("demo")
    assert not User.objects.exists()


def test_the_login_table_lists_every_demo_user(demo: str) -> None:
    users = User.objects.filter(email__endswith="@demo.ulvo.nl")

    for user in users:
        assert user.email in demo
    assert "demo_totp" in demo
    assert DEMO_TOTP_SECRET in demo
