"""Reading frozen results: per period, per unit over time, per indicator; the breakdown
and peer medians; early warnings; what-if weights. Nothing here recomputes a published
result from raw scores, and nothing here writes.

Every query keeps to the actor's unit subtree. Ranks and peer medians were computed
over the whole level when the period was published; they are published figures, and
no row of a unit outside the scope is ever returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from assessment import periods, rules, schemes, scope
from assessment import settings as assessment_settings
from assessment.enums import OPEN_SUPERVISION, Grade, Method, PeriodKind, WarningKind
from assessment.models import (
    Indicator,
    Period,
    PeriodLevel,
    Result,
    ResultItem,
    Scheme,
    SupervisionItem,
)
from portal import cache
from portal.access import Actor, in_subtree
from portal.enums import CadreStatus, LeaderRole, UnitLevel
from portal.errors import NotFound
from portal.i18n import _
from portal.models import Cadre, Unit
from portal.units import get_unit

# The tables these results are computed from, for the dashboard cache (``portal.cache``):
# writes to other areas (training, cases) leave them kept.
READS = ("assessment", "portal")

VIEW = ("assessment.view",)
# Other packages (the cadre profile, personnel decisions) read unit results too.
READ = ("assessment.view", "cadres.view", "decisions.view", "self.view")

RESULT_FRAME_COLUMNS = ["unit_id", "unit_code", "unit_name", "level", "parent_id", "path",
                        "composite", "bonus",
                        "rank_in_level", "count_in_level", "rank_in_parent", "count_in_parent",
                        "grade",
                        "vetoed", "veto_codes", "robust_z", "scheme_id"]


def visible_period(session: Session, code: str) -> Period:
    period = periods.get(session, code)
    if period.status not in rules.RESULTS_VISIBLE:
        raise NotFound(_("%(code)s has no published results yet.", code=period.code))
    return period


def results_frame(session: Session, actor: Actor, period_code: str,
                  under_unit_id: int | None = None,
                  level: UnitLevel | None = None, permissions=VIEW) -> pd.DataFrame:
    """One row per unit in scope (below ``under_unit_id``, inclusive) with its result."""
    if under_unit_id == actor.unit_id:
        under_unit_id = None  # the actor's whole scope: the same rows, kept once in the cache
    return _results_frame(session, actor, period_code, under_unit_id, level, permissions)


@cache.scoped("assessment.results_frame", reads=READS)
def _results_frame(session: Session, actor: Actor, period_code: str, under_unit_id: int | None,
                   level: UnitLevel | None, permissions) -> pd.DataFrame:
    actor.require_any(*permissions)
    period = visible_period(session, period_code)
    stmt = (select(Result.unit_id, Unit.code, Unit.name, Result.level, Result.parent_id, Unit.path,
                   Result.composite, Result.bonus, Result.rank_in_level, Result.count_in_level,
                   Result.rank_in_parent, Result.count_in_parent, Result.grade, Result.vetoed,
                   Result.veto_codes, Result.robust_z, Result.scheme_id)
            .join(Unit, Unit.id == Result.unit_id)
            .where(Result.period_id == period.id, actor.unit_clause()))
    if under_unit_id is not None:
        under = get_unit(session, actor, under_unit_id)
        stmt = stmt.where(in_subtree(Unit.path, under.path))
    if level is not None:
        stmt = stmt.where(Result.level == level)
    rows = [tuple(row) for row in session.execute(stmt.order_by(Result.level,
                                                                Result.rank_in_level))]
    frame = pd.DataFrame.from_records(
        rows, columns=RESULT_FRAME_COLUMNS
    )  # plain tuples: pandas' fast path
    frame["level"] = frame["level"].map(_CODES)
    frame["grade"] = frame["grade"].map(_CODES)
    return frame


# a stored level or grade (an enum member, or its code where the driver gives text) → its code
_CODES = {**{member: member.value for member in (*UnitLevel, *Grade)},
          **{member.value: member.value for member in (*UnitLevel, *Grade)}}


@cache.scoped("assessment.results_with_previous", reads=READS)
def results_with_previous(session: Session, actor: Actor, period_code: str,
                          previous_code: str | None, under_unit_id: int | None = None,
                          permissions=VIEW) -> pd.DataFrame:
    """One row per unit in scope (below ``under_unit_id``, inclusive) with its grade and
    composite in ``period_code`` and its composite in ``previous_code`` (None where it had
    none, or without an earlier period): one query joining the two periods' results."""
    actor.require_any(*permissions)
    period = visible_period(session, period_code)
    earlier = aliased(Result)
    previous_id = visible_period(session, previous_code).id if previous_code else None
    stmt = (select(Result.unit_id, Unit.code, Unit.name, Result.grade, Result.composite,
                   earlier.composite)
            .join(Unit, Unit.id == Result.unit_id)
            .outerjoin(earlier, and_(earlier.unit_id == Result.unit_id,
                                     earlier.period_id == previous_id))
            .where(Result.period_id == period.id, actor.unit_clause()))
    if under_unit_id is not None:
        under = get_unit(session, actor, under_unit_id)
        stmt = stmt.where(in_subtree(Unit.path, under.path))
    rows = session.execute(stmt.order_by(Result.level, Result.rank_in_level, Result.unit_id))
    frame = pd.DataFrame.from_records(
        [(unit_id, code, name, _CODES[grade], composite, before)
         for unit_id, code, name, grade, composite, before in rows],
        columns=["unit_id", "unit_code", "unit_name", "grade", "composite", "previous"])
    frame["previous"] = frame["previous"].astype(object).where(frame["previous"].notna(), None)
    return frame


@dataclass(frozen=True)
class UnitResultView:
    """A unit's published result in one period (for the cadre profile and decisions)."""

    period_code: str
    period_kind: PeriodKind
    period_start: date
    period_end: date
    level: UnitLevel
    composite: float
    bonus: float
    rank_in_level: int
    count_in_level: int
    rank_in_parent: int
    count_in_parent: int
    grade: Grade
    vetoed: bool
    veto_codes: tuple[str, ...]

    @property
    def grade_label(self) -> str:
        return self.grade.label

    @property
    def band_is_bottom(self) -> bool:
        """In the bottom grade band (差), which a veto also puts a unit in."""
        return self.grade == Grade.POOR


def unit_history(session: Session, actor: Actor, unit_id: int,
                 kind: PeriodKind | None = None, *, final: bool = False) -> list[UnitResultView]:
    """Every published result of one unit, oldest first (``final``: without the
    periods still announced)."""
    _require_reader(actor, unit_id)
    unit = get_unit(session, actor, unit_id)
    visible = rules.RESULTS_FINAL if final else rules.RESULTS_VISIBLE
    stmt = (select(Result, Period).join(Period, Period.id == Result.period_id)
            .where(Result.unit_id == unit.id, Period.status.in_(list(visible))))
    if kind is not None:
        stmt = stmt.where(Period.kind == kind)
    views = []
    for result, period in session.execute(stmt.order_by(Period.start, Period.kind)).all():
        views.append(UnitResultView(
            period_code=period.code, period_kind=PeriodKind(period.kind), period_start=period.start,
            period_end=period.end, level=UnitLevel(result.level), composite=result.composite,
            bonus=result.bonus, rank_in_level=result.rank_in_level,
                                    count_in_level=result.count_in_level,
            rank_in_parent=result.rank_in_parent, count_in_parent=result.count_in_parent,
            grade=Grade(result.grade), vetoed=result.vetoed,
                                    veto_codes=tuple(result.veto_codes or ())))
    return views


def _require_reader(actor: Actor, unit_id: int) -> None:
    """The readers of results, or the unit's own reporter for its own unit."""
    if not scope.own_unit_reporter(actor, unit_id):
        actor.require_any(*READ)


def unit_result(session: Session, actor: Actor, period_code: str, unit_id: int) -> Result | None:
    _require_reader(actor, unit_id)
    period = visible_period(session, period_code)
    unit = get_unit(session, actor, unit_id)
    return session.scalar(select(Result).where(Result.period_id == period.id,
                                               Result.unit_id == unit.id))


def breakdown(session: Session, actor: Actor, period_code: str, unit_id: int) -> pd.DataFrame:
    """The unit's contribution per indicator, with the scheme's names and the level's medians."""
    result = unit_result(session, actor, period_code, unit_id)
    columns = ["indicator_code", "name", "dimension", "dimension_name", "weight", "method", "value",
               "points",
               "fraction", "median_points", "position", "explanation"]
    if result is None:
        return pd.DataFrame(columns=columns)
    scheme = session.get(Scheme, result.scheme_id)
    spec = schemes.spec_of(scheme)
    medians = _medians(session, result.period_id, UnitLevel(result.level))
    context = _level_context(session, result, spec)
    names = {i.code: i for i in spec.indicators}
    position = {i.code: n for n, i in enumerate(spec.indicators)}
    rows = []
    for item in session.scalars(select(ResultItem).where(ResultItem.result_id == result.id)):
        spec_item = names.get(item.indicator_code)
        dimension = spec.dimension_of(item.indicator_code) if spec_item else item.indicator_code
        rows.append({
            "indicator_code": item.indicator_code,
                     "name": spec_item.name if spec_item else item.indicator_code,
            "dimension": dimension,
                     "dimension_name": names[dimension].name if dimension in names else dimension,
            "weight": spec_item.weight if spec_item else 0.0,
            "method": (spec_item.method if spec_item else Method.DIRECT).value,
            "value": item.value, "points": item.points, "fraction": item.fraction,
            "median_points": medians.get(item.indicator_code),
                     "position": position.get(item.indicator_code, 999),
            "explanation": rules.explain_points(spec_item, item.value, item.points,
                                                **context.get(item.indicator_code, {}))
            if spec_item else "",
        })
    return pd.DataFrame(rows, columns=columns).sort_values("position").reset_index(drop=True)


def _level_context(session: Session, result: Result, spec) -> dict[str, dict]:
    """For the rank and proportional leaves: the unit's rank among the level's units with
    a value, their count, and the best value (published figures, like the medians)."""
    compared = {leaf.code: leaf for leaf in spec.leaves
                if leaf.method in (Method.RANK, Method.PROPORTIONAL)}
    if not compared:
        return {}
    rows = session.execute(
        select(ResultItem.unit_id, ResultItem.indicator_code, ResultItem.value)
        .join(Result, Result.id == ResultItem.result_id)
        .where(ResultItem.period_id == result.period_id, Result.level == result.level,
               ResultItem.indicator_code.in_(list(compared)))).all()
    frame = pd.DataFrame(rows, columns=["unit_id", "indicator_code", "value"]).astype(
        {"value": float})
    context: dict[str, dict] = {}
    for code, leaf in compared.items():
        values = frame[frame["indicator_code"] == code]
        vector = values["value"].to_numpy(dtype=float)
        if leaf.method == Method.PROPORTIONAL:
            context[code] = {"best": rules.best_value(leaf.direction, vector)}
            continue
        ranks = dict(zip(values["unit_id"], rules.ranks(leaf.direction, vector), strict=True))
        own = ranks.get(result.unit_id)
        if own is not None and not pd.isna(own):
            context[code] = {"rank": int(own), "count": int((~pd.isna(vector)).sum())}
    return context


def breakdown_frame(session: Session, actor: Actor, period_code: str) -> pd.DataFrame:
    """Every in-scope unit's contribution per indicator in one query (for exports)."""
    actor.require_any(*VIEW)
    period = visible_period(session, period_code)
    rows = session.execute(
        select(Unit.code, Unit.name, Result.scheme_id, ResultItem.indicator_code, ResultItem.value,
               ResultItem.points)
        .join(Result, Result.id == ResultItem.result_id).join(Unit, Unit.id == ResultItem.unit_id)
        .where(ResultItem.period_id == period.id, actor.unit_clause())
        .order_by(Result.level, Result.rank_in_level, Unit.code)).all()
    frame = pd.DataFrame(rows,
                         columns=["unit_code", "unit_name", "scheme_id", "indicator_code", "value",
                                  "points"])
    names, dims, weights, dim_names, order = {}, {}, {}, {}, {}
    for scheme_id in frame["scheme_id"].unique():
        spec = schemes.spec_of(session.get(Scheme, int(scheme_id)))
        by_code = spec.by_code
        for n, leaf in enumerate(spec.indicators):
            key = (scheme_id, leaf.code)
            names[key], weights[key], order[key] = leaf.name, leaf.weight, n
            dimension = spec.dimension_of(leaf.code)
            dims[key], dim_names[key] = dimension, by_code[dimension].name
    keys = list(zip(frame["scheme_id"], frame["indicator_code"], strict=True))
    frame["name"] = [names.get(k, k[1]) for k in keys]
    frame["dimension_name"] = [dim_names.get(k, "") for k in keys]
    frame["weight"] = [weights.get(k) for k in keys]
    frame["order"] = [order.get(k, 999) for k in keys]
    return frame.sort_values(["unit_code", "order"], kind="stable").reset_index(drop=True)


def _medians(session: Session, period_id: int, level: UnitLevel) -> dict:
    binding = session.scalar(select(PeriodLevel).where(PeriodLevel.period_id == period_id,
                                                       PeriodLevel.level == level))
    return dict(binding.medians or {}) if binding else {}


def dimensions(session: Session, actor: Actor, period_code: str, unit_id: int) -> pd.DataFrame:
    """Points against the weight per top-level dimension, with the level's median (radar)."""
    items = breakdown(session, actor, period_code, unit_id)
    result = unit_result(session, actor, period_code, unit_id)
    columns = ["dimension", "name", "weight", "points", "median_points", "share", "median_share"]
    if items.empty or result is None:
        return pd.DataFrame(columns=columns)
    scheme = session.get(Scheme, result.scheme_id)
    spec = schemes.spec_of(scheme)
    medians = _medians(session, result.period_id, UnitLevel(result.level))
    rows = []
    for dimension in spec.dimensions:
        if dimension.method in (Method.BONUS, Method.VETO) or not dimension.weight:
            continue
        points = items.loc[items["dimension"] == dimension.code, "points"].sum()
        median = medians.get(dimension.code)
        rows.append({"dimension": dimension.code, "name": dimension.name,
                     "weight": dimension.weight,
                     "points": round(float(points), 2), "median_points": median,
                     "share": round(100 * points / dimension.weight, 1),
                     "median_share": round(100 * median / dimension.weight,
                                           1) if median is not None else None})
    return pd.DataFrame(rows, columns=columns)


@cache.scoped("assessment.trend", reads=READS)
def trend(session: Session, actor: Actor, unit_id: int,
          kind: PeriodKind = PeriodKind.QUARTER) -> pd.DataFrame:
    """The unit's composite and rank over the periods of one kind, with its level's median."""
    history = unit_history(session, actor, unit_id, kind)
    columns = ["period", "start", "composite", "rank_in_level", "count_in_level", "grade", "median"]
    if not history:
        return pd.DataFrame(columns=columns)
    level = history[-1].level
    codes = [h.period_code for h in history]
    medians = dict(session.execute(
        select(Period.code, PeriodLevel.median_composite).join(Period,
                                                               Period.id == PeriodLevel.period_id)
        .where(Period.code.in_(codes), PeriodLevel.level == level)).all())
    return pd.DataFrame([{"period": h.period_code, "start": h.period_start,
                          "composite": h.composite,
                          "rank_in_level": h.rank_in_level, "count_in_level": h.count_in_level,
                          "grade": h.grade.value,
                          "median": medians.get(h.period_code)} for h in history],
                        columns=columns)


@cache.scoped("assessment.subtree_trend", reads=READS)
def subtree_trend(session: Session, actor: Actor, unit_id: int, kind: PeriodKind) -> pd.DataFrame:
    """Mean composite per period and level of the units below ``unit_id`` (in scope)."""
    actor.require_any(*VIEW)
    under = get_unit(session, actor, unit_id)
    # averaged in the database: a row per period and level, not one per unit and period
    rows = session.execute(
        select(Period.code, Period.start, Result.level, func.avg(Result.composite), func.count())
        .join(Period, Period.id == Result.period_id).join(Unit, Unit.id == Result.unit_id)
        .where(Period.status.in_(list(rules.RESULTS_VISIBLE)), Period.kind == kind,
               actor.unit_clause(),
               in_subtree(Unit.path, under.path), Unit.id != under.id)
        .group_by(Period.code, Period.start, Result.level)).all()
    summary = pd.DataFrame([(code, start, UnitLevel(level).value, round(float(mean), 2), int(n))
                            for code, start, level, mean, n in rows],
                           columns=["period", "start", "level", "composite", "units"])
    if summary.empty:
        return summary
    return summary.sort_values(["start", "level"]).reset_index(drop=True)


@cache.scoped("assessment.indicator_values", reads=READS)
def indicator_values(session: Session, actor: Actor, period_code: str, level: UnitLevel,
                     code: str) -> pd.DataFrame:
    """One indicator's value and points for every unit in scope of a level."""
    actor.require_any(*VIEW)
    period = visible_period(session, period_code)
    rows = session.execute(
        select(ResultItem.unit_id, Unit.code, Unit.name, Unit.parent_id, ResultItem.value,
               ResultItem.points,
               ResultItem.fraction)
        .join(Unit, Unit.id == ResultItem.unit_id).join(Result, Result.id == ResultItem.result_id)
        .where(ResultItem.period_id == period.id, ResultItem.indicator_code == code,
               Result.level == level,
               actor.unit_clause())
        .order_by(ResultItem.points.desc(), Unit.code)).all()
    return pd.DataFrame(rows,
                        columns=["unit_id", "unit_code", "unit_name", "parent_id", "value",
                                 "points", "fraction"])


def same_period_last_year(session: Session, period: Period) -> Period | None:
    code = f"{period.year - 1}Q{period.quarter}" if period.quarter else str(period.year - 1)
    found = session.scalar(select(Period).where(Period.code == code))
    return found if found is not None and found.status in rules.RESULTS_VISIBLE else None


def scheme_of(session: Session, actor: Actor, period_code: str, level: UnitLevel) -> Scheme | None:
    actor.require_any(*VIEW)
    period = periods.get(session, period_code)
    return periods.scheme_for(session, period, level)


def leaders(session: Session, actor: Actor, unit_id: int) -> list[Cadre]:
    """The unit's leadership team (班子): serving principals first, then deputies."""
    actor.require_any(*READ)
    unit = get_unit(session, actor, unit_id)
    cadres = session.scalars(select(Cadre).where(
        Cadre.unit_id == unit.id, Cadre.leader_role.in_([LeaderRole.PRINCIPAL, LeaderRole.DEPUTY]),
        Cadre.status == CadreStatus.SERVING).order_by(Cadre.code)).all()
    return sorted(cadres, key=lambda c: (0 if c.leader_role == LeaderRole.PRINCIPAL else 1, c.code))


# --- early warning ---------------------------------------------------------------------------

@dataclass(frozen=True)
class WarningView:
    unit_id: int
    unit_code: str
    unit_name: str
    level: UnitLevel
    kind: WarningKind
    reason: str


def warnings(session: Session, actor: Actor, period_code: str | None, today: date | None = None,
             under_unit_id: int | None = None) -> list[WarningView]:
    """Units to look at, each with the reason in words: falling two periods in a row,
    an outlier among peers, a veto, or overdue supervision items (below
    ``under_unit_id`` when given)."""
    actor.require_any(*VIEW)
    today = today or date.today()
    if under_unit_id is None or under_unit_id == actor.unit_id:  # the actor's whole scope
        return _scope_warnings(session, actor, period_code, today)
    under = get_unit(session, actor, under_unit_id)
    found = _scope_warnings(session, actor, period_code, today)
    inside = set(session.scalars(select(Unit.id).where(
        in_subtree(Unit.path, under.path),
        Unit.id.in_({w.unit_id for w in found}))))
    return [w for w in found if w.unit_id in inside]


@cache.scoped("assessment.warnings", reads=READS)
def _scope_warnings(session: Session, actor: Actor, period_code: str | None,
                    today: date) -> list[WarningView]:
    actor.require_any(*VIEW)
    found: list[WarningView] = []
    units: dict[int, UnitName] = {}
    rule_values = assessment_settings.warning_policy(session)
    if period_code:
        period = visible_period(session, period_code)
        current = results_frame(session, actor, period.code)
        ids = current["unit_id"].tolist()
        units.update(zip(ids, map(UnitName, ids, current["unit_code"].tolist(),
                                  current["unit_name"].tolist(), current["level"].tolist()),
                         strict=True))
        found.extend(_falling(session, actor, period, rule_values, units))
        for row in rules.outliers(current, rule_values.outlier_z).itertuples():
            kind = WarningKind.OUTLIER_LOW if row.direction == "low" else WarningKind.OUTLIER_HIGH
            found.append(_warning(units[row.unit_id], kind, _(
                "composite %(composite)s, robust z-score %(z)s among the %(level)s units",
                composite=f"{row.composite:.2f}", z=f"{row.robust_z:+.1f}",
                                                              level=UnitLevel(row.level).label)))
        names = _indicator_names(session, set(current.loc[current["vetoed"], "scheme_id"]))
        for row in current[current["vetoed"]].itertuples():
            items = "、".join(names.get((row.scheme_id, code), code) for code in row.veto_codes)
            found.append(_warning(units[row.unit_id], WarningKind.VETO, _(
                "veto item triggered (%(items)s): graded 差 whatever the total", items=items)))
    found.extend(_overdue(session, actor, today))
    return found


def _indicator_names(session: Session, scheme_ids) -> dict[tuple[int, str], str]:
    rows = session.execute(select(Indicator.scheme_id, Indicator.code, Indicator.name)
                           .where(Indicator.scheme_id.in_([int(i) for i in scheme_ids]))).all()
    return {(scheme_id, code): name for scheme_id, code, name in rows}


@dataclass(frozen=True)
class UnitName:
    """What a warning names of its unit (a whole city's units, so no ORM objects)."""

    id: int
    code: str
    name: str
    level: str


def _warning(unit: Unit | UnitName, kind: WarningKind, reason: str) -> WarningView:
    return WarningView(unit.id, unit.code, unit.name, UnitLevel(unit.level), kind, reason)


def _falling(session: Session, actor: Actor, period: Period, rule_values,
             units: dict) -> list[WarningView]:
    count = rule_values.falling_periods
    recent = [
        p for p in periods.published(session, PeriodKind(period.kind)) if p.start <= period.start
    ][-(count + 1) :]
    if len(recent) < count + 1:
        return []
    codes = [p.code for p in recent]
    out = []
    for unit_id, composites in falling_rows(session, actor, [p.id for p in recent],
                                            rule_values.min_fall):
        if unit_id not in units:
            continue
        path = " → ".join(f"{c:.2f}" for c in composites)
        drop = float(np.round(composites[0] - composites[-1], 2))
        out.append(_warning(units[unit_id], WarningKind.FALLING, _(
            "composite %(path)s (%(first)s to %(last)s), down %(drop)s",
            path=path, first=codes[0], last=codes[-1], drop=f"{drop:.2f}")))
    return out


def falling_rows(session: Session, actor: Actor, period_ids: list[int],
                 min_fall: float) -> list[tuple[int, list[float]]]:
    """Units in scope whose composite fell from each of ``period_ids`` (oldest first) to the
    next by more than ``min_fall`` (``rules.falling_units``), with their composites, by unit
    id. The database joins the periods' results unit by unit and returns only the units
    that fell, instead of every unit's history to pivot here."""
    steps = [aliased(Result) for _ in period_ids]
    first = steps[0]
    stmt = (select(first.unit_id, *[step.composite for step in steps])
            .join(Unit, Unit.id == first.unit_id)
            .where(first.period_id == period_ids[0], actor.unit_clause()))
    for step, period_id in zip(steps[1:], period_ids[1:], strict=True):
        stmt = stmt.join(step, and_(step.unit_id == first.unit_id, step.period_id == period_id))
    for before, after in zip(steps, steps[1:], strict=False):
        stmt = stmt.where(before.composite - after.composite > min_fall)
    return [(int(row[0]), [float(c) for c in row[1:]])
            for row in session.execute(stmt.order_by(first.unit_id))]


def _overdue(session: Session, actor: Actor, today: date) -> list[WarningView]:
    rows = session.execute(
        select(Unit, SupervisionItem.deadline).join(SupervisionItem,
                                                    SupervisionItem.unit_id == Unit.id)
        .where(actor.unit_clause(), SupervisionItem.status.in_(list(OPEN_SUPERVISION)),
               SupervisionItem.deadline < today)).all()
    by_unit: dict[int, tuple[Unit, int, date]] = {}
    for unit, deadline in rows:
        _u, count, oldest = by_unit.get(unit.id, (unit, 0, deadline))
        by_unit[unit.id] = (unit, count + 1, min(oldest, deadline))
    return [_warning(unit, WarningKind.OVERDUE, _(
        "%(n)s supervision item(s) past the deadline, the oldest by %(days)s days",
        n=count, days=(today - oldest).days)) for unit, count, oldest in by_unit.values()]


# --- what-if ---------------------------------------------------------------------------------

def _level_what_if(session: Session, period: Period, binding: PeriodLevel, level: UnitLevel,
                   dimension_weights: dict[str, float]) -> pd.DataFrame:
    """Totals, ranks and grades of every unit of the level under other dimension weights,
    from the level's frozen breakdown."""
    spec = schemes.spec_of(binding.scheme)
    all_units = pd.DataFrame(session.execute(
        select(Result.unit_id, Result.parent_id, Result.vetoed)
        .where(Result.period_id == period.id, Result.level == level)).all(),
        columns=["unit_id", "parent_id", "vetoed"])
    items = pd.DataFrame(session.execute(
        select(ResultItem.unit_id, ResultItem.indicator_code, ResultItem.points,
               ResultItem.fraction)
        .join(Result, Result.id == ResultItem.result_id)
        .where(ResultItem.period_id == period.id, Result.level == level)).all(),
        columns=["unit_id", "indicator_code", "points", "fraction"])
    return rules.what_if(spec, items, all_units, dimension_weights,
                         assessment_settings.grade_policy(session))


def what_if(session: Session, actor: Actor, period_code: str, level: UnitLevel,
            dimension_weights: dict[str, float], under_unit_id: int | None = None) -> pd.DataFrame:
    """How the level's totals, ranks and grades would change with other dimension
    weights — computed in memory from the frozen breakdown; nothing is written."""
    actor.require_any(*VIEW)
    period = visible_period(session, period_code)
    binding = session.scalar(select(PeriodLevel).where(PeriodLevel.period_id == period.id,
                                                       PeriodLevel.level == level))
    if binding is None:
        return pd.DataFrame()
    weights = tuple(sorted((str(k), float(v)) for k, v in (dimension_weights or {}).items()))
    # Ranks and the grade cap are over the whole level, as when the period was published: the
    # same for every scope, so kept once per period, level and weights (any write recomputes).
    changed = cache.cached(session, "assessment.what_if_level", (period.code, str(level), weights),
                           lambda: _level_what_if(session, period, binding, level,
                                                  dimension_weights), READS)
    # … but only the units in scope come back.
    visible = results_frame(session, actor, period.code, under_unit_id,
                            level)[["unit_id", "unit_code", "unit_name"]]
    return visible.merge(changed, on="unit_id",
                         how="inner").sort_values("rank_after").reset_index(drop=True)


def vetoed_units(session: Session, unit_ids: set[int]) -> set[int]:
    """The units among ``unit_ids`` with a vetoed result in any period."""
    ids = sorted(unit_ids)
    found: set[int] = set()
    for start in range(0, len(ids), 900):
        found.update(session.scalars(select(Result.unit_id).where(
            Result.unit_id.in_(ids[start:start + 900]), Result.vetoed.is_(True)).distinct()))
    return found
