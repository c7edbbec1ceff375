"""Error tolerance (容错纠错): applications by the cadre or the unit, the checklist, the
committee's decision applied to the measure, correction, name clearing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from accountability import cases, measures, service, tolerance
from accountability.enums import CaseStage
from accountability.models import ToleranceApplication
from accountability.rules import CRITERIA, EXCLUSION
from portal.errors import AccessDenied, Invalid
from tests.accountability.conftest import TODAY, decided_measure, move_to, open_case

ALL_MET = {c.code: True for c in CRITERIA if c.group != EXCLUSION}


def applied(session, city, measure, who="cadre"):
    app = tolerance.submit_application(session, city.actor(who), measure_id=measure.id,
                                       cadre_id=city.cadre1.id,
                                       statement="为推进老旧小区改造，经集体研究先行垫付资金，未谋私利。",
                                       finding_on=date(2026, 6, 25), today=date(2026, 7, 1))
    session.commit()
    return app


def verified(session, city, app, checks=None):
    tolerance.start_verification(session, city.actor("inspector"), app.id)
    tolerance.save_verification(session, city.actor("inspector"), app.id, checks=checks or ALL_MET,
                                evidence={"followed_procedure": "党工委会议纪要第12期"},
                                notes="核实：程序合规，已追回资金。")
    session.commit()
    return app


def test_a_cadre_applies_for_tolerance_about_their_own_measure(session, city):
    case, measure = decided_measure(session, city)
    app = applied(session, city, measure)
    assert (app.applicant.value, app.cadre_id, app.case_id, app.status.value) == ("cadre",
                                                                                  city.cadre1.id,
                                                                                  case.id,
                                                                                  "submitted")
    assert app.app_no == "RC-2026-0001"


def test_a_cadre_cannot_apply_about_someone_elses_measure(session, city):
    _case, measure = decided_measure(session, city, cadre=city.cadre2)
    with pytest.raises(Invalid, match="not about this cadre"):
        tolerance.submit_application(session, city.actor("cadre"), measure_id=measure.id,
                                     statement="x",
                                     today=TODAY)
    with pytest.raises(AccessDenied):
        tolerance.submit_application(session, city.actor("cadre"), cadre_id=city.cadre2.id,
                                     statement="x",
                                     today=TODAY)


def test_a_unit_applies_on_behalf_of_a_cadre_through_the_inspector(session, city):
    app = tolerance.submit_application(session, city.actor("inspector"), cadre_id=city.cadre2.id,
                                       statement="单位为其申请容错", applicant="unit", today=TODAY)
    assert app.applicant.value == "unit" and app.measure_id is None
    with pytest.raises(AccessDenied):
        tolerance.submit_application(session, city.actor("reviewer"), cadre_id=city.cadre2.id,
                                     statement="x",
                                     today=TODAY)


def test_an_exempted_measure_no_longer_blocks(session, city):
    _case, measure = decided_measure(session, city, code="gov_demerit")
    app = verified(session, city, applied(session, city, measure))
    tolerance.decide(session, city.actor("inspector"), app.id, outcome="exempt",
                     reasons="符合三个区分开来，予以免责",
                     decided_by="区容错纠错工作委员会", decided_on=date(2026, 8, 1), today=TODAY)
    session.commit()
    [view] = service.measure_effects_for_cadre(session, city.actor("reviewer"), city.cadre1)
    assert view.tolerance_outcome == "exempt"
    assert view.blocks == "none" and not view.in_effect(TODAY)
    [outcome] = service.tolerance_outcomes_for_cadre(session, city.actor("reviewer"), city.cadre1)
    assert (outcome.outcome, outcome.measure_id) == ("exempt", measure.id)


def test_a_mitigated_decision_records_the_lighter_measure_from_the_original_date(session, city):
    _case, measure = decided_measure(session, city, code="party_serious_warning",
                                     decided_on=date(2026, 6, 20))
    app = verified(session, city, applied(session, city, measure),
                   checks={**ALL_MET, "no_serious_loss": False})
    tolerance.decide(session, city.actor("inspector"), app.id, outcome="mitigated",
                     reasons="从轻处理",
                     decided_by="区容错纠错工作委员会", decided_on=date(2026, 8, 1),
                     lighter_code="party_warning",
                     today=TODAY)
    session.commit()
    views = {v.code: v for v in service.measure_effects_for_cadre(session, city.actor("reviewer"),
                                                                  city.cadre1)}
    assert views["party_serious_warning"].changed_on == date(2026, 8, 1)
    lighter = views["party_warning"]
    assert (lighter.decided_on, lighter.effect_until, lighter.tolerance_outcome) == (
        date(2026, 6, 20), date(2027, 6, 20), "mitigated")
    assert app.measure_id == lighter.measure_id


def test_a_mitigation_must_be_lighter(session, city):
    _case, measure = decided_measure(session, city, code="admonishment")
    app = verified(session, city, applied(session, city, measure))
    with pytest.raises(Invalid, match="not lighter"):
        tolerance.decide(session, city.actor("inspector"), app.id, outcome="mitigated", reasons="x",
                         decided_by="委员会", lighter_code="party_warning", today=TODAY)


def test_an_exclusion_in_the_checklist_rules_out_exemption(session, city):
    _case, measure = decided_measure(session, city)
    app = verified(session, city, applied(session, city, measure),
                   checks={**ALL_MET, "excl_personal_gain": True})
    with pytest.raises(Invalid, match="not tolerated"):
        tolerance.decide(session, city.actor("inspector"), app.id, outcome="exempt", reasons="x",
                         decided_by="委员会", today=TODAY)
    tolerance.decide(session, city.actor("inspector"), app.id, outcome="not_tolerated",
                     reasons="存在谋取私利情形",
                     decided_by="委员会", today=TODAY)
    [view] = service.measure_effects_for_cadre(session, city.actor("reviewer"), city.cadre1)
    assert view.tolerance_outcome == "not_tolerated" and view.in_effect(TODAY)


def test_an_application_is_verified_before_it_is_decided(session, city):
    _case, measure = decided_measure(session, city)
    app = applied(session, city, measure)
    with pytest.raises(Invalid, match="under verification"):
        tolerance.decide(session, city.actor("inspector"), app.id, outcome="exempt", reasons="x",
                         decided_by="委员会", today=TODAY)


def test_a_decision_taken_during_the_case_applies_to_the_measure_recorded_later(session, city):
    case = open_case(session, city)
    move_to(session, city, case, CaseStage.REVIEW)
    app = tolerance.submit_application(session, city.actor("inspector"), cadre_id=city.cadre1.id,
                                       case_id=case.id,
                                       statement="单位申请容错", today=date(2026, 6, 5))
    verified(session, city, app)
    tolerance.decide(session, city.actor("inspector"), app.id, outcome="exempt", reasons="免责",
                     decided_by="委员会", decided_on=date(2026, 6, 10), today=TODAY)
    cases.move_case(session, city.actor("inspector"), case.id, "decision", reason="作出处理决定",
                    on=date(2026, 6, 20), today=TODAY)
    measure = measures.record_measure(session, city.actor("inspector"), code="admonishment",
                                      decided_on=date(2026, 6, 20), cadre_id=city.cadre1.id,
                                      case_id=case.id,
                                      today=TODAY)
    assert measure.tolerance_outcome.value == "exempt" and app.measure_id == measure.id


def test_correction_actions_with_owners_deadlines_and_follow_up(session, city):
    _case, measure = decided_measure(session, city)
    app = applied(session, city, measure)
    inspector = city.actor("inspector")
    first = tolerance.add_correction(session, inspector, app.id,
                                     action="追回垫付资金并完善审批制度",
                                     owner="桃桥街道党工委", due_on=date(2026, 9, 30))
    tolerance.add_correction(session, inspector, app.id, action="开展警示教育", owner="王芳",
                             due_on=date(2026, 12, 31))
    due = tolerance.corrections_due(session, inspector, today=TODAY)
    assert [(d.what, d.overdue) for d in due] == [("追回垫付资金并完善审批制度", True),
                                                  ("开展警示教育", False)]
    tolerance.complete_correction(session, inspector, first.id, done_on=date(2026, 10, 8),
                                  follow_up="资金已追回",
                                  today=TODAY)
    assert [d.what for d in tolerance.corrections_due(session, inspector,
                                                      today=TODAY)] == ["开展警示教育"]


def test_name_clearing_is_recorded_with_its_method(session, city):
    item = tolerance.open_name_clearing(session, city.actor("inspector"), cadre_id=city.cadre1.id,
                                        finding_on=date(2026, 10, 1), today=TODAY)
    assert item.due_on == date(2026, 11, 1)
    [due] = tolerance.name_clearings_due(session, city.actor("inspector"), today=TODAY)
    assert due.overdue
    tolerance.complete_name_clearing(session, city.actor("inspector"), item.id,
                                     done_on=date(2026, 11, 3),
                                     method="在街道干部大会上澄清", today=TODAY)
    assert tolerance.name_clearings_due(session, city.actor("inspector"), today=TODAY) == []


def test_reviewers_read_outcomes_only(session, city):
    _case, measure = decided_measure(session, city)
    app = applied(session, city, measure)
    [outcome] = tolerance.applications(session, city.actor("reviewer"))
    assert "垫付" not in repr(outcome)
    with pytest.raises(AccessDenied):
        tolerance.application_detail(session, city.actor("reviewer"), app.id)


def test_a_cadre_reads_their_own_application_with_the_decision_reasons(session, city):
    _case, measure = decided_measure(session, city)
    app = verified(session, city, applied(session, city, measure))
    tolerance.decide(session, city.actor("inspector"), app.id, outcome="exempt",
                     reasons="符合容错情形",
                     decided_by="委员会", today=TODAY)
    [own] = tolerance.own_applications(session, city.actor("cadre"))
    assert own.statement.startswith("为推进") and own.reasons == "符合容错情形"
    assert tolerance.applications(session, city.actor("cadre2")) == []
    with pytest.raises(AccessDenied):
        tolerance.application_detail(session, city.actor("cadre"), app.id)


def test_the_list_of_applications_read_as_plain_rows_is_that_of_the_applications(session, city):
    """applications() reads plain rows; each outcome equals the one the object gives."""
    _case, measure = decided_measure(session, city)
    app = verified(session, city, applied(session, city, measure))
    tolerance.decide(session, city.actor("inspector"), app.id, outcome="exempt",
                     reasons="符合容错情形", decided_by="委员会", today=TODAY)
    tolerance.submit_application(session, city.actor("inspector"), cadre_id=city.cadre2.id,
                                 statement="单位申请", today=TODAY)
    session.commit()
    for who in ("inspector", "reviewer", "reviewer-d1", "cadre", "cadre2"):
        actor = city.actor(who)
        found = tolerance.applications(session, actor)
        expected = [tolerance._outcome_view(a) for a in session.scalars(
            select(ToleranceApplication).order_by(ToleranceApplication.submitted_on.desc(),
                                                  ToleranceApplication.id.desc()))
            if (a.cadre_id == actor.cadre_id if who.startswith("cadre")
                else actor.in_scope(a.unit.path))]
        assert found == expected, who
    assert len(tolerance.applications(session, city.actor("inspector"))) == 2
