"""Training and appraisal rules with hand-computed examples (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from cadres import rules
from cadres.enums import AppraisalGrade, ClaimStatus, TrainingCategory, TrainingMode
from cadres.rules import (
    DEFAULT_STANDARDS,
    HoursTally,
    PlanTargets,
    RecordLine,
    Standard,
    counted_hours,
    progress,
    resolve_standard,
)
from cadres.settings import DAY_HOURS, DEFAULTS
from portal.enums import CadreCategory, Rank

T, P, PRO, K = (TrainingCategory.THEORY, TrainingCategory.PARTY_SPIRIT,
                TrainingCategory.PROFESSIONAL, TrainingCategory.KNOWLEDGE)
ON, OFF = TrainingMode.ONLINE, TrainingMode.OFFLINE
GENERAL = {T: 20, P: 20, PRO: 30, K: 10}


def line(title, category, mode, hours, day=date(2026, 3, 1)):
    return RecordLine(title, category, mode, hours, day)


def targets(annual=90, online=50, cap=0.5, categories=None, five=None, year=2026):
    return PlanTargets(year=year, annual_hours=annual, online_hours=online, online_share_cap=cap,
                       category_hours=GENERAL if categories is None else categories,
                       five_year_hours=five, deadline=date(year, 12, 31))


# --- standards -------------------------------------------------------------------------------

def test_county_level_leading_cadre_gets_the_five_year_standard():
    standard = resolve_standard(DEFAULT_STANDARDS, CadreCategory.LEADING, Rank.COUNTY_DEPUTY)
    assert standard.code == "leading_county"
    assert standard.five_year_hours == 550 and standard.annual_hours == 110


# 干部教育培训工作条例 (2023) art. 14: 550 hours in five years for leading cadres at county/division
# level and above *and* civil servants ranked 四级调研员 and above; 90 a year for township/section
# level and 一级主任科员 and below.
@pytest.mark.parametrize("category, rank, code, five_year", [
    (CadreCategory.LEADING, Rank.COUNTY_DEPUTY, "leading_county", 550),
    (CadreCategory.LEADING, Rank.BUREAU_CHIEF, "leading_county", 550),
    (CadreCategory.CIVIL_SERVANT, Rank.RESEARCHER_4, "civil_servant_researcher",
     550),   # not only leading
    (CadreCategory.CIVIL_SERVANT, Rank.RESEARCHER_1, "civil_servant_researcher", 550),
    (CadreCategory.CIVIL_SERVANT, Rank.INSPECTOR_2, "civil_servant_researcher", 550),
    (CadreCategory.CIVIL_SERVANT, Rank.PRINCIPAL_STAFF_1, "general",
     None),              # 一级主任科员
    (CadreCategory.CIVIL_SERVANT, Rank.STAFF_2, "general", None),
    (CadreCategory.LEADING, Rank.TOWNSHIP_CHIEF, "general", None),
    (CadreCategory.INSTITUTION, Rank.RESEARCHER_4, "general",
     None),                     # not a civil servant
    (CadreCategory.COMMUNITY, None, "general", None),
])
def test_the_standard_follows_article_14(category, rank, code, five_year):
    standard = resolve_standard(DEFAULT_STANDARDS, category, rank)
    assert (standard.code, standard.five_year_hours) == (code, five_year)
    assert standard.annual_hours == (110 if five_year else 90)


def test_online_hours_and_day_hours_are_labelled_local_practice():
    for standard in DEFAULT_STANDARDS:
        assert (
            "Local practice, not in the 条例: online learning (网络培训) at least 50 hours"
            in standard.source
        )
    assert DEFAULTS[DAY_HOURS].source.startswith("local practice, not in the 干部教育培训工作条例")


def test_a_standard_for_a_named_category_beats_the_catch_all():
    community = Standard("community", "Community workers", CadreCategory.COMMUNITY, 0, 60, 30, None,
                         {T: 10}, None, "local practice")
    chosen = resolve_standard([*DEFAULT_STANDARDS, community], CadreCategory.COMMUNITY, None)
    assert chosen.code == "community"
    assert resolve_standard([community], CadreCategory.VILLAGE, None) is None


def test_every_default_standard_names_its_regulation():
    for standard in DEFAULT_STANDARDS:
        assert "干部教育培训工作条例" in standard.source


def test_twelve_days_are_ninety_six_class_hours():
    assert rules.hours_from_days(12) == 96
    assert rules.hours_from_days(3, day_hours=6) == 18


@pytest.mark.parametrize(("year", "window"), [(2023, (2023, 2027)), (2026, (2023, 2027)),
                                              (2028, (2028, 2032)), (2022, (2018, 2022))])
def test_five_year_cycles_run_from_2023(year, window):
    assert rules.five_year_window(year, 2023) == window


# --- counting --------------------------------------------------------------------------------

def test_online_hours_count_up_to_half_the_annual_requirement():
    tally = HoursTally.of([line("a", T, OFF, 30), line("b", PRO, ON, 80)])
    # 30 offline + min(80 online, 0.5 × 90 = 45) = 75
    assert counted_hours(tally, 90, 0.5) == 75
    assert counted_hours(tally, 90, None) == 110


def test_a_course_counts_once_even_when_recorded_twice():
    tally = HoursTally.of([line("《党章》专题学习", P, OFF, 8), line("党章 专题学习", P, OFF, 8),
                           line("党章专题学习", P, OFF, 8, date(2025, 3, 1))])
    # the first two are the same course in 2026; the 2025 one is another year's course
    assert tally.total == 16
    assert (
        rules.course_key("《党章》专题学习") == rules.course_key("党章 专题学习") == "党章专题学习"
    )
    assert rules.course_key("Rule OF Law") == rules.course_key("rule of law")


def test_tally_splits_hours_by_category_and_mode():
    tally = HoursTally.of([line("a", T, OFF, 16), line("b", P, OFF, 8), line("c", PRO, ON, 20),
                           line("d", K, ON, 6)])
    assert (tally.offline, tally.online, tally.total) == (24, 26, 50)
    assert [tally.category(c) for c in (T, P, PRO, K)] == [16, 8, 20, 6]


# --- progress --------------------------------------------------------------------------------

MIDYEAR = date(2026, 7, 1)  # day 182 of 365


def test_progress_mid_year_on_pace_with_every_gap():
    tally = HoursTally.of([line("a", T, OFF, 16), line("b", P, OFF, 8), line("c", PRO, ON, 20),
                           line("d", K, ON, 6)])
    result = progress(targets(), tally, MIDYEAR)
    assert result.hours_counted == 50  # 24 offline + 26 online (cap 45 not reached)
    assert result.expected_by_now == pytest.approx(90 * 182 / 365)  # 44.88
    assert not result.behind
    missing = {g.requirement: g.missing for g in result.gaps}
    assert missing == {"annual": 40, "online": 24, "theory": 4, "party_spirit": 12,
                       "professional": 10, "knowledge": 4}
    assert not result.complete
    # pace 50 h in 182 days: 90 h after ceil(327.6) = 328 days → 24 November
    assert result.projected_completion == date(2026, 11, 24)
    assert result.projected_year_end == pytest.approx(50 / 182 * 365)


def test_progress_below_the_even_pace_is_behind():
    tally = HoursTally.of([line("a", T, OFF, 40)])
    result = progress(targets(), tally, MIDYEAR)
    assert result.behind  # 40 < 44.88
    assert result.missing_hours == 50
    assert result.completion_rate == pytest.approx(40 / 90)


def test_online_hours_beyond_the_share_do_not_fill_the_annual_gap():
    tally = HoursTally.of([line("a", T, OFF, 30), line("b", PRO, ON, 80)])
    result = progress(targets(categories={}), tally, date(2026, 12, 31))
    assert result.hours_total == 110
    assert result.hours_counted == 75
    assert result.gap("annual").missing == 15
    assert result.gap("online").met
    assert result.behind  # the year is over and 15 hours are missing


def test_a_plan_with_every_requirement_met_is_complete():
    tally = HoursTally.of([line("a", T, OFF, 20), line("b", P, OFF, 20), line("c", PRO, OFF, 30),
                           line("d", K, ON, 10), line("e", PRO, ON, 45)])
    result = progress(targets(), tally, date(2026, 10, 1))
    assert result.hours_counted == 115  # 70 offline + min(55, 45)
    assert result.complete and not result.behind
    assert result.projected_completion is None
    assert result.completion_rate == 1


def test_after_the_deadline_an_unmet_category_is_behind_even_with_enough_hours():
    tally = HoursTally.of([line("a", PRO, OFF, 80), line("b", PRO, ON, 50)])
    result = progress(targets(), tally, date(2027, 1, 10))
    assert result.gap("annual").met and result.gap("online").met
    assert result.gap("theory").missing == 20
    assert result.behind


def test_before_the_year_begins_nobody_is_behind():
    result = progress(targets(), HoursTally(), date(2025, 12, 1))
    assert result.expected_by_now == 0 and not result.behind
    assert result.projected_completion is None


def test_five_year_progress_counts_the_years_of_the_cycle_only():
    earlier = {2022: HoursTally.of([line("old", T, OFF, 200, date(2022, 5, 1))]),
               2023: HoursTally.of([line("a", T, OFF, 100, date(2023, 5, 1))]),
               2024: HoursTally.of([line("b", T, OFF, 120, date(2024, 5, 1))]),
               2025: HoursTally.of([line("c", T, OFF, 90, date(2025, 5, 1))])}
    tally = HoursTally.of([line("d", T, OFF, 60)])
    result = progress(targets(annual=110, five=550), tally, MIDYEAR, earlier_years=earlier)
    assert result.five_year_window == (2023, 2027)
    assert result.five_year_hours == 370  # 100 + 120 + 90 + 60; 2022 is another cycle
    # 1,278 of the cycle's 1,826 days have passed: 550 × 1278 / 1826 = 384.94
    assert result.five_year_expected_by_now == pytest.approx(550 * 1278 / 1826)
    assert result.five_year_behind
    assert result.gap("five_year").missing == 180
    assert "five_year" not in [g.requirement for g in progress(targets(), tally, MIDYEAR).gaps]


def test_five_year_hours_use_the_online_share_each_year():
    earlier = {2025: HoursTally.of([line("a", T, ON, 100, date(2025, 5, 1))])}
    result = progress(targets(annual=110, five=550), HoursTally(), MIDYEAR, earlier_years=earlier)
    assert result.five_year_hours == 55  # 100 online, at most 0.5 × 110 count


def test_elapsed_share_in_a_leap_year():
    assert rules.elapsed_share(date(2024, 1, 1), date(2024, 12, 31), date(2024, 3, 1)) == 61 / 366
    assert rules.elapsed_share(date(2024, 1, 1), date(2024, 12, 31), date(2025, 1, 1)) == 1


# --- claims ----------------------------------------------------------------------------------

def test_a_pending_claim_is_approved_rejected_or_withdrawn_and_then_final():
    assert rules.next_claim_status(ClaimStatus.PENDING, "approve") == ClaimStatus.APPROVED
    assert rules.next_claim_status(ClaimStatus.PENDING, "reject") == ClaimStatus.REJECTED
    with pytest.raises(ValueError):
        rules.next_claim_status(ClaimStatus.APPROVED, "reject")
    with pytest.raises(ValueError):
        rules.next_claim_status(ClaimStatus.REJECTED, "approve")


# --- grades ----------------------------------------------------------------------------------

E, C = AppraisalGrade.EXCELLENT, AppraisalGrade.COMPETENT


def test_three_excellent_of_ten_breaks_the_twenty_percent_quota():
    grades = [(1, 2025, E)] * 3 + [(1, 2025, C)] * 7 + [(2, 2025, E)] + [(2, 2025, C)] * 4
    checks = rules.check_excellent_quota(grades, {}, 0.20)
    first, second = checks
    assert (first.assessed, first.excellent, first.allowed, first.over) == (10, 3, 2, True)
    assert (second.assessed, second.excellent, second.allowed, second.over) == (5, 1, 1, False)


def test_quota_checks_from_counts_made_in_the_database_equal_those_from_each_grade():
    grades = [(2, 2025, E)] + [(2, 2025, C)] * 4 + [(1, 2025, E)] * 3 + [(1, 2025, C)] * 7
    counted = [(2, 2025, 5, 1), (1, 2025, 10, 3)]
    assert rules.quota_checks_of_counts(counted, {2: 0.15},
                                        0.20) == rules.check_excellent_quota(grades, {2: 0.15},
                                                                             0.20)


def test_a_unit_with_a_fifteen_percent_quota():
    grades = [(7, 2025, E)] * 3 + [(7, 2025, C)] * 17
    (check,) = rules.check_excellent_quota(grades, {7: 0.15}, 0.20)
    assert check.allowed == 3 and not check.over  # 20 × 15% = 3
    assert rules.excellent_allowed(4, 0.20) == 0
    assert rules.excellent_allowed(15, 0.20) == 3  # 3.0000000000000004 is still 3


def test_a_past_years_five_year_progress_is_judged_at_that_years_end():
    earlier = {2023: HoursTally.of([line("a", T, OFF, 111, date(2023, 5, 1))])}
    tally = HoursTally.of([line("b", T, OFF, 110, date(2024, 5, 1))])
    # looking back at 2024 from mid-2026: 731 of 1,826 days → 550 × 731 / 1826 = 220.2
    result = progress(targets(annual=110, five=550, year=2024), tally, MIDYEAR,
                      earlier_years=earlier)
    assert result.five_year_expected_by_now == pytest.approx(550 * 731 / 1826)
    assert result.five_year_hours == 221
    assert not result.five_year_behind  # 221 ≥ 220.2; judged in mid-2026 it would be behind
