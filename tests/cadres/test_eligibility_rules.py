"""The eligibility engine, rule by rule, with hand-computed dates (domain.md §3–4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cadres.rules.eligibility import (
    CadreFacts,
    CaseFact,
    DecisionType,
    EligibilityRules,
    GradeFact,
    MeasureFact,
    TrainingFact,
    UnitResultFact,
    add_months,
    evaluate,
    months_between,
)
from portal.enums import LeaderRole, Rank

AS_OF = date(2026, 11, 24)
CLEAN = CadreFacts(code="C0001", rank=Rank.TOWNSHIP_DEPUTY, rank_since=date(2022, 3, 1),
                   position_since=date(2022, 3, 1), leader_role=LeaderRole.DEPUTY)


def measure(code="party_serious_warning", label="严重警告", decided=date(2026, 3, 1),
            until=date(2027, 9, 1), **kw) -> MeasureFact:
    return MeasureFact(source="measure:1", code=code, label=label, decided_on=decided,
                       effect_until=until, **kw)


def rules_of(result, kind="blocks"):
    return [(f.rule, f.until) for f in getattr(result, kind)]


@pytest.mark.parametrize("start, months, expected", [
    (date(2026, 8, 31), 6, date(2027, 2, 28)),     # domain.md's example
    (date(2024, 8, 31), 6, date(2025, 2, 28)),
    (date(2023, 8, 31), 6, date(2024, 2, 29)),     # leap year
    (date(2026, 3, 1), 18, date(2027, 9, 1)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),
    (date(2026, 5, 10), -12, date(2025, 5, 10)),
])
def test_calendar_months(start, months, expected):
    assert add_months(start, months) == expected


def test_months_between_counts_whole_months():
    assert months_between(date(2026, 1, 31), date(2026, 2, 28)) == 1
    assert months_between(date(2026, 1, 15), date(2026, 2, 14)) == 0
    assert months_between(date(2026, 5, 1), date(2025, 1, 1)) == 0


def test_clean_record_is_eligible_with_no_notes():
    result = evaluate(CLEAN, AS_OF, DecisionType.PROMOTION)
    assert result.eligible and result.blocks == () and result.notes == ()
    assert result.as_json() == {"cadre": "C0001", "as_of": "2026-11-24", "decision": "promotion",
                                "eligible": True, "blocks": [], "notes": []}


# --- under investigation / pending verification ---------------------------------------------------

@pytest.mark.parametrize("stage, blocked, noted", [
    ("clue", False, True), ("verification", False, True), ("filed", True, False),
    ("investigation", True, False), ("review", True, False), ("decision", True, False),
    ("closed", False, False), ("no_case", False, False),
])
def test_case_stage(stage, blocked, noted):
    facts = replace(CLEAN, cases=(CaseFact("case:7", "JZ-2026-007", stage, date(2026, 6, 1)),))
    result = evaluate(facts, AS_OF, DecisionType.PROMOTION)
    assert (("under_investigation", None) in rules_of(result)) is blocked
    assert any(n.rule == "pending_verification" for n in result.notes) is noted
    if blocked:
        assert result.blocks[0].source == "case:7" and "JZ-2026-007" in result.blocks[0].reason


# --- sanctions
# --------------------------------------------------------------------------------------

def test_measure_in_effect_blocks_until_its_first_free_day():
    result = evaluate(replace(CLEAN, measures=(measure(),)), AS_OF, DecisionType.PROMOTION)
    assert rules_of(result) == [("sanction_effect", date(2027, 9, 1))]
    assert result.as_json()["blocks"][0] == {"rule": "sanction_effect",
                                            "reason": "严重警告 decided 2026-03-01",
                                            "until": "2027-09-01", "source": "measure:1"}


def test_measure_no_longer_blocks_on_its_first_free_day():
    facts = replace(CLEAN, measures=(measure(),))
    assert not evaluate(facts, date(2027, 8, 31), DecisionType.PROMOTION).eligible
    assert evaluate(facts, date(2027, 9, 1), DecisionType.PROMOTION).eligible


def test_measure_decided_after_the_date_asked_about_does_not_count():
    facts = replace(CLEAN, measures=(measure(),))
    assert evaluate(facts, date(2026, 2, 28), DecisionType.PROMOTION).eligible


def test_permanent_measure_blocks_with_no_end():
    facts = replace(CLEAN, measures=(measure("party_expulsion", "开除党籍", until=None),))
    assert rules_of(evaluate(facts, date(2040, 1, 1),
                             DecisionType.PROMOTION)) == [("sanction_effect", None)]


def test_revoked_measure_stops_blocking_from_its_revocation_date():
    facts = replace(CLEAN, measures=(measure(revoked_on=date(2026, 12, 10)),))
    assert evaluate(facts, date(2026, 12, 10), DecisionType.PROMOTION).eligible
    # as of before the revocation it was not known: the block ran to the measure's own end
    assert rules_of(evaluate(facts, AS_OF, DecisionType.PROMOTION)) == [("sanction_effect",
                                                                         date(2027, 9, 1))]


def test_revoking_a_permanent_measure_ends_it():
    facts = replace(CLEAN,
                    measures=(measure("gov_expulsion", "开除", until=None,
                                      revoked_on=date(2026, 10, 1)),))
    assert evaluate(facts, AS_OF, DecisionType.PROMOTION).eligible


def test_exempted_measure_does_not_block_but_is_noted():
    facts = replace(CLEAN, measures=(measure(tolerance="exempt"),))
    result = evaluate(facts, AS_OF, DecisionType.PROMOTION)
    assert result.eligible
    assert [n.rule for n in result.notes] == ["tolerance_exempt"]


def test_mitigated_measure_blocks_with_the_lighter_measure_decided():
    lighter = measure("party_warning", "警告", decided=date(2026, 3, 1), until=date(2027, 3, 1),
                      tolerance="mitigated")
    result = evaluate(replace(CLEAN, measures=(lighter,)), AS_OF, DecisionType.PROMOTION)
    assert rules_of(result) == [("sanction_effect", date(2027, 3, 1))]
    assert "mitigated" in result.blocks[0].reason


def test_not_tolerated_measure_blocks_as_decided():
    facts = replace(CLEAN, measures=(measure(tolerance="not_tolerated"),))
    assert rules_of(evaluate(facts, AS_OF, DecisionType.PROMOTION)) == [("sanction_effect",
                                                                         date(2027, 9, 1))]


def test_several_measures_each_block_and_the_latest_end_lifts_all():
    first = measure("admonishment", "诫勉", decided=date(2026, 9, 1), until=date(2027, 3, 1))
    second = replace(measure(), source="measure:2")
    result = evaluate(replace(CLEAN, measures=(first, second)), AS_OF, DecisionType.PROMOTION)
    assert rules_of(result) == [("sanction_effect", date(2027, 3, 1)),
                                ("sanction_effect", date(2027, 9, 1))]
    assert result.lifts_on == date(2027, 9, 1)


def test_measure_without_period_is_only_a_note_within_a_year():
    talk = measure("talk_reminder", "谈话提醒", decided=date(2026, 2, 1), until=date(2026, 2, 1),
                   has_period=False)
    result = evaluate(replace(CLEAN, measures=(talk,)), AS_OF, DecisionType.PROMOTION)
    assert result.eligible and [n.rule for n in result.notes] == ["recent_accountability"]
    old = replace(talk, decided_on=date(2025, 11, 23))
    assert evaluate(replace(CLEAN, measures=(old,)), AS_OF, DecisionType.PROMOTION).notes == ()


# --- appraisal grades
# ---------------------------------------------------------------------------------

@pytest.mark.parametrize("year, grade, until", [
    (2025, "basically_competent", date(2027, 1, 1)),   # the previous year (2019 条例 art. 24 (三))
    (2025, "incompetent", date(2027, 1, 1)),
    (2025, "basically_qualified", date(2027, 1, 1)),   # public-institution scale
    (2024, "basically_competent",
     None),               # two years back: no longer (2014's "近三年" is gone)
    (2026, "incompetent",
     None),                       # this year's grade is not yet "the previous year's"
    (2025, "competent", None),
    (2025, "not_graded", None),
    (2024, "excellent", None),
])
def test_appraisal_grade_window(year, grade, until):
    facts = replace(CLEAN, grades=(GradeFact(year, grade, f"grade:{year}"),))
    blocks = [f for f in evaluate(facts, AS_OF,
                                  DecisionType.PROMOTION).blocks if f.rule == "appraisal_grade"]
    assert [b.until for b in blocks] == ([until] if until else [])


def test_appraisal_block_lifts_when_the_grade_leaves_the_window():
    facts = replace(CLEAN, grades=(GradeFact(2025, "basically_competent"),))
    assert not evaluate(facts, date(2026, 12, 31), DecisionType.COMMENDATION).eligible
    assert evaluate(facts, date(2027, 1, 1), DecisionType.COMMENDATION).eligible


# --- tenure
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rank, since, until", [
    (Rank.TOWNSHIP_DEPUTY, date(2025, 8, 31), date(2027, 8, 31)),   # deputy → principal: 2 years
    (Rank.TOWNSHIP_DEPUTY, date(2024, 11, 24), None),                # exactly two years: eligible
    (Rank.TOWNSHIP_CHIEF, date(2024, 2, 29),
     date(2027, 2, 28)),     # principal → higher deputy: 3 years
    (Rank.COUNTY_CHIEF, date(2023, 11, 25), date(2026, 11, 25)),
    (Rank.PRINCIPAL_STAFF_2, date(2026, 1, 1), None),                # not a leading post
])
def test_min_tenure_for_promotion(rank, since, until):
    facts = replace(CLEAN, rank=rank, rank_since=since, position_since=since)
    found = [(f.rule, f.until) for f in evaluate(facts, AS_OF, DecisionType.PROMOTION).blocks]
    assert found == ([("min_tenure", until)] if until else [])


def test_rank_promotion_needs_two_years_in_rank():
    facts = replace(CLEAN, rank=Rank.PRINCIPAL_STAFF_3, rank_since=date(2025, 6, 30))
    assert rules_of(evaluate(facts, AS_OF, DecisionType.RANK_PROMOTION)) == [("min_tenure",
                                                                              date(2027, 6, 30))]


def test_a_basically_competent_year_does_not_count_toward_rank_tenure():
    facts = replace(CLEAN, rank=Rank.PRINCIPAL_STAFF_3, rank_since=date(2022, 6, 30),
                    grades=(GradeFact(2022, "basically_competent"),))
    # 24 months + 12 lost = 2025-06-30; the 2022 grade is not the previous year's by 2026.
    assert evaluate(facts, AS_OF, DecisionType.RANK_PROMOTION).eligible
    facts = replace(facts, rank_since=date(2024, 1, 1),
                    grades=(GradeFact(2025, "basically_competent"),))
    found = rules_of(evaluate(facts, AS_OF, DecisionType.RANK_PROMOTION))
    assert ("min_tenure", date(2027, 1, 1)) in found and ("appraisal_grade",
                                                          date(2027, 1, 1)) in found


def test_rank_tenure_table_is_data():
    facts = replace(CLEAN, rank=Rank.PRINCIPAL_STAFF_3, rank_since=date(2024, 6, 30))
    rules = EligibilityRules(rank_tenure_months={"principal_staff_3": 36})
    assert rules_of(evaluate(facts, AS_OF, DecisionType.RANK_PROMOTION, rules)) == [("min_tenure",
                                                                                     date(2027, 6,
                                                                                          30))]
    assert evaluate(facts, AS_OF, DecisionType.RANK_PROMOTION).eligible


def test_missing_rank_date_is_a_block_that_someone_must_fix():
    facts = replace(CLEAN, rank_since=None, position_since=None)
    assert rules_of(evaluate(facts, AS_OF, DecisionType.PROMOTION)) == [("min_tenure", None)]


# --- unit results
# -------------------------------------------------------------------------------------

def _unit(**kw):
    return UnitResultFact(source="result:2026Q3:S1", period_code="2026Q3", unit_name="桃桥街道",
                          grade=kw.pop("grade", "poor"), **kw)


def test_unit_veto_blocks_the_units_leading_cadres_only():
    leader = replace(CLEAN, unit_result=_unit(vetoed=True))
    assert rules_of(evaluate(leader, AS_OF, DecisionType.PROMOTION)) == [("unit_veto", None)]
    staff = replace(leader, leader_role=LeaderRole.MEMBER)
    assert evaluate(staff, AS_OF, DecisionType.PROMOTION).eligible


def test_unit_veto_can_be_configured_as_a_note():
    leader = replace(CLEAN, unit_result=_unit(vetoed=True))
    result = evaluate(leader, AS_OF, DecisionType.PROMOTION,
                      EligibilityRules(unit_veto_blocks=False))
    assert result.eligible and [n.rule for n in result.notes] == ["unit_veto"]


def test_bottom_band_unit_is_a_note_for_its_leaders():
    result = evaluate(replace(CLEAN, unit_result=_unit(bottom_band=True)), AS_OF,
                      DecisionType.PROMOTION)
    assert result.eligible and [n.rule for n in result.notes] == ["unit_bottom_band"]


# --- training
# -------------------------------------------------------------------------------------------

def test_training_behind_is_a_note_with_the_numbers():
    facts = replace(CLEAN, training=TrainingFact(2026, 42, 90, 300, 550))
    result = evaluate(facts, AS_OF, DecisionType.PROMOTION)
    assert result.eligible
    assert [n.as_json(with_until=False) for n in result.notes] == [
        {"rule": "training_hours", "reason": "42 of 90 hours this year"},
        {"rule": "five_year_training", "reason": "300 of 550 hours in five years"},
    ]


def test_training_behind_the_pace_is_judged_by_the_plan_when_it_says():
    on_pace = TrainingFact(2026, 60, 90, behind=False)
    assert evaluate(replace(CLEAN, training=on_pace), AS_OF, DecisionType.PROMOTION).notes == ()
    late = TrainingFact(2026, 60, 90, behind=True)
    assert [n.rule for n in evaluate(replace(CLEAN, training=late), AS_OF,
                                     DecisionType.PROMOTION).notes] == ["training_hours"]


def test_training_on_track_gives_no_note():
    assert evaluate(replace(CLEAN, training=TrainingFact(2026, 95, 90)), AS_OF,
                    DecisionType.PROMOTION).notes == ()


# --- decisions
# ----------------------------------------------------------------------------------------

def test_which_rules_apply_to_which_decision():
    facts = replace(CLEAN, rank_since=date(2026, 1, 1), unit_result=_unit(vetoed=True),
                    measures=(measure(),))
    promotion = {f.rule for f in evaluate(facts, AS_OF, DecisionType.PROMOTION).blocks}
    commendation = {f.rule for f in evaluate(facts, AS_OF, DecisionType.COMMENDATION).blocks}
    rank = {f.rule for f in evaluate(facts, AS_OF, DecisionType.RANK_PROMOTION).blocks}
    assert promotion == {"sanction_effect", "min_tenure", "unit_veto"}
    assert commendation == {"sanction_effect"}
    assert rank == {"sanction_effect", "min_tenure"}
    talk = evaluate(facts, AS_OF, DecisionType.ADMONISHMENT_TALK)
    assert talk.eligible and talk.notes == ()


def test_eligible_is_false_exactly_when_there_are_blocks():
    for facts in (CLEAN, replace(CLEAN, measures=(measure(),))):
        data = evaluate(facts, AS_OF, DecisionType.PROMOTION).as_json()
        assert data["eligible"] is (data["blocks"] == [])
