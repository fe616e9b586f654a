"""Two-factor authentication: required for coordinators and staff, available to all."""

import time
from typing import Any

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory
from tests.accounts.steps import activate_totp

ACTIVATE_URL = reverse("mfa_activate_totp")
AUTHENTICATE_URL = reverse("mfa_authenticate")
DEACTIVATE_URL = reverse("mfa_deactivate_totp")
INCORRECT_CODE = "Ongeldige code."
CANNOT_DEACTIVATE = "Je kunt tweestapsverificatie niet uitzetten."


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now."""
    # Without tolerance a code is valid in its own period only: do not compute
    # one in the last moment of a period.
    if mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD < 1:
        time.sleep(1.1)
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def secret_of(user: User) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def reauthenticate(client: Client) -> None:
    """Confirm the password, as allauth asks before two-factor settings change."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()


@pytest.fixture
def new_coordinator(cast: Any) -> User:
    """A coordinator who has not set up an authenticator app yet."""
    user = UserFactory(email="nieuwe.coordinator@example.org")
    MembershipFactory(user=user, environment=cast.environment, role=Role.COORDINATOR)
    return user


# --- Required for coordinators and staff ----------------------------------------


def test_coordinator_without_totp_is_sent_to_set_it_up(
    client: Client, new_coordinator: User
) -> None:
    client.force_login(new_coordinator)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == ACTIVATE_URL


def test_coordinator_without_totp_htmx_request_gets_hx_redirect(
    client: Client, new_coordinator: User
) -> None:
    client.force_login(new_coordinator)

    response = client.get("/", HTTP_HX_REQUEST="true")

    # django-htmx's client redirect: htmx loads the whole page, and no Location
    # header lets the browser follow it into the fragment instead.
    assert response.status_code == 200 and "Location" not in response
    assert response["HX-Redirect"] == ACTIVATE_URL


def test_staff_without_totp_is_sent_to_set_it_up(client: Client, db: None) -> None:
    client.force_login(UserFactory(is_staff=True))

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == ACTIVATE_URL


def test_inactive_coordinator_membership_does_not_require_totp(client: Client, cast: Any) -> None:
    user = UserFactory()
    MembershipFactory(
        user=user, environment=cast.environment, role=Role.COORDINATOR, is_active=False
    )
    client.force_login(user)

    assert client.get("/").status_code == 200


@pytest.mark.parametrize("role", ["student", "supervisor"])
def test_students_and_supervisors_do_not_need_totp(client: Client, cast: Any, role: str) -> None:
    user = getattr(cast, role)
    assert not has_totp(user)
    client.force_login(user)

    assert client.get("/").status_code == 200


def test_coordinator_with_totp_reaches_home(client: Client, cast: Any) -> None:
    client.force_login(cast.coordinator)

    assert client.get("/").status_code == 200


def test_coordinator_without_totp_can_reach_activation_after_password(
    client: Client, new_coordinator: User
) -> None:
    client.force_login(new_coordinator)

    # allauth asks for the password again before two-factor settings change.
    response = client.get(ACTIVATE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(response["Location"]).status_code == 200

    reauthenticate(client)
    response = client.get(ACTIVATE_URL)

    assert response.status_code == 200
    assert response.context["form"].secret == client.session[SECRET_SESSION_KEY]


def test_coordinator_without_totp_can_log_out(client: Client, new_coordinator: User) -> None:
    client.force_login(new_coordinator)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert not get_user(client).is_authenticated


def test_activating_totp_unlocks_the_site(client: Client, new_coordinator: User) -> None:
    # The whole journey from the login form: password, set-up, site.
    response = client.post(
        reverse("account_login"), {"login": new_coordinator.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == ACTIVATE_URL
    response = client.get(ACTIVATE_URL, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert response.status_code == 200
    secret = response.context["form"].secret

    response = client.post(ACTIVATE_URL, {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert secret_of(new_coordinator) == secret
    assert client.get(response["Location"]).status_code == 200
    assert client.get("/").status_code == 200


def test_activating_with_wrong_code_activates_nothing(
    client: Client, new_coordinator: User
) -> None:
    client.force_login(new_coordinator)
    reauthenticate(client)
    secret = client.get(ACTIVATE_URL).context["form"].secret
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post(ACTIVATE_URL, {"code": wrong})

    assert response.status_code == 200
    assert INCORRECT_CODE in response.content.decode()
    assert not has_totp(new_coordinator)
    assert client.get("/")["Location"] == ACTIVATE_URL


# --- Logging in with a code -------------------------------------------------------


def log_in_with_password(client: Client, user: User) -> Any:
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def test_login_with_totp_asks_for_the_code(client: Client, cast: Any) -> None:
    response = log_in_with_password(client, cast.coordinator)

    assert response.status_code == 302
    assert response["Location"] == AUTHENTICATE_URL
    assert not get_user(client).is_authenticated
    assert client.get("/")["Location"].startswith(reverse("account_login"))
    assert client.get(AUTHENTICATE_URL).status_code == 200


def test_wrong_code_does_not_log_in(client: Client, cast: Any) -> None:
    log_in_with_password(client, cast.coordinator)
    right = totp_code(secret_of(cast.coordinator))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(AUTHENTICATE_URL, {"code": wrong})

    assert response.status_code == 200
    assert INCORRECT_CODE in response.content.decode()
    assert not get_user(client).is_authenticated
    cast.coordinator.refresh_from_db()
    assert cast.coordinator.last_login is None


def test_correct_code_logs_in(client: Client, cast: Any) -> None:
    log_in_with_password(client, cast.coordinator)

    response = client.post(AUTHENTICATE_URL, {"code": totp_code(secret_of(cast.coordinator))})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert get_user(client) == cast.coordinator
    assert client.get("/").status_code == 200


def test_code_of_another_user_does_not_log_in(client: Client, cast: Any) -> None:
    log_in_with_password(client, cast.coordinator)

    response = client.post(AUTHENTICATE_URL, {"code": totp_code(secret_of(cast.other_coordinator))})

    assert response.status_code == 200
    assert not get_user(client).is_authenticated


def test_authenticate_page_without_password_step_goes_to_login(client: Client, cast: Any) -> None:
    response = client.post(AUTHENTICATE_URL, {"code": totp_code(secret_of(cast.coordinator))})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert not get_user(client).is_authenticated


# --- Deactivating ------------------------------------------------------------------


def test_deactivating_asks_for_the_password_first(client: Client, cast: Any) -> None:
    activate_totp(cast.student)
    client.force_login(cast.student)

    response = client.post(DEACTIVATE_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert has_totp(cast.student)


def test_coordinator_cannot_deactivate_totp(client: Client, cast: Any) -> None:
    client.force_login(cast.coordinator)
    reauthenticate(client)

    response = client.post(DEACTIVATE_URL)

    assert response.status_code == 200
    assert CANNOT_DEACTIVATE in response.content.decode()
    assert has_totp(cast.coordinator)


def test_staff_cannot_deactivate_totp(client: Client, db: None) -> None:
    staff = UserFactory(is_staff=True)
    activate_totp(staff)
    client.force_login(staff)
    reauthenticate(client)

    response = client.post(DEACTIVATE_URL)

    assert response.status_code == 200
    assert CANNOT_DEACTIVATE in response.content.decode()
    assert has_totp(staff)


def test_student_can_deactivate_totp(client: Client, cast: Any) -> None:
    TOTP.activate(cast.student, "JBSWY3DPEHPK3PXP")
    client.force_login(cast.student)
    reauthenticate(client)

    response = client.post(DEACTIVATE_URL)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    assert not has_totp(cast.student)
