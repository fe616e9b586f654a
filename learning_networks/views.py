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
from learning_networks.access import manages_network, network_for, session_for
from learning_networks.decisions import line_decisions
from learning_networks.forms import (
    DATETIME_FORMAT,
    ClosedDayForm,
    DateFinderForm,
    LineForm,
    MemberForm,
    NetworkForm,
    SessionForm,
)
from learning_networks.models import (
    ClosedDay,
    LearningLine,
    LearningNetwork,
    NetworkMembership,
    NetworkSession,
    SchoolHoliday,
    SessionStatus,
)
from learning_networks.planner import (
    SlotScore,
    candidate_slots,
    closed_dates,
    closures_note,
    join_names,
    rank_slots,
)
from learning_networks.planner_input import network_closures, network_participants
from learning_networks.services import (
    SessionError,
    network_member_remove,
    network_member_set,
    session_audience,
    session_cancel,
    session_publish,
    session_save,
)
from ulvo.lib.http import AuthedRequest

SESSION_ERRORS = {
    "not_in_environment": gettext_lazy("Only people of this learning environment can join."),
    "last_core_team_member": gettext_lazy(
        "The network needs at least one core-team member; add another one first."
    ),
    "not_a_draft": gettext_lazy("Only a draft session can be published."),
    "in_the_past": gettext_lazy("This session lies in the past; change its date first."),
    "guest_not_in_environment": gettext_lazy(
        "Only people of this learning environment can be invited."
    ),
    "organisation_not_a_partner": gettext_lazy(
        "Only partner organisations of this learning environment can be invited."
    ),
}
# The best few times in one line each, and a few more behind "more times".
TOP_SLOTS = 10
SHOWN_SLOTS = 5


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
                queryset=_visible_sessions(network, manager=manager).order_by("starts_at", "pk"),
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
        .order_by("starts_at", "pk")
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
        {
            "line": line,
            "network": line.network,
            "manager": manager,
            "steps": steps,
            "decisions": line_decisions(line),  # "you said, we did" (#19)
        },
    )


# --- Sessions -------------------------------------------------------------------------


def _save_session(form: SessionForm) -> bool:
    """Save a valid form through the service; False (the error at its field, nothing
    saved) when the service refuses a guest the form let through."""
    data = form.cleaned_data
    try:
        session_save(
            session=form.save(),
            facilitators=data["facilitators"],
            audience_programmes=data["audience_programmes"],
            guests=data["guests"],
            guest_organisations=data["guest_organisations"],
        )
    except SessionError as error:
        field = "guests" if str(error) == "guest_not_in_environment" else "guest_organisations"
        form.add_error(field, SESSION_ERRORS[str(error)])
        return False
    return True


@require_http_methods(["GET", "POST"])
def session_create(request: AuthedRequest, pk: int) -> HttpResponse:
    network = network_for(request.user, pk, manage=True)
    data = request.POST if request.method == "POST" else None
    form = SessionForm(data, network=network)
    if request.method == "POST":
        if form.is_valid() and _save_session(form):
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
    if request.method == "POST" and form.is_valid() and _save_session(form):
        messages.success(request, _("Session saved."))
        return redirect(network)
    return TemplateResponse(
        request,
        "learning_networks/session_form.html",
        {"network": network, "form": form, "session": session},
        status=422 if request.method == "POST" else 200,
    )


def _publish_audience(session: NetworkSession) -> dict[str, Any]:
    """Whom publishing invites, in groups: the facilitators, the students per
    programme, the other members and guests per organisation, an organisation invited
    as a whole as "everyone of" it (four queries)."""
    environment = session.network.environment
    people = list(
        session_audience(session)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(
                    environment=environment, is_active=True
                ).select_related("programme", "organisation"),
                to_attr="here",
            )
        )
        .order_by("full_name")
    )
    facilitator_ids = set(session.facilitators.values_list("pk", flat=True))
    invited_whole = set(session.guest_organisations.values_list("organisation_id", flat=True))
    groups: dict[tuple[int, str], list[User]] = {}
    for person in people:
        memberships = getattr(person, "here", [])
        programme = next((m.programme for m in memberships if m.programme), None)
        organisation = next((m.organisation for m in memberships if m.organisation), None)
        # Who comes with an organisation invited as a whole is listed under it.
        with_organisation = next(
            (m.organisation for m in memberships if m.organisation_id in invited_whole), None
        )
        if person.pk in facilitator_ids:
            key = (0, str(_("Facilitators")))
        elif with_organisation is not None:
            key = (2, _("Everyone of %(organisation)s") % {"organisation": with_organisation.name})
        elif programme is not None:
            key = (1, _("Students of %(programme)s") % {"programme": programme.name})
        elif organisation is not None:
            key = (2, organisation.name)
        else:
            key = (3, str(_("Other members")))
        groups.setdefault(key, []).append(person)
    programmes = join_names(
        list(session.audience_programmes.order_by("name").values_list("name", flat=True))
    )
    domains = join_names(session.audience_domain_labels())
    if programmes and domains:
        summary = _(
            "Only the students of %(programmes)s in the %(domains)s domain are invited, "
            "and the facilitators."
        ) % {"programmes": programmes, "domains": domains}
    elif programmes:
        summary = _("Only the students of %(programmes)s are invited, and the facilitators.") % {
            "programmes": programmes
        }
    elif domains:
        summary = _(
            "Only the students of the %(domains)s domain are invited, and the facilitators."
        ) % {"domains": domains}
    else:
        summary = ""
    return {
        "count": len(people),
        "whole_network": not summary,
        "summary": summary,
        "groups": [{"label": key[1], "people": groups[key]} for key in sorted(groups)],
    }


@require_http_methods(["GET", "POST"])
def session_publish_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Publishing invites the session's audience: first say whom, then publish."""
    session = session_for(request.user, pk, manage=True)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            session_publish(session=session)
        except SessionError as error:
            messages.error(request, SESSION_ERRORS[str(error)])
        else:
            messages.success(request, _("Session published; the participants are invited."))
        return redirect(session.network)
    if request.method == "POST":
        # Not confirmed: nothing happens before the planner has seen whom it invites.
        return redirect("learning_networks:session_publish", pk=session.pk)
    if session.status != SessionStatus.DRAFT:
        messages.error(request, SESSION_ERRORS["not_a_draft"])
        return redirect(session.network)
    return TemplateResponse(
        request,
        "learning_networks/session_publish.html",
        {
            "session": session,
            "network": session.network,
            "audience_programmes": list(session.audience_programmes.order_by("name")),
            "audience": _publish_audience(session),
        },
    )


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
    context: dict[str, Any] = {
        "network": network,
        "form": form,
        "asked": asked,
        "keeps_closed_days": request.user.is_coordinator_of(network.environment),
    }
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        period = {"first_day": data["first_day"], "last_day": data["last_day"]}
        closures = network_closures(network, **period)
        slots = candidate_slots(
            **period,
            start_times=data["start_times"],
            duration=datetime.timedelta(minutes=data["duration"]),
            weekdays=data["weekdays"],
            exclude_dates=closed_dates(closures, **period),
        )
        students, professionals = network_participants(
            network, first_day=data["first_day"], last_day=data["last_day"]
        )
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
        results = [
            {
                "score": score,
                "professionals": staff.get(score.slot, 0),
                "plan_url": _plan_url(network, score, chosen),
            }
            for score in ranking
        ]
        context.update(
            {
                "closures_note": closures_note(closures, **period, weekdays=data["weekdays"]),
                "slot_count": len(slots),
                "student_count": len(students),
                "professional_count": len(professionals),
                "results": results,
                "best": results[:SHOWN_SLOTS],
                "more": results[SHOWN_SLOTS:],
            }
        )
    elif asked:
        status = 422
    template_name = "learning_networks/date_finder.html"
    if request.htmx:
        template_name += "#results"
    return TemplateResponse(request, template_name, context, status=status)


# --- Closed days ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def closed_days(request: AuthedRequest, pk: int) -> HttpResponse:
    """The days the environment plans no sessions, besides the school holidays of its
    region: the coordinators keep them; the date finder never proposes them."""
    environment = environment_for(request.user, pk, manage=True)
    data = request.POST if request.method == "POST" else None
    form = ClosedDayForm(data, environment=environment)
    if request.method == "POST" and form.is_valid():
        closed = form.save()
        messages.success(request, _("Closed: %(reason)s.") % {"reason": closed.reason})
        return redirect("learning_networks:closed_days", pk=environment.pk)
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "learning_networks/closed_days.html",
        {
            "environment": environment,
            "form": form,
            "closed_days": ClosedDay.objects.filter(environment=environment, last_day__gte=today),
            "holidays": SchoolHoliday.objects.filter(
                region=environment.holiday_region, last_day__gte=today
            )[:12],
        },
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def closed_day_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    closed = ClosedDay.objects.filter(pk=pk).select_related("environment").first()
    if closed is None:
        raise Http404
    environment = environment_for(request.user, closed.environment_id, manage=True)
    closed.delete()
    messages.success(request, _("No longer closed: %(reason)s.") % {"reason": closed.reason})
    return redirect("learning_networks:closed_days", pk=environment.pk)
