"""The authorisation matrix: every named URL × every role → expected status.

Roles and the building blocks are in tests/security/matrix.py; apps add their cases
in tests/security/cases_<app>.py. For a denied write the database must be unchanged.
A meta-test fails when a named URL of the project is missing, so every new page is
covered as it is added.
"""

import datetime
import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Invitation
from environments.models import Domain
from placements.models import ActivityEntry, SupervisionAssignment, SupervisionRole, Week
from placements.services import assignment_save
from tests.security.matrix import LOGIN, ROLES, Case, db_snapshot, env_pk, statuses


def make_invitation(cast: Any) -> Invitation:
    from accounts.services import invitation_create

    return invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email="nieuw@example.org",
        role="practice_supervisor",
        organisation=cast.school,
    )


CASES: list[Case] = [
    Case("home", statuses()),
    Case("health", statuses(anonymous=200)),
    Case("accounts:environment", statuses(outsider=404, other_coordinator=404), args=env_pk),
    Case(
        "accounts:invitation_list",
        statuses(student=403, supervisor=403, bystander=403, outsider=404, other_coordinator=404),
        args=env_pk,
    ),
    Case(
        "accounts:invitation_list",
        # A valid invitation: only the coordinator's is accepted (redirect).
        statuses(
            anonymous=LOGIN,
            student=403,
            supervisor=403,
            bystander=403,
            coordinator=302,
            outsider=404,
            other_coordinator=404,
        ),
        method="post",
        args=env_pk,
        data=lambda cast: {
            "email": "nieuwe.student@example.org",
            "role": "student",
            "programme": cast.social_work.pk,
        },
    ),
    Case(
        "accounts:invitation_revoke",
        statuses(
            anonymous=LOGIN,
            student=403,
            supervisor=403,
            bystander=403,
            coordinator=302,
            outsider=404,
            other_coordinator=404,
        ),
        method="post",
        setup=make_invitation,
        args=lambda cast: [cast.environment.pk, cast.setup_result.pk],
    ),
    Case(
        "accounts:invitation_accept",
        # Public by design: the signed link is the credential. Logged-in users see
        # the invitation and may accept it only for their own address.
        statuses(anonymous=200),
        setup=make_invitation,
        args=lambda cast: [cast.setup_result.token],
    ),
    Case(
        "accounts:invitation_accept",
        # Accepting someone else's invitation while logged in changes nothing.
        statuses(
            anonymous=422,  # the account form, submitted empty
            student=409,
            supervisor=409,
            bystander=409,
            coordinator=409,
            outsider=409,
            other_coordinator=409,
        ),
        method="post",
        setup=make_invitation,
        args=lambda cast: [cast.setup_result.token],
    ),
    Case(
        "accounts:language",
        statuses(**dict.fromkeys(ROLES, 302)),
        method="post",
        data=lambda cast: {"language": "en", "next": "/"},
    ),
]


def make_entry(cast: Any) -> ActivityEntry:
    from django.utils import timezone

    from placements.services import activity_create

    return activity_create(
        placement=cast.placement,
        date=timezone.localdate(),
        minutes=90,
        setting="school",
        kind="classroom",
        disciplines=["teacher"],
        description="Rekenles in groep 5 ondersteund.",
    )


def make_submitted_week(cast: Any) -> Week:
    from placements.services import week_submit

    entry = make_entry(cast)
    return week_submit(placement=cast.placement, start=entry.date, student=cast.student)


def make_link_token(cast: Any) -> str:
    # Through the service: Wendy takes signing off over (one signer per placement).
    external = assignment_save(
        assignment=SupervisionAssignment(
            placement=cast.placement,
            name="Wendy Wijkteam",
            email="wendy@buurtteam.example.org",
            role=SupervisionRole.PRACTICE,
            domain=Domain.SOCIAL,
            signs_off=True,
        )
    )
    return make_submitted_week(cast).signoff_token(external.pk)


def placement_pk(cast: Any) -> list[Any]:
    return [cast.placement.pk]


def entry_data(cast: Any) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "date": timezone.localdate().isoformat(),
        "minutes": "60",
        "setting": "neighbourhood",
        "kind": "group",
        "description": "Huiswerkklas in het buurthuis.",
    }


def placement_data(cast: Any) -> dict[str, Any]:
    # The student's next placement: after the cast's, which it may not overlap.
    start = timezone.localdate() + datetime.timedelta(days=90)
    return {
        "student": cast.student.pk,
        "programme": cast.social_work.pk,
        "school": cast.school.pk,
        "start_date": start.isoformat(),
        "end_date": (start + datetime.timedelta(days=270)).isoformat(),
        "days_on_site": ["1", "2"],
        "class_days": ["3"],
        "hours_per_week": "12",
        "status": "active",
        "signoff_domain": "social",
    }


# Seen by the placement's student, its supervisor and the coordinator; hidden from others.
PLACEMENT_READ = statuses(bystander=404, outsider=404, other_coordinator=404)
# Only the student logs; others who may see the placement get 403.
STUDENT_WRITE = statuses(
    student=302, supervisor=403, coordinator=403, bystander=404, outsider=404, other_coordinator=404
)
# Only the supervisor who signs off reviews.
REVIEW = statuses(
    student=403, supervisor=200, coordinator=403, bystander=404, outsider=404, other_coordinator=404
)
# Only the coordinator manages placements.
MANAGE = statuses(
    student=403, supervisor=403, bystander=403, coordinator=200, outsider=404, other_coordinator=404
)

# Editing one placement: hidden from those who cannot see it.
MANAGE_PLACEMENT = {**MANAGE, "bystander": 404, "colleague": 404}

CASES += [
    Case("placements:list", statuses()),
    Case("placements:detail", PLACEMENT_READ, args=placement_pk),
    Case("placements:overview", PLACEMENT_READ, args=placement_pk),
    Case(
        "placements:entry_create", STUDENT_WRITE, method="post", args=placement_pk, data=entry_data
    ),
    Case(
        "placements:entry_edit",
        {**STUDENT_WRITE, "student": 200},
        setup=make_entry,
        args=lambda cast: [cast.setup_result.pk],
    ),
    Case(
        "placements:entry_edit",
        STUDENT_WRITE,
        method="post",
        setup=make_entry,
        args=lambda cast: [cast.setup_result.pk],
        data=entry_data,
    ),
    Case(
        "placements:entry_delete",
        STUDENT_WRITE,
        method="post",
        setup=make_entry,
        args=lambda cast: [cast.setup_result.pk],
    ),
    Case(
        "placements:week_submit",
        STUDENT_WRITE,
        method="post",
        setup=make_entry,
        args=placement_pk,
    ),
    Case("placements:signoff_queue", statuses()),
    Case(
        "placements:week_review",
        REVIEW,
        setup=make_submitted_week,
        args=lambda cast: [cast.setup_result.pk],
    ),
    Case(
        "placements:week_review",
        {**REVIEW, "supervisor": 302},
        method="post",
        setup=make_submitted_week,
        args=lambda cast: [cast.setup_result.pk],
        data=lambda cast: {"action": "approve", "comment": ""},
    ),
    Case(
        "placements:week_approve",
        {**REVIEW, "supervisor": 302},
        method="post",
        setup=make_submitted_week,
        args=lambda cast: [cast.setup_result.pk],
    ),
    Case(
        "placements:signoff_link",
        statuses(anonymous=200),
        setup=make_link_token,
        args=lambda cast: [cast.setup_result],
    ),
    Case(
        "placements:signoff_link",
        statuses(anonymous=200),
        method="post",
        setup=make_link_token,
        args=lambda cast: [cast.setup_result],
        data=lambda cast: {"action": "approve", "name": "Wendy Wijkteam"},
    ),
    Case("placements:environment_placements", MANAGE, args=env_pk),
    Case("placements:create", MANAGE, args=env_pk),
    Case(
        "placements:create",
        {**MANAGE, "coordinator": 302},
        method="post",
        args=env_pk,
        data=placement_data,
    ),
    Case("placements:edit", MANAGE_PLACEMENT, args=placement_pk),
    Case(
        "placements:edit",
        {**MANAGE_PLACEMENT, "coordinator": 302},
        method="post",
        args=placement_pk,
        data=placement_data,
    ),
]


# --- Importing students and placements (placements/import_urls.py) ---------------------


def import_csv(cast: Any) -> bytes:
    """One valid row: the cast's student in a second programme."""
    return (
        b"e-mailadres;naam;opleiding;school;startdatum;einddatum;stagedagen;uren per week\r\n"
        b"student@example.org;Sanne Student;Pabo;Basisschool De Regenboog;"
        b"01-09-2030;31-01-2031;ma;8\r\n"
    )


def import_upload(cast: Any) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("stages.csv", import_csv(cast))}


def make_import_job(cast: Any) -> Any:
    """A file after its dry run, ready to be imported (through the real services)."""
    from placements.imports import import_job_create, import_job_validate

    job = import_job_create(
        environment=cast.environment,
        created_by=cast.coordinator,
        file_name="stages.csv",
        content=import_csv(cast),
        kind="csv",
    )
    import_job_validate(job_id=job.pk)
    return job


def import_job_args(cast: Any) -> list[Any]:
    return [cast.environment.pk, cast.setup_result.pk]


# Only the environment's coordinators import. The tasks run on commit, which these
# tests never reach: a coordinator's upload or confirmation changes no tracked rows.
CASES += [
    Case("placements:import_start", MANAGE, args=env_pk),
    Case(
        "placements:import_start",
        {**MANAGE, "coordinator": 302},
        method="post",
        args=env_pk,
        data=import_upload,
    ),
    Case("placements:import_job", MANAGE, setup=make_import_job, args=import_job_args),
    Case("placements:import_progress", MANAGE, setup=make_import_job, args=import_job_args),
    Case(
        "placements:import_confirm",
        {**MANAGE, "coordinator": 302},
        method="post",
        setup=make_import_job,
        args=import_job_args,
    ),
    Case("placements:import_template", MANAGE, args=lambda cast: [cast.environment.pk, "csv"]),
    Case("placements:import_template", MANAGE, args=lambda cast: [cast.environment.pk, "xlsx"]),
]

# Writes that succeed for these roles; every other write must leave the database as it was.
ALLOWED_WRITES = {
    ("accounts:invitation_list", "coordinator"),
    ("accounts:invitation_revoke", "coordinator"),
    ("accounts:language", "student"),
    ("accounts:language", "supervisor"),
    ("accounts:language", "coordinator"),
    ("accounts:language", "outsider"),
    ("accounts:language", "other_coordinator"),
    ("accounts:language", "bystander"),
    ("accounts:language", "colleague"),
    ("placements:entry_create", "student"),
    ("placements:entry_edit", "student"),
    ("placements:entry_delete", "student"),
    ("placements:week_submit", "student"),
    ("placements:week_review", "supervisor"),
    ("placements:week_approve", "supervisor"),
    ("placements:edit", "coordinator"),
    ("placements:create", "coordinator"),
    ("placements:import_start", "coordinator"),
    ("placements:import_confirm", "coordinator"),
    # The e-mailed link is the credential, whoever happens to be logged in.
    *{("placements:signoff_link", role) for role in ROLES},
}

for _module_info in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if _module_info.name.startswith("cases_"):
        _module = importlib.import_module(f"tests.security.{_module_info.name}")
        CASES += _module.CASES
        ALLOWED_WRITES |= set(_module.ALLOWED_WRITES)

# Views the project does not own: allauth's account pages (their access control is
# allauth's; login, lockout and two-factor are tested in tests/accounts) and the
# Django admin (staff only, tested in tests/accounts/test_admin.py).
THIRD_PARTY_MODULES = ("allauth.", "django.contrib.admin.")


def iter_named_urls(
    patterns: list[Any] | None = None, namespace: str = ""
) -> list[tuple[str, str]]:
    """(full name, view module) of every named URL pattern."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    found: list[tuple[str, str]] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found.extend(iter_named_urls(pattern.url_patterns, inner))
        elif isinstance(pattern, URLPattern) and pattern.name:
            callback = pattern.callback
            module = getattr(callback, "__module__", "") or ""
            view_class = getattr(callback, "view_class", None)
            if view_class is not None:
                module = view_class.__module__
            found.append((f"{namespace}{pattern.name}", module))
    return found


def test_every_project_url_is_in_the_matrix() -> None:
    covered = {case.url_name for case in CASES}
    project_urls = {
        name
        for name, module in iter_named_urls()
        if not module.startswith(THIRD_PARTY_MODULES) and not name.startswith("admin:")
    }
    missing = project_urls - covered
    assert not missing, f"URLs missing from the authorisation matrix: {sorted(missing)}"
    stale = covered - project_urls
    assert not stale, f"The matrix names URLs that no longer exist: {sorted(stale)}"


def test_every_case_covers_every_role() -> None:
    for case in CASES:
        assert set(case.expected) == set(ROLES), case.url_name


def _params() -> list[Any]:
    return [
        pytest.param(case, role, id=f"{case.method}-{case.url_name}-{index}-{role}")
        for index, case in enumerate(CASES)
        for role in ROLES
    ]


@pytest.mark.parametrize(("case", "role"), _params())
def test_matrix(case: Case, role: str, cast: Any, client: Client) -> None:
    cast.setup_result = case.setup(cast) if case.setup else None
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    url = reverse(case.url_name, args=case.args(cast))
    before = db_snapshot() if case.method == "post" else None

    response = getattr(client, case.method)(url, case.data(cast))

    assert response.status_code == case.expected[role], (
        f"{case.method.upper()} {url} as {role}: {response.status_code}"
    )
    if (
        response.status_code == LOGIN
        and role == "anonymous"
        and case.url_name != "accounts:language"
    ):
        assert response["Location"].startswith(reverse("account_login"))
    if case.method == "post" and (case.url_name, role) not in ALLOWED_WRITES:
        assert db_snapshot() == before, f"{role} changed data through {url}"


@pytest.mark.parametrize("role", ROLES)
def test_get_never_changes_data(role: str, cast: Any, client: Client) -> None:
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    for case in CASES:
        if case.method != "get":
            continue
        cast.setup_result = case.setup(cast) if case.setup else None
        before = db_snapshot()
        client.get(reverse(case.url_name, args=case.args(cast)))
        assert db_snapshot() == before, case.url_name
