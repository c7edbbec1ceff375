"""The demo city's accountability data: every stage, every measure, every outcome, some
overdue, and the ``cadre`` login with a measure in effect and an application."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from accountability import cases, measures, rules, service, tolerance
from accountability.enums import CaseStage, MeasureType, ToleranceOutcome
from accountability.models import Case, Measure, ToleranceApplication
from portal.access import Actor
from portal.models import Cadre, User

TODAY = date(2026, 11, 24)


@pytest.fixture
def seeded(clean_db, session, demo_templates):
    return demo_templates.seed(clean_db, "small", today=TODAY)


def actor(session, username):
    return Actor.for_user(session.scalar(select(User).where(User.username == username)))


@pytest.mark.slow
def test_the_demo_has_cases_in_every_stage_with_some_overdue(session, seeded):
    stages = dict(session.execute(select(Case.stage, func.count()).group_by(Case.stage)).all())
    assert set(stages) == set(CaseStage)
    assert 200 <= sum(stages.values()) <= 600
    rows = cases.case_rows(session, actor(session, "inspector"), today=TODAY)
    assert sum(r.overdue for r in rows) >= 3
    assert rows[0].overdue  # the desk puts them first


@pytest.mark.slow
def test_the_demo_has_every_measure_and_every_tolerance_outcome(session, seeded):
    codes = set(session.scalars(select(Measure.code).distinct()))
    assert codes == set(MeasureType)
    outcomes = set(session.scalars(select(ToleranceApplication.outcome).distinct()))
    assert set(ToleranceOutcome) <= outcomes and None in outcomes
    assert session.scalar(
        select(func.count()).select_from(Measure).where(Measure.revoked_on.is_not(None))
    )
    assert session.scalar(
        select(func.count()).select_from(Measure).where(Measure.replaces_id.is_not(None))
    )
    assert measures.follow_up_visits(session, actor(session, "inspector"), today=TODAY)
    assert tolerance.corrections_due(session, actor(session, "inspector"), pending_only=False,
                                     today=TODAY)
    assert tolerance.name_clearings_due(session, actor(session, "inspector"), pending_only=False,
                                        today=TODAY)


@pytest.mark.slow
def test_the_demo_cadre_has_an_admonishment_in_effect_and_an_application(session, seeded):
    city = seeded
    cadre = actor(session, "cadre")
    assert cadre.cadre_id == city.featured_cadre_id
    [view] = service.measure_effects_for_cadre(session, cadre, session.get(Cadre, cadre.cadre_id))
    assert view.code == "admonishment" and view.decided_on == TODAY - timedelta(days=92)
    assert view.in_effect(TODAY) and view.effect_until > TODAY
    [own] = tolerance.own_applications(session, cadre, today=TODAY)
    assert own.outcome.measure_id == view.measure_id and own.outcome.status == "verifying"


@pytest.mark.slow
def test_demo_measures_follow_who_may_receive_what(session, seeded):
    rows = session.execute(select(Measure, Cadre).join(Cadre, Measure.cadre_id == Cadre.id)).all()
    impossible = [(cadre.code, measure.code.value) for measure, cadre in rows
                  if rules.recipient_problem(measure.code, party_member=cadre.party_member,
                                             category=cadre.category)]
    assert impossible == []
    transfers = [(measure, cadre) for measure,
                 cadre in rows if measure.code == MeasureType.JUDICIAL_TRANSFER]
    assert transfers
    for transfer, cadre in transfers:  # 移送司法 with 开除党籍 and 开除 ("双开") where they apply
        alongside = {m.code for m, c in rows if c.id == cadre.id and m.case_id == transfer.case_id
                     and m.decided_on == transfer.decided_on}
        expected = rules.companions(transfer.code, party_member=cadre.party_member,
                                    category=cadre.category)
        assert set(expected) <= alongside
