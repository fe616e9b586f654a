"""The coordinator's settings of their own environment: profile, partner organisations,
programmes taking part and the target mix. Every page and every write asks
``environment_for(..., manage=True)`` first: other members 403, outsiders 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.environment_forms import (
    EnvironmentProfileForm,
    OrganisationCreateForm,
    PartnerAddForm,
    ProgrammeAddForm,
    TargetsForm,
)
from accounts.environment_services import (
    StillInUse,
    environment_profile_save,
    organisation_create,
    partner_add,
    partner_remove,
    programme_add,
    programme_remove,
    targets_save,
)
from environments.access import environment_for
from environments.models import LearningEnvironment, OrganisationKind, Programme
from ulvo.lib.http import AuthedRequest


@require_http_methods(["GET", "POST"])
def environment_settings(request: AuthedRequest, pk: int) -> HttpResponse:
    """The environment's profile: name, neighbourhood, year, holidays, vision."""
    environment = environment_for(request.user, pk, manage=True)
    form = EnvironmentProfileForm(
        request.POST if request.method == "POST" else None, instance=environment
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            environment_profile_save(environment=form.save(commit=False))
            messages.success(request, _("The environment's profile has been saved."))
            return redirect("accounts:environment_settings", pk=environment.pk)
        status = 422
        # The form changed the instance in place: the page shows the stored name.
        environment.refresh_from_db()
    return TemplateResponse(
        request,
        "accounts/environment_settings.html",
        {"environment": environment, "form": form, "section": "profile"},
        status=status,
    )


def _partners_page(
    request: AuthedRequest,
    environment: LearningEnvironment,
    *,
    add_form: PartnerAddForm | None = None,
    create_form: OrganisationCreateForm | None = None,
    status: int = 200,
) -> TemplateResponse:
    partners = list(environment.organisations.order_by("name"))
    by_kind = [(kind.label, [o for o in partners if o.kind == kind]) for kind in OrganisationKind]
    return TemplateResponse(
        request,
        "accounts/environment_settings_partners.html",
        {
            "environment": environment,
            "section": "partners",
            "partners_by_kind": by_kind,
            "add_form": add_form or PartnerAddForm(environment=environment),
            "create_form": create_form or OrganisationCreateForm(environment=environment),
        },
        status=status,
    )


@require_GET
def environment_partners(request: AuthedRequest, pk: int) -> HttpResponse:
    environment = environment_for(request.user, pk, manage=True)
    return _partners_page(request, environment)


@require_POST
def partner_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    environment = environment_for(request.user, pk, manage=True)
    form = PartnerAddForm(request.POST, environment=environment)
    if not form.is_valid():
        return _partners_page(request, environment, add_form=form, status=422)
    organisation = form.cleaned_data["organisation"]
    partner_add(environment=environment, organisation=organisation)
    messages.success(
        request, _("%(name)s is now a partner of the environment.") % {"name": organisation.name}
    )
    return redirect("accounts:environment_partners", pk=environment.pk)


@require_POST
def partner_create_view(request: AuthedRequest, pk: int) -> HttpResponse:
    environment = environment_for(request.user, pk, manage=True)
    form = OrganisationCreateForm(request.POST, environment=environment)
    if not form.is_valid():
        return _partners_page(request, environment, create_form=form, status=422)
    organisation = organisation_create(
        environment=environment, organisation=form.save(commit=False)
    )
    messages.success(
        request, _("%(name)s is now a partner of the environment.") % {"name": organisation.name}
    )
    return redirect("accounts:environment_partners", pk=environment.pk)


@require_POST
def partner_remove_view(request: AuthedRequest, pk: int, organisation_pk: int) -> HttpResponse:
    environment = environment_for(request.user, pk, manage=True)
    organisation = get_object_or_404(environment.organisations, pk=organisation_pk)
    try:
        partner_remove(environment=environment, organisation=organisation)
    except StillInUse as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("%(name)s is no longer a partner of the environment.") % {"name": organisation.name},
        )
    return redirect("accounts:environment_partners", pk=environment.pk)


def _programmes_page(
    request: AuthedRequest,
    environment: LearningEnvironment,
    *,
    targets_form: TargetsForm | None = None,
    add_form: ProgrammeAddForm | None = None,
    status: int = 200,
) -> TemplateResponse:
    if targets_form is None:
        targets_form = _targets_form(environment)
    return TemplateResponse(
        request,
        "accounts/environment_settings_programmes.html",
        {
            "environment": environment,
            "section": "programmes",
            "targets_form": targets_form,
            "add_form": add_form or ProgrammeAddForm(environment=environment),
        },
        status=status,
    )


def _targets_form(environment: LearningEnvironment, data: Any = None) -> TargetsForm:
    return TargetsForm(
        data,
        programme_targets=environment.programme_targets.select_related(
            "programme__institute"
        ).order_by("programme__domain", "programme__name", "programme__institute__name"),
        domain_targets=environment.domain_targets.all(),
    )


@require_http_methods(["GET", "POST"])
def environment_programmes(request: AuthedRequest, pk: int) -> HttpResponse:
    """The programmes taking part and the target mix, per programme and per domain."""
    environment = environment_for(request.user, pk, manage=True)
    if request.method == "GET":
        return _programmes_page(request, environment)
    form = _targets_form(environment, request.POST)
    if not form.is_valid():
        return _programmes_page(request, environment, targets_form=form, status=422)
    targets_save(
        environment=environment,
        programmes=form.programme_numbers(),
        domains=form.domain_numbers(),
    )
    messages.success(request, _("The target mix has been saved."))
    return redirect("accounts:environment_programmes", pk=environment.pk)


@require_POST
def programme_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    environment = environment_for(request.user, pk, manage=True)
    form = ProgrammeAddForm(request.POST, environment=environment)
    if not form.is_valid():
        return _programmes_page(request, environment, add_form=form, status=422)
    programme = form.cleaned_data["programme"]
    programme_add(environment=environment, programme=programme)
    messages.success(
        request, _("%(name)s now takes part in the environment.") % {"name": programme.name}
    )
    return redirect("accounts:environment_programmes", pk=environment.pk)


@require_POST
def programme_remove_view(request: AuthedRequest, pk: int, programme_pk: int) -> HttpResponse:
    environment = environment_for(request.user, pk, manage=True)
    programme = get_object_or_404(
        Programme.objects.filter(pk__in=environment.programme_targets.values("programme_id")),
        pk=programme_pk,
    )
    try:
        programme_remove(environment=environment, programme=programme)
    except StillInUse as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("%(name)s no longer takes part in the environment.") % {"name": programme.name},
        )
    return redirect("accounts:environment_programmes", pk=environment.pk)
