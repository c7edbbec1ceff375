"""The publication path as it was before it was made set-based (issue 11), kept only to
check that the fast path gives the same numbers: scores read per level with an IN list,
pivoted with ``pivot_table``, the breakdown stacked from DataFrames, the medians pivoted
again. Nothing here is used by the portal."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import select

from assessment import periods, rules, schemes
from assessment import settings as assessment_settings
from assessment.enums import Method
from assessment.models import Period, Score
from assessment.rules import GradePolicy, SchemeSpec, Scoring, leaf_points, rank_and_grade, to_cents


def score_frame(session, period: Period, unit_ids) -> pd.DataFrame:
    rows = session.execute(
        select(Score.unit_id, Score.indicator_code, Score.value)
        .where(Score.period_id == period.id, Score.unit_id.in_(unit_ids))).all() \
        if len(unit_ids) else []
    return pd.DataFrame(rows,
                        columns=["unit_id", "indicator_code", "value"]).astype({"value": float})


def score_units(scheme: SchemeSpec, units: pd.DataFrame, scores: pd.DataFrame,
                policy: GradePolicy) -> Scoring:
    leaves = scheme.leaves
    unit_ids = units["unit_id"].to_numpy()
    matrix = (scores.pivot_table(index="unit_id", columns="indicator_code", values="value",
                                 aggfunc="last")
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
    frame["level"] = None
    frame["composite_cents"] = cents.sum(axis=1).to_numpy() if len(leaves) else 0
    frame["bonus"] = cents[bonus_codes].sum(axis=1).to_numpy() / 100 if bonus_codes else 0.0
    codes = list(veto_columns)
    hits = np.column_stack([veto_columns[c] for c in codes])
    frame["veto_codes"] = [[codes[j] for j in np.flatnonzero(row)] for row in hits]
    frame["vetoed"] = frame["veto_codes"].map(bool)
    values = matrix.stack(future_stack=True).rename("value")
    points = (cents / 100).stack(future_stack=True).rename("points")
    fraction = pd.DataFrame(fraction_columns,
                            index=unit_ids).stack(future_stack=True).rename("fraction")
    items = pd.concat([values, points, fraction], axis=1).reset_index()
    items.columns = ["unit_id", "indicator_code", "value", "points", "fraction"]
    return Scoring(results=rank_and_grade(frame, policy), items=items)


def level_medians(items: pd.DataFrame, results: pd.DataFrame, scheme: SchemeSpec) -> dict:
    medians: dict[str, float] = {}
    pivot = items.pivot_table(index="unit_id", columns="indicator_code", values="points",
                              aggfunc="sum")
    for code in pivot.columns:
        medians[code] = round(float(pivot[code].median()), 2)
    for dimension, codes in rules.dimension_members(scheme).items():
        present = [c for c in codes if c in pivot.columns]
        if present:
            medians[dimension] = round(float(pivot[present].sum(axis=1).median()), 2)
    medians["__composite__"] = round(float(results["composite"].median()), 2)
    return medians


def compute(session, period: Period, as_of: date) -> dict:
    """level → (results, items, medians) as the old path computed them."""
    policy = assessment_settings.grade_policy(session)
    found = {}
    for level, scheme in periods.levels_with_schemes(session, period).items():
        spec = schemes.spec_of(scheme)
        units = periods.unit_frame(session, level)
        scores = score_frame(session, period, units["unit_id"].tolist())
        deductions = periods.supervision_frame(session, period, units["unit_id"].tolist(), as_of)
        scoring = score_units(spec, units, periods.with_supervision(scores, deductions, spec),
                              policy)
        found[level] = (scoring.results, scoring.items,
                        level_medians(scoring.items, scoring.results, spec))
    return found
