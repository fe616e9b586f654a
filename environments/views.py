import datetime

from django.db.models import Count, Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Membership, Role
from environments.access import environment_for
from environments.models import OrganisationKind
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
    return TemplateResponse(
        request,
        "environments/home.html",
        {
            "environments": list(environments.values()),
            "placements": placements,
            "waiting_weeks": waiting_weeks,
            "upcoming": upcoming,
            "now": now,
        },
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
