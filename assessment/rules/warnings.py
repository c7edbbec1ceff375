"""Early warning (预警): units whose composite keeps falling, and outliers among peers."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


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
    wide = recent.pivot_table(index="unit_id", columns="period_order",
                              values="composite").reindex(columns=orders)
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
