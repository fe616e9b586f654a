"""The project's own pages: the front page, which gathers what every app has for the
user, and the health check."""

import datetime

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import Membership, Role
from dashboards.attention import WAITING_DAYS, attention
from learning_networks.models import Attendance, SessionStatus
from placements.models import Placement, PlacementStatus, Week
from ulvo.lib.http import AuthedRequest

# Sessions in the coming two weeks are on the home page, to answer in one tap.
UPCOMING_DAYS = 14


@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """My learning environments, with my roles in each."""
    memberships = (
        Membership.objects.filter(user=request.user, is_active=True)
        .select_related("environment__region", "organisation", "programme")
        .order_by("environment__name", "environment__school_year", "role")
    )
    environments: dict[int, dict] = {}
    for membership in memberships:
        entry = environments.setdefault(
            membership.environment_id,
            {"environment": membership.environment, "memberships": [], "is_coordinator": False},
        )
        entry["memberships"].append(membership)
        if membership.role == Role.COORDINATOR:
            entry["is_coordinator"] = True
    placements = Placement.objects.filter(
        student=request.user, status=PlacementStatus.ACTIVE
    ).select_related("programme")
    waiting_weeks = Week.objects.awaiting_signoff_by(request.user).count()
    now = timezone.now()
    upcoming = (
        Attendance.objects.filter(
            user=request.user,
            session__ends_at__gt=now,
            session__starts_at__lte=now + datetime.timedelta(days=UPCOMING_DAYS),
            session__status=SessionStatus.PLANNED,
        )
        .select_related("session__location")
        .order_by("session__starts_at")[:10]
    )
    # What needs attention in each environment the user coordinates (4 queries in all).
    coordinated = [e["environment"] for e in environments.values() if e["is_coordinator"]]
    for item in attention(coordinated, now=now):
        environments[item.environment.pk]["attention"] = item
    return TemplateResponse(
        request,
        "environments/home.html",
        {
            "environments": list(environments.values()),
            "waiting_days": WAITING_DAYS,
            "placements": placements,
            "waiting_weeks": waiting_weeks,
            "upcoming": upcoming,
            "now": now,
        },
    )


@require_GET
@never_cache
@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and container health checks: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
