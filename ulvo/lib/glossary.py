"""ULVO's Dutch glossary: one voice, and one Dutch word for each concept.

The interface speaks to everyone with the informal *je* (never *u*, *uw* or
*alstublieft*) and uses one word per concept, so that a student, a supervisor and a
coordinator read the same thing in the same words. ``TERMS`` names each concept as the
English msgids say it and the one Dutch word for it; ``NEVER`` lists the words that are
never used, whatever the English says. ``tests/test_glossary.py`` checks every entry of
the Dutch catalogue (and the account pages that show texts of django-allauth and Django,
see ``ulvo/lib/i18n.py``) against both, so a translation that drifts fails the suite.

A module rather than a Markdown page: the test reads the rules as they are written here,
with no second copy to keep in step. To add a concept, add a ``Term``; to forbid a
word, add it to ``NEVER`` with the reason and the word to use instead.

Where one English word means two things, the msgid has a context
(``pgettext("verb", "Share")`` is *delen*, plain "Share" is the proportion, *aandeel*);
a term then names the context it applies to.
"""

import re
from dataclasses import dataclass

# Login sessions ("sessie") in msgids without a context; every other session is a
# learning-network session ("bijeenkomst").
LOGIN_SESSION = (
    r"(?i)active sessions?|(?:all|your|no) other sessions|login sessions?|your session has ended"
    r"|a session ends|^this session$|^end session|the session has been ended"
)


@dataclass(frozen=True)
class Term:
    """A concept: where a msgid says ``where``, its Dutch says ``says``."""

    english: str
    dutch: str
    where: str  # regular expression over the msgid (placeholders and tags removed)
    says: str  # regular expression the msgstr must match there
    unless: str = ""  # msgids that use the English word for another concept
    context: str = ""  # the msgctxt of the entries it applies to ("": none)


TERMS: tuple[Term, ...] = (
    # Accounts
    Term(
        "log in",
        "inloggen",
        r"(?i)\b(?:log(?:ging|ged)? ?in|sign(?:ed|ing)?[ -]in)\b(?! (?:it|this|that)\b)|\blogin\b",
        r"(?i)inlog|ingelogd|in te loggen|\blog\b[^.]*\bin\b",
    ),
    Term(
        "log out",
        "uitloggen",
        r"(?i)\blog(?:ging|ged)? ?out\b|\bsign(?:ed|ing)? ?out\b",
        r"(?i)uitlog|uitgelogd|uit te loggen|\blog\b[^.]*\buit\b",
    ),
    Term(
        "two-factor authentication",
        "tweestapsverificatie",
        r"(?i)two[- ]factor",
        r"(?i)tweestapsverificatie",
    ),
    Term(
        "authenticator app", "authenticator-app", r"(?i)authenticator app", r"(?i)authenticator-app"
    ),
    Term("login session", "sessie", LOGIN_SESSION, r"(?i)sessie"),
    Term("login session", "sessie", r"^session$", r"^sessie$", context="login"),
    # People and places
    Term("learning environment", "leeromgeving", r"(?i)\benvironments?\b", r"(?i)leeromgeving"),
    Term("learning network", "leernetwerk", r"(?i)learning networks?", r"(?i)leernetwerk"),
    Term("placement", "stage", r"(?i)\bplacements?\b", r"(?i)stage"),
    Term("programme", "opleiding", r"(?i)\bprogrammes?\b", r"(?i)opleiding"),
    Term(
        "neighbourhood organisation",
        "wijkorganisatie",
        r"(?i)neighbourhood organisations?",
        r"(?i)wijkorganisatie",
    ),
    Term("coordinator", "coördinator", r"(?i)\bcoordinat", r"(?i)coördin"),
    Term(
        "practice supervisor",
        "praktijkopleider",
        r"(?i)practice supervisors?",
        r"(?i)praktijkopleider",
    ),
    Term("school trainer", "schoolopleider", r"(?i)school trainers?", r"(?i)schoolopleider"),
    Term(
        "institute supervisor",
        "instituutsopleider",
        r"(?i)institute supervisors?",
        r"(?i)instituutsopleider",
    ),
    Term(
        "supervisor",
        "begeleider",
        r"(?i)\bsupervis(?:or|ors|es|ed|ing)\b",
        r"(?i)begeleid|opleider",
    ),
    Term("facilitator (of a session)", "facilitator", r"(?i)facilitat", r"(?i)facilitat"),
    Term("core team", "kernteam", r"(?i)core[- ]team", r"(?i)kernteam"),
    # Sessions
    Term(
        "session (of a learning network)",
        "bijeenkomst",
        r"(?i)\bsessions?\b",
        r"(?i)bijeenkomst",
        unless=LOGIN_SESSION,
    ),
    Term(
        "check in (at a session)",
        "inchecken",
        r"(?i)check(?:ed|ing)?[- ]in",
        r"(?i)incheck|ingecheckt|in te checken",
    ),
    Term("unavailability", "verhindering", r"(?i)unavailab", r"(?i)verhinder"),
    Term("learning line", "leerlijn", r"(?i)learning lines?", r"(?i)leerlijn"),
    # Placements
    Term(
        "log (work, hours, time)",
        "registreren",
        r"(?i)\blog(?:s|ged|ging)?\b(?!\s*(?:in|out)\b(?! (?:it|this|that)\b))",
        r"(?i)registr",
        unless=r"(?i)audit log",
    ),
    Term(
        "sign off, approve (a week's hours)",
        "aftekenen",
        r"(?i)sign(?:s|ed|ing)?[- ]off|\bapprov",
        r"(?i)aftek|afgetekend|af te tekenen|\btek\w*\b.*\baf\b",
    ),
    Term(
        "review (a submitted week)",
        "bekijken, afhandelen",
        r"(?i)\breview",
        r"(?i)bekijk|bekeken|afhandel|afgehandeld",
    ),
    Term("days on site", "stagedagen", r"(?i)days? on site|placement days?", r"(?i)stagedag"),
    Term(
        "institute class days",
        "onderwijsdagen",
        r"(?i)class days?|institute days?",
        r"(?i)onderwijsdag",
    ),
    Term("setting (school, neighbourhood, online)", "plek", r"(?i)\bsetting\b", r"(?i)\bplek"),
    Term("draft", "concept", r"(?i)\bdraft", r"(?i)concept"),
    # Reflections and supervision
    Term("reflection", "reflectie", r"(?i)\breflections?\b", r"(?i)reflectie"),
    Term(
        "response (to a reflection)",
        "reactie",
        r"(?i)\brespon(?:se|ses|d|ded)\b",
        r"(?i)reactie|reageer|reageren|gereageerd",
    ),
    Term("learning outcome", "leeruitkomst", r"(?i)learning outcomes?", r"(?i)leeruitkomst"),
    Term("meeting notes", "gespreksverslag", r"(?i)meeting notes?", r"(?i)gespreksverslag"),
    Term("share (verb)", "delen", r"^Share$", r"^Delen$", context="verb"),
    Term("share (a proportion)", "aandeel", r"^Share\b", r"^Aandeel"),
    # Dashboards and messages
    Term("term (a quarter of the school year)", "kwartaal", r"(?i)\bterms?\b", r"(?i)kwarta"),
    Term("gap (no own-domain supervisor)", "hiaat", r"(?i)\bgaps?\b", r"(?i)hiaat|hiaten|zonder"),
    Term("report", "rapportage", r"(?i)\breports?\b", r"(?i)rapportage"),
    Term("notification", "melding", r"(?i)notification", r"(?i)melding"),
    # Small words
    Term("optional", "niet verplicht", r"(?i)\boptional\b", r"(?i)niet verplicht"),
    Term("at most", "hooguit", r"(?i)\bat most\b", r"(?i)hooguit"),
)

# (regular expression over every msgstr, why, what to write instead)
NEVER: tuple[tuple[str, str], ...] = (
    (r"\b[Uu]w?\b", "ULVO says je, jij, jouw; and 'uur', never the abbreviation 'u'"),
    (r"(?i)\balstublieft\b|\ba\.u\.b\b|\baub\b|\bgelieve\b", "leave 'please' out (je-vorm)"),
    (r"(?i)aanmeld", "'aanmelden' is ambiguous: 'inloggen' to log in, 'inchecken' at a session"),
    (r"(?i)\bafmelden\b", "to log out is 'uitloggen' ('afgemeld' is only for being excused)"),
    (r"(?i)twee-?factor|tweefactor|\b2fa\b", "two-factor authentication is 'tweestapsverificatie'"),
    (r"(?i)authenticator app|authenticator code|authenticator geheim", "write 'authenticator-app'"),
    (
        r"(?i)\bqr code|verificatie code|e-mail adres|\bemail adres",
        "compounds: 'QR-code', 'e-mailadres'",
    ),
    (r"(?<![-\w])[Ee]mail", "write 'e-mail'"),
    (r"\b[Cc]oordinat", "write 'coördinator', 'coördinatie'"),
    (r"(?i)\bstagiair", "a student is a 'student'"),
    (r"(?i)\bnotificatie", "a notification is a 'melding'"),
    (r"(?i)\bprogramma", "a programme is an 'opleiding'"),
    (r"(?i)\blesdag", "an institute class day is an 'onderwijsdag'"),
    (r"(?i)goedkeur|goedgekeurd", "hours are 'afgetekend'"),
    (r"(?i)\bsetting\b", "where work happened is the 'plek'"),
    (r"(?i)\boptioneel\b", "write 'niet verplicht'"),
    (r"(?i)\bhoogstens\b|\bmaximaal\b", "write 'hooguit'"),
    (r"(?i)\btijd schrijven\b|\buren schrijven\b", "time and hours are 'geregistreerd'"),
)

_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]+>")


def _english(msgid: str) -> str:
    """The msgid's own words: placeholders and HTML tags say nothing about the concept."""
    return _PLACEHOLDER.sub(" ", msgid)


def problems(msgid: str, msgstr: str, context: str = "") -> list[str]:
    """What in one translation goes against the glossary (empty: nothing)."""
    found = []
    english = _english(msgid)
    for term in TERMS:
        if term.context != context or not re.search(term.where, english):
            continue
        if term.unless and re.search(term.unless, english):
            continue
        if not re.search(term.says, msgstr):
            found.append(f"{term.english!r} is {term.dutch!r} here")
    found.extend(never_words(_PLACEHOLDER.sub(" ", msgstr)))
    return found


def never_words(text: str) -> list[str]:
    """The words of ``NEVER`` that a Dutch text uses, each with what to write instead."""
    found = []
    for pattern, instead in NEVER:
        match = re.search(pattern, text)
        if match:
            found.append(f"{match.group(0)!r}: {instead}")
    return found
