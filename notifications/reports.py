"""The participation-balance report: requested on a page, produced by a task.

The figures are the dashboard's (``dashboards.figures``), so a report shows what
the coordinator saw on screen: counts and rates, never the text of a reflection.
"""

from __future__ import annotations

import datetime
import io
import logging
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from dashboards import figures
from dashboards.exports import safe_cell
from dashboards.views import environment_tables
from environments.models import LearningEnvironment
from notifications.models import Kind, Report, ReportState
from notifications.outbox import enqueue
from notifications.services import notify
from ulvo.lib.formats import short_date

logger = logging.getLogger(__name__)

# A running report whose worker has not finished by then is taken over.
STALE_AFTER = datetime.timedelta(minutes=15)
# A queued report whose task never reached a worker (broker down) is re-enqueued.
LOST_AFTER = datetime.timedelta(minutes=2)


def enqueue_report(report_id: int) -> bool:
    from notifications.tasks import produce_report

    return enqueue(produce_report, report_id)


@transaction.atomic
def report_request(
    *,
    environment: LearningEnvironment,
    requested_by: User | None,
    start: datetime.date,
    end: datetime.date,
) -> Report:
    report = Report.objects.create(
        environment=environment,
        requested_by=requested_by,
        period_start=start,
        period_end=end,
        expires_at=Report.default_expiry(),
    )
    transaction.on_commit(lambda: enqueue_report(report.pk))
    return report


def _claim(report_id: int) -> bool:
    """Move the report to running; false when another worker has it (or it is done)."""
    now = timezone.now()
    return bool(
        Report.objects.filter(pk=report_id)
        # A redelivered task of a worker that died may take over a stale run.
        .filter(_queued_or_stale(now))
        .update(state=ReportState.RUNNING, started_at=now, progress=1, error="")
    )


def _queued_or_stale(now: datetime.datetime) -> Q:
    return Q(state=ReportState.QUEUED) | Q(
        state=ReportState.RUNNING, started_at__lt=now - STALE_AFTER
    )


def _progress(report_id: int, value: int) -> None:
    Report.objects.filter(pk=report_id, state=ReportState.RUNNING).update(progress=value)


def report_produce(*, report_id: int) -> str:
    """Compute the figures, render PDF and XLSX, store them, tell who asked."""
    if not _claim(report_id):
        return "claimed-elsewhere"
    report = Report.objects.select_related("environment", "requested_by").get(pk=report_id)
    try:
        dashboard = collect_figures(report, lambda value: _progress(report_id, value))
        language = report.requested_by.language if report.requested_by else settings.LANGUAGE_CODE
        with translation.override(language):
            tables = figure_tables(dashboard)
            _progress(report_id, 70)
            pdf = render_pdf(report, tables)
            _progress(report_id, 90)
            xlsx = render_xlsx(report, tables)
    except Exception as error:
        logger.exception("Report %s failed", report_id)
        Report.objects.filter(pk=report_id).update(
            state=ReportState.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        return ReportState.FAILED
    with transaction.atomic():
        Report.objects.filter(pk=report_id).update(
            pdf=pdf,
            xlsx=xlsx,
            progress=100,
            state=ReportState.DONE,
            finished_at=timezone.now(),
        )
        _notify_ready(report)
    return ReportState.DONE


def _notify_ready(report: Report) -> None:
    if report.requested_by is not None:
        notify(
            recipient=report.requested_by,
            kind=Kind.REPORT_READY,
            dedupe_key=f"report_ready:{report.pk}",
            payload={"report": report.pk},
        )
        return
    month = report.period_start.strftime("%Y-%m")
    for membership in report.environment.memberships.filter(
        role=Role.COORDINATOR, is_active=True, user__is_active=True
    ).select_related("user"):
        notify(
            recipient=membership.user,
            kind=Kind.BALANCE_REPORT,
            dedupe_key=f"balance_report:{report.environment_id}:{month}:{membership.user_id}",
            payload={"report": report.pk},
        )


def collect_figures(report: Report, progress: Callable[[int], None]) -> Any:
    """The dashboard's figures for the report's environment and period, step by step."""
    period = figures.Period(
        start=report.period_start,
        end=report.period_end,
        label=f"{short_date(report.period_start)} – {short_date(report.period_end)}",
    )
    environment = report.environment
    steps: list[tuple[str, Callable[[Any, Any], Any]]] = [
        ("balance", figures.balance),
        ("on_site", figures.on_site),
        ("sessions", figures.sessions),
        ("supervision", figures.supervision),
        ("student_hours", figures.student_hours),
        ("professional_hours", figures.professional_hours),
        ("reflections", figures.reflections),
        ("usefulness", figures.usefulness),
    ]
    values: dict[str, Any] = {}
    for index, (name, function) in enumerate(steps, start=1):
        values[name] = function(environment, period)
        progress(5 + 60 * index // len(steps))
    return figures.Dashboard(environment=environment, period=period, **values)


def figure_tables(dashboard: Any) -> list[Any]:
    """The dashboard's tables with their SVG charts, as a coordinator sees them."""
    return environment_tables(dashboard, suppress=False)


def render_pdf(report: Report, tables: list[Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "notifications/report_pdf.html",
        {"report": report, "tables": tables, "now": timezone.now()},
    )
    return HTML(string=html).write_pdf()


def render_xlsx(report: Report, tables: list[Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Report")[:31]
    summary.append([_("Participation balance")])
    summary["A1"].font = Font(bold=True)
    summary.append([_("Learning environment"), safe_cell(report.environment.name)])
    summary.append([_("From"), report.period_start])
    summary.append([_("Until"), report.period_end])
    used = {summary.title}
    for table in tables:
        title = str(table.title)[:28]
        while title in used:
            title = f"{title[:26]}_{len(used)}"
        used.add(title)
        sheet = workbook.create_sheet(re.sub(r"[\[\]:*?/\\]", "_", title))
        sheet.append([safe_cell(str(column)) for column in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.plain_rows():
            sheet.append([safe_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def reports_purge_expired() -> int:
    """Retention: expired reports go, files and all."""
    deleted, _detail = Report.objects.expired().delete()
    return deleted


def reports_restart_lost() -> int:
    """Re-enqueue reports whose task never reached a worker or whose worker died."""
    now = timezone.now()
    ids = list(
        Report.objects.filter(created_at__lt=now - LOST_AFTER)
        .filter(_queued_or_stale(now))
        .values_list("pk", flat=True)[:100]
    )
    for pk in ids:
        enqueue_report(pk)
    return len(ids)
