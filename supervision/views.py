import datetime
import logging
from typing import Any, cast

from django.contrib import messages
from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from environments.models import Domain, LearningEnvironment, OrganisationKind
from placements.access import environment_to_manage, placement_for
from placements.models import (
    Placement,
    PlacementStatus,
    SupervisionAssignment,
    own_domain_supervision,
)
from placements.services import AssignmentError, assignment_remove, assignment_save
from supervision import home_cache
from supervision.access import (
    assignment_for,
    environment_to_log_time,
    meeting_note_for,
    supervised_placement_for,
    time_log_for,
)
from supervision.forms import (
    ASSIGNED_TWICE,
    CHOOSE_SUPERVISOR,
    NOT_IN_ENVIRONMENT,
    AgreementForm,
    AssignmentForm,
    MeetingNoteForm,
    PeriodForm,
    TimeLogForm,
)
from supervision.home import home_kept
from supervision.models import MeetingNote, ResponsibilityAgreement, TimeKind, TimeLog
from supervision.services import (
    agreement_save,
    meeting_note_delete,
    meeting_note_save,
    time_log_delete,
    time_log_save,
)
from ulvo.lib.http import AuthedRequest

logger = logging.getLogger(__name__)

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
    request: AuthedRequest,
    placement: Placement,
    form: AssignmentForm | None = None,
    note_form: MeetingNoteForm | None = None,
) -> dict[str, object]:
    assignments = list(
        placement.assignments.with_supervisor_domain()
        .select_related("supervisor")
        .order_by("role", "pk")
    )
    domain = placement.programme.domain
    may_manage = request.user.is_coordinator_of(placement.environment)
    if may_manage and form is None:
        form = AssignmentForm(placement=placement)
    writes_notes = any(a.supervisor_id == request.user.pk for a in assignments)
    if writes_notes and note_form is None:
        note_form = MeetingNoteForm()
    return {
        "meeting_notes": list(
            MeetingNote.objects.visible_to(request.user)
            .filter(placement=placement)
            .select_related("author")
        ),
        "writes_notes": writes_notes,
        "note_form": note_form if writes_notes else None,
        "is_student": placement.student_id == request.user.pk,
        "placement": placement,
        "assignments": assignments,
        "student_domain": Domain(domain).label,
        "has_own_domain": any(a.is_own_domain(domain) for a in assignments),
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
            "total": totals[value]["total"] if value in totals else 0,
            "gaps": totals[value]["gaps"] if value in totals else 0,
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


# --- The supervisor's home ------------------------------------------------------------


@require_GET
def supervisor_home(request: AuthedRequest) -> HttpResponse:
    """My supervisees, per environment: weeks to sign off, reflections to answer,
    recent attendance and whether they have a supervisor from their own domain.

    The template keeps the page rendered (``{% cache %}``) until something on it
    changes (supervision/home_cache.py); only then is ``home`` read, in a fixed number
    of queries (supervision/home.py)."""
    user = request.user
    context = {
        "home": SimpleLazyObject(lambda: home_kept(user)),
        "home_key": home_cache.page_key(user.pk, get_language()),
        "home_seconds": home_cache.seconds(),
    }
    template_name = "supervision/home.html"
    if request.htmx:
        template_name += "#supervisor-home"
    return TemplateResponse(request, template_name, context)


# --- Meeting notes --------------------------------------------------------------------


@require_POST
def meeting_note_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """A supervisor writes down a supervision meeting with the student."""
    placement = supervised_placement_for(request.user, pk)
    form = MeetingNoteForm(request.POST)
    # Saved, the section shows an empty form again; not saved, this one with its errors.
    shown: MeetingNoteForm | None = form
    if form.is_valid():
        note = form.save(commit=False)
        note.placement = placement
        note.author = request.user
        meeting_note_save(note=note)
        messages.success(request, _("Meeting notes saved."))
        if not request.htmx:
            return redirect(
                reverse("supervision:placement", args=[placement.pk]) + "#meeting-notes"
            )
        shown = None
        status = 200
    else:
        status = 422
    template_name = "supervision/placement_supervision.html"
    if request.htmx:
        template_name += "#meeting-notes"
    return TemplateResponse(
        request,
        template_name,
        _supervision_context(request, placement, note_form=shown),
        status=status,
    )


@require_http_methods(["GET", "POST"])
def meeting_note_edit(request: AuthedRequest, note_pk: int) -> HttpResponse:
    note = meeting_note_for(request.user, note_pk, write=True)
    data = request.POST if request.method == "POST" else None
    form = MeetingNoteForm(data, instance=note)
    if request.method == "POST" and form.is_valid():
        meeting_note_save(note=form.save(commit=False))
        messages.success(request, _("Meeting notes saved."))
        return redirect(
            reverse("supervision:placement", args=[note.placement_id]) + "#meeting-notes"
        )
    return TemplateResponse(
        request,
        "supervision/meeting_note_form.html",
        {"note": note, "placement": note.placement, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def meeting_note_delete_view(request: AuthedRequest, note_pk: int) -> HttpResponse:
    note = meeting_note_for(request.user, note_pk, write=True)
    placement = note.placement
    meeting_note_delete(note=note)
    messages.success(request, _("Meeting notes deleted."))
    if request.htmx:
        placement = placement_for(request.user, placement.pk)
        return TemplateResponse(
            request,
            "supervision/placement_supervision.html#meeting-notes",
            _supervision_context(request, placement),
        )
    return redirect(reverse("supervision:placement", args=[placement.pk]) + "#meeting-notes")


# --- Time invested by professionals -----------------------------------------------------


def _month_of(value: str | None) -> datetime.date:
    """The first day of the month asked for as YYYY-MM, or of this month."""
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        day = datetime.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)
    if not 2000 <= day.year <= today.year + 1:
        return today.replace(day=1)
    return day


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _time_context(
    request: AuthedRequest,
    environment: LearningEnvironment,
    organisations: list[Any],
    month: datetime.date,
    form: TimeLogForm | None = None,
) -> dict[str, Any]:
    own = TimeLog.objects.visible_to(request.user).filter(environment=environment)
    entries = list(
        own.filter(date__gte=month, date__lt=_next_month(month))
        .select_related("organisation")
        .order_by("-date", "-created_at")
    )
    months = list(
        own.annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(minutes=Sum("minutes"))
        .order_by("-month")[:12]
    )
    if form is None:
        form = TimeLogForm(
            person=request.user, environment=environment, organisations=organisations
        )
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = _next_month(month)
    return {
        "environment": environment,
        "entries": entries,
        "month": month,
        "month_total": sum(entry.minutes for entry in entries),
        "months": months,
        "previous_month": previous,
        "next_month": following if following <= timezone.localdate() else None,
        "form": form,
        "single_organisation": len(organisations) == 1,
    }


@require_http_methods(["GET", "POST"])
def time_log(request: AuthedRequest, pk: int) -> HttpResponse:
    """My hours in a learning environment, month by month, and a quick form to add some."""
    environment, organisations = environment_to_log_time(request.user, pk)
    month = _month_of(request.GET.get("maand"))
    form = None
    status = 200
    if request.method == "POST":
        form = TimeLogForm(
            request.POST,
            person=request.user,
            environment=environment,
            organisations=organisations,
        )
        if form.is_valid():
            entry = time_log_save(entry=form.save(commit=False))
            messages.success(request, _("Time logged."))
            month = entry.date.replace(day=1)
            if not request.htmx:
                url = reverse("supervision:time_log", args=[environment.pk])
                return redirect(f"{url}?maand={month:%Y-%m}")
            form = None
        else:
            status = 422
    template_name = "supervision/time_log.html"
    if request.htmx and request.method == "POST":
        template_name += "#time-log"
    return TemplateResponse(
        request,
        template_name,
        _time_context(request, environment, organisations, month, form),
        status=status,
    )


@require_http_methods(["GET", "POST"])
def time_log_edit(request: AuthedRequest, entry_pk: int) -> HttpResponse:
    entry = time_log_for(request.user, entry_pk)
    environment, organisations = environment_to_log_time(request.user, entry.environment_id)
    data = request.POST if request.method == "POST" else None
    form = TimeLogForm(
        data,
        instance=entry,
        person=request.user,
        environment=environment,
        organisations=organisations,
    )
    if request.method == "POST" and form.is_valid():
        entry = time_log_save(entry=form.save(commit=False))
        messages.success(request, _("Time saved."))
        url = reverse("supervision:time_log", args=[environment.pk])
        return redirect(f"{url}?maand={entry.date:%Y-%m}")
    return TemplateResponse(
        request,
        "supervision/time_log_form.html",
        {"entry": entry, "environment": environment, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def time_log_delete_view(request: AuthedRequest, entry_pk: int) -> HttpResponse:
    entry = time_log_for(request.user, entry_pk)
    environment, organisations = environment_to_log_time(request.user, entry.environment_id)
    month = entry.date.replace(day=1)
    time_log_delete(entry=entry)
    messages.success(request, _("Time deleted."))
    if request.htmx:
        return TemplateResponse(
            request,
            "supervision/time_log.html#time-log",
            _time_context(request, environment, organisations, month),
        )
    url = reverse("supervision:time_log", args=[environment.pk])
    return redirect(f"{url}?maand={month:%Y-%m}")


def _school_year(environment: LearningEnvironment) -> tuple[datetime.date, datetime.date]:
    first = int(environment.school_year[:4])
    return datetime.date(first, 8, 1), datetime.date(first + 1, 7, 31)


@require_GET
def time_totals(request: AuthedRequest, pk: int) -> HttpResponse:
    """Hours professionals invested in the environment, per organisation and domain.

    Totals only: who logged what is theirs.
    """
    environment = environment_to_manage(request.user, pk)
    start, end = _school_year(environment)
    period = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if period.is_bound and period.is_valid():
        start, end = period.cleaned_data["start"] or start, period.cleaned_data["end"] or end
    logs = TimeLog.objects.filter(environment=environment, date__gte=start, date__lte=end)
    # Plain dicts, given their labels below.
    rows = cast(
        list[dict[str, Any]],
        list(
            logs.values("organisation__name", "organisation__kind", "domain")
            .annotate(minutes=Sum("minutes"), people=Count("person", distinct=True))
            .order_by("organisation__kind", "organisation__name", "domain")
        ),
    )
    kinds = dict(OrganisationKind.choices)
    domains = dict(Domain.choices)
    for row in rows:
        row["kind_label"] = kinds.get(row["organisation__kind"], "")
        row["domain_label"] = domains.get(row["domain"], "")
    per_domain = {
        row["domain"]: row["minutes"]
        for row in logs.values("domain").annotate(minutes=Sum("minutes")).order_by()
    }
    per_kind = {
        row["kind"]: row["minutes"]
        for row in logs.values("kind").annotate(minutes=Sum("minutes")).order_by()
    }
    total = sum(per_domain.values())
    return TemplateResponse(
        request,
        "supervision/time_totals.html",
        {
            "environment": environment,
            "period": period,
            "start": start,
            "end": end,
            "rows": rows,
            "per_domain": [(label, per_domain.get(value, 0)) for value, label in Domain.choices],
            "per_kind": [(label, per_kind.get(value, 0)) for value, label in TimeKind.choices],
            "total": total,
        },
    )
