"""Linkage of unit results and personnel decisions (考核结果运用): pure aggregation.

After a period's results are published, the decisions about the leaders of each unit
should follow its result band: leaders of top-band (好) units commended or promoted,
leaders of bottom-band (差) units talked to (约谈) or adjusted. These helpers take plain
rows (one per unit, one per decision) and count what followed.

The *window* of a period is the time its results stand on their own: from the day after
the period ends to ``WINDOW_MONTHS`` later (6 months for a quarter, 12 for a year). A
decision counts for the period when it was decided and approved in that window and was
about a leader (principal or deputy, as frozen in its evidence) of the unit.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from portal.dates import add_months

WINDOW_MONTHS = {"quarter": 6, "year": 12}
BANDS = ("good", "fair", "average", "poor")           # 好 / 较好 / 一般 / 差, best first
BOTTOM_BANDS = frozenset({"poor"})
LOW_BANDS = frozenset({"average", "poor"})
TYPES = ("commendation", "promotion", "rank_promotion", "admonishment_talk", "adjustment")
PROMOTIONS = frozenset({"promotion", "rank_promotion"})


@dataclass(frozen=True)
class UnitRow:
    unit_id: int
    code: str
    name: str
    grade: str
    composite: float
    previous: float | None = None        # composite in the previous comparable period

    @property
    def change(self) -> float | None:
        return None if self.previous is None else self.composite - self.previous


@dataclass(frozen=True)
class DecisionRow:
    id: int
    number: str
    cadre_code: str
    cadre_name: str
    unit_id: int
    type: str
    title: str
    day: date                            # decided on (or proposed on, while open)
    status: str
    outcome: str | None
    overridden: bool = False
    leader: bool = True                  # the cadre was a principal or deputy at proposal

    @property
    def counts(self) -> bool:
        """A decision taken: decided and approved."""
        return self.status == "decided" and self.outcome == "approved"


@dataclass(frozen=True)
class LeaderRow:
    cadre_code: str
    name: str
    role: str                            # principal / deputy
    unit_id: int


def window(kind: str, period_end: date) -> tuple[date, date]:
    """The first and last day of the period's window (inclusive)."""
    first = period_end + timedelta(days=1)
    return first, add_months(first, WINDOW_MONTHS.get(kind, 12)) - timedelta(days=1)


def in_window(rows: list[DecisionRow], start: date, end: date) -> list[DecisionRow]:
    return [d for d in rows if start <= d.day <= end]


def taken_about_leaders(rows: list[DecisionRow]) -> list[DecisionRow]:
    return [d for d in rows if d.counts and d.leader]


def band_counts(units: list[UnitRow], decisions: list[DecisionRow]) -> dict[tuple[str, str], int]:
    """{(band, decision type): number of decisions taken about the leaders of the band's units}."""
    band = {u.unit_id: u.grade for u in units}
    found = Counter((band[d.unit_id],
                     d.type) for d in taken_about_leaders(decisions) if d.unit_id in band)
    return {(b, t): found.get((b, t), 0) for b in BANDS for t in TYPES}


def units_per_band(units: list[UnitRow]) -> dict[str, int]:
    found = Counter(u.grade for u in units)
    return {b: found.get(b, 0) for b in BANDS}


def without_follow_up(units: list[UnitRow], leaders: list[LeaderRow], decisions: list[DecisionRow]
                      ) -> list[tuple[UnitRow, LeaderRow]]:
    """Leaders of bottom-band units about whose leaders no decision was taken: lowest score
    first."""
    followed = {d.unit_id for d in taken_about_leaders(decisions)}
    by_unit: dict[int, list[LeaderRow]] = {}
    for leader in leaders:
        by_unit.setdefault(leader.unit_id, []).append(leader)
    found = []
    for unit in sorted(units, key=lambda u: (u.composite, u.code)):
        if unit.grade in BOTTOM_BANDS and unit.unit_id not in followed:
            for leader in sorted(by_unit.get(unit.unit_id, []),
                                 key=lambda r: (r.role != "principal", r.cadre_code)):
                found.append((unit, leader))
    return found


def low_band_promotions(units: list[UnitRow],
                        decisions: list[DecisionRow]) -> list[tuple[UnitRow, DecisionRow]]:
    """Promotions and rank promotions (not withdrawn or rejected) of cadres whose unit was
    in a low band (一般 or 差); overridden first, then by date."""
    band = {u.unit_id: u for u in units}
    found = [(band[d.unit_id], d) for d in decisions
             if d.type in PROMOTIONS and d.unit_id in band and band[d.unit_id].grade in LOW_BANDS
             and d.status != "withdrawn" and d.outcome != "rejected"]
    return sorted(found, key=lambda pair: (not pair[1].overridden, pair[1].day, pair[1].number))


@dataclass(frozen=True)
class ScatterPoint:
    unit_id: int
    name: str
    grade: str
    change: float
    type: str | None                     # None: no decision about the unit's leaders
    count: int


def scatter_points(units: list[UnitRow], decisions: list[DecisionRow]) -> list[ScatterPoint]:
    """One point per unit and decision type taken about its leaders (a unit without any
    decision gets one point of type None); units without a previous score are left out."""
    counted = Counter((d.unit_id, d.type) for d in taken_about_leaders(decisions))
    points = []
    for unit in units:
        if unit.change is None:
            continue
        kinds = [(t, counted[(unit.unit_id, t)]) for t in TYPES if counted.get((unit.unit_id, t))]
        for kind, count in kinds or [(None, 0)]:
            points.append(ScatterPoint(unit.unit_id, unit.name, unit.grade, round(unit.change, 2),
                                       kind, count))
    return points


def jitter(key: str, spread: float = 0.28) -> float:
    """A stable offset in [-spread, spread] for ``key`` (the same on every redraw)."""
    digest = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)
    return (digest / 0xFFFFFFFF * 2 - 1) * spread
