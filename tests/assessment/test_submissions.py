"""Reporting and its check (填报审核) against a real database: a unit reporter and a lead
department's reporter enter their figures with evidence, the office returns, accepts and
locks; accepted figures become the period's scores; nobody reaches another unit's report."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from assessment import periods, results, scores, submissions
from assessment.enums import PeriodStatus, SubmissionStatus
from assessment.models import Evidence, Score, Submission
from portal.enums import UnitLevel
from portal.errors import AccessDenied, Invalid
from portal.models import AuditEvent

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF"
CODE = "2026Q1"
OWN = {"I1": 27.0, "I2": 72.0, "B1": 1.0, "V1": 0.0}  # the unit's own set; I3 is the ZFW's


def enter_own(session, city, values=OWN, username="reporter-unit", unit=None):
    actor = city.actor(username)
    for code, value in values.items():
        submissions.save_figure(session, actor, CODE, (unit or city.s1).id, None, code, value)
    session.commit()


def own_report(session, city, unit=None) -> Submission:
    return session.scalar(select(Submission).where(Submission.unit_id == (unit or city.s1).id,
                                                   Submission.set_key == "unit"))


def test_each_reporter_sees_only_the_indicators_of_their_set(session, reporting):
    unit_view = submissions.view(session, reporting.actor("reporter-unit"), CODE,
                                 reporting.s1.id)
    assert [f["indicator_code"] for f in unit_view.figures] == ["I1", "I2", "B1", "V1"]
    dept_view = submissions.view(session, reporting.actor("reporter-dept"), CODE,
                                 reporting.s2.id, "ZFW")
    assert [f["indicator_code"] for f in dept_view.figures] == ["I3"]
    assert dept_view.set_name == "市委政法委" and dept_view.lock is None


def test_the_whole_round_submit_return_resubmit_accept_lock(session, reporting):
    city = reporting
    reporter, office = city.actor("reporter-unit"), city.actor("reviewer")
    enter_own(session, city, {"I1": 27.0})
    report = own_report(session, city)
    with pytest.raises(Invalid, match="missing: 两新组织党组织覆盖率"):
        submissions.act(session, reporter, report.id, "submit")
    session.rollback()
    enter_own(session, city)
    submissions.act(session, reporter, report.id, "submit")
    session.commit()
    with pytest.raises(Invalid, match="cannot change now. Submitted"):
        submissions.save_figure(session, reporter, CODE, city.s1.id, None, "I1", 20.0)
    session.rollback()
    with pytest.raises(Invalid, match="why"):
        submissions.act(session, office, report.id, "return", "")
    session.rollback()
    submissions.act(session, office, report.id, "return", "覆盖率与台账不符，请核实")
    session.commit()
    returned = submissions.view(session, reporter, CODE, city.s1.id)
    assert returned.status == SubmissionStatus.RETURNED and returned.lock is None
    assert returned.return_reason == "覆盖率与台账不符，请核实" and returned.returned_count == 1
    submissions.save_figure(session, reporter, CODE, city.s1.id, None, "I2", 75.0)
    submissions.act(session, reporter, report.id, "submit")
    submissions.act(session, office, report.id, "accept")
    session.commit()
    stored = dict(session.execute(select(Score.indicator_code, Score.value).where(
        Score.unit_id == city.s1.id)).all())
    assert stored == {"I1": 27.0, "I2": 75.0, "B1": 1.0, "V1": 0.0}
    submissions.act(session, office, report.id, "lock")
    session.commit()
    locked = submissions.view(session, reporter, CODE, city.s1.id)
    assert locked.status == SubmissionStatus.LOCKED and "Locked" in locked.lock.label
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("submission.%")).order_by(AuditEvent.seq)).all()
    assert [a for a in actions if a != "submission.figure"] == [
        "submission.submit", "submission.return", "submission.submit", "submission.accept",
        "submission.lock"]


def test_the_office_score_sheet_states_the_lock_and_refuses_to_overwrite(session, reporting):
    city = reporting
    enter_own(session, city)
    report = own_report(session, city)
    submissions.act(session, city.actor("reporter-unit"), report.id, "submit")
    session.commit()
    office = city.actor("reviewer")
    rows = {r["indicator_code"]: r for r in scores.sheet(session, office, CODE, UnitLevel.STREET,
                                                         unit_id=city.s1.id)}
    assert rows["I1"]["lock"].startswith("Submitted") and rows["I3"]["lock"] == ""
    with pytest.raises(Invalid, match="cannot change here. Submitted"):
        scores.set_score(session, office, CODE, city.s1.id, "I1", 10.0, None)
    session.rollback()
    scores.set_score(session, office, CODE, city.s1.id, "I3", 1.0, None)  # another set: free
    session.commit()


def test_a_reporter_of_another_unit_reaches_nothing_of_this_one(session, reporting):
    city = reporting
    enter_own(session, city)
    report = own_report(session, city)
    intruder = city.actor("reporter-s2")
    with pytest.raises(AccessDenied):
        submissions.view(session, intruder, CODE, city.s1.id)
    with pytest.raises(AccessDenied):
        submissions.view_by_id(session, intruder, report.id)
    with pytest.raises(AccessDenied):
        submissions.save_figure(session, intruder, CODE, city.s1.id, None, "I1", 0.0)
    with pytest.raises(AccessDenied):
        submissions.act(session, intruder, report.id, "submit")
    with pytest.raises(AccessDenied):
        submissions.act(session, city.actor("reporter-unit"), report.id, "accept")
    with pytest.raises(AccessDenied):  # a department's reporter does not write a unit's own set
        submissions.save_figure(session, city.actor("reporter-dept"), CODE, city.s1.id, None,
                                "I1", 0.0)
    with pytest.raises(AccessDenied):  # nor a unit reporter the department's
        submissions.save_figure(session, city.actor("reporter-unit"), CODE, city.s1.id, "ZFW",
                                "I3", 0.0)
    session.rollback()
    assert session.scalar(select(Score.id)) is None
    assert submissions.view(session, city.actor("reporter-unit"), CODE,
                            city.s1.id).figures[0]["value"] == 27.0


def test_a_district_reviewer_decides_only_reports_of_their_district(session, reporting):
    city = reporting
    enter_own(session, city, username="reporter-s2", unit=city.s2)
    report = own_report(session, city, city.s2)
    submissions.act(session, city.actor("reporter-s2"), report.id, "submit")
    session.commit()
    with pytest.raises(AccessDenied):
        submissions.act(session, city.actor("reviewer-d1"), report.id, "accept")


def test_the_department_reports_its_indicator_for_every_unit(session, reporting):
    city = reporting
    dept = city.actor("reporter-dept")
    for unit, value in ((city.s1, 1.0), (city.s2, 3.0)):
        submissions.save_figure(session, dept, CODE, unit.id, "ZFW", "I3", value)
    session.commit()
    first = session.scalar(select(Submission).where(Submission.set_key != "unit",
                                                    Submission.unit_id == city.s1.id))
    submissions.act(session, dept, first.id, "submit")
    submissions.act(session, city.actor("reviewer"), first.id, "accept")
    session.commit()
    assert session.scalar(select(Score.value).where(Score.unit_id == city.s1.id,
                                                    Score.indicator_code == "I3")) == 1.0


def test_an_exception_reopens_one_units_accepted_report_in_review(session, reporting):
    city = reporting
    reporter, office = city.actor("reporter-unit"), city.actor("reviewer")
    enter_own(session, city)
    report = own_report(session, city)
    submissions.act(session, reporter, report.id, "submit")
    submissions.act(session, office, report.id, "accept")
    periods.transition(session, office, CODE, PeriodStatus.REVIEWING)
    session.commit()
    assert submissions.view(session, reporter, CODE, city.s1.id).lock.value == "accepted"
    with pytest.raises(Invalid, match="why"):
        submissions.act(session, office, report.id, "reopen", "")
    session.rollback()
    submissions.act(session, office, report.id, "reopen", "特批：台风影响，补报数据")
    session.commit()
    reopened = submissions.view(session, reporter, CODE, city.s1.id)
    assert reopened.lock is None and reopened.exception_reason == "特批：台风影响，补报数据"
    submissions.save_figure(session, reporter, CODE, city.s1.id, None, "I1", 28.0)
    session.commit()
    other = submissions.view(session, city.actor("reporter-s2"), CODE, city.s2.id)
    assert other.lock.value == "period_closed"  # the exception is for one unit only


def test_evidence_is_checked_stored_and_downloaded_only_by_those_in_scope(session, reporting):
    city = reporting
    reporter = city.actor("reporter-unit")
    with pytest.raises(Invalid, match="not really a PDF"):
        submissions.add_evidence(session, reporter, CODE, city.s1.id, None, "fake.pdf",
                                 b"MZ\x90\x00 not a pdf")
    session.rollback()
    with pytest.raises(Invalid, match="at most 10 MB"):
        submissions.add_evidence(session, reporter, CODE, city.s1.id, None, "big.pdf",
                                 PDF + b"\x00" * (10 * 2**20))
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Evidence)) == 0
    saved = submissions.add_evidence(session, reporter, CODE, city.s1.id, None,
                                     "C:\\scans\\台账.pdf", PDF)
    session.commit()
    name, kind, data = submissions.evidence_file(session, city.actor("reviewer"), saved.id)
    assert (name, kind, data) == ("台账.pdf", "application/pdf", PDF)
    assert submissions.evidence_file(session, reporter, saved.id)[2] == PDF
    assert submissions.evidence_file(session, city.actor("reviewer-d1"), saved.id)[2] == PDF
    for outsider in ("reporter-s2", "reporter-dept"):
        with pytest.raises(AccessDenied):
            submissions.evidence_file(session, city.actor(outsider), saved.id)
    with pytest.raises(AccessDenied):
        submissions.evidence_file(session, city.actor("inspector"), saved.id)


def test_the_progress_board_counts_and_flags_reports(session, reporting):
    city = reporting
    office = city.actor("reviewer")
    made = submissions.open_reporting(session, office, CODE, due_on=date(2026, 4, 10))
    session.commit()
    assert made == 4  # two streets × (their own set, 政法委's set)
    enter_own(session, city)
    report = own_report(session, city)
    for _round in range(2):
        submissions.act(session, city.actor("reporter-unit"), report.id, "submit")
        submissions.act(session, office, report.id, "return", "请补充佐证材料")
    session.commit()
    board = submissions.progress(session, office, CODE, today=date(2026, 4, 11))
    assert board.count == 4 and board.counts["not_submitted"] == 4
    assert board.counts["overdue"] == 4 and board.counts["returned_often"] == 1
    often = submissions.progress(session, office, CODE, show="returned_often",
                                 today=date(2026, 4, 11))
    assert often.count == 1 and often.rows[0]["unit_code"] == "S1"
    assert often.rows[0]["returned_often"] and often.rows[0]["overdue"]
    page = submissions.progress(session, office, CODE, start=1, end=3,
                                sort=[{"colId": "unit_code", "sort": "desc"}])
    assert page.count == 4 and len(page.rows) == 2
    district = submissions.progress(session, city.actor("reviewer-d1"), CODE)
    assert {r["unit_code"] for r in district.rows} == {"S1"}
    own_department = submissions.progress(session, city.actor("reporter-dept"), CODE)
    assert own_department.count == 2 and {r["set_name"] for r in own_department.rows} == {
        "市委政法委"}
    with pytest.raises(AccessDenied):
        submissions.progress(session, city.actor("reporter-unit"), CODE)


def test_a_unit_reporter_reads_their_own_results_and_no_other_units(session, reporters,
                                                                     published):
    reporter = reporters.actor("reporter-unit")
    own = results.unit_result(session, reporter, published, reporters.s1.id)
    assert own is not None and own.rank_in_level == 1
    assert not results.breakdown(session, reporter, published, reporters.s1.id).empty
    with pytest.raises(AccessDenied):
        results.unit_result(session, reporter, published, reporters.s2.id)
    with pytest.raises(AccessDenied):
        results.unit_result(session, reporters.actor("reporter-dept"), published,
                            reporters.s1.id)
