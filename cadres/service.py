"""The cadre registry (干部名册) and the functions other packages call.

Every function takes ``(session, actor)``, checks the actor's role and scope, and never
commits. Functions about one cadre take the ``Cadre`` that ``portal.access.visible_cadre``
(or ``get_cadre``) returned and check it again in memory, so one page or one eligibility
call loads and checks the cadre once. Other packages (eligibility, decisions) use ``get_cadre``,
``training_progress``,
``grades_for_cadre`` and ``earlier_units``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from cadres import grades, scope, training
from cadres.models import CadrePosting
from cadres.rules import TrainingProgress
from portal import units
from portal.access import Actor, in_subtree, visible_cadre
from portal.enums import CadreCategory, CadreStatus, Gender, Rank
from portal.models import Cadre, Unit


@dataclass(frozen=True)
class CadreFilter:
    """Registry search: a unit subtree, ranks, categories, statuses and free text."""

    unit_id: int | None = None
    ranks: Sequence[Rank] = ()
    categories: Sequence[CadreCategory] = ()
    statuses: Sequence[CadreStatus] = (CadreStatus.SERVING,)
    text: str = ""
    limit: int = 20000


def _registry(session: Session, actor: Actor, filters: CadreFilter):
    actor.require_any(*scope.BASIC)
    stmt = select(Cadre).join(Unit, Cadre.unit_id == Unit.id).where(actor.cadre_clause())
    if filters.unit_id:
        under = units.get_unit(session, actor, int(filters.unit_id))
        stmt = stmt.where(in_subtree(Unit.path, under.path))
    if filters.ranks:
        stmt = stmt.where(Cadre.rank.in_(list(filters.ranks)))
    if filters.categories:
        stmt = stmt.where(Cadre.category.in_(list(filters.categories)))
    if filters.statuses:
        stmt = stmt.where(Cadre.status.in_(list(filters.statuses)))
    term = filters.text.strip()
    if term:
        like = f"%{term}%"
        stmt = stmt.where(or_(Cadre.name.like(like), Cadre.code.like(like),
                              Cadre.position.like(like)))
    return stmt


def search_cadres(session: Session, actor: Actor, filters: CadreFilter = CadreFilter(),
                  offset: int = 0) -> list[Cadre]:
    """Cadres in the actor's scope matching ``filters`` (ordered by unit, then code;
    ``filters.limit``
    of them from ``offset``: the registry grid asks a page at a time)."""
    stmt = _registry(session, actor, filters).options(joinedload(Cadre.unit))
    return list(session.scalars(stmt.order_by(Unit.path,
                                              Cadre.code).offset(max(0,
                                                                     offset)).limit(filters.limit)))


def count_cadres(session: Session, actor: Actor, filters: CadreFilter = CadreFilter()) -> dict[str,
                                                                                               int]:
    """How many cadres match, and how many of them are leading cadres, party members, women."""
    found = _registry(session, actor, filters).subquery()
    row = session.execute(select(
        func.count(), func.sum(case((found.c.category == CadreCategory.LEADING, 1), else_=0)),
        func.sum(case((found.c.party_member.is_(True), 1), else_=0)),
        func.sum(case((found.c.gender == Gender.FEMALE, 1), else_=0)))).one()
    return {"cadres": row[0] or 0, "leading": row[1] or 0, "party_members": row[2] or 0,
            "women": row[3] or 0}


def count_by_category(session: Session, actor: Actor) -> dict[CadreCategory, int]:
    actor.require_any(*scope.BASIC)
    rows = session.execute(
        select(Cadre.category, func.count()).where(actor.cadre_clause(),
                                                   Cadre.status == CadreStatus.SERVING)
        .group_by(Cadre.category))
    return {CadreCategory(c): n for c, n in rows}


def get_cadre(session: Session, actor: Actor, code: str) -> Cadre:
    """The cadre with ``code`` if the actor may see them (raises ``NotFound``/``AccessDenied``)."""
    return visible_cadre(session, actor, code=code, permissions=scope.BASIC)


def get_cadre_by_id(session: Session, actor: Actor, cadre_id: int) -> Cadre:
    return visible_cadre(session, actor, cadre_id=cadre_id, permissions=scope.BASIC)


def postings(session: Session, actor: Actor, cadre: Cadre) -> list[CadrePosting]:
    """The cadre's posts (任职经历), latest first."""
    actor.require_cadre(cadre, scope.BASIC)
    return list(
        session.scalars(
            select(CadrePosting)
            .where(CadrePosting.cadre_id == cadre.id)
            .options(joinedload(CadrePosting.unit))
            .order_by(CadrePosting.start.desc().nulls_last(), CadrePosting.id.desc())
        )
    )


def earlier_units(session: Session, actor: Actor, cadre: Cadre) -> list[Unit]:
    """Units the cadre served in before their current unit (most recent first, no repeats)."""
    seen: set[int] = {cadre.unit_id}
    found = []
    for posting in postings(session, actor, cadre):
        if posting.end is not None and posting.unit_id not in seen:
            seen.add(posting.unit_id)
            found.append(posting.unit)
    return found


def training_progress(session: Session, actor: Actor, cadre: Cadre, year: int,
                      as_of: date | None = None) -> TrainingProgress:
    """The cadre's training progress for ``year`` (hours by category and mode, gaps, pace,
    five-year progress where it applies); reviewers in scope and the cadre themself."""
    actor.require_cadre(cadre, scope.TRAINING)
    return training.progress_for(session, cadre, year, as_of or date.today())


def grades_for_cadre(session: Session, actor: Actor, cadre: Cadre) -> list[tuple[int, str]]:
    """``[(year, grade code)]`` of the cadre's annual appraisals, latest first."""
    return grades.grades_for_cadre(session, actor, cadre)
