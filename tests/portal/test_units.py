"""Units import/export: all-or-nothing, idempotent, moves rewrite the subtree's paths."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal import transfer, units
from portal.access import Actor
from portal.errors import AccessDenied
from portal.models import Unit
from portal.tabular import ImportProblem
from tests import factories

GOOD = """code,name,level,parent_code
C,江州市,city,
D1,青山区,district,C
S1,桃桥街道,street,D1
K1,新源社区,community,S1
K2,石洲社区,社区村,S1
"""


def _admin(session) -> Actor:
    """The command line's actor: an administrator over an empty database."""
    return Actor.system(session)


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(Unit))


def test_import_builds_the_hierarchy_with_paths(session):
    actor = _admin(session)
    result = units.import_units(session, actor, GOOD.encode(), "units.csv")
    session.commit()
    assert (result.created, result.updated) == (5, 0)
    k2 = session.scalar(select(Unit).where(Unit.code == "K2"))
    assert [u.code for u in units.breadcrumb(session, actor, k2)] == ["C", "D1", "S1", "K2"]
    s1 = session.scalar(select(Unit).where(Unit.code == "S1"))
    assert k2.path.startswith(s1.path) and k2.path.endswith(f"/{k2.id}/")


def test_reimport_is_idempotent(session):
    actor = _admin(session)
    units.import_units(session, actor, GOOD.encode(), "units.csv")
    session.commit()
    again = units.import_units(session, actor, GOOD.encode(), "units.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_parent_may_come_after_child_in_the_file(session):
    actor = _admin(session)
    reversed_rows = "\n".join([GOOD.splitlines()[0], *reversed(GOOD.splitlines()[1:])]) + "\n"
    assert units.import_units(session, actor, reversed_rows.encode(), "u.csv").created == 5


def test_bad_rows_write_nothing_and_are_all_named(session):
    actor = _admin(session)
    before = _count(session)
    bad = GOOD + "K3,错层级,street,S1\nK4,无上级,community,NOPE\n"
    with pytest.raises(ImportProblem) as caught:
        units.import_units(session, actor, bad.encode(), "units.csv")
    session.rollback()
    rows = sorted(p.row for p in caught.value.problems)
    assert rows == [7, 8]
    assert _count(session) == before


def test_moving_a_street_moves_its_communities(session):
    actor = _admin(session)
    units.import_units(session, actor, (GOOD + "D2,临江区,district,C\n").encode(), "u.csv")
    session.commit()
    moved = GOOD.replace("S1,桃桥街道,street,D1",
                         "S1,桃桥街道,street,D2") + "D2,临江区,district,C\n"
    result = units.import_units(session, actor, moved.encode(), "u.csv")
    session.commit()
    assert result.updated == 1
    d2 = session.scalar(select(Unit).where(Unit.code == "D2"))
    k1 = session.scalar(select(Unit).where(Unit.code == "K1"))
    assert k1.path.startswith(d2.path)


def test_only_administrators_import_units(session):
    city = factories.city(session)
    with pytest.raises(AccessDenied):
        units.import_units(session, city.actor("reviewer"), GOOD.encode(), "u.csv")


def test_export_is_scoped_and_reimportable(session):
    city = factories.city(session)
    content = transfer.run_export(session, city.actor("reviewer-d1"), "units", "csv")
    text = content.decode("utf-8-sig")
    assert "D1" in text and "D2" not in text and "K2" not in text
    session.commit()
    result = transfer.run_import(session, city.actor("admin"), "units", content, "units.csv",
                                 dry_run=True)
    assert result.unchanged == 3


def test_gbk_file_from_excel_imports(session):
    actor = _admin(session)
    data = GOOD.replace("code,name,level,parent_code", "编码,名称,层级,上级编码").encode("gbk")
    assert units.import_units(session, actor, data, "单位.csv").created == 5


def test_the_unit_dropdown_lists_the_scope_indented_in_path_order(session):
    from portal import ui
    from portal.enums import Role

    actor = _admin(session)
    units.import_units(session, actor, (GOOD + "D2,临江区,district,C\n").encode(), "u.csv")
    session.commit()
    d1 = session.scalar(select(Unit).where(Unit.code == "D1"))
    below = Actor(user_id=None, username="reviewer", display_name="", role=Role.REVIEWER,
                  unit_id=d1.id, unit_path=d1.path)  # a district reviewer
    found = units.units_in_scope(session, below)
    expected = [{"label": "\u3000" * (u.path.count("/") - 3) + u.name, "value": u.id,
                 "search": u.code} for u in found]
    assert ui.unit_options(session, below) == expected
    assert [o["search"] for o in expected] == ["D1", "S1", "K1", "K2"]
    assert expected[2]["label"] == "\u3000\u3000新源社区"
