"""The negative list and the grade rules against the regulations' own examples (issue 12;
domain.md §3, §4, §7), as pure rules: facts in, verdict out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cadres.enums import AppraisalGrade
from cadres.rules import grades as grade_rules
from cadres.rules.eligibility import (
    DEFAULT_RANK_TENURE_MONTHS,
    CadreFacts,
    DecisionType,
    EligibilityRules,
    GradeFact,
    MeasureFact,
    evaluate,
)
from cadres.settings import DEFAULTS, eligibility_rules
from portal.enums import RANK_GRADE, CadreCategory, LeaderRole, Rank

CADRE = CadreFacts(code="C0001", rank=Rank.TOWNSHIP_DEPUTY, rank_since=date(2020, 3, 1),
                   position_since=date(2020, 3, 1), leader_role=LeaderRole.MEMBER)


def blocks(facts, as_of, decision=DecisionType.PROMOTION, rules=None):
    return [(f.rule, f.until) for f in evaluate(facts, as_of, decision, rules).blocks]


# --- 1. the previous year's grade only (干部选拔任用工作条例 2019 art. 24 (三)) ---------------------------  # noqa: E501


@pytest.mark.parametrize("grades, as_of, expected", [
    # the cadre: 基本称职 in 2024, 称职 in 2025 — eligible in 2026 (not blocked until 2028)
    ({2024: "basically_competent", 2025: "competent"}, date(2026, 3, 1), []),
    # … and in 2025 the previous year is 2024: blocked until the year turns
    ({2024: "basically_competent", 2025: "competent"}, date(2025, 6, 1),
     [("appraisal_grade", date(2026, 1, 1))]),
    ({2025: "incompetent"}, date(2026, 12, 31), [("appraisal_grade", date(2027, 1, 1))]),
    ({2025: "incompetent"}, date(2027, 1, 1), []),
    ({2023: "incompetent", 2024: "incompetent"}, date(2026, 1, 2),
     []),   # 2014's "近三年" no longer applies
    ({2025: "unqualified"}, date(2026, 5, 1),
     [("appraisal_grade", date(2027, 1, 1))]),  # institution scale
    ({2025: "not_graded"}, date(2026, 5, 1),
     []),                         # no grade is not a low grade
])
def test_only_the_previous_years_grade_blocks(grades, as_of, expected):
    facts = replace(CADRE,
                    grades=tuple(GradeFact(y, g, f"grade:C0001:{y}") for y, g in grades.items()))
    for decision in (DecisionType.PROMOTION, DecisionType.COMMENDATION):
        assert [b for b in blocks(facts, as_of, decision) if b[0] == "appraisal_grade"] == expected


def test_the_window_is_a_setting_defaulting_to_one_year():
    assert DEFAULTS["cadres.eligibility.grade_window_years"].value == 1
    facts = replace(CADRE, grades=(GradeFact(2024, "basically_competent"),))
    three = EligibilityRules(grade_window_years=3)
    assert blocks(facts, date(2026, 3, 1), rules=three) == [("appraisal_grade", date(2028, 1, 1))]


# --- 2. rank tenure per rank (公务员职务与职级并行规定 2019 art. 18) ------------------------------------------  # noqa: E501


@pytest.mark.parametrize("rank, since, as_of, until", [
    # the 二级调研员 of 2 years 8 months needs 3 years
    (Rank.RESEARCHER_2, date(2023, 7, 1), date(2026, 3, 1), date(2026, 7, 1)),
    (Rank.COUNTY_CHIEF, date(2023, 7, 1), date(2026, 3, 1),
     date(2026, 7, 1)),    # 县处级正职 counts as 二级调研员
    (Rank.RESEARCHER_1, date(2023, 1, 1), date(2026, 3, 1),
     date(2027, 1, 1)),     # → 二级巡视员: 4 years
    (Rank.INSPECTOR_2, date(2022, 6, 1), date(2026, 3, 1),
     date(2026, 6, 1)),      # → 一级巡视员: 4 years
    (Rank.BUREAU_DEPUTY, date(2022, 6, 1), date(2026, 3, 1),
     date(2026, 6, 1)),    # 厅局级副职 counts as 二级巡视员
    (Rank.RESEARCHER_3, date(2024, 3, 1), date(2026, 3, 1),
     None),                 # 2 years elsewhere
    (Rank.COUNTY_DEPUTY, date(2024, 4, 1), date(2026, 3, 1), date(2026, 4, 1)),
    (Rank.PRINCIPAL_STAFF_1, date(2024, 3, 1), date(2026, 3, 1), None),
    (Rank.STAFF_2, date(2025, 3, 1), date(2026, 3, 1), date(2027, 3, 1)),
])
def test_rank_tenure_follows_the_table_of_article_18(rank, since, as_of, until):
    facts = replace(CADRE, rank=rank, rank_since=since)
    assert blocks(facts, as_of,
                  DecisionType.RANK_PROMOTION) == ([("min_tenure", until)] if until else [])


@pytest.mark.parametrize("grade, lost", [
    ("basically_competent", 1), ("incompetent", 1), ("basically_qualified", 1), ("not_graded", 1),
    ("competent", 0), ("excellent", 0), ("qualified", 0),
])
def test_a_year_graded_low_or_left_without_a_grade_does_not_count(grade, lost):
    facts = replace(CADRE, rank=Rank.PRINCIPAL_STAFF_3, rank_since=date(2023, 3, 1),
                    grades=(GradeFact(2023, grade),))
    until = date(2025 + lost, 3, 1)
    result = blocks(facts, date(2025, 6, 1), DecisionType.RANK_PROMOTION)
    assert result == ([("min_tenure", until)] if until > date(2025, 6, 1) else [])


def test_the_rank_table_is_a_settings_row_with_its_source():
    default = DEFAULTS["cadres.eligibility.rank_tenure_by_rank"]
    assert default.value == DEFAULT_RANK_TENURE_MONTHS == {
        "inspector_2": 48, "bureau_deputy": 48, "researcher_1": 48, "researcher_2": 36,
                                                           "county_chief": 36}
    assert "art. 18" in default.source
    assert EligibilityRules().rank_tenure_months == DEFAULT_RANK_TENURE_MONTHS


def test_the_ladder_has_both_inspector_ranks_at_bureau_level():
    assert (
        Rank.parse("一级巡视员") == Rank.INSPECTOR_1
        and Rank.parse("二级巡视员") == Rank.INSPECTOR_2
    )
    assert RANK_GRADE[Rank.INSPECTOR_2] == RANK_GRADE[Rank.BUREAU_DEPUTY]
    assert RANK_GRADE[Rank.INSPECTOR_1] == RANK_GRADE[Rank.BUREAU_CHIEF]
    assert (
        RANK_GRADE[Rank.RESEARCHER_1] < RANK_GRADE[Rank.INSPECTOR_2] < RANK_GRADE[Rank.INSPECTOR_1]
    )


# --- 6. as of a date means as known then (domain.md §3)
# ----------------------------------------------------

SERIOUS_WARNING = MeasureFact(source="measure:1", code="party_serious_warning", label="严重警告",
                              decided_on=date(2026, 1, 1), effect_until=date(2027, 7, 1),
                              revoked_on=date(2026, 5, 1))


@pytest.mark.parametrize("as_of, expected", [
    (date(2026, 3, 1),
     [("sanction_effect", date(2027, 7, 1))]),   # the revocation had not happened yet
    (date(2026, 4, 30), [("sanction_effect", date(2027, 7, 1))]),
    (date(2026, 5, 1), []),                                        # revoked: no longer blocks
    (date(2025, 12, 31), []),                                      # not yet decided
])
def test_a_revocation_counts_only_from_the_day_it_was_decided(as_of, expected):
    assert blocks(replace(CADRE, measures=(SERIOUS_WARNING,)), as_of) == expected


def test_a_change_counts_only_from_the_day_it_was_made():
    original = replace(SERIOUS_WARNING, revoked_on=None, changed_on=date(2026, 5, 1))
    lighter = MeasureFact(source="measure:2", code="party_warning", label="警告",
                          decided_on=date(2026, 1, 1),
                          effect_until=date(2027, 1, 1), known_from=date(2026, 5, 1))
    facts = replace(CADRE, measures=(original, lighter))
    assert blocks(facts, date(2026, 3, 1)) == [("sanction_effect", date(2027, 7, 1))]
    assert [f.source for f in evaluate(facts, date(2026, 3, 1),
                                       DecisionType.PROMOTION).blocks] == ["measure:1"]
    assert blocks(facts, date(2026, 6, 1)) == [("sanction_effect", date(2027, 1, 1))]


@pytest.mark.parametrize("as_of, expected", [
    (date(2026, 3, 1),
     [("sanction_effect", date(2027, 7, 1))]),   # the committee had not yet exempted it
    (date(2026, 6, 1), []),
])
def test_an_exemption_counts_only_from_the_committees_decision(as_of, expected):
    exempted = replace(SERIOUS_WARNING, revoked_on=None, tolerance="exempt",
                       tolerance_on=date(2026, 4, 15))
    result = evaluate(replace(CADRE, measures=(exempted,)), as_of, DecisionType.PROMOTION)
    assert [(f.rule, f.until) for f in result.blocks] == expected
    assert [n.rule for n in result.notes] == ([] if expected else ["tolerance_exempt"])


# --- 8. 诫勉 rules out commendation for the calendar year (诫勉规定 2019)
# -------------------------------------

ADMONISHMENT = MeasureFact(source="measure:3", code="admonishment", label="诫勉",
                           decided_on=date(2026, 2, 10),
                           effect_until=date(2026, 8, 10))


@pytest.mark.parametrize("decision, as_of, expected", [
    (DecisionType.PROMOTION, date(2026, 5, 1), [("sanction_effect", date(2026, 8, 10))]),
    (DecisionType.PROMOTION, date(2026, 9, 1), []),
    (DecisionType.COMMENDATION, date(2026, 5, 1), [("sanction_effect", date(2027, 1, 1))]),
    (DecisionType.COMMENDATION, date(2026, 12, 31), [("sanction_effect", date(2027, 1, 1))]),
    (DecisionType.COMMENDATION, date(2027, 1, 1), []),
])
def test_an_admonishment_rules_out_commendation_for_its_calendar_year(decision, as_of, expected):
    assert blocks(replace(CADRE, measures=(ADMONISHMENT,)), as_of, decision) == expected


def test_the_calendar_year_rule_is_a_setting():
    assert DEFAULTS["cadres.eligibility.no_commendation_in_year"].value == ["admonishment"]
    none = EligibilityRules(no_commendation_in_year=frozenset())
    assert blocks(replace(CADRE, measures=(ADMONISHMENT,)), date(2026, 9, 1),
                  DecisionType.COMMENDATION,
                  none) == []


def test_every_eligibility_setting_names_its_source():
    for key, default in DEFAULTS.items():
        assert default.source and default.label, key
    assert callable(eligibility_rules)


# --- 5. sanctions and the annual grade (domain.md §7)
# ------------------------------------------------------

def gm(code, decided=date(2026, 3, 1), **extra):
    return grade_rules.GradeMeasure(code, code, decided, "measure:9", **extra)


ANY = {"excellent", "competent", "basically_competent", "incompetent", "not_graded"}
NOT_EXCELLENT = ANY - {"excellent"}
NO_GRADE = {"not_graded"}
INCOMPETENT = {"incompetent"}


@pytest.mark.parametrize("code, probation, year, allowed", [
    ("party_warning", None, 2026, NOT_EXCELLENT),             # no 优秀 that year
    ("gov_warning", None, 2026, NOT_EXCELLENT),
    ("transfer", None, 2026, NOT_EXCELLENT),                  # organizational adjustment
    ("party_warning", None, 2027, ANY),          # the next year is free
    ("party_serious_warning", None, 2026, NO_GRADE),              # no grade that year
    ("gov_demerit", None, 2026, NO_GRADE),
    ("party_serious_warning", None, 2027, ANY),
    ("gov_major_demerit", None, 2026, NO_GRADE),                  # that year and the next
    ("gov_major_demerit", None, 2027, NO_GRADE),
    ("gov_major_demerit", None, 2028, ANY),
    ("gov_downgrade", None, 2027, NO_GRADE),
    ("gov_dismissal_post", None, 2027, NO_GRADE),
    ("party_post_removal", None, 2026, INCOMPETENT),                 # 不称职 that year
    ("party_post_removal", None, 2027, ANY),
    ("party_probation", 2, 2026,
     INCOMPETENT),                       # 不称职, then no grade in the probation years
    ("party_probation", 2, 2028, NO_GRADE),
    ("party_probation", 1, 2028, ANY),
    ("party_expulsion", None, 2026, INCOMPETENT),                    # 不称职, no grade the next two
    ("party_expulsion", None, 2028, NO_GRADE),
    ("ordered_resignation", None, 2026, NO_GRADE),
    ("removal", None, 2026, NO_GRADE),
    ("demotion", None, 2026, NO_GRADE),
    ("admonishment", None, 2026, ANY),           # not in domain.md §7's list
    ("talk_reminder", None, 2026, ANY),
])
def test_what_each_measure_allows_in_the_grade(code, probation, year, allowed):
    limit = grade_rules.grade_limit(year, [gm(code, probation_years=probation)])
    scale = grade_rules.grade_scale(CadreCategory.CIVIL_SERVANT)
    assert {g.value for g in (scale if limit is None else limit.allowed(scale))} == allowed


def test_the_heaviest_limit_wins_and_names_its_measure():
    limit = grade_rules.grade_limit(2026, [gm("party_warning"), gm("gov_demerit", date(2026, 6, 1)),
                                           gm("party_warning", date(2026, 9, 1))])
    assert (limit.cap, limit.cause, limit.decided_on) == ("not_graded", "gov_demerit",
                                                          date(2026, 6, 1))


@pytest.mark.parametrize("extra",
                         [{"revoked_on": date(2026, 5, 1)}, {"changed_on": date(2026, 5, 1)},
                                   {"tolerance": "exempt"}])
def test_a_revoked_changed_or_exempted_measure_limits_nothing(extra):
    assert grade_rules.grade_limit(2026, [gm("party_serious_warning", **extra)]) is None


def test_an_open_filed_case_leaves_the_year_without_a_grade():
    case = grade_rules.GradeCase("JZ-2026-007", date(2026, 4, 1), "case:7")
    everything = tuple(AppraisalGrade)
    assert grade_rules.grade_limit(2026, [],
                                   [case]).allowed(everything) == (AppraisalGrade.NOT_GRADED,)
    assert grade_rules.grade_limit(2025, [], [case]) is None   # filed after that year


def test_the_grade_limits_are_a_settings_row():
    assert DEFAULTS["cadres.grade_limits"].value == grade_rules.DEFAULT_GRADE_LIMITS
    lenient = {"party_serious_warning": {"year": "no_excellent", "next_years": 0}}
    assert grade_rules.grade_limit(2026, [gm("party_serious_warning")],
                                   table=lenient).cap == "no_excellent"


@pytest.mark.parametrize("category, scale", [
    (CadreCategory.CIVIL_SERVANT,
     ("excellent", "competent", "basically_competent", "incompetent", "not_graded")),
    (CadreCategory.LEADING,
     ("excellent", "competent", "basically_competent", "incompetent", "not_graded")),
    (CadreCategory.INSTITUTION,
     ("excellent", "qualified", "basically_qualified", "unqualified", "not_graded")),
])
def test_public_institution_staff_have_their_own_scale(category, scale):
    assert tuple(g.value for g in grade_rules.grade_scale(category)) == scale
