from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from environments.models import LearningEnvironment, Organisation
from practice.access import (
    card_for,
    environment_to_pose,
    environment_to_watch,
    manages_questions,
    may_pose,
    question_for,
)
from practice.figures import practice_figures
from practice.forms import (
    CardForm,
    ColumnsForm,
    CommentForm,
    DecisionForm,
    EvaluationForm,
    ListFilterForm,
    MeetingForm,
    QuestionForm,
    StepForm,
    TeamMemberForm,
)
from practice.meetings import agenda_for
from practice.models import (
    OPEN_STATUSES,
    BoardColumn,
    Card,
    PracticeQuestion,
    QuestionStatus,
    TeamMember,
)
from practice.services import (
    PracticeError,
    card_add,
    card_comment_add,
    card_delete,
    card_move,
    card_update,
    columns_rename,
    meeting_hold,
    question_pose,
    question_step,
    team_add,
    team_remove,
)
from practice.team import team_candidates, team_mix
from reflections.privacy_hint import Finding, find_personal_data
from ulvo.lib.http import AuthedRequest

LIST_LIMIT = 500

# What a refused change says; nothing was changed.
REFUSALS = {
    "status": gettext_lazy(
        "This question has moved on in the meantime (or the button was pressed twice): "
        "nothing was changed."
    ),
    "no_team": gettext_lazy("Add at least one student to the team before you start."),
    "reason": gettext_lazy("Say why the question is declined."),
    "duplicate": gettext_lazy("This person is on the team already."),
    "closed": gettext_lazy(
        "The board is closed: the question is not in progress. Nothing was changed."
    ),
    "stale": gettext_lazy(
        "Someone changed this card in the meantime (or the same move was sent twice). "
        "This is the board as it is now; nothing was changed."
    ),
    "other_board": gettext_lazy(
        "That column or card belongs to another board. Nothing was changed."
    ),
    "edge": gettext_lazy("The card cannot move further that way. Nothing was changed."),
    "meeting_duplicate": gettext_lazy(
        "A meeting on this day is written down already. Nothing was changed."
    ),
}


def text_digest(*texts: str) -> str:
    return hashlib.sha256("\x1f".join(texts).encode()).hexdigest()[:32]


def _privacy_findings(request: AuthedRequest, *texts: str) -> tuple[list[Finding], str]:
    """The privacy hint on what someone is about to save: findings unless the user
    confirmed this very text (``privacy_ok``), and the digest that confirms it."""
    digest = text_digest(*texts)
    if request.POST.get("privacy_ok") == digest:
        return [], digest
    findings = [finding for text in texts for finding in find_personal_data(text)]
    return findings, digest


# --- The list and posing a question -------------------------------------------------


@require_GET
def question_list(request: AuthedRequest) -> HttpResponse:
    """Questions of the user's environments: in full those the user may open, the title
    and status of the accepted others; filtered by environment, host, status, open."""
    user = request.user
    environments = list(LearningEnvironment.objects.visible_to(user).order_by("name"))
    listed = PracticeQuestion.objects.listed_to(user)
    hosts = list(Organisation.objects.filter(pk__in=listed.values("host_id")).order_by("name"))
    form = ListFilterForm(request.GET or None, environments=environments, hosts=hosts)
    questions = listed
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("environment"):
            questions = questions.filter(environment_id=data["environment"])
        if data.get("host"):
            questions = questions.filter(host_id=data["host"])
        if data.get("status"):
            questions = questions.filter(status=data["status"])
        if data.get("open"):
            questions = questions.filter(status__in=OPEN_STATUSES)
    counts = dict(
        questions.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    full = set(PracticeQuestion.objects.visible_to(user).values_list("pk", flat=True))
    rows = list(
        questions.select_related("environment", "host").order_by("-created_at", "-pk")[:LIST_LIMIT]
    )
    pose_in = [env for env in environments if may_pose(user, env)] if environments else []
    watch_in = [env for env in environments if manages_questions(user, env)]
    return TemplateResponse(
        request,
        "practice/question_list.html",
        {
            "form": form,
            "rows": [(q, q.pk in full) for q in rows],
            "counts": [(status.label, counts.get(status.value, 0)) for status in QuestionStatus],
            "open_count": sum(counts.get(s, 0) for s in OPEN_STATUSES),
            "pose_in": pose_in,
            "watch_in": watch_in,
            "limit": LIST_LIMIT,
            "truncated": len(rows) == LIST_LIMIT,
        },
    )


@require_http_methods(["GET", "POST"])
def question_create(request: AuthedRequest, pk: int) -> HttpResponse:
    environment = environment_to_pose(request.user, pk)
    form = QuestionForm(
        request.POST if request.method == "POST" else None,
        environment=environment,
        user=request.user,
    )
    context: dict[str, Any] = {"environment": environment, "form": form}
    if request.method == "POST":
        if not form.is_valid():
            return TemplateResponse(request, "practice/question_form.html", context, status=422)
        data = form.cleaned_data
        findings, digest = _privacy_findings(
            request,
            data["title"],
            data["context"],
            data["hoped_for"],
            data["for_whom"],
            data["people_to_involve"],
        )
        if findings:
            context.update(findings=findings, privacy_ok=digest)
            return TemplateResponse(request, "practice/question_form.html", context)
        question = form.save(commit=False)
        question.environment = environment
        question = question_pose(question=question, asked_by=request.user)
        messages.success(request, _("Your question was proposed to the core team."))
        return redirect(question)
    return TemplateResponse(request, "practice/question_form.html", context)


# --- One question: decisions, steps, the team --------------------------------------


def _detail_context(
    request: AuthedRequest, question: PracticeQuestion, **forms: Any
) -> dict[str, Any]:
    user = request.user
    manages = manages_questions(user, question.environment)
    on_team = question.team.filter(user=user).exists()
    candidates = team_candidates(question) if manages and question.is_open else []
    context: dict[str, Any] = {
        "question": question,
        "mix": team_mix(question),
        "manages": manages,
        "on_team": on_team,
        "is_asker": question.asked_by_id == user.pk,
        # A delivered question can become a good practice in the knowledge base,
        # written by those who may write there (the people who may pose questions).
        "writes_up": question.status in (QuestionStatus.DELIVERED, QuestionStatus.EVALUATED)
        and may_pose(user, question.environment),
        "decision_form": None,
        "step_form": None,
        "evaluation_form": None,
        "team_form": None,
    }
    if manages and question.status in (QuestionStatus.PROPOSED, QuestionStatus.ACCEPTED):
        context["decision_form"] = forms.get("decision_form") or DecisionForm()
    if (manages or on_team) and question.status in (
        QuestionStatus.ACCEPTED,
        QuestionStatus.IN_PROGRESS,
    ):
        context["step_form"] = forms.get("step_form") or StepForm()
    if context["is_asker"] and question.status == QuestionStatus.DELIVERED:
        context["evaluation_form"] = forms.get("evaluation_form") or EvaluationForm()
    if manages and question.is_open:
        context["team_form"] = forms.get("team_form") or TeamMemberForm(
            candidates=[(c.user_pk, c.label) for c in candidates]
        )
    return context


def _detail(
    request: AuthedRequest, question: PracticeQuestion, status: int = 200, **forms: Any
) -> HttpResponse:
    return TemplateResponse(
        request,
        "practice/question_detail.html",
        _detail_context(request, question, **forms),
        status=status,
    )


@require_GET
def question_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, question_for(request.user, pk))


def _refused(request: AuthedRequest, error: PracticeError) -> None:
    messages.error(request, str(REFUSALS[error.code]))


@require_POST
def question_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    """The core team or a coordinator accepts a proposed question, or declines it with
    a reason."""
    question = question_for(request.user, pk, manage=True)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, question, status=422, decision_form=form)
    action = form.cleaned_data["action"]
    try:
        question_step(question=question, step=action, text=form.cleaned_data["reason"])
    except PracticeError as error:
        _refused(request, error)
        return _detail(request, question_for(request.user, pk), status=409)
    if action == "accept":
        messages.success(request, _("Question accepted. Form its mixed team below."))
    else:
        messages.success(request, _("Question declined."))
    return redirect(question)


@require_POST
def question_advance(request: AuthedRequest, pk: int) -> HttpResponse:
    """The team (or the core team) starts work, and the team delivers."""
    question = question_for(request.user, pk)
    if not (
        question.team.filter(user=request.user).exists()
        or manages_questions(request.user, question.environment)
    ):
        raise PermissionDenied
    form = StepForm(request.POST)
    if not form.is_valid():
        return _detail(request, question, status=422, step_form=form)
    action = form.cleaned_data["action"]
    try:
        question_step(question=question, step=action, text=form.cleaned_data["outcome"])
    except PracticeError as error:
        _refused(request, error)
        return _detail(request, question_for(request.user, pk), status=409)
    if action == "start":
        messages.success(request, _("The team has started."))
    else:
        messages.success(request, _("Delivered. The asker is asked to evaluate."))
    return redirect(question)


@require_POST
def question_evaluate(request: AuthedRequest, pk: int) -> HttpResponse:
    question = question_for(request.user, pk, asker=True)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        return _detail(request, question, status=422, evaluation_form=form)
    findings, digest = _privacy_findings(request, form.cleaned_data["evaluation"])
    if findings:
        context = _detail_context(request, question, evaluation_form=form)
        context.update(findings=findings, privacy_ok=digest)
        return TemplateResponse(request, "practice/question_detail.html", context)
    try:
        question_step(question=question, step="evaluate", text=form.cleaned_data["evaluation"])
    except PracticeError as error:
        _refused(request, error)
        return _detail(request, question_for(request.user, pk), status=409)
    messages.success(request, _("Thank you for your evaluation."))
    return redirect(question)


@require_POST
def team_member_add(request: AuthedRequest, pk: int) -> HttpResponse:
    question = question_for(request.user, pk, manage=True)
    if not question.is_open:
        _refused(request, PracticeError("status"))
        return _detail(request, question, status=409)
    candidates = {c.user_pk: c for c in team_candidates(question)}
    form = TeamMemberForm(
        request.POST, candidates=[(pk_, c.label) for pk_, c in candidates.items()]
    )
    if not form.is_valid():
        return _detail(request, question, status=422, team_form=form)
    candidate = candidates[form.cleaned_data["person"]]
    try:
        team_add(
            question=question,
            user=User.objects.get(pk=candidate.user_pk),
            is_supervisor=candidate.is_supervisor,
        )
    except PracticeError as error:
        _refused(request, error)
        return _detail(request, question, status=409)
    messages.success(request, _("Added to the team."))
    return redirect(reverse("practice:detail", args=[question.pk]) + "#team")


@require_POST
def team_member_remove(request: AuthedRequest, pk: int, member_pk: int) -> HttpResponse:
    question = question_for(request.user, pk, manage=True)
    member = (
        TeamMember.objects.filter(question=question, pk=member_pk)
        .select_related("question")
        .first()
    )
    if member is None:
        messages.error(
            request, _("This person is not on the team (any more). Nothing was changed.")
        )
        return _detail(request, question, status=409)
    team_remove(member=member)
    messages.success(request, _("Taken off the team."))
    return redirect(reverse("practice:detail", args=[question.pk]) + "#team")


# --- The board ----------------------------------------------------------------------


def _board_context(
    request: AuthedRequest,
    question: PracticeQuestion,
    *,
    card_form: CardForm | None = None,
    columns_form: ColumnsForm | None = None,
    conflict: str = "",
    findings: list[Finding] | None = None,
    privacy_ok: str = "",
) -> dict[str, Any]:
    columns = list(question.columns.all())
    cards = list(
        Card.objects.filter(question=question)
        .select_related("assignee")
        .annotate(comment_count=Count("comments"))
        .order_by("column__position", "position", "pk")
    )
    by_column: dict[int, list[Card]] = {c.pk: [] for c in columns}
    for card in cards:
        by_column.setdefault(card.column_id, []).append(card)
    team = [m.user for m in question.team.select_related("user")]
    writes = any(u.pk == request.user.pk for u in team) and question.board_is_open
    board = [
        {
            "column": column,
            "cards": by_column[column.pk],
            "previous": columns[i - 1] if i > 0 else None,
            "next": columns[i + 1] if i + 1 < len(columns) else None,
        }
        for i, column in enumerate(columns)
    ]
    return {
        "question": question,
        "board": board,
        "writes": writes,
        "card_form": (card_form or CardForm(team=team)) if writes else None,
        "columns_form": (columns_form or ColumnsForm(columns=columns)) if writes else None,
        "first_column": columns[0] if columns else None,
        "conflict": conflict,
        "findings": findings,
        "privacy_ok": privacy_ok,
    }


def _board(
    request: AuthedRequest, question: PracticeQuestion, status: int = 200, **kwargs: Any
) -> HttpResponse:
    template = "practice/board.html"
    if request.htmx:
        template += "#board"
    return TemplateResponse(
        request, template, _board_context(request, question, **kwargs), status=status
    )


def _to_board(request: AuthedRequest, question: PracticeQuestion) -> HttpResponse:
    if request.htmx:
        return _board(request, PracticeQuestion.objects.get(pk=question.pk))
    return redirect(reverse("practice:board", args=[question.pk]))


@require_GET
def board(request: AuthedRequest, pk: int) -> HttpResponse:
    """The team's board. The page asks now and then whether the board changed (its
    version): nothing comes back when it did not, the current board when it did."""
    question = question_for(request.user, pk)
    if not question.has_board:
        return redirect(question)
    if request.htmx and request.GET.get("version") == str(question.board_version):
        return HttpResponse(status=204)
    return _board(request, question)


@require_POST
def board_columns(request: AuthedRequest, pk: int) -> HttpResponse:
    question = question_for(request.user, pk, team=True)
    if not question.board_is_open:
        return _board(request, question, status=409, conflict=str(REFUSALS["closed"]))
    form = ColumnsForm(request.POST, columns=list(question.columns.all()))
    if not form.is_valid():
        return _board(request, question, status=422, columns_form=form)
    columns_rename(question=question, names=form.names())
    messages.success(request, _("Columns renamed."))
    return _to_board(request, question)


def _team_users(question: PracticeQuestion) -> list[User]:
    return [m.user for m in question.team.select_related("user")]


@require_POST
def card_create(request: AuthedRequest, pk: int) -> HttpResponse:
    question = question_for(request.user, pk, team=True)
    form = CardForm(request.POST, team=_team_users(question))
    if not form.is_valid():
        return _board(request, question, status=422, card_form=form)
    data = form.cleaned_data
    findings, digest = _privacy_findings(request, data["title"], data["notes"])
    if findings:
        return _board(request, question, card_form=form, findings=findings, privacy_ok=digest)
    column = BoardColumn.objects.filter(question=question).order_by("position").first()
    if column is None:
        return _board(request, question, status=409, conflict=str(REFUSALS["closed"]))
    try:
        card_add(
            question=question,
            column=column,
            title=data["title"],
            notes=data["notes"],
            assignee=data["assignee"],
            due_date=data["due_date"],
            created_by=request.user,
        )
    except PracticeError as error:
        return _board(request, question, status=409, conflict=str(REFUSALS[error.code]))
    messages.success(request, _("Card added."))
    return _to_board(request, question)


def _version(request: AuthedRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@require_POST
def card_move_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Move a card: a step with a button (left, right, up, down) or dropped into a
    column above another card (drag-and-drop). A move made from an old picture of the
    board is refused with 409 and the board as it is now."""
    card = card_for(request.user, pk, write=True)
    question = card.question
    version = _version(request)
    direction = request.POST.get("direction", "")
    column: BoardColumn | None = None
    before: Card | None = None
    error: PracticeError | None = None
    if version is None or direction not in ("", "left", "right", "up", "down"):
        error = PracticeError("stale")
    elif not direction:
        column_pk = request.POST.get("column", "")
        before_pk = request.POST.get("before", "")
        column = (
            BoardColumn.objects.filter(pk=int(column_pk)).first()
            if column_pk.isdigit() and len(column_pk) < 10
            else None
        )
        if column is None:
            error = PracticeError("other_board")
        elif before_pk:
            before = (
                Card.objects.filter(pk=int(before_pk)).first()
                if before_pk.isdigit() and len(before_pk) < 10
                else None
            )
            if before is None:
                error = PracticeError("stale")
    if error is None:
        try:
            card_move(
                card=card, version=version or 0, direction=direction, column=column, before=before
            )
        except PracticeError as refused:
            error = refused
    if error is not None:
        return _board(
            request,
            PracticeQuestion.objects.get(pk=question.pk),
            status=409,
            conflict=str(REFUSALS[error.code]),
        )
    return _to_board(request, question)


def _card_context(
    request: AuthedRequest,
    card: Card,
    form: CardForm | None = None,
    comment_form: CommentForm | None = None,
    **extra: Any,
) -> dict[str, Any]:
    team = _team_users(card.question)
    writes = any(u.pk == request.user.pk for u in team) and card.question.board_is_open
    return {
        "card": card,
        "question": card.question,
        "comments": list(card.comments.select_related("author")),
        "writes": writes,
        "form": (form or CardForm(instance=card, team=team)) if writes else None,
        "comment_form": comment_form or CommentForm(),
        **extra,
    }


@require_http_methods(["GET", "POST"])
def card_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A card with its thread; the team edits it here."""
    card = card_for(request.user, pk, write=request.method == "POST")
    if request.method == "GET":
        return TemplateResponse(request, "practice/card.html", _card_context(request, card))
    version = _version(request)
    form = CardForm(request.POST, instance=card, team=_team_users(card.question))
    if not form.is_valid():
        return TemplateResponse(
            request, "practice/card.html", _card_context(request, card, form=form), status=422
        )
    findings, digest = _privacy_findings(
        request, form.cleaned_data["title"], form.cleaned_data["notes"]
    )
    if findings:
        return TemplateResponse(
            request,
            "practice/card.html",
            _card_context(request, card, form=form, findings=findings, privacy_ok=digest),
        )
    try:
        card_update(card=form.save(commit=False), version=-1 if version is None else version)
    except PracticeError as error:
        messages.error(request, str(REFUSALS[error.code]))
        fresh = card_for(request.user, pk)
        return TemplateResponse(
            request, "practice/card.html", _card_context(request, fresh), status=409
        )
    messages.success(request, _("Card saved."))
    return redirect(reverse("practice:board", args=[card.question_id]))


@require_POST
def card_comment(request: AuthedRequest, pk: int) -> HttpResponse:
    """Whoever sees the board writes in a card's thread."""
    card = card_for(request.user, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return TemplateResponse(
            request,
            "practice/card.html",
            _card_context(request, card, comment_form=form),
            status=422,
        )
    findings, digest = _privacy_findings(request, form.cleaned_data["text"])
    if findings:
        return TemplateResponse(
            request,
            "practice/card.html",
            _card_context(
                request, card, comment_form=form, comment_findings=findings, privacy_ok=digest
            ),
        )
    card_comment_add(card=card, author=request.user, text=form.cleaned_data["text"])
    messages.success(request, _("Comment added."))
    return redirect(reverse("practice:card", args=[card.pk]) + "#comments")


@require_POST
def card_delete_view(request: AuthedRequest, pk: int) -> HttpResponse:
    card = card_for(request.user, pk, write=True)
    version = _version(request)
    try:
        card_delete(card=card, version=-1 if version is None else version)
    except PracticeError as error:
        messages.error(request, str(REFUSALS[error.code]))
        return TemplateResponse(
            request, "practice/card.html", _card_context(request, card), status=409
        )
    messages.success(request, _("Card removed."))
    return redirect(reverse("practice:board", args=[card.question_id]))


# --- Team meetings -------------------------------------------------------------------


def _meeting_context(
    request: AuthedRequest, question: PracticeQuestion, form: MeetingForm | None = None
) -> dict[str, Any]:
    agenda = agenda_for(question)
    team = _team_users(question)
    writes = any(u.pk == request.user.pk for u in team) and question.board_is_open
    if writes and form is None:
        form = MeetingForm(
            team=team,
            initial={
                "held_on": timezone.localdate(),
                "next_chair": agenda.next_chair.pk if agenda.next_chair else None,
            },
        )
    return {
        "question": question,
        "agenda": agenda,
        "meetings": list(question.meetings.select_related("chair", "next_chair")),
        "form": form if writes else None,
    }


@require_http_methods(["GET", "POST"])
def meeting(request: AuthedRequest, pk: int) -> HttpResponse:
    """The team's meeting: the agenda drawn from the board and whose turn it is to
    chair; the team writes down the notes, agreements and who chairs next time."""
    question = question_for(request.user, pk, team=request.method == "POST")
    if not question.has_board:
        return redirect(question)
    if request.method == "GET":
        return TemplateResponse(
            request, "practice/meeting.html", _meeting_context(request, question)
        )
    team = _team_users(question)
    form = MeetingForm(request.POST, team=team)
    if not form.is_valid():
        return TemplateResponse(
            request, "practice/meeting.html", _meeting_context(request, question, form), status=422
        )
    data = form.cleaned_data
    findings, digest = _privacy_findings(request, data["notes"], data["agreements"])
    if findings:
        context = _meeting_context(request, question, form)
        context.update(findings=findings, privacy_ok=digest)
        return TemplateResponse(request, "practice/meeting.html", context)
    agenda = agenda_for(question, data["held_on"])
    by_pk = {u.pk: u for u in team}
    try:
        meeting_hold(
            question=question,
            held_on=data["held_on"],
            chair=agenda.chair,
            next_chair=by_pk.get(data["next_chair"]),
            agenda=agenda.as_text(),
            notes=data["notes"],
            agreements=data["agreements"],
        )
    except PracticeError as error:
        messages.error(request, str(REFUSALS[error.code]))
        return TemplateResponse(
            request, "practice/meeting.html", _meeting_context(request, question, form), status=409
        )
    messages.success(request, _("Meeting written down."))
    return redirect(reverse("practice:meeting", args=[question.pk]))


@require_GET
def figures(request: AuthedRequest, pk: int) -> HttpResponse:
    """The environment's practice questions in figures, for coordinators and the core
    team."""
    environment = environment_to_watch(request.user, pk)
    return TemplateResponse(
        request,
        "practice/figures.html",
        {"environment": environment, "figures": practice_figures(environment)},
    )
