"""The personnel decision pages: the list and its filters, the frozen evidence with its
integrity check and the changes since, and the workflow steps through the Dash endpoint
as each role."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select, text, update

from cadres import decisions, grades
from cadres.enums import DecisionOutcome, DecisionStatus, DecisionType
from cadres.models import PersonnelDecision
from portal.models import AuditEvent
from tests.cadres.callbacks import call
from tests.cadres.test_evidence import AS_OF, sanctioned
from tests.web import callback, login


def shown(response) -> str:
    return json.dumps(response.get_json(), ensure_ascii=False)


def page(client, path: str, search: str = "") -> str:
    response = callback(client, [("_pages_content", "children"), ("_pages_store", "data")],
                        [("_pages_location", "pathname", path),
                         ("_pages_location", "search", search)])
    assert response.status_code == 200, path
    return shown(response)


def propose(session, city, code="C0001", kind=DecisionType.PROMOTION):
    decision = decisions.propose(session, city.actor("reviewer"), cadre_code=code,
                                 decision_type=kind,
                                 title="拟提拔为街道办事处主任", rationale="工作实绩突出。",
                                 as_of=AS_OF)
    session.commit()
    return decision


def reviewed(session, city, decision):
    decisions.review(session, city.actor("reviewer"), decision.id, "材料齐全。")
    session.commit()
    return decision


def actions(session) -> list[str]:
    return [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


@pytest.fixture
def two(session, city):
    """A blocked promotion of 王芳 (C0001, district 1), reviewed, and a commendation of 李娜
    (C0002, district 2), proposed."""
    sanctioned(session, city, "party_warning", date(2026, 6, 20))
    blocked = reviewed(session, city, propose(session, city))
    eligible = propose(session, city, code="C0002", kind=DecisionType.COMMENDATION)
    return blocked, eligible


def search(client, app, **values):
    given = {"ca-dc-unit.value": None, "ca-dc-types.value": [], "ca-dc-statuses.value": [],
             "ca-dc-dates.start_date": None, "ca-dc-dates.end_date": None,
             "ca-dc-overrides.value": False}
    given.update({f"ca-dc-{k}": v for k, v in values.items()})
    response = call(client, app, "decisions.search", given)
    assert response.status_code == 200
    return response.get_json()["response"]


def numbers(found) -> list[str]:
    return [row["number"] for row in found["ca-dc-grid"]["rowData"]]


# --- the list ------------------------------------------------------------------------------------

def test_the_list_page_and_its_filters_for_a_reviewer(client, app, city, session, two):
    blocked, eligible = two
    login(client, "reviewer")
    layout = page(client, "/decisions")
    assert "Personnel decisions" in layout and "ca-dc-grid" in layout and "Export XLSX" in layout
    everything = search(client, app)
    assert set(numbers(everything)) == {blocked.number, eligible.number}
    row = next(r for r in everything["ca-dc-grid"]["rowData"] if r["number"] == blocked.number)
    assert (row["cadre"], row["eligible"], row["status"]) == ("王芳（C0001）", "Blocked (1)",
                                                              "Reviewed")
    assert numbers(search(client, app, **{"unit.value": city.d1.id})) == [blocked.number]
    assert numbers(search(client, app, **{"types.value": ["commendation"]})) == [eligible.number]
    assert numbers(search(client, app, **{"statuses.value": ["proposed"]})) == [eligible.number]
    assert numbers(search(client, app, **{"dates.start_date": "2026-12-01"})) == []
    assert numbers(search(client, app, **{"overrides.value": True})) == []
    kpis = json.dumps(everything["ca-dc-kpis"], ensure_ascii=False)
    assert "Open proposals" in kpis


def test_an_override_is_marked_in_the_list(client, app, city, session, two):
    blocked, _eligible = two
    decisions.decide(session, city.actor("reviewer"), blocked.id, outcome=DecisionOutcome.APPROVED,
                     note="文号",
                     decided_on=AS_OF, override_reason="特殊岗位急需。")
    session.commit()
    login(client, "reviewer")
    found = search(client, app, **{"overrides.value": True})
    assert numbers(found) == [blocked.number]
    assert found["ca-dc-grid"]["rowData"][0]["overridden"] is True


def test_the_empty_list_says_how_decisions_come_about(client, app, city):
    login(client, "reviewer")
    found = search(client, app)
    assert found["ca-dc-grid"]["rowData"] == []
    assert "proposal on a cadre's profile" in json.dumps(found["ca-dc-empty"])


def test_a_district_reviewer_sees_no_decision_of_another_district(client, app, city, session, two):
    blocked, eligible = two
    login(client, "reviewer-d1")
    assert numbers(search(client, app)) == [blocked.number]
    assert "No such unit" in json.dumps(search(client, app, **{"unit.value": city.d2.id}))
    assert "李娜" not in page(client, "/decisions/view", f"?id={eligible.id}")
    assert "No such decision" in page(client, "/decisions/view", f"?id={eligible.id}")


def test_malformed_filters_get_a_message(client, app, city):
    login(client, "reviewer")
    assert "Choose the filters again" in json.dumps(search(client, app,
                                                           **{"types.value": ["nonsense"]}))


def test_the_export_is_scoped_and_audited(client, app, city, session, two):
    login(client, "reviewer-d1")
    response = call(client, app, "decisions.export",
                    {"ca-dc-export.n_clicks": 1, "ca-dc-overrides.value": False})
    download = response.get_json()["response"]["ca-dc-download"]["data"]
    assert download["filename"].endswith(".xlsx") and download["base64"]
    session.expire_all()
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
    assert event.summary["rows"] == 1 and event.actor == "reviewer-d1"


# --- the view ------------------------------------------------------------------------------------

def test_the_view_shows_the_frozen_evidence_and_flags_later_changes(client, city, session):
    decision = propose(session, city)
    login(client, "reviewer")
    before = page(client, "/decisions/view", f"?id={decision.id}")
    assert (
        decision.number in before
        and "Frozen evidence" in before
        and decision.snapshot_hash in before
    )
    assert (
        "Intact" in before and "Nothing has changed" in before and "Eligible at proposal" in before
    )
    grades.set_grade(session, city.actor("reviewer"), "C0001", 2025, "basically_competent")
    session.commit()
    after = page(client, "/decisions/view", f"?id={decision.id}")
    assert "differ from the frozen evidence" in after
    assert "Annual appraisal grades" in after and "Basically competent" in after
    assert "Eligible at proposal" in after  # the frozen eligibility stays
    assert "Intact" in after


def test_a_tampered_snapshot_shows_as_altered(client, city, session, clean_db):
    decision = propose(session, city)
    tampered = {**decision.snapshot,
                "eligibility": {**decision.snapshot["eligibility"], "eligible": False}}
    with clean_db.begin() as connection:
        connection.execute(update(PersonnelDecision).where(PersonnelDecision.id == decision.id)
                           .values(snapshot=tampered))
    login(client, "reviewer")
    shown_page = page(client, "/decisions/view", f"?id={decision.id}")
    assert "The frozen evidence was altered" in shown_page and "Altered" in shown_page


def test_a_cadre_sees_their_decided_decision_without_actions(client, city, session):
    decision = reviewed(session, city, propose(session, city))
    other = propose(session, city, code="C0002")
    login(client, "cadre")
    assert "No such decision" in page(client, "/decisions/view",
                                      f"?id={decision.id}")  # not decided yet
    decisions.decide(session, city.actor("reviewer"), decision.id, outcome=DecisionOutcome.APPROVED,
                     note="文号",
                     decided_on=AS_OF)
    session.commit()
    mine = page(client, "/decisions/view", f"?id={decision.id}")
    assert decision.number in mine and "Intact" in mine
    assert "Record the" not in mine and "Withdraw" not in mine
    theirs = page(client, "/decisions/view", f"?id={other.id}")
    assert "李娜" not in theirs and other.number not in theirs


# --- the workflow through the endpoint -----------------------------------------------------------

def review_values(decision, note="材料齐全，同意提交。", version=None):
    return {"ca-dc-review.n_clicks": 1, "ca-dc-review-note.value": note,
            "ca-dc-id.data": decision.id,
            "ca-dc-version.data": decision.version if version is None else version}


def test_a_reviewer_reviews_through_the_page(client, app, city, session):
    decision = propose(session, city)
    login(client, "reviewer")
    response = call(client, app, "decision_view.review", review_values(decision))
    assert "Review of PD-2026-0001 recorded" in shown(response)
    assert "Record the decision" in shown(response)  # the page moved on to the decision step
    session.expire_all()
    assert session.get(PersonnelDecision, decision.id).status == DecisionStatus.REVIEWED
    assert "decision.review" in actions(session)


@pytest.mark.parametrize("who", ["inspector", "cadre"])
def test_others_cannot_review_and_nothing_is_written(client, app, city, session, who):
    decision = propose(session, city)
    login(client, who)
    session.expire_all()
    count = session.scalar(select(func.count()).select_from(AuditEvent))  # the login is audited
    response = call(client, app, "decision_view.review", review_values(decision))
    assert response.status_code in (200, 403)
    assert "Review of" not in shown(response) if response.is_json else True
    session.expire_all()
    assert session.get(PersonnelDecision, decision.id).status == DecisionStatus.PROPOSED
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == count


def test_a_stale_page_gets_the_conflict_message(client, app, city, session):
    decision = propose(session, city)
    login(client, "reviewer")
    response = call(client, app, "decision_view.review",
                    review_values(decision, version=decision.version + 5))
    assert "Someone else changed this decision" in shown(response)
    session.expire_all()
    assert session.get(PersonnelDecision, decision.id).status == DecisionStatus.PROPOSED


def decide_values(decision, outcome="approved", override=None):
    return {"ca-dc-decide.n_clicks": 1, "ca-dc-outcome.value": outcome,
            "ca-dc-decided-on.value": "2026-11-25",
            "ca-dc-decision-note.value": "江组干〔2026〕9号", "ca-dc-override.value": override,
            "ca-dc-id.data": decision.id, "ca-dc-version.data": decision.version}


def test_approving_a_blocked_cadre_needs_an_override_reason(client, app, city, session, two):
    blocked, _eligible = two
    login(client, "reviewer")
    refused = call(client, app, "decision_view.decide",
                   decide_values(blocked)).get_json()["response"]
    assert "approving needs an override reason" in json.dumps(refused)
    assert refused["ca-dc-override-box"]["style"] == {}
    session.expire_all()
    assert session.get(PersonnelDecision, blocked.id).status == DecisionStatus.REVIEWED
    done = call(client, app, "decision_view.decide",
                decide_values(blocked, override="经市委常委会研究，特殊岗位急需。"))
    assert "Decision PD-2026-0001 recorded" in shown(done) and "Override reason" in shown(done)
    session.expire_all()
    stored = session.get(PersonnelDecision, blocked.id)
    assert (stored.status, stored.overridden) == (DecisionStatus.DECIDED, True)
    assert "decision.override" in actions(session)


def test_the_decide_form_shows_the_override_field_for_a_blocked_cadre(client, city, session, two):
    blocked, _eligible = two
    login(client, "reviewer")
    shown_page = page(client, "/decisions/view", f"?id={blocked.id}")
    assert (
        "Override reason (only for an approval)" in shown_page
        and "The cadre is blocked" in shown_page
    )


def test_an_inspector_cannot_decide(client, app, city, session, two):
    blocked, _eligible = two
    login(client, "inspector")
    response = call(client, app, "decision_view.decide", decide_values(blocked, override="x"))
    assert "Decision PD" not in shown(response)
    session.expire_all()
    assert session.get(PersonnelDecision, blocked.id).status == DecisionStatus.REVIEWED


def test_a_reviewer_withdraws_with_a_reason(client, app, city, session):
    decision = propose(session, city)
    login(client, "reviewer")
    values = {"ca-dc-withdraw.n_clicks": 1, "ca-dc-id.data": decision.id,
              "ca-dc-version.data": decision.version}
    empty = call(client, app, "decision_view.withdraw",
                 {**values, "ca-dc-withdraw-reason.value": " "})
    assert "Say why the proposal is withdrawn" in shown(empty)
    done = call(client, app, "decision_view.withdraw",
                {**values, "ca-dc-withdraw-reason.value": "人选调整"})
    assert "withdrawn" in shown(done)
    session.expire_all()
    assert session.get(PersonnelDecision, decision.id).status == DecisionStatus.WITHDRAWN
    assert "decision.withdraw" in actions(session)


def test_a_cadre_cannot_withdraw(client, app, city, session):
    decision = propose(session, city)
    login(client, "cadre")
    call(client, app, "decision_view.withdraw",
         {"ca-dc-withdraw.n_clicks": 1, "ca-dc-id.data": decision.id,
                                                  "ca-dc-version.data": decision.version,
                                                  "ca-dc-withdraw-reason.value": "x"})
    session.expire_all()
    assert session.get(PersonnelDecision, decision.id).status == DecisionStatus.PROPOSED


def test_evidence_frozen_in_chinese_shows_no_change_when_read_in_english(client, city, session):
    from portal.i18n import use_lang

    sanctioned(session, city, "party_warning", date(2026, 6, 20))
    with use_lang("zh"):
        decision = propose(session, city)
    login(client, "reviewer")
    assert "Nothing has changed" in page(client, "/decisions/view", f"?id={decision.id}")


def test_an_inspector_gets_no_export_and_nothing_is_audited(client, app, city, session, two):
    login(client, "inspector")
    response = call(client, app, "decisions.export",
                    {"ca-dc-export.n_clicks": 1, "ca-dc-overrides.value": False})
    assert (
        response.status_code == 403 and "response" not in response.get_json()
    )  # not an inspector's page
    session.expire_all()
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "export")) is None


def test_an_override_is_highlighted_on_the_decision_page(client, city, session, two):
    blocked, _eligible = two
    decisions.decide(session, city.actor("reviewer"), blocked.id, outcome=DecisionOutcome.APPROVED,
                     note="文号",
                     decided_on=AS_OF, override_reason="特殊岗位急需。")
    session.commit()
    login(client, "reviewer")
    shown_page = page(client, "/decisions/view", f"?id={blocked.id}")
    assert "ca-dc-override-reason" in shown_page and "特殊岗位急需。" in shown_page
    assert (
        "Record the decision" not in shown_page
        and "The decision rested on the frozen values" not in shown_page
    )


# --- isolation: a cadre calls every callback of these pages with another cadre's decision --------

def cadre_calls(other) -> dict[str, dict]:
    ids = {"ca-dc-id.data": other.id, "ca-dc-version.data": other.version}
    return {
        "decisions.search": {"ca-dc-unit.value": None, "ca-dc-types.value": [],
                             "ca-dc-statuses.value": []},
        "decisions.export": {"ca-dc-export.n_clicks": 1},
        "decision_view.review": {"ca-dc-review.n_clicks": 1, "ca-dc-review-note.value": "x", **ids},
        "decision_view.decide": {"ca-dc-decide.n_clicks": 1, "ca-dc-outcome.value": "approved",
                                 "ca-dc-decided-on.value": "2026-11-25",
                                 "ca-dc-decision-note.value": "x",
                                 "ca-dc-override.value": "x", **ids},
        "decision_view.withdraw": {"ca-dc-withdraw.n_clicks": 1, "ca-dc-withdraw-reason.value": "x",
                                   **ids},
    }


ISOLATION_TESTED = {"decisions.search", "decisions.export", "decision_view.review",
                    "decision_view.decide",
                    "decision_view.withdraw"}


@pytest.mark.parametrize("name", sorted(ISOLATION_TESTED))
def test_a_cadre_gets_nothing_of_another_cadres_decision(client, app, city, session, two, name):
    _blocked, other = two  # 李娜's commendation, proposed
    reviewed(session, city, other)
    login(client, "cadre")
    session.expire_all()
    count = session.scalar(select(func.count()).select_from(AuditEvent))
    response = call(client, app, name, cadre_calls(other)[name])
    assert response.status_code in (200, 204, 403)
    assert "李娜" not in shown(response) and "C0002" not in shown(response)
    session.expire_all()
    assert session.get(PersonnelDecision, other.id).status == DecisionStatus.REVIEWED
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == count


def test_every_callback_of_the_decision_pages_has_an_isolation_test(app):
    from tests.cadres.callbacks import cadres_callbacks
    from tests.cadres.test_appointment_print import ISOLATION_TESTED as PRINT_TESTED

    mine = {name for name in cadres_callbacks(app) if name.startswith(("decisions.",
                                                                       "decision_view."))}
    # the decision's appointment form (.lrmx) is tested with the printed form
    assert mine == ISOLATION_TESTED | {n for n in PRINT_TESTED if n.startswith("decision_view.")}


def test_opening_a_decision_or_a_cadre_profile_is_logged_with_who_and_when(client, city, session):
    decision = propose(session, city)
    login(client, "reviewer-d1")
    page(client, "/decisions/view", f"?id={decision.id}")
    page(client, "/cadres/profile", "?code=C0001")
    session.expire_all()
    views = [(e.action, e.entity_id, e.actor, e.at is not None) for e in session.scalars(
        select(AuditEvent).where(AuditEvent.action.startswith("view.")).order_by(AuditEvent.seq))]
    assert views == [("view.personnel_decision", str(decision.id), "reviewer-d1", True),
                     ("view.cadre", str(city.cadre1.id), "reviewer-d1", True)]


def test_a_decisions_rationale_is_encrypted_in_the_table_and_read_back_in_full(city, session,
                                                                               clean_db):
    decision = propose(session, city)
    with clean_db.connect() as connection:
        stored = connection.execute(text("SELECT rationale FROM personnel_decision")).scalar_one()
    assert stored.startswith("v1:") and "工作实绩" not in stored
    session.expire_all()
    assert session.get(PersonnelDecision, decision.id).rationale == "工作实绩突出。"
