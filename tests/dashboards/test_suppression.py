"""Small numbers and the totals next to them: no "<5" may be worked out by subtraction.

The reader in these tests knows what a suppressed page says — a number, "<5" (1 to 4),
"hidden" (5 or more: zeros and small numbers show as such) — and which counts add up
to which, and tries every combination that fits. A hidden count is safe when more than
one value fits.
"""

import datetime
import itertools
import random
from typing import Any

import pytest
from django.utils import translation

from dashboards.figures import (
    Balance,
    GroupRow,
    KindRow,
    MonthRow,
    ProgrammeRow,
    RateRow,
    Sessions,
    Supervision,
)
from dashboards.suppression import SUPPRESSED, count_cell, count_text, hidden_text, protect
from dashboards.tables import (
    balance_tables,
    percent,
    session_tables,
    supervision_table,
    usefulness_table,
)

HIDDEN = "hidden"


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


CAP = 60  # a hidden count above this is not tried (the worlds below stay far under it)


def possible(cell: Any, cap: int = CAP) -> range:
    """The values a reader thinks a cell can have."""
    if cell == SUPPRESSED:
        return range(1, 5)
    if cell == HIDDEN:
        return range(5, cap + 1)
    assert isinstance(cell, int), cell
    return range(cell, cell + 1)


def _reach(ranges: list[range]) -> int:
    """Every sum of one value from each range, as the bits of an int."""
    bits = 1
    for values in ranges:
        sums = 0
        for value in values:
            sums |= bits << value
        bits = sums
    return bits


def _mask(values: range) -> int:
    return sum(1 << value for value in values)


def fits(total: Any, parts: list[Any]) -> dict[str, set[int]]:
    """For one group as shown — a total and its parts — the values each hidden one can
    have, by trying them all: ``{"total" | index: values}``."""
    shown_total = isinstance(total, int)
    ranges = [possible(cell, total if shown_total else CAP) for cell in parts]
    totals = _mask(possible(total, (4 + CAP) * len(parts)))
    answer: dict[str, set[int]] = {}
    for index, cell in enumerate(parts):
        if isinstance(cell, int):
            continue
        others = _reach(ranges[:index] + ranges[index + 1 :])
        answer[str(index)] = {value for value in ranges[index] if (others << value) & totals}
    if not shown_total:
        every = _reach(ranges) & totals
        answer["total"] = {t for t in range(every.bit_length()) if every >> t & 1}
    return answer


def display(protection: Any, keys: list[Any]) -> list[Any]:
    return [protection.cell(key) for key in keys]


# --- protect(): one group ------------------------------------------------------------


def one_group(parts: list[int]) -> tuple[Any, list[Any]]:
    values = dict(enumerate(parts)) | {"total": sum(parts)}
    protection = protect(values, [("total", list(range(len(parts))))], suppress=True)
    return protection.cell("total"), display(protection, list(range(len(parts))))


def test_one_small_cell_next_to_a_total_takes_the_next_smallest_with_it() -> None:
    # Before: 1, 10, 7 and 18 — 18 - 10 - 7 = 1.
    total, cells = one_group([1, 10, 7])
    assert cells == [SUPPRESSED, 10, HIDDEN] and total == 18
    # The reader narrows them down (1 + 7 or 2 + 6 or 3 + 5) but cannot tell which.
    assert fits(total, cells) == {"0": {1, 2, 3}, "2": {5, 6, 7}}


def test_two_small_cells_need_nothing_more() -> None:
    total, cells = one_group([3, 4, 10])
    assert cells == [SUPPRESSED, SUPPRESSED, 10] and total == 17
    assert fits(total, cells) == {"0": {3, 4}, "1": {3, 4}}


def test_two_small_cells_that_can_only_be_1_and_1_take_a_third_with_them() -> None:
    # "<5" + "<5" = 12 - 10 = 2: both 1, unless 10 goes too.
    total, cells = one_group([1, 1, 10])
    assert cells == [SUPPRESSED, SUPPRESSED, HIDDEN] and total == 12
    assert all(len(values) > 1 for values in fits(total, cells).values())


def test_when_no_part_is_left_the_total_goes() -> None:
    # "<5" and "hidden" adding up to 6 are 1 and 5.
    total, cells = one_group([1, 5])
    assert cells == [SUPPRESSED, HIDDEN] and total == HIDDEN
    assert all(len(values) > 1 for values in fits(total, cells).values())


def test_zero_stays_zero_and_large_numbers_stay_exact() -> None:
    assert one_group([0, 0, 7]) == (7, [0, 0, 7])
    assert one_group([0, 12, 7]) == (19, [0, 12, 7])
    total, cells = one_group([2, 0, 9])
    assert cells == [SUPPRESSED, 0, HIDDEN] and total == 11


def test_without_suppression_every_number_is_exact() -> None:
    values = {0: 1, 1: 10, 2: 7, "total": 18}
    protection = protect(values, [("total", [0, 1, 2])], suppress=False)
    assert [protection.cell(k) for k in values] == [1, 10, 7, 18]
    assert hidden_text() == HIDDEN


def test_a_lone_count_only_needs_primary_suppression() -> None:
    assert [count_cell(n, suppress=True) for n in (0, 1, 4, 5, 12)] == [
        0,
        SUPPRESSED,
        SUPPRESSED,
        5,
        12,
    ]
    assert [count_text(n, suppress=True) for n in (0, 3, 5)] == ["0", SUPPRESSED, "5"]
    assert [count_cell(n, suppress=False) for n in (0, 1, 4)] == [0, 1, 4]


def test_protect_is_a_pure_function() -> None:
    """Nothing kept between calls, the inputs left as they were, the same answer twice."""
    values = {0: 1, 1: 10, 2: 7, "total": 18}
    groups = [("total", [0, 1, 2])]
    first = protect(values, groups, suppress=True)
    second = protect(values, groups, suppress=True)
    assert values == {0: 1, 1: 10, 2: 7, "total": 18} and groups == [("total", [0, 1, 2])]
    assert (first.primary, first.secondary) == (second.primary, second.secondary) == ({0}, {2})


def test_random_groups_give_no_hidden_count_away() -> None:
    """Property: over many random groups, every hidden count (a "<5" or a "hidden")
    still has more than one value that fits what is shown; every shown count is exact;
    exactly the counts from 1 to 4 show "<5". The one exception is the documented
    limit: four "<5" under a "<5" total, with nothing left to hide."""
    rng = random.Random(20261123)
    limits = 0
    for _attempt in range(3000):
        size = rng.randint(1, 5)
        parts = [rng.choice([0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 9, 12, 20]) for _ in range(size)]
        values = dict(enumerate(parts)) | {"total": sum(parts)}
        total, cells = one_group(parts)
        for value, cell in zip([*parts, sum(parts)], [*cells, total], strict=True):
            assert (cell == SUPPRESSED) == (0 < value < 5), (parts, cells, total)
            assert cell in (SUPPRESSED, HIDDEN) or cell == value, (parts, cells, total)
            if cell == HIDDEN:
                assert value >= 5
        for key, options in fits(total, cells).items():
            value = values["total" if key == "total" else int(key)]
            assert value in options, (parts, cells, total)  # the reader's model is right
            if len(options) == 1:
                assert total == SUPPRESSED and cells.count(SUPPRESSED) == 4, (parts, cells)
                limits += 1
    assert limits < 30  # rare: only 1, 1, 1, 1 (with zeros around it)


# --- Linked tables: programmes in domains and in levels ----------------------------------


def balance_of(programmes: list[tuple[str, str, int]]) -> Balance:
    rows = [
        ProgrammeRow(n, f"P{n}", domain, level, students, None)
        for n, (domain, level, students) in enumerate(programmes, start=1)
    ]

    def groups(attribute: str) -> list[GroupRow]:
        keys = sorted({getattr(r, attribute) for r in rows})
        return [
            GroupRow(k, k, sum(r.students for r in rows if getattr(r, attribute) == k), None)
            for k in keys
        ]

    return Balance(
        rows, groups("domain"), groups("level"), None, None, sum(p[2] for p in programmes)
    )


def cells_of(table: Any, column: int) -> dict[str, Any]:
    return {str(row.cells[0]): row.cells[column] for row in table.rows}


def reader_options(balance: Balance, tables: list[Any]) -> dict[int, set[int]]:
    """Every assignment of the programmes that fits all three tables as shown; per
    hidden programme, the values it can have."""
    programmes, domains, levels = tables
    shown = cells_of(programmes, 3)
    by_domain, by_level = cells_of(domains, 1), cells_of(levels, 1)
    hidden = [r for r in balance.programmes if not isinstance(shown[r.name], int)]
    ranges = [possible(shown[r.name], 25) for r in hidden]
    options: dict[int, set[int]] = {r.programme_id: set() for r in hidden}
    for guess in itertools.product(*ranges):
        value = {r.programme_id: v for r, v in zip(hidden, guess, strict=True)}
        students = {
            r.programme_id: value.get(r.programme_id, r.students) for r in balance.programmes
        }
        if all(
            sum(students[r.programme_id] for r in balance.programmes if getattr(r, attr) == key)
            in possible(cell, 10**6)
            for attr, table in (("domain", by_domain), ("level", by_level))
            for key, cell in table.items()
        ):
            for pid, v in value.items():
                options[pid].add(v)
    return options


def test_a_small_programme_is_not_its_domain_minus_the_others() -> None:
    balance = balance_of([("social", "hbo", 12), ("social", "hbo", 1), ("educational", "hbo", 8)])
    tables = balance_tables(balance, suppress=True)
    programmes, domains, levels = tables
    students = cells_of(programmes, 3)
    assert students["P2"] == SUPPRESSED
    # Social is 13: 12 goes with the 1 (the only other programme of social). Hbo (21)
    # then says no more than social: 8 and the domains stay.
    assert students == {"P1": HIDDEN, "P2": SUPPRESSED, "P3": 8}
    assert cells_of(domains, 1) == {"social": 13, "educational": 8}
    assert cells_of(levels, 1) == {"hbo": 21}
    assert all(len(v) > 1 for v in reader_options(balance, tables).values())
    # The charts leave the hidden bars out and print what the table says.
    # (In both of the chart's drawings, the wide one and the phone's: dashboards.charts.)
    svg = str(programmes.chart)
    assert svg.count("hidden<") == 2 and svg.count("&lt;5") == 2
    # The coordinator sees everything.
    exact = balance_tables(balance, suppress=False)
    assert cells_of(exact[0], 3) == {"P1": 12, "P2": 1, "P3": 8}
    assert "hidden" not in str(exact[0].chart) and "&lt;5" not in str(exact[0].chart)


def test_an_alert_does_not_narrow_a_hidden_count() -> None:
    # Target 2 and "under target" would say: 1.
    row = ProgrammeRow(1, "Pabo", "educational", "hbo", 1, 2)
    balance = Balance([row], [GroupRow("educational", "e", 1, 2)], [], None, None, 1)
    programmes = balance_tables(balance, suppress=True)[0]
    assert programmes.rows[0].cells[3] == SUPPRESSED and programmes.rows[0].cells[5] == ""
    assert balance_tables(balance, suppress=False)[0].rows[0].cells[5] == "under target"
    # A target of 5 or more: "<5" is under it anyway, so the alert stays.
    row.target = 6
    assert balance_tables(balance, suppress=True)[0].rows[0].cells[5] == "under target"


def test_random_linked_tables_give_no_programme_away() -> None:
    rng = random.Random(6)
    for _attempt in range(150):
        programmes = [
            (rng.choice(["social", "educational"]), rng.choice(["mbo", "hbo"]),
             rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 11]))
            for _ in range(rng.randint(2, 4))
        ]  # fmt: skip
        balance = balance_of(programmes)
        tables = balance_tables(balance, suppress=True)
        shown = cells_of(tables[0], 3)
        counts = [(shown[r.name], r.students) for r in balance.programmes]
        counts += [(cells_of(tables[1], 1)[d.label], d.students) for d in balance.domains]
        counts += [(cells_of(tables[2], 1)[lv.label], lv.students) for lv in balance.levels]
        for cell, students in counts:
            if 0 < students < 5:
                assert cell == SUPPRESSED
            else:
                assert cell == students or (cell == HIDDEN and students >= 5)
        for pid, options in reader_options(balance, tables).items():
            assert balance.programmes[pid - 1].students in options
            # Beyond the documented limit (four "<5" under a "<5" total), never exact.
            if len(options) == 1:
                small = [c for c in shown.values() if c == SUPPRESSED]
                assert len(small) == 4, (programmes, shown, tables[1].rows, tables[2].rows)


# --- Rates: attendance and supervision ------------------------------------------------


def rate_row(key: str, invited: int, present: int, domain: str = "") -> RateRow:
    row = RateRow(key, key, invited, present)
    if domain:
        row.domain = domain  # type: ignore[attr-defined]
    return row


def sessions_of(programmes: list[RateRow], domains: list[RateRow]) -> Sessions:
    return Sessions([KindRow("mixed", 3, 3)], programmes, domains, [], 3)


def test_a_rate_does_not_give_a_small_count_away() -> None:
    # 3 of 12 present: 25% × 12 = 3.
    data = sessions_of([rate_row("Pabo", 12, 3, "educational")], [rate_row("educational", 12, 3)])
    _kinds, by_programme, by_domain, _absent = session_tables(data, suppress=True)
    invited, present, rate = by_programme.rows[0].cells[1:]
    assert (invited, present) == (12, SUPPRESSED)
    assert "%" not in rate and rate == HIDDEN
    assert "%" not in by_domain.rows[0].cells[3]
    assert "25%" not in str(by_programme.chart) and "25%" not in str(by_domain.chart)
    # Coordinators see the rate.
    _kinds, exact, _domain, _absent = session_tables(data, suppress=False)
    assert exact.rows[0].cells[1:] == [12, 3, "25%"]


def attendance(cells: Any) -> dict[str, tuple[Any, Any, Any]]:
    return {row.cells[0]: tuple(row.cells[1:]) for row in cells.rows}


def test_attendance_of_a_small_programme_is_not_its_domain_minus_the_others() -> None:
    data = sessions_of(
        [rate_row("Social work", 20, 15, "social"), rate_row("Vaktherapie", 2, 2, "social"),
         rate_row("Pabo", 6, 6, "educational")],
        [rate_row("social", 22, 17), rate_row("educational", 6, 6)],
    )  # fmt: skip
    _kinds, by_programme, by_domain, _absent = session_tables(data, suppress=True)
    programmes, domains = attendance(by_programme), attendance(by_domain)
    assert programmes["Vaktherapie"] == (SUPPRESSED, SUPPRESSED, SUPPRESSED)
    # Social work goes with it; the domains stay whole, the other programme too.
    assert programmes["Social work"] == (HIDDEN, HIDDEN, HIDDEN)
    assert programmes["Pabo"] == (6, 6, "100%")
    assert domains == {"social": (22, 17, "77%"), "educational": (6, 6, "100%")}


def test_two_small_programmes_of_a_domain_need_nothing_more() -> None:
    data = sessions_of(
        [rate_row("Social work", 4, 3, "social"), rate_row("Vaktherapie", 3, 2, "social")],
        [rate_row("social", 7, 5)],
    )
    _kinds, by_programme, by_domain, _absent = session_tables(data, suppress=True)
    assert attendance(by_programme) == {
        "Social work": (SUPPRESSED, SUPPRESSED, SUPPRESSED),
        "Vaktherapie": (SUPPRESSED, SUPPRESSED, SUPPRESSED),
    }
    assert attendance(by_domain) == {"social": (7, 5, "71%")}


def test_without_the_programmes_domains_every_domain_with_a_small_programme_hides() -> None:
    """Where the figures do not say which domain a programme is in, a reader still
    knows it: then the domains' counts of that measure go."""
    data = sessions_of(
        [rate_row("Social work", 20, 15), rate_row("Vaktherapie", 6, 2), rate_row("Pabo", 9, 8)],
        [rate_row("social", 26, 17), rate_row("educational", 9, 8)],
    )
    _kinds, by_programme, by_domain, _absent = session_tables(data, suppress=True)
    assert attendance(by_programme)["Social work"] == (20, 15, "75%")
    assert attendance(by_programme)["Vaktherapie"] == (6, SUPPRESSED, HIDDEN)
    # Invited has no small programme: exact. Present does: hidden in every domain.
    assert attendance(by_domain) == {
        "social": (26, HIDDEN, HIDDEN),
        "educational": (9, HIDDEN, HIDDEN),
    }


def test_supervision_gaps_are_not_placements_minus_the_covered() -> None:
    data = Supervision(
        [RateRow("social", "Social", 10, 8), RateRow("educational", "Ed", 9, 9)], 19, 17
    )
    table = supervision_table(data, suppress=True)
    social, educational = (row.cells[1:] for row in table.rows)
    assert social == [10, HIDDEN, HIDDEN, SUPPRESSED]
    assert educational == [9, 9, "100%", 0]
    assert "80%" not in str(table.chart)
    assert supervision_table(data, suppress=False).rows[0].cells[1:] == [10, 8, "80%", 2]


def test_usefulness_averages_go_with_a_small_number_of_responses() -> None:
    rows = [
        MonthRow(datetime.date(2026, 10, 1), 3, 4.33, 4.0),
        MonthRow(datetime.date(2026, 11, 1), 0, None, None),
        MonthRow(datetime.date(2026, 12, 1), 8, 3.5, 3.25),
    ]
    table = usefulness_table(rows, suppress=True)
    assert [row.cells[1:] for row in table.rows] == [
        [SUPPRESSED, SUPPRESSED, SUPPRESSED],
        [0, None, None],
        [8, 3.5, 3.25],
    ]


def test_random_attendance_tables_give_no_count_away() -> None:
    """Property, as the core team's view shows it: invited, present and the rate per
    programme and per domain. The reader tries every (invited, present) per programme
    that fits the programme's row, its domain's row and any rate shown."""

    def rate_fits(cell: Any, invited: int, present: int) -> bool:
        if isinstance(cell, str) and cell.endswith("%"):
            return cell == percent(present / invited)
        return True

    rng = random.Random(11)
    for _attempt in range(120):
        rows = []
        for n in range(rng.randint(2, 3)):
            invited = rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 11])
            rows.append((f"P{n}", rng.choice(["social", "educational"]), invited,
                         rng.randint(0, invited)))  # fmt: skip
        domains = sorted({row[1] for row in rows})
        data = sessions_of(
            [rate_row(name, invited, present, domain) for name, domain, invited, present in rows],
            [
                RateRow(
                    d, d, sum(r[2] for r in rows if r[1] == d), sum(r[3] for r in rows if r[1] == d)
                )
                for d in domains
            ],
        )
        _kinds, by_programme, by_domain, _absent = session_tables(data, suppress=True)
        shown, per_domain = attendance(by_programme), attendance(by_domain)
        choices = [
            [
                (i, p)
                for i in possible(shown[name][0], 25)
                for p in possible(shown[name][1], 25)
                if p <= i and rate_fits(shown[name][2], i, p)
            ]
            for name, *_rest in rows
        ]
        found: dict[str, set[tuple[int, int]]] = {row[0]: set() for row in rows}
        for guess in itertools.product(*choices):
            if all(
                sum(g[0] for g, r in zip(guess, rows, strict=True) if r[1] == d)
                in possible(per_domain[d][0], 10**6)
                and sum(g[1] for g, r in zip(guess, rows, strict=True) if r[1] == d)
                in possible(per_domain[d][1], 10**6)
                for d in domains
            ):
                for g, r in zip(guess, rows, strict=True):
                    found[r[0]].add(g)
        for name, _domain, invited, present in rows:
            assert (invited, present) in found[name]
            for index in (0, 1):
                if not isinstance(shown[name][index], int):
                    assert len({g[index] for g in found[name]}) > 1, (rows, shown, per_domain)
