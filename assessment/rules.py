"""The scoring engine and the other assessment rules: pure functions on plain values.

No database, no Flask, no Dash: schemes come in as ``IndicatorSpec`` tuples, scores
and units as pandas DataFrames, and the answers go out the same way, so every rule is
tested with hand-computed examples.

Scoring (考核计分), per leaf indicator of weight *w* (points of the scheme's 100):

- ``direct`` (直接计分): the value *is* the points, 0 … *w*.
- ``ratio`` (目标比例): higher is better → *w* · min(value / target, 1);
  lower is better → *w* when value ≤ target, else *w* · target / value.
- ``banded`` (分档): ``bands`` = [[threshold, share], …]; the best share whose threshold
  the value reaches (≥ for higher, ≤ for lower) times *w*; none reached → 0.
- ``deduction`` (扣分): *w* − min(cap, value · per_item); cap defaults to *w*.
- ``bonus`` (加分): min(cap, value · per_item), added on top of the 100.
- ``veto`` (一票否决): any value > 0 sets the grade to 差, whatever the total.

Contributions are rounded to hundredths first and the composite is their sum, so the
breakdown adds up to the total exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from assessment.enums import (
    OPEN_SUPERVISION,
    REQUIRED_METHODS,
    UNWEIGHTED_METHODS,
    Direction,
    Grade,
    Method,
    PeriodKind,
    PeriodStatus,
    SupervisionStatus,
)
from portal.i18n import _

TOTAL_WEIGHT = 100.0
WEIGHT_TOLERANCE = 0.005


# --- schemes ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class IndicatorSpec:
    """One node of an indicator scheme, as the engine sees it."""

    code: str
    name: str = ""
    parent_code: str | None = None
    weight: float = 0.0
    method: Method = Method.DIRECT
    direction: Direction = Direction.HIGHER
    target: float | None = None
    bands: tuple[tuple[float, float], ...] = ()
    cap: float | None = None
    per_item: float | None = None
    unit_label: str = ""  # "%": a percentage, so no value above 100


@dataclass(frozen=True)
class SchemeSpec:
    """A whole scheme: the tree of dimensions and indicators."""

    indicators: tuple[IndicatorSpec, ...]

    @property
    def by_code(self) -> dict[str, IndicatorSpec]:
        return {i.code: i for i in self.indicators}

    def children(self, code: str | None) -> list[IndicatorSpec]:
        return [i for i in self.indicators if i.parent_code == code]

    @property
    def leaves(self) -> list[IndicatorSpec]:
        parents = {i.parent_code for i in self.indicators}
        return [i for i in self.indicators if i.code not in parents]

    @property
    def dimensions(self) -> list[IndicatorSpec]:
        """The top level of the tree (a top-level leaf is its own dimension)."""
        return self.children(None)

    def dimension_of(self, code: str) -> str:
        by_code, seen = self.by_code, set()
        node = by_code[code]
        while node.parent_code and node.parent_code in by_code and node.code not in seen:
            seen.add(node.code)
            node = by_code[node.parent_code]
        return node.code

    def required_codes(self) -> list[str]:
        return [i.code for i in self.leaves if i.method in REQUIRED_METHODS]


@dataclass(frozen=True)
class SchemeProblem:
    """Something wrong with a scheme, naming the indicator it is about."""

    code: str
    message: str


def validate_scheme(scheme: SchemeSpec) -> list[SchemeProblem]:
    """Every problem that would make the scheme unusable for scoring (empty list: fine)."""
    problems: list[SchemeProblem] = []
    by_code = scheme.by_code
    if not scheme.indicators:
        return [SchemeProblem("", _("The scheme has no indicators yet."))]
    for node in scheme.indicators:
        problems.extend(_node_problems(scheme, node, by_code))
    problems.extend(_cycle_problems(scheme, by_code))
    problems.extend(_weight_problems(scheme, None, TOTAL_WEIGHT))
    for node in scheme.indicators:
        kids = scheme.children(node.code)
        if kids:
            problems.extend(_weight_problems(scheme, node.code, node.weight))
    return problems


def _node_problems(scheme: SchemeSpec, node: IndicatorSpec, by_code: dict) -> list[SchemeProblem]:
    found = []

    def add(message: str) -> None:
        found.append(SchemeProblem(node.code, message))

    has_children = bool(scheme.children(node.code))
    if node.parent_code and node.parent_code not in by_code:
        add(_("its parent %(parent)s is not in the scheme", parent=node.parent_code))
    if node.weight < 0:
        add(_("the weight must not be negative"))
    if has_children and node.method in UNWEIGHTED_METHODS | {Method.DEDUCTION}:
        add(_("a %(method)s indicator cannot have indicators below it", method=node.method.label))
    if not has_children and node.method == Method.GROUP:
        add(_("a dimension needs at least one indicator below it"))
    if has_children:
        return found
    if node.method in UNWEIGHTED_METHODS and node.weight:
        add(_("bonus and veto items carry no weight (they sit outside the 100 points); set the weight to 0"))
    if node.method not in UNWEIGHTED_METHODS and node.weight <= 0:
        add(_("a scored indicator needs a weight above 0"))
    no_target = node.target is None or node.target < 0 or (node.direction == Direction.HIGHER and node.target == 0)
    if node.method == Method.RATIO and no_target:
        add(_("a ratio indicator needs a target above 0"))
    if node.method == Method.BANDED:
        if not node.bands:
            add(_("a banded indicator needs thresholds, e.g. 95:1, 90:0.8, 80:0.6"))
        elif any(not 0 <= share <= 1 for _t, share in node.bands):
            add(_("each band's share of the weight must be between 0 and 1"))
    if node.method == Method.BONUS and (node.cap is None or node.cap <= 0):
        add(_("a bonus item needs a cap above 0"))
    if node.method in (Method.DEDUCTION, Method.BONUS):
        if node.cap is not None and node.cap < 0:
            add(_("the cap must not be negative"))
        if node.per_item is not None and node.per_item <= 0:
            add(_("the points per item must be above 0"))
    return found


def _cycle_problems(scheme: SchemeSpec, by_code: dict) -> list[SchemeProblem]:
    problems = []
    for node in scheme.indicators:
        seen, current = {node.code}, node
        while current.parent_code in by_code:
            current = by_code[current.parent_code]
            if current.code in seen:
                problems.append(SchemeProblem(node.code, _("the indicator is placed below itself")))
                break
            seen.add(current.code)
    return problems


def _weight_problems(scheme: SchemeSpec, parent: str | None, expected: float) -> list[SchemeProblem]:
    siblings = [i for i in scheme.children(parent) if i.method not in UNWEIGHTED_METHODS]
    total = round(sum(i.weight for i in siblings), 6)
    if not siblings or abs(total - expected) <= WEIGHT_TOLERANCE:
        return []
    if parent is None:
        return [SchemeProblem("", _("the top-level weights add up to %(total)s, not %(expected)s",
                                    total=_num(total), expected=_num(expected)))]
    return [SchemeProblem(parent, _("the weights below %(code)s add up to %(total)s, not its weight %(expected)s",
                                    code=parent, total=_num(total), expected=_num(expected)))]


def _num(value: float) -> str:
    return f"{value:g}"


def parse_bands(text: str) -> tuple[tuple[float, float], ...]:
    """``"95:1, 90:0.8; 80:0.6"`` → ((95, 1.0), (90, 0.8), (80, 0.6)); raises ValueError."""
    bands = []
    for part in [p for p in text.replace("；", ";").replace("，", ",").replace(";", ",").split(",") if p.strip()]:
        pieces = part.replace("：", ":").split(":")
        if len(pieces) != 2:
            raise ValueError(_("write bands as threshold:share, e.g. 95:1, 90:0.8"))
        try:
            bands.append((float(pieces[0]), float(pieces[1])))
        except ValueError:
            raise ValueError(_("write bands as threshold:share, e.g. 95:1, 90:0.8")) from None
    if not bands:
        raise ValueError(_("write bands as threshold:share, e.g. 95:1, 90:0.8"))
    return tuple(bands)


def format_bands(bands: Iterable[Sequence[float]] | None) -> str:
    return ", ".join(f"{_num(t)}:{_num(s)}" for t, s in (bands or ()))


PERCENT_LABELS = ("%", "％", "百分比")


def value_problem(spec: IndicatorSpec, value: float | None) -> str | None:
    """Why a value cannot be a score of this indicator (None: acceptable)."""
    if value is None:
        return None
    if not math.isfinite(value):
        return _("must be a number")
    if value < 0:
        return _("must not be negative")
    if spec.method == Method.DIRECT and value > spec.weight + 1e-9:
        return _("is more than the indicator's full score of %(weight)s", weight=_num(spec.weight))
    if spec.method == Method.VETO and value not in (0, 1):
        return _("must be 1 (veto triggered) or 0")
    if spec.unit_label.strip() in PERCENT_LABELS and value > 100 + 1e-9:
        return _("is a percentage: at most 100")
    return None


# --- scoring ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class GradePolicy:
    """Grade bands for units (好/较好/一般/差): lower bounds of the composite, and the
    largest share of a level's units that may be graded 好."""

    good: float = 90.0
    fair: float = 80.0
    average: float = 70.0
    top_share: float = 0.2


def _fractions(spec: IndicatorSpec, values: np.ndarray) -> np.ndarray:
    """Share of the weight earned (0 … 1) for the methods scored against the weight."""
    v = values
    if spec.method == Method.DIRECT:
        return np.clip(v / spec.weight, 0.0, 1.0)
    if spec.method == Method.RATIO:
        target = float(spec.target or 0.0)
        if spec.direction == Direction.HIGHER:
            return np.clip(v / target, 0.0, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            over = np.where(v > 0, target / v, 1.0)
        return np.where(np.isnan(v), np.nan, np.where(v <= target, 1.0, np.clip(over, 0.0, 1.0)))
    if spec.method == Method.BANDED:
        share = np.zeros_like(v)
        for threshold, part in spec.bands:
            reached = v >= threshold if spec.direction == Direction.HIGHER else v <= threshold
            share = np.maximum(share, np.where(reached, part, 0.0))
        return np.where(np.isnan(v), np.nan, share)
    raise ValueError(spec.method)


def leaf_points(spec: IndicatorSpec, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points and share of the weight for one leaf, for a vector of unit values.

    A missing value scores 0 for the required methods and means "none" for deduction,
    bonus and veto items. The share is NaN where it has no meaning (bonus, veto).
    """
    values = np.asarray(values, dtype=float)
    missing = np.isnan(values)
    if spec.method in REQUIRED_METHODS:
        fraction = np.where(missing, 0.0, _fractions(spec, values))
        return spec.weight * fraction, fraction
    counted = np.where(missing, 0.0, values) * (spec.per_item if spec.per_item is not None else 1.0)
    if spec.method == Method.DEDUCTION:
        cap = spec.cap if spec.cap is not None else spec.weight
        points = np.maximum(spec.weight - np.minimum(counted, cap), 0.0)
        fraction = points / spec.weight if spec.weight else np.full_like(points, np.nan)
        return points, fraction
    if spec.method == Method.BONUS:
        return np.minimum(counted, spec.cap or 0.0), np.full_like(values, np.nan)
    if spec.method == Method.VETO:
        return np.zeros_like(values), np.full_like(values, np.nan)
    raise ValueError(spec.method)


def to_cents(points: np.ndarray) -> np.ndarray:
    """Half-up rounding to hundredths, as integers (exact sums)."""
    return np.floor(np.round(np.asarray(points, dtype=float) * 100, 6) + 0.5).astype(np.int64)


@dataclass
class Scoring:
    """What the engine computed: one row per unit, and one per unit and leaf indicator."""

    results: pd.DataFrame
    items: pd.DataFrame


RESULT_COLUMNS = ["unit_id", "parent_id", "level", "composite", "bonus", "vetoed", "veto_codes",
                  "rank_in_level", "count_in_level", "rank_in_parent", "count_in_parent", "grade",
                  "robust_z"]


def score_units(scheme: SchemeSpec, units: pd.DataFrame, scores: pd.DataFrame,
                policy: GradePolicy = GradePolicy()) -> Scoring:
    """Composite, ranks and grades for the units of *one level* under one scheme.

    ``units``: columns unit_id, parent_id (one row per assessed unit);
    ``scores``: long format, columns unit_id, indicator_code, value.
    """
    leaves = scheme.leaves
    unit_ids = units["unit_id"].to_numpy()
    matrix = (scores.pivot_table(index="unit_id", columns="indicator_code", values="value", aggfunc="last")
              .reindex(index=unit_ids, columns=[leaf.code for leaf in leaves]))
    cents_columns, fraction_columns, veto_columns = {}, {}, {}
    for leaf in leaves:
        values = matrix[leaf.code].to_numpy(dtype=float)
        points, fraction = leaf_points(leaf, values)
        cents_columns[leaf.code] = to_cents(points)
        fraction_columns[leaf.code] = fraction
        if leaf.method == Method.VETO:
            veto_columns[leaf.code] = np.nan_to_num(values, nan=0.0) > 0
    cents = pd.DataFrame(cents_columns, index=unit_ids)
    bonus_codes = [leaf.code for leaf in leaves if leaf.method == Method.BONUS]
    frame = units[["unit_id", "parent_id"]].copy().reset_index(drop=True)
    frame["level"] = units["level"].to_numpy() if "level" in units else None
    frame["composite_cents"] = cents.sum(axis=1).to_numpy() if len(leaves) else 0
    frame["bonus"] = cents[bonus_codes].sum(axis=1).to_numpy() / 100 if bonus_codes else 0.0
    if veto_columns:
        codes = list(veto_columns)
        hits = np.column_stack([veto_columns[c] for c in codes])
        frame["veto_codes"] = [[codes[j] for j in np.flatnonzero(row)] for row in hits]
    else:
        frame["veto_codes"] = [[] for _u in unit_ids]
    frame["vetoed"] = frame["veto_codes"].map(bool)
    results = rank_and_grade(frame, policy)
    items = _items(matrix, cents, fraction_columns, unit_ids)
    return Scoring(results=results, items=items)


def _items(matrix: pd.DataFrame, cents: pd.DataFrame, fractions: dict, unit_ids) -> pd.DataFrame:
    if not len(cents.columns):
        return pd.DataFrame(columns=["unit_id", "indicator_code", "value", "points", "fraction"])
    values = matrix.stack(future_stack=True).rename("value")
    points = (cents / 100).stack(future_stack=True).rename("points")
    fraction = pd.DataFrame(fractions, index=unit_ids).stack(future_stack=True).rename("fraction")
    items = pd.concat([values, points, fraction], axis=1).reset_index()
    items.columns = ["unit_id", "indicator_code", "value", "points", "fraction"]
    return items


def rank_and_grade(frame: pd.DataFrame, policy: GradePolicy) -> pd.DataFrame:
    """Ranks (ties share the better rank; vetoed units after all others), grades with the
    top-band cap, and robust z-scores, from ``composite_cents`` and ``vetoed``."""
    out = frame.copy()
    out["composite"] = out["composite_cents"] / 100
    # One integer key: a veto puts a unit below every unit without one.
    key = out["composite_cents"].astype(np.int64) - out["vetoed"].astype(np.int64) * 10**12
    out["rank_in_level"] = key.rank(method="min", ascending=False).astype(int)
    out["count_in_level"] = len(out)
    out["rank_in_parent"] = key.groupby(out["parent_id"].fillna(-1)).rank(method="min", ascending=False).astype(int)
    out["count_in_parent"] = out.groupby(out["parent_id"].fillna(-1))["unit_id"].transform("size").astype(int)
    out["grade"] = grades(out["composite"], out["vetoed"], key, policy)
    out["robust_z"] = robust_z(out["composite"])
    return out[[c for c in RESULT_COLUMNS if c in out.columns]].reset_index(drop=True)


def grades(composite: pd.Series, vetoed: pd.Series, key: pd.Series, policy: GradePolicy) -> pd.Series:
    """好/较好/一般/差 by thresholds; 好 only for units whose place, counting everyone tied
    with them, stays within the top share (so ties at the cap are treated alike); a
    veto makes the grade 差."""
    grade = np.select(
        [composite >= policy.good, composite >= policy.fair, composite >= policy.average],
        [Grade.GOOD.value, Grade.FAIR.value, Grade.AVERAGE.value], default=Grade.POOR.value)
    allowed = math.floor(policy.top_share * len(composite) + 1e-9)
    place_with_ties = key.rank(method="max", ascending=False).to_numpy()
    demote = (grade == Grade.GOOD.value) & (place_with_ties > allowed)
    grade = np.where(demote, Grade.FAIR.value, grade)
    grade = np.where(vetoed.to_numpy(dtype=bool), Grade.POOR.value, grade)
    return pd.Series(grade, index=composite.index)


def robust_z(values: pd.Series) -> pd.Series:
    """0.6745 · (x − median) / MAD (Iglewicz and Hoaglin); 0 when the MAD is 0."""
    x = values.astype(float)
    median = x.median()
    mad = (x - median).abs().median()
    if not len(x) or not mad or np.isnan(mad):
        return pd.Series(0.0, index=x.index)
    return (0.6745 * (x - median) / mad).round(3)


def level_medians(items: pd.DataFrame, results: pd.DataFrame, scheme: SchemeSpec) -> dict[str, float]:
    """Median points per leaf and per dimension across a level's units (for the radar)."""
    medians: dict[str, float] = {}
    if items.empty:
        return medians
    pivot = items.pivot_table(index="unit_id", columns="indicator_code", values="points", aggfunc="sum")
    for code in pivot.columns:
        medians[code] = round(float(pivot[code].median()), 2)
    for dimension, codes in dimension_members(scheme).items():
        present = [c for c in codes if c in pivot.columns]
        if present:
            medians[dimension] = round(float(pivot[present].sum(axis=1).median()), 2)
    if not results.empty:
        medians["__composite__"] = round(float(results["composite"].median()), 2)
    return medians


def dimension_members(scheme: SchemeSpec) -> dict[str, list[str]]:
    """Top-level dimension code → the leaf codes below it (in scheme order)."""
    members: dict[str, list[str]] = {d.code: [] for d in scheme.dimensions}
    for leaf in scheme.leaves:
        members.setdefault(scheme.dimension_of(leaf.code), []).append(leaf.code)
    return members


def dimension_breakdown(items: pd.DataFrame, scheme: SchemeSpec) -> pd.DataFrame:
    """Points per unit and top-level dimension, with the dimension's weight."""
    if items.empty:
        return pd.DataFrame(columns=["unit_id", "dimension", "points", "weight"])
    mapping = {leaf.code: scheme.dimension_of(leaf.code) for leaf in scheme.leaves}
    frame = items.assign(dimension=items["indicator_code"].map(mapping))
    cents = frame.assign(cents=to_cents(frame["points"])).groupby(["unit_id", "dimension"], as_index=False)["cents"].sum()
    cents["points"] = cents["cents"] / 100
    weights = {d.code: d.weight for d in scheme.dimensions}
    cents["weight"] = cents["dimension"].map(weights)
    return cents[["unit_id", "dimension", "points", "weight"]]


# --- what-if ---------------------------------------------------------------------------------

def reweighted_scheme(scheme: SchemeSpec, dimension_weights: Mapping[str, float]) -> SchemeSpec:
    """The scheme with new top-level weights; everything below a dimension scales with it."""
    factors: dict[str, float] = {}
    for dimension in scheme.dimensions:
        if dimension.code in dimension_weights and dimension.method not in UNWEIGHTED_METHODS:
            new = float(dimension_weights[dimension.code])
            factors[dimension.code] = new / dimension.weight if dimension.weight else 0.0
    nodes = []
    for node in scheme.indicators:
        factor = factors.get(scheme.dimension_of(node.code), 1.0)
        if node.method in UNWEIGHTED_METHODS:
            nodes.append(node)
            continue
        changed = replace(node, weight=node.weight * factor)
        if node.method == Method.DEDUCTION and node.cap is not None:
            changed = replace(changed, cap=node.cap * factor)
        nodes.append(changed)
    return SchemeSpec(tuple(nodes))


def what_if(scheme: SchemeSpec, items: pd.DataFrame, units: pd.DataFrame,
            dimension_weights: Mapping[str, float], policy: GradePolicy = GradePolicy()) -> pd.DataFrame:
    """How composites, ranks and grades would change with other dimension weights.

    ``items``: one row per unit and leaf with the stored ``points`` and ``fraction``
    (share of the weight earned). Each unit keeps its share of every indicator; only
    the weights move. Returns one row per unit: before, after and the change.
    """
    new_scheme = reweighted_scheme(scheme, dimension_weights)
    weights_now = {leaf.code: leaf.weight for leaf in new_scheme.leaves}
    methods = {leaf.code: leaf.method for leaf in scheme.leaves}
    frame = items[items["indicator_code"].isin(weights_now)].copy()
    scaled = frame["fraction"].fillna(0.0) * frame["indicator_code"].map(weights_now)
    unweighted = frame["indicator_code"].map(methods).isin(list(UNWEIGHTED_METHODS))
    frame["new_points"] = np.where(unweighted, frame["points"], scaled)
    base = units[["unit_id", "parent_id", "vetoed"]].copy()
    before = base.merge(_cents_by_unit(frame, "points"), on="unit_id", how="left").fillna({"composite_cents": 0})
    after = base.merge(_cents_by_unit(frame, "new_points"), on="unit_id", how="left").fillna({"composite_cents": 0})
    old = rank_and_grade(before, policy).set_index("unit_id")
    new = rank_and_grade(after, policy).set_index("unit_id")
    out = pd.DataFrame({
        "unit_id": old.index,
        "composite_before": old["composite"].to_numpy(),
        "composite_after": new.loc[old.index, "composite"].to_numpy(),
        "rank_before": old["rank_in_level"].to_numpy(),
        "rank_after": new.loc[old.index, "rank_in_level"].to_numpy(),
        "grade_before": old["grade"].to_numpy(),
        "grade_after": new.loc[old.index, "grade"].to_numpy(),
    })
    out["composite_change"] = (out["composite_after"] - out["composite_before"]).round(2)
    out["places_up"] = out["rank_before"] - out["rank_after"]
    return out


def _cents_by_unit(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    summed = frame.assign(cents=to_cents(frame[column])).groupby("unit_id", as_index=False)["cents"].sum()
    return summed.rename(columns={"cents": "composite_cents"})


# --- periods ---------------------------------------------------------------------------------

TRANSITIONS: dict[tuple[PeriodStatus, PeriodStatus], str] = {
    (PeriodStatus.DRAFT, PeriodStatus.COLLECTING): "open",
    (PeriodStatus.COLLECTING, PeriodStatus.REVIEWING): "review",
    (PeriodStatus.REVIEWING, PeriodStatus.COLLECTING): "return",
    (PeriodStatus.REVIEWING, PeriodStatus.PUBLISHED): "publish",
    (PeriodStatus.PUBLISHED, PeriodStatus.REVIEWING): "reopen",
    (PeriodStatus.PUBLISHED, PeriodStatus.ARCHIVED): "archive",
}
EDITABLE = frozenset({PeriodStatus.COLLECTING, PeriodStatus.REVIEWING})
RESULTS_VISIBLE = frozenset({PeriodStatus.PUBLISHED, PeriodStatus.ARCHIVED})


def next_statuses(status: PeriodStatus) -> list[PeriodStatus]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


@dataclass(frozen=True)
class PeriodDates:
    code: str
    kind: PeriodKind
    year: int
    quarter: int | None
    start: date
    end: date


def parse_period_code(code: str) -> PeriodDates:
    """``2026Q1`` (a quarter) or ``2026`` (a year) → its kind and dates; raises ValueError."""
    raw = str(code).strip().upper().replace(" ", "")
    if raw.endswith(".0"):
        raw = raw[:-2]
    if len(raw) == 4 and raw.isdigit():
        year = int(raw)
        return PeriodDates(raw, PeriodKind.YEAR, year, None, date(year, 1, 1), date(year, 12, 31))
    if len(raw) == 6 and raw[:4].isdigit() and raw[4] == "Q" and raw[5] in "1234":
        year, quarter = int(raw[:4]), int(raw[5])
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return PeriodDates(raw, PeriodKind.QUARTER, year, quarter, start, date.fromordinal(end.toordinal() - 1))
    raise ValueError(_("a period is written like 2026Q1 (a quarter) or 2026 (a year)"))


def last_complete_quarter(today: date) -> str:
    quarter = (today.month - 1) // 3  # quarters fully before today's quarter
    return f"{today.year - 1}Q4" if quarter == 0 else f"{today.year}Q{quarter}"


def previous_quarter(code: str) -> str:
    dates = parse_period_code(code)
    if dates.quarter == 1:
        return f"{dates.year - 1}Q4"
    return f"{dates.year}Q{dates.quarter - 1}"


# --- supervision -----------------------------------------------------------------------------

def effective_status(status: SupervisionStatus, deadline: date, today: date) -> SupervisionStatus:
    """An open item past its deadline is shown as overdue."""
    if status in OPEN_SUPERVISION and deadline < today:
        return SupervisionStatus.OVERDUE
    return status


def is_overdue(status: SupervisionStatus, deadline: date, today: date) -> bool:
    return effective_status(status, deadline, today) == SupervisionStatus.OVERDUE


def supervision_deduction(status: SupervisionStatus, deadline: date, rectified_on: date | None,
                          points: float, period_start: date, period_end: date, as_of: date) -> float:
    """Deduction points one item adds to its named indicator for a period.

    The item counts in the period its deadline falls in: a failed rectification, an
    item still open after its deadline, or one rectified only after the deadline
    deducts its points; an item closed on time deducts nothing.
    """
    if not period_start <= deadline <= period_end:
        return 0.0
    if status == SupervisionStatus.FAILED:
        return points
    if deadline >= as_of:
        return 0.0  # not due yet when scored
    if rectified_on is None and status in OPEN_SUPERVISION:
        return points
    if rectified_on is not None and rectified_on > deadline:
        return points
    return 0.0


# --- early warning ---------------------------------------------------------------------------

@dataclass(frozen=True)
class WarningPolicy:
    """When a unit goes on the early-warning list (预警)."""

    falling_periods: int = 2
    min_fall: float = 1.0
    outlier_z: float = 3.5


@dataclass
class UnitWarning:
    unit_id: int
    kind: str
    detail: dict = field(default_factory=dict)


def falling_units(history: pd.DataFrame, periods: int = 2, min_fall: float = 0.0) -> pd.DataFrame:
    """Units whose composite fell in each of the last ``periods`` consecutive periods,
    each time by more than ``min_fall`` points (smaller moves are noise).

    ``history``: unit_id, period_order (0 = oldest), composite. Only the latest
    ``periods + 1`` periods of the frame are looked at. Returns unit_id, the
    composites from oldest to latest and the total drop.
    """
    if history.empty:
        return pd.DataFrame(columns=["unit_id", "composites", "drop"])
    orders = sorted(history["period_order"].unique())[-(periods + 1):]
    if len(orders) < periods + 1:
        return pd.DataFrame(columns=["unit_id", "composites", "drop"])
    recent = history[history["period_order"].isin(orders)]
    wide = recent.pivot_table(index="unit_id", columns="period_order", values="composite").reindex(columns=orders)
    wide = wide.dropna()
    falls = np.ones(len(wide), dtype=bool)
    for before, after in zip(orders, orders[1:], strict=False):
        falls &= (wide[before] - wide[after] > min_fall).to_numpy()
    hit = wide[falls]
    return pd.DataFrame({
        "unit_id": hit.index.to_numpy(),
        "composites": [list(map(float, row)) for row in hit.to_numpy()],
        "drop": (hit[orders[0]] - hit[orders[-1]]).round(2).to_numpy(),
    })


def outliers(results: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Units whose robust z-score among their level's peers is beyond ``threshold``."""
    if results.empty:
        return results.assign(direction=[])
    hit = results[results["robust_z"].abs() > threshold].copy()
    hit["direction"] = np.where(hit["robust_z"] < 0, "low", "high")
    return hit
