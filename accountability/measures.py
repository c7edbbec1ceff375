"""Measures (处理措施): recording them, revoking or changing them on appeal (never deleting),
their effect periods, and follow-up visits (回访教育) to sanctioned cadres.

Reading is layered (``scope.View``): inspectors see everything; reviewers the effects
only (type, form, dates, effect end, tolerance outcome); a cadre their own effects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from accountability import rules
from accountability import settings as ac_settings
from accountability.enums import (
    BlockKind,
    CaseStage,
    Form,
    MeasureType,
    SubjectKind,
    ToleranceOutcome,
)
from accountability.models import Case, FollowUpVisit, Measure, ToleranceApplication
from accountability.scope import (
    get_case,
    get_measure,
    in_scope,
    measure_view,
    own_or_scope,
)
from portal import audit, cache
from portal.access import Actor
from portal.errors import Invalid, NotFound
from portal.i18n import _
from portal.models import Cadre, Unit

READS = ("accountability", "portal")  # what the listed effects read (``portal.cache``)


def _today(today: date | None) -> date:
    return today or date.today()


@dataclass(frozen=True)
class MeasureEffectView:
    """A measure as anyone allowed to know its effect sees it: no confidential text.

    ``effect_until`` is the first day it no longer blocks (None: permanent); ``blocks``
    the strongest thing it blocks (``BlockKind`` code, ``none`` for a note);
    ``source`` is ``"measure:<id>"`` for evidence snapshots.
    """

    measure_id: int
    cadre_id: int | None
    cadre_code: str
    cadre_name: str
    unit_id: int
    unit_name: str
    code: str
    label: str
    form: int
    decided_on: date
    effect_until: date | None
    blocks: str
    revoked_on: date | None
    changed_on: date | None
    replaces_id: int | None
    tolerance_outcome: str | None
    probation_years: int | None
    case_no: str | None
    source: str
    regulation: str
    effect: rules.Effect

    def in_effect(self, day: date) -> bool:
        return self.effect.in_effect(day)

    @property
    def permanent(self) -> bool:
        return self.effect.permanent


@dataclass(frozen=True)
class MeasureDetail:
    """What an inspector sees besides the effect: the decision's document and notes."""

    effect: MeasureEffectView
    document_no: str
    note: str
    revoked_reason: str
    change_reason: str
    case_id: int | None
    created_by: str
    origin: str


def effect_select():
    """The columns of a measure's effect view as one Core select over the measure, its cadre,
    unit and case (no ORM objects: lists of measures read plain rows)."""
    return (select(Measure.id, Measure.cadre_id, Cadre.code, Cadre.name, Measure.unit_id,
                   Unit.name, Measure.code, Measure.decided_on, Measure.probation_years,
                   Measure.revoked_on, Measure.changed_on, Measure.replaces_id,
                   Measure.tolerance_outcome, Case.case_no)
            .join(Unit, Measure.unit_id == Unit.id)
            .outerjoin(Cadre, Measure.cadre_id == Cadre.id)
            .outerjoin(Case, Measure.case_id == Case.id))


def _view(measure_id: int, cadre_id: int | None, cadre_code: str | None, cadre_name: str | None,
          unit_id: int, unit_name: str, code: MeasureType, decided_on: date,
          probation_years: int | None, revoked_on: date | None, changed_on: date | None,
          replaces_id: int | None, tolerance_outcome: ToleranceOutcome | None,
          case_no: str | None, table: dict) -> MeasureEffectView:
    """A measure's effect view from its plain values (the columns of ``effect_select``)."""
    effect = rules.effect_of(code, decided_on, probation_years=probation_years,
                             revoked_on=revoked_on, changed_on=changed_on,
                             tolerance_outcome=tolerance_outcome, table=table)
    spec = rules.SPECS[code]
    return MeasureEffectView(
        measure_id=measure_id, cadre_id=cadre_id, cadre_code=cadre_code or "",
        cadre_name=cadre_name or "", unit_id=unit_id, unit_name=unit_name,
        code=code.value, label=code.label, form=spec.form.number, decided_on=decided_on,
        effect_until=effect.until, blocks=effect.blocks.value, revoked_on=revoked_on,
        changed_on=changed_on, replaces_id=replaces_id,
        tolerance_outcome=tolerance_outcome.value if tolerance_outcome else None,
        probation_years=probation_years, case_no=case_no, source=f"measure:{measure_id}",
        regulation=spec.source, effect=effect,
    )


def effect_views(session: Session, stmt, table: dict) -> list[MeasureEffectView]:
    """The effect views of the rows of ``stmt`` (``effect_select`` narrowed), in its order."""
    return [_view(*row, table=table) for row in session.execute(stmt)]


def effect_view(measure: Measure, table: dict) -> MeasureEffectView:
    cadre, case = measure.cadre, measure.case
    return _view(measure.id, measure.cadre_id, cadre.code if cadre else None,
                 cadre.name if cadre else None, measure.unit_id, measure.unit.name,
                 measure.code, measure.decided_on, measure.probation_years, measure.revoked_on,
                 measure.changed_on, measure.replaces_id, measure.tolerance_outcome,
                 case.case_no if case else None, table)


def _detail(measure: Measure, table: dict) -> MeasureDetail:
    return MeasureDetail(effect_view(measure, table), measure.document_no, measure.note,
                         measure.revoked_reason, measure.change_reason, measure.case_id,
                         measure.created_by,
                         measure.origin)


def measure_effects(session: Session, actor: Actor, *, cadre_id: int | None = None,
                    under_unit_id: int | None = None, form: str | None = None,
                    in_effect_on: date | None = None, decided_from: date | None = None,
                    decided_to: date | None = None, limit: int = 5000) -> list[MeasureEffectView]:
    """Measures in scope (a cadre: their own) as effects, newest decision first."""
    measure_view(actor)
    stmt = own_or_scope(effect_select(), actor, Measure.unit_id, Measure.cadre_id)
    if cadre_id is not None:
        stmt = stmt.where(Measure.cadre_id == cadre_id)
    if under_unit_id:
        under = session.get(Unit, under_unit_id)
        if under is None or not actor.in_scope(under.path):
            raise NotFound(_("No such unit among the units you are responsible for."))
        stmt = stmt.where(Measure.unit_id.in_(select(Unit.id).where(Unit.path.startswith(under.path,
                                                                                        autoescape=True))))
    if form:
        stmt = stmt.where(
            Measure.code.in_([s.code for s in rules.CATALOGUE if s.form == Form(form)])
        )
    if decided_from:
        stmt = stmt.where(Measure.decided_on >= decided_from)
    if decided_to:
        stmt = stmt.where(Measure.decided_on <= decided_to)
    views = effect_views(session, stmt.order_by(Measure.decided_on.desc(), Measure.id.desc())
                         .limit(limit), ac_settings.effect_table(session))
    if in_effect_on is not None:
        views = [v for v in views if v.in_effect(in_effect_on)]
    return views


@cache.scoped("accountability.listed_effects", reads=READS)
def listed_effects(session: Session, actor: Actor, **filters) -> list[MeasureEffectView]:
    """``measure_effects`` as the measures page lists them, kept per scope and filters until
    the next write: the page's figures and each block of its grid read the same list."""
    return measure_effects(session, actor, **filters)


def measure_detail(session: Session, actor: Actor, measure_id: int) -> MeasureDetail:
    """Everything about one measure (inspectors)."""
    return _detail(get_measure(session, actor, measure_id), ac_settings.effect_table(session))


def case_measures(session: Session, actor: Actor, case_id: int) -> list[MeasureDetail]:
    case = get_case(session, actor, case_id)
    actor.require("measures.view")
    table = ac_settings.effect_table(session)
    measures = session.scalars(
        select(Measure)
        .where(Measure.case_id == case.id)
        .order_by(Measure.id)
        .options(selectinload(Measure.cadre), selectinload(Measure.unit))
    )
    return [_detail(m, table) for m in measures]


# --- writing ---------------------------------------------------------------------------------

def _probation(code: MeasureType, years) -> int | None:
    spec = rules.SPECS[code]
    if spec.probation:
        if years in (None, ""):
            raise Invalid(_("Party probation needs its probation period: 1 or 2 years."),
                          field="probation_years")
        try:
            years = int(years)
        except (TypeError, ValueError):
            years = 0
        if years not in (1, 2):
            raise Invalid(_("The probation period is 1 or 2 years."), field="probation_years")
        return years
    if years not in (None, ""):
        raise Invalid(_("Only party probation has a probation period."), field="probation_years")
    return None


def _subject(session: Session, actor: Actor, code: MeasureType, cadre_id: int | None,
             unit_id: int | None) -> tuple[Cadre | None, Unit]:
    spec = rules.SPECS[code]
    if spec.subject == SubjectKind.CADRE:
        if not cadre_id:
            raise Invalid(_("“%(measure)s” is decided about a cadre: choose the cadre.",
                            measure=code.label),
                          field="subject")
        cadre = session.get(Cadre, cadre_id)
        if cadre is None:
            raise NotFound(_("No such cadre."))
        unit = cadre.unit
    else:
        if not unit_id:
            raise Invalid(_("“%(measure)s” is decided about a party organization or unit: choose "
                            "the unit.",
                            measure=code.label), field="subject")
        cadre, unit = None, session.get(Unit, unit_id)
        if unit is None:
            raise NotFound(_("No such unit."))
    actor.require("measures.edit", unit)
    return cadre, unit


def check_recipient(cadre: Cadre, code: MeasureType) -> None:
    """Refuse a measure the cadre cannot receive, naming the rule (domain.md §3)."""
    problem = rules.recipient_problem(code, party_member=cadre.party_member,
                                      category=cadre.category)
    if problem:
        raise Invalid(_(problem, measure=code.label), field="code")


def record_measure(session: Session, actor: Actor, *, code: MeasureType | str, decided_on: date,
                   cadre_id: int | None = None, unit_id: int | None = None,
                   case_id: int | None = None,
                   probation_years: int | None = None, document_no: str = "", note: str = "",
                   origin: str = "portal", today: date | None = None) -> Measure:
    """Record a decided measure about a cadre (or, for organization measures, a unit)."""
    actor.require("measures.edit")
    today = _today(today)
    try:
        code = MeasureType(code)
    except ValueError:
        raise Invalid(_("Choose the measure."), field="code") from None
    if decided_on is None:
        raise Invalid(_("Please fill in: %(what)s.", what=_("the decision date")),
                      field="decided_on")
    if decided_on > today:
        raise Invalid(_("%(what)s cannot be in the future.", what=_("The decision date")),
                      field="decided_on")
    years = _probation(code, probation_years)
    cadre, unit = _subject(session, actor, code, cadre_id, unit_id)
    if cadre is not None:
        check_recipient(cadre, code)
    case = _case_for(session, actor, case_id, cadre, unit) if case_id else None
    if case is not None and decided_on < case.opened_on:
        raise Invalid(_("%(what)s cannot be earlier than %(day)s.", what=_("The decision date"),
                        day=case.opened_on.isoformat()), field="decided_on")
    measure = Measure(case_id=case.id if case else None, subject_kind=rules.SPECS[code].subject,
                      cadre_id=cadre.id if cadre else None, unit_id=unit.id, code=code,
                      decided_on=decided_on,
                      probation_years=years, document_no=(document_no or "").strip()[:80],
                      note=(note or "").strip(), origin=origin, created_by=actor.username)
    session.add(measure)
    session.flush()
    if case is not None and cadre is not None:
        _apply_tolerance_decided_earlier(session, case, cadre, measure)
    audit.log(session, actor, "measure.record", measure,
              summary={"code": code, "decided_on": decided_on, "cadre_id": measure.cadre_id,
                       "unit_id": unit.id, "case_id": measure.case_id, "probation_years": years})
    if cadre is not None:
        schedule_follow_up(session, measure)
    return measure


def _case_for(session: Session, actor: Actor, case_id: int, cadre: Cadre | None,
              unit: Unit) -> Case:
    case = get_case(session, actor, case_id, "cases.view")
    about = {(s.cadre_id, s.unit_id) for s in case.subjects}
    if cadre is not None and not any(c == cadre.id for c, _u in about):
        raise Invalid(_("%(name)s is not a subject of case %(no)s; add them to the case first.",
                        name=cadre.name, no=case.case_no), field="subject")
    if cadre is None and (None, unit.id) not in about:
        raise Invalid(_("%(name)s is not a subject of case %(no)s; add it to the case first.",
                        name=unit.name, no=case.case_no), field="subject")
    if case.stage in (CaseStage.NO_CASE,):
        raise Invalid(_("Case %(no)s was not filed; record the measure without the case.",
                        no=case.case_no),
                      field="case")
    return case


def _apply_tolerance_decided_earlier(session: Session, case: Case, cadre: Cadre,
                                     measure: Measure) -> None:
    """A tolerance decision taken during the case (before the measure) applies to it."""
    application = session.scalar(
        select(ToleranceApplication).where(
            ToleranceApplication.case_id == case.id, ToleranceApplication.cadre_id == cadre.id,
            ToleranceApplication.measure_id.is_(None), ToleranceApplication.outcome.is_not(None))
        .order_by(ToleranceApplication.decided_on.desc(), ToleranceApplication.id.desc()))
    if application is not None:
        measure.tolerance_outcome = application.outcome
        application.measure_id = measure.id


def schedule_follow_up(session: Session, measure: Measure) -> FollowUpVisit | None:
    """A sanctioned cadre is visited (回访教育) within the window after the decision."""
    if measure.cadre_id is None or not rules.SPECS[measure.code].follow_up:
        return None
    if measure.replaces_id:  # a changed measure: its pending visit carries over
        pending = session.scalar(
            select(FollowUpVisit).where(
                FollowUpVisit.measure_id == measure.replaces_id, FollowUpVisit.visited_on.is_(None)
            )
        )
        if pending is not None:
            pending.measure_id = measure.id
            return pending
    if session.scalar(select(FollowUpVisit.id).where(FollowUpVisit.measure_id == measure.id)):
        return None
    earliest, due = rules.follow_up_window(measure.decided_on,
                                           ac_settings.follow_up_months(session))
    visit = FollowUpVisit(measure_id=measure.id, cadre_id=measure.cadre_id, unit_id=measure.unit_id,
                          earliest_on=earliest, due_on=due)
    session.add(visit)
    return visit


def _still_standing(measure: Measure) -> None:
    if measure.revoked_on:
        raise Invalid(_("This measure was already revoked on %(day)s.",
                        day=measure.revoked_on.isoformat()))
    if measure.changed_on:
        raise Invalid(_("This measure was already changed on %(day)s; act on the measure that "
                        "replaced it.",
                        day=measure.changed_on.isoformat()))


def revoke_measure(session: Session, actor: Actor, measure_id: int, *, revoked_on: date,
                   reason: str,
                   today: date | None = None) -> Measure:
    """Revoke a measure on appeal (撤销): it stops blocking from ``revoked_on``; the row stays."""
    measure = get_measure(session, actor, measure_id, "measures.edit")
    actor.require("measures.edit", measure.unit)
    today = _today(today)
    _still_standing(measure)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Please fill in: %(what)s.", what=_("the reason for the revocation")),
                      field="reason")
    _check_change_day(revoked_on, measure, today)
    measure.revoked_on, measure.revoked_reason = revoked_on, reason
    session.flush()
    audit.log(session, actor, "measure.revoke", measure,
              summary={"code": measure.code, "decided_on": measure.decided_on,
                       "revoked_on": revoked_on})
    return measure


def _check_change_day(day: date | None, measure: Measure, today: date) -> None:
    if day is None:
        raise Invalid(_("Please fill in: %(what)s.", what=_("the date")), field="on")
    if day > today:
        raise Invalid(_("%(what)s cannot be in the future.", what=_("The date")), field="on")
    if day < measure.decided_on:
        raise Invalid(_("%(what)s cannot be earlier than %(day)s.", what=_("The date"),
                        day=measure.decided_on.isoformat()), field="on")


def change_measure(session: Session, actor: Actor, measure_id: int, *, new_code: MeasureType | str,
                   changed_on: date, reason: str, probation_years: int | None = None,
                   tolerance_outcome: ToleranceOutcome | None = None,
                   today: date | None = None) -> Measure:
    """Change a measure on appeal or review (变更): the old row is kept and marked changed;
    the replacement counts its effect from the original decision date."""
    measure = get_measure(session, actor, measure_id, "measures.edit")
    actor.require("measures.edit", measure.unit)
    today = _today(today)
    _still_standing(measure)
    try:
        new_code = MeasureType(new_code)
    except ValueError:
        raise Invalid(_("Choose the measure."), field="code") from None
    if new_code == measure.code and probation_years in (None, "", measure.probation_years):
        raise Invalid(_("The new measure is the same as the old one."), field="code")
    if rules.SPECS[new_code].subject != measure.subject_kind:
        raise Invalid(_("The new measure must concern the same kind of subject (cadre or "
                        "organization)."),
                      field="code")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Please fill in: %(what)s.", what=_("the reason for the change")),
                      field="reason")
    _check_change_day(changed_on, measure, today)
    if measure.cadre is not None:
        check_recipient(measure.cadre, new_code)
    years = _probation(new_code, probation_years)
    measure.changed_on, measure.change_reason = changed_on, reason
    replacement = Measure(case_id=measure.case_id, subject_kind=measure.subject_kind,
                          cadre_id=measure.cadre_id,
                          unit_id=measure.unit_id, code=new_code, decided_on=measure.decided_on,
                          probation_years=years, document_no=measure.document_no,
                          note=_("Changed from “%(old)s” on %(day)s: %(why)s",
                                 old=measure.code.label,
                                 day=changed_on.isoformat(), why=reason),
                          replaces_id=measure.id,
                          tolerance_outcome=tolerance_outcome or measure.tolerance_outcome,
                          origin=measure.origin, created_by=actor.username)
    session.add(replacement)
    session.flush()
    audit.log(session, actor, "measure.change", replacement,
              summary={"replaces": measure.id, "from": measure.code, "to": new_code,
                       "changed_on": changed_on})
    schedule_follow_up(session, replacement)
    return replacement


# --- follow-up visits ------------------------------------------------------------------------

@dataclass(frozen=True)
class VisitRow:
    id: int
    cadre_code: str
    cadre_name: str
    unit_name: str
    measure: str
    decided_on: date
    earliest_on: date
    due_on: date
    visited_on: date | None
    visitor: str
    days_left: int | None
    overdue: bool


def follow_up_visits(session: Session, actor: Actor, *, pending_only: bool = True,
                     within_days: int | None = None,
                     today: date | None = None) -> list[VisitRow]:
    """Follow-up visits in scope (inspectors), the most urgent first."""
    actor.require("measures.view")
    today = _today(today)
    # plain rows of the columns listed: the visit, its cadre (and the cadre's unit today)
    # and its measure
    stmt = in_scope(
        select(FollowUpVisit.id, Cadre.code, Cadre.name, Unit.name, Measure.code,
               Measure.decided_on, FollowUpVisit.earliest_on, FollowUpVisit.due_on,
               FollowUpVisit.visited_on, FollowUpVisit.visitor, Measure.revoked_on,
               Measure.changed_on)
        .join(Cadre, FollowUpVisit.cadre_id == Cadre.id).join(Unit, Cadre.unit_id == Unit.id)
        .join(Measure, FollowUpVisit.measure_id == Measure.id),
        actor, FollowUpVisit.unit_id)
    if pending_only:
        stmt = stmt.where(FollowUpVisit.visited_on.is_(None))
    if within_days is not None:
        stmt = stmt.where(
            FollowUpVisit.earliest_on <= date.fromordinal(today.toordinal() + within_days)
        )
    rows = []
    for (visit_id, code, name, unit, measure, decided_on, earliest_on, due_on, visited_on,
         visitor, revoked_on, changed_on) in session.execute(stmt.order_by(FollowUpVisit.due_on,
                                                                           FollowUpVisit.id)):
        # A visit for a measure revoked, or changed into one needing no visit, is no longer due.
        if visited_on is None and (revoked_on or changed_on):
            continue
        rows.append(VisitRow(visit_id, code, name, unit, measure.label, decided_on, earliest_on,
                             due_on, visited_on, visitor,
                             None if visited_on else rules.days_left(due_on, today),
                             visited_on is None and rules.is_overdue(due_on, today)))
    return rows


def record_visit(session: Session, actor: Actor, visit_id: int, *, visited_on: date, visitor: str,
                 note: str = "",
                 today: date | None = None) -> FollowUpVisit:
    actor.require("measures.edit")
    visit = session.get(FollowUpVisit, visit_id) if visit_id else None
    if visit is None or not actor.in_scope(visit.cadre.unit.path if visit.cadre else "~"):
        raise NotFound(_("No such follow-up visit among those you are responsible for."))
    actor.require("measures.edit", visit.cadre.unit)
    today = _today(today)
    if visit.visited_on:
        raise Invalid(_("This visit was already recorded on %(day)s.",
                        day=visit.visited_on.isoformat()))
    if visited_on is None or visited_on > today or visited_on < visit.measure.decided_on:
        raise Invalid(_("The visit date must lie between the decision and today."),
                      field="visited_on")
    visitor = (visitor or "").strip()
    if not visitor:
        raise Invalid(_("Please fill in: %(what)s.", what=_("who made the visit")), field="visitor")
    visit.visited_on, visit.visitor, visit.note = visited_on, visitor[:120], (note or "").strip()
    session.flush()
    audit.log(session, actor, "follow_up.visit", visit, summary={"visited_on": visited_on})
    return visit


# --- a cadre's record ------------------------------------------------------------------------

def effects_for_cadre(session: Session, actor: Actor, cadre: Cadre) -> list[MeasureEffectView]:
    """Every measure about the cadre (current and past) as effects, if the actor may know
    them; ``cadre`` comes from ``portal.access.visible_cadre``."""
    measure_view(actor)
    actor.require_cadre(cadre)
    return measure_effects(session, actor, cadre_id=cadre.id)


def blocking_now(views: list[MeasureEffectView], day: date) -> list[MeasureEffectView]:
    return [v for v in views if v.in_effect(day) and v.blocks != BlockKind.NONE.value]
