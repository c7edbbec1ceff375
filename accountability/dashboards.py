"""Figures for the accountability dashboards, as DataFrames ready for ``pages.charts``.

- the four forms by unit and by period: person-times (人次), each person in a case
  counted once with the heaviest form decided, as the 四种形态 statistics count them;
  measures revoked or replaced on appeal do not count (their replacement does);
- the funnel of cases by stage and the time spent in each stage;
- error-tolerance applications by outcome; measures in effect now.

Case figures need ``cases.view`` (inspectors); measure and outcome figures are effects,
which reviewers may see too. Everything is limited to the actor's unit subtree.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Date, func, select, true
from sqlalchemy.orm import Session

from accountability import rules
from accountability import settings as ac_settings
from accountability.enums import OPEN_STAGES, CaseStage, ToleranceOutcome, ToleranceStatus
from accountability.measures import measure_effects
from accountability.models import Case, CaseEvent, Measure, ToleranceApplication
from accountability.scope import in_scope, measure_view, tolerance_view
from portal import cache
from portal.access import Actor
from portal.models import Unit

# The tables these figures are computed from, for the dashboard cache (``portal.cache``):
# writes to other areas (training, grades, scores) leave them kept.
READS = ("accountability", "portal")


def _quarter(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def standing_measures(session: Session, actor: Actor, start: date | None = None,
                      end: date | None = None
                      ) -> pd.DataFrame:
    """Measures in scope decided in [start, end] that still stand, one row each."""
    measure_view(actor)
    stmt = in_scope(select(Measure.id, Measure.case_id, Measure.cadre_id, Measure.unit_id,
                           Measure.code,
                           Measure.decided_on, Unit.path).join(Unit, Measure.unit_id == Unit.id),
                    actor, Measure.unit_id).where(Measure.revoked_on.is_(None),
                                                  Measure.changed_on.is_(None))
    if start:
        stmt = stmt.where(Measure.decided_on >= start)
    if end:
        stmt = stmt.where(Measure.decided_on <= end)
    frame = pd.DataFrame(session.execute(stmt).all(),
                         columns=["id", "case_id", "cadre_id", "unit_id", "code", "decided_on",
                                  "path"])
    frame["form"] = [rules.SPECS[code].form.number for code in frame["code"]]
    return frame


def person_times(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per person (or organization) and case, with the heaviest form decided."""
    if frame.empty:
        return frame.assign(key=[])
    key = [
        f"{case}:{cadre if pd.notna(cadre) else 'u' + str(unit)}" if pd.notna(case) else f"m{mid}"
        for case, cadre, unit, mid in zip(
            frame["case_id"], frame["cadre_id"], frame["unit_id"], frame["id"], strict=True
        )
    ]
    frame = frame.assign(key=key).sort_values(["form", "decided_on"], ascending=[False, True])
    return frame.drop_duplicates("key")


def _group_units(session: Session, actor: Actor) -> dict[int, str]:
    """The units one level below the actor's scope root (or the root itself), by id."""
    root = session.get(Unit, actor.unit_id)
    children = session.execute(select(Unit.id,
                                      Unit.name).where(Unit.parent_id == actor.unit_id)).all()
    return dict(children) if children else {root.id: root.name}


@cache.scoped("accountability.forms_by_unit", reads=READS)
def forms_by_unit(session: Session, actor: Actor, start: date | None = None, end: date | None = None
                  ) -> pd.DataFrame:
    """Columns ``unit``, ``form`` (1–4), ``count`` (person-times), units under the scope root."""
    frame = person_times(standing_measures(session, actor, start, end))
    groups = _group_units(session, actor)
    if frame.empty:
        return pd.DataFrame(columns=["unit", "form", "count"])

    def group_of(path: str) -> str | None:
        for part in path.strip("/").split("/"):
            if int(part) in groups:
                return groups[int(part)]
        return None

    frame = frame.assign(unit=[group_of(p) for p in frame["path"]]).dropna(subset=["unit"])
    counts = frame.groupby(["unit", "form"]).size().reset_index(name="count")
    order = list(groups.values())
    counts["unit"] = pd.Categorical(counts["unit"], categories=order, ordered=True)
    return counts.sort_values(["unit", "form"]).reset_index(drop=True)


@cache.scoped("accountability.forms_by_quarter", reads=READS)
def forms_by_quarter(session: Session, actor: Actor, start: date | None = None,
                     end: date | None = None
                     ) -> pd.DataFrame:
    """Columns ``period`` (2026Q1…), ``form``, ``count`` (person-times)."""
    frame = person_times(standing_measures(session, actor, start, end))
    if frame.empty:
        return pd.DataFrame(columns=["period", "form", "count"])
    frame = frame.assign(period=[_quarter(d) for d in frame["decided_on"]])
    return frame.groupby(["period", "form"]).size().reset_index(name="count").sort_values(["period",
                                                                                           "form"])


def _case_conditions(actor: Actor, start: date | None, end: date | None) -> list:
    """The cases in scope opened in [start, end]."""
    actor.require("cases.view")
    conditions = [Case.unit_id.in_(actor.scoped_unit_ids())]
    if start:
        conditions.append(Case.opened_on >= start)
    if end:
        conditions.append(Case.opened_on <= end)
    return conditions


def _reached(stage: CaseStage):
    """Whether a case reached ``stage``: every case starts as a clue; an event took it there;
    or (imported history may jump stages) it stands on the main line at or after it."""
    moved_there = Case.id.in_(select(CaseEvent.case_id).where(CaseEvent.to_stage == stage))
    if stage == CaseStage.CLUE:
        return true()
    if stage in rules.MAIN_LINE:
        return Case.stage.in_(rules.MAIN_LINE[rules.MAIN_LINE.index(stage):]) | moved_there
    return moved_there


@cache.scoped("accountability.stage_funnel", reads=READS)
def stage_funnel(session: Session, actor: Actor, start: date | None = None, end: date | None = None
                 ) -> pd.DataFrame:
    """How many of the cases opened in the period reached each stage of the main line
    (columns ``stage``, ``cases``), plus the two branches: one aggregate query."""
    order = [*rules.MAIN_LINE, CaseStage.NO_CASE, CaseStage.APPEAL]
    counts = session.execute(select(*(func.count().filter(_reached(s)) for s in order))
                             .where(*_case_conditions(actor, start, end))).one()
    return pd.DataFrame({"stage": [s.value for s in order], "cases": [int(n) for n in counts]})


@cache.scoped("accountability.stage_durations", reads=READS)
def stage_durations(session: Session, actor: Actor, today: date, start: date | None = None,
                    end: date | None = None) -> pd.DataFrame:
    """One row per stay of a case in a stage: ``stage``, ``days``, ``ongoing`` (still there
    today), and ``limit_days`` (the stage's time limit in days, approximate, for reference).
    Each stay ends where the case's next step (an extension is no step) begins: the database
    pairs them (``lead``), case by case in the order of their first event."""
    steps = CaseEvent.action != "extended"
    ordered = dict(partition_by=CaseEvent.case_id, order_by=CaseEvent.id)
    stays = (select(CaseEvent.effective_on, CaseEvent.to_stage,
                    func.lead(CaseEvent.effective_on, type_=Date).over(**ordered)
                    .label("until"),
                    func.min(CaseEvent.id).over(partition_by=CaseEvent.case_id).label("first"),
                    CaseEvent.id)
             .where(steps, CaseEvent.case_id.in_(
                 select(Case.id).where(*_case_conditions(actor, start, end))))
             .subquery())
    rows = []
    for on, stage, until, _first, _id in session.execute(
            select(stays).order_by(stays.c.first, stays.c.id)):
        if stage in (CaseStage.CLOSED, CaseStage.NO_CASE) and until is None:
            continue
        rows.append({"stage": CaseStage(stage).value, "days": ((until or today) - on).days,
                     "ongoing": until is None})
    limits = ac_settings.stage_limits(session)
    frame = pd.DataFrame(rows, columns=["stage", "days", "ongoing"])
    frame["limit_days"] = [
        round((limits.get(s) or {}).get("months", 0) * 30.4) or None for s in frame["stage"]
    ]
    return frame


@cache.scoped("accountability.tolerance_outcomes", reads=READS)
def tolerance_outcomes(session: Session, actor: Actor, start: date | None = None,
                       end: date | None = None
                       ) -> pd.DataFrame:
    """Applications submitted in the period by result: columns ``result``, ``count``
    (``submitted``, ``verifying``, ``exempt``, ``mitigated``, ``not_tolerated``)."""
    tolerance_view(actor)
    stmt = in_scope(select(ToleranceApplication.status, ToleranceApplication.outcome), actor,
                    ToleranceApplication.unit_id)
    if start:
        stmt = stmt.where(ToleranceApplication.submitted_on >= start)
    if end:
        stmt = stmt.where(ToleranceApplication.submitted_on <= end)
    order = [ToleranceStatus.SUBMITTED.value, ToleranceStatus.VERIFYING.value,
             *[o.value for o in ToleranceOutcome]]
    counts = dict.fromkeys(order, 0)
    for status, outcome in session.execute(stmt):
        counts[outcome.value if outcome else status.value] += 1
    return pd.DataFrame({"result": list(counts), "count": list(counts.values())})


@cache.scoped("accountability.measures_in_effect", reads=READS)
def measures_in_effect(session: Session, actor: Actor, today: date) -> pd.DataFrame:
    """Measures blocking promotion today: columns ``code``, ``form``, ``count``."""
    views = measure_effects(session, actor, in_effect_on=today, limit=1_000_000)
    frame = pd.DataFrame([{"code": v.code, "form": v.form} for v in views],
                         columns=["code", "form"])
    if frame.empty:
        return pd.DataFrame(columns=["code", "form", "count"])
    return frame.groupby(["code", "form"]).size().reset_index(name="count").sort_values("count",
                                                                                        ascending=False)


def open_case_count(session: Session, actor: Actor) -> int:
    return session.scalar(select(func.count()).select_from(Case).where(
        *_case_conditions(actor, None, None), Case.stage.in_(OPEN_STAGES))) or 0
