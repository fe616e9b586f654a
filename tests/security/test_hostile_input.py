"""Stored XSS: hostile text in every free-text field, rendered on every page, runs nothing.

A corpus of payloads (script tags, event handlers, ``javascript:`` URLs and htmx
attributes, which would make htmx fetch or run code) is saved into every free-text
field of the project's models: through the real forms where a user types it
(activity descriptions, a returned week's comment), then into every remaining
text column of every row. Every page and fragment of the authorisation matrix is
then requested as each role, and its HTML parsed: no element may carry an event
handler, an htmx attribute, a script or a URL that came from the payloads, and the
payloads must show up escaped. One browser test watches for a dialog or a request
that a payload would cause.

A hostile ``next`` (not a path: ``0``, ``NaN``, a URL name; or another site) is
sent with every write of the matrix: the answer is the one the write gives without
it, and a redirect stays on this site. Every write of the matrix that takes a date
is sent with days outside the years 2000-2099 (ulvo.lib.dates) and changes nothing,
and every date field of every form follows that rule.
"""

import datetime
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from html import escape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

import pytest
from django import forms
from django.apps import apps
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from tests.security.matrix import PROJECT_APPS, Case, db_snapshot
from tests.security.matrix import ROLES as MATRIX_ROLES
from tests.security.test_authorisation_matrix import CASES

PROBE = "xss-probe"
# Short enough for the shortest free-text column (100 characters, a session's room).
CORPUS = [
    f"<script>alert('{PROBE}')</script>",
    f"<img src=x onerror=\"alert('{PROBE}')\">",
    f"\"><svg onload=alert('{PROBE}')>",
    f"'><a href=\"javascript:alert('{PROBE}')\">klik</a>",
    f"javascript:alert('{PROBE}')",
    f'<div hx-get="/{PROBE}" hx-trigger="load">x</div>',
    f"<button hx-on:click=\"alert('{PROBE}')\">b</button>",
    f"<i hx-on::load=\"alert('{PROBE}')\">i</i>",
    f'" hx-get="/{PROBE}" hx-trigger="load" x="',
    f"{{{{ '{PROBE}' }}}}{{% debug %}}</textarea></title><b>{PROBE}</b>",
]

# Free text a user cannot write (identifiers, codes, hashes) or that is validated
# by format; everything else of type char or text gets the payloads.
NOT_FREE_TEXT = {
    "password",
    "token_hash",
    "dedupe_key",
    "check_in_code",
    "school_year",
    "language",
    "session_key",
    "model",
    "last_error",
}
ROLES = ["student", "supervisor", "coordinator", "bystander"]
# Responses that are not pages and not downloads: the health check and the
# calendar feed that calendar apps subscribe to.
INLINE_TYPES = ("text/plain", "text/calendar")


def free_text_fields(model: type[models.Model]) -> list[models.Field]:  # type: ignore[type-arg]
    return [
        field
        for field in model._meta.fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.EmailField)
        and not field.choices
        and field.editable
        and field.name not in NOT_FREE_TEXT
    ]


def project_models() -> Iterator[type[models.Model]]:
    for config in apps.get_app_configs():
        if config.label in PROJECT_APPS:
            yield from config.get_models()


COMBINED = " ".join(CORPUS)


def fill_every_field(offset: int) -> int:
    """Write the payloads into every free-text column of every project row.

    A column that holds them all gets them all; a shorter one gets one payload,
    a different one per column and per ``offset``.
    """
    filled = 0
    for model in project_models():
        fields = free_text_fields(model)
        for obj in model._default_manager.all():
            changes = {}
            for field in fields:
                if field.max_length is None or field.max_length > len(COMBINED) + 10:
                    payload = COMBINED
                else:
                    payload = CORPUS[(filled + offset) % len(CORPUS)]
                # A row number first keeps values unique where the column must be.
                value = f"{obj.pk}{payload}"
                changes[field.name] = value[: field.max_length] if field.max_length else value
                filled += 1
            if changes:
                model._default_manager.filter(pk=obj.pk).update(**changes)
    return filled


def seed_through_forms(cast: Any, payload: str) -> None:
    """What users type, entered the way they type it."""
    from placements.models import Week

    today = timezone.localdate()
    student = Client()
    student.force_login(cast.student)
    response = student.post(
        reverse("placements:entry_create", args=[cast.placement.pk]),
        {
            "date": today.isoformat(),
            "minutes": "60",
            "setting": "school",
            "kind": "classroom",
            "description": payload,
        },
    )
    assert response.status_code == 302
    student.post(reverse("placements:week_submit", args=[cast.placement.pk]), {"week": today})
    week = Week.objects.get(placement=cast.placement)
    supervisor = Client()
    supervisor.force_login(cast.supervisor)
    response = supervisor.post(
        reverse("placements:week_review", args=[week.pk]),
        {"action": "return", "comment": payload},
    )
    assert response.status_code == 302
    week.refresh_from_db()
    assert week.comment == payload


def seed_more_rows(cast: Any) -> None:
    """Rows of the models the cast does not have, so their fields can be filled too."""
    from learning_networks.models import Attendance, LearningLine, Unavailability
    from learning_networks.services import attendance_answer, feedback_give
    from placements.imports import import_job_create, import_job_validate
    from placements.models import SupervisionAssignment
    from reflections.models import LearningOutcome, Reflection
    from reflections.services import (
        evidence_link,
        outcome_save,
        reflection_feedback_add,
        reflection_save,
    )
    from supervision.models import MeetingNote, ResponsibilityAgreement, TimeLog
    from tests.security.test_authorisation_matrix import make_invitation

    make_invitation(cast)
    LearningLine.objects.create(network=cast.network, title="Lijn", description="Beschrijving")
    cast.session.line = LearningLine.objects.get(network=cast.network)
    cast.session.save()
    attendance_answer(
        attendance=Attendance.objects.get(session=cast.session, user=cast.student),
        answer="no",
        reason="Ziek",
    )
    feedback_give(
        attendance=Attendance.objects.get(session=cast.past_session, user=cast.student),
        usefulness=4,
        relevance=4,
        comment="Nuttig",
    )
    # "You said, we did" (#19): a session's decision and one of the line.
    from learning_networks.decisions import line_decision_add, session_decision_save

    session_decision_save(
        session=cast.past_session, concluded="Gezegd", changes="Gedaan", author=cast.supervisor
    )
    line_decision_add(
        line=cast.session.line, concluded="Gezegd", changes="Gedaan", author=cast.supervisor
    )
    Unavailability.objects.create(
        user=cast.student,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        ends_at=timezone.now() + datetime.timedelta(days=3),
        reason="Tentamen",
    )
    reflection = reflection_save(
        reflection=Reflection(
            author=cast.student,
            environment=cast.environment,
            placement=cast.placement,
            session=cast.past_session,
            text="Reflectie",
            visibility="supervisors",
        ),
        publish=True,
    )
    reflection_feedback_add(reflection=reflection, author=cast.supervisor, text="Reactie")
    outcome = outcome_save(
        outcome=LearningOutcome(environment=cast.environment, title="Uitkomst"),
        by=cast.coordinator,
    )
    evidence_link(outcome=outcome, student=cast.student, reflection=reflection)
    MeetingNote.objects.create(
        placement=cast.placement, author=cast.supervisor, date=timezone.localdate(), notes="N"
    )
    TimeLog.objects.create(
        person=cast.supervisor,
        environment=cast.environment,
        organisation=cast.school,
        domain="educational",
        date=timezone.localdate(),
        minutes=60,
        kind=TimeLog._meta.get_field("kind").choices[0][0],
        note="Notitie",
    )
    SupervisionAssignment.objects.create(
        placement=cast.placement,
        name="Willem Wijk",
        email="willem@buurtteam.example.org",
        role="practice",
        domain="social",
    )
    ResponsibilityAgreement.objects.create(
        environment=cast.environment,
        practice_supervisor="Begeleidt",
        school_trainer="Beoordeelt",
        institute_supervisor="Tekent af",
    )
    job = import_job_create(
        environment=cast.environment,
        created_by=cast.coordinator,
        file_name="stages.csv",
        content=b"e-mailadres;naam\r\nx@example.org;X\r\n",
        kind="csv",
    )
    import_job_validate(job_id=job.pk)


class Elements(HTMLParser):
    """The start tags of a page, with their attributes, and the text of its scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcdoc"}


def dangers(html: str) -> list[str]:
    """What in the page a payload made executable."""
    parser = Elements()
    parser.feed(html)
    found = []
    for tag, attrs in parser.tags:
        if tag in {"svg", "img"} and any(PROBE in (value or "") for _, value in attrs):
            found.append(f"<{tag}> from a payload")
        for name, value in attrs:
            value = value or ""
            if (
                name.startswith("on")
                or name.startswith("hx-on")
                or (name.startswith(("hx-", "data-hx-")) or name in URL_ATTRIBUTES)
                and (PROBE in value or value.strip().lower().startswith("javascript:"))
            ):
                found.append(f"<{tag} {name}={value!r}>")
    found += [f"<script>{text[:80]}" for text in parser.scripts if PROBE in text]
    if f"<b>{PROBE}</b>" in html:
        found.append("a raw <b> from a payload")
    return found


def pages(cast: Any) -> Iterator[tuple[str, str]]:
    """(role, url) of every page of the matrix that a role may open."""
    for case in CASES:
        if case.method != "get":
            continue
        cast.setup_result = case.setup(cast) if case.setup else None
        url = reverse(case.url_name, args=case.args(cast))
        for role in ROLES:
            if case.expected[role] == 200:
                yield role, url


@pytest.mark.parametrize("offset", [0, 1])
def test_no_payload_runs_on_any_page(cast: Any, offset: int) -> None:
    seed_through_forms(cast, CORPUS[offset])
    seed_more_rows(cast)
    assert fill_every_field(offset) > 50
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        clients[role].force_login(getattr(cast, role))
    shown = dict.fromkeys(CORPUS, 0)
    checked = 0
    for role, url in pages(cast):
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = clients[role].get(url, **headers)
            if response.status_code != 200:
                continue
            if not response["Content-Type"].startswith("text/html"):
                # Files are downloads, never shown in the browser's origin.
                assert response["Content-Type"].startswith(INLINE_TYPES) or response.get(
                    "Content-Disposition", ""
                ).startswith("attachment"), url
                continue
            html = response.content.decode()
            checked += 1
            problems = dangers(html)
            assert not problems, f"{role} {url} {headers}: {problems}"
            for payload in CORPUS:
                shown[payload] += html.count(escape(payload, quote=False)) + html.count(
                    escape(payload)
                )
    assert checked > 40
    # Every payload is on the pages, as text.
    assert all(shown.values()), shown


def test_the_checker_catches_a_raw_payload() -> None:
    for payload in CORPUS[:4] + CORPUS[5:8]:
        assert dangers(f"<p>{payload}</p>"), payload
        assert not dangers(f"<p>{escape(payload)}</p>"), payload
    assert dangers(f'<input value="{CORPUS[8]}">')
    assert dangers(f"<textarea>{CORPUS[9]}</textarea>")
    assert dangers('<a href="javascript:alert(1)">x</a>')
    assert not dangers(f'<input value="{escape(CORPUS[8])}">')


@pytest.mark.e2e
def test_in_the_browser_no_payload_runs(
    transactional_db: None, cast: Any, live_server: Any, page: Page
) -> None:
    """No dialog opens and no request leaves for a payload's address, with htmx live."""
    from tests.accessibility.axe import sign_in

    seed_through_forms(cast, CORPUS[0])
    seed_more_rows(cast)
    fill_every_field(0)
    dialogs: list[str] = []
    requests: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: PROBE in request.url and requests.append(request.url))
    visited = 0
    every_page = list(pages(cast))
    for role in ("student", "supervisor", "coordinator"):
        sign_in(page, live_server.url, getattr(cast, role))
        for url in list(dict.fromkeys(url for who, url in every_page if who == role)):
            probe = page.request.get(live_server.url + url)
            if probe.status != 200 or not probe.headers["content-type"].startswith("text/html"):
                continue  # downloads and feeds
            page.goto(live_server.url + url)
            page.wait_for_load_state("load")
            visited += 1
        # Give htmx's load triggers and any handler a moment to fire.
        page.wait_for_timeout(300)
    assert visited > 30
    assert dialogs == []
    assert requests == []


def test_an_uploaded_file_with_hostile_cells_and_name(
    cast: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The import's report shows what the file said, escaped; the file is never served."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from placements.models import ImportJob

    rows = [
        "e-mailadres;naam;opleiding;school;startdatum;einddatum;stagedagen;uren per week",
        *(
            f"{payload.replace(';', ',')};{payload.replace(';', ',')};{payload};x;y;z;ma;8"
            for payload in CORPUS
        ),
    ]
    name = f"{CORPUS[1]}.csv".replace("/", "")
    client = login(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("placements:import_start", args=[cast.environment.pk]),
            {"file": SimpleUploadedFile(name, "\r\n".join(rows).encode())},
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.error_count > 0

    start = reverse("placements:import_start", args=[cast.environment.pk])
    for url in (response["Location"], start):
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            page = client.get(url, **headers)
            assert page.status_code == 200
            assert not dangers(page.content.decode()), url
    report = client.get(response["Location"]).content.decode()
    # The file's name is on the page, as text.
    assert escape(job.file_name) in report or escape(job.file_name, quote=False) in report


# --- The ``next`` parameter ------------------------------------------------------

HOSTILE_NEXT = ["0", "NaN", "account_logout", "//evil.example", "https://evil.example", "/\\evil"]


def writes() -> list[Any]:
    """Every POST of the matrix, made by the first role that may make it."""
    params = []
    for index, case in enumerate(CASES):
        if case.method != "post":
            continue
        role = next((r for r in MATRIX_ROLES if r != "anonymous" and case.expected[r] < 400), None)
        if role is not None:
            params.append(pytest.param(case, role, id=f"{case.url_name}-{index}-{role}"))
    return params


@pytest.mark.parametrize(("case", "role"), writes())
def test_a_hostile_next_never_breaks_a_write(
    case: Case, role: str, cast: Any, client: Client
) -> None:
    cast.setup_result = case.setup(cast) if case.setup else None
    client.force_login(getattr(cast, role))
    url = reverse(case.url_name, args=case.args(cast))
    logout = reverse("account_logout")
    for value in HOSTILE_NEXT:
        # Each value against the same state: the write is undone after it.
        with transaction.atomic():
            response = client.post(
                f"{url}?{urlencode({'next': value})}", {**case.data(cast), "next": value}
            )
            transaction.set_rollback(True)
        assert response.status_code == case.expected[role], (value, response.status_code)
        if response.status_code in (301, 302, 303):
            location = response["Location"]
            assert location.startswith("/") and not location.startswith("//"), (value, location)
            assert "\\" not in location and not location.startswith(logout), (value, location)


def test_every_write_that_reads_next_is_among_them() -> None:
    ids = {param.id for param in writes()}
    for name in (
        "accounts:language",
        "learning_networks:session_answer",
        "reflections:feedback_add",
    ):
        assert any(id_.startswith(f"{name}-") for id_ in ids), name


# --- Dates outside the plausible years --------------------------------------------

IMPLAUSIBLE_DAYS = ["0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"]


def date_keys(data: dict[str, Any]) -> list[str]:
    """The fields of a write that hold a day (``2026-09-01``, ``2026-09-01T14:00``)."""
    return [
        key
        for key, value in data.items()
        if isinstance(value, datetime.date)
        or (isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-")
    ]


def test_a_day_outside_the_years_changes_nothing(cast: Any, client: Client) -> None:
    """Every write of the matrix whose data holds a day, with each implausible day."""
    tried = set()
    for param in writes():
        case, role = param.values
        # Each case against the cast's own state: its setup and writes are undone after.
        with transaction.atomic():
            cast.setup_result = case.setup(cast) if case.setup else None
            keys = date_keys(case.data(cast))
            if keys:
                client.force_login(getattr(cast, role))
                url = reverse(case.url_name, args=case.args(cast))
                before = db_snapshot()
                for day in IMPLAUSIBLE_DAYS:
                    data = case.data(cast)
                    for key in keys:
                        value = data[key] if isinstance(data[key], str) else data[key].isoformat()
                        data[key] = day + value[10:]

                    response = client.post(url, data)

                    assert response.status_code in (200, 422), (url, day, response.status_code)
                    assert db_snapshot() == before, (url, day)
                tried.add(case.url_name)
            transaction.set_rollback(True)
    assert {
        "placements:create",
        "placements:edit",
        "placements:entry_create",
        "notifications:report_list",
        "learning_networks:session_create",
        "supervision:meeting_note_add",
        "supervision:time_log",
    } <= tried


def project_forms() -> Iterator[type[forms.BaseForm]]:
    """Every form class of the project's pages (the management site's are Django's)."""
    for label in PROJECT_APPS:
        package = importlib.import_module(label)
        for info in pkgutil.walk_packages(package.__path__, f"{label}."):
            if info.name.endswith(".admin") or ".migrations" in info.name:
                continue
            module = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    yield cls


def test_every_date_field_of_every_form_follows_the_rule() -> None:
    from learning_networks.calendar_views import AgendaPeriodForm
    from ulvo.lib.dates import PlausibleDateField, PlausibleDateTimeField

    fields = [
        (f"{cls.__module__}.{cls.__name__}.{name}", field)
        for cls in project_forms()
        for name, field in cls.base_fields.items()
    ]
    # Added in __init__: "from" is a Python keyword.
    fields += [(f"AgendaPeriodForm.{n}", f) for n, f in AgendaPeriodForm().fields.items()]
    dated = [(name, field) for name, field in fields if isinstance(field, forms.DateField)]
    timed = [(name, field) for name, field in fields if isinstance(field, forms.DateTimeField)]
    assert len(dated) >= 14 and len(timed) >= 2
    for name, field in dated:
        assert isinstance(field, PlausibleDateField), name
    for name, field in timed:
        assert isinstance(field, PlausibleDateTimeField), name
