"""The SVG charts: well-formed, accessible, self-contained, numbers as text, and a
narrow layout for a phone beside the wide one (the browser's measure is in
test_charts_phone.py)."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from dashboards.charts import NARROW, WIDE, Bar, Series, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def english() -> None:
    with translation.override("en"):
        yield


def layouts(markup: str) -> dict[str, ET.Element]:
    """The chart's drawings by layout (wide, narrow)."""
    root = ET.fromstring(f"<charts>{markup}</charts>")
    drawings = list(root)
    assert [d.tag for d in drawings] == [f"{SVG}svg", f"{SVG}svg"]
    return {d.get("class", "").split("-")[-1]: d for d in drawings}


def texts(svg: ET.Element) -> list[str]:
    """Each <text> as it reads, its tspans joined."""
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def sizes(svg: ET.Element) -> set[float]:
    return {float(t.get("font-size")) for t in svg.iter(f"{SVG}text")}


PROGRAMMES = [
    Bar("Social work", 12, "12", target=10, target_text="10"),
    Bar("Pabo <script>", 2, "2", target=3, target_text="3", alert=True),
    Bar("Vaktherapie", None, "<5"),
    Bar("Eerstegraads lerarenopleiding", 1, "1", target=1, target_text="1"),
]


def programmes_chart() -> str:
    return bar_chart(
        PROGRAMMES,
        title="Studenten per opleiding",
        description="Balken met doel",
        target_label="target",
        alert_label="under target",
    )


def test_bar_chart_is_accessible_and_self_contained() -> None:
    markup = programmes_chart()
    assert "<script>" not in markup
    for name, svg in layouts(markup).items():
        assert svg.get("class") == f"chart chart-{name}"
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title.text == "Studenten per opleiding" and desc.text == "Balken met doel"
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        for element in svg.iter():
            assert "style" not in element.attrib
            assert not any(v.startswith("http") for k, v in element.attrib.items() if k != "xmlns")
        # The suppressed programme has no bar: three bars (the hatch, background and
        # the narrow layout's tracks are not bars).
        bars = [
            r
            for r in svg.iter(f"{SVG}rect")
            if r.get("fill", "").startswith(("#1d4ed8", "url(#hatch"))
        ]
        assert len(bars) == 3, name
    wide, narrow = layouts(markup)["wide"], layouts(markup)["narrow"]
    assert wide.get("viewBox").split()[2] == str(WIDE.width)
    assert narrow.get("viewBox").split()[2] == str(NARROW.width)


def test_a_bar_below_its_target_reads_as_words() -> None:
    """Not "2 ! / 3": the number of the target, a warning sign and what it means."""
    for name, svg in layouts(programmes_chart()).items():
        read = " | ".join(texts(svg))
        assert "12 of 10" in read, name
        assert "2 of 3 ⚠ under target" in read, name
        assert "<5" in read and "Pabo <script>" in read
        assert "!" not in read and " / " not in read


def test_labels_are_not_cut_off() -> None:
    """A long programme name wraps to a second line instead of ending in "…"."""
    for name, svg in layouts(programmes_chart()).items():
        read = " ".join(texts(svg))
        assert "…" not in read, name
        assert "Eerstegraads" in read and "lerarenopleiding" in read, name


def test_no_text_is_smaller_than_13_units_and_stays_inside() -> None:
    """13 units are 12 CSS px where the page shows the layout (from 37rem of room for the
    wide one, 295 px for the narrow one); estimated generously, text ends inside."""
    line = line_chart(
        [f"{day} okt" for day in range(1, 32)],
        [Series("educatief", [1.0] * 31), Series("sociaal", [3, None, 1] * 10 + [2])],
        title="Op locatie",
        description="Lijnen per domein",
    )
    for markup in (programmes_chart(), line):
        for name, svg in layouts(markup).items():
            assert min(sizes(svg)) >= 13, name
            width = float(svg.get("viewBox").split()[2])
            for text in svg.iter(f"{SVG}text"):
                x, size = float(text.get("x")), float(text.get("font-size"))
                length = len("".join(text.itertext())) * size * 0.55
                start = {"start": x, "middle": x - length / 2, "end": x - length}
                left = start[text.get("text-anchor")]
                assert left >= -1 and left + length <= width + 1, (name, "".join(text.itertext()))


def test_line_chart_tells_series_apart_without_colour() -> None:
    markup = line_chart(
        ["01-09", "08-09", "15-09"],
        [Series("educatief", [1, 2, 3]), Series("sociaal", [3, None, 1], ["3", "<5", "1"])],
        title="Op locatie",
        description="Lijnen per domein",
    )
    for svg in layouts(markup).values():
        lines = list(svg.iter(f"{SVG}polyline"))
        assert len(lines) == 2
        assert {line.get("stroke-dasharray") for line in lines} == {None, "6 3"}
        read = texts(svg)
        assert "educatief" in read and "sociaal" in read
        # Whole-number grid for counts.
        assert {"0", "1", "2", "3", "4"} <= set(read)


def test_x_labels_do_not_overlap() -> None:
    labels = [f"{day} december" for day in range(1, 41)]
    markup = line_chart(labels, [Series("a", [1.0] * 40)], title="t", description="d")
    for name, svg in layouts(markup).items():
        ticks = [t for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "middle"]
        assert ticks[-1].text == "40 december", name
        xs = [float(t.get("x")) for t in ticks]
        room = len("40 december") * 13 * 0.6
        assert all(b - a >= room for a, b in zip(xs, xs[1:], strict=False)), name


def test_an_empty_figure_says_so() -> None:
    """Not a lone "–": a sentence, in both layouts."""
    for markup in (
        bar_chart([], title="t", description="d"),
        line_chart([], [], title="t", description="d"),
        line_chart(["jan", "feb"], [Series("a", [None, None])], title="t", description="d"),
    ):
        for name, svg in layouts(markup).items():
            assert svg.get("role") == "img"
            read = texts(svg)
            assert "Nothing in this period." in read, name
            assert "–" not in read


def test_the_last_values_of_lines_ending_together_do_not_overlap() -> None:
    """Three domains all at 0 in the last week: three readable labels, in their colours."""
    markup = line_chart(
        ["1 dec", "8 dec", "15 dec"],
        [Series(name, [4, 2, 0]) for name in ("educatief", "sociaal", "pedagogisch")],
        title="t",
        description="d",
    )
    for name, svg in layouts(markup).items():
        ends = [t for t in svg.iter(f"{SVG}text") if t.text == "0" and float(t.get("x")) > 100]
        assert len(ends) == 3, name
        ys = sorted(float(t.get("y")) for t in ends)
        assert all(b - a >= 13 for a, b in zip(ys, ys[1:], strict=False)), (name, ys)
        assert len({t.get("fill") for t in ends}) == 3
        grid = max(
            float(line.get("y1")) for line in svg.iter(f"{SVG}line") if line.get("x2") != "30"
        )
        assert ys[-1] <= grid + 13 * 0.35 + 0.1, (name, ys, grid)
