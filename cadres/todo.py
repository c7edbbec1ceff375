"""What waits in ``cadres`` (portal.todo): claims to approve and decisions to review or take
for reviewers; training behind schedule and their own claims for a cadre.

Each provider is one or two counts over indexed, scope-filtered queries.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cadres import training
from cadres.enums import ClaimStatus, DecisionStatus
from cadres.models import PersonnelDecision, TrainingClaim
from portal.access import Actor
from portal.db import utcnow
from portal.enums import Role
from portal.i18n import _
from portal.models import Cadre, Unit
from portal.todo import Severity, TodoItem

RECENT_DAYS = 30  # a cadre's claim decided within this many days is still news
WAITING_DAYS = 14  # a claim waiting longer than this is marked due
# Behind schedule is worth a to-do item from this many hours, and this share of the hours
# expected by now (a few tenths of an hour in early January are not).
BEHIND_HOURS = 1.0
BEHIND_SHARE = 0.1


def claims_to_approve(session: Session, actor: Actor) -> list[TodoItem]:
    """Reviewers: self-study claims of cadres in scope waiting for a decision."""
    if actor.role == Role.CADRE or not actor.can("training.approve"):
        return []
    count, oldest = session.execute(
        select(func.count(), func.min(TrainingClaim.submitted_at))
        .join(Cadre, TrainingClaim.cadre_id == Cadre.id)
        .where(TrainingClaim.status == ClaimStatus.PENDING,
               Cadre.unit_id.in_(actor.scoped_unit_ids()))).one()
    if not count:
        return []
    waiting = oldest is not None and oldest < utcnow() - timedelta(days=WAITING_DAYS)
    return [TodoItem("training.claims", _("Training claims to approve"), count,
                     "/training/claims", severity=Severity.DUE if waiting else Severity.INFO)]


def decisions_to_handle(session: Session, actor: Actor) -> list[TodoItem]:
    """Reviewers: proposals to review, reviewed proposals to decide (in scope)."""
    if actor.role == Role.CADRE or not actor.can("decisions.edit"):
        return []
    counts = dict(session.execute(
        select(PersonnelDecision.status, func.count())
        .join(Unit, PersonnelDecision.unit_id == Unit.id)
        .where(PersonnelDecision.status.in_((DecisionStatus.PROPOSED, DecisionStatus.REVIEWED)),
               actor.unit_clause(Unit.path))
        .group_by(PersonnelDecision.status)).all())
    items = []
    if counts.get(DecisionStatus.PROPOSED):
        items.append(TodoItem("decisions.review", _("Personnel decisions to review"),
                              counts[DecisionStatus.PROPOSED], "/decisions"))
    if counts.get(DecisionStatus.REVIEWED):
        items.append(TodoItem("decisions.decide", _("Reviewed proposals waiting for a decision"),
                              counts[DecisionStatus.REVIEWED], "/decisions"))
    return items


def own_training(session: Session, actor: Actor, today: date | None = None) -> list[TodoItem]:
    """A cadre: hours behind the year's plan, claims waiting, claims rejected lately."""
    if actor.role != Role.CADRE or actor.cadre_id is None or not actor.can("self.view"):
        return []
    today = today or date.today()
    items = []
    cadre = session.get(Cadre, actor.cadre_id)
    if cadre is not None:
        progress = training.progress_for(session, cadre, today.year, today)
        missing = round(max(progress.expected_by_now - progress.hours_counted, 0.0), 1)
        late = today > progress.deadline and not progress.complete
        if late or (progress.behind and not progress.complete
                    and missing >= max(BEHIND_HOURS, BEHIND_SHARE * progress.expected_by_now)):
            items.append(TodoItem(
                "training.behind",
                _("Training behind schedule: %(done)s of %(expected)s hours expected by now "
                  "(%(required)s in the year)", done=round(progress.hours_counted, 1),
                  expected=round(progress.expected_by_now, 1),
                  required=round(progress.required_hours, 1)),
                int(missing + 0.999), "/my/training", due=progress.deadline,
                severity=Severity.OVERDUE if late else Severity.DUE))
    since = utcnow() - timedelta(days=RECENT_DAYS)
    counts = dict(session.execute(
        select(TrainingClaim.status, func.count())
        .where(TrainingClaim.cadre_id == actor.cadre_id,
               (TrainingClaim.status == ClaimStatus.PENDING)
               | ((TrainingClaim.status == ClaimStatus.REJECTED)
                  & (TrainingClaim.decided_at >= since)))
        .group_by(TrainingClaim.status)).all())
    if counts.get(ClaimStatus.REJECTED):
        n = counts[ClaimStatus.REJECTED]
        items.append(TodoItem("training.claims.rejected",
                              _("Claims rejected lately: read the reason"),
                              n, "/my/training", severity=Severity.DUE))
    if counts.get(ClaimStatus.PENDING):
        items.append(TodoItem("training.claims.pending", _("Your claims waiting for approval"),
                              counts[ClaimStatus.PENDING], "/my/training"))
    return items


PROVIDERS = {
    "training.claims": claims_to_approve,
    "decisions": decisions_to_handle,
    "training.own": own_training,
}
