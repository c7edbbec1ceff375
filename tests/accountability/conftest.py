"""Fixtures for the accountability tests: the factories city and short-hands to take a
case along the workflow as an inspector would."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from accountability import cases, measures, tolerance
from accountability.enums import CaseStage
from accountability.rules import CRITERIA
from tests import factories

TODAY = date(2026, 11, 24)


@pytest.fixture
def city(session):
    return factories.city(session)


def open_case(session, city, *, cadres=None, units=(), opened_on=date(2026, 1, 5),
              source="letters_visits",
              title="违规发放津补贴问题线索", summary="举报人反映：某街道违规发放津补贴。",
              actor="inspector"):
    case = cases.open_case(
        session,
        city.actor(actor),
        source=source,
        title=title,
        summary=summary,
        cadre_ids=[c.id for c in (cadres if cadres is not None else [city.cadre1])],
        unit_ids=[u.id for u in units],
        opened_on=opened_on,
        today=TODAY,
    )
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
        cases.move_case(session, city.actor(actor), case.id, target,
                        reason=f"依规转入{target.value}", on=on,
                        today=TODAY)
    session.commit()
    return case


def decided_measure(session, city, code="admonishment", cadre=None, decided_on=date(2026, 6, 20),
                    **extra):
    """A case about ``cadre`` taken to decision, with ``code`` recorded."""
    cadre = cadre or city.cadre1
    case = open_case(session, city, cadres=[cadre])
    move_to(session, city, case, CaseStage.DECISION)
    measure = measures.record_measure(session, city.actor("inspector"), code=code,
                                      decided_on=decided_on,
                                      cadre_id=cadre.id, case_id=case.id,
                                      note="谈话记录附卷，保密。",
                                      document_no="江纪发〔2026〕12号", today=TODAY, **extra)
    session.commit()
    return case, measure


SECRETS = ["机密摘要：举报人张某反映", "机密标题", "机密备注", "江纪密〔2026〕9号", "他人申请陈述",
           "核实笔记机密",
           "委员会机密理由"]
SOURCE_LABEL = "Inspection tour"  # the source of the clue (巡视巡察) is confidential too


@pytest.fixture
def world(client, session):
    """Two cadres, a case about both with a confidential summary, measures with notes, and
    applications: cadre2's (secret to cadre1) and cadre1's own."""
    city = factories.city(session)
    inspector = city.actor("inspector")
    case = cases.open_case(session, inspector, source="inspection_tour", title="机密标题",
                           summary="机密摘要：举报人张某反映违规发放津补贴",
                           cadre_ids=[city.cadre1.id, city.cadre2.id],
                           opened_on=date(2026, 1, 5), today=date(2026, 11, 24))
    for stage, on in [("verification", date(2026, 1, 10)), ("filed", date(2026, 2, 1)),
                      ("investigation", date(2026, 2, 5)), ("review", date(2026, 5, 1)),
                      ("decision", date(2026, 5, 20))]:
        cases.move_case(session, inspector, case.id, stage,
                        reason="机密理由" if stage == "filed" else "依规",
                        on=on, today=date(2026, 11, 24))
    own = measures.record_measure(session, inspector, code="party_warning",
                                  decided_on=date(2026, 5, 20),
                                  cadre_id=city.cadre1.id, case_id=case.id, note="机密备注",
                                  document_no="江纪密〔2026〕9号", today=date(2026, 11, 24))
    other = measures.record_measure(session, inspector, code="admonishment",
                                    decided_on=date(2026, 5, 20),
                                    cadre_id=city.cadre2.id, case_id=case.id, note="机密备注",
                                    today=date(2026, 11, 24))
    theirs = tolerance.submit_application(session, inspector, cadre_id=city.cadre2.id,
                                          measure_id=other.id,
                                          statement="他人申请陈述", today=date(2026, 6, 1))
    tolerance.start_verification(session, inspector, theirs.id)
    tolerance.save_verification(session, inspector, theirs.id,
                                checks={c.code: True for c in CRITERIA[:9]},
                                notes="核实笔记机密")
    tolerance.decide(session, inspector, theirs.id, outcome="exempt", reasons="委员会机密理由",
                     decided_by="委员会",
                     decided_on=date(2026, 7, 1), today=date(2026, 11, 24))
    mine = tolerance.submit_application(session, city.actor("cadre"), measure_id=own.id,
                                        statement="本人申请陈述", today=date(2026, 6, 2))
    visit = session.scalar(
        select(measures.FollowUpVisit).where(measures.FollowUpVisit.measure_id == own.id)
    )
    clearing = tolerance.open_name_clearing(session, inspector, cadre_id=city.cadre2.id,
                                            finding_on=date(2026, 10, 1), today=date(2026, 11, 24))
    session.commit()
    return {"city": city, "case": case.id, "measure": own.id, "theirs": theirs.id, "mine": mine.id,
            "visit": visit.id, "clearing": clearing.id, "cadre1": city.cadre1,
            "cadre2": city.cadre2}


def readable(response) -> str:
    """The response as text with Chinese characters as they are (JSON escapes them)."""
    data = response.get_json(silent=True)
    return json.dumps(data,
                      ensure_ascii=False) if data is not None else response.get_data(as_text=True)


