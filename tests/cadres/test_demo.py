"""The demo city's training and appraisal data: plausible, quick to seed, and what the demo
logins need (the ``cadre`` login has records, a pending claim and visible gaps)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from cadres import grades, service, training
from cadres.enums import AppraisalGrade, ClaimStatus, EnrolmentStatus
from cadres.models import CadreAppraisal, Enrolment, TrainingClaim, TrainingRecord
from portal import audit
from portal.access import Actor
from portal.db import session_factory
from portal.models import Cadre, User

pytestmark = pytest.mark.slow


@pytest.fixture
def seeded(clean_db, demo_templates):
    city = demo_templates.seed(clean_db, "small", today=date(2026, 11, 24))
    with session_factory(clean_db)() as session:
        yield city, session


def actor(session, username: str) -> Actor:
    return Actor.for_user(session.scalar(select(User).where(User.username == username)))


def test_the_demo_cadre_has_records_a_pending_claim_and_gaps(seeded):
    city, session = seeded
    me = actor(session, "cadre")
    assert me.cadre_id == city.featured_cadre_id
    mine = session.get(Cadre, me.cadre_id)
    progress = service.training_progress(session, me, mine, 2026, as_of=date(2026, 11, 24))
    assert progress.hours_total > 0 and progress.behind and not progress.complete
    assert any(not g.met for g in progress.gaps)
    claims = training.claims_for_cadre(session, me, me.cadre_id)
    assert {c.status for c in claims} >= {ClaimStatus.PENDING, ClaimStatus.REJECTED}
    assert len(service.grades_for_cadre(session, me, mine)) == 3
    assert service.earlier_units(session, me, mine)
    enrolled = session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.cadre_id == me.cadre_id, Enrolment.status == EnrolmentStatus.ENROLLED))
    assert enrolled == 1


def test_the_city_has_grades_records_cadres_behind_and_claims_in_every_reviewers_scope(seeded):
    city, session = seeded
    assert session.scalar(select(func.count()).select_from(CadreAppraisal)) == 3 * len(city.cadres)
    first = session.scalar(
        select(func.min(TrainingRecord.completed_on)).where(TrainingRecord.year >= 2025)
    )
    assert first < date(2025, 2, 1)
    with_records = session.scalar(select(func.count(func.distinct(TrainingRecord.cadre_id))))
    assert with_records == session.scalar(select(func.count()).select_from(Cadre))
    rows = training.scope_progress(session, actor(session, "reviewer"), 2026,
                                   as_of=date(2026, 11, 24))
    behind = sum(1 for r in rows if r.progress.behind)
    assert 0.1 * len(rows) < behind < 0.4 * len(rows)
    assert len(training.pending_claims(session, actor(session, "reviewer"))) >= 30
    assert len(training.pending_claims(session, actor(session, "reviewer-d1"))) >= 10
    assert session.scalar(select(func.count()).select_from(TrainingClaim)
                          .where(TrainingClaim.status == ClaimStatus.APPROVED)) >= 20
    assert audit.verify(session).ok


def test_every_demo_grade_is_on_the_cadres_scale_and_allowed_by_their_measures(seeded):
    city, session = seeded
    reviewer = actor(session, "reviewer")
    cadres = {c.id: c for c in session.scalars(select(Cadre))}
    rows = list(session.scalars(select(CadreAppraisal)))
    limits = grades.grade_limits_for(session, reviewer, list(cadres.values()),
                                     {r.year for r in rows})
    refused = [(cadres[r.cadre_id].code, r.year, r.grade.value) for r in rows
               if grades.grade_refusal(cadres[r.cadre_id], r.year, r.grade,
                                       limits[(r.cadre_id, r.year)])]
    assert refused == []
    given = {r.grade for r in rows}
    # both scales, and cadres under a sanction left without a grade (不定等次)
    assert {AppraisalGrade.QUALIFIED, AppraisalGrade.COMPETENT, AppraisalGrade.NOT_GRADED} <= given
    assert any(limit is not None and limit.cap == "no_excellent" for limit in limits.values())
