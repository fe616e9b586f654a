import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from environments.access import environment_for
from notifications.access import notification_for, report_for
from notifications.forms import PreferencesForm, ReportForm
from notifications.kinds import Summary, compose, subjects_for, summarise
from notifications.models import Kind, Notification, Report, ReportState
from notifications.outbox import parse_preferences_token
from notifications.reports import report_request
from notifications.services import notifications_mark_read, preferences_save
from ulvo.lib.http import AnyRequest, AuthedRequest

PAGE_SIZE = 30


# This many rows of one kind in a row are listed under one heading, folded away.
GROUP_FROM = 3
# The names a folded group shows of what its rows are about.
GROUP_NAMES = 3


@dataclass(frozen=True)
class Entry:
    """A row of the list and who or what it is about."""

    notification: Notification
    summary: Summary | None


@dataclass(frozen=True)
class Group:
    """Rows of one kind that follow each other in the list (newest first)."""

    label: str
    entries: list[Entry]

    @property
    def folded(self) -> bool:
        return len(self.entries) >= GROUP_FROM

    @property
    def unread(self) -> int:
        return sum(1 for entry in self.entries if entry.notification.read_at is None)

    @property
    def names(self) -> list[str]:
        """What the first rows are about, each once, for the folded group's heading."""
        subjects = dict.fromkeys(e.summary.subject for e in self.entries if e.summary)
        return list(subjects)[:GROUP_NAMES]

    @property
    def more(self) -> int:
        subjects = {e.summary.subject for e in self.entries if e.summary}
        return max(0, len(subjects) - GROUP_NAMES)


def _entries(user: User, rows: Sequence[Notification]) -> list[Entry]:
    subjects = subjects_for(user, rows)
    return [Entry(row, summarise(row, subjects)) for row in rows]


def _groups(entries: list[Entry]) -> list[Group]:
    return [
        Group(label=str(Kind(kind).label), entries=list(run))
        for kind, run in itertools.groupby(entries, key=lambda e: e.notification.kind)
    ]


@require_GET
def notification_list(request: AuthedRequest) -> HttpResponse:
    rows = Notification.objects.for_user(request.user)
    page = Paginator(rows.only("pk", "kind", "payload", "due_at", "read_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return TemplateResponse(
        request,
        "notifications/notification_list.html",
        {
            "page": page,
            "groups": _groups(_entries(request.user, list(page))),
            "unread": rows.unread().count(),
        },
    )


@require_POST
def notification_open(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go to what it is about."""
    notification = notification_for(request.user, pk)
    notifications_mark_read(user=request.user, notification_id=notification.pk)
    message = compose(notification)
    return redirect(message.url if message and message.url else "notifications:list")


@require_POST
def notification_mark_read(request: AuthedRequest, pk: int) -> HttpResponse:
    notification = notification_for(request.user, pk)
    notifications_mark_read(user=request.user, notification_id=notification.pk)
    if request.htmx:
        notification.refresh_from_db()
        (entry,) = _entries(request.user, [notification])
        return TemplateResponse(
            request,
            "notifications/notification_list.html#notification",
            # In a folded group the heading names the kind; the row then does not.
            {"entry": entry, "in_group": request.POST.get("in_group") == "1"},
        )
    return redirect("notifications:list")


@require_POST
def notification_mark_all_read(request: AuthedRequest) -> HttpResponse:
    notifications_mark_read(user=request.user)
    return redirect("notifications:list")


def _preferences(request: AnyRequest, user: User, *, via_link: bool) -> HttpResponse:
    form = PreferencesForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            preferences_save(user=user, choices=form.cleaned_data)
            messages.success(request, _("Your choices have been saved."))
            response = redirect(request.path)
            if via_link:
                # See Other: back to the same link (a 302 here would read as "log in").
                response.status_code = 303
            return response
        status = 422
    else:
        status = 200
    return TemplateResponse(
        request,
        "notifications/preferences.html",
        {"form": form, "via_link": via_link, "person": user},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request: AuthedRequest) -> HttpResponse:
    return _preferences(request, request.user, via_link=False)


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def preferences_link(request: AnyRequest, token: str) -> HttpResponse:
    """The link in every e-mail: change one's choices without logging in."""
    user_pk = parse_preferences_token(token)
    user = User.objects.filter(pk=user_pk, is_active=True).first() if user_pk else None
    if user is None:
        return TemplateResponse(
            request, "notifications/preferences.html", {"invalid": True}, status=404
        )
    return _preferences(request, user, via_link=True)


@require_http_methods(["GET", "POST"])
def report_list(request: AuthedRequest, pk: int) -> HttpResponse:
    environment = environment_for(request.user, pk, manage=True)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            report = report_request(
                environment=environment,
                requested_by=request.user,
                start=form.cleaned_data["period_start"],
                end=form.cleaned_data["period_end"],
            )
            return redirect(report)
        status = 422
    reports = Report.objects.filter(environment=environment).select_related("requested_by")
    return TemplateResponse(
        request,
        "notifications/report_list.html",
        {"environment": environment, "form": form, "reports": reports[:50]},
        status=status,
    )


@never_cache
@require_GET
def report_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    report = report_for(request.user, pk)
    template = "notifications/report_detail.html"
    if request.htmx:
        template += "#report-progress"
    return TemplateResponse(request, template, {"report": report})


@never_cache
@require_GET
def report_download(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    report = report_for(request.user, pk)
    if report.state != ReportState.DONE or report.is_expired:
        raise Http404
    if fmt == "pdf":
        content, content_type = report.pdf, "application/pdf"
    elif fmt == "xlsx":
        content = report.xlsx
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(bytes(content or b""), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename_stem}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
