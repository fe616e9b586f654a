"""The dashboard's charts are legible on a 360 px phone and on a desktop: each figure
shows one drawing, whose every text is at least 12 CSS px high as Chromium lays it
out, and none is cut off at the drawing's edge."""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from tests.accessibility.axe import sign_in

pytestmark = pytest.mark.e2e

# Per figure: the drawings in view, and for each text its rendered height (its box),
# its font size on screen (the SVG's scale times its size in units), and whether it
# lies inside its drawing.
MEASURE = """() => [...document.querySelectorAll("section.figure")].map((figure) => {
  const shown = [...figure.querySelectorAll("svg.chart")].filter(
    (svg) => svg.getBoundingClientRect().width > 0);
  const texts = shown.flatMap((svg) => {
    const box = svg.getBoundingClientRect();
    return [...svg.querySelectorAll("text")].map((text) => {
      const r = text.getBoundingClientRect();
      return {
        text: text.textContent,
        height: r.height,
        px: parseFloat(text.getAttribute("font-size")) * text.getScreenCTM().a,
        inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5,
      };
    });
  });
  return {figure: figure.id, shown: shown.length, texts};
})"""


@pytest.mark.parametrize(
    "viewport", [{"width": 360, "height": 740}, {"width": 1280, "height": 900}], ids=str
)
def test_chart_text_is_at_least_12_px(
    transactional_db: None, world: Any, live_server: Any, page: Page, viewport: dict[str, int]
) -> None:
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url, world.coordinator)
    page.goto(live_server.url + reverse("dashboards:environment", args=[world.environment.pk]))

    figures = [f for f in page.evaluate(MEASURE) if f["texts"] or f["shown"]]
    assert len(figures) >= 8
    problems = []
    for figure in figures:
        if figure["shown"] != 1:
            problems.append(f"{figure['figure']}: {figure['shown']} drawings in view")
        for text in figure["texts"]:
            if text["height"] < 12 or text["px"] < 12 or not text["inside"]:
                problems.append(f"{figure['figure']}: {text}")
    assert not problems, "\n".join(problems)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
