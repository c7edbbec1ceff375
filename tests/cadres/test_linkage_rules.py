"""The linkage of results and decisions, from plain rows (cadres.rules.linkage)."""

from __future__ import annotations

from datetime import date

from cadres.rules import linkage as rules

UNITS = [rules.UnitRow(1, "S1", "桃桥街道", "good", 92.0, 90.0),
         rules.UnitRow(2, "S2", "梅园街道", "poor", 55.0, 82.0),
         rules.UnitRow(3, "S3", "石洲街道", "poor", 60.0, None),
         rules.UnitRow(4, "S4", "新源街道", "average", 75.0, 74.0)]
LEADERS = [rules.LeaderRow("C2", "李娜", "deputy", 2),
           rules.LeaderRow("C1", "王芳", "principal", 2),
           rules.LeaderRow("C3", "赵强", "principal", 3)]


def decision(id, unit_id, kind, *, status="decided", outcome="approved", leader=True,
             overridden=False,
             day=date(2026, 8, 1)):
    return rules.DecisionRow(id, f"PD-2026-{id:04d}", f"C{id}", "某某", unit_id, kind, "事项", day,
                             status, outcome,
                             overridden, leader)


def test_the_window_of_a_quarter_is_six_months_and_of_a_year_twelve():
    assert rules.window("quarter", date(2026, 6, 30)) == (date(2026, 7, 1), date(2026, 12, 31))
    assert rules.window("year", date(2025, 12, 31)) == (date(2026, 1, 1), date(2026, 12, 31))
    rows = [decision(1, 1, "commendation", day=date(2026, 6, 30)), decision(2, 1, "commendation")]
    assert [d.id for d in rules.in_window(rows, date(2026, 7, 1), date(2026, 12, 31))] == [2]


def test_band_counts_take_only_approved_decisions_about_leaders():
    rows = [decision(1, 1, "commendation"), decision(2, 1, "commendation", leader=False),
            decision(3, 2, "admonishment_talk"),
            decision(4, 2, "adjustment", status="proposed", outcome=None),
            decision(5, 4, "promotion", outcome="rejected"), decision(6, 99, "promotion")]
    counts = rules.band_counts(UNITS, rows)
    assert counts[("good", "commendation")] == 1 and counts[("poor", "admonishment_talk")] == 1
    assert sum(counts.values()) == 2 and len(counts) == 4 * 5
    assert rules.units_per_band(UNITS) == {"good": 1, "fair": 0, "average": 1, "poor": 2}


def test_bottom_band_leaders_without_follow_up_lowest_score_first_principal_first():
    found = rules.without_follow_up(UNITS, LEADERS, [])
    assert [(u.code, leader.cadre_code) for u, leader in found] == [("S2", "C1"), ("S2", "C2"),
                                                                    ("S3", "C3")]
    talked = rules.without_follow_up(UNITS, LEADERS, [decision(1, 2, "admonishment_talk")])
    assert [u.code for u, _leader in talked] == ["S3"]
    open_only = rules.without_follow_up(UNITS, LEADERS,
                                        [decision(1, 2, "adjustment", status="reviewed",
                                                                  outcome=None)])
    assert len(open_only) == 3


def test_low_band_promotions_list_overrides_first_and_skip_rejected_and_withdrawn():
    rows = [decision(1, 4, "promotion", day=date(2026, 7, 5)),
            decision(2, 2, "rank_promotion", overridden=True),
            decision(3, 1, "promotion"), decision(4, 2, "promotion", outcome="rejected"),
            decision(5, 2, "promotion", status="withdrawn", outcome=None),
            decision(6, 2, "commendation"),
            decision(7, 3, "promotion", status="proposed", outcome=None, day=date(2026, 9, 1))]
    found = rules.low_band_promotions(UNITS, rows)
    assert [(u.code, d.id) for u, d in found] == [("S2", 2), ("S4", 1), ("S3", 7)]


def test_scatter_points_one_per_unit_and_type_and_none_without_decisions():
    rows = [decision(1, 2, "admonishment_talk"), decision(2, 2, "admonishment_talk"),
            decision(3, 2, "adjustment")]
    points = rules.scatter_points(UNITS, rows)
    assert [(p.unit_id, p.type, p.count, p.change) for p in points] == [
        (1, None, 0, 2.0), (2, "admonishment_talk", 2, -27.0), (2, "adjustment", 1, -27.0),
                                                                        (4, None, 0, 1.0)]


def test_jitter_is_stable_and_bounded():
    assert rules.jitter("2:promotion") == rules.jitter("2:promotion")
    assert all(abs(rules.jitter(str(n))) <= 0.28 for n in range(200))
