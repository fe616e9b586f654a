import json

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.security_log import security_event
from notifications.models import REPORT_RETENTION
from privacy.forms import DeleteAccountForm
from privacy.services import (
    AccountDeletionBlocked,
    account_delete,
    personal_data_export,
    personal_data_sections,
    sole_coordinated_environments,
)
from ulvo.lib.http import AnyRequest, AuthedRequest


@login_not_required
@require_GET
def policy(request: AnyRequest) -> HttpResponse:
    """The privacy statement: public, in plain language."""
    # The figures come from the settings that enforce them, so the text cannot drift.
    context = {
        "retention_days": settings.RETENTION_AFTER_PLACEMENT.days,
        "import_days": settings.IMPORT_REPORT_RETENTION.days,
        "report_days": REPORT_RETENTION.days,
        "idle_minutes": int(settings.ULVO_SESSION_IDLE_TIMEOUT.total_seconds() // 60),
        "max_hours": int(settings.ULVO_SESSION_MAX_AGE.total_seconds() // 3600),
    }
    return TemplateResponse(request, "privacy/policy.html", context)


@require_GET
@never_cache
@reauthentication_required
def my_data(request: AuthedRequest) -> HttpResponse:
    """Everything the platform holds about the user, readable."""
    sections = personal_data_sections(user=request.user)
    return TemplateResponse(request, "privacy/my_data.html", {"sections": sections})


@require_GET
@never_cache
@reauthentication_required
def my_data_download(request: AuthedRequest) -> HttpResponse:
    """The same, machine-readable, as a file to save."""
    data = personal_data_export(user=request.user)
    security_event("personal_data_export", outcome="success", request=request)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="ulvo-mijn-gegevens-{stamp}.json"'
    return response


@require_http_methods(["GET", "POST"])
@never_cache
@reauthentication_required
def delete_account(request: AuthedRequest) -> HttpResponse:
    user = request.user
    blocked = sole_coordinated_environments(user)
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            account_delete(user=user)
        except AccountDeletionBlocked as error:
            blocked = error.environments
        else:
            logout(request)
            messages.success(request, _("Your account has been deleted."))
            return redirect("privacy:policy")
    status = 200
    if request.method == "POST":
        status = 409 if blocked else 422
    return TemplateResponse(
        request,
        "privacy/delete_account.html",
        {"form": form, "blocked": blocked},
        status=status,
    )
