"""Import and export of cadres, training records and appraisal grades (contracts.md), plus an
export of the year's training progress.

Each import validates every row (cells, references, scope) before writing anything, upserts
on the natural key and logs one ``import`` audit event; re-importing a file changes nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from cadres import appointment_forms, record_files, rules, training
from cadres import grades as grade_service
from cadres.enums import (
    GRADE_ALIASES,
    TRAINING_CATEGORY_ALIASES,
    TRAINING_MODE_ALIASES,
    AppraisalGrade,
    RecordSource,
    TrainingCategory,
    TrainingMode,
)
from cadres.models import CadreAppraisal, CadrePosting, TrainingRecord
from portal import accounts, audit, transfer
from portal.access import Actor
from portal.enums import GENDER_ALIASES, CadreCategory, CadreStatus, Gender, LeaderRole, Rank
from portal.i18n import _
from portal.models import Cadre, Unit
from portal.tabular import (
    Column,
    ImportResult,
    Problems,
    Table,
    choice,
    integer,
    iso_date,
    match_headers,
    number,
    optional,
    raw_rows,
    short_text,
    text,
    yes_no,
)

RANK_ALIASES = {"正厅": "bureau_chief", "正厅级": "bureau_chief", "副厅": "bureau_deputy",
                "副厅级": "bureau_deputy", "正处": "county_chief", "正处级": "county_chief",
                "副处": "county_deputy", "副处级": "county_deputy", "正科": "township_chief",
                "正科级": "township_chief", "副科": "township_deputy", "副科级": "township_deputy",
                "一级巡视员": "inspector_1", "二级巡视员": "inspector_2"}
LEADER_ROLE_ALIASES = {"正职": "principal", "副职": "deputy", "成员": "member",
                       "班子成员": "member",
                       "非班子成员": "member", "否": "member", "无": "member"}
STATUS_ALIASES = {"在职": "serving", "在岗": "serving", "调离": "transferred", "退休": "retired"}


def _year(value) -> int:
    result = integer(value)  # 2025.7 is a mistake to report, not a year to round
    if not 2000 <= result <= 2100:
        raise ValueError(_("must be a year such as 2025"))
    return result


def _birth_date(value) -> date:
    """A cadre's birth date: after 1900 and at least 16 years ago (2099 is a typing slip)."""
    born = iso_date(value)
    today = date.today()
    if not date(1900, 1, 1) <= born <= today.replace(year=today.year - 16):
        raise ValueError(_("is not a plausible birth date (after 1900, at least 16 years ago)"))
    return born


def _hours(value) -> float:
    result = number(value)
    if not 0 < result <= training.MAX_HOURS:
        raise ValueError(_("must be more than 0 and at most %(max)s", max=training.MAX_HOURS))
    return round(result, 2)


def _title(value) -> str:
    result = " ".join(text(value).split())
    if len(result) > training.MAX_TEXT:
        raise ValueError(_("is longer than %(n)s characters", n=training.MAX_TEXT))
    return result


# --- cadres ----------------------------------------------------------------------------------

CADRE_COLUMNS = (
    Column("code", "干部编号", short_text(32)),
    Column("name", "姓名", short_text(60)),
    Column("gender", "性别", choice(Gender, GENDER_ALIASES)),
    Column("birth_date", "出生日期", optional(_birth_date), required=False),
    Column("unit_code", "单位编码", text),
    Column("position", "职务", optional(short_text(120)), required=False),
    Column("rank", "职级", optional(choice(Rank, RANK_ALIASES)), required=False),
    Column("category", "类别", choice(CadreCategory)),
    Column("rank_since", "任现职级时间", optional(iso_date), required=False),
    Column("position_since", "任现职务时间", optional(iso_date), required=False),
    Column("party_member", "党员", optional(yes_no), required=False),
    Column("leader_role", "班子职务", optional(choice(LeaderRole, LEADER_ROLE_ALIASES)),
           required=False),
    Column("status", "状态", optional(choice(CadreStatus, STATUS_ALIASES)), required=False),
)
CADRE_FIELDS = ("name", "gender", "birth_date", "position", "rank", "category", "rank_since",
                "position_since", "party_member", "leader_role", "status")
CADRE_DEFAULTS = {"position": "", "party_member": True, "leader_role": LeaderRole.MEMBER,
                  "status": CadreStatus.SERVING}


def _present(data: bytes, filename: str, columns) -> set[str]:
    rows = raw_rows(data, filename)
    return set(match_headers(rows[0], columns)) if rows else set()


def _units_by_code(session: Session, codes: set[str]) -> dict[str, Unit]:
    found: dict[str, Unit] = {}
    codes_list = list(codes)
    for start in range(0, len(codes_list), 500):
        for unit in session.scalars(
            select(Unit).where(Unit.code.in_(codes_list[start : start + 500]))
        ):
            found[unit.code] = unit
    return found


def _cadres_by_code(session: Session, codes: set[str]) -> dict[str, Cadre]:
    found: dict[str, Cadre] = {}
    codes_list = list(codes)
    for start in range(0, len(codes_list), 500):
        for cadre in session.scalars(
            select(Cadre).where(Cadre.code.in_(codes_list[start : start + 500]))
        ):
            found[cadre.code] = cadre
    return found


def _posting_changed(session: Session, cadre: Cadre, today: date) -> None:
    """Close the open posting and open the new one after a change of unit or position."""
    start = cadre.position_since or today
    for posting in session.scalars(select(CadrePosting).where(CadrePosting.cadre_id == cadre.id,
                                                              CadrePosting.end.is_(None))):
        posting.end = max(start, posting.start) if posting.start else start
    session.add(CadrePosting(cadre_id=cadre.id, unit_id=cadre.unit_id, position=cadre.position,
                             start=start))


def _registry_problems(problems: Problems, rows, unit_map: dict, existing: dict,
                       actor: Actor) -> Problems:
    """Rows naming an unknown unit, a unit outside scope, or a cadre serving outside scope."""
    for number_, values in rows:
        unit = unit_map.get(values["unit_code"])
        if unit is None:
            problems.add(number_, "unit_code", values["unit_code"], _("no unit has this code"))
        elif not actor.in_scope(unit.path):
            problems.add(number_, "unit_code", values["unit_code"],
                         _("this unit is outside the units you are responsible for"))
        cadre = existing.get(values["code"])
        if cadre is not None and not actor.in_scope(cadre.unit.path):
            problems.add(number_, "code", values["code"],
                         _("this cadre serves outside the units you are responsible for"))
    return problems


def _upsert_cadre(session: Session, cadre: Cadre | None, code: str, unit: Unit, changes: dict,
                  today: date,
                  result: ImportResult) -> None:
    """Add the cadre (with their first posting) or apply the file's changes, counted in
    ``result``."""
    if cadre is None:
        cadre = Cadre(code=code, unit_id=unit.id, **{**CADRE_DEFAULTS, **changes})
        session.add(cadre)
        session.flush()
        session.add(CadrePosting(cadre_id=cadre.id, unit_id=unit.id, position=cadre.position or "",
                                 start=cadre.position_since))
        result.created += 1
        return
    before = audit.snapshot(cadre)
    moved = cadre.unit_id != unit.id or (
        "position" in changes and changes["position"] != cadre.position
    )
    for field_, value in changes.items():
        setattr(cadre, field_, value)
    cadre.unit_id = unit.id
    if moved:
        session.flush()
        _posting_changed(session, cadre, today)
    if audit.changes(before, audit.snapshot(cadre)):
        result.updated += 1
    else:
        result.unchanged += 1


def import_cadres(session: Session, actor: Actor, data: bytes, filename: str, *,
                  dry_run: bool = False,
                  progress: transfer.Progress | None = None, **_options) -> ImportResult:
    """Upsert cadres by code. Columns left out of the file keep their stored values."""
    actor.require("cadres.edit")
    rows, report = transfer.read_reporting(data, filename, CADRE_COLUMNS, progress, key=("code",))
    present = _present(data, filename, CADRE_COLUMNS)
    unit_map = _units_by_code(session, {v["unit_code"] for _n, v in rows})
    existing = _cadres_by_code(session, {v["code"] for _n, v in rows})
    _registry_problems(Problems(filename, CADRE_COLUMNS), rows, unit_map, existing,
                       actor).raise_if_any()
    report("saving", len(rows), len(rows))
    result = ImportResult(kind="cadres", rows=len(rows), dry_run=dry_run)
    today = date.today()
    for _number, values in rows:
        changes = {f: values.get(f) for f in CADRE_FIELDS if f in present}
        for field_, default in CADRE_DEFAULTS.items():
            if field_ in changes and changes[field_] is None:
                changes[field_] = default
        _upsert_cadre(session, existing.get(values["code"]), values["code"],
                      unit_map[values["unit_code"]],
                      changes, today, result)
    session.flush()
    audit.log(session, actor, "import", entity_type="cadre",
              summary={"kind": "cadres", "file": Path(filename).name, "rows": result.rows,
                       "created": result.created,
                       "updated": result.updated, "dry_run": dry_run})
    closed = accounts.close_logins_of_departed_cadres(session, actor)  # retired or transferred out
    if closed:
        result.notes.append(_("%(n)s login(s) of cadres no longer serving were disabled.",
                              n=closed))
    return result


def _scoped_cadres(session: Session, actor: Actor):
    return (select(Cadre, Unit.code).join(Unit,
                                          Cadre.unit_id == Unit.id).where(actor.cadre_clause())
            .order_by(Unit.path, Cadre.code))


def export_cadres(session: Session, actor: Actor, **_options) -> Table:
    actor.require("cadres.view")
    rows = [{"code": c.code, "name": c.name, "gender": c.gender, "birth_date": c.birth_date,
             "unit_code": unit_code, "position": c.position, "rank": c.rank, "category": c.category,
             "rank_since": c.rank_since, "position_since": c.position_since,
             "party_member": c.party_member,
             "leader_role": c.leader_role, "status": c.status}
            for c, unit_code in session.execute(_scoped_cadres(session, actor))]
    return Table("cadres", CADRE_COLUMNS, rows)


# --- training records ------------------------------------------------------------------------

TRAINING_COLUMNS = (
    Column("cadre_code", "干部编号", text),
    Column("title", "课程", _title),
    Column("category", "类别", choice(TrainingCategory, TRAINING_CATEGORY_ALIASES)),
    Column("hours", "学时", _hours),
    Column("mode", "方式", choice(TrainingMode, TRAINING_MODE_ALIASES)),
    Column("completed_on", "完成日期", iso_date),
    Column("provider", "机构", optional(short_text(120)), required=False),
)


def _cadre_problems(problems: Problems, rows, cadres: dict[str, Cadre], actor: Actor) -> Problems:
    """Rows whose cadre is unknown or serves outside the actor's subtree."""
    for number_, values in rows:
        cadre = cadres.get(values["cadre_code"])
        if cadre is None:
            problems.add(number_, "cadre_code", values["cadre_code"], _("no cadre has this code"))
        elif not actor.in_scope(cadre.unit.path):
            problems.add(number_, "cadre_code", values["cadre_code"],
                         _("this cadre serves outside the units you are responsible for"))
    return problems


def _update_record(record: TrainingRecord, fields: dict, result: ImportResult) -> int:
    """Apply the file's values to an imported record; 1 when the course was recorded another
    way (class attendance, an approved claim) and is left as it is."""
    if record.source != RecordSource.IMPORT:
        result.unchanged += 1
        return 1
    if any(getattr(record, k) != v for k, v in fields.items()):
        for key, value in fields.items():
            setattr(record, key, value)
        result.updated += 1
    else:
        result.unchanged += 1
    return 0


def import_training(session: Session, actor: Actor, data: bytes, filename: str, *,
                    dry_run: bool = False,
                    progress: transfer.Progress | None = None, **_options) -> ImportResult:
    """Upsert training records by (cadre, year, course). A course already recorded from class
    attendance or an approved claim is left as it is: it counts once."""
    actor.require("training.edit")
    rows, report = transfer.read_reporting(data, filename, TRAINING_COLUMNS, progress)
    cadres = _cadres_by_code(session, {v["cadre_code"] for _n, v in rows})
    problems = _cadre_problems(Problems(filename, TRAINING_COLUMNS), rows, cadres, actor)
    seen: dict[tuple, int] = {}
    for number_, values in rows:
        key = (values["cadre_code"], values["completed_on"].year, rules.course_key(values["title"]))
        if key in seen:
            problems.add(number_, "title", values["title"],
                         _("the same course for the same cadre and year as row %(row)s; "
                           "a course counts once", row=seen[key]))
        else:
            seen[key] = number_
    problems.raise_if_any()
    report("saving", len(rows), len(rows))
    ids = [c.id for c in cadres.values()]
    existing: dict[tuple, TrainingRecord] = {}
    for start in range(0, len(ids), 500):
        for record in session.scalars(select(TrainingRecord).where(
                TrainingRecord.cadre_id.in_(ids[start:start + 500]),
                TrainingRecord.year.in_({v["completed_on"].year for _n, v in rows}))):
            existing[(record.cadre_id, record.year, record.course_key)] = record
    result = ImportResult(kind="training", rows=len(rows), dry_run=dry_run)
    new_rows, kept_other = [], 0
    for _number, values in rows:
        cadre = cadres[values["cadre_code"]]
        course = rules.course_key(values["title"])
        fields = {"title": values["title"], "category": values["category"],
                  "hours": values["hours"],
                  "mode": values["mode"], "completed_on": values["completed_on"],
                  "provider": values.get("provider") or ""}
        record = existing.get((cadre.id, values["completed_on"].year, course))
        if record is None:
            new_rows.append({**fields, "cadre_id": cadre.id, "course_key": course,
                             "year": values["completed_on"].year, "source": RecordSource.IMPORT,
                             "created_by": actor.username})
            result.created += 1
        else:
            kept_other += _update_record(record, fields, result)
    for start in range(0, len(new_rows), 2000):
        session.execute(insert(TrainingRecord), new_rows[start:start + 2000])
    training.refresh_tallies(session,
                             {(cadres[v["cadre_code"]].id, v["completed_on"].year) for _n,
                              v in rows})
    if kept_other:
        result.notes.append(_("%(n)s course(s) were already recorded from class attendance or an "
                              "approved "
                              "claim and were left as they are (a course counts once).",
                              n=kept_other))
    session.flush()
    audit.log(session, actor, "import", entity_type="training_record",
              summary={"kind": "training", "file": Path(filename).name, "rows": result.rows,
                       "created": result.created,
                       "updated": result.updated, "dry_run": dry_run})
    return result


def export_training(session: Session, actor: Actor, *, period: str | None = None,
                    **_options) -> Table:
    actor.require("training.view")
    stmt = (select(TrainingRecord, Cadre.code).join(Cadre, TrainingRecord.cadre_id == Cadre.id)
            .join(Unit, Cadre.unit_id == Unit.id).where(actor.cadre_clause()))
    if period:
        stmt = stmt.where(TrainingRecord.year == _period_year(period))
    rows = [{"cadre_code": code, "title": r.title, "category": r.category, "hours": r.hours,
             "mode": r.mode,
             "completed_on": r.completed_on, "provider": r.provider}
            for r,
            code in session.execute(stmt.order_by(Unit.path, Cadre.code,
                                                  TrainingRecord.completed_on))]
    return Table("training", TRAINING_COLUMNS, rows)


def _period_year(period: str | int) -> int:
    from portal.errors import Invalid

    try:
        return _year(str(period)[:4])
    except ValueError:
        raise Invalid(_("The period must be a year such as 2026."), field="period") from None


# --- grades ----------------------------------------------------------------------------------

GRADE_COLUMNS = (
    Column("cadre_code", "干部编号", text),
    Column("year", "年度", _year),
    Column("grade", "等次", choice(AppraisalGrade, GRADE_ALIASES)),
)


def import_grades(session: Session, actor: Actor, data: bytes, filename: str, *,
                  dry_run: bool = False,
                  progress: transfer.Progress | None = None, **_options) -> ImportResult:
    """Upsert annual grades by (cadre, year); reports units whose 优秀 share breaks the quota."""
    actor.require("grades.edit")
    rows, report = transfer.read_reporting(data, filename, GRADE_COLUMNS, progress,
                                           key=("cadre_code", "year"))
    cadres = _cadres_by_code(session, {v["cadre_code"] for _n, v in rows})
    problems = _cadre_problems(Problems(filename, GRADE_COLUMNS), rows, cadres, actor)
    problems.raise_if_any()
    _grade_limit_problems(session, actor, rows, cadres, problems).raise_if_any()
    report("saving", len(rows), len(rows))
    ids = [c.id for c in cadres.values()]
    existing: dict[tuple[int, int], CadreAppraisal] = {}
    for start in range(0, len(ids), 500):
        for row in session.scalars(
            select(CadreAppraisal).where(CadreAppraisal.cadre_id.in_(ids[start : start + 500]))
        ):
            existing[(row.cadre_id, row.year)] = row
    result = ImportResult(kind="grades", rows=len(rows), dry_run=dry_run)
    new_rows, touched = [], set()
    for _number, values in rows:
        cadre = cadres[values["cadre_code"]]
        row = existing.get((cadre.id, values["year"]))
        if row is None:
            new_rows.append({"cadre_id": cadre.id, "year": values["year"], "grade": values["grade"],
                             "unit_id": cadre.unit_id, "updated_by": actor.username})
            result.created += 1
            touched.add((cadre.unit_id, values["year"]))
        elif row.grade != values["grade"]:
            row.grade, row.updated_by = values["grade"], actor.username
            result.updated += 1
            touched.add((row.unit_id, values["year"]))
        else:
            result.unchanged += 1
    for start in range(0, len(new_rows), 2000):
        session.execute(insert(CadreAppraisal), new_rows[start:start + 2000])
    session.flush()
    for year in sorted({y for _u, y in touched}):
        unit_ids = [u for u, y in touched if y == year]
        for quota in grade_service.quota_checks(session, actor, year, unit_ids):
            if quota.check.over:
                result.notes.append(_(
                    "%(unit)s, %(year)s: %(excellent)s of %(assessed)s graded Excellent, more "
                    "than the "
                    "%(allowed)s the quota allows.", unit=quota.unit_name, year=year,
                    excellent=quota.check.excellent, assessed=quota.check.assessed,
                    allowed=quota.check.allowed))
    audit.log(session, actor, "import", entity_type="cadre_appraisal",
              summary={"kind": "grades", "file": Path(filename).name, "rows": result.rows,
                       "created": result.created,
                       "updated": result.updated, "dry_run": dry_run,
                       "over_quota": len(result.notes)})
    return result


def _grade_limit_problems(session: Session, actor: Actor, rows, cadres: dict[str, Cadre],
                          problems: Problems) -> Problems:
    """Rows whose grade the cadre's measures or open cases do not allow that year (domain.md §7)."""
    limits = grade_service.grade_limits_for(session, actor, list(cadres.values()),
                                            {v["year"] for _n, v in rows})
    for line, values in rows:
        cadre = cadres[values["cadre_code"]]
        refusal = grade_service.grade_refusal(cadre, values["year"], values["grade"],
                                              limits[(cadre.id, values["year"])])
        if refusal:
            problems.add(line, "grade", values["grade"].label, refusal)
    return problems


def export_grades(session: Session, actor: Actor, *, period: str | None = None,
                  **_options) -> Table:
    actor.require("cadres.view")
    stmt = (select(CadreAppraisal, Cadre.code).join(Cadre, CadreAppraisal.cadre_id == Cadre.id)
            .join(Unit, Cadre.unit_id == Unit.id).where(actor.cadre_clause()))
    if period:
        stmt = stmt.where(CadreAppraisal.year == _period_year(period))
    rows = [{"cadre_code": code, "year": g.year, "grade": g.grade}
            for g,
            code in session.execute(stmt.order_by(CadreAppraisal.year, Unit.path, Cadre.code))]
    return Table("grades", GRADE_COLUMNS, rows)


# --- training progress (export only) -----------------------------------------------------------

PROGRESS_COLUMNS = (
    Column("cadre_code", "干部编号"), Column("name", "姓名"), Column("unit_code", "单位编码"),
    Column("unit", "单位"), Column("year", "年度"), Column("required", "应完成学时"),
    Column("counted", "已计学时"), Column("online", "网络学时"), Column("missing", "差额学时"),
    Column("behind", "进度落后"), Column("deadline", "截止日期"),
                    Column("projected", "按当前进度预计完成"),
    Column("five_year_hours", "五年累计学时"), Column("five_year_required", "五年应完成学时"),
)


def export_progress(session: Session, actor: Actor, *, period: str | None = None,
                    **_options) -> Table:
    year = _period_year(period) if period else date.today().year
    unit_codes = dict(session.execute(select(Unit.id, Unit.code).where(actor.unit_clause())).all())
    rows = [{"cadre_code": r.code, "name": r.name, "unit_code": unit_codes.get(r.unit_id, ""),
             "unit": r.unit_name, "year": year,
             "required": round(float(r.progress.required_hours), 2),
             "counted": round(r.progress.hours_counted, 2),
             "online": round(r.progress.online_hours, 2),
             "missing": round(r.progress.missing_hours, 2), "behind": r.progress.behind,
             "deadline": r.progress.deadline, "projected": r.progress.projected_completion,
             "five_year_hours": r.progress.five_year_hours,
             "five_year_required": r.progress.five_year_required}
            for r in training.scope_progress(session, actor, year)]
    return Table("training_progress", PROGRESS_COLUMNS, rows)


# --- personnel decisions (export only) ----------------------------------------------------------

def export_decisions(session: Session, actor: Actor, *, period: str | None = None,
                     **_options) -> Table:
    """Personnel decisions in the actor's subtree, oldest first (``period``: the year proposed)."""
    from cadres import decisions

    actor.require("decisions.view")
    found = decisions.list_decisions(session, actor)
    if period:
        year = _period_year(period)
        found = [d for d in found if d.as_of.year == year]
    return decisions.decisions_table(sorted(found, key=lambda d: (d.as_of, d.number)))


IMPORTERS = {"cadres": import_cadres, "training": import_training, "grades": import_grades,
             "records": record_files.import_records, "lrmx": appointment_forms.import_forms}
EXPORTERS = {"cadres": export_cadres, "training": export_training, "grades": export_grades,
             "training_progress": export_progress, "decisions": export_decisions,
             "records": record_files.export_records}
DOCUMENT_EXPORTERS = {"lrmx": appointment_forms.export_document}
