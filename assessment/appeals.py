"""Appeals (申诉) against announced results, and the announcement list (公示名单).

While a period is announced, a unit (its reporter, or the office registering a paper
appeal on the unit's behalf: permission ``assessment.appeal`` on the unit) appeals one
indicator's score with a reason and an optional evidence file. The assessment office
(``assessment.publish`` over the whole city, since a corrected score moves the whole
level's ranking) upholds it — the score is corrected and the period's results are
computed again — or rejects it with a reason. Every step is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from assessment import periods, rules, schemes
from assessment import settings as assessment_settings
from assessment.enums import AppealStatus, Grade, PeriodStatus
from assessment.models import Appeal, Indicator, Period, Result, ResultItem, Scheme, Score
from portal import audit, notices
from portal.access import Actor
from portal.db import utcnow
from portal.enums import Role, UnitLevel
from portal.errors import AccessDenied, Conflict, Invalid, NotFound
from portal.i18n import N_, _
from portal.models import Unit, User
from portal.units import get_unit

VIEW = ("assessment.view", "assessment.appeal")
DECIDE = "assessment.publish"
REASON_MIN, REASON_MAX = 4, 2000


@dataclass(frozen=True)
class AppealView:
    """One appeal as the pages list it (no evidence bytes)."""

    id: int
    period_code: str
    unit_id: int
    unit_code: str
    unit_name: str
    indicator_code: str
    indicator_name: str
    status: AppealStatus
    reason: str
    original_value: float | None
    original_points: float | None
    corrected_value: float | None
    decision_reason: str
    evidence_name: str
    created_at: datetime
    created_by: str
    decided_at: datetime | None
    decided_by: str
    version: int


def _reason(text: str | None, field: str = "reason") -> str:
    reason = str(text or "").strip()
    if len(reason) < REASON_MIN:
        raise Invalid(_("Give the reason in a few words."), field=field)
    if len(reason) > REASON_MAX:
        raise Invalid(_("The reason is longer than %(n)s characters.", n=REASON_MAX),
                      field=field)
    return reason


def _require_appellant(actor: Actor, unit: Unit) -> None:
    """The unit appeals (its reporter, or the office on its behalf); a lead department's
    reporter scores indicators for many units and appeals for none."""
    actor.require("assessment.appeal", unit)
    if actor.department_code:
        raise AccessDenied(_("Appeals come from the unit itself; a lead department's reporter "
                             "cannot appeal."))


def _result_item(session: Session, period: Period, unit: Unit,
                 indicator_code: str) -> tuple[Result, ResultItem]:
    result = session.scalar(select(Result).where(Result.period_id == period.id,
                                                 Result.unit_id == unit.id))
    if result is None:
        raise Invalid(_("%(unit)s has no result in %(period)s to appeal.", unit=unit.name,
                        period=period.code), field="unit")
    item = session.get(ResultItem, (result.id, str(indicator_code or "").strip()))
    if item is None:
        raise Invalid(_("%(code)s is not a scored indicator of %(unit)s in %(period)s.",
                        code=indicator_code or "—", unit=unit.name, period=period.code),
                      field="indicator_code")
    return result, item


def file_appeal(session: Session, actor: Actor, period_code: str, unit_id: int,
                indicator_code: str, reason: str, *, evidence: bytes | None = None,
                evidence_name: str = "", today: date | None = None) -> Appeal:
    """A unit appeals one indicator's announced score (within the window only)."""
    period = periods.get(session, period_code)
    unit = get_unit(session, actor, unit_id)
    _require_appellant(actor, unit)
    refusal = rules.appeal_refusal(periods.window_of(period), today or date.today())
    if refusal:
        raise Invalid(refusal, field="period")
    _result, item = _result_item(session, period, unit, indicator_code)
    reason = _reason(reason)
    already = session.scalar(select(Appeal.id).where(
        Appeal.period_id == period.id, Appeal.unit_id == unit.id,
        Appeal.indicator_code == item.indicator_code, Appeal.status == AppealStatus.OPEN))
    if already:
        raise Invalid(_("%(unit)s already has an open appeal against %(code)s; it is decided "
                        "first.", unit=unit.name, code=item.indicator_code),
                      field="indicator_code")
    appeal = Appeal(period_id=period.id, unit_id=unit.id, indicator_code=item.indicator_code,
                    reason=reason, original_value=item.value, original_points=item.points,
                    created_by=actor.username, decision_reason="", decided_by="")
    if evidence:
        try:
            kind = rules.evidence_type(evidence_name, evidence,
                                       assessment_settings.evidence_bytes(session))
        except ValueError as error:
            raise Invalid(str(error), field="evidence") from None
        appeal.evidence, appeal.evidence_type = evidence, kind
        appeal.evidence_name = str(evidence_name)[-200:]
        appeal.evidence_size = len(evidence)
    session.add(appeal)
    session.flush()
    audit.log(session, actor, "appeal.file", appeal,
              summary={"period": period.code, "unit": unit.code,
                       "indicator": item.indicator_code, "value": item.value,
                       "points": item.points, "evidence": appeal.evidence_name or None,
                       "evidence_bytes": appeal.evidence_size or None})
    return appeal


def _scoped_appeal(session: Session, actor: Actor, appeal_id: int) -> Appeal:
    actor.require_any(*VIEW)
    appeal = session.get(Appeal, appeal_id)
    if appeal is None or not actor.in_scope(appeal.unit.path):
        raise NotFound(_("No such appeal among the units you are responsible for."))
    return appeal


def decide(session: Session, actor: Actor, appeal_id: int, decision: AppealStatus, *,
           reason: str = "", corrected_value: float | None = None,
           expected_version: int | None = None) -> Appeal:
    """Uphold (correct the score, compute the period again) or reject (with a reason)."""
    periods.require_city_wide(session, actor, DECIDE)
    appeal = _scoped_appeal(session, actor, appeal_id)
    if expected_version is not None and appeal.version != expected_version:
        raise Conflict(_("Somebody else decided or changed this appeal meanwhile; reload it."))
    if appeal.status != AppealStatus.OPEN:
        raise Invalid(_("This appeal was already decided (%(status)s).",
                        status=AppealStatus(appeal.status).label))
    if decision not in rules.APPEAL_DECISIONS:
        raise Invalid(_("Uphold or reject the appeal."), field="decision")
    period = appeal.period
    if period.status != PeriodStatus.ANNOUNCED:
        raise Invalid(_("%(code)s is no longer announced; its appeals cannot be decided.",
                        code=period.code))
    before = _standing(session, period, appeal.unit_id)
    summary = {"period": period.code, "unit": appeal.unit.code,
               "indicator": appeal.indicator_code, "before": before}
    if decision == AppealStatus.UPHELD:
        value = _corrected(session, period, appeal, corrected_value)
        _correct_score(session, actor, period, appeal, value)
        # computed as on the announcement day, so only the corrected score differs
        periods.publish(session, actor, period, period.announced_on or date.today())
        appeal.corrected_value = value
        appeal.decision_reason = str(reason or "").strip()[:REASON_MAX]
        summary.update({"corrected_value": value,
                        "after": _standing(session, period, appeal.unit_id)})
    else:
        appeal.decision_reason = _reason(reason, "decision_reason")
    appeal.status = decision
    appeal.decided_at, appeal.decided_by = utcnow(), actor.username
    summary["reason"] = appeal.decision_reason
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(_("Somebody else decided this appeal at the same moment; reload it.")) \
            from None
    audit.log(session, actor, f"appeal.{rules.APPEAL_DECISIONS[decision]}", appeal,
              summary=summary)
    _notify_unit(session, actor, appeal)
    return appeal


def _notify_unit(session: Session, actor: Actor, appeal: Appeal) -> None:
    """The unit's reporters and whoever filed the appeal learn the decision."""
    reporters = session.scalars(select(User.id).where(
        User.active.is_(True), User.role == Role.REPORTER, User.department_code.is_(None),
        User.unit_id == appeal.unit_id)).all()
    filer = session.scalars(select(User.id).where(User.username == appeal.created_by)).all()
    params = {"indicator": appeal.indicator_code, "period": appeal.period.code}
    if appeal.status == AppealStatus.UPHELD:
        title = N_("Your appeal against %(indicator)s (%(period)s) was upheld: the value is "
                   "now %(value)s")
        params["value"] = f"{appeal.corrected_value:g}"
    else:
        title = N_("Your appeal against %(indicator)s (%(period)s) was rejected: %(reason)s")
        params["reason"] = appeal.decision_reason
    notices.notify(session, user_ids=[*reporters, *filer], exclude=[actor.user_id],
                   kind="appeal.decided", title=title, params=params,
                   href=f"/assessment/appeal?unit={appeal.unit_id}")


def _corrected(session: Session, period: Period, appeal: Appeal, value) -> float:
    if value is None or value == "":
        raise Invalid(_("Enter the corrected value of the indicator."), field="corrected_value")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Invalid(_("The corrected value must be a number."),
                      field="corrected_value") from None
    result = session.scalar(select(Result).where(Result.period_id == period.id,
                                                 Result.unit_id == appeal.unit_id))
    spec = schemes.spec_of(session.get(Scheme, result.scheme_id))
    leaf = spec.by_code.get(appeal.indicator_code)
    problem = rules.value_problem(leaf, number) if leaf else None
    if problem:
        raise Invalid(_("The corrected value %(problem)s.", problem=problem),
                      field="corrected_value")
    return number


def _correct_score(session: Session, actor: Actor, period: Period, appeal: Appeal,
                   value: float) -> None:
    score = session.scalar(select(Score).where(Score.period_id == period.id,
                                               Score.unit_id == appeal.unit_id,
                                               Score.indicator_code == appeal.indicator_code))
    before = score.value if score else None
    if score is None:
        score = Score(period_id=period.id, unit_id=appeal.unit_id,
                      indicator_code=appeal.indicator_code, note="")
        session.add(score)
    score.value = value
    score.note = _("corrected on appeal %(id)s", id=appeal.id)[:500]
    score.updated_at, score.updated_by = utcnow(), actor.username
    session.flush()
    audit.log(session, actor, "score.update", score,
              summary={"period": period.code, "unit": appeal.unit.code,
                       "indicator": appeal.indicator_code, "before": before, "after": value,
                       "appeal": appeal.id})


def _standing(session: Session, period: Period, unit_id: int) -> dict:
    result = session.scalar(select(Result).where(Result.period_id == period.id,
                                                 Result.unit_id == unit_id))
    if result is None:
        return {}
    return {"composite": result.composite, "rank": result.rank_in_level,
            "grade": Grade(result.grade).value}


# --- reading ---------------------------------------------------------------------------------

def _view(appeal: Appeal, period_code: str, unit: Unit, names: dict) -> AppealView:
    return AppealView(
        id=appeal.id, period_code=period_code, unit_id=unit.id, unit_code=unit.code,
        unit_name=unit.name, indicator_code=appeal.indicator_code,
        indicator_name=names.get((appeal.period_id, appeal.unit_id, appeal.indicator_code),
                                 appeal.indicator_code),
        status=AppealStatus(appeal.status), reason=appeal.reason,
        original_value=appeal.original_value, original_points=appeal.original_points,
        corrected_value=appeal.corrected_value, decision_reason=appeal.decision_reason,
        evidence_name=appeal.evidence_name, created_at=appeal.created_at,
        created_by=appeal.created_by, decided_at=appeal.decided_at,
        decided_by=appeal.decided_by, version=appeal.version)


def _indicator_names(session: Session, appeals) -> dict[tuple[int, int, str], str]:
    """(period id, unit id, indicator code) → the indicator's name in the scheme that unit was
    scored by: levels share codes (DJ2 of a district is not DJ2 of a community)."""
    appeals = list(appeals)
    if not appeals:
        return {}
    rows = session.execute(
        select(Result.period_id, Result.unit_id, Indicator.code, Indicator.name)
        .join(Indicator, Indicator.scheme_id == Result.scheme_id)
        .where(Result.period_id.in_({a.period_id for a in appeals}),
               Result.unit_id.in_({a.unit_id for a in appeals}),
               Indicator.code.in_({a.indicator_code for a in appeals})))
    return {(period_id, unit_id, code): name for period_id, unit_id, code, name in rows}


def _filtered(actor: Actor, period_code: str | None, status: AppealStatus | None,
              unit_id: int | None = None):
    stmt = (select(Appeal, Period.code, Unit).join(Period, Period.id == Appeal.period_id)
            .join(Unit, Unit.id == Appeal.unit_id).where(actor.unit_clause()))
    if unit_id is not None:
        stmt = stmt.where(Appeal.unit_id == unit_id)
    if period_code:
        stmt = stmt.where(Period.code == str(period_code).strip().upper())
    if status is not None:
        stmt = stmt.where(Appeal.status == status)
    return stmt


def appeals_page(session: Session, actor: Actor, *, period_code: str | None = None,
                 status: AppealStatus | None = None, unit_id: int | None = None,
                 start: int = 0, end: int = 100) -> tuple[list[AppealView], int]:
    """One block of the appeals in scope (open first, oldest first) and how many there are."""
    actor.require_any(*VIEW)
    stmt = _filtered(actor, period_code, status, unit_id)
    count = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by((Appeal.status != AppealStatus.OPEN), Appeal.created_at,
                                         Appeal.id).offset(start).limit(max(0, end - start))).all()
    names = _indicator_names(session, [appeal for appeal, _c, _u in rows])
    return [_view(appeal, code, unit, names) for appeal, code, unit in rows], count


def get_appeal(session: Session, actor: Actor, appeal_id: int) -> AppealView:
    appeal = _scoped_appeal(session, actor, appeal_id)
    names = _indicator_names(session, [appeal])
    return _view(appeal, appeal.period.code, appeal.unit, names)


def evidence_file(session: Session, actor: Actor, appeal_id: int) -> tuple[str, str, bytes]:
    """(file name, media type, bytes) of an appeal's evidence; audited as a read."""
    appeal = _scoped_appeal(session, actor, appeal_id)
    data = session.scalar(select(Appeal.evidence).where(Appeal.id == appeal.id))
    if not data:
        raise NotFound(_("This appeal has no evidence file."))
    audit.log(session, actor, "appeal.evidence.read", appeal,
              summary={"file": appeal.evidence_name})
    return appeal.evidence_name, appeal.evidence_type, data


def open_count(session: Session, actor: Actor) -> int:
    """Open appeals in scope (the office's to-do)."""
    actor.require_any(*VIEW)
    return session.scalar(select(func.count()).select_from(Appeal).join(
        Unit, Unit.id == Appeal.unit_id).where(Appeal.status == AppealStatus.OPEN,
                                               actor.unit_clause())) or 0


@dataclass(frozen=True)
class Appealable:
    """An announced period a unit may still appeal, with the unit's scored indicators."""

    period_code: str
    window: rules.AnnouncementWindow
    indicators: list[tuple[str, str, float | None, float]]  # code, name, value, points


def open_windows(session: Session, today: date) -> list[Period]:
    """Announced periods whose window is open today."""
    found = session.scalars(select(Period).where(Period.status == PeriodStatus.ANNOUNCED)
                            .order_by(Period.start.desc())).all()
    return [p for p in found if not rules.appeal_refusal(periods.window_of(p), today)]


def appeal_units(session: Session, actor: Actor, today: date | None = None,
                 limit: int = 5000) -> list[tuple[int, str, str]]:
    """(id, code, name) of the units in scope that may appeal today, in tree order."""
    actor.require("assessment.appeal")
    if actor.department_code:
        return []
    open_ids = [p.id for p in open_windows(session, today or date.today())]
    if not open_ids:
        return []
    rows = session.execute(
        select(Unit.id, Unit.code, Unit.name).where(
            actor.unit_clause(),
            Unit.id.in_(select(Result.unit_id).where(Result.period_id.in_(open_ids))))
        .order_by(Unit.path).limit(limit)).all()
    return [tuple(row) for row in rows]


def appealable(session: Session, actor: Actor, unit_id: int,
               today: date | None = None) -> list[Appealable]:
    """The announced periods whose window is open today, with what the unit can appeal."""
    unit = get_unit(session, actor, unit_id)
    _require_appellant(actor, unit)
    found = []
    for period in open_windows(session, today or date.today()):
        window = periods.window_of(period)
        result = session.scalar(select(Result).where(Result.period_id == period.id,
                                                     Result.unit_id == unit.id))
        if result is None:
            continue
        spec = schemes.spec_of(session.get(Scheme, result.scheme_id))
        items = {i.indicator_code: i for i in session.scalars(
            select(ResultItem).where(ResultItem.result_id == result.id))}
        found.append(Appealable(period.code, window, [
            (leaf.code, leaf.name, items[leaf.code].value, items[leaf.code].points)
            for leaf in spec.leaves if leaf.code in items]))
    return found


# --- the announcement list (公示名单) ----------------------------------------------------------

@dataclass(frozen=True)
class AnnouncementRow:
    unit_code: str
    unit_name: str
    level: UnitLevel
    composite: float
    rank_in_level: int
    count_in_level: int
    grade: Grade
    vetoed: bool


def announcement(session: Session, actor: Actor, period_code: str,
                 level: UnitLevel | None = None) -> tuple[Period, list[AnnouncementRow]]:
    """The units in scope with composite, rank and grade, by level and rank (printable)."""
    actor.require_any(*VIEW)
    period = periods.get(session, period_code)
    if period.status not in rules.RESULTS_VISIBLE:
        raise NotFound(_("%(code)s has no announced or published results.", code=period.code))
    stmt = (select(Unit.code, Unit.name, Result.level, Result.composite, Result.rank_in_level,
                   Result.count_in_level, Result.grade, Result.vetoed)
            .join(Unit, Unit.id == Result.unit_id)
            .where(Result.period_id == period.id, actor.unit_clause()))
    if level is not None:
        stmt = stmt.where(Result.level == level)
    rows = [AnnouncementRow(code, name, UnitLevel(lv), composite, rank, count, Grade(grade),
                            vetoed)
            for code, name, lv, composite, rank, count, grade, vetoed in session.execute(
                stmt.order_by(Result.level, Result.rank_in_level, Unit.code))]
    rows.sort(key=lambda r: (r.level.depth, r.rank_in_level, r.unit_code))
    return period, rows


def announced_periods(session: Session, actor: Actor) -> list[Period]:
    """Periods with visible results, announced ones first, newest first."""
    actor.require_any(*VIEW)
    found = list(session.scalars(select(Period).where(
        Period.status.in_(list(rules.RESULTS_VISIBLE))).order_by(Period.start.desc())))
    return sorted(found, key=lambda p: p.status != PeriodStatus.ANNOUNCED)
