"""Subtree filters (``access.in_subtree``, ``Actor.unit_clause``): the form each database
answers from the path index keeps exactly the units whose path starts with the prefix."""

from __future__ import annotations

from sqlalchemy import select, text

from portal.access import in_subtree
from portal.enums import UnitLevel
from portal.models import Unit
from tests import factories


def _tree(session):
    """The factories' city plus enough units that sibling paths share a leading string
    (``/1/2/`` beside ``/1/23/``)."""
    city = factories.city(session)
    for n in range(24):
        district = factories.unit(session, f"DX{n}", f"区{n}", UnitLevel.DISTRICT, city.city)
        if n % 3 == 0:
            factories.unit(session, f"SX{n}", f"街道{n}", UnitLevel.STREET, district)
    session.commit()
    return city


def _ids(session, clause) -> set[int]:
    return set(session.scalars(select(Unit.id).where(clause)))


def _expected(paths: dict[int, str], prefix: str) -> set[int]:
    return {unit_id for unit_id, path in paths.items() if path.startswith(prefix)}


def test_the_subtree_clause_keeps_exactly_the_units_python_would(session):
    city = _tree(session)
    paths = dict(session.execute(select(Unit.id, Unit.path)).all())
    assert any(not q.startswith(p) and q.startswith(p[:-1])
               for p in paths.values() for q in paths.values())  # /1/2/ beside /1/23/
    for prefix in [*paths.values(), "/", "", "/1", "/999/", city.city.path + "9"]:
        assert _ids(session, in_subtree(Unit.path, prefix)) == _expected(paths, prefix), prefix
        assert _ids(session, ~in_subtree(Unit.path, prefix)) == (
            set(paths) - _expected(paths, prefix)), prefix
    for username in ("reviewer", "reviewer-d1", "cadre", "cadre2"):  # city, district, streets
        actor = city.actor(username)
        assert _ids(session, actor.unit_clause()) == _expected(paths, actor.unit_path)
    community = city.c1.path
    assert _ids(session, in_subtree(Unit.path, community)) == {city.c1.id}


def test_the_subtree_clause_is_answered_from_the_path_index(session):
    city = _tree(session)
    stmt = select(Unit.id).where(in_subtree(Unit.path, city.d1.path))
    compiled = stmt.compile(session.bind)
    if session.bind.dialect.name == "sqlite":
        params = tuple(compiled.params[name] for name in compiled.positiontup)
        plan = " ".join(str(row[-1]) for row in session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + str(compiled), params))
        assert "SEARCH unit USING COVERING INDEX ix_unit_path" in plan
    else:  # a tiny table: make the planner show whether the index could answer
        session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(row[0] for row in session.connection().exec_driver_sql(
            "EXPLAIN " + str(compiled), compiled.params))
        assert "ix_unit_path" in plan and "Index Cond" in plan
    session.rollback()
