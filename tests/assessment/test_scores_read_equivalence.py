"""The score sheet and completeness read plain rows and grouped counts: the same answers
as the straightforward per-level, per-object reads they replaced (kept here as references)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assessment import periods, schemes, scores
from assessment.models import Score
from portal.enums import UnitLevel
from portal.models import Unit
from tests.assessment.conftest import YEAR, build_scheme, enter, open_period


def reference_completeness(session, actor, code):
    """The per-level counts as completeness computed them before the grouped counts."""
    period = periods.get(session, code)
    found = {}
    for level, scheme in periods.levels_with_schemes(session, period).items():
        required = schemes.spec_of(scheme).required_codes()
        unit_ids = select(Unit.id).where(periods.assessed_units_stmt(level).whereclause,
                                         actor.unit_clause())
        units = session.scalar(select(func.count()).select_from(unit_ids.subquery()))
        present = session.scalar(select(func.count()).select_from(Score).where(
            Score.period_id == period.id, Score.unit_id.in_(unit_ids),
            Score.indicator_code.in_(required), Score.value.is_not(None))) if required else 0
        found[level] = (present, units * len(required))
    return found


@pytest.fixture
def scored(session, city, street_scheme):
    build_scheme(session, city.actor("admin"), YEAR, UnitLevel.COMMUNITY)
    session.commit()
    code = open_period(session, city)
    enter(session, city, code, city.s1, {"I1": 27, "I2": 72, "I3": 1})
    enter(session, city, code, city.s2, {"I1": 24, "B1": 1})
    enter(session, city, code, city.c1, {"I1": 20, "I2": 50, "V1": 0})
    enter(session, city, code, city.s1, {"I2": None})  # a cleared value is not present
    session.commit()
    return code


@pytest.mark.parametrize("who", ["reviewer", "reviewer-d1"])
def test_completeness_equals_the_per_level_counts(session, city, scored, who):
    actor = city.actor(who)
    expected = reference_completeness(session, actor, scored)
    assert UnitLevel.COMMUNITY in expected and UnitLevel.STREET in expected
    assert scores.completeness(session, actor, scored) == expected
    assert list(scores.completeness(session, actor, scored)) == list(expected)


@pytest.mark.parametrize("who", ["reviewer", "reviewer-d1"])
@pytest.mark.parametrize("level", [UnitLevel.STREET, UnitLevel.COMMUNITY])
def test_the_indicator_sheet_carries_each_stored_score(session, city, scored, who, level):
    actor = city.actor(who)
    period = periods.get(session, scored)
    units = session.scalars(periods.assessed_units_stmt(level).where(actor.unit_clause())
                            .order_by(Unit.path)).all()
    for code in ("I1", "I2", "V1"):
        rows = scores.sheet(session, actor, scored, level, indicator_code=code)
        assert [r["unit_id"] for r in rows] == [u.id for u in units]
        for row, unit in zip(rows, units, strict=True):
            stored = session.scalar(select(Score).where(
                Score.period_id == period.id, Score.unit_id == unit.id,
                Score.indicator_code == code))
            assert (row["value"], row["note"], row["version"], row["updated_by"]) == (
                (stored.value, stored.note, stored.version, stored.updated_by) if stored
                else (None, "", None, ""))
            assert (row["unit_code"], row["unit_name"], row["id"]) == (
                unit.code, unit.name, f"{unit.id}:{code}")


@pytest.mark.parametrize("mode", ["indicator", "unit"])
def test_the_sheet_in_pages_is_the_whole_sheet(session, city, scored, mode):
    actor = city.actor("reviewer")
    target = {"indicator_code": "I1"} if mode == "indicator" else {"unit_id": city.s1.id}
    whole = scores.sheet(session, actor, scored, UnitLevel.STREET, **target)
    pages = [scores.sheet_page(session, actor, scored, UnitLevel.STREET, start=start,
                               end=start + 1, **target) for start in range(len(whole) + 1)]
    assert [row for rows, _count in pages for row in rows] == whole
    assert {count for _rows, count in pages} == {len(whole)}
