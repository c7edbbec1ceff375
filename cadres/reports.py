"""What the reviewer dashboards show: completion by unit (with drill-down), cadres behind
schedule, hours by category and mode, and hours by month. Scoped like every service."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from cadres import completion, training
from cadres.models import TrainingRecord
from cadres.training import CadreProgress
from portal import cache, units
from portal.access import Actor, in_subtree
from portal.enums import CadreStatus
from portal.models import Cadre, Unit

READS = ("cadres", "portal")  # what the training overview reads (``portal.cache``)

COMPLETION_COLUMNS = ["unit_id", "unit_name", "cadres", "complete", "on_pace", "behind",
                      "complete_rate",
                      "behind_rate", "avg_hours", "has_children"]


def focus_unit(session: Session, actor: Actor, unit_id: int | None) -> Unit:
    """The unit a dashboard looks at: the one asked for if it is in scope, else the scope's root."""
    if unit_id:
        return units.get_unit(session, actor, int(unit_id))
    return units.scope_root(session, actor)


def completion_by_unit(rows: Sequence[CadreProgress], parent: Unit,
                       children: Sequence[Unit]) -> pd.DataFrame:
    """One row per child unit (its whole subtree) and one for the parent's own cadres."""
    groups: list[tuple[Unit, bool, list[CadreProgress]]] = []
    own = [r for r in rows if r.unit_id == parent.id]
    if own:
        groups.append((parent, False, own))
    for child in children:
        members = [r for r in rows if r.unit_path.startswith(child.path)]
        if members:
            groups.append((child, True, members))
    records = []
    for unit, drill, members in groups:
        complete = sum(1 for m in members if m.progress.complete)
        behind = sum(1 for m in members if m.progress.behind)
        records.append({
            "unit_id": unit.id, "unit_name": unit.name, "cadres": len(members),
                        "complete": complete,
            "on_pace": len(members) - complete - behind if len(members) >= complete + behind else 0,
            "behind": behind, "complete_rate": complete / len(members),
                        "behind_rate": behind / len(members),
            "avg_hours": sum(m.progress.hours_counted for m in members) / len(members),
            "has_children": drill,
        })
    return pd.DataFrame.from_records(records, columns=COMPLETION_COLUMNS)


BEHIND_COLUMNS = ["code", "name", "unit", "position", "required", "counted", "missing", "expected",
                  "deadline", "projected"]


def behind_schedule(rows: Sequence[CadreProgress]) -> pd.DataFrame:
    """Cadres below the even pace (or past the deadline with a gap), largest gap first."""
    records = [
        {
            "code": r.code,
            "name": r.name,
            "unit": r.unit_name,
            "position": r.position,
            "required": r.progress.required_hours,
            "counted": round(r.progress.hours_counted, 1),
            "missing": round(r.progress.missing_hours, 1),
            "expected": round(r.progress.expected_by_now, 1),
            "deadline": r.progress.deadline.isoformat(),
            "projected": r.progress.projected_completion.isoformat()
            if r.progress.projected_completion
            else "",
        }
        for r in rows
        if r.progress.behind
    ]
    frame = pd.DataFrame.from_records(records, columns=BEHIND_COLUMNS)
    return frame.sort_values(["missing", "code"], ascending=[False, True]).reset_index(drop=True)


def summary(rows: Sequence[CadreProgress]) -> dict:
    count = len(rows)
    online = sum(r.progress.online_hours for r in rows)
    total = sum(r.progress.hours_total for r in rows)
    return {
        "cadres": count,
        "complete": sum(1 for r in rows if r.progress.complete),
        "behind": sum(1 for r in rows if r.progress.behind),
        "avg_hours": sum(r.progress.hours_counted for r in rows) / count if count else 0.0,
        "online_share": online / total if total else 0.0,
        "five_year_behind": sum(1 for r in rows if r.progress.five_year_behind),
        "five_year_cadres": sum(1 for r in rows if r.progress.five_year_required),
    }


HOURS_COLUMNS = ["category", "mode", "month", "hours"]


def hours_frame(session: Session, actor: Actor, year: int,
                under: Unit | None = None) -> pd.DataFrame:
    """Class hours of the year in scope, summed by category, mode and month (in the database)."""
    actor.require("training.view")
    month = extract("month", TrainingRecord.completed_on)
    stmt = (select(TrainingRecord.category, TrainingRecord.mode, month,
                   func.sum(TrainingRecord.hours))
            .join(Cadre, TrainingRecord.cadre_id == Cadre.id).join(Unit, Cadre.unit_id == Unit.id)
            .where(TrainingRecord.year == year, actor.cadre_clause(),
                   Cadre.status == CadreStatus.SERVING)
            .group_by(TrainingRecord.category, TrainingRecord.mode, month))
    if under is not None:
        stmt = stmt.where(in_subtree(Unit.path, under.path))
    return pd.DataFrame.from_records([(str(c), str(m), int(mo), float(h or 0)) for c, m, mo,
                                      h in session.execute(stmt)],
                                     columns=HOURS_COLUMNS)


def records_frame(records) -> pd.DataFrame:
    """The same shape from a list of records (one cadre's page)."""
    return pd.DataFrame.from_records([(str(r.category), str(r.mode), r.completed_on.month,
                                       float(r.hours))
                                      for r in records], columns=HOURS_COLUMNS)


def hours_by_category_mode(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=["category", "mode", "hours"])
    return frame.groupby(["category", "mode"], as_index=False)["hours"].sum()


def hours_by_month(frame: pd.DataFrame, year: int, as_of: date | None = None) -> pd.DataFrame:
    """Hours per month and mode; months after ``as_of`` are left out (not shown as zero)."""
    last = 12 if as_of is None or as_of.year > year else (as_of.month if as_of.year == year else 0)
    months = pd.DataFrame([(m, mode) for m in range(1, last + 1) for mode in ("offline", "online")],
                          columns=["month", "mode"])
    if frame.empty:
        months["hours"] = 0.0
        return months
    summed = frame.groupby(["month", "mode"], as_index=False)["hours"].sum()
    return months.merge(summed, on=["month", "mode"], how="left").fillna({"hours": 0.0})


@cache.scoped("cadres.training_overview", reads=READS)
def overview(session: Session, actor: Actor, year: int, focus_id: int) -> dict:
    """What the training overview shows of ``focus_id``'s subtree in ``year`` (kept in the
    cache per scope): ``summary``, ``completion`` by child unit, and the hours by category and
    mode (``hours_by_cell``) and by month and mode (``hours_by_month``), all counted in the
    database (``cadres.completion``); the cadres behind schedule come a page at a time
    (``completion.behind_page``)."""
    focus = units.get_unit(session, actor, focus_id)
    found, by_cell, by_month = completion.overview_parts(session, actor, year, under=focus)
    return {"summary": completion.summary(found),
            "completion": completion.completion_by_unit(session, found, focus,
                                                        units.children(session, actor, focus)),
            "hours_by_cell": by_cell, "hours_by_month": by_month}


def progress_rows(session: Session, actor: Actor, year: int, unit_id: int | None = None,
                  as_of: date | None = None) -> tuple[Unit, list[CadreProgress]]:
    under = focus_unit(session, actor, unit_id)
    return under, training.scope_progress(session, actor, year, under=under, as_of=as_of)
