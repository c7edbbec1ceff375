"""Personnel decisions (干部选任/奖惩决定): proposal → review → decision, with frozen evidence.

At proposal the cadre's profile and the eligibility for the decision are frozen as JSON
with their SHA-256; the decision page shows that evidence and what has changed in the
underlying records since. Approving a promotion, rank promotion or commendation against
a block needs an explicit override reason, is audited as ``decision.override`` and is
highlighted in reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from cadres import evidence, scope
from cadres.enums import DecisionOutcome, DecisionStatus, DecisionType, rule_label
from cadres.models import PersonnelDecision
from portal import audit, notices
from portal.access import Actor, in_subtree, visible_cadre
from portal.db import utcnow
from portal.errors import Conflict, Invalid, NotFound
from portal.i18n import N_, _
from portal.models import Cadre, Unit, User
from portal.tabular import Column, Table, to_bytes

OPEN = (DecisionStatus.PROPOSED, DecisionStatus.REVIEWED)


def _require_text(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise Invalid(message, field=field)
    return text


def _next_number(session: Session, year: int) -> str:
    prefix = f"PD-{year}-"
    count = session.scalar(select(func.count()).select_from(PersonnelDecision)
                           .where(PersonnelDecision.number.startswith(prefix)))
    number = count + 1
    while session.scalar(
        select(PersonnelDecision.id).where(PersonnelDecision.number == f"{prefix}{number:04d}")
    ):
        number += 1
    return f"{prefix}{number:04d}"


def freeze(session: Session, actor: Actor, code: str, decision_type: DecisionType,
           as_of: date) -> dict:
    """The evidence a decision rests on: the profile and the eligibility for this decision."""
    profile = evidence.profile(session, actor, code, as_of)
    result = evidence.eligibility(session, actor, code, as_of, decision_type)
    return {"profile": profile.as_json(), "eligibility": result.as_json()}


def propose(session: Session, actor: Actor, *, cadre_code: str, decision_type: DecisionType,
            title: str,
            rationale: str, as_of: date | None = None) -> PersonnelDecision:
    actor.require("decisions.edit")
    cadre = visible_cadre(session, actor, code=cadre_code, permissions=evidence.PROFILE_PERMISSIONS)
    title = _require_text(title, "title", _("Say what is proposed (the post, rank or award)."))
    rationale = _require_text(rationale, "rationale", _("Give the rationale for the proposal."))
    as_of = as_of or date.today()
    snapshot = freeze(session, actor, cadre.code, decision_type, as_of)
    blocks = snapshot["eligibility"]["blocks"]
    decision = PersonnelDecision(
        number=_next_number(session, as_of.year), cadre_id=cadre.id, unit_id=cadre.unit_id,
        type=decision_type, title=title, rationale=rationale, as_of=as_of,
                                 proposed_by=actor.username,
        eligible_at_proposal=not blocks, blocks_at_proposal=len(blocks), snapshot=snapshot,
        snapshot_hash=evidence.snapshot_hash(snapshot))
    session.add(decision)
    try:
        session.flush()
    except IntegrityError:  # another proposal took the same number at the same moment
        raise Conflict(_("Another proposal was numbered at the same moment; nothing was saved. "
                         "Submit yours again.")) from None
    audit.log(session, actor, "decision.propose", decision,
              summary={"number": decision.number, "cadre": cadre.code, "type": decision_type.value,
                       "eligible": not blocks, "blocks": [b["rule"] for b in blocks],
                       "snapshot_hash": decision.snapshot_hash})
    return decision


def _scoped(session: Session, actor: Actor):
    stmt = (select(PersonnelDecision).join(Unit, PersonnelDecision.unit_id == Unit.id)
            .options(joinedload(PersonnelDecision.cadre).joinedload(Cadre.unit)))
    if scope.is_cadre(actor):
        actor.require("self.view")
        return stmt.where(PersonnelDecision.cadre_id == (actor.cadre_id or -1),
                          PersonnelDecision.status == DecisionStatus.DECIDED)
    actor.require("decisions.view")
    return stmt.where(actor.unit_clause(Unit.path))


def get_decision(session: Session, actor: Actor, decision_id: int) -> PersonnelDecision:
    decision = session.scalar(_scoped(session, actor).where(PersonnelDecision.id == decision_id))
    if decision is None:
        raise NotFound(_("No such decision among the ones you may see."))
    return decision


@dataclass(frozen=True)
class DecisionFilter:
    unit_id: int | None = None
    types: tuple[DecisionType, ...] = ()
    statuses: tuple[DecisionStatus, ...] = ()
    start: date | None = None
    end: date | None = None
    overridden_only: bool = False
    cadre_id: int | None = None


def list_decisions(session: Session, actor: Actor, filters: DecisionFilter = DecisionFilter()
                   ) -> list[PersonnelDecision]:
    """Decisions in scope, newest proposal first."""
    stmt = _scoped(session, actor)
    if filters.unit_id:
        unit = session.get(Unit, filters.unit_id)
        if unit is None or not actor.in_scope(unit.path):
            raise NotFound(_("No such unit among the units you are responsible for."))
        stmt = stmt.where(in_subtree(Unit.path, unit.path))
    if filters.types:
        stmt = stmt.where(PersonnelDecision.type.in_(filters.types))
    if filters.statuses:
        stmt = stmt.where(PersonnelDecision.status.in_(filters.statuses))
    if filters.cadre_id:
        stmt = stmt.where(PersonnelDecision.cadre_id == filters.cadre_id)
    day = func.coalesce(PersonnelDecision.decided_on, PersonnelDecision.as_of)
    if filters.start:
        stmt = stmt.where(day >= filters.start)
    if filters.end:
        stmt = stmt.where(day <= filters.end)
    if filters.overridden_only:
        stmt = stmt.where(PersonnelDecision.overridden.is_(True))
    return list(session.scalars(stmt.order_by(PersonnelDecision.proposed_at.desc(),
                                              PersonnelDecision.id.desc())))


def _editable(session: Session, actor: Actor, decision_id: int,
              version: int | None) -> PersonnelDecision:
    actor.require("decisions.edit")
    decision = get_decision(session, actor, decision_id)
    if version is not None and decision.version != version:
        raise Conflict(_("Someone else changed this decision; reload it before going on."))
    return decision


def review(session: Session, actor: Actor, decision_id: int, note: str, version: int | None = None
           ) -> PersonnelDecision:
    decision = _editable(session, actor, decision_id, version)
    if decision.status != DecisionStatus.PROPOSED:
        raise Invalid(_("Only a proposed decision can be reviewed (this one is %(status)s).",
                        status=decision.status.label), field="status")
    decision.review_note = _require_text(note, "note", _("Write the review opinion."))
    decision.status, decision.reviewed_by, decision.reviewed_at = (
        DecisionStatus.REVIEWED,
        actor.username,
        utcnow(),
    )
    session.flush()
    audit.log(session, actor, "decision.review", decision, summary={"number": decision.number})
    _tell_proposer(session, actor, decision,
                   N_("Your proposal %(number)s (%(cadre)s) was reviewed and awaits the decision"))
    return decision


def blocks_against(session: Session, actor: Actor, decision: PersonnelDecision,
                   on: date) -> list[dict]:
    """The blocks the decision would go against: frozen at proposal, or found on ``on``."""
    if not decision.type.positive:
        return []
    frozen = decision.snapshot["eligibility"]["blocks"]
    current = evidence.eligibility(session, actor, decision.cadre.code, on,
                                   decision.type).as_json()["blocks"]
    seen, found = set(), []
    for block in [*frozen, *current]:
        key = (block["rule"], block.get("source"))
        if key not in seen:
            seen.add(key)
            found.append(block)
    return found


def decide(session: Session, actor: Actor, decision_id: int, *, outcome: DecisionOutcome, note: str,
           decided_on: date | None = None, override_reason: str = "", version: int | None = None
           ) -> PersonnelDecision:
    decision = _editable(session, actor, decision_id, version)
    if decision.status != DecisionStatus.REVIEWED:
        raise Invalid(_("A decision is taken after the review (this one is %(status)s).",
                        status=decision.status.label), field="status")
    decided_on = decided_on or date.today()
    if decided_on < decision.as_of:
        raise Invalid(_("The decision date cannot be before the proposal's evidence date %(date)s.",
                        date=decision.as_of.isoformat()), field="decided_on")
    note = _require_text(note, "note", _("Write the decision's wording or reference."))
    blocks = blocks_against(session, actor, decision,
                            decided_on) if outcome == DecisionOutcome.APPROVED else []
    override_reason = (override_reason or "").strip()
    if blocks and not override_reason:
        rules = _("; ").join(rule_label(rule) for rule in sorted({b["rule"] for b in blocks}))
        raise Invalid(_("The cadre is blocked (%(rules)s); approving needs an override reason.",
                        rules=rules),
                      field="override_reason")
    decision.status, decision.outcome = DecisionStatus.DECIDED, outcome
    decision.decision_note, decision.decided_on = note, decided_on
    decision.decided_by, decision.decided_at = actor.username, utcnow()
    decision.override_reason, decision.overridden = (override_reason, True) if blocks else ("",
                                                                                            False)
    session.flush()
    audit.log(session, actor, "decision.decide", decision,
              summary={"number": decision.number, "outcome": outcome.value,
                       "decided_on": decided_on})
    if blocks:
        audit.log(session, actor, "decision.override", decision,
                  summary={"number": decision.number, "blocks": [b["rule"] for b in blocks],
                           "reason": override_reason})
    _tell_proposer(session, actor, decision,
                   N_("Your proposal %(number)s (%(cadre)s) was decided: %(outcome)s"),
                   outcome={"_": outcome.msgid})
    return decision


def withdraw(session: Session, actor: Actor, decision_id: int, reason: str,
             version: int | None = None
             ) -> PersonnelDecision:
    decision = _editable(session, actor, decision_id, version)
    if decision.status not in OPEN:
        raise Invalid(_("Only an open proposal can be withdrawn."), field="status")
    decision.decision_note = _require_text(reason, "reason",
                                           _("Say why the proposal is withdrawn."))
    decision.status = DecisionStatus.WITHDRAWN
    session.flush()
    audit.log(session, actor, "decision.withdraw", decision, summary={"number": decision.number})
    _tell_proposer(session, actor, decision,
                   N_("Your proposal %(number)s (%(cadre)s) was withdrawn"))
    return decision


def _tell_proposer(session: Session, actor: Actor, decision: PersonnelDecision, title: str,
                   **params) -> None:
    """A notice to the reviewer who proposed the decision, unless they took this step."""
    proposer = session.scalar(select(User.id).where(User.username == decision.proposed_by))
    if proposer is None:
        return
    notices.notify(session, user_ids=[proposer], exclude=[actor.user_id],
                   kind=f"decision.{decision.status.value}", title=title,
                   params={"number": decision.number, "cadre": decision.cadre.name, **params},
                   href=f"/decisions/view?id={decision.id}")


@dataclass(frozen=True)
class EvidenceCheck:
    intact: bool                          # the frozen JSON still matches its hash
    changes: list[evidence.Change]        # what the records say now about the same day


def check_evidence(session: Session, actor: Actor, decision: PersonnelDecision) -> EvidenceCheck:
    """Is the frozen evidence intact, and what has changed in the records since?"""
    intact = snapshot_intact(decision)
    now = freeze(session, actor, decision.cadre.code, decision.type, decision.as_of)
    found = evidence.changes(decision.snapshot, now,
                             ignore=(f"profile/decisions/{decision.number}",))
    return EvidenceCheck(intact, found)


def snapshot_intact(decision: PersonnelDecision) -> bool:
    """Whether the frozen JSON still matches its hash (without recomputing the evidence)."""
    return evidence.snapshot_hash(decision.snapshot) == decision.snapshot_hash


# The ``decisions`` export (docs/formats.md): the CLI's `portal export decisions` and the
# decision list's download share these columns.
EXPORT_COLUMNS = (
    Column("number", "编号"), Column("cadre_code", "干部编号"), Column("cadre_name", "姓名"),
    Column("unit_code", "单位编码"), Column("unit_name", "单位"), Column("type", "类型"),
    Column("title", "事项"), Column("status", "状态"), Column("outcome", "决定结果"),
    Column("proposed_on", "提议日期"), Column("decided_on", "决定日期"),
    Column("eligible_at_proposal", "提议时符合资格"),
                  Column("blocks_at_proposal", "提议时限制情形数"),
    Column("overridden", "例外批准"), Column("override_reason", "例外批准理由"),
    Column("snapshot_hash", "证据快照哈希"),
)


def decisions_table(found: list[PersonnelDecision]) -> Table:
    """Decisions as export rows, in the order given."""
    rows = [{"number": d.number, "cadre_code": d.cadre.code, "cadre_name": d.cadre.name,
             "unit_code": d.unit.code, "unit_name": d.unit.name, "type": d.type, "title": d.title,
             "status": d.status, "outcome": d.outcome, "proposed_on": d.as_of,
             "decided_on": d.decided_on,
             "eligible_at_proposal": d.eligible_at_proposal,
             "blocks_at_proposal": d.blocks_at_proposal,
             "overridden": d.overridden, "override_reason": d.override_reason,
             "snapshot_hash": d.snapshot_hash}
            for d in found]
    return Table("decisions", EXPORT_COLUMNS, rows)


def export_decisions(session: Session, actor: Actor, filters: DecisionFilter = DecisionFilter(),
                     fmt: str = "xlsx", header_style: str = "key") -> bytes:
    """The filtered list of decisions in scope as a file, audited as an export."""
    actor.require("export")
    table = decisions_table(list_decisions(session, actor, filters))
    content = to_bytes(table, fmt, header_style)
    audit.log(session, actor, "export", entity_type="decisions",
              summary={"kind": "decisions", "format": fmt, "rows": len(table.rows),
                       "filters": {"unit_id": filters.unit_id,
                                   "types": [t.value for t in filters.types],
                                   "statuses": [s.value for s in filters.statuses],
                                   "start": filters.start,
                                   "end": filters.end, "overridden_only": filters.overridden_only}})
    return content
