"""Score collection and scheme building through the service layer."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assessment import schemes, scores
from assessment.models import Indicator, Scheme, Score
from portal.enums import UnitLevel
from portal.errors import AccessDenied, Conflict, Invalid, NotFound
from portal.models import AuditEvent
from tests.assessment.conftest import YEAR, build_scheme, open_period


@pytest.fixture
def period(session, city, street_scheme):
    return open_period(session, city)


def test_a_second_writer_with_an_old_version_is_told_and_nothing_is_overwritten(session, city,
                                                                                period):
    first, second = city.actor("reviewer"), city.actor("reviewer-d1")
    saved = scores.set_score(session, first, period, city.s1.id, "I1", 25, None)
    session.commit()
    seen_by_both = saved.version
    scores.set_score(session, first, period, city.s1.id, "I1", 26, seen_by_both)
    session.commit()
    with pytest.raises(Conflict, match="reviewer.*26"):
        scores.set_score(session, second, period, city.s1.id, "I1", 20, seen_by_both)
    session.rollback()
    assert session.scalar(select(Score.value)) == 26


def test_two_first_entries_of_the_same_score_conflict(session, city, period):
    scores.set_score(session, city.actor("reviewer"), period, city.s1.id, "I1", 25, None)
    session.commit()
    with pytest.raises(Conflict):
        scores.set_score(session, city.actor("reviewer-d1"), period, city.s1.id, "I1", 20, None)


def test_a_district_reviewer_cannot_score_another_districts_unit(session, city, period):
    with pytest.raises(NotFound):
        scores.set_score(session, city.actor("reviewer-d1"), period, city.s2.id, "I1", 20, None)


def test_an_inspector_cannot_enter_scores(session, city, period):
    with pytest.raises(AccessDenied):
        scores.set_score(session, city.actor("inspector"), period, city.s1.id, "I1", 20, None)


@pytest.mark.parametrize(("code", "value", "message"), [
    ("I1", 31, "full score of 30"),
    ("I2", -1, "must not be negative"),
    ("V1", 2, "must be 1"),
    ("D1", 1, "not a scored indicator"),
    ("NOPE", 1, "not a scored indicator"),
])
def test_bad_values_are_refused_with_the_reason(session, city, period, code, value, message):
    with pytest.raises(Invalid, match=message):
        scores.set_score(session, city.actor("reviewer"), period, city.s1.id, code, value, None)


def test_a_community_is_not_scored_with_the_street_scheme(session, city, period):
    with pytest.raises(Invalid, match="Community/Village units are not assessed in 2026"):
        scores.set_score(session, city.actor("reviewer"), period, city.c1.id, "I1", 20, None)


def test_every_saved_score_is_audited_with_before_and_after(session, city, period):
    saved = scores.set_score(session, city.actor("reviewer"), period, city.s1.id, "I1", 25, None)
    scores.set_score(session, city.actor("reviewer"), period, city.s1.id, "I1", 28, saved.version)
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "score.update")).all()
    assert [(e.summary["before"], e.summary["after"]) for e in events] == [(None, 25), (25, 28)]


def test_the_sheet_by_indicator_lists_only_units_in_scope(session, city, period):
    rows = scores.sheet(session, city.actor("reviewer-d1"), period, UnitLevel.STREET,
                        indicator_code="I1")
    assert [r["unit_code"] for r in rows] == ["S1"]
    rows = scores.sheet(session, city.actor("reviewer"), period, UnitLevel.STREET,
                        unit_id=city.s2.id)
    assert [r["indicator_code"] for r in rows] == ["I1", "I2", "I3", "B1", "V1"]
    assert rows[0]["max"] == 30 and rows[0]["required"] and not rows[2]["required"]


def test_completeness_counts_required_scores_in_scope(session, city, period):
    scores.set_score(session, city.actor("reviewer"), period, city.s1.id, "I1", 25, None)
    scores.set_score(session, city.actor("reviewer"), period, city.s1.id, "I3", 1,
                     None)  # not required
    assert scores.completeness(session, city.actor("reviewer"),
                               period) == {UnitLevel.STREET: (1, 4)}
    assert scores.completeness(session, city.actor("reviewer-d1"),
                               period) == {UnitLevel.STREET: (1, 2)}


# --- schemes ---------------------------------------------------------------------------------

def test_only_the_administrator_builds_schemes(session, city):
    with pytest.raises(AccessDenied):
        schemes.save_indicator(session, city.actor("reviewer"), YEAR, UnitLevel.STREET, "D1",
                               {"name": "x"})


def test_a_new_scheme_reports_its_weight_problems_until_it_adds_up(session, city):
    admin = city.actor("admin")
    schemes.save_indicator(session, admin, YEAR, UnitLevel.STREET, "D1",
                           {"name": "党建", "weight": 60})
    schemes.save_indicator(session, admin, YEAR, UnitLevel.STREET, "I1",
                           {"name": "覆盖率", "parent_code": "D1", "weight": 50,
                            "method": "direct"})
    scheme = schemes.latest(session, YEAR, UnitLevel.STREET)
    messages = [p.message for p in schemes.problems(scheme)]
    assert "the top-level weights add up to 60, not 100" in messages
    assert "the weights below D1 add up to 50, not its weight 60" in messages
    assert scheme.indicators[0].method == "group"  # it has an indicator below it now


def test_an_indicator_needs_an_existing_parent(session, city):
    with pytest.raises(Invalid, match="no indicator X9"):
        schemes.save_indicator(session, city.actor("admin"), YEAR, UnitLevel.STREET, "I1",
                               {"name": "x", "parent_code": "X9"})


def test_a_dimension_with_indicators_below_cannot_be_deleted(session, city, street_scheme):
    with pytest.raises(Invalid, match="below D1"):
        schemes.delete_indicator(session, city.actor("admin"), YEAR, UnitLevel.STREET, "D1")
    schemes.delete_indicator(session, city.actor("admin"), YEAR, UnitLevel.STREET, "B1")
    assert "B1" not in {i.code for i in schemes.latest(session, YEAR, UnitLevel.STREET).indicators}


def test_copy_last_years_scheme(session, city, street_scheme):
    copied = schemes.copy_year(session, city.actor("admin"), YEAR, YEAR + 1, UnitLevel.STREET)
    assert copied.year == YEAR + 1 and len(copied.indicators) == 7
    assert schemes.problems(copied) == []
    with pytest.raises(Invalid, match="already has indicators"):
        schemes.copy_year(session, city.actor("admin"), YEAR, YEAR + 1, UnitLevel.STREET)


def test_bonus_and_veto_items_carry_no_weight(session, city):
    build_scheme(session, city.actor("admin"), YEAR, UnitLevel.DISTRICT,
                 [("B1", "加分", None, 5, {"method": "bonus", "cap": 2})])
    assert session.scalar(select(Indicator.weight).where(Indicator.code == "B1")) == 0
    assert session.scalar(select(func.count()).select_from(Scheme)) == 1
