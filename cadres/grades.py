"""Annual appraisal grades (年度考核等次) and the 优秀 quota per unit (domain.md §7).

A grade is refused when it is not on the cadre's scale (公务员考核规定 / 事业单位工作人员
考核规定) or when the cadre's measures or an open filed case rule it out
(``cadres.rules.grades``), with the measure named.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from accountability import service as accountability
from cadres import rules, scope
from cadres import settings as cadre_settings
from cadres.enums import GRADE_ALIASES, AppraisalGrade
from cadres.models import CadreAppraisal
from cadres.rules import grades as grade_rules
from portal import audit, cache
from portal.access import Actor, visible_cadre
from portal.errors import Invalid
from portal.i18n import _
from portal.models import Cadre, Unit
from portal.tabular import choice


def grades_for_cadre(session: Session, actor: Actor, cadre: Cadre) -> list[tuple[int, str]]:
    """``[(year, grade code)]`` latest first: reviewers in scope and the cadre themself."""
    actor.require_cadre(cadre, scope.GRADES)
    rows = session.execute(
        select(CadreAppraisal.year, CadreAppraisal.grade)
        .where(CadreAppraisal.cadre_id == cadre.id)
        .order_by(CadreAppraisal.year.desc())
    )
    return [(year, AppraisalGrade(grade).value) for year, grade in rows]


def quotas_by_unit_id(session: Session) -> dict[int, float]:
    by_code = cadre_settings.excellent_quota_by_unit(session)
    if not by_code:
        return {}
    return {uid: by_code[code] for uid, code in session.execute(
        select(Unit.id, Unit.code).where(Unit.code.in_(list(by_code))))}


@dataclass(frozen=True)
class QuotaRow:
    unit_id: int
    unit_code: str
    unit_name: str
    check: rules.QuotaCheck


@cache.scoped("cadres.quota_checks")
def quota_checks(session: Session, actor: Actor, year: int,
                 unit_ids: list[int] | None = None) -> list[QuotaRow]:
    """The 优秀 quota of each unit in scope for ``year`` (units with grades only)."""
    actor.require("cadres.view")
    excellent = func.sum(case((CadreAppraisal.grade == AppraisalGrade.EXCELLENT, 1), else_=0))
    stmt = (select(CadreAppraisal.unit_id, CadreAppraisal.year, func.count(), excellent,
                   Unit.code, Unit.name)
            .join(Unit, CadreAppraisal.unit_id == Unit.id)
            .where(CadreAppraisal.year == year, actor.unit_clause())
            .group_by(CadreAppraisal.unit_id, CadreAppraisal.year, Unit.code,
                      Unit.name))  # counted in the database: a row per unit, named with it
    if unit_ids is not None:
        stmt = stmt.where(CadreAppraisal.unit_id.in_(unit_ids))
    names: dict[int, tuple[str, str]] = {}
    counts = []
    for unit_id, graded_year, assessed, excellent_count, code, name in session.execute(stmt):
        names[unit_id] = (code, name)
        counts.append((unit_id, graded_year, int(assessed), int(excellent_count or 0)))
    checks = rules.quota_checks_of_counts(counts, quotas_by_unit_id(session),
                                          cadre_settings.excellent_quota(session))
    return [QuotaRow(c.unit_id, *names[c.unit_id], c) for c in checks]


@cache.scoped("cadres.grade_distribution")
def distribution(session: Session, actor: Actor, year: int) -> dict[AppraisalGrade, int]:
    actor.require("cadres.view")
    rows = session.execute(
        select(CadreAppraisal.grade, func.count()).join(Cadre, CadreAppraisal.cadre_id == Cadre.id)
        .where(CadreAppraisal.year == year, actor.cadre_clause()).group_by(CadreAppraisal.grade))
    return {AppraisalGrade(g): n for g, n in rows}


def grade_years(session: Session, actor: Actor) -> list[int]:
    actor.require("cadres.view")
    return sorted(session.scalars(select(CadreAppraisal.year).distinct()), reverse=True)


def grade_measures(views) -> list[grade_rules.GradeMeasure]:
    """The accountability module's measure effects as the grade rule needs them."""
    return [grade_rules.GradeMeasure(v.code, v.label, v.decided_on, v.source, v.probation_years,
                                     v.revoked_on,
                                     v.changed_on, v.tolerance_outcome) for v in views]


def grade_cases(views) -> list[grade_rules.GradeCase]:
    return [grade_rules.GradeCase(c.case_no, c.filed_on,
                                  c.source) for c in views if c.under_investigation]


def _labels(grades) -> str:
    return _(", ").join(f"“{g.label}”" for g in grades)


def grade_refusal(cadre: Cadre, year: int, grade: AppraisalGrade,
                  limit: grade_rules.GradeLimit | None) -> str | None:
    """Why ``grade`` cannot be given to the cadre for ``year`` (translated, naming the rule and,
    for a measure, the measure), or None."""
    scale = grade_rules.grade_scale(cadre.category)
    if grade not in scale:
        return _("“%(grade)s” is not a grade for %(category)s: %(allowed)s (%(source)s).",
                 grade=grade.label,
                 category=cadre.category.label, allowed=_labels(scale),
                 source=grade_rules.scale_source(cadre.category))
    if limit is None or limit.allows(grade):
        return None
    if limit.source.startswith("case:"):
        return _("Case %(case)s was filed %(date)s and is not closed: %(year)s can only be "
                 "%(allowed)s until it "
                 "closes (%(source)s).", case=limit.cause,
                 date=limit.decided_on.isoformat() if limit.decided_on
                 else "—", year=year, allowed=_labels(limit.allowed(scale)),
                 source=grade_rules.GRADE_LIMIT_SOURCE)
    return _("%(measure)s decided %(date)s rules out “%(grade)s” for %(year)s: only %(allowed)s "
             "(%(source)s).", measure=limit.cause, date=limit.decided_on.isoformat(),
             grade=grade.label,
             year=year, allowed=_labels(limit.allowed(scale)),
             source=grade_rules.GRADE_LIMIT_SOURCE)


def grade_limits_for(session: Session, actor: Actor, cadres: list[Cadre], years: set[int]
                     ) -> dict[tuple[int, int], grade_rules.GradeLimit | None]:
    """The limit on each (cadre id, year) from the cadres' measures and open filed cases."""
    table = cadre_settings.grade_limits(session)
    ids = [c.id for c in cadres]
    measures = accountability.effects_for_cadres(session, actor, ids)
    cases = accountability.open_cases_for_cadres(session, actor, ids)
    return {(cadre_id, year): grade_rules.grade_limit(year,
                                                      grade_measures(measures.get(cadre_id, [])),
                                                      grade_cases(cases.get(cadre_id, [])), table)
            for cadre_id in ids for year in years}


def set_grade(session: Session, actor: Actor, cadre_code: str, year, grade) -> tuple[CadreAppraisal,
                                                                                     rules.QuotaCheck]:
    """Record one cadre's grade for a year (reviewers in scope); returns the unit's quota check
    so the page can warn when 优秀 exceeds the quota."""
    cadre = visible_cadre(session, actor, code=cadre_code, permissions=scope.GRADES)
    scope.require(actor, "grades.edit", cadre)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise Invalid(_("Give the year of the appraisal."), field="year") from None
    if not 2000 <= year <= 2100:
        raise Invalid(_("Give the year of the appraisal."), field="year")
    try:
        grade = choice(AppraisalGrade, GRADE_ALIASES)(grade)
    except ValueError:
        raise Invalid(_("Choose a grade."), field="grade") from None
    limit = grade_limits_for(session, actor, [cadre], {year})[(cadre.id, year)]
    refusal = grade_refusal(cadre, year, grade, limit)
    if refusal:
        raise Invalid(refusal, field="grade")
    row = session.scalar(select(CadreAppraisal).where(CadreAppraisal.cadre_id == cadre.id,
                                                      CadreAppraisal.year == year))
    before = audit.snapshot(row) if row else {}
    if row is None:
        row = CadreAppraisal(cadre_id=cadre.id, year=year, grade=grade, unit_id=cadre.unit_id)
        session.add(row)
    row.grade, row.updated_by = grade, actor.username
    session.flush()
    audit.log(session, actor, "cadre.grade.set", row,
              summary={"cadre": cadre.code, "year": year, "grade": grade.value,
                       "changes": audit.changes(before, audit.snapshot(row))})
    (check,) = [q.check for q in quota_checks(session, actor, year, [row.unit_id])] or [None]
    return row, check
