"""Courses and classes: who sees them, enrolment, attendance into records (once)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from cadres import courses, service
from cadres.courses import CourseInput
from cadres.enums import EnrolmentStatus, RecordSource
from cadres.models import TrainingRecord
from portal.errors import AccessDenied, Conflict, Invalid, NotFound
from tests.cadres.conftest import record

TODAY = date(2026, 5, 1)


def course(session, actor, unit, title="基层治理能力提升班", start="2026-06-01", **extra):
    values = dict(title=title, category="professional", hours=16, mode="offline", starts_on=start,
                  ends_on=start, unit_id=unit.id, provider="市委党校")
    values.update(extra)
    created = courses.create_course(session, actor, CourseInput(**values))
    session.commit()
    return created


def test_a_cadre_sees_classes_of_their_unit_and_above_but_not_of_another_district(session, city):
    reviewer = city.actor("reviewer")
    city_class = course(session, reviewer, city.city, "全市主体班")
    own = course(session, reviewer, city.d1, "青山区专题班")
    other = course(session, reviewer, city.d2, "临江区专题班")
    seen = {c.id for c in courses.catalogue(session, city.actor("cadre"))}
    assert seen == {city_class.id, own.id}
    with pytest.raises(NotFound):
        courses.get_course(session, city.actor("cadre"), other.id)
    # a district reviewer sees the city's classes and their own, not the other district's
    assert {c.id for c in courses.catalogue(session, city.actor("reviewer-d1"))} == {city_class.id,
                                                                                     own.id}


def test_a_reviewer_cannot_organize_a_class_for_a_unit_outside_scope(session, city):
    with pytest.raises(NotFound):
        course(session, city.actor("reviewer-d1"), city.d2)
    with pytest.raises(AccessDenied):
        course(session, city.actor("cadre"), city.s1)


def test_course_codes_number_the_classes_of_each_year(session, city):
    reviewer = city.actor("reviewer")
    assert course(session, reviewer, city.city, "一").code == "K2026-001"
    assert course(session, reviewer, city.city, "二").code == "K2026-002"
    with pytest.raises(Invalid):
        course(session, reviewer, city.city, "三", start="2026-06-02", ends_on="2026-06-01")


def test_a_cadre_enrols_before_the_class_starts_and_not_twice(session, city):
    upcoming = course(session, city.actor("reviewer"), city.city)
    cadre = city.actor("cadre")
    assert [c.id for c in courses.open_courses(session, cadre, TODAY)] == [upcoming.id]
    enrolment = courses.enrol(session, cadre, upcoming.id, cadre_code="C0002", today=TODAY)
    assert enrolment.cadre_id == city.cadre1.id  # the code sent is ignored: a cadre enrols themself
    with pytest.raises(Conflict):
        courses.enrol(session, cadre, upcoming.id, today=TODAY)
    with pytest.raises(Invalid):
        courses.enrol(session, city.actor("cadre2"), upcoming.id, today=date(2026, 6, 2))


def test_a_full_class_takes_nobody_else(session, city):
    small = course(session, city.actor("reviewer"), city.city, capacity=1)
    courses.enrol(session, city.actor("cadre"), small.id, today=TODAY)
    with pytest.raises(Conflict):
        courses.enrol(session, city.actor("cadre2"), small.id, today=TODAY)


def test_attendance_becomes_a_record_that_counts_once(session, city):
    reviewer = city.actor("reviewer-d1")
    held = course(session, city.actor("reviewer"), city.city)
    enrolment = courses.enrol(session, reviewer, held.id, cadre_code="C0001", today=TODAY)
    courses.mark_attendance(session, reviewer, enrolment.id, True, today=date(2026, 6, 2))
    courses.mark_attendance(session, reviewer, enrolment.id, True, today=date(2026, 6, 2))
    session.commit()
    (made,) = session.scalars(select(TrainingRecord)).all()
    assert (made.source, made.hours, made.course_id) == (RecordSource.ATTENDANCE, 16, held.id)
    assert enrolment.status == EnrolmentStatus.ATTENDED
    progress = service.training_progress(session, reviewer, city.cadre1, 2026,
                                         as_of=date(2026, 6, 2))
    assert progress.hours_by_category["professional"] == 16


def test_attendance_of_a_course_already_imported_does_not_add_hours(session, city):
    held = course(session, city.actor("reviewer"), city.city)
    record(session, city, city.cadre1, held.title, 16, day=date(2026, 6, 1))
    enrolment = courses.enrol(session, city.actor("reviewer"), held.id, cadre_code="C0001",
                              today=TODAY)
    courses.mark_attendance(session, city.actor("reviewer"), enrolment.id, True,
                            today=date(2026, 6, 2))
    assert session.scalar(select(func.count()).select_from(TrainingRecord)) == 1


def test_attendance_is_not_recorded_before_the_class_or_outside_scope(session, city):
    held = course(session, city.actor("reviewer"), city.city)
    enrolment = courses.enrol(session, city.actor("cadre2"), held.id, today=TODAY)
    with pytest.raises(Invalid):
        courses.mark_attendance(session, city.actor("reviewer"), enrolment.id, True, today=TODAY)
    with pytest.raises(AccessDenied):
        courses.mark_attendance(session, city.actor("reviewer-d1"), enrolment.id, True,
                                today=date(2026, 6, 2))


def test_reviewers_see_only_their_scopes_enrolments(session, city):
    held = course(session, city.actor("reviewer"), city.city)
    courses.enrol(session, city.actor("cadre"), held.id, today=TODAY)
    courses.enrol(session, city.actor("cadre2"), held.id, today=TODAY)
    assert [e.cadre.code for e in courses.enrolments(session, city.actor("reviewer-d1"),
                                                     held.id)] == ["C0001"]
    with pytest.raises(AccessDenied):
        courses.enrolments(session, city.actor("cadre"), held.id)
