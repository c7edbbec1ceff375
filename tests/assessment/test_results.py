"""Reading results, the public service functions, warnings, what-if and supervision."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select

from assessment import results, rules, service, supervision
from assessment import settings as assessment_settings
from assessment.enums import Grade, SupervisionStatus, WarningKind
from assessment.models import Period, Result, ResultItem, Score, SupervisionItem
from portal.enums import LeaderRole, UnitLevel
from portal.errors import AccessDenied, Conflict, Invalid, NotFound
from portal.models import AuditEvent
from tests import factories
from tests.assessment.conftest import S1_VALUES, S2_VALUES, enter, open_period, publish


def test_results_for_period_keeps_to_the_actors_district(session, city, published):
    everyone = service.results_for_period(session, city.actor("reviewer"), published)
    mine = service.results_for_period(session, city.actor("reviewer-d1"), published)
    assert set(everyone["unit_code"]) == {"S1", "S2"}
    assert list(mine["unit_code"]) == ["S1"]
    assert {"unit_id", "unit_name", "level", "parent_id", "composite", "rank_in_level",
            "count_in_level",
            "rank_in_parent", "count_in_parent", "grade", "vetoed"} <= set(mine.columns)


def test_results_below_a_unit_outside_the_scope_are_refused(session, city, published):
    with pytest.raises(NotFound):
        service.results_for_period(session, city.actor("reviewer-d1"), published,
                                   under_unit_id=city.d2.id)


def test_an_inspector_cannot_read_results(session, city, published):
    with pytest.raises(AccessDenied):
        service.results_for_period(session, city.actor("inspector"), published)


def test_unit_result_history_for_the_cadre_profile(session, city, published):
    history = service.unit_result_history(session, city.actor("reviewer"), city.s2.id)
    assert len(history) == 1
    view = history[0]
    assert (view.period_code, view.period_start, view.period_end) == ("2026Q1", date(2026, 1, 1),
                                                                      date(2026, 3, 31))
    assert (view.composite, view.rank_in_level, view.count_in_level) == (82.0, 2, 2)
    assert (view.rank_in_parent, view.count_in_parent) == (1, 1)
    assert view.grade == Grade.FAIR
    assert view.grade.value in {"good", "fair", "average", "poor"} and not view.vetoed
    with pytest.raises(NotFound):
        service.unit_result_history(session, city.actor("reviewer-d1"), city.s2.id)


def test_a_veto_puts_the_unit_in_the_bottom_band(session, city, street_scheme):
    code = open_period(session, city)
    enter(session, city, code, city.s1, {**S1_VALUES, "V1": 1})
    enter(session, city, code, city.s2, S2_VALUES)
    publish(session, city, code)
    view = service.unit_result_history(session, city.actor("reviewer"), city.s1.id)[-1]
    assert view.vetoed and view.band_is_bottom and view.grade == Grade.POOR
    assert view.grade.label == "Poor"
    warnings = results.warnings(session, city.actor("reviewer"), code, today=date(2026, 7, 10))
    assert [(w.unit_code, w.kind) for w in warnings] == [("S1", WarningKind.VETO)]


def test_latest_published_period(session, city, published):
    assert service.latest_published_period(session).code == published
    open_period(session, city, "2026Q2")
    assert service.latest_published_period(session).code == published


def test_unpublished_results_are_not_readable(session, city, street_scheme):
    code = open_period(session, city)
    with pytest.raises(NotFound, match="no published results"):
        service.results_for_period(session, city.actor("reviewer"), code)


def test_what_if_shows_the_change_and_writes_nothing(session, city, published):
    before = {table: session.scalar(select(func.count()).select_from(table))
              for table in (Result, ResultItem, Score, AuditEvent)}
    composites = session.scalars(select(Result.composite).order_by(Result.unit_id)).all()
    # Party building 60 → 90, safety 40 → 10: S1 27+27 → ·1.5 = 81, 36 → ·0.25 = 9, +2 = 92;
    # S2 24+30 → 81, 28 → 7, = 88.
    changed = results.what_if(session, city.actor("reviewer"), published, UnitLevel.STREET,
                              {"D1": 90, "D2": 10}).set_index("unit_code")
    assert changed.loc["S1", "composite_after"] == 92.0 and changed.loc["S2",
                                                                        "composite_after"] == 88.0
    assert changed.loc["S2", "composite_change"] == 6.0 and changed.loc["S2", "places_up"] == 0
    session.commit()
    after = {table: session.scalar(select(func.count()).select_from(table))
             for table in (Result, ResultItem, Score, AuditEvent)}
    assert after == before
    assert session.scalars(select(Result.composite).order_by(Result.unit_id)).all() == composites


def test_what_if_returns_only_units_in_scope(session, city, published):
    changed = results.what_if(session, city.actor("reviewer-d1"), published, UnitLevel.STREET,
                              {"D1": 90, "D2": 10})
    assert list(changed["unit_code"]) == ["S1"]
    assert changed.loc[0, "rank_before"] == 1  # ranks are still among all streets


def test_falling_two_periods_in_a_row_is_a_warning(session, city, street_scheme):
    for code, i1 in (("2026Q1", 29), ("2026Q2", 27), ("2026Q3", 25)):
        open_period(session, city, code)
        enter(session, city, code, city.s1, {**S1_VALUES, "I1": i1})
        enter(session, city, code, city.s2, S2_VALUES)
        publish(session, city, code)
    warnings = results.warnings(session, city.actor("reviewer"), "2026Q3", today=date(2026, 10, 10))
    falling = [w for w in warnings if w.kind == WarningKind.FALLING]
    assert [w.unit_code for w in falling] == ["S1"]
    assert "94.00 → 92.00 → 90.00" in falling[0].reason


def test_the_falling_units_found_by_the_database_are_the_rules_ones(session, city, street_scheme):
    """``results.falling_rows`` (a join per period) against ``rules.falling_units`` on the
    same history read row by row, for several thresholds and both scopes."""
    codes = ("2026Q1", "2026Q2", "2026Q3", "2026Q4")
    for code, s1, s2 in zip(codes, (29, 27, 25, 24), (20, 22, 21, 19), strict=True):
        open_period(session, city, code)
        enter(session, city, code, city.s1, {**S1_VALUES, "I1": s1})
        enter(session, city, code, city.s2, {**S2_VALUES, "I1": s2})
        publish(session, city, code)
    ids = dict(session.execute(select(Period.code, Period.id)).tuples().all())
    falls = 0
    for name in ("reviewer", "reviewer-d1"):
        actor = city.actor(name)
        rows = [(r.unit_id, order, r.composite)
                for order, code in enumerate(codes)
                for r in service.results_for_period(session, actor, code).itertuples()]
        history = pd.DataFrame(rows, columns=["unit_id", "period_order", "composite"])
        for count in (1, 2, 3):
            for min_fall in (0.0, 0.5, 1.0, 2.0, 5.0):
                expected = rules.falling_units(history, count, min_fall)
                found = results.falling_rows(session, actor,
                                             [ids[c] for c in codes[-(count + 1):]], min_fall)
                assert [u for u, _c in found] == list(expected["unit_id"]), (name, count, min_fall)
                assert [c for _u, c in found] == list(expected["composites"])
                falls += len(found)
    assert falls, "the history has falling units to find"


def test_leaders_are_principals_and_deputies(session, city, published):
    factories.cadre(session, "C0009", "赵书记", city.s1, leader_role=LeaderRole.PRINCIPAL)
    factories.cadre(session, "C0010", "钱干事", city.s1, leader_role=LeaderRole.MEMBER)
    leaders = service.unit_leaders(session, city.actor("reviewer"), city.s1.id)
    assert [c.code for c in leaders] == ["C0009", "C0001"]


# --- supervision -----------------------------------------------------------------------------

def _item(session, city, deadline=date(2026, 3, 15), unit=None, **extra):
    return supervision.create(session, city.actor("reviewer"), unit_id=(unit or city.s1).id,
                              title="整改信访积案", deadline=deadline,
                              assigned_on=date(2026, 1, 10),
                              indicator_code="I3", **extra)


def test_an_overdue_item_deducts_points_on_its_indicator_when_published(session, city,
                                                                        street_scheme):
    code = open_period(session, city)
    _item(session, city, points=8)  # still open after the 15 March deadline
    enter(session, city, code, city.s1, S1_VALUES)
    enter(session, city, code, city.s2, S2_VALUES)
    publish(session, city, code, today=date(2026, 4, 5))
    # I3: one incident (4 points) + 8 from supervision = 12 deducted of 40 → 28; total 92 − 8 = 84
    assert session.scalar(select(Result.composite).where(Result.unit_id == city.s1.id)) == 84.0


def test_an_item_rectified_on_time_deducts_nothing(session, city, street_scheme):
    code = open_period(session, city)
    item = _item(session, city, points=8)
    supervision.update(session, city.actor("reviewer"), item.id, item.version,
                       status=SupervisionStatus.RECTIFIED,
                       rectification="已建立台账并逐件回访", on=date(2026, 3, 10))
    enter(session, city, code, city.s1, S1_VALUES)
    enter(session, city, code, city.s2, S2_VALUES)
    publish(session, city, code, today=date(2026, 4, 5))
    assert session.scalar(select(Result.composite).where(Result.unit_id == city.s1.id)) == 92.0


def test_rectified_needs_a_note_and_verified_cannot_go_back(session, city, street_scheme):
    item = _item(session, city)
    with pytest.raises(Invalid, match="Describe the rectification"):
        supervision.update(session, city.actor("reviewer"), item.id, item.version,
                           status=SupervisionStatus.RECTIFIED)
    supervision.update(session, city.actor("reviewer"), item.id, item.version,
                       status=SupervisionStatus.RECTIFIED,
                       rectification="已整改")
    supervision.update(session, city.actor("reviewer"), item.id, item.version,
                       status=SupervisionStatus.VERIFIED)
    with pytest.raises(Invalid, match="cannot become"):
        supervision.update(session, city.actor("reviewer"), item.id, item.version,
                           status=SupervisionStatus.IN_PROGRESS)


def test_a_stale_supervision_edit_is_refused(session, city, street_scheme):
    item = _item(session, city)
    seen = item.version
    supervision.update(session, city.actor("reviewer"), item.id, seen, finding="台账不全")
    with pytest.raises(Conflict):
        supervision.update(session, city.actor("reviewer"), item.id, seen, finding="另一个人的意见")


def test_the_deduction_indicator_must_exist_in_the_scheme(session, city, street_scheme):
    with pytest.raises(Invalid, match="not a deduction indicator"):
        supervision.create(session, city.actor("reviewer"), unit_id=city.s1.id, title="x",
                           assigned_on=date(2026, 1, 1), deadline=date(2026, 3, 1),
                           indicator_code="I1")


def test_unit_supervision_items_show_overdue_and_keep_to_scope(session, city, street_scheme):
    _item(session, city, deadline=date(2026, 2, 1))
    items = service.unit_supervision_items(session, city.actor("reviewer"), city.s1.id)
    assert [(i.title, i.overdue, i.status) for i in items] == [("整改信访积案", True,
                                                                SupervisionStatus.OVERDUE)]
    with pytest.raises(NotFound):
        service.unit_supervision_items(session, city.actor("reviewer-d1"), city.s2.id)
    assert session.scalar(select(func.count()).select_from(SupervisionItem)) == 1


def test_overdue_items_are_warnings_within_scope(session, city, street_scheme):
    _item(session, city, deadline=date(2026, 2, 1))
    _item(session, city, deadline=date(2026, 2, 1), unit=city.s2)
    mine = results.warnings(session, city.actor("reviewer-d1"), None)
    assert [(w.unit_code, w.kind) for w in mine] == [("S1", WarningKind.OVERDUE)]


def test_the_share_cap_of_the_top_grade_is_a_rule_value_the_administrator_changes(session, city,
                                                                                  street_scheme):
    from portal.errors import Invalid as Refused

    with pytest.raises(AccessDenied):
        assessment_settings.change(session, city.actor("reviewer"), "assessment.grade.top_share",
                                   0.5)
    with pytest.raises(Refused):
        assessment_settings.change(session, city.actor("admin"), "assessment.grade.top_share", 2)
    assessment_settings.change(session, city.actor("admin"), "assessment.grade.top_share",
                               0.5)  # 1 of 2 streets may be 好
    code = open_period(session, city)
    enter(session, city, code, city.s1, S1_VALUES)
    enter(session, city, code, city.s2, S2_VALUES)
    publish(session, city, code)
    grades = dict(session.execute(select(Result.unit_id, Result.grade)).all())
    assert grades[city.s1.id] == "good" and grades[city.s2.id] == "fair"
