"""axe-core in the browser: the copy bundled with axe-playwright-python (offline).

The Content Security Policy blocks an injected ``<script>`` tag, so the source is
evaluated through the DevTools protocol instead, which the policy does not govern.
"""

from pathlib import Path
from typing import Any

import axe_playwright_python
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
# WCAG 2.2 A and AA (wcag22aa brings target-size: 24 by 24 CSS pixels, or enough
# space around), and axe's best practices.
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TAGS = [*WCAG, "best-practice"]
# Every finding against a WCAG criterion counts; of the best practices, the serious ones.
BLOCKING = {"serious", "critical"}

RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, tags: v.tags,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


def violations(page: Page) -> list[dict[str, Any]]:
    """WCAG 2.2 A/AA findings (and serious best-practice ones) on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    found = page.evaluate(RUN, TAGS)
    return [
        {key: value for key, value in violation.items() if key != "tags"}
        for violation in found
        if violation["impact"] in BLOCKING or set(violation["tags"]) & set(WCAG)
    ]


def rules(page: Page, tags: list[str]) -> list[str]:
    """The ids of the rules axe runs for these tags (to check the bundled version)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate("(tags) => axe.getRules(tags).map((rule) => rule.ruleId)", tags)


def sign_in(page: Page, base_url: str, user: Any) -> None:
    """A logged-in browser without typing (and without a TOTP code for coordinators)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )
