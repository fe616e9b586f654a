"""A figure's table as CSV or Excel, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify

from dashboards.tables import FigureTable

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    """Numbers stay numbers; text that a spreadsheet would evaluate gets a quote first."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _filename(table: FigureTable, context: str, extension: str) -> str:
    return f"{slugify(context)}-{table.key}.{extension}"


def csv_response(table: FigureTable, context: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(c) for c in table.columns])
    for row in table.plain_rows():
        writer.writerow([safe_cell(c) for c in row])
    # A byte-order mark: Excel then reads the file as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(table, context, "csv")}"'
    return response


def xlsx_response(table: FigureTable, context: str) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.key[:31])
    sheet.append([safe_cell(c) for c in table.columns])
    for row in table.plain_rows():
        sheet.append([safe_cell(c) for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(table, context, "xlsx")}"'
    return response
