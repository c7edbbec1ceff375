"""Eligibility and the cadre profile from the real records of all three modules."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from accountability import cases
from accountability.enums import CaseStage
from cadres import evidence, grades
from cadres.enums import DecisionType
from cadres.rules import eligibility as engine
from portal.errors import AccessDenied
from tests.accountability.conftest import decided_measure, move_to, open_case
from tests.assessment.conftest import S1_VALUES, S2_VALUES, enter, open_period, publish
from tests.assessment.conftest import street_scheme as street_scheme  # noqa: F401  (fixture)
from tests.factories import city as build_city

AS_OF = date(2026, 11, 24)


@pytest.fixture
def city(session):
    return build_city(session)


def sanctioned(session, city, code, decided_on):
    """A measure decided in a case that is then closed (an open case would block on its own)."""
    case, measure = decided_measure(session, city, code, decided_on=decided_on)
    cases.move_case(session, city.actor("inspector"), case.id, CaseStage.CLOSED,
                    reason="处理完毕，依规结案",
                    on=max(decided_on, date(2026, 6, 30)), today=AS_OF)
    session.commit()
    return measure


def blocks(result):
    return [(b.rule, b.until) for b in result.blocks]


def test_clean_cadre_is_eligible(session, city):
    result = evidence.eligibility(session, city.actor("reviewer"), "C0001", AS_OF)
    assert result.eligible and blocks(result) == []


def test_serious_warning_blocks_for_eighteen_months(session, city):
    sanctioned(session, city, "party_serious_warning", date(2026, 6, 20))
    result = evidence.eligibility(session, city.actor("reviewer"), "C0001", AS_OF)
    assert blocks(result) == [("sanction_effect", date(2027, 12, 20))]
    assert result.blocks[0].source.startswith("measure:")


def test_talk_reminder_is_only_a_note(session, city):
    sanctioned(session, city, "talk_reminder", date(2026, 6, 20))
    result = evidence.eligibility(session, city.actor("reviewer"), "C0001", AS_OF)
    assert result.eligible
    assert {n.rule for n in result.notes} == {"recent_accountability",
                                              "training_hours"}  # no hours yet


def test_filed_case_blocks_and_a_clue_is_a_note(session, city):
    case = open_case(session, city)
    result = evidence.eligibility(session, city.actor("reviewer"), "C0001", AS_OF)
    assert result.eligible and "pending_verification" in {n.rule for n in result.notes}
    move_to(session, city, case, CaseStage.FILED)
    result = evidence.eligibility(session, city.actor("reviewer"), "C0001", AS_OF)
    assert blocks(result) == [("under_investigation", None)]


def test_previous_years_basically_competent_grade_blocks_until_the_year_turns(session, city):
    # 干部选拔任用工作条例 (2019) art. 24 (三): the previous year's grade only (not the 2014 "近三年")  # noqa: E501
    grades.set_grade(session, city.actor("reviewer"), "C0001", 2025, "basically_competent")
    session.commit()
    result = evidence.eligibility(session, city.actor("reviewer"), "C0001", AS_OF,
                                  DecisionType.COMMENDATION)
    assert blocks(result) == [("appraisal_grade", date(2027, 1, 1))]
    assert evidence.eligibility(session, city.actor("reviewer"), "C0001", date(2027, 1, 1),
                                DecisionType.COMMENDATION).eligible


def test_veto_in_the_units_results_blocks_its_leaders(session, city, street_scheme):  # noqa: F811
    code = open_period(session, city)
    enter(session, city, code, city.s1, {**S1_VALUES, "V1": 1})
    enter(session, city, code, city.s2, S2_VALUES)
    publish(session, city, code)
    result = evidence.eligibility(session, city.actor("reviewer"), "C0001", AS_OF)
    assert blocks(result) == [("unit_veto", None)]
    assert result.blocks[0].source == f"result:{code}:S1"


def test_profile_combines_unit_results_grades_training_and_eligibility(session, city,
                                                                       street_scheme):  # noqa: F811
    code = open_period(session, city)
    enter(session, city, code, city.s1, S1_VALUES)
    enter(session, city, code, city.s2, S2_VALUES)
    publish(session, city, code)
    grades.set_grade(session, city.actor("reviewer"), "C0001", 2025, "excellent")
    sanctioned(session, city, "admonishment", date(2026, 9, 1))
    built = evidence.profile(session, city.actor("reviewer"), "C0001", AS_OF)
    data = built.as_json()
    assert data["unit_results"][f"S1|{code}"]["composite"] == 92.0
    assert data["grades"] == {"2025": "excellent"}
    assert data["eligibility"]["eligible"] is False
    assert [m["code"] for m in data["measures"].values()] == ["admonishment"]
    assert "2027-03-01" in built.summary  # 诫勉: six months from 2026-09-01
    json.dumps(data, ensure_ascii=False)  # the snapshot must be plain JSON


def test_scope_is_checked(session, city):
    with pytest.raises(AccessDenied):
        evidence.eligibility(session, city.actor("reviewer-d1"), "C0002", AS_OF)
    with pytest.raises(AccessDenied):
        evidence.profile(session, city.actor("cadre"), "C0002", AS_OF)
    with pytest.raises(AccessDenied):
        evidence.profile(session, city.actor("inspector"), "C0001", AS_OF)


def test_cli_prints_the_contract_json_and_agrees_with_the_service(session, city, database_url,
                                                                  monkeypatch):
    from portal.cli import main

    sanctioned(session, city, "party_warning", date(2026, 3, 1))
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["eligibility", "C0001", "--as-of", "2026-11-24", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    expected = evidence.eligibility(session, city.actor("reviewer"), "C0001", AS_OF).as_json()
    assert data == expected
    assert set(data) == {"cadre", "as_of", "decision", "eligible", "blocks", "notes"}
    assert data["blocks"][0]["until"] == "2027-03-01" and data["eligible"] is False


def test_cli_unknown_cadre_and_bad_date_are_one_line_errors(session, city, database_url,
                                                            monkeypatch):
    from portal.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    unknown = CliRunner().invoke(main, ["eligibility", "C9999"])
    assert unknown.exit_code == 1 and "C9999" in unknown.output
    bad = CliRunner().invoke(main, ["eligibility", "C0001", "--as-of", "2026-13-01"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_facts_for_many_cadres_are_the_facts_of_each(session, city, street_scheme):  # noqa: F811
    """The roster's batch (cadres.roster) gathers the same facts as ``facts_for``, one by one:
    a veto in the unit's results, a measure, a filed case, grades, training."""
    from cadres.models import CadreAppraisal
    from tests.cadres.conftest import record

    code = open_period(session, city)
    enter(session, city, code, city.s1, {**S1_VALUES, "V1": 1})
    enter(session, city, code, city.s2, S2_VALUES)
    publish(session, city, code)
    sanctioned(session, city, "admonishment", date(2026, 9, 1))
    move_to(session, city, open_case(session, city, cadres=[city.cadre2]), CaseStage.FILED)
    grades.set_grade(session, city.actor("reviewer"), "C0002", 2025, "basically_competent")
    session.add(CadreAppraisal(cadre_id=city.cadre1.id, year=2024, grade="excellent",
                               unit_id=city.s1.id))
    record(session, city, city.cadre1, "党校主体班", 40, day=date(2026, 5, 6))
    session.commit()
    actor = city.actor("reviewer")
    many = evidence.facts_for_many(session, actor, [city.cadre1, city.cadre2], AS_OF)
    for cadre in (city.cadre1, city.cadre2):
        assert many[cadre.id] == evidence.facts_for(session, actor, cadre, AS_OF)
    assert many[city.cadre1.id].measures and many[city.cadre2.id].cases
    assert many[city.cadre1.id].unit_result.vetoed and many[city.cadre1.id].training.hours == 40
    with pytest.raises(AccessDenied):
        evidence.facts_for_many(session, city.actor("reviewer-d1"), [city.cadre2], AS_OF)
    # The roster's filter reads only what blocks read: the same blocks for every decision.
    ids = [city.cadre1.id, city.cadre2.id]
    for decision in DecisionType:
        light = evidence.block_facts_many(session, actor, ids, AS_OF, decision)
        for cadre in (city.cadre1, city.cadre2):
            assert engine.evaluate(light[cadre.id], AS_OF, decision).blocks == engine.evaluate(
                many[cadre.id], AS_OF, decision).blocks
    assert engine.evaluate(light[city.cadre1.id], AS_OF, DecisionType.PROMOTION).blocks
    assert city.cadre2.id not in evidence.block_facts_many(
        session, city.actor("reviewer-d1"), ids, AS_OF, DecisionType.PROMOTION)
