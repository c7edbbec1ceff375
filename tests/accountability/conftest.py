"""Fixtures for the accountability tests: the factories city and short-hands to take a
case along the workflow as an inspector would."""

from __future__ import annotations

from datetime import date

import pytest

from accountability import cases, measures
from accountability.enums import CaseStage
from tests import factories

TODAY = date(2026, 11, 24)


@pytest.fixture
def city(session):
    return factories.city(session)


def open_case(session, city, *, cadres=None, units=(), opened_on=date(2026, 1, 5), source="letters_visits",
              title="违规发放津补贴问题线索", summary="举报人反映：某街道违规发放津补贴。", actor="inspector"):
    case = cases.open_case(session, city.actor(actor), source=source, title=title, summary=summary,
                           cadre_ids=[c.id for c in (cadres if cadres is not None else [city.cadre1])],
                           unit_ids=[u.id for u in units], opened_on=opened_on, today=TODAY)
    session.commit()
    return case


STEPS = [  # (stage, date of the step)
    (CaseStage.VERIFICATION, date(2026, 1, 10)),
    (CaseStage.FILED, date(2026, 3, 1)),
    (CaseStage.INVESTIGATION, date(2026, 3, 5)),
    (CaseStage.REVIEW, date(2026, 6, 1)),
    (CaseStage.DECISION, date(2026, 6, 20)),
    (CaseStage.CLOSED, date(2026, 6, 30)),
]


def move_to(session, city, case, stage: CaseStage, actor="inspector"):
    """Walk the main line up to ``stage`` with the dates of ``STEPS``."""
    for target, on in STEPS:
        if case.stage == stage:
            break
        cases.move_case(session, city.actor(actor), case.id, target, reason=f"依规转入{target.value}", on=on,
                        today=TODAY)
    session.commit()
    return case


def decided_measure(session, city, code="admonishment", cadre=None, decided_on=date(2026, 6, 20), **extra):
    """A case about ``cadre`` taken to decision, with ``code`` recorded."""
    cadre = cadre or city.cadre1
    case = open_case(session, city, cadres=[cadre])
    move_to(session, city, case, CaseStage.DECISION)
    measure = measures.record_measure(session, city.actor("inspector"), code=code, decided_on=decided_on,
                                      cadre_id=cadre.id, case_id=case.id, note="谈话记录附卷，保密。",
                                      document_no="江纪发〔2026〕12号", today=TODAY, **extra)
    session.commit()
    return case, measure
