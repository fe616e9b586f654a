"""The SVG charts: well-formed, accessible, self-contained, numbers as text."""

import xml.etree.ElementTree as ET

from dashboards.charts import Bar, Series, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def test_bar_chart_is_accessible_and_self_contained() -> None:
    svg = bar_chart(
        [
            Bar("Social work", 12, "12", target=10, target_text="10"),
            Bar("Pabo <script>", 1, "1", target=6, target_text="6", alert=True),
            Bar("Vaktherapie", None, "<5"),
        ],
        title="Studenten per opleiding",
        description="Balken met doel",
        target_label="doel",
    )
    root = parse(svg)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Studenten per opleiding" and desc.text == "Balken met doel"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "12 / 10" in texts and "1 ! / 6" in texts and "<5" in texts
    assert "Pabo <script>" in texts  # escaped in the markup, text once parsed
    assert "<script>" not in str(svg)
    # The suppressed bar has no mark: three rows, two bars (plus the background).
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("height") not in (None, "6")]
    assert len([r for r in bars if r.get("x") == "210"]) == 2
    for element in root.iter():
        assert "style" not in element.attrib
        assert not any(v.startswith("http") for k, v in element.attrib.items() if k != "xmlns")
    # Text stays inside the picture.
    width = float(root.get("viewBox").split()[2])
    assert all(float(t.get("x")) < width for t in root.iter(f"{SVG}text"))


def test_line_chart_tells_series_apart_without_colour() -> None:
    svg = line_chart(
        ["01-09", "08-09", "15-09"],
        [Series("educatief", [1, 2, 3]), Series("sociaal", [3, None, 1], ["3", "<5", "1"])],
        title="Op locatie",
        description="Lijnen per domein",
    )
    root = parse(svg)
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 2
    assert {line.get("stroke-dasharray") for line in lines} == {None, "6 3"}
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "educatief" in texts and "sociaal" in texts
    # Whole-number grid for counts.
    assert {"0", "1", "2", "3", "4"} <= set(texts)


def test_empty_charts_render() -> None:
    assert parse(bar_chart([], title="t", description="d")).get("role") == "img"
    assert parse(line_chart([], [], title="t", description="d")).get("role") == "img"
