"""Training completion counted in the database: the reviewer's training overview and the
annual report over a whole city (52,000 cadres) without a Python object per cadre.

For every serving cadre in scope the query does what ``rules.progress`` does — the plan's
targets (or the standard's, resolved per category and rank), the hours counted toward the
annual requirement (online capped), the gaps, the even pace, the five-year total — on one
row of ``training_tally`` per cadre and year, and sums the outcome per unit. Python then
rolls the units up into the focus unit's children. The floats are the ones ``rules.progress``
computes (same operations in the same order); a gap is met when less than half a millionth
of an hour is missing, which is what ``Gap.met`` (rounding to six places) says for hours
recorded to the hundredth. tests/cadres/test_training_scope_equivalence.py compares every
count with ``training.scope_progress``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import (
    Float,
    and_,
    case,
    cast,
    delete,
    false,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, aliased

from cadres import rules, summary_stamps, training
from cadres import settings as cadre_settings
from cadres.enums import TrainingCategory, TrainingMode
from cadres.models import (
    CATEGORY_COLUMNS,
    TrainingPlan,
    TrainingStanding,
    TrainingSummaryStamp,
    TrainingTally,
    TrainingUnitSummary,
)
from cadres.rules import EPSILON, PlanTargets
from portal import cache
from portal.access import Actor, in_subtree
from portal.enums import CadreCategory, CadreStatus, Rank
from portal.models import Cadre, Unit

MET = 5e-7  # Gap.met: round(required - done, 6) <= 0, i.e. less than half a millionth missing
COMPLETION_COLUMNS = ["unit_id", "unit_name", "cadres", "complete", "on_pace", "behind",
                      "complete_rate",
                      "behind_rate", "avg_hours", "has_children"]


@dataclass(frozen=True)
class UnitTally:
    """Training completion of the serving cadres of one unit (its own cadres, not its subtree)."""

    unit_id: int
    cadres: int
    complete: int
    behind: int
    counted: float  # hours counted toward the annual requirement, summed
    online: float
    total: float
    five_year_cadres: int
    five_year_behind: int


def _f(value) -> float:
    return float(value or 0.0)


# --- the per-cadre arithmetic in SQL --------------------------------------------------------------

def _standard_targets(session: Session, year: int):
    """``(condition on Cadre, PlanTargets)`` for each distinct target the standards generate."""
    found = training.standards(session)
    by_target: list[tuple[PlanTargets, list[tuple[CadreCategory, Rank | None]]]] = []
    for category in CadreCategory:
        for rank in (None, *Rank):
            targets = training.targets_from_standards(found, category, rank, year)
            same = next((kinds for known, kinds in by_target if known == targets), None)
            if same is None:
                by_target.append((targets, [(category, rank)]))
            else:
                same.append((category, rank))
    choices = []
    for targets, kinds in by_target:
        per_category = []
        for category in CadreCategory:
            ranks = [rank for cat, rank in kinds if cat == category]
            if not ranks:
                continue
            named = [r for r in ranks if r is not None]
            rank_clause = or_(Cadre.rank.in_(named) if named else false(),
                              Cadre.rank.is_(None) if None in ranks else false())
            per_category.append(and_(Cadre.category == category, rank_clause)
                                if len(ranks) < len(Rank) + 1 else Cadre.category == category)
        choices.append((or_(*per_category), targets))
    return choices


def _scope_filters(actor: Actor, under: Unit | None) -> list:
    filters = [actor.cadre_clause(), Cadre.status == CadreStatus.SERVING]
    if under is not None and not (
        actor.unit_path and under.path == actor.unit_path
    ):  # else: the scope itself
        filters.append(Cadre.unit_id.in_(select(Unit.id).where(Unit.path.startswith(under.path,
                                                                                    autoescape=True))))
    return filters


def _counted(offline, online, total, annual, cap):
    """``rules.counted_hours``: all offline hours and online hours up to the cap."""
    capped = cap * annual
    return case((cap.is_(None), total),
                else_=offline + case((online <= capped, online), else_=capped))


def _per_cadre(session: Session, actor: Actor | None, year: int, under: Unit | None, as_of: date,
               filters: list | None = None):
    """A subquery: one row per serving cadre in scope (or matching ``filters``) with the outcome
    of ``rules.progress``."""
    first, _last = rules.five_year_window(year, cadre_settings.cycle_start(session))
    return _outcome(session, inputs(session, actor, year, under, filters=filters), year, as_of,
                    first, year - first)


def cadre_outcomes(session: Session, actor: Actor, year: int, as_of: date):
    """A subquery: one row per serving cadre in scope with ``cadre_id``, ``complete`` (1 when
    the year's requirement is met), ``behind`` (1 when behind the even pace) and the hours
    (the roster's training condition)."""
    actor.require("training.view")
    return _per_cadre(session, actor, year, None, as_of)


def inputs(session: Session, actor: Actor | None, year: int, under: Unit | None, *,
           filters: list | None = None):
    """A subquery: what ``rules.progress`` starts from, one row per serving cadre in scope: the
    targets (the plan's, else the standard's), the year's hours and the five-year total's
    earlier years (``earlier_0`` …, counted against this year's targets)."""
    plan = aliased(TrainingPlan)
    tally = aliased(TrainingTally)
    standards = _standard_targets(session, year)

    def target(name: str, of_standard, kind=None):
        def value(t):
            found = of_standard(t)
            return literal(found, kind) if found is not None else cast(None, kind or Float)
        cases = [(plan.cadre_id.is_not(None), getattr(plan, name))]
        cases += [(condition, value(t)) for condition, t in standards[:-1]]
        return case(*cases, else_=value(standards[-1][1]))

    annual = target("annual_hours", lambda t: t.annual_hours)
    cap = target("online_share_cap", lambda t: t.online_share_cap, Float)
    five = target("five_year_hours", lambda t: t.five_year_hours or None, Float)
    columns = [Cadre.id.label("cadre_id"), Cadre.unit_id.label("unit_id"), annual.label("annual"),
               target("online_hours", lambda t: t.online_hours).label("online_required"),
               cap.label("cap"),
               five.label("five"), target("deadline", lambda t: t.deadline).label("deadline"),
               *(target(column, lambda t, c=c: t.category_hours.get(c, 0.0)).label(f"req_{c.value}")
                 for c, column in CATEGORY_COLUMNS.items()),
               *(func.coalesce(getattr(tally, name), 0.0).label(name)
                 for name in ("offline", "online", "total", *(c.value for c in TrainingCategory)))]
    first, _last = rules.five_year_window(year, cadre_settings.cycle_start(session))
    # the five-year total: the earlier years of the cycle, read only for the cadres who have one
    for number, earlier_year in enumerate(range(first, year)):
        earlier = aliased(TrainingTally)
        hours = (select(_counted(earlier.offline, earlier.online, earlier.total, annual, cap))
                 .where(earlier.cadre_id == Cadre.id,
                        earlier.year == earlier_year).scalar_subquery())
        columns.append(case((and_(five.is_not(None), five != 0), func.coalesce(hours, 0.0)),
                            else_=0.0)
                       .label(f"earlier_{number}"))
    base = (select(*columns)
            .outerjoin(plan, and_(plan.cadre_id == Cadre.id, plan.year == year))
            .outerjoin(tally, and_(tally.cadre_id == Cadre.id, tally.year == year))
            .where(*(filters if filters is not None else _scope_filters(actor, under))))
    base = base.subquery("base")
    return base


def _standing_columns(base, earlier: int):
    """The part of ``rules.progress`` that does not depend on the day, on the rows of ``inputs``:
    ``(counted, complete, has_five, five_done)``."""
    counted = _counted(base.c.offline, base.c.online, base.c.total, base.c.annual,
                       base.c.cap).label("counted")

    def met(required, done):
        return required - done < MET

    gaps = [met(base.c.annual, counted), met(base.c.online_required, base.c.online)]
    for category in TrainingCategory:
        required = base.c[f"req_{category.value}"]
        gaps.append(or_(required <= 0, met(required, base.c[category.value])))
    five_done = training.added_in_order([*(base.c[f"earlier_{n}"] for n in range(earlier)),
                                         counted])
    has_five = and_(base.c.five.is_not(None), base.c.five != 0)
    return counted, and_(*gaps), has_five, five_done


def _deadlines(session: Session, year: int) -> list[date]:
    """The deadlines the year's plans set, and the standards' (the year's end): one index seek
    per distinct deadline (a loose index scan), not a pass over every plan."""
    plans = select(func.min(TrainingPlan.deadline).label("deadline")) \
        .where(TrainingPlan.year == year).cte("deadlines", recursive=True)
    following = (select(func.min(TrainingPlan.deadline))
                 .where(TrainingPlan.year == year, TrainingPlan.deadline > plans.c.deadline)
                 .scalar_subquery())
    plans = plans.union_all(select(following).where(plans.c.deadline.is_not(None)))
    found = set(session.scalars(select(plans.c.deadline).where(plans.c.deadline.is_not(None))))
    return sorted(found | {date(year, 12, 31)})


def _day_flags(year: int, as_of: date, first: int, deadlines: Sequence[date], *, annual,
               counted, deadline, complete, has_five, five, five_done):
    """The part of ``rules.progress`` that depends on the day: ``(expected, behind,
    five_behind)`` as of ``as_of`` from a cadre's standing (``complete`` and ``has_five`` are
    conditions; ``deadlines``: every deadline the standings may carry)."""
    year_start = date(year, 1, 1)
    share = case(*((deadline == d, literal(rules.elapsed_share(year_start, d, as_of)))
                   for d in deadlines), else_=literal(1.0))
    expected = annual * share
    behind = or_(counted < expected - EPSILON, and_(deadline < as_of, ~complete))
    window_first, window_last = rules.five_year_window(year, first)
    five_share = rules.elapsed_share(date(window_first, 1, 1), date(window_last, 12, 31),
                                     min(as_of, date(year, 12, 31)))
    five_behind = and_(has_five, five_done < five * five_share - EPSILON)
    return expected, behind, five_behind


def _outcome(session: Session, base, year: int, as_of: date, first: int, earlier: int):
    counted, complete, has_five, five_done = _standing_columns(base, earlier)
    expected, behind, five_behind = _day_flags(
        year, as_of, first, _deadlines(session, year), annual=base.c.annual, counted=counted,
        deadline=base.c.deadline, complete=complete, has_five=has_five, five=base.c.five,
        five_done=five_done)
    return select(base.c.cadre_id, base.c.unit_id, base.c.annual, base.c.deadline,
                  counted, base.c.online, base.c.total, expected.label("expected"),
                  case((complete, 1), else_=0).label("complete"),
                  case((behind, 1), else_=0).label("behind"),
                  case((has_five, 1), else_=0).label("has_five"),
                  case((five_behind, 1), else_=0).label("five_behind")).subquery("outcome")


HOURS_CELLS = [(c, m) for c in TrainingCategory for m in TrainingMode]
HOURS_MONTHS = [(n, m) for n in training.MONTHS for m in TrainingMode]
CELL_NAMES = [f"{c.value}_{m.value}" for c, m in HOURS_CELLS]
MONTH_NAMES = [training.month_column(n, m) for n, m in HOURS_MONTHS]
SUMMARY = TrainingUnitSummary.__table__
KEEP_DAYS = timedelta(days=31)  # rows of earlier days are dropped as newer ones are stored
TALLY_FIELDS = ("cadres", "complete", "behind", "counted", "online", "total", "five_year_cadres",
                "five_year_behind")


def _hours_frames_of(sums: Sequence) -> tuple[pd.DataFrame, pd.DataFrame]:
    by_cell = pd.DataFrame([(c.value, m.value, float(h)) for (c, m),
                            h in zip(HOURS_CELLS, sums[:len(HOURS_CELLS)], strict=True)
                            if h], columns=["category", "mode", "hours"])
    by_month = pd.DataFrame([(m.value, n, float(h or 0.0)) for (n, m),
                             h in zip(HOURS_MONTHS, sums[len(HOURS_CELLS):], strict=True)
                             if h], columns=["mode", "month", "hours"])
    return by_cell, by_month


def _hours_sums(filters: list, year: int, by_unit: bool = False):
    sums = [func.sum(getattr(TrainingTally, name)).label(name)
            for name in CELL_NAMES + MONTH_NAMES]
    stmt = (select(*([Cadre.unit_id] if by_unit else []), *sums)
            .join(Cadre, Cadre.id == TrainingTally.cadre_id)
            .where(TrainingTally.year == year, *filters))
    return stmt.group_by(Cadre.unit_id) if by_unit else stmt


def hours_frames(session: Session, actor: Actor, year: int, *, under: Unit | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Class hours of the year of the serving cadres in scope, by category and mode and by month
    and mode (``reports.hours_by_category_mode`` and the months of ``reports.hours_frame``)."""
    actor.require("training.view")
    return overview_parts(session, actor, year, under=under)[1:]


def _direct_hours(session: Session, actor: Actor, year: int, under: Unit | None):
    return _hours_frames_of(session.execute(_hours_sums(_scope_filters(actor, under), year)).one())


# --- per unit, and rolled up ----------------------------------------------------------------------

def unit_tallies(session: Session, actor: Actor, year: int, *, under: Unit | None = None,
                 as_of: date | None = None) -> list[UnitTally]:
    """Completion of the serving cadres in scope (below ``under``), one entry per unit."""
    actor.require("training.view")
    return _summary(session, actor, year, under, as_of or date.today())[0]


def overview_parts(session: Session, actor: Actor, year: int, *, under: Unit | None = None,
                   as_of: date | None = None
                   ) -> tuple[list[UnitTally], pd.DataFrame, pd.DataFrame]:
    """``unit_tallies`` and ``hours_frames`` from one read of the unit summaries."""
    actor.require("training.view")
    tallies, sums = _summary(session, actor, year, under, as_of or date.today())
    return (tallies, *_hours_frames_of(sums))


def _direct_unit_tallies(session: Session, actor: Actor | None, year: int, under: Unit | None,
                         as_of: date, filters: list | None = None) -> list[UnitTally]:
    """The unit tallies computed from the per-cadre rows (no summary table)."""
    outcome = _per_cadre(session, actor, year, under, as_of, filters)
    stmt = (select(outcome.c.unit_id, func.count(), func.sum(outcome.c.complete),
                   func.sum(outcome.c.behind),
                   func.sum(outcome.c.counted), func.sum(outcome.c.online),
                   func.sum(outcome.c.total),
                   func.sum(outcome.c.has_five), func.sum(outcome.c.five_behind))
            .group_by(outcome.c.unit_id))
    return [UnitTally(unit_id, int(n), int(complete or 0), int(behind or 0), _f(counted),
                      _f(online), _f(total),
                      int(five or 0), int(five_behind or 0))
            for unit_id, n, complete, behind, counted, online, total, five,
            five_behind in session.execute(stmt)]


# --- the unit summaries (training_unit_summary) ---------------------------------------------------
#
# One row per unit, year and day: the unit's own serving cadres' completion and hours. A
# dashboard reads the rows of the units of its subtree (a range of the unit path index and one
# primary-key lookup per unit) and computes, from the tallies, only the units whose row is
# missing or stale: a row counts while it carries the unit's stamp and the global stamp
# (``cadres.summary_stamps``: every write that can change a unit's figures adds one to them in
# its own transaction) and the digest of the standards and the five-year cycle (``basis``).
# The rows are computed and stored in a transaction of their own (one snapshot: the stamps and
# the figures are read together, so a row computed before a write never carries the stamp
# after it) and never bump the cache's data version (they are derived, not data).

def _basis(session: Session, year: int) -> str:
    found = (tuple(training.standards(session)), cadre_settings.cycle_start(session), year)
    return hashlib.sha256(repr(found).encode()).hexdigest()[:32]


def _is_direct(session: Session, actor: Actor) -> bool:
    """A cadre's own figures, or a transaction that has written: the per-cadre path, no rows."""
    return str(actor.role) == "cadre" or cache.writing(session)


def _scope_conditions(actor: Actor, under: Unit | None) -> list:
    """The units in scope (below ``under``), as conditions on ``Unit``."""
    path = under.path if under is not None else actor.unit_path
    return [in_subtree(Unit.path, path), actor.unit_clause()]


def _scope_units(actor: Actor, under: Unit | None):
    return select(Unit.id).where(*_scope_conditions(actor, under))


def _units_with_today(columns, year: int, as_of: date, basis: str):
    """``select(*columns)`` over every unit, outer-joined to its day's row where that row
    counts (``SUMMARY`` columns are None where it does not): a row counts while it carries
    its unit's stamp, the global stamp and the basis."""
    epoch = (select(func.coalesce(func.max(TrainingSummaryStamp.stamp), 0))
             .where(TrainingSummaryStamp.unit_id == summary_stamps.EVERY_UNIT).scalar_subquery())
    stamp = aliased(TrainingSummaryStamp)
    counts = and_(SUMMARY.c.unit_id == Unit.id, SUMMARY.c.year == year,
                  SUMMARY.c.as_of == as_of, SUMMARY.c.basis == basis,
                  SUMMARY.c.stamp == func.coalesce(stamp.stamp, 0), SUMMARY.c.epoch == epoch)
    return (select(*columns).select_from(Unit)
            .outerjoin(stamp, stamp.unit_id == Unit.id)
            .outerjoin(SUMMARY, counts))


def _unit_rows(session: Session, actor: Actor, year: int, under: Unit | None, as_of: date,
               names: Sequence[str]) -> dict[int, dict] | None:
    """``names`` of the day's summary row of every unit in scope (below ``under``), the stale or
    missing rows computed and kept first; None when they could not be kept (a concurrent
    write): the caller counts per cadre."""
    basis = _basis(session, year)
    stmt = (_units_with_today([Unit.id, SUMMARY.c.unit_id, *(SUMMARY.c[n] for n in names)],
                              year, as_of, basis)
            .where(*_scope_conditions(actor, under)))
    rows: dict[int, dict] = {}
    stale = []
    for unit_id, found, *values in session.execute(stmt):
        if found is None:
            stale.append(unit_id)
        else:
            rows[unit_id] = dict(zip(names, values, strict=True))
    if stale:
        if not _refresh(session, year, as_of, basis, stale):
            return None
        stored = (select(SUMMARY.c.unit_id, *(SUMMARY.c[n] for n in names))
                  .where(SUMMARY.c.year == year, SUMMARY.c.as_of == as_of,
                         SUMMARY.c.basis == basis))
        for unit_id, *values in session.execute(stored.where(SUMMARY.c.unit_id.in_(stale))):
            rows[unit_id] = dict(zip(names, values, strict=True))
    return rows


def _hour_sums_of_rows(session: Session, actor: Actor, year: int, under: Unit | None,
                       as_of: date) -> list:
    """The hours by category/mode and month/mode summed over the day's rows in scope (all
    current: ``_unit_rows`` has just kept them)."""
    stmt = (select(*(func.sum(SUMMARY.c[n]) for n in CELL_NAMES + MONTH_NAMES))
            .where(SUMMARY.c.year == year, SUMMARY.c.as_of == as_of,
                   SUMMARY.c.basis == _basis(session, year),
                   SUMMARY.c.unit_id.in_(_scope_units(actor, under))))
    return list(session.execute(stmt).one())


def _summary(session: Session, actor: Actor, year: int, under: Unit | None, as_of: date
             ) -> tuple[list[UnitTally], list]:
    rows = None if _is_direct(session, actor) else \
        _unit_rows(session, actor, year, under, as_of, TALLY_FIELDS)
    if rows is None:
        tallies = _direct_unit_tallies(session, actor, year, under, as_of)
        by_cell = session.execute(_hours_sums(_scope_filters(actor, under), year)).one()
        return tallies, list(by_cell)
    tallies = [UnitTally(u, int(r["cadres"]), int(r["complete"]), int(r["behind"]),
                         _f(r["counted"]), _f(r["online"]), _f(r["total"]),
                         int(r["five_year_cadres"]), int(r["five_year_behind"]))
               for u, r in sorted(rows.items()) if r["cadres"]]
    return tallies, _hour_sums_of_rows(session, actor, year, under, as_of)


# --- the standings (training_standing): what a unit row of a new day starts from ------------------
#
# A unit's standings are computed with its summary row, in the same transaction, under the same
# stamps. While a row of an earlier day carries the unit's current stamps and basis, nothing that
# enters the standings has changed since: the new day's row is then a grouped scan of them (the
# even pace as of that day) with the hours of that row; only the other units' standings are
# computed from the tallies and plans again. Everything is INSERT … SELECT: no row passes
# through Python. (Only the latest earlier day is looked at: a unit last seen before it is
# computed again, which is never wrong.)

STANDING = TrainingStanding.__table__
STANDING_FIELDS = ("year", "unit_id", "cadre_id", "annual", "deadline", "counted", "online",
                   "total", "complete", "has_five", "five", "five_done")


def _store_standings(session: Session, year: int, unit_ids: list[int]) -> None:
    """Replace the standings of ``unit_ids`` (their serving cadres) with ones computed now."""
    session.execute(delete(STANDING).where(STANDING.c.year == year,
                                           STANDING.c.unit_id.in_(unit_ids)))
    first, _last = rules.five_year_window(year, cadre_settings.cycle_start(session))
    base = inputs(session, None, year, None, filters=[Cadre.unit_id.in_(unit_ids),
                                                      Cadre.status == CadreStatus.SERVING])
    counted, complete, has_five, five_done = _standing_columns(base, year - first)
    rows = select(literal(year), base.c.unit_id, base.c.cadre_id, base.c.annual, base.c.deadline,
                  counted, base.c.online, base.c.total, case((complete, 1), else_=0),
                  case((has_five, 1), else_=0), base.c.five, five_done)
    # stored a unit at a time: a unit's standings then share a few pages (the recount per unit)
    session.execute(insert(STANDING).from_select(
        STANDING_FIELDS, rows.order_by(base.c.unit_id, base.c.cadre_id)))


def _standing_flags(session: Session, year: int, as_of: date, deadlines: Sequence[date]):
    """``(expected, behind, five_behind)`` on the standings as of ``as_of``."""
    first, _last = rules.five_year_window(year, cadre_settings.cycle_start(session))
    return _day_flags(year, as_of, first, deadlines, annual=STANDING.c.annual,
                      counted=STANDING.c.counted, deadline=STANDING.c.deadline,
                      complete=STANDING.c.complete == 1, has_five=STANDING.c.has_five == 1,
                      five=STANDING.c.five, five_done=STANDING.c.five_done)


def _copy_kept_rows(session: Session, year: int, as_of: date, basis: str,
                    unit_ids: list[int], deadlines: Sequence[date]) -> set[int]:
    """The day's rows of the units whose standings still stand — their row of the latest
    earlier day carries their current stamps and basis: that row copied (all but two figures do
    not depend on the day) with the cadres behind the even pace counted again from the
    standings. Which units were copied."""
    earlier = session.scalar(select(func.max(SUMMARY.c.as_of))
                             .where(SUMMARY.c.year == year, SUMMARY.c.as_of < as_of))
    if earlier is None:
        return set()
    epoch = (select(func.coalesce(func.max(TrainingSummaryStamp.stamp), 0))
             .where(TrainingSummaryStamp.unit_id == summary_stamps.EVERY_UNIT).scalar_subquery())
    stamp = aliased(TrainingSummaryStamp)
    _expected, behind, five_behind = _standing_flags(session, year, as_of, deadlines)

    def recount(condition):  # over the unit's standings: a range of the primary key
        return (select(func.coalesce(func.sum(case((condition, 1), else_=0)), 0))
                .where(STANDING.c.year == year, STANDING.c.unit_id == SUMMARY.c.unit_id)
                .scalar_subquery())

    again = {"behind": recount(behind), "five_year_behind": recount(five_behind)}
    names = [c.name for c in SUMMARY.c if c.name not in ("year", "as_of")]
    rows = (select(literal(year), literal(as_of), *(again.get(n, SUMMARY.c[n]) for n in names))
            .outerjoin(stamp, stamp.unit_id == SUMMARY.c.unit_id)
            .where(SUMMARY.c.year == year, SUMMARY.c.as_of == earlier,
                   SUMMARY.c.unit_id.in_(unit_ids), SUMMARY.c.basis == basis,
                   SUMMARY.c.epoch == epoch, SUMMARY.c.stamp == func.coalesce(stamp.stamp, 0)))
    session.execute(insert(SUMMARY).from_select(["year", "as_of", *names], rows))
    return set(session.scalars(select(SUMMARY.c.unit_id).where(
        SUMMARY.c.year == year, SUMMARY.c.as_of == as_of, SUMMARY.c.unit_id.in_(unit_ids))))


def _insert_rows(session: Session, year: int, as_of: date, basis: str, unit_ids: list[int],
                 hours, deadlines: Sequence[date]) -> None:
    """Store the day's rows of ``unit_ids`` (zeros included): counts from their standings, the
    hours from the subquery ``hours`` (one row per unit)."""
    _expected, behind, five_behind = _standing_flags(session, year, as_of, deadlines)
    counts = (select(STANDING.c.unit_id, func.count().label("cadres"),
                     func.sum(STANDING.c.complete).label("complete"),
                     func.sum(case((behind, 1), else_=0)).label("behind"),
                     func.sum(STANDING.c.counted).label("counted"),
                     func.sum(STANDING.c.online).label("online"),
                     func.sum(STANDING.c.total).label("total"),
                     func.sum(STANDING.c.has_five).label("five_year_cadres"),
                     func.sum(case((five_behind, 1), else_=0)).label("five_year_behind"))
              .where(STANDING.c.year == year, STANDING.c.unit_id.in_(unit_ids))
              .group_by(STANDING.c.unit_id).subquery("counts"))
    epoch = (select(func.coalesce(func.max(TrainingSummaryStamp.stamp), 0))
             .where(TrainingSummaryStamp.unit_id == summary_stamps.EVERY_UNIT).scalar_subquery())
    stamp = aliased(TrainingSummaryStamp)
    zero = {"counted": 0.0, "online": 0.0, "total": 0.0}
    rows = (select(literal(year), literal(as_of), Unit.id, literal(basis),
                   func.coalesce(stamp.stamp, 0), epoch,
                   *(func.coalesce(counts.c[n], zero.get(n, 0)) for n in TALLY_FIELDS),
                   *(hours.c[n] for n in CELL_NAMES + MONTH_NAMES))
            .select_from(Unit)
            .outerjoin(stamp, stamp.unit_id == Unit.id)
            .outerjoin(counts, counts.c.unit_id == Unit.id)
            .outerjoin(hours, hours.c.unit_id == Unit.id)
            .where(Unit.id.in_(unit_ids)))
    session.execute(insert(SUMMARY).from_select(
        ["year", "as_of", "unit_id", "basis", "stamp", "epoch", *TALLY_FIELDS, *CELL_NAMES,
         *MONTH_NAMES], rows))


def _refresh_units(session: Session, year: int, as_of: date, basis: str,
                   stale: list[int]) -> None:
    deadlines = _deadlines(session, year)
    kept = _copy_kept_rows(session, year, as_of, basis, stale, deadlines)
    redo = [u for u in stale if u not in kept]
    if redo:
        _store_standings(session, year, redo)
        filters = [Cadre.unit_id.in_(redo), Cadre.status == CadreStatus.SERVING]
        _insert_rows(session, year, as_of, basis, redo,
                     _hours_sums(filters, year, by_unit=True).subquery("hours"), deadlines)


def _refresh(session: Session, year: int, as_of: date, basis: str, stale: list[int]) -> bool:
    """Compute the stale units' rows (and the standings they come from) in a transaction of
    their own and keep them; False when a concurrent writer got in the way."""
    bind = session.get_bind()
    options = {cache.DERIVED: True}
    if bind.dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"  # stamps and figures: one snapshot
    with Session(bind=bind) as fresh:
        fresh.connection(execution_options=options)
        try:
            # a write first: on SQLite the transaction holds the write lock from here on, so
            # the stamps and the figures below are read together
            fresh.execute(delete(SUMMARY).where(SUMMARY.c.year == year, SUMMARY.c.as_of == as_of,
                                                SUMMARY.c.unit_id.in_(stale)))
            # the rows of days long past are of no use any more (the year's end is the annual
            # report's day)
            fresh.execute(delete(SUMMARY).where(SUMMARY.c.year == year,
                                                SUMMARY.c.as_of < as_of - KEEP_DAYS,
                                                SUMMARY.c.as_of != date(year, 12, 31)))
            _refresh_units(fresh, year, as_of, basis, stale)
            fresh.commit()
        except (IntegrityError, OperationalError):  # another worker stored them first, or
            fresh.rollback()  # wrote meanwhile: counted per cadre this time, kept next time
            return False
    return True


def keep_summaries(session: Session, year: int, as_of: date) -> int:
    """Compute and keep the day's missing or stale rows of every unit (``portal.jobs``'
    upkeep, after the demo is seeded): the next dashboard then reads them instead of
    computing the city's standings while a user waits, after a bulk write (``bump_all``) or
    on a new day. How many units it computed (0: nothing was stale, one indexed query)."""
    basis = _basis(session, year)
    stale = list(session.scalars(_units_with_today([Unit.id], year, as_of, basis)
                                 .where(SUMMARY.c.unit_id.is_(None)).order_by(Unit.id)))
    session.rollback()  # the check's snapshot is not held while the rows are computed
    if stale and not _refresh(session, year, as_of, basis, stale):
        return 0  # a writer got in the way: the next round computes them
    return len(stale)


def summary(found: Sequence[UnitTally]) -> dict:
    """The headline numbers (``reports.summary``) from the unit tallies."""
    count = sum(t.cadres for t in found)
    online = sum(t.online for t in found)
    total = sum(t.total for t in found)
    return {
        "cadres": count,
        "complete": sum(t.complete for t in found),
        "behind": sum(t.behind for t in found),
        "avg_hours": sum(t.counted for t in found) / count if count else 0.0,
        "online_share": online / total if total else 0.0,
        "five_year_behind": sum(t.five_year_behind for t in found),
        "five_year_cadres": sum(t.five_year_cadres for t in found),
    }


def completion_by_unit(session: Session, found: Sequence[UnitTally], parent: Unit,
                       children: Sequence[Unit]) -> pd.DataFrame:
    """One row per child unit (its whole subtree) and one for the parent's own cadres
    (``reports.completion_by_unit`` from the unit tallies)."""
    paths = (
        dict(
            session.execute(
                select(Unit.id, Unit.path).where(Unit.id.in_([t.unit_id for t in found]))
            ).all()
        )
        if len(found) < 900
        else dict(
            session.execute(
                select(Unit.id, Unit.path).where(in_subtree(Unit.path, parent.path))
            ).all()
        )
    )
    # each unit to the child whose subtree holds it: the child's path is the parent's path and
    # the unit path's next segment (one pass, not one per child)
    by_child: dict[str, list[UnitTally]] = {child.path: [] for child in children}
    for tally in found:
        path = paths.get(tally.unit_id, "")
        if path.startswith(parent.path) and path != parent.path:
            step = path[len(parent.path):].split("/", 1)[0]
            by_child.get(f"{parent.path}{step}/", []).append(tally)
    groups: list[tuple[Unit, bool, list[UnitTally]]] = []
    own = [t for t in found if t.unit_id == parent.id]
    if own:
        groups.append((parent, False, own))
    groups += [(child, True, by_child[child.path]) for child in children if by_child[child.path]]
    records = []
    for unit, drill, members in groups:
        cadres = sum(m.cadres for m in members)
        complete = sum(m.complete for m in members)
        behind = sum(m.behind for m in members)
        records.append({
            "unit_id": unit.id, "unit_name": unit.name, "cadres": cadres, "complete": complete,
            "on_pace": cadres - complete - behind if cadres >= complete + behind else 0,
            "behind": behind, "complete_rate": complete / cadres, "behind_rate": behind / cadres,
            "avg_hours": sum(m.counted for m in members) / cadres, "has_children": drill,
        })
    return pd.DataFrame.from_records(records, columns=COMPLETION_COLUMNS)


# --- the cadres behind schedule, a page at a time ------------------------------------------------

BEHIND_SORTS = {"missing": "missing", "counted": "counted", "required": "annual",
                "expected": "expected",
                "code": "code", "name": "name", "unit": "unit", "position": "position",
                "deadline": "deadline"}


def _standing_outcome(session: Session, actor: Actor, year: int, under: Unit | None,
                      as_of: date):
    """``_per_cadre``'s columns of the behind list read from the standings in scope (current:
    ``_unit_rows`` has refreshed them)."""
    expected, behind, _five_behind = _standing_flags(session, year, as_of,
                                                     _deadlines(session, year))
    return (select(STANDING.c.cadre_id, STANDING.c.unit_id, STANDING.c.annual,
                   STANDING.c.deadline, STANDING.c.counted, expected.label("expected"),
                   STANDING.c.complete, case((behind, 1), else_=0).label("behind"))
            .where(STANDING.c.year == year, STANDING.c.unit_id.in_(_scope_units(actor, under)))
            .subquery("outcome"))


def behind_page(session: Session, actor: Actor, year: int, *, under: Unit | None = None,
                as_of: date | None = None, start: int = 0, end: int = 100,
                sort: Sequence[dict] = ()) -> tuple[list[dict], int]:
    """Rows ``start``..``end`` of the cadres behind schedule (largest gap first unless ``sort``
    names grid columns) and how many there are: the rows of ``reports.behind_schedule``. Read
    from the standings, counted by the unit rows (the per-cadre path in a transaction that has
    written)."""
    actor.require("training.view")
    as_of = as_of or date.today()
    unit_rows = None if _is_direct(session, actor) else \
        _unit_rows(session, actor, year, under, as_of, ["behind"])
    if unit_rows is None:
        outcome = _per_cadre(session, actor, year, under, as_of)
        count = session.scalar(select(func.count()).select_from(outcome)
                               .where(outcome.c.behind == 1)) or 0
    else:
        count = sum(int(r["behind"]) for r in unit_rows.values())
        outcome = _standing_outcome(session, actor, year, under, as_of)
    missing = (outcome.c.annual - outcome.c.counted).label("missing")
    columns = {"missing": missing, "counted": outcome.c.counted, "annual": outcome.c.annual,
               "expected": outcome.c.expected, "code": Cadre.code, "name": Cadre.name,
               "unit": Unit.name,
               "position": Cadre.position, "deadline": outcome.c.deadline}
    order = []
    for item in sort or ():
        column = columns.get(BEHIND_SORTS.get(str(item.get("colId")), ""))
        if column is not None:
            order.append(column.desc() if item.get("sort") == "desc" else column.asc())
    order += [missing.desc(), Cadre.code.asc()]
    stmt = (select(Cadre.code, Cadre.name, Unit.name, Cadre.position, outcome.c.annual,
                   outcome.c.counted,
                   outcome.c.expected, outcome.c.deadline)
            .join(Cadre, Cadre.id == outcome.c.cadre_id).join(Unit, Unit.id == Cadre.unit_id)
            .where(outcome.c.behind == 1))
    start, end = max(0, int(start)), max(0, int(end))
    rows = []
    for code, name, unit, position, annual, counted, expected, deadline in session.execute(
            stmt.order_by(*order).offset(start).limit(max(0, end - start))):
        gap = rules.Gap(rules.ANNUAL, annual, counted)
        projected = rules.projected_completion(counted, annual, date(year, 1, 1),
                                               min(as_of, deadline))
        rows.append({"code": code, "name": name, "unit": unit, "position": position,
                     "required": annual,
                     "counted": round(counted, 1), "missing": round(gap.missing, 1),
                     "expected": round(expected, 1), "deadline": deadline.isoformat(),
                     "projected": projected.isoformat() if projected else ""})
    return rows, count
