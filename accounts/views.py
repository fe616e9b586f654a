from datetime import UTC, datetime
from typing import Any

# An internal module of allauth: check it on upgrades (the new coordinator's journey,
# tests/accounts/test_journey_new_coordinator_sets_up_from_nothing.py, covers it).
from allauth.account.internal.flows.login import record_authentication
from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.adapters import remember_language
from accounts.audit import describe
from accounts.forms import AcceptInvitationForm, InvitationForm, LanguageForm
from accounts.models import AuditEvent, Invitation, Role, User, UserSession
from accounts.security_log import security_event
from accounts.services import (
    InvitationError,
    invitation_accept_existing_user,
    invitation_accept_new_user,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    user_session_end,
)
from accounts.sessions import SEEN_AT, end_other_sessions
from environments.access import environment_for
from environments.models import OrganisationKind
from ulvo.lib.http import AnyRequest, AuthedRequest, safe_next

INVITATION_ERRORS = {
    "used": gettext_lazy("This invitation has already been used. Log in with your account."),
    "expired": gettext_lazy(
        "This invitation has expired or was withdrawn. Ask your coordinator for a new one."
    ),
    "exists": gettext_lazy("An account with this e-mail address already exists. Log in to accept."),
    "other_user": gettext_lazy(
        "This invitation was sent to another e-mail address. Log out and open the link again."
    ),
}


@require_http_methods(["GET", "POST"])
def invitation_list(request: AuthedRequest, pk: int) -> HttpResponse:
    environment = environment_for(request.user, pk, manage=True)
    data = request.POST if request.method == "POST" else None
    form = InvitationForm(data, environment=environment)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            invitation = invitation_create(
                environment=environment, invited_by=request.user, **form.cleaned_data
            )
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            if not request.htmx:
                return redirect("accounts:invitation_list", pk=environment.pk)
            form = InvitationForm(environment=environment)
        else:
            status = 422
    invitations = environment.invitations.select_related("organisation", "programme", "invited_by")[
        :200
    ]
    template_name = "accounts/invitation_list.html"
    if request.htmx:
        template_name += "#invitations"
    return TemplateResponse(
        request,
        template_name,
        {
            "environment": environment,
            "form": form,
            "invitations": invitations,
            "invitation_days": settings.INVITATION_MAX_AGE.days,
        },
        status=status,
    )


@require_POST
def invitation_revoke_view(request: AuthedRequest, pk: int, invitation_pk: int) -> HttpResponse:
    environment = environment_for(request.user, pk, manage=True)
    invitation = get_object_or_404(environment.invitations, pk=invitation_pk)
    invitation_revoke(invitation=invitation)
    messages.success(request, _("The invitation has been withdrawn."))
    return redirect("accounts:invitation_list", pk=environment.pk)


@require_POST
def invitation_resend_view(request: AuthedRequest, pk: int, invitation_pk: int) -> HttpResponse:
    """Send a waiting or expired invitation again; back to the page it was sent from."""
    environment = environment_for(request.user, pk, manage=True)
    invitation = get_object_or_404(environment.invitations, pk=invitation_pk)
    try:
        invitation_resend(invitation=invitation)
    except InvitationError:
        messages.error(
            request, _("This invitation was accepted or withdrawn: it cannot be sent again.")
        )
    else:
        messages.success(
            request, _("Invitation sent again to %(email)s.") % {"email": invitation.email}
        )
    return redirect(safe_next(request, reverse("accounts:invitation_list", args=[environment.pk])))


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: AnyRequest, token: str) -> HttpResponse:
    invitation_pk = Invitation.pk_from_token(token)
    invitation = (
        Invitation.objects.select_related("environment", "organisation", "programme")
        .filter(pk=invitation_pk)
        .first()
        if invitation_pk
        else None
    )
    context: dict[str, object] = {"invitation": invitation}
    if invitation is None:
        context["error"] = _("This invitation link is not valid. Check that you copied it whole.")
        return TemplateResponse(request, "accounts/invitation_accept.html", context, status=404)
    if invitation.accepted_at is not None:
        context["error"] = INVITATION_ERRORS["used"]
        return TemplateResponse(request, "accounts/invitation_accept.html", context, status=410)
    if not invitation.is_pending:
        context["error"] = INVITATION_ERRORS["expired"]
        return TemplateResponse(request, "accounts/invitation_accept.html", context, status=410)

    user = request.user
    if user.is_authenticated:
        assert isinstance(user, User)
        context["signed_in_as"] = user
        if user.email.lower() != invitation.email.lower():
            context["error"] = INVITATION_ERRORS["other_user"]
            return TemplateResponse(
                request,
                "accounts/invitation_accept.html",
                context,
                status=409 if request.method == "POST" else 200,
            )
        if request.method == "POST":
            try:
                invitation_accept_existing_user(invitation=invitation, user=user)
            except InvitationError as error:
                context["error"] = INVITATION_ERRORS[str(error)]
                return TemplateResponse(
                    request, "accounts/invitation_accept.html", context, status=409
                )
            messages.success(
                request,
                _("Welcome to %(environment)s.") % {"environment": invitation.environment},
            )
            return redirect(invitation.environment)
        return TemplateResponse(request, "accounts/invitation_accept.html", context)

    if (
        User.objects.filter(email__iexact=invitation.email)
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .exists()
    ):
        context["existing_account"] = True
        context["login_url"] = (
            reverse(settings.LOGIN_URL)
            + "?next="
            + reverse("accounts:invitation_accept", args=[token])
        )
        return TemplateResponse(request, "accounts/invitation_accept.html", context)

    data = request.POST if request.method == "POST" else None
    form = AcceptInvitationForm(data, invitation=invitation)
    context["form"] = form
    if request.method == "POST":
        if form.is_valid():
            try:
                new_user = invitation_accept_new_user(
                    invitation=invitation,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                    language=form.cleaned_data["language"],
                )
            except InvitationError as error:
                context["error"] = INVITATION_ERRORS[str(error)]
                return TemplateResponse(
                    request, "accounts/invitation_accept.html", context, status=409
                )
            response = perform_login(request, new_user, redirect_url=reverse("home"))
            # The password was chosen a moment ago, twice: that is a fresh confirmation, so
            # setting up the authenticator app (required of coordinators) right after
            # does not ask for it a third time.
            record_authentication(request, new_user, method="password", reauthenticated=True)
            return response
        return TemplateResponse(request, "accounts/invitation_accept.html", context, status=422)
    return TemplateResponse(request, "accounts/invitation_accept.html", context)


@login_not_required
@require_POST
def set_language(request: AnyRequest) -> HttpResponse:
    """Switch the interface language, and remember it for a logged-in user."""
    form = LanguageForm(request.POST)
    response = HttpResponseRedirect(safe_next(request, default=reverse("home")))
    if not form.is_valid():
        return response
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        User.objects.filter(pk=request.user.pk).update(language=language)
    return remember_language(response, language)


@require_GET
def session_list(request: AuthedRequest) -> HttpResponse:
    """The user's signed-in sessions, this one first."""
    current = request.session.session_key
    entries = UserSession.objects.filter(
        user=request.user, session__expire_date__gt=timezone.now()
    ).select_related("session")
    sessions: list[dict[str, Any]] = []
    for entry in entries:
        seen = entry.session.get_decoded().get(SEEN_AT)
        sessions.append(
            {
                "entry": entry,
                "current": entry.session_id == current,
                "last_seen": datetime.fromtimestamp(seen, UTC) if seen else entry.created_at,
            }
        )
    sessions.sort(key=lambda item: (not item["current"], -item["last_seen"].timestamp()))
    return TemplateResponse(
        request,
        "accounts/session_list.html",
        {
            "sessions": sessions,
            "has_others": any(not item["current"] for item in sessions),
            "idle_minutes": int(settings.ULVO_SESSION_IDLE_TIMEOUT.total_seconds() // 60),
            "max_hours": int(settings.ULVO_SESSION_MAX_AGE.total_seconds() // 3600),
        },
    )


@require_POST
def session_end(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(UserSession, pk=pk, user=request.user)
    security_event("session_ended", outcome="success", request=request, reason="user_request")
    if entry.session_id == request.session.session_key:
        logout(request)
        return redirect(settings.LOGIN_URL)
    user_session_end(user_session=entry)
    messages.success(request, _("The session has been ended."))
    return redirect("accounts:sessions")


@require_POST
def session_end_others(request: AuthedRequest) -> HttpResponse:
    ended = end_other_sessions(request, request.user, reason="user_request")
    if ended:
        messages.success(request, _("All your other sessions have been ended."))
    else:
        messages.info(request, _("You had no other sessions."))
    return redirect("accounts:sessions")


AUDIT_PAGE_SIZE = 50


@require_GET
def audit_log(request: AuthedRequest, pk: int) -> HttpResponse:
    """Who changed what in the environment: placements, supervision, approvals, roles."""
    environment = environment_for(request.user, pk, manage=True)
    events = AuditEvent.objects.filter(environment=environment).select_related("actor")
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "accounts/audit_log.html",
        {"environment": environment, "page": page, "rows": describe(list(page.object_list))},
    )


@require_GET
def environment_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    environment = environment_for(request.user, pk)
    is_coordinator = request.user.is_coordinator_of(environment)
    organisations = environment.organisations.order_by("name")
    by_kind = [
        (kind.label, [o for o in organisations if o.kind == kind]) for kind in OrganisationKind
    ]
    programmes = environment.programmes().order_by("domain", "name")
    role_counts = environment.memberships.filter(is_active=True).aggregate(
        **{role.value: Count("pk", filter=Q(role=role)) for role in Role}
    )
    context = {
        "environment": environment,
        "is_coordinator": is_coordinator,
        "organisations_by_kind": by_kind,
        "programmes": programmes,
        "role_counts": [(role.label, role_counts[role.value]) for role in Role],
    }
    if is_coordinator:
        context["members"] = environment.memberships.select_related(
            "user", "organisation", "programme"
        ).order_by("role", "user__full_name")
    return TemplateResponse(request, "environments/detail.html", context)
