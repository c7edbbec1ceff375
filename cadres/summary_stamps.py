"""Stamps that tell ``training_unit_summary`` rows apart from stale ones.

A unit's summary row (training completion of its cadres, ``cadres.completion``) is computed
when a dashboard first needs it and kept. Every write that can change it adds one to the
stamp of the units concerned, in the writer's own transaction, so the row computed before
no longer counts once the write has committed:

- a training record written (its cadre's tally refreshed): ``training.refresh_tallies``
  calls :func:`bump_cadres`;
- a plan added, changed or removed, a cadre added, removed or moved, or its status,
  category or rank changed through the ORM: noted here before each flush;
- a bulk ``UPDATE``/``DELETE``/``INSERT`` on those tables through a session: every unit
  (stamp of unit 0).

Standards and the five-year cycle are not stamped: a summary row carries the ``basis``
(a digest of both) it was computed under and counts only while it matches.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from cadres.models import TrainingPlan, TrainingSummaryStamp
from portal.models import Cadre

EVERY_UNIT = 0
_CADRE_FIELDS = ("unit_id", "status", "category", "rank")
_WATCHED_TABLES = {Cadre.__tablename__, TrainingPlan.__tablename__}
_BUMPING = "cadres.summary_stamps.bumping"


def _upsert(connection, unit_ids: list[int]) -> None:
    table = TrainingSummaryStamp.__table__
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(index_elements=[table.c.unit_id],
                                                set_={"stamp": table.c.stamp + 1})
    # one unit at a time in id order: two writers never wait for each other crosswise
    for unit_id in unit_ids:
        connection.execute(statement, {"unit_id": unit_id, "stamp": 1})


def bump_units(session: Session, unit_ids: Iterable[int | None]) -> None:
    """Add one to the stamp of each unit (``EVERY_UNIT``: all of them) in this transaction."""
    ordered = sorted({int(u) for u in unit_ids if u is not None})
    if not ordered:
        return
    session.info[_BUMPING] = True
    try:
        _upsert(session.connection(), ordered)
    finally:
        session.info.pop(_BUMPING, None)


def bump_cadres(session: Session, cadre_ids: Iterable[int]) -> None:
    """Add one to the stamp of the units of these cadres."""
    ids = sorted({int(c) for c in cadre_ids})
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        batch = ids[start:start + 500]
        found.update(session.scalars(select(Cadre.unit_id).where(Cadre.id.in_(batch)).distinct()))
    bump_units(session, found)


def bump_all(session: Session) -> None:
    bump_units(session, [EVERY_UNIT])


def _old_value(instance, name: str):
    history = inspect(instance).attrs[name].history
    return history.deleted[0] if history.deleted else None


def _unit_of(instance) -> int | None:
    """The unit id of a cadre, or of a plan's cadre (None: not known before the flush)."""
    cadre = instance
    if isinstance(instance, TrainingPlan):
        cadre = instance.__dict__.get("cadre")
        if cadre is None:  # the cadre's unit is looked up by the caller
            return -instance.cadre_id if instance.cadre_id is not None else None
    if cadre.unit_id is not None:
        return cadre.unit_id
    unit = cadre.__dict__.get("unit")
    return unit.id if unit is not None else None


def _changed_units(session: Session) -> set[int | None]:
    """Units (positive), cadres whose unit is to be looked up (negative), None: unknown."""
    found: set[int | None] = set()
    for instance in (*session.new, *session.deleted):
        if isinstance(instance, Cadre | TrainingPlan):
            found.add(_unit_of(instance))
    for instance in session.dirty:
        if isinstance(instance, Cadre):
            state = inspect(instance)
            if any(state.attrs[n].history.has_changes() for n in _CADRE_FIELDS):
                found.add(_unit_of(instance))
                old_unit = _old_value(instance, "unit_id")
                if old_unit is not None:
                    found.add(old_unit)
        elif isinstance(instance, TrainingPlan) and session.is_modified(instance):
            found.add(_unit_of(instance))
            old_cadre = _old_value(instance, "cadre_id")
            if old_cadre is not None:
                found.add(-old_cadre)
    return found


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, _context, _instances) -> None:
    found = _changed_units(session)
    if not found:
        return
    if None in found:  # a cadre or plan whose unit is not known yet
        bump_all(session)
        return
    units = {u for u in found if u > 0}
    cadres = sorted(-u for u in found if u < 0)
    if cadres:
        units.update(session.connection().execute(
            select(Cadre.unit_id).where(Cadre.id.in_(cadres))).scalars())
    bump_units(session, units)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk(state) -> None:
    if state.session.info.get(_BUMPING) or not (state.is_update or state.is_delete
                                                or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name in _WATCHED_TABLES:
        bump_all(state.session)
