"""Personnel decisions: proposal → review → decision, frozen evidence, overrides, scope."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update

from assessment import periods, scores
from assessment.enums import PeriodStatus
from cadres import decisions, evidence
from cadres.enums import DecisionOutcome, DecisionStatus, DecisionType
from cadres.models import PersonnelDecision
from portal.errors import AccessDenied, Conflict, Invalid, NotFound
from portal.models import AuditEvent
from tests.assessment.conftest import S1_VALUES, S2_VALUES, enter, open_period, publish
from tests.assessment.conftest import street_scheme as street_scheme  # noqa: F401  (fixture)
from tests.cadres.test_evidence import AS_OF, sanctioned  # noqa: F401  (fixture)
from tests.cadres.test_evidence import city as city


def propose(session, city, code="C0001", kind=DecisionType.PROMOTION, who="reviewer"):
    decision = decisions.propose(session, city.actor(who), cadre_code=code, decision_type=kind,
                                 title="拟提拔为街道办事处主任",
                                 rationale="工作实绩突出，群众公认。", as_of=AS_OF)
    session.commit()
    return decision


def reviewed(session, city, decision):
    decisions.review(session, city.actor("reviewer"), decision.id, "经审核，材料齐全。")
    session.commit()
    return decision


def actions(session):
    return [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def test_proposal_freezes_the_evidence_with_its_hash(session, city):
    decision = propose(session, city)
    assert decision.number == "PD-2026-0001" and decision.status == DecisionStatus.PROPOSED
    assert decision.snapshot["profile"]["cadre"]["code"] == "C0001"
    assert decision.snapshot_hash == evidence.snapshot_hash(decision.snapshot)
    assert decision.eligible_at_proposal and "decision.propose" in actions(session)


def test_the_full_path_to_an_approved_decision(session, city):
    decision = reviewed(session, city, propose(session, city))
    decisions.decide(session, city.actor("reviewer"), decision.id, outcome=DecisionOutcome.APPROVED,
                     note="江组干〔2026〕8号", decided_on=date(2026, 12, 1))
    session.commit()
    assert (decision.status, decision.outcome, decision.overridden) == \
        (DecisionStatus.DECIDED, DecisionOutcome.APPROVED, False)


def test_decision_needs_the_review_first(session, city):
    decision = propose(session, city)
    with pytest.raises(Invalid, match="after the review"):
        decisions.decide(session, city.actor("reviewer"), decision.id,
                         outcome=DecisionOutcome.APPROVED,
                         note="x", decided_on=AS_OF)


def test_approving_against_a_block_needs_an_override_reason(session, city):
    sanctioned(session, city, "party_warning", date(2026, 6, 20))
    decision = reviewed(session, city, propose(session, city))
    assert not decision.eligible_at_proposal and decision.blocks_at_proposal == 1
    with pytest.raises(Invalid, match="override reason") as refused:
        decisions.decide(session, city.actor("reviewer"), decision.id,
                         outcome=DecisionOutcome.APPROVED,
                         note="江组干〔2026〕9号", decided_on=AS_OF)
    assert refused.value.field == "override_reason"
    session.rollback()
    decisions.decide(session, city.actor("reviewer"), decision.id, outcome=DecisionOutcome.APPROVED,
                     note="江组干〔2026〕9号", decided_on=AS_OF,
                     override_reason="经市委常委会研究，特殊岗位急需。")
    session.commit()
    assert decision.overridden and "decision.override" in actions(session)


def test_rejecting_a_blocked_cadre_needs_no_override(session, city):
    sanctioned(session, city, "party_warning", date(2026, 6, 20))
    decision = reviewed(session, city, propose(session, city))
    decisions.decide(session, city.actor("reviewer"), decision.id, outcome=DecisionOutcome.REJECTED,
                     note="处分影响期内，不予提拔。", decided_on=AS_OF)
    assert not decision.overridden


def test_admonishment_talk_is_not_subject_to_the_negative_list(session, city):
    sanctioned(session, city, "party_warning", date(2026, 6, 20))
    decision = reviewed(session, city, propose(session, city, kind=DecisionType.ADMONISHMENT_TALK))
    decisions.decide(session, city.actor("reviewer"), decision.id, outcome=DecisionOutcome.APPROVED,
                     note="约谈记录", decided_on=AS_OF)
    assert not decision.overridden


def test_frozen_evidence_survives_later_score_edits_and_the_change_is_flagged(session, city,
                                                                              street_scheme):  # noqa: F811
    code = open_period(session, city)
    enter(session, city, code, city.s1, S1_VALUES)
    enter(session, city, code, city.s2, S2_VALUES)
    publish(session, city, code)
    decision = propose(session, city)
    frozen = decision.snapshot["profile"]["unit_results"][f"S1|{code}"]["composite"]
    assert frozen == 92.0
    # the score is corrected and the period published again
    reviewer = city.actor("reviewer")
    periods.transition(session, reviewer, code, PeriodStatus.REVIEWING, reason="更正安全事件数")
    existing = scores.get_score(session, reviewer, code, city.s1.id, "I3")
    scores.set_score(session, reviewer, code, city.s1.id, "I3", 3, existing.version)
    publish(session, city, code)
    session.expire_all()
    decision = decisions.get_decision(session, reviewer, decision.id)
    assert decision.snapshot["profile"]["unit_results"][f"S1|{code}"]["composite"] == 92.0
    check = decisions.check_evidence(session, reviewer, decision)
    assert check.intact
    changed = {c.path: (c.then, c.now) for c in check.changes}
    assert changed[f"profile/unit_results/S1|{code}/composite"] == (92.0, 84.0)


def test_an_edited_snapshot_is_detected(session, city, clean_db):
    decision = propose(session, city)
    with clean_db.begin() as connection:
        tampered = {**decision.snapshot,
                    "eligibility": {**decision.snapshot["eligibility"], "eligible": False}}
        connection.execute(update(PersonnelDecision).where(PersonnelDecision.id == decision.id)
                           .values(snapshot=tampered))
    session.expire_all()
    fresh = decisions.get_decision(session, city.actor("reviewer"), decision.id)
    assert not decisions.check_evidence(session, city.actor("reviewer"), fresh).intact


def test_concurrent_edit_is_refused(session, city):
    decision = propose(session, city)
    with pytest.raises(Conflict):
        decisions.review(session, city.actor("reviewer"), decision.id, "ok",
                         version=decision.version + 1)


def test_two_proposals_numbered_at_the_same_moment_leave_the_second_unsaved(session, city,
                                                                            monkeypatch):
    first = propose(session, city)
    monkeypatch.setattr(decisions, "_next_number", lambda _session,
                        _year: first.number)  # the race, replayed
    with pytest.raises(Conflict, match="numbered at the same moment"):
        propose(session, city, code="C0002")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(PersonnelDecision)) == 1
    assert actions(session).count("decision.propose") == 1


def test_scope_and_roles(session, city):
    with pytest.raises(AccessDenied):
        propose(session, city, code="C0002", who="reviewer-d1")
    session.rollback()
    with pytest.raises(AccessDenied):
        propose(session, city, who="inspector")
    session.rollback()
    other = propose(session, city, code="C0002")
    with pytest.raises(NotFound):
        decisions.get_decision(session, city.actor("reviewer-d1"), other.id)
    assert decisions.list_decisions(session, city.actor("reviewer-d1")) == []
    with pytest.raises(AccessDenied):
        decisions.list_decisions(session, city.actor("inspector"))


def test_a_cadre_sees_only_their_own_decided_decisions(session, city):
    mine = reviewed(session, city, propose(session, city))
    assert decisions.list_decisions(session, city.actor("cadre")) == []  # not decided yet
    decisions.decide(session, city.actor("reviewer"), mine.id, outcome=DecisionOutcome.APPROVED,
                     note="江组干〔2026〕8号", decided_on=AS_OF)
    session.commit()
    propose(session, city, code="C0002")
    assert [d.number for d in decisions.list_decisions(session,
                                                       city.actor("cadre"))] == [mine.number]


def test_withdrawal_needs_a_reason_and_keeps_the_row(session, city):
    decision = propose(session, city)
    with pytest.raises(Invalid):
        decisions.withdraw(session, city.actor("reviewer"), decision.id, "  ")
    decisions.withdraw(session, city.actor("reviewer"), decision.id, "人选调整")
    session.commit()
    assert decisions.get_decision(session, city.actor("reviewer"),
                                  decision.id).status == DecisionStatus.WITHDRAWN
