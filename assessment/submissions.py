"""Reporting (填报) and its check by the assessment office (审核): per period, unit and
reporting set — the unit's own indicators, or the indicators one lead department (牵头部门)
scores for the unit — figures are entered as a draft with evidence, submitted, returned
with a reason or accepted (they then become the period's scores) and locked. The office
may reopen one unit's set as an exception, with a reason. Every write is audited.

Reporters reach only the sets they own (``owns``); the office reads and decides the sets
of the units in its subtree. Callers commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, case, func, insert, select
from sqlalchemy.orm import Session

from assessment import departments, periods, rules, schemes
from assessment.enums import LockReason, Method, PeriodStatus, SubmissionStatus
from assessment.models import (
    Evidence,
    LeadDepartment,
    Period,
    ReportDeadline,
    Score,
    Submission,
    SubmissionFigure,
)
from assessment.rules import IndicatorSpec
from portal import audit
from portal.access import Actor
from portal.db import utcnow
from portal.enums import UnitLevel
from portal.errors import AccessDenied, Invalid, NotFound
from portal.i18n import _
from portal.models import Unit

OFFICE = ("assessment.view", "assessment.edit")
UNIT_SET = "unit"
MAX_EVIDENCE_FILES = 20
SHOW = ("all", "not_submitted", "to_check", "overdue", "returned_often", "accepted")

# Called after a set is returned or accepted: ``notify(session, submission, action)``. The
# to-do and notice module registers itself here (portal.todo), so this module needs no import.
LISTENERS: list[Callable[[Session, Submission, str], None]] = []


def set_key(department_id: int | None) -> str:
    """The reporting set's key: ``unit`` (the unit's own indicators) or ``d<department id>``."""
    return UNIT_SET if department_id is None else f"d{department_id}"


# --- who owns what --------------------------------------------------------------------------

def owns(actor: Actor, unit: Unit, department: LeadDepartment | None) -> bool:
    """A unit reporter owns its unit's own set; a department's reporter owns that department's
    set of every unit in its scope."""
    if not actor.can(rules.REPORT_PERMISSION) or actor.is_system:
        return False
    if actor.department_code:
        return (department is not None and department.code == actor.department_code
                and actor.in_scope(unit.path))
    return department is None and unit.id == actor.unit_id


def is_office(actor: Actor, unit: Unit) -> bool:
    return any(actor.can(p) for p in OFFICE) and actor.in_scope(unit.path)


def _not_yours() -> AccessDenied:
    return AccessDenied(_("These figures belong to another unit or department."))


def _require_reader(actor: Actor, unit: Unit, department: LeadDepartment | None) -> None:
    if not (owns(actor, unit, department) or is_office(actor, unit)):
        raise _not_yours()


def _department(session: Session, code: str | None) -> LeadDepartment | None:
    if not code:
        return None
    found = departments.by_code(session, code)
    if found is None:
        raise NotFound(_("There is no lead department %(code)s.", code=code))
    return found


def _unit(session: Session, unit_id) -> Unit:
    unit = session.get(Unit, unit_id) if isinstance(unit_id, int) else None
    if unit is None:
        raise NotFound(_("No such unit."))
    return unit


# --- what a set holds -----------------------------------------------------------------------

def set_leaves(session: Session, period: Period, level: UnitLevel,
               department_id: int | None) -> list[IndicatorSpec]:
    """The scored indicators of the level's scheme that belong to the set."""
    scheme = periods.scheme_for(session, period, level)
    if scheme is None:
        return []
    lead = {i.code: i.lead_department_id for i in scheme.indicators}
    return [leaf for leaf in schemes.spec_of(scheme).leaves
            if lead.get(leaf.code) == department_id]


def _leads(session: Session, period: Period) -> dict[UnitLevel, set[int | None]]:
    """Per level with a scheme, the reporting sets it has (None: the unit's own)."""
    found: dict[UnitLevel, set[int | None]] = {}
    for level, scheme in periods.levels_with_schemes(session, period).items():
        parents = {i.parent_code for i in scheme.indicators}
        found[level] = {i.lead_department_id for i in scheme.indicators if i.code not in parents}
    return found


def _find(session: Session, period: Period, unit: Unit,
          department: LeadDepartment | None) -> Submission | None:
    return session.scalar(select(Submission).where(
        Submission.period_id == period.id, Submission.unit_id == unit.id,
        Submission.set_key == set_key(department.id if department else None)))


def _due_on(session: Session, period: Period, key: str) -> date | None:
    return session.scalar(select(ReportDeadline.due_on).where(ReportDeadline.period_id == period.id,
                                                              ReportDeadline.set_key == key))


# --- reading a set --------------------------------------------------------------------------

@dataclass
class SubmissionView:
    """A reporting set as its pages show it: status, why it is locked, the figures and the
    evidence, the reason of the last return and of an exception."""

    id: int | None
    period_code: str
    period_status: PeriodStatus
    unit_id: int
    unit_code: str
    unit_name: str
    department_code: str | None
    department_name: str
    status: SubmissionStatus
    lock: LockReason | None
    returned_count: int = 0
    return_reason: str = ""
    exception_reason: str = ""
    due_on: date | None = None
    overdue: bool = False
    submitted_at: datetime | None = None
    submitted_by: str = ""
    decided_at: datetime | None = None
    decided_by: str = ""
    version: int | None = None
    figures: list[dict] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)

    @property
    def set_name(self) -> str:
        return self.department_name or _("The unit's own indicators")


def view(session: Session, actor: Actor, period_code: str, unit_id: int,
         department_code: str | None = None, today: date | None = None) -> SubmissionView:
    """One set's figures for its owner or the office (nothing is created)."""
    period = periods.get(session, period_code)
    unit = _unit(session, unit_id)
    department = _department(session, department_code)
    _require_reader(actor, unit, department)
    return _view(session, actor, period, unit, department, today or date.today())


def view_by_id(session: Session, actor: Actor, submission_id: int,
               today: date | None = None) -> SubmissionView:
    submission = _submission(session, actor, submission_id)
    period = session.get(Period, submission.period_id)
    return _view(session, actor, period, submission.unit, submission.department,
                 today or date.today())


def _submission(session: Session, actor: Actor, submission_id) -> Submission:
    submission = session.get(Submission, submission_id) if isinstance(submission_id, int) else None
    if submission is None:
        raise NotFound(_("No such report."))
    _require_reader(actor, submission.unit, submission.department)
    return submission


def _view(session: Session, actor: Actor, period: Period, unit: Unit,
          department: LeadDepartment | None, today: date) -> SubmissionView:
    submission = _find(session, period, unit, department)
    status = SubmissionStatus(submission.status) if submission else SubmissionStatus.DRAFT
    exception = bool(submission and submission.exception_reason)
    key = set_key(department.id if department else None)
    due_on = _due_on(session, period, key)
    stored = {f.indicator_code: f for f in session.scalars(
        select(SubmissionFigure).where(SubmissionFigure.submission_id == submission.id))
    } if submission else {}
    figures = []
    for leaf in set_leaves(session, period, UnitLevel(unit.level),
                           department.id if department else None):
        figure = stored.get(leaf.code)
        figures.append({
            "id": leaf.code, "indicator_code": leaf.code, "indicator_name": leaf.name,
            "method_label": leaf.method.label, "unit_label": leaf.unit_label,
            "max": leaf.weight if leaf.method == Method.DIRECT else (
                1 if leaf.method == Method.VETO else None),
            "required": leaf.method in rules.REQUIRED_METHODS,
            "value": figure.value if figure else None, "note": figure.note if figure else "",
        })
    evidence = [{"id": e.id, "filename": e.filename, "size": e.size,
                 "uploaded_by": e.uploaded_by, "uploaded_at": e.uploaded_at}
                for e in session.scalars(select(Evidence).where(
                    Evidence.submission_id == submission.id).order_by(Evidence.id))
                ] if submission else []
    return SubmissionView(
        id=submission.id if submission else None, period_code=period.code,
        period_status=PeriodStatus(period.status), unit_id=unit.id, unit_code=unit.code,
        unit_name=unit.name, department_code=department.code if department else None,
        department_name=department.name if department else "", status=status,
        lock=rules.reporter_lock(PeriodStatus(period.status), status, exception),
        returned_count=submission.returned_count if submission else 0,
        return_reason=submission.return_reason if submission else "",
        exception_reason=submission.exception_reason if submission else "",
        due_on=due_on, overdue=rules.report_overdue(status, due_on, today),
        submitted_at=submission.submitted_at if submission else None,
        submitted_by=submission.submitted_by if submission else "",
        decided_at=submission.decided_at if submission else None,
        decided_by=submission.decided_by if submission else "",
        version=submission.version if submission else None,
        figures=figures, evidence=evidence)


# --- the reporter's writes ------------------------------------------------------------------

def _owned_open(session: Session, actor: Actor, period_code: str, unit_id: int,
                department_code: str | None) -> tuple[Period, Unit, LeadDepartment | None,
                                                      Submission]:
    """The owner's set, created on first use, if its figures may change now; else the lock's
    reason as the error."""
    period = periods.get(session, period_code)
    unit = _unit(session, unit_id)
    department = _department(session, department_code)
    if not owns(actor, unit, department):
        raise _not_yours()
    submission = _find(session, period, unit, department)
    status = SubmissionStatus(submission.status) if submission else SubmissionStatus.DRAFT
    lock = rules.reporter_lock(PeriodStatus(period.status), status,
                               bool(submission and submission.exception_reason))
    if lock is not None:
        raise Invalid(_("These figures cannot change now. %(reason)s", reason=lock.label))
    if submission is None:
        submission = Submission(period_id=period.id, unit_id=unit.id,
                                department_id=department.id if department else None,
                                set_key=set_key(department.id if department else None),
                                status=SubmissionStatus.DRAFT, return_reason="",
                                exception_reason="", submitted_by="", decided_by="")
        session.add(submission)
        session.flush()
    return period, unit, department, submission


def save_figure(session: Session, actor: Actor, period_code: str, unit_id: int,
                department_code: str | None, indicator_code: str, value: float | None,
                note: str | None = None) -> SubmissionFigure:
    """Save one figure of the owner's set as a draft (checked like a score)."""
    period, unit, department, submission = _owned_open(session, actor, period_code, unit_id,
                                                       department_code)
    leaf = next((leaf for leaf in set_leaves(session, period, UnitLevel(unit.level),
                                             department.id if department else None)
                 if leaf.code == indicator_code), None)
    if leaf is None:
        raise Invalid(_("%(code)s is not one of the indicators you report.",
                        code=indicator_code), field="indicator_code")
    problem = rules.value_problem(leaf, value)
    if problem:
        raise Invalid(_("%(indicator)s for %(unit)s %(problem)s.", indicator=leaf.name or leaf.code,
                        unit=unit.name, problem=problem), field="value")
    figure = session.scalar(select(SubmissionFigure).where(
        SubmissionFigure.submission_id == submission.id,
        SubmissionFigure.indicator_code == indicator_code))
    before = (figure.value, figure.note) if figure else (None, "")
    if figure is None:
        figure = SubmissionFigure(submission_id=submission.id, indicator_code=indicator_code,
                                  note="")
        session.add(figure)
    figure.value = value
    if note is not None:
        figure.note = str(note)[:500]
    figure.updated_at, figure.updated_by = utcnow(), actor.username
    submission.updated_at = utcnow()
    session.flush()
    audit.log(session, actor, "submission.figure", submission,
              summary={"period": period.code, "unit": unit.code, "indicator": indicator_code,
                       "set": submission.set_key, "before": before[0], "after": value,
                       "note": figure.note if note is not None else None})
    return figure


def add_evidence(session: Session, actor: Actor, period_code: str, unit_id: int,
                 department_code: str | None, filename: str, data: bytes) -> Evidence:
    """Attach a PDF, PNG or JPEG (checked by its first bytes, at most 10 MB) to the set."""
    try:
        content_type = rules.evidence_type(filename, data)
    except rules.EvidenceRefused as error:
        raise Invalid(str(error), field="evidence") from None
    _period, unit, _department, submission = _owned_open(session, actor, period_code, unit_id,
                                                         department_code)
    count = session.scalar(select(func.count()).select_from(Evidence)
                           .where(Evidence.submission_id == submission.id))
    if count >= MAX_EVIDENCE_FILES:
        raise Invalid(_("A report has at most %(n)s evidence files; remove one first.",
                        n=MAX_EVIDENCE_FILES), field="evidence")
    name = str(filename).replace("\\", "/").rsplit("/", 1)[-1][:200]
    evidence = Evidence(submission_id=submission.id, filename=name, content_type=content_type,
                        size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data,
                        uploaded_at=utcnow(), uploaded_by=actor.username)
    session.add(evidence)
    session.flush()
    audit.log(session, actor, "submission.evidence_add", evidence,
              summary={"submission": submission.id, "unit": unit.code, "file": name,
                       "size": len(data), "sha256": evidence.sha256})
    return evidence


def remove_evidence(session: Session, actor: Actor, evidence_id: int) -> None:
    evidence = session.get(Evidence, evidence_id) if isinstance(evidence_id, int) else None
    if evidence is None:
        raise NotFound(_("No such evidence file."))
    submission = session.get(Submission, evidence.submission_id)
    period = session.get(Period, submission.period_id)
    _owned_open(session, actor, period.code, submission.unit_id,
                submission.department.code if submission.department else None)
    session.delete(evidence)
    session.flush()
    audit.log(session, actor, "submission.evidence_remove", submission,
              summary={"file": evidence.filename, "sha256": evidence.sha256})


def evidence_file(session: Session, actor: Actor, evidence_id) -> tuple[str, str, bytes]:
    """``(file name, content type, bytes)`` of an evidence file, for its owner or the office."""
    evidence = session.get(Evidence, evidence_id) if isinstance(evidence_id, int) else None
    if evidence is None:
        raise NotFound(_("No such evidence file."))
    _submission(session, actor, evidence.submission_id)
    return evidence.filename, evidence.content_type, evidence.data


# --- the workflow ---------------------------------------------------------------------------

def act(session: Session, actor: Actor, submission_id: int, action: str, reason: str = "",
        expected_version: int | None = None) -> Submission:
    """Submit (the owner), return with a reason, accept, lock or reopen as an exception with
    a reason (the office). Accepting makes the figures the period's scores."""
    submission = _submission(session, actor, submission_id)
    period = session.get(Period, submission.period_id)
    if expected_version is not None and expected_version != submission.version:
        raise Invalid(_("Somebody changed this report meanwhile; reload it first."))
    _require_step_actor(actor, submission, action)
    status = SubmissionStatus(submission.status)
    try:
        target = rules.next_status(action, status, set(_permissions(actor)), reason)
    except rules.StepRefused as error:
        raise Invalid(str(error), field="reason") from None
    reason = (reason or "").strip()
    summary: dict = {"period": period.code, "unit": submission.unit.code,
                     "set": submission.set_key, "from": status, "to": target}
    EFFECTS[action](session, actor, period, submission, reason, summary)
    if reason:
        summary["reason"] = reason
    submission.status = target
    submission.updated_at = utcnow()
    session.flush()
    audit.log(session, actor, f"submission.{action}", submission, summary=summary)
    if action in ("return", "accept"):
        for notify in LISTENERS:
            notify(session, submission, action)
    return submission


def _require_step_actor(actor: Actor, submission: Submission, action: str) -> None:
    step = rules.SUBMISSION_STEPS.get(action)
    if step is None:
        raise Invalid(_("There is no such step."))
    if step.permission == rules.REPORT_PERMISSION and not owns(actor, submission.unit,
                                                              submission.department):
        raise _not_yours()
    if step.permission == rules.CHECK_PERMISSION:
        actor.require(rules.CHECK_PERMISSION, submission.unit)


def _on_submit(session, actor, period, submission, _reason, _summary) -> None:
    _check_submittable(session, period, submission.unit, submission)
    submission.submitted_at, submission.submitted_by = utcnow(), actor.username


def _require_period_editable(period: Period) -> None:
    if PeriodStatus(period.status) not in rules.EDITABLE:
        raise Invalid(_("The period is %(status)s: its reports can no longer change.",
                        status=PeriodStatus(period.status).label))


def _on_reopen(_session, _actor, period, submission, reason, _summary) -> None:
    _require_period_editable(period)
    submission.exception_reason = reason[:2000]


def _on_decide(_session, actor, period, submission, _reason, _summary) -> None:
    _require_period_editable(period)
    submission.decided_at, submission.decided_by = utcnow(), actor.username


def _on_return(session, actor, period, submission, reason, summary) -> None:
    _on_decide(session, actor, period, submission, reason, summary)
    submission.returned_count += 1
    submission.return_reason = reason[:2000]


def _on_accept(session, actor, period, submission, reason, summary) -> None:
    _require_period_editable(period)
    submission.decided_at, submission.decided_by = utcnow(), actor.username
    summary["scores"] = _accept_into_scores(session, actor, period, submission)


EFFECTS = {"submit": _on_submit, "reopen": _on_reopen, "return": _on_return,
           "accept": _on_accept, "lock": _on_decide}


def _permissions(actor: Actor) -> list[str]:
    return [p for p in (rules.REPORT_PERMISSION, rules.CHECK_PERMISSION) if actor.can(p)]


def _check_submittable(session: Session, period: Period, unit: Unit,
                       submission: Submission) -> None:
    lock = rules.period_lock(PeriodStatus(period.status), bool(submission.exception_reason))
    if lock is not None:
        raise Invalid(_("These figures cannot be submitted now. %(reason)s", reason=lock.label))
    leaves = set_leaves(session, period, UnitLevel(unit.level), submission.department_id)
    values = dict(session.execute(select(SubmissionFigure.indicator_code, SubmissionFigure.value)
                                  .where(SubmissionFigure.submission_id == submission.id)).all())
    required = [leaf.code for leaf in leaves if leaf.method in rules.REQUIRED_METHODS]
    names = {leaf.code: leaf.name for leaf in leaves}
    lacking = rules.missing_figures(required, values)
    if lacking:
        raise Invalid(_("Enter every required figure before submitting; missing: %(names)s.",
                        names="、".join(names[code] for code in lacking)), field="value")


def _accept_into_scores(session: Session, actor: Actor, period: Period,
                        submission: Submission) -> dict:
    """The accepted figures become the period's scores (what computing and publishing read)."""
    figures = session.scalars(select(SubmissionFigure).where(
        SubmissionFigure.submission_id == submission.id)).all()
    stored = {s.indicator_code: s for s in session.scalars(select(Score).where(
        Score.period_id == period.id, Score.unit_id == submission.unit_id,
        Score.indicator_code.in_([f.indicator_code for f in figures])))}
    changed = {}
    now = utcnow()
    for figure in figures:
        score = stored.get(figure.indicator_code)
        changed[figure.indicator_code] = [score.value if score else None, figure.value]
        if score is None:
            score = Score(period_id=period.id, unit_id=submission.unit_id,
                          indicator_code=figure.indicator_code, note="")
            session.add(score)
        score.value, score.note = figure.value, figure.note
        score.updated_at, score.updated_by = now, actor.username
    session.flush()
    return changed


# --- the office: opening, deadlines, the progress board ----------------------------------------

def open_reporting(session: Session, actor: Actor, period_code: str,
                   due_on: date | None = None) -> int:
    """A draft report for every assessed unit in scope and every reporting set of its level
    (those missing), and the deadline of every set when given; returns how many were made."""
    period = periods.get(session, period_code)
    actor.require(rules.CHECK_PERMISSION)
    if PeriodStatus(period.status) not in rules.EDITABLE:
        raise Invalid(_("Open the period for collection first (it is %(status)s).",
                        status=PeriodStatus(period.status).label))
    leads = _leads(session, period)
    if not leads:
        raise Invalid(_("There is no indicator scheme for %(year)s yet; build one first.",
                        year=period.year))
    existing = set(session.execute(select(Submission.unit_id, Submission.set_key).where(
        Submission.period_id == period.id)).all())
    rows, now = [], utcnow()
    for level, sets in leads.items():
        unit_ids = session.scalars(periods.assessed_units_stmt(level).where(actor.unit_clause())
                                   .with_only_columns(Unit.id).order_by(Unit.path)).all()
        for unit_id in unit_ids:
            for department_id in sorted(sets, key=lambda d: (d is not None, d or 0)):
                key = set_key(department_id)
                if (unit_id, key) not in existing:
                    rows.append({"period_id": period.id, "unit_id": unit_id,
                                 "department_id": department_id, "set_key": key,
                                 "status": SubmissionStatus.DRAFT, "returned_count": 0,
                                 "return_reason": "", "exception_reason": "",
                                 "submitted_by": "", "decided_by": "", "version": 1,
                                 "updated_at": now})
    for start in range(0, len(rows), 5000):
        session.execute(insert(Submission), rows[start:start + 5000])
    if due_on is not None:
        for department_id in {d for sets in leads.values() for d in sets}:
            _store_deadline(session, period, set_key(department_id), due_on)
    session.flush()
    audit.log(session, actor, "submission.open", period,
              summary={"period": period.code, "created": len(rows),
                       "due_on": due_on.isoformat() if due_on else None})
    return len(rows)


def _store_deadline(session: Session, period: Period, key: str, due_on: date) -> None:
    deadline = session.scalar(select(ReportDeadline).where(ReportDeadline.period_id == period.id,
                                                           ReportDeadline.set_key == key))
    if deadline is None:
        session.add(ReportDeadline(period_id=period.id, set_key=key, due_on=due_on))
    else:
        deadline.due_on = due_on


def set_deadline(session: Session, actor: Actor, period_code: str, department_code: str | None,
                 due_on: date) -> None:
    """When one reporting set is due (``department_code`` None: the units' own figures)."""
    periods.require_city_wide(session, actor, rules.CHECK_PERMISSION)
    period = periods.get(session, period_code)
    department = _department(session, department_code)
    key = set_key(department.id if department else None)
    _store_deadline(session, period, key, due_on)
    session.flush()
    audit.log(session, actor, "submission.deadline", period,
              summary={"period": period.code, "set": key, "due_on": due_on.isoformat()})


def deadlines(session: Session, actor: Actor, period_code: str) -> list[dict]:
    """Each reporting set of the period with its deadline (None: none set)."""
    actor.require_any(*OFFICE)
    period = periods.get(session, period_code)
    ids = {d for sets in _leads(session, period).values() for d in sets}
    names = {d.id: d for d in session.scalars(select(LeadDepartment).where(
        LeadDepartment.id.in_([i for i in ids if i is not None])))}
    due = dict(session.execute(select(ReportDeadline.set_key, ReportDeadline.due_on).where(
        ReportDeadline.period_id == period.id)).all())
    found = []
    for department_id in sorted(ids, key=lambda d: (d is not None, d or 0)):
        department = names.get(department_id)
        found.append({"department_code": department.code if department else None,
                      "set_name": department.name if department else _(
                          "The unit's own indicators"),
                      "due_on": due.get(set_key(department_id))})
    return found


@dataclass
class Progress:
    """The progress board's page of rows, how many match, and the counts per status."""

    rows: list[dict]
    count: int
    counts: dict[str, int]


SORTABLE = {"unit_name": Unit.name, "unit_code": Unit.code, "status": Submission.status,
            "submitted_at": Submission.submitted_at, "returned_count": Submission.returned_count,
            "due_on": ReportDeadline.due_on, "set_name": LeadDepartment.name}


def progress(session: Session, actor: Actor, period_code: str, *, show: str = "all",
             start: int = 0, end: int = 100, sort: list[dict] | None = None,
             today: date | None = None) -> Progress:
    """The reports of the period in the actor's scope, a page at a time: the office sees every
    set, a lead department's reporter its own department's sets."""
    today = today or date.today()
    period = periods.get(session, period_code)
    scope = [Submission.period_id == period.id, actor.unit_clause()]
    if actor.department_code and actor.can(rules.REPORT_PERMISSION):
        department = _department(session, actor.department_code)
        scope.append(Submission.department_id == department.id)
    else:
        actor.require_any(*OFFICE)
    deadline_join = and_(ReportDeadline.period_id == Submission.period_id,
                         ReportDeadline.set_key == Submission.set_key)
    open_states = [SubmissionStatus.DRAFT, SubmissionStatus.RETURNED]
    overdue = and_(Submission.status.in_(open_states), ReportDeadline.due_on < today)
    base = (select(Submission.id).join(Unit, Unit.id == Submission.unit_id)
            .outerjoin(ReportDeadline, deadline_join).where(*scope))
    filters = {"all": None, "not_submitted": Submission.status.in_(open_states),
               "to_check": Submission.status == SubmissionStatus.SUBMITTED,
               "overdue": overdue,
               "returned_often": Submission.returned_count >= rules.RETURNED_OFTEN,
               "accepted": Submission.status.in_([SubmissionStatus.ACCEPTED,
                                                  SubmissionStatus.LOCKED])}
    counts_row = session.execute(
        select(func.count(),
               *[func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
                 for condition in list(filters.values())[1:]])
        .select_from(Submission).join(Unit, Unit.id == Submission.unit_id)
        .outerjoin(ReportDeadline, deadline_join).where(*scope)).one()
    counts = dict(zip(SHOW, (int(n) for n in counts_row), strict=True))
    chosen = filters.get(show if show in filters else "all")
    stmt = (select(Submission, Unit.code, Unit.name, LeadDepartment.name, ReportDeadline.due_on)
            .join(Unit, Unit.id == Submission.unit_id)
            .outerjoin(LeadDepartment, LeadDepartment.id == Submission.department_id)
            .outerjoin(ReportDeadline, deadline_join).where(*scope))
    if chosen is not None:
        stmt = stmt.where(chosen)
        count = session.scalar(select(func.count()).select_from(base.where(chosen).subquery()))
    else:
        count = counts["all"]
    order = []
    for item in sort or []:
        column = SORTABLE.get(item.get("colId"))
        if column is not None:
            order.append(column.desc() if item.get("sort") == "desc" else column.asc())
    own_set_first = Submission.department_id.is_not(None)
    stmt = stmt.order_by(*order, Unit.path, own_set_first, Submission.set_key).offset(start).limit(
        max(0, end - start))
    rows = []
    for submission, code, name, department_name, due_on in session.execute(stmt).all():
        status = SubmissionStatus(submission.status)
        rows.append({"id": submission.id, "unit_id": submission.unit_id, "unit_code": code,
                     "unit_name": name,
                     "set_name": department_name or _("The unit's own indicators"),
                     "status": status.value, "status_label": status.label,
                     "due_on": due_on.isoformat() if due_on else "",
                     "overdue": rules.report_overdue(status, due_on, today),
                     "returned_count": submission.returned_count,
                     "returned_often": rules.returned_often(submission.returned_count),
                     "exception": bool(submission.exception_reason),
                     "submitted_at": submission.submitted_at.isoformat(timespec="minutes")
                     if submission.submitted_at else "",
                     "submitted_by": submission.submitted_by})
    return Progress(rows, count, counts)


# --- locks seen from the office's score entry ------------------------------------------------

def office_locks(session: Session, period: Period, level: UnitLevel, unit_ids: list[int],
                 codes: list[str]) -> dict[tuple[int, str], LockReason]:
    """Which of these units' (of ``level``) indicators the office's score entry must leave
    alone, and why: the report holding them is submitted, accepted or locked."""
    scheme = periods.scheme_for(session, period, level)
    if not unit_ids or not codes or scheme is None:
        return {}
    held = session.execute(select(Submission.unit_id, Submission.set_key, Submission.status).where(
        Submission.period_id == period.id, Submission.unit_id.in_(unit_ids),
        Submission.status.in_(list(rules.STATUS_LOCKS)))).all()
    if not held:
        return {}
    lead = {i.code: i.lead_department_id for i in scheme.indicators}
    by_set = {(unit_id, key): rules.office_lock(SubmissionStatus(status))
              for unit_id, key, status in held}
    found = {}
    for unit_id in unit_ids:
        for code in codes:
            lock = by_set.get((unit_id, set_key(lead.get(code))))
            if lock is not None:
                found[(unit_id, code)] = lock
    return found


def reporting_periods(session: Session, actor: Actor) -> list[Period]:
    """The periods a reporter or the office works on (opened ones), newest first."""
    if not (actor.can(rules.REPORT_PERMISSION) or any(actor.can(p) for p in OFFICE)):
        raise AccessDenied(_("Your role may not do this."))
    return list(session.scalars(select(Period).where(Period.status != PeriodStatus.DRAFT)
                                .order_by(Period.start.desc(), Period.kind)))


def default_period(found: list[Period]) -> str | None:
    """The period collecting figures, else the newest one."""
    chosen = next((p for p in found if PeriodStatus(p.status) == PeriodStatus.COLLECTING),
                  found[0] if found else None)
    return chosen.code if chosen else None
