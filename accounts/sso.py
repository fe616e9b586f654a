"""Single sign-on through OpenID Connect (SURFconext, eduID): who an identity may be.

allauth's ``openid_connect`` provider does the protocol (discovery, authorisation code
with PKCE, token, userinfo); this module decides what a confirmed identity may do in
ULVO, which stays invitation-only:

- an identity linked before logs in to its account;
- a person who followed an invitation link and then chose a provider gets the account
  the invitation was for, bound to that identity (``accounts/sso_views.py`` keeps the
  invitation in the session for the round trip);
- otherwise an identity is linked only to the account whose verified address the
  provider confirms (``email_verified``);
- anything else sees a page that says to ask the coordinator for an invitation, and
  nothing is created but a line in the security log.

Coordinators and staff still need a second factor: TOTP in ULVO, or a provider that
asserts one through the ``acr`` or ``amr`` values configured for it (``mfa_acr``,
``mfa_amr``); that assertion counts for the session it was made in
(:func:`sso_mfa_satisfied`, read by ``accounts.middleware.RequireMFAMiddleware``).
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter, _build_apps_from_settings
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import get_language

from accounts.models import Invitation, User
from accounts.security_log import security_event
from accounts.services import InvitationError, invitation_accept_new_user

# The invitation whose link the person followed before choosing a provider.
INVITATION_SESSION_KEY = "ulvo_sso_invitation"
# The account whose second factor a provider asserted in this session.
MFA_SESSION_KEY = "ulvo_sso_mfa_user"


class VerifyingOIDCAdapter(OpenIDConnectOAuth2Adapter):
    """allauth's adapter, checking the ID token's signature against the provider's keys
    always: allauth skips that check when the token came straight from the token
    endpoint over TLS, which the specification allows, but a token that does not carry
    the provider's signature has no business being accepted anyway.
    """

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        decoded: dict[str, Any] = jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )
        return decoded


def claims(data: dict[str, Any]) -> dict[str, Any]:
    """The identity's claims: the ID token's, with what userinfo says on top."""
    merged: dict[str, Any] = dict(data.get("id_token") or {})
    merged.update(data.get("userinfo") or {})
    return merged


def home_organisation(data: dict[str, Any]) -> str:
    """SURFconext's ``schac_home_organization`` (the institution's domain), if sent."""
    value = claims(data).get("schac_home_organization")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "")[:200]


def home_organisations(user_ids: list[int]) -> dict[int, str]:
    """Each user's home organisation as their linked identities name it (one query)."""
    found: dict[int, str] = {}
    rows = SocialAccount.objects.filter(user_id__in=user_ids).order_by("pk")
    for user_id, data in rows.values_list("user_id", "extra_data"):
        organisation = home_organisation(data or {})
        if organisation and user_id not in found:
            found[user_id] = organisation
    return found


def mfa_asserted(app_settings: dict[str, Any], data: dict[str, Any]) -> bool:
    """Whether the ID token says a second factor was used, by the values configured."""
    token = data.get("id_token") or {}
    acr = token.get("acr")
    amr = token.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return (isinstance(acr, str) and acr in app_settings.get("mfa_acr", [])) or bool(
        {str(method) for method in amr} & set(app_settings.get("mfa_amr", []))
    )


def sso_mfa_satisfied(request: HttpRequest, user: Any) -> bool:
    session = getattr(request, "session", None)
    return session is not None and session.get(MFA_SESSION_KEY) == user.pk


def display_name(data: dict[str, Any]) -> str:
    found = claims(data)
    name = str(found.get("name") or "").strip()
    if not name:
        name = f"{found.get('given_name') or ''} {found.get('family_name') or ''}".strip()
    return name[:150]


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # An identity never makes an account by itself (pre_social_login has decided).
        return False

    def list_apps(
        self, request: HttpRequest | None, provider: Any = None, client_id: Any = None
    ) -> list[SocialApp]:
        """The providers of ULVO_OIDC_PROVIDERS alone, never SocialApp rows: the login
        page and the menu ask without a query (the login page needs no database), and
        the management site cannot add a provider the environment does not name."""
        apps: list[SocialApp] = []
        for provider_apps in _build_apps_from_settings(
            provider=provider, client_id=client_id
        ).values():
            apps.extend(provider_apps)
        return apps

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        invitation_pk = request.session.pop(INVITATION_SESSION_KEY, None)
        provider = sociallogin.account.provider
        if sociallogin.state.get("process") == "connect":
            # A signed-in user links another identity from their account page; allauth
            # refuses one that belongs to someone else.
            return
        if sociallogin.is_existing:
            self._remember_mfa(request, sociallogin, sociallogin.user)
            return
        if invitation_pk is not None:
            user = self._accept_invitation(request, sociallogin, invitation_pk)
            sociallogin.connect(request, user)
            self._remember_mfa(request, sociallogin, user)
            return
        data = sociallogin.account.extra_data
        found = claims(data)
        email = str(found.get("email") or "").strip()
        owner = (
            User.objects.filter(email__iexact=email, is_active=True).first()
            if email and len(email) <= 254
            else None
        )
        if owner is None:
            self._refuse(request, "unknown_identity", provider)
        if (
            found.get("email_verified") is True
            and EmailAddress.objects.filter(user=owner, email__iexact=email, verified=True).exists()
        ):
            sociallogin.connect(request, owner)
            security_event(
                "sso_link",
                outcome="linked_by_email",
                request=request,
                user=owner,
                provider=provider,
            )
            self._remember_mfa(request, sociallogin, owner)
            return
        self._refuse(request, "unverified_email", provider, user=owner)

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        # A refused ID token (signature, audience, expiry), a cancelled or failed login.
        security_event(
            "sso_login",
            outcome="error",
            request=request,
            provider=getattr(provider, "id", None),
            error=str(error or "") or None,
            exception=type(exception).__name__ if exception is not None else None,
            level=logging.WARNING,
        )

    def _accept_invitation(
        self, request: HttpRequest, sociallogin: SocialLogin, invitation_pk: Any
    ) -> User:
        provider = sociallogin.account.provider
        invitation = Invitation.objects.filter(pk=invitation_pk).first()
        if invitation is None or not invitation.is_pending:
            self._refuse(request, "invitation_invalid", provider)
        assert invitation is not None
        language = "en" if (get_language() or "nl").startswith("en") else "nl"
        data = sociallogin.account.extra_data
        try:
            user = invitation_accept_new_user(
                invitation=invitation,
                full_name=display_name(data) or invitation.email.split("@")[0],
                password=None,
                language=language,
            )
        except InvitationError:
            # Someone already has an account for this address: they log in as usual
            # and link the identity from their account page.
            self._refuse(request, "account_exists", provider)
        security_event(
            "sso_link",
            outcome="invitation_bound",
            request=request,
            user=user,
            environment=invitation.environment_id,
            provider=provider,
        )
        return user

    def _remember_mfa(self, request: HttpRequest, sociallogin: SocialLogin, user: Any) -> None:
        app_settings = sociallogin.account.get_provider().app.settings or {}
        if mfa_asserted(app_settings, sociallogin.account.extra_data):
            request.session[MFA_SESSION_KEY] = user.pk
        else:
            request.session.pop(MFA_SESSION_KEY, None)

    def _refuse(
        self, request: HttpRequest, reason: str, provider: str, *, user: Any = None
    ) -> NoReturn:
        security_event(
            "sso_login",
            outcome=reason,
            request=request,
            user=user,
            provider=provider,
            level=logging.WARNING,
        )
        response = TemplateResponse(
            request, "socialaccount/refused.html", {"reason": reason}, status=403
        )
        response.render()
        raise ImmediateHttpResponse(response)
