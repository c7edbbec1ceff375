"""Cases (案件/问责事项): opening, the stage workflow with time limits and extensions, and
the inspectors' queries (the case desk, a case with its history).

Only inspectors (``cases.view`` / ``cases.edit``) in scope reach anything here. Every
change appends a ``CaseEvent`` (who, when, why) and an audit event; nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from accountability import rules, tolerance
from accountability import settings as ac_settings
from accountability.enums import (
    OPEN_STAGES,
    CaseKind,
    CaseSource,
    CaseStage,
    Form,
    SubjectKind,
)
from accountability.models import Case, CaseEvent, CaseExtension, CaseSubject, Measure, NameClearing
from accountability.scope import get_case, in_scope
from portal import audit
from portal.access import Actor, in_subtree
from portal.enums import Role
from portal.errors import AccessDenied, Conflict, Invalid, NotFound
from portal.i18n import _
from portal.models import Cadre, Unit, User

MAX_TEXT = 20_000


def _today(today: date | None) -> date:
    return today or date.today()


def _clean(text: str | None, what: str, field_name: str, required: bool = True,
           limit: int = MAX_TEXT) -> str:
    value = (text or "").strip()
    if required and not value:
        raise Invalid(_("Please fill in: %(what)s.", what=what), field=field_name)
    if len(value) > limit:
        raise Invalid(_("%(what)s is too long (at most %(n)s characters).", what=what, n=limit),
                      field=field_name)
    return value


def _check_day(day: date, today: date, after: date | None, what: str, field_name: str) -> None:
    if day > today:
        raise Invalid(_("%(what)s cannot be in the future.", what=what), field=field_name)
    if after is not None and day < after:
        raise Invalid(_("%(what)s cannot be earlier than %(day)s.", what=what,
                        day=after.isoformat()),
                      field=field_name)


# --- reading ---------------------------------------------------------------------------------

def find_case(session: Session, actor: Actor, case_no: str) -> Case:
    actor.require("cases.view")
    case_id = session.scalar(select(Case.id).where(Case.case_no == str(case_no or "").strip()))
    return get_case(session, actor, case_id)


def deadline_of(session: Session, case: Case, limits: dict | None = None) -> date | None:
    limits = limits if limits is not None else ac_settings.stage_limits(session)
    extension = ac_settings.extension_rule(session)
    extended = case.extended_months if case.stage.value in extension["stages"] else 0
    return rules.stage_deadline(case.stage, case.stage_since, case.filed_on, extended, limits)


@dataclass(frozen=True)
class CaseRow:
    """A case as the desk lists it (inspectors only: the title is confidential)."""

    id: int
    case_no: str
    title: str
    kind: CaseKind
    source: CaseSource
    stage: CaseStage
    stage_since: date
    opened_on: date
    due_on: date | None
    days_left: int | None
    overdue: bool
    unit: str
    subjects: tuple[str, ...]
    handler: str
    forms: tuple[int, ...] = field(default_factory=tuple)

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


def subject_text(kind: SubjectKind, cadre_name: str | None, cadre_code: str | None,
                 unit_name: str) -> str:
    """How a case names its subject: the cadre with their code, or the unit."""
    if kind == SubjectKind.CADRE and cadre_name is not None:
        return f"{cadre_name}（{cadre_code}）"
    return unit_name


def subject_label(subject: CaseSubject) -> str:
    cadre = subject.cadre
    return subject_text(subject.kind, cadre.name if cadre else None, cadre.code if cadre else None,
                        subject.unit.name)


def case_rows(session: Session, actor: Actor, *, under_unit_id: int | None = None,
              stages: Iterable[str] | None = None, source: str | None = None,
              form: str | None = None,
              mine: bool = False, open_only: bool = False, search: str | None = None,
              today: date | None = None, limit: int = 2000) -> list[CaseRow]:
    """The cases in scope for the desk, overdue first, then by days left."""
    actor.require("cases.view")
    today = _today(today)
    stmt = in_scope(select(Case), actor, Case.unit_id).options(
        selectinload(Case.subjects).selectinload(CaseSubject.cadre),
        selectinload(Case.subjects).selectinload(CaseSubject.unit),
        selectinload(Case.unit), selectinload(Case.handler))
    if under_unit_id:
        under = session.get(Unit, under_unit_id)
        if under is None or not actor.in_scope(under.path):
            raise NotFound(_("No such unit among the units you are responsible for."))
        stmt = stmt.where(Case.unit_id.in_(
            select(Unit.id).where(in_subtree(Unit.path, under.path))))
    if stages:
        stmt = stmt.where(Case.stage.in_([CaseStage(s) for s in stages]))
    if open_only:
        stmt = stmt.where(Case.stage.in_(OPEN_STAGES))
    if source:
        stmt = stmt.where(Case.source == CaseSource(source))
    if mine:
        stmt = stmt.where(Case.handler_id == (actor.user_id or -1))
    if form:
        codes = [s.code for s in rules.CATALOGUE if s.form == Form(form)]
        stmt = stmt.where(Case.id.in_(select(Measure.case_id).where(Measure.code.in_(codes))))
    stmt = stmt.order_by(Case.opened_on.desc())
    if search and search.strip():
        cases = _matching(session, stmt, search.strip())[:limit]
    else:
        cases = list(session.scalars(stmt.limit(limit)))
    forms = forms_by_case(session, [c.id for c in cases])
    rows = [_row(case, today, forms.get(case.id, ())) for case in cases]
    rows.sort(key=lambda r: (not r.overdue, r.days_left if r.days_left is not None else 10**6,
                             not r.is_open, r.case_no))
    return rows


def _matching(session: Session, stmt, needle: str) -> list[Case]:
    """Cases whose number, subjects, title or summary contain ``needle``. Titles and
    summaries are encrypted at rest, so they are matched here, after decryption, among
    the cases the other filters (and the scope) left."""
    like = f"%{needle}%"
    people = set(session.scalars(select(CaseSubject.case_id).join(Cadre,
                                                                  CaseSubject.cadre_id == Cadre.id)
                                 .where(or_(Cadre.name.like(like), Cadre.code.like(like)))))
    folded = needle.casefold()
    return [
        case
        for case in session.scalars(stmt)
        if case.id in people
        or folded in case.case_no.casefold()
        or folded in case.title.casefold()
        or folded in (case.summary or "").casefold()
    ]


def forms_by_case(session: Session, case_ids: list[int]) -> dict[int, tuple[int, ...]]:
    """The forms (1–4) of the measures decided in each case, by case id."""
    found: dict[int, set[int]] = {}
    for start in range(0, len(case_ids), 900):
        chunk = case_ids[start:start + 900]
        for case_id, code in session.execute(
                select(Measure.case_id, Measure.code).where(Measure.case_id.in_(chunk))):
            found.setdefault(case_id, set()).add(rules.SPECS[code].form.number)
    return {k: tuple(sorted(v)) for k, v in found.items()}


def _row(case: Case, today: date, forms: tuple[int, ...]) -> CaseRow:
    return CaseRow(
        id=case.id, case_no=case.case_no, title=case.title, kind=case.kind, source=case.source,
        stage=case.stage, stage_since=case.stage_since, opened_on=case.opened_on,
                   due_on=case.due_on,
        days_left=rules.days_left(case.due_on, today), overdue=rules.is_overdue(case.due_on, today),
        unit=case.unit.name, subjects=tuple(subject_label(s) for s in case.subjects),
        handler=case.handler.display_name if case.handler else "", forms=forms,
    )


def case_row(session: Session, actor: Actor, case_id: int, today: date | None = None) -> CaseRow:
    case = get_case(session, actor, case_id)
    return _row(case, _today(today), forms_by_case(session, [case.id]).get(case.id, ()))


def history(session: Session, actor: Actor, case_id: int) -> list[CaseEvent]:
    case = get_case(session, actor, case_id)
    return list(
        session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        )
    )


def extensions(session: Session, actor: Actor, case_id: int) -> list[CaseExtension]:
    case = get_case(session, actor, case_id)
    return list(session.scalars(select(CaseExtension).where(CaseExtension.case_id == case.id)
                                .order_by(CaseExtension.id)))


def stage_counts(session: Session, actor: Actor) -> dict[CaseStage, int]:
    actor.require("cases.view")
    stmt = in_scope(select(Case.stage, func.count()), actor, Case.unit_id).group_by(Case.stage)
    return {CaseStage(stage): n for stage, n in session.execute(stmt)}


def handlers(session: Session, actor: Actor) -> list[User]:
    """Inspectors whose scope covers the actor's: who may handle cases."""
    actor.require("cases.view")

    users = session.scalars(select(User).where(User.active, User.role == Role.INSPECTOR)
                            .order_by(User.display_name))
    # Inside the actor's subtree, or above it (a city inspector may handle a district's case).
    return [
        u for u in users if actor.in_scope(u.unit.path) or actor.unit_path.startswith(u.unit.path)
    ]


# --- writing ---------------------------------------------------------------------------------

def next_case_no(session: Session, year: int, prefix: str = "AC") -> str:
    stem = f"{prefix}-{year}-"
    taken = session.scalars(select(Case.case_no).where(Case.case_no.startswith(stem,
                                                                               autoescape=True)))
    highest = max((int(no[len(stem):]) for no in taken if no[len(stem):].isdigit()), default=0)
    return f"{stem}{highest + 1:04d}"


def _subject_rows(session: Session, actor: Actor, cadre_ids: Iterable[int],
                  unit_ids: Iterable[int]) -> list[CaseSubject]:
    subjects: list[CaseSubject] = []
    for cadre_id in dict.fromkeys(cadre_ids):
        cadre = session.get(Cadre, cadre_id)
        if cadre is None:
            raise NotFound(_("No such cadre."))
        if not actor.in_scope(cadre.unit.path):
            raise AccessDenied(_("%(name)s is outside the units you are responsible for.",
                                 name=cadre.name))
        subjects.append(CaseSubject(kind=SubjectKind.CADRE, cadre_id=cadre.id,
                                    unit_id=cadre.unit_id,
                                    cadre=cadre, unit=cadre.unit))
    for unit_id in dict.fromkeys(unit_ids):
        unit = session.get(Unit, unit_id)
        if unit is None or not actor.in_scope(unit.path):
            raise NotFound(_("No such unit among the units you are responsible for."))
        subjects.append(CaseSubject(kind=SubjectKind.UNIT, cadre_id=None, unit_id=unit.id,
                                    unit=unit))
    return subjects


def open_case(session: Session, actor: Actor, *, source: CaseSource | str, title: str,
              summary: str = "",
              cadre_ids: Iterable[int] = (), unit_ids: Iterable[int] = (),
              kind: CaseKind | str = CaseKind.DISCIPLINE,
              opened_on: date | None = None, case_no: str | None = None,
              handler_id: int | None = None,
              today: date | None = None) -> Case:
    """Register a clue (线索受理): a new case at stage ``clue`` about one or more cadres
    and/or units of the actor's subtree."""
    actor.require("cases.edit")
    today = _today(today)
    opened_on = opened_on or today
    _check_day(opened_on, today, None, _("The date the clue was received"), "opened_on")
    title = _clean(title, _("a short title"), "title", limit=200)
    summary = _clean(summary, _("the summary"), "summary", required=False)
    try:
        source, kind = CaseSource(source), CaseKind(kind)
    except ValueError:
        raise Invalid(_("Choose the source of the clue."), field="source") from None
    subjects = _subject_rows(session, actor, cadre_ids, unit_ids)
    if not subjects:
        raise Invalid(_("Name at least one cadre or unit the case is about."), field="subjects")
    case_no = (case_no or "").strip() or next_case_no(session, opened_on.year)
    if session.scalar(select(Case.id).where(Case.case_no == case_no)):
        raise Invalid(_("The case number %(no)s is already used.", no=case_no), field="case_no")
    case = Case(case_no=case_no, kind=kind, source=source, title=title, summary=summary,
                unit_id=subjects[0].unit_id, handler_id=handler_id or actor.user_id,
                stage=CaseStage.CLUE,
                stage_since=opened_on, opened_on=opened_on, created_by=actor.username)
    case.subjects = subjects
    session.add(case)
    case.due_on = rules.stage_deadline(CaseStage.CLUE, opened_on, None, 0,
                                       ac_settings.stage_limits(session))
    session.flush()
    session.add(CaseEvent(case_id=case.id, action="opened", from_stage=None,
                          to_stage=CaseStage.CLUE,
                          effective_on=opened_on, actor=actor.username, actor_id=actor.user_id,
                          reason=_("Clue received")))
    audit.log(session, actor, "case.open", case,
              summary={"case_no": case.case_no, "source": source, "subjects": len(subjects)})
    return case


def add_subject(session: Session, actor: Actor, case_id: int, *, cadre_id: int | None = None,
                unit_id: int | None = None) -> CaseSubject:
    case = get_case(session, actor, case_id, "cases.edit")
    new = _subject_rows(session, actor, [cadre_id] if cadre_id else [],
                        [unit_id] if unit_id else [])
    if not new:
        raise Invalid(_("Name the cadre or unit to add."), field="subjects")
    subject = new[0]
    for existing in case.subjects:
        if existing.cadre_id == subject.cadre_id and existing.unit_id == subject.unit_id:
            raise Invalid(_("%(name)s is already a subject of this case.",
                            name=subject_label(existing)),
                          field="subjects")
    case.subjects.append(subject)
    session.flush()
    audit.log(session, actor, "case.subject.add", case,
              summary={"cadre_id": subject.cadre_id, "unit_id": subject.unit_id})
    return subject


def edit_case(session: Session, actor: Actor, case_id: int, *, title: str | None = None,
              summary: str | None = None, handler_id: int | None = None) -> Case:
    """Change the title, summary or handler (the change itself is audited)."""
    case = get_case(session, actor, case_id, "cases.edit")
    before = audit.snapshot(case)
    if title is not None:
        case.title = _clean(title, _("a short title"), "title", limit=200)
    if summary is not None:
        case.summary = _clean(summary, _("the summary"), "summary", required=False)
    if handler_id is not None:
        if handler_id not in {u.id for u in handlers(session, actor)}:
            raise Invalid(_("Choose an inspector as the handler."), field="handler")
        case.handler_id = handler_id
    session.flush()
    changed = audit.changes(before, audit.snapshot(case))
    if changed:
        audit.log(session, actor, "case.edit", case, summary={"fields": sorted(changed)})
    return case


def move_case(session: Session, actor: Actor, case_id: int, to_stage: CaseStage | str, *,
              reason: str,
              on: date | None = None, expected_stage: CaseStage | str | None = None,
              report_false: bool = False, today: date | None = None) -> CaseEvent:
    """Move a case to its next stage, if the workflow allows it, recording who, when and why.

    ``expected_stage`` is the stage the user saw: if somebody moved the case meanwhile the
    step is refused (``Conflict``). ``report_false`` on a move to ``no_case`` opens name
    clearing (澄清正名) for every cadre the case was about.
    """
    case = get_case(session, actor, case_id, "cases.edit")
    today = _today(today)
    try:
        target = CaseStage(to_stage)
    except ValueError:
        raise Invalid(_("Choose the stage to move the case to."), field="stage") from None
    if expected_stage is not None and CaseStage(expected_stage) != case.stage:
        raise Conflict(_("Case %(no)s was moved to “%(stage)s” by someone else meanwhile; reload "
                         "the case.",
                         no=case.case_no, stage=case.stage.label))
    problem = rules.transition_problem(case.stage, target)
    if problem:
        allowed = "、".join(s.label for s in rules.allowed_next(case.stage)) or _("none (the case "
                                                                                 "is finished)")
        raise Invalid(_(problem, current=case.stage.label, target=target.label, allowed=allowed),
                      field="stage")
    reason = _clean(reason, _("the reason for this step"), "reason")
    on = on or today
    _check_day(on, today, case.stage_since, _("The date of this step"), "on")
    if target == CaseStage.APPEAL:
        last_day = rules.appeal_deadline(case.decided_on or case.stage_since,
                                         ac_settings.appeal_window(session))
        if on > last_day:
            raise Invalid(_("An appeal must be lodged by %(day)s, within the appeal period after "
                            "the decision.",
                            day=last_day.isoformat()), field="on")
    event = CaseEvent(case_id=case.id, action="moved", from_stage=case.stage, to_stage=target,
                      effective_on=on, actor=actor.username, actor_id=actor.user_id, reason=reason)
    previous = case.stage
    _enter(session, case, target, on)
    session.add(event)
    session.flush()
    audit.log(session, actor, "case.move", case,
              summary={"case_no": case.case_no, "from": previous, "to": target, "on": on})
    if target == CaseStage.NO_CASE and report_false:
        for subject in case.subjects:
            if subject.cadre_id:
                tolerance.open_name_clearing(session, actor, cadre_id=subject.cadre_id,
                                             case_id=case.id,
                                             finding_on=on, today=today)
    return event


def _enter(session: Session, case: Case, target: CaseStage, on: date) -> None:
    if target == CaseStage.FILED:
        case.filed_on = on
    elif target == CaseStage.DECISION:
        case.decided_on = on
    elif target in (CaseStage.CLOSED, CaseStage.NO_CASE):
        case.closed_on = on
    case.stage, case.stage_since = target, on
    case.due_on = deadline_of(session, case)


def extend_case(session: Session, actor: Actor, case_id: int, *, approver: str, reason: str,
                months: int | None = None, approved_on: date | None = None,
                today: date | None = None) -> CaseExtension:
    """Extend the investigation time limit once (延长审查调查时间), with approver and reason."""
    case = get_case(session, actor, case_id, "cases.edit")
    today = _today(today)
    rule = ac_settings.extension_rule(session)
    done = session.scalar(select(func.count()).select_from(CaseExtension)
                          .where(CaseExtension.case_id == case.id)) or 0
    problem = rules.extension_problem(case.stage, done, rule)
    if problem:
        raise Invalid(_(problem, n=done), field="extension")
    approver = _clean(approver, _("who approved the extension"), "approver", limit=120)
    reason = _clean(reason, _("the reason for the extension"), "reason")
    allowed = int(rule["months"])
    months = allowed if months in (None, "") else int(months)
    if not 1 <= months <= allowed:
        raise Invalid(_("An extension is between 1 and %(n)s months.", n=allowed), field="months")
    approved_on = approved_on or today
    _check_day(approved_on, today, case.stage_since, _("The approval date"), "approved_on")
    previous = case.due_on
    case.extended_months += months
    case.due_on = deadline_of(session, case)
    extension = CaseExtension(case_id=case.id, stage=case.stage, months=months, approver=approver,
                              reason=reason, approved_on=approved_on, previous_due_on=previous,
                              new_due_on=case.due_on, actor=actor.username)
    session.add(extension)
    session.add(CaseEvent(case_id=case.id, action="extended", from_stage=case.stage,
                          to_stage=case.stage,
                          effective_on=approved_on, actor=actor.username, actor_id=actor.user_id,
                          reason=_("Time limit extended by %(n)s months, approved by %(who)s: "
                                   "%(why)s",
                                   n=months, who=approver, why=reason)))
    session.flush()
    audit.log(session, actor, "case.extend", case,
              summary={"case_no": case.case_no, "months": months, "approver": approver,
                       "due_before": previous, "due_after": case.due_on})
    return extension


def name_clearings(session: Session, actor: Actor, case_id: int) -> list[NameClearing]:
    case = get_case(session, actor, case_id)
    return list(session.scalars(select(NameClearing).where(NameClearing.case_id == case.id)))
