from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import resolve
from django.urls.exceptions import Resolver404

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
    """Send coordinators and staff without a TOTP app to set one up first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not self._may_pass(request)
            and user.must_use_mfa
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            response = redirect("mfa_activate_totp")
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204, headers={"HX-Redirect": response.url})
            return response
        return self.get_response(request)

    @staticmethod
    def _may_pass(request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True
        return match.view_name in MFA_SETUP_ALLOWED
