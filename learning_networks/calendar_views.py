"""Calendars: a user's private iCalendar feed, its settings page, and an environment's agenda."""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from accounts.models import Membership
from environments.access import environment_for
from learning_networks.calendar import sessions_to_ical
from learning_networks.models import (
    Attendance,
    CalendarFeed,
    LearningNetwork,
    NetworkSession,
    SessionStatus,
    guest_of,
    hash_token,
)
from learning_networks.services import calendar_feed_renew, calendar_feed_revoke
from ulvo.lib.dates import DateInput, PlausibleDateField
from ulvo.lib.http import AnyRequest, AuthedRequest

# The feed reaches back far enough for recent sessions and a year ahead.
FEED_PAST = datetime.timedelta(days=60)
FEED_FUTURE = datetime.timedelta(days=366)
# Tokens are 43 characters; anything much longer is not worth hashing.
TOKEN_MAX_LENGTH = 100
# The plain token, kept in the session between the POST and the page that shows it once.
NEW_TOKEN_KEY = "learning_networks.calendar_token"

AGENDA_DEFAULT = datetime.timedelta(weeks=8)
AGENDA_MAX = datetime.timedelta(days=366)


def feed_url(token: str) -> str:
    return settings.ULVO_BASE_URL + reverse("learning_networks:calendar_feed", args=[token])


def feed_sessions(user_id: int, now: datetime.datetime) -> list[NetworkSession]:
    """The sessions in a user's feed: invited (while still in the network, or still a
    guest of the session) or facilitating, not drafts, in environments the user still
    belongs to. One query, whatever the number of sessions."""
    facilitated = NetworkSession.facilitators.through.objects.filter(user_id=user_id).values(
        "networksession_id"
    )
    # An invitation counts only while the person is still in the session's network or
    # still its guest (in person or with their organisation).
    invited = Attendance.objects.filter(
        Q(session__network__memberships__user_id=user_id)
        | Q(session__in=NetworkSession.objects.filter(guest_of(user_id))),
        user_id=user_id,
    ).values("session_id")
    environments = Membership.objects.filter(user_id=user_id, is_active=True).values(
        "environment_id"
    )
    return list(
        NetworkSession.objects.filter(Q(pk__in=invited) | Q(pk__in=facilitated))
        .filter(
            network__environment__in=environments,
            starts_at__gte=now - FEED_PAST,
            starts_at__lte=now + FEED_FUTURE,
        )
        .exclude(status=SessionStatus.DRAFT)
        .select_related("network", "location")
        .order_by("starts_at", "pk")
    )


@login_not_required
@require_safe
def calendar_feed(request: AnyRequest, token: str) -> HttpResponse:
    """A user's private iCalendar feed. Public by design: the token in the URL is the
    credential, so a calendar app can subscribe without logging in.

    Unknown, tampered and revoked tokens all get the same bare 404. HEAD is
    answered too, as some calendar apps check a link with it; nothing else.
    """
    feed = None
    if len(token) <= TOKEN_MAX_LENGTH:
        feed = (
            CalendarFeed.objects.select_related("user")
            .filter(token_hash=hash_token(token), user__is_active=True)
            .first()
        )
    if feed is None:
        raise Http404
    user = feed.user
    with translation.override(user.language):
        body = sessions_to_ical(
            feed_sessions(user.pk, timezone.now()),
            base_url=settings.ULVO_BASE_URL,
            name=_("ULVO sessions"),
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # Personal data behind a bearer URL: no cache may keep a copy, so a revoked link
    # stops working at once. Calendar apps poll on their own schedule and keep
    # their own copy of the events, so caching would save nothing.
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "POST"])
def calendar_settings(request: AuthedRequest) -> HttpResponse:
    """Create, renew or revoke one's private feed link; the new link is shown once."""
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "renew":
            request.session[NEW_TOKEN_KEY] = calendar_feed_renew(user=request.user)
            messages.success(
                request,
                _("Your new calendar link is ready. Any old link no longer works.")
                if feed
                else _("Your calendar link is ready."),
            )
            return redirect("learning_networks:calendar_settings")
        if action == "revoke":
            calendar_feed_revoke(user=request.user)
            request.session.pop(NEW_TOKEN_KEY, None)
            messages.success(request, _("Your calendar link has been switched off."))
            return redirect("learning_networks:calendar_settings")
        return TemplateResponse(
            request,
            "learning_networks/calendar_settings.html",
            {"feed": feed, "error": _("Choose to create or to switch off the link.")},
            status=422,
        )
    new_url = None
    token = request.session.pop(NEW_TOKEN_KEY, None)
    # Show the link only while it is still the current one (not renewed or revoked since).
    if token and feed and hash_token(token) == feed.token_hash:
        new_url = feed_url(token)
    return TemplateResponse(
        request,
        "learning_networks/calendar_settings.html",
        {
            "feed": feed,
            "new_url": new_url,
            "webcal_url": "webcal://" + new_url.split("://", 1)[1] if new_url else None,
        },
    )


class AgendaPeriodForm(forms.Form):
    """The period of the agenda: ?from=YYYY-MM-DD&to=YYYY-MM-DD, both optional."""

    def __init__(self, data: dict[str, str] | None = None) -> None:
        super().__init__(data)
        # "from" is a Python keyword, so the fields are added here rather than declared.
        for name, label in (("from", gettext_lazy("From")), ("to", gettext_lazy("Until"))):
            self.fields[name] = PlausibleDateField(
                label=label,
                required=False,
                widget=DateInput(),
            )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if self.errors:
            return data
        start, end = data.get("from"), data.get("to")
        if end is None:
            if start is None:
                start = timezone.localdate()
            end = start + AGENDA_DEFAULT
        elif start is None:
            start = end - AGENDA_DEFAULT
        if end < start:
            self.add_error("to", _("The end of the period cannot be before its start."))
        elif end - start > AGENDA_MAX:
            self.add_error("to", _("Choose a period of at most a year."))
        data["from"], data["to"] = start, end
        return data


@dataclass
class AgendaItem:
    session: NetworkSession
    overlaps: list[NetworkSession] = field(default_factory=list)
    may_open: bool = False

    @property
    def cancelled(self) -> bool:
        return self.session.status == SessionStatus.CANCELLED


def find_overlaps(items: list[AgendaItem]) -> None:
    """Mark sessions that run at the same time as another; cancelled ones don't count.

    ``items`` are sorted by start, so each session is compared only with the ones
    that start before it ends.
    """
    active = [item for item in items if not item.cancelled]
    for index, item in enumerate(active):
        for other in active[index + 1 :]:
            if other.session.starts_at >= item.session.ends_at:
                break
            item.overlaps.append(other.session)
            other.overlaps.append(item.session)


@dataclass
class AgendaDay:
    date: datetime.date
    items: list[AgendaItem] = field(default_factory=list)


@dataclass
class AgendaWeek:
    start: datetime.date
    days: list[AgendaDay] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.start.isocalendar().week


def group_by_week(items: list[AgendaItem]) -> list[AgendaWeek]:
    """Weeks (Monday first) and, in them, the days that have sessions, in local time."""
    weeks: list[AgendaWeek] = []
    for item in items:
        day = timezone.localtime(item.session.starts_at).date()
        monday = day - datetime.timedelta(days=day.weekday())
        if not weeks or weeks[-1].start != monday:
            weeks.append(AgendaWeek(start=monday))
        week = weeks[-1]
        if not week.days or week.days[-1].date != day:
            week.days.append(AgendaDay(date=day))
        week.days[-1].items.append(item)
    return weeks


@require_GET
def environment_agenda(request: AuthedRequest, pk: int) -> HttpResponse:
    """All sessions of an environment's networks in a period, with overlaps flagged."""
    environment = environment_for(request.user, pk)
    form = AgendaPeriodForm(request.GET or None)
    status = 200
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["from"], form.cleaned_data["to"]
    else:
        start = timezone.localdate()
        end = start + AGENDA_DEFAULT
        if form.is_bound:
            status = 422
    if status == 200:
        # The form shows the period as shown, including a default or completed end.
        form = AgendaPeriodForm({"from": start.isoformat(), "to": end.isoformat()})
        form.is_valid()
    zone = timezone.get_current_timezone()
    period_start = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    period_end = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    sessions = (
        NetworkSession.objects.filter(
            network__environment=environment,
            starts_at__lt=period_end,
            ends_at__gt=period_start,
        )
        .exclude(status=SessionStatus.DRAFT)
        .select_related("network", "location")
        .prefetch_related("facilitators")
        .order_by("starts_at", "pk")
    )
    # Everyone in the environment sees the agenda; only sessions of networks the
    # viewer may open, and those they are a guest of, are linked.
    openable = set(
        LearningNetwork.objects.visible_to(request.user)
        .filter(environment=environment)
        .values_list("pk", flat=True)
    )
    as_guest = set(sessions.filter(guest_of(request.user.pk)).values_list("pk", flat=True))
    items = [
        AgendaItem(
            session=session,
            may_open=session.network_id in openable or session.pk in as_guest,
        )
        for session in sessions
    ]
    find_overlaps(items)
    return TemplateResponse(
        request,
        "learning_networks/environment_agenda.html",
        {
            "environment": environment,
            "form": form,
            "period_start": start,
            "period_end": end,
            "weeks": group_by_week(items),
            "overlap_count": sum(1 for item in items if item.overlaps),
        },
        status=status,
    )
