"""The pages' callbacks doing their job for the people they are for (through the endpoint)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import func, select

from cadres import courses
from cadres.courses import CourseInput
from cadres.enums import AppraisalGrade, EnrolmentStatus, RecordSource
from cadres.models import (
    CadreAppraisal,
    Course,
    Enrolment,
    TrainingPlan,
    TrainingRecord,
    TrainingStandard,
)
from tests.cadres.callbacks import call, pattern_id
from tests.web import callback, login

THIS_YEAR = date.today().year


def shown(response) -> str:
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_a_reviewer_adjusts_a_plan_on_the_plans_page(client, app, city, session):
    login(client, "reviewer-d1")
    response = call(client, app, "plans.save", {
        "ca-pl-save.n_clicks": 1, "ca-pl-cadre.data": "C0001", "ca-pl-year.value": str(THIS_YEAR),
        "ca-pl-annual_hours.value": 60, "ca-pl-online_hours.value": 30,
                                                "ca-pl-theory_hours.value": 10,
        "ca-pl-party_spirit_hours.value": 10, "ca-pl-professional_hours.value": 20,
                                                "ca-pl-knowledge_hours.value": 5,
        "ca-pl-five_year_hours.value": None, "ca-pl-deadline.value": f"{THIS_YEAR}-12-31",
        "ca-pl-note.value": "病假半年"})
    assert "saved" in shown(response)
    plan = session.scalar(select(TrainingPlan))
    assert (plan.cadre.code, plan.annual_hours, plan.note, plan.adjusted_by) == ("C0001", 60,
                                                                                 "病假半年",
                                                                                "reviewer-d1")


def test_the_plan_page_says_which_number_is_wrong(client, app, city, session):
    login(client, "reviewer-d1")
    response = call(client, app, "plans.save", {
        "ca-pl-save.n_clicks": 1, "ca-pl-cadre.data": "C0001", "ca-pl-year.value": str(THIS_YEAR),
        "ca-pl-annual_hours.value": None, "ca-pl-note.value": "x"})
    assert "Annual class hours must be a number" in shown(response)
    assert session.scalar(select(func.count()).select_from(TrainingPlan)) == 0


def test_an_administrator_saves_a_standard_and_unchanged_texts_stay_translatable(client, app, city,
                                                                                 session):
    login(client, "admin")
    filled = call(client, app, "standards.fill",
                  {"ca-st-pick.value": "general"}).get_json()["response"]
    values = {f"{key}.value": prop["value"] for key, prop in filled.items()}
    values["ca-st-annual_hours.value"] = 96
    response = call(client, app, "standards.save", {"ca-st-save.n_clicks": 1, **values})
    assert "Standard general saved" in shown(response)
    row = session.scalar(select(TrainingStandard).where(TrainingStandard.code == "general"))
    assert (row.annual_hours, row.name) == (96,
                                            "Other cadres (township/section level, 一级主任科员 "
                                            "and below)")
    assert session.scalar(select(func.count()).select_from(TrainingStandard)) == 3


def test_a_reviewer_organizes_a_class_enrols_a_cadre_and_records_attendance(client, app, city,
                                                                            session):
    login(client, "reviewer")
    today = date.today().isoformat()
    created = call(client, app, "courses.create", {
        "ca-co-create.n_clicks": 1, "ca-co-title.value": "基层治理专题班",
                                                   "ca-co-category.value": "professional",
        "ca-co-mode.value": "offline", "ca-co-hours.value": 16, "ca-co-start.value": today,
                                                   "ca-co-end.value": today,
        "ca-co-unit.value": city.city.id})
    assert "基层治理专题班" in shown(created)
    course = session.scalar(select(Course))
    enrolled = call(client, app, "courses.roster",
                    {"ca-co-enrol.n_clicks": 1, "ca-co-course.data": course.id,
                                                    "ca-co-enrol-code.value": "C0001"})
    assert "王芳" in shown(enrolled)
    enrolment = session.scalar(select(Enrolment))
    attended = call(
        client,
        app,
        "courses.roster",
        {
            "ca-co-attended.n_clicks": 1,
            "ca-co-course.data": course.id,
            "ca-co-enrolments.selectedRows": [{"id": enrolment.id}],
        },
        triggered="ca-co-attended.n_clicks",
    )
    assert "class hours are recorded" in shown(attended)
    record = session.scalar(select(TrainingRecord))
    assert (record.source, record.hours, record.cadre.code) == (RecordSource.ATTENDANCE, 16,
                                                                "C0001")


def test_a_cadre_enrols_in_an_upcoming_class_from_my_training(client, app, city, session):
    start = date.today() + timedelta(days=10)
    course = courses.create_course(session, city.actor("reviewer"), CourseInput(
        title="全市冬训班", category="theory", hours=8, mode="offline", unit_id=city.city.id,
                                                                                starts_on=start,
        ends_on=start))
    session.commit()
    login(client, "cadre")
    response = call(client, app, "my_training.enrol_or_cancel",
                    {"ca-my-enrol": [({"type": "ca-my-enrol", "course": course.id}, 1)]},
                    triggered=pattern_id(type="ca-my-enrol", course=course.id))
    assert "You are enrolled" in shown(response)
    assert session.scalar(select(Enrolment.status)) == EnrolmentStatus.ENROLLED


def test_a_grade_over_the_quota_is_saved_with_a_warning(client, app, city, session):
    login(client, "reviewer")
    response = call(client, app, "grades.save",
                    {"ca-gr-save.n_clicks": 1, "ca-gr-code.value": "C0001",
                                                 "ca-gr-year.value": 2025,
                                                 "ca-gr-grade.value": "excellent"})
    assert "the quota allows 0" in shown(response)
    assert session.scalar(select(CadreAppraisal.grade)) == AppraisalGrade.EXCELLENT


def test_inspectors_get_the_basic_registry_columns_only(client, app, city):
    login(client, "inspector")
    rows = call(
        client,
        app,
        "registry.cadre_page",
        {
            "ca-reg-grid.getRowsRequest": {"startRow": 0, "endRow": 100},
            "ca-reg-status.value": ["serving"],
        },
    ).get_json()["response"]
    first = rows["ca-reg-grid"]["getRowsResponse"]["rowData"][0]
    assert set(first) == {"code", "name", "unit", "position", "rank", "category"}


def test_the_profile_page_shows_each_viewer_their_sections(client, city):
    def sections(username: str) -> str:
        login(client, username)
        response = callback(client, [("_pages_content", "children"), ("_pages_store", "data")],
                            [("_pages_location", "pathname", "/cadres/profile"),
                             ("_pages_location", "search", "?code=C0001")])
        return shown(response)

    inspector = sections("inspector")
    assert (
        "Basic information" in inspector and "Training" not in inspector and "Born" not in inspector
    )
    reviewer = sections("reviewer")
    assert all(title in reviewer for title in ("Basic information", "Posts held", "Training",
                                               "Annual appraisal grades", "Born"))


def test_a_reviewer_removes_a_wrong_record_from_the_records_page(client, app, city, session):
    from tests.cadres.conftest import record

    wrong = record(session, city, city.cadre1, "误录课程", 8, day=date(THIS_YEAR, 1, 5)).id
    login(client, "reviewer-d1")
    response = call(client, app, "records.remove", {"ca-rec-confirm.submit_n_clicks": 1,
                                                    "ca-rec-grid.selectedRows": [{"id": wrong}],
                                                    "ca-rec-year.value": str(THIS_YEAR)})
    assert "The record was removed" in shown(response)
    session.expire_all()
    assert session.get(TrainingRecord, wrong) is None
