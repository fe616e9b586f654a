"""The supervisor's home as plain facts: per supervisee, what waits for the supervisor.

:func:`home_for` reads the database in a fixed number of queries and returns frozen
dataclasses of ids, names, dates, counts and choices. It words nothing and links
nothing: templates/supervision/home.html does both, and keeps the rendered page until
something on it changes (supervision/home_cache.py).

The rendered page is kept per browser session (its forms carry the browser's CSRF
token), so it cannot be made ahead. The plain result can: :func:`home_kept` keeps it
per supervisor under the same tokens, and :func:`home_refresh` (a task queued when
``ulvo.lib.home_tokens`` forgets a supervisor's page, supervision/tasks.py) builds it
again at once, so the next visit after a change only renders it.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, replace
from itertools import groupby

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.text import Truncator

from accounts.models import User
from environments.models import Domain, LearningEnvironment
from learning_networks.models import Attendance, LearningNetwork, Presence, taken_place
from placements.models import (
    Placement,
    PlacementStatus,
    SupervisionRole,
    Week,
    own_domain_supervision,
)
from reflections.models import Reflection
from supervision.access import time_environments
from supervision.models import MeetingNote
from ulvo.lib.home_tokens import home_tokens

# Attendance at the last few sessions held says more than a rate over the whole year.
RECENT_SESSIONS = 4
# The oldest weeks waiting for sign-off are linked; the sign-off queue has them all.
WEEKS_INLINE = 3
# Per student only the start of the oldest reflection waiting for a response is shown
# (answerable in place); the rest are counted and reached through the reflections list,
# so the page stays small whatever a busy school trainer has waiting.
EXCERPT_CHARS = 240
# Placements that are over leave the home (their weeks stay in the sign-off queue).
ON_THE_HOME = [PlacementStatus.PLANNED, PlacementStatus.ACTIVE]
# Part of the key of a supervisor's plain result (see home_kept).
_KEPT = "ulvo:home:v1:data"


@dataclass(frozen=True)
class Environment:
    pk: int
    name: str
    school_year: str

    @classmethod
    def of(cls, environment: LearningEnvironment) -> Environment:
        return cls(pk=environment.pk, name=environment.name, school_year=environment.school_year)


@dataclass(frozen=True)
class WaitingWeek:
    pk: int
    start: datetime.date
    end: datetime.date


@dataclass(frozen=True)
class WaitingReflection:
    pk: int
    published_at: datetime.datetime
    excerpt: str


@dataclass(frozen=True)
class SessionAttended:
    session_pk: int
    theme: str
    starts_at: datetime.datetime
    presence: Presence
    # The supervisor may open the session's page; otherwise the page shows it as text.
    may_open: bool


@dataclass(frozen=True)
class Supervisee:
    """One placement the supervisor supervises, with what waits for them."""

    placement_pk: int
    student_pk: int
    student_name: str
    programme_name: str
    domain: Domain
    # Mine, on this placement (usually one).
    my_roles: tuple[SupervisionRole, ...]
    signs_off: bool
    # The student has a practice supervisor from their own domain.
    has_own: bool
    # Meetings I wrote notes of.
    note_count: int
    last_meeting: datetime.date | None
    # Submitted weeks waiting for my sign-off, oldest first.
    waiting_weeks: tuple[WaitingWeek, ...] = ()
    # The oldest reflection waiting for my response, and how many wait in all.
    waiting_reflection: WaitingReflection | None = None
    waiting_count: int = 0
    # The student's last sessions held, newest first.
    recent_attendance: tuple[SessionAttended, ...] = ()

    @property
    def shown_weeks(self) -> tuple[WaitingWeek, ...]:
        return self.waiting_weeks[:WEEKS_INLINE]

    @property
    def weeks_more(self) -> bool:
        return len(self.waiting_weeks) > WEEKS_INLINE

    @property
    def waiting_more(self) -> int:
        return self.waiting_count - (self.waiting_reflection is not None)

    @property
    def card_key(self) -> str:
        """A digest of everything the card shows: the key of its rendered HTML, which
        therefore never needs forgetting (home.html)."""
        return hashlib.blake2b(repr(self).encode(), digest_size=16).hexdigest()

    @property
    def needs_action(self) -> bool:
        """A week waits for my sign-off or a reflection for my response: the card is
        open and comes first; the others are folded to their name."""
        return bool(self.waiting_weeks) or self.waiting_count > 0


@dataclass(frozen=True)
class EnvironmentGroup:
    environment: Environment
    # Those who need me first, then the rest, each in name order.
    supervisees: tuple[Supervisee, ...]

    @property
    def needing_action(self) -> int:
        return sum(s.needs_action for s in self.supervisees)


@dataclass(frozen=True)
class SupervisorHome:
    groups: tuple[EnvironmentGroup, ...]
    student_count: int
    # Where the supervisor logs their hours (supervision.access.time_environments).
    time_environments: tuple[Environment, ...]


def home_for(user: User) -> SupervisorHome:
    """My planned and active supervisees, per environment, with what waits for me.

    Six queries whatever the number of supervisees: the placements, their waiting
    weeks, reflections and attendance, and two for the hours links."""
    placements = _supervisees(user)
    weeks = _waiting_weeks(user, [p.placement_pk for _, p in placements if p.signs_off])
    reflections = _waiting_reflections(user)
    attendance = _recent_attendance(
        user,
        students={p.student_pk for _, p in placements},
        environments={environment.pk for environment, _ in placements},
    )
    supervisees = []
    for environment, placement in placements:
        # A student with two placements in one environment: their reflections show once.
        oldest, waiting = reflections.pop((placement.student_pk, environment.pk), (None, 0))
        supervisee = replace(
            placement,
            waiting_weeks=weeks.get(placement.placement_pk, ()),
            waiting_reflection=oldest,
            waiting_count=waiting,
            recent_attendance=attendance.get(placement.student_pk, ()),
        )
        supervisees.append((environment, supervisee))
    return SupervisorHome(
        groups=tuple(
            EnvironmentGroup(
                environment=environment,
                supervisees=tuple(sorted((s for _, s in group), key=lambda s: not s.needs_action)),
            )
            for environment, group in groupby(supervisees, key=lambda pair: pair[0])
        ),
        student_count=len({p.student_pk for _, p in placements}),
        time_environments=tuple(Environment.of(e) for e in time_environments(user)),
    )


def _supervisees(user: User) -> list[tuple[Environment, Supervisee]]:
    """The placements I supervise (``Placement.objects.supervised_by``) that are planned
    or active, in the order of the page, each once with my roles on it and nothing
    waiting yet. One query: a row per assignment of mine, merged here."""
    mine = MeetingNote.objects.filter(placement=OuterRef("pk"), author=user).order_by()
    assignments = (
        Placement.objects.supervised_by(user)
        .filter(status__in=ON_THE_HOME, assignments__supervisor=user)
        .annotate(
            has_own=own_domain_supervision(),
            last_meeting=Subquery(mine.order_by("-date", "-pk").values("date")[:1]),
            note_count=Subquery(mine.values("placement").annotate(n=Count("pk")).values("n")),
        )
        .order_by(
            "environment__name",
            "environment__school_year",
            "environment_id",
            "student__full_name",
            "pk",
            "assignments__role",
        )
        .values_list(
            "pk",
            "student_id",
            "student__full_name",
            "programme__name",
            "programme__domain",
            "environment_id",
            "environment__name",
            "environment__school_year",
            "assignments__role",
            "assignments__signs_off",
            "has_own",
            "note_count",
            "last_meeting",
            named=True,
        )
    )
    placements = []
    for _, group in groupby(assignments, key=lambda row: row.pk):
        rows = list(group)
        first = rows[0]
        environment = Environment(
            pk=first.environment_id,
            name=first.environment__name,
            school_year=first.environment__school_year,
        )
        supervisee = Supervisee(
            placement_pk=first.pk,
            student_pk=first.student_id,
            student_name=first.student__full_name,
            programme_name=first.programme__name,
            domain=Domain(first.programme__domain),
            my_roles=tuple(SupervisionRole(row.assignments__role) for row in rows),
            signs_off=any(row.assignments__signs_off for row in rows),
            has_own=first.has_own,
            note_count=first.note_count or 0,
            last_meeting=first.last_meeting,
        )
        placements.append((environment, supervisee))
    return placements


def _waiting_weeks(user: User, placement_pks: list[int]) -> dict[int, tuple[WaitingWeek, ...]]:
    """Per placement: its weeks waiting for my sign-off (``Week.objects.awaiting_signoff_by``),
    oldest first. One query."""
    if not placement_pks:
        return {}
    weeks = (
        Week.objects.awaiting_signoff_by(user)
        .filter(placement_id__in=placement_pks)
        .only("placement_id", "start")
        .order_by("placement_id", "start", "pk")
    )
    return {
        placement_pk: tuple(WaitingWeek(pk=w.pk, start=w.start, end=w.end) for w in group)
        for placement_pk, group in groupby(weeks, key=lambda week: week.placement_id)
    }


def _waiting_reflections(
    user: User,
) -> dict[tuple[int, int], tuple[WaitingReflection, int]]:
    """Per (student, environment): the oldest reflection shared with me that has no
    response from me yet, and how many wait in all. One query."""
    partition = [F("author_id"), F("environment_id")]
    oldest = (
        Reflection.objects.awaiting_response_from(user)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=partition,
                order_by=[F("published_at").asc(), F("pk").asc()],
            ),
            waiting=Window(Count("pk"), partition_by=partition),
        )
        .filter(rank=1)
        .values_list("pk", "author_id", "environment_id", "published_at", "text", "waiting")
    )
    per_student = {}
    for pk, author_pk, environment_pk, published_at, text, waiting in oldest:
        assert published_at is not None  # only published reflections await a response
        reflection = WaitingReflection(
            pk=pk, published_at=published_at, excerpt=Truncator(text).chars(EXCERPT_CHARS)
        )
        per_student[author_pk, environment_pk] = (reflection, waiting)
    return per_student


def _recent_attendance(
    user: User, students: set[int], environments: set[int]
) -> dict[int, tuple[SessionAttended, ...]]:
    """Per student: their invitations to the last sessions held in these environments,
    newest first, each with whether I may open the session. One query."""
    if not students:
        return {}
    # learning_networks.access.session_for opens a session of a network visible to the
    # user (a draft only to its planners; drafts never took place, so never show here).
    visible = LearningNetwork.objects.visible_to(user).values("pk")
    ranked = (
        Attendance.objects.filter(
            taken_place("session__"),
            user_id__in=students,
            session__starts_at__lt=timezone.now(),
            session__network__environment_id__in=environments,
        )
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("user_id")], order_by=F("session__starts_at").desc()
            ),
            may_open=ExpressionWrapper(
                Q(session__network_id__in=visible), output_field=BooleanField()
            ),
        )
        .filter(rank__lte=RECENT_SESSIONS)
        .order_by("user_id", "-session__starts_at")
        .values_list(
            "user_id", "session_id", "session__theme", "session__starts_at", "presence", "may_open"
        )
    )
    return {
        student_pk: tuple(
            SessionAttended(
                session_pk=session_pk,
                theme=theme,
                starts_at=starts_at,
                presence=Presence(presence),
                may_open=may_open,
            )
            for _, session_pk, theme, starts_at, presence, may_open in rows
        )
        for student_pk, rows in groupby(ranked, key=lambda row: row[0])
    }


def home_kept_seconds() -> int:
    """Half the rendered page's time (supervision/home_cache.py), so what time alone
    changes (a session that has just ended) shows at most one and a half times that
    late; 0 (the test settings) keeps nothing. Every change forgets it at once."""
    return int(getattr(settings, "ULVO_SUPERVISOR_HOME_CACHE_SECONDS", 300)) // 2


def _kept_key(user_id: int) -> str:
    """The key of the supervisor's plain result under their current tokens. Missing
    tokens are set here, before the caller reads the database (ulvo.lib.home_tokens)."""
    mine, everyone = home_tokens(user_id)
    return f"{_KEPT}:{user_id}:{mine}:{everyone}"


def home_kept(user: User) -> SupervisorHome:
    """:func:`home_for`, from the cache when it was built (or refreshed) since the last
    change: the page is then rendered without a query of its own."""
    seconds = home_kept_seconds()
    if seconds <= 0:
        return home_for(user)
    key = _kept_key(user.pk)
    home = cache.get(key)
    if home is None:
        home = home_for(user)
        cache.set(key, home, seconds)
    return home


def home_refresh(user_ids: list[int]) -> int:
    """Build these supervisors' plain results again after a change (their tokens were
    just forgotten), so their next visit is served without the queries. Returns how
    many were built."""
    seconds = home_kept_seconds()
    if seconds <= 0:
        return 0
    built = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
        # The key first: a change committed while this runs forgets the tokens again.
        key = _kept_key(user.pk)
        cache.set(key, home_for(user), seconds)
        built += 1
    return built
