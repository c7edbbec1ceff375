"""The annual report (年度报告) for a unit subtree and a year: what the four kinds of
evidence said that year, side by side, as plain data for the printable page and the
workbook (``cadres.annual_xlsx``).

Each part reuses the query its own package already offers, so the report shows the same
figures as the dashboards: (a) the published assessment results of the year's year
period, or of its latest published quarter; (b) training completion by direct child
unit; (c) the four forms (四种形态) of the measures decided in the year, counted as
person-times like the accountability dashboard (effects only); (d) the personnel
decisions taken in the year with their frozen evidence summary, overrides highlighted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from accountability import service as accountability
from accountability.enums import Form
from assessment import service as assessment
from assessment.enums import Grade, PeriodKind
from cadres import completion, decisions
from cadres.annual_xlsx import annual_workbook
from cadres.decisions import DecisionFilter
from cadres.enums import DecisionStatus
from portal import audit, cache, units
from portal.access import Actor
from portal.db import utcnow
from portal.enums import UnitLevel
from portal.errors import Invalid
from portal.i18n import _
from portal.models import Unit

EXTREMES = 3  # how many top and bottom units the report names
LISTED = 30  # up to this many units the printable report lists them all (the workbook always does)
FIRST_YEAR = 2000


@dataclass(frozen=True)
class ResultRow:
    unit_code: str
    unit_name: str
    level: str
    level_label: str
    composite: float
    rank_in_level: int
    count_in_level: int
    grade: str
    grade_label: str
    vetoed: bool


@dataclass(frozen=True)
class GradeCount:
    grade: str
    label: str
    count: int


@dataclass(frozen=True)
class TrainingRow:
    unit_name: str
    cadres: int
    complete: int
    on_pace: int
    behind: int
    complete_rate: float
    avg_hours: float


@dataclass(frozen=True)
class FormCount:
    form: int
    label: str
    count: int


@dataclass(frozen=True)
class DecisionRow:
    number: str
    cadre_code: str
    cadre_name: str
    unit_name: str
    type_label: str
    title: str
    outcome_label: str
    decided_on: date | None
    summary: str
    blocks_at_proposal: int
    overridden: bool
    override_reason: str


@dataclass(frozen=True)
class AnnualReport:
    """The annual report of one unit subtree for one year, ready to show or to export."""

    unit_id: int
    unit_code: str
    unit_name: str
    year: int
    generated_at: datetime
    generated_by: str
    period_code: str | None
    results: tuple[ResultRow, ...]
    grades: tuple[GradeCount, ...]
    top: tuple[ResultRow, ...]
    bottom: tuple[ResultRow, ...]
    training: tuple[TrainingRow, ...]
    training_summary: dict
    forms: tuple[FormCount, ...]
    decisions: tuple[DecisionRow, ...]

    @property
    def overrides(self) -> int:
        return sum(1 for d in self.decisions if d.overridden)

    @property
    def person_times(self) -> int:
        return sum(f.count for f in self.forms)


# --- (a) assessment results
# ------------------------------------------------------------------------

def period_of_year(session: Session, year: int):
    """The year period if it is published, else the year's latest published quarter (or None)."""
    found = [p for p in assessment.published_periods(session) if p.year == year]
    yearly = [p for p in found if p.kind == PeriodKind.YEAR]
    if yearly:
        return yearly[0]
    return max(found, key=lambda p: p.end) if found else None


def _result_rows(frame) -> tuple[ResultRow, ...]:
    rows = [ResultRow(unit_code=r.unit_code, unit_name=r.unit_name, level=r.level,
                      level_label=UnitLevel(r.level).label, composite=round(float(r.composite), 2),
                      rank_in_level=int(r.rank_in_level), count_in_level=int(r.count_in_level),
                      grade=r.grade,
                      grade_label=Grade(r.grade).label, vetoed=bool(r.vetoed))
            for r in frame.itertuples()]
    return tuple(sorted(rows, key=lambda r: (_level_order(r.level), r.rank_in_level, r.unit_code)))


def _level_order(level: str) -> int:
    return list(UnitLevel).index(UnitLevel(level))


def _standing(row: ResultRow) -> tuple:
    """Relative place within the level (0 best), a veto last: comparable across levels."""
    return (row.vetoed, (row.rank_in_level - 1) / max(row.count_in_level, 1), -row.composite,
            row.unit_code)


def extremes(rows: tuple[ResultRow, ...], count: int = EXTREMES) -> tuple[tuple, tuple]:
    """The best and the worst placed units (rank within level ÷ units in level), never both."""
    ordered = sorted(rows, key=_standing)
    top = tuple(ordered[:count])
    bottom = tuple(r for r in reversed(ordered[len(top):]))[:count]
    return top, bottom


@dataclass(frozen=True)
class LevelSummary:
    level_label: str
    units: int
    average: float
    grades: tuple[int, ...]  # units per grade, best first


def by_level(rows: tuple[ResultRow, ...]) -> tuple[LevelSummary, ...]:
    """Units, average composite and grade counts per level (large subtrees on paper)."""
    found = []
    for level in UnitLevel:
        members = [r for r in rows if r.level == level.value]
        if members:
            counted = Counter(r.grade for r in members)
            found.append(LevelSummary(level.label, len(members),
                                      round(sum(r.composite for r in members)
                                                                       / len(members), 2),
                                      tuple(counted.get(g.value, 0) for g in Grade)))
    return tuple(found)


def grade_counts(rows: tuple[ResultRow, ...]) -> tuple[GradeCount, ...]:
    counted = Counter(r.grade for r in rows)
    return tuple(GradeCount(g.value, g.label, counted.get(g.value, 0)) for g in Grade)


# --- (b) training, (c) four forms, (d) decisions ------------------------------------------------

def _training(session: Session, actor: Actor, unit: Unit,
              year: int) -> tuple[tuple[TrainingRow, ...], dict]:
    as_of = min(date.today(), date(year, 12, 31))
    tallies = completion.unit_tallies(session, actor, year, under=unit,
                                      as_of=as_of)  # summed in the database
    frame = completion.completion_by_unit(session, tallies, unit,
                                          units.children(session, actor, unit))
    found = tuple(TrainingRow(r.unit_name, int(r.cadres), int(r.complete), int(r.on_pace),
                              int(r.behind),
                              float(r.complete_rate),
                              round(float(r.avg_hours), 1)) for r in frame.itertuples())
    return found, completion.summary(tallies)


def _forms(session: Session, actor: Actor, unit: Unit, year: int) -> tuple[FormCount, ...]:
    counted = accountability.person_times_by_form(session, actor, date(year, 1, 1),
                                                  date(year, 12, 31), unit)
    return tuple(FormCount(f.number, f.label, counted.get(f.number, 0)) for f in Form)


def _decisions(session: Session, actor: Actor, unit: Unit, year: int) -> tuple[DecisionRow, ...]:
    found = decisions.list_decisions(session, actor, DecisionFilter(
        unit_id=unit.id, statuses=(DecisionStatus.DECIDED,), start=date(year, 1, 1),
                                                                    end=date(year, 12, 31)))
    rows = [DecisionRow(
        number=d.number, cadre_code=d.cadre.code, cadre_name=d.cadre.name,
                        unit_name=d.cadre.unit.name,
        type_label=d.type.label, title=d.title, outcome_label=d.outcome.label if d.outcome else "",
        decided_on=d.decided_on,
                        summary=str((d.snapshot or {}).get("profile", {}).get("summary", "")),
        blocks_at_proposal=d.blocks_at_proposal, overridden=d.overridden,
                        override_reason=d.override_reason)
        for d in found]
    return tuple(sorted(rows, key=lambda r: (r.decided_on or date.min, r.number)))


def _year(year) -> int:
    try:
        chosen = int(year)
    except (TypeError, ValueError):
        raise Invalid(_("Choose a year."), field="year") from None
    if not FIRST_YEAR <= chosen <= date.today().year + 1:
        raise Invalid(_("Choose a year between %(first)s and %(last)s.", first=FIRST_YEAR,
                        last=date.today().year + 1), field="year")
    return chosen


def _unit(session: Session, actor: Actor, unit_id) -> Unit:
    actor.require("reports.view")
    try:
        return units.get_unit(session, actor, int(unit_id))
    except (TypeError, ValueError):
        raise Invalid(_("Choose a unit."), field="unit") from None


def annual_report(session: Session, actor: Actor, unit_id: int, year: int) -> AnnualReport:
    """The annual report of ``unit_id``'s subtree for ``year`` (``reports.view``, unit in scope);
    the figures are kept in the cache per scope, the name of who asked is the caller's."""
    unit = _unit(session, actor, unit_id)
    report = _report(session, actor, unit.id, _year(year))
    return replace(report, generated_by=actor.display_name or actor.username)


def ready_report(session: Session, actor: Actor, unit_id, year) -> AnnualReport | None:
    """The annual report when its figures are already kept in the cache (a moment's work),
    else None: a background job then prepares them (``cadres.jobs``). Checks as
    ``annual_report``."""
    unit = _unit(session, actor, unit_id)
    report = _report.kept(session, actor, unit.id, _year(year))
    return replace(report, generated_by=actor.display_name or actor.username) if report else None


@cache.scoped("cadres.annual_report")
def _report(session: Session, actor: Actor, unit_id: int, year: int) -> AnnualReport:
    unit = _unit(session, actor, unit_id)
    period = period_of_year(session, year)
    results = _result_rows(assessment.results_for_period(session, actor, period.code,
                                                         unit.id)) if period else ()
    top, bottom = extremes(results)
    training, summary = _training(session, actor, unit, year)
    return AnnualReport(
        unit_id=unit.id, unit_code=unit.code, unit_name=unit.name, year=year, generated_at=utcnow(),
        generated_by=actor.display_name or actor.username,
                        period_code=period.code if period else None,
        results=results, grades=grade_counts(results), top=top, bottom=bottom, training=training,
        training_summary=summary, forms=_forms(session, actor, unit, year),
        decisions=_decisions(session, actor, unit, year))


def check_export(session: Session, actor: Actor, unit_id, year) -> None:
    """Refuse at once a workbook the actor may not export (role, unit outside scope, year)."""
    actor.require("export")
    _unit(session, actor, unit_id)
    _year(year)


def export_workbook(session: Session, actor: Actor, unit_id: int, year: int,
                    progress=None) -> tuple[bytes, str]:
    """The report as an XLSX workbook and its file name; audited as an ``export`` like the
    others. ``progress(stage, done, total)`` hears of its two steps (a background job's)."""
    report_step = progress or (lambda _stage, _done, _total: None)
    actor.require("export")
    report_step("gathering", 0, 2)
    report = annual_report(session, actor, unit_id, year)
    report_step("writing", 1, 2)
    content = annual_workbook(report)
    audit.log(session, actor, "export", entity_type="annual_report",
              summary={"kind": "annual_report", "format": "xlsx", "unit": report.unit_code,
                       "year": report.year,
                       "rows": len(report.results) + len(report.training) + len(report.decisions)})
    return content, f"annual-report-{report.unit_code}-{report.year}.xlsx"
