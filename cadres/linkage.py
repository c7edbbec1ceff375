"""The linkage dashboard's queries (考核结果运用): a published period's unit results in a
subtree, and the personnel decisions about those units' leaders in the window after it.

Reviewers and administrators only (``decisions.view``), within their unit subtree; the
aggregation itself is pure (``cadres.rules.linkage``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import service as assessment
from cadres import decisions
from cadres.decisions import DecisionFilter
from cadres.rules import linkage as rules
from portal.access import Actor
from portal.enums import CadreStatus, LeaderRole
from portal.errors import NotFound
from portal.i18n import _
from portal.models import Cadre, Unit
from portal.units import get_unit, scope_root


@dataclass
class Linkage:
    """One period and subtree: the units' results and the decisions in the window."""

    period_code: str
    period_kind: str
    period_end: date
    previous_code: str | None
    window_start: date
    window_end: date
    under: Unit
    units: list[rules.UnitRow] = field(default_factory=list)
    decisions: list[rules.DecisionRow] = field(default_factory=list)
    leaders: list[rules.LeaderRow] = field(default_factory=list)      # of bottom-band units

    @property
    def taken(self) -> list[rules.DecisionRow]:
        return rules.taken_about_leaders(self.decisions)

    def band_counts(self) -> dict[tuple[str, str], int]:
        return rules.band_counts(self.units, self.decisions)

    def units_per_band(self) -> dict[str, int]:
        return rules.units_per_band(self.units)

    def without_follow_up(self):
        return rules.without_follow_up(self.units, self.leaders, self.decisions)

    def low_band_promotions(self):
        return rules.low_band_promotions(self.units, self.decisions)

    def scatter_points(self):
        return rules.scatter_points(self.units, self.decisions)


def period_codes(session: Session, actor: Actor) -> list[str]:
    """Published periods, newest first (the dashboard's choices)."""
    actor.require("decisions.view")
    found = assessment.published_periods(session)
    return [p.code for p in sorted(found, key=lambda p: (p.end, p.kind == "year"), reverse=True)]


def _previous(session: Session, period) -> str | None:
    """The previous published period of the same kind (2026Q2 → 2026Q1, 2026 → 2025)."""
    earlier = [p for p in assessment.published_periods(session, period.kind) if p.end < period.end]
    return earlier[-1].code if earlier else None


def _units(session: Session, actor: Actor, code: str, previous: str | None,
           under: Unit) -> list[rules.UnitRow]:
    frame = assessment.results_with_previous(session, actor, code, previous, under.id)
    return [rules.UnitRow(int(r.unit_id), r.unit_code, r.unit_name, r.grade, float(r.composite),
                          None if r.previous is None else float(r.previous))
            for r in frame.itertuples()]


def _decisions(session: Session, actor: Actor, under: Unit, start: date,
               end: date) -> list[rules.DecisionRow]:
    found = decisions.list_decisions(session, actor,
                                     DecisionFilter(unit_id=under.id, start=start, end=end))
    rows = []
    for decision in sorted(found, key=lambda d: (d.decided_on or d.as_of, d.number)):
        frozen = ((decision.snapshot or {}).get("profile") or {}).get("cadre") or {}
        leader = frozen.get("leader_role",
                            LeaderRole(decision.cadre.leader_role).value) != LeaderRole.MEMBER.value
        rows.append(rules.DecisionRow(
            id=decision.id, number=decision.number, cadre_code=decision.cadre.code,
                                      cadre_name=decision.cadre.name,
            unit_id=decision.unit_id, type=decision.type.value, title=decision.title,
            day=decision.decided_on or decision.as_of, status=decision.status.value,
            outcome=decision.outcome.value if decision.outcome else None,
                                      overridden=decision.overridden,
            leader=leader))
    return rows


def _leaders(session: Session, actor: Actor, unit_ids: list[int]) -> list[rules.LeaderRow]:
    if not unit_ids:
        return []
    stmt = (select(Cadre.code, Cadre.name, Cadre.leader_role, Cadre.unit_id)
            .where(Cadre.unit_id.in_(unit_ids), Cadre.leader_role != LeaderRole.MEMBER,
                   Cadre.status == CadreStatus.SERVING, actor.cadre_clause()))
    return [rules.LeaderRow(code, name, LeaderRole(role).value, unit_id)
            for code, name, role, unit_id in session.execute(stmt)]


def linkage(session: Session, actor: Actor, period_code: str | None = None,
            unit_id: int | None = None
            ) -> Linkage | None:
    """The period's results below ``unit_id`` (default: the actor's whole scope) and the
    decisions in its window; ``None`` when no period has been published yet."""
    actor.require("decisions.view")
    codes = period_codes(session, actor)
    if not codes:
        return None
    code = period_code or codes[0]
    if code not in codes:
        raise NotFound(_("%(code)s has no published results yet.", code=code))
    period = assessment.period_by_code(session, code)
    under = get_unit(session, actor, int(unit_id)) if unit_id else scope_root(session, actor)
    kind = getattr(period.kind, "value", period.kind)
    start, end = rules.window(kind, period.end)
    previous = _previous(session, period)
    found = Linkage(period_code=code, period_kind=kind, period_end=period.end,
                    previous_code=previous,
                    window_start=start, window_end=end, under=under)
    found.units = _units(session, actor, code, previous, under)
    found.decisions = _decisions(session, actor, under, start, end)
    bottom = [u.unit_id for u in found.units if u.grade in rules.BOTTOM_BANDS]
    found.leaders = _leaders(session, actor, bottom)
    return found
