"""One voice and one word per concept in Dutch (issue #20), as ulvo/lib/glossary.py says.

Every entry of the Dutch catalogue is checked against the glossary, and the account
pages whose texts come from django-allauth and Django are rendered and read, since
those texts only follow the glossary through ulvo/lib/i18n.py.
"""

import ast
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import allauth
import django
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import PASSWORD
from ulvo.lib.glossary import never_words, problems

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def po_entries(path: Path) -> list[dict[str, Any]]:
    """The entries of a .po file (header and obsolete entries left out): msgctxt,
    msgid, msgid_plural and the list of msgstr forms, with their strings joined."""
    entries: list[dict[str, Any]] = []
    entry: dict[str, Any] = {}
    field = ""
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            if entry.get("msgid"):
                entries.append(entry)
            entry, field = {}, ""
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = field, line
        value = ast.literal_eval(rest)
        if keyword.startswith("msgstr"):
            forms = entry.setdefault("msgstr", [])
            if keyword == field:
                forms[-1] += value
            else:
                forms.append(value)
        else:
            entry[keyword] = entry.get(keyword, "") + value if keyword == field else value
        field = keyword
    return entries


# --- The catalogue -----------------------------------------------------------------


def test_every_dutch_translation_follows_the_glossary() -> None:
    found = []
    for entry in po_entries(CATALOGUE):
        msgid = entry["msgid"]
        if "msgid_plural" in entry:
            msgid = f"{msgid} / {entry['msgid_plural']}"
        for msgstr in entry["msgstr"]:
            for problem in problems(msgid, msgstr, entry.get("msgctxt", "")):
                found.append(f"{msgid!r} → {msgstr!r}: {problem}")
    assert not found, "against the glossary (ulvo/lib/glossary.py):\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("msgid", "msgstr", "context"),
    [
        # What issue #20 found in the catalogue and on the pages.
        ("Share", "Aandeel", "verb"),
        ("Log time", "Tijd schrijven", ""),
        ("Two-factor authentication", "Twee-factor-authenticatie", ""),
        ("Log in", "Aanmelden", ""),
        ("Sign Out", "Afmelden", ""),
        ("Check in", "Aanmelden", ""),
        ("Please enter a code:", "Voer alstublieft een code in:", ""),
        ("Your password is too common.", "Uw wachtwoord is te algemeen.", ""),
        ("%(hours)s h", "%(hours)s u", ""),
        ("The facilitators see your reason.", "De begeleiders zien je reden.", ""),
        ("active session", "actieve bijeenkomst", ""),
        ("session", "bijeenkomst", "login"),
        ("The session has been cancelled.", "De sessie is geannuleerd.", ""),
    ],
)
def test_the_glossary_refuses_what_issue_20_found(msgid: str, msgstr: str, context: str) -> None:
    assert problems(msgid, msgstr, context)


@pytest.mark.parametrize(
    ("msgid", "msgstr", "context"),
    [
        ("Share", "Delen", "verb"),
        ("Share", "Aandeel", ""),
        ("Log time", "Tijd registreren", ""),
        ("Log in", "Inloggen", ""),
        (
            "Your session has ended. Please log in again.",
            "Je sessie is verlopen. Log opnieuw in.",
            "",
        ),
        ("excused", "afgemeld", ""),
        ("%(hours)s h", "%(hours)s uur", ""),
    ],
)
def test_the_glossary_accepts_its_own_words(msgid: str, msgstr: str, context: str) -> None:
    assert problems(msgid, msgstr, context) == []


def _wording_msgids(name: str) -> list[str]:
    """The msgids of one list in ulvo/lib/i18n.py, as makemessages reads them."""
    tree = ast.parse((ROOT / "ulvo" / "lib" / "i18n.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == name:
            assert isinstance(node.value, ast.List)
            return [ast.literal_eval(call.args[0]) for call in node.value.elts]  # type: ignore[attr-defined]
    raise AssertionError(f"{name} not in ulvo/lib/i18n.py")


def test_reworded_library_texts_are_the_libraries_own_msgids() -> None:
    """A msgid that the library changed (an upgrade) would silently stop matching."""
    allauth_catalogue = Path(allauth.__file__).parent / "locale/nl/LC_MESSAGES/django.po"
    allauth_msgids = {entry["msgid"] for entry in po_entries(allauth_catalogue)}
    django_msgids = {
        entry["msgid"]
        for catalogue in ("conf/locale", "contrib/auth/locale")
        for entry in po_entries(
            Path(django.__file__).parent / catalogue / "en/LC_MESSAGES/django.po"
        )
    }
    ours = {entry["msgid"] for entry in po_entries(CATALOGUE)}

    allauth_wording = _wording_msgids("ALLAUTH_WORDING")
    django_wording = _wording_msgids("DJANGO_WORDING") + _wording_msgids("MISSING_FROM_DJANGO")
    assert set(allauth_wording) - allauth_msgids == set()
    assert set(django_wording) - django_msgids == set()
    assert set(allauth_wording + django_wording) - ours == set()


# --- The account pages -------------------------------------------------------------


class _Text(HTMLParser):
    """The text a reader sees in a page's <title> and <main> (no scripts)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self._inside = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        if tag in {"title", "main"}:
            self._inside += 1
        if self._inside:
            self.parts.extend(v or "" for k, v in attrs if k in {"aria-label", "placeholder"})

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._skip -= 1
        if tag in {"title", "main"}:
            self._inside -= 1

    def handle_data(self, data: str) -> None:
        if self._inside and not self._skip:
            self.parts.append(data)


def visible_text(response: Any) -> str:
    parser = _Text()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


def read(pages: dict[str, str], name: str, response: Any) -> None:
    assert response.status_code == 200, (name, response.status_code, response.get("Location"))
    pages[name] = visible_text(response)


def test_account_pages_speak_with_one_voice(cast: Any) -> None:
    """Logging in and out, the password, e-mail addresses and two-factor authentication."""
    pages: dict[str, str] = {}
    anonymous = Client()
    read(pages, "login", anonymous.get(reverse("account_login")))
    read(pages, "password reset", anonymous.get(reverse("account_reset_password")))
    anonymous.post(reverse("account_reset_password"), {"email": cast.student.email})
    read(pages, "password reset sent", anonymous.get(reverse("account_reset_password_done")))
    pages["password reset e-mail"] = mail.outbox[-1].subject + " " + mail.outbox[-1].body
    bad_key = reverse("account_reset_password_from_key", args=["1", "wrong-key"])
    read(pages, "password reset, bad link", anonymous.get(bad_key, follow=True))

    # The coordinator logs in with a code; a wrong one first.
    coordinator = Client()
    coordinator.post(
        reverse("account_login"), {"login": cast.coordinator.email, "password": PASSWORD}
    )
    read(pages, "two-factor code", coordinator.get(reverse("mfa_authenticate")))
    read(
        pages,
        "two-factor code, wrong",
        coordinator.post(reverse("mfa_authenticate"), {"code": "1"}),
    )
    coordinator.force_login(cast.coordinator)
    read(pages, "two-factor settings, on", coordinator.get(reverse("mfa_index")))
    read(pages, "confirm with a code", coordinator.get(reverse("mfa_reauthenticate")))
    coordinator.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    read(pages, "deactivate", coordinator.get(reverse("mfa_deactivate_totp")))
    read(pages, "recovery codes", coordinator.get(reverse("mfa_generate_recovery_codes")))

    student = Client()
    home = student.post(
        reverse("account_login"), {"login": cast.student.email, "password": PASSWORD}, follow=True
    )
    read(pages, "logged in", home)
    assert "Je bent ingelogd als Sanne Student." in pages["logged in"]
    read(pages, "two-factor settings, off", student.get(reverse("mfa_index")))
    read(pages, "e-mail addresses", student.get(reverse("account_email")))
    read(pages, "password", student.get(reverse("account_change_password")))
    read(
        pages,
        "password, errors",
        student.post(
            reverse("account_change_password"),
            {"oldpassword": "wrong", "password1": "1234", "password2": "4321"},
        ),
    )
    read(pages, "confirm with the password", student.get(reverse("account_reauthenticate")))
    student.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    read(pages, "activate", student.get(reverse("mfa_activate_totp")))
    read(pages, "log out", student.get(reverse("account_logout")))
    read(pages, "logged out", student.post(reverse("account_logout"), follow=True))
    assert "Je bent uitgelogd." in pages["logged out"]

    found = {name: never_words(text) for name, text in pages.items() if never_words(text)}
    assert not found, found
    for name in ("two-factor code", "two-factor settings, on", "two-factor settings, off"):
        assert "Tweestapsverificatie" in pages[name], name
    assert "Je logt in met een code uit je authenticator-app." in pages["two-factor settings, on"]
    assert "Inloggen" in pages["two-factor code"]
    # Django's password rules, in Dutch and in the je-vorm.
    assert "Je wachtwoord moet minstens" in pages["password"]
    assert "Dit wachtwoord is te kort" in pages["password, errors"]
