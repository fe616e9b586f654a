"""The participation-balance report: requested, produced by a task, downloaded, expired."""

import datetime
import io
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import Kind, Notification, Report, ReportState
from notifications.reports import (
    STALE_AFTER,
    report_produce,
    report_request,
    reports_purge_expired,
    reports_restart_lost,
)
from tests.clock import Clock
from tests.placements.factories import log_activity

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def as_user(user: Any) -> Client:
    client = Client()
    client.cookies["ulvo_language"] = "en"
    client.force_login(user)
    return client


def period() -> dict[str, str]:
    today = timezone.localdate()
    return {
        "period_start": (today - datetime.timedelta(days=90)).isoformat(),
        "period_end": (today + datetime.timedelta(days=30)).isoformat(),
    }


def produced(cast: Any) -> Report:
    today = timezone.localdate()
    report = report_request(
        environment=cast.environment,
        requested_by=cast.coordinator,
        start=today - datetime.timedelta(days=90),
        end=today + datetime.timedelta(days=30),
    )
    assert report_produce(report_id=report.pk) == ReportState.DONE
    report.refresh_from_db()
    return report


def test_a_coordinator_requests_a_report_and_the_task_produces_it(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    log_activity(cast.placement)
    coordinator = as_user(cast.coordinator)
    url = reverse("notifications:report_list", args=[cast.environment.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(url, period())

    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    assert (report.state, report.progress, report.requested_by) == (
        ReportState.DONE,
        100,
        cast.coordinator,
    )
    assert report.expires_at > timezone.now() + datetime.timedelta(days=6)
    page = coordinator.get(report.get_absolute_url()).content.decode()
    assert reverse("notifications:report_download", args=[report.pk, "pdf"]) in page
    assert reverse("notifications:report_download", args=[report.pk, "xlsx"]) in page
    ready = Notification.objects.get(kind=Kind.REPORT_READY)
    assert (ready.recipient, ready.payload) == (cast.coordinator, {"report": report.pk})


def test_the_pdf_renders_pages_with_the_dashboards_figures_and_charts(cast: Any) -> None:
    from pypdf import PdfReader

    report = produced(cast)
    response = as_user(cast.coordinator).get(
        reverse("notifications:report_download", args=[report.pk, "pdf"])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="ulvo-balance-')
    assert response["Cache-Control"].startswith("max-age=0")
    pdf = PdfReader(io.BytesIO(response.content))
    assert len(pdf.pages) >= 2
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Leidsche Rijn" in text
    assert "Social work" in text  # a programme row of the balance table
    # The SVG charts are drawn as vector paths (rectangles for the bars).
    assert any(b" re" in page.get_contents().get_data() for page in pdf.pages)  # type: ignore[union-attr]


def test_the_xlsx_opens_with_a_sheet_per_figure(cast: Any) -> None:
    from openpyxl import load_workbook

    report = produced(cast)
    response = as_user(cast.coordinator).get(
        reverse("notifications:report_download", args=[report.pk, "xlsx"])
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) >= 5
    cover = workbook.worksheets[0]
    assert cover["B2"].value == "Leidsche Rijn"
    values = [
        cell
        for sheet in workbook.worksheets[1:]
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    ]
    assert "Social work" in values


def test_the_progress_is_polled_through_htmx_until_done(cast: Any) -> None:
    today = timezone.localdate()
    report = report_request(
        environment=cast.environment, requested_by=cast.coordinator, start=today, end=today
    )
    coordinator = as_user(cast.coordinator)

    fragment = coordinator.get(report.get_absolute_url(), headers=HTMX).content.decode()
    assert 'id="report-progress"' in fragment and "<html" not in fragment
    assert 'hx-trigger="every 1s"' in fragment
    assert "<progress" in fragment
    # Without JavaScript the full page refreshes itself while the report runs.
    assert (
        '<meta http-equiv="refresh"' in coordinator.get(report.get_absolute_url()).content.decode()
    )

    Report.objects.filter(pk=report.pk).update(state=ReportState.RUNNING, progress=40)
    fragment = coordinator.get(report.get_absolute_url(), headers=HTMX).content.decode()
    assert 'value="40"' in fragment

    report_produce(report_id=report.pk)  # A running report is someone else's...
    Report.objects.filter(pk=report.pk).update(state=ReportState.QUEUED)
    report_produce(report_id=report.pk)  # ...a queued one is produced.
    fragment = coordinator.get(report.get_absolute_url(), headers=HTMX).content.decode()
    assert "hx-trigger" not in fragment
    assert "Download PDF" in fragment
    assert (
        '<meta http-equiv="refresh"'
        not in coordinator.get(report.get_absolute_url()).content.decode()
    )


def test_a_redelivered_task_produces_once_and_a_stale_run_is_taken_over(
    cast: Any, clock: Clock
) -> None:
    today = timezone.localdate()
    report = report_request(
        environment=cast.environment, requested_by=cast.coordinator, start=today, end=today
    )
    Report.objects.filter(pk=report.pk).update(
        state=ReportState.RUNNING, started_at=clock.now, progress=30
    )

    assert report_produce(report_id=report.pk) == "claimed-elsewhere"
    clock.advance(seconds=STALE_AFTER.total_seconds() + 1)
    with mock.patch("notifications.reports.enqueue_report") as enqueue:
        assert reports_restart_lost() == 1
    enqueue.assert_called_once_with(report.pk)
    assert report_produce(report_id=report.pk) == ReportState.DONE
    assert report_produce(report_id=report.pk) == "claimed-elsewhere"
    assert Notification.objects.filter(kind=Kind.REPORT_READY).count() == 1


def test_a_failing_report_is_marked_failed_with_its_error(cast: Any) -> None:
    today = timezone.localdate()
    report = report_request(
        environment=cast.environment, requested_by=cast.coordinator, start=today, end=today
    )
    with mock.patch("dashboards.figures.balance", side_effect=RuntimeError("figures broke")):
        assert report_produce(report_id=report.pk) == ReportState.FAILED

    report.refresh_from_db()
    assert report.state == ReportState.FAILED
    assert "figures broke" in report.error
    page = as_user(cast.coordinator).get(report.get_absolute_url()).content.decode()
    assert "could not be produced" in page
    assert "figures broke" not in page


def test_a_bad_period_is_refused_with_a_message(cast: Any) -> None:
    coordinator = as_user(cast.coordinator)
    url = reverse("notifications:report_list", args=[cast.environment.pk])

    for data in (
        {"period_start": "2026-12-01", "period_end": "2026-11-01"},
        {"period_start": "2020-01-01", "period_end": "2026-01-01"},
        {"period_start": "2026-02-30", "period_end": "2026-03-01"},
        {"period_start": "", "period_end": "\x00"},
        {},
    ):
        response = coordinator.post(url, data)
        assert response.status_code == 422, data
    assert not Report.objects.exists()


def test_only_the_environments_coordinators_download(cast: Any) -> None:
    report = produced(cast)
    url = reverse("notifications:report_download", args=[report.pk, "pdf"])

    assert as_user(cast.student).get(url).status_code == 403
    assert as_user(cast.other_coordinator).get(url).status_code == 404
    assert as_user(cast.outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    bad = reverse("notifications:report_download", args=[report.pk, "html"])
    assert as_user(cast.coordinator).get(bad).status_code == 404


def test_an_expired_report_is_no_longer_served_and_is_purged(cast: Any, clock: Clock) -> None:
    report = produced(cast)
    url = reverse("notifications:report_download", args=[report.pk, "pdf"])
    coordinator = as_user(cast.coordinator)
    assert coordinator.get(url).status_code == 200
    assert reports_purge_expired() == 0

    Report.objects.filter(pk=report.pk).update(expires_at=clock.now)
    assert coordinator.get(url).status_code == 404
    assert "has expired" in coordinator.get(report.get_absolute_url()).content.decode()
    assert reports_purge_expired() == 1
    assert not Report.objects.exists()


def test_the_report_list_shows_the_environments_reports_only(cast: Any) -> None:
    mine = produced(cast)
    today = timezone.localdate()
    report_request(
        environment=cast.other_environment,
        requested_by=cast.other_coordinator,
        start=today,
        end=today,
    )

    page = as_user(cast.coordinator).get(
        reverse("notifications:report_list", args=[cast.environment.pk])
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert mine.get_absolute_url() in html
    assert html.count('href="/rapportages/') == 1
