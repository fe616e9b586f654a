"""A student and a coordinator open every page they may see, in Chromium, and the
Content Security Policy blocks nothing: the pages need no inline script, inline style
or eval, so the strict policy costs no functionality.

The pages are those of the authorisation matrix that answer the role with 200.
A listener installed before any page script records ``securitypolicyviolation``
events; console messages about the policy and uncaught errors count as well.
"""

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page

from tests.accounts.test_journey_coordinator_invites import log_in_with_totp
from tests.browser import log_in
from tests.security.test_authorisation_matrix import CASES

pytestmark = pytest.mark.e2e

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
      + ` (${event.sourceFile}:${event.lineNumber})`
  );
});
"""


def pages_for(role: str, cast: Any) -> list[str]:
    urls = []
    for case in CASES:
        if case.method != "get" or case.expected[role] != 200:
            continue
        cast.setup_result = case.setup(cast) if case.setup else None
        url = reverse(case.url_name, args=case.args(cast))
        if url not in urls:
            urls.append(url)
    return urls


def visit_all(page: Page, base_url: str, urls: list[str]) -> tuple[list[str], int]:
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.add_init_script(RECORD_VIOLATIONS)
    visited = 0
    for url in urls:
        probe = page.request.get(base_url + url)
        if probe.status != 200 or not probe.headers.get("content-type", "").startswith("text/html"):
            continue  # downloads and feeds: no document to check
        response = page.goto(base_url + url)
        assert response is not None and response.status == 200, url
        page.wait_for_load_state("load")
        violations = page.evaluate("window.__cspViolations")
        problems.extend(f"{url}: {violation}" for violation in violations)
        visited += 1
    return problems, visited


def test_student_pages_cause_no_csp_violations(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    urls = pages_for("student", cast)
    log_in(page, live_server.url, cast.student)

    problems, visited = visit_all(page, live_server.url, urls)

    assert problems == []
    assert visited >= 8
    assert reverse("accounts:sessions") in urls


def test_coordinator_pages_cause_no_csp_violations(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    urls = pages_for("coordinator", cast)
    log_in_with_totp(page, live_server.url, cast.coordinator)

    problems, visited = visit_all(page, live_server.url, urls)

    assert problems == []
    assert visited >= 10
    assert reverse("accounts:audit_log", args=[cast.environment.pk]) in urls


def test_the_listener_sees_a_violation(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    """The check above can fail: an inline script without the nonce is reported."""
    log_in(page, live_server.url, cast.student)
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(live_server.url + reverse("accounts:sessions"))

    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__ran = true";
          document.body.appendChild(script);
        }"""
    )
    page.wait_for_function("window.__cspViolations.length > 0")

    assert page.evaluate("window.__ran") is None
    assert "script-src" in page.evaluate("window.__cspViolations")[0]
