"""Bulk import of students and placements: files, the dry run, the import, the pages.

The cast (tests/conftest.py) provides the environment "Leidsche Rijn" with the school
"Basisschool De Regenboog", the neighbourhood organisation "Buurtteam Leidsche Rijn"
and the institute "Hogeschool Utrecht" with the programmes Social work and Pabo.
Tasks run in-process when the transaction's on-commit callbacks run.
"""

import csv
import datetime
import io
import re
from decimal import Decimal
from typing import Any
from unittest import mock

import openpyxl
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts.models import Invitation, Membership, Role, User
from placements.imports import (
    COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    Table,
    check_rows,
    describe,
    import_job_apply,
    import_job_create,
    import_job_validate,
    read_table,
)
from placements.models import (
    ImportJob,
    ImportState,
    Placement,
    PlacementStatus,
    Weekday,
    weekdays_to_mask,
)
from placements.tasks import apply_import_job, validate_import_job
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.environments.factories import InstituteFactory, ProgrammeFactory

# --- Files -------------------------------------------------------------------------


def good_rows() -> list[dict[str, Any]]:
    """Four valid rows: a student of the environment (in a second programme, next to the
    cast's placement), two new people, and an existing account that is not a student."""
    return [
        {
            "e-mailadres": "student@example.org",
            "naam": "Sanne Student",
            "opleiding": "Pabo",
            "school": "Basisschool De Regenboog",
            "startdatum": "01-09-2026",
            "einddatum": "31-01-2027",
            "stagedagen": "ma, di",
            "onderwijsdagen": "wo",
            "uren per week": "16",
        },
        {
            "e-mailadres": "Nina.Nieuw@Example.org",
            "naam": "Nina Nieuw",
            "opleiding": "Pabo",
            "wijkorganisatie": "Buurtteam Leidsche Rijn",
            "startdatum": "2026-09-01",
            "einddatum": "2027-01-31",
            "stagedagen": "maandag;dinsdag",
            "onderwijsdagen": "donderdag",
            "uren per week": "16,5",
            "status": "actief",
        },
        {
            "e-mailadres": "piet.nieuw@example.org",
            "naam": "Piet  Nieuw",
            "opleiding": "social work",
            "school": "Basisschool De Regenboog",
            "wijkorganisatie": "Buurtteam Leidsche Rijn",
            "startdatum": "1-2-2027",
            "einddatum": "30/06/2027",
            "stagedagen": "wo do vr",
            "uren per week": "24",
            "status": "gepland",
        },
        {
            "e-mailadres": "trainer@example.org",
            "naam": "Bram Schoolopleider",
            "opleiding": "Pabo",
            "school": "Basisschool De Regenboog",
            "startdatum": "01-09-2026",
            "einddatum": "31-12-2026",
            "stagedagen": "vr",
            "uren per week": "8",
        },
    ]


def csv_file(
    rows: list[dict[str, Any]],
    *,
    delimiter: str = ",",
    bom: bool = False,
    columns: list[str] | None = None,
) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output, delimiter=delimiter, lineterminator="\r\n")
    columns = columns or COLUMNS
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return (("\ufeff" if bom else "") + output.getvalue()).encode("utf-8")


def xlsx_file(rows: list[list[Any]], columns: list[str] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(columns or COLUMNS)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def start_url(cast: Any) -> str:
    return reverse("placements:import_start", args=[cast.environment.pk])


def job_url(job: ImportJob) -> str:
    return reverse("placements:import_job", args=[job.environment_id, job.pk])


def progress_url(job: ImportJob) -> str:
    return reverse("placements:import_progress", args=[job.environment_id, job.pk])


def confirm_url(job: ImportJob) -> str:
    return reverse("placements:import_confirm", args=[job.environment_id, job.pk])


def template_url(cast: Any, file_format: str) -> str:
    return reverse("placements:import_template", args=[cast.environment.pk, file_format])


def upload(client: Client, cast: Any, name: str, content: bytes, **extra: Any) -> Any:
    return client.post(start_url(cast), {"file": SimpleUploadedFile(name, content)}, **extra)


def imported(cast: Any) -> Any:
    """Placements other than the cast's own."""
    return Placement.objects.exclude(pk=cast.placement.pk)


def errors_by_row(job: ImportJob) -> dict[int, set[tuple[str, str]]]:
    return {
        entry["row"]: {(error["column"], error["code"]) for error in entry["errors"]}
        for entry in job.report["rows"]
        if entry["errors"]
    }


@pytest.fixture
def coordinator(cast: Any, login: Any) -> Client:
    return login(cast.coordinator)


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks: Any) -> Any:
    """Run the tasks a block enqueues (they are enqueued on commit)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def checked_job(cast: Any, content: bytes, name: str = "stages.csv") -> ImportJob:
    """An uploaded file after its dry run, made through the real services."""
    job = import_job_create(
        environment=cast.environment,
        created_by=cast.coordinator,
        file_name=name,
        content=content,
        kind="xlsx" if name.endswith(".xlsx") else "csv",
    )
    import_job_validate(job_id=job.pk)
    job.refresh_from_db()
    return job


# --- A good file, start to finish --------------------------------------------------


def test_dry_run_then_import_creates_placements_accounts_and_invitations(
    cast: Any, coordinator: Client, run_tasks: Any
) -> None:
    with run_tasks():
        response = upload(coordinator, cast, "stages.csv", csv_file(good_rows()))

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job_url(job)
    assert job.state == ImportState.VALIDATED
    assert job.created_by == cast.coordinator
    assert (job.total_rows, job.processed_rows) == (4, 4)
    assert errors_by_row(job) == {}
    assert [entry["outcome"] for entry in job.report["rows"]] == [
        "placement",
        "invite",
        "invite",
        "add",
    ]
    assert job.report["summary"] == {
        "rows": 4,
        "invalid": 0,
        "placements": 4,
        "invitations": 2,
        "unchanged": 0,
    }
    # The dry run changes nothing.
    assert not imported(cast).exists()
    assert not Invitation.objects.exists()
    assert not User.objects.filter(email__endswith="nieuw@example.org").exists()

    page = coordinator.get(job_url(job))
    assert page.status_code == 200
    assert confirm_url(job) in page.content.decode()
    assert "nina.nieuw@example.org" in page.content.decode()

    with run_tasks():
        response = coordinator.post(confirm_url(job))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportState.DONE
    assert job.content == b""
    assert job.report["result"] == {
        "placements": 4,
        "invitations": 2,
        "accounts": 2,
        "memberships": 3,
    }

    nina = User.objects.get(email="nina.nieuw@example.org")
    assert not nina.has_usable_password()
    assert nina.full_name == "Nina Nieuw"
    placement = Placement.objects.get(student=nina)
    assert placement.environment == cast.environment
    assert placement.programme == cast.pabo
    assert placement.school is None
    assert placement.neighbourhood_organisation == cast.neighbourhood
    assert (placement.start_date, placement.end_date) == (
        datetime.date(2026, 9, 1),
        datetime.date(2027, 1, 31),
    )
    assert placement.weekdays_on_site == weekdays_to_mask([Weekday.MONDAY, Weekday.TUESDAY])
    assert placement.institute_days == weekdays_to_mask([Weekday.THURSDAY])
    assert placement.hours_per_week == Decimal("16.5")
    assert placement.status == PlacementStatus.ACTIVE
    assert Membership.objects.get(
        user=nina, environment=cast.environment, role=Role.STUDENT
    ).programme == (cast.pabo)

    piet = User.objects.get(email="piet.nieuw@example.org")
    assert piet.full_name == "Piet Nieuw"
    piet_placement = Placement.objects.get(student=piet)
    assert piet_placement.school == cast.school
    assert piet_placement.neighbourhood_organisation == cast.neighbourhood
    assert piet_placement.status == PlacementStatus.PLANNED

    # The existing student gets the placement directly, without an invitation.
    assert Placement.objects.filter(student=cast.student, programme=cast.pabo).exists()
    # The school trainer gets a student membership as well.
    assert Membership.objects.filter(
        user=cast.supervisor, environment=cast.environment, role=Role.STUDENT
    ).exists()

    invitations = Invitation.objects.order_by("email")
    assert [(i.email, i.role, i.programme) for i in invitations] == [
        ("nina.nieuw@example.org", Role.STUDENT, cast.pabo),
        ("piet.nieuw@example.org", Role.STUDENT, cast.social_work),
    ]
    assert all(i.invited_by == cast.coordinator for i in invitations)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "nina.nieuw@example.org",
        "piet.nieuw@example.org",
    ]
    # The audit trail names the coordinator who confirmed, for every placement.
    from accounts.models import AuditEvent

    created = AuditEvent.objects.filter(model="placements.Placement", action="create").exclude(
        object_id=cast.placement.pk
    )
    assert set(created.values_list("object_id", flat=True)) == set(
        imported(cast).values_list("pk", flat=True)
    )
    assert set(created.values_list("actor_id", "environment_id")) == {
        (cast.coordinator.pk, cast.environment.pk)
    }


def test_running_the_import_again_creates_nothing_new(
    cast: Any, coordinator: Client, run_tasks: Any
) -> None:
    job = checked_job(cast, csv_file(good_rows()))
    with run_tasks():
        coordinator.post(confirm_url(job))
    counts = (Placement.objects.count(), Invitation.objects.count(), User.objects.count())
    sent = len(mail.outbox)

    with run_tasks():
        response = coordinator.post(confirm_url(job))
        apply_import_job(job.pk)
    assert response.status_code == 302
    assert (Placement.objects.count(), Invitation.objects.count(), User.objects.count()) == counts
    assert len(mail.outbox) == sent

    # The same file uploaded again: every row is already there, nothing to import.
    with run_tasks():
        upload(coordinator, cast, "stages.csv", csv_file(good_rows()))
    again = ImportJob.objects.latest("created_at")
    assert again.state == ImportState.VALIDATED
    assert {entry["outcome"] for entry in again.report["rows"]} == {"unchanged"}
    assert not again.can_be_imported
    with run_tasks():
        coordinator.post(confirm_url(again))
    again.refresh_from_db()
    assert again.state == ImportState.VALIDATED
    assert Placement.objects.count() == counts[0]


def test_import_checks_again_and_imports_nothing_when_the_data_changed(
    cast: Any, coordinator: Client, run_tasks: Any
) -> None:
    job = checked_job(cast, csv_file(good_rows()))
    # Between the dry run and the confirmation someone adds an overlapping placement.
    Placement.objects.create(
        student=cast.student,
        programme=cast.pabo,
        environment=cast.environment,
        school=cast.school,
        start_date=datetime.date(2026, 10, 1),
        end_date=datetime.date(2026, 12, 1),
        hours_per_week=8,
    )
    with run_tasks():
        coordinator.post(confirm_url(job))
    job.refresh_from_db()
    assert job.state == ImportState.VALIDATED
    assert errors_by_row(job) == {2: {("startdatum", "overlapping_placement")}}
    assert imported(cast).count() == 1
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_new_student_accepts_the_invitation_and_finds_the_placement(
    cast: Any, coordinator: Client, run_tasks: Any, client: Client
) -> None:
    job = checked_job(cast, csv_file(good_rows()))
    with run_tasks():
        coordinator.post(confirm_url(job))
    invitation = Invitation.objects.get(email="nina.nieuw@example.org")
    coordinator.logout()

    page = client.get(invitation.get_accept_url())
    assert page.status_code == 200
    assert "form" in page.context and page.context["form"] is not None
    response = client.post(
        invitation.get_accept_url(),
        {
            "full_name": "Nina de Nieuw",
            "language": "nl",
            "password1": "Zeilboot-Lente-2026!",
            "password2": "Zeilboot-Lente-2026!",
        },
    )
    assert response.status_code == 302
    nina = User.objects.get(email="nina.nieuw@example.org")
    assert nina.has_usable_password() and nina.check_password("Zeilboot-Lente-2026!")
    assert nina.full_name == "Nina de Nieuw"
    assert nina.emailaddress_set.get().verified
    invitation.refresh_from_db()
    assert invitation.accepted_by == nina
    assert Placement.objects.filter(student=nina).count() == 1
    assert User.objects.filter(email__iexact="nina.nieuw@example.org").count() == 1


def test_invitation_for_an_account_with_a_password_still_asks_to_log_in(cast: Any) -> None:
    from accounts.services import InvitationError, invitation_accept_new_user, invitation_create

    invitation = invitation_create(
        environment=cast.environment,
        invited_by=cast.coordinator,
        email="trainer@example.org",
        role=Role.STUDENT,
        programme=cast.pabo,
    )
    with pytest.raises(InvitationError, match="exists"):
        invitation_accept_new_user(
            invitation=invitation, full_name="X", password="Zeilboot-Lente-2026!", language="nl"
        )
    assert User.objects.get(email="trainer@example.org").check_password("correct-horse-battery-42")


def test_a_prepared_account_without_a_pending_invitation_is_invited_again(cast: Any) -> None:
    prepared = User.objects.create_user(email="nina.nieuw@example.org", full_name="Nina Nieuw")
    MembershipFactory(
        user=prepared, environment=cast.environment, role=Role.STUDENT, programme=cast.pabo
    )
    job = checked_job(cast, csv_file(good_rows()[1:2]))
    assert [entry["outcome"] for entry in job.report["rows"]] == ["invite"]


# --- Formats -----------------------------------------------------------------------


def test_semicolon_csv_with_bom(cast: Any, coordinator: Client, run_tasks: Any) -> None:
    content = csv_file(good_rows(), delimiter=";", bom=True)
    assert content.startswith(b"\xef\xbb\xbf")
    with run_tasks():
        response = upload(coordinator, cast, "Stages 2026.CSV", content)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.state == ImportState.VALIDATED
    assert job.kind == "csv"
    assert job.file_name == "Stages 2026.CSV"
    assert errors_by_row(job) == {}
    assert job.report["summary"]["placements"] == 4


def test_xlsx_with_real_dates_and_numbers(cast: Any, coordinator: Client, run_tasks: Any) -> None:
    content = xlsx_file(
        [
            [
                "nina.nieuw@example.org",
                "Nina Nieuw",
                "Pabo",
                "Basisschool De Regenboog",
                None,
                datetime.datetime(2026, 9, 1),  # noqa: DTZ001 (Excel has no time zones)
                datetime.date(2027, 1, 31),
                "ma, di",
                "wo",
                16.5,
                "actief",
            ],
            [None] * len(COLUMNS),  # a blank row keeps its place in the numbering
            [
                "piet.nieuw@example.org",
                "Piet Nieuw",
                "Social work",
                None,
                "Buurtteam Leidsche Rijn",
                "01-02-2027",
                datetime.datetime(2027, 6, 30),  # noqa: DTZ001
                1,
                None,
                24,
                None,
            ],
        ]
    )
    with run_tasks():
        response = upload(coordinator, cast, "stages.xlsx", content)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.kind == "xlsx"
    assert errors_by_row(job) == {}
    assert [entry["row"] for entry in job.report["rows"]] == [2, 4]

    with run_tasks():
        coordinator.post(confirm_url(job))
    nina = Placement.objects.get(student__email="nina.nieuw@example.org")
    assert nina.start_date == datetime.date(2026, 9, 1)
    assert nina.end_date == datetime.date(2027, 1, 31)
    assert nina.hours_per_week == Decimal("16.5")
    piet = Placement.objects.get(student__email="piet.nieuw@example.org")
    assert piet.days_on_site == [Weekday.MONDAY]
    assert piet.hours_per_week == Decimal("24.0")


def test_xlsx_with_errors_reports_rows_and_columns(cast: Any) -> None:
    content = xlsx_file(
        [
            [
                "geen-adres",
                "Nina",
                "Pabo",
                "Basisschool De Regenboog",
                None,
                datetime.date(2026, 9, 1),
                datetime.date(2026, 8, 1),
                "ma",
                None,
                True,
                None,
            ]
        ]
    )
    job = checked_job(cast, content, name="stages.xlsx")
    assert errors_by_row(job) == {
        2: {
            ("e-mailadres", "email_invalid"),
            ("einddatum", "end_before_start"),
            ("uren per week", "hours_invalid"),
        }
    }


# --- A file with bad rows ----------------------------------------------------------


def test_three_bad_rows_are_reported_by_row_and_column_and_nothing_is_imported(
    cast: Any, coordinator: Client, run_tasks: Any
) -> None:
    rows = good_rows()
    rows.insert(1, {**rows[1], "e-mailadres": "a@example.org", "einddatum": "01-08-2026"})
    rows.insert(
        3,
        {**rows[2], "e-mailadres": "geen adres", "opleiding": "Sterrenkunde"},
    )
    rows.append(
        {
            **rows[0],
            "e-mailadres": "b@example.org",
            "onderwijsdagen": "ma",
            "uren per week": "50",
        }
    )
    with run_tasks():
        upload(coordinator, cast, "stages.csv", csv_file(rows))
    job = ImportJob.objects.get()

    assert job.state == ImportState.VALIDATED
    assert errors_by_row(job) == {
        3: {("einddatum", "end_before_start")},
        5: {("e-mailadres", "email_invalid"), ("opleiding", "programme_unknown")},
        8: {("onderwijsdagen", "days_overlap"), ("uren per week", "hours_range")},
    }
    assert job.report["summary"]["invalid"] == 3
    assert not job.can_be_imported

    page = coordinator.get(job_url(job)).content.decode()
    errors = page[page.index('class="import-errors"') :]
    with translation.override("nl"):
        for number in (3, 5, 8):
            assert f"<strong>{escape(_('Row %(number)s') % {'number': number})}</strong>" in errors
    for column in ("einddatum", "e-mailadres", "opleiding", "onderwijsdagen", "uren per week"):
        assert f"<strong>{column}</strong>: " in errors
    with translation.override("nl"):
        expected = describe("programme_unknown", job.report["rows"][3]["errors"][1]["params"])
    assert escape(expected) in page
    assert confirm_url(job) not in page

    with run_tasks():
        response = coordinator.post(confirm_url(job))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportState.VALIDATED
    assert not imported(cast).exists()
    assert not Invitation.objects.exists()
    assert not User.objects.filter(email="a@example.org").exists()
    assert mail.outbox == []


def cells(**values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "e-mailadres": "nina@example.org",
        "naam": "Nina",
        "opleiding": "Pabo",
        "school": "Basisschool De Regenboog",
        "wijkorganisatie": "",
        "startdatum": "01-09-2026",
        "einddatum": "31-01-2027",
        "stagedagen": "ma",
        "onderwijsdagen": "",
        "uren per week": "16",
        "status": "",
    }
    row.update(values)
    return row


def check(cast: Any, *rows: dict[str, Any]) -> dict[int, set[tuple[str, str]]]:
    table = Table(
        columns=list(COLUMNS),
        rows=[(number, [row[c] for c in COLUMNS]) for number, row in enumerate(rows, start=2)],
    )
    checked = check_rows(environment=cast.environment, table=table)
    return {
        row.number: {(error.column, error.code) for error in row.errors}
        for row in checked
        if row.errors
    }


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"e-mailadres": ""}, {("e-mailadres", "required")}),
        ({"naam": "   "}, {("naam", "required")}),
        ({"opleiding": ""}, {("opleiding", "required")}),
        ({"startdatum": ""}, {("startdatum", "required")}),
        ({"stagedagen": ""}, {("stagedagen", "required")}),
        ({"uren per week": ""}, {("uren per week", "required")}),
        ({"school": ""}, {("school", "host_required")}),
        ({"e-mailadres": "nina@"}, {("e-mailadres", "email_invalid")}),
        ({"e-mailadres": "a" * 250 + "@example.org"}, {("e-mailadres", "too_long")}),
        ({"naam": "N" * 151}, {("naam", "too_long")}),
        ({"naam": "Nina\x00"}, {("naam", "control_characters")}),
        ({"opleiding": "x" * 300}, {("opleiding", "too_long")}),
        ({"opleiding": "Geneeskunde"}, {("opleiding", "programme_unknown")}),
        ({"school": "Het Lyceum"}, {("school", "school_unknown")}),
        # A neighbourhood organisation is not a school.
        ({"school": "Buurtteam Leidsche Rijn"}, {("school", "school_unknown")}),
        (
            {"school": "", "wijkorganisatie": "Basisschool De Regenboog"},
            {("wijkorganisatie", "neighbourhood_unknown")},
        ),
        ({"startdatum": "31-02-2027"}, {("startdatum", "date_invalid")}),
        ({"startdatum": "1 september"}, {("startdatum", "date_invalid")}),
        ({"startdatum": "01-09-26"}, {("startdatum", "date_invalid")}),
        ({"startdatum": "01-09-1899"}, {("startdatum", "date_out_of_range")}),
        ({"einddatum": "31-08-2026"}, {("einddatum", "end_before_start")}),
        ({"stagedagen": "ma, za"}, {("stagedagen", "day_unknown")}),
        (
            {"stagedagen": "maandag, dinsdag", "onderwijsdagen": "di"},
            {("onderwijsdagen", "days_overlap")},
        ),
        ({"uren per week": "-1"}, {("uren per week", "hours_range")}),
        ({"uren per week": "40,5"}, {("uren per week", "hours_range")}),
        ({"uren per week": "16,25"}, {("uren per week", "hours_precision")}),
        ({"uren per week": "zestien"}, {("uren per week", "hours_invalid")}),
        ({"status": "afgerond"}, {("status", "status_invalid")}),
    ],
)
def test_row_rules(cast: Any, values: dict[str, Any], expected: set[tuple[str, str]]) -> None:
    assert check(cast, cells(**values)) == {2: expected}


@pytest.mark.parametrize(
    "values",
    [
        {"uren per week": "0"},
        {"uren per week": "40"},
        {"uren per week": "16.5"},
        {"startdatum": "2026-09-01", "einddatum": "2026-09-01"},
        {"startdatum": "1.9.2026"},
        {"stagedagen": "Ma/Di en Wo"},
        {"stagedagen": "mon, tue"},
        {"status": "Actief"},
        {"school": "basisschool de regenboog"},
        {"opleiding": "Pabo (Hogeschool Utrecht)"},
    ],
)
def test_row_rules_accept(cast: Any, values: dict[str, Any]) -> None:
    assert check(cast, cells(**values)) == {}


def test_duplicate_and_overlapping_rows_in_the_file(cast: Any) -> None:
    assert check(
        cast,
        cells(),
        cells(),  # the same row twice
        cells(startdatum="01-01-2027", einddatum="30-06-2027"),  # overlaps row 2
        cells(startdatum="01-02-2027", einddatum="30-06-2027"),  # after row 2: fine
        cells(opleiding="Social work"),  # another programme: fine
    ) == {
        3: {("e-mailadres", "duplicate_row")},
        4: {("e-mailadres", "duplicate_row")},
    }


def test_a_student_with_an_overlapping_placement_in_the_programme(cast: Any) -> None:
    existing = cast.placement  # Social work, in this environment
    student = cells(
        **{
            "e-mailadres": "student@example.org",
            "opleiding": "Social work",
            "startdatum": (existing.end_date - datetime.timedelta(days=1)).isoformat(),
            "einddatum": (existing.end_date + datetime.timedelta(days=90)).isoformat(),
        }
    )
    assert check(cast, student) == {2: {("startdatum", "overlapping_placement")}}
    # Another programme, or a cancelled placement, is no conflict.
    assert check(cast, {**student, "opleiding": "Pabo"}) == {}
    Placement.objects.filter(pk=existing.pk).update(status=PlacementStatus.CANCELLED)
    assert check(cast, student) == {}


def test_a_placement_in_another_environment_is_neither_checked_nor_revealed(
    cast: Any,
) -> None:
    """A coordinator learns nothing of another environment's placements through an import."""
    Placement.objects.create(
        student=cast.student,
        programme=cast.pabo,
        environment=cast.other_environment,
        school=cast.school,
        start_date=datetime.date(2031, 1, 1),
        end_date=datetime.date(2031, 6, 1),
        hours_per_week=8,
    )
    row = cells(**{"e-mailadres": "student@example.org", "startdatum": "01-05-2031"})
    row["einddatum"] = "01-07-2031"
    assert check(cast, row) == {}


def test_the_same_placement_again_is_no_error_and_no_change(cast: Any) -> None:
    existing = cast.placement
    table = Table(
        columns=list(COLUMNS),
        rows=[
            (
                2,
                [
                    cells(
                        **{
                            "e-mailadres": "student@example.org",
                            "opleiding": "Social work",
                            "startdatum": existing.start_date.isoformat(),
                            "einddatum": existing.end_date.isoformat(),
                        }
                    )[column]
                    for column in COLUMNS
                ],
            )
        ],
    )
    [row] = check_rows(environment=cast.environment, table=table)
    assert row.errors == []
    assert row.outcome == "unchanged"


def test_a_deactivated_account_cannot_be_placed(cast: Any) -> None:
    UserFactory(email="weg@example.org", is_active=False)
    assert check(cast, cells(**{"e-mailadres": "WEG@example.org"})) == {
        2: {("e-mailadres", "account_inactive")}
    }


def test_programme_names_shared_by_two_institutes_must_name_the_institute(cast: Any) -> None:
    other = InstituteFactory(name="Marnix Academie")
    cast.environment.organisations.add(other)
    ProgrammeFactory(institute=other, name="Pabo")
    assert check(cast, cells()) == {2: {("opleiding", "programme_ambiguous")}}
    assert check(cast, cells(opleiding="Pabo (Marnix Academie)")) == {}


def test_a_programme_of_an_institute_outside_the_environment_is_unknown(cast: Any) -> None:
    ProgrammeFactory(institute=InstituteFactory(name="Elders"), name="Vaktherapie")
    assert check(cast, cells(opleiding="Vaktherapie")) == {2: {("opleiding", "programme_unknown")}}


def test_values_in_a_column_without_heading(cast: Any) -> None:
    table = read_table(
        content=("\n".join([",".join(COLUMNS), ",".join(cells().values()) + ",extra"])).encode(),
        kind="csv",
    )
    checked = check_rows(environment=cast.environment, table=table)
    assert [(e.column, e.code) for e in checked[0].errors] == [("", "extra_values")]


def test_too_many_rows(cast: Any, coordinator: Client, run_tasks: Any) -> None:
    rows = [cells(**{"e-mailadres": f"s{n}@example.org"}) for n in range(MAX_ROWS + 1)]
    with run_tasks():
        response = upload(coordinator, cast, "groot.csv", csv_file(rows))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.report["file_errors"] == [{"code": "too_many_rows", "params": {"max": MAX_ROWS}}]
    assert not job.can_be_imported
    assert not imported(cast).exists()


# --- Files that are refused at the file field ---------------------------------------


WITHOUT_HOSTS = [column for column in COLUMNS if column not in ("school", "wijkorganisatie")]


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _old_excel() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("stages.csv", b"", "empty"),
        ("stages.csv", b"x" * (MAX_FILE_BYTES + 1), "too_big"),
        ("stages.pdf", b"%PDF-1.7 ...", "wrong_type"),
        ("stages", b"e-mailadres,naam\n", "wrong_type"),
        ("stages.csv", _png(), "nul_bytes"),
        ("stages.csv", b"e-mailadres\x00,naam\n", "nul_bytes"),
        ("stages.csv", "naam,é\n".encode("latin-1"), "not_utf8"),
        ("stages.csv", "e-mailadres,naam\n".encode("utf-16"), "not_utf8"),
        ("stages.csv", xlsx_file([]), "csv_is_spreadsheet"),
        ("stages.xlsx", _old_excel(), "not_xlsx"),
        ("stages.xlsx", b"e-mailadres,naam\n", "not_xlsx"),
        ("stages.xlsx", b"PK\x03\x04 not really a zip", "not_xlsx"),
        ("stages.csv", b"\xef\xbb\xbf\r\n\r\n", "no_header"),
        ("stages.csv", csv_file([]), "no_rows"),
        ("stages.xlsx", xlsx_file([]), "no_rows"),
        ("stages.csv", csv_file([], columns=["e-mailadres", "naam"]), "missing_columns"),
        ("stages.csv", csv_file([cells()], columns=[*COLUMNS, "opmerking"]), "unknown_columns"),
        ("stages.csv", csv_file([cells()], columns=[*COLUMNS, "naam"]), "duplicate_columns"),
        ("stages.csv", csv_file([cells()], columns=WITHOUT_HOSTS), "missing_host_column"),
        ("stages.csv", b'e-mailadres,"naam\n', "csv_malformed"),
        ("stages.xlsx", xlsx_file([], columns=["e-mailadres"]), "missing_columns"),
    ],
)
def test_bad_files_are_refused_at_the_file_field(
    cast: Any,
    coordinator: Client,
    run_tasks: Any,
    name: str,
    content: bytes,
    code: str,
) -> None:
    with run_tasks():
        response = upload(coordinator, cast, name, content)
    assert response.status_code == 422
    [error] = response.context["form"].errors.as_data()["file"]
    assert error.code == code
    assert escape(error.messages[0]) in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not imported(cast).exists()


def test_bad_file_with_htmx_returns_the_form_fragment(cast: Any, coordinator: Client) -> None:
    response = upload(coordinator, cast, "stages.csv", b"\x00\x01", HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="import-upload"' in body
    assert "<html" not in body
    assert not ImportJob.objects.exists()


def test_good_file_with_htmx_redirects_the_browser(
    cast: Any, coordinator: Client, run_tasks: Any
) -> None:
    with run_tasks():
        response = upload(
            coordinator, cast, "stages.csv", csv_file(good_rows()), HTTP_HX_REQUEST="true"
        )
    job = ImportJob.objects.get()
    assert response.status_code == 200
    assert response["HX-Redirect"] == job_url(job)


def test_mass_assignment_is_ignored(cast: Any, coordinator: Client, run_tasks: Any) -> None:
    with run_tasks():
        coordinator.post(
            start_url(cast),
            {
                "file": SimpleUploadedFile("stages.csv", csv_file(good_rows())),
                "environment": cast.other_environment.pk,
                "state": "done",
                "created_by": cast.outsider.pk,
            },
        )
    job = ImportJob.objects.get()
    assert job.environment == cast.environment
    assert job.created_by == cast.coordinator
    assert job.state == ImportState.VALIDATED


# --- Progress ----------------------------------------------------------------------


def test_a_running_job_shows_progress_and_polls(cast: Any, coordinator: Client) -> None:
    # Without running the on-commit callbacks the dry run has not happened yet.
    upload(coordinator, cast, "stages.csv", csv_file(good_rows()))
    job = ImportJob.objects.get()
    assert job.state == ImportState.UPLOADED

    page = coordinator.get(job_url(job)).content.decode()
    assert "<progress" in page
    assert 'hx-trigger="every 1s"' in page
    assert progress_url(job) in page
    assert '<meta http-equiv="refresh"' in page  # inside <noscript>, for no JavaScript

    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportState.VALIDATING, total_rows=200, processed_rows=50
    )
    fragment = coordinator.get(progress_url(job), HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in body
    assert 'value="50" max="200"' in body
    assert 'hx-trigger="every 1s"' in body


def test_polling_stops_when_the_job_is_done(cast: Any, coordinator: Client) -> None:
    job = checked_job(cast, csv_file(good_rows()))
    fragment = coordinator.get(progress_url(job), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment
    assert "<progress" not in fragment
    assert confirm_url(job) in fragment


def test_progress_of_the_import_comes_from_the_cache(cast: Any) -> None:
    from placements.imports import _set_progress, import_job_progress

    job = checked_job(cast, csv_file(good_rows()))
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.IMPORTING, processed_rows=0)
    job.refresh_from_db()
    _set_progress(job.pk, 3)
    progress = import_job_progress(job=job)
    assert (progress.done, progress.total, progress.percent) == (3, 4, 75)


def test_confirm_with_htmx_returns_the_progress_fragment(
    cast: Any, coordinator: Client, run_tasks: Any
) -> None:
    job = checked_job(cast, csv_file(good_rows()))
    with run_tasks():
        response = coordinator.post(confirm_url(job), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="import-progress"' in response.content.decode()
    assert imported(cast).count() == 4


def test_job_page_queries_do_not_grow_with_the_rows(cast: Any, coordinator: Client) -> None:
    small = checked_job(cast, csv_file(good_rows()[:1]))
    rows = [cells(**{"e-mailadres": f"s{n}@example.org"}) for n in range(60)]
    large = checked_job(cast, csv_file(rows))
    coordinator.get(job_url(small))  # warm up the session and MFA checks

    with CaptureQueriesContext(connection) as small_queries:
        coordinator.get(job_url(small))
    with CaptureQueriesContext(connection) as large_queries:
        coordinator.get(job_url(large))
    assert len(small_queries) == len(large_queries)


# --- Tasks -------------------------------------------------------------------------


def test_tasks_take_ids_and_are_idempotent(cast: Any) -> None:
    job = import_job_create(
        environment=cast.environment,
        created_by=cast.coordinator,
        file_name="stages.csv",
        content=csv_file(good_rows()),
        kind="csv",
    )
    assert validate_import_job(job.pk) == ImportState.VALIDATED
    assert validate_import_job(job.pk) is None  # already checked
    # Not confirmed: the import does nothing.
    assert apply_import_job(job.pk) == ImportState.VALIDATED
    assert not imported(cast).exists()
    assert validate_import_job(999_999) is None
    assert apply_import_job(999_999) is None


def test_an_unexpected_error_fails_the_job_without_a_server_error(
    cast: Any, coordinator: Client, run_tasks: Any
) -> None:
    with (
        mock.patch("placements.imports.check_rows", side_effect=RuntimeError("boom")),
        run_tasks(),
    ):
        response = upload(coordinator, cast, "stages.csv", csv_file(good_rows()))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.state == ImportState.FAILED
    assert coordinator.get(job_url(job)).status_code == 200


def test_an_error_during_the_import_rolls_everything_back(cast: Any, run_tasks: Any) -> None:
    from placements.imports import import_job_confirm

    job = checked_job(cast, csv_file(good_rows()))
    import_job_confirm(job=job, confirmed_by=cast.coordinator)
    with mock.patch.object(Placement.objects, "bulk_create", side_effect=RuntimeError("boom")):
        import_job_apply(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ImportState.FAILED
    assert not imported(cast).exists()
    assert not Invitation.objects.exists()
    assert not User.objects.filter(email="nina.nieuw@example.org").exists()


# --- Template files ----------------------------------------------------------------


def test_csv_template_has_the_dutch_headings(cast: Any, coordinator: Client) -> None:
    response = coordinator.get(template_url(cast, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="stages-importeren.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8-sig").strip() == ";".join(COLUMNS)
    assert COLUMNS == [
        "e-mailadres",
        "naam",
        "opleiding",
        "school",
        "wijkorganisatie",
        "startdatum",
        "einddatum",
        "stagedagen",
        "onderwijsdagen",
        "uren per week",
        "status",
    ]


def test_xlsx_template_has_the_dutch_headings_and_the_choices(
    cast: Any, coordinator: Client, run_tasks: Any
) -> None:
    response = coordinator.get(template_url(cast, "xlsx"))
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    first = workbook.worksheets[0]
    assert [cell.value for cell in first[1]] == COLUMNS
    values = {cell.value for sheet in workbook.worksheets[1:] for row in sheet for cell in row}
    assert {"Pabo", "Social work", "Basisschool De Regenboog", "Buurtteam Leidsche Rijn"} <= values

    # Filled in, the template imports.
    first.append(
        [
            "nina.nieuw@example.org",
            "Nina Nieuw",
            "Pabo",
            "Basisschool De Regenboog",
            None,
            datetime.date(2026, 9, 1),
            datetime.date(2027, 1, 31),
            "ma",
            None,
            16,
            "gepland",
        ]
    )
    output = io.BytesIO()
    workbook.save(output)
    with run_tasks():
        upload(coordinator, cast, "sjabloon.xlsx", output.getvalue())
    assert errors_by_row(ImportJob.objects.get()) == {}


def test_unknown_template_format_is_404(cast: Any, coordinator: Client) -> None:
    assert coordinator.get(template_url(cast, "pdf")).status_code == 404


# --- Access ------------------------------------------------------------------------


def all_urls(cast: Any, job: ImportJob) -> list[tuple[str, str]]:
    return [
        ("get", start_url(cast)),
        ("post", start_url(cast)),
        ("get", job_url(job)),
        ("get", progress_url(job)),
        ("post", confirm_url(job)),
        ("get", template_url(cast, "csv")),
        ("get", template_url(cast, "xlsx")),
    ]


@pytest.mark.parametrize(
    ("who", "status"),
    [("student", 403), ("supervisor", 403), ("outsider", 404), ("other_coordinator", 404)],
)
def test_only_the_coordinators_of_the_environment(
    cast: Any, client: Client, who: str, status: int
) -> None:
    job = checked_job(cast, csv_file(good_rows()))
    client.force_login(getattr(cast, who))
    for method, url in all_urls(cast, job):
        data = (
            {"file": SimpleUploadedFile("s.csv", csv_file(good_rows()))} if method == "post" else {}
        )
        response = getattr(client, method)(url, data)
        assert response.status_code == status, (method, url)
    assert ImportJob.objects.count() == 1
    job.refresh_from_db()
    assert job.state == ImportState.VALIDATED
    assert not imported(cast).exists()


def test_anonymous_is_sent_to_the_login_page(cast: Any, client: Client) -> None:
    job = checked_job(cast, csv_file(good_rows()))
    for method, url in all_urls(cast, job):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert not imported(cast).exists()


def test_a_job_of_another_environment_is_not_found(cast: Any, coordinator: Client) -> None:
    other = import_job_create(
        environment=cast.other_environment,
        created_by=cast.other_coordinator,
        file_name="elders.csv",
        content=csv_file(good_rows()),
        kind="csv",
    )
    for url in (
        reverse("placements:import_job", args=[cast.environment.pk, other.pk]),
        reverse("placements:import_progress", args=[cast.environment.pk, other.pk]),
    ):
        assert coordinator.get(url).status_code == 404
    response = coordinator.post(
        reverse("placements:import_confirm", args=[cast.environment.pk, other.pk])
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.state == ImportState.UPLOADED


def test_wrong_methods(cast: Any, coordinator: Client) -> None:
    job = checked_job(cast, csv_file(good_rows()))
    assert coordinator.get(confirm_url(job)).status_code == 405
    assert coordinator.post(job_url(job)).status_code == 405
    assert coordinator.post(progress_url(job)).status_code == 405
    assert coordinator.post(template_url(cast, "csv")).status_code == 405
    assert coordinator.put(start_url(cast)).status_code == 405
    assert not imported(cast).exists()


def test_csrf_is_enforced(cast: Any) -> None:
    job = checked_job(cast, csv_file(good_rows()))
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.coordinator)
    response = upload(client, cast, "stages.csv", csv_file(good_rows()))
    assert response.status_code == 403
    assert client.post(confirm_url(job)).status_code == 403
    assert ImportJob.objects.count() == 1
    job.refresh_from_db()
    assert job.state == ImportState.VALIDATED
    assert not imported(cast).exists()


def test_the_start_page(cast: Any, coordinator: Client) -> None:
    checked_job(cast, csv_file(good_rows()), name="eerder.csv")
    response = coordinator.get(start_url(cast))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert template_url(cast, "csv") in body and template_url(cast, "xlsx") in body
    assert "eerder.csv" in body
    fragment = coordinator.get(start_url(cast), HTTP_HX_REQUEST="true").content.decode()
    assert 'id="import-upload"' in fragment and "<html" not in fragment


def test_a_header_of_thousands_of_columns_is_refused_at_once() -> None:
    """A crafted header must not keep a web worker busy (the check was quadratic)."""
    from placements.imports import ImportFileError

    header = ";".join(f"kolom{index}" for index in range(40_000)).encode()

    with pytest.raises(ImportFileError) as raised:
        read_table(content=header + b"\n", kind="csv", header_only=True)

    assert raised.value.code == "unknown_columns"


def test_an_xlsx_claiming_a_huge_sheet_is_read_as_far_as_it_has_data(cast: Any) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    # Rewrite the sheet's own <dimension> to claim the largest possible sheet.
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)
            target.writestr(item, data)

    from placements.imports import ImportFileError

    with pytest.raises(ImportFileError) as raised:
        read_table(content=patched.getvalue(), kind="xlsx")

    # Only the heading row exists; the claimed million rows are not padded in.
    assert raised.value.code == "no_rows"
