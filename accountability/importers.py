"""Import and export of measures and cases (contracts.md, "Import files"), for history
from earlier systems.

All or nothing: every row is checked (cadres, units and cases exist and lie in the
actor's scope, dates in order, the measure known) before anything is written; a file
imported twice changes nothing the second time (upsert on the natural key). An import
never deletes and never undoes: it cannot clear a revocation or move a case back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from accountability import rules
from accountability import settings as ac_settings
from accountability.cases import deadline_of
from accountability.enums import (
    CASE_SOURCE_ALIASES,
    CASE_STAGE_ALIASES,
    CaseSource,
    CaseStage,
    SubjectKind,
    ToleranceOutcome,
)
from accountability.measures import measure_effects, schedule_follow_up
from accountability.models import Case, CaseEvent, CaseSubject, Measure
from portal import audit, transfer
from portal.access import Actor
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
    optional,
    short_text,
    text,
)

TOLERANCE_ALIASES = {"免责": "exempt", "从轻": "mitigated", "减轻": "mitigated",
                     "从轻/减轻": "mitigated",
                     "从轻或减轻": "mitigated", "不予容错": "not_tolerated"}

MEASURE_COLUMNS = (
    Column("cadre_code", "干部编号", optional(text), required=False),
    Column("measure", "措施", text),
    Column("decided_on", "决定日期", iso_date),
    Column("case_no", "案件编号", optional(text), required=False),
    Column("probation_years", "察看期", optional(integer), required=False),
    Column("revoked_on", "撤销日期", optional(iso_date), required=False),
    # Extra columns (contracts.md welcomes them): organization measures, changes, tolerance.
    Column("unit_code", "单位编码", optional(text), required=False),
    Column("changed_on", "变更日期", optional(iso_date), required=False),
    Column("tolerance_outcome", "容错结果", optional(choice(ToleranceOutcome, TOLERANCE_ALIASES)),
           required=False),
)
MEASURE_EXPORT_COLUMNS = (
    *MEASURE_COLUMNS,
    Column("cadre_name", "姓名", optional(text), required=False),
    Column("form", "形态", optional(text), required=False),
    Column("effect_until", "影响期至", optional(iso_date), required=False),
)

CASE_COLUMNS = (
    Column("case_no", "案件编号", short_text(40)),
    Column("cadre_code", "干部编号", optional(text), required=False),
    Column("stage", "阶段", choice(CaseStage, CASE_STAGE_ALIASES)),
    Column("opened_on", "受理日期", iso_date),
    Column("filed_on", "立案日期", optional(iso_date), required=False),
    Column("closed_on", "结案日期", optional(iso_date), required=False),
    Column("summary", "摘要", optional(text), required=False),
    # Extra columns: a unit as subject, the source of the clue, a title, the decision date.
    Column("unit_code", "单位编码", optional(text), required=False),
    Column("source", "来源", optional(choice(CaseSource, CASE_SOURCE_ALIASES)), required=False),
    Column("title", "标题", optional(short_text(200)), required=False),
    Column("decided_on", "决定日期", optional(iso_date), required=False),
)

FILED_STAGES = {CaseStage.FILED, CaseStage.INVESTIGATION, CaseStage.REVIEW, CaseStage.DECISION,
                CaseStage.CLOSED,
                CaseStage.APPEAL}
ORDER = {stage: index for index, stage in enumerate(rules.MAIN_LINE)}


def _subject_lookup(session: Session, actor: Actor, rows, problems: Problems, permission: str
                    ) -> Callable[[int, dict], tuple[Cadre | None, Unit | None]]:
    cadre_codes = {v["cadre_code"] for _n, v in rows if v.get("cadre_code")}
    unit_codes = {v["unit_code"] for _n, v in rows if v.get("unit_code")}
    cadres = (
        {
            c.code: c
            for c in session.scalars(
                select(Cadre).where(Cadre.code.in_(cadre_codes)).options(selectinload(Cadre.unit))
            )
        }
        if cadre_codes
        else {}
    )
    units = (
        {u.code: u for u in session.scalars(select(Unit).where(Unit.code.in_(unit_codes)))}
        if unit_codes
        else {}
    )

    def lookup(number: int, values: dict) -> tuple[Cadre | None, Unit | None]:
        code, unit_code = values.get("cadre_code"), values.get("unit_code")
        if not code and not unit_code:
            problems.add(number, "cadre_code", None,
                         _("give the cadre's code (or, for a party organization, unit_code)"))
            return None, None
        if code:
            cadre = cadres.get(code)
            if cadre is None:
                problems.add(number, "cadre_code", code, _("no cadre has this code"))
                return None, None
            if not actor.in_scope(cadre.unit.path) or not actor.can(permission):
                problems.add(number, "cadre_code", code,
                             _("this cadre is outside the units you are responsible for"))
                return None, None
            return cadre, cadre.unit
        unit = units.get(unit_code)
        if unit is None:
            problems.add(number, "unit_code", unit_code, _("no unit has this code"))
            return None, None
        if not actor.in_scope(unit.path):
            problems.add(number, "unit_code", unit_code,
                         _("this unit is outside the units you are responsible for"))
            return None, None
        return None, unit

    return lookup


# --- measures ----------------------------------------------------------------------------------

def import_measures(session: Session, actor: Actor, data: bytes, filename: str, *,
                    dry_run: bool = False,
                    today: date | None = None, progress: transfer.Progress | None = None,
                    **_options) -> ImportResult:
    """Upsert measures on (cadre or unit, measure, decision date)."""
    actor.require("measures.edit")
    today = today or date.today()
    rows, report = transfer.read_reporting(data, filename, MEASURE_COLUMNS, progress)
    problems = Problems(filename, MEASURE_COLUMNS)
    subject_of = _subject_lookup(session, actor, rows, problems, "measures.edit")
    case_nos = {v["case_no"] for _n, v in rows if v.get("case_no")}
    cases = {c.case_no: c for c in session.scalars(select(Case).where(Case.case_no.in_(case_nos))
                                                   .options(selectinload(Case.subjects),
                                                            selectinload(Case.unit)))
             } if case_nos else {}
    planned: list[tuple[int, dict, Cadre | None, Unit, Any, Case | None]] = []
    seen: dict[tuple, int] = {}
    for number, values in rows:
        cadre, unit = subject_of(number, values)
        if unit is None:
            continue
        subject = SubjectKind.CADRE if cadre else SubjectKind.UNIT
        try:
            code = rules.parse_measure(values["measure"], subject)
        except ValueError:
            problems.add(number, "measure", values["measure"],
                         _("is not a measure of the catalogue (a code or Chinese name, see "
                           "docs/accountability.md)"))
            continue
        if rules.SPECS[code].subject != subject:
            problems.add(number, "measure", values["measure"],
                         _("is decided about a cadre") if subject == SubjectKind.UNIT
                         else _("is decided about a party organization: give unit_code instead of "
                                "cadre_code"))
            continue
        _check_measure_row(number, values, code, today, problems)
        recipient = rules.recipient_problem(code, party_member=cadre.party_member,
                                            category=cadre.category) \
            if cadre else None
        if recipient:
            problems.add(number, "measure", values["measure"], _(recipient, measure=code.label))
            continue
        found, case = _measure_case(actor, number, values, cadre, unit, cases, problems)
        if not found:
            continue
        key = (cadre.id if cadre else None, unit.id, code, values["decided_on"])
        if key in seen:
            problems.add(number, "measure", values["measure"],
                         _("duplicate of row %(row)s", row=seen[key]))
            continue
        seen[key] = number
        planned.append((number, values, cadre, unit, code, case))
    problems.raise_if_any()
    report("saving", len(rows), len(rows))
    result = ImportResult(kind="measures", rows=len(rows), dry_run=dry_run)
    for number, values, cadre, unit, code, case in planned:
        _upsert_measure(session, actor, number, values, cadre, unit, code, case, today, problems,
                        result)
    problems.raise_if_any()
    audit.log(session, actor, "import", entity_type="ac_measure",
              summary={"file": problems.name, "rows": result.rows, "created": result.created,
                       "updated": result.updated, "dry_run": dry_run})
    return result


def _measure_case(actor: Actor, number: int, values: dict, cadre: Cadre | None, unit: Unit,
                  cases: dict[str, Case], problems: Problems) -> tuple[bool, Case | None]:
    """The case a measure row names (None: none named); False when the row names one that
    is unknown, outside the actor's subtree or about somebody else (added to ``problems``)."""
    if not values.get("case_no"):
        return True, None
    case = cases.get(values["case_no"])
    if case is None or not actor.in_scope(case.unit.path):
        problems.add(number, "case_no", values["case_no"],
                     _("no case has this number (import the cases first)"))
        return False, None
    about = ({s.cadre_id for s in case.subjects} if cadre
             else {s.unit_id for s in case.subjects if s.cadre_id is None})
    if (cadre.id if cadre else unit.id) not in about:
        problems.add(number, "case_no", values["case_no"],
                     _("the case is not about this cadre or unit"))
        return False, None
    return True, case


def _check_measure_row(number: int, values: dict, code, today: date, problems: Problems) -> None:
    decided = values["decided_on"]
    if decided > today:
        problems.add(number, "decided_on", decided, _("cannot be in the future"))
    years = values.get("probation_years")
    if rules.SPECS[code].probation and years not in (1, 2):
        problems.add(number, "probation_years", years, _("party probation needs 1 or 2 years here"))
    if not rules.SPECS[code].probation and years is not None:
        problems.add(number, "probation_years", years,
                     _("only party probation has a probation period"))
    for key in ("revoked_on", "changed_on"):
        day = values.get(key)
        if day is not None and (day < decided or day > today):
            problems.add(number, key, day, _("must lie between the decision date and today"))


def _upsert_measure(session: Session, actor: Actor, number: int, values: dict, cadre, unit, code,
                    case,
                    today: date, problems: Problems, result: ImportResult) -> None:
    same_subject = Measure.cadre_id == cadre.id if cadre else Measure.cadre_id.is_(None)
    existing = session.scalars(select(Measure).where(
        same_subject, Measure.unit_id == unit.id, Measure.code == code,
                                                     Measure.decided_on == values["decided_on"])
        .order_by(Measure.id)).first()
    wanted = {"case_id": case.id if case else None,
              "probation_years": values.get("probation_years"),
              "revoked_on": values.get("revoked_on"), "changed_on": values.get("changed_on"),
              "tolerance_outcome": values.get("tolerance_outcome")}
    if existing is None:
        measure = Measure(subject_kind=rules.SPECS[code].subject,
                          cadre_id=cadre.id if cadre else None,
                          unit_id=unit.id, code=code, decided_on=values["decided_on"],
                          origin="import",
                          created_by=actor.username, **wanted)
        if measure.revoked_on:
            measure.revoked_reason = _("Imported as revoked")
        session.add(measure)
        session.flush()
        visit_window_open = cadre is not None and rules.follow_up_window(
            measure.decided_on, ac_settings.follow_up_months(session))[1] >= today
        if visit_window_open and not measure.revoked_on and not measure.changed_on:
            schedule_follow_up(session, measure)
        result.created += 1
        return
    for key in ("revoked_on", "changed_on"):
        current = getattr(existing, key)
        if current is not None and wanted[key] != current:
            problems.add(number, key, wanted[key] or "",
                         _("the portal records this measure as revoked or changed on %(day)s; an "
                           "import cannot undo that",
                           day=current.isoformat()))
            return
    changes = {k: v for k, v in wanted.items() if v is not None and getattr(existing, k) != v}
    if not changes:
        result.unchanged += 1
        return
    for key, value in changes.items():
        setattr(existing, key, value)
    if "revoked_on" in changes:
        existing.revoked_reason = existing.revoked_reason or _("Imported as revoked")
    result.updated += 1


def export_measures(session: Session, actor: Actor, **_options) -> Table:
    """Every measure in scope with its effect end (reviewers may export effects too)."""
    views = measure_effects(session, actor, limit=1_000_000)
    units = dict(session.execute(select(Unit.id, Unit.code)).all())
    rows = [
        {
            "cadre_code": v.cadre_code or None,
            "measure": v.code,
            "decided_on": v.decided_on,
            "case_no": v.case_no,
            "probation_years": v.probation_years,
            "revoked_on": v.revoked_on,
            "unit_code": None if v.cadre_id else units.get(v.unit_id),
            "changed_on": v.changed_on,
            "tolerance_outcome": v.tolerance_outcome,
            "cadre_name": v.cadre_name or None,
            "form": v.form,
            "effect_until": v.effect_until
            if v.effect_until or v.blocks == "none"
            else _("permanent"),
        }
        for v in reversed(views)
    ]
    return Table("measures", MEASURE_EXPORT_COLUMNS, rows)


# --- cases -------------------------------------------------------------------------------------

def import_cases(session: Session, actor: Actor, data: bytes, filename: str, *,
                 dry_run: bool = False,
                 today: date | None = None, progress: transfer.Progress | None = None,
                 **_options) -> ImportResult:
    """Upsert cases on the case number; one row per subject (cadre or unit) of a case."""
    actor.require("cases.edit")
    today = today or date.today()
    rows, report = transfer.read_reporting(data, filename, CASE_COLUMNS, progress)
    problems = Problems(filename, CASE_COLUMNS)
    subject_of = _subject_lookup(session, actor, rows, problems, "cases.edit")
    grouped: dict[str, list[tuple[int, dict, Cadre | None, Unit]]] = {}
    first_row: dict[str, tuple[int, dict]] = {}
    for number, values in rows:
        cadre, unit = subject_of(number, values)
        if unit is None:
            continue
        case_no = values["case_no"]
        if case_no in first_row:
            _same_case_fields(number, values, *first_row[case_no], problems)
        else:
            first_row[case_no] = (number, values)
            _check_case_row(number, values, today, problems)
        subjects = grouped.setdefault(case_no, [])
        if any(s[2] == cadre and s[3] == unit for s in subjects):
            problems.add(number, "cadre_code", values.get("cadre_code") or values.get("unit_code"),
                         _("duplicate of row %(row)s",
                           row=next(s[0] for s in subjects if s[2] == cadre and s[3] == unit)))
            continue
        subjects.append((number, values, cadre, unit))
    problems.raise_if_any()
    report("saving", len(rows), len(rows))
    existing = (
        {
            c.case_no: c
            for c in session.scalars(
                select(Case)
                .where(Case.case_no.in_(list(grouped)))
                .options(selectinload(Case.subjects), selectinload(Case.unit))
            )
        }
        if grouped
        else {}
    )
    result = ImportResult(kind="cases", rows=len(rows), dry_run=dry_run)
    for case_no, subjects in grouped.items():
        number, values = first_row[case_no]
        case = existing.get(case_no)
        if case is not None and not actor.in_scope(case.unit.path):
            problems.add(number, "case_no", case_no,
                         _("this case belongs to units outside your responsibility"))
            continue
        if case is None:
            _create_case(session, actor, values, subjects, problems.name)
            result.created += 1
        elif _update_case(session, actor, number, values, case, subjects, problems):
            result.updated += 1
        else:
            result.unchanged += 1
    problems.raise_if_any()
    audit.log(session, actor, "import", entity_type="ac_case",
              summary={"file": problems.name, "rows": result.rows, "created": result.created,
                       "updated": result.updated, "dry_run": dry_run})
    return result


CASE_FIELDS = ("stage", "opened_on", "filed_on", "closed_on", "summary", "source", "title",
               "decided_on")


def _same_case_fields(number: int, values: dict, first_number: int, first: dict,
                      problems: Problems) -> None:
    for key in CASE_FIELDS:
        if values.get(key) is not None and first.get(key) is not None and values[key] != first[key]:
            problems.add(number, key, values[key],
                         _("differs from row %(row)s of the same case", row=first_number))


def _check_case_row(number: int, values: dict, today: date, problems: Problems) -> None:
    stage, opened, filed, closed = (
        values["stage"],
        values["opened_on"],
        values.get("filed_on"),
        values.get("closed_on"),
    )
    decided = values.get("decided_on")
    if stage in FILED_STAGES and filed is None:
        problems.add(number, "filed_on", None,
                     _("a case at this stage was filed: give the filing date"))
    if stage in (CaseStage.CLOSED, CaseStage.NO_CASE) and closed is None:
        problems.add(number, "closed_on", None, _("a closed case needs its closing date"))
    if stage in (CaseStage.CLUE, CaseStage.VERIFICATION) and filed is not None:
        problems.add(number, "filed_on", filed, _("a case not yet filed cannot have a filing date"))
    dates = [("opened_on", opened), ("filed_on", filed), ("decided_on", decided),
             ("closed_on", closed)]
    previous = None
    for key, day in dates:
        if day is None:
            continue
        if day > today:
            problems.add(number, key, day, _("cannot be in the future"))
        if previous is not None and day < previous[1]:
            problems.add(number, key, day,
                         _("cannot be earlier than %(column)s", column=previous[0]))
        previous = (key, day)


def _stage_since(values: dict) -> date:
    days = [values.get(k) for k in ("opened_on", "filed_on", "decided_on", "closed_on")]
    return max(d for d in days if d is not None)


def _subject(cadre: Cadre | None, unit: Unit) -> CaseSubject:
    if cadre is not None:
        return CaseSubject(kind=SubjectKind.CADRE, cadre_id=cadre.id, unit_id=cadre.unit_id)
    return CaseSubject(kind=SubjectKind.UNIT, cadre_id=None, unit_id=unit.id)


def _create_case(session: Session, actor: Actor, values: dict, subjects, filename: str) -> Case:
    stage = values["stage"]
    case = Case(case_no=values["case_no"], source=values.get("source") or CaseSource.OTHER,
                title=values.get("title") or "", summary=values.get("summary") or "",
                unit_id=subjects[0][3].id,
                handler_id=None, stage=stage, stage_since=_stage_since(values),
                opened_on=values["opened_on"],
                filed_on=values.get("filed_on"), decided_on=values.get("decided_on"),
                closed_on=values.get("closed_on"), created_by=actor.username)
    case.subjects = [_subject(cadre, unit) for _n, _v, cadre, unit in subjects]
    session.add(case)
    session.flush()
    case.due_on = deadline_of(session, case)
    session.add(CaseEvent(case_id=case.id, action="imported", from_stage=None, to_stage=stage,
                          effective_on=case.stage_since, actor=actor.username,
                          actor_id=actor.user_id,
                          reason=_("Imported from %(file)s", file=filename)))
    return case


def _update_case(session: Session, actor: Actor, number: int, values: dict, case: Case, subjects,
                 problems: Problems) -> bool:
    changed = False
    stage = values["stage"]
    if stage != case.stage:
        forward = stage in ORDER and case.stage in ORDER and ORDER[stage] > ORDER[case.stage]
        if not forward and rules.transition_problem(case.stage, stage):
            problems.add(number, "stage", stage.value,
                         _("the case is at “%(stage)s” in the portal; an import cannot move it "
                           "there",
                           stage=case.stage.label))
            return False
        session.add(CaseEvent(case_id=case.id, action="imported", from_stage=case.stage,
                              to_stage=stage,
                              effective_on=_stage_since(values), actor=actor.username,
                              actor_id=actor.user_id,
                              reason=_("Imported from %(file)s", file=problems.name)))
        case.stage, case.stage_since, changed = stage, _stage_since(values), True
    for key in ("filed_on", "decided_on", "closed_on", "summary", "title", "source"):
        value = values.get(key)
        if value is not None and getattr(case, key) != value:
            setattr(case, key, value)
            changed = True
    known = {(s.cadre_id, s.unit_id) for s in case.subjects}
    for _n, _v, cadre, unit in subjects:
        subject = _subject(cadre, unit)
        if (subject.cadre_id, subject.unit_id) not in known:
            case.subjects.append(subject)
            changed = True
    if changed:
        session.flush()
        case.due_on = deadline_of(session, case)
    return changed


def export_cases(session: Session, actor: Actor, **_options) -> Table:
    """Every case in scope, one row per subject (inspectors: the summary is confidential).
    Plain rows: the cases' columns once each, then their subjects' codes."""
    actor.require("cases.view")
    found = list(session.execute(
        select(Case.id, Case.case_no, Case.stage, Case.opened_on, Case.filed_on, Case.closed_on,
               Case.summary, Case.source, Case.title, Case.decided_on)
        .where(Case.unit_id.in_(actor.scoped_unit_ids())).order_by(Case.case_no)))
    subjects: dict[int, list[tuple[str | None, str]]] = {}
    for start in range(0, len(found), 900):
        chunk = [row.id for row in found[start:start + 900]]
        for case_id, cadre_code, unit_code in session.execute(
                select(CaseSubject.case_id, Cadre.code, Unit.code)
                .join(Unit, CaseSubject.unit_id == Unit.id)
                .outerjoin(Cadre, CaseSubject.cadre_id == Cadre.id)
                .where(CaseSubject.case_id.in_(chunk)).order_by(CaseSubject.id)):
            subjects.setdefault(case_id, []).append((cadre_code, unit_code))
    rows = []
    for case in found:
        for cadre_code, unit_code in subjects.get(case.id, ()):
            rows.append({"case_no": case.case_no, "cadre_code": cadre_code,
                         "stage": case.stage, "opened_on": case.opened_on,
                         "filed_on": case.filed_on,
                         "closed_on": case.closed_on, "summary": case.summary or None,
                         "unit_code": None if cadre_code else unit_code,
                         "source": case.source,
                         "title": case.title or None, "decided_on": case.decided_on})
    return Table("cases", CASE_COLUMNS, rows)


IMPORTERS = {"measures": import_measures, "cases": import_cases}
EXPORTERS = {"measures": export_measures, "cases": export_cases}
