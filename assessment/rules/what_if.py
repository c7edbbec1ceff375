"""What-if (模拟测算): the results under other dimension weights, against the published ones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from assessment.enums import UNWEIGHTED_METHODS, Method
from assessment.rules.schemes import SchemeSpec
from assessment.rules.scoring import GradePolicy, rank_and_grade, to_cents


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
            dimension_weights: Mapping[str, float],
            policy: GradePolicy = GradePolicy()) -> pd.DataFrame:
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
    before = base.merge(_cents_by_unit(frame, "points"), on="unit_id",
                        how="left").fillna({"composite_cents": 0})
    after = base.merge(_cents_by_unit(frame, "new_points"), on="unit_id",
                       how="left").fillna({"composite_cents": 0})
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
    summed = frame.assign(cents=to_cents(frame[column])).groupby("unit_id",
                                                                 as_index=False)["cents"].sum()
    return summed.rename(columns={"cents": "composite_cents"})
