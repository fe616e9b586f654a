"""The rollover pages (#14, part 5): a coordinator of the environment chooses what to
carry into next school year, sees on a confirmation page what that adds and which
sessions land in a holiday, and starts it; the page then lists the new year and the
sessions still to move. Every page and write asks ``environment_for(..., manage=True)``
first: other members 403, outsiders 404. No JavaScript: two plain forms."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from environments.access import environment_for
from environments.models import LearningEnvironment
from supervision.models import Rollover
from supervision.rollover import (
    RolloverRefused,
    rollover_landings,
    rollover_plan,
    rollover_run,
)
from supervision.rollover_forms import CHOICE_FIELDS, RolloverForm
from ulvo.lib.http import AuthedRequest


def _start_page(
    request: AuthedRequest,
    environment: LearningEnvironment,
    form: RolloverForm,
    *,
    status: int = 200,
) -> TemplateResponse:
    rollovers = list(
        Rollover.objects.filter(source=environment).select_related("target").order_by("pk")
    )
    return TemplateResponse(
        request,
        "supervision/rollover.html",
        {
            "environment": environment,
            "form": form,
            "school_year": form.school_year,
            "rollovers": [(r, rollover_landings(r.target)) for r in rollovers],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def rollover_start(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET: the choices. POST: what they would carry over, to confirm."""
    environment = environment_for(request.user, pk, manage=True)
    if request.method == "GET":
        return _start_page(request, environment, RolloverForm(source=environment))
    form = RolloverForm(request.POST, source=environment)
    if not form.is_valid():
        return _start_page(request, environment, form, status=422)
    plan = rollover_plan(source=environment, name=form.cleaned_data["name"], choices=form.choices)
    return TemplateResponse(
        request,
        "supervision/rollover_confirm.html",
        {
            "environment": environment,
            "form": form,
            "plan": plan,
            "chosen": [name for name in CHOICE_FIELDS if form.cleaned_data[name]],
        },
    )


@require_POST
def rollover_run_view(request: AuthedRequest, pk: int) -> HttpResponse:
    environment = environment_for(request.user, pk, manage=True)
    form = RolloverForm(request.POST, source=environment)
    if form.is_valid():
        try:
            rollover, plan = rollover_run(
                source=environment,
                user=request.user,
                name=form.cleaned_data["name"],
                choices=form.choices,
            )
        except RolloverRefused:
            # Someone made an environment of that name in between.
            form.add_error("name", _("There already is an environment of that name next year."))
        else:
            target = rollover.target
            messages.success(
                request,
                _("%(environment)s is ready: you are its coordinator.") % {"environment": target},
            )
            if plan.in_holidays:
                count = len(plan.in_holidays)
                messages.warning(
                    request,
                    ngettext(
                        "%(count)s session lands in a holiday: move it before you publish it.",
                        "%(count)s sessions land in a holiday: move them before you publish them.",
                        count,
                    )
                    % {"count": count},
                )
            return redirect("rollover:start", pk=environment.pk)
    return _start_page(request, environment, form, status=422)
