"""The cadre portrait (干部画像) on /cadres/profile: reviewers in scope see the summary,
eligibility and the whole record and may propose a decision; inspectors and the cadre
themself do not; every callback checks the code it is sent again."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from cadres import grades
from cadres.models import PersonnelDecision
from portal.models import AuditEvent
from tests.assessment.conftest import S1_VALUES, S2_VALUES, enter, open_period, publish
from tests.assessment.conftest import street_scheme as street_scheme  # noqa: F401  (fixture)
from tests.cadres.callbacks import call
from tests.cadres.test_evidence import AS_OF, sanctioned
from tests.web import callback, login


def shown(response) -> str:
    return json.dumps(response.get_json(), ensure_ascii=False)


def page(client, username: str, code: str = "C0001") -> str:
    login(client, username)
    response = callback(client, [("_pages_content", "children"), ("_pages_store", "data")],
                        [("_pages_location", "pathname", "/cadres/profile"),
                         ("_pages_location", "search", f"?code={code}")])
    assert response.status_code == 200
    return shown(response)


def eligibility(client, app, code="C0001", kind="promotion", as_of="2026-11-24"):
    return call(client, app, "portrait.check_eligibility", {
        "ca-pf-elig-type.value": kind, "ca-pf-elig-asof.value": as_of,
                                                            "ca-profile-code.data": code})


def propose(client, app, code="C0001", title="拟提拔为街道办事处主任",
            rationale="工作实绩突出，群众公认。",
            kind="promotion"):
    return call(client, app, "portrait_propose.submit_proposal", {
        "ca-pf-prop-submit.n_clicks": 1, "ca-pf-prop-type.value": kind,
                                                                  "ca-pf-prop-title.value": title,
        "ca-pf-prop-rationale.value": rationale, "ca-profile-code.data": code})


def findings(node, kind: str) -> list[tuple[str, str]]:
    """(rule, until) of every rendered block or note in a component tree."""
    found = []
    if isinstance(node, dict):
        props = node.get("props", {})
        if f"ca-pf-{kind}" in str(props.get("className", "")) and "data-rule" in props:
            found.append((props["data-rule"], props["data-until"]))
        for value in node.values():
            found += findings(value, kind)
    elif isinstance(node, list):
        for value in node:
            found += findings(value, kind)
    return found


def decisions_written(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(PersonnelDecision))


@pytest.fixture
def blocked(session, city):
    """王芳 (C0001) with a party warning (一年) and a basically-competent grade for 2025."""
    sanctioned(session, city, "party_warning", date(2026, 6, 20))
    grades.set_grade(session, city.actor("reviewer"), "C0001", 2025, "basically_competent")
    session.commit()
    return city


# --- layout
# -----------------------------------------------------------------------------------------

def test_a_reviewer_sees_the_summary_eligibility_and_every_section(client, blocked):
    reviewer = page(client, "reviewer")
    for text in ("ca-pf-summary", "Eligibility", "Not eligible", "Measure in its effect period",
                 "until 2027-06-20", "Results of the units served",
                 "Disciplinary and accountability measures",
                 "Error-tolerance outcomes", "Supervision items of the unit",
                 "Earlier personnel decisions",
                 "Propose a decision", "Basic information", "Training", "Annual appraisal grades"):
        assert text in reviewer, text


def test_an_inspector_keeps_the_basic_view(client, blocked):
    inspector = page(client, "inspector")
    assert "Basic information" in inspector
    assert not any(t in inspector for t in ("Eligibility", "ca-pf-", "Propose a decision",
                                            "Measure in its"))


def test_a_cadre_viewing_themself_gets_no_eligibility_and_no_proposal(client, blocked):
    own = page(client, "cadre")
    assert "Basic information" in own and "Training" in own
    assert not any(t in own for t in ("Eligibility", "ca-pf-", "Propose a decision",
                                      "Not eligible"))


def test_a_cadre_sees_their_own_decided_decisions_only(client, session, blocked):
    from cadres import decisions
    from cadres.enums import DecisionOutcome, DecisionType

    reviewer = blocked.actor("reviewer")
    talk = decisions.propose(session, reviewer, cadre_code="C0001",
                             decision_type=DecisionType.ADMONISHMENT_TALK,
                             title="约谈：整改督查事项", rationale="督查事项逾期。",
                             as_of=date(2026, 11, 2))
    decisions.review(session, reviewer, talk.id, "同意。")
    decisions.decide(session, reviewer, talk.id, outcome=DecisionOutcome.APPROVED,
                     note="江组谈〔2026〕3号",
                     decided_on=date(2026, 11, 5))
    decisions.propose(session, reviewer, cadre_code="C0001", decision_type=DecisionType.PROMOTION,
                      title="拟提拔为街道办事处主任", rationale="实绩突出。",
                      as_of=date(2026, 11, 6))
    session.commit()
    own = page(client, "cadre")
    assert "My personnel decisions" in own and "约谈：整改督查事项" in own
    assert "拟提拔为街道办事处主任" not in own  # an open proposal is not the cadre's to see yet


def test_the_reviewer_sees_the_units_results_over_the_periods(client, city, session, street_scheme):  # noqa: F811
    code = open_period(session, city)
    enter(session, city, code, city.s1, S1_VALUES)
    enter(session, city, code, city.s2, S2_VALUES)
    publish(session, city, code)
    reviewer = page(client, "reviewer")
    assert (
        "ca-pf-unit-chart" in reviewer
        and "Composite score of the units served, by period" in reviewer
    )
    assert "92.0" in reviewer and code in reviewer


def test_the_chart_marks_the_periods_served_and_explains_an_empty_one(app):
    from cadres.pages import portrait_charts  # after the app exists (see test_charts.py)

    rows = {"A|2025Q4": {"unit_code": "A", "unit_name": "桃桥街道", "current_unit": True,
                         "served": False,
                         "period": "2025Q4", "period_end": "2025-12-31", "composite": 80.0,
                         "rank_in_level": 3,
                         "count_in_level": 9, "grade": "fair", "vetoed": False},
            "A|2026Q1": {"unit_code": "A", "unit_name": "桃桥街道", "current_unit": True,
                         "served": True,
                         "period": "2026Q1", "period_end": "2026-03-31", "composite": 88.5,
                         "rank_in_level": 1,
                         "count_in_level": 9, "grade": "good", "vetoed": False}}
    figure = portrait_charts.unit_scores(portrait_charts.unit_results_frame(rows, str.upper))
    trace = figure.data[0]
    assert list(trace.marker.symbol) == ["circle-open", "circle"] and list(trace.y) == [80.0, 88.5]
    assert (
        "current unit" in trace.name
        and figure.layout.yaxis.title.text == "Composite score (points)"
    )
    empty = portrait_charts.unit_scores(portrait_charts.unit_results_frame({}, str.upper))
    assert "No published results" in empty.layout.annotations[0].text


# --- eligibility callback
# ------------------------------------------------------------------------------

def test_the_eligibility_callback_gives_a_reviewer_the_blocks(client, app, blocked):
    login(client, "reviewer-d1")
    response = eligibility(client, app, kind="commendation")
    body = response.get_json()["response"]["ca-pf-elig-result"]["children"]
    # the 2025 grade blocks through 2026 only (2019 条例 art. 24 (三): the previous year)
    assert findings(body, "block") == [("appraisal_grade", "2027-01-01"),
                                       ("sanction_effect", "2027-06-20")]
    text = shown(response)
    assert "Annual appraisal grade of 2025" in text and "Measure" in text and "Commendation" in text


@pytest.mark.parametrize("username,code",
                         [("reviewer-d1", "C0002"), ("cadre", "C0001"), ("cadre", "C0002"),
                                           ("inspector", "C0001")])
def test_the_eligibility_callback_gives_others_nothing_of_the_cadre(client, app, blocked, username,
                                                                    code):
    login(client, username)
    response = eligibility(client, app, code=code)
    assert response.status_code == 200
    text = shown(response)
    assert findings(response.get_json(), "block") == []
    assert not any(t in text for t in ("李娜", "王芳", "Not eligible", "Eligible", "party", "2027"))


def test_bad_dates_are_answered_in_plain_words(client, app, blocked):
    login(client, "reviewer")
    assert "YYYY-MM-DD" in shown(eligibility(client, app, as_of="24/11/2026"))


# --- proposing
# ------------------------------------------------------------------------------------------

def test_a_reviewer_proposes_a_decision_for_a_blocked_cadre(client, app, session, blocked):
    login(client, "reviewer")
    warning = call(client, app, "portrait_propose.warn_blocks", {
        "ca-pf-prop-type.value": "rank_promotion", "ca-profile-code.data": "C0001"})
    assert "blocked for this decision" in shown(warning)
    response = propose(client, app)
    decision = session.scalar(select(PersonnelDecision))
    assert decision is not None and decision.number in shown(response)
    assert f"/decisions/view?id={decision.id}" in shown(response)
    listed = response.get_json()["response"]["ca-pf-decisions"]["children"]
    assert decision.number in json.dumps(listed) and "/decisions/view?id=" in json.dumps(listed)
    assert (decision.cadre.code, decision.eligible_at_proposal, decision.proposed_by) == ("C0001",
                                                                                          False,
                                                                                          "reviewer")
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "decision.propose"))
    assert decision.number in page(client, "reviewer")  # listed among the earlier decisions


@pytest.mark.parametrize("username,code",
                         [("inspector", "C0001"), ("cadre", "C0001"), ("cadre", "C0002"),
                                           ("reviewer-d1", "C0002")])
def test_a_forged_proposal_writes_nothing(client, app, session, blocked, username, code):
    login(client, username)
    response = propose(client, app, code=code)
    assert response.status_code == 200 and "李娜" not in shown(response)
    assert decisions_written(session) == 0


@pytest.mark.parametrize("title,rationale,message",
                         [("", "理由充分", "Title of the proposal: Say what is proposed"),
                                                     ("拟提拔", "  ",
                                                      "Rationale: Give the rationale")])
def test_an_empty_title_or_rationale_is_refused(client, app, session, blocked, title, rationale,
                                                message):
    login(client, "reviewer")
    assert message in shown(propose(client, app, title=title, rationale=rationale))
    assert decisions_written(session) == 0


def test_warnings_and_proposals_are_not_for_cadres(client, app, blocked):
    login(client, "cadre")
    warning = call(client, app, "portrait_propose.warn_blocks", {
        "ca-pf-prop-type.value": "promotion", "ca-profile-code.data": "C0001"})
    assert "blocked" not in shown(warning) and "Measure" not in shown(warning)


# --- the page agrees with the command line
# -------------------------------------------------------------

@pytest.mark.parametrize("kind", ["promotion", "rank_promotion", "commendation"])
def test_the_panel_agrees_with_portal_eligibility_json(client, app, blocked, database_url,
                                                       monkeypatch, kind):
    from portal.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(main,
                                ["eligibility", "C0001", "--as-of", AS_OF.isoformat(), "--decision",
                                 kind,
                                       "--json"])
    assert result.exit_code == 0, result.output
    expected = json.loads(result.output)
    login(client, "reviewer")
    body = eligibility(client, app,
                       kind=kind).get_json()["response"]["ca-pf-elig-result"]["children"]
    assert findings(body, "block") == [(b["rule"], b["until"] or "") for b in expected["blocks"]]
    assert [rule for rule,
            _until in findings(body, "note")] == [n["rule"] for n in expected["notes"]]
    assert body["props"]["data-eligible"] == str(expected["eligible"]).lower()
