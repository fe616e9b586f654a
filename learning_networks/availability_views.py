"""The unavailability page: everyone's own dates and weekly blocks on which they cannot
come to sessions, and, for professionals, the days they work in each environment.

Only the owner ever sees the entries and their reasons: the page lists the user's own,
removing one is the owner's alone (anyone else's is a 404), and the date finder only
learns that someone cannot come.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Membership, Role, User
from environments.access import environment_for
from environments.models import LearningEnvironment
from learning_networks.availability_forms import OnceForm, WeeklyForm, WorkingDaysForm, describe
from learning_networks.availability_services import (
    unavailability_add,
    unavailability_remove,
    working_days_set,
)
from learning_networks.models import Unavailability, UnavailabilityKind, WorkingDays
from placements.models import mask_to_weekdays
from ulvo.lib.http import AuthedRequest

TEMPLATE = "learning_networks/unavailability.html"


def unavailability_for(user: User, pk: int) -> Unavailability:
    """One of the user's own unavailabilities; anyone else's does not exist for them."""
    unavailability = Unavailability.objects.filter(pk=pk, user=user).first()
    if unavailability is None:
        raise Http404
    return unavailability


@dataclass
class Workplace:
    """An environment where someone works, with the form for their working days there."""

    environment: LearningEnvironment
    organisation: str
    form: WorkingDaysForm
    declared: bool


def _prefix(environment_id: int) -> str:
    return f"working-{environment_id}"


def _workplaces(user: User, bound: WorkingDaysForm | None = None) -> list[Workplace]:
    """The environments where the user is active as a professional, in two queries."""
    saved = {
        working.environment_id: working.weekdays
        for working in WorkingDays.objects.filter(user=user)
    }
    places: dict[int, Workplace] = {}
    for membership in (
        Membership.objects.filter(user=user, is_active=True)
        .filter(~Q(role=Role.STUDENT))
        .select_related("environment", "organisation")
        .order_by("environment__name", "pk")
    ):
        environment = membership.environment
        if environment.pk in places:
            continue
        prefix = _prefix(environment.pk)
        if bound is not None and bound.prefix == prefix:
            form = bound
        else:
            mask = saved.get(environment.pk)
            days = mask_to_weekdays(mask) if mask is not None else [1, 2, 3, 4, 5]
            form = WorkingDaysForm(prefix=prefix, initial={"days": [str(day) for day in days]})
        places[environment.pk] = Workplace(
            environment=environment,
            organisation=membership.organisation.name if membership.organisation else "",
            form=form,
            declared=environment.pk in saved,
        )
    return list(places.values())


def _page(
    request: AuthedRequest,
    *,
    once_form: OnceForm | None = None,
    weekly_form: WeeklyForm | None = None,
    working_form: WorkingDaysForm | None = None,
    status: int = 200,
) -> TemplateResponse:
    user = request.user
    now = timezone.now()
    today = timezone.localdate()
    entries = list(
        Unavailability.objects.filter(user=user).filter(
            Q(kind=UnavailabilityKind.ONCE, ends_at__gt=now)
            | Q(kind=UnavailabilityKind.WEEKLY)
            & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        )
    )
    context: dict[str, Any] = {
        "dates": sorted(
            (entry for entry in entries if not entry.is_weekly), key=lambda e: e.starts_at
        ),
        "weekly": sorted(
            (entry for entry in entries if entry.is_weekly),
            key=lambda e: (e.weekday, e.starts_time is not None, e.starts_time, e.pk),
        ),
        "once_form": once_form or OnceForm(user=user),
        "weekly_form": weekly_form or WeeklyForm(user=user),
        "workplaces": _workplaces(user, working_form),
    }
    return TemplateResponse(request, TEMPLATE, context, status=status)


@require_http_methods(["GET", "POST"])
def unavailability(request: AuthedRequest) -> HttpResponse:
    """The page; a POST adds a date (``kind=once``) or a weekly block (``kind=weekly``)."""
    if request.method != "POST":
        return _page(request)
    kind = request.POST.get("kind")
    form: OnceForm | WeeklyForm
    if kind == UnavailabilityKind.WEEKLY:
        form = WeeklyForm(request.POST, user=request.user)
    else:
        form = OnceForm(request.POST, user=request.user)
    if not form.is_valid():
        if isinstance(form, WeeklyForm):
            return _page(request, weekly_form=form, status=422)
        return _page(request, once_form=form, status=422)
    added = unavailability_add(unavailability=form.unavailability(), user=request.user)
    messages.success(request, _("Added: %(when)s.") % {"when": describe(added)})
    return redirect("learning_networks:unavailability")


@require_POST
def unavailability_remove_view(request: AuthedRequest, pk: int) -> HttpResponse:
    unavailability = unavailability_for(request.user, pk)
    when = describe(unavailability)
    unavailability_remove(unavailability=unavailability)
    messages.success(request, _("Removed: %(when)s.") % {"when": when})
    return redirect("learning_networks:unavailability")


@require_POST
def working_days(request: AuthedRequest, pk: int) -> HttpResponse:
    """Save the days the user works in an environment where they are a professional."""
    environment = environment_for(request.user, pk)
    if not (
        Membership.objects.filter(user=request.user, environment=environment, is_active=True)
        .exclude(role=Role.STUDENT)
        .exists()
    ):
        raise PermissionDenied
    form = WorkingDaysForm(request.POST, prefix=_prefix(environment.pk))
    if not form.is_valid():
        return _page(request, working_form=form, status=422)
    working_days_set(user=request.user, environment=environment, weekdays=form.cleaned_data["days"])
    messages.success(
        request,
        _("Saved the days you work in %(environment)s.") % {"environment": environment.name},
    )
    return redirect("learning_networks:unavailability")
