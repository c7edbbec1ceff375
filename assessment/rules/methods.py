"""Scoring methods of real municipal schemes, beside the weighted ones, and the sentence
that explains any leaf's points to the unit (the contribution waterfall, issue 15).

- ``rank`` (排名计分): the units of a level are ranked on the value (direction-aware;
  ties share the better rank); the 1st … nth get fixed points — an explicit list
  (``rank_points`` 60, 57, 54 …) or a start (the weight unless given) going down by
  ``rank_step`` — never below ``rank_floor`` (0 unless given) nor above the weight.
  A rank past the end of the list gets the floor.
- ``proportional`` (对标最优): the best value gets the full weight, the others
  value / best × weight (lower is better: best / value). When the best is 0 nobody
  earns points (higher is better), or only the units at 0 do (lower is better).
- ``imported`` (引用得分): the value is already points from another assessment
  (``source`` names it), capped at the weight.

The deduction per occurrence with a floor (e.g. 0.5 per case, at most the weight, never
below 0) is the existing ``deduction`` method (``per_item``, ``cap``). Parameters are
plain numbers and lists: nothing a user types is ever evaluated.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from assessment.enums import Direction, Method
from portal.i18n import N_, _

if TYPE_CHECKING:  # the spec is defined with the schemes, which validate with these rules
    from assessment.rules.schemes import IndicatorSpec

__all__ = ["PARAM_KEYS", "RANK_PARAMS", "best_value", "explain_points", "format_points",
           "method_param_messages", "ordinal", "params_of", "parse_points", "points_for_rank",
           "proportional_fractions", "rank_fractions", "ranks", "spec_params"]

RANK_PARAMS = ("rank_points", "rank_start", "rank_step", "rank_floor")
PARAM_KEYS = (*RANK_PARAMS, "source")
MAX_RANK_POINTS = 500
SOURCE_LENGTH = 120


def _tidy(values: np.ndarray) -> np.ndarray:
    # Entered values are decimals: 0.1 + 0.2 and 0.3 must tie.
    return np.round(np.asarray(values, dtype=float), 6)


def ranks(direction: Direction, values: np.ndarray) -> np.ndarray:
    """1 for the best value, ties sharing the better rank; NaN where there is no value."""
    series = pd.Series(_tidy(values))
    return series.rank(method="min", ascending=direction == Direction.LOWER).to_numpy()


def points_for_rank(spec: IndicatorSpec, rank: float) -> float:
    """The points of one rank under the indicator's table or start and step."""
    floor = spec.rank_floor or 0.0
    if math.isnan(rank):
        return 0.0
    place = int(rank)
    if spec.rank_points:
        points = spec.rank_points[place - 1] if place <= len(spec.rank_points) else floor
    else:
        start = spec.weight if spec.rank_start is None else spec.rank_start
        points = start - (spec.rank_step or 0.0) * (place - 1)
    return float(min(max(points, floor, 0.0), spec.weight))


def rank_fractions(spec: IndicatorSpec, values: np.ndarray) -> np.ndarray:
    if not spec.weight:
        return np.zeros(len(values))
    points = np.array([points_for_rank(spec, r) for r in ranks(spec.direction, values)])
    return points / spec.weight


def best_value(direction: Direction, values: np.ndarray) -> float | None:
    present = _tidy(values)
    present = present[~np.isnan(present)]
    if not len(present):
        return None
    return float(present.max() if direction == Direction.HIGHER else present.min())


def proportional_fractions(spec: IndicatorSpec, values: np.ndarray) -> np.ndarray:
    v = _tidy(values)
    best = best_value(spec.direction, v)
    if best is None:
        return np.zeros_like(v)
    with np.errstate(divide="ignore", invalid="ignore"):
        if spec.direction == Direction.HIGHER:
            share = v / best if best > 0 else np.zeros_like(v)
        elif best > 0:
            share = np.where(v > 0, best / v, 0.0)
        else:
            share = np.where(v <= 0, 1.0, 0.0)
    return np.where(np.isnan(v), np.nan, np.clip(np.nan_to_num(share), 0.0, 1.0))


def imported_fractions(spec: IndicatorSpec, values: np.ndarray) -> np.ndarray:
    if not spec.weight:
        return np.zeros(len(values))
    return np.clip(np.asarray(values, dtype=float) / spec.weight, 0.0, 1.0)


# --- parameters ------------------------------------------------------------------------------

def parse_points(text: str) -> tuple[float, ...]:
    """``"60, 57，54; 51"`` → (60.0, 57.0, 54.0, 51.0); raises ValueError in words."""
    cleaned = str(text).replace("；", ",").replace("，", ",").replace(";", ",").replace("、", ",")
    parts = [p.strip() for p in cleaned.split(",") if p.strip()]
    message = _("write the points of the 1st, 2nd … rank separated by commas, e.g. 60, 57, 54")
    if not parts:
        raise ValueError(message)
    try:
        points = tuple(float(p) for p in parts)
    except ValueError:
        raise ValueError(message) from None
    if len(points) > MAX_RANK_POINTS or not all(math.isfinite(p) for p in points):
        raise ValueError(message)
    return points


def format_points(points) -> str:
    return ", ".join(f"{p:g}" for p in (points or ()))


def params_of(spec: IndicatorSpec) -> dict:
    """The method's parameters as stored on the indicator (JSON), only those that are set."""
    stored: dict = {}
    if spec.method == Method.RANK:
        if spec.rank_points:
            stored["rank_points"] = [float(p) for p in spec.rank_points]
        for key in ("rank_start", "rank_step", "rank_floor"):
            if getattr(spec, key) is not None:
                stored[key] = float(getattr(spec, key))
    if spec.method == Method.IMPORTED and spec.source:
        stored["source"] = spec.source
    return stored


def spec_params(stored) -> dict:
    """Stored JSON → IndicatorSpec keyword arguments (unknown keys are ignored)."""
    stored = stored if isinstance(stored, dict) else {}
    found: dict = {}
    if stored.get("rank_points"):
        found["rank_points"] = tuple(float(p) for p in stored["rank_points"])
    for key in ("rank_start", "rank_step", "rank_floor"):
        if stored.get(key) is not None:
            found[key] = float(stored[key])
    if stored.get("source"):
        found["source"] = str(stored["source"])[:SOURCE_LENGTH]
    return found


def method_param_messages(node: IndicatorSpec) -> list[str]:
    """What a rank indicator's parameters must satisfy (empty: fine)."""
    if node.method != Method.RANK:
        return []
    found = []
    if not node.rank_points and not node.rank_step:
        found.append(_("a rank indicator needs the points per rank (e.g. 60, 57, 54) or a "
                       "step down per rank"))
    if any(p < 0 or p > node.weight + 1e-9 for p in node.rank_points):
        found.append(_("the points per rank must lie between 0 and the weight"))
    if any(b > a + 1e-9 for a, b in zip(node.rank_points, node.rank_points[1:], strict=False)):
        found.append(_("a lower rank cannot get more points than a higher one"))
    if node.rank_step is not None and node.rank_step < 0:
        found.append(_("the step down per rank must not be negative"))
    if node.rank_start is not None and not 0 < node.rank_start <= node.weight + 1e-9:
        found.append(_("the points of the 1st rank must be above 0 and at most the weight"))
    if node.rank_floor is not None and not 0 <= node.rank_floor <= node.weight + 1e-9:
        found.append(_("the least points of a rank must lie between 0 and the weight"))
    return found


# --- explanations ----------------------------------------------------------------------------

ORDINALS = {"st": N_("%(n)sst"), "nd": N_("%(n)snd"), "rd": N_("%(n)srd"), "th": N_("%(n)sth")}


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st (第n名 in Chinese)."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return _(ORDINALS[suffix], n=n)


def _n(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def explain_points(spec: IndicatorSpec, value: float | None, points: float, *,
                   rank: int | None = None, count: int | None = None,
                   best: float | None = None) -> str:
    """One sentence saying how a leaf's value became its points, e.g. "ranked 3rd of 12:
    54 points". ``rank``, ``count`` and ``best`` are the level's figures for the
    rank and proportional methods."""
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    if missing and spec.method not in (Method.DEDUCTION, Method.BONUS, Method.VETO):
        return _("no value: 0 points")
    words = {"points": f"{points:g}", "weight": _n(spec.weight),
             "value": _n(None if missing else value)}
    if spec.method == Method.RANK and rank is not None:
        return _("ranked %(place)s of %(count)s: %(points)s points", place=ordinal(int(rank)),
                 count=count, points=words["points"])
    if spec.method == Method.PROPORTIONAL and best is not None:
        if spec.direction == Direction.HIGHER:
            return _("%(value)s against the best %(best)s: %(points)s of %(weight)s points",
                     best=_n(best), **words)
        return _("the best %(best)s against %(value)s (lower is better): %(points)s of "
                 "%(weight)s points", best=_n(best), **words)
    return _EXPLAIN.get(spec.method, _direct)(spec, 0.0 if missing else float(value), words)


def _direct(_spec: IndicatorSpec, _value: float, words: dict) -> str:
    return _("%(points)s of %(weight)s points", points=words["points"], weight=words["weight"])


def _imported(spec: IndicatorSpec, _value: float, words: dict) -> str:
    return _("%(value)s points from %(source)s (at most %(weight)s): %(points)s points",
             source=spec.source or _("another assessment"), **words)


def _deduction(spec: IndicatorSpec, cases: float, words: dict) -> str:
    per = spec.per_item if spec.per_item is not None else 1.0
    cap = spec.cap if spec.cap is not None else spec.weight
    return _("%(cases)s case(s) × %(per)s = %(deducted)s deducted (at most %(cap)s): "
             "%(points)s of %(weight)s points", cases=_n(cases), per=_n(per),
             deducted=f"{cases * per:g}", cap=_n(cap), points=words["points"],
             weight=words["weight"])


def _bonus(spec: IndicatorSpec, _value: float, words: dict) -> str:
    return _("%(points)s bonus points (at most %(cap)s)", points=words["points"],
             cap=_n(spec.cap))


def _veto(_spec: IndicatorSpec, value: float, _words: dict) -> str:
    return _("veto triggered: graded 差") if value else _("not triggered")


def _ratio(spec: IndicatorSpec, _value: float, words: dict) -> str:
    return _("%(value)s against the target %(target)s: %(points)s of %(weight)s points",
             target=_n(spec.target), **words)


def _banded(_spec: IndicatorSpec, _value: float, words: dict) -> str:
    return _("%(value)s falls in a band worth %(points)s of %(weight)s points", **words)


_EXPLAIN = {Method.IMPORTED: _imported, Method.DEDUCTION: _deduction, Method.BONUS: _bonus,
            Method.VETO: _veto, Method.RATIO: _ratio, Method.BANDED: _banded}
