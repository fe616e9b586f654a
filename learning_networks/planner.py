"""The date finder: who can come to a network session when, and which slot is best.

Plain data in, plain data out: no models, no queries. The caller turns placements,
memberships, declared unavailability and other sessions into ``Participant`` objects,
asks ``candidate_slots`` for the times to consider and ``rank_slots`` for the verdict.

Availability model
------------------
A participant can come to a slot when all of these hold:

1. the slot's date (in the slot's own time zone, Europe/Amsterdam) lies within
   ``available_from`` .. ``available_until``, both inclusive; ``None`` means open-ended;
2. the slot's weekday is one of ``on_site_days`` -- network sessions take place in the
   neighbourhood on placement days, the days students are released for them (for a
   professional: the days they work);
3. the weekday is not one of ``class_days`` (fixed classes at the institute win over a
   placement day that was entered for the same weekday);
4. the slot does not overlap any ``busy`` interval (declared unavailability, another
   session). Intervals are half-open, so a session ending at 10:00 does not clash with
   a slot starting at 10:00.

An answer is yes or no. There is deliberately no "maybe" for free days (neither a
placement nor a class day): nobody is released for a session on such a day, and
counting half-people would let a slot full of maybes outrank one that people can
actually attend, and soften the warnings that a whole programme would be absent.
A participant with no ``on_site_days`` can never come; pass all weekdays for someone
who can come on any day.

Ranking
-------
Slots are ordered by, in this order (each criterion only breaks ties of the previous):

1. the number of domains with at least one participant who can come -- a slot where
   every domain is present beats a larger but one-sided crowd;
2. the number of programmes with at least one participant who can come -- losing a
   whole programme is what the pilots could not repair afterwards;
3. evenness: the smallest share, over the domains, of participants who can come;
4. the number of participants who can come;
5. the earlier slot (start, then end), then the order in which the slots were given.

Only domains and programmes that have participants count, so a network without
pedagogical students is not penalised on any slot. ``SlotScore.score`` holds the tuple
of criteria 1--4; ``rank`` is the position, starting at 1. The ordering is a total
order on the given input, so the same input always gives the same output.

Closed days
-----------
School holidays and the days an environment is closed are no candidates at all:
``candidate_slots`` leaves out ``exclude_dates`` (``closed_dates`` turns
``Closure`` periods into those dates), and ``closures_note`` says which closures
left days of the period out, or that none was left.

The texts (``explanation``, ``warnings`` and the note) are translated with
``gettext`` at call time, in the active language.

Cost: participants become bits of Python integers (one bit per participant), so a slot
costs a handful of big-integer ANDs and popcounts per programme and domain instead of a
loop over participants; busy intervals are matched against slots sorted by start
(bisection), so the work is about P x B x log S plus S x (programmes + domains).
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import compress
from zoneinfo import ZoneInfo

from django.utils import dateformat, formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DOMAINS: tuple[str, ...] = ("educational", "social", "pedagogical")
WORKING_DAYS: tuple[int, ...] = (1, 2, 3, 4, 5)


def _is_aware(value: datetime) -> bool:
    return value.tzinfo is not None and value.utcoffset() is not None


@dataclass(frozen=True)
class Participant:
    """Someone who should be able to come: a student or a professional of the network."""

    key: int
    programme: str
    domain: str
    on_site_days: frozenset[int]
    class_days: frozenset[int]
    available_from: date | None = None
    available_until: date | None = None
    busy: tuple[tuple[datetime, datetime], ...] = ()

    def __post_init__(self) -> None:
        if self.domain not in DOMAINS:
            raise ValueError(f"Unknown domain {self.domain!r} for participant {self.key}.")
        for start, end in self.busy:
            if not (_is_aware(start) and _is_aware(end)):
                raise ValueError(f"Busy intervals of participant {self.key} must be aware.")
            if end <= start:
                raise ValueError(
                    f"A busy interval of participant {self.key} ends before it starts."
                )


@dataclass(frozen=True)
class Slot:
    """A candidate time for a session; its date and weekday are those of its own time zone."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if not (_is_aware(self.start) and _is_aware(self.end)):
            raise ValueError("A slot needs aware datetimes.")
        if self.end <= self.start:
            raise ValueError("A slot must end after it starts.")


@dataclass(frozen=True)
class GroupCount:
    """How many of a programme's or domain's participants can come."""

    name: str
    label: str
    expected: int
    total: int

    @property
    def share(self) -> float:
        return self.expected / self.total if self.total else 0.0


@dataclass(frozen=True)
class SlotScore:
    """One slot's verdict; see the module docstring for how ``score`` orders slots."""

    slot: Slot
    rank: int
    expected: int
    total: int
    available: frozenset[int]
    per_programme: tuple[GroupCount, ...]
    per_domain: tuple[GroupCount, ...]
    missing_programmes: tuple[str, ...]
    missing_domains: tuple[str, ...]
    score: tuple[int, int, float, int]
    explanation: str
    warnings: tuple[str, ...]
    # The warnings in a few words, for a one-line summary; empty when nothing is missing.
    shortfall: str = ""


@dataclass(frozen=True)
class Closure:
    """Days on which no session is planned: a school holiday, a closed day."""

    first_day: date
    last_day: date
    label: str

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError("A closure must end on or after its first day.")

    def days(self, first_day: date, last_day: date) -> Iterable[date]:
        """Its days between ``first_day`` and ``last_day``, both inclusive."""
        day = max(self.first_day, first_day)
        while day <= min(self.last_day, last_day):
            yield day
            day += timedelta(days=1)


def closed_dates(
    closures: Iterable[Closure], *, first_day: date, last_day: date
) -> frozenset[date]:
    """The days between ``first_day`` and ``last_day`` that some closure covers."""
    return frozenset(day for closure in closures for day in closure.days(first_day, last_day))


def closures_note(
    closures: Sequence[Closure],
    *,
    first_day: date,
    last_day: date,
    weekdays: Collection[int] = WORKING_DAYS,
) -> str:
    """Why days of the period are not considered, in a sentence; empty when none are.

    Only closures that cover a day of an allowed weekday count: a holiday that
    touches the period on a Saturday changes nothing when Saturdays are not asked.
    """
    allowed = frozenset(weekdays)
    hitting = [
        closure
        for closure in sorted(closures, key=lambda item: (item.first_day, item.label))
        if any(day.isoweekday() in allowed for day in closure.days(first_day, last_day))
    ]
    if not hitting:
        return ""
    names = join_names(
        [
            _("%(label)s (%(first)s to %(last)s)")
            % {
                "label": closure.label,
                "first": formats.date_format(closure.first_day, "SHORT_DATE_FORMAT"),
                "last": formats.date_format(closure.last_day, "SHORT_DATE_FORMAT"),
            }
            if closure.last_day != closure.first_day
            else _("%(label)s (%(day)s)")
            % {
                "label": closure.label,
                "day": formats.date_format(closure.first_day, "SHORT_DATE_FORMAT"),
            }
            for closure in hitting
        ]
    )
    closed = closed_dates(hitting, first_day=first_day, last_day=last_day)
    day = first_day
    while day <= last_day:
        if day.isoweekday() in allowed and day not in closed:
            return _("Not considered, because nobody plans a session then: %(closures)s.") % {
                "closures": names
            }
        day += timedelta(days=1)
    return _("Every day of this period is closed: %(closures)s. Choose another period.") % {
        "closures": names
    }


def candidate_slots(
    *,
    first_day: date,
    last_day: date,
    start_times: Sequence[time],
    duration: timedelta,
    weekdays: Collection[int] = WORKING_DAYS,
    exclude_dates: Collection[date] = (),
    tz: ZoneInfo = AMSTERDAM,
) -> list[Slot]:
    """Every start time on every allowed day from ``first_day`` to ``last_day`` inclusive.

    Start times are wall-clock times in ``tz`` on each day, also across a change to or
    from summer time; a slot lasts exactly ``duration``. A start time that does not
    exist on a day (the skipped hour in spring) moves forward by that hour.
    """
    if duration <= timedelta(0):
        raise ValueError("A session must last longer than zero minutes.")
    if last_day < first_day:
        raise ValueError("The last day lies before the first day.")
    allowed = frozenset(weekdays)
    excluded = frozenset(exclude_dates)
    times = sorted(set(start_times))
    slots: list[Slot] = []
    day = first_day
    while day <= last_day:
        if day.isoweekday() in allowed and day not in excluded:
            for start_time in times:
                naive = datetime.combine(day, start_time.replace(tzinfo=None))
                # The round trip through UTC normalises a non-existent wall-clock time.
                start = naive.replace(tzinfo=tz).astimezone(UTC)
                slots.append(
                    Slot(start=start.astimezone(tz), end=(start + duration).astimezone(tz))
                )
        day += timedelta(days=1)
    return slots


def rank_slots(
    *,
    participants: Sequence[Participant],
    slots: Sequence[Slot],
    programmes: Collection[str] | None = None,
    domains: Collection[str] = DOMAINS,
) -> list[SlotScore]:
    """Score every slot and return them best first.

    ``programmes`` and ``domains`` narrow the audience (``None``: every programme);
    participants outside it are ignored altogether.
    """
    domain_order = tuple(dict.fromkeys(domains))
    unknown = set(domain_order) - set(DOMAINS)
    if unknown:
        raise ValueError(f"Unknown domains: {sorted(unknown)}.")
    wanted = None if programmes is None else frozenset(programmes)
    people = [
        person
        for person in participants
        if person.domain in domain_order and (wanted is None or person.programme in wanted)
    ]
    keys = [person.key for person in people]
    if len(set(keys)) != len(keys):
        raise ValueError("Each participant may appear only once.")
    if not slots:
        return []

    available = _availability_masks(people, slots)

    programme_masks: dict[str, int] = {}
    domain_masks: dict[str, int] = {}
    for bit, person in enumerate(people):
        programme_masks[person.programme] = programme_masks.get(person.programme, 0) | 1 << bit
        domain_masks[person.domain] = domain_masks.get(person.domain, 0) | 1 << bit
    programme_order = sorted(programme_masks, key=lambda name: (name.casefold(), name))
    programme_groups = [(name, programme_masks[name], name) for name in programme_order]
    domain_groups = [
        (name, domain_masks[name], _domain_label(name))
        for name in domain_order
        if name in domain_masks
    ]

    drafts = [
        _Draft.build(index, slot, mask, keys, programme_groups, domain_groups)
        for index, (slot, mask) in enumerate(zip(slots, available, strict=True))
    ]
    drafts.sort(key=_Draft.sort_key)
    when = functools.cache(_when)  # one language per call, and few slots are named
    return [
        _finish(draft, rank, drafts, total=len(people), when=when)
        for rank, draft in enumerate(drafts, 1)
    ]


# --- Availability as bit sets ------------------------------------------------------


def _availability_masks(people: Sequence[Participant], slots: Sequence[Slot]) -> list[int]:
    """For each slot, the bit set of participants (bit i: ``people[i]``) who can come."""
    by_weekday = [0] * 8
    by_period: dict[tuple[date | None, date | None], int] = {}
    for bit, person in enumerate(people):
        flag = 1 << bit
        for weekday in set(person.on_site_days).difference(person.class_days):
            if 1 <= weekday <= 7:
                by_weekday[weekday] |= flag
        period = (person.available_from, person.available_until)
        by_period[period] = by_period.get(period, 0) | flag

    # Placements mostly share a handful of periods, so this is periods x dates, not P x S.
    by_date: dict[date, int] = {}
    for day in {slot.start.date() for slot in slots}:
        mask = 0
        for (first, last), flags in by_period.items():
            if (first is None or first <= day) and (last is None or day <= last):
                mask |= flags
        by_date[day] = mask

    busy = _busy_masks(people, slots)
    return [
        by_weekday[slot.start.isoweekday()] & by_date[slot.start.date()] & ~clash
        for slot, clash in zip(slots, busy, strict=True)
    ]


def _busy_masks(people: Sequence[Participant], slots: Sequence[Slot]) -> list[int]:
    """For each slot, the bit set of participants with a busy interval overlapping it."""
    masks = [0] * len(slots)
    # Other sessions are shared by many participants: match each distinct interval once.
    intervals: dict[tuple[datetime, datetime], int] = {}
    for bit, person in enumerate(people):
        for interval in person.busy:
            intervals[interval] = intervals.get(interval, 0) | 1 << bit
    if not intervals:
        return masks
    spans = [(slot.start.timestamp(), slot.end.timestamp()) for slot in slots]
    order = sorted(range(len(slots)), key=spans.__getitem__)
    starts = [spans[index][0] for index in order]
    longest = max(end - start for start, end in spans)
    for (busy_start, busy_end), flags in intervals.items():
        begin, finish = busy_start.timestamp(), busy_end.timestamp()
        # A slot overlaps when it starts before the interval ends and ends after it
        # starts; no slot is longer than ``longest``, which bounds the first candidate.
        low = bisect.bisect_right(starts, begin - longest)
        high = bisect.bisect_left(starts, finish)
        for position in range(low, high):
            index = order[position]
            if spans[index][1] > begin:
                masks[index] |= flags
    return masks


# --- Scores and texts -------------------------------------------------------------


def _domain_label(domain: str) -> str:
    # Literal msgids, shared with environments.models.Domain.
    labels = {
        "educational": _("educational"),
        "social": _("social"),
        "pedagogical": _("pedagogical"),
    }
    return labels.get(domain, domain)


_BITS = bytes.maketrans(b"01", b"\0\1")


def _decode(mask: int, keys: Sequence[int]) -> frozenset[int]:
    # bin() lists the bits from high to low; reversed, position i is participant i.
    return frozenset(compress(keys, bin(mask)[:1:-1].encode().translate(_BITS)))


@dataclass(frozen=True)
class _Draft:
    index: int
    slot: Slot
    available: frozenset[int]
    per_programme: tuple[GroupCount, ...]
    per_domain: tuple[GroupCount, ...]
    score: tuple[int, int, float, int]

    @classmethod
    def build(
        cls,
        index: int,
        slot: Slot,
        mask: int,
        keys: Sequence[int],
        programme_groups: Iterable[tuple[str, int, str]],
        domain_groups: Iterable[tuple[str, int, str]],
    ) -> _Draft:
        per_programme = tuple(
            GroupCount(name, label, (mask & flags).bit_count(), flags.bit_count())
            for name, flags, label in programme_groups
        )
        per_domain = tuple(
            GroupCount(name, label, (mask & flags).bit_count(), flags.bit_count())
            for name, flags, label in domain_groups
        )
        score = (
            sum(1 for group in per_domain if group.expected),
            sum(1 for group in per_programme if group.expected),
            min((group.share for group in per_domain), default=0.0),
            mask.bit_count(),
        )
        return cls(index, slot, _decode(mask, keys), per_programme, per_domain, score)

    def sort_key(self) -> tuple[int, int, float, int, datetime, datetime, int]:
        domains, programmes, evenness, expected = self.score
        return (
            -domains,
            -programmes,
            -evenness,
            -expected,
            self.slot.start,
            self.slot.end,
            self.index,
        )

    @property
    def expected(self) -> int:
        return self.score[3]


def join_names(names: Sequence[str]) -> str:
    """Names as "a, b and c", in the active language."""
    if len(names) < 2:
        return "".join(names)
    return _("%(items)s and %(last)s") % {"items": ", ".join(names[:-1]), "last": names[-1]}


def _when(slot: Slot) -> str:
    return dateformat.format(slot.start, "l j F H:i")


def _finish(
    draft: _Draft,
    rank: int,
    ranking: Sequence[_Draft],
    *,
    total: int,
    when: Callable[[Slot], str],
) -> SlotScore:
    missing_domains = tuple(group for group in draft.per_domain if not group.expected)
    missing_programmes = tuple(group for group in draft.per_programme if not group.expected)
    expected = draft.expected
    sentences: list[str] = []
    warnings: list[str] = []
    numbers = {"expected": expected, "total": total}

    if not total:
        sentences.append(_("There are no participants to plan for."))
    elif not expected:
        sentences.append(
            _("Nobody can come: none of the %(total)s participants is available.") % numbers
        )
        warnings.append(_("Nobody can come at this time."))
    else:
        present = len(draft.per_domain) - len(missing_domains)
        if missing_domains:
            sentences.append(
                ngettext(
                    "%(present)s of %(count)s domains is represented; "
                    "%(expected)s of %(total)s participants can come.",
                    "%(present)s of %(count)s domains are represented; "
                    "%(expected)s of %(total)s participants can come.",
                    present,
                )
                % {**numbers, "present": present, "count": len(draft.per_domain)}
            )
            labels = [group.label for group in missing_domains]
            sentences.append(
                ngettext(
                    "The %(domains)s domain is missing entirely.",
                    "The %(domains)s domains are missing entirely.",
                    len(labels),
                )
                % {"domains": join_names(labels)}
            )
        else:
            sentences.append(_all_domains_sentence(draft.per_domain, numbers))
        if missing_programmes:
            names = [group.name for group in missing_programmes]
            sentences.append(
                ngettext(
                    "%(programmes)s is missing entirely.",
                    "%(programmes)s are missing entirely.",
                    len(names),
                )
                % {"programmes": join_names(names)}
            )
        else:
            sentences.append(_("Every programme is represented."))
        if not missing_domains and len(draft.per_domain) > 1:
            weakest = min(draft.per_domain, key=lambda group: group.share)
            sentences.append(
                _("The least represented domain is %(domain)s: %(expected)s of %(total)s can come.")
                % {"domain": weakest.label, "expected": weakest.expected, "total": weakest.total}
            )
        sentences.extend(_comparisons(draft, rank, ranking, when))
        for group in missing_domains:
            warnings.append(
                _("Nobody from the %(domain)s domain can come at this time.")
                % {"domain": group.label}
            )
        for group in missing_programmes:
            warnings.append(
                _("Nobody from %(programme)s can come at this time.") % {"programme": group.name}
            )

    return SlotScore(
        shortfall=_shortfall(missing_domains, missing_programmes, total=total, expected=expected),
        slot=draft.slot,
        rank=rank,
        expected=expected,
        total=total,
        available=draft.available,
        per_programme=draft.per_programme,
        per_domain=draft.per_domain,
        missing_programmes=tuple(group.name for group in missing_programmes),
        missing_domains=tuple(group.name for group in missing_domains),
        score=draft.score,
        explanation=" ".join(sentences),
        warnings=tuple(warnings),
    )


def _shortfall(
    missing_domains: Sequence[GroupCount],
    missing_programmes: Sequence[GroupCount],
    *,
    total: int,
    expected: int,
) -> str:
    if not total:
        return ""
    if not expected:
        return _("nobody can come")
    if missing_domains:
        labels = [group.label for group in missing_domains]
        return ngettext(
            "without the %(domains)s domain", "without the %(domains)s domains", len(labels)
        ) % {"domains": join_names(labels)}
    if len(missing_programmes) > 1:
        return _("without %(count)s programmes") % {"count": len(missing_programmes)}
    if missing_programmes:
        return _("without %(programme)s") % {"programme": missing_programmes[0].name}
    return ""


def _all_domains_sentence(per_domain: Sequence[GroupCount], numbers: dict[str, int]) -> str:
    if len(per_domain) == 1:
        return _(
            "The only domain in this network, %(domain)s, is represented; "
            "%(expected)s of %(total)s participants can come."
        ) % {**numbers, "domain": per_domain[0].label}
    if len(per_domain) == 2:
        return (
            _(
                "Both domains in this network are represented; "
                "%(expected)s of %(total)s participants can come."
            )
            % numbers
        )
    return (
        _("All three domains are represented; %(expected)s of %(total)s participants can come.")
        % numbers
    )


# Indexed by the deciding criterion (see ``_deciding``); lazy, so importing this module
# needs no settings.
_RANKED_ABOVE = (
    gettext_lazy(
        "Ranked above %(when)s, where more participants can come (%(expected)s), "
        "because more domains are represented here."
    ),
    gettext_lazy(
        "Ranked above %(when)s, where more participants can come (%(expected)s), "
        "because more programmes are represented here."
    ),
    gettext_lazy(
        "Ranked above %(when)s, where more participants can come (%(expected)s), "
        "because the domains are more evenly represented here."
    ),
)
_RANKED_BELOW = (
    gettext_lazy(
        "Ranked below %(when)s, where fewer participants can come (%(expected)s), "
        "because fewer domains are represented here."
    ),
    gettext_lazy(
        "Ranked below %(when)s, where fewer participants can come (%(expected)s), "
        "because fewer programmes are represented here."
    ),
    gettext_lazy(
        "Ranked below %(when)s, where fewer participants can come (%(expected)s), "
        "because the domains are less evenly represented here."
    ),
)


def _comparisons(
    draft: _Draft, rank: int, ranking: Sequence[_Draft], when: Callable[[Slot], str]
) -> list[str]:
    """Why this slot beats a larger crowd, or loses to a smaller one."""
    sentences: list[str] = []
    larger_below = [other for other in ranking[rank:] if other.expected > draft.expected]
    if larger_below:
        # The largest crowd this slot was preferred over; the higher ranked on a tie.
        other = max(larger_below, key=lambda item: item.expected)
        sentences.append(
            _RANKED_ABOVE[_deciding(draft, other)]
            % {"when": when(other.slot), "expected": other.expected}
        )
    # The best slot this one loses to although fewer people can come there.
    smaller_above = next(
        (other for other in ranking[: rank - 1] if other.expected < draft.expected), None
    )
    if smaller_above is not None:
        sentences.append(
            _RANKED_BELOW[_deciding(draft, smaller_above)]
            % {"when": when(smaller_above.slot), "expected": smaller_above.expected}
        )
    return sentences


def _deciding(first: _Draft, second: _Draft) -> int:
    """The first criterion (0 domains, 1 programmes, 2 evenness) on which two scores differ.

    Only called for slots whose totals differ in the opposite direction of their rank,
    so one of the first three criteria must have decided.
    """
    return next(
        position for position in range(3) if first.score[position] != second.score[position]
    )
