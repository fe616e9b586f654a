"""Tables on a 360 px phone, on the main pages of every role: each data table is in a
scroll region that fits the screen, can be scrolled with the keyboard, has a name and
shows a cue (a shadow) where there is more; and where a table was cut off before the
column that matters, that column is now in view."""

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page

from tests.accessibility.axe import sign_in
from tests.accessibility.test_axe import pages, seed

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
CHECKS = ("name", "keyboard", "scrolls", "fits", "cue")

# Every table on the page, its closed disclosures opened: how far it reaches, and the
# scroll region it is in, if any.
TABLES = """() => {
  for (const details of document.querySelectorAll("main details")) details.open = true;
  const width = document.documentElement.clientWidth;
  const byId = (id) => (document.getElementById(id) || {}).textContent || "";
  const name = (el) => (el.getAttribute("aria-label")
    || (el.getAttribute("aria-labelledby") || "").split(/\\s+/).map(byId).join(" ")).trim();
  return [...document.querySelectorAll("main table")]
    .filter((table) => table.getClientRects().length)
    .map((table) => {
      const box = table.getBoundingClientRect();
      const region = table.closest('[role="region"]');
      const found = {
        table: (table.querySelector("caption, th") || table).textContent.trim().slice(0, 60),
        overflows: box.left < -0.5 || box.right > width + 0.5,
        region: null,
      };
      if (region) {
        const style = getComputedStyle(region);
        const area = region.getBoundingClientRect();
        found.region = {
          name: name(region),
          keyboard: region.getAttribute("tabindex") === "0",
          scrolls: ["auto", "scroll"].includes(style.overflowX),
          fits: area.left >= -0.5 && area.right <= width + 0.5,
          cue: style.backgroundImage.includes("gradient"),
        };
      }
      return found;
    });
}"""


@pytest.mark.parametrize("role", ["student", "supervisor", "coordinator"])
def test_no_table_runs_off_a_phone_outside_a_scroll_region(
    transactional_db: None, cast: Any, live_server: Any, page: Page, role: str
) -> None:
    seeded = seed(cast)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, getattr(cast, role))
    problems: list[str] = []
    tables = 0
    for url in pages(cast, seeded)[role]:
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, url
        for found in page.evaluate(TABLES):
            tables += 1
            region = found["region"]
            if region is None:
                if found["overflows"]:
                    problems.append(f"{url}: {found['table']!r} runs off the screen")
                continue
            wrong = [key for key in CHECKS if not region[key]]
            if wrong:
                problems.append(f"{url}: {found['table']!r} in a region without {wrong}")
        if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            problems.append(f"{url}: the page scrolls sideways")
    assert tables, "no tables on these pages"
    assert not problems, "\n".join(problems)


def header_in_view(page: Page, text: str) -> bool:
    """Whether a column header with this text is whole on the screen, unscrolled."""
    return page.evaluate(
        """(text) => [...document.querySelectorAll("main th")].some((th) => {
             const box = th.getBoundingClientRect();
             return th.textContent.trim() === text && box.width > 0
               && box.right <= document.documentElement.clientWidth;
           })""",
        text,
    )


def dutch(text: str) -> str:
    with translation.override("nl"):
        return translation.gettext(text)


def test_the_column_that_matters_is_in_view_on_a_phone(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    """Network sessions show where, a placement's supervisors their domain, and a
    dashboard figure's rows lead to their list from the first column."""
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, cast.coordinator)

    page.goto(live_server.url + reverse("learning_networks:detail", args=[cast.network.pk]))
    place = page.locator("main td", has_text=cast.school.name).first
    box = place.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"], box

    page.goto(live_server.url + reverse("supervision:placement", args=[cast.placement.pk]))
    assert header_in_view(page, dutch("Domain"))

    page.goto(live_server.url + reverse("supervision:gaps", args=[cast.environment.pk]))
    assert header_in_view(page, dutch("Current supervisors"))

    page.goto(live_server.url + reverse("dashboards:environment", args=[cast.environment.pk]))
    figure = page.locator("#figure-supervision")
    figure.locator("summary").click()
    drill = reverse("dashboards:placements", args=[cast.environment.pk])
    first = figure.locator("tbody tr th[scope=row] a").first
    assert drill in (first.get_attribute("href") or "")
    box = first.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
