"""Supervision items (督查事项): tasks assigned to units with deadlines, findings and
rectification (整改). Overdue or failed items deduct points on a named indicator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from assessment import rules, schemes
from assessment import settings as assessment_settings
from assessment.enums import OPEN_SUPERVISION, Method, SupervisionStatus
from assessment.models import SupervisionItem
from portal import audit
from portal.access import Actor, in_subtree
from portal.db import utcnow
from portal.enums import UnitLevel
from portal.errors import Conflict, Invalid, NotFound
from portal.i18n import _
from portal.models import Unit
from portal.units import get_unit

VIEW = ("supervision.view", "supervision.edit", "assessment.view")
# Which stored statuses may follow which (an overdue item is still "assigned" or "in progress").
MOVES = {
    SupervisionStatus.ASSIGNED: {SupervisionStatus.IN_PROGRESS, SupervisionStatus.RECTIFIED},
    SupervisionStatus.IN_PROGRESS: {SupervisionStatus.RECTIFIED},
    SupervisionStatus.RECTIFIED: {SupervisionStatus.VERIFIED, SupervisionStatus.FAILED,
                                  SupervisionStatus.IN_PROGRESS},
    SupervisionStatus.FAILED: {SupervisionStatus.IN_PROGRESS, SupervisionStatus.RECTIFIED},
    SupervisionStatus.VERIFIED: set(),
}


@dataclass(frozen=True)
class SupervisionView:
    """A supervision item as the pages (and other packages) show it."""

    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    title: str
    assigned_on: date
    deadline: date
    status: SupervisionStatus
    overdue: bool
    days_left: int
    finding: str
    rectification: str
    rectified_on: date | None
    indicator_code: str | None
    points: float
    version: int
    stored_status: (
        SupervisionStatus  # what was recorded (an overdue item is assigned or in progress)
    )


def _view(item: SupervisionItem, unit: Unit, today: date) -> SupervisionView:
    status = rules.effective_status(SupervisionStatus(item.status), item.deadline, today)
    return SupervisionView(
        id=item.id, unit_id=unit.id, unit_code=unit.code, unit_name=unit.name, title=item.title,
        assigned_on=item.assigned_on, deadline=item.deadline, status=status,
        overdue=status == SupervisionStatus.OVERDUE, days_left=(item.deadline - today).days,
        finding=item.finding, rectification=item.rectification, rectified_on=item.rectified_on,
        indicator_code=item.indicator_code, points=item.points, version=item.version,
        stored_status=SupervisionStatus(item.status))


def list_items(session: Session, actor: Actor, *, unit_id: int | None = None,
               status: str | None = None,
               today: date | None = None, limit: int = 2000) -> list[SupervisionView]:
    """Items in scope (below ``unit_id`` when given); ``status`` filters on the shown
    status, so ``overdue`` finds open items past their deadline."""
    actor.require_any(*VIEW)
    today = today or date.today()
    stmt = (
        select(SupervisionItem, Unit)
        .join(Unit, SupervisionItem.unit_id == Unit.id)
        .where(actor.unit_clause())
    )
    if unit_id is not None:
        under = get_unit(session, actor, unit_id)
        stmt = stmt.where(in_subtree(Unit.path, under.path))
    if status == SupervisionStatus.OVERDUE:
        stmt = stmt.where(SupervisionItem.status.in_(list(OPEN_SUPERVISION)),
                          SupervisionItem.deadline < today)
    elif status in OPEN_SUPERVISION:
        stmt = stmt.where(SupervisionItem.status == status, SupervisionItem.deadline >= today)
    elif status:
        stmt = stmt.where(SupervisionItem.status == status)
    rows = session.execute(stmt.order_by(SupervisionItem.deadline.desc(),
                                         SupervisionItem.id).limit(limit)).all()
    return [_view(item, unit, today) for item, unit in rows]


def get_item(session: Session, actor: Actor, item_id: int,
             today: date | None = None) -> SupervisionView:
    """One item of a unit in scope."""
    actor.require_any(*VIEW)
    item = session.get(SupervisionItem, item_id)
    if item is None or not actor.in_scope(item.unit.path):
        raise NotFound(_("No such supervision item among the units you are responsible for."))
    return _view(item, item.unit, today or date.today())


def unit_items(session: Session, actor: Actor, unit_id: int,
               today: date | None = None) -> list[SupervisionView]:
    """The items of exactly one unit."""
    actor.require_any(*VIEW, "cadres.view", "decisions.view")
    unit = get_unit(session, actor, unit_id)
    today = today or date.today()
    items = session.scalars(select(SupervisionItem).where(SupervisionItem.unit_id == unit.id)
                            .order_by(SupervisionItem.deadline.desc()))
    return [_view(item, unit, today) for item in items]


def _check_indicator(session: Session, unit: Unit, code: str | None, year: int) -> None:
    if not code:
        return
    scheme = schemes.latest(session, year, UnitLevel(unit.level))
    spec = schemes.spec_of(scheme) if scheme else None
    leaf = next((i for i in spec.leaves if i.code == code), None) if spec else None
    if leaf is None or leaf.method != Method.DEDUCTION:
        raise Invalid(_("%(code)s is not a deduction indicator of the %(level)s scheme for "
                        "%(year)s.",
                        code=code, level=UnitLevel(unit.level).label, year=year),
                      field="indicator_code")


def create(session: Session, actor: Actor, *, unit_id: int, title: str, deadline: date,
           assigned_on: date | None = None, description: str = "",
           indicator_code: str | None = None,
           points: float | None = None) -> SupervisionItem:
    unit = get_unit(session, actor, unit_id)
    actor.require("supervision.edit", unit)
    title = (title or "").strip()
    if not title:
        raise Invalid(_("Say what the unit must do (the title)."), field="title")
    assigned_on = assigned_on or date.today()
    if deadline is None or deadline < assigned_on:
        raise Invalid(_("The deadline must be on or after the day the item is assigned."),
                      field="deadline")
    indicator_code = (indicator_code or "").strip() or None
    _check_indicator(session, unit, indicator_code, deadline.year)
    points = float(points if points not in (None, "") else assessment_settings.value(session,
                                                                                     "assessment.supervision.points"))
    if points < 0:
        raise Invalid(_("The deduction must not be negative."), field="points")
    item = SupervisionItem(unit_id=unit.id, title=title[:200], description=description or "",
                           assigned_on=assigned_on, deadline=deadline,
                           status=SupervisionStatus.ASSIGNED,
                           indicator_code=indicator_code, points=points, created_by=actor.username)
    session.add(item)
    session.flush()
    audit.log(session, actor, "supervision.create", item, summary={"after": audit.snapshot(item)})
    return item


def _move(item: SupervisionItem, status: SupervisionStatus, rectification: str | None,
          on: date) -> None:
    """Give the item its new status, if the workflow allows it, with the day it happened."""
    current = SupervisionStatus(item.status)
    if status not in MOVES.get(current, set()):
        raise Invalid(_("An item that is %(current)s cannot become %(target)s.",
                        current=current.label, target=status.label), field="status")
    if status == SupervisionStatus.RECTIFIED:
        note = rectification if rectification is not None else item.rectification
        if not (note or "").strip():
            raise Invalid(_("Describe the rectification (整改) before marking the item rectified."),
                          field="rectification")
        item.rectified_on = on
    if status == SupervisionStatus.VERIFIED:
        item.verified_on = on
    if status == SupervisionStatus.IN_PROGRESS:
        item.rectified_on = None  # the rectification was not accepted: still open
    item.status = status


def update(session: Session, actor: Actor, item_id: int, expected_version: int, *,
           status: SupervisionStatus | None = None, finding: str | None = None,
           rectification: str | None = None, on: date | None = None) -> SupervisionItem:
    """Record progress: a finding, a rectification note, a new status (with its date)."""
    item = session.get(SupervisionItem, item_id)
    if item is None or not actor.in_scope(item.unit.path):
        raise NotFound(_("No such supervision item among the units you are responsible for."))
    actor.require("supervision.edit", item.unit)
    if item.version != expected_version:
        raise Conflict(_("Somebody else (%(who)s) changed this item while you were editing. "
                         "Reload it and "
                         "make your change again.", who=item.created_by))
    before = audit.snapshot(item)
    if status is not None and status != item.status:
        _move(item, status, rectification, on or date.today())
    if finding is not None:
        item.finding = finding
    if rectification is not None:
        item.rectification = rectification
    item.updated_at = utcnow()
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(_("Somebody else saved this item at the same moment. Reload it and make "
                         "your change "
                         "again.")) from None
    audit.log(session, actor, "supervision.update", item,
              summary={"changes": audit.changes(before, audit.snapshot(item))})
    return item
