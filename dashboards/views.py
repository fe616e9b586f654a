import datetime
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, OuterRef, Q, Subquery, Sum
from django.http import Http404, HttpResponse
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import Role
from dashboards import figures
from dashboards.access import dashboard_environment, dashboard_network, dashboard_organisation
from dashboards.ahead import CACHE_SECONDS, cache_key, cached_dashboard
from dashboards.exports import csv_response, xlsx_response
from dashboards.forms import HoursDrillForm, PeriodForm, PlacementDrillForm, SessionDrillForm
from dashboards.host import building_table, in_the_building, sees_students, week_of
from dashboards.suppression import count_cell
from dashboards.tables import (
    FigureTable,
    Row,
    cell_text,
    date_text,
    datetime_text,
    environment_tables,
    session_tables,
    usefulness_table,
)
from environments.models import Domain, LearningEnvironment, Level
from learning_networks.models import (
    Attendance,
    NetworkSession,
    Presence,
    SessionFeedback,
    SessionKind,
    SessionStatus,
)
from placements.models import ActivityEntry, EntryStatus, SupervisionAssignment, Weekday
from ulvo.lib.formats import duration
from ulvo.lib.http import AuthedRequest

# Drill-down lists stop here; the export of a figure has every row of the figure.
DRILL_LIMIT = 500
UPCOMING_DAYS = 42
EXPORT_FORMATS = {"csv": csv_response, "xlsx": xlsx_response}


def _period_form(request: AuthedRequest, environment: LearningEnvironment) -> PeriodForm:
    data = {"period": "year", "year": environment.school_year}
    data.update({key: request.GET[key] for key in PeriodForm.base_fields if key in request.GET})
    return PeriodForm(data, environment=environment)


def _partial(request: AuthedRequest, template_name: str, fragment: str) -> str:
    """The fragment for htmx requests; the whole page for others and for htmx's
    history restore (back button after the cache is gone)."""
    if request.htmx and not request.htmx.history_restore_request:
        return f"{template_name}#{fragment}"
    return template_name


def url_maker(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for the many rows of a list at the cost of one
    reverse: the pattern's ``<int:pk>`` is written as the number itself."""
    marker = "2147483647"
    head, tail = reverse(name, args=[int(marker)]).rsplit(marker, 1)
    return lambda pk: f"{head}{pk}{tail}"


def labels(choices: Iterable[tuple[Any, Any]]) -> dict[Any, str]:
    """A choice's label in the current language, looked up once per list."""
    return {value: str(label) for value, label in choices}


@require_GET
def environment_dashboard(request: AuthedRequest, pk: int) -> HttpResponse:
    """The coordinator's balance dashboard of one environment and period."""
    environment = dashboard_environment(request.user, pk)
    form = _period_form(request, environment)
    context: dict[str, Any] = {"environment": environment, "form": form}
    status = 200
    if form.is_valid():
        period = form.get_period()
        query = form.query()
        # The whole fragment (filters, summary, charts, tables) is rendered once per
        # period, language and query string, then served from the shared cache.
        raw = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:16]
        key = cache_key(environment, period, "page", get_language() or "", raw)
        html = cache.get(key)
        if html is None:
            dashboard, computed_at = cached_dashboard(environment, period)
            html = render_to_string(
                "dashboards/environment.html#dashboard",
                {
                    **context,
                    "period": period,
                    "query": query,
                    "dashboard": dashboard,
                    "computed_at": computed_at,
                    "tables": environment_tables(dashboard, suppress=False),
                    "drill_allowed": True,
                    "export_name": "dashboards:export",
                    "export_pk": environment.pk,
                },
            )
            cache.set(key, html, CACHE_SECONDS)
        context["dashboard_html"] = mark_safe(html)  # noqa: S308 - our own template's output
    else:
        status = 422
    template_name = _partial(request, "dashboards/environment.html", "dashboard")
    return TemplateResponse(request, template_name, context, status=status)


@require_GET
def export(request: AuthedRequest, pk: int, figure: str, fmt: str) -> HttpResponse:
    environment = dashboard_environment(request.user, pk)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    form = _period_form(request, environment)
    if not form.is_valid():
        return TemplateResponse(
            request,
            "dashboards/environment.html",
            {"environment": environment, "form": form},
            status=422,
        )
    dashboard, _computed_at = cached_dashboard(environment, form.get_period())
    table = next((t for t in environment_tables(dashboard, False) if t.key == figure), None)
    if table is None:
        raise Http404
    return EXPORT_FORMATS[fmt](table, f"{environment.name} {form.get_period().label}")


def _drill(
    request: AuthedRequest,
    pk: int,
    form_class: type,
    template: str,
    rows: Any,
    present: Callable[[list[Any]], list[Any]],
) -> HttpResponse:
    environment = dashboard_environment(request.user, pk)
    period_form = _period_form(request, environment)
    form = form_class(request.GET, environment=environment)
    context: dict[str, Any] = {"environment": environment, "form": period_form, "drill": form}
    if not (period_form.is_valid() and form.is_valid()):
        return TemplateResponse(request, template, context, status=422)
    period = period_form.get_period()
    items = list(rows(environment, period, form.cleaned_data)[: DRILL_LIMIT + 1])
    context.update(
        period=period,
        query=period_form.query(),
        items=present(items[:DRILL_LIMIT]),
        truncated=len(items) > DRILL_LIMIT,
        filters=form.description(),
    )
    return TemplateResponse(request, template, context)


def _placement_rows(environment: LearningEnvironment, period: figures.Period, data: dict) -> Any:
    placements = figures.placements_in(environment, period).select_related(
        "student", "programme", "school", "neighbourhood_organisation"
    )
    if data.get("programme"):
        placements = placements.filter(programme=data["programme"])
    if data.get("domain"):
        placements = placements.filter(programme__domain=data["domain"])
    if data.get("level"):
        placements = placements.filter(programme__level=data["level"])
    if data.get("week"):
        monday = data["week"]
        placements = placements.filter(
            start_date__lte=monday + datetime.timedelta(days=4),
            end_date__gte=monday,
        ).exclude(weekdays_on_site=0)
    if data.get("own_domain"):
        placements = placements.annotate(own=figures.own_domain_supervision()).filter(
            own=data["own_domain"] == "yes"
        )
    return placements.order_by("programme__name", "student__full_name", "pk")


@dataclass
class PlacementLine:
    url: str
    student: str
    programme: str
    level: str
    domain: str
    hosts: str
    start_date: str
    end_date: str
    days: str


def _placement_lines(items: list[Any]) -> list[PlacementLine]:
    url, levels, domains = (
        url_maker("placements:detail"),
        labels(Level.choices),
        labels(Domain.choices),
    )
    weekdays = labels(Weekday.choices)
    return [
        PlacementLine(
            url=url(p.pk),
            student=p.student.full_name,
            programme=p.programme.name,
            level=levels[p.programme.level],
            domain=domains[p.programme.domain],
            hosts=", ".join(host.name for host in p.hosts),
            start_date=date_text(p.start_date),
            end_date=date_text(p.end_date),
            days=", ".join(weekdays[day] for day in p.days_on_site),
        )
        for p in items
    ]


@require_GET
def placements(request: AuthedRequest, pk: int) -> HttpResponse:
    """The placements behind a figure (programme, domain, level, week, supervision)."""
    return _drill(
        request,
        pk,
        PlacementDrillForm,
        "dashboards/placements.html",
        _placement_rows,
        _placement_lines,
    )


def _session_rows(environment: LearningEnvironment, period: figures.Period, data: dict) -> Any:
    sessions = figures.sessions_in(environment, period)
    if data.get("kind"):
        sessions = sessions.filter(kind=data["kind"])
    # Counted per session in subqueries: joining attendance and feedback at once would
    # multiply one by the other before counting.
    attendances = Attendance.objects.filter(session=OuterRef("pk")).order_by().values("session")
    feedback = SessionFeedback.objects.filter(session=OuterRef("pk")).order_by().values("session")
    return (
        sessions.values("pk", "theme", "starts_at", "kind", "network__name")
        .annotate(
            invited=Subquery(attendances.annotate(n=Count("pk")).values("n")),
            present=Subquery(
                attendances.filter(presence=Presence.PRESENT).annotate(n=Count("pk")).values("n")
            ),
            usefulness=Subquery(feedback.annotate(mean=Avg("usefulness")).values("mean")),
        )
        .order_by("starts_at", "pk")
    )


@dataclass
class SessionLine:
    url: str
    theme: str
    starts_at: str
    kind: str
    network: str
    invited: str
    present: str
    usefulness: str


def _session_lines(items: list[dict[str, Any]]) -> list[SessionLine]:
    url, kinds = url_maker("learning_networks:session"), labels(SessionKind.choices)
    return [
        SessionLine(
            url=url(row["pk"]),
            theme=row["theme"],
            starts_at=datetime_text(row["starts_at"]),
            kind=kinds[row["kind"]],
            network=row["network__name"],
            invited=cell_text(row["invited"] or 0),
            present=cell_text(row["present"] or 0),
            usefulness="–" if row["usefulness"] is None else floatformat(row["usefulness"], 1),
        )
        for row in items
    ]


@require_GET
def sessions(request: AuthedRequest, pk: int) -> HttpResponse:
    """The sessions behind the session figures, with attendance and usefulness."""
    return _drill(
        request, pk, SessionDrillForm, "dashboards/sessions.html", _session_rows, _session_lines
    )


def _hours_rows(environment: LearningEnvironment, period: figures.Period, data: dict) -> Any:
    entries = ActivityEntry.objects.filter(
        placement__environment=environment, date__gte=period.start, date__lte=period.end
    )
    if data.get("setting"):
        entries = entries.filter(setting=data["setting"])
    return (
        entries.values(
            "placement_id", "placement__student__full_name", "placement__programme__name"
        )
        .annotate(
            logged=Sum("minutes"),
            approved=Sum("minutes", filter=Q(status=EntryStatus.APPROVED)),
        )
        .order_by("placement__programme__name", "placement__student__full_name")
    )


@dataclass
class HoursLine:
    url: str
    student: str
    programme: str
    logged: str
    approved: str


def _hours_lines(items: list[dict[str, Any]]) -> list[HoursLine]:
    url = url_maker("placements:overview")
    return [
        HoursLine(
            url=url(row["placement_id"]),
            student=row["placement__student__full_name"],
            programme=row["placement__programme__name"],
            logged=duration(row["logged"]),
            approved=duration(row["approved"]),
        )
        for row in items
    ]


@require_GET
def hours(request: AuthedRequest, pk: int) -> HttpResponse:
    """Students' hours per placement behind the hours figure."""
    return _drill(request, pk, HoursDrillForm, "dashboards/hours.html", _hours_rows, _hours_lines)


# --- Views for others ----------------------------------------------------------------


@require_GET
def organisation_dashboard(request: AuthedRequest, pk: int, organisation_pk: int) -> HttpResponse:
    """A school's or neighbourhood organisation's view: the programmes present with
    them, the students each of their supervisors carries, and the coming sessions."""
    environment, organisation, is_coordinator = dashboard_organisation(
        request.user, pk, organisation_pk
    )
    suppress = not is_coordinator
    form = _period_form(request, environment)
    context: dict[str, Any] = {
        "environment": environment,
        "organisation": organisation,
        "form": form,
        "suppress": suppress,
    }
    if not form.is_valid():
        template_name = _partial(request, "dashboards/organisation.html", "dashboard")
        return TemplateResponse(request, template_name, context, status=422)
    period = form.get_period()
    hosted = figures.placements_in(environment, period).filter(
        Q(school=organisation) | Q(neighbourhood_organisation=organisation)
    )
    programmes = (
        hosted.values("programme__name", "programme__domain")
        .annotate(students=Count("student", distinct=True))
        .order_by("programme__domain", "programme__name")
    )
    colleagues = environment.memberships.filter(organisation=organisation, is_active=True).values(
        "user_id"
    )
    # Students per supervisor of theirs: loads, not identities (no suppression needed).
    loads = (
        SupervisionAssignment.objects.filter(
            placement__in=figures.placements_in(environment, period),
            supervisor_id__in=colleagues,
        )
        .values("supervisor_id", "supervisor__full_name")
        .annotate(students=Count("placement__student", distinct=True))
        .order_by("supervisor__full_name")
    )
    now = timezone.now()
    upcoming = (
        NetworkSession.objects.filter(
            network__environment=environment,
            status=SessionStatus.PLANNED,
            starts_at__gte=now,
            starts_at__lt=now + datetime.timedelta(days=UPCOMING_DAYS),
        )
        .select_related("network", "location")
        .order_by("starts_at")[:20]
    )
    context.update(
        period=period,
        query=form.query(),
        programmes=[
            {
                "name": row["programme__name"],
                "domain": Domain(row["programme__domain"]).label,
                "students": count_cell(row["students"], suppress),
            }
            for row in programmes
        ],
        loads=list(loads),
        upcoming=upcoming,
    )
    # Who is in the building this week (#19): the host's professionals and coordinators.
    if sees_students(request.user, environment, organisation):
        today = timezone.localdate()
        context.update(
            in_the_building=in_the_building(environment, organisation, today),
            week=week_of(today),
        )
    template_name = _partial(request, "dashboards/organisation.html", "dashboard")
    return TemplateResponse(request, template_name, context)


@require_GET
def organisation_building_export(
    request: AuthedRequest, pk: int, organisation_pk: int
) -> HttpResponse:
    """This week's students at the host as CSV; the same people as on the page."""
    environment, organisation, _is_coordinator = dashboard_organisation(
        request.user, pk, organisation_pk
    )
    if not sees_students(request.user, environment, organisation):
        raise PermissionDenied
    today = timezone.localdate()
    monday, _sunday = week_of(today)
    return csv_response(
        building_table(in_the_building(environment, organisation, today)),
        f"{organisation.name} {monday.isoformat()}",
    )


def network_tables(
    environment: LearningEnvironment, period: figures.Period, network: Any, suppress: bool
) -> list[FigureTable]:
    members = (
        network.memberships.filter(
            user__memberships__environment=environment,
            user__memberships__role=Role.STUDENT,
        )
        .values("user__memberships__programme__name", "user__memberships__programme__domain")
        .annotate(students=Count("user", distinct=True))
        .order_by("user__memberships__programme__domain", "user__memberships__programme__name")
    )
    member_table = FigureTable(
        key="members",
        title=_("Student members per programme"),
        columns=[_("Programme"), _("Domain"), _("Students")],
        rows=[
            Row(
                [
                    m["user__memberships__programme__name"],
                    str(Domain(m["user__memberships__programme__domain"]).label),
                    count_cell(m["students"], suppress),
                ]
            )
            for m in members
        ],
    )
    tables = [member_table]
    tables.extend(session_tables(figures.sessions(environment, period, network), suppress))
    tables.append(usefulness_table(figures.usefulness(environment, period, network), suppress))
    for table in tables:
        table.drill = ""  # the drill-downs list the environment's placements: coordinators only
    return tables


@require_GET
def network_dashboard(request: AuthedRequest, pk: int) -> HttpResponse:
    """A core team's view of its own network: members, sessions, attendance, usefulness."""
    network, is_coordinator = dashboard_network(request.user, pk)
    environment = network.environment
    form = _period_form(request, environment)
    context: dict[str, Any] = {"environment": environment, "network": network, "form": form}
    status = 200
    if form.is_valid():
        period = form.get_period()
        context.update(
            period=period,
            query=form.query(),
            tables=network_tables(environment, period, network, suppress=not is_coordinator),
        )
    else:
        status = 422
    template_name = _partial(request, "dashboards/network.html", "dashboard")
    return TemplateResponse(request, template_name, context, status=status)


@require_GET
def network_export(request: AuthedRequest, pk: int, figure: str, fmt: str) -> HttpResponse:
    network, is_coordinator = dashboard_network(request.user, pk)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    form = _period_form(request, network.environment)
    if not form.is_valid():
        return TemplateResponse(
            request,
            "dashboards/network.html",
            {"environment": network.environment, "network": network, "form": form},
            status=422,
        )
    tables = network_tables(
        network.environment, form.get_period(), network, suppress=not is_coordinator
    )
    table = next((t for t in tables if t.key == figure), None)
    if table is None:
        raise Http404
    return EXPORT_FORMATS[fmt](table, f"{network.name} {form.get_period().label}")
