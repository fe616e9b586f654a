"""The W3C Nu HTML checker finds no error on the pages the suite renders.

The pages: every GET of the authorisation matrix (tests/security/) that answers a
full page, for every role, plus the account pages (allauth's) that people see.
They are written to a temporary directory and checked in one run of vnu.jar (the
``vnu-jar`` package from the npm registry, pinned in package-lock.json, installed by
bin/test with ``npm ci --ignore-scripts``) on the machine's Java. Without Java or the
jar the test fails: it does not skip.
"""

import hashlib
import json
import re
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.security.matrix import ROLES
from tests.security.test_authorisation_matrix import CASES

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Account pages (allauth's views with the project's templates), outside the matrix.
ACCOUNT_PAGES = {
    "anonymous": ["account_login", "account_reset_password", "account_reset_password_done"],
    "student": ["account_email", "account_change_password", "mfa_index", "mfa_activate_totp"],
    "coordinator": ["mfa_index"],
}


def render_pages(cast: Any) -> dict[str, tuple[str, str, str]]:
    """{file name: (role, url, html)} of every distinct full page."""
    pages: dict[str, tuple[str, str, str]] = {}
    seen: set[str] = set()
    urls: list[tuple[str, str]] = []
    for case in CASES:
        if case.method != "get":
            continue
        try:
            with transaction.atomic():
                cast.setup_result = case.setup(cast) if case.setup else None
        except Exception as error:  # the matrix's own test reports a broken set-up
            warnings.warn(f"{case.url_name}: set-up failed ({error!r})", stacklevel=1)
            continue
        url = reverse(case.url_name, args=case.args(cast))
        urls += [(role, url) for role in ROLES if case.expected[role] != 302]
    for role, names in ACCOUNT_PAGES.items():
        urls += [(role, reverse(name)) for name in names]

    clients: dict[str, Client] = {}
    for role, url in urls:
        if role not in clients:
            clients[role] = Client()
            if role != "anonymous":
                clients[role].force_login(getattr(cast, role))
        response = clients[role].get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        # Fragments (htmx partials) are checked as part of the page that holds them.
        if not html.lstrip().lower().startswith("<!doctype html>"):
            continue
        digest = hashlib.sha256(html.encode()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        slug = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "root"
        name = f"{len(pages):03d}-{role}-{response.status_code}-{slug}.html"
        pages[name] = (role, f"{url} ({response.status_code})", html)
    return pages


def run_vnu(directory: Path) -> list[dict[str, Any]]:
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is missing: bin/test installs a headless JRE (apt-get).")
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} is missing: run bin/test, or `npm ci --ignore-scripts`.")
    result = subprocess.run(
        [
            java,
            "-Xss2m",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            str(directory),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        report = json.loads(result.stderr)
    except json.JSONDecodeError:
        pytest.fail(f"vnu.jar did not answer in JSON:\n{result.stdout}\n{result.stderr}")
    return [message for message in report["messages"] if message["type"] != "info"]


def test_every_page_is_valid_html(cast: Any, tmp_path: Path) -> None:
    pages = render_pages(cast)
    assert len(pages) > 50, "too few pages rendered: has the matrix changed?"
    for name, (_role, _url, html) in pages.items():
        (tmp_path / name).write_text(html)

    messages = run_vnu(tmp_path)

    problems = []
    for message in messages:
        name = message.get("url", "").rsplit("/", 1)[-1]
        role, url, _html = pages.get(name, ("?", name, ""))
        line = message.get("lastLine", "?")
        problems.append(f"{role} {url} line {line}: {message['message']}")
    kinds: dict[str, int] = {}
    for message in messages:
        kind = re.sub(r"“hx-[a-z-]+”", "“hx-*”", message["message"])
        kinds[kind] = kinds.get(kind, 0) + 1
    summary = "\n".join(
        f"{count:5d}  {kind}" for kind, count in sorted(kinds.items(), key=lambda kv: -kv[1])
    )
    assert not problems, (
        f"{len(problems)} HTML errors on {len(pages)} pages, by kind:\n{summary}\n\n"
        + "\n".join(problems)
    )
