import logging
from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.urls.exceptions import Resolver404
from django_htmx.http import HttpResponseClientRedirect

from accounts.security_log import security_event
from accounts.sso import sso_mfa_satisfied

# Pages a user who still has to set up two-factor authentication may reach.
MFA_SETUP_ALLOWED = frozenset(
    {
        "mfa_activate_totp",
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_logout",
        "account_reauthenticate",
        "account_email_verification_sent",
        "account_confirm_email",
        "accounts:language",
        "health",
    }
)


class RequireMFAMiddleware:
    """Send coordinators and staff without a TOTP app to set one up first, unless
    they logged in through a provider that asserted a second factor (accounts/sso.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not self._may_pass(request)
            and user.must_use_mfa
            and not sso_mfa_satisfied(request, user)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            setup = reverse("mfa_activate_totp")
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(setup)
            return redirect(setup)
        return self.get_response(request)

    @staticmethod
    def _may_pass(request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True
        return match.view_name in MFA_SETUP_ALLOWED


class SecurityLogMiddleware:
    """Log refused requests: 403 (no right, or a failed CSRF check), 429 (rate limit),
    and 404s of logged-in users (objects of other environments are answered with 404).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        status = response.status_code
        if status in (403, 429) or (status == 404 and _is_authenticated(request)):
            user = getattr(request, "user", None)
            security_event(
                "rate_limited" if status == 429 else "access_denied",
                outcome="denied",
                request=request,
                user=user,
                status=status,
                level=logging.WARNING,
            )
        return response


def _is_authenticated(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
