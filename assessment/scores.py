"""Score collection: the editable sheets (per unit or per indicator), single-cell saves
with optimistic versioning, completeness, and the import template."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from assessment import periods, rules, schemes, submissions
from assessment.enums import Method, PeriodStatus
from assessment.models import Period, Score
from assessment.rules import IndicatorSpec
from portal import audit, cache
from portal.access import Actor
from portal.db import utcnow
from portal.enums import UnitKind, UnitLevel
from portal.errors import Conflict, Invalid
from portal.i18n import _
from portal.models import Unit
from portal.units import get_unit

READS = ("assessment", "portal")  # what completeness reads (``portal.cache``)

VIEW = ("assessment.view", "assessment.edit")


def assessed_units(session: Session, actor: Actor, level: UnitLevel) -> list[Unit]:
    """The units a scheme of ``level`` assesses inside the actor's subtree, in tree order
    (the units a score sheet can be opened for)."""
    actor.require_any(*VIEW)
    return list(session.scalars(periods.assessed_units_stmt(level).where(actor.unit_clause())
                                .order_by(Unit.path)))


def require_editable(period: Period) -> None:
    if PeriodStatus(period.status) not in rules.EDITABLE:
        raise Invalid(_("Scores of %(code)s cannot change: the period is %(status)s. Scores "
                        "change only "
                        "while a period is collecting or reviewing.",
                        code=period.code, status=PeriodStatus(period.status).label))


def assessed_unit(session: Session, actor: Actor, unit_id: int) -> Unit:
    unit = get_unit(session, actor, unit_id)
    if (
        session.scalar(periods.assessed_units_stmt(UnitLevel(unit.level)).where(Unit.id == unit.id))
        is None
    ):
        raise Invalid(_("%(unit)s is not assessed (only active territorial units are).",
                        unit=unit.name))
    return unit


def leaf_spec(session: Session, period: Period, level: UnitLevel, code: str) -> IndicatorSpec:
    scheme = periods.scheme_for(session, period, level)
    if scheme is None:
        raise Invalid(_("%(level)s units are not assessed in %(year)s: there is no scheme for "
                        "them.",
                        level=level.label, year=period.year), field="indicator_code")
    leaf = next((leaf for leaf in schemes.spec_of(scheme).leaves if leaf.code == code), None)
    if leaf is None:
        raise Invalid(_("%(code)s is not a scored indicator of the %(level)s scheme for %(year)s.",
                        code=code, level=level.label, year=period.year), field="indicator_code")
    return leaf


def set_score(session: Session, actor: Actor, period_code: str, unit_id: int, indicator_code: str,
              value: float | None, expected_version: int | None, note: str | None = None) -> Score:
    """Save one score. ``expected_version`` is the version the writer saw (None: they saw
    no score); if somebody saved in between, ``Conflict`` says so and nothing changes."""
    period = periods.get(session, period_code)
    unit = assessed_unit(session, actor, unit_id)
    actor.require("assessment.edit", unit)
    require_editable(period)
    leaf = leaf_spec(session, period, UnitLevel(unit.level), indicator_code)
    lock = submissions.office_locks(session, period, UnitLevel(unit.level), [unit.id],
                                    [indicator_code]).get((unit.id, indicator_code))
    if lock is not None:
        raise Invalid(_("%(indicator)s for %(unit)s cannot change here. %(reason)s",
                        indicator=leaf.name or leaf.code, unit=unit.name, reason=lock.label),
                      field="value")
    problem = rules.value_problem(leaf, value)
    if problem:
        raise Invalid(_("%(indicator)s for %(unit)s %(problem)s.", indicator=leaf.name or leaf.code,
                        unit=unit.name, problem=problem), field="value")
    score = session.scalar(select(Score).where(Score.period_id == period.id,
                                               Score.unit_id == unit.id,
                                               Score.indicator_code == indicator_code))
    seen = expected_version or None
    if (score.version if score else None) != seen:
        current = "—" if score is None or score.value is None else f"{score.value:g}"
        raise Conflict(_("Somebody else (%(who)s) changed this score to %(value)s while you were "
                         "editing. "
                         "Reload to see the current values, then enter yours again.",
                         who=score.updated_by if score else "?", value=current))
    before = audit.snapshot(score) if score else {}
    if score is None:
        score = Score(period_id=period.id, unit_id=unit.id, indicator_code=indicator_code, note="")
        session.add(score)
    score.value = value
    if note is not None:
        score.note = str(note)[:500]
    score.updated_at, score.updated_by = utcnow(), actor.username
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        raise Conflict(_("Somebody else saved this score at the same moment. Reload to see the "
                         "current "
                         "values, then enter yours again.")) from None
    audit.log(session, actor, "score.update", score,
              summary={"period": period.code, "unit": unit.code, "indicator": indicator_code,
                       "before": before.get("value"), "after": value})
    return score


def sheet(session: Session, actor: Actor, period_code: str, level: UnitLevel, *,
          unit_id: int | None = None, indicator_code: str | None = None,
          today: date | None = None, start: int = 0, end: int | None = None) -> list[dict]:
    """Rows for the score grid: one unit's indicators, or one indicator across the units
    in scope. Each row carries what the grid needs to validate and to save safely.
    ``start``/``end`` keep rows start..end-1 only (the grid pages on the server); units
    and scores are read as plain rows (the indicator sheet spans every community)."""
    return sheet_page(session, actor, period_code, level, unit_id=unit_id,
                      indicator_code=indicator_code, today=today, start=start, end=end)[0]


def sheet_page(session: Session, actor: Actor, period_code: str, level: UnitLevel, *,
               unit_id: int | None = None, indicator_code: str | None = None,
               today: date | None = None, start: int = 0,
               end: int | None = None) -> tuple[list[dict], int]:
    """``(rows start..end-1 of the sheet, how many rows the whole sheet has)``."""
    actor.require_any(*VIEW)
    period = periods.get(session, period_code)
    scheme = periods.scheme_for(session, period, level)
    if scheme is None:
        return [], 0
    spec = schemes.spec_of(scheme)
    leaves = spec.leaves
    if unit_id is not None:
        unit = assessed_unit(session, actor, unit_id)
        if UnitLevel(unit.level) != level:
            return [], 0
        units, count = [(unit.id, unit.code, unit.name)], len(leaves)
        leaves = leaves[start:end]
    else:
        leaves = [leaf for leaf in leaves if leaf.code == indicator_code]
        if not leaves:
            return [], 0
        in_scope = periods.assessed_units_stmt(level).where(actor.unit_clause())
        units = session.execute(in_scope.with_only_columns(Unit.id, Unit.code, Unit.name)
                                .order_by(Unit.path).offset(start)
                                .limit(None if end is None else max(0, end - start))).all()
        count = (start + len(units) if (end is None or len(units) < end - start) and
                 (units or start == 0) else
                 session.scalar(in_scope.with_only_columns(func.count())))
    if not units or not leaves:
        return [], count
    unit_ids = [u[0] for u in units]
    codes = [leaf.code for leaf in leaves]
    stored = _stored_scores(session, period, unit_ids, codes)
    deductions = periods.supervision_frame(session, period, unit_ids, today or date.today())
    extra = {(int(r.unit_id), r.indicator_code): float(r.points) for r in deductions.itertuples()}
    locks = submissions.office_locks(session, period, level, unit_ids, codes)
    period_lock = (None if PeriodStatus(period.status) in rules.EDITABLE
                   else rules.period_lock(PeriodStatus(period.status)))
    fixed = {leaf.code: _leaf_columns(spec, leaf) for leaf in leaves}
    rows = []
    for uid, code, name in units:
        for leaf in leaves:
            score = stored.get((uid, leaf.code))
            rows.append({
                "id": f"{uid}:{leaf.code}", "unit_id": uid, "unit_code": code, "unit_name": name,
                **fixed[leaf.code],
                "value": score.value if score else None,
                "note": score.note if score else "",
                "version": score.version if score else None,
                "updated_by": score.updated_by if score else "",
                "supervision": extra.get((uid, leaf.code)),
                "lock": _lock_label(locks.get((uid, leaf.code)) or period_lock),
            })
    return rows, count


def _stored_scores(session: Session, period: Period, unit_ids: list[int],
                   codes: list[str]) -> dict:
    """The stored scores of the sheet's units as plain rows by (unit id, indicator code)."""
    stmt = select(Score.unit_id, Score.indicator_code, Score.value, Score.note, Score.version,
                  Score.updated_by).where(Score.period_id == period.id,
                                          Score.unit_id.in_(unit_ids),
                                          Score.indicator_code.in_(codes))
    return {(r.unit_id, r.indicator_code): r for r in session.execute(stmt)}


def _leaf_columns(spec, leaf: IndicatorSpec) -> dict:
    """The columns of a sheet row that depend only on the indicator."""
    return {
        "indicator_code": leaf.code,
        "indicator_name": leaf.name,
        "dimension": {i.code: i.name for i in spec.dimensions}.get(spec.dimension_of(leaf.code),
                                                                   ""),
        "method": leaf.method.value,
        "method_label": leaf.method.label,
        "weight": leaf.weight,
        "max": leaf.weight
        if leaf.method == Method.DIRECT
        else (1 if leaf.method == Method.VETO else None),
        "required": leaf.method.value in {m.value for m in rules.REQUIRED_METHODS},
    }


def _lock_label(lock) -> str:
    """Why a cell of the sheet is read-only, in words ("" when it is not)."""
    return lock.label if lock is not None else ""


def completeness(session: Session, actor: Actor, period_code: str) -> dict[UnitLevel,
                                                                           tuple[int, int]]:
    """Required scores present and expected, per level, within the actor's scope (kept in
    the dashboard cache per scope and period; any committed write recomputes it)."""
    actor.require_any(*VIEW)
    return _completeness(session, actor, period_code)


@cache.scoped("assessment.completeness", reads=READS)
def _completeness(session: Session, actor: Actor, period_code: str) -> dict[UnitLevel,
                                                                            tuple[int, int]]:
    """Two grouped counts for all levels at once: assessed units per level, and present
    required scores per level (served by the partial index ``ix_as_score_present``)."""
    period = periods.get(session, period_code)
    required = {level: schemes.spec_of(scheme).required_codes()
                for level, scheme in periods.levels_with_schemes(session, period).items()}
    if not required:
        return {}
    assessed = and_(Unit.active, Unit.kind == UnitKind.TERRITORIAL, actor.unit_clause(),
                    Unit.level.in_(list(required)))
    units = {UnitLevel(level): count for level, count in session.execute(
        select(Unit.level, func.count()).where(assessed).group_by(Unit.level))}
    wanted = [and_(Unit.level == level, Score.indicator_code.in_(codes))
              for level, codes in required.items() if codes]
    present = {UnitLevel(level): count for level, count in session.execute(
        select(Unit.level, func.count()).select_from(Score).join(Unit, Unit.id == Score.unit_id)
        .where(Score.period_id == period.id, Score.value.is_not(None), assessed, or_(*wanted))
        .group_by(Unit.level))} if wanted else {}
    return {level: (present.get(level, 0) if codes else 0,
                    units.get(level, 0) * len(codes))
            for level, codes in required.items()}


def template_rows(session: Session, actor: Actor, period_code: str,
                  level: UnitLevel | None = None) -> list[dict]:
    """One row per unit in scope and scored indicator, with any value already entered."""
    actor.require_any(*VIEW)
    period = periods.get(session, period_code)
    rows = []
    for found_level, scheme in periods.levels_with_schemes(session, period).items():
        if level is not None and found_level != level:
            continue
        spec = schemes.spec_of(scheme)
        units = session.execute(periods.assessed_units_stmt(found_level).where(actor.unit_clause())
                                .with_only_columns(Unit.id, Unit.code,
                                                   Unit.name).order_by(Unit.path)).all()
        stored = dict(((s.unit_id, s.indicator_code), s) for s in session.scalars(
            select(Score).where(Score.period_id == period.id,
                                Score.unit_id.in_([u.id for u in units]))))
        for unit_id, code, name in units:
            for leaf in spec.leaves:
                score = stored.get((unit_id, leaf.code))
                rows.append({"period": period.code, "unit_code": code, "unit_name": name,
                             "indicator_code": leaf.code, "indicator_name": leaf.name,
                             "value": score.value if score else None,
                             "note": score.note if score else ""})
    return rows


def get_score(session: Session, actor: Actor, period_code: str, unit_id: int,
              indicator_code: str) -> Score | None:
    actor.require_any(*VIEW)
    period = periods.get(session, period_code)
    unit = get_unit(session, actor, unit_id)
    return session.scalar(select(Score).where(Score.period_id == period.id,
                                              Score.unit_id == unit.id,
                                              Score.indicator_code == indicator_code))


# --- progress of a running import ------------------------------------------------------------
