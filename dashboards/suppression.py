"""Small-number suppression: which counts of a figure a viewer may not see exactly.

Dashboards show counts of students to viewers who may not see the students behind
them (a core team, an organisation). A count from 1 to 4 could point at one student,
so it shows as "<5" (*primary* suppression, :func:`count_cell` for a lone count). Where
counts add up to a total that is on the page too, that is not enough: the total minus
the other parts gives the "<5" back. :func:`protect` hides as many more counts as it
takes (*complementary* or *secondary* suppression) and returns a :class:`Protection`
that says, per count, what the page shows.

The contract of :func:`protect`, for ``suppress=True``:

- exactly the counts from 1 to 4 (of those on the page) are primary and show "<5";
- a secondary count shows as "hidden" and is 5 or more; zero stays zero, and every
  count that is shown is exact;
- no hidden count can be worked out to one value from what is shown and the sums the
  reader knows (``groups``): not by one sum, not by adding or subtracting sums, and not
  by narrowing the ranges "<5" (1 to 4) and "hidden" (5 or more) give — with one
  documented exception (four "<5" parts under a "<5" total are each 1);
- the same input gives the same output.

"Worked out" is as far as the reasoning in :func:`_bounds` reaches: ranges narrowed by
the sums and by sums combined, not a search over every whole-number solution. The
figures of ``dashboards.tables`` (whose grand totals are never shown) are checked
against a reader who does try them all (``tests/dashboards/test_suppression.py``). A
new shape of figure needs such a test of its own: a two-way table with its grand total
shown can defeat the ranges (two "<5" whose row must add up to 8 are both 4).

With ``suppress=False`` nothing is hidden. The functions here are pure: no database,
no request, nothing kept between calls; what a figure's sums are is the caller's
knowledge (``dashboards.tables`` builds them per table).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils.translation import gettext as _

# Counts from 1 to SMALL - 1 could point at one student: shown as "<5".
SMALL = 5
SUPPRESSED = "<5"
INF = math.inf

Key = Hashable
# A sum a reader knows of: a total and the parts that add up to it.
Group = tuple[Key, Sequence[Key]]
# A sum as a reader sees it: the counts they do not know, with their factors, and the
# number those add up to.
Equation = tuple[dict[Key, Fraction], Fraction]


def hidden_text() -> str:
    """What a count hidden by complementary suppression shows: it is 5 or more, so "<5"
    would not be true."""
    return _("hidden")


def is_small(value: int) -> bool:
    """A count that could point at one student (primary suppression)."""
    return 0 < value < SMALL


def count_cell(value: int, suppress: bool) -> int | str:
    """A lone count, one that is in no sum on the page: "<5" when small."""
    return SUPPRESSED if suppress and is_small(value) else value


def count_text(value: int, suppress: bool) -> str:
    return str(count_cell(value, suppress))


@dataclass
class Protection:
    """Which counts of a figure are hidden: ``primary`` ones (1 to 4, shown as "<5") and
    ``secondary`` ones, hidden so that a primary one cannot be worked out."""

    values: Mapping[Key, int]
    primary: set[Key] = field(default_factory=set)
    secondary: set[Key] = field(default_factory=set)

    def hidden(self, key: Key) -> bool:
        return key in self.primary or key in self.secondary

    def cell(self, key: Key) -> int | str:
        if key in self.primary:
            return SUPPRESSED
        if key in self.secondary:
            return hidden_text()
        return self.values[key]


def _equations(
    protection: Protection, groups: Sequence[Group], unknown: frozenset[Key]
) -> list[Equation]:
    equations = []
    for total, parts in groups:
        factors: dict[Key, Fraction] = {}
        number = Fraction(0)
        for key, factor in [(total, 1), *((part, -1) for part in parts)]:
            if key in unknown:
                factors[key] = factors.get(key, Fraction(0)) + factor
            else:
                number -= factor * protection.values[key]
        factors = {key: factor for key, factor in factors.items() if factor}
        if factors:
            equations.append((factors, number))
    return equations


def _reduced(equations: list[Equation]) -> list[Equation]:
    """The equations combined (Gauss–Jordan): what subtracting one sum from another
    tells, e.g. a level minus a domain that share all but one programme. Equations
    with a count that is in no other one are left out first: they tell nothing about
    the rest (they still bound it, and stay in the ranges)."""
    rows = [dict(factors) for factors, _number in equations]
    numbers = [number for _factors, number in equations]
    keep = list(range(len(rows)))
    while True:
        seen: dict[Key, int] = {}
        for index in keep:
            for key in rows[index]:
                seen[key] = seen.get(key, 0) + 1
        alone = [i for i in keep if any(seen[key] == 1 for key in rows[i])]
        if not alone:
            break
        keep = [i for i in keep if i not in alone]
    reduced: list[tuple[Key, dict[Key, Fraction], Fraction]] = []
    for index in keep:
        row, number = dict(rows[index]), numbers[index]
        for pivot, other, other_number in reduced:
            if pivot in row:
                factor = row[pivot]
                for key, value in other.items():
                    row[key] = row.get(key, Fraction(0)) - factor * value
                number -= factor * other_number
                row = {key: value for key, value in row.items() if value}
        if not row:
            continue
        pivot = next(iter(row))
        scale = row[pivot]
        row = {key: value / scale for key, value in row.items()}
        number /= scale
        for n, (other_pivot, other, other_number) in enumerate(reduced):
            if pivot in other:
                factor = other[pivot]
                for key, value in row.items():
                    other[key] = other.get(key, Fraction(0)) - factor * value
                reduced[n] = (
                    other_pivot,
                    {key: value for key, value in other.items() if value},
                    other_number - factor * number,
                )
        reduced.append((pivot, row, number))
    return [(row, number) for _pivot, row, number in reduced]


def _whole(value: float | Fraction, up: bool) -> float:
    """The whole number at or inside the end of a range (counts are whole)."""
    if math.isinf(value):
        return float(value)
    return math.ceil(value) if up else math.floor(value)


def _bounds(
    protection: Protection, groups: Sequence[Group], unshown: frozenset[Key]
) -> dict[Key, tuple[float, float]]:
    """What a reader can know of every count they do not see: a range. A "<5" is 1 to
    4, a "hidden" count 5 or more (zeros and small counts show as such), a count that
    is not shown at all anything from 0. The ranges are narrowed by every sum — as
    given and combined (:func:`_reduced`) — in turn until nothing changes: a count
    whose range is one number can be worked out."""
    bounds: dict[Key, tuple[float, float]] = {}
    for key in protection.values:
        if key in unshown:
            bounds[key] = (0, INF)
        elif key in protection.primary:
            bounds[key] = (1, SMALL - 1)
        elif key in protection.secondary:
            bounds[key] = (SMALL, INF)
    given = _equations(protection, groups, frozenset(bounds))
    equations = given + _reduced(given)
    for _round in range(100):  # the ranges only narrow; this stops long before
        changed = False
        for factors, number in equations:
            for key, factor in factors.items():
                # factor × key = number − (the others), the others within their ranges
                low: float | Fraction = Fraction(0)
                high: float | Fraction = Fraction(0)
                ends: tuple[float | Fraction, float | Fraction]
                for other, value in factors.items():
                    if other != key:
                        ends = (value * bounds[other][0], value * bounds[other][1])
                        low, high = low + min(ends), high + max(ends)
                ends = ((number - high) / factor, (number - low) / factor)
                old = bounds[key]
                new = (
                    max(old[0], _whole(min(ends), up=True)),
                    min(old[1], _whole(max(ends), up=False)),
                )
                if new != old:
                    bounds[key] = new
                    changed = True
        if not changed:
            break
    return bounds


def protect(
    values: Mapping[Key, int],
    groups: Sequence[Group],
    *,
    suppress: bool,
    unshown: Iterable[Key] = (),
    also: Iterable[Key] = (),
) -> Protection:
    """Primary and complementary (secondary) suppression of one figure's counts.

    ``values`` are the figure's counts, ``groups`` the sums a reader knows of: a total
    and the parts that add up to it (a domain and its programmes; the placements of a
    row and their two kinds). ``unshown`` counts are in a sum but not on the page (the
    students invited but not present): a reader knows nothing of them. ``also`` are
    counts to hide from the start, where the groups are not known well enough.

    Primary: every count from 1 to 4 shows as "<5". That alone does not do where the
    parts of a total are shown with it — the total minus the other parts gives the
    "<5" back. So, while any hidden count can still be worked out exactly from what is
    shown — adding and subtracting the sums, and narrowing the ranges the markers
    give (see :func:`_bounds`) — one more count of a group it is in is hidden: the
    smallest non-zero part still shown, or, when no part is left, the total.

    Why a part and not the total: the totals — a domain, a row's placements — are what
    these figures are read for (the balance between domains), and the smallest part
    carries the least information, so hiding it costs the least. Why "worked out"
    rather than "the only hidden count of its group": two hidden counts can still
    give each other away (two "<5" that must add up to 2 are both 1; a "<5" and a
    hidden count that add up to 6 are 1 and 5), and a count can be in two groups (a
    programme is in its domain and in its level: the level minus the domain can give
    it away when neither sum alone does). A secondary count shows as
    "hidden", not "<5": it is 5 or more. Zero stays zero (no student to recognise),
    and shown counts are always exact.

    Known limit: four parts shown as "<5" under a total shown as "<5" are each 1;
    there is nothing left to hide then but the rows themselves.
    """
    protection = Protection(values)
    if not suppress:
        return protection
    hidden_always = frozenset(unshown)
    protection.primary = {
        key for key, value in values.items() if key not in hidden_always and 0 < value < SMALL
    }
    protection.secondary = {
        key for key in also if values[key] > 0 and key not in protection.primary
    }
    while True:
        bounds = _bounds(protection, groups, hidden_always)
        exposed = [key for key in bounds if protection.hidden(key) and len(set(bounds[key])) == 1]
        choice = _complement(protection, groups, hidden_always, exposed, bounds)
        if choice is None:
            return protection
        protection.secondary.add(choice)


def _complement(
    protection: Protection,
    groups: Sequence[Group],
    unshown: frozenset[Key],
    exposed: list[Key],
    bounds: dict[Key, tuple[float, float]],
) -> Key | None:
    """The next count to hide for the first exposed one that still can be helped, from
    the groups it is in: those with a total on the page first (a sum of everything,
    not shown, only follows from them), then the ones with the fewest counts a reader
    does not know (their sum is what gives it away), then the smallest."""

    def visible(key: Key) -> bool:
        return key not in unshown and not protection.hidden(key) and protection.values[key] > 0

    def unknown(key: Key) -> bool:
        return key in bounds and len(set(bounds[key])) > 1

    for key in exposed:
        mine = [group for group in groups if key == group[0] or key in group[1]]
        mine.sort(key=lambda g: (g[0] in unshown, sum(map(unknown, [g[0], *g[1]])), len(g[1])))
        for total, parts in mine:
            candidates = [part for part in parts if visible(part)]
            if candidates:
                return min(candidates, key=lambda part: protection.values[part])
            if visible(total):
                return total
    return None
