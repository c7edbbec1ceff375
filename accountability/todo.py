"""What waits in ``accountability`` (portal.todo): for inspectors, case stages overdue or
due soon, tolerance applications to verify and decide, follow-up visits, corrective actions
and name clearings due; for a cadre, their own tolerance applications.

``NOTICE_CHECKS`` turns an overdue case stage into a notice for the inspectors who handle it
(the case's handler, or every inspector in scope when it has none) when they next open a
page: no scheduled job is needed, and a keyed notice is added once per case, stage and
time limit (portal.notices.refresh).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from accountability.enums import OPEN_STAGES, ToleranceStatus
from accountability.models import (
    Case,
    CorrectionAction,
    FollowUpVisit,
    Measure,
    NameClearing,
    ToleranceApplication,
)
from portal.access import Actor
from portal.enums import Role
from portal.i18n import N_, _
from portal.notices import Draft
from portal.todo import Severity, TodoItem

DUE_SOON_DAYS = 14  # a time limit within this many days is shown as due
VISIT_AHEAD_DAYS = 30  # follow-up visits whose window opens within this many days
RECENT_DAYS = 30  # a cadre's application decided within this many days is still news
MAX_OVERDUE_NOTICES = 50  # per inspector and check: the to-do list has the full count
CASE_OVERDUE = N_("Case %(case_no)s is overdue at stage “%(stage)s” (time limit %(due)s)")


def _inspector(actor: Actor, permission: str) -> bool:
    return actor.role != Role.CADRE and actor.can(permission)


def case_deadlines(session: Session, actor: Actor, today: date | None = None) -> list[TodoItem]:
    """Open cases in scope whose stage's time limit has passed, or comes within two weeks."""
    if not _inspector(actor, "cases.view"):
        return []
    today = today or date.today()
    soon = today + timedelta(days=DUE_SOON_DAYS)
    overdue = Case.due_on < today
    late, late_first, coming, coming_first = session.execute(
        select(func.count().filter(overdue), func.min(Case.due_on).filter(overdue),
               func.count().filter(~overdue), func.min(Case.due_on).filter(~overdue))
        .where(Case.stage.in_(OPEN_STAGES), Case.due_on.is_not(None), Case.due_on <= soon,
               Case.unit_id.in_(actor.scoped_unit_ids()))).one()
    items = []
    if late:
        items.append(TodoItem("cases.overdue", _("Case stages past their time limit"), late,
                              "/accountability", due=late_first, severity=Severity.OVERDUE))
    if coming:
        items.append(TodoItem("cases.due", _("Case stages due within %(days)s days",
                                             days=DUE_SOON_DAYS),
                              coming, "/accountability", due=coming_first, severity=Severity.DUE))
    return items


def tolerance_to_decide(session: Session, actor: Actor) -> list[TodoItem]:
    """Applications in scope waiting for verification or for the committee's decision."""
    if not _inspector(actor, "tolerance.edit"):
        return []
    counts = dict(session.execute(
        select(ToleranceApplication.status, func.count())
        .where(ToleranceApplication.status.in_((ToleranceStatus.SUBMITTED,
                                                ToleranceStatus.VERIFYING)),
               ToleranceApplication.unit_id.in_(actor.scoped_unit_ids()))
        .group_by(ToleranceApplication.status)).all())
    items = []
    if counts.get(ToleranceStatus.SUBMITTED):
        items.append(TodoItem("tolerance.verify", _("Error-tolerance applications to verify"),
                              counts[ToleranceStatus.SUBMITTED], "/accountability/tolerance"))
    if counts.get(ToleranceStatus.VERIFYING):
        items.append(TodoItem("tolerance.decide",
                              _("Error-tolerance applications waiting for a decision"),
                              counts[ToleranceStatus.VERIFYING], "/accountability/tolerance"))
    return items


def follow_ups_due(session: Session, actor: Actor, today: date | None = None) -> list[TodoItem]:
    """Follow-up visits whose window is open (or opens within a month), corrective actions
    and name clearings past their date."""
    if not _inspector(actor, "measures.view"):
        return []
    today = today or date.today()
    scoped = actor.scoped_unit_ids()
    late_visit = FollowUpVisit.due_on < today
    visits, late, first_due = session.execute(
        select(func.count(), func.count().filter(late_visit), func.min(FollowUpVisit.due_on))
        .join(Measure, FollowUpVisit.measure_id == Measure.id)
        .where(FollowUpVisit.visited_on.is_(None), Measure.revoked_on.is_(None),
               Measure.changed_on.is_(None),
               FollowUpVisit.earliest_on <= today + timedelta(days=VISIT_AHEAD_DAYS),
               FollowUpVisit.unit_id.in_(scoped))).one()
    items = []
    if visits:
        items.append(TodoItem("followups.visits", _("Follow-up visits due"), visits,
                              "/accountability/follow-ups", due=first_due,
                              severity=Severity.OVERDUE if late else Severity.DUE))
    if actor.can("tolerance.view"):
        corrections = session.scalar(
            select(func.count()).select_from(CorrectionAction)
            .join(ToleranceApplication, CorrectionAction.application_id == ToleranceApplication.id)
            .where(CorrectionAction.done_on.is_(None), CorrectionAction.due_on < today,
                   ToleranceApplication.unit_id.in_(scoped))) or 0
        clearings = session.scalar(
            select(func.count()).select_from(NameClearing)
            .where(NameClearing.done_on.is_(None), NameClearing.due_on < today,
                   NameClearing.unit_id.in_(scoped))) or 0
        if corrections:
            items.append(TodoItem("followups.corrections", _("Corrective actions overdue"),
                                  corrections, "/accountability/follow-ups",
                                  severity=Severity.OVERDUE))
        if clearings:
            items.append(TodoItem("followups.name_clearing", _("Name clearings overdue"),
                                  clearings, "/accountability/follow-ups",
                                  severity=Severity.OVERDUE))
    return items


def own_applications(session: Session, actor: Actor, today: date | None = None
                     ) -> list[TodoItem]:
    """A cadre: their applications still being handled, and those decided lately."""
    if actor.role != Role.CADRE or actor.cadre_id is None or not actor.can("self.view"):
        return []
    today = today or date.today()
    open_, decided = session.execute(
        select(func.count().filter(ToleranceApplication.status != ToleranceStatus.DECIDED),
               func.count().filter(ToleranceApplication.status == ToleranceStatus.DECIDED))
        .where(ToleranceApplication.cadre_id == actor.cadre_id,
               or_(ToleranceApplication.status != ToleranceStatus.DECIDED,
                   ToleranceApplication.decided_on >= today - timedelta(days=RECENT_DAYS)))
    ).one()
    items = []
    if decided:
        items.append(TodoItem("tolerance.own.decided",
                              _("Your error-tolerance application was decided: read the outcome"),
                              decided, "/my/records", severity=Severity.DUE))
    if open_:
        items.append(TodoItem("tolerance.own.open",
                              _("Your error-tolerance application is being handled"), open_,
                              "/my/records"))
    return items


PROVIDERS = {
    "cases.deadlines": case_deadlines,
    "tolerance.decide": tolerance_to_decide,
    "followups": follow_ups_due,
    "tolerance.own": own_applications,
}


def overdue_case_notices(session: Session, actor: Actor, today: date | None = None
                         ) -> list[Draft]:
    """An inspector's overdue case stages (cases they handle, or nobody does), as notices."""
    if actor.role != Role.INSPECTOR or not actor.can("cases.view"):
        return []
    today = today or date.today()
    rows = session.execute(
        select(Case.id, Case.case_no, Case.stage, Case.due_on)
        .where(Case.stage.in_(OPEN_STAGES), Case.due_on < today,
               or_(Case.handler_id == actor.user_id, Case.handler_id.is_(None)),
               Case.unit_id.in_(actor.scoped_unit_ids()))
        .order_by(Case.due_on, Case.id).limit(MAX_OVERDUE_NOTICES)).all()
    return [Draft(kind="case.overdue", title=CASE_OVERDUE,
                  params={"case_no": no, "stage": {"_": stage.msgid}, "due": due.isoformat()},
                  href=f"/accountability/case?id={case_id}",
                  key=f"case:{case_id}:{stage.value}:{due.isoformat()}", package="accountability")
            for case_id, no, stage, due in rows]


NOTICE_CHECKS = {"cases.overdue": overdue_case_notices}
