"""Bulk import of students and placements from a CSV or Excel file.

The flow: the upload form checks the file's type, size and column headings
(``inspect_upload``) → an ``ImportJob`` → a dry run checks every row
(``import_job_validate``, a task) → the coordinator confirms
(``import_job_confirm``) → the import (``import_job_apply``, a task) checks
every row again and then creates everything in one transaction, or nothing.

People without an account get one without a usable password, their student
membership and placement, and an invitation; accepting the invitation sets the
password (``accounts.services.invitation_accept_new_user``). Their placement
thereby exists from the start: coordinators can assign supervisors and the
dashboards count it before the student has logged in.

Errors are stored as message codes with parameters and rendered in the
reader's language (``describe``).
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import InterfaceError, OperationalError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_bulk_created
from accounts.models import Invitation, Membership, Role, User
from accounts.services import invitation_create, membership_save
from environments.models import LearningEnvironment, Organisation, OrganisationKind, Programme
from placements.models import (
    ImportJob,
    ImportKind,
    ImportState,
    Placement,
    PlacementStatus,
    weekdays_to_mask,
)
from ulvo.lib.dates import FIRST_YEAR, LAST_YEAR, is_plausible
from ulvo.lib.formats import short_date

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# The template has a dozen columns; anything far wider is not one of ours.
MAX_COLUMNS = 50
# An .xlsx is a zip archive: its unpacked size is bounded too (zip bombs).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_CELL_LENGTH = 255
MAX_NAME_LENGTH = 150
MAX_EMAIL_LENGTH = 254
# How much of a cell the report repeats back.
MAX_SHOWN_LENGTH = 80
PROGRESS_EVERY = 100
PROGRESS_TIMEOUT = 60 * 60


# --- Columns -----------------------------------------------------------------------


EMAIL = "e-mailadres"
NAME = "naam"
PROGRAMME = "opleiding"
SCHOOL = "school"
NEIGHBOURHOOD = "wijkorganisatie"
START = "startdatum"
END = "einddatum"
DAYS_ON_SITE = "stagedagen"
INSTITUTE_DAYS = "onderwijsdagen"
HOURS = "uren per week"
STATUS = "status"

# The file format, in the order of the template. The headings are Dutch in every
# interface language: they name the columns of the file, not labels.
COLUMNS = [
    EMAIL,
    NAME,
    PROGRAMME,
    SCHOOL,
    NEIGHBOURHOOD,
    START,
    END,
    DAYS_ON_SITE,
    INSTITUTE_DAYS,
    HOURS,
    STATUS,
]
REQUIRED_COLUMNS = [EMAIL, NAME, PROGRAMME, START, END, DAYS_ON_SITE, HOURS]
HOST_COLUMNS = [SCHOOL, NEIGHBOURHOOD]

# Other spellings people use for the headings.
ALIASES = {
    "e-mail": EMAIL,
    "email": EMAIL,
    "emailadres": EMAIL,
    "e-mail adres": EMAIL,
    "volledige naam": NAME,
    "naam student": NAME,
    "opleidingsschool": SCHOOL,
    "wijk": NEIGHBOURHOOD,
    "wijkorganisaties": NEIGHBOURHOOD,
    "begindatum": START,
    "einddatum stage": END,
    "stagedag": DAYS_ON_SITE,
    "onderwijsdag": INSTITUTE_DAYS,
    "lesdagen": INSTITUTE_DAYS,
    "uren": HOURS,
    "uren/week": HOURS,
    "uren per week (doel)": HOURS,
}

DAYS = {
    1: ["1", "ma", "maa", "maan", "maandag", "mo", "mon", "monday"],
    2: ["2", "di", "din", "dins", "dinsdag", "tu", "tue", "tues", "tuesday"],
    3: ["3", "wo", "woe", "woens", "woensdag", "we", "wed", "wednesday"],
    4: ["4", "do", "don", "dond", "donderdag", "th", "thu", "thur", "thurs", "thursday"],
    5: ["5", "vr", "vrij", "vrijdag", "fr", "fri", "friday"],
}
DAY_BY_WORD = {word: day for day, words in DAYS.items() for word in words}
DAY_SEPARATORS = re.compile(r"[\s,;/+&|]+")
DAY_FILLERS = {"", "en", "and"}
DAY_ABBREVIATIONS = {1: "ma", 2: "di", 3: "wo", 4: "do", 5: "vr"}

STATUSES = {
    "gepland": PlacementStatus.PLANNED,
    "planned": PlacementStatus.PLANNED,
    "actief": PlacementStatus.ACTIVE,
    "active": PlacementStatus.ACTIVE,
}

DATE_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
HOURS_TEXT = re.compile(r"^-?\d{1,6}(?:\.\d{1,6})?$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- Messages ----------------------------------------------------------------------

MESSAGES: dict[str, Promise] = {
    # The file as a whole.
    "empty": _("The file is empty."),
    "too_big": _("The file is larger than %(max)s MB. Split it into smaller files."),
    "wrong_type": _(
        "Choose a CSV file (.csv) or an Excel workbook (.xlsx). Other file types cannot be "
        "imported."
    ),
    "not_xlsx": _(
        "This file is not a readable Excel workbook (.xlsx). Save it again as “Excel "
        "workbook (.xlsx)”, without a password, or as “CSV UTF-8”."
    ),
    "csv_is_spreadsheet": _(
        "This file is a spreadsheet, not a CSV text file. Upload it with the extension "
        ".xlsx, or save it as “CSV UTF-8”."
    ),
    "nul_bytes": _("The file contains NUL bytes: it is not a text (CSV) file."),
    "not_utf8": _(
        "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (comma delimited)”."
    ),
    "csv_malformed": _("The CSV file cannot be read near line %(line)s: %(problem)s."),
    "no_header": _("The file has no row with column headings."),
    "missing_columns": _(
        "These columns are missing: %(columns)s. Use the headings of the template file."
    ),
    "missing_host_column": _("The file needs a column “school” or “wijkorganisatie”, or both."),
    "unknown_columns": _(
        "Unknown columns: %(columns)s. Use the headings of the template file: %(expected)s."
    ),
    "duplicate_columns": _("These columns appear more than once: %(columns)s."),
    "no_rows": _("The file has no rows below the column headings."),
    "too_many_rows": _(
        "The file has more than %(max)s rows. Split it into files of at most %(max)s rows."
    ),
    "failed": _(
        "Something went wrong while processing this file; nothing was imported. Try again, "
        "or ask for help if it happens again."
    ),
    # One cell.
    "required": _("Fill this in."),
    "too_long": _("Too long: at most %(max)s characters."),
    "control_characters": _("Contains invisible control characters."),
    "email_invalid": _("“%(value)s” is not a valid e-mail address."),
    "programme_unknown": _(
        "“%(value)s” is not a programme of the institutes in this learning environment. "
        "Known programmes: %(choices)s."
    ),
    "programme_ambiguous": _(
        "Several institutes have a programme “%(value)s”; write one of: %(choices)s."
    ),
    "school_unknown": _(
        "“%(value)s” is not a partner school of this learning environment. Known schools: "
        "%(choices)s."
    ),
    "neighbourhood_unknown": _(
        "“%(value)s” is not a partner neighbourhood organisation of this learning "
        "environment. Known organisations: %(choices)s."
    ),
    "host_required": _("Fill in a school, a neighbourhood organisation, or both."),
    "date_invalid": _("“%(value)s” is not a date; write it as dd-mm-jjjj, e.g. 01-09-2026."),
    "date_out_of_range": _("Choose a date between %(first)s and %(last)s."),
    "end_before_start": _("The end date lies before the start date."),
    "day_unknown": _("“%(value)s” is not a weekday; use ma, di, wo, do and vr."),
    "days_overlap": _("On %(days)s the student cannot be on site and at the institute both."),
    "hours_invalid": _("“%(value)s” is not a number of hours."),
    "hours_range": _("Hours per week must lie between 0 and 40."),
    "hours_precision": _("Use at most one decimal, e.g. 16,5."),
    "status_invalid": _("“%(value)s” cannot be imported; use gepland or actief."),
    "duplicate_row": _("Row %(row)s has the same student and programme for an overlapping period."),
    "overlapping_placement": _(
        "This student already has a placement in this programme from %(start)s to %(end)s "
        "that overlaps."
    ),
    "account_inactive": _("The account with this e-mail address has been deactivated."),
    "extra_values": _("This row has values in a column without a heading."),
}

# What a valid row does (or did).
OUTCOMES: dict[str, Promise] = {
    "invite": _("New student: account, invitation and placement"),
    "add": _("Existing account: joins this learning environment, with placement"),
    "placement": _("Placement"),
    "unchanged": _("Already imported: nothing changes"),
}


def describe(code: str, params: dict[str, Any] | None = None) -> str:
    template = MESSAGES.get(code, MESSAGES["failed"])
    return str(template) % (params or {})


class ImportFileError(Exception):
    """A problem with the file as a whole; nothing in it can be checked further."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> str:
        return describe(self.code, self.params)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": self.params}


class ImportJobError(Exception):
    """An import that cannot take this step; the code is for the view."""


# --- Reading the file --------------------------------------------------------------


@dataclass
class Table:
    """The file's columns (canonical names, "" for a blank heading) and data rows.

    Each row is (its row number in the file, counting the heading as 1, its cells).
    Blank rows are left out but keep their place in the numbering.
    """

    columns: list[str]
    rows: list[tuple[int, list[Any]]]


def _heading(value: Any) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.replace("\ufeff", "").replace("_", " ").split()).lower()
    return ALIASES.get(text, text)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f"“{name}”" for name in names)


def _check_columns(raw: list[Any]) -> list[str]:
    # Trailing empty cells (Excel pads rows) are not columns.
    while raw and _heading(raw[-1]) == "":
        raw = raw[:-1]
    if len(raw) > MAX_COLUMNS:
        raise ImportFileError(
            "unknown_columns",
            columns=_quoted([str(value).strip()[:MAX_SHOWN_LENGTH] for value in raw[:5]] + ["…"]),
            expected=_quoted(COLUMNS),
        )
    columns = [_heading(value) for value in raw]
    named = [column for column in columns if column]
    if not named:
        raise ImportFileError("no_header")
    duplicates = sorted(column for column, count in Counter(named).items() if count > 1)
    if duplicates:
        raise ImportFileError("duplicate_columns", columns=_quoted(duplicates))
    unknown = [column for column in named if column not in COLUMNS]
    if unknown:
        shown = [
            str(value).strip()[:MAX_SHOWN_LENGTH] for value in raw if _heading(value) in unknown
        ]
        raise ImportFileError("unknown_columns", columns=_quoted(shown), expected=_quoted(COLUMNS))
    missing = [column for column in REQUIRED_COLUMNS if column not in named]
    if missing:
        raise ImportFileError("missing_columns", columns=_quoted(missing))
    if not any(column in named for column in HOST_COLUMNS):
        raise ImportFileError("missing_host_column")
    return columns


def _table(records: Iterator[list[Any]], *, header_only: bool) -> Table:
    columns: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, record in enumerate(records, start=1):
        if all(_is_blank(value) for value in record):
            continue
        if columns is None:
            columns = _check_columns(list(record))
            continue
        if len(rows) == MAX_ROWS:
            raise ImportFileError("too_many_rows", max=MAX_ROWS)
        rows.append((number, list(record)))
        if header_only:
            break
    if columns is None:
        raise ImportFileError("no_header")
    if not rows:
        raise ImportFileError("no_rows")
    return Table(columns=columns, rows=rows)


def _decode_csv(content: bytes) -> str:
    if content.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ImportFileError("csv_is_spreadsheet")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError("not_utf8")
    if b"\x00" in content:
        raise ImportFileError("nul_bytes")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError("not_utf8") from error


def _csv_records(text: str) -> Iterator[list[Any]]:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        yield from reader
    except csv.Error as error:
        raise ImportFileError("csv_malformed", line=reader.line_num, problem=str(error)) from error


def _xlsx_records(content: bytes) -> Iterator[list[Any]]:
    if not content.startswith(b"PK\x03\x04"):
        raise ImportFileError("not_xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ImportFileError("not_xlsx") from error
    if "xl/workbook.xml" not in names:
        raise ImportFileError("not_xlsx")
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError("too_big", max=MAX_FILE_BYTES // (1024 * 1024))

    import openpyxl

    # Untrusted input to a third-party parser: whatever it raises means "unreadable".
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:
        raise ImportFileError("not_xlsx") from error
    try:
        sheet = workbook.worksheets[0]
        # Never trust the file's own <dimension>: it can claim a million rows and
        # 16,384 columns that read-only mode would pad with empty cells.
        sheet.reset_dimensions()
        for record in sheet.iter_rows(
            values_only=True, max_col=MAX_COLUMNS + 1, max_row=MAX_ROWS + 2
        ):
            yield list(record)
    except Exception as error:
        raise ImportFileError("not_xlsx") from error
    finally:
        workbook.close()


def read_table(*, content: bytes, kind: str, header_only: bool = False) -> Table:
    """Read the headings and rows of a file; ImportFileError when that is not possible.

    ``header_only``: read no further than the headings and the first row.
    """
    if not content:
        raise ImportFileError("empty")
    if kind == ImportKind.XLSX:
        return _table(_xlsx_records(content), header_only=header_only)
    return _table(_csv_records(_decode_csv(content)), header_only=header_only)


def inspect_upload(*, name: str, content: bytes) -> str:
    """Check an uploaded file's type (by its content), size and headings; return its kind."""
    if not content:
        raise ImportFileError("empty")
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError("too_big", max=MAX_FILE_BYTES // (1024 * 1024))
    extension = PurePath(name).suffix.lower()
    if extension == ".xlsx":
        kind = ImportKind.XLSX
    elif extension in (".csv", ".txt"):
        kind = ImportKind.CSV
    else:
        raise ImportFileError("wrong_type")
    read_table(content=content, kind=kind, header_only=True)
    return kind


# --- Checking the rows -------------------------------------------------------------


@dataclass
class RowError:
    column: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Row:
    """One row of the file, its cleaned values, and what the import does with it."""

    number: int
    shown: dict[str, str] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    email: str = ""
    full_name: str = ""
    programme: Programme | None = None
    school: Organisation | None = None
    neighbourhood: Organisation | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    days_on_site: list[int] = field(default_factory=list)
    institute_days: list[int] = field(default_factory=list)
    hours: Decimal | None = None
    status: str = PlacementStatus.PLANNED
    user: User | None = None
    outcome: str = ""

    def error(self, column: str, code: str, **params: Any) -> None:
        self.errors.append(RowError(column, code, params))

    def has_error_in(self, *columns: str) -> bool:
        return any(error.column in columns for error in self.errors)

    def as_report(self) -> dict[str, Any]:
        return {
            "row": self.number,
            **self.shown,
            "outcome": "" if self.errors else self.outcome,
            "errors": [
                {"column": error.column, "code": error.code, "params": error.params}
                for error in self.errors
            ],
        }


def _shown(text: str) -> str:
    return text if len(text) <= MAX_SHOWN_LENGTH else text[: MAX_SHOWN_LENGTH - 1] + "…"


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _choices(names: Iterable[str], limit: int = 12) -> str:
    ordered = sorted(set(names), key=str.casefold)
    if not ordered:
        return "–"
    shown = ", ".join(ordered[:limit])
    return shown + (", …" if len(ordered) > limit else "")


class _Environment:
    """The environment's programmes and partner organisations, looked up by name."""

    def __init__(self, environment: LearningEnvironment) -> None:
        self.environment = environment
        self.programmes_by_name: dict[str, list[Programme]] = {}
        self.programmes_by_full_name: dict[str, Programme] = {}
        for programme in environment.programmes():
            self.programmes_by_name.setdefault(_key(programme.name), []).append(programme)
            full_name = f"{programme.name} ({programme.institute.name})"
            self.programmes_by_full_name[_key(full_name)] = programme
        self.organisations: dict[str, dict[str, Organisation]] = {
            OrganisationKind.SCHOOL: {},
            OrganisationKind.NEIGHBOURHOOD: {},
        }
        for organisation in environment.organisations.filter(
            kind__in=[OrganisationKind.SCHOOL, OrganisationKind.NEIGHBOURHOOD]
        ):
            self.organisations[organisation.kind][_key(organisation.name)] = organisation

    def programme_label(self, programme: Programme) -> str:
        """The name to write in the file: with the institute when the name alone is ambiguous."""
        if len(self.programmes_by_name[_key(programme.name)]) > 1:
            return f"{programme.name} ({programme.institute.name})"
        return programme.name

    def programme_labels(self) -> list[str]:
        return sorted(
            {
                self.programme_label(programme)
                for programmes in self.programmes_by_name.values()
                for programme in programmes
            },
            key=str.casefold,
        )

    def organisation_names(self, kind: str) -> list[str]:
        return sorted(
            (organisation.name for organisation in self.organisations[kind].values()),
            key=str.casefold,
        )

    def find_programme(self, row: Row, text: str) -> None:
        candidates = self.programmes_by_name.get(_key(text), [])
        if len(candidates) == 1:
            row.programme = candidates[0]
        elif len(candidates) > 1:
            row.error(
                PROGRAMME,
                "programme_ambiguous",
                value=_shown(text),
                choices=_quoted(f"{p.name} ({p.institute.name})" for p in candidates),
            )
        elif (programme := self.programmes_by_full_name.get(_key(text))) is not None:
            row.programme = programme
        else:
            row.error(
                PROGRAMME,
                "programme_unknown",
                value=_shown(text),
                choices=_choices(self.programme_labels()),
            )

    def find_organisation(self, row: Row, column: str, text: str) -> Organisation | None:
        kind = OrganisationKind.SCHOOL if column == SCHOOL else OrganisationKind.NEIGHBOURHOOD
        organisation = self.organisations[kind].get(_key(text))
        if organisation is None:
            row.error(
                column,
                "school_unknown" if column == SCHOOL else "neighbourhood_unknown",
                value=_shown(text),
                choices=_choices(self.organisation_names(kind)),
            )
        return organisation


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value).strip()


def _date(row: Row, column: str, value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        day: datetime.date = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        text = _text(value)
        if match := DATE_DMY.match(text):
            day_part, month_part, year_part = match.groups()
        elif match := DATE_ISO.match(text):
            year_part, month_part, day_part = match.groups()
        else:
            row.error(column, "date_invalid", value=_shown(text))
            return None
        try:
            day = datetime.date(int(year_part), int(month_part), int(day_part))
        except ValueError:
            row.error(column, "date_invalid", value=_shown(text))
            return None
    if not is_plausible(day):
        row.error(column, "date_out_of_range", first=FIRST_YEAR, last=LAST_YEAR)
        return None
    return day


def _days(row: Row, column: str, value: Any) -> list[int]:
    days: set[int] = set()
    for word in DAY_SEPARATORS.split(_text(value).casefold()):
        word = word.strip(".")
        if word in DAY_FILLERS:
            continue
        day = DAY_BY_WORD.get(word)
        if day is None:
            row.error(column, "day_unknown", value=_shown(word))
            return []
        days.add(day)
    return sorted(days)


def _hours(row: Row, value: Any) -> Decimal | None:
    if isinstance(value, bool):
        row.error(HOURS, "hours_invalid", value=_shown(_text(value)))
        return None
    text = _text(value).replace(",", ".")
    if not HOURS_TEXT.match(text):
        row.error(HOURS, "hours_invalid", value=_shown(_text(value)))
        return None
    try:
        hours = Decimal(text)
    except InvalidOperation:
        row.error(HOURS, "hours_invalid", value=_shown(_text(value)))
        return None
    if not Decimal(0) <= hours <= Decimal(40):
        row.error(HOURS, "hours_range")
        return None
    if hours != hours.quantize(Decimal("0.1")):
        row.error(HOURS, "hours_precision")
        return None
    return hours.quantize(Decimal("0.1"))


def _parse_row(number: int, cells: dict[str, Any], extra: bool, known: _Environment) -> Row:
    row = Row(number=number)
    texts = {column: _text(value) for column, value in cells.items()}
    dates = [
        short_date(value) if isinstance(value, datetime.date) else _shown(texts.get(column, ""))
        for column, value in ((START, cells.get(START)), (END, cells.get(END)))
    ]
    row.shown = {
        "email": _shown(texts.get(EMAIL, "")),
        "name": _shown(" ".join(texts.get(NAME, "").split())),
        "programme": _shown(texts.get(PROGRAMME, "")),
        "period": " – ".join(dates) if any(dates) else "",
    }
    if extra:
        row.error("", "extra_values")
    usable: dict[str, Any] = {}
    for column in COLUMNS:
        value = cells.get(column)
        if _is_blank(value):
            if column in REQUIRED_COLUMNS:
                row.error(column, "required")
            continue
        text = texts[column]
        limit = {EMAIL: MAX_EMAIL_LENGTH, NAME: MAX_NAME_LENGTH}.get(column, MAX_CELL_LENGTH)
        if CONTROL_CHARACTERS.search(text):
            row.error(column, "control_characters")
        elif len(text) > limit:
            row.error(column, "too_long", max=limit)
        else:
            usable[column] = value

    if EMAIL in usable:
        email = texts[EMAIL].lower()
        try:
            validate_email(email)
        except ValidationError:
            row.error(EMAIL, "email_invalid", value=_shown(texts[EMAIL]))
        else:
            row.email = row.shown["email"] = email
    if NAME in usable:
        row.full_name = " ".join(texts[NAME].split())
    if PROGRAMME in usable:
        known.find_programme(row, texts[PROGRAMME])
    if SCHOOL in usable:
        row.school = known.find_organisation(row, SCHOOL, texts[SCHOOL])
    if NEIGHBOURHOOD in usable:
        row.neighbourhood = known.find_organisation(row, NEIGHBOURHOOD, texts[NEIGHBOURHOOD])
    if (
        _is_blank(cells.get(SCHOOL))
        and _is_blank(cells.get(NEIGHBOURHOOD))
        and not row.has_error_in(SCHOOL, NEIGHBOURHOOD)
    ):
        row.error(SCHOOL, "host_required")
    if START in usable:
        row.start = _date(row, START, usable[START])
    if END in usable:
        row.end = _date(row, END, usable[END])
    if row.start and row.end and row.end < row.start:
        row.error(END, "end_before_start")
    if DAYS_ON_SITE in usable:
        row.days_on_site = _days(row, DAYS_ON_SITE, usable[DAYS_ON_SITE])
    if INSTITUTE_DAYS in usable:
        row.institute_days = _days(row, INSTITUTE_DAYS, usable[INSTITUTE_DAYS])
    both = sorted(set(row.days_on_site) & set(row.institute_days))
    if both:
        row.error(
            INSTITUTE_DAYS,
            "days_overlap",
            days=", ".join(DAY_ABBREVIATIONS[day] for day in both),
        )
    if HOURS in usable:
        row.hours = _hours(row, usable[HOURS])
    if STATUS in usable:
        status = STATUSES.get(_key(texts[STATUS]))
        if status is None:
            row.error(STATUS, "status_invalid", value=_shown(texts[STATUS]))
        else:
            row.status = status
    return row


def _overlaps(a: Row, start: datetime.date, end: datetime.date) -> bool:
    assert a.start is not None and a.end is not None
    return a.start <= end and start <= a.end


def _check_against_each_other(rows: list[Row]) -> None:
    seen: dict[tuple[str, int], list[Row]] = {}
    for row in rows:
        if not (row.email and row.programme and row.start and row.end):
            continue
        if row.has_error_in(END):
            continue
        earlier = seen.setdefault((row.email, row.programme.pk), [])
        clash = next((other for other in earlier if _overlaps(other, row.start, row.end)), None)
        if clash is not None:
            row.error(EMAIL, "duplicate_row", row=clash.number)
        else:
            earlier.append(row)


def _check_against_database(environment: LearningEnvironment, rows: list[Row]) -> None:
    """Existing accounts and placements, and what the import will do with each row."""
    emails = {row.email for row in rows if row.email}
    users = {
        user.email.lower(): user
        for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    }
    placements: dict[tuple[int, int], list[Placement]] = {}
    # Only this environment's placements: a coordinator learns nothing of others'.
    for placement in Placement.objects.filter(
        environment=environment,
        student__in=list(users.values()),
        programme__in={row.programme.pk for row in rows if row.programme},
    ).exclude(status=PlacementStatus.CANCELLED):
        placements.setdefault((placement.student_id, placement.programme_id), []).append(placement)
    members = set(
        Membership.objects.filter(
            environment=environment,
            role=Role.STUDENT,
            user__in=list(users.values()),
            is_active=True,
        ).values_list("user_id", flat=True)
    )
    invited = {
        email.lower()
        for email in Invitation.objects.pending()
        .filter(environment=environment, role=Role.STUDENT, email__in=emails)
        .values_list("email", flat=True)
    }

    handled: set[str] = set()
    for row in rows:
        if not row.email:
            continue
        user = users.get(row.email)
        row.user = user
        if user is not None and not user.is_active:
            row.error(EMAIL, "account_inactive")
            continue
        if user is not None and row.programme and row.start and row.end:
            for placement in placements.get((user.pk, row.programme.pk), []):
                if (
                    placement.environment_id == environment.pk
                    and placement.start_date == row.start
                    and placement.end_date == row.end
                ):
                    row.outcome = "unchanged"
                    break
                if _overlaps(row, placement.start_date, placement.end_date):
                    row.error(
                        START,
                        "overlapping_placement",
                        start=short_date(placement.start_date),
                        end=short_date(placement.end_date),
                    )
                    break
        if row.errors or row.outcome == "unchanged":
            continue
        if row.email in handled:
            row.outcome = "placement"
        elif user is None or (not user.has_usable_password() and row.email not in invited):
            row.outcome = "invite"
        elif user.pk not in members:
            row.outcome = "add"
        else:
            row.outcome = "placement"
        handled.add(row.email)


def check_rows(
    *,
    environment: LearningEnvironment,
    table: Table,
    progress: Callable[[int], None] | None = None,
) -> list[Row]:
    """Check every row of a file; each Row carries its errors or its outcome."""
    known = _Environment(environment)
    rows: list[Row] = []
    for index, (number, record) in enumerate(table.rows, start=1):
        cells: dict[str, Any] = {}
        extra = False
        for position, value in enumerate(record):
            column = table.columns[position] if position < len(table.columns) else ""
            if column:
                cells[column] = value
            elif not _is_blank(value):
                extra = True
        rows.append(_parse_row(number, cells, extra, known))
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(index)
    _check_against_each_other(rows)
    _check_against_database(environment, rows)
    return rows


def _report(rows: list[Row], file_error: ImportFileError | None = None) -> dict[str, Any]:
    valid = [row for row in rows if not row.errors]
    return {
        "file_errors": [file_error.as_dict()] if file_error else [],
        "rows": [row.as_report() for row in rows],
        "summary": {
            "rows": len(rows),
            "invalid": len(rows) - len(valid),
            "placements": sum(row.outcome != "unchanged" for row in valid),
            "invitations": sum(row.outcome == "invite" for row in valid),
            "unchanged": sum(row.outcome == "unchanged" for row in valid),
        },
    }


# --- The job: create, check, confirm, import ---------------------------------------


@transaction.atomic
def import_job_create(
    *,
    environment: LearningEnvironment,
    created_by: User,
    file_name: str,
    content: bytes,
    kind: str,
) -> ImportJob:
    """Store an uploaded file and start its dry run."""
    from placements.tasks import validate_import_job

    job = ImportJob.objects.create(
        environment=environment,
        created_by=created_by,
        file_name=PurePath(file_name).name[:255] or "import",
        content=content,
        kind=kind,
    )
    validate_import_job.delay_on_commit(job.pk)
    return job


def _set_progress(job_pk: int, done: int) -> None:
    # Progress of work inside one transaction is invisible to other database
    # connections; the cache carries it. Losing it only stalls the progress bar.
    try:
        cache.set(f"placements:import:{job_pk}:progress", done, PROGRESS_TIMEOUT)
    except Exception:
        logger.warning("Could not record the progress of import %s", job_pk, exc_info=True)


def _cached_progress(job_pk: int) -> int:
    try:
        value = cache.get(f"placements:import:{job_pk}:progress", 0)
    except Exception:
        return 0
    return value if isinstance(value, int) else 0


@dataclass
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def import_job_progress(*, job: ImportJob) -> Progress:
    done = job.processed_rows
    if job.state == ImportState.IMPORTING:
        done = max(done, _cached_progress(job.pk))
    return Progress(done=min(done, job.total_rows), total=job.total_rows)


def _fail(job_pk: int) -> None:
    ImportJob.objects.filter(pk=job_pk).update(
        state=ImportState.FAILED,
        report={"file_errors": [{"code": "failed", "params": {}}], "rows": [], "summary": {}},
        finished_at=timezone.now(),
    )


def _check_job(job: ImportJob, *, track: bool) -> tuple[dict[str, Any], list[Row]]:
    try:
        table = read_table(content=bytes(job.content), kind=job.kind)
    except ImportFileError as error:
        return _report([], error), []
    total = len(table.rows)
    if track:
        ImportJob.objects.filter(pk=job.pk).update(total_rows=total, processed_rows=0)

    def progress(done: int) -> None:
        if track:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)

    rows = check_rows(environment=job.environment, table=table, progress=progress)
    return _report(rows), rows


def import_job_validate(*, job_id: int) -> ImportJob | None:
    """The dry run: check every row and store the report. Safe to run again."""
    claimed = ImportJob.objects.filter(
        pk=job_id, state__in=[ImportState.UPLOADED, ImportState.VALIDATING]
    ).update(state=ImportState.VALIDATING)
    if not claimed:
        return None
    try:
        job = ImportJob.objects.select_related("environment").get(pk=job_id)
        report, rows = _check_job(job, track=True)
        job.report = report
        job.state = ImportState.VALIDATED
        job.total_rows = len(rows)
        job.processed_rows = len(rows)
        job.save(update_fields=["report", "state", "total_rows", "processed_rows"])
    except (OperationalError, InterfaceError):
        raise  # transient: the task retries
    except Exception:
        logger.exception("Import %s could not be checked", job_id)
        _fail(job_id)
        return None
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob, confirmed_by: User) -> ImportJob:
    """Start the real import of a checked file without errors.

    Confirming twice starts it once; a finished import cannot be started again.
    """
    from placements.tasks import apply_import_job

    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.state == ImportState.IMPORTING:
        return job
    if job.state == ImportState.DONE:
        raise ImportJobError("done")
    if not job.can_be_imported:
        raise ImportJobError("not_ready")
    job.state = ImportState.IMPORTING
    job.processed_rows = 0
    job.confirmed_by = confirmed_by
    job.save(update_fields=["state", "processed_rows", "confirmed_by"])
    apply_import_job.delay_on_commit(job.pk)
    return job


def _create(
    *,
    environment: LearningEnvironment,
    rows: list[Row],
    invited_by: User,
    job_pk: int,
) -> dict[str, int]:
    result = {"placements": 0, "invitations": 0, "accounts": 0, "memberships": 0}
    users: dict[str, User] = {}
    members: set[int] = set()
    placements: list[Placement] = []
    for index, row in enumerate(rows, start=1):
        if index % PROGRESS_EVERY == 0:
            _set_progress(job_pk, index)
        if row.outcome == "unchanged":
            continue
        assert row.programme is not None and row.start and row.end and row.hours is not None
        user = users.get(row.email) or row.user
        if user is None:
            # No usable password: the invitation is how the student sets one.
            user = User.objects.create_user(email=row.email, password=None, full_name=row.full_name)
            result["accounts"] += 1
        users[row.email] = user
        if user.pk not in members:
            membership = Membership.objects.filter(
                user=user, environment=environment, role=Role.STUDENT
            ).first() or Membership(
                user=user, environment=environment, role=Role.STUDENT, programme=row.programme
            )
            if membership.pk is None or not membership.is_active:
                membership.is_active = True
                membership_save(membership=membership)
                result["memberships"] += 1
            members.add(user.pk)
        if row.outcome == "invite":
            invitation_create(
                environment=environment,
                invited_by=invited_by,
                email=row.email,
                role=Role.STUDENT,
                full_name=row.full_name,
                programme=row.programme,
            )
            result["invitations"] += 1
        placements.append(
            Placement(
                student=user,
                programme=row.programme,
                environment=environment,
                school=row.school,
                neighbourhood_organisation=row.neighbourhood,
                start_date=row.start,
                end_date=row.end,
                weekdays_on_site=weekdays_to_mask(row.days_on_site),
                institute_days=weekdays_to_mask(row.institute_days),
                hours_per_week=row.hours,
                status=row.status,
            )
        )
    Placement.objects.bulk_create(placements)
    audit_bulk_created(placements, actor_id=invited_by.pk)
    # Nobody supervises the new placements yet: no supervisor's home shows them.
    result["placements"] = len(placements)
    return result


@transaction.atomic
def _apply(job_id: int) -> ImportJob | None:
    job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.state != ImportState.IMPORTING:
        return job
    confirmed_by = job.confirmed_by
    report, rows = _check_job(job, track=False)
    if confirmed_by is None or not rows or report["summary"]["invalid"] or report["file_errors"]:
        # Something changed since the dry run: show the new report, import nothing.
        job.report = report
        job.state = ImportState.VALIDATED
        job.total_rows = job.processed_rows = len(rows)
        job.save(update_fields=["report", "state", "total_rows", "processed_rows"])
        return job
    report["result"] = _create(
        environment=job.environment, rows=rows, invited_by=confirmed_by, job_pk=job.pk
    )
    job.report = report
    job.state = ImportState.DONE
    job.total_rows = job.processed_rows = len(rows)
    # The names and addresses stay in the report; the file itself is not needed any more.
    job.content = b""
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "report",
            "state",
            "total_rows",
            "processed_rows",
            "content",
            "finished_at",
        ]
    )
    return job


def import_job_apply(*, job_id: int) -> ImportJob | None:
    """The real import: check again, then create everything or nothing. Idempotent."""
    try:
        return _apply(job_id)
    except (OperationalError, InterfaceError):
        raise  # transient: the task retries
    except Exception:
        logger.exception("Import %s failed", job_id)
        _fail(job_id)
        return None


# --- Showing the report ------------------------------------------------------------


@dataclass
class ReportRow:
    number: int
    email: str
    name: str
    programme: str
    period: str
    outcome: str
    errors: list[tuple[str, str]]


@dataclass
class ReportView:
    file_errors: list[str]
    invalid_rows: list[ReportRow]
    valid_rows: list[ReportRow]
    summary: dict[str, int]
    result: dict[str, int]


def report_view(*, job: ImportJob) -> ReportView:
    """The stored report in the reader's language."""
    report = job.report or {}
    invalid: list[ReportRow] = []
    valid: list[ReportRow] = []
    for entry in report.get("rows", []):
        row = ReportRow(
            number=entry.get("row", 0),
            email=entry.get("email", ""),
            name=entry.get("name", ""),
            programme=entry.get("programme", ""),
            period=entry.get("period", ""),
            outcome=str(OUTCOMES.get(entry.get("outcome", ""), "")),
            errors=[
                (error.get("column", ""), describe(error.get("code", ""), error.get("params")))
                for error in entry.get("errors", [])
            ],
        )
        (invalid if row.errors else valid).append(row)
    return ReportView(
        file_errors=[
            describe(error.get("code", ""), error.get("params"))
            for error in report.get("file_errors", [])
        ],
        invalid_rows=invalid,
        valid_rows=valid,
        summary=report.get("summary", {}),
        result=report.get("result", {}),
    )


# --- The template files ------------------------------------------------------------


def import_template_csv() -> bytes:
    """Headings only, separated by semicolons and with a BOM: Dutch Excel opens it as is."""
    return ("\ufeff" + ";".join(COLUMNS) + "\r\n").encode("utf-8")


def import_template_xlsx(*, environment: LearningEnvironment) -> bytes:
    """The headings on the first sheet; an explanation and the valid names on the next."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    known = _Environment(environment)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = str(_("Placements"))
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column) + 4)
    sheet.freeze_panes = "A2"

    lists = workbook.create_sheet(str(_("Choices")))
    choices = {
        PROGRAMME: known.programme_labels(),
        SCHOOL: known.organisation_names(OrganisationKind.SCHOOL),
        NEIGHBOURHOOD: known.organisation_names(OrganisationKind.NEIGHBOURHOOD),
        STATUS: ["gepland", "actief"],
    }
    last_row = MAX_ROWS + 1
    for list_index, (column, values) in enumerate(choices.items(), start=1):
        letter = get_column_letter(list_index)
        lists.cell(row=1, column=list_index, value=column).font = Font(bold=True)
        lists.column_dimensions[letter].width = 40
        for offset, value in enumerate(values, start=2):
            lists.cell(row=offset, column=list_index, value=value)
        if not values:
            continue
        # A warning, not a stop: a name may also be typed, and the import checks it.
        validation = DataValidation(
            type="list",
            formula1=f"{quote_sheetname(lists.title)}!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            errorStyle="warning",
        )
        target = get_column_letter(COLUMNS.index(column) + 1)
        validation.add(f"{target}2:{target}{last_row}")
        sheet.add_data_validation(validation)

    help_sheet = workbook.create_sheet(str(_("Explanation")))
    explanations = [
        (EMAIL, _("Required. The student's e-mail address; new students get an invitation.")),
        (NAME, _("Required. First and last name.")),
        (PROGRAMME, _("Required. A programme of a partner institute (see Choices).")),
        (SCHOOL, _("The partner school. Fill in a school, a neighbourhood organisation or both.")),
        (NEIGHBOURHOOD, _("The partner neighbourhood organisation.")),
        (START, _("Required. dd-mm-jjjj, e.g. 01-09-2026, or a date cell.")),
        (END, _("Required. Not before the start date.")),
        (DAYS_ON_SITE, _("Required. Days on site, e.g. “ma, di” or “maandag;dinsdag”.")),
        (INSTITUTE_DAYS, _("Fixed class days at the institute; not the same as days on site.")),
        (HOURS, _("Required. Target hours per week, 0 to 40, e.g. 16 or 16,5.")),
        (STATUS, _("gepland (default) or actief.")),
    ]
    help_sheet.append([str(_("Column")), str(_("Explanation"))])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column, text in explanations:
        help_sheet.append([column, str(text)])
    help_sheet.append([])
    help_sheet.append(
        [str(_("At most %(rows)s rows and %(mb)s MB per file.") % {"rows": MAX_ROWS, "mb": 5})]
    )
    help_sheet.column_dimensions["A"].width = 18
    help_sheet.column_dimensions["B"].width = 90

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
