"""The figures as tables and charts: what the page shows, the exports contain and a
PDF report can reuse. Small numbers are suppressed here, for viewers who may not see
the individual students behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from dashboards import charts
from dashboards.figures import (
    Balance,
    Dashboard,
    HoursRow,
    MonthRow,
    OnSite,
    RateRow,
    Reflections,
    Sessions,
    Supervision,
)
from environments.models import Domain

# Counts from 1 to SMALL - 1 could point at one student: shown as "<5".
SMALL = 5
SUPPRESSED = "<5"


def count_text(value: int, suppress: bool) -> str:
    if suppress and 0 < value < SMALL:
        return SUPPRESSED
    return str(value)


def count_cell(value: int, suppress: bool) -> int | str:
    return SUPPRESSED if suppress and 0 < value < SMALL else value


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def rate_cell(row: RateRow, suppress: bool) -> str:
    """A rate over fewer than SMALL invitations is suppressed with its counts."""
    if suppress and 0 < row.invited < SMALL:
        return SUPPRESSED
    return percent(row.rate)


@dataclass
class Row:
    cells: list[Any]
    link: str = ""  # the drill-down query string for this row, if any
    alert: bool = False


@dataclass
class FigureTable:
    key: str
    title: str
    columns: list[str]
    rows: list[Row]
    chart: SafeString | None = None
    drill: str = ""  # URL name of the drill-down behind the rows
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def plain_rows(self) -> list[list[Any]]:
        return [row.cells for row in self.rows]


def _bars_from_counts(
    rows: list[tuple[str, int, int | None, bool]], suppress: bool
) -> list[charts.Bar]:
    bars = []
    for label, value, target, alert in rows:
        hidden = suppress and 0 < value < SMALL
        bars.append(
            charts.Bar(
                label=label,
                value=None if hidden else value,
                text=count_text(value, suppress),
                target=target,
                target_text=str(target) if target is not None else "",
                alert=alert,
            )
        )
    return bars


def balance_tables(balance: Balance, suppress: bool) -> list[FigureTable]:
    target = _("target")
    programmes = FigureTable(
        key="programmes",
        title=_("Students per programme"),
        columns=[_("Programme"), _("Domain"), _("Level"), _("Students"), _("Target"), _("Alert")],
        rows=[
            Row(
                [
                    r.name,
                    r.domain_label,
                    r.level_label,
                    count_cell(r.students, suppress),
                    r.target if r.target is not None else "",
                    _("missing") if r.missing else _("under target") if r.under_target else "",
                ],
                link=f"programme={r.programme_id}",
                alert=r.missing or r.under_target,
            )
            for r in balance.programmes
        ],
        drill="dashboards:placements",
    )
    programmes.chart = charts.bar_chart(
        _bars_from_counts(
            [
                (r.name, r.students, r.target, r.missing or r.under_target)
                for r in balance.programmes
            ],
            suppress,
        ),
        title=_("Students per programme against the target"),
        description=_(
            "Horizontal bars: students per programme; a dashed mark shows the target. "
            "Programmes under their target are hatched and marked with an exclamation mark."
        ),
        target_label=target,
    )
    domains = FigureTable(
        key="domains",
        title=_("Students per domain"),
        columns=[_("Domain"), _("Students"), _("Target")],
        rows=[
            Row(
                [d.label, count_cell(d.students, suppress), d.target or ""],
                link=f"domain={d.key}",
            )
            for d in balance.domains
        ],
        drill="dashboards:placements",
    )
    domains.chart = charts.bar_chart(
        _bars_from_counts(
            [(d.label, d.students, d.target, False) for d in balance.domains], suppress
        ),
        title=_("Students per domain against the target"),
        description=_("Horizontal bars: students per domain; a dashed mark shows the target."),
        target_label=target,
    )
    levels = FigureTable(
        key="levels",
        title=_("Students per level"),
        columns=[_("Level"), _("Students"), _("Target")],
        rows=[
            Row(
                [lv.label, count_cell(lv.students, suppress), lv.target or ""],
                link=f"level={lv.key}",
            )
            for lv in balance.levels
        ],
        drill="dashboards:placements",
    )
    levels.chart = charts.bar_chart(
        _bars_from_counts(
            [(lv.label, lv.students, lv.target, False) for lv in balance.levels], suppress
        ),
        title=_("Students per level"),
        description=_("Horizontal bars: students per level (mbo, hbo, wo)."),
        target_label=target,
    )
    return [programmes, domains, levels]


def on_site_table(data: OnSite, suppress: bool, domain_labels: dict[str, str]) -> FigureTable:
    labels = [date_format(w.start, "d-m") for w in data.weeks]
    table = FigureTable(
        key="on_site",
        title=_("Students on site per week, per domain"),
        columns=[
            _("Week of"),
            *[domain_labels[d] for d in data.domains],
            _("Best day together"),
            _("Domains together"),
            _("Domains on site"),
        ],
        rows=[
            Row(
                [
                    w.start.isoformat(),
                    *[count_cell(w.on_site[d], suppress) for d in data.domains],
                    w.best_day_label,
                    w.domains_together,
                    w.domains_on_site,
                ],
                link=f"week={w.start.isoformat()}",
                alert=w.apart,
            )
            for w in data.weeks
        ],
        drill="dashboards:placements",
        note=_("Weeks in which the domains on site never share a day are marked."),
    )
    table.chart = charts.line_chart(
        labels,
        [
            charts.Series(
                name=domain_labels[d],
                values=[
                    None if suppress and 0 < w.on_site[d] < SMALL else w.on_site[d]
                    for w in data.weeks
                ],
                texts=[count_text(w.on_site[d], suppress) for w in data.weeks],
            )
            for d in data.domains
        ],
        title=_("Students on site per week, per domain"),
        description=_(
            "One line per domain: how many of its students are on site in each week of the "
            "period. Each line has its own dash pattern and marker."
        ),
    )
    return table


def session_tables(data: Sessions, suppress: bool) -> list[FigureTable]:
    kinds = FigureTable(
        key="session_kinds",
        title=_("Sessions by kind"),
        columns=[_("Kind"), _("Sessions"), _("Taken place")],
        rows=[Row([k.label, k.sessions, k.held], link=f"kind={k.kind}") for k in data.kinds],
        drill="dashboards:sessions",
    )
    kinds.chart = charts.bar_chart(
        [charts.Bar(label=k.label, value=k.sessions, text=str(k.sessions)) for k in data.kinds],
        title=_("Sessions by kind"),
        description=_("Horizontal bars: number of sessions of each kind in the period."),
    )

    def rate_table(key: str, title: str, rows: list[RateRow], first: str) -> FigureTable:
        table = FigureTable(
            key=key,
            title=title,
            columns=[first, _("Invited"), _("Present"), _("Attendance")],
            rows=[
                Row(
                    [
                        r.label,
                        count_cell(r.invited, suppress),
                        count_cell(r.present, suppress),
                        rate_cell(r, suppress),
                    ]
                )
                for r in rows
            ],
            drill="dashboards:sessions",
        )
        table.chart = charts.bar_chart(
            [
                charts.Bar(
                    label=r.label,
                    value=None
                    if (suppress and 0 < r.invited < SMALL) or r.rate is None
                    else round(r.rate * 100),
                    text=rate_cell(r, suppress),
                )
                for r in rows
            ],
            title=title,
            description=_(
                "Horizontal bars: the share of invited students who were present at mixed "
                "sessions that took place, in percent."
            ),
        )
        return table

    by_programme = rate_table(
        "attendance_programmes",
        _("Attendance at mixed sessions per programme"),
        data.programmes,
        _("Programme"),
    )
    by_domain = rate_table(
        "attendance_domains",
        _("Attendance at mixed sessions per domain"),
        data.domains,
        _("Domain"),
    )
    absent = FigureTable(
        key="absent_domains",
        title=_("Mixed sessions where a domain was absent"),
        columns=[_("Session"), _("Date"), _("Learning network"), _("Absent domains")],
        rows=[
            Row(
                [
                    a.theme,
                    date_format(a.starts_at.date(), "SHORT_DATE_FORMAT"),
                    a.network,
                    ", ".join(a.absent_labels),
                ],
                alert=True,
            )
            for a in data.absent
        ],
        drill="dashboards:sessions",
    )
    return [kinds, by_programme, by_domain, absent]


def supervision_table(data: Supervision, suppress: bool) -> FigureTable:
    table = FigureTable(
        key="supervision",
        title=_("Practice supervisor from the student's own domain"),
        columns=[
            _("Domain"),
            _("Placements"),
            _("With own-domain supervisor"),
            _("Share"),
            _("Gaps"),
        ],
        rows=[
            Row(
                [
                    r.label,
                    count_cell(r.invited, suppress),
                    count_cell(r.present, suppress),
                    rate_cell(r, suppress),
                    count_cell(r.invited - r.present, suppress),
                ],
                link=f"domain={r.key}&own_domain=no",
                alert=r.present < r.invited,
            )
            for r in data.domains
        ],
        drill="dashboards:placements",
    )
    table.chart = charts.bar_chart(
        [
            charts.Bar(
                label=r.label,
                value=None
                if (suppress and 0 < r.invited < SMALL) or r.rate is None
                else round(r.rate * 100),
                text=rate_cell(r, suppress),
                alert=r.present < r.invited,
            )
            for r in data.domains
        ],
        title=_("Share of placements with a practice supervisor from the student's own domain"),
        description=_(
            "Horizontal bars per domain, in percent; domains with gaps are hatched and marked "
            "with an exclamation mark."
        ),
    )
    return table


def hours_table(
    key: str, title: str, rows: list[HoursRow], *, approved: bool, by_domain: bool = False
) -> FigureTable:
    columns = [_("Organisation") if by_domain else _("Setting")]
    if by_domain:
        columns.append(_("Domain"))
    columns.append(_("Hours logged"))
    if approved:
        columns.append(_("Hours approved"))
    table = FigureTable(
        key=key,
        title=title,
        columns=columns,
        rows=[
            Row(
                [r.label, *([r.domain_label] if by_domain else []), r.hours]
                + ([r.approved_hours] if approved else []),
                link="" if by_domain else f"setting={r.key}",
            )
            for r in rows
        ],
        drill="" if by_domain else "dashboards:hours",
    )
    table.chart = charts.bar_chart(
        [
            charts.Bar(
                label=f"{r.label} ({r.domain_label})" if by_domain else r.label,
                value=r.hours,
                text=(
                    _("%(hours)s h (%(approved)s h approved)")
                    % {"hours": r.hours, "approved": r.approved_hours}
                    if approved
                    else _("%(hours)s h") % {"hours": r.hours}
                ),
            )
            for r in rows
        ],
        title=title,
        description=_("Horizontal bars: hours in the period."),
    )
    return table


def reflections_table(data: Reflections, suppress: bool) -> FigureTable:
    table = FigureTable(
        key="reflections",
        title=_("Reflections per learning mechanism"),
        columns=[_("Learning mechanism"), _("Reflections")],
        rows=[Row([m.label, count_cell(m.count, suppress)]) for m in data.mechanisms],
        note=_("Counts only: the text of reflections is never shown here."),
    )
    table.chart = charts.bar_chart(
        _bars_from_counts([(m.label, m.count, None, False) for m in data.mechanisms], suppress),
        title=_("Reflections per learning mechanism"),
        description=_(
            "Horizontal bars: published reflections that show each learning mechanism; one "
            "reflection can show several."
        ),
    )
    return table


def usefulness_table(rows: list[MonthRow], suppress: bool) -> FigureTable:
    def hidden(row: MonthRow) -> bool:
        return suppress and 0 < row.responses < SMALL

    table = FigureTable(
        key="usefulness",
        title=_("Session usefulness over time"),
        columns=[_("Month"), _("Responses"), _("Usefulness (1–5)"), _("Relevance (1–5)")],
        rows=[
            Row(
                [
                    r.month.strftime("%Y-%m"),
                    count_cell(r.responses, suppress),
                    SUPPRESSED if hidden(r) else r.usefulness,
                    SUPPRESSED if hidden(r) else r.relevance,
                ]
            )
            for r in rows
        ],
        drill="dashboards:sessions",
    )
    table.chart = charts.line_chart(
        [r.month.strftime("%m-%Y") for r in rows],
        [
            charts.Series(_("usefulness"), [None if hidden(r) else r.usefulness for r in rows]),
            charts.Series(_("relevance"), [None if hidden(r) else r.relevance for r in rows]),
        ],
        title=_("Session usefulness over time"),
        description=_(
            "Two lines, per month of the sessions: the average usefulness and the average "
            "relevance to practice that participants gave, on a scale of 1 to 5."
        ),
        y_max=5,
    )
    return table


def environment_tables(dashboard: Dashboard, suppress: bool) -> list[FigureTable]:
    """Every figure of the environment's dashboard, in page order (also for reports)."""
    tables = balance_tables(dashboard.balance, suppress)
    tables.append(
        on_site_table(dashboard.on_site, suppress, {d.value: str(d.label) for d in Domain})
    )
    tables.extend(session_tables(dashboard.sessions, suppress))
    tables.append(supervision_table(dashboard.supervision, suppress))
    tables.append(
        hours_table(
            "student_hours",
            _("Hours logged by students per setting"),
            dashboard.student_hours,
            approved=True,
        )
    )
    if dashboard.professional_hours is not None:
        tables.append(
            hours_table(
                "professional_hours",
                _("Hours invested by professionals per organisation and domain"),
                dashboard.professional_hours,
                approved=False,
                by_domain=True,
            )
        )
    if dashboard.reflections is not None:
        tables.append(reflections_table(dashboard.reflections, suppress))
    tables.append(usefulness_table(dashboard.usefulness, suppress))
    return tables
