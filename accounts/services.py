from importlib import import_module

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_before, audit_deleted, audit_saved
from accounts.models import Invitation, Membership, Role, User, UserSession, guessed_domain
from accounts.navigation import navigation_forget
from environments.models import LearningEnvironment, Organisation, Programme
from ulvo.lib.home_tokens import home_forget_students, home_forget_supervisors


class InvitationError(Exception):
    """An invitation that cannot be accepted; the message is for the user."""


@transaction.atomic
def invitation_create(
    *,
    environment: LearningEnvironment,
    invited_by: User,
    email: str,
    role: Role | str,
    full_name: str = "",
    organisation: Organisation | None = None,
    programme: Programme | None = None,
    domain: str = "",
) -> Invitation:
    from accounts.tasks import send_invitation_email

    invitation = Invitation.objects.create(
        environment=environment,
        invited_by=invited_by,
        email=email.lower(),
        full_name=full_name,
        role=role,
        organisation=organisation,
        programme=programme,
        domain="" if role == Role.STUDENT else domain,
        expires_at=timezone.now() + settings.INVITATION_MAX_AGE,
    )
    send_invitation_email.delay_on_commit(invitation.pk)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    """Send a waiting or expired invitation again, valid for another period from now
    (the new link carries a fresh signature). An accepted or withdrawn one stays closed."""
    from accounts.tasks import send_invitation_email

    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise InvitationError("closed")
    invitation.expires_at = timezone.now() + settings.INVITATION_MAX_AGE
    invitation.save(update_fields=["expires_at"])
    send_invitation_email.delay_on_commit(invitation.pk)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> None:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def membership_save(*, membership: Membership) -> Membership:
    """Create or change a membership (a role granted, changed or ended): the one
    service for it."""
    before = audit_before(membership)
    membership.save()
    audit_saved(membership, before=before)  # and the security log's role_change
    navigation_forget(membership.user_id)  # its environments and links
    # Memberships decide which environments count on a supervisor's home.
    home_forget_supervisors([membership.user_id])
    return membership


@transaction.atomic
def membership_set(
    *,
    user: User,
    environment: LearningEnvironment,
    role: Role | str,
    organisation: Organisation | None = None,
    programme: Programme | None = None,
    domain: str | None = None,
) -> Membership:
    """Grant a role in an environment, or renew it: active, with this organisation
    and programme. A professional's own domain is ``domain`` when given, else the one
    already recorded, else the one their organisation suggests (coordinators correct
    it on the people page); a student's stays empty (their programme decides)."""
    membership = (
        Membership.objects.select_for_update()
        .filter(user=user, environment=environment, role=role)
        .first()
    ) or Membership(user=user, environment=environment, role=role)
    membership.organisation = organisation
    membership.programme = programme
    if role == Role.STUDENT:
        membership.domain = ""
    elif domain:
        membership.domain = domain
    elif not membership.domain:
        membership.domain = guessed_domain(organisation)
    membership.is_active = True
    return membership_save(membership=membership)


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    audit_deleted(membership)  # and the security log's role_change
    navigation_forget(membership.user_id)
    home_forget_supervisors([membership.user_id])
    membership.delete()


def _membership_for(invitation: Invitation, user: User) -> Membership:
    return membership_set(
        user=user,
        environment=invitation.environment,
        role=invitation.role,
        organisation=invitation.organisation,
        programme=invitation.programme,
        domain=invitation.domain,
    )


def _claim(invitation_pk: int) -> Invitation:
    """Lock the invitation row so two concurrent acceptances cannot both win."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation_pk)
    if invitation.accepted_at is not None:
        raise InvitationError("used")
    if invitation.revoked_at is not None or invitation.is_expired():
        raise InvitationError("expired")
    return invitation


@transaction.atomic
def invitation_accept_new_user(
    *, invitation: Invitation, full_name: str, password: str | None, language: str
) -> User:
    """Create the account the invitation was sent for, with its membership.

    Without a password (``None``) the account signs in through the single sign-on
    identity the invitation was accepted with (``accounts/sso.py``).

    An account prepared without a usable password (by a placement import) is
    claimed instead: accepting sets its name, language and password.
    """
    invitation = _claim(invitation.pk)
    user = User.objects.select_for_update().filter(email__iexact=invitation.email).first()
    if user is None:
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name, language=language
        )
    elif user.has_usable_password():
        raise InvitationError("exists")
    else:
        user.full_name = full_name
        user.language = language
        user.set_password(password)
        user.save(update_fields=["full_name", "language", "password"])
        # Prepared by an import, the student may have supervisors who see their name.
        home_forget_students([user.pk])
    # The link reached this address, which verifies it.
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": True}
    )
    _membership_for(invitation, user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


@transaction.atomic
def invitation_accept_existing_user(*, invitation: Invitation, user: User) -> Membership:
    invitation = _claim(invitation.pk)
    if user.email.lower() != invitation.email.lower():
        raise InvitationError("other_user")
    membership = _membership_for(invitation, user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


# --- Sessions -----------------------------------------------------------------------


def _session_store(session_key: str) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(session_key=session_key)


def device_summary(user_agent: str) -> str:
    """A coarse description such as "Firefox · Windows", to recognise a session."""
    browsers = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
    ]
    systems = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    browser = next((name for marker, name in browsers if marker in user_agent), "")
    system = next((name for marker, name in systems if marker in user_agent), "")
    return " · ".join(part for part in (browser, system) if part)


@transaction.atomic
def user_session_start(*, user: User, session_key: str, user_agent: str = "") -> UserSession | None:
    """Register a session that has just been signed in to.

    Sessions whose row has gone (expired and cleared) take their entry with them;
    a session key without a stored session (another session engine) is not tracked.
    """
    if not Session.objects.filter(pk=session_key).exists():
        return None
    user_session, _ = UserSession.objects.update_or_create(
        session_id=session_key,
        defaults={
            "user": user,
            "created_at": timezone.now(),
            "device": device_summary(user_agent)[:100],
        },
    )
    return user_session


def user_session_end(*, user_session: UserSession) -> None:
    """End one session: whoever uses it is logged out at their next request."""
    _session_store(user_session.session_id).delete()
    UserSession.objects.filter(pk=user_session.pk).delete()


def user_sessions_end(*, user: User, keep: str | None = None) -> int:
    """End all the user's sessions except ``keep`` (a session key). Returns how many."""
    user_sessions = list(UserSession.objects.filter(user=user).exclude(session_id=keep or ""))
    for user_session in user_sessions:
        user_session_end(user_session=user_session)
    return len(user_sessions)


@transaction.atomic
def sessions_clear_expired() -> int:
    """Delete expired sessions, and with them their entries in the session lists."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
