"""Survey rules: codes, answers to points, and the unit's score weighted by group."""

from __future__ import annotations

import pytest

from assessment.enums import AnswerScale, RespondentGroup
from assessment.rules import surveys as rules
from assessment.rules.surveys import GroupTally, Question, SurveyPolicy

POLICY = SurveyPolicy()  # leaders .2, staff .2, served .3, residents .3; 5 answers; 基本满意 60
QUESTIONS = [Question("Q1", "总体评价"), Question("Q2", "领导班子", AnswerScale.FIVE)]


def test_codes_are_random_readable_and_hash_the_same_however_typed():
    codes = {rules.new_code() for _ in range(500)}
    assert len(codes) == 500
    code = codes.pop()
    assert len(code) == 14 and code.count("-") == 2
    assert not set(code.replace("-", "")) & set("01ilo")
    assert rules.code_hash(code) == rules.code_hash(code.upper().replace("-", " "))
    assert rules.looks_like_code(code) and not rules.looks_like_code("abc")


def test_a_response_is_worth_the_mean_of_its_answers():
    # 满意 100, 5 of 5 → 100; 基本满意 60, 3 of 5 → 50
    assert rules.response_points(QUESTIONS, {"Q1": "satisfied", "Q2": "5"}, POLICY) == 100
    assert rules.response_points(QUESTIONS, {"Q1": "basic", "Q2": "3"}, POLICY) == 55
    assert rules.response_points(QUESTIONS, {"Q1": "dissatisfied", "Q2": "1"}, POLICY) == 0
    lenient = SurveyPolicy(basic_points=80)
    assert rules.response_points(QUESTIONS, {"Q1": "basic", "Q2": "5"}, lenient) == 90


def test_every_question_needs_one_of_its_own_choices():
    with pytest.raises(rules.AnswerProblem) as problem:
        rules.response_points(QUESTIONS, {"Q1": "5", "Q2": "6"}, POLICY)
    assert problem.value.codes == ["Q1", "Q2"]


def test_the_unit_score_weights_groups_and_leaves_out_those_nobody_answered_for():
    tallies = [GroupTally(RespondentGroup.LEADERS, 5, 3, 90.0),
               GroupTally(RespondentGroup.RESIDENTS, 20, 10, 70.0),
               GroupTally(RespondentGroup.STAFF, 10, 0, None)]
    # (0.2 × 90 + 0.3 × 70) / 0.5 = 78
    assert rules.unit_score(tallies, POLICY) == 78.0
    everybody = tallies[:2] + [GroupTally(RespondentGroup.STAFF, 10, 4, 50.0),
                               GroupTally(RespondentGroup.SERVED, 10, 4, 80.0)]
    # 0.2 × 90 + 0.3 × 70 + 0.2 × 50 + 0.3 × 80 = 73
    assert rules.unit_score(everybody, POLICY) == 73.0


def test_too_few_answers_give_no_score_and_hide_the_group_mean():
    few = [GroupTally(RespondentGroup.RESIDENTS, 30, 4, 95.0)]
    assert rules.unit_score(few, POLICY) is None
    assert rules.shown_mean(few[0], POLICY) is None
    enough = GroupTally(RespondentGroup.RESIDENTS, 30, 5, 95.0)
    assert rules.shown_mean(enough, POLICY) == 95.0


def test_weights_are_checked():
    assert rules.check_weights({"leaders": 1, "residents": 0}) == []
    assert rules.check_weights({"leaders": 0})
    assert rules.check_weights({"aliens": 1})
    assert rules.check_weights({"staff": -1})
