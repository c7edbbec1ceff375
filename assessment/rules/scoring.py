"""The scoring engine: a scheme's leaf points, the composite, ranks and grades.

Scoring (考核计分), per leaf indicator of weight *w* (points of the scheme's 100):

- ``direct`` (直接计分): the value *is* the points, 0 … *w*.
- ``ratio`` (目标比例): higher is better → *w* · min(value / target, 1);
  lower is better → *w* when value ≤ target, else *w* · target / value.
- ``banded`` (分档): ``bands`` = [[threshold, share], …]; the best share whose threshold
  the value reaches (≥ for higher, ≤ for lower) times *w*; none reached → 0.
- ``deduction`` (扣分): *w* − min(cap, value · per_item); cap defaults to *w*.
- ``bonus`` (加分): min(cap, value · per_item), added on top of the 100.
- ``veto`` (一票否决): any value > 0 sets the grade to 差, whatever the total.
- ``rank`` (排名计分), ``proportional`` (对标最优), ``imported`` (引用得分): see
  ``assessment.rules.methods``; they score a unit against the other units of its level.

Contributions are rounded to hundredths first and the composite is their sum, so the
breakdown adds up to the total exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from assessment.enums import REQUIRED_METHODS, Direction, Grade, Method
from assessment.rules import methods
from assessment.rules.schemes import IndicatorSpec, SchemeSpec


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
    if spec.method == Method.RANK:
        return methods.rank_fractions(spec, v)
    if spec.method == Method.PROPORTIONAL:
        return methods.proportional_fractions(spec, v)
    if spec.method == Method.IMPORTED:
        return methods.imported_fractions(spec, v)
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
    codes = [leaf.code for leaf in leaves]
    matrix = value_matrix(scores, unit_ids, codes)
    cents = np.zeros((len(unit_ids), len(leaves)), dtype=np.int64)
    fractions = np.full((len(unit_ids), len(leaves)), np.nan)
    veto_columns = {}
    for j, leaf in enumerate(leaves):
        points, fraction = leaf_points(leaf, matrix[:, j])
        cents[:, j] = to_cents(points)
        fractions[:, j] = fraction
        if leaf.method == Method.VETO:
            veto_columns[leaf.code] = np.nan_to_num(matrix[:, j], nan=0.0) > 0
    bonus = [j for j, leaf in enumerate(leaves) if leaf.method == Method.BONUS]
    frame = units[["unit_id", "parent_id"]].copy().reset_index(drop=True)
    frame["level"] = units["level"].to_numpy() if "level" in units else None
    frame["composite_cents"] = cents.sum(axis=1) if len(leaves) else 0
    frame["bonus"] = cents[:, bonus].sum(axis=1) / 100 if bonus else 0.0
    if veto_columns:
        vetoes = list(veto_columns)
        hits = np.column_stack([veto_columns[c] for c in vetoes])
        frame["veto_codes"] = [[vetoes[j] for j in np.flatnonzero(row)] for row in hits]
    else:
        frame["veto_codes"] = [[] for _u in unit_ids]
    frame["vetoed"] = frame["veto_codes"].map(bool)
    results = rank_and_grade(frame, policy)
    return Scoring(results=results, items=_items(unit_ids, codes, matrix, cents, fractions))


def value_matrix(scores: pd.DataFrame, unit_ids: np.ndarray, codes: list[str]) -> np.ndarray:
    """Units × indicators from long-format scores: NaN where a unit has no value; of two
    rows for one pair the last with a value counts (as ``pivot_table(aggfunc="last")``)."""
    matrix = np.full((len(unit_ids), len(codes)), np.nan)
    present = scores[scores["value"].notna()] if len(scores) else scores
    if not len(present) or not len(codes):
        return matrix
    present = present.drop_duplicates(["unit_id", "indicator_code"], keep="last")
    rows = pd.Index(unit_ids).get_indexer(present["unit_id"])
    columns = pd.Index(codes).get_indexer(present["indicator_code"])
    wanted = (rows >= 0) & (columns >= 0)
    matrix[rows[wanted], columns[wanted]] = present["value"].to_numpy(dtype=float)[wanted]
    return matrix


def _items(unit_ids: np.ndarray, codes: list[str], matrix: np.ndarray, cents: np.ndarray,
           fractions: np.ndarray) -> pd.DataFrame:
    """One row per unit and leaf, units in the order given and leaves in scheme order."""
    if not codes:
        return pd.DataFrame(columns=["unit_id", "indicator_code", "value", "points", "fraction"])
    return pd.DataFrame({"unit_id": np.repeat(unit_ids, len(codes)),
                         "indicator_code": np.tile(np.array(codes, dtype=object), len(unit_ids)),
                         "value": matrix.ravel(), "points": cents.ravel() / 100,
                         "fraction": fractions.ravel()})


def rank_and_grade(frame: pd.DataFrame, policy: GradePolicy) -> pd.DataFrame:
    """Ranks (ties share the better rank; vetoed units after all others), grades with the
    top-band cap, and robust z-scores, from ``composite_cents`` and ``vetoed``."""
    out = frame.copy()
    out["composite"] = out["composite_cents"] / 100
    # One integer key: a veto puts a unit below every unit without one.
    key = out["composite_cents"].astype(np.int64) - out["vetoed"].astype(np.int64) * 10**12
    out["rank_in_level"] = key.rank(method="min", ascending=False).astype(int)
    out["count_in_level"] = len(out)
    out["rank_in_parent"] = key.groupby(out["parent_id"].fillna(-1)).rank(method="min",
                                                                          ascending=False).astype(int)
    out["count_in_parent"] = (
        out.groupby(out["parent_id"].fillna(-1))["unit_id"].transform("size").astype(int)
    )
    out["grade"] = grades(out["composite"], out["vetoed"], key, policy)
    out["robust_z"] = robust_z(out["composite"])
    return out[[c for c in RESULT_COLUMNS if c in out.columns]].reset_index(drop=True)


def grades(composite: pd.Series, vetoed: pd.Series, key: pd.Series,
           policy: GradePolicy) -> pd.Series:
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


def level_medians(items: pd.DataFrame, results: pd.DataFrame, scheme: SchemeSpec) -> dict[str,
                                                                                          float]:
    """Median points per leaf and per dimension across a level's units (for the radar)."""
    medians: dict[str, float] = {}
    if items.empty:
        return medians
    pivot = items.groupby(["unit_id", "indicator_code"])["points"].sum().unstack()
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
    cents = frame.assign(cents=to_cents(frame["points"])).groupby(["unit_id", "dimension"],
                                                                  as_index=False)["cents"].sum()
    cents["points"] = cents["cents"] / 100
    weights = {d.code: d.weight for d in scheme.dimensions}
    cents["weight"] = cents["dimension"].map(weights)
    return cents[["unit_id", "dimension", "points", "weight"]]
