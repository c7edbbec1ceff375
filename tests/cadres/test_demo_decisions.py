"""The demo's personnel decisions: every type and status, overrides with their reasons and
audit events, a blocked cadre for every rule of the negative list, and bottom-band units
whose leaders were left without follow-up."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from assessment import service as assessment
from cadres import evidence
from cadres.enums import DecisionOutcome, DecisionStatus, DecisionType
from cadres.models import PersonnelDecision
from portal import audit
from portal.access import Actor
from portal.db import session_factory
from portal.enums import LeaderRole
from portal.models import AuditEvent, Cadre, User

pytestmark = pytest.mark.slow
TODAY = date(2026, 11, 24)
RULES = {"under_investigation", "sanction_effect", "appraisal_grade", "min_tenure", "unit_veto"}


@pytest.fixture
def demo_city(clean_db, demo_templates):
    city = demo_templates.seed(clean_db, "small", today=TODAY)
    with session_factory(clean_db)() as session:
        reviewer = Actor.for_user(session.scalar(select(User).where(User.username == "reviewer")))
        yield city, session, reviewer


def test_the_demo_has_decisions_of_every_type_status_and_outcome(demo_city):
    city, session, _admin = demo_city
    found = list(session.scalars(select(PersonnelDecision)))
    assert {d.type for d in found} == set(DecisionType)
    assert {d.status for d in found} == set(DecisionStatus)
    assert {d.outcome for d in found if d.outcome} == set(DecisionOutcome)
    assert all(d.cadre_id != city.featured_cadre_id for d in found)
    decided = [d.decided_on for d in found if d.decided_on]
    assert min(decided) >= date(2024, 11, 24) and max(decided) < TODAY
    assert audit.verify(session).ok


def test_overrides_carry_a_reason_and_an_audit_event(demo_city):
    _city, session, _admin = demo_city
    overridden = list(
        session.scalars(select(PersonnelDecision).where(PersonnelDecision.overridden.is_(True)))
    )
    assert 3 <= len(overridden) <= 5
    assert all(d.override_reason and d.outcome == DecisionOutcome.APPROVED for d in overridden)
    assert all(not d.eligible_at_proposal for d in overridden)
    events = {
        e.entity_id
        for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "decision.override"))
    }
    assert {str(d.id) for d in overridden} <= events


def test_every_rule_of_the_negative_list_blocks_some_demo_cadre(demo_city):
    city, session, admin = demo_city
    found: set[str] = set()
    latest = assessment.latest_published_period(session)
    frame = assessment.results_for_period(session, admin, latest.code)
    vetoed = set(frame[frame["vetoed"]]["unit_id"])
    leaders_first = sorted(session.scalars(select(Cadre).where(Cadre.id != city.featured_cadre_id)),
                           key=lambda c: (c.unit_id not in vetoed, c.id))
    for cadre in leaders_first:
        for kind in (DecisionType.PROMOTION, DecisionType.RANK_PROMOTION):
            found |= {b.rule for b in evidence.eligibility(session, admin, cadre.code, TODAY,
                                                           kind).blocks}
        if found >= RULES:
            break
    assert found >= RULES


def test_some_leaders_of_bottom_band_units_were_left_without_follow_up(demo_city):
    _city, session, admin = demo_city
    latest = assessment.latest_published_period(session)
    frame = assessment.results_for_period(session, admin, latest.code)
    poor = set(frame[frame["grade"] == "poor"]["unit_id"])
    followed = set(
        session.scalars(
            select(PersonnelDecision.unit_id).where(
                PersonnelDecision.status == DecisionStatus.DECIDED,
                PersonnelDecision.decided_on > latest.end,
            )
        )
    )
    leaders = set(
        session.scalars(
            select(Cadre.unit_id).where(
                Cadre.unit_id.in_(poor), Cadre.leader_role != LeaderRole.MEMBER
            )
        )
    )
    assert len(leaders - followed) >= 2
    assert poor & followed  # and most were followed up
