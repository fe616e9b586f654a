import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Membership, Role, User
from environments.access import environment_for
from environments.models import Domain, OrganisationKind
from learning_networks.access import manages_network, network_for, session_for
from learning_networks.forms import (
    DATETIME_FORMAT,
    DateFinderForm,
    LineForm,
    MemberForm,
    NetworkForm,
    SessionForm,
)
from learning_networks.models import (
    Attendance,
    LearningLine,
    LearningNetwork,
    NetworkMembership,
    SessionStatus,
    Unavailability,
)
from learning_networks.planner import (
    WORKING_DAYS,
    Participant,
    SlotScore,
    candidate_slots,
    rank_slots,
)
from learning_networks.services import (
    SessionError,
    network_member_remove,
    network_member_set,
    session_cancel,
    session_publish,
    session_save,
)
from placements.models import Placement, PlacementStatus, mask_to_weekdays
from ulvo.lib.http import AuthedRequest

SESSION_ERRORS = {
    "not_in_environment": gettext_lazy("Only people of this learning environment can join."),
    "last_core_team_member": gettext_lazy(
        "The network needs at least one core-team member; add another one first."
    ),
    "not_a_draft": gettext_lazy("Only a draft session can be published."),
    "in_the_past": gettext_lazy("This session lies in the past; change its date first."),
}
TOP_SLOTS = 10


# --- Networks -------------------------------------------------------------------------


@require_GET
def network_list(request: AuthedRequest) -> HttpResponse:
    """The networks I am in, and those of the environments I coordinate."""
    networks = (
        LearningNetwork.objects.visible_to(request.user)
        .select_related("environment")
        .order_by("environment__name", "name")
    )
    own = set(
        NetworkMembership.objects.filter(user=request.user).values_list("network_id", "core_team")
    )
    coordinated = list(
        request.user.memberships.filter(role=Role.COORDINATOR, is_active=True).select_related(
            "environment"
        )
    )
    return TemplateResponse(
        request,
        "learning_networks/network_list.html",
        {
            "networks": networks,
            "core_team": {pk for pk, core in own if core},
            "coordinated": [membership.environment for membership in coordinated],
        },
    )


@require_http_methods(["GET", "POST"])
def network_create(request: AuthedRequest, pk: int) -> HttpResponse:
    environment = environment_for(request.user, pk, manage=True)
    data = request.POST if request.method == "POST" else None
    form = NetworkForm(data, environment=environment)
    if request.method == "POST" and form.is_valid():
        network = form.save()
        messages.success(request, _("Learning network created."))
        return redirect(network)
    return TemplateResponse(
        request,
        "learning_networks/network_form.html",
        {"environment": environment, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def network_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    network = network_for(request.user, pk, manage=True)
    data = request.POST if request.method == "POST" else None
    form = NetworkForm(data, instance=network, environment=network.environment)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Learning network saved."))
        return redirect(network)
    return TemplateResponse(
        request,
        "learning_networks/network_form.html",
        {"environment": network.environment, "form": form, "network": network},
        status=422 if request.method == "POST" else 200,
    )


def _visible_sessions(network: LearningNetwork, *, manager: bool) -> Any:
    sessions = network.sessions.select_related("location", "line").prefetch_related(
        Prefetch("facilitators", queryset=User.objects.order_by("full_name"))
    )
    if not manager:
        # Drafts are the core team's work in progress.
        sessions = sessions.exclude(status=SessionStatus.DRAFT)
    return sessions


@require_GET
def network_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    network = network_for(request.user, pk)
    manager = manages_network(request.user, network)
    now = timezone.now()
    sessions = _visible_sessions(network, manager=manager)
    upcoming = list(sessions.filter(ends_at__gt=now).order_by("starts_at"))
    past = list(sessions.filter(ends_at__lte=now).order_by("-starts_at")[:50])
    lines = list(
        network.lines.prefetch_related(
            Prefetch(
                "sessions",
                queryset=_visible_sessions(network, manager=manager).order_by(
                    "position", "starts_at"
                ),
            )
        )
    )
    members = list(network.memberships.select_related("user").order_by("user__full_name"))
    return TemplateResponse(
        request,
        "learning_networks/network_detail.html",
        {
            "network": network,
            "manager": manager,
            "session_tables": [
                {
                    "id": "upcoming",
                    "title": _("Upcoming sessions"),
                    "sessions": upcoming,
                    "empty": _("No sessions planned yet."),
                },
                {
                    "id": "past",
                    "title": _("Past sessions"),
                    "sessions": past,
                    "empty": _("No sessions have taken place yet."),
                },
            ],
            "lines": lines,
            "core_team": [m for m in members if m.core_team],
            "members": [m for m in members if not m.core_team],
        },
    )


def _members_context(network: LearningNetwork, form: MemberForm) -> dict[str, Any]:
    members = list(network.memberships.select_related("user").order_by("user__full_name"))
    return {
        "network": network,
        "form": form,
        "memberships": sorted(members, key=lambda m: not m.core_team),
    }


@require_http_methods(["GET", "POST"])
def network_members(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add someone of the environment, or move them in or out of the core team."""
    network = network_for(request.user, pk, manage=True)
    data = request.POST if request.method == "POST" else None
    form = MemberForm(data, network=network)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                network_member_set(
                    network=network,
                    user=form.cleaned_data["user"],
                    core_team=form.cleaned_data["core_team"],
                )
            except SessionError as error:
                form.add_error("user", SESSION_ERRORS[str(error)])
            else:
                messages.success(
                    request,
                    _("%(name)s is now in the network.")
                    % {"name": form.cleaned_data["user"].full_name},
                )
                if not request.htmx:
                    return redirect("learning_networks:members", pk=network.pk)
                form = MemberForm(network=network)
        if form.errors:
            status = 422
    template_name = "learning_networks/members.html"
    if request.htmx:
        template_name += "#members"
    return TemplateResponse(request, template_name, _members_context(network, form), status=status)


@require_POST
def network_member_remove_view(request: AuthedRequest, pk: int, user_pk: int) -> HttpResponse:
    network = network_for(request.user, pk, manage=True)
    user = User.objects.filter(pk=user_pk).first()
    if user is None:
        raise Http404
    try:
        removed = network_member_remove(network=network, user=user)
    except SessionError as error:
        messages.error(request, SESSION_ERRORS[str(error)])
    else:
        if not removed:
            raise Http404
        messages.success(request, _("%(name)s has left the network.") % {"name": user.full_name})
    if request.htmx:
        return TemplateResponse(
            request,
            "learning_networks/members.html#members",
            _members_context(network, MemberForm(network=network)),
        )
    return redirect("learning_networks:members", pk=network.pk)


# --- Learning lines -------------------------------------------------------------------


def _line_for(user: User, pk: int, *, manage: bool = False) -> LearningLine:
    """A learning line of a network the user may see; 404 for outsiders, 403 to change
    it outside the core team."""
    line = (
        LearningLine.objects.filter(network__in=LearningNetwork.objects.visible_to(user), pk=pk)
        .select_related("network__environment")
        .first()
    )
    if line is None:
        raise Http404
    if manage and not manages_network(user, line.network):
        raise PermissionDenied
    return line


@require_http_methods(["GET", "POST"])
def line_create(request: AuthedRequest, pk: int) -> HttpResponse:
    network = network_for(request.user, pk, manage=True)
    data = request.POST if request.method == "POST" else None
    form = LineForm(data, network=network)
    if request.method == "POST" and form.is_valid():
        line = form.save()
        messages.success(request, _("Learning line saved."))
        return redirect("learning_networks:line", pk=line.pk)
    return TemplateResponse(
        request,
        "learning_networks/line_form.html",
        {"network": network, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def line_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    line = _line_for(request.user, pk, manage=True)
    data = request.POST if request.method == "POST" else None
    form = LineForm(data, instance=line, network=line.network)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Learning line saved."))
        return redirect("learning_networks:line", pk=line.pk)
    return TemplateResponse(
        request,
        "learning_networks/line_form.html",
        {"network": line.network, "form": form, "line": line},
        status=422 if request.method == "POST" else 200,
    )


@require_GET
def line_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The sessions of a line in order, each with what came before and what comes next."""
    line = _line_for(request.user, pk)
    manager = manages_network(request.user, line.network)
    sessions = list(
        _visible_sessions(line.network, manager=manager)
        .filter(line=line)
        .order_by("position", "starts_at")
    )
    steps = [
        {
            "session": session,
            "previous": sessions[index - 1] if index else None,
            "next": sessions[index + 1] if index + 1 < len(sessions) else None,
        }
        for index, session in enumerate(sessions)
    ]
    return TemplateResponse(
        request,
        "learning_networks/line_detail.html",
        {"line": line, "network": line.network, "manager": manager, "steps": steps},
    )


# --- Sessions -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def session_create(request: AuthedRequest, pk: int) -> HttpResponse:
    network = network_for(request.user, pk, manage=True)
    data = request.POST if request.method == "POST" else None
    form = SessionForm(data, network=network)
    if request.method == "POST":
        if form.is_valid():
            session_save(
                session=form.save(),
                facilitators=form.cleaned_data["facilitators"],
                audience_programmes=form.cleaned_data["audience_programmes"],
            )
            messages.success(request, _("Session saved as a draft."))
            return redirect(network)
    else:
        form.prefill(request.GET)
    return TemplateResponse(
        request,
        "learning_networks/session_form.html",
        {"network": network, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def session_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    session = session_for(request.user, pk, manage=True)
    network = session.network
    if session.status == SessionStatus.CANCELLED:
        messages.error(request, _("A cancelled session cannot be changed."))
        return redirect(network)
    data = request.POST if request.method == "POST" else None
    form = SessionForm(data, instance=session, network=network)
    if request.method == "POST" and form.is_valid():
        session_save(
            session=form.save(),
            facilitators=form.cleaned_data["facilitators"],
            audience_programmes=form.cleaned_data["audience_programmes"],
        )
        messages.success(request, _("Session saved."))
        return redirect(network)
    return TemplateResponse(
        request,
        "learning_networks/session_form.html",
        {"network": network, "form": form, "session": session},
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def session_publish_view(request: AuthedRequest, pk: int) -> HttpResponse:
    session = session_for(request.user, pk, manage=True)
    try:
        session_publish(session=session)
    except SessionError as error:
        messages.error(request, SESSION_ERRORS[str(error)])
    else:
        messages.success(request, _("Session published; the participants are invited."))
    return redirect(session.network)


@require_POST
def session_cancel_view(request: AuthedRequest, pk: int) -> HttpResponse:
    session = session_for(request.user, pk, manage=True)
    if session.status == SessionStatus.HELD:
        messages.error(request, _("A session that took place cannot be cancelled."))
    else:
        session_cancel(session=session)
        messages.success(request, _("Session cancelled."))
    return redirect(session.network)


# --- The date finder ------------------------------------------------------------------

# A professional's domain, for the count of professionals only (see _participants).
PROFESSIONAL_DOMAIN: dict[str, Domain] = {
    OrganisationKind.SCHOOL: Domain.EDUCATIONAL,
    OrganisationKind.NEIGHBOURHOOD: Domain.SOCIAL,
}


def _participants(
    network: LearningNetwork, first_day: datetime.date, last_day: datetime.date
) -> tuple[list[Participant], list[Participant]]:
    """(students, professionals) of the network as the planner sees them, in five queries.

    Students come from their active placement (days on site, class days, period);
    professionals can come on every working day. Both are busy during their declared
    unavailability and the other sessions they are invited to.
    """
    environment = network.environment
    member_ids = list(network.memberships.values_list("user_id", flat=True))
    roles = Membership.objects.filter(
        environment=environment, user_id__in=member_ids, is_active=True
    ).select_related("programme", "organisation")
    student_programme = {}
    organisation_kind: dict[int, str] = {}
    active: set[int] = set()
    for membership in roles:
        active.add(membership.user_id)
        if membership.role == Role.STUDENT and membership.programme is not None:
            student_programme[membership.user_id] = membership.programme
        elif membership.organisation is not None:
            organisation_kind.setdefault(membership.user_id, membership.organisation.kind)
    placements: dict[int, Placement] = {}
    for candidate in (
        Placement.objects.filter(
            environment=environment,
            student_id__in=list(student_programme),
            status=PlacementStatus.ACTIVE,
            end_date__gte=first_day,
            start_date__lte=last_day,
        )
        .select_related("programme")
        .order_by("start_date", "pk")
    ):
        # The first placement of the period; a later one overlaps less of it.
        placements.setdefault(candidate.student_id, candidate)

    period_start = datetime.datetime.combine(
        first_day, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    period_end = datetime.datetime.combine(
        last_day + datetime.timedelta(days=1),
        datetime.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    busy: dict[int, list[tuple[datetime.datetime, datetime.datetime]]] = {}
    for user_id, starts, ends in Unavailability.objects.filter(
        user_id__in=member_ids, starts_at__lt=period_end, ends_at__gt=period_start
    ).values_list("user_id", "starts_at", "ends_at"):
        busy.setdefault(user_id, []).append((starts, ends))
    for user_id, starts, ends in (
        Attendance.objects.filter(
            user_id__in=member_ids,
            session__starts_at__lt=period_end,
            session__ends_at__gt=period_start,
        )
        .exclude(session__status=SessionStatus.CANCELLED)
        .values_list("user_id", "session__starts_at", "session__ends_at")
    ):
        busy.setdefault(user_id, []).append((starts, ends))

    students: list[Participant] = []
    professionals: list[Participant] = []
    for user_id in member_ids:
        if user_id not in active:
            # No longer active in the environment: not expected at sessions.
            continue
        periods = tuple(busy.get(user_id, ()))
        if user_id in student_programme:
            placement = placements.get(user_id)
            programme = placement.programme if placement else student_programme[user_id]
            students.append(
                Participant(
                    key=user_id,
                    programme=programme.name,
                    domain=programme.domain,
                    on_site_days=frozenset(
                        mask_to_weekdays(placement.weekdays_on_site) if placement else ()
                    ),
                    class_days=frozenset(
                        mask_to_weekdays(placement.institute_days) if placement else ()
                    ),
                    available_from=placement.start_date if placement else None,
                    available_until=placement.end_date if placement else None,
                    busy=periods,
                )
            )
        else:
            professionals.append(
                Participant(
                    key=user_id,
                    programme="",
                    domain=PROFESSIONAL_DOMAIN.get(
                        organisation_kind.get(user_id, ""), Domain.EDUCATIONAL
                    ),
                    on_site_days=frozenset(WORKING_DAYS),
                    class_days=frozenset(),
                    busy=periods,
                )
            )
    return students, professionals


def _plan_url(network: LearningNetwork, score: SlotScore, programmes: Iterable[Any]) -> str:
    params: list[tuple[str, Any]] = [
        ("starts_at", timezone.localtime(score.slot.start).strftime(DATETIME_FORMAT)),
        ("ends_at", timezone.localtime(score.slot.end).strftime(DATETIME_FORMAT)),
    ]
    params += [("audience_programmes", programme.pk) for programme in programmes]
    base = reverse("learning_networks:session_create", args=[network.pk])
    return base + "?" + urlencode(params)


@require_GET
def date_finder(request: AuthedRequest, pk: int) -> HttpResponse:
    """Rank candidate times by who can come, per programme and domain."""
    network = network_for(request.user, pk, manage=True)
    asked = bool(request.GET)
    form = DateFinderForm(
        request.GET if asked else DateFinderForm.defaults(network), network=network
    )
    context: dict[str, Any] = {"network": network, "form": form, "asked": asked}
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        slots = candidate_slots(
            first_day=data["first_day"],
            last_day=data["last_day"],
            start_times=data["start_times"],
            duration=datetime.timedelta(minutes=data["duration"]),
            weekdays=data["weekdays"],
        )
        students, professionals = _participants(network, data["first_day"], data["last_day"])
        chosen = list(data["audience_programmes"])
        ranking = rank_slots(
            participants=students,
            slots=slots,
            programmes={programme.name for programme in chosen} if chosen else None,
        )[:TOP_SLOTS]
        staff = {
            score.slot: score.expected
            for score in rank_slots(
                participants=professionals, slots=[score.slot for score in ranking]
            )
        }
        context.update(
            {
                "slot_count": len(slots),
                "student_count": len(students),
                "professional_count": len(professionals),
                "results": [
                    {
                        "score": score,
                        "professionals": staff.get(score.slot, 0),
                        "plan_url": _plan_url(network, score, chosen),
                    }
                    for score in ranking
                ],
            }
        )
    elif asked:
        status = 422
    template_name = "learning_networks/date_finder.html"
    if request.htmx:
        template_name += "#results"
    return TemplateResponse(request, template_name, context, status=status)
