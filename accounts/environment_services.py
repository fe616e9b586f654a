"""What a coordinator changes in their environment's settings: its profile, its partner
organisations, the programmes taking part and the target mix.

Each service records its changes in the audit trail and forgets what shows them:
the environment's name and year are in every member's navigation and on the
supervisors' home pages. A programme takes part when the environment has a target row
for it (``ProgrammeTarget``, its number may be empty); its institute becomes a partner
as it is added.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.audit import audit_before, audit_deleted, audit_saved
from accounts.navigation import navigation_forget
from environments.models import (
    Domain,
    DomainTarget,
    LearningEnvironment,
    Organisation,
    OrganisationKind,
    Partnership,
    Programme,
    ProgrammeTarget,
)
from ulvo.lib.home_tokens import home_forget_supervisors


class StillInUse(Exception):
    """A partner or programme that people or placements still belong to; the message
    says which, for the coordinator."""


@transaction.atomic
def environment_profile_save(*, environment: LearningEnvironment) -> LearningEnvironment:
    """Save the profile as the form left it."""
    before = audit_before(environment)
    environment.save()
    audit_saved(environment, before=before)
    if before is None or (before.name, before.school_year) != (
        environment.name,
        environment.school_year,
    ):
        members = list(environment.memberships.values_list("user_id", flat=True).distinct())
        navigation_forget(*members)
        home_forget_supervisors(members)
    return environment


@transaction.atomic
def partner_add(*, environment: LearningEnvironment, organisation: Organisation) -> Partnership:
    """Link an organisation of the environment's region (again: nothing changes)."""
    if organisation.region_id != environment.region_id:
        raise ValueError("The organisation belongs to another region.")
    partnership, created = Partnership.objects.get_or_create(
        learningenvironment=environment, organisation=organisation
    )
    if created:
        audit_saved(partnership, before=None)
    return partnership


@transaction.atomic
def organisation_create(
    *, environment: LearningEnvironment, organisation: Organisation
) -> Organisation:
    """A new organisation of the environment's region, at once a partner of it."""
    organisation.region_id = environment.region_id
    organisation.save()
    audit_saved(organisation, before=None)
    partner_add(environment=environment, organisation=organisation)
    return organisation


def _partner_in_use(environment: LearningEnvironment, organisation: Organisation) -> str | None:
    if environment.memberships.filter(is_active=True, organisation=organisation).exists():
        return _("People of the environment still belong to %(name)s.")
    if environment.placements.filter(
        Q(school=organisation) | Q(neighbourhood_organisation=organisation)
    ).exists():
        return _("Placements of the environment still take place at %(name)s.")
    if organisation.kind == OrganisationKind.INSTITUTE:
        programmes = Programme.objects.filter(institute=organisation)
        if environment.programme_targets.filter(programme__in=programmes).exists():
            return _("Programmes of %(name)s still take part: remove them first.")
        if environment.memberships.filter(is_active=True, programme__in=programmes).exists():
            return _("Students of %(name)s still belong to the environment.")
    if environment.networks.filter(sessions__location=organisation).exists():
        return _("Sessions of the environment still take place at %(name)s.")
    return None


@transaction.atomic
def partner_remove(*, environment: LearningEnvironment, organisation: Organisation) -> None:
    """Unlink a partner nobody and nothing of the environment belongs to any more.

    Raises :class:`StillInUse` otherwise; the organisation itself stays in the region.
    """
    partnership = (
        Partnership.objects.select_for_update()
        .filter(learningenvironment=environment, organisation=organisation)
        .first()
    )
    if partnership is None:
        return
    reason = _partner_in_use(environment, organisation)
    if reason is not None:
        raise StillInUse(reason % {"name": organisation.name})
    audit_deleted(partnership)
    partnership.delete()


@transaction.atomic
def programme_add(*, environment: LearningEnvironment, programme: Programme) -> ProgrammeTarget:
    """The programme takes part, without a target number yet; its institute becomes
    a partner if it was not."""
    institute = programme.institute
    if institute.region_id != environment.region_id:
        raise ValueError("The programme belongs to an institute of another region.")
    target, created = ProgrammeTarget.objects.get_or_create(
        environment=environment, programme=programme
    )
    if created:
        audit_saved(target, before=None)
    partner_add(environment=environment, organisation=institute)
    return target


@transaction.atomic
def programme_remove(*, environment: LearningEnvironment, programme: Programme) -> None:
    """The programme no longer takes part. Raises :class:`StillInUse` while students
    of it belong to the environment or have placements in it."""
    target = (
        ProgrammeTarget.objects.select_for_update()
        .filter(environment=environment, programme=programme)
        .first()
    )
    if target is None:
        return
    if environment.memberships.filter(is_active=True, programme=programme).exists():
        raise StillInUse(
            _("Students of %(name)s still belong to the environment.") % {"name": programme.name}
        )
    if environment.placements.filter(programme=programme).exists():
        raise StillInUse(
            _("Placements of %(name)s are still in the environment.") % {"name": programme.name}
        )
    audit_deleted(target)
    target.delete()


@transaction.atomic
def targets_save(
    *,
    environment: LearningEnvironment,
    programmes: dict[int, int | None],
    domains: dict[str, int | None],
) -> None:
    """Set the target mix: students per programme taking part (``None``: no number)
    and per domain (``None``: no target, the row goes). Programmes that do not take
    part are ignored."""
    for target in ProgrammeTarget.objects.select_for_update().filter(
        environment=environment, programme_id__in=list(programmes)
    ):
        number = programmes[target.programme_id]
        if target.students == number:
            continue
        stored = audit_before(target)
        target.students = number
        target.save(update_fields=["students"])
        audit_saved(target, before=stored)
    existing = {
        target.domain: target
        for target in DomainTarget.objects.select_for_update().filter(environment=environment)
    }
    for domain, number in domains.items():
        Domain(domain)  # only the known domains
        found = existing.get(domain)
        if number is None:
            if found is not None:
                audit_deleted(found)
                found.delete()
        elif found is None:
            created = DomainTarget.objects.create(
                environment=environment, domain=domain, students=number
            )
            audit_saved(created, before=None)
        elif found.students != number:
            before = audit_before(found)
            found.students = number
            found.save(update_fields=["students"])
            audit_saved(found, before=before)
