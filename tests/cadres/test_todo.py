"""What waits for reviewers and cadres (cadres.todo) and the notices decisions send."""

from __future__ import annotations

from datetime import date

import pytest

from cadres import decisions, training
from cadres import todo as cadre_todo
from cadres.enums import DecisionOutcome, DecisionType
from portal import notices, todo
from portal.enums import Role
from portal.i18n import use_lang
from tests import factories
from tests.cadres.test_training import MIDYEAR, claim


@pytest.fixture
def city(session):
    built = factories.city(session)
    built.users["reviewer-d2"] = factories.user(session, "reviewer-d2", Role.REVIEWER, built.d2)
    session.commit()
    return built


def kinds(items) -> dict[str, int]:
    return {i.kind: i.count for i in items}


def test_claims_to_approve_are_counted_within_the_reviewers_scope(session, city):
    training.submit_claim(session, city.actor("cadre"), claim(), today=MIDYEAR)
    training.submit_claim(session, city.actor("cadre"), claim(title="自学《条例》"), today=MIDYEAR)
    session.commit()
    assert kinds(todo.compute(session, city.actor("reviewer")))["training.claims"] == 2
    assert kinds(todo.compute(session, city.actor("reviewer-d1")))["training.claims"] == 2
    # cadre1 serves in district 1: district 2's reviewer has nothing to approve
    assert "training.claims" not in kinds(todo.compute(session, city.actor("reviewer-d2")))
    # nor does the inspector, who approves no claims
    assert "training.claims" not in kinds(todo.compute(session, city.actor("inspector")))
    [item] = [i for i in todo.compute(session, city.actor("reviewer"))
              if i.kind == "training.claims"]
    assert item.href == "/training/claims"


def test_the_cadre_is_told_when_a_claim_is_approved_or_rejected(session, city):
    first = training.submit_claim(session, city.actor("cadre"), claim(), today=MIDYEAR)
    second = training.submit_claim(session, city.actor("cadre"), claim(title="自学《条例》"),
                                   today=MIDYEAR)
    session.commit()
    assert kinds(todo.compute(session, city.actor("cadre")))["training.claims.pending"] == 2
    training.approve_claim(session, city.actor("reviewer"), first.id)
    training.reject_claim(session, city.actor("reviewer"), second.id, "无学习证明")
    session.commit()
    mine = notices.list_for(session, city.actor("cadre"))
    assert [n.kind for n in mine] == ["training.claim.rejected", "training.claim.approved"]
    assert "无学习证明" in mine[0].text and mine[0].href == "/my/training"
    with use_lang("zh"):
        assert "未通过" in notices.list_for(session, city.actor("cadre"))[0].text
    assert notices.unread_count(session, city.actor("cadre2")) == 0
    assert notices.unread_count(session, city.actor("reviewer")) == 0
    left = kinds(todo.compute(session, city.actor("cadre")))
    assert left.get("training.claims.rejected") == 1 and "training.claims.pending" not in left


def test_a_cadre_behind_the_years_plan_sees_it(session, city):
    [item] = [i for i in cadre_todo.own_training(session, city.actor("cadre"),
                                                  today=date(2026, 10, 1))
              if i.kind == "training.behind"]
    assert item.href == "/my/training" and item.count > 0
    assert item.severity == todo.Severity.DUE
    # early in January nothing is expected yet
    assert not [i for i in cadre_todo.own_training(session, city.actor("cadre"),
                                                    today=date(2026, 1, 1))
                if i.kind == "training.behind"]
    # a reviewer has no training of their own here
    assert cadre_todo.own_training(session, city.actor("reviewer"), today=date(2026, 10, 1)) == []


def propose(session, city, who="reviewer-d1"):
    decision = decisions.propose(session, city.actor(who), cadre_code="C0001",
                                 decision_type=DecisionType.COMMENDATION, title="拟评优",
                                 rationale="工作实绩突出。", as_of=date(2026, 11, 24))
    session.commit()
    return decision


def test_decisions_to_review_and_decide_are_counted_in_scope(session, city):
    decision = propose(session, city)
    assert kinds(todo.compute(session, city.actor("reviewer")))["decisions.review"] == 1
    assert "decisions.review" not in kinds(todo.compute(session, city.actor("reviewer-d2")))
    decisions.review(session, city.actor("reviewer"), decision.id, "材料齐全。")
    session.commit()
    found = kinds(todo.compute(session, city.actor("reviewer-d1")))
    assert found.get("decisions.decide") == 1 and "decisions.review" not in found


def test_the_proposer_is_told_of_the_review_and_the_decision(session, city):
    decision = propose(session, city)
    decisions.review(session, city.actor("reviewer"), decision.id, "材料齐全。")
    decisions.decide(session, city.actor("reviewer"), decision.id,
                     outcome=DecisionOutcome.APPROVED, note="江组干〔2026〕9号",
                     decided_on=date(2026, 12, 1))
    session.commit()
    told = notices.list_for(session, city.actor("reviewer-d1"))
    assert [n.kind for n in told] == ["decision.decided", "decision.reviewed"]
    assert decision.number in told[0].text and "Approved" in told[0].text
    assert told[0].href == f"/decisions/view?id={decision.id}"
    with use_lang("zh"):
        assert "已作出决定" in notices.list_for(session, city.actor("reviewer-d1"))[0].text
    # the reviewer who took the steps is not told of their own work
    assert notices.unread_count(session, city.actor("reviewer")) == 0


def test_a_proposer_deciding_their_own_proposal_gets_no_notice(session, city):
    decision = propose(session, city, who="reviewer")
    decisions.review(session, city.actor("reviewer"), decision.id, "材料齐全。")
    session.commit()
    assert notices.unread_count(session, city.actor("reviewer")) == 0
