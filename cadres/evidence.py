"""The cadre profile (干部画像) and eligibility: where a unit's governance results and a
cadre's own record meet.

``profile`` gathers, for one cadre on one day, the results of the units they led (for
the time they served there), their appraisal grades, training, measures and tolerance
outcomes, the unit's supervision items and earlier personnel decisions, plus the
eligibility for promotion. ``Profile.as_json()`` is what a decision freezes as its
evidence; every section is keyed by a stable id so two snapshots can be compared
field by field (``changes``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accountability import service as accountability
from assessment import service as assessment
from cadres import scope, training
from cadres import service as registry
from cadres import settings as cadre_settings
from cadres.enums import AppraisalGrade, DecisionType
from cadres.models import CadreAppraisal, PersonnelDecision
from cadres.rules import eligibility as engine
from portal.access import Actor, visible_cadre
from portal.enums import LeaderRole
from portal.i18n import _
from portal.models import Cadre, Unit

PROFILE_PERMISSIONS = ("cadres.view",)


# --- facts for the engine ----------------------------------------------------------------------

def _measure_facts(views, table, tolerance_on: dict[int, date]) -> tuple[engine.MeasureFact, ...]:
    """Every measure as recorded, with its effect period as decided (the engine cuts it at a
    revocation, change or tolerance decision known on the day asked about, domain.md §3)."""
    changed_on = {v.measure_id: v.changed_on for v in views}
    facts = []
    for v in views:
        decided = accountability.effect_of(v.code, v.decided_on, probation_years=v.probation_years,
                                                 table=table)
        facts.append(
            engine.MeasureFact(
                source=v.source,
                code=v.code,
                label=v.label,
                decided_on=v.decided_on,
                effect_until=decided.until,
                has_period=bool(decided.phases),
                revoked_on=v.revoked_on,
                tolerance=v.tolerance_outcome,
                changed_on=v.changed_on,
                known_from=changed_on.get(v.replaces_id) if v.replaces_id else None,
                tolerance_on=tolerance_on.get(v.measure_id) if v.tolerance_outcome else None,
            )
        )
    return tuple(facts)


def _unit_result_fact(unit: Unit, history, as_of: date) -> engine.UnitResultFact | None:
    published = [r for r in history if r.period_end < as_of]
    if not published:
        return None
    latest = max(published, key=lambda r: (r.period_end, r.period_kind == "year"))
    return engine.UnitResultFact(source=f"result:{latest.period_code}:{unit.code}",
                                 period_code=latest.period_code,
                                 unit_name=unit.name, grade=latest.grade.value,
                                 vetoed=latest.vetoed,
                                 bottom_band=latest.band_is_bottom)


def _tolerance_on(session: Session, actor: Actor, cadre: Cadre) -> dict[int, date]:
    """The day the committee decided each of the cadre's tolerance outcomes, by measure."""
    return {o.measure_id: o.decided_on
            for o in accountability.tolerance_outcomes_for_cadre(session, actor, cadre)
            if o.measure_id and o.decided_on and o.outcome}


def facts_for(session: Session, actor: Actor, cadre: Cadre, as_of: date, *, progress=None,
              measures=None) -> engine.CadreFacts:
    """Everything the eligibility engine needs about ``cadre`` on ``as_of`` (``progress`` and
    ``measures``: the cadre's training progress and measure effects when the caller has them)."""
    if progress is None:
        progress = registry.training_progress(session, actor, cadre, as_of.year, as_of)
    if measures is None:
        measures = accountability.measure_effects_for_cadre(session, actor, cadre)
    training = engine.TrainingFact(as_of.year, progress.hours_counted, progress.required_hours,
                                   progress.five_year_hours, progress.five_year_required,
                                   behind=progress.behind,
                                   five_year_behind=progress.five_year_behind)
    cases = tuple(engine.CaseFact(c.source, c.case_no, c.stage, c.filed_on)
                  for c in accountability.open_cases_for_cadre(session, actor, cadre))
    grades = tuple(engine.GradeFact(year, grade, f"grade:{cadre.code}:{year}")
                   for year, grade in registry.grades_for_cadre(session, actor, cadre))
    history = assessment.unit_result_history(session, actor, cadre.unit_id)
    tolerance_on = _tolerance_on(session, actor, cadre)
    return engine.CadreFacts(
        code=cadre.code, rank=cadre.rank, rank_since=cadre.rank_since,
                             position_since=cadre.position_since,
        leader_role=LeaderRole(cadre.leader_role),
        measures=_measure_facts(measures, accountability.effect_table(session), tolerance_on),
        cases=cases, grades=grades, training=training,
        unit_result=_unit_result_fact(cadre.unit, history, as_of),
    )


def facts_for_many(session: Session, actor: Actor, cadres: list[Cadre],
                   as_of: date) -> dict[int, engine.CadreFacts]:
    """``facts_for`` for many cadres at once (the roster's candidates), the same facts in a
    handful of queries instead of a dozen per cadre: training progress, measures, open cases
    and grades for all the ids together, each unit's results once, tolerance decisions only
    for the cadres who have a tolerance outcome. ``cadres`` are checked against the scope."""
    for cadre in cadres:
        actor.require_cadre(cadre, PROFILE_PERMISSIONS)
    ids = [c.id for c in cadres]
    progress = training.progress_many(session, cadres, as_of.year, as_of)
    measures = accountability.effects_for_cadres(session, actor, ids)
    cases = accountability.open_cases_for_cadres(session, actor, ids)
    grades = _grades_many(session, ids)
    table = accountability.effect_table(session)
    histories: dict[int, list] = {}
    found = {}
    for cadre in cadres:
        views = measures.get(cadre.id, [])
        tolerance_on = _tolerance_on(session, actor, cadre) if any(
            v.tolerance_outcome for v in views) else {}
        if cadre.unit_id not in histories:
            histories[cadre.unit_id] = assessment.unit_result_history(session, actor, cadre.unit_id)
        p = progress[cadre.id]
        found[cadre.id] = engine.CadreFacts(
            code=cadre.code, rank=cadre.rank, rank_since=cadre.rank_since,
            position_since=cadre.position_since, leader_role=LeaderRole(cadre.leader_role),
            measures=_measure_facts(views, table, tolerance_on),
            cases=tuple(engine.CaseFact(c.source, c.case_no, c.stage, c.filed_on)
                        for c in cases.get(cadre.id, [])),
            grades=tuple(engine.GradeFact(year, grade, f"grade:{cadre.code}:{year}")
                         for year, grade in grades[cadre.id]),
            training=engine.TrainingFact(as_of.year, p.hours_counted, p.required_hours,
                                         p.five_year_hours, p.five_year_required,
                                         behind=p.behind, five_year_behind=p.five_year_behind),
            unit_result=_unit_result_fact(cadre.unit, histories[cadre.unit_id], as_of))
    return found


def _grades_many(session: Session, ids: list[int], only: frozenset[str] | None = None
                 ) -> dict[int, list[tuple[int, str]]]:
    """Each cadre's grades, newest year first (as ``registry.grades_for_cadre`` gives them);
    ``only``: just these grades."""
    grades: dict[int, list[tuple[int, str]]] = {i: [] for i in ids}
    for start in range(0, len(ids), 900):
        stmt = select(CadreAppraisal.cadre_id, CadreAppraisal.year, CadreAppraisal.grade).where(
            CadreAppraisal.cadre_id.in_(ids[start:start + 900]))
        if only is not None:
            stmt = stmt.where(CadreAppraisal.grade.in_([AppraisalGrade(g) for g in sorted(only)]))
        for cadre_id, year, grade in session.execute(stmt.order_by(CadreAppraisal.year.desc())):
            grades[cadre_id].append((year, AppraisalGrade(grade).value))
    return grades


def _in_scope(stmt, actor: Actor):
    """``stmt`` on ``Cadre`` kept to the actor's cadres: a reviewer's by the path of each row's
    unit (a lookup per row, cheaper than ``actor.cadre_clause()``'s list of every unit in
    scope), a cadre's by ``cadre_clause``."""
    if scope.is_cadre(actor):
        return stmt.where(actor.cadre_clause())
    return stmt.join(Unit, Unit.id == Cadre.unit_id).where(actor.unit_clause())


def block_facts_many(session: Session, actor: Actor, ids: list[int], as_of: date,
                     decision: DecisionType) -> dict[int, engine.CadreFacts]:
    """The facts the *blocks* of ``decision`` read, for many cadres, without loading them:
    what the roster needs to keep the eligible among thousands of candidates it does not show.

    The same blocks as ``facts_for_many`` gives for every rule in ``engine.BLOCKS`` (the
    equivalence test compares them), with less read: no training (only notes read it), only
    the grades a block reads (``engine.TENURE_LOST_GRADES``, which holds ``BAD_GRADES``),
    measures and cases only for the cadres who have any (known from the same read as the
    cadres' columns), the unit's results only where ``unit_veto`` can block (a promotion,
    leading cadres, the setting on, a unit vetoed in some period). The notes of the result
    are incomplete: show a cadre with ``facts_for_many``. Cadres outside the actor's scope
    are left out."""
    rows: dict[int, Any] = {}
    has_measure = accountability.has_measure_clause(Cadre.id).label("has_measure")
    has_case = accountability.has_case_clause(Cadre.id).label("has_case")
    for start in range(0, len(ids), 900):
        rows.update((r.id, r) for r in session.execute(_in_scope(
            select(Cadre.id, Cadre.code, Cadre.rank, Cadre.rank_since, Cadre.position_since,
                   Cadre.leader_role, Cadre.unit_id, has_measure, has_case)
            .where(Cadre.id.in_(ids[start:start + 900])), actor)))
    ids = [i for i in ids if i in rows]
    measures = accountability.effects_for_cadres(
        session, actor, [i for i in ids if rows[i].has_measure])
    cases = accountability.open_cases_for_cadres(
        session, actor, [i for i in ids if rows[i].has_case])
    grades = _grades_many(session, ids, engine.TENURE_LOST_GRADES)
    table = accountability.effect_table(session)
    vetoed_units: set[int] = set()
    if decision == DecisionType.PROMOTION and cadre_settings.eligibility_rules(
            session).unit_veto_blocks:
        vetoed_units = assessment.vetoed_units(session, {r.unit_id for r in rows.values()
                                               if LeaderRole(r.leader_role) != LeaderRole.MEMBER})
    results: dict[int, engine.UnitResultFact | None] = {}
    found = {}
    for cadre_id in ids:
        row = rows[cadre_id]
        views = measures.get(cadre_id, [])
        tolerance_on = _tolerance_on(session, actor, session.get(Cadre, cadre_id)) if any(
            v.tolerance_outcome for v in views) else {}
        unit_result = None
        if row.unit_id in vetoed_units and LeaderRole(row.leader_role) != LeaderRole.MEMBER:
            if row.unit_id not in results:
                results[row.unit_id] = _unit_result_fact(
                    session.get(Unit, row.unit_id),
                    assessment.unit_result_history(session, actor, row.unit_id), as_of)
            unit_result = results[row.unit_id]
        found[cadre_id] = engine.CadreFacts(
            code=row.code, rank=row.rank, rank_since=row.rank_since,
            position_since=row.position_since, leader_role=LeaderRole(row.leader_role),
            measures=_measure_facts(views, table, tolerance_on),
            cases=tuple(engine.CaseFact(c.source, c.case_no, c.stage, c.filed_on)
                        for c in cases.get(cadre_id, [])),
            grades=tuple(engine.GradeFact(year, grade, f"grade:{row.code}:{year}")
                         for year, grade in grades[cadre_id]),
            training=None, unit_result=unit_result)
    return found


def eligibility(session: Session, actor: Actor, code: str, as_of: date | None = None,
                decision: DecisionType = DecisionType.PROMOTION) -> engine.Eligibility:
    """Blocks and notes for ``decision`` about the cadre ``code`` on ``as_of`` (reviewers in
    scope)."""
    cadre = visible_cadre(session, actor, code=code, permissions=PROFILE_PERMISSIONS)
    as_of = as_of or date.today()
    return engine.evaluate(facts_for(session, actor, cadre, as_of), as_of, decision,
                           cadre_settings.eligibility_rules(session))


# --- the profile ---------------------------------------------------------------------------------

@dataclass
class Profile:
    """One cadre on one day, as plain data (JSON-ready)."""

    as_of: date
    cadre: dict[str, Any]
    postings: dict[str, dict]
    unit_results: dict[str, dict]
    grades: dict[str, str]
    training: dict[str, Any]
    measures: dict[str, dict]
    tolerance: dict[str, dict]
    supervision: dict[str, dict]
    decisions: dict[str, dict]
    eligibility: dict[str, Any]
    summary: str = ""
    sections: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "cadre": self.cadre, "postings": self.postings,
                "unit_results": self.unit_results, "grades": self.grades, "training": self.training,
                "measures": self.measures, "tolerance": self.tolerance,
                "supervision": self.supervision,
                "decisions": self.decisions, "eligibility": self.eligibility,
                "summary": self.summary}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _cadre_part(cadre: Cadre) -> dict:
    return {"code": cadre.code, "name": cadre.name, "gender": cadre.gender.value,
            "birth_date": _iso(cadre.birth_date), "unit_code": cadre.unit.code,
            "unit_name": cadre.unit.name,
            "unit_level": cadre.unit.level.value, "position": cadre.position,
            "rank": cadre.rank.value if cadre.rank else None, "category": cadre.category.value,
            "leader_role": cadre.leader_role.value, "position_since": _iso(cadre.position_since),
            "rank_since": _iso(cadre.rank_since), "party_member": cadre.party_member,
            "status": cadre.status.value}


def _served_units(session, actor, cadre) -> list[tuple[Unit, date | None, date | None, bool]]:
    """(unit, from, to, current) for the current unit and each earlier one."""
    spans: dict[int, list] = {}
    for posting in registry.postings(session, actor, cadre):
        span = spans.setdefault(posting.unit_id, [posting.unit, posting.start, posting.end, False])
        span[1] = min(filter(None, (span[1], posting.start)), default=None)
        span[2] = None if posting.end is None or span[2] is None else max(span[2], posting.end)
    current = spans.setdefault(cadre.unit_id, [cadre.unit, cadre.position_since, None, True])
    current[3], current[2] = True, None
    return [tuple(s) for s in spans.values()]


def _unit_results(session, actor, cadre, as_of: date) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for unit, start, end, current in _served_units(session, actor, cadre):
        if not actor.in_scope(unit.path):
            continue
        for r in assessment.unit_result_history(session, actor, unit.id):
            if r.period_end >= as_of:
                continue
            served = (start is None or r.period_end >= start) and (
                end is None or r.period_start <= end
            )
            if not served and not current:
                continue
            found[f"{unit.code}|{r.period_code}"] = {
                "unit_code": unit.code, "unit_name": unit.name, "current_unit": current,
                                                     "served": served,
                "period": r.period_code, "period_end": _iso(r.period_end),
                                                     "composite": round(r.composite, 2),
                "rank_in_level": r.rank_in_level, "count_in_level": r.count_in_level,
                "rank_in_parent": r.rank_in_parent, "count_in_parent": r.count_in_parent,
                "grade": r.grade.value, "vetoed": r.vetoed}
    return found


def _training(progress) -> dict:
    return {
        "year": progress.year,
        "hours": round(progress.hours_counted, 1),
        "required": progress.required_hours,
        "online": round(progress.online_hours, 1),
        "online_required": progress.required_online,
        "behind": progress.behind,
        "missing": round(progress.missing_hours, 1),
        "five_year_hours": None
        if progress.five_year_hours is None
        else round(progress.five_year_hours, 1),
        "five_year_required": progress.five_year_required,
        "five_year_behind": progress.five_year_behind,
    }


def _measures(views, as_of) -> dict[str, dict]:
    return {v.source: {"code": v.code, "label": v.label, "form": v.form,
                       "decided_on": _iso(v.decided_on),
                       "effect_until": _iso(v.effect_until), "in_effect": v.in_effect(as_of),
                       "revoked_on": _iso(v.revoked_on), "changed_on": _iso(v.changed_on),
                       "tolerance": v.tolerance_outcome, "case_no": v.case_no}
            for v in views}


def _decisions(session, cadre) -> dict[str, dict]:
    rows = session.scalars(select(PersonnelDecision).where(PersonnelDecision.cadre_id == cadre.id)
                           .order_by(PersonnelDecision.proposed_at))
    return {d.number: {"type": d.type.value, "title": d.title, "status": d.status.value,
                       "outcome": d.outcome.value if d.outcome else None,
                       "decided_on": _iso(d.decided_on),
                       "overridden": d.overridden} for d in rows}


def profile(session: Session, actor: Actor, code: str, as_of: date | None = None) -> Profile:
    """The cadre's whole record on ``as_of`` (reviewers and administrators in scope)."""
    cadre = visible_cadre(session, actor, code=code, permissions=PROFILE_PERMISSIONS)
    as_of = as_of or date.today()
    progress = registry.training_progress(session, actor, cadre, as_of.year, as_of)
    measures = accountability.measure_effects_for_cadre(session, actor, cadre)
    facts = facts_for(session, actor, cadre, as_of, progress=progress, measures=measures)
    result = engine.evaluate(facts, as_of, DecisionType.PROMOTION,
                             cadre_settings.eligibility_rules(session))
    built = Profile(
        as_of=as_of, cadre=_cadre_part(cadre),
        postings={f"{p.unit.code}|{_iso(p.start)}": {"unit_code": p.unit.code,
                                                     "unit_name": p.unit.name,
                                                     "position": p.position, "start": _iso(p.start),
                                                     "end": _iso(p.end)}
                  for p in registry.postings(session, actor, cadre)},
        unit_results=_unit_results(session, actor, cadre, as_of),
        grades={str(year): grade for year,
                grade in registry.grades_for_cadre(session, actor, cadre)},
        training=_training(progress),
        measures=_measures(measures, as_of),
        tolerance={o.source: {"app_no": o.app_no, "status": o.status, "outcome": o.outcome,
                              "submitted_on": _iso(o.submitted_on),
                              "decided_on": _iso(o.decided_on),
                              "measure": o.measure_label}
                   for o in accountability.tolerance_outcomes_for_cadre(session, actor, cadre)},
        supervision={f"supervision:{s.id}": {"title": s.title, "deadline": _iso(s.deadline),
                                             "status": s.status.value, "overdue": s.overdue}
                     for s in assessment.unit_supervision_items(session, actor, cadre.unit_id)},
        decisions=_decisions(session, cadre),
        eligibility=result.as_json(),
    )
    built.summary = summary_line(built, result)
    return built


def summary_line(built: Profile, result: engine.Eligibility) -> str:
    """One plain sentence at the top of the profile."""
    cadre = built.cadre
    current = [r for r in built.unit_results.values() if r["current_unit"]]
    latest = max(current, key=lambda r: r["period_end"]) if current else None
    parts = [_("%(name)s, %(position)s of %(unit)s", name=cadre["name"], position=cadre["position"],
               unit=cadre["unit_name"])]
    if latest:
        parts.append(_("unit scored %(score)s in %(period)s (rank %(rank)s of %(count)s)",
                       score=f"{latest['composite']:.1f}", period=latest["period"],
                       rank=latest["rank_in_level"], count=latest["count_in_level"]))
    training = built.training
    parts.append(_("training %(hours)s of %(required)s hours", hours=f"{training['hours']:g}",
                   required=f"{training['required']:g}"))
    if result.eligible:
        parts.append(_("eligible for promotion"))
    elif result.lifts_on:
        parts.append(_("not eligible for promotion until %(date)s (%(n)s block(s))",
                       date=result.lifts_on.isoformat(), n=len(result.blocks)))
    else:
        parts.append(_("not eligible for promotion (%(n)s block(s), one lasting until someone "
                       "acts)",
                       n=len(result.blocks)))
    return _("; ").join(parts) + _(".")


def grade_label(code: str) -> str:
    return AppraisalGrade(code).label


# --- snapshots
# -------------------------------------------------------------------------------------

def canonical(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def snapshot_hash(data: dict) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, inner in value.items():
            flat.update(_flatten(inner, f"{prefix}/{key}" if prefix else str(key)))
        return flat
    return {prefix: value}


@dataclass(frozen=True)
class Change:
    path: str        # "unit_results/JZ01001|2026Q2/composite"
    then: Any
    now: Any

    @property
    def section(self) -> str:
        return self.path.split("/", 1)[0]


# Sentences and labels are written in the language of whoever froze or recomputed the
# evidence; what they say is also in the coded fields (rule, source, until, code, dates),
# which are compared instead.
WORDING = frozenset({"summary", "label", "reason", "measure"})


def without_wording(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_wording(v) for k, v in value.items() if k not in WORDING}
    if isinstance(value, list):
        return [without_wording(v) for v in value]
    return value


def changes(frozen: dict, current: dict, ignore: tuple[str, ...] = ()) -> list[Change]:
    """What differs between the frozen evidence and the same evidence recomputed now for
    the same day, field by field (so only edits of the underlying records show, not the
    language they are worded in)."""
    before, after = _flatten(without_wording(frozen)), _flatten(without_wording(current))
    found = []
    for path in sorted(set(before) | set(after)):
        if ignore and path.startswith(ignore):
            continue
        if before.get(path) != after.get(path):
            found.append(Change(path, before.get(path), after.get(path)))
    return found
