"""Invitations: the coordinator's page, withdrawing, accepting, and the e-mail task.

The cast (tests/conftest.py) provides the environment "Leidsche Rijn" with a school,
a neighbourhood organisation and an institute with the programmes Social work and
Pabo; the coordinator manages it.
"""

import re
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail, signing
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Invitation, Membership, Role, User
from accounts.services import (
    InvitationError,
    invitation_accept_existing_user,
    invitation_accept_new_user,
    invitation_create,
    invitation_revoke,
)
from accounts.tasks import send_invitation_email
from tests.accounts.factories import UserFactory
from tests.clock import frozen_at
from tests.environments.factories import InstituteFactory, OrganisationFactory, ProgrammeFactory

STRONG_PASSWORD = "Zeilboot-Lente-2026!"
ACCEPT_URL = re.compile(r"(https?://\S+/uitnodiging/(?P<token>[^/\s]+)/)")


def list_url(cast: Any) -> str:
    return reverse("accounts:invitation_list", args=[cast.environment.pk])


def revoke_url(cast: Any, invitation: Invitation) -> str:
    return reverse("accounts:invitation_revoke", args=[cast.environment.pk, invitation.pk])


def accept_url(token: str) -> str:
    return reverse("accounts:invitation_accept", args=[token])


def invite(cast: Any, **overrides: Any) -> Invitation:
    """A pending invitation for a new student, made through the real service."""
    fields: dict[str, Any] = {
        "email": "nina@example.org",
        "full_name": "Nina Nieuw",
        "role": Role.STUDENT,
        "programme": cast.social_work,
    }
    fields.update(overrides)
    return invitation_create(environment=cast.environment, invited_by=cast.coordinator, **fields)


def account_data(**overrides: str) -> dict[str, str]:
    data = {
        "full_name": "Nina Nieuw",
        "language": "nl",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
    }
    data.update(overrides)
    return data


def snapshot() -> dict[str, Any]:
    """What accepting or inviting may change."""
    return {
        "users": sorted(User.objects.values_list("email", flat=True)),
        "emails": sorted(EmailAddress.objects.values_list("email", "verified")),
        "memberships": sorted(
            Membership.objects.values_list(
                "user_id", "environment_id", "role", "organisation_id", "programme_id", "is_active"
            )
        ),
        "invitations": sorted(
            Invitation.objects.values_list(
                "pk", "email", "role", "accepted_at", "accepted_by_id", "revoked_at"
            )
        ),
    }


def assert_field_error(response: Any, field: str) -> None:
    """The form came back with an error rendered at the field."""
    form = response.context["form"]
    assert field in form.errors, form.errors
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert escape(form.errors[field][0]) in html


@pytest.fixture
def coordinator(cast: Any, client: Client) -> Client:
    client.force_login(cast.coordinator)
    return client


# --- Creating an invitation -------------------------------------------------------


def test_coordinator_sees_the_form_and_the_invitations(cast: Any, coordinator: Client) -> None:
    invite(cast, email="al.uitgenodigd@example.org")

    response = coordinator.get(list_url(cast))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert 'id="invitations"' in html
    assert 'name="email"' in html
    assert "al.uitgenodigd@example.org" in html


def test_coordinator_invites_a_student(
    cast: Any, coordinator: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            list_url(cast),
            {
                "email": "Nina.Nieuw@Example.org",
                "full_name": "Nina Nieuw",
                "role": Role.STUDENT,
                "programme": cast.social_work.pk,
            },
        )

    assert response.status_code == 302
    assert response["Location"] == list_url(cast)
    invitation = Invitation.objects.get()
    assert invitation.environment == cast.environment
    assert invitation.email == "nina.nieuw@example.org"
    assert invitation.full_name == "Nina Nieuw"
    assert invitation.role == Role.STUDENT
    assert invitation.programme == cast.social_work
    assert invitation.organisation is None
    assert invitation.invited_by == cast.coordinator
    assert invitation.is_pending
    expected_expiry = timezone.now() + settings.INVITATION_MAX_AGE
    assert abs(invitation.expires_at - expected_expiry) < timedelta(minutes=1)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nina.nieuw@example.org"]
    assert cast.environment.name in message.subject
    found = ACCEPT_URL.search(message.body)
    assert found, message.body
    assert found.group(1).startswith(settings.ULVO_BASE_URL + "/uitnodiging/")
    assert Invitation.pk_from_token(found.group("token")) == invitation.pk

    page = coordinator.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="messages"' in html
    assert "nina.nieuw@example.org" in html.split('id="messages"', 1)[1].split("</div>", 1)[0]


def test_coordinator_invites_a_supervisor_of_an_organisation(
    cast: Any, coordinator: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            list_url(cast),
            {
                "email": "buurtwerker@example.org",
                "role": Role.PRACTICE_SUPERVISOR,
                "organisation": cast.neighbourhood.pk,
            },
        )

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.role == Role.PRACTICE_SUPERVISOR
    assert invitation.organisation == cast.neighbourhood
    assert invitation.programme is None
    assert invitation.environment == cast.environment
    assert [m.to for m in mail.outbox] == [["buurtwerker@example.org"]]


def test_htmx_invitation_returns_the_fragment_with_the_message_out_of_band(
    cast: Any, coordinator: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            list_url(cast),
            {"email": "htmx@example.org", "role": Role.STUDENT, "programme": cast.pabo.pk},
            HTTP_HX_REQUEST="true",
        )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="invitations"')
    fragment, _, rest = html.partition('<div id="messages"')
    assert "htmx@example.org" in fragment
    assert 'hx-swap-oob="true"' in rest
    assert "htmx@example.org" in rest
    # A fresh form replaces the one just submitted.
    assert not response.context["form"].is_bound
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.programme) == ("htmx@example.org", cast.pabo)
    assert invitation.invited_by == cast.coordinator
    assert len(mail.outbox) == 1


def _other_environments_school(cast: Any) -> dict[str, Any]:
    school = OrganisationFactory(name="Vleutense school")
    cast.other_environment.organisations.add(school)
    return {"email": "x@example.org", "role": Role.SCHOOL_TRAINER, "organisation": school.pk}


def _programme_outside_the_environment(cast: Any) -> dict[str, Any]:
    institute = InstituteFactory(name="Universiteit elders")
    programme = ProgrammeFactory(institute=institute, name="Pedagogiek elders")
    return {"email": "x@example.org", "role": Role.STUDENT, "programme": programme.pk}


def _pending_duplicate(cast: Any) -> dict[str, Any]:
    invite(cast, email="dubbel@example.org")
    return {"email": "DUBBEL@example.org", "role": Role.STUDENT, "programme": cast.pabo.pk}


INVALID_INVITATIONS: list[tuple[str, Callable[[Any], dict[str, Any]], str]] = [
    ("empty-form", lambda cast: {}, "email"),
    (
        "student-without-programme",
        lambda cast: {"email": "x@example.org", "role": Role.STUDENT},
        "programme",
    ),
    (
        "school-trainer-at-an-institute",
        lambda cast: {
            "email": "x@example.org",
            "role": Role.SCHOOL_TRAINER,
            "organisation": cast.institute.pk,
        },
        "organisation",
    ),
    (
        "supervisor-without-organisation",
        lambda cast: {"email": "x@example.org", "role": Role.PRACTICE_SUPERVISOR},
        "organisation",
    ),
    (
        "programme-for-a-supervisor",
        lambda cast: {
            "email": "x@example.org",
            "role": Role.PRACTICE_SUPERVISOR,
            "organisation": cast.school.pk,
            "programme": cast.pabo.pk,
        },
        "programme",
    ),
    ("organisation-of-another-environment", _other_environments_school, "organisation"),
    ("programme-outside-the-environment", _programme_outside_the_environment, "programme"),
    (
        "programme-not-a-number",
        lambda cast: {"email": "x@example.org", "role": Role.STUDENT, "programme": "abc"},
        "programme",
    ),
    (
        "unknown-role",
        lambda cast: {"email": "x@example.org", "role": "superuser"},
        "role",
    ),
    (
        "malformed-email",
        lambda cast: {"email": "geen-adres", "role": Role.STUDENT, "programme": cast.pabo.pk},
        "email",
    ),
    (
        "empty-email",
        lambda cast: {"email": "", "role": Role.STUDENT, "programme": cast.pabo.pk},
        "email",
    ),
    (
        "300-character-email",
        lambda cast: {
            "email": "a" * 288 + "@example.org",
            "role": Role.STUDENT,
            "programme": cast.pabo.pk,
        },
        "email",
    ),
    (
        "nul-byte-in-name",
        lambda cast: {
            "email": "x@example.org",
            "full_name": "Nina\x00Nieuw",
            "role": Role.STUDENT,
            "programme": cast.pabo.pk,
        },
        "full_name",
    ),
    (
        "overlong-name",
        lambda cast: {
            "email": "x@example.org",
            "full_name": "N" * 151,
            "role": Role.STUDENT,
            "programme": cast.pabo.pk,
        },
        "full_name",
    ),
    ("duplicate-pending-invitation", _pending_duplicate, "email"),
    (
        "email-already-has-the-role",
        lambda cast: {
            "email": "Student@Example.org",
            "role": Role.STUDENT,
            "programme": cast.pabo.pk,
        },
        "email",
    ),
]


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "full-page"])
@pytest.mark.parametrize(
    ("build", "field"),
    [pytest.param(build, field, id=name) for name, build, field in INVALID_INVITATIONS],
)
def test_invalid_invitation_is_refused_at_the_field(
    cast: Any,
    coordinator: Client,
    django_capture_on_commit_callbacks: Any,
    build: Callable[[Any], dict[str, Any]],
    field: str,
    htmx: bool,
) -> None:
    data = build(cast)
    before = snapshot()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(list_url(cast), data, **headers)

    assert response.status_code == 422
    assert_field_error(response, field)
    assert ("<html" in response.content.decode()) is not htmx
    assert snapshot() == before
    assert mail.outbox == []


def test_extra_fields_cannot_be_assigned(
    cast: Any, coordinator: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            list_url(cast),
            {
                "email": "massa@example.org",
                "role": Role.STUDENT,
                "programme": cast.social_work.pk,
                "environment": cast.other_environment.pk,
                "invited_by": cast.other_coordinator.pk,
                "accepted_by": cast.other_coordinator.pk,
                "accepted_at": "2020-01-01 12:00",
                "revoked_at": "2020-01-01 12:00",
                "expires_at": "2099-01-01 12:00",
                "created_at": "2000-01-01 12:00",
            },
        )

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.environment == cast.environment
    assert invitation.invited_by == cast.coordinator
    assert invitation.accepted_at is None
    assert invitation.accepted_by is None
    assert invitation.revoked_at is None
    assert invitation.created_at > timezone.now() - timedelta(minutes=1)
    expected_expiry = timezone.now() + settings.INVITATION_MAX_AGE
    assert abs(invitation.expires_at - expected_expiry) < timedelta(minutes=1)
    assert not cast.other_environment.invitations.exists()


def test_invitation_list_refuses_other_methods(cast: Any, coordinator: Client) -> None:
    response = coordinator.put(list_url(cast))

    assert response.status_code == 405
    assert not Invitation.objects.exists()


# --- Withdrawing ------------------------------------------------------------------


def test_coordinator_revokes_and_the_link_stops_working(
    cast: Any, coordinator: Client, client: Client
) -> None:
    invitation = invite(cast)
    token = invitation.token

    response = coordinator.post(revoke_url(cast, invitation))

    assert response.status_code == 302
    assert response["Location"] == list_url(cast)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert not invitation.is_pending

    anonymous = Client()
    before = snapshot()
    assert anonymous.get(accept_url(token)).status_code == 410
    assert anonymous.post(accept_url(token), account_data()).status_code == 410
    assert snapshot() == before
    assert not User.objects.filter(email="nina@example.org").exists()


def test_revoke_needs_post(cast: Any, coordinator: Client) -> None:
    invitation = invite(cast)

    response = coordinator.get(revoke_url(cast, invitation))

    assert response.status_code == 405
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_revoke_of_another_environments_invitation_is_not_found(
    cast: Any, coordinator: Client
) -> None:
    foreign = invitation_create(
        environment=cast.other_environment,
        invited_by=cast.other_coordinator,
        email="vleuten@example.org",
        role=Role.STUDENT,
        programme=cast.pabo,
    )

    response = coordinator.post(
        reverse("accounts:invitation_revoke", args=[cast.environment.pk, foreign.pk])
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_revoking_an_accepted_invitation_changes_nothing(cast: Any) -> None:
    invitation = invite(cast)
    invitation_accept_new_user(
        invitation=invitation, full_name="Nina", password=STRONG_PASSWORD, language="nl"
    )
    invitation.refresh_from_db()

    invitation_revoke(invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert invitation.accepted_at is not None


# --- Accepting as a new user --------------------------------------------------------


def test_new_user_sees_the_account_form_in_dutch(cast: Any, client: Client) -> None:
    invitation = invite(cast)

    response = client.get(accept_url(invitation.token))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl"' in html
    for name in ("full_name", "password1", "password2"):
        assert f'name="{name}"' in html
    assert 'value="Nina Nieuw"' in html
    assert "nina@example.org" in html
    assert cast.environment.name in html
    # Django's own Dutch password help, and none of the English source strings.
    assert "Je wachtwoord moet minstens 10 tekens lang zijn." in html
    for english in ("Invitation to ULVO", "Create account", "Full name", "Password"):
        assert english not in html


def test_new_user_accepts_and_is_logged_in(cast: Any, client: Client) -> None:
    invitation = invite(cast)

    response = client.post(
        accept_url(invitation.token),
        account_data(full_name="  Nina   Nieuw  ", email="aanvaller@example.org"),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(email="nina@example.org")
    assert user.full_name == "Nina Nieuw"
    assert user.language == "nl"
    assert user.check_password(STRONG_PASSWORD)
    assert not User.objects.filter(email="aanvaller@example.org").exists()
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.primary, address.verified) == ("nina@example.org", True, True)
    membership = Membership.objects.get(user=user)
    assert membership.environment == cast.environment
    assert membership.role == Role.STUDENT
    assert membership.programme == cast.social_work
    assert membership.organisation is None
    assert membership.is_active
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.accepted_by == user
    assert client.session[SESSION_KEY] == str(user.pk)

    home = client.get("/")
    assert home.status_code == 200
    assert cast.environment.name in home.content.decode()
    assert cast.social_work.name in home.content.decode()


def test_an_accepted_link_cannot_be_used_again(cast: Any, client: Client) -> None:
    invitation = invite(cast)
    token = invitation.token
    assert client.post(accept_url(token), account_data()).status_code == 302
    before = snapshot()

    again = Client()
    assert again.get(accept_url(token)).status_code == 410
    response = again.post(
        accept_url(token), account_data(password1="Ander-W8woord!", password2="Ander-W8woord!")
    )

    assert response.status_code == 410
    assert snapshot() == before
    assert User.objects.filter(email="nina@example.org").count() == 1
    assert SESSION_KEY not in again.session


def test_an_expired_invitation_is_gone(cast: Any, client: Client) -> None:
    invitation = invite(cast)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    before = snapshot()

    assert client.get(accept_url(invitation.token)).status_code == 410
    assert client.post(accept_url(invitation.token), account_data()).status_code == 410
    assert snapshot() == before


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda invitation: invitation.token[:-1] + "x", id="last-char"),
        pytest.param(lambda invitation: "x" + invitation.token, id="prefixed"),
        pytest.param(lambda invitation: "onzin", id="garbage"),
        pytest.param(
            lambda invitation: signing.dumps(invitation.pk, salt="andere.salt", compress=True),
            id="other-salt",
        ),
        pytest.param(
            lambda invitation: signing.dumps("1", salt=Invitation.SIGNING_SALT),
            id="not-an-int",
        ),
        pytest.param(
            lambda invitation: signing.dumps(invitation.pk + 1000, salt=Invitation.SIGNING_SALT),
            id="unknown-pk",
        ),
    ],
)
def test_a_tampered_token_is_not_found(
    cast: Any, client: Client, make_token: Callable[[Invitation], str]
) -> None:
    invitation = invite(cast)
    token = make_token(invitation)
    assert token != invitation.token
    before = snapshot()

    assert client.get(accept_url(token)).status_code == 404
    assert client.post(accept_url(token), account_data()).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    ("age", "status"),
    [
        pytest.param(settings.INVITATION_MAX_AGE - timedelta(hours=1), 200, id="just-valid"),
        pytest.param(settings.INVITATION_MAX_AGE + timedelta(minutes=1), 404, id="too-old"),
    ],
)
def test_a_token_older_than_the_maximum_age(
    cast: Any, client: Client, age: timedelta, status: int
) -> None:
    invitation = invite(cast)
    with frozen_at(timezone.now() - age):
        token = invitation.token

    response = client.get(accept_url(token))

    assert response.status_code == status
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


INVALID_ACCOUNTS: list[tuple[str, dict[str, str], str]] = [
    ("weak-password", {"password1": "12345678", "password2": "12345678"}, "password1"),
    ("passwords-differ", {"password2": STRONG_PASSWORD + "x"}, "password2"),
    ("empty-password", {"password1": "", "password2": ""}, "password1"),
    (
        "password-like-the-email",
        {"password1": "nina@example", "password2": "nina@example"},
        "password1",
    ),
    ("empty-name", {"full_name": ""}, "full_name"),
    ("blank-name", {"full_name": "   "}, "full_name"),
    ("nul-byte-in-name", {"full_name": "Nina\x00Nieuw"}, "full_name"),
    ("overlong-name", {"full_name": "N" * 151}, "full_name"),
    (
        "nul-byte-in-password",
        {"password1": "Zeil\x00boot-2026!", "password2": "Zeil\x00boot-2026!"},
        "password1",
    ),
    ("overlong-password", {"password1": "p" * 129, "password2": "p" * 129}, "password1"),
    ("unknown-language", {"language": "xx"}, "language"),
]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [pytest.param(overrides, field, id=name) for name, overrides, field in INVALID_ACCOUNTS],
)
def test_invalid_account_data_is_refused_at_the_field(
    cast: Any, client: Client, overrides: dict[str, str], field: str
) -> None:
    invitation = invite(cast)
    before = snapshot()

    response = client.post(accept_url(invitation.token), account_data(**overrides))

    assert response.status_code == 422
    assert_field_error(response, field)
    assert snapshot() == before
    assert SESSION_KEY not in client.session


def test_an_empty_account_form_is_refused_at_the_fields(cast: Any, client: Client) -> None:
    invitation = invite(cast)
    before = snapshot()

    response = client.post(accept_url(invitation.token), {})

    assert response.status_code == 422
    for field in ("full_name", "password1", "password2"):
        assert_field_error(response, field)
    assert snapshot() == before
    assert SESSION_KEY not in client.session


# --- Accepting with an existing account ---------------------------------------------


@pytest.fixture
def existing(cast: Any) -> Any:
    return UserFactory(email="bestaand@example.org", full_name="Bea Bestaand")


def test_existing_account_is_sent_to_log_in(cast: Any, client: Client, existing: Any) -> None:
    invitation = invite(
        cast,
        email="Bestaand@Example.org",
        role=Role.PRACTICE_SUPERVISOR,
        programme=None,
        organisation=cast.school,
    )
    token = invitation.token
    before = snapshot()

    response = client.get(accept_url(token))

    assert response.status_code == 200
    html = response.content.decode()
    login_link = escape(reverse("account_login") + "?next=" + accept_url(token))
    assert f'href="{login_link}"' in html
    assert 'name="password1"' not in html
    # Posting the form anyway creates no second account.
    client.post(accept_url(token), account_data())
    assert snapshot() == before


def test_existing_user_accepts_while_logged_in(cast: Any, client: Client, existing: Any) -> None:
    invitation = invite(
        cast,
        email="bestaand@example.org",
        role=Role.PRACTICE_SUPERVISOR,
        programme=None,
        organisation=cast.school,
    )
    client.force_login(existing)
    users_before = User.objects.count()

    assert client.get(accept_url(invitation.token)).status_code == 200
    response = client.post(accept_url(invitation.token))

    assert response.status_code == 302
    assert response["Location"] == cast.environment.get_absolute_url()
    membership = Membership.objects.get(user=existing)
    assert membership.environment == cast.environment
    assert membership.role == Role.PRACTICE_SUPERVISOR
    assert membership.organisation == cast.school
    assert membership.programme is None
    invitation.refresh_from_db()
    assert invitation.accepted_by == existing
    assert invitation.accepted_at is not None
    assert User.objects.count() == users_before
    assert client.get(response["Location"]).status_code == 200


def test_another_logged_in_user_cannot_accept(cast: Any, client: Client, existing: Any) -> None:
    invitation = invite(
        cast,
        email="bestaand@example.org",
        role=Role.PRACTICE_SUPERVISOR,
        programme=None,
        organisation=cast.school,
    )
    client.force_login(cast.student)
    before = snapshot()

    response = client.post(accept_url(invitation.token))

    assert response.status_code == 409
    assert snapshot() == before
    invitation.refresh_from_db()
    assert invitation.is_pending


# --- The e-mail task --------------------------------------------------------------


def test_task_sends_the_invitation(cast: Any) -> None:
    invitation = invite(cast)
    assert mail.outbox == []  # the view's task waits for a commit that never comes here

    assert send_invitation_email(invitation.pk) is True

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nina@example.org"]
    assert cast.environment.name in message.subject
    assert "Nina Nieuw" in message.body
    assert cast.coordinator.full_name in message.body
    found = ACCEPT_URL.search(message.body)
    assert found, message.body
    assert found.group(1).startswith(settings.ULVO_BASE_URL)
    assert Invitation.pk_from_token(found.group("token")) == invitation.pk


def _accepted(cast: Any) -> int:
    invitation = invite(cast)
    invitation_accept_new_user(
        invitation=invitation, full_name="Nina", password=STRONG_PASSWORD, language="nl"
    )
    return invitation.pk


def _revoked(cast: Any) -> int:
    invitation = invite(cast)
    invitation_revoke(invitation=invitation)
    return invitation.pk


def _expired(cast: Any) -> int:
    invitation = invite(cast)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    return invitation.pk


def _missing(cast: Any) -> int:
    invitation = invite(cast)
    pk = invitation.pk
    invitation.delete()
    return pk


@pytest.mark.parametrize(
    "make", [_accepted, _revoked, _expired, _missing], ids=lambda f: f.__name__.strip("_")
)
def test_task_sends_nothing_when_the_invitation_is_not_pending(
    cast: Any, make: Callable[[Any], int]
) -> None:
    pk = make(cast)

    assert send_invitation_email(pk) is False

    assert mail.outbox == []


# --- Two acceptances of one invitation ------------------------------------------------


def test_second_acceptance_of_a_new_user_invitation_fails(cast: Any) -> None:
    invitation = invite(cast)
    invitation_accept_new_user(
        invitation=invitation, full_name="Nina", password=STRONG_PASSWORD, language="nl"
    )
    before = snapshot()

    with pytest.raises(InvitationError, match="used"):
        invitation_accept_new_user(
            invitation=invitation, full_name="Nina 2", password=STRONG_PASSWORD, language="nl"
        )

    assert snapshot() == before


def test_second_acceptance_by_an_existing_user_fails(cast: Any, existing: Any) -> None:
    invitation = invite(
        cast,
        email="bestaand@example.org",
        role=Role.PRACTICE_SUPERVISOR,
        programme=None,
        organisation=cast.school,
    )
    invitation_accept_existing_user(invitation=invitation, user=existing)
    before = snapshot()

    with pytest.raises(InvitationError, match="used"):
        invitation_accept_existing_user(invitation=invitation, user=existing)

    assert snapshot() == before


def test_concurrent_acceptances_let_exactly_one_win(transactional_db: None, cast: Any) -> None:
    """Two requests at once: the row lock makes the second see the first's acceptance.

    The first acceptance is slowed down between claiming the invitation and writing
    it, so without the lock both would claim it.
    """
    user = UserFactory(email="tegelijk@example.org")
    invitation = invite(
        cast,
        email="tegelijk@example.org",
        role=Role.PRACTICE_SUPERVISOR,
        programme=None,
        organisation=cast.school,
    )
    from accounts import services

    original = services._membership_for

    def slow_membership(*args: Any, **kwargs: Any) -> Membership:
        time.sleep(0.5)
        return original(*args, **kwargs)

    start = threading.Barrier(2)
    results: list[str] = []

    def accept() -> None:
        try:
            start.wait()
            invitation_accept_existing_user(invitation=invitation, user=user)
            results.append("accepted")
        except InvitationError as error:
            results.append(str(error))
        finally:
            connection.close()

    with mock.patch.object(services, "_membership_for", slow_membership):
        threads = [threading.Thread(target=accept) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert sorted(results) == ["accepted", "used"]
    assert Membership.objects.filter(user=user).count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
