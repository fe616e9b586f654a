"""Server-rendered, accessible SVG charts: a horizontal bar chart and a line chart.

The markup is self-contained — no script, no external references, no ``style``
attributes (a strict CSP blocks those): colours are presentation attributes, so the
same charts work on the page, without JavaScript and in a PDF report. Every chart has
``role="img"`` with a title and a description, prints its numbers as text next to the
marks, and tells series apart by marker shape and dash pattern as well as colour;
pages show the data table beside it.

An SVG scales its text with its width, so one drawing cannot be legible both on a
desktop and on a phone: 13-unit text in a 640-unit picture is 7 px on a 360 px
screen. Each chart is therefore drawn twice, in a wide layout (``chart-wide``, 640
units: a desktop, and the PDF report) and a narrow one (``chart-narrow``, 320 units,
bar labels on a line of their own above the bar: a phone); the page shows the one
that fits the room (a container query in ``ulvo.css``), the PDF the wide one. No text
is smaller than 13 units, which is at least 12 CSS px wherever its layout is shown.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ulvo.lib.formats import cell, number

# Dark enough against white for text and marks (contrast ≥ 4.5:1).
INK = "#1f2937"
MUTED = "#4b5563"
WARN = "#8a4b00"
GRID = "#d1d5db"
TRACK = "#eef0f3"
SERIES_COLOURS = ["#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2"]
MARKERS = ["circle", "square", "triangle", "diamond", "cross"]
FONT = "system-ui, sans-serif"
# The width of an average character as a share of the font size: enough for the
# system fonts' digits and lower case; what is measured is room, so it errs wide.
CHAR = 0.6

_ids = itertools.count(1)


@dataclass(frozen=True)
class Layout:
    name: str  # the class that shows it: chart-wide or chart-narrow (ulvo.css)
    width: int  # units across the viewBox
    text: int  # labels and numbers
    small: int  # axis ticks and legends
    labels_above: bool  # a bar's label and number on a line above the bar
    plot_height: int  # a line chart's plot area


# The page switches at 37rem (592 px) of room: 13 units * 592 / 640 = 12 px; the
# narrow layout is at least 295 px wide on a 360 px screen: 13 * 295 / 320 = 12 px.
WIDE = Layout("wide", 640, 14, 13, labels_above=False, plot_height=200)
NARROW = Layout("narrow", 320, 14, 13, labels_above=True, plot_height=160)
LAYOUTS = (WIDE, NARROW)


@dataclass
class Bar:
    label: str
    value: float | None  # None: not shown (suppressed); the text says why
    text: str  # the number as printed, e.g. "12", "<5", "75%"
    target: float | None = None
    target_text: str = ""
    alert: bool = False  # hatched and bold, its number followed by a warning sign


@dataclass
class Series:
    name: str
    values: list[float | None]
    texts: list[str] = field(default_factory=list)


def _id(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def _measure(content: str, size: int) -> float:
    return len(content) * size * CHAR


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 13,
          fill: str = INK, weight: str = "normal") -> str:  # fmt: skip
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
        f'fill="{fill}" text-anchor="{anchor}" font-weight="{weight}">{escape(content)}</text>'
    )


# A run of words in one style: (text, fill, weight).
Run = tuple[str, str, str]


def _lines(runs: Sequence[Run], room: float, size: int, most: int = 2) -> list[list[Run]]:
    """The runs' words on lines of at most ``room`` units, at most ``most`` lines, the
    last one ending in an ellipsis when the words do not fit (the table beside the
    chart has them whole)."""
    limit = max(4, int(room / (size * CHAR)))
    lines: list[list[Run]] = [[]]
    used = 0
    for text, fill, weight in runs:
        for word in text.split():
            if used and used + 1 + len(word) > limit:
                if len(lines) == most:
                    last, fill_, weight_ = lines[-1][-1]
                    lines[-1][-1] = (last + "…", fill_, weight_)
                    return lines
                lines.append([])
                used = 0
            if len(word) > limit:
                word = word[: limit - 1] + "…"
            line = lines[-1]
            if line and line[-1][1:] == (fill, weight):
                line[-1] = (f"{line[-1][0]} {word}", fill, weight)
            else:
                line.append((f" {word}" if line else word, fill, weight))
            used += len(word) + (1 if used else 0)
    return lines


def _length(line: Sequence[Run]) -> int:
    return sum(len(text) for text, _fill, _weight in line)


def _line(x: float, y: float, runs: Sequence[Run], *, size: int, anchor: str = "start") -> str:
    spans = "".join(
        f'<tspan fill="{fill}" font-weight="{weight}">{escape(text)}</tspan>'
        for text, fill, weight in runs
    )
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
        f'fill="{INK}" text-anchor="{anchor}">{spans}</text>'
    )


def _shell(layout: Layout, height: float, title: str, description: str, body: list[str]) -> str:
    title_id, desc_id = _id("chart-title"), _id("chart-desc")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{layout.name}" '
        f'role="img" viewBox="0 0 {layout.width} {height:.0f}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" aria-labelledby="{title_id} {desc_id}">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>'
        f'<rect x="0" y="0" width="{layout.width}" height="{height:.0f}" fill="#ffffff"/>'
        + "".join(body)
        + "</svg>"
    )


def _empty(layout: Layout, y: float) -> str:
    """What an empty figure says instead of a lone dash."""
    return _text(0, y, _("Nothing in this period."), size=layout.text, fill=MUTED)


def _target_legend(layout: Layout, x: float, y: float, target_label: str) -> list[str]:
    return [
        f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{y + 16:.1f}" '
        f'stroke="{INK}" stroke-width="2" stroke-dasharray="3 2"/>',
        _text(x + 8, y + 13, f"= {target_label}", size=layout.small, fill=MUTED),
    ]


def _value_runs(bar: Bar, alert_label: str, *, bold: bool) -> list[Run]:
    """The number as printed ("2 of 3"), and for an alert its words, in bold."""
    text = bar.text
    if bar.target is not None:
        text = _("%(students)s of %(target)s") % {"students": bar.text, "target": bar.target_text}
    runs: list[Run] = [(text, INK, "bold" if bold or bar.alert else "normal")]
    if bar.alert:
        # A warning sign, as the charts' descriptions say, and what it means if given.
        runs.append((" ⚠ " + alert_label if alert_label else " ⚠", WARN, "bold"))
    return runs


def _bar_svg(
    bars: Sequence[Bar],
    layout: Layout,
    *,
    title: str,
    description: str,
    target_label: str,
    alert_label: str,
) -> str:
    size, line_height, gap = layout.text, layout.text * 1.3, 6
    values = [_value_runs(bar, alert_label, bold=layout.labels_above) for bar in bars]
    if layout.labels_above:
        # The label and the number on a line (or two) above a bar across the width.
        label_width = 0.0
        plot = layout.width - 2.0
    else:
        # The label in a column on the left, the number after the bar.
        label_width = 200.0
        room = max([_measure("".join(r[0] for r in runs), size) for runs in values] + [0.0])
        plot = layout.width - label_width - max(40, room + gap + 4)
    biggest = max([b.value or 0 for b in bars] + [b.target or 0 for b in bars] + [1])
    pattern_id = _id("hatch")
    body = [
        f'<defs><pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{SERIES_COLOURS[1]}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>'
    ]
    y = 8.0
    if not bars:
        body.append(_empty(layout, y + size))
        y += line_height + 8
    bar_height = 14 if layout.labels_above else 18
    for bar, runs in zip(bars, values, strict=True):
        if layout.labels_above:
            lines = _lines([(f"{bar.label}:", INK, "normal")], layout.width, size)
            # The number after the label, or on a line of its own when it does not fit.
            limit = layout.width / (size * CHAR)
            if _length(lines[-1]) + 1 + _length(runs) <= limit:
                (text, fill, weight), *rest = runs
                lines[-1] = [*lines[-1], (f" {text}", fill, weight), *rest]
            else:
                lines.append(runs)
            for n, line in enumerate(lines):
                body.append(_line(0, y + size + n * line_height, line, size=size))
            top = y + len(lines) * line_height + 4
            row = len(lines) * line_height + 4 + bar_height + 12
        else:
            lines = _lines([(bar.label, INK, "normal")], label_width - 10, size)
            row = max(32, len(lines) * line_height + 12)
            top = y + (row - bar_height) / 2
            first = y + row / 2 - (len(lines) - 1) * line_height / 2 + size * 0.35
            for n, line in enumerate(lines):
                body.append(
                    _line(label_width - 8, first + n * line_height, line, size=size, anchor="end")
                )
        length = (bar.value or 0) / biggest * plot
        if layout.labels_above:
            # A track under each bar: a row without one (nothing, or a suppressed
            # number) does not read as a divider between its neighbours.
            body.append(
                f'<rect x="0" y="{top:.1f}" width="{plot:.1f}" height="{bar_height}" '
                f'fill="{TRACK}"/>'
            )
        if bar.value:
            fill = f"url(#{pattern_id})" if bar.alert else SERIES_COLOURS[0]
            body.append(
                f'<rect x="{label_width:.1f}" y="{top:.1f}" width="{length:.1f}" '
                f'height="{bar_height}" fill="{fill}" stroke="{INK}" stroke-width="0.5"/>'
            )
        end = length
        if bar.target is not None:
            tick = bar.target / biggest * plot
            tx = label_width + tick
            body.append(
                f'<line x1="{tx:.1f}" y1="{top - 3:.1f}" x2="{tx:.1f}" '
                f'y2="{top + bar_height + 3:.1f}" stroke="{INK}" stroke-width="2" '
                f'stroke-dasharray="3 2"/>'
            )
            end = max(length, tick)
        if not layout.labels_above:
            body.append(
                _line(label_width + end + gap, top + bar_height / 2 + size * 0.35, runs, size=size)
            )
        y += row
    if any(b.target is not None for b in bars):
        body.extend(_target_legend(layout, label_width + 1, y + 2, target_label))
        y += 24
    return _shell(layout, y + 6, title, description, body)


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    target_label: str = "",
    alert_label: str = "",
) -> SafeString:
    """Horizontal bars, one per row, each with its number ("12", "2 of 3"); a target as
    a dashed tick; alerts hatched, in bold, with a warning sign and ``alert_label``
    ("under target"). In a wide and in a narrow layout (see the module's docstring)."""
    return mark_safe(  # noqa: S308 - every piece of text is escaped in _text and _line
        "".join(
            _bar_svg(
                bars,
                layout,
                title=title,
                description=description,
                target_label=target_label,
                alert_label=alert_label,
            )
            for layout in LAYOUTS
        )
    )


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if kind == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"'
            f' fill="{colour}"/>'
        )
    if kind == "diamond":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} '
            f'{x - 5:.1f},{y:.1f}" fill="{colour}"/>'
        )
    if kind == "cross":
        return (
            f'<path d="M{x - 4:.1f},{y - 4:.1f}L{x + 4:.1f},{y + 4:.1f}M{x - 4:.1f},{y + 4:.1f}'
            f'L{x + 4:.1f},{y - 4:.1f}" stroke="{colour}" stroke-width="2"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def _shown_labels(labels: Sequence[str], plot_w: float, size: int) -> list[int]:
    """The indexes of the x labels to print: evenly spaced, never overlapping, the
    last one always."""
    count = len(labels)
    if not count:
        return []
    widest = max(_measure(label, size) for label in labels) + 10
    fits = max(1, int(plot_w / widest))
    every = max(1, math.ceil(count / fits))
    shown = list(range(0, count, every))
    if shown[-1] != count - 1:
        # The last label replaces the one before it when they would touch.
        if count - 1 - shown[-1] < every:
            shown[-1] = count - 1
        else:
            shown.append(count - 1)
    return [i for n, i in enumerate(shown) if n == 0 or i != shown[n - 1]]


def _line_svg(
    labels: Sequence[str],
    series: Sequence[Series],
    layout: Layout,
    *,
    title: str,
    description: str,
    y_max: float | None,
) -> str:
    small = layout.small
    values = [v for s in series for v in s.values if v is not None]
    # Grid lines at whole numbers: the top rounded up to a multiple of the steps.
    steps = 5 if y_max == 5 else 4
    biggest = y_max if y_max is not None else steps * math.ceil(max(values + [1]) / steps)
    ticks = [biggest * step / steps for step in range(steps + 1)]
    tick_texts = [number(value, 0 if biggest >= 8 or value == int(value) else 1) for value in ticks]
    last_texts: list[str] = []
    for s in series:
        present = [i for i, v in enumerate(s.values) if v is not None]
        if present:
            last = present[-1]
            last_texts.append(s.texts[last] if s.texts else cell(s.values[last]))
    left = max(_measure(t, small) for t in tick_texts) + 8
    right = max([_measure(t, small) + 12 for t in last_texts] + [12])
    # The first and the last x label are centred on the plot's edges.
    left = max([left] + [_measure(label, small) / 2 + 2 for label in labels[:1]])
    right = max([right] + [_measure(label, small) / 2 + 2 for label in labels[-1:]])
    top, plot_h = 12, layout.plot_height
    plot_w = layout.width - left - right
    body: list[str] = []
    for value, shown in zip(ticks, tick_texts, strict=True):
        y = top + plot_h - value / biggest * plot_h
        body.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + plot_w:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + small * 0.35, shown, anchor="end", size=small, fill=MUTED))
    count = len(labels)

    def x_of(i: int) -> float:
        return left + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)

    for i in _shown_labels(labels, plot_w, small):
        body.append(
            _text(x_of(i), top + plot_h + small + 6, labels[i], anchor="middle", size=small)
        )
    if not values:
        body.append(_text(left + 8, top + layout.text + 8, _("Nothing in this period."),
                          size=layout.text, fill=MUTED))  # fmt: skip
    legend_top = top + plot_h + small + 20
    ends: list[tuple[tuple[float, float], str, str]] = []
    for n, s in enumerate(series):
        colour = SERIES_COLOURS[n % len(SERIES_COLOURS)]
        dash = DASHES[n % len(DASHES)]
        marker = MARKERS[n % len(MARKERS)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        points = [
            (x_of(i), top + plot_h - v / biggest * plot_h)
            for i, v in enumerate(s.values)
            if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"'
                f"{dash_attr}/>"
            )
        if len(points) <= 30:
            body.extend(_marker(marker, x, y, colour) for x, y in points)
        if points:
            last_index = max(i for i, v in enumerate(s.values) if v is not None)
            text = s.texts[last_index] if s.texts else cell(s.values[last_index])
            ends.append((points[-1], text, colour))
        ly = legend_top + n * (small + 8)
        body.append(
            f'<line x1="0" y1="{ly:.1f}" x2="30" y2="{ly:.1f}" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/>'
        )
        body.append(_marker(marker, 15, ly, colour))
        body.append(_text(38, ly + small * 0.35, s.name, size=small))
    # Each line's last value beside it, in its colour. Values that end close together
    # are moved apart so that each stays readable, and not below the plot (the lines
    # all ending at 0).
    ends.sort(key=lambda end: end[0][1])
    gap = small + 2
    ys = [y + small * 0.35 for (_x, y), _label, _colour in ends]
    for i in range(1, len(ys)):
        ys[i] = max(ys[i], ys[i - 1] + gap)
    if ys and ys[-1] > top + plot_h + small * 0.35:
        ys[-1] = top + plot_h + small * 0.35
        for i in range(len(ys) - 2, -1, -1):
            ys[i] = min(ys[i], ys[i + 1] - gap)
    for ((x, _y), text, colour), y in zip(ends, ys, strict=True):
        body.append(_text(x + 8, y, text, size=small, fill=colour))
    height = legend_top + len(series) * (small + 8)
    return _shell(layout, height, title, description, body)


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    y_max: float | None = None,
) -> SafeString:
    """Lines over the x labels; each series its own colour, dash pattern and marker,
    named in a legend; the last value of each line printed beside it. In a wide and
    in a narrow layout (see the module's docstring)."""
    return mark_safe(  # noqa: S308 - every piece of text is escaped in _text
        "".join(
            _line_svg(labels, series, layout, title=title, description=description, y_max=y_max)
            for layout in LAYOUTS
        )
    )
