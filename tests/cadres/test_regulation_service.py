"""Issue 12's rules through the services, on the real database (SQLite and PostgreSQL):
grades the measures rule out are refused naming the measure, impossible measures are
refused naming the rule, the rank table is a settings row, and the eligibility page,
`portal eligibility --json` and a decision's frozen evidence agree "as of" a past day."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from accountability import cases, measures, tolerance
from accountability.enums import CaseStage, MeasureType, ToleranceOutcome
from accountability.importers import import_measures
from accountability.models import Measure
from accountability.rules import CONDITION, CRITERIA
from cadres import decisions, evidence, grades
from cadres import settings as cadre_settings
from cadres.enums import DecisionType
from cadres.importers import import_grades
from cadres.models import CadreAppraisal
from cadres.rules import grades as grade_rules
from portal.cli import main
from portal.enums import CadreCategory, LeaderRole, Rank
from portal.errors import Invalid
from portal.tabular import ImportProblem
from tests import factories
from tests.accountability.conftest import decided_measure, move_to, open_case
from tests.cadres.callbacks import call
from tests.cadres.test_portrait_page import eligibility as panel
from tests.cadres.test_portrait_page import findings
from tests.web import login

AS_OF = date(2026, 11, 24)


@pytest.fixture
def city(session):
    return factories.city(session)


def grade_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(CadreAppraisal))


def closed_measure(session, city, code, decided_on, cadre=None):
    """A measure decided in a case that is then closed (an open case limits grades on its own)."""
    case, measure = decided_measure(session, city, code, cadre=cadre, decided_on=decided_on)
    cases.move_case(session, city.actor("inspector"), case.id, CaseStage.CLOSED, reason="依规结案",
                    on=max(decided_on, date(2026, 6, 30)), today=AS_OF)
    session.commit()
    return measure


# --- 5. grades and measures
# ------------------------------------------------------------------------------

def test_a_grade_the_measure_rules_out_is_refused_naming_the_measure(session, city):
    closed_measure(session, city, "party_serious_warning", date(2026, 6, 20))
    reviewer = city.actor("reviewer")
    for refused in ("excellent", "competent", "basically_competent"):
        with pytest.raises(Invalid) as error:
            grades.set_grade(session, reviewer, "C0001", 2026, refused)
        assert MeasureType.PARTY_SERIOUS_WARNING.label in error.value.message
        assert "2026-06-20" in error.value.message and "组通字〔1998〕19号" in error.value.message
    session.rollback()
    assert grade_count(session) == 0
    grades.set_grade(session, reviewer, "C0001", 2026, "不定等次")
    grades.set_grade(session, reviewer, "C0001", 2027, "excellent")   # the next year is free
    session.commit()
    assert grades.grades_for_cadre(session, reviewer, city.cadre1) == [(2027, "excellent"),
                                                                          (2026, "not_graded")]


def test_the_grade_page_says_which_measure_rules_the_grade_out(client, app, session, city):
    closed_measure(session, city, "party_warning", date(2026, 6, 20))
    login(client, "reviewer")
    response = call(client, app, "grades.save",
                    {"ca-gr-save.n_clicks": 1, "ca-gr-code.value": "C0001",
                                                 "ca-gr-year.value": 2026,
                                                 "ca-gr-grade.value": "excellent"})
    text = json.dumps(response.get_json(), ensure_ascii=False)
    assert "Party warning decided 2026-06-20 rules out “Excellent” for 2026" in text
    assert grade_count(session) == 0


def test_the_grade_limits_are_a_settings_row_the_administrator_changes(session, city):
    closed_measure(session, city, "party_serious_warning", date(2026, 6, 20))
    cadre_settings.change(session, city.actor("admin"), cadre_settings.GRADE_LIMITS,
                          "严重警告: no_excellent, 记大过: not_graded+1, 留党察看: "
                          "incompetent+probation")
    assert cadre_settings.grade_limits(session) == {
        "party_serious_warning": {"year": "no_excellent", "next_years": 0},
        "gov_major_demerit": {"year": "not_graded", "next_years": 1},
        "party_probation": {"year": "incompetent", "next_years": "probation"}}
    grades.set_grade(session, city.actor("reviewer"), "C0001", 2026, "competent")
    with pytest.raises(Invalid):
        grades.set_grade(session, city.actor("reviewer"), "C0001", 2026, "excellent")
    with pytest.raises(Invalid):
        cadre_settings.change(session, city.actor("admin"), cadre_settings.GRADE_LIMITS,
                              "严重警告: 优秀")


def test_a_grade_import_is_refused_whole_naming_the_row_and_the_measure(session, city):
    closed_measure(session, city, "gov_major_demerit", date(2026, 3, 10))
    data = "cadre_code,year,grade\nC0002,2026,优秀\nC0001,2027,称职\n".encode()
    with pytest.raises(ImportProblem) as error:
        import_grades(session, city.actor("reviewer"), data, "grades.csv")
    text = str(error.value.problems[0])
    assert "row 3" in text and MeasureType.GOV_MAJOR_DEMERIT.label in text and "2027" in text
    session.rollback()
    assert grade_count(session) == 0
    ok = "cadre_code,year,grade\nC0002,2026,优秀\nC0001,2027,不定等次\n".encode()
    assert import_grades(session, city.actor("reviewer"), ok, "grades.csv").created == 2


def test_an_open_filed_case_allows_no_grade_until_it_closes(session, city):
    case = open_case(session, city, cadres=[city.cadre2], opened_on=date(2026, 1, 5))
    move_to(session, city, case, CaseStage.FILED)
    with pytest.raises(Invalid) as error:
        grades.set_grade(session, city.actor("reviewer"), "C0002", 2026, "competent")
    assert case.case_no in error.value.message
    grades.set_grade(session, city.actor("reviewer"), "C0002", 2026, "not_graded")


@pytest.mark.parametrize("category, refused, accepted, rule", [
    (CadreCategory.INSTITUTION, "称职", "合格", "事业单位工作人员考核规定"),
    (CadreCategory.CIVIL_SERVANT, "合格", "称职", "公务员考核规定"),
])
def test_each_category_is_graded_on_its_own_scale(session, city, category, refused, accepted, rule):
    factories.cadre(session, "C0009", "赵敏", city.s1, rank=Rank.PRINCIPAL_STAFF_2,
                    category=category,
                    leader_role=LeaderRole.MEMBER)
    session.commit()
    with pytest.raises(Invalid) as error:
        grades.set_grade(session, city.actor("reviewer"), "C0009", 2025, refused)
    assert rule in error.value.message
    row, _check = grades.set_grade(session, city.actor("reviewer"), "C0009", 2025, accepted)
    assert row.grade in grade_rules.grade_scale(category)


# --- 7. who may receive what
# -----------------------------------------------------------------------------

def measure_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Measure))


def test_a_party_sanction_for_a_non_member_is_refused_naming_the_rule(session, city):
    city.cadre1.party_member = False
    session.commit()
    case = open_case(session, city, cadres=[city.cadre1])
    move_to(session, city, case, CaseStage.DECISION)
    before = measure_count(session)
    with pytest.raises(Invalid) as error:
        measures.record_measure(session, city.actor("inspector"), code="party_warning",
                                decided_on=date(2026, 6, 20),
                                cadre_id=city.cadre1.id, case_id=case.id, today=AS_OF)
    assert "not a party member" in error.value.message and "纪律处分条例" in error.value.message
    session.rollback()
    assert measure_count(session) == before
    measures.record_measure(session, city.actor("inspector"), code="gov_warning",
                            decided_on=date(2026, 6, 20),
                            cadre_id=city.cadre1.id, case_id=case.id, today=AS_OF)


def test_a_committee_member_can_only_receive_the_three_lighter_government_sanctions(session, city):
    villager = factories.cadre(session, "C0010", "钱伟", city.c1, rank=None,
                               category=CadreCategory.VILLAGE)
    session.commit()
    data = (
        "cadre_code,measure,decided_on\nC0010,降级,2026-03-01\nC0010,记大过,2026-04-01\n"
    ).encode()
    with pytest.raises(ImportProblem) as error:
        import_measures(session, city.actor("inspector"), data, "measures.csv", today=AS_OF)
    (problem,) = error.value.problems
    assert problem.row == 2 and "art. 22" in problem.reason
    session.rollback()
    assert measure_count(session) == 0
    with pytest.raises(Invalid, match="art. 22"):
        measures.record_measure(session, city.actor("inspector"), code="gov_dismissal_post",
                                decided_on=date(2026, 6, 20), cadre_id=villager.id, today=AS_OF)
    measures.record_measure(session, city.actor("inspector"), code="gov_major_demerit",
                            decided_on=date(2026, 6, 20), cadre_id=villager.id, today=AS_OF)


def test_a_change_on_appeal_to_an_impossible_measure_is_refused(session, city):
    city.cadre1.party_member = False
    session.commit()
    _case, measure = decided_measure(session, city, "gov_demerit", decided_on=date(2026, 6, 20))
    with pytest.raises(Invalid, match="not a party member"):
        measures.change_measure(session, city.actor("inspector"), measure.id,
                                new_code="party_warning",
                                changed_on=date(2026, 8, 1), reason="复查", today=AS_OF)


# --- 4. tolerance through the service
# ----------------------------------------------------------------------

def test_one_distinction_with_every_condition_met_advises_exemption(session, city):
    _case, measure = decided_measure(session, city, "admonishment", decided_on=date(2026, 5, 20))
    inspector = city.actor("inspector")
    app = tolerance.submit_application(session, inspector, cadre_id=city.cadre1.id,
                                       measure_id=measure.id,
                                       statement="先行先试中的失误", today=date(2026, 6, 1))
    tolerance.start_verification(session, inspector, app.id)
    conditions = {c.code: True for c in CRITERIA if c.group == CONDITION}
    tolerance.save_verification(session, inspector, app.id,
                                checks={**conditions, "reform_inexperience": True},
                                notes="核实")
    assert tolerance.application_detail(session, inspector,
                                        app.id).advice.outcome == ToleranceOutcome.EXEMPT


def test_an_exemption_counts_in_eligibility_only_from_the_committees_decision(session, city):
    _case, measure = decided_measure(session, city, "party_warning", decided_on=date(2026, 5, 20))
    inspector = city.actor("inspector")
    app = tolerance.submit_application(session, inspector, cadre_id=city.cadre1.id,
                                       measure_id=measure.id,
                                       statement="先行先试中的失误", today=date(2026, 6, 1))
    tolerance.start_verification(session, inspector, app.id)
    conditions = {c.code: True for c in CRITERIA if c.group == CONDITION}
    tolerance.save_verification(session, inspector, app.id,
                                checks={**conditions, "unforeseeable": True},
                                notes="核实")
    tolerance.decide(session, inspector, app.id, outcome="exempt", reasons="符合问责条例第十七条",
                     decided_by="容错纠错委员会", decided_on=date(2026, 7, 1), today=AS_OF)
    cases.move_case(session, inspector, _case.id, CaseStage.CLOSED, reason="依规结案",
                    on=date(2026, 7, 1),
                    today=AS_OF)
    session.commit()
    reviewer = city.actor("reviewer")
    before = evidence.eligibility(session, reviewer, "C0001", date(2026, 6, 15))
    assert [(b.rule, b.until) for b in before.blocks] == [("sanction_effect", date(2027, 5, 20))]
    after = evidence.eligibility(session, reviewer, "C0001", date(2026, 7, 1))
    assert after.eligible and "tolerance_exempt" in {n.rule for n in after.notes}


# --- 2. rank tenure from the settings row
# ------------------------------------------------------------------

def test_rank_tenure_comes_from_the_settings_table(session, city):
    city.cadre1.rank, city.cadre1.rank_since = Rank.RESEARCHER_2, date(2023, 7, 1)
    session.commit()
    reviewer, day = city.actor("reviewer"), date(2026, 3, 1)
    result = evidence.eligibility(session, reviewer, "C0001", day, DecisionType.RANK_PROMOTION)
    assert [(b.rule, b.until) for b in result.blocks] == [("min_tenure",
                                                           date(2026, 7, 1))]   # 3 years (art. 18)
    cadre_settings.change(session, city.actor("admin"), cadre_settings.RANK_TENURE_BY_RANK,
                          "二级调研员: 24")
    session.commit()
    assert evidence.eligibility(session, reviewer, "C0001", day,
                                DecisionType.RANK_PROMOTION).eligible


def test_a_bad_rank_table_is_refused(session, city):
    with pytest.raises(Invalid):
        cadre_settings.change(session, city.actor("admin"), cadre_settings.RANK_TENURE_BY_RANK,
                              "科长: 24")


# --- 6 and the agreement of page, command line and decision evidence
# ---------------------------------------

@pytest.fixture
def revoked_later(session, city):
    """严重警告 decided 2026-02-01, revoked on appeal 2026-05-01 (the issue's example)."""
    measure = closed_measure(session, city, "party_serious_warning", date(2026, 2, 1))
    measures.revoke_measure(session, city.actor("inspector"), measure.id,
                            revoked_on=date(2026, 5, 1),
                            reason="复查撤销", today=AS_OF)
    session.commit()
    return measure


@pytest.mark.parametrize("as_of, until", [("2026-03-01", "2027-08-01"), ("2026-06-01", None)])
def test_page_command_line_and_decision_evidence_agree_as_known_then(client, app, session, city,
                                                                     revoked_later,
                                                                      database_url, monkeypatch,
                                                                     as_of, until):
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["eligibility", "C0001", "--as-of", as_of, "--json"])
    assert result.exit_code == 0, result.output
    expected = json.loads(result.output)
    measure_blocks = [b for b in expected["blocks"] if b["rule"] == "sanction_effect"]
    assert [b["until"] for b in measure_blocks] == ([until] if until else [])

    login(client, "reviewer")
    body = panel(client, app, as_of=as_of).get_json()["response"]["ca-pf-elig-result"]["children"]
    assert findings(body, "block") == [(b["rule"], b["until"] or "") for b in expected["blocks"]]

    decision = decisions.propose(session, city.actor("reviewer"), cadre_code="C0001",
                                 decision_type=DecisionType.PROMOTION, title="拟提拔",
                                 rationale="实绩突出",
                                 as_of=date.fromisoformat(as_of))
    frozen = decision.snapshot["eligibility"]
    assert [(b["rule"], b["until"]) for b in frozen["blocks"]] == [(b["rule"], b["until"])
                                                                   for b in expected["blocks"]]
    assert frozen["eligible"] is expected["eligible"]


def test_commendation_after_an_admonishment_agrees_everywhere(client, app, session, city,
                                                              database_url,
                                                              monkeypatch):
    closed_measure(session, city, "admonishment", date(2026, 2, 10))
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(main,
                                ["eligibility", "C0001", "--as-of", "2026-11-24", "--decision",
                                       "commendation", "--json"])
    expected = json.loads(result.output)
    assert [(b["rule"], b["until"]) for b in expected["blocks"]] == [("sanction_effect",
                                                                      "2027-01-01")]
    login(client, "reviewer")
    body = panel(client, app,
                 kind="commendation").get_json()["response"]["ca-pf-elig-result"]["children"]
    assert findings(body, "block") == [("sanction_effect", "2027-01-01")]
    decision = decisions.propose(session, city.actor("reviewer"), cadre_code="C0001",
                                 decision_type=DecisionType.COMMENDATION, title="评为优秀",
                                 rationale="实绩突出",
                                 as_of=AS_OF)
    assert decision.snapshot["eligibility"]["blocks"][0]["until"] == "2027-01-01"
