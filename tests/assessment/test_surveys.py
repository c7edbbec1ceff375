"""Survey services on a real database: codes, one response per code, tallies and the
indicator score, scope and audit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assessment import scores, surveys
from assessment.enums import PeriodStatus
from assessment.models import Score, SurveyCode, SurveyResponse
from portal import db as portal_db
from portal.enums import UnitLevel
from portal.errors import AccessDenied, Invalid, NotFound
from portal.models import AuditEvent
from tests.assessment.conftest import YEAR, build_scheme, open_period

SURVEY_SCHEME = [
    ("D1", "党建引领", None, 60, {"method": "group"}),
    ("I1", "党组织书记抓党建", "D1", 60, {"method": "direct"}),
    ("D2", "民生服务", None, 40, {"method": "group"}),
    ("MS1", "居民满意度", "D2", 40, {"method": "banded", "unit_label": "%",
                                    "bands": [[95, 1], [90, 0.85], [85, 0.7], [80, 0.5]]}),
]
ALL_SATISFIED = {"Q1": "satisfied", "Q2": "satisfied", "Q3": "satisfied", "Q4": "satisfied",
                 "Q5": "5"}
MIXED = {"Q1": "basic", "Q2": "satisfied", "Q3": "dissatisfied", "Q4": "basic", "Q5": "3"}


@pytest.fixture
def survey_period(session, city):
    build_scheme(session, city.actor("admin"), YEAR, UnitLevel.STREET, SURVEY_SCHEME)
    session.commit()
    return open_period(session, city)


def issue(session, city, period, count=3, group="residents", unit="S1", who="reviewer"):
    codes = surveys.issue_codes(session, city.actor(who), period, unit, group, count)
    session.commit()
    return codes


def test_codes_are_stored_only_as_hashes_and_their_issue_is_audited(session, city,
                                                                    survey_period):
    codes = issue(session, city, survey_period, 4)
    stored = session.scalars(select(SurveyCode.code_hash)).all()
    assert len(stored) == 4 and not set(codes) & set(stored)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "survey.codes.issue"))
    assert event.summary == {"period": survey_period, "unit": "S1", "group": "residents",
                             "count": 4}
    assert not any(code in str(event.summary) for code in codes)


def test_one_response_per_code_even_when_posted_twice(session, city, survey_period):
    code = issue(session, city, survey_period, 1)[0]
    surveys.submit(session, code, ALL_SATISFIED)
    session.commit()
    with pytest.raises(surveys.CodeRefused) as refused:
        surveys.submit(session, code, MIXED)
    session.rollback()
    assert refused.value.status == 410 and refused.value.reason == "spent"
    assert session.scalar(select(func.count()).select_from(SurveyResponse)) == 1


def test_a_second_submission_that_read_the_code_before_the_first_committed_is_refused(
        clean_db, session, city, survey_period):
    """The race: both requests found the code unspent; the conditional UPDATE lets one win."""
    code = issue(session, city, survey_period, 1)[0]
    factory = portal_db.session_factory(clean_db)
    with factory(expire_on_commit=False) as late:
        surveys.open_code(late, code)
        held = late.scalar(select(SurveyCode))  # the late request has read the code, unspent
        late.commit()
        with factory() as first:
            surveys.submit(first, code, ALL_SATISFIED)
            first.commit()
        with pytest.raises(surveys.CodeRefused):
            assert held.spent is False  # its stale copy
            surveys.submit(late, code, MIXED)
        late.rollback()
    assert session.scalar(select(func.count()).select_from(SurveyResponse)) == 1


def test_unknown_code_is_404_and_no_personal_data_is_stored(session, city, survey_period):
    with pytest.raises(surveys.CodeRefused) as refused:
        surveys.open_code(session, "abcd-efgh-jkmn")
    assert refused.value.status == 404
    with pytest.raises(surveys.CodeRefused):
        surveys.open_code(session, "../../etc/passwd")
    code = issue(session, city, survey_period, 1)[0]
    surveys.submit(session, code, MIXED)
    session.commit()
    columns = set(SurveyResponse.__table__.columns.keys())
    assert columns == {"id", "questionnaire_id", "unit_id", "group", "answers", "points",
                       "submitted_on"}


def test_incomplete_answers_are_refused_and_the_code_stays_unspent(session, city,
                                                                   survey_period):
    code = issue(session, city, survey_period, 1)[0]
    with pytest.raises(Invalid, match="Q3"):
        surveys.submit(session, code, {**ALL_SATISFIED, "Q3": "excellent"})
    session.rollback()
    assert session.scalar(select(SurveyCode.spent)) is False


def test_a_survey_closes_with_its_period(session, city, survey_period):
    code = issue(session, city, survey_period, 1)[0]
    surveys.open_code(session, code)
    from assessment import periods

    periods.transition(session, city.actor("reviewer"), survey_period, PeriodStatus.REVIEWING)
    session.commit()
    surveys.open_code(session, code)  # still open while reviewing
    questionnaire = surveys.find_questionnaire(session, periods.get(session, survey_period),
                                               UnitLevel.STREET)
    from datetime import date

    questionnaire.closes_on = date(2026, 3, 31)
    session.commit()
    with pytest.raises(surveys.CodeRefused) as refused:
        surveys.open_code(session, code, today=date(2026, 4, 1))
    assert refused.value.status == 410 and refused.value.reason == "closed"


def test_out_of_scope_office_user_is_refused(session, city, survey_period):
    with pytest.raises(NotFound):
        issue(session, city, survey_period, unit="S2", who="reviewer-d1")
    with pytest.raises(AccessDenied):
        issue(session, city, survey_period, who="cadre")
    issue(session, city, survey_period, unit="S1", who="reviewer-d1")
    rows, total = surveys.response_rates(session, city.actor("reviewer-d1"), survey_period,
                                         UnitLevel.STREET)
    assert total == 1 and [r.unit_code for r in rows] == ["S1"]
    with pytest.raises(NotFound):
        surveys.unit_summary(session, city.actor("reviewer-d1"), survey_period, city.s2.id)
    with pytest.raises(AccessDenied):
        surveys.response_rates(session, city.actor("inspector"), survey_period,
                               UnitLevel.STREET)


def test_bad_requests_for_codes_say_what_is_wrong(session, city, survey_period):
    with pytest.raises(Invalid, match="respondent group"):
        issue(session, city, survey_period, group="aliens")
    with pytest.raises(Invalid, match="between 1 and 2000"):
        issue(session, city, survey_period, count=0)
    with pytest.raises(Invalid, match="not assessed"):
        issue(session, city, survey_period, unit="K1")  # no community scheme
    assert session.scalar(select(func.count()).select_from(SurveyCode)) == 0


def _answer(session, codes, answers):
    for code in codes:
        surveys.submit(session, code, answers)
    session.commit()


def test_rates_and_the_weighted_score_feed_the_indicator(session, city, survey_period):
    residents = issue(session, city, survey_period, 10, "residents")
    leaders = issue(session, city, survey_period, 4, "leaders")
    _answer(session, residents[:6], ALL_SATISFIED)          # 6 × 100
    _answer(session, leaders[:2], MIXED)                     # 2 × 48
    rows, total = surveys.response_rates(session, city.actor("reviewer"), survey_period,
                                         UnitLevel.STREET)
    s1 = next(r for r in rows if r.unit_code == "S1")
    assert (total, s1.issued, s1.answered) == (2, 14, 8)
    # MIXED: (60 + 100 + 0 + 60 + 50) / 5 = 54; (0.3 × 100 + 0.2 × 54) / 0.5 = 81.6
    assert s1.score == 81.6
    result = surveys.apply_to_indicator(session, city.actor("reviewer"), survey_period,
                                        UnitLevel.STREET)
    session.commit()
    assert result == {"written": 1, "too_few": 0, "indicator": "MS1"}
    stored = session.scalar(select(Score).where(Score.indicator_code == "MS1"))
    assert stored.value == 81.6 and stored.unit_id == city.s1.id
    assert scores.get_score(session, city.actor("reviewer"), survey_period, city.s1.id,
                            "MS1").updated_by == "reviewer"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "survey.scores.import"))
    assert event.summary["units"] == 1 and event.summary["indicator"] == "MS1"


def test_a_unit_sees_group_means_only_from_five_answers(session, city, survey_period):
    residents = issue(session, city, survey_period, 8, "residents")
    leaders = issue(session, city, survey_period, 4, "leaders")
    _answer(session, residents[:5], MIXED)
    _answer(session, leaders[:3], ALL_SATISFIED)
    seen = surveys.unit_summary(session, city.actor("reviewer-d1"), survey_period, city.s1.id)
    by_group = {t.group.value: t for t in seen.groups}
    assert by_group["residents"].mean == 54.0 and by_group["residents"].answered == 5
    assert by_group["leaders"].mean is None and by_group["leaders"].answered == 3


def test_scores_are_not_imported_into_a_published_period(session, city, survey_period):
    from assessment import periods

    issue(session, city, survey_period, 1)
    periods.transition(session, city.actor("reviewer"), survey_period, PeriodStatus.REVIEWING)
    periods.transition(session, city.actor("reviewer"), survey_period, PeriodStatus.COLLECTING)
    session.commit()
    with pytest.raises(AccessDenied):
        surveys.apply_to_indicator(session, city.actor("cadre"), survey_period,
                                   UnitLevel.STREET)
    with pytest.raises(Invalid, match="No survey"):
        surveys.apply_to_indicator(session, city.actor("reviewer"), survey_period,
                                   UnitLevel.DISTRICT)


def test_the_office_is_reminded_of_units_whose_response_rate_lags(session, city,
                                                                  survey_period):
    from assessment.todo import survey_response_rates

    s1 = issue(session, city, survey_period, 10, unit="S1")
    issue(session, city, survey_period, 4, unit="S2")
    _answer(session, s1[:4], MIXED)  # S1 40 %, S2 0 %: both below the default 50 %
    items = survey_response_rates(session, city.actor("reviewer"))
    assert [(i.count, i.href) for i in items] == [
        (2, f"/assessment/surveys?period={survey_period}&level=street")]
    assert "below 50%: 2026Q1, Street/Township units" in items[0].title
    assert [i.count for i in survey_response_rates(session, city.actor("reviewer-d1"))] == [1]
    _answer(session, s1[4:5], MIXED)  # S1 at 50 %: no longer lagging
    assert [i.count for i in survey_response_rates(session, city.actor("reviewer"))] == [1]
    assert survey_response_rates(session, city.actor("inspector")) == []
    assert survey_response_rates(session, city.actor("cadre")) == []


def _save(session, city, period, who="reviewer", **changes):
    values = {"title": "满意度测评", "intro": "", "questions_text": "总体评价\n5|领导班子",
              "weights": {"leaders": 1, "staff": 0, "served": 0, "residents": 1},
              "indicator_code": "MS1", "closes_on": None, **changes}
    saved = surveys.save_questionnaire(session, city.actor(who), period, UnitLevel.STREET,
                                       **values)
    session.commit()
    return saved


def test_the_questionnaire_can_be_changed_until_answers_come_in(session, city, survey_period):
    saved = _save(session, city, survey_period)
    assert [q["scale"] for q in saved.questions] == ["three", "five"]
    event = session.scalar(select(AuditEvent).where(
        AuditEvent.action == "survey.questionnaire.update"))
    assert "questions" in event.summary["changes"]
    code = issue(session, city, survey_period, 1)[0]
    surveys.submit(session, code, {"Q1": "satisfied", "Q2": "4"})
    session.commit()
    with pytest.raises(Invalid, match="1 answers have come in"):
        _save(session, city, survey_period, questions_text="另一个问题")
    session.rollback()
    _save(session, city, survey_period, title="新标题")  # the title may still change
    view = surveys.questionnaire_view(session, city.actor("reviewer"), survey_period,
                                      UnitLevel.STREET)
    assert view["title"] == "新标题" and view["questions"] == "总体评价\n5|领导班子"


def test_questionnaire_input_is_checked_and_city_wide_only(session, city, survey_period):
    with pytest.raises(Invalid, match="at least one question"):
        _save(session, city, survey_period, questions_text="\n \n")
    session.rollback()
    with pytest.raises(Invalid, match="weight above 0"):
        _save(session, city, survey_period, weights={"leaders": 0})
    session.rollback()
    with pytest.raises(AccessDenied):
        _save(session, city, survey_period, who="reviewer-d1")
    session.rollback()
    view = surveys.questionnaire_view(session, city.actor("reviewer-d1"), survey_period,
                                      UnitLevel.STREET)
    assert view["questions"].startswith("您对本单位") and view["weights"]["served"] == 0.3
