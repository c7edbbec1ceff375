"""Demo surveys: the open quarter's satisfaction survey and democratic evaluation for every
assessed unit, with codes handed out and most of them answered, a few units lagging (the
office's to-do list reminds them), and the survey scores written into 群众满意度 (MS1).

The demo's codes are never shown to anybody (they are stored as hashes of seeded text that
no code typed at ``/survey/`` can match); to try the form, issue fresh codes on the
surveys page or with ``portal survey codes``.
"""

from __future__ import annotations

import hashlib
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import periods as period_service
from assessment import surveys
from assessment.enums import PeriodStatus, RespondentGroup
from assessment.models import Period, SurveyCode, SurveyResponse
from assessment.rules import surveys as survey_rules
from assessment.settings import survey_policy
from portal.access import Actor
from portal.db import bulk_insert
from portal.demo import DemoCity
from portal.enums import UnitKind, UnitLevel

# codes per unit and group: residents and people served are asked most
CODES = {RespondentGroup.LEADERS: 3, RespondentGroup.STAFF: 5, RespondentGroup.SERVED: 6,
         RespondentGroup.RESIDENTS: 12}
LEVELS = (UnitLevel.DISTRICT, UnitLevel.STREET, UnitLevel.COMMUNITY)


def seed(session: Session, city: DemoCity) -> None:
    period = session.scalar(select(Period).where(Period.status.in_(list(surveys.OPEN)))
                            .order_by(Period.end.desc()))
    if period is None:
        return
    rng = city.rng("surveys")
    actor = Actor.system(session, "demo")
    units = {level: [u for u in city.units if u["level"] == level
                     and u["kind"] == UnitKind.TERRITORIAL] for level in LEVELS}
    for level, members in units.items():
        if not members or period_service.scheme_for(session, period, level) is None:
            continue
        questionnaire = surveys.ensure_questionnaire(session, actor, period.code, level)
        questions = surveys.questions_of(questionnaire)
        policy = survey_policy(session)
        codes, responses = [], []
        for unit in members:
            mood = rng.uniform(0.6, 0.95)  # the share of 满意 answers in this unit
            lagging = rng.random() < 0.08
            for group, count in CODES.items():
                rate = rng.uniform(0.05, 0.3) if lagging else rng.uniform(0.55, 1.0)
                answered = round(count * rate)
                for n in range(count):
                    seed_text = f"demo-survey:{period.code}:{unit['id']}:{group.value}:{n}"
                    codes.append({"code_hash": hashlib.sha256(seed_text.encode()).hexdigest(),
                                  "questionnaire_id": questionnaire.id, "unit_id": unit["id"],
                                  "group": group, "spent": n < answered,
                                  "issued_on": period.start})
                for _n in range(answered):
                    answers = {q.code: _answer(q, mood, rng) for q in questions}
                    responses.append({
                        "questionnaire_id": questionnaire.id, "unit_id": unit["id"],
                        "group": group, "answers": answers,
                        "points": survey_rules.response_points(questions, answers, policy),
                        "submitted_on": min(city.today, period.end)})
        bulk_insert(session, SurveyCode, codes)
        bulk_insert(session, SurveyResponse, responses)
        if PeriodStatus(period.status) in {PeriodStatus.COLLECTING, PeriodStatus.REVIEWING}:
            surveys.apply_to_indicator(session, actor, period.code, level)
    session.flush()


def _answer(question: survey_rules.Question, mood: float, rng: random.Random) -> str:
    roll = rng.random()
    if question.choices == survey_rules.FIVE_CHOICES:
        return "5" if roll < mood * 0.7 else "4" if roll < mood else rng.choice("321")
    if roll < mood:
        return "satisfied"
    return "basic" if roll < mood + (1 - mood) * 0.7 else "dissatisfied"
