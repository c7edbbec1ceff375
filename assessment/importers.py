"""Import and export kinds of the assessment (contracts.md): ``indicators`` and ``scores``
both ways, ``results`` and ``breakdown`` out.

Every import checks the whole file first — cells, then references to schemes, units,
periods and indicators, then the resulting scheme's weights — and writes nothing
unless all of it is right; the error names each bad row and column.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import departments, periods, results, rules, schemes
from assessment.enums import DIRECTION_ALIASES, METHOD_ALIASES, Direction, Method
from assessment.models import Indicator, Period, Score
from assessment.rules import IndicatorSpec, SchemeSpec
from portal import audit, transfer
from portal.access import Actor
from portal.db import utcnow
from portal.enums import UNIT_LEVEL_ALIASES, UnitLevel
from portal.errors import Invalid, PortalError
from portal.i18n import _
from portal.models import Unit
from portal.tabular import (
    Column,
    ImportResult,
    Problems,
    Table,
    choice,
    integer,
    match_headers,
    number,
    optional,
    raw_rows,
    read_table,
    short_text,
    text,
)


def _bands(value: Any):
    return rules.parse_bands(str(value))


def _rank_points(value: Any):
    return rules.parse_points(str(value))


def _year(value: Any) -> int:
    year = integer(value)
    if not 2000 <= year <= 2100:
        raise ValueError(_("is not a year between 2000 and 2100"))
    return year


INDICATOR_COLUMNS = (
    Column("code", "编码", short_text(32)),
    Column("name", "名称", short_text(200)),
    Column("parent_code", "上级编码", optional(short_text(32)), required=False),
    Column("weight", "权重", number),
    Column("direction", "方向", optional(choice(Direction, DIRECTION_ALIASES)), required=False),
    Column("method", "计分方式", choice(Method, METHOD_ALIASES)),
    Column("level", "适用层级", choice(UnitLevel, UNIT_LEVEL_ALIASES)),
    Column("year", "年度", _year),
    Column("target", "目标值", optional(number), required=False),
    Column("bands", "分档", optional(_bands), required=False),
    Column("cap", "上限", optional(number), required=False),
    Column("per_item", "每项分值", optional(number), required=False),
    Column("unit", "计量单位", optional(short_text(40)), required=False),
    # the parameters of the rank and imported methods (issue 15), all optional
    Column("rank_points", "名次分值", optional(_rank_points), required=False),
    Column("rank_start", "第一名分值", optional(number), required=False),
    Column("rank_step", "名次递减分", optional(number), required=False),
    Column("rank_floor", "名次最低分", optional(number), required=False),
    Column("source", "来源考核", optional(short_text(120)), required=False),
    # the lead department (牵头部门) that scores the indicator for every unit, by code or
    # name; empty: the unit reports it itself. A file without the column leaves it alone.
    Column("lead_department", "牵头部门", optional(short_text(120)), required=False),
)

SCORE_COLUMNS = (
    Column("period", "期间", optional(text), required=False),
    Column("unit_code", "单位编码", text),
    Column("indicator_code", "指标编码", text),
    Column("value", "数值", number),
    Column("note", "备注", optional(short_text(500)), required=False),
)
# Read numbers as they are and check them with the references, so one pass names
# an unknown unit and a word in the value column together.
_SCORE_READING = tuple(Column(c.key, c.zh, (lambda v: v) if c.key == "value" else c.parse,
                              c.required)
                       for c in SCORE_COLUMNS)

RESULT_COLUMNS = (
    Column("period", "期间"), Column("unit_code", "单位编码"), Column("unit_name", "单位名称"),
    Column("level", "层级"), Column("composite", "综合得分"), Column("bonus", "加分"),
    Column("rank_in_level", "同级排名"), Column("count_in_level", "同级单位数"),
    Column("rank_in_parent", "上级内排名"), Column("count_in_parent", "上级内单位数"),
    Column("grade", "等次"), Column("vetoed", "一票否决"), Column("veto_codes", "否决指标"),
)

BREAKDOWN_COLUMNS = (
    Column("period", "期间"), Column("unit_code", "单位编码"), Column("unit_name", "单位名称"),
    Column("indicator_code", "指标编码"), Column("indicator_name", "指标名称"),
                     Column("dimension", "维度"),
    Column("weight", "权重"), Column("value", "数值"), Column("points", "得分"),
)


# --- indicators ------------------------------------------------------------------------------

def import_indicators(session: Session, actor: Actor, data: bytes, filename: str, *,
                      dry_run: bool = False,
                      progress: transfer.Progress | None = None, **_options) -> ImportResult:
    """Upsert indicators into the (year, level) schemes named in the file."""
    actor.require("schemes.manage")
    report = transfer.reporter(progress)
    report("reading", 0, 0)
    rows = read_table(data, filename, INDICATOR_COLUMNS, key=("year", "level", "code"))
    name = Path(filename).name
    has_lead = "lead_department" in match_headers(raw_rows(data, filename)[0], INDICATOR_COLUMNS)
    groups: dict[tuple[int, UnitLevel], list[tuple[int, dict]]] = {}
    for number_, values in rows:
        groups.setdefault((values["year"], values["level"]), []).append((number_, values))
    report("checking", 0, len(rows))
    problems = Problems(filename, INDICATOR_COLUMNS)
    if has_lead:
        _lead_problems(session, problems, rows)
    else:
        for _number, values in rows:
            values.pop("lead_department", None)
    for (year, level), group in groups.items():
        _scheme_problems(session, problems, year, level, group)
    problems.raise_if_any()
    report("saving", len(rows), len(rows))
    result = ImportResult(kind="indicators", rows=len(rows), dry_run=dry_run)
    for (year, level), group in groups.items():
        _write_indicators(session, actor, year, level, group, result)
    audit.log(session, actor, "import", entity_type="as_indicator",
              summary={"file": name, "rows": result.rows, "created": result.created,
                       "updated": result.updated,
                       "schemes": [f"{y} {lv.value}" for y, lv in groups], "dry_run": dry_run})
    return result


def _lead_problems(session: Session, problems: Problems, rows: list[tuple[int, dict]]) -> None:
    """Each named lead department must exist; the row's values then hold it."""
    for number_, values in rows:
        named = values.get("lead_department")
        department = departments.find(session, named) if named else None
        if named and department is None:
            problems.add(number_, "lead_department", named,
                         _("no lead department has this code or name"))
        values["lead_department"] = department


def _fields(values: dict) -> dict:
    method = values["method"]
    weight = 0.0 if method in rules.UNWEIGHTED_METHODS else values["weight"]
    lead = {"lead_department": values["lead_department"]} if "lead_department" in values else {}
    return {**lead, "name": values["name"], "parent_code": values.get("parent_code"),
            "weight": weight,
            "direction": values.get("direction") or Direction.HIGHER, "method": method,
            "target": values.get("target"),
            "bands": [list(b) for b in values["bands"]] if values.get("bands") else None,
            "cap": values.get("cap"), "per_item": values.get("per_item"),
            "unit_label": values.get("unit") or "",
            "params": schemes.relevant_params(method, {
                key: list(values[key]) if key == "rank_points" else values[key]
                for key in rules.PARAM_KEYS if values.get(key) not in (None, "", ())})}


def _scheme_problems(session: Session, problems: Problems, year: int, level: UnitLevel,
                     group: list[tuple[int, dict]]) -> None:
    """The scheme as it would be after the import, checked as a whole."""
    current = schemes.latest(session, year, level)
    merged: dict[str, IndicatorSpec] = {
        s.code: s for s in (schemes.spec_of(current).indicators if current else ())
    }
    row_of: dict[str, int] = {}
    for number_, values in group:
        fields = _fields(values)
        fields.pop("lead_department", None)
        merged[values["code"]] = IndicatorSpec(
            code=values["code"], name=fields["name"], parent_code=fields["parent_code"],
                                               weight=fields["weight"],
            method=fields["method"], direction=fields["direction"], target=fields["target"],
            bands=tuple(tuple(b) for b in (fields["bands"] or ())), cap=fields["cap"],
                                               per_item=fields["per_item"],
            unit_label=fields.get("unit_label") or "", **rules.spec_params(fields["params"]))
        row_of[values["code"]] = number_
    spec = SchemeSpec(tuple(merged.values()))
    parents = {s.parent_code for s in spec.indicators}
    spec = SchemeSpec(
        tuple(
            IndicatorSpec(**{**s.__dict__, "method": Method.GROUP})
            if s.code in parents and s.method != Method.GROUP
            else s
            for s in spec.indicators
        )
    )
    first_row = group[0][0]
    for p in rules.validate_scheme(spec):
        problems.add(row_of.get(p.code, first_row), "code" if p.code else "weight", p.code,
                     _("%(level)s %(year)s: %(message)s", level=level.label, year=year,
                       message=p.message))


def _write_indicators(session: Session, actor: Actor, year: int, level: UnitLevel,
                      group: list[tuple[int, dict]], result: ImportResult) -> None:
    scheme = schemes.editable(session, actor, year, level)
    existing = {i.code: i for i in scheme.indicators}
    parents = {values.get("parent_code") for _n,
               values in group} | {i.parent_code for i in scheme.indicators}
    for _number, values in group:
        fields = _fields(values)
        if values["code"] in parents:
            fields["method"] = Method.GROUP
        indicator = existing.get(values["code"])
        if indicator is None:
            scheme.indicators.append(Indicator(code=values["code"], position=len(scheme.indicators),
                                               **fields))
            result.created += 1
            continue
        before = {k: getattr(indicator, k) for k in fields}
        if all(_same(before[k], fields[k]) for k in fields):
            result.unchanged += 1
            continue
        for key, value in fields.items():
            setattr(indicator, key, value)
        result.updated += 1
    session.flush()


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9
    return a == b or (not a and not b)


def export_indicators(session: Session, actor: Actor, *, period: str | None = None,
                      **_options) -> Table:
    """The newest version of every scheme, or the schemes a period is scored with."""
    actor.require_any(*schemes.VIEW)
    if period:
        found = periods.levels_with_schemes(session, periods.get(session, period))
        chosen = list(found.values())
    else:
        chosen = [schemes.scheme_by_id(session, actor, s.id) for s in schemes.list_schemes(session,
                                                                                           actor)]
    rows = []
    for scheme in sorted(chosen, key=lambda s: (s.year, UnitLevel(s.level).depth)):
        for row in schemes.indicator_rows(scheme):
            rows.append({"code": row["code"], "name": row["name"],
                         "parent_code": row["parent_code"],
                         "weight": row["weight"], "direction": row["direction"],
                         "method": row["method"],
                         "level": UnitLevel(scheme.level).value, "year": scheme.year,
                         "target": row["target"],
                         "bands": row["bands"], "cap": row["cap"], "per_item": row["per_item"],
                         "unit": row["unit_label"],
                         **{key: row[key] for key in rules.PARAM_KEYS},
                         "lead_department": row["lead_department"]})
    return Table("indicators", INDICATOR_COLUMNS, rows)


# --- scores ----------------------------------------------------------------------------------

class _ScoreChecker:
    """Looks up what every score row refers to, once per period, unit and level."""

    def __init__(self, session: Session, actor: Actor):
        self.session, self.actor = session, actor
        self.periods: dict[str, Period | str] = {}
        # plain rows, read once: a city's 3,000 units are looked up ~190,000 times
        self.units = {row.code: row for row in session.execute(
            select(Unit.code, Unit.id, Unit.path, Unit.level).where(Unit.active))}
        self.assessed: set[int] = set()
        for level in UnitLevel:
            self.assessed.update(session.scalars(
                periods.assessed_units_stmt(level).with_only_columns(Unit.id)))
        self.leaves: dict[tuple[int, UnitLevel], dict[str, IndicatorSpec] | None] = {}
        self.targets: dict[tuple[int, str], tuple | str] = {}
        self.codes: dict[Any, tuple[str | None, tuple | None]] = {}

    def period(self, code: str) -> Period | str:
        if code not in self.periods:
            try:
                found = periods.get(self.session, code)
                if found.status not in rules.EDITABLE:
                    self.periods[code] = _("the period is %(status)s; scores change only while it "
                                           "is collecting "
                                           "or reviewing", status=found.status.label)
                else:
                    self.periods[code] = found
            except PortalError:
                self.periods[code] = _("there is no such period")
        return self.periods[code]

    def leaf_map(self, period: Period, level: UnitLevel) -> dict[str, IndicatorSpec] | None:
        key = (period.id, level)
        if key not in self.leaves:
            scheme = periods.scheme_for(self.session, period, level)
            self.leaves[key] = (
                {leaf.code: leaf for leaf in schemes.spec_of(scheme).leaves} if scheme else None
            )
        return self.leaves[key]

    def check(self, problems: Problems, number_: int, values: dict,
              default_period: str | None) -> tuple | None:
        """``(period, unit)`` the row's score belongs to, or None with its problems added."""
        found = []

        def add(column: str, value: Any, reason: str) -> None:
            found.append(column)
            problems.add(number_, column, value, reason)

        raw_period = values.get("period")
        if raw_period not in self.codes:
            self.codes[raw_period] = self._period_code(raw_period, default_period)
        code, problem = self.codes[raw_period]
        if problem is not None:
            add(*problem)
        if code is None:
            return None
        raw_value = values["value"]
        try:
            values["value"] = number(raw_value)
        except ValueError as error:
            add("value", values["value"], str(error))
        period = self.period(code)
        if isinstance(period, str):
            add("period", code, period)
            return None
        leaf, unit = self._leaf(period, values, add)
        if leaf is None or found:
            return None
        reason = rules.value_problem(leaf, values["value"])
        if reason:
            add("value", raw_value, reason)
            return None
        return period, unit

    @staticmethod
    def _period_code(raw: Any, default_period: str | None) -> tuple[str | None, tuple | None]:
        """The period code of a row's period cell, or None with the problem (column, value,
        reason); the same for every row with the same cell."""
        code = (raw or default_period or "").strip().upper()
        if not code:
            return None, ("period", None, _("no period: add a period column or choose the period"))
        if default_period and raw and code != default_period.strip().upper():
            return None, ("period", raw, _("the file is being imported into %(code)s",
                                           code=default_period))
        return code, None

    def _leaf(self, period: Period, values: dict, add) -> tuple[IndicatorSpec | None, Any]:
        """The scored indicator and the unit of the row, in scope and assessed in ``period``."""
        key = (period.id, values["unit_code"])
        if key not in self.targets:
            self.targets[key] = self._target(period, values["unit_code"])
        target = self.targets[key]
        if isinstance(target, str):
            add("unit_code", values["unit_code"], target)
            return None, None
        unit, leaves = target
        leaf = leaves.get(values["indicator_code"])
        if leaf is None:
            add("indicator_code", values["indicator_code"],
                _("not a scored indicator of the %(level)s scheme for "
                                                              "%(year)s",
                  level=UnitLevel(unit.level).label, year=period.year))
        return leaf, unit

    def _target(self, period: Period, unit_code: str) -> tuple | str:
        """(unit, its level's scored indicators by code), or why the unit takes no scores."""
        unit = self.units.get(unit_code)
        if unit is None:
            return _("no unit has this code")
        if not self.actor.in_scope(unit.path):
            return _("this unit is outside the units you are responsible for")
        level = UnitLevel(unit.level)
        leaves = self.leaf_map(period, level)
        if unit.id not in self.assessed or leaves is None:
            return _("this unit is not assessed in %(year)s (no %(level)s scheme, "
                     "or not a territorial unit)", year=period.year, level=level.label)
        return unit, leaves


PROGRESS_EVERY = 5000  # rows between two progress reports (a report may be a write elsewhere)


def import_scores(session: Session, actor: Actor, data: bytes, filename: str, *,
                  dry_run: bool = False,
                  period: str | None = None, progress: transfer.Progress | None = None,
                  **_options) -> ImportResult:
    """Upsert scores on (period, unit, indicator); ``period`` fills or checks the period column."""
    actor.require("assessment.edit")
    report = transfer.reporter(progress)
    report("reading", 0, 0)
    rows = read_table(data, filename, _SCORE_READING)
    name = Path(filename).name
    checker = _ScoreChecker(session, actor)
    problems = Problems(filename, SCORE_COLUMNS)
    accepted: dict[tuple[int, int, str], tuple[int, float, str | None]] = {}
    for index, (number_, values) in enumerate(rows):
        target = checker.check(problems, number_, values, period)
        if target is not None:
            key = (target[0].id, target[1].id, values["indicator_code"])
            if key in accepted:
                problems.add(number_, ("unit_code", "indicator_code"),
                             f"{values['unit_code']} / {values['indicator_code']}",
                             _("duplicate of row %(row)s", row=accepted[key][0]))
            else:
                accepted[key] = (number_, values["value"], values.get("note"))
        if index % PROGRESS_EVERY == 0:
            report("checking", index, len(rows))
    problems.raise_if_any()
    report("saving", len(rows), len(rows))
    result = ImportResult(kind="scores", rows=len(rows), dry_run=dry_run)
    _write_scores(session, actor, accepted, result)
    audit.log(session, actor, "import", entity_type="as_score",
              summary={"file": name, "rows": result.rows, "created": result.created,
                       "updated": result.updated,
                       "periods": sorted({p.code for p in checker.periods.values() if isinstance(p,
                                                                                                 Period)}),
                       "dry_run": dry_run})
    return result


SCORE_WRITE = ("period_id", "unit_id", "indicator_code", "value", "note", "version",
               "updated_at", "updated_by")
# A new score is inserted, a changed one overwritten on its natural key with the version
# counted here (read + 1): one statement on SQLite and PostgreSQL alike.
UPSERT = ("INSERT INTO as_score ({names}) {source} ON CONFLICT (period_id, unit_id, "
          "indicator_code) DO UPDATE SET value = excluded.value, note = excluded.note, "
          "version = excluded.version, updated_at = excluded.updated_at, "
          "updated_by = excluded.updated_by")


def _write_scores(session: Session, actor: Actor, accepted: dict, result: ImportResult) -> None:
    """Insert the new scores and overwrite the changed ones (version + 1), set-based."""
    session.flush()
    connection = session.connection()  # plain rows through Core: a period has ~190,000
    existing = {}
    for period_id in {key[0] for key in accepted}:
        for unit_id, code, value, note, version in connection.execute(
                select(Score.unit_id, Score.indicator_code, Score.value, Score.note,
                       Score.version).where(Score.period_id == period_id)):
            existing[(period_id, unit_id, code)] = (value, note, version)
    now = _stamp(connection, utcnow())
    rows = []
    for key, (_number, value, note) in accepted.items():
        stored = existing.get(key)
        if stored is None:
            rows.append((*key, value, note or "", 1, now, actor.username))
            result.created += 1
            continue
        old_value, old_note, version = stored
        new_note = old_note if note is None else note
        if _same(old_value, value) and new_note == old_note:
            result.unchanged += 1
            continue
        rows.append((*key, value, new_note, version + 1, now, actor.username))
        result.updated += 1
    _upsert_scores(connection, rows)
    session.expire_all()


def _stamp(connection, moment):
    """A timestamp as the driver takes it: SQLite stores the naive UTC text SQLAlchemy writes."""
    if connection.dialect.name != "sqlite":
        return moment
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _upsert_scores(connection, rows: list[tuple]) -> None:
    """``rows`` (in ``SCORE_WRITE`` order) into as_score: an executemany on SQLite; on
    PostgreSQL ``COPY`` into a temporary table, then one INSERT … SELECT."""
    if not rows:
        return
    names = ", ".join(SCORE_WRITE)
    if connection.dialect.name != "postgresql":
        marks = ", ".join("?" for _name in SCORE_WRITE)
        connection.exec_driver_sql(UPSERT.format(names=names, source=f"VALUES ({marks})"), rows)
        return
    connection.exec_driver_sql(f"CREATE TEMPORARY TABLE IF NOT EXISTS as_score_import ON COMMIT "
                               f"DELETE ROWS AS SELECT {names} FROM as_score WITH NO DATA")
    connection.exec_driver_sql("TRUNCATE as_score_import")
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY as_score_import ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    connection.exec_driver_sql(UPSERT.format(
        names=names, source=f"SELECT {names} FROM as_score_import"))


def _period_or_latest(session: Session, code: str | None) -> Period:
    if code:
        return periods.get(session, code)
    found = session.scalars(select(Period).order_by(Period.start.desc(), Period.kind)).first()
    if found is None:
        raise Invalid(_("There are no assessment periods yet."))
    return found


def export_scores(session: Session, actor: Actor, *, period: str | None = None,
                  **_options) -> Table:
    """Every score entered for a period (default: the newest), for the units in scope."""
    from assessment import scores

    chosen = _period_or_latest(session, period)
    rows = [{k: row[k] for k in ("period", "unit_code", "indicator_code", "value", "note")}
            for row in scores.template_rows(session, actor,
                                            chosen.code) if row["value"] is not None]
    return Table("scores", SCORE_COLUMNS, rows)


def _published_or_latest(session: Session, code: str | None) -> str:
    if code:
        return code
    from assessment.service import latest_published_period

    latest = latest_published_period(session)
    if latest is None:
        raise Invalid(_("No period has been published yet."))
    return latest.code


def export_results(session: Session, actor: Actor, *, period: str | None = None,
                   **_options) -> Table:
    """Published results of the units in scope (default: the latest published period)."""
    code = _published_or_latest(session, period)
    frame = results.results_frame(session, actor, code)
    rows = [{"period": code, "unit_code": r.unit_code, "unit_name": r.unit_name, "level": r.level,
             "composite": r.composite, "bonus": r.bonus, "rank_in_level": r.rank_in_level,
             "count_in_level": r.count_in_level, "rank_in_parent": r.rank_in_parent,
             "count_in_parent": r.count_in_parent, "grade": r.grade, "vetoed": bool(r.vetoed),
             "veto_codes": ", ".join(r.veto_codes or ())} for r in frame.itertuples()]
    return Table("results", RESULT_COLUMNS, rows)


def export_breakdown(session: Session, actor: Actor, *, period: str | None = None,
                     **_options) -> Table:
    """Each unit's points per indicator (the contributions that add up to its composite)."""
    code = _published_or_latest(session, period)
    frame = results.breakdown_frame(session, actor, code)
    rows = [{"period": code, "unit_code": r.unit_code, "unit_name": r.unit_name,
             "indicator_code": r.indicator_code,
             "indicator_name": r.name, "dimension": r.dimension_name, "weight": r.weight,
             "value": r.value,
             "points": r.points} for r in frame.itertuples()]
    return Table("breakdown", BREAKDOWN_COLUMNS, rows)


IMPORTERS = {"indicators": import_indicators, "scores": import_scores}
EXPORTERS = {"indicators": export_indicators, "scores": export_scores, "results": export_results,
             "breakdown": export_breakdown}
