import hashlib
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from placements.models import ActivityEntry
from reflections.access import (
    environment_for_outcomes,
    evidence_for,
    is_supervisor_of,
    manages_outcomes,
    may_respond,
    outcome_for,
    reflection_for,
)
from reflections.forms import (
    EMPTY_REFLECTION,
    NOT_YOURS,
    EvidenceForm,
    FeedbackForm,
    OutcomeForm,
    ReflectionForm,
)
from reflections.models import (
    MECHANISM_FIELDS,
    LearningOutcome,
    OutcomeEvidence,
    Reflection,
    ReflectionFeedback,
    Visibility,
)
from reflections.privacy_hint import find_personal_data
from reflections.services import (
    ReflectionError,
    evidence_link,
    evidence_unlink,
    outcome_delete,
    outcome_save,
    reflection_delete,
    reflection_feedback_add,
    reflection_mark_read,
    reflection_save,
)
from ulvo.lib.formats import short_date
from ulvo.lib.http import AuthedRequest, safe_next

SHARED_LIMIT = 50


def _coordinator_counts(request: AuthedRequest) -> list[dict[str, Any]]:
    """Per coordinated environment: how many reflections are shared, never their text."""
    coordinated = request.user.memberships.filter(
        role=Role.COORDINATOR, is_active=True
    ).values_list("environment_id", flat=True)
    published = Q(published_at__isnull=False)
    rows = (
        Reflection.objects.filter(environment_id__in=coordinated)
        .values("environment_id", "environment__name")
        .annotate(
            total=Count("pk", filter=published),
            private=Count("pk", filter=published & Q(visibility=Visibility.PRIVATE)),
            supervisors=Count("pk", filter=published & Q(visibility=Visibility.SUPERVISORS)),
            network=Count("pk", filter=published & Q(visibility=Visibility.NETWORK)),
            **{
                field: Count("pk", filter=published & Q(**{field: True}))
                for field in MECHANISM_FIELDS.values()
            },
        )
        .order_by("environment__name")
    )
    return [
        {
            **row,
            # The type checker's row lacks the counts that the ** above annotates.
            "mechanisms": [(m.label, row[field]) for m, field in MECHANISM_FIELDS.items()],  # type: ignore[literal-required]
        }
        for row in rows
    ]


@require_GET
def reflection_list(request: AuthedRequest) -> HttpResponse:
    """My reflections, those shared with me, and for coordinators counts only."""
    user = request.user
    mine = list(
        Reflection.objects.filter(author=user)
        .select_related("environment")
        .annotate(feedback_count=Count("feedback", distinct=True))
    )
    shared = list(
        Reflection.objects.visible_to(user)
        .exclude(author=user)
        .select_related("author", "environment")
        .annotate(
            feedback_count=Count("feedback", distinct=True),
            my_feedback=Count("feedback", filter=Q(feedback__author=user), distinct=True),
        )
        .order_by("-published_at", "-pk")[:SHARED_LIMIT]
    )
    environments = list(
        user.memberships.filter(is_active=True)
        .values_list("environment_id", "environment__name")
        .distinct()
        .order_by("environment__name")
    )
    return TemplateResponse(
        request,
        "reflections/reflection_list.html",
        {
            "mine": mine,
            "shared": shared,
            "counts": _coordinator_counts(request),
            "environments": environments,
        },
    )


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _own_draft(request: AuthedRequest) -> Reflection | None:
    """The draft this form already saved (autosave), if it is the user's own."""
    value = request.POST.get("draft", "")
    if not value.isdigit():
        return None
    return Reflection.objects.filter(author=request.user, pk=int(value)).first()


def _form_context(
    form: ReflectionForm, reflection: Reflection | None, findings: list[Any] | None = None
) -> dict[str, Any]:
    return {
        "form": form,
        "reflection": reflection,
        "findings": findings or [],
        "autosaves": reflection is None or reflection.is_draft,
    }


def _save_from_form(
    request: AuthedRequest, reflection: Reflection | None, template: str
) -> HttpResponse:
    """Validate, warn about pupils' personal data, save; shared by create and edit."""
    action = request.POST.get("action", "draft")
    form = ReflectionForm(request.POST, user=request.user)
    context = _form_context(form, reflection)
    if not form.is_valid():
        return TemplateResponse(request, template, context, status=422)
    text = form.cleaned_data["text"]
    findings = find_personal_data(text)
    if findings and request.POST.get("privacy_ok") != text_digest(text):
        # A warning, not a block (hence 200, nothing is wrong with the input): the
        # same form with a "save anyway" button, which confirms this very text (a
        # changed text is checked again).
        context.update(findings=findings, privacy_check=True, privacy_ok=text_digest(text))
        return TemplateResponse(request, template, context)
    target = form.apply_to(reflection or Reflection(author=request.user))
    publish = {"publish": True, "unpublish": False, "draft": False}.get(action)
    if reflection is not None and not reflection.is_draft and action == "draft":
        publish = None  # "Save" on a shared reflection keeps it shared.
    try:
        target = reflection_save(reflection=target, publish=publish)
    except ReflectionError:
        form.add_error("text", EMPTY_REFLECTION)
        return TemplateResponse(request, template, context, status=422)
    if target.is_draft:
        messages.success(request, _("Draft saved. Only you can read it."))
    else:
        messages.success(request, _("Reflection saved and shared."))
    return redirect(target)


@require_http_methods(["GET", "POST"])
def reflection_create(request: AuthedRequest) -> HttpResponse:
    template = "reflections/reflection_form.html"
    if request.method == "POST":
        return _save_from_form(request, _own_draft(request), template)
    initial: dict[str, Any] = {}
    for field in ("placement", "session", "activity", "environment"):
        if request.GET.get(field, "").isdigit():
            initial[field] = request.GET[field]
    form = ReflectionForm(initial=initial, user=request.user)
    return TemplateResponse(request, template, _form_context(form, None))


@require_http_methods(["GET", "POST"])
def reflection_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    reflection = reflection_for(request.user, pk, edit=True)
    template = "reflections/reflection_form.html"
    if request.method == "POST":
        return _save_from_form(request, reflection, template)
    form = ReflectionForm(initial=ReflectionForm.initial_from(reflection), user=request.user)
    return TemplateResponse(request, template, _form_context(form, reflection))


@require_POST
def reflection_autosave(request: AuthedRequest) -> HttpResponse:
    """htmx: keep the draft being written, and show the privacy hint as it is typed.

    Only drafts autosave: a shared reflection changes when its author saves it.
    """
    template = "reflections/reflection_form.html#autosave-status"
    form = ReflectionForm(request.POST, user=request.user, require_text=False)
    draft = _own_draft(request)
    context: dict[str, Any] = {"draft": draft, "form": form}
    if draft is not None and not draft.is_draft:
        context["not_autosaved"] = True
        return TemplateResponse(request, template, context)
    if not form.is_valid():
        return TemplateResponse(request, template, context, status=422)
    context["findings"] = find_personal_data(form.cleaned_data["text"])
    if not form.cleaned_data["text"]:
        return TemplateResponse(request, template, context)
    draft = reflection_save(
        reflection=form.apply_to(draft or Reflection(author=request.user)), publish=False
    )
    context.update(draft=draft, saved_at=timezone.localtime(draft.updated_at))
    return TemplateResponse(request, template, context)


def _thread_context(request: AuthedRequest, reflection: Reflection) -> dict[str, Any]:
    user = request.user
    is_author = reflection.author_id == user.pk
    supervises = not is_author and is_supervisor_of(user, reflection)
    context: dict[str, Any] = {
        "reflection": reflection,
        "is_author": is_author,
        "supervises": supervises,
        # The thread is between the author and their supervisors; network members
        # read the reflection, not the conversation about it.
        "shows_thread": is_author or supervises,
        "may_respond": may_respond(user, reflection),
    }
    if context["shows_thread"]:
        context["feedback"] = list(reflection.feedback.select_related("author"))
        context["reads"] = list(reflection.reads.select_related("reader"))
        context["seen_by_me"] = any(read.reader_id == user.pk for read in context["reads"])
    return context


def feedback_form(reflection: Reflection, data: Any = None) -> FeedbackForm:
    """Ids of its own: a supervisor's home shows several of these forms."""
    return FeedbackForm(data, auto_id=f"id_feedback{reflection.pk}_%s")


@require_GET
def reflection_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    reflection = reflection_for(request.user, pk)
    context = _thread_context(request, reflection)
    if context["may_respond"]:
        context["feedback_form"] = feedback_form(reflection)
    return TemplateResponse(request, "reflections/reflection_detail.html", context)


@require_POST
def feedback_add(request: AuthedRequest, pk: int) -> HttpResponse:
    reflection = reflection_for(request.user, pk)
    if not may_respond(request.user, reflection):
        raise PermissionDenied
    form = feedback_form(reflection, request.POST)
    next_url = safe_next(request, default="")
    if form.is_valid():
        reflection_feedback_add(
            reflection=reflection, author=request.user, text=form.cleaned_data["text"]
        )
        if not request.htmx:
            messages.success(request, _("Response sent."))
            return redirect(next_url or reflection.get_absolute_url())
        form = feedback_form(reflection)
        status = 200
    else:
        status = 422
    context = _thread_context(request, reflection)
    context.update(feedback_form=form, next=next_url)
    template = "reflections/reflection_detail.html"
    if request.htmx:
        template += "#thread"
    return TemplateResponse(request, template, context, status=status)


@require_POST
def mark_read(request: AuthedRequest, pk: int) -> HttpResponse:
    """A supervisor has seen the reflection (sent by the page itself, or by its button)."""
    reflection = reflection_for(request.user, pk)
    if not is_supervisor_of(request.user, reflection):
        raise PermissionDenied
    read = reflection_mark_read(reflection=reflection, reader=request.user)
    if request.htmx:
        return TemplateResponse(
            request,
            "reflections/reflection_detail.html#seen-by-me",
            {"reflection": reflection, "supervises": True, "seen_by_me": read is not None},
        )
    return redirect(reflection)


@require_POST
def reflection_delete_view(request: AuthedRequest, pk: int) -> HttpResponse:
    reflection = reflection_for(request.user, pk, edit=True)
    reflection_delete(reflection=reflection)
    messages.success(request, _("Reflection deleted."))
    return redirect("reflections:list")


# --- Shared learning outcomes -------------------------------------------------------


def _outcomes_context(
    request: AuthedRequest,
    environment: Any,
    *,
    form: OutcomeForm | None = None,
    evidence_errors: dict[int, EvidenceForm] | None = None,
) -> dict[str, Any]:
    user = request.user
    manages = manages_outcomes(user, environment)
    outcomes = list(
        LearningOutcome.objects.filter(environment=environment).annotate(
            students=Count("evidence__student", distinct=True)
        )
    )
    evidence = (
        OutcomeEvidence.objects.filter(student=user, outcome__environment=environment)
        .select_related("reflection", "activity")
        .prefetch_related(
            Prefetch(
                "reflection__feedback",
                queryset=ReflectionFeedback.objects.select_related("author"),
            )
        )
    )
    by_outcome: dict[int, list[OutcomeEvidence]] = defaultdict(list)
    for item in evidence:
        by_outcome[item.outcome_id].append(item)
    my_reflections = list(
        Reflection.objects.filter(author=user, environment=environment).order_by("-created_at")
    )
    my_activities = list(
        ActivityEntry.objects.filter(
            placement__student=user, placement__environment=environment
        ).order_by("-date", "-pk")
    )
    evidence_errors = evidence_errors or {}
    return {
        "environment": environment,
        "manages": manages,
        "form": form or (OutcomeForm(environment=environment) if manages else None),
        "rows": [
            {
                "outcome": outcome,
                "evidence": by_outcome.get(outcome.pk, []),
                "errors": evidence_errors.get(outcome.pk),
            }
            for outcome in outcomes
        ],
        "my_reflections": [
            (r.pk, EvidenceForm._reflection_label(r), r.is_draft) for r in my_reflections
        ],
        "my_activities": [
            (a.pk, f"{short_date(a.date)} · {a.get_kind_display()}") for a in my_activities
        ],
    }


@require_http_methods(["GET", "POST"])
def outcome_list(request: AuthedRequest, pk: int) -> HttpResponse:
    """The environment's shared outcomes; my evidence and its feedback; managers add."""
    environment = environment_for_outcomes(request.user, pk, manage=request.method == "POST")
    form = None
    status = 200
    if request.method == "POST":
        form = OutcomeForm(request.POST, environment=environment)
        if form.is_valid():
            outcome_save(outcome=form.save(commit=False), by=request.user)
            messages.success(request, _("Learning outcome added."))
            return redirect("reflections:outcomes", pk=environment.pk)
        status = 422
    return TemplateResponse(
        request,
        "reflections/outcomes.html",
        _outcomes_context(request, environment, form=form),
        status=status,
    )


@require_http_methods(["GET", "POST"])
def outcome_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    outcome = outcome_for(request.user, pk, manage=True)
    data = request.POST if request.method == "POST" else None
    form = OutcomeForm(data, instance=outcome, environment=outcome.environment)
    if request.method == "POST" and form.is_valid():
        outcome_save(outcome=form.save(commit=False), by=request.user)
        messages.success(request, _("Learning outcome saved."))
        return redirect("reflections:outcomes", pk=outcome.environment_id)
    return TemplateResponse(
        request,
        "reflections/outcome_form.html",
        {"outcome": outcome, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def outcome_delete_view(request: AuthedRequest, pk: int) -> HttpResponse:
    outcome = outcome_for(request.user, pk, manage=True)
    outcome_delete(outcome=outcome)
    messages.success(request, _("Learning outcome deleted."))
    return redirect("reflections:outcomes", pk=outcome.environment_id)


@require_POST
def evidence_add(request: AuthedRequest, pk: int) -> HttpResponse:
    outcome = outcome_for(request.user, pk)
    form = EvidenceForm(request.POST, user=request.user, outcome=outcome)
    if form.is_valid():
        try:
            evidence_link(
                outcome=outcome,
                student=request.user,
                reflection=form.cleaned_data.get("reflection"),
                activity=form.cleaned_data.get("activity"),
            )
        except ReflectionError:
            form.add_error(None, NOT_YOURS)
        else:
            messages.success(request, _("Evidence linked."))
            return redirect(f"{outcome.get_absolute_url()}#outcome-{outcome.pk}")
    return TemplateResponse(
        request,
        "reflections/outcomes.html",
        _outcomes_context(request, outcome.environment, evidence_errors={outcome.pk: form}),
        status=422,
    )


@require_POST
def evidence_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    evidence = evidence_for(request.user, pk)
    outcome = evidence.outcome
    evidence_unlink(evidence=evidence)
    messages.success(request, _("Evidence removed."))
    return redirect(f"{outcome.get_absolute_url()}#outcome-{outcome.pk}")
