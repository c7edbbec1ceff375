"""The case funnel and the time in each stage are computed in the database: the same
numbers as the straightforward path (every case and event read, paired in Python), kept
here as the reference."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import select

from accountability import cases, dashboards, rules
from accountability.enums import CaseStage
from accountability.models import Case, CaseEvent
from accountability.scope import in_scope
from portal.access import Actor
from portal.enums import Role
from tests import factories
from tests.accountability.conftest import TODAY, decided_measure, move_to, open_case


def reference_cases(session, actor, start, end):
    stmt = in_scope(select(Case.id, Case.stage, Case.opened_on), actor, Case.unit_id)
    if start:
        stmt = stmt.where(Case.opened_on >= start)
    if end:
        stmt = stmt.where(Case.opened_on <= end)
    return session.execute(stmt).all()


def reference_funnel(session, actor, start, end):
    found = reference_cases(session, actor, start, end)
    reached = {c.id: {CaseStage.CLUE} for c in found}
    for case_id, stage in session.execute(select(CaseEvent.case_id, CaseEvent.to_stage)
                                          .where(CaseEvent.case_id.in_(list(reached)))):
        reached[case_id].add(CaseStage(stage))
    for case in found:
        stage = CaseStage(case.stage)
        if stage in rules.MAIN_LINE:
            reached[case.id].update(rules.MAIN_LINE[:rules.MAIN_LINE.index(stage) + 1])
    order = [*rules.MAIN_LINE, CaseStage.NO_CASE, CaseStage.APPEAL]
    return pd.DataFrame({"stage": [s.value for s in order],
                         "cases": [sum(1 for r in reached.values() if s in r) for s in order]})


def reference_durations(session, actor, today, start, end):
    ids = [c.id for c in reference_cases(session, actor, start, end)]
    events = {}
    for case_id, on, stage, action in session.execute(
            select(CaseEvent.case_id, CaseEvent.effective_on, CaseEvent.to_stage,
                   CaseEvent.action).where(CaseEvent.case_id.in_(ids)).order_by(CaseEvent.id)):
        if action != "extended":
            events.setdefault(case_id, []).append((on, CaseStage(stage)))
    rows = []
    for history in events.values():
        for (on, stage), following in zip(history, [*history[1:], None], strict=True):
            if stage in (CaseStage.CLOSED, CaseStage.NO_CASE) and following is None:
                continue
            until = following[0] if following else today
            rows.append({"stage": stage.value, "days": (until - on).days,
                         "ongoing": following is None})
    return pd.DataFrame(rows, columns=["stage", "days", "ongoing"])


def test_funnel_and_durations_equal_the_straightforward_path(session, city):
    inspector = city.actor("inspector")
    decided_measure(session, city)
    closed = open_case(session, city, cadres=[city.cadre2], opened_on=date(2026, 1, 2))
    move_to(session, city, closed, CaseStage.CLOSED)
    investigated = open_case(session, city, opened_on=date(2026, 1, 3))
    move_to(session, city, investigated, CaseStage.INVESTIGATION)
    cases.extend_case(session, inspector, investigated.id, approver="书记", reason="案情复杂",
                      approved_on=date(2026, 4, 1), today=TODAY)
    dropped = open_case(session, city, opened_on=date(2026, 1, 4))
    move_to(session, city, dropped, CaseStage.VERIFICATION)
    cases.move_case(session, inspector, dropped.id, "no_case", reason="查无实据",
                    on=date(2026, 2, 1), today=TODAY)
    appealed, _m = decided_measure(session, city, cadre=city.cadre2)
    cases.move_case(session, inspector, appealed.id, "appeal", reason="申诉",
                    on=date(2026, 7, 1), today=TODAY)
    open_case(session, city, opened_on=date(2026, 11, 1))
    session.commit()
    district = Actor.for_user(factories.user(session, "inspector-d1", Role.INSPECTOR, city.d1))
    for actor in (inspector, district):
        for start, end in ((None, None), (date(2026, 1, 3), date(2026, 12, 31))):
            funnel = dashboards.stage_funnel.uncached(session, actor, start, end)
            pd.testing.assert_frame_equal(funnel, reference_funnel(session, actor, start, end))
            stays = dashboards.stage_durations.uncached(session, actor, TODAY, start, end)
            expected = reference_durations(session, actor, TODAY, start, end)
            assert len(stays) == len(expected)
            pd.testing.assert_frame_equal(stays[["stage", "days", "ongoing"]], expected)
    funnel = dashboards.stage_funnel.uncached(session, inspector)
    assert dict(zip(funnel["stage"], funnel["cases"], strict=True))["no_case"] == 1
