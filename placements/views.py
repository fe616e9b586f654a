import datetime
from collections.abc import Callable, Iterable
from typing import TypedDict, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, DateField, ExpressionWrapper, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from accounts.models import User
from placements.access import (
    entry_for,
    environment_to_manage,
    placement_for,
    week_for_review,
)
from placements.forms import (
    ActivityEntryForm,
    PlacementForm,
    ReopenDecisionForm,
    ReopenRequestForm,
    ReviewForm,
    SignoffNameForm,
)
from placements.models import (
    APPROVAL_UNDO_WINDOW,
    ActivityEntry,
    ActivityKind,
    Discipline,
    EntryStatus,
    Placement,
    PlacementStatus,
    Setting,
    SupervisionAssignment,
    Week,
    WeekEvent,
    WeekEventAction,
    WeekStatus,
    contact_digest,
    week_start,
)
from placements.services import (
    WeekError,
    activity_create,
    activity_delete,
    activity_update,
    placement_save,
    week_approval_undo,
    week_approve,
    week_reopen,
    week_reopen_decline,
    week_reopen_request,
    week_return,
    week_submit,
)
from ulvo.lib.formats import duration
from ulvo.lib.http import AnyRequest, AuthedRequest

WEEK_ERRORS = {
    "nothing_to_submit": gettext_lazy("There is nothing to submit in this week."),
    "already_approved": gettext_lazy("This week has already been signed off."),
    "not_submitted": gettext_lazy("This week is no longer waiting for sign-off."),
    "comment_required": gettext_lazy("Tell the student what to change."),
    "not_approved": gettext_lazy("This week has not been signed off, so it needs no reopening."),
    "reopen_pending": gettext_lazy("You have already asked to reopen this week."),
    "reason_required": gettext_lazy("Say why."),
    "reopen_needs_account": gettext_lazy(
        "Your supervisor signs off through an e-mailed link and cannot reopen weeks in ULVO. "
        "Contact them or your coordinator."
    ),
    "no_reopen_request": gettext_lazy("Nobody is asking to reopen this week (any more)."),
    "not_undoable": gettext_lazy("This sign-off can no longer be undone."),
}


UNDO_MINUTES = int(APPROVAL_UNDO_WINDOW.total_seconds() // 60)


def _url_for_pk(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for a list of rows at the price of one reverse: the
    URL's one argument is an int, so a number no row has stands in for it."""
    placeholder = "987654321"
    head, _middle, tail = reverse(name, args=[int(placeholder)]).partition(placeholder)
    return lambda pk: f"{head}{pk}{tail}"


class _DateLabels:
    """A date in a named format, worked out once per date: a week's entries share
    five days, a queue's weeks a few Mondays (issue #22: the date filter per use was
    a large part of these pages' time)."""

    def __init__(self, style: str) -> None:
        self.style = style
        self.known: dict[datetime.date, str] = {}

    def __call__(self, day: datetime.date) -> str:
        label = self.known.get(day)
        if label is None:
            label = self.known[day] = formats.date_format(day, self.style)
        return label


class EntryRow(TypedDict):
    """An activity as the week page and the review show it (``_entry.html``), its
    labels worked out once in Python instead of by filters in the template. A dict:
    the template finds a key at its first try, an attribute only after a failed one."""

    pk: int
    status: str
    day: str
    short_day: str
    duration: str
    status_label: str
    kind: str
    setting: str
    disciplines: str
    description: str
    editable: bool
    edit_url: str
    delete_url: str


def entry_rows(entries: Iterable[ActivityEntry]) -> list[EntryRow]:
    statuses = {value: str(label) for value, label in EntryStatus.choices}
    kinds = {value: str(label) for value, label in ActivityKind.choices}
    places = {value: str(label) for value, label in Setting.choices}
    disciplines = {value: str(label) for value, label in Discipline.choices}
    long_day = _DateLabels("LONG_MONTH_DAY_FORMAT")
    short_day = _DateLabels("MONTH_DAY_FORMAT")
    durations: dict[int, str] = {}
    edit_url = _url_for_pk("placements:entry_edit")
    delete_url = _url_for_pk("placements:entry_delete")
    rows = []
    for entry in entries:
        if entry.minutes not in durations:
            durations[entry.minutes] = duration(entry.minutes)
        rows.append(
            EntryRow(
                pk=entry.pk,
                status=entry.status,
                day=long_day(entry.date),
                short_day=short_day(entry.date),
                duration=durations[entry.minutes],
                status_label=statuses.get(entry.status, entry.status),
                kind=kinds.get(entry.kind, entry.kind),
                setting=places.get(entry.setting, entry.setting),
                disciplines=", ".join(
                    disciplines[code] for code in entry.disciplines if code in disciplines
                ),
                description=entry.description,
                editable=entry.is_editable,
                edit_url=edit_url(entry.pk),
                delete_url=delete_url(entry.pk),
            )
        )
    return rows


def _week_names(week: Week) -> dict[str, str]:
    """The student and the dates of a week, for messages that say which week."""
    return {
        "name": week.placement.student.full_name,
        "start": formats.date_format(week.start, "MONTH_DAY_FORMAT"),
        "end": formats.date_format(week.end, "SHORT_DATE_FORMAT"),
    }


def _week_param(request: AnyRequest, placement: Placement) -> datetime.date:
    """The week asked for (?week=YYYY-MM-DD), else this week, kept within the placement."""
    try:
        day = datetime.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    day = min(max(day, placement.start_date), placement.end_date)
    return week_start(day)


def _week_url(placement: Placement, start: datetime.date) -> str:
    return placement.get_absolute_url() + "?" + urlencode({"week": start.isoformat()})


def _default_day(placement: Placement, start: datetime.date) -> datetime.date:
    """The quick-log's date on a week's page: today when it lies in that week, else
    that week's last placement day (a past week opened to add something to it)."""
    today = min(max(timezone.localdate(), placement.start_date), placement.end_date)
    end = start + datetime.timedelta(days=6)
    if start <= today <= end or start > today:
        return today
    days = [start + datetime.timedelta(days=offset) for offset in range(7)]
    on_site = [
        day for day in days if day.isoweekday() in placement.days_on_site and placement.covers(day)
    ]
    if on_site:
        return on_site[-1]
    return min(max(start + datetime.timedelta(days=4), placement.start_date), placement.end_date)


def _entry_form(placement: Placement, start: datetime.date) -> ActivityEntryForm:
    return ActivityEntryForm(placement=placement, initial={"date": _default_day(placement, start)})


def _week_entries(placement: Placement, start: datetime.date) -> list[ActivityEntry]:
    return list(placement.entries.filter(date__gte=start, date__lte=start + datetime.timedelta(6)))


def _week_glance(
    placement: Placement, start: datetime.date, entries: list[ActivityEntry]
) -> dict[str, object]:
    """The week at a glance (``#week-glance``): hours against the target, day by day."""
    today = timezone.localdate()
    logged = sum(entry.minutes for entry in entries)
    target = int(placement.hours_per_week * 60)
    days = []
    on_site = set(placement.days_on_site)
    at_institute = set(placement.days_at_institute)
    weekdays = [start + datetime.timedelta(days=offset) for offset in range(5)]
    # Placement days of this week still to come: submitting now locks them out.
    to_come = [
        day
        for day in weekdays
        if day.isoweekday() in on_site and day > today and placement.covers(day)
    ]
    for day in weekdays:
        days.append(
            {
                "date": day,
                "on_site": day.isoweekday() in on_site,
                "at_institute": day.isoweekday() in at_institute,
                "to_come": day in to_come,
                "minutes": sum(e.minutes for e in entries if e.date == day),
            }
        )
    return {
        "days": days,
        "days_to_come": to_come,
        "logged_minutes": logged,
        "target_minutes": target,
        "progress": min(logged, target) if target else logged,
    }


def _week_context(
    placement: Placement, start: datetime.date, entries: list[ActivityEntry] | None = None
) -> dict[str, object]:
    end = start + datetime.timedelta(days=6)
    if entries is None:
        entries = _week_entries(placement, start)
    week = Week.objects.filter(placement=placement, start=start).prefetch_related("events").first()
    events = list(week.events.all()) if week is not None else []
    # Who signs off names the person a submitted week waits for, and whom to ask to reopen.
    signer = placement.assignments.select_related("supervisor").filter(signs_off=True).first()
    glance = _week_glance(placement, start, entries)
    to_come = cast(list[datetime.date], glance["days_to_come"])
    previous = start - datetime.timedelta(days=7)
    following = start + datetime.timedelta(days=7)
    return {
        **glance,
        "week_start": start,
        "week_end": end,
        "entries": entries,
        "rows": entry_rows(entries),
        "week": week,
        "events": events,
        "last_event": events[-1] if events else None,
        "signer": signer,
        "takes_entries": week is None or week.takes_entries,
        "days_to_come_labels": [
            formats.date_format(day, "LONG_MONTH_DAY_FORMAT") for day in to_come
        ],
        "can_submit": any(entry.is_editable for entry in entries),
        "previous_url": _week_url(placement, previous)
        if previous + datetime.timedelta(days=6) >= placement.start_date
        else None,
        "next_url": _week_url(placement, following) if following <= placement.end_date else None,
    }


@require_GET
def placement_list(request: AuthedRequest) -> HttpResponse:
    """My placements as a student, and the placements I supervise."""
    own = Placement.objects.filter(student=request.user).select_related(
        "programme", "environment", "school", "neighbourhood_organisation"
    )
    supervised = (
        Placement.objects.supervised_by(request.user)
        .select_related("student", "programme", "environment")
        .annotate(
            waiting=Count("weeks", filter=Q(weeks__status=WeekStatus.SUBMITTED), distinct=True)
        )
        .order_by("student__full_name")
    )
    return TemplateResponse(
        request,
        "placements/placement_list.html",
        {"own": own, "supervised": supervised},
    )


@require_GET
def placement_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    placement = placement_for(request.user, pk)
    is_student = placement.student_id == request.user.pk
    # One query answers both: does the user supervise, and do they sign off?
    signs_off_flags = list(
        SupervisionAssignment.objects.active_for(request.user)
        .filter(placement=placement)
        .values_list("signs_off", flat=True)
    )
    is_supervisor = bool(signs_off_flags)
    start = _week_param(request, placement)
    context: dict[str, object] = {
        "placement": placement,
        "is_student": is_student,
        "is_supervisor": is_supervisor,
        "may_sign_off": any(signs_off_flags),
    }
    if is_student or is_supervisor:
        context.update(_week_context(placement, start))
        if is_student:
            context["form"] = _entry_form(placement, start)
            context["reopen_form"] = ReopenRequestForm()
    else:
        # Coordinators see activity only as totals.
        context["totals"] = _totals(placement)
    template_name = "placements/placement_detail.html"
    if request.htmx and (is_student or is_supervisor):
        template_name += "#week"
    return TemplateResponse(request, template_name, context)


def _render_week(
    request: AuthedRequest,
    placement: Placement,
    start: datetime.date,
    *,
    form: ActivityEntryForm | None = None,
    reopen_form: ReopenRequestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The student's week: the section alone for htmx, else the whole page (a form
    with errors, re-rendered without JavaScript)."""
    context: dict[str, object] = {
        "placement": placement,
        "is_student": True,
        "is_supervisor": False,
        "form": form or _entry_form(placement, start),
        "reopen_form": reopen_form or ReopenRequestForm(),
    }
    context.update(_week_context(placement, start))
    template_name = "placements/placement_detail.html"
    if request.htmx:
        template_name += "#week"
    return TemplateResponse(request, template_name, context, status=status)


@require_POST
def entry_create(request: AuthedRequest, pk: int) -> HttpResponse:
    placement = placement_for(request.user, pk, log=True)
    form = ActivityEntryForm(request.POST, placement=placement)
    if not form.is_valid():
        # The student stays on the week they were looking at (the form's ?week=).
        if "week" in request.GET:
            start = _week_param(request, placement)
        else:
            start = week_start(form.cleaned_data.get("date") or _week_param(request, placement))
        return _render_week(request, placement, start, form=form, status=422)
    data = dict(form.cleaned_data)
    submission_key = data.pop("submission_key", None)
    # A repeated submit gets the entry it made the first time, which the page may show.
    repeated = (
        request.htmx
        and submission_key is not None
        and placement.entries.filter(submission_key=submission_key).exists()
    )
    entry = activity_create(placement=placement, submission_key=submission_key, **data)
    messages.success(request, _("Activity logged."))
    start = week_start(entry.date)
    if not request.htmx:
        return redirect(_week_url(placement, start))
    if repeated or "week" not in request.GET or _week_param(request, placement) != start:
        return _render_week(request, placement, start)
    return _render_logged(request, placement, start, entry)


def _render_logged(
    request: AuthedRequest, placement: Placement, start: datetime.date, entry: ActivityEntry
) -> HttpResponse:
    """After an htmx quick-log into the week on screen, only what changed: a fresh
    form, the totals and the new entry (``#logged`` in placement_detail.html); the
    whole week when more changes (its first entry to submit brings the submit button).
    The date was valid, so the week takes entries: the week's row, history and signer
    are read only for the whole week."""
    context: dict[str, object] = {
        "placement": placement,
        "is_student": True,
        "is_supervisor": False,
        "form": _entry_form(placement, start),
    }
    entries = _week_entries(placement, start)
    if sum(item.is_editable for item in entries) < 2:
        context["reopen_form"] = ReopenRequestForm()
        context.update(_week_context(placement, start, entries))
        return TemplateResponse(request, "placements/placement_detail.html#week", context)
    rows = entry_rows(entries)
    context.update(_week_glance(placement, start, entries))
    context.update({"week_start": start, "entries": entries, "rows": rows, "oob": True})
    position = next(index for index, row in enumerate(rows) if row["pk"] == entry.pk)
    context["new_row"] = rows[position]
    context["next_row"] = rows[position + 1] if position + 1 < len(rows) else None
    response = TemplateResponse(request, "placements/placement_detail.html#logged", context)
    return reswap(retarget(response, "#quick-log"), "outerHTML")


@require_http_methods(["GET", "POST"])
def entry_edit(request: AuthedRequest, entry_pk: int) -> HttpResponse:
    entry = entry_for(request.user, entry_pk)
    placement = entry.placement
    data = request.POST if request.method == "POST" else None
    # The quick-log form is on the same page: the inline form needs its own ids.
    form = ActivityEntryForm(
        data, instance=entry, placement=placement, auto_id=f"id_entry{entry.pk}_%s"
    )
    if request.method == "POST":
        if form.is_valid():
            fields = dict(form.cleaned_data)
            fields.pop("submission_key", None)
            activity_update(entry=entry, **fields)
            messages.success(request, _("Activity saved."))
            if request.htmx:
                # The form targets its own article; the week replaces the whole section.
                return retarget(_render_week(request, placement, week_start(entry.date)), "#week")
            return redirect(_week_url(placement, week_start(entry.date)))
        status = 422
    else:
        status = 200
    template_name = "placements/entry_edit.html"
    if request.htmx:
        template_name += "#entry-form"
    return TemplateResponse(
        request,
        template_name,
        {"placement": placement, "entry": entry, "form": form},
        status=status,
    )


@require_POST
def entry_delete(request: AuthedRequest, entry_pk: int) -> HttpResponse:
    entry = entry_for(request.user, entry_pk)
    placement = entry.placement
    start = week_start(entry.date)
    activity_delete(entry=entry)
    messages.success(request, _("Activity deleted."))
    if request.htmx:
        return _render_week(request, placement, start)
    return redirect(_week_url(placement, start))


@require_POST
def week_submit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    placement = placement_for(request.user, pk, log=True)
    start = _week_param(request, placement)
    try:
        week_submit(placement=placement, start=start, student=request.user)
    except WeekError as error:
        messages.error(request, WEEK_ERRORS[str(error)])
    else:
        messages.success(request, _("Week submitted for sign-off."))
    if request.htmx:
        return _render_week(request, placement, start)
    return redirect(_week_url(placement, start))


@require_POST
def week_reopen_request_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """The student asks the supervisor who signs off to reopen a signed-off week."""
    placement = placement_for(request.user, pk, log=True)
    start = _week_param(request, placement)
    form = ReopenRequestForm(request.POST)
    if not form.is_valid():
        return _render_week(request, placement, start, reopen_form=form, status=422)
    week = Week.objects.filter(placement=placement, start=start).first()
    try:
        if week is None:
            raise WeekError("not_approved")
        week_reopen_request(week=week, student=request.user, reason=form.cleaned_data["reason"])
    except WeekError as error:
        messages.error(request, WEEK_ERRORS[str(error)])
    else:
        signer = placement.assignments.select_related("supervisor").filter(signs_off=True).first()
        messages.success(
            request,
            _("Your request to reopen this week has been sent to %(name)s.")
            % {"name": signer.display_name if signer else ""},
        )
    if request.htmx:
        return _render_week(request, placement, start)
    return redirect(_week_url(placement, start))


def _totals(placement: Placement) -> dict[str, object]:
    """Hours over the whole placement, per setting, kind and status: one GROUP BY."""
    by_setting: dict[str, int] = {}
    by_kind: dict[str, int] = {}
    by_status: dict[str, int] = {}
    rows = (
        placement.entries.values_list("setting", "kind", "status")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    for setting, kind, status, minutes in rows:
        by_setting[setting] = by_setting.get(setting, 0) + minutes
        by_kind[kind] = by_kind.get(kind, 0) + minutes
        by_status[status] = by_status.get(status, 0) + minutes
    total = sum(by_setting.values())
    weeks_on_site = max(1, ((placement.end_date - placement.start_date).days + 1 + 6) // 7)
    return {
        "total_minutes": total,
        "target_minutes": int(placement.hours_per_week * 60) * weeks_on_site,
        "by_setting": [(label, by_setting.get(value, 0)) for value, label in Setting.choices],
        "by_kind": [(label, by_kind.get(value, 0)) for value, label in ActivityKind.choices],
        "approved_minutes": by_status.get(EntryStatus.APPROVED, 0),
        "submitted_minutes": by_status.get(EntryStatus.SUBMITTED, 0),
    }


@require_GET
def placement_overview(request: AuthedRequest, pk: int) -> HttpResponse:
    placement = placement_for(request.user, pk, related=("student", "programme"))
    weeks = list(
        placement.weeks.order_by("start").only("start", "status", "reviewer_name", "reviewed_at")
    )
    statuses = {value: str(label) for value, label in WeekStatus.choices}
    rows = [
        {
            "start": week.start.isoformat(),
            "label": formats.date_format(week.start, "SHORT_DATE_FORMAT"),
            "status": statuses.get(week.status, week.status),
            "reviewer": week.reviewer_name,
        }
        for week in weeks
    ]
    # The student and their supervisors open a week; coordinators see totals only.
    opens_weeks = (
        placement.student_id == request.user.pk
        or placement.assignments.filter(supervisor=request.user).exists()
    )
    return TemplateResponse(
        request,
        "placements/placement_overview.html",
        {
            "placement": placement,
            "totals": _totals(placement),
            "weeks": weeks,
            "rows": rows,
            "opens_weeks": opens_weeks,
        },
    )


@require_GET
def signoff_queue(request: AuthedRequest) -> HttpResponse:
    """Submitted weeks of the placements whose hours I sign off, oldest first; the
    requests to reopen a signed-off week; and what I signed off so recently that I
    may still undo it."""
    week_minutes = (
        ActivityEntry.objects.filter(
            placement_id=OuterRef("placement_id"),
            date__gte=OuterRef("start"),
            date__lt=ExpressionWrapper(
                OuterRef("start") + datetime.timedelta(days=7), output_field=DateField()
            ),
        )
        .order_by()
        .values("placement_id")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    # Plain rows, not model instances: only what each line of the queue shows.
    weeks = (
        Week.objects.awaiting_signoff_by(request.user)
        .annotate(logged_minutes=Coalesce(Subquery(week_minutes), 0))
        .order_by("start", "placement__student__full_name")
        .values_list(
            "pk",
            "start",
            "placement__student__full_name",
            "placement__programme__name",
            "logged_minutes",
        )[:500]
    )
    reasons = (
        WeekEvent.objects.filter(week=OuterRef("pk"), action=WeekEventAction.REOPEN_REQUESTED)
        .order_by("-created_at", "-pk")
        .values("comment")[:1]
    )
    reopen_requests = list(
        Week.objects.reopen_requested_of(request.user)
        .select_related("placement__student", "placement__programme")
        .annotate(reason=Subquery(reasons))
        .order_by("reopen_requested_at")[:500]
    )
    just_signed_off = list(
        Week.objects.undoable_by(request.user, now=timezone.now())
        .select_related("placement__student")
        .order_by("-reviewed_at")
    )
    return TemplateResponse(
        request,
        "placements/signoff_queue.html",
        {
            "weeks": _queue_rows(weeks),
            "reopen_requests": reopen_requests,
            "just_signed_off": just_signed_off,
            "undo_minutes": UNDO_MINUTES,
        },
    )


class QueueRow(TypedDict):
    """A submitted week as the sign-off queue lists it, its labels worked out once."""

    pk: int
    name: str
    programme: str
    start: str
    end: str
    duration: str
    review_url: str
    approve_url: str


def _queue_rows(
    weeks: Iterable[tuple[int, datetime.date, str, str, int]],
) -> list[QueueRow]:
    """(pk, start, student, programme, minutes logged) as the queue's lines."""
    month_day = _DateLabels("MONTH_DAY_FORMAT")
    short_date = _DateLabels("SHORT_DATE_FORMAT")
    review_url = _url_for_pk("placements:week_review")
    approve_url = _url_for_pk("placements:week_approve")
    return [
        QueueRow(
            pk=pk,
            name=name,
            programme=programme,
            start=month_day(start),
            end=short_date(start + datetime.timedelta(days=6)),
            duration=duration(minutes),
            review_url=review_url(pk),
            approve_url=approve_url(pk),
        )
        for pk, start, name, programme, minutes in weeks
    ]


def _review_context(week: Week) -> dict[str, object]:
    entries = list(week.placement.entries.filter(date__gte=week.start, date__lte=week.end))
    events = list(week.events.all())
    return {
        "week": week,
        "placement": week.placement,
        "entries": entries,
        "rows": entry_rows(entries),
        "events": events,
        "last_event": events[-1] if events else None,
        "logged_minutes": sum(entry.minutes for entry in entries),
    }


def _render_review(
    request: AuthedRequest,
    week: Week,
    *,
    form: ReviewForm | None = None,
    reopen_form: ReopenDecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The review page shows what the week's state allows: approve or return a
    submitted week, answer a request to reopen it, or undo an approval just given."""
    context = _review_context(week)
    context.update(
        {
            "form": form or ReviewForm(),
            "reopen_form": reopen_form or ReopenDecisionForm(),
            "may_undo": week.approval_undoable_by(request.user, now=timezone.now()),
            "undo_minutes": UNDO_MINUTES,
        }
    )
    return TemplateResponse(request, "placements/week_review.html", context, status=status)


@require_http_methods(["GET", "POST"])
def week_review(request: AuthedRequest, week_pk: int) -> HttpResponse:
    week = week_for_review(request.user, week_pk)
    if request.method == "GET":
        return _render_review(request, week)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_review(request, week, form=form, status=422)
    try:
        _apply_review(form, week=week, reviewer=request.user)
    except WeekError as error:
        messages.error(request, WEEK_ERRORS[str(error)])
    else:
        if form.cleaned_data["action"] == ReviewForm.APPROVE:
            _approved_message(request, week)
        else:
            messages.success(
                request,
                _("You returned the week of %(start)s to %(end)s to %(name)s with your comment.")
                % _week_names(week),
            )
    return redirect("placements:signoff_queue")


def _apply_review(
    form: ReviewForm,
    *,
    week: Week,
    reviewer: User | None,
    reviewer_name: str = "",
    via_link: bool = False,
    request: AnyRequest | None = None,
) -> None:
    comment = form.cleaned_data["comment"].strip()
    if form.cleaned_data["action"] == ReviewForm.APPROVE:
        week_approve(
            week=week,
            reviewer=reviewer,
            reviewer_name=reviewer_name,
            comment=comment,
            via_link=via_link,
        )
    else:
        week_return(
            week=week,
            reviewer=reviewer,
            reviewer_name=reviewer_name,
            comment=comment,
            via_link=via_link,
        )


def _approved_message(request: AuthedRequest, week: Week) -> None:
    # The queue it leads to offers the undo (signoff_queue.html, "just signed off").
    messages.success(
        request,
        _("You signed off the week of %(start)s to %(end)s of %(name)s.") % _week_names(week),
    )


@require_POST
def week_approve_quick(request: AuthedRequest, week_pk: int) -> HttpResponse:
    """The common case in one click, from the queue."""
    week = week_for_review(request.user, week_pk)
    try:
        week_approve(week=week, reviewer=request.user)
    except WeekError as error:
        messages.error(request, WEEK_ERRORS[str(error)])
    else:
        _approved_message(request, week)
    return redirect("placements:signoff_queue")


@require_POST
def week_approval_undo_view(request: AuthedRequest, week_pk: int) -> HttpResponse:
    """Take back an approval just given: the week waits in the queue again."""
    week = week_for_review(request.user, week_pk)
    try:
        week_approval_undo(week=week, reviewer=request.user)
    except WeekError as error:
        messages.error(request, WEEK_ERRORS[str(error)])
    else:
        messages.success(
            request,
            _(
                "Sign-off undone: the week of %(start)s to %(end)s of %(name)s is waiting for "
                "your sign-off again."
            )
            % _week_names(week),
        )
    return redirect("placements:signoff_queue")


@require_POST
def week_reopen_view(request: AuthedRequest, week_pk: int) -> HttpResponse:
    """Answer the student's request to reopen a signed-off week: reopen or decline."""
    week = week_for_review(request.user, week_pk)
    form = ReopenDecisionForm(request.POST)
    if not form.is_valid():
        return _render_review(request, week, reopen_form=form, status=422)
    comment = form.cleaned_data["comment"].strip()
    try:
        if form.cleaned_data["action"] == ReopenDecisionForm.REOPEN:
            week_reopen(week=week, reviewer=request.user, comment=comment)
            text = _(
                "You reopened the week of %(start)s to %(end)s of %(name)s: they can add to it "
                "and submit it again."
            )
        else:
            week_reopen_decline(week=week, reviewer=request.user, comment=comment)
            text = _("You declined to reopen the week of %(start)s to %(end)s of %(name)s.")
    except WeekError as error:
        messages.error(request, WEEK_ERRORS[str(error)])
    else:
        messages.success(request, text % _week_names(week))
    return redirect("placements:signoff_queue")


LINK_ERRORS = {
    "invalid": gettext_lazy(
        "This link is not valid. Check that you opened the whole link from the e-mail."
    ),
    "used": gettext_lazy(
        "This week has already been handled through this link, or the student changed it."
    ),
}


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def signoff_link(request: AnyRequest, token: str) -> HttpResponse:
    """Sign off one week through the e-mailed link, without an account."""
    payload = Week.parse_signoff_token(token)
    week = None
    assignment = None
    if payload is not None:
        week = (
            Week.objects.select_related("placement__student", "placement__programme")
            .filter(pk=payload["w"])
            .first()
        )
        assignment = (
            SupervisionAssignment.objects.select_related("supervisor")
            .filter(pk=payload["a"], signs_off=True, placement_id=week.placement_id)
            .first()
            if week is not None
            else None
        )
    if (
        payload is None
        or week is None
        or assignment is None
        or payload["e"] != contact_digest(assignment.contact_email)
        # A supervisor with an account signs off only while still in the environment.
        or (
            assignment.supervisor is not None
            and not SupervisionAssignment.objects.active_for(assignment.supervisor)
            .filter(pk=assignment.pk)
            .exists()
        )
    ):
        return TemplateResponse(
            request,
            "placements/signoff_link.html",
            {"error": LINK_ERRORS["invalid"]},
            status=404,
        )
    if (
        week.status != WeekStatus.SUBMITTED
        or week.submitted_at is None
        or week.submitted_at.isoformat() != payload["s"]
    ):
        return TemplateResponse(
            request, "placements/signoff_link.html", {"error": LINK_ERRORS["used"]}, status=410
        )
    data = request.POST if request.method == "POST" else None
    form = SignoffNameForm(data, initial={"name": assignment.display_name})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _apply_review(
                    form,
                    week=week,
                    reviewer=assignment.supervisor,
                    reviewer_name=form.cleaned_data["name"],
                    via_link=True,
                )
            except WeekError:
                return TemplateResponse(
                    request,
                    "placements/signoff_link.html",
                    {"error": LINK_ERRORS["used"]},
                    status=410,
                )
            return TemplateResponse(
                request,
                "placements/signoff_link.html",
                {
                    "done": True,
                    "week": Week.objects.select_related("placement__student").get(pk=week.pk),
                },
            )
        status = 422
    context = _review_context(week)
    context["form"] = form
    return TemplateResponse(request, "placements/signoff_link.html", context, status=status)


@require_GET
def environment_placements(request: AuthedRequest, pk: int) -> HttpResponse:
    environment = environment_to_manage(request.user, pk)
    status = request.GET.get("status", "")
    placements = environment.placements.select_related(
        "student", "programme", "school", "neighbourhood_organisation"
    ).order_by("student__full_name", "-start_date")
    if status in PlacementStatus.values:
        placements = placements.filter(status=status)
    return TemplateResponse(
        request,
        "placements/environment_placements.html",
        {
            "environment": environment,
            "placements": placements[:1000],
            "status": status,
            "status_choices": PlacementStatus.choices,
        },
    )


@require_http_methods(["GET", "POST"])
def placement_create(request: AuthedRequest, pk: int) -> HttpResponse:
    environment = environment_to_manage(request.user, pk)
    data = request.POST if request.method == "POST" else None
    form = PlacementForm(data, environment=environment)
    if request.method == "POST" and form.is_valid():
        placement_save(placement=form.save(commit=False), signoff=form.signoff())
        messages.success(request, _("Placement saved."))
        return redirect("placements:environment_placements", pk=environment.pk)
    return TemplateResponse(
        request,
        "placements/placement_form.html",
        {"environment": environment, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def placement_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    placement = placement_for(request.user, pk, manage=True)
    data = request.POST if request.method == "POST" else None
    form = PlacementForm(data, instance=placement, environment=placement.environment)
    if request.method == "POST" and form.is_valid():
        placement_save(placement=form.save(commit=False), signoff=form.signoff())
        messages.success(request, _("Placement saved."))
        return redirect("placements:environment_placements", pk=placement.environment_id)
    return TemplateResponse(
        request,
        "placements/placement_form.html",
        {"environment": placement.environment, "form": form, "placement": placement},
        status=422 if request.method == "POST" else 200,
    )
