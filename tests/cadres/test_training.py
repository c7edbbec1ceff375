"""Training plans, progress, records and claims against the real database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from cadres import service, training
from cadres.enums import ClaimStatus, RecordSource, TrainingCategory, TrainingMode
from cadres.models import TrainingPlan, TrainingRecord, TrainingStandard
from cadres.training import ClaimInput
from portal.access import Actor
from portal.enums import CadreStatus, Rank, Role
from portal.errors import AccessDenied, Conflict, Invalid
from portal.models import AuditEvent, Cadre
from tests import factories
from tests.cadres.conftest import record

MIDYEAR = date(2026, 7, 1)


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def claim(title="自学《党章》", hours=6, day="2026-05-04", **extra) -> ClaimInput:
    values = dict(title=title, category="party_spirit", hours=hours, mode="online",
                  completed_on=day,
                  evidence="学习平台截图")
    values.update(extra)
    return ClaimInput(**values)


# --- progress --------------------------------------------------------------------------------

def test_progress_without_a_plan_follows_the_standard(session, city):
    record(session, city, city.cadre1, "理论班", 16)
    record(session, city, city.cadre1, "网络专题：党纪", 26, category=TrainingCategory.PROFESSIONAL,
           mode=TrainingMode.ONLINE)
    result = service.training_progress(session, city.actor("reviewer"), city.cadre1, 2026,
                                       as_of=MIDYEAR)
    assert result.standard_code == "general" and result.required_hours == 90
    assert (result.hours_counted, result.online_hours, result.offline_hours) == (42, 26, 16)
    assert result.behind  # 42 < 90 × 182 / 365 = 44.9
    assert result.gap("theory").missing == 4 and result.gap("online").missing == 24


def test_county_level_leader_gets_five_year_progress_from_earlier_years(session, city):
    city.cadre2.rank = Rank.COUNTY_CHIEF
    session.commit()
    record(session, city, city.cadre2, "2024年主体班", 200, day=date(2024, 6, 1))
    record(session, city, city.cadre2, "2022年主体班", 200, day=date(2022, 6, 1))
    record(session, city, city.cadre2, "2026年主体班", 40)
    result = service.training_progress(session, city.actor("reviewer"), city.cadre2, 2026,
                                       as_of=MIDYEAR)
    assert result.required_hours == 110
    assert result.five_year_window == (2023, 2027)
    assert result.five_year_hours == 240 and result.gap("five_year").missing == 310


def test_the_cadre_sees_their_own_progress_but_not_anothers(session, city):
    cadre = city.actor("cadre")
    assert service.training_progress(session, cadre, city.cadre1, 2026).year == 2026
    with pytest.raises(AccessDenied):
        service.training_progress(session, cadre, city.cadre2, 2026)
    with pytest.raises(AccessDenied):
        training.records_for(session, cadre, city.cadre2.id)


def test_a_course_recorded_twice_counts_once(session, city):
    first = record(session, city, city.cadre1, "《党章》专题学习", 8,
                   source=RecordSource.ATTENDANCE)
    again, created = training.add_record(session, city.actor("admin"), city.cadre1,
                                         title="党章 专题学习",
                                         category=TrainingCategory.THEORY, hours=8,
                                         mode=TrainingMode.OFFLINE,
                                         completed_on=date(2026, 9, 1), source=RecordSource.IMPORT)
    assert not created and again.id == first.id
    assert session.scalar(select(func.count()).select_from(TrainingRecord)) == 1


# --- plans -----------------------------------------------------------------------------------

def test_plans_are_generated_once_for_serving_cadres_in_scope(session, city):
    factories.cadre(session, "C0003", "退休人员", city.s1).status = CadreStatus.RETIRED
    session.commit()
    assert training.generate_plans(session, city.actor("reviewer-d1"), 2026) == 1
    assert training.generate_plans(session, city.actor("reviewer-d1"), 2026) == 0
    assert training.generate_plans(session, city.actor("reviewer"), 2026) == 1  # only C0002 is left
    plans = session.scalars(select(TrainingPlan)).all()
    assert sorted(p.cadre.code for p in plans) == ["C0001", "C0002"]
    assert {p.annual_hours for p in plans} == {90}
    assert actions(session).count("training.plans.generated") == 3


def test_a_reviewer_adjusts_a_plan_with_a_reason_and_progress_follows(session, city):
    record(session, city, city.cadre1, "理论班", 50)
    reviewer = city.actor("reviewer-d1")
    with pytest.raises(Invalid):
        training.adjust_plan(session, reviewer, "C0001", 2026, {"annual_hours": 60}, note="  ")
    training.adjust_plan(session, reviewer, "C0001", 2026,
                         {"annual_hours": 60, "deadline": "2026-11-30"},
                         note="长期病假，按比例减少")
    session.commit()
    result = service.training_progress(session, reviewer, city.cadre1, 2026, as_of=MIDYEAR)
    assert result.required_hours == 60 and result.deadline == date(2026, 11, 30)
    assert "training.plan.adjusted" in actions(session)


def test_the_plans_page_counts_the_plans_and_lists_the_adjusted_ones_of_its_scope(session, city):
    reviewer = city.actor("reviewer-d1")
    training.generate_plans(session, reviewer, 2026)
    training.adjust_plan(session, reviewer, "C0001", 2026, {"annual_hours": 60}, note="病假")
    session.commit()
    serving = session.scalar(select(func.count()).select_from(
        select(Cadre.id).where(reviewer.cadre_clause(),
                                         Cadre.status == CadreStatus.SERVING)
        .subquery()))
    counts = training.plan_counts(session, reviewer, 2026)
    assert counts == {"cadres": serving, "plans": serving, "adjusted": 1, "without": 0}
    assert [p.cadre.code for p in training.adjusted_plans(session, reviewer, 2026)] == ["C0001"]
    assert training.plan_counts(session, reviewer, 2025)["adjusted"] == 0
    overview, rows = training.plan_overview(session, reviewer, 2026)  # the page's cached read
    assert overview == counts
    assert [(r["code"], r["annual_hours"], r["note"]) for r in rows] == [("C0001", 60, "病假")]


def test_plans_of_cadres_outside_scope_cannot_be_adjusted(session, city):
    with pytest.raises(AccessDenied):
        training.adjust_plan(session, city.actor("reviewer-d1"), "C0002", 2026, {"annual_hours": 1},
                             "x")
    with pytest.raises(AccessDenied):
        training.adjust_plan(session, city.actor("cadre"), "C0001", 2026, {"annual_hours": 1}, "x")


# --- standards -------------------------------------------------------------------------------

def test_an_administrator_changes_a_standard_and_the_defaults_are_kept_beside_it(session, city):
    admin = city.actor("admin")
    values = {"code": "general", "name": "Other cadres", "annual_hours": 100, "online_hours": 40,
              "online_share_cap": 0.4, "theory_hours": 20, "party_spirit_hours": 20,
              "professional_hours": 30,
              "knowledge_hours": 10, "source": "本市干部教育培训实施办法 (2026)"}
    training.save_standard(session, admin, values)
    session.commit()
    # the three defaults (leading_county, civil_servant_researcher, general; 条例 art. 14) are stored  # noqa: E501
    # too
    assert session.scalar(select(func.count()).select_from(TrainingStandard)) == 3
    result = service.training_progress(session, city.actor("reviewer"), city.cadre1, 2026,
                                       as_of=MIDYEAR)
    assert (result.required_hours, result.required_online) == (100, 40)
    with pytest.raises(AccessDenied):
        training.save_standard(session, city.actor("reviewer"), values)


def test_a_standard_without_its_source_is_refused(session, city):
    with pytest.raises(Invalid):
        training.save_standard(session, city.actor("admin"), {"code": "x", "annual_hours": 1,
                                                               "online_hours": 1, "source": ""})


# --- claims ----------------------------------------------------------------------------------

def test_claim_approved_by_the_reviewer_in_scope_moves_the_cadres_progress(session, city):
    cadre, reviewer = city.actor("cadre"), city.actor("reviewer-d1")
    before = service.training_progress(session, cadre, city.cadre1, 2026, as_of=MIDYEAR)
    submitted = training.submit_claim(session, cadre, claim(), today=MIDYEAR)
    session.commit()
    assert [c.id for c in training.pending_claims(session, reviewer)] == [submitted.id]
    created = training.approve_claim(session, reviewer, submitted.id)
    session.commit()
    assert created.source == RecordSource.CLAIM and submitted.status == ClaimStatus.APPROVED
    after = service.training_progress(session, cadre, city.cadre1, 2026, as_of=MIDYEAR)
    assert after.online_hours == before.online_hours + 6
    assert after.hours_by_category[TrainingCategory.PARTY_SPIRIT] == 6
    assert actions(session)[-2:] == ["training.claim.submitted", "training.claim.approved"]


def test_a_reviewer_outside_the_cadres_subtree_neither_sees_nor_decides_the_claim(session, city):
    submitted = training.submit_claim(session, city.actor("cadre"), claim(), today=MIDYEAR)
    session.commit()
    other = factories.user(session, "reviewer-d2", Role.REVIEWER, city.d2)
    session.commit()
    outsider = Actor.for_user(other)
    assert training.pending_claims(session, outsider) == []
    with pytest.raises(AccessDenied):
        training.approve_claim(session, outsider, submitted.id)


def test_rejection_needs_a_reason_that_the_cadre_reads(session, city):
    submitted = training.submit_claim(session, city.actor("cadre"), claim(), today=MIDYEAR)
    reviewer = city.actor("reviewer")
    with pytest.raises(Invalid):
        training.reject_claim(session, reviewer, submitted.id, " ")
    training.reject_claim(session, reviewer, submitted.id, "请补充证书编号")
    session.commit()
    (mine,) = training.claims_for_cadre(session, city.actor("cadre"), city.cadre1.id)
    assert (mine.status, mine.reason) == (ClaimStatus.REJECTED, "请补充证书编号")
    assert session.scalar(select(func.count()).select_from(TrainingRecord)) == 0
    with pytest.raises(Conflict):
        training.approve_claim(session, reviewer, submitted.id)


def test_a_cadre_cannot_decide_claims(session, city):
    submitted = training.submit_claim(session, city.actor("cadre"), claim(), today=MIDYEAR)
    with pytest.raises(AccessDenied):
        training.approve_claim(session, city.actor("cadre"), submitted.id)
    with pytest.raises(AccessDenied):
        training.pending_claims(session, city.actor("cadre"))


def test_a_claim_for_a_course_already_recorded_is_refused(session, city):
    record(session, city, city.cadre1, "自学《党章》", 6)
    with pytest.raises(Conflict):
        training.submit_claim(session, city.actor("cadre"), claim(), today=MIDYEAR)


def test_a_claim_already_waiting_is_not_submitted_twice(session, city):
    training.submit_claim(session, city.actor("cadre"), claim(), today=MIDYEAR)
    with pytest.raises(Conflict):
        training.submit_claim(session, city.actor("cadre"), claim(title="自学 《党章》"),
                              today=MIDYEAR)


@pytest.mark.parametrize(("changes", "field"), [
    ({"hours": "0"}, "hours"), ({"hours": "abc"}, "hours"), ({"day": "2026-08-01"}, "completed_on"),
    ({"day": "2024-05-01"}, "completed_on"), ({"evidence": ""}, "evidence"),
                                                ({"title": " "}, "title"),
    ({"category": "sports"}, "category"), ({"day": "05/04/2026"}, "completed_on"),
])
def test_a_bad_claim_says_which_field_is_wrong(session, city, changes, field):
    with pytest.raises(Invalid) as problem:
        training.submit_claim(session, city.actor("cadre"), claim(**changes), today=MIDYEAR)
    assert problem.value.field == field


def test_a_cadre_withdraws_a_pending_claim(session, city):
    submitted = training.submit_claim(session, city.actor("cadre"), claim(), today=MIDYEAR)
    with pytest.raises(AccessDenied):
        training.withdraw_claim(session, city.actor("cadre2"), submitted.id)
    training.withdraw_claim(session, city.actor("cadre"), submitted.id)
    assert submitted.status == ClaimStatus.WITHDRAWN


def test_a_reviewer_removes_a_wrong_record_and_the_audit_keeps_it(session, city):
    wrong = record(session, city, city.cadre1, "误录课程", 8)
    training.delete_record(session, city.actor("reviewer-d1"), wrong.id)
    session.commit()
    assert session.get(TrainingRecord, wrong.id) is None
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "training.record.deleted"))
    assert event.summary["before"]["title"] == "误录课程"
