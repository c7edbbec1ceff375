"""What waits for inspectors and cadres in accountability (accountability.todo), the overdue
notices generated when an inspector next opens a page, and the cadre's decided application."""

from __future__ import annotations

from datetime import date

import pytest

from accountability import todo as ac_todo
from accountability import tolerance
from accountability.enums import CaseStage
from accountability.rules import CRITERIA
from portal import notices, todo
from portal.enums import Role
from portal.i18n import use_lang
from tests import factories
from tests.accountability.conftest import TODAY, decided_measure, move_to, open_case


@pytest.fixture
def city(session):
    built = factories.city(session)
    built.users["inspector-d2"] = factories.user(session, "inspector-d2", Role.INSPECTOR, built.d2)
    built.users["inspector-d1"] = factories.user(session, "inspector-d1", Role.INSPECTOR, built.d1)
    session.commit()
    return built


def kinds(items) -> dict[str, int]:
    return {i.kind: i.count for i in items}


def test_overdue_and_coming_case_stages_are_counted_in_scope(session, city):
    case = open_case(session, city)  # about cadre1, district 1
    move_to(session, city, case, CaseStage.VERIFICATION)  # 3 months from 2026-01-10
    due = case.due_on
    assert due == date(2026, 4, 10)
    late = ac_todo.case_deadlines(session, city.actor("inspector"), today=date(2026, 5, 1))
    assert kinds(late) == {"cases.overdue": 1}
    assert late[0].severity == todo.Severity.OVERDUE and late[0].due == due
    soon = ac_todo.case_deadlines(session, city.actor("inspector-d1"), today=date(2026, 4, 1))
    assert kinds(soon) == {"cases.due": 1}
    assert ac_todo.case_deadlines(session, city.actor("inspector-d2"), today=date(2026, 5, 1)) == []
    assert ac_todo.case_deadlines(session, city.actor("reviewer"), today=date(2026, 5, 1)) == []
    assert ac_todo.case_deadlines(session, city.actor("cadre"), today=date(2026, 5, 1)) == []


def test_an_overdue_stage_becomes_one_notice_for_the_inspectors_in_scope(session, city,
                                                                          monkeypatch):
    case = open_case(session, city)
    move_to(session, city, case, CaseStage.VERIFICATION)
    real = ac_todo.overdue_case_notices
    monkeypatch.setattr(notices, "checks", lambda: {
        "c": lambda s, a: real(s, a, today=date(2026, 5, 1))})
    for name in ("inspector", "inspector-d1", "inspector-d2"):
        notices.refresh(session, city.actor(name))
    session.commit()
    assert notices.refresh(session, city.actor("inspector")) == 0  # once only
    [told] = notices.list_for(session, city.actor("inspector"))
    assert told.href == f"/accountability/case?id={case.id}" and case.case_no in told.text
    assert "Preliminary verification" in told.text and "2026-04-10" in told.text
    with use_lang("zh"):
        assert "初步核实" in notices.list_for(session, city.actor("inspector"))[0].text
    # the case has its handler: the other inspectors in scope are not told
    assert case.handler_id == city.users["inspector"].id
    assert notices.unread_count(session, city.actor("inspector-d1")) == 0
    # a case nobody handles is every inspector's in scope
    case.handler_id = None
    session.commit()
    for name in ("inspector", "inspector-d1", "inspector-d2"):
        notices.refresh(session, city.actor(name))
    session.commit()
    assert notices.unread_count(session, city.actor("inspector")) == 1
    assert notices.unread_count(session, city.actor("inspector-d1")) == 1
    assert notices.unread_count(session, city.actor("inspector-d2")) == 0


def test_applications_to_verify_and_decide_and_the_cadre_told_of_the_decision(session, city):
    _case, measure = decided_measure(session, city)
    app = tolerance.submit_application(session, city.actor("cadre"), measure_id=measure.id,
                                       statement="本人申请", today=date(2026, 7, 1))
    session.commit()
    assert kinds(ac_todo.tolerance_to_decide(session, city.actor("inspector"))) == {
        "tolerance.verify": 1}
    assert ac_todo.tolerance_to_decide(session, city.actor("inspector-d2")) == []
    assert kinds(ac_todo.own_applications(session, city.actor("cadre"), today=TODAY)) == {
        "tolerance.own.open": 1}
    inspector = city.actor("inspector")
    tolerance.start_verification(session, inspector, app.id)
    tolerance.save_verification(session, inspector, app.id,
                                checks={c.code: True for c in CRITERIA[:9]}, notes="核实")
    session.commit()
    assert kinds(ac_todo.tolerance_to_decide(session, inspector)) == {"tolerance.decide": 1}
    tolerance.decide(session, inspector, app.id, outcome="exempt", reasons="符合容错情形",
                     decided_by="委员会", decided_on=date(2026, 11, 20), today=TODAY)
    session.commit()
    assert ac_todo.tolerance_to_decide(session, inspector) == []
    [told] = notices.list_for(session, city.actor("cadre"))
    assert told.kind == "tolerance.decided" and app.app_no in told.text
    assert told.href == "/my/records"
    assert notices.unread_count(session, city.actor("cadre2")) == 0
    assert kinds(ac_todo.own_applications(session, city.actor("cadre"), today=TODAY)) == {
        "tolerance.own.decided": 1}
    assert ac_todo.own_applications(session, city.actor("cadre2"), today=TODAY) == []


def test_follow_up_visits_due_are_counted_for_inspectors_in_scope(session, city):
    decided_measure(session, city, "party_warning")  # a warning is followed by a visit
    found = kinds(ac_todo.follow_ups_due(session, city.actor("inspector"), today=TODAY))
    assert found.get("followups.visits") == 1
    assert "followups.visits" not in kinds(
        ac_todo.follow_ups_due(session, city.actor("inspector-d2"), today=TODAY))
    assert ac_todo.follow_ups_due(session, city.actor("reviewer"), today=TODAY) == []


def test_every_item_of_every_role_links_to_a_page_of_the_portal(app, session, city):
    import dash

    decided_measure(session, city, "party_warning")
    paths = {p["path"] for p in dash.page_registry.values()}
    for name in ("inspector", "reviewer", "cadre", "security"):
        for item in todo.compute(session, city.actor(name)):
            assert item.href.partition("?")[0] in paths, item
