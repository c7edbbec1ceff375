"""Appraisal grades with the 优秀 quota, and what the reviewer dashboards compute."""

from __future__ import annotations

from datetime import date

import pytest

from cadres import grades, reports, service, training
from cadres.enums import TrainingCategory, TrainingMode
from portal.errors import AccessDenied, Invalid
from tests import factories
from tests.cadres.conftest import record

MIDYEAR = date(2026, 7, 1)


def test_a_reviewer_sets_grades_and_the_quota_check_follows(session, city):
    for n in range(4):
        factories.cadre(session, f"C01{n}", f"同事{n}", city.s1)
    session.commit()
    reviewer = city.actor("reviewer-d1")
    _row, check = grades.set_grade(session, reviewer, "C0001", 2025, "优秀")
    assert (check.assessed, check.excellent, check.allowed, check.over) == (1, 1, 0, True)
    for n in range(4):
        grades.set_grade(session, reviewer, f"C01{n}", 2025, "competent")
    (quota,) = grades.quota_checks(session, reviewer, 2025)
    assert (quota.unit_code, quota.check.assessed, quota.check.allowed, quota.check.over) == ("S1",
                                                                                              5, 1,
                                                                                              False)
    _row, check = grades.set_grade(session, reviewer, "C010", 2025, "excellent")
    assert check.over


def test_grades_of_a_cadre_are_theirs_and_their_reviewers_only(session, city):
    grades.set_grade(session, city.actor("reviewer"), "C0002", 2024, "基本称职")
    grades.set_grade(session, city.actor("reviewer"), "C0002", 2025, "称职")
    session.commit()
    assert service.grades_for_cadre(session, city.actor("cadre2"), city.cadre2) == [
        (2025, "competent"), (2024, "basically_competent")]
    with pytest.raises(AccessDenied):
        service.grades_for_cadre(session, city.actor("cadre"), city.cadre2)
    with pytest.raises(AccessDenied):
        grades.set_grade(session, city.actor("reviewer-d1"), "C0002", 2025, "优秀")


def test_a_grade_that_is_not_one_of_the_four_is_refused(session, city):
    with pytest.raises(Invalid):
        grades.set_grade(session, city.actor("reviewer"), "C0001", 2025, "良好")


def test_unit_quota_from_the_settings(session, city):
    from portal import settings

    settings.put(session, city.actor("admin"), "cadres.excellent_quota_by_unit", {"S1": 1.0})
    _row, check = grades.set_grade(session, city.actor("reviewer"), "C0001", 2025, "优秀")
    assert check.quota == 1.0 and not check.over


def _progress(session, city):
    record(session, city, city.cadre1, "理论班", 60)
    record(session, city, city.cadre1, "网络课", 10, mode=TrainingMode.ONLINE, day=date(2026, 5, 9),
           category=TrainingCategory.KNOWLEDGE)
    record(session, city, city.cadre2, "党性班", 8, category=TrainingCategory.PARTY_SPIRIT)
    return training.scope_progress(session, city.actor("reviewer"), 2026, as_of=MIDYEAR)


def test_completion_by_unit_drills_from_the_city_into_districts(session, city):
    rows = _progress(session, city)
    frame = reports.completion_by_unit(rows, city.city, [city.d1, city.d2])
    assert list(frame["unit_name"]) == ["青山区", "临江区"]
    assert list(frame["behind"]) == [0, 1]  # 70 ≥ 44.9 on pace; 8 behind
    assert list(frame["complete"]) == [0, 0]
    assert frame["avg_hours"].tolist() == [70, 8]


def test_behind_schedule_lists_the_gap_and_the_deadline(session, city):
    frame = reports.behind_schedule(_progress(session, city))
    assert frame.to_dict("records") == [{
        "code": "C0002", "name": "李娜", "unit": "梅园街道", "position": "副主任", "required": 90,
        "counted": 8.0, "missing": 82.0, "expected": 44.9, "deadline": "2026-12-31",
        # 8 hours in 182 days: 90 hours after ceil(90 × 182 / 8) = 2,048 days
        "projected": "2031-08-10"}]


def test_hours_by_category_mode_and_month(session, city):
    _progress(session, city)
    frame = reports.hours_frame(session, city.actor("reviewer-d1"), 2026)
    by_cell = reports.hours_by_category_mode(frame)
    assert sorted(map(tuple, by_cell.values.tolist())) == [("knowledge", "online", 10.0),
                                                           ("theory", "offline", 60.0)]
    months = reports.hours_by_month(frame, 2026, as_of=MIDYEAR)
    assert len(months) == 14  # January to July, offline and online
    assert months.query("month == 3 and mode == 'offline'")["hours"].item() == 60
    assert months.query("month == 5 and mode == 'online'")["hours"].item() == 10
    with pytest.raises(AccessDenied):
        reports.hours_frame(session, city.actor("cadre"), 2026)
