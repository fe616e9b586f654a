"""A figure's table as CSV or Excel, safe to open in a spreadsheet.

A CSV follows the reader's language (``ulvo.lib.formats.csv_separators``): in Dutch
fields are separated by semicolons and numbers have a decimal comma, which Excel with
Dutch settings opens in columns (a comma-separated file lands in one column there); in
English commas and a decimal point. Dates are ISO (2026-10-12), which a spreadsheet
reads as a date in either language; thousands are not grouped, so a number stays a
number. An Excel file holds real numbers and dates, shown in the reader's own settings.
The file is named after the context and the figure's title in the reader's language.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from dashboards.tables import FigureTable
from ulvo.lib.formats import csv_separators

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    """Numbers and dates stay numbers and dates (a date and time in the local time
    zone, without one: spreadsheets know none); text that a spreadsheet would evaluate
    gets a quote first."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, datetime.date):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_cell(value: Any, decimal: str) -> Any:
    """A safe cell as CSV text: numbers with the language's decimal separator, dates ISO."""
    value = safe_cell(value)
    if isinstance(value, float | Decimal):
        return format(value, "f" if isinstance(value, Decimal) else "").replace(".", decimal)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return value


def _filename(table: FigureTable, context: str, extension: str) -> str:
    return f"{slugify(context)}-{slugify(str(table.title))}.{extension}"


def csv_response(table: FigureTable, context: str) -> HttpResponse:
    separator, decimal = csv_separators()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator)
    writer.writerow([csv_cell(c, decimal) for c in table.columns])
    for row in table.plain_rows():
        writer.writerow([csv_cell(c, decimal) for c in row])
    # A byte-order mark: Excel then reads the file as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(table, context, "csv")}"'
    return response


def xlsx_response(table: FigureTable, context: str) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "_", str(table.title))[:31])
    sheet.append([safe_cell(c) for c in table.columns])
    for row in table.plain_rows():
        sheet.append([safe_cell(c) for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(table, context, "xlsx")}"'
    return response
