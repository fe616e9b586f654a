"""The application round's pages: the index (open rounds; an institute supervisor's
confirmations), a student's application (phone-first), and the coordinator's proposal
page (per host and per student, pins and bans, a re-run with a progress bar, the
confirmation). Each view asks the access helper first."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts.models import Role
from allocation.access import (
    HOST_ROLES,
    application_to_confirm,
    compliance_item_for,
    host_organisations,
    round_for,
)
from allocation.explain import describe, describe_all
from allocation.forms import CHOICE_FIELDS, ApplicationForm, ComplianceForm, DecisionForm
from allocation.models import (
    Application,
    ApplicationRound,
    ComplianceItem,
    Decision,
    Proposal,
    ProposalStatus,
)
from allocation.services import (
    AllocationError,
    application_confirm,
    application_submit,
    compliance_update,
    decision_set,
    proposal_confirm,
    proposal_start,
    round_hosts,
)
from environments.models import Domain, Organisation
from placements.models import Weekday, mask_to_weekdays
from ulvo.lib.http import AuthedRequest

REFUSALS = {
    "closed": gettext_lazy("This round is closed: applications can no longer change."),
    "not_a_student": gettext_lazy("Only students of this environment apply."),
    "unknown_host": gettext_lazy("Choose one of the hosts of this round."),
    "duplicate_host": gettext_lazy("You chose this host already."),
    "too_many": gettext_lazy("Choose at most five hosts."),
    "not_ready": gettext_lazy(
        "This proposal can no longer be confirmed: run the allocation again."
    ),
    "overlap": gettext_lazy(
        "Some students already have a placement in this period: nothing was confirmed."
    ),
}


def _refusal(error: AllocationError) -> str:
    return str(REFUSALS.get(error.code, error.code))


@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    """The rounds of the user's environments, with what the user does in each; for an
    institute supervisor the applications of their institute waiting for them."""
    user = request.user
    rounds = list(
        ApplicationRound.objects.visible_to(user)
        .select_related("environment")
        .order_by("-opens_on", "pk")
    )
    roles = defaultdict(set)
    for environment_id, role in user.memberships.filter(is_active=True).values_list(
        "environment_id", "role"
    ):
        roles[environment_id].add(role)
    own = {
        a.round_id: a
        for a in Application.objects.filter(student=user, round__in=rounds).prefetch_related(
            "preferences__host"
        )
    }
    institutes = user.memberships.filter(
        role=Role.INSTITUTE_SUPERVISOR, is_active=True, organisation__isnull=False
    ).values_list("environment_id", "organisation_id")
    waiting = []
    if institutes:
        waiting = list(
            Application.objects.visible_to(user)
            .filter(confirmed_at__isnull=True, round__in=rounds)
            .exclude(student=user)
            .select_related("student", "programme", "round")
            .order_by("round", "student__full_name")
        )
        allowed = set(institutes)
        waiting = [
            a for a in waiting if (a.round.environment_id, a.programme.institute_id) in allowed
        ]
    hosting = set(
        user.memberships.filter(
            role__in=HOST_ROLES, is_active=True, organisation__isnull=False
        ).values_list("environment_id", flat=True)
    )
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "allocation/index.html",
        {
            "rows": [
                {
                    "round": r,
                    "open": r.is_open(today),
                    "student": Role.STUDENT in roles[r.environment_id],
                    "coordinator": Role.COORDINATOR in roles[r.environment_id],
                    "host": r.environment_id in hosting,
                    "application": own.get(r.pk),
                }
                for r in rounds
            ],
            "waiting": waiting,
        },
    )


def _apply_page(
    request: AuthedRequest,
    round: ApplicationRound,
    form: ApplicationForm,
    application: Application | None,
    *,
    status: int = 200,
) -> TemplateResponse:
    return TemplateResponse(
        request,
        "allocation/apply.html",
        {
            "round": round,
            "form": form,
            "choice_fields": [form[name] for name in CHOICE_FIELDS],
            "application": application,
            "open": round.is_open(timezone.localdate()),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def apply(request: AuthedRequest, pk: int) -> HttpResponse:
    """The student's own application: up to five hosts in order, or none."""
    round = round_for(request.user, pk, apply=True)
    hosts = round_hosts(round)
    application = (
        Application.objects.filter(round=round, student=request.user)
        .prefetch_related("preferences")
        .first()
    )
    if request.method == "GET":
        initial: dict[str, Any] = {}
        if application is not None:
            initial = {
                "weekdays": [str(d) for d in mask_to_weekdays(application.weekdays)],
                "class_days": [str(d) for d in mask_to_weekdays(application.class_days)],
                "crebo": application.crebo,
            }
            for preference in application.preferences.all():
                initial[f"choice_{preference.rank}"] = preference.host_id
        return _apply_page(
            request, round, ApplicationForm(initial=initial, hosts=hosts), application
        )
    form = ApplicationForm(request.POST, hosts=hosts)
    if not form.is_valid():
        return _apply_page(request, round, form, application, status=422)
    try:
        application_submit(
            round=round,
            student=request.user,
            hosts=form.hosts(),
            weekdays=[int(d) for d in form.cleaned_data["weekdays"]],
            class_days=[int(d) for d in form.cleaned_data["class_days"]],
            crebo=form.cleaned_data["crebo"],
        )
    except AllocationError as error:
        form.add_error(None, _refusal(error))
        return _apply_page(request, round, form, application, status=422)
    messages.success(
        request, _("Your application is saved. You can change it until the round closes.")
    )
    return redirect("allocation:apply", pk=round.pk)


@require_POST
def confirm_application(request: AuthedRequest, pk: int) -> HttpResponse:
    """The institute supervisor confirms a student's programme and level."""
    application = application_to_confirm(request.user, pk)
    application_confirm(application=application, supervisor=request.user)
    messages.success(
        request,
        _("Confirmed: %(student)s, %(programme)s.")
        % {"student": application.student.full_name, "programme": application.programme},
    )
    return redirect("allocation:index")


def _proposal_context(round: ApplicationRound) -> dict[str, Any]:
    """The latest proposal per host and per student, with its reasons in words."""
    proposal = round.proposals.exclude(status=ProposalStatus.SUPERSEDED).order_by("-pk").first()
    applications = list(
        round.applications.select_related("student", "programme").order_by(
            "student__full_name", "pk"
        )
    )
    decisions: dict[int, list[Decision]] = defaultdict(list)
    for decision in Decision.objects.filter(application__round=round).select_related("host"):
        decisions[decision.application_id].append(decision)
    hosts = round_hosts(round)
    host_names = {h.pk: h.name for h in hosts}
    by_host: dict[int, list[dict[str, Any]]] = defaultdict(list)
    by_application: dict[int, dict[str, Any]] = {}
    targets: list[dict[str, Any]] = []
    unassigned: dict[int, str] = {}
    if proposal is not None and proposal.status in (ProposalStatus.READY, ProposalStatus.CONFIRMED):
        items = proposal.items.select_related(
            "application__student", "application__programme", "supervisor"
        )
        for item in items:
            row = {
                "item": item,
                "student": item.application.student.full_name,
                "programme": item.application.programme.name,
                "host": host_names.get(item.host_id, ""),
                "reasons": describe_all(item.reasons),
                "supervisor": item.supervisor.full_name if item.supervisor else "",
            }
            by_host[item.host_id].append(row)
            by_application[item.application_id] = row
        programme_names = {a.programme_id: a.programme.name for a in applications}
        for t in proposal.targets:
            if t["host"]:
                label = _("%(host)s: students of at least %(minimum)s domains") % {
                    "host": host_names.get(t["host"], ""),
                    "minimum": t["minimum"],
                }
            elif t["programme"]:
                label = _("%(programme)s: at least %(minimum)s students") % {
                    "programme": programme_names.get(t["programme"], ""),
                    "minimum": t["minimum"],
                }
            else:
                label = _("Domain %(domain)s: at least %(minimum)s students") % {
                    "domain": Domain(t["domain"]).label,
                    "minimum": t["minimum"],
                }
            targets.append(
                {
                    "label": label,
                    "achieved": t["achieved"],
                    "met": t["achieved"] >= t["minimum"],
                    "reasons": "; ".join(describe(r) for r in t["reasons"]),
                }
            )
        unassigned = {u["application"]: describe_all(u["reasons"]) for u in proposal.unassigned}
    return {
        "proposal": proposal,
        "hosts": [(h, by_host.get(h.pk, [])) for h in hosts],
        "students": [
            {
                "application": a,
                "row": by_application.get(a.pk),
                "unassigned": unassigned.get(a.pk, ""),
                "decisions": decisions.get(a.pk, []),
            }
            for a in applications
        ],
        "targets": targets,
        "host_list": hosts,
    }


def _round_page(
    request: AuthedRequest, round: ApplicationRound, *, status: int = 200, **extra: Any
) -> HttpResponse:
    template = "allocation/round.html"
    if request.htmx and request.GET.get("part") == "progress":
        if not round.proposals.filter(status=ProposalStatus.RUNNING).exists():
            # Solved: the whole page shows the new proposal.
            return HttpResponseClientRefresh()
        template += "#proposal-progress"
    return TemplateResponse(
        request,
        template,
        {"round": round, **_proposal_context(round), **extra},
        status=status,
    )


@require_GET
def round_page(request: AuthedRequest, pk: int) -> HttpResponse:
    round = round_for(request.user, pk, manage=True)
    return _round_page(request, round)


@require_POST
def run(request: AuthedRequest, pk: int) -> HttpResponse:
    round = round_for(request.user, pk, manage=True)
    if not round.proposals.filter(status=ProposalStatus.RUNNING).exists():
        proposal_start(round=round, user=request.user)
    return redirect("allocation:round", pk=round.pk)


@require_POST
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    """Pin a student to a host, rule a host out, or take that back."""
    round = round_for(request.user, pk, manage=True)
    form = DecisionForm(request.POST, round=round, hosts=round_hosts(round))
    if not form.is_valid():
        return _round_page(request, round, status=422, decision_errors=form.errors)
    application = round.applications.get(pk=form.cleaned_data["application"])
    host: Organisation = form.cleaned_data["host"]
    decision_set(application=application, host=host, kind=form.cleaned_data["kind"])
    messages.success(request, _("Saved. Run the allocation again to see its effect."))
    return redirect("allocation:round", pk=round.pk)


@require_POST
def confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    round = round_for(request.user, pk, manage=True)
    proposal: Proposal | None = round.proposals.filter(pk=request.POST.get("proposal") or 0).first()
    if proposal is None:
        messages.error(request, REFUSALS["not_ready"])
        return redirect("allocation:round", pk=round.pk)
    try:
        placements = proposal_confirm(proposal=proposal, user=request.user)
    except AllocationError as error:
        messages.error(request, _refusal(error))
        return redirect("allocation:round", pk=round.pk)
    messages.success(
        request,
        _("Confirmed: %(count)s placements, with their practice supervisors.")
        % {"count": len(placements)},
    )
    return redirect("allocation:round", pk=round.pk)


def _compliance_items(round: ApplicationRound) -> list[ComplianceItem]:
    """The items of the placements made from this round's confirmed proposals."""
    return list(
        ComplianceItem.objects.filter(
            placement__in=round.proposals.filter(status=ProposalStatus.CONFIRMED).values(
                "items__placement"
            )
        )
        .select_related(
            "placement__student",
            "placement__school",
            "placement__neighbourhood_organisation",
            "requirement",
        )
        .defer("document")
        .order_by("placement__student__full_name", "requirement__name", "pk")
    )


@require_GET
def compliance(request: AuthedRequest, pk: int) -> HttpResponse:
    """What is still open before the round's placements start, per student and per
    host."""
    round = round_for(request.user, pk, manage=True)
    items = _compliance_items(round)
    per_host: dict[str, int] = defaultdict(int)
    for item in items:
        if item.is_open and item.requirement.required:
            for host in item.placement.hosts:
                per_host[host.name] += 1
    return TemplateResponse(
        request,
        "allocation/compliance.html",
        {
            "round": round,
            "items": [
                (
                    item,
                    ComplianceForm(
                        initial={"status": item.status, "signed_by": item.signed_by},
                        prefix=f"item-{item.pk}",
                    ),
                )
                for item in items
            ],
            "per_host": sorted(per_host.items()),
        },
    )


@require_POST
def compliance_item(request: AuthedRequest, pk: int) -> HttpResponse:
    item = compliance_item_for(request.user, pk)
    form = ComplianceForm(request.POST, request.FILES, prefix=f"item-{item.pk}")
    round_pk = request.POST.get("round", "")
    if not form.is_valid():
        return TemplateResponse(
            request,
            "allocation/compliance_item.html",
            {"item": item, "form": form, "round_pk": round_pk},
            status=422,
        )
    compliance_update(
        item=item,
        user=request.user,
        status=form.cleaned_data["status"],
        day=timezone.localdate(),
        signed_by=form.cleaned_data["signed_by"],
        document=form.content,
        kind=form.kind,
    )
    messages.success(request, _("Saved: %(item)s.") % {"item": item.requirement.name})
    if round_pk.isdigit():
        return redirect("allocation:compliance", pk=int(round_pk))
    return redirect("allocation:index")


@require_GET
def compliance_document(request: AuthedRequest, pk: int) -> HttpResponse:
    """The uploaded document, always as an attachment, in the type its content has."""
    item = compliance_item_for(request.user, pk)
    if not item.document:
        raise Http404
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        item.document_type, "bin"
    )
    response = HttpResponse(
        bytes(item.document), content_type=item.document_type or "application/octet-stream"
    )
    response["Content-Disposition"] = f'attachment; filename="document-{item.pk}.{extension}"'
    return response


def shown_proposal(round: ApplicationRound) -> Proposal | None:
    """The proposal hosts see: the confirmed one, else the newest ready one."""
    return (
        round.proposals.filter(status=ProposalStatus.CONFIRMED).first()
        or round.proposals.filter(status=ProposalStatus.READY).first()
    )


@require_GET
def host_applicants(request: AuthedRequest, pk: int) -> HttpResponse:
    """The applicants proposed to the hosts the user supervises for: name, programme
    and weekdays, nothing else; two queries after the access checks."""
    round = round_for(request.user, pk)
    hosts = host_organisations(request.user, round)
    proposal = shown_proposal(round)
    rows: list[dict[str, Any]] = []
    if proposal is not None:
        items = (
            proposal.items.filter(host_id__in=hosts)
            .select_related("host", "application__student", "application__programme")
            .order_by("host__name", "application__student__full_name", "pk")
        )
        rows = [
            {
                "host": item.host.name,
                "student": item.application.student.full_name,
                "programme": item.application.programme.name,
                "weekdays": [
                    Weekday(day).label for day in mask_to_weekdays(item.application.weekdays)
                ],
            }
            for item in items
        ]
    return TemplateResponse(
        request,
        "allocation/host_applicants.html",
        {
            "round": round,
            "proposal": proposal,
            "rows": rows,
            "confirmed": proposal is not None and proposal.status == ProposalStatus.CONFIRMED,
        },
    )
