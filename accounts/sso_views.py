"""The single sign-on views ULVO serves itself (accounts/sso.py says what they decide).

``oidc_login`` and ``oidc_callback`` are allauth's own views of its ``openid_connect``
provider with one change: the ID token's signature is always checked
(:class:`accounts.sso.VerifyingOIDCAdapter`). ``ulvo/urls.py`` puts them at allauth's
paths, in front of allauth's, so its URL names lead here.
"""

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.models import Invitation
from accounts.sso import INVITATION_SESSION_KEY, VerifyingOIDCAdapter


@login_not_required
def oidc_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        view = OAuth2LoginView.adapter_view(VerifyingOIDCAdapter(request, provider_id))
        response: HttpResponse = view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    return response


@login_not_required
def oidc_callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        view = OAuth2CallbackView.adapter_view(VerifyingOIDCAdapter(request, provider_id))
        response: HttpResponse = view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    return response


@login_not_required
@require_POST
def invitation_sso(request: HttpRequest, token: str, provider_id: str) -> HttpResponse:
    """Accept an invitation by signing in with a provider: the invitation waits in the
    session until the provider sends the person back (accounts.sso binds it then)."""
    invitation_pk = Invitation.pk_from_token(token)
    invitation = Invitation.objects.filter(pk=invitation_pk).first() if invitation_pk else None
    if invitation is None or not invitation.is_pending or request.user.is_authenticated:
        # The invitation page says why, or offers the signed-in user to accept.
        if invitation is None:
            raise Http404
        return redirect("accounts:invitation_accept", token=token)
    request.session[INVITATION_SESSION_KEY] = invitation.pk
    try:
        return oidc_login(request, provider_id)
    except Http404:
        request.session.pop(INVITATION_SESSION_KEY, None)
        raise
