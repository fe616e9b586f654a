"""Does a text seem to contain personal data of pupils? A warning, never a block.

Reflections are written in schools, about children. Before a reflection is saved or
shared the author is warned when the text looks like it names or identifies a pupil:
a name after a word such as "leerling" or "kind", a date of birth, a phone number, an
e-mail address, a postcode with a house number, or a citizen service number (BSN,
recognised by the 11-check). Pure functions: no database, no request.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

NAME = "name"
BIRTH_DATE = "birth_date"
PHONE = "phone"
EMAIL = "email"
ADDRESS = "address"
BSN = "bsn"

KIND_LABELS = {
    NAME: _("a pupil's name"),
    BIRTH_DATE: _("a date of birth"),
    PHONE: _("a phone number"),
    EMAIL: _("an e-mail address"),
    ADDRESS: _("a postcode with a house number"),
    BSN: _("a citizen service number (BSN)"),
}


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])


# Words after which a capitalised word is probably a child's name.
_CHILD_WORDS = (
    "leerling",
    "leerlinge",
    "leerlingen",
    "kind",
    "kindje",
    "kinderen",
    "kleuter",
    "scholier",
    "pupil",
    "meisje",
    "meid",
    "jongen",
    "jongetje",
    "jochie",
    "zoon",
    "dochter",
    "broertje",
    "zusje",
    "child",
    "girl",
    "boy",
)
# Capitalised words that often follow those words without being a name.
_NOT_NAMES = {
    word.lower()
    for word in [
        "De",
        "Het",
        "Een",
        "Ik",
        "Je",
        "Jij",
        "Wij",
        "We",
        "Hij",
        "Zij",
        "Ze",
        "Die",
        "Dat",
        "Deze",
        "Dit",
        "Daar",
        "Daarna",
        "Toen",
        "Dan",
        "En",
        "Maar",
        "Of",
        "Om",
        "Op",
        "In",
        "Met",
        "Van",
        "Voor",
        "Na",
        "Bij",
        "Uit",
        "Aan",
        "Tijdens",
        "Omdat",
        "Als",
        "Ook",
        "Nog",
        "Wel",
        "Niet",
        "Geen",
        "Zo",
        "Samen",
        "Later",
        "Eerst",
        "Vandaag",
        "Gisteren",
        "Morgen",
        "Thuis",
        "Buiten",
        "Binnen",
        "Groep",
        "Klas",
        "The",
        "A",
        "An",
        "I",
        "He",
        "She",
        "They",
        "We",
        "It",
        "This",
        "That",
        "Then",
        "And",
        "But",
        "Or",
        "In",
        "On",
        "At",
        "With",
        "For",
        "After",
        "Before",
        "During",
        "Today",
        "Yesterday",
        "Later",
        "Together",
        "Group",
        "Class",
    ]
}
_NAME_RE = re.compile(
    r"\b(?i:" + "|".join(_CHILD_WORDS) + r")\b"
    r"[\s,:]+(?:(?i:genaamd|heet|named|called)\s+)?"
    r"(?P<name>[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:[-'][A-Za-zÀ-ÖØ-öø-ÿ]+)?)"
)

_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec|"
    "january|february|march|may|june|july|august|october"
)
_DATE = (
    r"(?P<day>\d{1,2})[-/.](?P<month>\d{1,2})[-/.](?P<year>\d{4})"
    r"|(?P<day2>\d{1,2})\s+(?i:" + _MONTHS + r")\.?\s+(?P<year2>\d{4})"
)
_DATE_RE = re.compile(r"(?<![\d])(?:" + _DATE + r")(?![\d])")
_BIRTH_WORDS_RE = re.compile(
    r"(?i:geboren|geb\.|geboortedatum|geboortedag|born|date of birth|birthday|verjaardag)"
)
# A birth word within this many characters before a date makes it a date of birth.
_BIRTH_WORD_REACH = 30
# Without a birth word, a full date this many years back or more looks like a child's
# birthday rather than the date of a lesson.
_CHILD_AGE_RANGE = (2, 25)

_PHONE_RE = re.compile(r"(?<![\w+])(?:\+31|0031|0)(?:[\s-]?\(?0?\)?)?(?:[\s-]?\d){9}(?![\d])")
_EMAIL_RE = re.compile(r"\b[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
_POSTCODE = r"[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}"
_ADDRESS_RE = re.compile(
    r"\b" + _POSTCODE + r"[\s,]+\d{1,5}(?:\s?[a-zA-Z])?\b"  # 1234 AB 12
    r"|\b[A-Za-zÀ-ÿ]+\s+\d{1,5}[a-zA-Z]?,?\s+" + _POSTCODE + r"\b"  # Straat 12, 1234 AB
)
_BSN_RE = re.compile(r"(?<![\d.\-/])(\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3}[ .]\d{3}[ .]\d{3})(?![\d])")


def is_valid_bsn(number: str) -> bool:
    """The 11-check of a citizen service number: 9 digits, weights 9..2 and -1."""
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) != 9 or not any(digits):
        return False
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0


def _names(text: str) -> list[Finding]:
    return [
        Finding(NAME, match.group("name"))
        for match in _NAME_RE.finditer(text)
        if re.split(r"[-']", match.group("name"))[0].lower() not in _NOT_NAMES
    ]


def _birth_dates(text: str, today: datetime.date) -> list[Finding]:
    found = []
    for match in _DATE_RE.finditer(text):
        year = int(match.group("year") or match.group("year2"))
        before = text[max(0, match.start() - _BIRTH_WORD_REACH) : match.start()]
        near_birth_word = bool(_BIRTH_WORDS_RE.search(before))
        low, high = _CHILD_AGE_RANGE
        childs_age = today.year - high <= year <= today.year - low
        if near_birth_word or childs_age:
            found.append(Finding(BIRTH_DATE, match.group(0)))
    return found


def _simple(kind: str, pattern: re.Pattern[str], text: str) -> list[Finding]:
    return [Finding(kind, match.group(0).strip()) for match in pattern.finditer(text)]


def _bsns(text: str) -> list[Finding]:
    return [
        Finding(BSN, match.group(0)) for match in _BSN_RE.finditer(text) if is_valid_bsn(match[0])
    ]


def find_personal_data(text: str, *, today: datetime.date | None = None) -> list[Finding]:
    """What in the text looks like personal data of a pupil, in order of kind, each once."""
    if not text:
        return []
    today = today or datetime.date.today()  # noqa: DTZ011 - only the year matters
    findings = [
        *_names(text),
        *_birth_dates(text, today),
        *_simple(PHONE, _PHONE_RE, text),
        *_simple(EMAIL, _EMAIL_RE, text),
        *_simple(ADDRESS, _ADDRESS_RE, text),
        *_bsns(text),
    ]
    return list(dict.fromkeys(findings))
