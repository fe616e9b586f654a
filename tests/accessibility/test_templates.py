"""Static checks of the templates for what axe only sees on the pages it visits."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_scrolling_tables_can_be_reached_with_the_keyboard() -> None:
    """A region that scrolls sideways on a phone must take focus, or keyboard users
    cannot scroll it (axe: scrollable-region-focusable)."""
    missing = [
        f"{path.relative_to(TEMPLATES)}: {tag}"
        for path in TEMPLATES.rglob("*.html")
        for tag in re.findall(
            r"<div[^>]*class=\"[^\"]*\btable-scroll\b[^\"]*\"[^>]*>", path.read_text()
        )
        if 'tabindex="0"' not in tag
    ]
    assert not missing, missing


def test_no_role_on_a_summary() -> None:
    """A <summary> is its disclosure's button already; a role is invalid HTML there (the
    W3C checker only sees the pages it is given). Draw one as a button with class="button"."""
    found = [
        f"{path.relative_to(TEMPLATES)}: {tag}"
        for path in TEMPLATES.rglob("*.html")
        for tag in re.findall(r"<summary[^>]*\brole=[^>]*>", path.read_text())
    ]
    assert not found, found
