"""Error tolerance and correction (容错纠错), name clearing (澄清正名), domain.md §5.

An application (by the cadre or by the unit) → verification against the checklist →
the committee's decision (exempt / mitigated / not tolerated) with reasons → the result
applied to the measure → corrective actions with owners, deadlines and follow-up.
Reviewers read only outcomes; a cadre reads their own applications.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from accountability import measures, rules
from accountability import settings as ac_settings
from accountability.enums import Applicant, MeasureType, ToleranceOutcome, ToleranceStatus
from accountability.models import (
    Case,
    CorrectionAction,
    Measure,
    NameClearing,
    ToleranceApplication,
)
from accountability.scope import (
    get_application,
    get_case,
    in_scope,
    is_cadre,
    own_or_scope,
    tolerance_view,
)
from portal import audit, notices
from portal.access import Actor
from portal.errors import AccessDenied, Invalid, NotFound
from portal.i18n import N_, _
from portal.models import Cadre, Unit

MAX_TEXT = 20_000


def _today(today: date | None) -> date:
    return today or date.today()


def _text(value: str | None, what: str, field_name: str, required: bool = True,
          limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise Invalid(_("Please fill in: %(what)s.", what=what), field=field_name)
    if len(text) > limit:
        raise Invalid(_("%(what)s is too long (at most %(n)s characters).", what=what, n=limit),
                      field=field_name)
    return text


def _day(day: date | None, today: date, after: date | None, what: str, field_name: str) -> date:
    if day is None:
        raise Invalid(_("Please fill in: %(what)s.", what=what), field=field_name)
    if day > today:
        raise Invalid(_("%(what)s cannot be in the future.", what=what), field=field_name)
    if after is not None and day < after:
        raise Invalid(_("%(what)s cannot be earlier than %(day)s.", what=what,
                        day=after.isoformat()),
                      field=field_name)
    return day


# --- views -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class OutcomeView:
    """An application as a reviewer (or the eligibility engine) may know it: who, when,
    status and outcome, and the measure it concerns. No statement, notes or reasons."""

    application_id: int
    app_no: str
    cadre_id: int
    cadre_code: str
    cadre_name: str
    unit_name: str
    applicant: str
    status: str
    outcome: str | None
    submitted_on: date
    decided_on: date | None
    measure_id: int | None
    measure_code: str | None
    measure_label: str | None
    case_no: str | None
    source: str


@dataclass(frozen=True)
class ActionView:
    id: int
    action: str
    owner: str
    due_on: date
    done_on: date | None
    follow_up: str
    overdue: bool


@dataclass(frozen=True)
class OwnApplicationView:
    """The cadre's own application: their statement, where it stands, the decision and
    its reasons, and the corrective actions asked of them."""

    outcome: OutcomeView
    statement: str
    reasons: str
    actions: tuple[ActionView, ...]


@dataclass(frozen=True)
class ApplicationDetail:
    """Everything an inspector sees about an application."""

    outcome: OutcomeView
    statement: str
    finding_on: date | None
    late: bool
    submitted_by: str
    checklist: dict
    verification_notes: str
    decided_by: str
    reasons: str
    case_id: int | None
    advice: rules.ToleranceAdvice
    actions: tuple[ActionView, ...]


def _outcome_view(app: ToleranceApplication) -> OutcomeView:
    measure = app.measure
    return OutcomeView(
        application_id=app.id, app_no=app.app_no, cadre_id=app.cadre_id, cadre_code=app.cadre.code,
        cadre_name=app.cadre.name, unit_name=app.unit.name, applicant=app.applicant.value,
                       status=app.status.value,
        outcome=app.outcome.value if app.outcome else None, submitted_on=app.submitted_on,
        decided_on=app.decided_on, measure_id=app.measure_id,
                       measure_code=measure.code.value if measure else None,
        measure_label=measure.code.label if measure else None,
                       case_no=app.case.case_no if app.case else None,
        source=f"tolerance:{app.id}",
    )


def _outcome_select():
    """The columns of an outcome view, as one Core select (lists read plain rows)."""
    return (select(ToleranceApplication.id, ToleranceApplication.app_no,
                   ToleranceApplication.cadre_id, Cadre.code, Cadre.name, Unit.name,
                   ToleranceApplication.applicant, ToleranceApplication.status,
                   ToleranceApplication.outcome, ToleranceApplication.submitted_on,
                   ToleranceApplication.decided_on, ToleranceApplication.measure_id,
                   Measure.code, Case.case_no)
            .join(Cadre, ToleranceApplication.cadre_id == Cadre.id)
            .join(Unit, ToleranceApplication.unit_id == Unit.id)
            .outerjoin(Measure, ToleranceApplication.measure_id == Measure.id)
            .outerjoin(Case, ToleranceApplication.case_id == Case.id))


def _outcome_row(app_id, app_no, cadre_id, cadre_code, cadre_name, unit_name, applicant, status,
                 outcome, submitted_on, decided_on, measure_id, measure_code,
                 case_no) -> OutcomeView:
    return OutcomeView(
        application_id=app_id, app_no=app_no, cadre_id=cadre_id, cadre_code=cadre_code,
        cadre_name=cadre_name, unit_name=unit_name, applicant=applicant.value,
        status=status.value, outcome=outcome.value if outcome else None,
        submitted_on=submitted_on, decided_on=decided_on, measure_id=measure_id,
        measure_code=measure_code.value if measure_code else None,
        measure_label=measure_code.label if measure_code else None, case_no=case_no,
        source=f"tolerance:{app_id}")


def _actions(app: ToleranceApplication, today: date) -> tuple[ActionView, ...]:
    return tuple(ActionView(a.id, a.action, a.owner, a.due_on, a.done_on, a.follow_up,
                            a.done_on is None and today > a.due_on) for a in app.actions)


def _checks(app: ToleranceApplication) -> dict[str, bool]:
    return {code: bool((entry or {}).get("met")) for code, entry in (app.checklist or {}).items()}


def _options(stmt):
    return stmt.options(selectinload(ToleranceApplication.cadre),
                        selectinload(ToleranceApplication.unit),
                        selectinload(ToleranceApplication.case),
                        selectinload(ToleranceApplication.measure),
                        selectinload(ToleranceApplication.actions))


def applications(session: Session, actor: Actor, *, status: str | None = None,
                 outcome: str | None = None,
                 cadre_id: int | None = None, limit: int = 2000) -> list[OutcomeView]:
    """Applications in scope (a cadre: their own), newest first, as outcomes only."""
    tolerance_view(actor)
    stmt = own_or_scope(_outcome_select(), actor, ToleranceApplication.unit_id,
                        ToleranceApplication.cadre_id)
    if status:
        stmt = stmt.where(ToleranceApplication.status == ToleranceStatus(status))
    if outcome:
        stmt = stmt.where(ToleranceApplication.outcome == ToleranceOutcome(outcome))
    if cadre_id is not None:
        stmt = stmt.where(ToleranceApplication.cadre_id == cadre_id)
    stmt = stmt.order_by(ToleranceApplication.submitted_on.desc(),
                         ToleranceApplication.id.desc()).limit(limit)
    return [_outcome_row(*row) for row in session.execute(stmt)]


def applications_for_case(session: Session, actor: Actor, case_id: int) -> list[OutcomeView]:
    """The applications linked to a case (inspectors, who may see the case)."""
    case = get_case(session, actor, case_id)
    tolerance_view(actor)
    stmt = _options(select(ToleranceApplication).where(ToleranceApplication.case_id == case.id))
    return [_outcome_view(app) for app in session.scalars(stmt.order_by(ToleranceApplication.id))]


def outcomes_for_cadre(session: Session, actor: Actor, cadre: Cadre) -> list[OutcomeView]:
    """The cadre's applications as outcomes; ``cadre`` comes from
    ``portal.access.visible_cadre``."""
    tolerance_view(actor)
    actor.require_cadre(cadre)
    return applications(session, actor, cadre_id=cadre.id)


def own_applications(session: Session, actor: Actor,
                     today: date | None = None) -> list[OwnApplicationView]:
    """A cadre's own applications, with statement, decision reasons and corrective actions."""
    if not is_cadre(actor):
        raise AccessDenied(_("This list is for a cadre's own records."))
    actor.require("self.view")
    today = _today(today)
    stmt = _options(
        select(ToleranceApplication).where(ToleranceApplication.cadre_id == (actor.cadre_id or -1))
    )
    return [OwnApplicationView(_outcome_view(app), app.statement,
                               app.reasons if app.outcome else "",
                               _actions(app, today))
            for app in session.scalars(stmt.order_by(ToleranceApplication.submitted_on.desc()))]


def application_detail(session: Session, actor: Actor, app_id: int, today: date | None = None
                       ) -> ApplicationDetail:
    app = get_application(session, actor, app_id)
    checks = _checks(app)
    window = ac_settings.application_window(session)
    return ApplicationDetail(
        outcome=_outcome_view(app), statement=app.statement, finding_on=app.finding_on,
        late=rules.application_late(app.finding_on, app.submitted_on, window),
                             submitted_by=app.submitted_by,
        checklist=dict(app.checklist or {}), verification_notes=app.verification_notes,
        decided_by=app.decided_by, reasons=app.reasons, case_id=app.case_id,
        advice=rules.tolerance_advice(checks), actions=_actions(app, _today(today)),
    )


# --- applying --------------------------------------------------------------------------------

def next_app_no(session: Session, year: int) -> str:
    stem = f"RC-{year}-"
    taken = session.scalars(select(ToleranceApplication.app_no)
                            .where(ToleranceApplication.app_no.startswith(stem, autoescape=True)))
    highest = max((int(no[len(stem):]) for no in taken if no[len(stem):].isdigit()), default=0)
    return f"{stem}{highest + 1:04d}"


def submit_application(session: Session, actor: Actor, *, statement: str,
                       cadre_id: int | None = None,
                       measure_id: int | None = None, case_id: int | None = None,
                       finding_on: date | None = None, applicant: Applicant | str | None = None,
                       today: date | None = None) -> ToleranceApplication:
    """Apply for error tolerance. A cadre applies for themselves (``tolerance.apply``),
    about one of their own measures or standing alone; an inspector records an
    application by the unit (or a paper one by the cadre) for a cadre in scope."""
    today = _today(today)
    if is_cadre(actor):
        actor.require("tolerance.apply")
        if actor.cadre_id is None or (cadre_id is not None and cadre_id != actor.cadre_id):
            raise AccessDenied(_("You can only apply for yourself."))
        cadre_id, applicant, case_id = actor.cadre_id, Applicant.CADRE, None
    else:
        actor.require("tolerance.edit")
        applicant = Applicant(applicant or Applicant.UNIT)
    cadre = session.get(Cadre, cadre_id) if cadre_id else None
    if cadre is None:
        raise Invalid(_("Choose the cadre the application is about."), field="cadre")
    if not is_cadre(actor):
        actor.require("tolerance.edit", cadre.unit)
    statement = _text(statement, _("what happened and why tolerance should apply"), "statement")
    if finding_on is not None:
        _day(finding_on, today, None, _("The date of the finding"), "finding_on")
    measure = _measure_to_apply_against(session, cadre, measure_id) if measure_id else None
    if measure is not None:
        case_id = measure.case_id
    if case_id and not is_cadre(actor):
        case = get_case(session, actor, case_id)
        if cadre.id not in {s.cadre_id for s in case.subjects}:
            raise Invalid(_("%(name)s is not a subject of case %(no)s.", name=cadre.name,
                            no=case.case_no),
                          field="case")
    app = ToleranceApplication(
        app_no=next_app_no(session, today.year), applicant=applicant, cadre_id=cadre.id,
                               unit_id=cadre.unit_id,
        case_id=case_id or None, measure_id=measure.id if measure else None, finding_on=finding_on,
        submitted_on=today, submitted_by=actor.username, statement=statement,
                               status=ToleranceStatus.SUBMITTED,
        checklist={},
    )
    session.add(app)
    session.flush()
    audit.log(session, actor, "tolerance.submit", app,
              summary={"app_no": app.app_no, "cadre_id": cadre.id, "measure_id": app.measure_id,
                       "case_id": app.case_id, "applicant": applicant})
    return app


def _measure_to_apply_against(session: Session, cadre: Cadre, measure_id: int) -> Measure:
    """The cadre's standing measure an application is about, with no other application pending."""
    measure = session.get(Measure, measure_id)
    if measure is None or measure.cadre_id != cadre.id:
        raise Invalid(_("The measure chosen is not about this cadre."), field="measure")
    if measure.revoked_on or measure.changed_on:
        raise Invalid(_("This measure no longer stands (revoked or changed); there is nothing to "
                        "apply against."),
                      field="measure")
    pending = session.scalar(
        select(ToleranceApplication.app_no).where(
            ToleranceApplication.measure_id == measure.id,
            ToleranceApplication.status != ToleranceStatus.DECIDED,
        )
    )
    if pending:
        raise Invalid(_("Application %(no)s about this measure is already being handled.",
                        no=pending),
                      field="measure")
    return measure


def start_verification(session: Session, actor: Actor, app_id: int) -> ToleranceApplication:
    app = get_application(session, actor, app_id, "tolerance.edit")
    if app.status != ToleranceStatus.SUBMITTED:
        raise Invalid(_("Verification can only start on a submitted application (this one is "
                        "“%(status)s”).",
                        status=app.status.label))
    app.status = ToleranceStatus.VERIFYING
    session.flush()
    audit.log(session, actor, "tolerance.verify.start", app, summary={"app_no": app.app_no})
    return app


def save_verification(session: Session, actor: Actor, app_id: int, *, checks: dict[str, bool],
                      evidence: dict[str, str] | None = None,
                      notes: str = "") -> ToleranceApplication:
    """Record the checklist (each criterion met or not, with its evidence) and the notes."""
    app = get_application(session, actor, app_id, "tolerance.edit")
    if app.status != ToleranceStatus.VERIFYING:
        raise Invalid(_("The checklist is filled in during verification; start the verification "
                        "first."))
    unknown = set(checks) - set(rules.CRITERIA_BY_CODE)
    if unknown:
        raise Invalid(_("Unknown criterion: %(code)s.", code=", ".join(sorted(unknown))),
                      field="checks")
    evidence = evidence or {}
    app.checklist = {c.code: {"met": bool(checks.get(c.code)),
                              "evidence": _text(evidence.get(c.code), c.code, "evidence",
                                                required=False,
                                                limit=2000)}
                     for c in rules.CRITERIA}
    app.verification_notes = _text(notes, _("the verification notes"), "notes", required=False)
    session.flush()
    audit.log(session, actor, "tolerance.verify.save", app,
              summary={"app_no": app.app_no, "met": sorted(k for k, v in checks.items() if v)})
    return app


def decide(session: Session, actor: Actor, app_id: int, *, outcome: ToleranceOutcome | str,
           reasons: str,
           decided_by: str, decided_on: date | None = None,
           lighter_code: MeasureType | str | None = None,
           today: date | None = None) -> ToleranceApplication:
    """The committee's decision, applied to the measure: exempt → it no longer blocks;
    mitigated → it is recorded as mitigated (changed to ``lighter_code`` if given, counted
    from the original decision date); not tolerated → it stands as it was."""
    app = get_application(session, actor, app_id, "tolerance.edit")
    today = _today(today)
    if app.status != ToleranceStatus.VERIFYING:
        raise Invalid(_("Only an application under verification can be decided (this one is "
                        "“%(status)s”).",
                        status=app.status.label))
    try:
        outcome = ToleranceOutcome(outcome)
    except ValueError:
        raise Invalid(_("Choose the decision: exempt, mitigated or not tolerated."),
                      field="outcome") from None
    problem = rules.decision_problem(outcome, _checks(app))
    if problem:
        raise Invalid(_(problem), field="outcome")
    reasons = _text(reasons, _("the reasons for the decision"), "reasons")
    decided_by = _text(decided_by, _("the deciding committee"), "decided_by", limit=120)
    decided_on = _day(decided_on or today, today, app.submitted_on, _("The decision date"),
                      "decided_on")
    if lighter_code and outcome != ToleranceOutcome.MITIGATED:
        raise Invalid(_("A lighter measure goes with a mitigated decision only."),
                      field="lighter_code")
    if lighter_code and app.measure is not None:
        try:
            lighter_code = MeasureType(lighter_code)
        except ValueError:
            raise Invalid(_("Choose the measure."), field="lighter_code") from None
        if not rules.lighter(app.measure.code, lighter_code):
            raise Invalid(_("“%(new)s” is not lighter than “%(old)s”.", new=lighter_code.label,
                            old=app.measure.code.label), field="lighter_code")
    app.status, app.outcome, app.reasons, app.decided_by, app.decided_on = (
        ToleranceStatus.DECIDED, outcome, reasons, decided_by, decided_on)
    session.flush()
    _apply_to_measure(session, actor, app, outcome, lighter_code, decided_on, today)
    audit.log(session, actor, "tolerance.decide", app,
              summary={"app_no": app.app_no, "outcome": outcome, "measure_id": app.measure_id,
                       "decided_on": decided_on, "lighter_code": lighter_code})
    notices.notify(session, user_ids=notices.users_of_cadre(session, app.cadre_id),
                   kind="tolerance.decided",
                   title=N_("Your error-tolerance application %(app_no)s was decided: %(outcome)s"),
                   params={"app_no": app.app_no, "outcome": {"_": outcome.msgid}},
                   href="/my/records")
    return app


def _apply_to_measure(session: Session, actor: Actor, app: ToleranceApplication,
                      outcome: ToleranceOutcome,
                      lighter_code, decided_on: date, today: date) -> None:
    measure = app.measure
    if measure is None:
        return  # applies to a measure recorded later in the same case (measures.record_measure)
    if measure.revoked_on or measure.changed_on:
        return
    if outcome == ToleranceOutcome.MITIGATED and lighter_code:
        replacement = measures.change_measure(
            session, actor, measure.id, new_code=lighter_code, changed_on=decided_on,
            reason=_("Mitigated by error-tolerance decision %(no)s", no=app.app_no),
            tolerance_outcome=ToleranceOutcome.MITIGATED, today=today)
        app.measure_id = replacement.id
        return
    measure.tolerance_outcome = outcome
    session.flush()


# --- correction (纠错) -------------------------------------------------------------------------

def add_correction(session: Session, actor: Actor, app_id: int, *, action: str, owner: str,
                   due_on: date,
                   today: date | None = None) -> CorrectionAction:
    app = get_application(session, actor, app_id, "tolerance.edit")
    action = _text(action, _("the corrective action"), "action", limit=2000)
    owner = _text(owner, _("who is responsible"), "owner", limit=120)
    if due_on is None:
        raise Invalid(_("Please fill in: %(what)s.", what=_("the deadline")), field="due_on")
    if due_on < app.submitted_on:
        raise Invalid(_("%(what)s cannot be earlier than %(day)s.", what=_("The deadline"),
                        day=app.submitted_on.isoformat()), field="due_on")
    item = CorrectionAction(application_id=app.id, action=action, owner=owner, due_on=due_on,
                            created_by=actor.username)
    session.add(item)
    session.flush()
    audit.log(session, actor, "correction.add", item,
              summary={"app_no": app.app_no, "due_on": due_on})
    return item


def complete_correction(session: Session, actor: Actor, action_id: int, *, done_on: date,
                        follow_up: str,
                        today: date | None = None) -> CorrectionAction:
    item = session.get(CorrectionAction, action_id) if action_id else None
    if item is None:
        raise NotFound(_("No such corrective action."))
    get_application(session, actor, item.application_id, "tolerance.edit")
    today = _today(today)
    if item.done_on:
        raise Invalid(_("This action was already completed on %(day)s.",
                        day=item.done_on.isoformat()))
    item.done_on = _day(done_on, today, None, _("The completion date"), "done_on")
    item.follow_up = _text(follow_up, _("the follow-up"), "follow_up")
    session.flush()
    audit.log(session, actor, "correction.done", item, summary={"done_on": item.done_on})
    return item


@dataclass(frozen=True)
class DueItem:
    """Something with a deadline on the follow-up lists: a corrective action or a name clearing."""

    id: int
    kind: str  # correction | name_clearing
    cadre_code: str
    cadre_name: str
    unit_name: str
    what: str
    reference: str
    due_on: date
    done_on: date | None
    overdue: bool
    days_left: int | None


def corrections_due(session: Session, actor: Actor, *, pending_only: bool = True,
                    today: date | None = None
                    ) -> list[DueItem]:
    actor.require("tolerance.view")
    today = _today(today)
    stmt = (select(CorrectionAction, ToleranceApplication)
            .join(ToleranceApplication, CorrectionAction.application_id == ToleranceApplication.id)
            .where(ToleranceApplication.unit_id.in_(actor.scoped_unit_ids()))
            .options(selectinload(ToleranceApplication.cadre).selectinload(Cadre.unit)))
    if pending_only:
        stmt = stmt.where(CorrectionAction.done_on.is_(None))
    rows = []
    for item, app in session.execute(stmt.order_by(CorrectionAction.due_on)):
        rows.append(DueItem(item.id, "correction", app.cadre.code, app.cadre.name,
                            app.cadre.unit.name,
                            item.action, app.app_no, item.due_on, item.done_on,
                            item.done_on is None and rules.is_overdue(item.due_on, today),
                            None if item.done_on else rules.days_left(item.due_on, today)))
    return rows


# --- name clearing (澄清正名) -------------------------------------------------------------------

def open_name_clearing(session: Session, actor: Actor, *, cadre_id: int, finding_on: date,
                       case_id: int | None = None, today: date | None = None) -> NameClearing:
    """Start clearing a cadre's name after a report was found false; due within the window."""
    actor.require("cases.edit")
    today = _today(today)
    cadre = session.get(Cadre, cadre_id) if cadre_id else None
    if cadre is None:
        raise Invalid(_("Choose the cadre whose name is to be cleared."), field="cadre")
    actor.require("cases.edit", cadre.unit)
    _day(finding_on, today, None, _("The date of the finding"), "finding_on")
    if case_id:
        exists = session.scalar(select(NameClearing.id).where(NameClearing.case_id == case_id,
                                                              NameClearing.cadre_id == cadre.id))
        if exists:
            raise Invalid(_("Name clearing for %(name)s in this case is already open.",
                            name=cadre.name))
    item = NameClearing(case_id=case_id, cadre_id=cadre.id, unit_id=cadre.unit_id,
                        finding_on=finding_on,
                        due_on=rules.name_clearing_due(finding_on,
                                                       ac_settings.name_clearing_months(session)),
                        created_by=actor.username)
    session.add(item)
    session.flush()
    audit.log(session, actor, "name_clearing.open", item,
              summary={"cadre_id": cadre.id, "case_id": case_id})
    return item


def complete_name_clearing(session: Session, actor: Actor, item_id: int, *, done_on: date,
                           method: str,
                           note: str = "", today: date | None = None) -> NameClearing:
    actor.require("cases.edit")
    item = session.get(NameClearing, item_id) if item_id else None
    if item is None or not actor.in_scope(item.cadre.unit.path):
        raise NotFound(_("No such name clearing among those you are responsible for."))
    today = _today(today)
    if item.done_on:
        raise Invalid(_("This name was already cleared on %(day)s.", day=item.done_on.isoformat()))
    item.done_on = _day(done_on, today, item.finding_on, _("The date the name was cleared"),
                        "done_on")
    item.method = _text(method, _("how the name was cleared (meeting, circular…)"), "method",
                        limit=200)
    item.note = _text(note, _("the note"), "note", required=False)
    session.flush()
    audit.log(session, actor, "name_clearing.done", item, summary={"done_on": item.done_on})
    return item


def name_clearings_due(session: Session, actor: Actor, *, pending_only: bool = True,
                       today: date | None = None
                       ) -> list[DueItem]:
    actor.require("cases.view")
    today = _today(today)
    stmt = in_scope(select(NameClearing), actor, NameClearing.unit_id).options(
        selectinload(NameClearing.cadre).selectinload(Cadre.unit), selectinload(NameClearing.case))
    if pending_only:
        stmt = stmt.where(NameClearing.done_on.is_(None))
    return [DueItem(item.id, "name_clearing", item.cadre.code, item.cadre.name,
                    item.cadre.unit.name,
                    item.method or "", item.case.case_no if item.case else "", item.due_on,
                    item.done_on,
                    item.done_on is None and rules.is_overdue(item.due_on, today),
                    None if item.done_on else rules.days_left(item.due_on, today))
            for item in session.scalars(stmt.order_by(NameClearing.due_on))]


def outcome_counts(session: Session, actor: Actor) -> dict[str, int]:
    """Applications in scope by status/outcome (``submitted``, ``verifying``, ``exempt``, …)."""
    tolerance_view(actor)
    stmt = own_or_scope(select(ToleranceApplication.status, ToleranceApplication.outcome,
                               func.count()),
                        actor, ToleranceApplication.unit_id, ToleranceApplication.cadre_id
                        ).group_by(ToleranceApplication.status, ToleranceApplication.outcome)
    counts: dict[str, int] = {}
    for status, outcome, n in session.execute(stmt):
        key = outcome.value if outcome else status.value
        counts[key] = counts.get(key, 0) + n
    return counts

