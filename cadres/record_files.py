"""Import and export of the full cadre record as CSV/XLSX (kind ``records``, docs/formats.md).

One row per cadre, keyed by the cadre code; every other column is optional and a column
left out keeps its stored values (a blank cell clears the field). Codes are written as
their names (汉族, 大学, 法学学士, 健康) and either is accepted; months are ``YYYY-MM``; the
résumé is one period per line; family members one per line as
``称谓|姓名|出生年月|政治面貌|工作单位及职务``. An id number is never echoed in an error.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from cadres import records
from cadres.models import CadreRecord
from cadres.rules import records as rules
from portal import audit
from portal.access import Actor
from portal.i18n import _
from portal.models import Cadre, Unit
from portal.tabular import (
    Column,
    ImportProblem,
    ImportResult,
    RowProblem,
    Table,
    match_headers,
    raw_rows,
    read_table,
    text,
)

KEY = Column("code", "干部编号", text)
COLUMNS = (KEY, *(Column(f.key, f.zh, lambda value: value, required=False) for f in records.FIELDS))


def _masked(problem: RowProblem) -> RowProblem:
    if problem.column.startswith("id_number"):
        return RowProblem(problem.file, problem.row, problem.column,
                          rules.mask_id_number(problem.value),
                          problem.reason)
    return problem


def import_records(session: Session, actor: Actor, data: bytes, filename: str, *,
                   dry_run: bool = False,
                   **_options) -> ImportResult:
    """Upsert the records of the cadres in the file (all rows or none)."""
    actor.require("cadres.edit")
    name = Path(filename).name
    rows = read_table(data, filename, COLUMNS, key=("code",))
    header = raw_rows(data, filename)[0]
    present = [key for key in match_headers(header, COLUMNS) if key != "code"]
    cadres = {c.code: c for c in session.scalars(
        select(Cadre).where(Cadre.code.in_([v["code"] for _n,
                                            v in rows])))} if len(rows) < 900 else \
        {c.code: c for c in session.scalars(select(Cadre))}
    problems: list[RowProblem] = []
    parsed = []
    for number, cells in rows:
        cadre = cadres.get(cells["code"])
        if cadre is None:
            problems.append(RowProblem(name, number, KEY.header, cells["code"],
                                       _("no cadre has this code")))
        elif not actor.in_scope(cadre.unit.path):
            problems.append(RowProblem(name, number, KEY.header, cells["code"],
                                       _("this cadre serves outside the units you are responsible "
                                         "for")))
        values, wrong = records.parse_values({key: cells.get(key) for key in present})
        problems += [_masked(RowProblem(name, number, f"{key} ({records.FIELD_BY_KEY[key].zh})",
                                        str(cells.get(key) or "")[:60], reason)) for key,
                     reason in wrong.items()]
        parsed.append((number, cadre, values))
    problems += _id_clashes(session, name, parsed)
    if problems:
        raise ImportProblem(problems)
    result = ImportResult(kind="records", rows=len(parsed), dry_run=dry_run)
    for _number, cadre, values in parsed:
        existed = session.get(CadreRecord, cadre.id) is not None
        changes = records.update_record(session, actor, cadre, values,
                                        action="cadre.record.imported")
        if not existed:
            result.created += 1
        elif changes:
            result.updated += 1
        else:
            result.unchanged += 1
    audit.log(session, actor, "import", entity_type="cadre_record",
              summary={"kind": "records", "file": name, "rows": result.rows,
                       "created": result.created,
                       "updated": result.updated, "dry_run": dry_run})
    return result


def _id_clashes(session: Session, name: str, parsed) -> list[RowProblem]:
    """Two rows, or a row and another cadre already recorded, with the same id number."""
    column = f"id_number ({records.FIELD_BY_KEY['id_number'].zh})"
    problems, seen = [], {}
    for number, cadre, values in parsed:
        id_number = values.get("id_number")
        if not id_number or cadre is None:
            continue
        masked = rules.mask_id_number(id_number)
        holder = records.find_by_id_number(session, id_number)
        if id_number in seen:
            problems.append(RowProblem(name, number, column, masked,
                                       _("the same id number as row %(row)s", row=seen[id_number])))
        elif holder is not None and holder.id != cadre.id:
            problems.append(RowProblem(name, number, column, masked,
                                       _("this id number is already recorded for another cadre")))
        seen.setdefault(id_number, number)
    return problems


def export_records(session: Session, actor: Actor, **_options) -> Table:
    """The records of the cadres in scope that have one; id numbers masked for those who
    may not see them."""
    actor.require("cadres.view")
    stmt = (select(Cadre, CadreRecord).join(CadreRecord, CadreRecord.cadre_id == Cadre.id)
            .join(Unit, Cadre.unit_id == Unit.id).where(actor.cadre_clause()).order_by(Unit.path,
                                                                                       Cadre.code))
    rows = []
    for cadre, record in session.execute(stmt):
        row = {"code": cadre.code,
               **{f.key: records.field_text(record, f.key) for f in records.FIELDS}}
        row["id_number"] = records.shown_id_number(actor, cadre, record)
        rows.append(row)
    return Table("records", COLUMNS, rows)

