"""Server-rendered, accessible SVG charts: a horizontal bar chart and a line chart.

The markup is self-contained — no script, no external references, no ``style``
attributes (a strict CSP blocks those): colours are presentation attributes, so the
same charts work on the page, without JavaScript and in a PDF report. Every chart has
``role="img"`` with a title and a description, prints its numbers as text next to the
marks, and tells series apart by marker shape and dash pattern as well as colour;
pages show the data table beside it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Dark enough against white for text and marks (contrast ≥ 4.5:1).
INK = "#1f2937"
MUTED = "#4b5563"
GRID = "#d1d5db"
SERIES_COLOURS = ["#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2"]
MARKERS = ["circle", "square", "triangle", "diamond", "cross"]
FONT = "system-ui, sans-serif"

_ids = itertools.count(1)


@dataclass
class Bar:
    label: str
    value: float | None  # None: not shown (suppressed); the text says why
    text: str  # the number as printed, e.g. "12", "<5", "75%"
    target: float | None = None
    target_text: str = ""
    alert: bool = False  # marked with a hatch and a "!" as well as a colour


@dataclass
class Series:
    name: str
    values: list[float | None]
    texts: list[str] = field(default_factory=list)


def _id(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 13,
          fill: str = INK, weight: str = "normal") -> str:  # fmt: skip
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
        f'fill="{fill}" text-anchor="{anchor}" font-weight="{weight}">{escape(content)}</text>'
    )


def _shell(width: int, height: int, title: str, description: str, body: list[str]) -> SafeString:
    title_id, desc_id = _id("chart-title"), _id("chart-desc")
    return mark_safe(  # noqa: S308 - every piece of text above is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{title_id} {desc_id}">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
        + "".join(body)
        + "</svg>"
    )


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    target_label: str = "",
    width: int = 640,
) -> SafeString:
    """Horizontal bars, one per row, the number printed after each bar; a target as a
    dashed vertical tick with its number; alerts hatched and marked with "!"."""
    label_width = 210
    row = 30
    top = 10
    legend = 24 if any(b.target is not None for b in bars) else 0
    height = top + row * max(len(bars), 1) + legend + 10
    # Room after the longest bar for its number (about 7.5 px a character at 13 px).
    texts = [b.text + " !" + (f" / {b.target_text}" if b.target is not None else "") for b in bars]
    plot = width - label_width - max(60, int(7.5 * max([len(t) for t in texts] + [0])) + 12)
    biggest = max(
        [b.value or 0 for b in bars] + [b.target or 0 for b in bars] + [1],
    )
    pattern_id = _id("hatch")
    body = [
        f'<defs><pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{SERIES_COLOURS[1]}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>'
    ]
    if not bars:
        body.append(_text(10, top + 20, "–", fill=MUTED))
    for index, bar in enumerate(bars):
        y = top + index * row
        label = bar.label if len(bar.label) <= 26 else bar.label[:25] + "…"
        body.append(_text(label_width - 8, y + 19, label, anchor="end"))
        length = (bar.value or 0) / biggest * plot
        if bar.value:
            fill = f"url(#{pattern_id})" if bar.alert else SERIES_COLOURS[0]
            body.append(
                f'<rect x="{label_width}" y="{y + 5}" width="{length:.1f}" height="{row - 10}" '
                f'fill="{fill}" stroke="{INK}" stroke-width="0.5"/>'
            )
        text = bar.text + (" !" if bar.alert else "")
        end = length
        if bar.target is not None:
            tick = bar.target / biggest * plot
            tx = label_width + tick
            body.append(
                f'<line x1="{tx:.1f}" y1="{y + 2}" x2="{tx:.1f}" y2="{y + row - 2}" '
                f'stroke="{INK}" stroke-width="2" stroke-dasharray="3 2"/>'
            )
            text += f" / {bar.target_text}"
            end = max(length, tick)
        weight = "bold" if bar.alert else "normal"
        body.append(_text(label_width + end + 6, y + 19, text, weight=weight))
    if legend:
        y = top + row * len(bars) + 8
        body.append(
            f'<line x1="{label_width}" y1="{y}" x2="{label_width}" y2="{y + 14}" '
            f'stroke="{INK}" stroke-width="2" stroke-dasharray="3 2"/>'
        )
        body.append(_text(label_width + 8, y + 12, f"= {target_label}", size=12, fill=MUTED))
    return _shell(width, height, title, description, body)


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


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    y_max: float | None = None,
    width: int = 640,
    height: int = 260,
) -> SafeString:
    """Lines over the x labels; each series its own colour, dash pattern and marker,
    named in a legend; the last value of each line printed beside it."""
    left, right, top, bottom = 40, 110, 12, 46
    legend_rows = len(series)
    total_height = height + legend_rows * 18
    plot_w = width - left - right
    plot_h = height - top - bottom
    values = [v for s in series for v in s.values if v is not None]
    # Grid lines at whole numbers: the top rounded up to a multiple of the steps.
    steps = 5 if y_max == 5 else 4
    biggest = y_max if y_max is not None else steps * math.ceil(max(values + [1]) / steps)
    body: list[str] = []
    for step in range(steps + 1):
        value = biggest * step / steps
        y = top + plot_h - value / biggest * plot_h
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        shown = f"{value:.0f}" if biggest >= 8 or value == int(value) else f"{value:.1f}"
        body.append(_text(left - 6, y + 4, shown, anchor="end", size=11, fill=MUTED))
    count = len(labels)

    def x_of(i: int) -> float:
        return left + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)

    every = max(1, count // 8)
    for i, label in enumerate(labels):
        if i % every == 0 or i == count - 1:
            body.append(_text(x_of(i), top + plot_h + 18, label, anchor="middle", size=11))
    if not values:
        body.append(_text(left + 8, top + 20, "–", fill=MUTED))
    for n, s in enumerate(series):
        colour = SERIES_COLOURS[n % len(SERIES_COLOURS)]
        dash = DASHES[n % len(DASHES)]
        marker = MARKERS[n % len(MARKERS)]
        points = [
            (x_of(i), top + plot_h - v / biggest * plot_h)
            for i, v in enumerate(s.values)
            if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"'
                f"{dash_attr}/>"
            )
        if len(points) <= 30:
            body.extend(_marker(marker, x, y, colour) for x, y in points)
        if points:
            last_index = max(i for i, v in enumerate(s.values) if v is not None)
            text = s.texts[last_index] if s.texts else f"{s.values[last_index]:g}"
            x, y = points[-1]
            body.append(_text(x + 8, y + 4, text, size=12, fill=INK))
        ly = height + n * 18
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(
            f'<line x1="{left}" y1="{ly}" x2="{left + 30}" y2="{ly}" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/>'
        )
        body.append(_marker(marker, left + 15, ly, colour))
        body.append(_text(left + 38, ly + 4, s.name, size=12))
    return _shell(width, total_height, title, description, body)
