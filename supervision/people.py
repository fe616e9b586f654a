"""The coordinator's people page (own environment only): who is a member, in which
role, organisation or programme and own domain, since when, and whether active, ended
or invited; a member's page changes their role and domain, ends the membership (saying
first what that ends) or invites an ended member again. The workflows are in
:mod:`supervision.people_services`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib import messages
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import MemberForm
from accounts.models import Invitation, Membership, Role
from environments.access import environment_for
from environments.models import Domain, LearningEnvironment
from supervision.people_services import (
    PeopleError,
    WhatEnds,
    member_change,
    member_end,
    member_reinvite,
    what_ending_ends,
)
from ulvo.lib.http import AuthedRequest

ACTIVE, ENDED, INVITED = "active", "ended", "invited"
STATUS_LABELS = {
    ACTIVE: gettext_lazy("active"),
    ENDED: gettext_lazy("ended"),
    INVITED: gettext_lazy("invited, not yet joined"),
}
ERRORS = {
    "last_coordinator": gettext_lazy(
        "This is the environment's last coordinator. Make someone else coordinator first."
    ),
    "last_core_team_member": gettext_lazy(
        "This person is the last core-team member of %(networks)s. Add someone else to the "
        "core team first."
    ),
    "student_role": gettext_lazy(
        "A student's role cannot be changed here: end the membership and invite them in "
        "the new role."
    ),
    "has_role": gettext_lazy("This person already has that role here."),
    "ended": gettext_lazy("This membership has ended: invite the person again first."),
    "active": gettext_lazy("This person is still a member."),
    "invited": gettext_lazy("An invitation for this role is already waiting."),
}


@dataclass
class PersonRow:
    name: str
    email: str
    role: str
    affiliation: str
    domain: str
    since: datetime
    status: str
    membership_id: int | None = None
    invitation_id: int | None = None
    # The institution a linked SURFconext identity names (schac_home_organization).
    home_organisation: str = ""

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)

    @property
    def domain_label(self) -> str:
        return _domain_label(self.domain)


def _domain_label(value: str) -> str:
    return str(Domain(value).label) if value else ""


def _home_organisation() -> Any:
    """The member's home organisation as their first linked identity names it, within
    the members' query (userinfo first, else the ID token)."""
    identities = SocialAccount.objects.filter(user=OuterRef("user")).order_by("pk")
    return Coalesce(
        Subquery(
            identities.annotate(
                organisation=KT("extra_data__userinfo__schac_home_organization")
            ).values("organisation")[:1]
        ),
        Subquery(
            identities.annotate(
                organisation=KT("extra_data__id_token__schac_home_organization")
            ).values("organisation")[:1]
        ),
        output_field=CharField(),
    )


def people_rows(environment: LearningEnvironment) -> list[PersonRow]:
    """Every member of the environment (active and ended) and every waiting invitation,
    in two queries whatever their number: active first, then invited, then ended."""
    rows: list[PersonRow] = []
    memberships = environment.memberships.select_related(
        "user", "organisation", "programme"
    ).annotate(home_organisation=_home_organisation())
    for membership in memberships:
        rows.append(
            PersonRow(
                name=membership.user.full_name or membership.user.email,
                email=membership.user.email,
                role=membership.role,
                affiliation=str(membership.affiliation or ""),
                domain=membership.effective_domain,
                since=membership.created_at,
                status=ACTIVE if membership.is_active else ENDED,
                membership_id=membership.pk,
                home_organisation=str(membership.home_organisation or "")[:200],
            )
        )
    for invitation in (
        Invitation.objects.pending()
        .filter(environment=environment)
        .select_related("organisation", "programme")
    ):
        affiliation = invitation.programme or invitation.organisation
        domain = invitation.programme.domain if invitation.programme else invitation.domain
        rows.append(
            PersonRow(
                name=invitation.full_name or invitation.email,
                email=invitation.email,
                role=invitation.role,
                affiliation=str(affiliation or ""),
                domain=domain,
                since=invitation.created_at,
                status=INVITED,
                invitation_id=invitation.pk,
            )
        )
    order = {ACTIVE: 0, INVITED: 1, ENDED: 2}
    rows.sort(key=lambda row: (order[row.status], row.name.lower(), row.role))
    return rows


@require_GET
def people_list(request: AuthedRequest, pk: int) -> HttpResponse:
    environment = environment_for(request.user, pk, manage=True)
    rows = people_rows(environment)
    counts = {status: sum(1 for row in rows if row.status == status) for status in STATUS_LABELS}
    return TemplateResponse(
        request,
        "accounts/people.html",
        {
            "environment": environment,
            "rows": rows,
            "counts": [(STATUS_LABELS[status], count) for status, count in counts.items()],
        },
    )


def _member(environment: LearningEnvironment, member_pk: int) -> Membership:
    return get_object_or_404(
        environment.memberships.select_related("user", "organisation", "programme"),
        pk=member_pk,
    )


def _error(error: PeopleError) -> str:
    message = ERRORS[error.code]
    if error.networks:
        return str(message) % {"networks": ", ".join(n.name for n in error.networks)}
    return str(message)


def _member_context(
    request: AuthedRequest,
    environment: LearningEnvironment,
    membership: Membership,
    form: MemberForm | None,
) -> dict[str, Any]:
    ends: WhatEnds = what_ending_ends(membership)
    if form is None and membership.is_active and membership.role != Role.STUDENT:
        form = MemberForm(
            environment=environment,
            initial={
                "role": membership.role,
                "organisation": membership.organisation_id,
                "domain": membership.domain,
            },
        )
    waiting = (
        Invitation.objects.pending()
        .filter(environment=environment, role=membership.role, email__iexact=membership.user.email)
        .first()
    )
    return {
        "environment": environment,
        "membership": membership,
        "domain": _domain_label(membership.effective_domain),
        "form": form,
        "ends": ends,
        "waiting_invitation": waiting,
        "invitation_days": settings.INVITATION_MAX_AGE.days,
        "refusal": (
            _error(PeopleError("last_coordinator"))
            if ends.last_coordinator
            else _error(PeopleError("last_core_team_member", ends.last_core_team_of))
            if ends.last_core_team_of
            else ""
        ),
    }


@require_http_methods(["GET", "POST"])
def member_detail(request: AuthedRequest, pk: int, member_pk: int) -> HttpResponse:
    """A member's page: change a professional's role, organisation and own domain."""
    environment = environment_for(request.user, pk, manage=True)
    membership = _member(environment, member_pk)
    form = None
    status = 200
    if request.method == "POST":
        form = MemberForm(request.POST, environment=environment)
        if form.is_valid():
            data = form.cleaned_data
            organisation = data.get("organisation")
            try:
                ended = member_change(
                    membership=membership,
                    role=data["role"],
                    organisation_id=organisation.pk if organisation else None,
                    domain=data["domain"],
                )
            except PeopleError as error:
                form.add_error(None, _error(error))
            else:
                messages.success(request, _("The changes have been saved."))
                if ended.assignments:
                    messages.info(
                        request,
                        _("Supervision of %(count)s students ended.")
                        % {"count": len(ended.assignments)},
                    )
                return redirect("people:member", pk=environment.pk, member_pk=membership.pk)
        status = 422
    return TemplateResponse(
        request,
        "accounts/people_member.html",
        _member_context(request, environment, membership, form),
        status=status,
    )


@require_POST
def member_end_view(request: AuthedRequest, pk: int, member_pk: int) -> HttpResponse:
    environment = environment_for(request.user, pk, manage=True)
    membership = _member(environment, member_pk)
    try:
        member_end(membership=membership)
    except PeopleError as error:
        messages.error(request, _error(error))
    else:
        messages.success(
            request,
            _("The membership of %(name)s has ended.") % {"name": membership.user.full_name},
        )
    return redirect("people:member", pk=environment.pk, member_pk=membership.pk)


@require_POST
def member_reinvite_view(request: AuthedRequest, pk: int, member_pk: int) -> HttpResponse:
    environment = environment_for(request.user, pk, manage=True)
    membership = _member(environment, member_pk)
    try:
        invitation = member_reinvite(membership=membership, invited_by=request.user)
    except PeopleError as error:
        messages.error(request, _error(error))
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return redirect("people:member", pk=environment.pk, member_pk=membership.pk)
