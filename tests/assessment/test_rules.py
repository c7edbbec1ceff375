"""The scoring engine and the other assessment rules, against hand-computed examples."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from assessment import rules
from assessment.enums import Direction, Grade, Method, PeriodKind, PeriodStatus, SupervisionStatus
from assessment.rules import GradePolicy, IndicatorSpec, SchemeSpec

H, L = Direction.HIGHER, Direction.LOWER

# Party building 60 (direct 30, ratio 20 to 80, banded 10) + safety 40 (ratio lower than 2,
# deduction 2 points per item capped at 10) + a bonus capped at 3 + a veto item.
SCHEME = SchemeSpec((
    IndicatorSpec("D1", "Party building", None, 60, Method.GROUP),
    IndicatorSpec("I1", "Branch work", "D1", 30, Method.DIRECT),
    IndicatorSpec("I2", "Coverage %", "D1", 20, Method.RATIO, H, target=80),
    IndicatorSpec("I3", "Satisfaction", "D1", 10, Method.BANDED, H,
                  bands=((95, 1), (90, 0.8), (80, 0.5))),
    IndicatorSpec("D2", "Safety", None, 40, Method.GROUP),
    IndicatorSpec("I4", "Petitions per 1,000", "D2", 20, Method.RATIO, L, target=2),
    IndicatorSpec("I5", "Incidents", "D2", 20, Method.DEDUCTION, per_item=2, cap=10),
    IndicatorSpec("B1", "Innovation", None, 0, Method.BONUS, per_item=1, cap=3),
    IndicatorSpec("V1", "Major incident", None, 0, Method.VETO),
))

VALUES = {  # unit: I1, I2, I3, I4, I5, B1, V1
    "A": (30, 80, 96, 1, 0, 5, 0),
    "B": (27, 72, 91, 4, 2, 1, 0),
    "C": (27, 72, 91, 4, 2, 1, 0),
    "D": (25, 61, 85, 3, 7, 0, 0),
    "E": (29.5, 100, 99, 0, 0, 0, 1),
}
IDS = {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5}
PARENT = {"A": 10, "B": 10, "C": 10, "D": 20, "E": 20}
CODES = ["I1", "I2", "I3", "I4", "I5", "B1", "V1"]


def _frames(values=VALUES):
    units = pd.DataFrame({"unit_id": [IDS[u] for u in values],
                          "parent_id": [PARENT[u] for u in values]})
    scores = pd.DataFrame([{"unit_id": IDS[u], "indicator_code": code, "value": v}
                           for u, row in values.items() for code,
                           v in zip(CODES, row, strict=True)])
    return units, scores


@pytest.fixture
def scored():
    units, scores = _frames()
    scoring = rules.score_units(SCHEME, units, scores, GradePolicy(90, 80, 70, 0.2))
    return scoring.results.set_index("unit_id"), scoring.items


def test_the_scheme_is_valid():
    assert rules.validate_scheme(SCHEME) == []


def test_composites_match_the_hand_computation(scored):
    results, _items = scored
    # A: 30 + 20 + 10 + 20 + 20 + bonus 5 capped at 3 = 103
    # B, C: 27 + 72/80·20 = 18 + 8 (band 90) + 2/4·20 = 10 + (20 − 2·2) = 16 + 1 = 80
    # D: 25 + 61/80·20 = 15.25 + 5 + 2/3·20 = 13.33 + (20 − min(14, 10)) = 10 = 68.58
    # E: 29.5 + 20 (ratio capped at 1) + 10 + 20 + 20 = 99.5, but vetoed
    assert results["composite"].to_dict() == {1: 103.0, 2: 80.0, 3: 80.0, 4: 68.58, 5: 99.5}
    assert results.loc[1, "bonus"] == 3.0


def test_contributions_add_up_exactly_to_the_composite(scored):
    results, items = scored
    for unit_id, group in items.groupby("unit_id"):
        cents = sum(round(p * 100) for p in group["points"])
        assert cents == round(results.loc[unit_id, "composite"] * 100)
    d = items[items["unit_id"] == 4].set_index("indicator_code")["points"].to_dict()
    assert d == {"I1": 25.0, "I2": 15.25, "I3": 5.0, "I4": 13.33, "I5": 10.0, "B1": 0.0, "V1": 0.0}


def test_ties_share_the_better_rank_and_a_veto_ranks_last(scored):
    results, _items = scored
    assert results["rank_in_level"].to_dict() == {1: 1, 2: 2, 3: 2, 4: 4, 5: 5}
    assert set(results["count_in_level"]) == {5}


def test_rank_within_parent(scored):
    results, _items = scored
    assert results["rank_in_parent"].to_dict() == {1: 1, 2: 2, 3: 2, 4: 1, 5: 2}
    assert results["count_in_parent"].to_dict() == {1: 3, 2: 3, 3: 3, 4: 2, 5: 2}


def test_grades_by_band_and_a_veto_makes_the_grade_poor_whatever_the_total(scored):
    results, _items = scored
    assert results["grade"].to_dict() == {1: "good", 2: "fair", 3: "fair", 4: "poor", 5: "poor"}
    assert results.loc[5, "vetoed"] and results.loc[5, "veto_codes"] == ["V1"]
    assert not results.loc[1, "vetoed"]


def _direct_only(composites: list[float], share: float) -> pd.Series:
    scheme = SchemeSpec((IndicatorSpec("X", "x", None, 100, Method.DIRECT),))
    units = pd.DataFrame({"unit_id": range(1, len(composites) + 1),
                          "parent_id": [1] * len(composites)})
    scores = pd.DataFrame({"unit_id": units["unit_id"], "indicator_code": "X", "value": composites})
    results = rules.score_units(scheme, units, scores, GradePolicy(90, 80, 70, share)).results
    return results.set_index("unit_id")["grade"]


def test_the_top_grade_share_cap_demotes_the_lower_candidates():
    # 40% of 5 units → at most 2 好: the two 95s keep it, the 92 becomes 较好.
    assert list(_direct_only([95, 95, 92, 70, 60], 0.4)) == ["good", "good", "fair", "average",
                                                             "poor"]


def test_units_tied_at_the_cap_are_treated_alike():
    # 20% of 5 → 1 好, but two units tie at the top: giving it to one would be arbitrary.
    assert list(_direct_only([95, 95, 92, 70, 60], 0.2)) == ["fair", "fair", "fair", "average",
                                                             "poor"]


def test_robust_z_uses_the_median_and_mad(scored):
    results, _items = scored
    # median 80; absolute deviations 23, 0, 0, 11.42, 19.5 → MAD 11.42
    assert results.loc[1, "robust_z"] == pytest.approx(0.6745 * 23 / 11.42, abs=1e-3)
    assert results.loc[2, "robust_z"] == 0


def test_a_missing_required_value_scores_nothing_and_a_missing_deduction_deducts_nothing():
    units, scores = _frames({"A": VALUES["A"]})
    scores = scores[~scores["indicator_code"].isin(["I1", "I5"])]
    results = rules.score_units(SCHEME, units, scores).results
    assert results.loc[0, "composite"] == 103 - 30


RATIO_UP = IndicatorSpec("X", weight=20, method=Method.RATIO, direction=H, target=80)
RATIO_DOWN = IndicatorSpec("X", weight=20, method=Method.RATIO, direction=L, target=2)
BANDED_UP = IndicatorSpec("X", weight=20, method=Method.BANDED, direction=H,
                          bands=((95, 1), (80, 0.5)))
BANDED_DOWN = IndicatorSpec("X", weight=20, method=Method.BANDED, direction=L,
                            bands=((1, 1), (3, 0.5)))


@pytest.mark.parametrize(("spec", "value", "expected"), [
    (RATIO_UP, 40, 10.0),      # half the target → half the weight
    (RATIO_DOWN, 2, 20.0),     # at the target (lower is better) → full
    (RATIO_DOWN, 8, 5.0),      # four times the target → a quarter
    (BANDED_UP, 79, 0.0),      # below every band
    (BANDED_UP, 85, 10.0),
    (BANDED_DOWN, 0, 20.0),    # lower is better: ≤ 1 → full share
    (BANDED_DOWN, 2, 10.0),
    (BANDED_DOWN, 4, 0.0),
])
def test_methods_and_directions(spec, value, expected):
    points, _fraction = rules.leaf_points(spec, [value])
    assert points[0] == pytest.approx(expected)


def test_half_cents_round_up():
    assert list(rules.to_cents([0.125, 0.145, 1.005, 2.0])) == [13, 15, 101, 200]


def test_weight_problems_are_named():
    broken = SchemeSpec((
        IndicatorSpec("D1", "", None, 60, Method.GROUP),
        IndicatorSpec("I1", "", "D1", 50, Method.DIRECT),
        IndicatorSpec("D2", "", None, 30, Method.GROUP),
        IndicatorSpec("I2", "", "D2", 30, Method.RATIO),
        IndicatorSpec("B1", "", None, 5, Method.BONUS),
    ))
    problems = {(p.code, p.message) for p in rules.validate_scheme(broken)}
    assert ("", "the top-level weights add up to 90, not 100") in problems
    assert ("D1", "the weights below D1 add up to 50, not its weight 60") in problems
    assert ("I2", "a ratio indicator needs a target above 0") in problems
    assert any(code == "B1" and "no weight" in message for code, message in problems)
    assert any(code == "B1" and "cap" in message for code, message in problems)


def test_a_value_above_a_direct_indicators_full_score_is_refused():
    spec = IndicatorSpec("I1", weight=30, method=Method.DIRECT)
    assert rules.value_problem(spec, 31) == "is more than the indicator's full score of 30"
    assert rules.value_problem(spec, 30) is None
    assert rules.value_problem(IndicatorSpec("V", method=Method.VETO), 2) is not None


def test_a_score_of_a_million_on_a_percentage_indicator_is_refused():
    coverage = IndicatorSpec("R", method=Method.RATIO, weight=10, target=90, unit_label="%")
    assert rules.value_problem(coverage, 1_000_000) == "is a percentage: at most 100"
    assert rules.value_problem(coverage, 100) is None
    assert rules.value_problem(IndicatorSpec("N", method=Method.RATIO, weight=10, target=2),
                               1_000) is None


def test_bands_are_read_from_text():
    assert rules.parse_bands("95:1, 90：0.8；80:0.5") == ((95, 1), (90, 0.8), (80, 0.5))
    assert rules.format_bands([(95, 1), (90, 0.8)]) == "95:1, 90:0.8"
    with pytest.raises(ValueError):
        rules.parse_bands("95-1")


def test_what_if_moves_weight_between_dimensions(scored):
    results, items = scored
    units = results.reset_index()[["unit_id", "parent_id", "vetoed"]]
    same = rules.what_if(SCHEME, items, units, {"D1": 60, "D2": 40}, GradePolicy(90, 80, 70, 0.2))
    assert (same["composite_change"] == 0).all()
    assert same.set_index("unit_id")["composite_before"].to_dict() == results["composite"].to_dict()
    moved = rules.what_if(SCHEME, items, units, {"D1": 80, "D2": 20},
                          GradePolicy(90, 80, 70, 0.2)).set_index("unit_id")
    # D: party building 45.25 of 60 → ·80/60 = 60.33; safety 23.33 of 40 → ·20/40 = 11.67; no bonus
    assert moved.loc[4, "composite_after"] == pytest.approx(72.0, abs=0.02)
    assert moved.loc[4, "grade_after"] == "average" and moved.loc[4, "grade_before"] == "poor"


def test_period_codes():
    q = rules.parse_period_code("2026q3")
    assert (q.kind, q.start, q.end) == (PeriodKind.QUARTER, date(2026, 7, 1), date(2026, 9, 30))
    assert rules.parse_period_code("2025").end == date(2025, 12, 31)
    assert rules.parse_period_code("2026Q4").end == date(2026, 12, 31)
    with pytest.raises(ValueError):
        rules.parse_period_code("2026Q5")
    assert rules.last_complete_quarter(date(2026, 11, 24)) == "2026Q3"
    assert rules.last_complete_quarter(date(2026, 2, 1)) == "2025Q4"
    assert rules.previous_quarter("2026Q1") == "2025Q4"


def test_lifecycle():
    assert rules.next_statuses(PeriodStatus.DRAFT) == [PeriodStatus.COLLECTING]
    assert PeriodStatus.PUBLISHED not in rules.EDITABLE
    assert set(rules.next_statuses(PeriodStatus.PUBLISHED)) == {PeriodStatus.REVIEWING,
                                                                PeriodStatus.ARCHIVED}


@pytest.mark.parametrize(("status", "deadline", "rectified", "expected"), [
    (SupervisionStatus.IN_PROGRESS, date(2026, 5, 1), None,
     2.0),              # open past the deadline
    (SupervisionStatus.RECTIFIED, date(2026, 5, 1), date(2026, 5, 20), 2.0),    # rectified late
    (SupervisionStatus.VERIFIED, date(2026, 5, 1), date(2026, 4, 28), 0.0),     # on time
    (SupervisionStatus.FAILED, date(2026, 5, 1), date(2026, 4, 28),
     2.0),       # rectification failed
    (SupervisionStatus.ASSIGNED, date(2026, 7, 1), None,
     0.0),                  # deadline in another period
])
def test_supervision_deductions(status, deadline, rectified, expected):
    assert rules.supervision_deduction(status, deadline, rectified, 2.0, date(2026, 4, 1),
                                       date(2026, 6, 30),
                                       as_of=date(2026, 7, 5)) == expected


def test_an_open_item_past_its_deadline_is_overdue():
    assert rules.effective_status(SupervisionStatus.ASSIGNED, date(2026, 1, 1),
                                  date(2026, 1, 2)) == SupervisionStatus.OVERDUE
    assert rules.effective_status(SupervisionStatus.RECTIFIED, date(2026, 1, 1),
                                  date(2026, 1, 2)) == SupervisionStatus.RECTIFIED


def test_falling_two_periods_in_a_row():
    history = pd.DataFrame({
        "unit_id": [1, 1, 1, 2, 2, 2, 3, 3],
        "period_order": [0, 1, 2, 0, 1, 2, 1, 2],
        "composite": [90, 85, 80, 80, 85, 79, 90, 80],
    })
    falling = rules.falling_units(history, 2)
    assert list(falling["unit_id"]) == [1]
    assert falling.iloc[0]["drop"] == 10
    assert (
        list(rules.falling_units(history, 2, min_fall=5)["unit_id"]) == []
    )  # 5-point falls are not "more than 5"


def test_outliers_beyond_the_threshold():
    results = pd.DataFrame({"unit_id": [1, 2, 3], "robust_z": [-4.0, 0.2, 3.6]})
    hit = rules.outliers(results, 3.5)
    assert dict(zip(hit["unit_id"], hit["direction"], strict=True)) == {1: "low", 3: "high"}


def test_grade_enum_order():
    assert [g.order for g in Grade] == [0, 1, 2, 3]
