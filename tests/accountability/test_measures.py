"""Measures: recorded with their effect periods, revoked or changed on appeal without
deleting anything, follow-up visits, and what each role reads of them."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pytest
from sqlalchemy import select

from accountability import measures, service
from accountability import settings as ac_settings
from accountability.enums import CaseStage
from accountability.models import FollowUpVisit, Measure
from portal.errors import AccessDenied, Invalid
from tests.accountability.conftest import TODAY, decided_measure, move_to, open_case


def test_a_decided_admonishment_blocks_promotion_for_six_months(session, city):
    _case, measure = decided_measure(session, city, code="admonishment",
                                     decided_on=date(2026, 8, 31))
    [view] = service.measure_effects_for_cadre(session, city.actor("reviewer"), city.cadre1)
    assert (view.code, view.form, view.decided_on, view.effect_until, view.blocks) == (
        "admonishment", 1, date(2026, 8, 31), date(2027, 2, 28), "promotion")
    assert view.source == f"measure:{measure.id}" and view.case_no == "AC-2026-0001"
    assert view.in_effect(TODAY)


def test_party_probation_needs_one_or_two_years(session, city):
    case = open_case(session, city)
    move_to(session, city, case, CaseStage.DECISION)
    record = dict(code="party_probation", decided_on=date(2026, 6, 20), cadre_id=city.cadre1.id,
                  case_id=case.id,
                  today=TODAY)
    with pytest.raises(Invalid, match="1 or 2 years"):
        measures.record_measure(session, city.actor("inspector"), **record)
    with pytest.raises(Invalid, match="1 or 2 years"):
        measures.record_measure(session, city.actor("inspector"), probation_years=3, **record)
    measure = measures.record_measure(session, city.actor("inspector"), probation_years=2, **record)
    assert service.effect_of(measure.code, measure.decided_on,
                             probation_years=2).until == date(2030, 6, 20)
    with pytest.raises(Invalid, match="Only party probation"):
        measures.record_measure(session, city.actor("inspector"),
                                **{**record, "code": "party_warning"},
                                probation_years=1)


def test_an_organization_measure_is_about_a_unit_and_a_cadre_measure_about_a_cadre(session, city):
    inspector = city.actor("inspector")
    with pytest.raises(Invalid, match="choose the unit"):
        measures.record_measure(session, inspector, code="org_reorganization",
                                decided_on=date(2026, 5, 1),
                                cadre_id=city.cadre1.id, today=TODAY)
    with pytest.raises(Invalid, match="choose the cadre"):
        measures.record_measure(session, inspector, code="party_warning",
                                decided_on=date(2026, 5, 1),
                                unit_id=city.c1.id, today=TODAY)
    org = measures.record_measure(session, inspector, code="org_circular",
                                  decided_on=date(2026, 5, 1),
                                  unit_id=city.c1.id, today=TODAY)
    assert org.cadre_id is None and org.unit_id == city.c1.id


def test_a_measure_in_a_case_must_be_about_one_of_its_subjects(session, city):
    case = open_case(session, city, cadres=[city.cadre1])
    with pytest.raises(Invalid, match="not a subject of case"):
        measures.record_measure(session, city.actor("inspector"), code="admonishment",
                                decided_on=date(2026, 5, 1),
                                cadre_id=city.cadre2.id, case_id=case.id, today=TODAY)


def test_a_decision_date_in_the_future_is_refused(session, city):
    with pytest.raises(Invalid, match="future"):
        measures.record_measure(session, city.actor("inspector"), code="admonishment",
                                decided_on=date(2027, 1, 1),
                                cadre_id=city.cadre1.id, today=TODAY)


def test_reviewers_and_cadres_cannot_record_measures(session, city):
    for who in ("reviewer", "cadre"):
        with pytest.raises(AccessDenied):
            measures.record_measure(session, city.actor(who), code="admonishment",
                                    decided_on=date(2026, 5, 1),
                                    cadre_id=city.cadre1.id, today=TODAY)


def test_a_sanction_schedules_a_follow_up_visit_within_six_to_twelve_months(session, city):
    _case, measure = decided_measure(session, city, code="party_warning",
                                     decided_on=date(2026, 6, 20))
    visit = session.scalar(select(FollowUpVisit))
    assert (visit.measure_id, visit.earliest_on, visit.due_on) == (measure.id, date(2026, 12, 20),
                                                                   date(2027, 6, 20))
    rows = measures.follow_up_visits(session, city.actor("inspector"), today=TODAY)
    assert rows[0].cadre_name == city.cadre1.name and rows[0].days_left == 208
    measures.record_visit(session, city.actor("inspector"), visit.id, visited_on=date(2026, 11, 20),
                          visitor="区纪委 周强", note="思想稳定，工作积极", today=TODAY)
    assert measures.follow_up_visits(session, city.actor("inspector"), today=TODAY) == []


def test_a_talk_reminder_needs_no_follow_up_visit(session, city):
    decided_measure(session, city, code="talk_reminder")
    assert session.scalar(select(FollowUpVisit)) is None


def test_a_revoked_measure_stops_blocking_from_its_revocation_and_stays_on_record(session, city):
    _case, measure = decided_measure(session, city, code="party_serious_warning",
                                     decided_on=date(2026, 3, 15))
    measures.revoke_measure(session, city.actor("inspector"), measure.id,
                            revoked_on=date(2026, 6, 1),
                            reason="申诉复查认定事实不清，予以撤销", today=TODAY)
    session.commit()
    [view] = service.measure_effects_for_cadre(session, city.actor("reviewer"), city.cadre1)
    assert (view.revoked_on, view.effect_until) == (date(2026, 6, 1), date(2026, 6, 1))
    assert not view.in_effect(TODAY)
    with pytest.raises(Invalid, match="already revoked"):
        measures.revoke_measure(session, city.actor("inspector"), measure.id,
                                revoked_on=date(2026, 7, 1),
                                reason="again", today=TODAY)


def test_a_changed_measure_is_replaced_and_recomputed_from_the_original_decision(session, city):
    _case, measure = decided_measure(session, city, code="party_serious_warning",
                                     decided_on=date(2026, 3, 15))
    new = measures.change_measure(session, city.actor("inspector"), measure.id,
                                  new_code="party_warning",
                                  changed_on=date(2026, 7, 1), reason="复查改为警告", today=TODAY)
    session.commit()
    views = {v.measure_id: v for v in service.measure_effects_for_cadre(session,
                                                                        city.actor("reviewer"),
                                                                        city.cadre1)}
    assert views[measure.id].changed_on == date(2026, 7,
                                                1) and views[measure.id].effect_until == date(2026,
                                                                                              7, 1)
    assert views[new.id].replaces_id == measure.id
    assert (views[new.id].decided_on, views[new.id].effect_until) == (date(2026, 3, 15),
                                                                      date(2027, 3, 15))
    with pytest.raises(Invalid, match="already changed"):
        measures.revoke_measure(session, city.actor("inspector"), measure.id,
                                revoked_on=date(2026, 8, 1),
                                reason="x", today=TODAY)


def test_a_change_needs_a_different_measure_and_a_reason(session, city):
    _case, measure = decided_measure(session, city, code="party_warning")
    with pytest.raises(Invalid, match="same"):
        measures.change_measure(session, city.actor("inspector"), measure.id,
                                new_code="party_warning",
                                changed_on=date(2026, 7, 1), reason="x", today=TODAY)
    with pytest.raises(Invalid, match="reason"):
        measures.change_measure(session, city.actor("inspector"), measure.id,
                                new_code="admonishment",
                                changed_on=date(2026, 7, 1), reason="", today=TODAY)


def test_the_effect_view_carries_no_confidential_text(session, city):
    decided_measure(session, city)
    names = {f.name for f in fields(service.MeasureEffectView)}
    assert not names & {"note", "document_no", "summary", "title", "source_of_clue",
                        "revoked_reason"}
    text = repr(service.measure_effects_for_cadre(session, city.actor("reviewer"), city.cadre1))
    assert "谈话记录附卷" not in text and "江纪发" not in text


def test_inspectors_see_the_decision_document_and_notes(session, city):
    _case, measure = decided_measure(session, city)
    detail = measures.measure_detail(session, city.actor("inspector"), measure.id)
    assert detail.note == "谈话记录附卷，保密。" and detail.document_no == "江纪发〔2026〕12号"
    with pytest.raises(AccessDenied):
        measures.measure_detail(session, city.actor("reviewer"), measure.id)


def test_a_reviewer_of_another_district_cannot_read_a_cadres_measures(session, city):
    decided_measure(session, city)
    with pytest.raises(AccessDenied):
        service.measure_effects_for_cadre(session, city.actor("reviewer-d1"), city.cadre2)
    assert service.measure_effects_for_cadre(session, city.actor("reviewer-d1"), city.cadre1)
    assert service.effects_for_cadres(session, city.actor("reviewer-d1"),
                                      [city.cadre1.id, city.cadre2.id]) \
        .get(city.cadre2.id) == []


def test_a_cadre_reads_their_own_measures_and_no_one_elses(session, city):
    decided_measure(session, city)
    decided_measure(session, city, cadre=city.cadre2, code="party_warning")
    own = service.measure_effects_for_cadre(session, city.actor("cadre"), city.cadre1)
    assert [v.cadre_id for v in own] == [city.cadre1.id]
    with pytest.raises(AccessDenied):
        service.measure_effects_for_cadre(session, city.actor("cadre"), city.cadre2)
    everything = measures.measure_effects(session, city.actor("cadre"))
    assert {v.cadre_id for v in everything} == {city.cadre1.id}


def test_open_cases_show_the_stage_only_and_hide_clues_from_the_cadre(session, city):
    clue = open_case(session, city)
    filed = open_case(session, city)
    move_to(session, city, filed, CaseStage.INVESTIGATION)
    done = open_case(session, city)
    move_to(session, city, done, CaseStage.CLOSED)
    seen = service.open_cases_for_cadre(session, city.actor("reviewer"), city.cadre1)
    assert [(c.case_no, c.stage) for c in seen] == [(clue.case_no, "clue"),
                                                    (filed.case_no, "investigation")]
    assert seen[1].under_investigation and seen[1].filed_on == date(2026, 3, 1)
    assert seen[0].pending_verification and not seen[0].under_investigation
    assert not hasattr(seen[0], "summary") and not hasattr(seen[0], "title")
    own = service.open_cases_for_cadre(session, city.actor("cadre"), city.cadre1)
    assert [c.case_no for c in own] == [filed.case_no]
    with pytest.raises(AccessDenied):
        service.open_cases_for_cadre(session, city.actor("reviewer-d1"), city.cadre2)
    bulk = service.open_cases_for_cadres(session, city.actor("reviewer-d1"),
                                         [city.cadre1.id, city.cadre2.id])
    assert list(bulk) == [city.cadre1.id]


def test_measures_in_effect_on_a_day(session, city):
    decided_measure(session, city, code="admonishment", decided_on=date(2026, 1, 5))
    decided_measure(session, city, cadre=city.cadre2, code="party_warning",
                    decided_on=date(2026, 6, 20))
    now = measures.measure_effects(session, city.actor("reviewer"), in_effect_on=TODAY)
    assert [v.code for v in now] == ["party_warning"]
    assert session.scalar(select(Measure).where(Measure.code == "admonishment")) is not None


def test_the_effect_rows_read_as_plain_columns_are_those_of_the_measures_themselves(session,
                                                                                   city):
    """measure_effects and effects_for_cadres read plain rows; each view equals the one built
    from the measure object (cadre, organization, revoked, changed, without a case)."""
    inspector = city.actor("inspector")
    _case, changed = decided_measure(session, city, code="party_serious_warning",
                                     decided_on=date(2026, 3, 15))
    measures.change_measure(session, inspector, changed.id, new_code="party_warning",
                            changed_on=date(2026, 7, 1), reason="复查改为警告", today=TODAY)
    _case, revoked = decided_measure(session, city, code="admonishment", cadre=city.cadre2)
    measures.revoke_measure(session, inspector, revoked.id, revoked_on=date(2026, 8, 1),
                            reason="撤销", today=TODAY)
    measures.record_measure(session, inspector, code="org_circular", decided_on=date(2026, 5, 1),
                            unit_id=city.c1.id, today=TODAY)
    measures.record_measure(session, inspector, code="gov_warning", decided_on=date(2026, 2, 1),
                            cadre_id=city.cadre1.id, today=TODAY)
    session.commit()
    table = ac_settings.effect_table(session)
    for actor in (inspector, city.actor("reviewer"), city.actor("reviewer-d1")):
        objects = session.scalars(select(Measure).where(Measure.unit_id.in_(
            actor.scoped_unit_ids())).order_by(Measure.decided_on.desc(), Measure.id.desc()))
        expected = [measures.effect_view(m, table) for m in objects]
        assert measures.measure_effects(session, actor) == expected != []
        by_cadre = service.effects_for_cadres(session, actor, [city.cadre1.id, city.cadre2.id])
        for cadre_id, views in by_cadre.items():
            assert views == [v for v in expected if v.cadre_id == cadre_id]
