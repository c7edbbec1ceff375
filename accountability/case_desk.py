"""The case desk's reads (案件工作台), for inspectors: the figures over every case in scope,
the board (per open stage a count and its most urgent cards) and the table a block at a time.

A city has thousands of cases; the desk shows a few dozen. So the figures are counted in
the database, the board and the table choose their rows there (same order as the desk:
overdue first, then by days left, open before closed, then by number), and only the rows
shown are read in full, from Core selects of the columns shown: their confidential titles
are the only ones decrypted. ``cases.case_rows`` is the straightforward path these are
checked against (tests/accountability/test_case_desk.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from accountability import rules
from accountability.cases import CaseRow, forms_by_case, subject_text
from accountability.enums import (
    OPEN_STAGES,
    UNDER_INVESTIGATION_STAGES,
    CaseSource,
    CaseStage,
    Form,
)
from accountability.models import Case, CaseSubject, Measure
from portal.access import Actor, in_subtree
from portal.errors import NotFound
from portal.i18n import _
from portal.models import Cadre, Unit, User

DUE_SOON_DAYS = 14  # a time limit within this many days counts as "due soon"


@dataclass(frozen=True)
class DeskFilter:
    """The desk's quick filters; ``search`` matches the number, a subject's name or code,
    and the (encrypted) title and summary."""

    under_unit_id: int | None = None
    form: str | None = None
    source: str | None = None
    search: str | None = None
    mine: bool = False
    open_only: bool = False


@dataclass(frozen=True)
class DeskFigures:
    """The desk's key figures over every case in the actor's scope."""

    open: int
    overdue: int
    due_soon: int
    filed: int
    opened_this_year: int


@dataclass(frozen=True)
class BoardColumn:
    stage: CaseStage
    count: int
    rows: tuple[CaseRow, ...]


def figures(session: Session, actor: Actor, today: date | None = None) -> DeskFigures:
    """Open, overdue, due within two weeks, filed and not closed, opened this year: one
    aggregate query."""
    actor.require("cases.view")
    today = today or date.today()
    is_open = Case.stage.in_(OPEN_STAGES)
    overdue = is_open & (Case.due_on < today)
    soon = is_open & (Case.due_on >= today) & (Case.due_on <= today + timedelta(DUE_SOON_DAYS))
    filed = Case.stage.in_(UNDER_INVESTIGATION_STAGES)
    this_year = Case.opened_on.between(date(today.year, 1, 1), date(today.year, 12, 31))
    counts = session.execute(
        select(func.count().filter(is_open), func.count().filter(overdue),
               func.count().filter(soon), func.count().filter(filed),
               func.count().filter(this_year))
        .where(Case.unit_id.in_(actor.scoped_unit_ids()))).one()
    return DeskFigures(*(int(n or 0) for n in counts))


def count(session: Session, actor: Actor, wanted: DeskFilter) -> int:
    """How many cases the filters leave."""
    conditions = _conditions(session, actor, wanted)
    return session.scalar(select(func.count()).select_from(Case).where(*conditions)) or 0


def page(session: Session, actor: Actor, wanted: DeskFilter, start: int, end: int,
         today: date | None = None) -> list[CaseRow]:
    """Rows ``start``..``end`` of the desk's table, the most urgent first."""
    conditions = _conditions(session, actor, wanted)
    ids = list(session.scalars(select(Case.id).where(*conditions).order_by(*_urgency())
                               .offset(start).limit(max(0, end - start))))
    return _rows(session, ids, today or date.today())


def board(session: Session, actor: Actor, wanted: DeskFilter, per_column: int,
          today: date | None = None) -> list[BoardColumn]:
    """Each open stage with its number of cases and its ``per_column`` most urgent ones."""
    conditions = [*_conditions(session, actor, wanted), Case.stage.in_(OPEN_STAGES)]
    counts = dict(session.execute(select(Case.stage, func.count()).where(*conditions)
                                  .group_by(Case.stage)).all())
    rank = func.row_number().over(partition_by=Case.stage, order_by=_urgency()).label("rank")
    ranked = select(Case.id, rank).where(*conditions).subquery()
    ids = list(session.scalars(select(ranked.c.id).where(ranked.c.rank <= per_column)))
    by_stage: dict[CaseStage, list[CaseRow]] = defaultdict(list)
    for row in _rows(session, ids, today or date.today()):
        by_stage[row.stage].append(row)
    return [BoardColumn(stage, counts.get(stage, 0), tuple(by_stage[stage]))
            for stage in OPEN_STAGES]


# --- the parts --------------------------------------------------------------------------------

def _urgency() -> tuple:
    """The desk's order in SQL: overdue first, then by days left (no time limit last), open
    before closed, then by number (an overdue case has the earlier time limit, so ordering by
    the time limit puts the overdue ones first)."""
    return (case((Case.due_on.is_(None), 1), else_=0), Case.due_on,
            case((Case.stage.in_(OPEN_STAGES), 0), else_=1), Case.case_no)


def _conditions(session: Session, actor: Actor, wanted: DeskFilter) -> list:
    actor.require("cases.view")
    conditions = [Case.unit_id.in_(actor.scoped_unit_ids())]
    if wanted.under_unit_id:
        under = session.get(Unit, wanted.under_unit_id)
        if under is None or not actor.in_scope(under.path):
            raise NotFound(_("No such unit among the units you are responsible for."))
        conditions.append(Case.unit_id.in_(
            select(Unit.id).where(in_subtree(Unit.path, under.path))))
    if wanted.open_only:
        conditions.append(Case.stage.in_(OPEN_STAGES))
    if wanted.source:
        conditions.append(Case.source == CaseSource(wanted.source))
    if wanted.mine:
        conditions.append(Case.handler_id == (actor.user_id or -1))
    if wanted.form:
        codes = [s.code for s in rules.CATALOGUE if s.form == Form(wanted.form)]
        conditions.append(Case.id.in_(select(Measure.case_id).where(Measure.code.in_(codes))))
    if wanted.search and wanted.search.strip():
        conditions.append(Case.id.in_(_matching(session, conditions, wanted.search.strip())))
    return conditions


def _matching(session: Session, conditions: list, needle: str) -> list[int]:
    """Ids of the cases the other filters leave whose number, subjects, title or summary
    contain ``needle``. Titles and summaries are encrypted at rest, so a search decrypts
    those of the cases the filters (and the scope) leave and matches them here."""
    like = f"%{needle}%"
    people = set(session.scalars(select(CaseSubject.case_id)
                                 .join(Cadre, CaseSubject.cadre_id == Cadre.id)
                                 .where(or_(Cadre.name.like(like), Cadre.code.like(like)))))
    folded = needle.casefold()
    found = []
    for case_id, case_no, title, summary in session.execute(
            select(Case.id, Case.case_no, Case.title, Case.summary).where(*conditions)):
        if (case_id in people or folded in case_no.casefold() or folded in title.casefold()
                or folded in (summary or "").casefold()):
            found.append(case_id)
    return found


def _rows(session: Session, ids: list[int], today: date) -> list[CaseRow]:
    """The desk's rows of the cases ``ids``, in that order: the columns shown, read as plain
    rows (the title is decrypted for these cases only)."""
    if not ids:
        return []
    subjects = _subjects(session, ids)
    forms = forms_by_case(session, ids)
    stmt = (select(Case.id, Case.case_no, Case.title, Case.kind, Case.source, Case.stage,
                   Case.stage_since, Case.opened_on, Case.due_on, Unit.name,
                   User.display_name)
            .join(Unit, Case.unit_id == Unit.id)
            .outerjoin(User, Case.handler_id == User.id)
            .where(Case.id.in_(ids)))
    found = {}
    for (case_id, case_no, title, kind, source, stage, since, opened, due, unit,
         handler) in session.execute(stmt):
        found[case_id] = CaseRow(
            id=case_id, case_no=case_no, title=title, kind=kind, source=source, stage=stage,
            stage_since=since, opened_on=opened, due_on=due,
            days_left=rules.days_left(due, today), overdue=rules.is_overdue(due, today),
            unit=unit, subjects=tuple(subjects.get(case_id, ())), handler=handler or "",
            forms=forms.get(case_id, ()))
    return [found[i] for i in ids if i in found]


def _subjects(session: Session, ids: list[int]) -> dict[int, list[str]]:
    stmt = (select(CaseSubject.case_id, CaseSubject.kind, Cadre.name, Cadre.code, Unit.name)
            .join(Unit, CaseSubject.unit_id == Unit.id)
            .outerjoin(Cadre, CaseSubject.cadre_id == Cadre.id)
            .where(CaseSubject.case_id.in_(ids)).order_by(CaseSubject.id))
    found: dict[int, list[str]] = defaultdict(list)
    for case_id, kind, cadre_name, cadre_code, unit_name in session.execute(stmt):
        found[case_id].append(subject_text(kind, cadre_name, cadre_code, unit_name))
    return found
