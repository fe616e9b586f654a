"""The figures as tables and charts: what the page shows, the exports contain and a
PDF report can reuse.

Small numbers are suppressed for viewers who may not see the individual students
behind them (``suppress``). The solver is :mod:`dashboards.suppression`; what this
module knows is which counts of its tables add up to which (the groups a reader can
subtract), so that it can ask the solver what each cell may show. Rates follow the
counts they are made of."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dashboards import charts
from dashboards.figures import (
    Balance,
    Dashboard,
    GroupRow,
    HoursRow,
    MonthRow,
    OnSite,
    ProgrammeRow,
    RateRow,
    Reflections,
    Sessions,
    Supervision,
)
from dashboards.suppression import (
    SMALL,
    SUPPRESSED,
    Group,
    Key,
    Protection,
    count_cell,
    count_text,
    hidden_text,
    is_small,
    protect,
)
from environments.models import Domain
from ulvo.lib.formats import cell, hour_number, hour_value


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


# Values whose text depends only on the value and the language: a dashboard shows the
# same small numbers and week dates hundreds of times, and formatting them with the
# language's separators is most of the cost of a table.
_PLAIN = (int, float, Decimal, datetime.date)


@functools.lru_cache(maxsize=4096)
def _plain_text(language: str, kind: str, value: Any) -> str:
    return cell(value)


def cell_text(value: Any) -> str:
    """:func:`ulvo.lib.formats.cell`, remembered per language for numbers and dates."""
    kind = type(value)
    if kind in _PLAIN:
        # The type is part of the key: 1, 1.0 and Decimal(1) are equal as keys.
        return _plain_text(get_language() or "", kind.__name__, value)
    return cell(value)


@functools.lru_cache(maxsize=4096)
def _short_date(language: str, value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def date_text(value: datetime.date) -> str:
    """``{{ value|date:"SHORT_DATE_FORMAT" }}``, remembered per language: the placements
    of a list mostly start and end on the same few days."""
    return _short_date(get_language() or "", value)


def datetime_text(value: datetime.datetime) -> str:
    """``{{ value|date:"SHORT_DATETIME_FORMAT" }}`` in the current time zone: the day
    as :func:`date_text` and the time after it, where the format is made that way."""
    local = timezone.localtime(value)
    if get_format("SHORT_DATETIME_FORMAT") == f"{get_format('SHORT_DATE_FORMAT')} H:i":
        return f"{date_text(local.date())} {local:%H:%M}"
    return date_format(local, "SHORT_DATETIME_FORMAT")


@dataclass
class Row:
    cells: list[Any]
    link: str = ""  # the drill-down query string for this row, if any
    alert: bool = False

    @functools.cached_property
    def texts(self) -> list[str]:
        """The cells as the page shows them (see :func:`cell_text`)."""
        return [cell_text(value) for value in self.cells]

    @property
    def head(self) -> str:
        return self.texts[0]

    @property
    def rest(self) -> list[str]:
        return self.texts[1:]


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
    rows: list[tuple[str, int | str, int | None, bool]], suppress: bool
) -> list[charts.Bar]:
    """One bar per (label, count, target, alert); a count is a number or, suppressed, the
    text that stands for it (that bar is left out). Plain numbers from 1 to 4 are
    suppressed here when ``suppress``."""
    bars = []
    for label, count, target, alert in rows:
        cell = count_cell(count, suppress) if isinstance(count, int) else count
        bars.append(
            charts.Bar(
                label=label,
                value=cell if isinstance(cell, int) else None,
                text=str(cell),
                target=target,
                target_text=str(target) if target is not None else "",
                alert=alert,
            )
        )
    return bars


def _balance_protection(balance: Balance, suppress: bool) -> Protection:
    """Programmes add up to their domain and to their level; domains and levels both
    add up to all students (not shown in these tables)."""
    values: dict[Key, int] = {("programme", r.programme_id): r.students for r in balance.programmes}
    values.update({("domain", d.key): d.students for d in balance.domains})
    values.update({("level", lv.key): lv.students for lv in balance.levels})
    values["all"] = balance.total
    groups: list[Group] = []
    for kind, rows, attribute in (
        ("domain", balance.domains, "domain"),
        ("level", balance.levels, "level"),
    ):
        for row in rows:
            parts = [
                ("programme", r.programme_id)
                for r in balance.programmes
                if getattr(r, attribute) == row.key
            ]
            groups.append(((kind, row.key), parts))
        groups.append(("all", [(kind, row.key) for row in rows]))
    return protect(values, groups, suppress=suppress, unshown=["all"])


def _programme_alert(row: ProgrammeRow, protection: Protection) -> bool:
    """The programme's alert, where it does not narrow a hidden count: a "<5" is under a
    target of 5 or more anyway; a hidden count's alert is left out."""
    key = ("programme", row.programme_id)
    if key in protection.primary:
        return row.under_target and (row.target or 0) >= SMALL
    if key in protection.secondary:
        return False
    return row.missing or row.under_target


def _group_table(
    dimension: Literal["domain", "level"],
    rows: Sequence[GroupRow],
    protection: Protection,
    suppress: bool,
    *,
    title: str,
    column: str,
    chart_title: str,
    description: str,
) -> FigureTable:
    """Students per domain or per level against the target. ``dimension`` names the
    drill-down's filter and the counts' keys in ``protection`` (see
    :func:`_balance_protection`)."""
    table = FigureTable(
        key=f"{dimension}s",
        title=title,
        columns=[column, _("Students"), _("Target")],
        rows=[
            Row(
                [row.label, protection.cell((dimension, row.key)), row.target or ""],
                link=f"{dimension}={row.key}",
            )
            for row in rows
        ],
        drill="dashboards:placements",
    )
    table.chart = charts.bar_chart(
        _bars_from_counts(
            [(row.label, protection.cell((dimension, row.key)), row.target, False) for row in rows],
            suppress,
        ),
        title=chart_title,
        description=description,
        target_label=_("target"),
    )
    return table


def balance_tables(balance: Balance, suppress: bool) -> list[FigureTable]:
    target = _("target")
    protection = _balance_protection(balance, suppress)

    def alert_text(row: ProgrammeRow) -> str:
        if not _programme_alert(row, protection):
            return ""
        return _("missing") if row.missing else _("under target")

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
                    protection.cell(("programme", r.programme_id)),
                    r.target if r.target is not None else "",
                    alert_text(r),
                ],
                link=f"programme={r.programme_id}",
                alert=_programme_alert(r, protection),
            )
            for r in balance.programmes
        ],
        drill="dashboards:placements",
    )
    programmes.chart = charts.bar_chart(
        _bars_from_counts(
            [
                (
                    r.name,
                    protection.cell(("programme", r.programme_id)),
                    r.target,
                    _programme_alert(r, protection),
                )
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
        alert_label=_("under target"),
    )
    domains = _group_table(
        "domain",
        balance.domains,
        protection,
        suppress,
        title=_("Students per domain"),
        column=_("Domain"),
        chart_title=_("Students per domain against the target"),
        description=_("Horizontal bars: students per domain; a dashed mark shows the target."),
    )
    levels = _group_table(
        "level",
        balance.levels,
        protection,
        suppress,
        title=_("Students per level"),
        column=_("Level"),
        chart_title=_("Students per level"),
        description=_("Horizontal bars: students per level (mbo, hbo, wo)."),
    )
    return [programmes, domains, levels]


def on_site_table(data: OnSite, suppress: bool, domain_labels: dict[str, str]) -> FigureTable:
    labels = [date_format(w.start, "MONTH_DAY_FORMAT") for w in data.weeks]
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
                    w.start,
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
                    None if suppress and is_small(w.on_site[d]) else w.on_site[d]
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


def _rate_keys(table: str, row: RateRow) -> tuple[Key, Key, Key]:
    """The keys of a rate row's counts: all (invited), some (present) and the rest."""
    return (table, row.key, "invited"), (table, row.key, "present"), (table, row.key, "rest")


def _rate_counts(
    table: str, rows: Sequence[RateRow], values: dict[Key, int], groups: list[Group]
) -> None:
    for row in rows:
        invited, present, rest = _rate_keys(table, row)
        values.update({invited: row.invited, present: row.present, rest: row.invited - row.present})
        groups.append((invited, [present, rest]))


def _rate_text(row: RateRow, protection: Protection, table: str) -> str:
    """A rate gives its counts away (present = rate × invited): shown only with both."""
    invited, present, _rest = _rate_keys(table, row)
    if invited in protection.primary:
        return SUPPRESSED
    if protection.hidden(invited) or protection.hidden(present):
        return hidden_text()
    return percent(row.rate)


def _rate_value(row: RateRow, protection: Protection, table: str) -> int | None:
    invited, present, _rest = _rate_keys(table, row)
    if protection.hidden(invited) or protection.hidden(present) or row.rate is None:
        return None
    return round(row.rate * 100)


def _attendance_protection(data: Sessions, suppress: bool) -> Protection:
    """Attendance per programme and per domain. In each row the present and the others
    (not shown) add up to the invited; a domain's invited and present are those of its
    programmes, and all programmes add up to all domains.

    Where a row does not say which domain its programme belongs to, the reader still
    knows it (pabo is educational): then a measure with a "<5" for a programme is
    hidden in every domain row, which no subtraction can undo."""
    values: dict[Key, int] = {}
    groups: list[Group] = []
    _rate_counts("programme", data.programmes, values, groups)
    _rate_counts("domain", data.domains, values, groups)
    unshown: list[Key] = [key for key in values if isinstance(key, tuple) and key[2] == "rest"]
    domain_of = {row.key: row.domain for row in data.programmes}
    known = all(domain_of.values())
    also: list[Key] = []
    for measure in ("invited", "present"):
        every = ("all", measure)
        values[every] = sum(getattr(row, measure) for row in data.domains)
        unshown.append(every)
        groups.append((every, [("programme", row.key, measure) for row in data.programmes]))
        groups.append((every, [("domain", row.key, measure) for row in data.domains]))
        if known:
            for domain in data.domains:
                parts = [("programme", k, measure) for k, d in domain_of.items() if d == domain.key]
                groups.append((("domain", domain.key, measure), parts))
        elif any(is_small(getattr(row, measure)) for row in data.programmes):
            also.extend(("domain", row.key, measure) for row in data.domains)
    return protect(values, groups, suppress=suppress, unshown=unshown, also=also)


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
    protection = _attendance_protection(data, suppress)

    def rate_table(key: str, title: str, rows: list[RateRow], first: str, name: str) -> FigureTable:
        table = FigureTable(
            key=key,
            title=title,
            columns=[first, _("Invited"), _("Present"), _("Attendance")],
            rows=[
                Row(
                    [
                        r.label,
                        protection.cell(_rate_keys(name, r)[0]),
                        protection.cell(_rate_keys(name, r)[1]),
                        _rate_text(r, protection, name),
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
                    value=_rate_value(r, protection, name),
                    text=_rate_text(r, protection, name),
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
        "programme",
    )
    by_domain = rate_table(
        "attendance_domains",
        _("Attendance at mixed sessions per domain"),
        data.domains,
        _("Domain"),
        "domain",
    )
    absent = FigureTable(
        key="absent_domains",
        title=_("Mixed sessions where a domain was absent"),
        columns=[_("Session"), _("Date"), _("Learning network"), _("Absent domains")],
        rows=[
            Row(
                [
                    a.theme,
                    timezone.localdate(a.starts_at),
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
    """Per domain the placements are those with an own-domain supervisor plus the gaps:
    a "<5" among the two is protected by hiding the other (or the placements)."""
    values: dict[Key, int] = {}
    groups: list[Group] = []
    _rate_counts("supervision", data.domains, values, groups)
    protection = protect(values, groups, suppress=suppress)
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
                    *(protection.cell(key) for key in _rate_keys("supervision", r)[:2]),
                    _rate_text(r, protection, "supervision"),
                    protection.cell(_rate_keys("supervision", r)[2]),
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
                value=_rate_value(r, protection, "supervision"),
                text=_rate_text(r, protection, "supervision"),
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
                [r.label, *([r.domain_label] if by_domain else []), hour_value(r.minutes)]
                + ([hour_value(r.approved_minutes)] if approved else []),
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
                    % {
                        "hours": hour_number(r.minutes),
                        "approved": hour_number(r.approved_minutes),
                    }
                    if approved
                    else _("%(hours)s h") % {"hours": hour_number(r.minutes)}
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
        return suppress and is_small(row.responses)

    table = FigureTable(
        key="usefulness",
        title=_("Session usefulness over time"),
        columns=[_("Month"), _("Responses"), _("Usefulness (1–5)"), _("Relevance (1–5)")],
        rows=[
            Row(
                [
                    date_format(r.month, "SHORT_YEAR_MONTH_FORMAT"),
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
        [date_format(r.month, "SHORT_YEAR_MONTH_FORMAT") for r in rows],
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
    tables.append(
        hours_table(
            "professional_hours",
            _("Hours invested by professionals per organisation and domain"),
            dashboard.professional_hours,
            approved=False,
            by_domain=True,
        )
    )
    tables.append(reflections_table(dashboard.reflections, suppress))
    tables.append(usefulness_table(dashboard.usefulness, suppress))
    return tables
