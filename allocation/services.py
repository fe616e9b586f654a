"""Workflows of the allocation: applications, pins and bans, running the solver on a
round, confirming its proposal into placements, and the compliance gate.

A confirmed proposal becomes placements with their supervision assignments through
the placements services (``placement_save``, which audits and keeps the one-signer
rule), in one transaction: all of them or none.

The compliance gate lives here, not in ``placements`` (which may not import this
app): a placement made from a proposal starts as *planned*, and
:func:`placement_activate` is the one way this app makes it active, refusing while a
required item is open.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import Membership, Role, User, guessed_domain
from allocation import solver
from allocation.models import (
    ALL_WEEKDAYS,
    Application,
    ApplicationRound,
    ComplianceItem,
    ComplianceRequirement,
    ComplianceStatus,
    Decision,
    DecisionKind,
    HostPlace,
    HostProfile,
    Preference,
    Proposal,
    ProposalStatus,
    ProposedPlacement,
    SbbRecognition,
    SupervisorCapacity,
    TrainingPartnership,
)
from allocation.tasks import solve_proposal
from environments.models import (
    DomainTarget,
    LearningEnvironment,
    Organisation,
    OrganisationKind,
    ProgrammeTarget,
)
from placements.models import (
    Placement,
    PlacementStatus,
    SupervisionRole,
    mask_to_weekdays,
    weekdays_to_mask,
)
from placements.services import placement_save

# A placement's hours per week until the coordinator says otherwise.
DEFAULT_HOURS_PER_WEEK = Decimal(16)
SOLVER_TIME_LIMIT = 50.0


class AllocationError(Exception):
    """A step that cannot be taken; the code is for the view's message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def round_hosts(round: ApplicationRound) -> list[Organisation]:
    """The hosts of a round: the environment's schools and neighbourhood organisations."""
    return list(
        round.environment.organisations.filter(
            kind__in=[OrganisationKind.SCHOOL, OrganisationKind.NEIGHBOURHOOD]
        ).order_by("name", "pk")
    )


def _student_membership(round: ApplicationRound, student: User) -> Membership | None:
    return (
        Membership.objects.select_related("programme")
        .filter(user=student, environment=round.environment, role=Role.STUDENT, is_active=True)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def application_submit(
    *,
    round: ApplicationRound,
    student: User,
    hosts: Sequence[Organisation],
    weekdays: Sequence[int],
    class_days: Sequence[int],
    crebo: str = "",
    today: datetime.date | None = None,
) -> Application:
    """Create or change a student's application while the round is open. ``hosts``
    in order of preference (empty: no preference). A changed programme or weekdays
    need the institute supervisor's confirmation again."""
    today = today or timezone.localdate()
    if not round.is_open(today):
        raise AllocationError("closed")
    membership = _student_membership(round, student)
    if membership is None or membership.programme is None:
        raise AllocationError("not_a_student")
    allowed = {h.pk for h in round_hosts(round)}
    if any(h.pk not in allowed for h in hosts):
        raise AllocationError("unknown_host")
    if len({h.pk for h in hosts}) != len(hosts):
        raise AllocationError("duplicate_host")
    if len(hosts) > solver.MAX_PREFERENCES:
        raise AllocationError("too_many")
    application = (
        Application.objects.select_for_update().filter(round=round, student=student).first()
    )
    fields = {
        "programme": membership.programme,
        "weekdays": weekdays_to_mask(weekdays),
        "class_days": weekdays_to_mask(class_days),
        "crebo": crebo,
        "no_preference": not hosts,
    }
    if application is None:
        application = Application.objects.create(round=round, student=student, **fields)
    else:
        if (application.programme_id, application.weekdays, application.class_days) != (
            membership.programme.pk,
            fields["weekdays"],
            fields["class_days"],
        ):
            application.confirmed_by = None
            application.confirmed_at = None
        for name, value in fields.items():
            setattr(application, name, value)
        application.save()
        application.preferences.all().delete()
    Preference.objects.bulk_create(
        Preference(application=application, rank=i + 1, host=host) for i, host in enumerate(hosts)
    )
    return application


@transaction.atomic
def application_confirm(*, application: Application, supervisor: User) -> Application:
    """The institute supervisor confirms the student's programme and level."""
    application.confirmed_by = supervisor
    application.confirmed_at = timezone.now()
    application.save(update_fields=["confirmed_by", "confirmed_at"])
    return application


@transaction.atomic
def decision_set(*, application: Application, host: Organisation, kind: str) -> None:
    """Pin a student to a host, forbid a host, or (kind "") take the decision back."""
    if host.pk not in {h.pk for h in round_hosts(application.round)}:
        raise AllocationError("unknown_host")
    Decision.objects.filter(application=application, host=host).delete()
    if kind == DecisionKind.PIN:
        # One pin per student: the new one replaces the old.
        Decision.objects.filter(application=application, kind=DecisionKind.PIN).delete()
    if kind in DecisionKind.values:
        Decision.objects.create(application=application, host=host, kind=kind)


def _supervisor_domains(
    environment: LearningEnvironment, capacities: Sequence[SupervisorCapacity]
) -> dict[int, str]:
    """Each supervisor's own domain in the environment: recorded on the membership,
    else as their organisation suggests."""
    memberships = Membership.objects.select_related("organisation").filter(
        environment=environment,
        user_id__in={c.supervisor_id for c in capacities},
        role__in=[Role.PRACTICE_SUPERVISOR, Role.SCHOOL_TRAINER],
        is_active=True,
    )
    domains: dict[int, str] = {}
    for membership in memberships.order_by("pk"):
        domain = membership.domain or guessed_domain(membership.organisation)
        if domain and membership.user_id not in domains:
            domains[membership.user_id] = domain
    return domains


def round_instance(round: ApplicationRound) -> solver.Instance:
    """The solver's input for a round: its hosts, their places and supervisors in the
    round's school year, its confirmed applications, the environment's targets, the
    coordinator's pins and bans."""
    environment = round.environment
    hosts = round_hosts(round)
    host_ids = [h.pk for h in hosts]
    profiles = {p.organisation_id: p for p in HostProfile.objects.filter(organisation__in=hosts)}
    recognitions: dict[int, set[str]] = defaultdict(set)
    for recognition in SbbRecognition.objects.filter(organisation__in=hosts):
        if recognition.valid_on(round.starts_on):
            recognitions[recognition.organisation_id].add(recognition.crebo)
    training: dict[int, set[int]] = defaultdict(set)
    for school_id, partnership_id in TrainingPartnership.schools.through.objects.filter(
        organisation_id__in=host_ids
    ).values_list("organisation_id", "trainingpartnership_id"):
        training[school_id].add(partnership_id)
    institute_partnerships: dict[int, set[int]] = defaultdict(set)
    for institute_id, partnership_id in TrainingPartnership.institutes.through.objects.values_list(
        "organisation_id", "trainingpartnership_id"
    ):
        institute_partnerships[institute_id].add(partnership_id)
    solver_hosts = tuple(
        solver.Host(
            id=h.pk,
            name=h.name,
            environment=environment.pk,
            weekdays=frozenset(
                mask_to_weekdays(profiles[h.pk].weekdays if h.pk in profiles else ALL_WEEKDAYS)
            ),
            recognitions=frozenset(recognitions[h.pk]),
            training_school_of=frozenset(training[h.pk]),
            min_domains=profiles[h.pk].min_domains if h.pk in profiles else 0,
        )
        for h in hosts
    )
    places = tuple(
        solver.Place(
            id=p.pk,
            host=p.organisation_id,
            capacity=p.capacity,
            programme=p.programme_id,
            level=p.level or None,
            domain=p.domain or None,
        )
        for p in HostPlace.objects.filter(organisation__in=hosts, school_year=round.school_year)
    )
    capacities = list(
        SupervisorCapacity.objects.select_related("supervisor").filter(
            organisation__in=hosts, school_year=round.school_year
        )
    )
    domains = _supervisor_domains(environment, capacities)
    supervisors = tuple(
        solver.Supervisor(
            id=c.pk,
            name=c.supervisor.full_name or c.supervisor.email,
            organisation=c.organisation_id,
            environment=environment.pk,
            domain=domains[c.supervisor_id],
            capacity=c.capacity,
        )
        for c in capacities
        if c.supervisor_id in domains
    )
    applications = list(
        round.applications.select_related("programme", "student")
        .prefetch_related("preferences")
        .filter(confirmed_at__isnull=False)
    )
    applicants = []
    for a in applications:
        programme = a.programme
        # Teacher training goes to the training schools of the institute's partnership.
        partnerships = (
            frozenset(institute_partnerships[programme.institute_id])
            if programme.domain == "educational" and programme.level != "mbo"
            else frozenset()
        )
        applicants.append(
            solver.Applicant(
                id=a.pk,
                name=a.student.full_name,
                environment=environment.pk,
                programme=programme.pk,
                level=programme.level,
                domain=programme.domain,
                weekdays=frozenset(mask_to_weekdays(a.weekdays)),
                class_days=frozenset(mask_to_weekdays(a.class_days)),
                preferences=tuple(p.host_id for p in a.preferences.all()),
                crebo=a.crebo if programme.level == "mbo" else "",
                partnerships=partnerships,
            )
        )
    targets = [
        solver.Target(environment.pk, t.students, programme=t.programme_id)
        for t in ProgrammeTarget.objects.filter(environment=environment, students__isnull=False)
        if t.students
    ] + [
        solver.Target(environment.pk, t.students, domain=t.domain)
        for t in DomainTarget.objects.filter(environment=environment)
        if t.students
    ]
    decisions = Decision.objects.filter(application__in=applications)
    return solver.Instance(
        hosts=solver_hosts,
        places=places,
        supervisors=supervisors,
        applicants=tuple(applicants),
        targets=tuple(targets),
        pins=frozenset((d.application_id, d.host_id) for d in decisions if d.kind == "pin"),
        forbids=frozenset((d.application_id, d.host_id) for d in decisions if d.kind == "forbid"),
        programme_names={a.programme_id: a.programme.name for a in applications},
        organisation_names=dict(
            Organisation.objects.filter(pk__in={c.organisation_id for c in capacities}).values_list(
                "pk", "name"
            )
        ),
    )


@transaction.atomic
def proposal_start(*, round: ApplicationRound, user: User) -> Proposal:
    """A new proposal, solved in the background (``allocation.tasks.solve_proposal``)."""
    proposal = Proposal.objects.create(round=round, created_by=user)
    solve_proposal.delay_on_commit(proposal.pk)
    return proposal


def _reason_json(reason: solver.Reason) -> dict[str, Any]:
    # A supervisor's name is not kept in the reasons: the item names its supervisor.
    return {"code": reason.code, **{k: v for k, v in reason.params.items() if k != "supervisor"}}


def proposal_solve(*, proposal_id: int) -> Proposal | None:
    """Run the solver for a proposal, storing its progress as it goes and its result
    at the end, in one transaction (a proposal is ready whole or not at all)."""
    proposal = Proposal.objects.select_related("round__environment").filter(pk=proposal_id).first()
    if proposal is None or proposal.status != ProposalStatus.RUNNING:
        return proposal
    instance = round_instance(proposal.round)

    def progress(done: int, total: int) -> None:
        Proposal.objects.filter(pk=proposal.pk).update(progress=done, total=total + 1)

    result = solver.solve(instance, time_limit=SOLVER_TIME_LIMIT, progress=progress)
    capacities = {
        c.pk: c.supervisor_id
        for c in SupervisorCapacity.objects.filter(
            pk__in={a.supervisor for a in result.assignments}
        )
    }
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != ProposalStatus.RUNNING:
            return locked
        ProposedPlacement.objects.bulk_create(
            ProposedPlacement(
                proposal=locked,
                application_id=a.applicant,
                host_id=a.host,
                supervisor_id=capacities.get(a.supervisor) if a.supervisor else None,
                rank=a.rank,
                reasons=[_reason_json(r) for r in a.reasons],
            )
            for a in result.assignments
        )
        locked.targets = [
            {
                "programme": t.programme,
                "domain": t.domain,
                "host": t.host,
                "minimum": t.minimum,
                "achieved": t.achieved,
                "reasons": [_reason_json(r) for r in t.reasons],
            }
            for t in result.targets
        ]
        locked.unassigned = [
            {"application": u.applicant, "reasons": [_reason_json(r) for r in u.reasons]}
            for u in result.unassigned
        ]
        locked.optimal = result.optimal
        locked.gap = result.gap
        locked.status = ProposalStatus.READY
        locked.progress = locked.total
        locked.finished_at = timezone.now()
        locked.save()
        # An older proposal waiting for confirmation is replaced by this one.
        Proposal.objects.filter(round=locked.round, status=ProposalStatus.READY).exclude(
            pk=locked.pk
        ).update(status=ProposalStatus.SUPERSEDED)
    return locked


def proposal_fail(*, proposal_id: int) -> None:
    Proposal.objects.filter(pk=proposal_id, status=ProposalStatus.RUNNING).update(
        status=ProposalStatus.FAILED, finished_at=timezone.now()
    )


@transaction.atomic
def proposal_confirm(*, proposal: Proposal, user: User) -> list[Placement]:
    """Every proposed placement becomes a planned placement with its practice
    supervisor (who signs off hours); all of it or, on any refusal, nothing.

    Telling the students and hosts through the outbox waits for its two kinds of
    message in ``notifications.models.Kind`` (with that app's migration and tests).
    """
    locked = (
        Proposal.objects.select_for_update()
        .select_related("round__environment")
        .get(pk=proposal.pk)
    )
    if locked.status != ProposalStatus.READY:
        raise AllocationError("not_ready")
    round = locked.round
    items = list(
        locked.items.select_related(
            "application__student", "application__programme", "host", "supervisor"
        ).order_by("pk")
    )
    overlapping = Placement.objects.filter(
        environment=round.environment,
        student_id__in=[i.application.student_id for i in items],
        start_date__lte=round.ends_on,
        end_date__gte=round.starts_on,
    ).exclude(status=PlacementStatus.CANCELLED)
    if overlapping.exists():
        raise AllocationError("overlap", count=overlapping.count())
    profiles = {
        p.organisation_id: p.weekdays
        for p in HostProfile.objects.filter(organisation__in=[i.host_id for i in items])
    }
    placements = []
    for item in items:
        application = item.application
        host = item.host
        days = (
            application.weekdays & ~application.class_days & profiles.get(host.pk, ALL_WEEKDAYS)
        ) or application.weekdays
        placement = Placement(
            student=application.student,
            programme=application.programme,
            environment=round.environment,
            school=host if host.kind == OrganisationKind.SCHOOL else None,
            neighbourhood_organisation=host
            if host.kind == OrganisationKind.NEIGHBOURHOOD
            else None,
            start_date=round.starts_on,
            end_date=round.ends_on,
            weekdays_on_site=days,
            institute_days=application.class_days,
            hours_per_week=DEFAULT_HOURS_PER_WEEK,
            status=PlacementStatus.PLANNED,
        )
        signoff = None
        if item.supervisor is not None:
            signoff = {
                "supervisor": item.supervisor,
                "name": "",
                "email": "",
                "domain": application.programme.domain,
                "role": SupervisionRole.PRACTICE,
            }
        placement_save(placement=placement, signoff=signoff)
        for requirement in ComplianceRequirement.objects.filter(
            Q(programme__isnull=True) | Q(programme=application.programme),
            environment=round.environment,
        ):
            ComplianceItem.objects.create(placement=placement, requirement=requirement)
        item.placement = placement
        item.save(update_fields=["placement"])
        placements.append(placement)
    locked.status = ProposalStatus.CONFIRMED
    locked.confirmed_at = timezone.now()
    locked.save(update_fields=["status", "confirmed_at"])
    return placements


def open_required_items(placement: Placement) -> list[ComplianceItem]:
    return list(
        placement.compliance_items.select_related("requirement")
        .filter(requirement__required=True)
        .exclude(status=ComplianceStatus.CHECKED)
    )


def compliance_refusal(placement: Placement) -> str | None:
    """Why the placement may not become active yet (its open required compliance
    items), or ``None``: the activation guard allocation registers with placements
    (allocation/apps.py), so the placements' edit form keeps the gate too."""
    names = sorted(item.requirement.name for item in open_required_items(placement))
    if not names:
        return None
    return ngettext(
        "This placement cannot become active yet: a required item is still open (%(items)s).",
        "This placement cannot become active yet: %(count)d required items are still open "
        "(%(items)s).",
        len(names),
    ) % {"count": len(names), "items": ", ".join(names)}


@transaction.atomic
def placement_activate(*, placement: Placement) -> Placement:
    """The compliance gate: a placement becomes active only when no required item is
    open."""
    if open_required_items(placement):
        raise AllocationError("compliance_open")
    placement.status = PlacementStatus.ACTIVE
    placement_save(placement=placement, signoff=None)
    return placement


@transaction.atomic
def compliance_check(*, item: ComplianceItem, user: User, day: datetime.date) -> ComplianceItem:
    item.status = ComplianceStatus.CHECKED
    item.checked_by = user
    item.checked_on = day
    item.save(update_fields=["status", "checked_by", "checked_on"])
    return item


# Uploaded documents: a scan or a PDF, at most this large.
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
DOCUMENT_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
DOCUMENT_EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}


def document_type(*, name: str, content: bytes) -> str:
    """The type of an uploaded document by its content, which its name must agree
    with; AllocationError otherwise."""
    if not content:
        raise AllocationError("empty")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise AllocationError("too_big")
    for kind, signatures in DOCUMENT_TYPES.items():
        if content.startswith(signatures):
            if not name.lower().endswith(DOCUMENT_EXTENSIONS[kind]):
                raise AllocationError("wrong_type")
            return kind
    raise AllocationError("wrong_type")


@transaction.atomic
def compliance_update(
    *,
    item: ComplianceItem,
    user: User,
    status: str,
    day: datetime.date,
    signed_by: str = "",
    document: bytes | None = None,
    kind: str = "",
) -> ComplianceItem:
    """Record where an item stands; checking it names who checked and when."""
    item.status = status
    item.signed_by = signed_by
    if status == ComplianceStatus.REQUESTED and item.requested_on is None:
        item.requested_on = day
    if status in (ComplianceStatus.RECEIVED, ComplianceStatus.CHECKED) and item.received_on is None:
        item.received_on = day
    if status == ComplianceStatus.CHECKED:
        item.checked_by = user
        item.checked_on = day
    else:
        item.checked_by = None
        item.checked_on = None
    if document is not None:
        item.document = document
        item.document_type = kind
    item.save()
    return item
