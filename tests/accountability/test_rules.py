"""The pure rules, with dates computed by hand: effect periods of every measure
(domain.md §3), the case workflow and its time limits (§8), error tolerance (§5)."""

from __future__ import annotations

from datetime import date

import pytest

from accountability import rules
from accountability.enums import BlockKind, CaseStage, Form, MeasureType, ToleranceOutcome

D = date(2026, 3, 15)
NONE, PROMOTION, POST, LEADING, ALL = ("none", "promotion", "equal_or_higher_post",
                                       "no_leading_post", "all")

# (measure, decided on, probation years, first free day, what it blocks, form)
EFFECT_TABLE = [
    ("talk_reminder", D, None, D, NONE, 1),
    ("criticism", D, None, D, NONE, 1),
    ("letter_inquiry", D, None, D, NONE, 1),
    ("self_examination", D, None, D, NONE, 1),
    ("admonishment", D, None, date(2026, 9, 15), PROMOTION, 1),
    ("circular", D, None, D, NONE, 1),
    ("party_warning", D, None, date(2027, 3, 15), PROMOTION, 2),
    ("party_serious_warning", D, None, date(2027, 9, 15), PROMOTION, 2),
    ("gov_warning", D, None, date(2026, 9, 15), PROMOTION, 2),
    ("gov_demerit", D, None, date(2027, 3, 15), PROMOTION, 2),
    ("gov_major_demerit", D, None, date(2027, 9, 15), PROMOTION, 2),
    ("transfer", D, None, date(2027, 3, 15), PROMOTION, 2),
    ("ordered_resignation", D, None, date(2028, 3, 15), LEADING, 2),
    ("removal", D, None, date(2028, 3, 15), LEADING, 2),
    ("party_post_removal", D, None, date(2028, 3, 15), POST, 3),
    ("party_probation", D, 1, date(2029, 3, 15), PROMOTION, 3),
    ("party_probation", D, 2, date(2030, 3, 15), PROMOTION, 3),
    ("party_expulsion", D, None, None, ALL, 3),
    ("gov_downgrade", D, None, date(2028, 3, 15), PROMOTION, 3),
    ("gov_dismissal_post", D, None, date(2028, 3, 15), PROMOTION, 3),
    ("gov_expulsion", D, None, None, ALL, 3),
    ("demotion", D, None, date(2028, 3, 15), PROMOTION, 3),
    ("judicial_transfer", D, None, None, ALL, 4),
    ("org_inspection", D, None, D, NONE, 1),
    ("org_circular", D, None, D, NONE, 1),
    ("org_reorganization", D, None, D, NONE, 2),
    # a day missing from the target month falls back to its last day
    ("admonishment", date(2026, 8, 31), None, date(2027, 2, 28), PROMOTION, 1),
    ("gov_warning", date(2027, 8, 31), None, date(2028, 2, 29), PROMOTION, 2),
    ("party_serious_warning", date(2027, 8, 31), None, date(2029, 2, 28), PROMOTION, 2),
    ("party_warning", date(2028, 2, 29), None, date(2029, 2, 28), PROMOTION, 2),
]
# (measure, decided on, revoked on, tolerance outcome, first free day, what it blocks)
STOPPED_TABLE = [
    ("party_serious_warning", D, date(2026, 6, 1), None, date(2026, 6, 1),
     PROMOTION),  # revoked on appeal
    ("party_expulsion", D, date(2027, 1, 10), None, date(2027, 1, 10),
     ALL),  # a permanent one revoked
    ("admonishment", D, date(2027, 1, 1), None, date(2026, 9, 15),
     PROMOTION),  # revoked after it ended
    ("gov_demerit", D, None, "exempt", D, NONE),  # exempted (容错 免责): never blocks
    ("party_probation", D, None, "exempt", D, NONE),
    ("party_warning", D, None, "mitigated", date(2027, 3, 15),
     PROMOTION),  # the lighter measure recorded
    ("party_warning", D, None, "not_tolerated", date(2027, 3, 15), PROMOTION),
]


@pytest.mark.parametrize(("code", "decided", "years", "until", "blocks", "form"), EFFECT_TABLE,
                         ids=[f"{row[0]}-{row[1]}-{row[2]}" for row in EFFECT_TABLE])
def test_effect_period_matches_the_hand_computed_table(code, decided, years, until, blocks, form):
    effect = rules.effect_of(code, decided, probation_years=years)
    assert effect.until == until
    assert effect.blocks == blocks
    assert effect.form == Form(str(form))


@pytest.mark.parametrize(("code", "decided", "revoked", "outcome", "until", "blocks"),
                         STOPPED_TABLE,
                         ids=[f"{row[0]}-{row[2]}-{row[3]}" for row in STOPPED_TABLE])
def test_revoked_and_tolerated_measures_match_the_hand_computed_table(code, decided, revoked,
                                                                      outcome, until,
                                                                      blocks):
    effect = rules.effect_of(code, decided, probation_years=1, revoked_on=revoked,
                             tolerance_outcome=outcome) \
        if code == "party_probation" else rules.effect_of(code, decided, revoked_on=revoked,
                                                          tolerance_outcome=outcome)
    assert effect.until == until
    assert effect.blocks == blocks


def test_the_table_covers_every_measure_of_the_catalogue():
    assert {row[0] for row in EFFECT_TABLE} == {m.value for m in MeasureType}
    assert len(rules.CATALOGUE) == len(MeasureType)


def test_every_measure_names_its_source():
    assert all(spec.source for spec in rules.CATALOGUE)


def test_one_year_party_probation_blocks_all_promotion_then_an_equal_or_higher_post_for_two_years():
    effect = rules.effect_of("party_probation", D, probation_years=1)
    assert effect.blocks_on(date(2027, 3, 14)) == BlockKind.PROMOTION
    assert effect.blocks_on(date(2027, 3, 15)) == BlockKind.EQUAL_OR_HIGHER_POST
    assert effect.blocks_on(date(2029, 3, 14)) == BlockKind.EQUAL_OR_HIGHER_POST
    assert effect.blocks_on(date(2029, 3, 15)) == BlockKind.NONE


def test_two_year_party_probation_blocks_all_promotion_for_two_years():
    effect = rules.effect_of("party_probation", D, probation_years=2)
    assert [p.until for p in effect.phases] == [date(2028, 3, 15), date(2030, 3, 15)]
    assert effect.blocks_on(date(2028, 3, 14)) == BlockKind.PROMOTION
    assert effect.blocks_on(date(2028, 3, 15)) == BlockKind.EQUAL_OR_HIGHER_POST


def test_ordered_resignation_bars_any_leading_post_in_the_first_year_then_promotion():
    effect = rules.effect_of("ordered_resignation", D)
    assert effect.blocks_on(date(2027, 3, 14)) == BlockKind.NO_LEADING_POST
    assert effect.blocks_on(date(2027, 3, 15)) == BlockKind.PROMOTION
    assert effect.blocks_on(date(2028, 3, 15)) == BlockKind.NONE


def test_a_measure_blocks_from_its_decision_date_until_the_day_before_its_end():
    effect = rules.effect_of("admonishment", D)
    assert not effect.in_effect(date(2026, 3, 14))
    assert effect.in_effect(D)
    assert effect.in_effect(date(2026, 9, 14))
    assert not effect.in_effect(date(2026, 9, 15))


def test_a_permanent_measure_lasts_until_someone_acts():
    effect = rules.effect_of("party_expulsion", D)
    assert effect.permanent and effect.until is None
    assert effect.in_effect(date(2060, 1, 1))


def test_a_revoked_measure_stops_blocking_on_its_revocation_date():
    effect = rules.effect_of("party_serious_warning", D, revoked_on=date(2026, 6, 1))
    assert effect.until == date(2026, 6, 1)
    assert effect.ended_by == "revoked"
    assert effect.in_effect(date(2026, 5, 31))
    assert not effect.in_effect(date(2026, 6, 1))


def test_revoking_a_permanent_measure_gives_it_an_end():
    effect = rules.effect_of("party_expulsion", D, revoked_on=date(2027, 1, 10))
    assert effect.until == date(2027, 1, 10) and not effect.permanent


def test_revoking_a_measure_whose_period_already_ended_changes_nothing():
    effect = rules.effect_of("admonishment", D, revoked_on=date(2027, 1, 1))
    assert effect.until == date(2026, 9, 15)
    assert effect.ended_by is None


def test_revoking_probation_in_its_second_phase_keeps_the_first_phase_whole():
    effect = rules.effect_of("party_probation", D, probation_years=1, revoked_on=date(2028, 1, 1))
    assert [(p.blocks, p.until) for p in effect.phases] == [
        (BlockKind.PROMOTION, date(2027, 3, 15)), (BlockKind.EQUAL_OR_HIGHER_POST,
                                                   date(2028, 1, 1))]


def test_an_exempted_measure_does_not_block():
    effect = rules.effect_of("gov_demerit", D, tolerance_outcome="exempt")
    assert effect.until == D
    assert effect.blocks == BlockKind.NONE
    assert not effect.in_effect(date(2026, 6, 1))
    assert effect.ended_by == "exempt" and effect.tolerance_outcome == ToleranceOutcome.EXEMPT


def test_a_mitigated_measure_blocks_as_the_lighter_measure_recorded():
    effect = rules.effect_of("party_warning", D, tolerance_outcome="mitigated")
    assert effect.until == date(2027, 3, 15)
    assert effect.tolerance_outcome == ToleranceOutcome.MITIGATED


def test_a_changed_measure_stops_on_the_change_and_its_replacement_counts_from_the_original_decision():  # noqa: E501
    old = rules.effect_of("party_serious_warning", D, changed_on=date(2026, 5, 1))
    new = rules.effect_of("party_warning", D)
    assert old.until == date(2026, 5, 1) and old.ended_by == "changed"
    assert new.until == date(2027, 3, 15)


def test_several_measures_lift_on_the_latest_end_date():
    effects = [rules.effect_of("admonishment", D),
               rules.effect_of("party_warning", date(2026, 1, 10)),
               rules.effect_of("talk_reminder", date(2026, 10, 1))]
    assert rules.latest_until(effects) == date(2027, 1, 10)
    assert rules.latest_until(effects + [rules.effect_of("gov_expulsion", D)]) is None


def test_an_administrator_changed_period_is_used():
    table = {**rules.DEFAULT_EFFECT_MONTHS, "admonishment": 12}
    assert rules.effect_of("admonishment", D, table=table).until == date(2027, 3, 15)


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)),
    (date(2026, 3, 15), 0, date(2026, 3, 15)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
])
def test_calendar_month_arithmetic(day, months, expected):
    assert rules.add_months(day, months) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("诫勉", "admonishment"), ("admonishment", "admonishment"), ("留党察看", "party_probation"),
    ("警告", "party_warning"), ("政务警告", "gov_warning"), ("开除", "gov_expulsion"),
    ("开除党籍", "party_expulsion"), ("通报", "circular"), ("调离岗位", "transfer"),
                                                ("移送司法", "judicial_transfer"),
])
def test_measures_parse_from_code_or_chinese_name(text, expected):
    assert rules.parse_measure(text) == MeasureType(expected)


def test_a_shared_chinese_name_resolves_by_subject():
    from accountability.enums import SubjectKind

    assert rules.parse_measure("通报", SubjectKind.UNIT) == MeasureType.ORG_CIRCULAR
    assert rules.parse_measure("检查", SubjectKind.UNIT) == MeasureType.ORG_INSPECTION
    with pytest.raises(ValueError):
        rules.parse_measure("罚款")


# --- workflow --------------------------------------------------------------------------------

def test_the_main_line_moves_one_stage_at_a_time():
    for current, target in zip(rules.MAIN_LINE, rules.MAIN_LINE[1:], strict=False):
        assert rules.transition_problem(current, target) is None


@pytest.mark.parametrize(("current", "target"), [
    ("clue", "filed"), ("clue", "decision"), ("filed", "clue"), ("investigation", "closed"),
    ("closed", "investigation"), ("no_case", "verification"), ("review", "no_case"),
                                                 ("decision", "decision"),
])
def test_illegal_transitions_are_refused(current, target):
    assert rules.transition_problem(CaseStage(current), CaseStage(target))


def test_the_branches_no_case_and_appeal():
    assert rules.transition_problem(CaseStage.CLUE, CaseStage.NO_CASE) is None
    assert rules.transition_problem(CaseStage.VERIFICATION, CaseStage.NO_CASE) is None
    assert rules.transition_problem(CaseStage.CLOSED, CaseStage.APPEAL) is None
    assert rules.transition_problem(CaseStage.DECISION, CaseStage.APPEAL) is None
    assert rules.transition_problem(CaseStage.APPEAL, CaseStage.CLOSED) is None
    assert rules.allowed_next(CaseStage.NO_CASE) == ()


@pytest.mark.parametrize(("stage", "since", "filed", "extended", "expected"), [
    ("clue", date(2026, 1, 10), None, 0, None),
    ("verification", date(2026, 1, 10), None, 0, date(2026, 4, 10)),
    ("filed", date(2026, 1, 31), date(2026, 1, 31), 0, date(2026, 7, 31)),
    ("investigation", date(2026, 2, 20), date(2026, 1, 31), 0, date(2026, 7, 31)),
    ("investigation", date(2026, 2, 20), date(2026, 1, 31), 3, date(2026, 10, 31)),
    ("review", date(2026, 1, 31), date(2025, 9, 1), 0, date(2026, 2, 28)),
    ("decision", date(2026, 3, 1), date(2025, 9, 1), 0, None),
    ("appeal", date(2026, 3, 31), date(2025, 9, 1), 0, date(2026, 6, 30)),
    ("closed", date(2026, 3, 31), date(2025, 9, 1), 0, None),
])
def test_stage_time_limits(stage, since, filed, extended, expected):
    assert rules.stage_deadline(CaseStage(stage), since, filed, extended) == expected


def test_days_left_and_overdue():
    due = date(2026, 4, 10)
    assert rules.days_left(due, date(2026, 4, 1)) == 9
    assert rules.days_left(due, due) == 0 and not rules.is_overdue(due, due)
    assert rules.days_left(due, date(2026, 4, 12)) == -2 and rules.is_overdue(due,
                                                                              date(2026, 4, 12))
    assert rules.days_left(None, due) is None and not rules.is_overdue(None, due)


def test_only_the_investigation_limit_extends_and_only_once():
    assert rules.extension_problem(CaseStage.INVESTIGATION, 0) is None
    assert rules.extension_problem(CaseStage.INVESTIGATION, 1)
    assert rules.extension_problem(CaseStage.REVIEW, 0)


def test_appeal_deadline_is_a_month_after_the_decision():
    assert rules.appeal_deadline(date(2026, 1, 31)) == date(2026, 2, 28)


# --- error tolerance -------------------------------------------------------------------------

ALL_MET = {c.code: True for c in rules.CRITERIA if c.group != rules.EXCLUSION}


def test_every_criterion_met_and_no_exclusion_advises_exemption():
    assert rules.tolerance_advice(ALL_MET).outcome == ToleranceOutcome.EXEMPT


def test_some_criteria_unmet_advises_mitigation_at_most():
    advice = rules.tolerance_advice({**ALL_MET, "no_serious_loss": False})
    assert advice.outcome == ToleranceOutcome.MITIGATED and advice.unmet == ("no_serious_loss",)


def test_any_exclusion_rules_tolerance_out():
    checks = {**ALL_MET, "excl_personal_gain": True}
    assert rules.tolerance_advice(checks).outcome == ToleranceOutcome.NOT_TOLERATED
    assert rules.decision_problem(ToleranceOutcome.EXEMPT, checks)
    assert rules.decision_problem(ToleranceOutcome.MITIGATED, checks)
    assert rules.decision_problem(ToleranceOutcome.NOT_TOLERATED, checks) is None


def test_lighter_measures():
    assert rules.lighter(MeasureType.PARTY_SERIOUS_WARNING, MeasureType.PARTY_WARNING)
    assert rules.lighter(MeasureType.PARTY_WARNING, MeasureType.ADMONISHMENT)
    assert not rules.lighter(MeasureType.ADMONISHMENT, MeasureType.PARTY_WARNING)
    assert rules.lighter(MeasureType.PARTY_EXPULSION, MeasureType.PARTY_PROBATION)


def test_follow_up_window_and_name_clearing_due():
    assert rules.follow_up_window(date(2026, 8, 31)) == (date(2027, 2, 28), date(2027, 8, 31))
    assert rules.name_clearing_due(date(2026, 1, 31)) == date(2026, 2, 28)
    assert rules.application_late(date(2026, 1, 10), date(2026, 2, 11))
    assert not rules.application_late(date(2026, 1, 10), date(2026, 2, 10))
    assert not rules.application_late(None, date(2026, 2, 11))
