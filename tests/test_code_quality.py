"""Code checks that run with the suite: lint, format, types, import layers, migrations,
translations, and the pre-commit hooks' own checks."""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).with_name("ruff")
MYPY = Path(sys.executable).with_name("mypy")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
DJADE = Path(sys.executable).with_name("djade")
DJANGO_UPGRADE = Path(sys.executable).with_name("django-upgrade")


def _project_files(pattern: str) -> list[str]:
    skip = {".venv", ".git", "node_modules", "staticfiles", "migrations"}
    return sorted(
        str(path.relative_to(ROOT))
        for path in ROOT.rglob(pattern)
        if not skip.intersection(path.relative_to(ROOT).parts)
    )


def test_ruff_lint_is_clean() -> None:
    result = subprocess.run(
        [RUFF, "check", "."], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = subprocess.run(
        [RUFF, "format", "--check", "."], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean(tmp_path: Path) -> None:
    """mypy with django-stubs on the apps, as configured in pyproject.toml. A fresh cache
    each run: the Django plugin does not always notice a settings change in an old one."""
    result = subprocess.run(
        [MYPY, "--cache-dir", tmp_path / "mypy_cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_templates_are_formatted_with_djade() -> None:
    """The pre-commit hook's template formatter (.pre-commit-config.yaml)."""
    result = subprocess.run(
        [DJADE, "--check", *_project_files("*.html")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_django_upgrade_finds_nothing_to_upgrade() -> None:
    """The pre-commit hook's django-upgrade, with its options (.pre-commit-config.yaml)."""
    result = subprocess.run(
        [
            DJANGO_UPGRADE,
            "--target-version",
            "6.1",
            "--skip",
            "permalink",
            "--check",
            *_project_files("*.py"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_layers_hold() -> None:
    """The import-layer contract in pyproject.toml (README, Layout): no app imports a
    higher one, not even inside a function."""
    result = subprocess.run(
        [LINT_IMPORTS, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_no_missing_migrations() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _po_entries(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for every entry of a .po file, header excluded."""
    entries: list[tuple[str, str, bool]] = []
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    fuzzy = False
    current: list[str] | None = None

    def flush() -> None:
        if msgid is not None and msgstr is not None and "".join(msgid):
            entries.append(("".join(msgid), "".join(msgstr), fuzzy))

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            flush()
            msgid, msgstr, fuzzy, current = None, None, False, None
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural"):
            current = []
        elif line.startswith("msgid "):
            msgid = [line[7:-1]]
            current = msgid
        elif line.startswith("msgstr"):
            msgstr = [line.split(" ", 1)[1][1:-1]]
            current = msgstr
        elif line.startswith('"') and current is not None:
            current.append(line[1:-1])
    return entries


def test_dutch_catalogue_is_complete_and_compiled() -> None:
    po = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    entries = _po_entries(po)
    assert entries, "the Dutch catalogue is empty"
    untranslated = [msgid for msgid, msgstr, _ in entries if not msgstr]
    fuzzy = [msgid for msgid, _, is_fuzzy in entries if is_fuzzy]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime - 1, "compilemessages"


def test_every_translatable_string_is_in_the_catalogue(tmp_path: Path) -> None:
    """makemessages on a copy of the tree finds no string the catalogue lacks."""
    copy = tmp_path / "tree"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", ".mypy_cache", "node_modules", "staticfiles", "*.sqlite3"
        ),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ulvo.settings"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    relative = Path("locale", "nl", "LC_MESSAGES", "django.po")
    found = {msgid for msgid, _, _ in _po_entries(copy / relative)}
    known = {msgid for msgid, _, _ in _po_entries(ROOT / relative)}
    assert not found - known, f"run makemessages -l nl; new strings: {sorted(found - known)}"


def test_no_test_module_imports_from_a_conftest() -> None:
    """Fixtures live in conftest.py, which pytest loads itself; the plain helpers that
    tests share live in tests/<app>/steps.py (or tests/clock.py), where tests import them."""
    found = []
    for name in _project_files("*.py"):
        if not name.startswith("tests/"):
            continue
        for node in ast.walk(ast.parse((ROOT / name).read_text(), filename=name)):
            if isinstance(node, ast.ImportFrom):
                modules = [node.module or ""] + [alias.name for alias in node.names]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            if any(module.rpartition(".")[2] == "conftest" for module in modules):
                found.append(f"{name}:{node.lineno}")
    assert not found, f"import these from a steps module instead: {found}"
