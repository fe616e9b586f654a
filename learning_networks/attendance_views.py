"""The participants' side of a session: the session page, answers, check-in, the
roster, and feedback with its results for the core team."""

import hashlib
import unicodedata
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Membership, User
from learning_networks.access import attendance_for, manages_network, network_for, session_for
from learning_networks.attendance_forms import (
    SCORE_CHOICES,
    AnswerForm,
    CheckInForm,
    DecisionForm,
    FeedbackForm,
    OpenCheckInForm,
    PresenceForm,
    RosterFilterForm,
    check_in_is_open,
)
from learning_networks.decisions import line_decision_add, line_decisions, session_decision_save
from learning_networks.models import (
    Answer,
    Attendance,
    FeedbackDecision,
    LearningLine,
    NetworkSession,
    Presence,
    SessionFeedback,
    SessionStatus,
)
from learning_networks.services import (
    SessionError,
    attendance_answer,
    attendance_check_in,
    attendance_register,
    feedback_give,
    session_open_check_in,
)
from ulvo.lib.http import AuthedRequest, safe_next
from ulvo.lib.privacy_hint import Finding, find_personal_data

SESSION_ERRORS = {
    "already_started": gettext_lazy("This session has already started; answers are closed."),
    "cancelled": gettext_lazy("This session has been cancelled."),
    "reason_required": gettext_lazy("Tell the facilitators why you cannot come."),
    "wrong_code": gettext_lazy("That is not the code of this session. Check it and try again."),
    "not_today": gettext_lazy("You can check in on the day of the session."),
    "not_yet": gettext_lazy("You can give feedback once the session has taken place."),
    "already_given": gettext_lazy("You have already given feedback on this session."),
    "unknown_presence": gettext_lazy("Choose present, excused or absent."),
}

# Fewer responses than this and an average says little: the results mark it.
FEW_RESPONSES = 5

SESSION_PAGE = "learning_networks/session_detail.html"
ROSTER_PAGE = "learning_networks/roster.html"


def _environment_memberships(session: NetworkSession) -> Prefetch:
    """People's roles in the session's environment, to show their programme or organisation."""
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(
            environment_id=session.network.environment_id, is_active=True
        )
        .select_related("programme", "organisation")
        # Ordered so that the page names each organisation once ({% regroup %}), also
        # for someone with two roles there.
        .order_by("organisation__name", "programme__name"),
        to_attr="environment_memberships",
    )


def _is_facilitator(session: NetworkSession, user: User) -> bool:
    return session.facilitators.filter(pk=user.pk).exists()


def _line_neighbours(
    session: NetworkSession, user: User, *, include_drafts: bool
) -> tuple[NetworkSession | None, NetworkSession | None]:
    """The sessions before and after in its learning line that the viewer may open (a
    guest of this one alone sees none)."""
    if session.line_id is None:
        return None, None
    others = (
        NetworkSession.objects.visible_to(user)
        .filter(line_id=session.line_id)
        .exclude(pk=session.pk)
    )
    if not include_drafts:
        others = others.exclude(status=SessionStatus.DRAFT)
    before = Q(position__lt=session.position) | Q(
        position=session.position, starts_at__lt=session.starts_at
    )
    previous = others.filter(before).order_by("-position", "-starts_at").first()
    following = others.exclude(before).order_by("position", "starts_at").first()
    return previous, following


def _feedback_results(session: NetworkSession) -> dict[str, Any]:
    """Averages, the spread of scores and the comments, without names, in two queries.

    The comments only from FEW_RESPONSES responses on: below that a single comment can
    give away who wrote it (the group is small enough to guess), so they are not even
    read from the database."""
    scores = [value for value, _label in SCORE_CHOICES]
    aggregates = SessionFeedback.objects.filter(session=session).aggregate(
        responses=Count("pk"),
        usefulness_avg=Avg("usefulness"),
        relevance_avg=Avg("relevance"),
        **{f"u{n}": Count("pk", filter=Q(usefulness=n)) for n in scores},
        **{f"r{n}": Count("pk", filter=Q(relevance=n)) for n in scores},
    )
    responses = aggregates["responses"]
    comments_shown = responses >= FEW_RESPONSES
    comments = (
        list(
            SessionFeedback.objects.filter(session=session)
            .exclude(comment="")
            .order_by("-created_at")
            .values_list("comment", flat=True)[:200]
        )
        if comments_shown
        else []
    )
    return {
        "responses": responses,
        "few": responses < FEW_RESPONSES,
        "usefulness": aggregates["usefulness_avg"],
        "relevance": aggregates["relevance_avg"],
        "distribution": [
            {
                "label": label,
                "usefulness": aggregates[f"u{n}"],
                "relevance": aggregates[f"r{n}"],
                "usefulness_pct": round(100 * aggregates[f"u{n}"] / responses) if responses else 0,
                "relevance_pct": round(100 * aggregates[f"r{n}"] / responses) if responses else 0,
            }
            for n, label in SCORE_CHOICES
        ],
        "comments": comments,
        "comments_shown": comments_shown,
        "few_responses": FEW_RESPONSES,
    }


def _session_context(
    request: AuthedRequest,
    session: NetworkSession,
    *,
    answer_form: AnswerForm | None = None,
    check_in_form: CheckInForm | None = None,
    feedback_form: FeedbackForm | None = None,
    answer_open: bool = False,
    decision_form: DecisionForm | None = None,
    findings: list[Finding] | None = None,
    privacy_ok: str = "",
) -> dict[str, Any]:
    user = request.user
    facilitators = list(
        session.facilitators.prefetch_related(_environment_memberships(session)).order_by(
            "full_name"
        )
    )
    is_facilitator = any(person.pk == user.pk for person in facilitators)
    may_manage = manages_network(user, session.network)
    previous, following = _line_neighbours(
        session, user, include_drafts=may_manage or is_facilitator
    )
    attendance = (
        Attendance.objects.filter(session=session, user=user).select_related("session").first()
    )
    context: dict[str, Any] = {
        "session": session,
        "facilitators": facilitators,
        "audience_programmes": list(session.audience_programmes.order_by("name")),
        # Invited beyond the network: organisations by name, people only counted.
        "guest_organisations": list(
            session.guest_organisations.select_related("organisation").order_by(
                "organisation__name"
            )
        ),
        "guest_count": session.guests.count(),
        "previous": previous,
        "following": following,
        "may_manage": may_manage,
        "may_roster": may_manage or is_facilitator,
        "is_facilitator": is_facilitator,
        "attendance": attendance,
        "is_cancelled": session.status == SessionStatus.CANCELLED,
        "answer_open": answer_open,
    }
    if attendance is not None:
        attendance.session = session
        context["may_answer"] = not context["is_cancelled"] and not _has_started(session)
        context["answer_form"] = answer_form or AnswerForm(
            attendance=attendance,
            initial={"answer": attendance.answer, "reason": attendance.reason},
        )
        context["may_check_in"] = check_in_is_open(session)
        context["check_in_form"] = check_in_form or CheckInForm(attendance=attendance)
        own_feedback = SessionFeedback.objects.filter(session=session, user=user).first()
        context["own_feedback"] = own_feedback
        context["may_give_feedback"] = (
            own_feedback is None
            and not is_facilitator
            and not context["is_cancelled"]
            and session.has_taken_place
        )
        context["feedback_form"] = feedback_form or FeedbackForm(
            attendance=attendance, is_facilitator=is_facilitator
        )
    if context["may_roster"]:
        context["answer_counts"] = session.attendances.aggregate(
            invited=Count("pk"),
            yes=Count("pk", filter=Q(answer=Answer.YES)),
            no=Count("pk", filter=Q(answer=Answer.NO)),
            present=Count("pk", filter=Q(presence=Presence.PRESENT)),
        )
    if may_manage:
        context["results"] = _feedback_results(session)
    # "You said, we did" (#19): this session's decision and the one taken after the
    # session before it in the line (what this session changes), for everyone who sees it.
    decisions = {
        decision.session_id: decision
        for decision in FeedbackDecision.objects.filter(
            session_id__in=[session.pk] + ([previous.pk] if previous else [])
        )
    }
    context["decision"] = decisions.get(session.pk)
    context["previous_decision"] = decisions.get(previous.pk) if previous else None
    context["may_decide"] = may_manage and _may_decide(session)
    if context["may_decide"] or decision_form is not None:
        decision = context["decision"]
        context["decision_form"] = decision_form or DecisionForm(
            initial={"concluded": decision.concluded, "changes": decision.changes}
            if decision
            else None
        )
        context["findings"] = findings
        context["privacy_ok"] = privacy_ok
    return context


def _may_decide(session: NetworkSession) -> bool:
    """A decision follows the feedback: once the session took place, unless cancelled."""
    return session.has_taken_place and session.status != SessionStatus.CANCELLED


def _privacy_findings(request: AuthedRequest, *texts: str) -> tuple[list[Finding], str]:
    """The privacy hint on what someone is about to save: findings unless the user
    confirmed this very text (``privacy_ok``), and the digest that confirms it."""
    digest = hashlib.sha256("\x1f".join(texts).encode()).hexdigest()[:32]
    if request.POST.get("privacy_ok") == digest:
        return [], digest
    return [finding for text in texts for finding in find_personal_data(text)], digest


def _has_started(session: NetworkSession) -> bool:
    return session.starts_at <= timezone.now()


def _render_session(
    request: AuthedRequest,
    session: NetworkSession,
    fragment: str = "",
    status: int = 200,
    **options: Any,
) -> HttpResponse:
    template_name = SESSION_PAGE
    if request.htmx and fragment:
        template_name += "#" + fragment
    return TemplateResponse(
        request, template_name, _session_context(request, session, **options), status=status
    )


@require_GET
def session_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    session = session_for(request.user, pk)
    # The home page's "I can't" link opens the form for a reason.
    return _render_session(request, session, answer_open=request.GET.get("answer") == Answer.NO)


def _back(request: AuthedRequest, session: NetworkSession, anchor: str) -> HttpResponse:
    """After a full-page POST: back where the form was (the home page's quick answer)."""
    return redirect(safe_next(request, default=session.get_absolute_url() + "#" + anchor))


@require_POST
def session_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    session = session_for(request.user, pk)
    attendance = attendance_for(request.user, session)
    attendance.session = session
    form = AnswerForm(request.POST, attendance=attendance)
    if form.is_valid():
        try:
            attendance_answer(
                attendance=attendance,
                answer=form.cleaned_data["answer"],
                reason=form.cleaned_data["reason"],
            )
        except SessionError as error:
            form.add_error(None, SESSION_ERRORS[str(error)])
        else:
            if attendance.answer == Answer.YES:
                messages.success(request, _("Thank you: you are expected."))
            else:
                messages.success(request, _("Thank you: the facilitators know you cannot come."))
            if request.htmx:
                return _render_session(request, session, "answer")
            return _back(request, session, "answer")
    return _render_session(request, session, "answer", status=422, answer_form=form)


@require_POST
def session_check_in(request: AuthedRequest, pk: int) -> HttpResponse:
    session = session_for(request.user, pk)
    attendance = attendance_for(request.user, session)
    attendance.session = session
    form = CheckInForm(request.POST, attendance=attendance)
    if form.is_valid():
        try:
            attendance_check_in(attendance=attendance, code=form.cleaned_data["code"])
        except SessionError as error:
            form.add_error("code", SESSION_ERRORS[str(error)])
        else:
            messages.success(request, _("You are checked in. Welcome!"))
            if request.htmx:
                return _render_session(request, session, "check-in")
            return _back(request, session, "check-in")
    return _render_session(request, session, "check-in", status=422, check_in_form=form)


@require_POST
def session_feedback(request: AuthedRequest, pk: int) -> HttpResponse:
    session = session_for(request.user, pk)
    attendance = attendance_for(request.user, session)
    attendance.session = session
    form = FeedbackForm(
        request.POST, attendance=attendance, is_facilitator=_is_facilitator(session, request.user)
    )
    if form.is_valid():
        try:
            feedback_give(attendance=attendance, **form.cleaned_data)
        except SessionError as error:
            form.add_error(None, SESSION_ERRORS[str(error)])
        else:
            messages.success(request, _("Thank you for your feedback."))
            if request.htmx:
                return _render_session(request, session, "feedback")
            return _back(request, session, "feedback")
    return _render_session(request, session, "feedback", status=422, feedback_form=form)


# --- "You said, we did" ----------------------------------------------------------------


@require_POST
def session_decision(request: AuthedRequest, pk: int) -> HttpResponse:
    """The core team records what it concluded from a session's feedback and what it
    changes; participants see it on the session, the next one and the line."""
    session = session_for(request.user, pk, manage=True)
    form = DecisionForm(request.POST)
    if form.is_valid() and not _may_decide(session):
        form.add_error(None, _("You can record a decision once the session has taken place."))
    if not form.is_valid():
        return _render_session(request, session, "decision", status=422, decision_form=form)
    data = form.cleaned_data
    findings, digest = _privacy_findings(request, data["concluded"], data["changes"])
    if findings:
        return _render_session(
            request, session, "decision", decision_form=form, findings=findings, privacy_ok=digest
        )
    session_decision_save(
        session=session, concluded=data["concluded"], changes=data["changes"], author=request.user
    )
    messages.success(request, _("Saved: participants see what you concluded and change."))
    if request.htmx:
        return _render_session(request, session, "decision")
    return redirect(session.get_absolute_url() + "#decision")


# --- The roster ---------------------------------------------------------------------


def _roster_rows(session: NetworkSession) -> QuerySet[Attendance]:
    return session.attendances.select_related("user").prefetch_related(
        Prefetch(
            "user__memberships",
            queryset=Membership.objects.filter(
                environment_id=session.network.environment_id, is_active=True
            )
            .select_related("programme", "organisation")
            # Equal affiliations next to each other: the roster names each once.
            .order_by("programme__name", "organisation__name"),
            to_attr="environment_memberships",
        )
    )


def _roster_url(session: NetworkSession, anchor: str) -> str:
    return reverse("learning_networks:roster", args=[session.pk]) + "#" + anchor


def _roster_flags(session: NetworkSession) -> dict[str, Any]:
    return {
        "is_cancelled": session.status == SessionStatus.CANCELLED,
        "presence_choices": cast(forms.ChoiceField, PresenceForm.base_fields["presence"]).choices,
    }


@dataclass(frozen=True)
class RosterGroup:
    """The invitees with one answer, in name order."""

    key: str
    label: str
    rows: list[Attendance]


# Those who said they would come first: they are who the facilitator looks for at
# the door; then those who did not answer, and last those who said they can't.
ROSTER_GROUPS = [
    (Answer.YES, gettext_lazy("Said they'll come")),
    (Answer.NONE, gettext_lazy("No answer yet")),
    (Answer.NO, gettext_lazy("Can't come")),
]


def _folded(text: str) -> str:
    """For matching a typed name: case and accents aside ("coordinator" finds "Coördinator")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _is_shown(row: Attendance, show: str) -> bool:
    if show == RosterFilterForm.COMING:
        return row.answer == Answer.YES
    if show == RosterFilterForm.OPEN:
        return row.answer == Answer.NONE
    if show == RosterFilterForm.NOT_COMING:
        return row.answer == Answer.NO
    if show == RosterFilterForm.UNREGISTERED:
        return row.presence == Presence.UNKNOWN
    return True


def _shown(rows: list[Attendance], filters: RosterFilterForm) -> list[Attendance]:
    """The rows the filter lets through; all of them when it is not valid."""
    if not filters.is_valid():
        return rows
    name = _folded(filters.cleaned_data["name"])
    show = filters.cleaned_data["show"]
    return [row for row in rows if _is_shown(row, show) and name in _folded(row.user.full_name)]


def _roster_context(
    session: NetworkSession, filters: RosterFilterForm | None = None, **extra: Any
) -> dict[str, Any]:
    rows = list(_roster_rows(session).order_by("user__full_name", "pk"))
    filters = filters or RosterFilterForm()
    shown = _shown(rows, filters)
    counts = dict.fromkeys(Presence.values, 0)
    for row in rows:
        counts[row.presence] += 1
    return {
        "session": session,
        "rows": rows,
        "filters": filters,
        "filtering": len(shown) < len(rows),
        "shown": len(shown),
        "groups": [
            RosterGroup(key=answer or "open", label=str(label), rows=group)
            for answer, label in ROSTER_GROUPS
            if (group := [row for row in shown if row.answer == answer])
        ],
        "invited": len(rows),
        "present": counts[Presence.PRESENT],
        "excused": counts[Presence.EXCUSED],
        "absent": counts[Presence.ABSENT],
        "unregistered": counts[Presence.UNKNOWN],
        "yes": sum(1 for row in rows if row.answer == Answer.YES),
        "no": sum(1 for row in rows if row.answer == Answer.NO),
        "check_in_open": check_in_is_open(session),
        **_roster_flags(session),
        **extra,
    }


@require_GET
def roster(request: AuthedRequest, pk: int) -> HttpResponse:
    session = session_for(request.user, pk, roster=True)
    filters = RosterFilterForm(request.GET)
    template_name = ROSTER_PAGE
    if request.htmx:
        # The filter, as it is typed: the list alone.
        template_name += "#invitees"
    return TemplateResponse(request, template_name, _roster_context(session, filters))


@require_POST
def roster_mark(request: AuthedRequest, pk: int, attendance_pk: int) -> HttpResponse:
    """One tap on the roster: present, excused or absent for one invitee."""
    session = session_for(request.user, pk, roster=True)
    # Only the session's own invitees; anyone else is not on this roster.
    attendance = _roster_rows(session).filter(pk=attendance_pk).first()
    if attendance is None:
        raise Http404
    form = PresenceForm(request.POST, session=session)
    status = 200
    if form.is_valid():
        try:
            attendance_register(attendance=attendance, presence=form.cleaned_data["presence"])
        except SessionError as error:
            form.add_error(None, SESSION_ERRORS[str(error)])
            status = 422
        else:
            if not request.htmx:
                return redirect(_roster_url(session, f"attendance-{attendance.pk}"))
    else:
        status = 422
    if request.htmx:
        return TemplateResponse(
            request,
            ROSTER_PAGE + "#row",
            {
                "session": session,
                "row": attendance,
                "row_form": form,
                "failed_pk": attendance.pk,
                **_roster_flags(session),
            },
            status=status,
        )
    context = _roster_context(session, failed_pk=attendance.pk, row_form=form)
    return TemplateResponse(request, ROSTER_PAGE, context, status=status)


@require_POST
def open_check_in(request: AuthedRequest, pk: int) -> HttpResponse:
    session = session_for(request.user, pk, roster=True)
    form = OpenCheckInForm(request.POST, session=session)
    if form.is_valid():
        # Opening twice keeps the code that people may be typing right now.
        if not session.check_in_code:
            session_open_check_in(session=session)
        if request.htmx:
            return TemplateResponse(
                request, ROSTER_PAGE + "#check-in-code", _roster_context(session)
            )
        return redirect(_roster_url(session, "check-in-code"))
    template_name = ROSTER_PAGE + ("#check-in-code" if request.htmx else "")
    return TemplateResponse(
        request, template_name, _roster_context(session, open_form=form), status=422
    )


# --- Feedback along a learning line ---------------------------------------------------


def _managed_line(request: AuthedRequest, pk: int) -> LearningLine:
    line = LearningLine.objects.filter(pk=pk).first()
    if line is None:
        raise Http404
    line.network = network_for(request.user, line.network_id, manage=True)
    return line


@require_GET
def line_feedback(request: AuthedRequest, pk: int) -> HttpResponse:
    """Per session of the line, in order: averages and how many of the invitees answered."""
    line = _managed_line(request, pk)
    return TemplateResponse(
        request, "learning_networks/line_feedback.html", _line_feedback_context(line)
    )


@require_POST
def line_decision(request: AuthedRequest, pk: int) -> HttpResponse:
    """A decision about the learning line as a whole (#19), added to the line's list."""
    line = _managed_line(request, pk)
    form = DecisionForm(request.POST)
    template = "learning_networks/line_feedback.html"
    if not form.is_valid():
        context = _line_feedback_context(line, decision_form=form)
        return TemplateResponse(request, template, context, status=422)
    data = form.cleaned_data
    findings, digest = _privacy_findings(request, data["concluded"], data["changes"])
    if findings:
        context = _line_feedback_context(line, decision_form=form)
        context.update(findings=findings, privacy_ok=digest)
        return TemplateResponse(request, template, context)
    line_decision_add(
        line=line, concluded=data["concluded"], changes=data["changes"], author=request.user
    )
    messages.success(request, _("Saved: participants see it on the learning line."))
    return redirect(reverse("learning_networks:line_feedback", args=[line.pk]) + "#decisions")


def _line_feedback_context(
    line: LearningLine, *, decision_form: DecisionForm | None = None
) -> dict[str, Any]:
    network = line.network
    facilitating = NetworkSession.facilitators.through.objects.filter(
        networksession_id=OuterRef("session_id"), user_id=OuterRef("user_id")
    )
    participants = dict(
        Attendance.objects.filter(session__line=line)
        .annotate(facilitates=Exists(facilitating))
        .filter(facilitates=False)
        .values_list("session_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    sessions = list(
        line.sessions.exclude(status__in=[SessionStatus.DRAFT, SessionStatus.CANCELLED])
        .annotate(
            responses=Count("feedback"),
            usefulness_avg=Avg("feedback__usefulness"),
            relevance_avg=Avg("feedback__relevance"),
        )
        .order_by("position", "starts_at")
    )
    # The figures are set on the sessions for the template, not fields of theirs.
    for session in sessions:
        invited = participants.get(session.pk, 0)
        session.participants = invited  # type: ignore[attr-defined]
        session.response_rate = (  # type: ignore[attr-defined]
            round(100 * session.responses / invited) if invited else None
        )
        session.few = session.responses < FEW_RESPONSES  # type: ignore[attr-defined]
    return {
        "network": network,
        "line": line,
        "sessions": sessions,
        "few_responses": FEW_RESPONSES,
        "decisions": line_decisions(line),
        "decision_form": decision_form or DecisionForm(),
    }
