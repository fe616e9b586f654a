import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from accounts.security_log import security_event


def remember_language(response: HttpResponse, language: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
    )
    return response


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People join through a coordinator's invitation, never by signing up.
        return False

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        # The interface follows the language the user chose, on any device.
        return remember_language(response, user.language)

    def logout(self, request: HttpRequest) -> None:
        # Logging out ends the account's sessions on every device, not only this one.
        from accounts.sessions import end_other_sessions

        user = request.user
        if user.is_authenticated:
            end_other_sessions(request, user, reason="logout")
        super().logout(request)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            security_event(
                "login",
                outcome="locked_out",
                request=request,
                user=_account_id(credentials),
                level=logging.WARNING,
            )
            raise

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        security_event(
            "login",
            outcome="failure",
            request=request,
            user=_account_id(credentials),
            level=logging.WARNING,
        )


def _account_id(credentials: dict[str, Any]) -> int | None:
    """The id of the account a login attempt named, if it exists (never the address)."""
    from accounts.models import User

    email = str(credentials.get("email") or "")
    if not email or "\x00" in email or len(email) > 254:
        return None
    return User.objects.filter(email__iexact=email).values_list("pk", flat=True).first()


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and authenticator.user.must_use_mfa:
            return False
        return super().can_delete_authenticator(authenticator)
