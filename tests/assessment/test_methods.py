"""Scoring methods of real schemes (issue 15): rank-based points, proportional to the
best, deduction per case with a floor, imported points — hand-computed tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from assessment import rules
from assessment.enums import Direction, Method
from assessment.rules import IndicatorSpec, SchemeSpec

NaN = math.nan


def points(spec: IndicatorSpec, values: list[float]) -> list[float]:
    scored, _fraction = rules.leaf_points(spec, np.array(values, dtype=float))
    return [round(float(p), 2) for p in scored]


RANK_TABLE = [
    # (what, spec keyword arguments, values, expected points)
    ("a list: 1st 60, 2nd 57, 3rd 54, past the list the floor",
     {"rank_points": (60, 57, 54)}, [10, 30, 20, 5], [54, 60, 57, 0]),
    ("ties share the better rank; the next rank is skipped",
     {"rank_points": (60, 57, 54, 51)}, [30, 30, 20, 10], [60, 60, 54, 51]),
    ("start (the weight) and a step",
     {"rank_step": 3}, [1, 2, 3, 4], [51, 54, 57, 60]),
    ("start and step down to the floor",
     {"rank_start": 50, "rank_step": 20, "rank_floor": 15}, [4, 3, 2, 1], [50, 30, 15, 15]),
    ("lower is better ranks the smallest value first",
     {"rank_points": (60, 57, 54), "direction": Direction.LOWER}, [3, 1, 2], [54, 60, 57]),
    ("a missing value is not ranked and scores 0",
     {"rank_points": (60, 57, 54)}, [NaN, 8, 9], [0, 57, 60]),
    ("decimals that are equal tie",
     {"rank_points": (60, 57)}, [0.1 + 0.2, 0.3], [60, 60]),
]


@pytest.mark.parametrize(("what", "extra", "values", "expected"), RANK_TABLE,
                         ids=[row[0] for row in RANK_TABLE])
def test_rank_based_points(what, extra, values, expected):
    spec = IndicatorSpec("R", weight=60, method=Method.RANK, **extra)
    assert points(spec, values) == expected


PROPORTIONAL_TABLE = [
    ("the best gets the weight, the others value / best", Direction.HIGHER,
     [80, 40, 60], [20, 10, 15]),
    ("lower is better: best / value", Direction.LOWER, [2, 4, 8], [20, 10, 5]),
    ("higher is better and the best is 0: nobody earns points", Direction.HIGHER,
     [0, 0], [0, 0]),
    ("lower is better and the best is 0: only the units at 0 earn points", Direction.LOWER,
     [0, 3, 0], [20, 0, 20]),
    ("a missing value scores 0 and is not the best", Direction.HIGHER, [NaN, 50, 100],
     [0, 10, 20]),
]


@pytest.mark.parametrize(("what", "direction", "values", "expected"), PROPORTIONAL_TABLE,
                         ids=[row[0] for row in PROPORTIONAL_TABLE])
def test_proportional_to_the_best(what, direction, values, expected):
    spec = IndicatorSpec("P", weight=20, method=Method.PROPORTIONAL, direction=direction)
    assert points(spec, values) == expected


def test_deduction_per_case_with_a_floor_never_below_zero():
    spec = IndicatorSpec("D", weight=4, method=Method.DEDUCTION, per_item=0.5)
    assert points(spec, [0, 3, 8, 20, NaN]) == [4, 2.5, 0, 0, 4]


def test_imported_points_are_capped_at_the_weight():
    spec = IndicatorSpec("M", weight=10, method=Method.IMPORTED, source="市综治考核")
    assert points(spec, [7.5, 12, 0, NaN]) == [7.5, 10, 0, 0]
    assert rules.value_problem(spec, 12) is None  # capped, not refused


def test_the_new_methods_need_a_value_from_every_unit():
    scheme = SchemeSpec((IndicatorSpec("R", weight=50, method=Method.RANK, rank_step=5),
                         IndicatorSpec("P", weight=30, method=Method.PROPORTIONAL),
                         IndicatorSpec("M", weight=20, method=Method.IMPORTED)))
    assert scheme.required_codes() == ["R", "P", "M"]
    assert rules.validate_scheme(scheme) == []


VALIDATION_TABLE = [
    ({}, "needs the points per rank"),
    ({"rank_points": (60, 61)}, "between 0 and the weight"),
    ({"rank_points": (50, 55)}, "cannot get more points"),
    ({"rank_step": -1}, "must not be negative"),
    ({"rank_step": 3, "rank_start": 70}, "at most the weight"),
    ({"rank_step": 3, "rank_floor": 80}, "least points"),
]


@pytest.mark.parametrize(("extra", "message"), VALIDATION_TABLE)
def test_rank_parameters_are_checked(extra, message):
    spec = IndicatorSpec("R", weight=60, method=Method.RANK, **extra)
    found = rules.validate_scheme(SchemeSpec((spec, IndicatorSpec("X", weight=40))))
    assert any(message in problem.message for problem in found), found


def test_rank_points_are_parsed_from_text_without_evaluating_it():
    assert rules.parse_points("60, 57，54；51") == (60, 57, 54, 51)
    for text in ("", "60, abc", "__import__('os')", "1e999"):
        with pytest.raises(ValueError, match="separated by commas"):
            rules.parse_points(text)


def test_parameters_round_trip_through_their_stored_form():
    spec = IndicatorSpec("R", weight=60, method=Method.RANK, rank_points=(60, 57),
                         rank_floor=10)
    stored = rules.params_of(spec)
    assert stored == {"rank_points": [60.0, 57.0], "rank_floor": 10.0}
    assert IndicatorSpec("R", weight=60, method=Method.RANK,
                         **rules.spec_params(stored)) == spec


def test_the_composite_of_a_rank_scheme_adds_up():
    scheme = SchemeSpec((IndicatorSpec("R", weight=60, method=Method.RANK,
                                       rank_points=(60, 57, 54)),
                         IndicatorSpec("P", weight=40, method=Method.PROPORTIONAL)))
    units = pd.DataFrame({"unit_id": [1, 2, 3], "parent_id": [9, 9, 9]})
    scores = pd.DataFrame({"unit_id": [1, 1, 2, 2, 3, 3],
                           "indicator_code": ["R", "P"] * 3,
                           "value": [9, 50, 7, 100, 8, 25]})
    result = rules.score_units(scheme, units, scores).results.set_index("unit_id")
    assert result["composite"].to_dict() == {1: 80.0, 2: 94.0, 3: 67.0}
    assert result["rank_in_level"].to_dict() == {1: 2, 2: 1, 3: 3}


EXPLAIN_TABLE = [
    (IndicatorSpec("R", weight=60, method=Method.RANK, rank_step=3), 5, 54,
     {"rank": 3, "count": 12}, "ranked 3rd of 12: 54 points"),
    (IndicatorSpec("R", weight=60, method=Method.RANK, rank_step=3), 5, 27,
     {"rank": 11, "count": 12}, "ranked 11th of 12: 27 points"),
    (IndicatorSpec("P", weight=20, method=Method.PROPORTIONAL), 40, 10, {"best": 80},
     "40 against the best 80: 10 of 20 points"),
    (IndicatorSpec("P", weight=20, method=Method.PROPORTIONAL, direction=Direction.LOWER), 4,
     10, {"best": 2}, "the best 2 against 4 (lower is better): 10 of 20 points"),
    (IndicatorSpec("D", weight=4, method=Method.DEDUCTION, per_item=0.5), 3, 2.5, {},
     "3 case(s) × 0.5 = 1.5 deducted (at most 4): 2.5 of 4 points"),
    (IndicatorSpec("M", weight=10, method=Method.IMPORTED, source="市综治考核"), 12, 10, {},
     "12 points from 市综治考核 (at most 10): 10 points"),
    (IndicatorSpec("I", weight=30), None, 0, {}, "no value: 0 points"),
]


@pytest.mark.parametrize(("spec", "value", "earned", "context", "expected"), EXPLAIN_TABLE)
def test_each_method_explains_its_points(spec, value, earned, context, expected):
    assert rules.explain_points(spec, value, earned, **context) == expected


def test_results_of_the_existing_methods_are_unchanged():
    spec = IndicatorSpec("I3", weight=40, method=Method.DEDUCTION, per_item=4, cap=20)
    assert points(spec, [1, 3, 10]) == [36, 28, 20]
    ratio = IndicatorSpec("I2", weight=30, method=Method.RATIO, target=80)
    assert points(ratio, [72, 80, 100]) == [27, 30, 30]
