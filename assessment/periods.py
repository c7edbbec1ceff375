"""Assessment periods (考核期) and their lifecycle: draft → collecting → reviewing →
published → archived, or reviewing → announced (公示, appeals open) → published.
Publishing or announcing scores every assessed unit with the scheme of its level and
freezes the results; an announced period becomes final only when its window has passed
and no appeal is open; re-opening needs a reason and is audited.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from assessment import rules, schemes
from assessment import settings as assessment_settings
from assessment.enums import AppealStatus, Method, PeriodStatus
from assessment.models import (
    Appeal,
    Period,
    PeriodLevel,
    Result,
    ResultItem,
    Scheme,
    Score,
    SupervisionItem,
)
from assessment.rules import SchemeSpec
from portal import audit, cache
from portal.access import Actor
from portal.db import bulk_insert, utcnow
from portal.enums import UnitKind, UnitLevel
from portal.errors import Invalid, NotFound
from portal.i18n import _
from portal.models import Unit

VIEW = ("assessment.view", "assessment.edit", "assessment.publish", "schemes.manage")
MAX_LISTED = 8


def city_root(session: Session) -> Unit:
    return session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id)).first()


def require_city_wide(session: Session, actor: Actor, permission: str) -> None:
    """Period actions concern every unit, so they need the whole city in scope."""
    root = city_root(session)
    actor.require(permission, root)


def get(session: Session, code: str) -> Period:
    period = session.scalar(select(Period).where(Period.code == str(code or "").strip().upper()))
    if period is None:
        raise NotFound(_("There is no assessment period %(code)s.", code=code))
    return period


def list_periods(session: Session, actor: Actor) -> list[Period]:
    actor.require_any(*VIEW)
    return list(session.scalars(select(Period).order_by(Period.start.desc(), Period.kind)))


def published(session: Session, kind=None, *, final: bool = False) -> list[Period]:
    """Periods with results (announced, published or archived; ``final``: not announced
    ones), oldest first."""
    visible = rules.RESULTS_FINAL if final else rules.RESULTS_VISIBLE
    stmt = select(Period).where(Period.status.in_(list(visible)))
    if kind is not None:
        stmt = stmt.where(Period.kind == kind)
    return list(session.scalars(stmt.order_by(Period.start, Period.kind)))


def create(session: Session, actor: Actor, code: str) -> Period:
    require_city_wide(session, actor, "assessment.publish")
    try:
        dates = rules.parse_period_code(code)
    except ValueError as error:
        raise Invalid(str(error), field="code") from None
    if session.scalar(select(Period.id).where(Period.code == dates.code)):
        raise Invalid(_("The period %(code)s already exists.", code=dates.code), field="code")
    period = Period(code=dates.code, kind=dates.kind, year=dates.year, quarter=dates.quarter,
                    start=dates.start, end=dates.end, status=PeriodStatus.DRAFT)
    session.add(period)
    session.flush()
    audit.log(session, actor, "period.create", period, summary={"code": period.code})
    return period


def transition(session: Session, actor: Actor, code: str, target: PeriodStatus, reason: str = "",
               today: date | None = None) -> Period:
    """Move a period along its lifecycle; publishing computes and freezes the results."""
    permission = "assessment.publish"
    require_city_wide(session, actor, permission)
    period = get(session, code)
    current = PeriodStatus(period.status)
    action = rules.TRANSITIONS.get((current, target))
    if action is None:
        raise Invalid(_("A period that is %(current)s cannot become %(target)s.",
                        current=current.label, target=target.label))
    reason = (reason or "").strip()
    if action == "reopen" and len(reason) < 4:
        raise Invalid(_("Say why the published period is re-opened (at least a few words)."),
                      field="reason")
    if action == "open" and not levels_with_schemes(session, period):
        raise Invalid(_("There is no indicator scheme for %(year)s yet; build one first.",
                        year=period.year))
    summary = {"code": period.code, "from": current, "to": target}
    today = today or date.today()
    if action == "publish":
        summary.update(publish(session, actor, period, today))
    if action == "announce":
        summary.update(announce(session, actor, period, today))
    if action == "finalize":
        _require_final(session, period, today)
    if action == "reopen" and current == PeriodStatus.ANNOUNCED and open_appeals(session, period):
        raise Invalid(_("Appeals against %(code)s are still open; decide them before the period "
                        "is re-opened.", code=period.code))
    period.status = target
    if reason:
        summary["reason"] = reason
    audit.log(session, actor, f"period.{action}", period, summary=summary)
    return period


# --- the announcement (公示) ------------------------------------------------------------------

def window_of(period: Period) -> rules.AnnouncementWindow | None:
    """The announcement window of an announced period (None for any other status)."""
    if period.status != PeriodStatus.ANNOUNCED or not period.announced_on:
        return None
    return rules.AnnouncementWindow(period.announced_on,
                                    period.announced_until or period.announced_on)


def announce(session: Session, actor: Actor, period: Period, today: date) -> dict:
    """Compute and freeze the results, and open the announcement window from today."""
    summary = publish(session, actor, period, today)
    window = rules.announcement_window(today, assessment_settings.announcement_days(session))
    period.announced_on, period.announced_until = window.start, window.end
    period.announced_by = actor.username
    summary.update({"announced_on": window.start.isoformat(),
                    "announced_until": window.end.isoformat()})
    return summary


def open_appeals(session: Session, period: Period) -> int:
    return session.scalar(select(func.count()).select_from(Appeal).where(
        Appeal.period_id == period.id, Appeal.status == AppealStatus.OPEN)) or 0


def _require_final(session: Session, period: Period, today: date) -> None:
    window = window_of(period)
    problems = rules.finalize_problems(window, today, open_appeals(session, period)) \
        if window else []
    if problems:
        raise PublishBlocked(problems)


# --- scoring a period ------------------------------------------------------------------------

def levels_with_schemes(session: Session, period: Period) -> dict[UnitLevel, Scheme]:
    """The scheme each level is scored with: the one fixed at the first publication,
    else the newest version for the period's year."""
    bound = {UnitLevel(pl.level): pl.scheme for pl in session.scalars(
        select(PeriodLevel).where(PeriodLevel.period_id == period.id))}
    found: dict[UnitLevel, Scheme] = {}
    for level in UnitLevel:
        scheme = bound.get(level) or schemes.latest(session, period.year, level)
        if scheme is not None and scheme.indicators:
            found[level] = scheme
    return found


def scheme_for(session: Session, period: Period, level: UnitLevel) -> Scheme | None:
    return levels_with_schemes(session, period).get(level)


def assessed_units_stmt(level: UnitLevel):
    """Active territorial units of a level: the units a scheme of that level assesses."""
    return select(Unit).where(Unit.level == level, Unit.active, Unit.kind == UnitKind.TERRITORIAL)


def unit_frame(session: Session, level: UnitLevel) -> pd.DataFrame:
    rows = session.execute(
        assessed_units_stmt(level).with_only_columns(Unit.id, Unit.parent_id, Unit.code, Unit.name)
        .order_by(Unit.id)).all()
    return pd.DataFrame(rows, columns=["unit_id", "parent_id", "code", "name"])


def period_scores(session: Session, period: Period) -> pd.DataFrame:
    """Every score of the period in one read (unit_id, indicator_code, value): publishing
    splits it by level instead of asking once per level."""
    session.flush()  # a pending edit (an upheld appeal's corrected value) is part of the read
    # read through Core: the ORM's result layer would cost more than the ~190,000 rows
    rows = session.connection().execute(select(Score.unit_id, Score.indicator_code, Score.value)
                                        .where(Score.period_id == period.id)).all()
    columns = list(zip(*rows, strict=True)) if rows else [(), (), ()]
    return pd.DataFrame({"unit_id": pd.Series(columns[0], dtype="int64"),
                         "indicator_code": pd.Series(columns[1], dtype=object),
                         "value": pd.Series(columns[2], dtype=float)})


def supervision_frame(session: Session, period: Period, unit_ids, as_of: date) -> pd.DataFrame:
    """Deduction points from overdue or failed supervision items, per unit and indicator."""
    items = session.execute(
        select(SupervisionItem.unit_id, SupervisionItem.indicator_code, SupervisionItem.status,
               SupervisionItem.deadline, SupervisionItem.rectified_on, SupervisionItem.points)
        .where(SupervisionItem.indicator_code.is_not(None),
               SupervisionItem.deadline >= period.start,
               SupervisionItem.deadline <= period.end)).all()
    wanted = set(int(u) for u in unit_ids)
    rows = [{"unit_id": unit_id, "indicator_code": code,
             "points": rules.supervision_deduction(status, deadline, rectified, points,
                                                   period.start, period.end, as_of)}
            for unit_id, code, status, deadline, rectified, points in items if unit_id in wanted]
    frame = pd.DataFrame(rows, columns=["unit_id", "indicator_code", "points"])
    frame = frame[frame["points"] > 0]
    return frame.groupby(["unit_id", "indicator_code"], as_index=False)["points"].sum()


def with_supervision(scores: pd.DataFrame, deductions: pd.DataFrame,
                     spec: SchemeSpec) -> pd.DataFrame:
    """Add supervision deductions to the named deduction indicators' values."""
    per_item = {
        leaf.code: (leaf.per_item or 1.0) for leaf in spec.leaves if leaf.method == Method.DEDUCTION
    }
    deductions = deductions[deductions["indicator_code"].isin(per_item)]
    if deductions.empty:
        return scores
    extra = deductions.assign(
        extra=deductions["points"] / deductions["indicator_code"].map(per_item)
    )
    merged = scores.merge(extra[["unit_id", "indicator_code", "extra"]],
                          on=["unit_id", "indicator_code"], how="outer")
    merged["value"] = merged["value"].fillna(0.0) + merged["extra"].fillna(0.0)
    return merged[["unit_id", "indicator_code", "value"]]


def missing_scores(spec: SchemeSpec, units: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """(unit, indicator) pairs of required indicators without a value, unit by unit in the
    order of ``units`` and indicators in scheme order."""
    required = spec.required_codes()
    if units.empty or not required:
        return pd.DataFrame(columns=["unit_id", "code", "name", "indicator_code"])
    matrix = rules.value_matrix(scores, units["unit_id"].to_numpy(), required)
    rows, columns = np.nonzero(np.isnan(matrix))
    missing = units.iloc[rows][["unit_id", "code", "name"]].reset_index(drop=True)
    missing["indicator_code"] = [required[c] for c in columns]
    return missing


def compute(session: Session, period: Period, as_of: date) -> dict[UnitLevel,
                                                                   tuple[Scheme, rules.Scoring]]:
    """Score every assessed unit of every level with a scheme (writes nothing).

    Raises ``Invalid`` naming what stops it: an invalid scheme or missing scores.
    """
    found = levels_with_schemes(session, period)
    if not found:
        raise Invalid(_("There is no indicator scheme for %(year)s yet; build one first.",
                        year=period.year))
    grade_policy = assessment_settings.grade_policy(session)
    problems: list[str] = []
    computed = {}
    every_score = period_scores(session, period)
    for level, scheme in found.items():
        spec = schemes.spec_of(scheme)
        for problem in rules.validate_scheme(spec):
            problems.append(_("%(level)s scheme, %(code)s: %(message)s", level=level.label,
                              code=problem.code or "—", message=problem.message))
        units = unit_frame(session, level)
        scores = every_score[every_score["unit_id"].isin(units["unit_id"])]
        missing = missing_scores(spec, units, scores)
        for row in missing.head(MAX_LISTED).itertuples():
            problems.append(_("%(unit)s (%(code)s) has no value for %(indicator)s",
                              unit=row.name, code=row.code, indicator=row.indicator_code))
        if len(missing) > MAX_LISTED:
            problems.append(_("… and %(n)s more missing scores at the %(level)s level",
                              n=len(missing) - MAX_LISTED, level=level.label))
        if problems:
            continue
        deductions = supervision_frame(session, period, units["unit_id"].tolist(), as_of)
        scoring = rules.score_units(spec, units, with_supervision(scores, deductions, spec),
                                    grade_policy)
        scoring.results["level"] = level.value
        computed[level] = (scheme, scoring)
    if problems:
        raise PublishBlocked(problems)
    return computed


class PublishBlocked(Invalid):
    """The period cannot be published yet; ``lines`` says why, one line per problem."""

    def __init__(self, lines: list[str]):
        super().__init__(_("The period cannot be published yet: %(n)s problem(s).", n=len(lines)))
        self.lines = lines


def publish(session: Session, actor: Actor, period: Period, today: date) -> dict:
    """Compute and freeze the results (replacing those of an earlier publication)."""
    computed = compute(session, period, today)
    session.execute(delete(ResultItem).where(ResultItem.period_id == period.id))
    session.execute(delete(Result).where(Result.period_id == period.id))
    now = utcnow()
    counts = {}
    for level, (scheme, scoring) in computed.items():
        results = scoring.results
        rows = [{
            "period_id": period.id, "unit_id": int(r.unit_id), "level": level,
            "parent_id": None if pd.isna(r.parent_id) else int(r.parent_id), "scheme_id": scheme.id,
            "composite": float(r.composite), "bonus": float(r.bonus),
                 "rank_in_level": int(r.rank_in_level),
            "count_in_level": int(r.count_in_level), "rank_in_parent": int(r.rank_in_parent),
            "count_in_parent": int(r.count_in_parent), "grade": r.grade, "vetoed": bool(r.vetoed),
            "veto_codes": list(r.veto_codes), "robust_z": float(r.robust_z), "computed_at": now,
        } for r in results.itertuples()]
        # COPY on PostgreSQL (an INSERT … RETURNING of 3,000 rows took ~0.45 s there), then
        # the ids read back
        bulk_insert(session, Result, rows)
        ids = dict(session.execute(select(Result.unit_id, Result.id).where(
            Result.period_id == period.id, Result.level == level)).all()) if rows else {}
        _write_items(session, period, scoring.items, ids)
        _bind_level(session, period, level, scheme, scoring)
        scheme.locked = True
        counts[level.value] = len(rows)
    period.published_at, period.published_by = now, actor.username
    session.flush()
    return {"units": counts}


ITEM_COLUMNS = ("result_id", "indicator_code", "period_id", "unit_id", "value", "points",
                "fraction")
ITEM_TYPES = ("int4", "varchar", "int4", "int4", "float8", "float8", "float8")  # PostgreSQL's


def _write_items(session: Session, period: Period, items: pd.DataFrame,
                 result_ids: dict[int, int]) -> None:
    """Store the breakdown (a city has ~190,000 rows): built column-wise as plain tuples and
    written in one statement, ``COPY`` on PostgreSQL and an executemany on SQLite."""
    unit_ids = items["unit_id"].astype("int64").tolist()
    rows = zip([result_ids[u] for u in unit_ids], items["indicator_code"].tolist(),
               [period.id] * len(unit_ids), unit_ids, _floats_or_none(items["value"]),
               items["points"].astype(float).tolist(), _floats_or_none(items["fraction"]),
               strict=True)
    connection = session.connection()
    names = ", ".join(ITEM_COLUMNS)
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        cache.note_write(connection, ResultItem.__tablename__)  # COPY passes no statement event
        # binary: no text formatting of 540,000 floats (~0.3 s of the COPY)
        with cursor.copy(f"COPY {ResultItem.__tablename__} ({names}) FROM STDIN "
                         "(FORMAT BINARY)") as copy:
            copy.set_types(ITEM_TYPES)
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _column in ITEM_COLUMNS)
    connection.exec_driver_sql(f"INSERT INTO {ResultItem.__tablename__} ({names}) "
                               f"VALUES ({marks})", list(rows))


def _floats_or_none(column: pd.Series) -> list[float | None]:
    return [None if math.isnan(v) else v for v in column.astype(float).tolist()]


def _bind_level(session: Session, period: Period, level: UnitLevel, scheme: Scheme,
                scoring) -> None:
    binding = session.scalar(select(PeriodLevel).where(PeriodLevel.period_id == period.id,
                                                       PeriodLevel.level == level))
    if binding is None:
        binding = PeriodLevel(period_id=period.id, level=level, scheme_id=scheme.id)
        session.add(binding)
    binding.unit_count = len(scoring.results)
    medians = rules.level_medians(scoring.items, scoring.results, schemes.spec_of(scheme))
    binding.median_composite = medians.pop("__composite__", None)
    binding.medians = medians
