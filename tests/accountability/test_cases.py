"""Cases from the first clue to the decision: opening, the allowed transitions with who,
when and why, time limits and extensions, the branches, the desk, and scope."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from accountability import cases
from accountability.enums import CaseStage
from accountability.models import Case, CaseEvent, CaseExtension, NameClearing
from portal.access import Actor
from portal.enums import Role
from portal.errors import AccessDenied, Conflict, Invalid, NotFound
from portal.models import AuditEvent
from tests import factories
from tests.accountability.conftest import STEPS, TODAY, decided_measure, move_to, open_case


def test_an_inspector_registers_a_clue_about_a_cadre(session, city):
    case = open_case(session, city)
    assert case.case_no == "AC-2026-0001"
    assert case.stage == CaseStage.CLUE and case.stage_since == date(2026, 1, 5)
    assert case.unit_id == city.cadre1.unit_id
    assert [e.action for e in case.events] == ["opened"]
    assert (
        session.scalar(select(AuditEvent.action).where(AuditEvent.entity_type == "ac_case"))
        == "case.open"
    )


def test_a_case_may_be_about_several_cadres_and_a_party_organization(session, city):
    case = open_case(session, city, cadres=[city.cadre1, city.cadre2], units=[city.c1])
    assert [(s.kind.value, s.cadre_id, s.unit_id) for s in case.subjects] == [
        ("cadre", city.cadre1.id, city.s1.id), ("cadre", city.cadre2.id, city.s2.id),
                                                                              ("unit", None,
                                                                               city.c1.id)]
    rows = cases.case_rows(session, city.actor("inspector"), today=TODAY)
    assert len(rows[0].subjects) == 3


def test_a_case_needs_a_subject_and_a_title(session, city):
    with pytest.raises(Invalid, match="at least one cadre or unit"):
        open_case(session, city, cadres=[])
    with pytest.raises(Invalid, match="title"):
        open_case(session, city, title="  ")


def test_reviewers_cannot_open_or_read_cases(session, city):
    with pytest.raises(AccessDenied):
        open_case(session, city, actor="reviewer")
    open_case(session, city)
    with pytest.raises(AccessDenied):
        cases.case_rows(session, city.actor("reviewer"), today=TODAY)


def test_an_inspector_of_one_district_cannot_open_a_case_about_another_districts_cadre(session,
                                                                                       city):
    factories.user(session, "inspector-d1", Role.INSPECTOR, city.d1)
    city.users["inspector-d1"] = session.scalar(
        select(factories.User).where(factories.User.username == "inspector-d1")
    )
    with pytest.raises(AccessDenied):
        open_case(session, city, cadres=[city.cadre2], actor="inspector-d1")


def test_an_inspector_of_one_district_sees_only_its_cases(session, city):
    factories.user(session, "inspector-d1", Role.INSPECTOR, city.d1)
    city.users["inspector-d1"] = session.scalar(
        select(factories.User).where(factories.User.username == "inspector-d1")
    )
    mine = open_case(session, city, cadres=[city.cadre1])
    other = open_case(session, city, cadres=[city.cadre2])
    rows = cases.case_rows(session, city.actor("inspector-d1"), today=TODAY)
    assert [r.case_no for r in rows] == [mine.case_no]
    with pytest.raises(NotFound):
        cases.get_case(session, city.actor("inspector-d1"), other.id)


def test_a_clue_is_taken_through_every_stage_with_who_when_and_why(session, city):
    case = open_case(session, city)
    move_to(session, city, case, CaseStage.CLOSED)
    events = cases.history(session, city.actor("inspector"), case.id)
    assert [(e.from_stage, e.to_stage, e.effective_on) for e in events[1:]] == [
        (previous, stage, on) for (previous, _d), (stage,
                                                   on) in zip([(CaseStage.CLUE, None), *STEPS],
                                                              STEPS,
                                                                      strict=False)]
    assert all(e.actor == "inspector" and e.reason for e in events)
    assert (case.filed_on, case.decided_on, case.closed_on) == (date(2026, 3, 1), date(2026, 6, 20),
                                                                date(2026, 6, 30))


@pytest.mark.parametrize("target", ["filed", "decision", "closed", "appeal"])
def test_a_clue_cannot_skip_stages(session, city, target):
    case = open_case(session, city)
    with pytest.raises(Invalid, match="cannot move to") as refused:
        cases.move_case(session, city.actor("inspector"), case.id, target, reason="跳过",
                        today=TODAY)
    assert "Preliminary verification" in refused.value.message  # names what is allowed
    session.rollback()
    assert session.get(Case, case.id).stage == CaseStage.CLUE
    assert session.scalar(select(func.count()).select_from(CaseEvent)) == 1


def test_a_closed_case_cannot_go_back_to_investigation(session, city):
    case = open_case(session, city)
    move_to(session, city, case, CaseStage.CLOSED)
    with pytest.raises(Invalid, match="cannot move"):
        cases.move_case(session, city.actor("inspector"), case.id, "investigation", reason="重查",
                        today=TODAY)


def test_every_step_needs_a_reason(session, city):
    case = open_case(session, city)
    with pytest.raises(Invalid, match="reason"):
        cases.move_case(session, city.actor("inspector"), case.id, "verification", reason=" ",
                        today=TODAY)


def test_a_step_cannot_be_dated_before_the_current_stage_or_in_the_future(session, city):
    case = open_case(session, city)
    with pytest.raises(Invalid, match="earlier than 2026-01-05"):
        cases.move_case(session, city.actor("inspector"), case.id, "verification", reason="初核",
                        on=date(2026, 1, 1), today=TODAY)
    with pytest.raises(Invalid, match="future"):
        cases.move_case(session, city.actor("inspector"), case.id, "verification", reason="初核",
                        on=date(2026, 12, 1), today=TODAY)


def test_a_step_on_a_case_someone_else_moved_meanwhile_is_refused(session, city):
    case = open_case(session, city)
    cases.move_case(session, city.actor("inspector"), case.id, "verification", reason="初核",
                    today=TODAY)
    colleague = Actor.for_user(factories.user(session, "inspector2", Role.INSPECTOR, city.city))
    with pytest.raises(Conflict, match="reload"):
        cases.move_case(session, colleague, case.id, "verification", reason="初核",
                        expected_stage="clue", today=TODAY)


def test_stage_deadlines_days_left_and_overdue(session, city):
    case = open_case(session, city)
    cases.move_case(session, city.actor("inspector"), case.id, "verification", reason="初核",
                    on=date(2026, 1, 10), today=TODAY)
    assert case.due_on == date(2026, 4, 10)
    row = cases.case_row(session, city.actor("inspector"), case.id, today=date(2026, 4, 1))
    assert (row.days_left, row.overdue) == (9, False)
    row = cases.case_row(session, city.actor("inspector"), case.id, today=date(2026, 4, 13))
    assert (row.days_left, row.overdue) == (-3, True)


def test_the_investigation_limit_is_extended_once_with_approver_and_reason(session, city):
    case = open_case(session, city)
    move_to(session, city, case, CaseStage.INVESTIGATION)
    assert case.due_on == date(2026, 9, 1)
    extension = cases.extend_case(session, city.actor("inspector"), case.id,
                                  approver="市纪委书记 张明",
                                  reason="涉案资金流向复杂，需补充调取银行流水",
                                  approved_on=date(2026, 8, 20), today=TODAY)
    assert (extension.previous_due_on, extension.new_due_on) == (date(2026, 9, 1),
                                                                 date(2026, 12, 1))
    assert case.due_on == date(2026, 12, 1)
    assert case.events[-1].action == "extended"
    with pytest.raises(Invalid, match="already been extended 1 time"):
        cases.extend_case(session, city.actor("inspector"), case.id, approver="张明", reason="再延",
                          today=TODAY)


def test_an_extension_needs_an_approver_and_only_applies_to_the_investigation(session, city):
    case = open_case(session, city)
    with pytest.raises(Invalid, match="investigation time limit"):
        cases.extend_case(session, city.actor("inspector"), case.id, approver="张明", reason="需要",
                          today=TODAY)
    move_to(session, city, case, CaseStage.INVESTIGATION)
    with pytest.raises(Invalid, match="approved"):
        cases.extend_case(session, city.actor("inspector"), case.id, approver="", reason="需要",
                          today=TODAY)
    assert session.scalar(select(func.count()).select_from(CaseExtension)) == 0


def test_the_time_limit_follows_the_administrators_setting(session, city):
    from accountability import settings as ac_settings

    ac_settings.change_months(session, city.actor("admin"), ac_settings.STAGE_LIMITS,
                              "verification", "2")
    case = open_case(session, city)
    cases.move_case(session, city.actor("inspector"), case.id, "verification", reason="初核",
                    on=date(2026, 1, 10), today=TODAY)
    assert case.due_on == date(2026, 3, 10)


def test_a_report_found_false_ends_in_no_case_and_opens_name_clearing(session, city):
    case = open_case(session, city, cadres=[city.cadre1, city.cadre2])
    cases.move_case(session, city.actor("inspector"), case.id, "verification", reason="初核",
                    on=date(2026, 1, 10), today=TODAY)
    cases.move_case(session, city.actor("inspector"), case.id, "no_case",
                    reason="经初核，反映问题失实，予以了结",
                    on=date(2026, 2, 20), report_false=True, today=TODAY)
    assert case.stage == CaseStage.NO_CASE and case.closed_on == date(2026, 2, 20)
    clearings = session.scalars(select(NameClearing).order_by(NameClearing.cadre_id)).all()
    assert [(c.cadre_id, c.due_on) for c in clearings] == [(city.cadre1.id, date(2026, 3, 20)),
                                                           (city.cadre2.id, date(2026, 3, 20))]
    with pytest.raises(Invalid, match="none"):
        cases.move_case(session, city.actor("inspector"), case.id, "filed", reason="重新立案",
                        today=TODAY)


def test_an_appeal_is_lodged_within_a_month_of_the_decision_and_answered(session, city):
    case, _measure = decided_measure(session, city)
    cases.move_case(session, city.actor("inspector"), case.id, "closed", reason="结案",
                    on=date(2026, 6, 30),
                    today=TODAY)
    cases.move_case(session, city.actor("inspector"), case.id, "appeal", reason="本人提出申诉",
                    on=date(2026, 7, 15), today=TODAY)
    assert case.due_on == date(2026, 10, 15)
    cases.move_case(session, city.actor("inspector"), case.id, "closed", reason="复查维持原决定",
                    on=date(2026, 9, 1), today=TODAY)
    assert case.stage == CaseStage.CLOSED


def test_a_late_appeal_is_refused_naming_the_last_day(session, city):
    case, _measure = decided_measure(session, city)
    with pytest.raises(Invalid, match="2026-07-20"):
        cases.move_case(session, city.actor("inspector"), case.id, "appeal", reason="申诉",
                        on=date(2026, 7, 21), today=TODAY)


def test_the_desk_lists_overdue_cases_first_then_by_days_left(session, city):
    late = open_case(session, city, opened_on=date(2026, 1, 5))
    cases.move_case(session, city.actor("inspector"), late.id, "verification", reason="初核",
                    on=date(2026, 1, 10), today=TODAY)
    soon = open_case(session, city, opened_on=date(2026, 9, 1))
    cases.move_case(session, city.actor("inspector"), soon.id, "verification", reason="初核",
                    on=date(2026, 9, 1), today=TODAY)
    open_case(session, city, opened_on=date(2026, 11, 1))
    rows = cases.case_rows(session, city.actor("inspector"), today=TODAY)
    assert [r.case_no for r in rows][:2] == [late.case_no, soon.case_no]
    assert rows[0].overdue and rows[1].days_left == 7 and rows[2].days_left is None


def test_desk_filters_by_unit_source_stage_form_and_handler(session, city):
    first, _m = decided_measure(session, city, code="party_warning")
    second = open_case(session, city, cadres=[city.cadre2], source="audit")
    inspector = city.actor("inspector")
    assert [r.id for r in cases.case_rows(session, inspector,
                                          under_unit_id=city.d2.id)] == [second.id]
    assert [r.id for r in cases.case_rows(session, inspector, source="audit")] == [second.id]
    assert [r.id for r in cases.case_rows(session, inspector, stages=["decision"])] == [first.id]
    assert [r.id for r in cases.case_rows(session, inspector, form="2")] == [first.id]
    assert cases.case_rows(session, inspector, form="3") == []
    assert len(cases.case_rows(session, inspector, mine=True)) == 2
    colleague = Actor.for_user(factories.user(session, "inspector2", Role.INSPECTOR, city.city))
    assert cases.case_rows(session, colleague, mine=True) == []
    assert [r.id for r in cases.case_rows(session, inspector, search="李娜")] == [second.id]


def test_nothing_is_deleted_along_the_way(session, city):
    from portal.db import Base

    def counts():
        return {t.name: session.scalar(select(func.count()).select_from(t))
                for t in Base.metadata.sorted_tables if t.name.startswith("ac_")}

    before = counts()
    case, measure = decided_measure(session, city, code="party_serious_warning")
    middle = counts()
    from accountability import measures

    measures.change_measure(session, city.actor("inspector"), measure.id, new_code="party_warning",
                            changed_on=date(2026, 8, 1), reason="复查变更", today=TODAY)
    session.commit()
    after = counts()
    assert all(middle[t] >= before[t] and after[t] >= middle[t] for t in before)
    assert session.get(type(measure), measure.id).changed_on == date(2026, 8, 1)


def test_the_package_never_deletes_rows():
    package = Path(__file__).resolve().parents[2] / "accountability"
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "session.delete(" not in text and "delete(" not in text.replace("undelete(",
                                                                               ""), path
