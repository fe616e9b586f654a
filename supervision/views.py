from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from environments.models import Domain, LearningEnvironment
from placements.access import environment_to_manage, placement_for
from placements.models import Placement, PlacementStatus
from supervision.access import assignment_for
from supervision.forms import (
    ASSIGNED_TWICE,
    CHOOSE_SUPERVISOR,
    NOT_IN_ENVIRONMENT,
    AgreementForm,
    AssignmentForm,
)
from supervision.models import ResponsibilityAgreement, SupervisionAssignment
from supervision.services import (
    AssignmentError,
    agreement_save,
    assignment_remove,
    assignment_save,
    is_own_domain,
    own_domain_supervision,
)
from ulvo.lib.http import AuthedRequest

# Where each service error belongs in the form.
ASSIGNMENT_ERRORS = {
    "other_environment": ("supervisor", NOT_IN_ENVIRONMENT),
    "duplicate": ("supervisor", ASSIGNED_TWICE),
    "no_supervisor": ("supervisor", CHOOSE_SUPERVISOR),
}
GAP_LIMIT = 1000
NO_AGREEMENT = gettext_lazy("The coordinators have not written down who does what yet.")


def _agreement(environment: LearningEnvironment) -> ResponsibilityAgreement | None:
    return ResponsibilityAgreement.objects.filter(environment=environment).first()


def _supervision_context(
    request: AuthedRequest, placement: Placement, form: AssignmentForm | None = None
) -> dict[str, object]:
    assignments = list(placement.assignments.select_related("supervisor").order_by("role", "pk"))
    domain = placement.programme.domain
    may_manage = request.user.is_coordinator_of(placement.environment)
    if may_manage and form is None:
        form = AssignmentForm(placement=placement)
    return {
        "placement": placement,
        "assignments": assignments,
        "student_domain": Domain(domain).label,
        "has_own_domain": any(is_own_domain(a, domain) for a in assignments),
        "agreement": _agreement(placement.environment),
        "may_manage": may_manage,
        "form": form if may_manage else None,
        "no_agreement": NO_AGREEMENT,
    }


def _save_assignment(form: AssignmentForm) -> bool:
    """Save through the service; a broken rule becomes an error at its field."""
    try:
        assignment_save(assignment=form.save(commit=False))
    except AssignmentError as error:
        field, message = ASSIGNMENT_ERRORS[str(error)]
        form.add_error(field, message)
        return False
    return True


@require_http_methods(["GET", "POST"])
def placement_supervision(request: AuthedRequest, pk: int) -> HttpResponse:
    """Who supervises the placement; its environment's coordinators add supervisors here."""
    placement = placement_for(request.user, pk, manage=request.method == "POST")
    form = None
    status = 200
    if request.method == "POST":
        form = AssignmentForm(request.POST, placement=placement)
        if form.is_valid() and _save_assignment(form):
            messages.success(request, _("Supervisor added."))
            if not request.htmx:
                return redirect("supervision:placement", pk=placement.pk)
            form = None
        else:
            status = 422
    template_name = "supervision/placement_supervision.html"
    if request.htmx and request.method == "POST":
        template_name += "#assignments"
    return TemplateResponse(
        request, template_name, _supervision_context(request, placement, form), status=status
    )


@require_http_methods(["GET", "POST"])
def assignment_edit(request: AuthedRequest, assignment_pk: int) -> HttpResponse:
    assignment = assignment_for(request.user, assignment_pk)
    placement = assignment.placement
    data = request.POST if request.method == "POST" else None
    form = AssignmentForm(data, instance=assignment, placement=placement)
    if request.method == "POST" and form.is_valid() and _save_assignment(form):
        messages.success(request, _("Supervision saved."))
        return redirect("supervision:placement", pk=placement.pk)
    return TemplateResponse(
        request,
        "supervision/assignment_form.html",
        {"placement": placement, "assignment": assignment, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def assignment_remove_view(request: AuthedRequest, assignment_pk: int) -> HttpResponse:
    assignment = assignment_for(request.user, assignment_pk)
    placement = assignment.placement
    assignment_remove(assignment=assignment)
    messages.success(
        request,
        _("%(name)s no longer supervises this placement.") % {"name": assignment.display_name},
    )
    if request.htmx:
        return TemplateResponse(
            request,
            "supervision/placement_supervision.html#assignments",
            _supervision_context(request, placement),
        )
    return redirect("supervision:placement", pk=placement.pk)


@require_GET
def environment_gaps(request: AuthedRequest, pk: int) -> HttpResponse:
    """Active placements whose student has no practice supervisor of their own domain."""
    environment = environment_to_manage(request.user, pk)
    active = environment.placements.filter(status=PlacementStatus.ACTIVE).annotate(
        has_own=own_domain_supervision()
    )
    totals = {
        row["programme__domain"]: row
        for row in active.values("programme__domain")
        .annotate(total=Count("pk"), gaps=Count("pk", filter=Q(has_own=False)))
        .order_by()
    }
    per_domain = [
        {
            "label": label,
            "total": totals.get(value, {}).get("total", 0),
            "gaps": totals.get(value, {}).get("gaps", 0),
        }
        for value, label in Domain.choices
    ]
    gaps = list(
        active.filter(has_own=False)
        .select_related("student", "programme")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=SupervisionAssignment.objects.select_related("supervisor").order_by(
                    "role", "pk"
                ),
            )
        )
        .order_by("programme__domain", "student__full_name", "pk")[:GAP_LIMIT]
    )
    return TemplateResponse(
        request,
        "supervision/environment_gaps.html",
        {
            "environment": environment,
            "gaps": gaps,
            "per_domain": per_domain,
            "total": sum(row["total"] for row in per_domain),
            "total_gaps": sum(row["gaps"] for row in per_domain),
            "truncated": len(gaps) >= GAP_LIMIT,
        },
    )


@require_http_methods(["GET", "POST"])
def environment_agreement(request: AuthedRequest, pk: int) -> HttpResponse:
    """The environment's default "who does what", maintained by its coordinators."""
    environment = environment_to_manage(request.user, pk)
    agreement = _agreement(environment) or ResponsibilityAgreement(environment=environment)
    data = request.POST if request.method == "POST" else None
    form = AgreementForm(data, instance=agreement)
    if request.method == "POST" and form.is_valid():
        agreement_save(agreement=form.save(commit=False))
        messages.success(request, _("Agreement saved."))
        return redirect("supervision:agreement", pk=environment.pk)
    return TemplateResponse(
        request,
        "supervision/agreement_form.html",
        {"environment": environment, "form": form},
        status=422 if request.method == "POST" else 200,
    )
