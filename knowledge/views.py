from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.security_log import client_address
from environments.models import LearningEnvironment, OrganisationKind
from knowledge.access import (
    contribution_for,
    entry_for,
    environment_to_coordinate,
    environment_to_write,
    may_edit,
    may_write,
)
from knowledge.forms import (
    ConsentForm,
    EntryForm,
    InterestForm,
    PublicForm,
    SearchForm,
    StepForm,
    tag_groups,
)
from knowledge.models import Entry, EntryKind, EntryStatus, Interest
from knowledge.search import search
from knowledge.services import (
    PUBLIC_CACHE_SECONDS,
    KnowledgeError,
    contributor_consent,
    contributor_consent_withdraw,
    entry_make_private,
    entry_make_public,
    entry_save,
    entry_step,
    interest_send,
    public_cache_key,
)
from placements.models import Placement, PlacementStatus
from practice.access import manages_questions
from practice.models import PracticeQuestion, QuestionStatus
from reflections.privacy_hint import Finding, find_personal_data
from ulvo.lib.http import AnyRequest, AuthedRequest

LIST_LIMIT = 50
# The list shows titles and summaries: the long texts stay in the table (the sort of
# the ranked hits then moves narrow rows).
LIST_DEFER = ("body", "body_html", "search_vector")
# Figures on the public pages below this are not shown (they could point at people).
SMALL_NUMBER = 5
# Interest forms one anonymous address may send per hour.
INTEREST_PER_HOUR = 5

REFUSALS = {
    "status": gettext_lazy(
        "This entry has moved on in the meantime (or the button was pressed twice): "
        "nothing was changed."
    ),
    "published": gettext_lazy("A published entry is returned to draft before it changes."),
    "consent": gettext_lazy(
        "Not every contributor has consented yet: the entry stays within the region."
    ),
}


def _findings(entry: Entry) -> list[Finding]:
    return [
        finding
        for text in (entry.title, entry.summary, entry.body)
        for finding in find_personal_data(text)
    ]


# --- The knowledge base of the region ------------------------------------------------


@require_GET
def entry_list(request: AuthedRequest) -> HttpResponse:
    """Entries the user may read, searched (Dutch full text) and filtered by kind and
    tags; the user's own drafts and those waiting for review first."""
    user = request.user
    visible = Entry.objects.visible_to(user)
    form = SearchForm(request.GET or None)
    entries = visible.filter(status=EntryStatus.PUBLISHED)
    searched = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            entries = entries.filter(kind=data["kind"])
        for tag in data["tag"]:
            entries = entries.filter(tags=tag)
        if data["q"]:
            entries = search(entries, data["q"])
            searched = True
    rows = list(
        entries.defer(*LIST_DEFER)
        .select_related("environment")
        .prefetch_related("tags")[:LIST_LIMIT]
    )
    unpublished = list(
        visible.exclude(status=EntryStatus.PUBLISHED)
        .select_related("environment")
        .order_by("-updated_at")[:LIST_LIMIT]
    )
    environments = list(LearningEnvironment.objects.visible_to(user).order_by("name"))
    write_in = [env for env in environments if may_write(user, env)]
    return TemplateResponse(
        request,
        "knowledge/entry_list.html",
        {
            "form": form,
            "tag_groups": tag_groups(form, "tag"),
            "rows": rows,
            "searched": searched,
            "unpublished": unpublished,
            "write_in": write_in,
            "coordinated": [env for env in environments if user.is_coordinator_of(env)],
            "limit": LIST_LIMIT,
        },
    )


def _entry_form_page(
    request: AuthedRequest, environment: LearningEnvironment, entry: Entry | None
) -> HttpResponse:
    form = EntryForm(
        request.POST if request.method == "POST" else None,
        instance=entry,
        environment=environment,
        user=request.user,
        initial=_initial_from_question(request, environment) if entry is None else None,
    )
    context: dict[str, Any] = {
        "environment": environment,
        "entry": entry,
        "form": form,
        "tag_groups": tag_groups(form, "tags"),
    }
    if request.method == "POST":
        if not form.is_valid():
            return TemplateResponse(request, "knowledge/entry_form.html", context, status=422)
        new = form.save(commit=False)
        new.environment = environment
        try:
            saved = entry_save(
                entry=new, author=request.user, contributors=form.cleaned_data["contributors"]
            )
        except KnowledgeError as error:
            messages.error(request, str(REFUSALS[error.code]))
            return redirect("knowledge:detail", entry.pk if entry else 0)
        saved.tags.set(form.cleaned_data["tags"])
        saved.organisations.set(form.cleaned_data["organisations"])
        saved.practice_questions.set(form.cleaned_data["practice_questions"])
        messages.success(request, _("The entry was saved as a draft."))
        return redirect(saved)
    return TemplateResponse(request, "knowledge/entry_form.html", context)


def _initial_from_question(
    request: AuthedRequest, environment: LearningEnvironment
) -> dict[str, Any] | None:
    """A new good practice from a delivered practice question (``?vraagstuk=``): its
    title, what the team delivered, its team as contributors."""
    pk = request.GET.get("vraagstuk", "")
    if not pk.isdigit():
        return None
    question = (
        PracticeQuestion.objects.visible_to(request.user)
        .filter(
            pk=int(pk),
            environment=environment,
            status__in=(QuestionStatus.DELIVERED, QuestionStatus.EVALUATED),
        )
        .first()
    )
    if question is None:
        return None
    return {
        "kind": EntryKind.GOOD_PRACTICE,
        "title": question.title,
        "summary": question.outcome[:600],
        "practice_questions": [question.pk],
        "organisations": [question.host_id],
        "contributors": list(question.team.values_list("user_id", flat=True)),
    }


@require_http_methods(["GET", "POST"])
def entry_create(request: AuthedRequest, pk: int) -> HttpResponse:
    environment = environment_to_write(request.user, pk)
    return _entry_form_page(request, environment, None)


@require_http_methods(["GET", "POST"])
def entry_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = entry_for(request.user, pk, edit=True)
    return _entry_form_page(request, entry.environment, entry)


@require_GET
def entry_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    entry = entry_for(user, pk)
    contributors = list(entry.contributors.select_related("user"))
    reviews = user.is_coordinator_of(entry.environment)
    mine = next((c for c in contributors if c.user_id == user.pk), None)
    context = {
        "entry": entry,
        "contributors": contributors,
        "mine": mine,
        "tags": list(entry.tags.all()),
        "organisations": list(entry.organisations.all()),
        "questions": list(
            entry.practice_questions.filter(
                pk__in=PracticeQuestion.objects.listed_to(user).values("pk")
            )
        ),
        "may_edit": may_edit(user, entry),
        "may_submit": entry.status == EntryStatus.DRAFT
        and (mine is not None or manages_questions(user, entry.environment)),
        "reviews": reviews,
        "all_consented": all(c.consented_at for c in contributors),
        "findings": _findings(entry) if reviews else [],
        "public_form": PublicForm(),
    }
    return TemplateResponse(request, "knowledge/entry_detail.html", context)


@require_POST
def entry_step_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Submit for review (its writers), publish or return to draft (coordinators)."""
    user = request.user
    form = StepForm(request.POST)
    action = request.POST.get("action")
    entry = entry_for(user, pk, review=action in ("publish", "return"))
    # Its contributors and the core team (and coordinators) send it for review.
    if action == "submit" and not (
        entry.contributors.filter(user=user).exists() or manages_questions(user, entry.environment)
    ):
        raise PermissionDenied
    if not form.is_valid():
        messages.error(request, _("Choose what to do."))
        return redirect(entry)
    try:
        entry_step(entry=entry, step=form.cleaned_data["action"], by=user)
    except KnowledgeError as error:
        messages.error(request, str(REFUSALS[error.code]))
        return redirect(entry)
    messages.success(
        request,
        {
            "submit": _("The entry was sent to the coordinators for review."),
            "publish": _("The entry is published in the region."),
            "return": _("The entry is a draft again."),
        }[form.cleaned_data["action"]],
    )
    return redirect(entry)


@require_POST
def entry_public(request: AuthedRequest, pk: int) -> HttpResponse:
    """Make a published entry public (the privacy check confirmed), or private."""
    entry = entry_for(request.user, pk, review=True)
    form = PublicForm(request.POST)
    if not form.is_valid():
        context = {
            "entry": entry,
            "contributors": list(entry.contributors.select_related("user")),
            "mine": None,
            "tags": list(entry.tags.all()),
            "organisations": list(entry.organisations.all()),
            "questions": [],
            "reviews": True,
            "all_consented": not entry.contributors.filter(consented_at__isnull=True).exists(),
            "findings": _findings(entry),
            "public_form": form,
        }
        return TemplateResponse(request, "knowledge/entry_detail.html", context, status=422)
    try:
        if form.cleaned_data["action"] == "public":
            entry_make_public(entry=entry, by=request.user)
            messages.success(request, _("The entry is public."))
        else:
            entry_make_private(entry=entry)
            messages.success(request, _("The entry is no longer public."))
    except KnowledgeError as error:
        messages.error(request, str(REFUSALS[error.code]))
    return redirect(entry)


@require_POST
def entry_consent(request: AuthedRequest, pk: int) -> HttpResponse:
    """A contributor consents to the entry (with their name) being public, or
    withdraws: then it leaves the public pages at once."""
    contributor = contribution_for(request.user, pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        if form.cleaned_data["action"] == "give":
            contributor_consent(contributor=contributor)
            messages.success(request, _("Thank you: your consent is recorded."))
        else:
            contributor_consent_withdraw(contributor=contributor)
            messages.success(
                request, _("Your consent is withdrawn: the entry is not public any more.")
            )
    return redirect(contributor.entry)


# --- The practice map (list view) ----------------------------------------------------


@require_GET
def practice_map(request: AuthedRequest) -> HttpResponse:
    """The region's environments and partner organisations and what happens where:
    practice questions, published good practices and programmes, as a list (no
    JavaScript needed). Queries do not grow with the number of organisations."""
    user = request.user
    regions = LearningEnvironment.objects.visible_to(user).values("region_id")
    environments = list(
        LearningEnvironment.objects.filter(region_id__in=regions)
        .select_related("region")
        .prefetch_related("organisations")
        .order_by("name", "school_year")
    )
    ids = [env.pk for env in environments]
    questions = dict(
        PracticeQuestion.objects.filter(
            environment_id__in=ids,
            status__in=(
                QuestionStatus.ACCEPTED,
                QuestionStatus.IN_PROGRESS,
                QuestionStatus.DELIVERED,
                QuestionStatus.EVALUATED,
            ),
        )
        .values_list("host_id")
        .annotate(n=Count("pk"))
        .values_list("host_id", "n")
    )
    practices = dict(
        Entry.objects.filter(environment_id__in=ids, status=EntryStatus.PUBLISHED)
        .values_list("organisations")
        .annotate(n=Count("pk"))
        .values_list("organisations", "n")
    )
    programmes: dict[int, set[str]] = {}
    for env_id, name in (
        Placement.objects.filter(
            environment_id__in=ids,
            status__in=(PlacementStatus.PLANNED, PlacementStatus.ACTIVE),
        )
        .values_list("environment_id", "programme__name")
        .distinct()
    ):
        programmes.setdefault(env_id, set()).add(name)
    rows = [
        {
            "environment": env,
            "programmes": sorted(programmes.get(env.pk, ())),
            "organisations": [
                {
                    "organisation": org,
                    "questions": questions.get(org.pk, 0),
                    "practices": practices.get(org.pk, 0),
                }
                for org in sorted(env.organisations.all(), key=lambda o: o.name)
                if org.kind != OrganisationKind.INSTITUTE
            ],
        }
        for env in environments
    ]
    return TemplateResponse(request, "knowledge/practice_map.html", {"rows": rows})


# --- Public pages: the showcase and public entries ------------------------------------


@dataclass(frozen=True)
class PublicEntry:
    pk: int
    kind: str
    title: str
    summary: str


@dataclass(frozen=True)
class Showcase:
    """What the public page of an environment shows: plain values, cached."""

    pk: int
    name: str
    neighbourhood: str
    vision: str
    expectations: str
    partners: list[tuple[str, str]]
    programmes: list[str]
    entries: list[PublicEntry]
    students: int | None
    questions: int | None


def _safe_count(count: int) -> int | None:
    return count if count >= SMALL_NUMBER else None


def _showcase(pk: int) -> Showcase:
    key = public_cache_key(pk)
    cached = cache.get(key)
    if isinstance(cached, Showcase):
        return cached
    environment = LearningEnvironment.objects.filter(pk=pk).first()
    if environment is None:
        raise Http404
    placements = Placement.objects.filter(
        environment=environment,
        status__in=(PlacementStatus.PLANNED, PlacementStatus.ACTIVE),
    )
    showcase = Showcase(
        pk=environment.pk,
        name=environment.name,
        neighbourhood=environment.neighbourhood,
        vision=environment.vision,
        expectations=environment.expectations,
        partners=[
            (org.name, str(org.get_kind_display()))
            for org in environment.organisations.order_by("kind", "name")
        ],
        programmes=sorted(set(placements.values_list("programme__name", flat=True))),
        entries=[
            PublicEntry(e.pk, str(e.get_kind_display()), e.title, e.summary)
            for e in Entry.objects.public().filter(environment=environment)[:LIST_LIMIT]
        ],
        students=_safe_count(placements.values("student_id").distinct().count()),
        questions=_safe_count(
            PracticeQuestion.objects.filter(
                environment=environment,
                status__in=(QuestionStatus.DELIVERED, QuestionStatus.EVALUATED),
            ).count()
        ),
    )
    cache.set(key, showcase, PUBLIC_CACHE_SECONDS)
    return showcase


def _too_many(request: AnyRequest) -> bool:
    """An anonymous address that sent the interest form more than its hourly share
    (logged-in people are known and not limited)."""
    key = f"knowledge:interest:{client_address(request)}"
    cache.add(key, 0, 3600)
    try:
        sent = cache.incr(key)
    except ValueError:  # the cache is down or forgot the key: the limit fails open
        sent = 1
    return sent > INTEREST_PER_HOUR


@login_not_required
@csrf_protect
@require_http_methods(["GET", "POST"])
def showcase(request: AnyRequest, pk: int) -> HttpResponse:
    """An environment's public page for prospective students and partners, with the
    interest form (CSRF, a honeypot, a limit per address)."""
    page = _showcase(pk)
    form = InterestForm(request.POST if request.method == "POST" else None)
    context = {"showcase": page, "form": form, "small_number": SMALL_NUMBER}
    if request.method == "POST":
        if not request.user.is_authenticated and _too_many(request):
            context["limited"] = True
            return TemplateResponse(request, "knowledge/showcase.html", context, status=429)
        if not form.is_valid():
            return TemplateResponse(request, "knowledge/showcase.html", context, status=422)
        if not form.cleaned_data.get("website"):
            interest = form.save(commit=False)
            interest.environment_id = page.pk
            interest_send(interest=interest)
        # 303 See Other: the browser GETs the thank-you page (POST/redirect/GET).
        response = redirect("knowledge:thanks", page.pk)
        response.status_code = 303
        return response
    # Not cacheable by browsers or proxies: every page carries a CSRF token (the
    # language switch, the interest form). What is cached is the showcase's data.
    return TemplateResponse(request, "knowledge/showcase.html", context)


@login_not_required
@require_GET
def interest_thanks(request: AnyRequest, pk: int) -> HttpResponse:
    return TemplateResponse(request, "knowledge/thanks.html", {"showcase": _showcase(pk)})


@login_not_required
@require_GET
def public_entry(request: AnyRequest, pk: int) -> HttpResponse:
    """A public entry: published, public, every contributor consenting."""
    entry = Entry.objects.public().select_related("environment").filter(pk=pk).first()
    if entry is None:
        raise Http404
    context = {
        "entry": entry,
        "contributors": [c.user.full_name for c in entry.contributors.select_related("user")],
        "tags": list(entry.tags.all()),
    }
    return TemplateResponse(request, "knowledge/public_entry.html", context)


# --- Interest for the coordinator -----------------------------------------------------


@require_GET
def interest_list(request: AuthedRequest, pk: int) -> HttpResponse:
    environment = environment_to_coordinate(request.user, pk)
    interests = list(Interest.objects.filter(environment=environment)[:500])
    return TemplateResponse(
        request,
        "knowledge/interest_list.html",
        {"environment": environment, "interests": interests},
    )
