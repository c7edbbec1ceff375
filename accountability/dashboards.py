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
from sqlalchemy import select
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


@cache.scoped("accountability.forms_by_unit")
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


@cache.scoped("accountability.forms_by_quarter")
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


def _cases(session: Session, actor: Actor, start: date | None, end: date | None):
    actor.require("cases.view")
    stmt = in_scope(select(Case.id, Case.stage, Case.opened_on), actor, Case.unit_id)
    if start:
        stmt = stmt.where(Case.opened_on >= start)
    if end:
        stmt = stmt.where(Case.opened_on <= end)
    return session.execute(stmt).all()


@cache.scoped("accountability.stage_funnel")
def stage_funnel(session: Session, actor: Actor, start: date | None = None, end: date | None = None
                 ) -> pd.DataFrame:
    """How many of the cases opened in the period reached each stage of the main line
    (columns ``stage``, ``cases``), plus the two branches."""
    cases = _cases(session, actor, start, end)
    ids = [c.id for c in cases]
    reached: dict[int, set[CaseStage]] = {i: {CaseStage.CLUE} for i in ids}
    for start_at in range(0, len(ids), 900):
        for case_id, stage in session.execute(
            select(CaseEvent.case_id, CaseEvent.to_stage).where(
                CaseEvent.case_id.in_(ids[start_at : start_at + 900])
            )
        ):
            reached[case_id].add(CaseStage(stage))
    for case in cases:  # imported history may jump stages: reaching a stage implies the ones before
        stage = CaseStage(case.stage)
        if stage in rules.MAIN_LINE:
            reached[case.id].update(rules.MAIN_LINE[:rules.MAIN_LINE.index(stage) + 1])
    order = [*rules.MAIN_LINE, CaseStage.NO_CASE, CaseStage.APPEAL]
    return pd.DataFrame({"stage": [s.value for s in order],
                         "cases": [sum(1 for r in reached.values() if s in r) for s in order]})


@cache.scoped("accountability.stage_durations")
def stage_durations(session: Session, actor: Actor, today: date, start: date | None = None,
                    end: date | None = None) -> pd.DataFrame:
    """One row per stay of a case in a stage: ``stage``, ``days``, ``ongoing`` (still there
    today), and ``limit_days`` (the stage's time limit in days, approximate, for reference)."""
    cases = _cases(session, actor, start, end)
    ids = [c.id for c in cases]
    events: dict[int, list[tuple[date, CaseStage]]] = {}
    for start_at in range(0, len(ids), 900):
        stmt = (select(CaseEvent.case_id, CaseEvent.effective_on, CaseEvent.to_stage,
                       CaseEvent.action)
                .where(CaseEvent.case_id.in_(ids[start_at:start_at + 900])).order_by(CaseEvent.id))
        for case_id, on, stage, action in session.execute(stmt):
            if action != "extended":
                events.setdefault(case_id, []).append((on, CaseStage(stage)))
    rows = []
    for history in events.values():
        for (on, stage), following in zip(history, [*history[1:], None], strict=True):
            if stage in (CaseStage.CLOSED, CaseStage.NO_CASE) and following is None:
                continue
            until = following[0] if following else today
            rows.append({"stage": stage.value, "days": (until - on).days,
                         "ongoing": following is None})
    limits = ac_settings.stage_limits(session)
    frame = pd.DataFrame(rows, columns=["stage", "days", "ongoing"])
    frame["limit_days"] = [
        round((limits.get(s) or {}).get("months", 0) * 30.4) or None for s in frame["stage"]
    ]
    return frame


@cache.scoped("accountability.tolerance_outcomes")
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


@cache.scoped("accountability.measures_in_effect")
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
    actor.require("cases.view")
    return len([c for c in _cases(session, actor, None, None) if CaseStage(c.stage) in OPEN_STAGES])
