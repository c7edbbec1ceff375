"""Org units: the four-level hierarchy, subtree queries, import and export.

Paths are materialized (``/1/5/23/``): a subtree is ``access.in_subtree`` (a range scan
of the path index on SQLite and PostgreSQL), and ancestors are the ids in the path.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portal import audit, cache
from portal.access import Actor, in_subtree
from portal.enums import UNIT_LEVEL_ALIASES, UnitKind, UnitLevel
from portal.errors import Invalid, NotFound
from portal.i18n import _
from portal.models import Unit
from portal.tabular import (
    Column,
    ImportProblem,
    ImportResult,
    RowProblem,
    Table,
    choice,
    optional,
    read_table,
    short_text,
)

READS = ("portal",)  # what the unit choices read (``portal.cache``)

COLUMNS = (
    Column("code", "编码", short_text(32)),
    Column("name", "名称", short_text(120)),
    Column("level", "层级", choice(UnitLevel, UNIT_LEVEL_ALIASES)),
    Column("parent_code", "上级编码", optional(short_text(32)), required=False),
    Column("kind", "类型", optional(choice(UnitKind)), required=False),
)


def unit_path(parent: Unit | None, unit_id: int) -> str:
    return f"{parent.path if parent else '/'}{unit_id}/"


def ancestor_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


# --- queries ---------------------------------------------------------------------------------

def get_unit(session: Session, actor: Actor, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None or not actor.in_scope(unit.path):
        raise NotFound(_("No such unit among the units you are responsible for."))
    return unit


def scope_root(session: Session, actor: Actor) -> Unit:
    return session.get(Unit, actor.unit_id)


def units_in_scope(session: Session, actor: Actor, level: UnitLevel | None = None,
                   under: Unit | None = None) -> list[Unit]:
    """Every unit of the actor's subtree (optionally one level, optionally below ``under``)."""
    stmt = select(Unit).where(actor.unit_clause(), Unit.active)
    if under is not None:
        stmt = stmt.where(in_subtree(Unit.path, under.path))
    if level is not None:
        stmt = stmt.where(Unit.level == level)
    return list(session.scalars(stmt.order_by(Unit.path)))


@cache.scoped("portal.unit_choices", reads=READS)
def unit_choices(session: Session, actor: Actor) -> list[tuple[int, str, str, str]]:
    """``(id, name, code, path)`` of every active unit of the actor's subtree, in path order:
    the dropdowns' choices as plain rows (a city's 3,200 units, no ORM objects), kept in the
    dashboard cache per scope."""
    stmt = (select(Unit.id, Unit.name, Unit.code, Unit.path)
            .where(actor.unit_clause(), Unit.active).order_by(Unit.path))
    return [tuple(row) for row in session.execute(stmt)]


def children(session: Session, actor: Actor, unit: Unit) -> list[Unit]:
    return list(session.scalars(
        select(Unit).where(Unit.parent_id == unit.id, Unit.active,
                           actor.unit_clause()).order_by(Unit.code)
    ))


def breadcrumb(session: Session, actor: Actor, unit: Unit) -> list[Unit]:
    """The unit's ancestors inside the actor's scope, top first, ending with the unit."""
    ids = ancestor_ids(unit.path)
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    return [units[i] for i in ids if i in units and actor.in_scope(units[i].path)]


def count_by_level(session: Session, actor: Actor) -> dict[UnitLevel, int]:
    rows = session.execute(
        select(Unit.level, func.count()).where(actor.unit_clause(),
                                               Unit.active).group_by(Unit.level)
    )
    return {UnitLevel(level): n for level, n in rows}


def search_units(session: Session, actor: Actor, term: str, limit: int = 30) -> list[Unit]:
    like = f"%{term.strip()}%"
    return list(session.scalars(
        select(Unit).where(actor.unit_clause(), (Unit.name.like(like)) | (Unit.code.like(like)))
        .order_by(Unit.path).limit(limit)
    ))


# --- commands --------------------------------------------------------------------------------

def _check_level(level: UnitLevel, parent: Unit | None) -> str | None:
    if parent is None:
        return None if level == UnitLevel.CITY else _("only the city has no parent unit")
    expected = UnitLevel(parent.level).child
    if expected is None:
        return _("a community/village cannot have units below it")
    if level != expected:
        return _("a unit under a %(parent)s must be a %(child)s",
                 parent=UnitLevel(parent.level).label, child=expected.label)
    return None


def create_unit(session: Session, actor: Actor, *, code: str, name: str, level: UnitLevel,
                parent: Unit | None, kind: UnitKind = UnitKind.TERRITORIAL) -> Unit:
    actor.require("units.manage", parent.path if parent else None)
    problem = _check_level(level, parent)
    if problem:
        raise Invalid(problem, field="level")
    if session.scalar(select(Unit.id).where(Unit.code == code)):
        raise Invalid(_("The unit code %(code)s is already used.", code=code), field="code")
    unit = Unit(code=code, name=name, level=level, kind=kind, parent=parent, path="")
    session.add(unit)
    session.flush()
    unit.path = unit_path(parent, unit.id)
    audit.log(session, actor, "unit.create", unit, summary={"after": audit.snapshot(unit)})
    return unit


def _move(session: Session, unit: Unit, parent: Unit | None) -> None:
    """Re-parent ``unit`` and rewrite the paths of its whole subtree in one statement."""
    old, new = unit.path, unit_path(parent, unit.id)
    session.execute(
        update(Unit).where(in_subtree(Unit.path, old))
        .values(path=new + func.substr(Unit.path, len(old) + 1))
        .execution_options(synchronize_session=False)
    )
    unit.parent_id = parent.id if parent else None
    session.flush()
    session.expire_all()


def import_units(session: Session, actor: Actor, data: bytes, filename: str, *,
                 dry_run: bool = False, **_options) -> ImportResult:
    """Upsert units by code; parents may come earlier or later in the same file."""
    actor.require("units.manage")
    rows = read_table(data, filename, COLUMNS, key=("code",))
    name = Path(filename).name
    rows.sort(key=lambda r: r[1]["level"].depth)
    existing = {u.code: u for u in session.scalars(select(Unit))}
    result = ImportResult(kind="units", rows=len(rows), dry_run=dry_run)
    problems: list[RowProblem] = []
    for number, values in rows:
        parent = existing.get(values["parent_code"]) if values["parent_code"] else None
        if values["parent_code"] and parent is None:
            problems.append(RowProblem(name, number, "parent_code (上级编码)",
                                       values["parent_code"],
                                       _("no unit has this code")))
            continue
        problem = _check_level(values["level"], parent)
        if problem:
            problems.append(RowProblem(name, number, "level (层级)", values["level"].value,
                                       problem))
            continue
        kind = values.get("kind") or UnitKind.TERRITORIAL
        unit = existing.get(values["code"])
        if unit is None:
            unit = Unit(code=values["code"], name=values["name"], level=values["level"], kind=kind,
                        parent=parent, path="")
            session.add(unit)
            session.flush()
            unit.path = unit_path(parent, unit.id)
            existing[unit.code] = unit
            result.created += 1
            continue
        if parent is not None and unit.path in parent.path:
            problems.append(RowProblem(name, number, "parent_code (上级编码)",
                                       values["parent_code"],
                                       _("a unit cannot be placed under its own subunit")))
            continue
        before = (unit.name, unit.level, unit.kind, unit.parent_id)
        unit.name, unit.level, unit.kind = values["name"], values["level"], kind
        if unit.parent_id != (parent.id if parent else None):
            _move(session, unit, parent)
            existing = {u.code: u for u in session.scalars(select(Unit))}
        if before == (unit.name, unit.level, unit.kind, unit.parent_id):
            result.unchanged += 1
        else:
            result.updated += 1
    if problems:
        raise ImportProblem(problems)
    audit.log(session, actor, "import", entity_type="unit",
              summary={"file": name, "rows": result.rows, "created": result.created,
                       "updated": result.updated, "dry_run": dry_run})
    return result


def export_units(session: Session, actor: Actor, **_options) -> Table:
    actor.require_any("units.view", "units.manage")
    units = units_in_scope(session, actor)
    codes = {u.id: u.code for u in units}
    parent_codes = dict(session.execute(select(Unit.id, Unit.code)).all())
    rows = [
        {"code": u.code, "name": u.name, "level": u.level, "kind": u.kind,
         "parent_code": codes.get(u.parent_id) or parent_codes.get(u.parent_id) or ""}
        for u in units
    ]
    return Table("units", COLUMNS, rows)
