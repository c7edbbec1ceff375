"""Announcement (公示) and appeals (申诉) as a unit and the office live them: the window,
upholding recomputes the ranking, refusals leave the database as it was."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from assessment import appeals, periods, results, scores, service, todo
from assessment.enums import AppealStatus, PeriodStatus
from assessment.models import Appeal, Period, Score
from portal import notices
from portal.access import Actor
from portal.enums import Role, UnitLevel
from portal.errors import AccessDenied, Invalid, NotFound
from portal.models import AuditEvent
from tests import factories
from tests.assessment.conftest import (
    S1_VALUES,
    S2_VALUES,
    STREET_SCHEME,
    YEAR,
    build_scheme,
    enter,
    open_period,
)

MONDAY = date(2026, 12, 7)  # announced on a Monday: the window runs to Friday 2026-12-11
FRIDAY, NEXT_MONDAY = date(2026, 12, 11), date(2026, 12, 14)
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def announce(session, city, code: str, today: date = MONDAY) -> None:
    reviewer = city.actor("reviewer")
    periods.transition(session, reviewer, code, PeriodStatus.REVIEWING)
    periods.transition(session, reviewer, code, PeriodStatus.ANNOUNCED, today=today)
    session.commit()


@pytest.fixture
def announced(session, city, street_scheme):
    """2026Q1 announced on MONDAY: S1 92 (1st), S2 82 (2nd)."""
    code = open_period(session, city)
    enter(session, city, code, city.s1, S1_VALUES)
    enter(session, city, code, city.s2, S2_VALUES)
    announce(session, city, code)
    return code


def appeal_s2(session, city, code, today=MONDAY, **extra) -> Appeal:
    appeal = appeals.file_appeal(session, city.actor("reviewer"), code, city.s2.id, "I3",
                                 "三起安全事件中两起不属于本街道辖区", today=today, **extra)
    session.commit()
    return appeal


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_announcing_freezes_the_results_and_opens_five_working_days(session, city, announced):
    period = periods.get(session, announced)
    assert period.status == PeriodStatus.ANNOUNCED
    assert (period.announced_on, period.announced_until) == (MONDAY, FRIDAY)
    frame = results.results_frame(session, city.actor("reviewer"), announced)
    assert frame.set_index("unit_code")["composite"].to_dict() == {"S1": 92.0, "S2": 82.0}
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "period.announce"))
    assert event.summary["announced_until"] == "2026-12-11"


def test_announced_results_are_not_yet_evidence_for_other_packages(session, city, announced):
    assert service.latest_published_period(session) is None
    assert service.unit_result_history(session, city.actor("reviewer"), city.s1.id) == []


def test_a_unit_appeals_one_score_with_evidence_within_the_window(session, city, announced):
    appeal = appeal_s2(session, city, announced, today=FRIDAY, evidence=PDF,
                       evidence_name="情况说明.pdf")
    assert (appeal.status, appeal.original_value, appeal.original_points) == ("open", 3, 28)
    name, kind, data = appeals.evidence_file(session, city.actor("reviewer"), appeal.id)
    assert (name, kind, data) == ("情况说明.pdf", "application/pdf", PDF)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "appeal.file"))
    assert event.summary["indicator"] == "I3" and event.summary["evidence_bytes"] == len(PDF)


def test_an_appeal_after_the_window_is_refused_and_nothing_is_written(session, city, announced):
    with pytest.raises(Invalid, match="ended on 2026-12-11"):
        appeal_s2(session, city, announced, today=NEXT_MONDAY)
    session.rollback()
    assert count(session, Appeal) == 0


def test_a_period_that_is_only_reviewing_cannot_be_appealed(session, city, street_scheme):
    code = open_period(session, city)
    with pytest.raises(Invalid, match="not announced"):
        appeal_s2(session, city, code)


def test_an_appeal_out_of_scope_or_by_another_role_is_refused(session, city, announced):
    with pytest.raises(NotFound):  # S2 lies in the second district
        appeals.file_appeal(session, city.actor("reviewer-d1"), announced, city.s2.id, "I3",
                            "不属于本辖区", today=MONDAY)
    with pytest.raises(AccessDenied):
        appeals.file_appeal(session, city.actor("cadre"), announced, city.s1.id, "I3",
                            "不属于本辖区", today=MONDAY)
    session.rollback()
    assert count(session, Appeal) == 0


def test_an_unknown_indicator_a_short_reason_or_a_fake_pdf_is_refused(session, city, announced):
    reviewer = city.actor("reviewer")
    with pytest.raises(Invalid, match="not a scored indicator"):
        appeals.file_appeal(session, reviewer, announced, city.s2.id, "D1", "维度不能申诉",
                            today=MONDAY)
    with pytest.raises(Invalid, match="reason"):
        appeals.file_appeal(session, reviewer, announced, city.s2.id, "I3", " ", today=MONDAY)
    with pytest.raises(Invalid, match="not really a PDF") as refused:
        appeals.file_appeal(session, reviewer, announced, city.s2.id, "I3", "附件为证明材料",
                            evidence=b"MZ\x90\x00", evidence_name="proof.pdf", today=MONDAY)
    assert refused.value.field == "evidence"
    session.rollback()
    assert count(session, Appeal) == 0


def test_a_second_open_appeal_on_the_same_indicator_is_refused(session, city, announced):
    appeal_s2(session, city, announced)
    with pytest.raises(Invalid, match="already has an open appeal"):
        appeal_s2(session, city, announced)


def test_upholding_corrects_the_score_and_recomputes_the_ranking(session, city, announced):
    appeal = appeal_s2(session, city, announced)
    appeals.decide(session, city.actor("reviewer"), appeal.id, AppealStatus.UPHELD,
                   corrected_value=0, reason="核实后两起不属本辖区, 一起已计入",
                   expected_version=appeal.version)
    session.commit()
    frame = results.results_frame(session, city.actor("reviewer"), announced)
    by_unit = frame.set_index("unit_code")
    assert by_unit.loc["S2", "composite"] == 94.0  # 24 + 30 + 40
    assert by_unit.loc["S2", "rank_in_level"] == 1 and by_unit.loc["S1", "rank_in_level"] == 2
    score = scores.get_score(session, city.actor("reviewer"), announced, city.s2.id, "I3")
    assert score.value == 0 and score.updated_by == "reviewer"
    decided = session.get(Appeal, appeal.id)
    assert (decided.status, decided.corrected_value, decided.decided_by) == ("upheld", 0,
                                                                             "reviewer")
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "appeal.uphold"))
    assert event.summary["before"]["rank"] == 2 and event.summary["after"]["rank"] == 1
    corrected = session.scalars(select(AuditEvent).where(AuditEvent.action == "score.update")
                                .order_by(AuditEvent.id.desc())).first()
    assert corrected.summary["appeal"] == appeal.id and corrected.summary["before"] == 3


def test_rejecting_needs_a_reason_and_changes_no_score(session, city, announced):
    appeal = appeal_s2(session, city, announced)
    reviewer = city.actor("reviewer")
    with pytest.raises(Invalid, match="reason"):
        appeals.decide(session, reviewer, appeal.id, AppealStatus.REJECTED, reason="")
    appeals.decide(session, reviewer, appeal.id, AppealStatus.REJECTED,
                   reason="经核查三起事件均在本街道辖区")
    session.commit()
    assert session.get(Appeal, appeal.id).status == "rejected"
    score = scores.get_score(session, reviewer, announced, city.s2.id, "I3")
    assert score.value == 3


def test_a_bad_corrected_value_leaves_the_appeal_open_and_the_score_alone(session, city,
                                                                          announced):
    appeal = appeal_s2(session, city, announced)
    with pytest.raises(Invalid, match="must not be negative"):
        appeals.decide(session, city.actor("reviewer"), appeal.id, AppealStatus.UPHELD,
                       corrected_value=-1)
    session.rollback()
    assert session.get(Appeal, appeal.id).status == "open"
    assert session.scalar(select(Score.value).where(Score.unit_id == city.s2.id,
                                                    Score.indicator_code == "I3")) == 3
    assert results.results_frame(session, city.actor("reviewer"), announced).set_index(
        "unit_code").loc["S2", "composite"] == 82.0


def test_only_the_city_wide_office_decides_and_only_once(session, city, announced):
    appeal = appeal_s2(session, city, announced)
    with pytest.raises(AccessDenied):
        appeals.decide(session, city.actor("reviewer-d1"), appeal.id, AppealStatus.REJECTED,
                       reason="不予支持")
    appeals.decide(session, city.actor("reviewer"), appeal.id, AppealStatus.REJECTED,
                   reason="不予支持")
    session.commit()
    with pytest.raises(Invalid, match="already decided"):
        appeals.decide(session, city.actor("reviewer"), appeal.id, AppealStatus.UPHELD,
                       corrected_value=0)


def test_the_period_becomes_final_only_after_the_window_with_no_appeal_open(session, city,
                                                                           announced):
    reviewer = city.actor("reviewer")
    appeal = appeal_s2(session, city, announced)
    with pytest.raises(periods.PublishBlocked) as blocked:
        periods.transition(session, reviewer, announced, PeriodStatus.PUBLISHED, today=FRIDAY)
    assert len(blocked.value.lines) == 2
    session.rollback()
    with pytest.raises(Invalid, match="still open"):
        periods.transition(session, reviewer, announced, PeriodStatus.REVIEWING,
                           reason="需要重新核对数据")
    session.rollback()
    appeals.decide(session, reviewer, appeal.id, AppealStatus.REJECTED, reason="不予支持")
    periods.transition(session, reviewer, announced, PeriodStatus.PUBLISHED, today=NEXT_MONDAY)
    session.commit()
    assert session.scalar(select(Period.status)) == "published"
    assert service.latest_published_period(session).code == announced


def test_the_appeal_list_and_the_announcement_keep_to_the_scope(session, city, announced):
    appeal_s2(session, city, announced)
    rows, total = appeals.appeals_page(session, city.actor("reviewer"), period_code=announced)
    assert total == 1 and rows[0].indicator_name == "安全事件" and rows[0].unit_code == "S2"
    assert appeals.appeals_page(session, city.actor("reviewer-d1"))[1] == 0
    assert appeals.open_count(session, city.actor("reviewer")) == 1
    _period, listed = appeals.announcement(session, city.actor("reviewer-d1"), announced)
    assert [(r.unit_code, r.rank_in_level, r.count_in_level) for r in listed] == [("S1", 1, 2)]
    with pytest.raises(NotFound):
        appeals.get_appeal(session, city.actor("reviewer-d1"), rows[0].id)


def test_the_unit_sees_what_it_may_still_appeal(session, city, announced):
    found = appeals.appealable(session, city.actor("reviewer"), city.s2.id, today=MONDAY)
    assert [a.period_code for a in found] == [announced]
    assert [code for code, *_rest in found[0].indicators] == ["I1", "I2", "I3", "B1", "V1"]
    assert appeals.appealable(session, city.actor("reviewer"), city.s2.id,
                              today=NEXT_MONDAY) == []


def reporter(session, city, unit, department_code=None):
    user = factories.user(session, f"rep-{unit.code}-{department_code or 'u'}", Role.REPORTER,
                          unit)
    user.department_code = department_code
    session.commit()
    return Actor.for_user(user)


def test_a_unit_reporter_appeals_for_their_own_unit_only(session, city, announced):
    own = reporter(session, city, city.s2)
    appeal = appeals.file_appeal(session, own, announced, city.s2.id, "I3", "统计口径有误",
                                 today=MONDAY)
    assert appeal.created_by == own.username
    assert [a.id for a in appeals.appeals_page(session, own)[0]] == [appeal.id]
    with pytest.raises(NotFound):
        appeals.file_appeal(session, own, announced, city.s1.id, "I3", "统计口径有误",
                            today=MONDAY)
    with pytest.raises(AccessDenied):  # the unit appeals; the office decides
        appeals.decide(session, own, appeal.id, AppealStatus.REJECTED, reason="自己驳回")


def test_a_lead_departments_reporter_cannot_appeal(session, city, announced):
    department = reporter(session, city, city.city, department_code="ZFW")
    with pytest.raises(AccessDenied, match="lead department"):
        appeals.file_appeal(session, department, announced, city.s2.id, "I3", "统计口径有误",
                            today=MONDAY)
    assert appeals.appeal_units(session, department, MONDAY) == []


def test_the_office_sees_appeals_to_decide_in_its_to_do_list(session, city, announced):
    appeal_s2(session, city, announced)
    found = todo.appeals_to_decide(session, city.actor("reviewer"), today=MONDAY)
    assert [(i.kind, i.count, i.severity) for i in found] == [("appeals.decide", 1, "info")]
    late = todo.appeals_to_decide(session, city.actor("reviewer"), today=NEXT_MONDAY)
    assert late[0].severity == "due"  # the period waits on it
    appeals.file_appeal(session, city.actor("reviewer-d1"), announced, city.s1.id, "I1",
                        "书记述职评议分数录入有误", today=MONDAY)
    session.commit()
    # a district reviewer sees the appeal in the list but does not decide it
    assert todo.appeals_to_decide(session, city.actor("reviewer-d1"), today=MONDAY) == []
    assert todo.appeals_to_decide(session, city.actor("reviewer"), today=MONDAY)[0].count == 2
    assert todo.appeals_to_decide(session, city.actor("cadre"), today=MONDAY) == []


def test_a_unit_reporter_is_told_of_the_announcement_and_of_the_decision(session, city,
                                                                         announced):
    own = reporter(session, city, city.s2)
    items = todo.results_to_check(session, own, today=MONDAY)
    assert [i.href for i in items] == [f"/assessment/announcement?period={announced}"]
    assert todo.results_to_check(session, own, today=NEXT_MONDAY) == []
    appeal = appeals.file_appeal(session, own, announced, city.s2.id, "I3", "统计口径有误",
                                 today=MONDAY)
    appeals.decide(session, city.actor("reviewer"), appeal.id, AppealStatus.REJECTED,
                   reason="经核查维持原值")
    session.commit()
    listed = notices.list_for(session, own)
    assert len(listed) == 1 and "rejected: 经核查维持原值" in listed[0].text
    assert notices.unread_count(session, city.actor("reviewer")) == 0


def test_an_appeal_names_the_indicator_of_the_units_own_scheme(session, city, street_scheme):
    """Levels share indicator codes: a district's I3 is not a street's I3."""
    district_rows = [(code, "区级" + name, parent, weight, extra)
                     for code, name, parent, weight, extra in STREET_SCHEME]
    build_scheme(session, city.actor("admin"), YEAR, UnitLevel.DISTRICT, district_rows)
    session.commit()
    code = open_period(session, city)
    for unit, values in ((city.s1, S1_VALUES), (city.s2, S2_VALUES),
                         (city.d1, S1_VALUES), (city.d2, S2_VALUES)):
        enter(session, city, code, unit, values)
    announce(session, city, code)
    reviewer = city.actor("reviewer")
    for unit in (city.s2, city.d2):
        appeals.file_appeal(session, reviewer, code, unit.id, "I3",
                            "三起安全事件中两起不属于本辖区", today=MONDAY)
    session.commit()
    listed, total = appeals.appeals_page(session, reviewer, period_code=code)
    names = {view.unit_code: view.indicator_name for view in listed}
    assert total == 2 and names == {"S2": "安全事件", "D2": "区级安全事件"}
    one = next(view for view in listed if view.unit_code == "D2")
    assert appeals.get_appeal(session, reviewer, one.id).indicator_name == "区级安全事件"
