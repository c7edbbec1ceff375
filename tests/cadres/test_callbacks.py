"""Every cadres callback called directly as a cadre user for another cadre returns nothing of
that cadre; reviewers get only their scope. (Callbacks are HTTP endpoints: anyone logged in
can call them with any input.)"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from cadres import courses, grades, training
from cadres.courses import CourseInput
from cadres.enums import AppraisalGrade, ClaimStatus, EnrolmentStatus
from cadres.models import CadreAppraisal, Enrolment, TrainingClaim, TrainingPlan, TrainingRecord
from cadres.training import ClaimInput
from tests.cadres.callbacks import cadres_callbacks, call, pattern_id
from tests.cadres.conftest import record
from tests.web import login

THIS_YEAR = date.today().year
SECRETS = ("李娜", "C0002", "李娜的秘密课程", "李娜的申报", "李娜的证明材料", "李娜的计划调整")
MINE = "王芳的党校课程"


@pytest.fixture
def world(session, city):
    """Cadre 1 (王芳, the ``cadre`` login, district 1) and cadre 2 (李娜, district 2) each with
    records, a pending claim, an enrolment, a grade and a plan; returns their ids."""
    day = date(THIS_YEAR, 1, 2)
    record(session, city, city.cadre1, MINE, 16, day=day)
    secret = record(session, city, city.cadre2, "李娜的秘密课程", 24, day=day)
    reviewer = city.actor("reviewer")
    training.adjust_plan(session, reviewer, "C0002", THIS_YEAR, {"annual_hours": 70},
                         "李娜的计划调整")
    grades.set_grade(session, reviewer, "C0002", THIS_YEAR - 1,
                     AppraisalGrade.BASICALLY_COMPETENT.value)
    claim = training.submit_claim(session, city.actor("cadre2"), ClaimInput(
        title="李娜的申报", category="theory", hours=5, mode="online", completed_on=day,
        evidence="李娜的证明材料"))
    upcoming = courses.create_course(session, reviewer, CourseInput(
        title="全市冬训班", category="theory", hours=8, mode="offline", unit_id=city.city.id,
        starts_on=date.today() + timedelta(days=20), ends_on=date.today() + timedelta(days=20)))
    other_district = courses.create_course(session, reviewer, CourseInput(
        title="临江区内部班", category="theory", hours=8, mode="offline", unit_id=city.d2.id,
        starts_on=date.today() + timedelta(days=20), ends_on=date.today() + timedelta(days=20)))
    enrolment = courses.enrol(session, city.actor("cadre2"), upcoming.id)
    session.commit()
    return {"claim": claim.id, "course": upcoming.id, "other_course": other_district.id,
            "enrolment": enrolment.id, "record": secret.id}


def text(response) -> str:
    """The response with Chinese characters readable (Dash escapes them in its JSON)."""
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    return response.get_data(as_text=True)


def leaks(response) -> list[str]:
    shown = text(response)
    return [secret for secret in SECRETS if secret in shown]


def as_cadre(client):
    login(client, "cadre")
    return client


# callbacks of the cadre's own pages, each tested one by one below
OWN_CALLBACKS = {"my_training.show_year", "my_training.submit_claim", "my_training.withdraw",
                 "my_training.enrol_or_cancel", "profile.show_year"}


# --- the cadre's own pages -------------------------------------------------------------------

def test_my_training_year_shows_only_my_records(client, app, world):
    response = call(as_cadre(client), app, "my_training.show_year",
                    {"ca-my-year.value": str(THIS_YEAR)})
    assert response.status_code == 200
    assert MINE in text(response)
    assert leaks(response) == []


def test_a_claim_submitted_through_the_callback_is_always_the_callers_own(client, app, world,
                                                                          session):
    response = call(as_cadre(client), app, "my_training.submit_claim", {
        "ca-my-claim-submit.n_clicks": 1, "ca-my-claim-title.value": "自学新课",
                                                                        "ca-my-claim-category.value":
        "theory", "ca-my-claim-hours.value": 4, "ca-my-claim-mode.value": "online",
        "ca-my-claim-date.value": date.today().isoformat(), "ca-my-claim-evidence.value": "截图"})
    assert response.status_code == 200 and leaks(response) == []
    made = session.scalar(select(TrainingClaim).where(TrainingClaim.title == "自学新课"))
    assert made.cadre.code == "C0001"


def test_a_cadre_cannot_withdraw_another_cadres_claim(client, app, world, session):
    response = call(as_cadre(client), app, "my_training.withdraw",
                    {"ca-my-withdraw": [({"type": "ca-my-withdraw", "claim": world["claim"]}, 1)]},
                    triggered=pattern_id(type="ca-my-withdraw", claim=world["claim"]))
    assert leaks(response) == []
    assert "only see your own" in text(response)
    session.expire_all()
    assert session.get(TrainingClaim, world["claim"]).status == ClaimStatus.PENDING


def test_a_cadre_cannot_cancel_another_cadres_place_or_enrol_in_a_class_not_open_to_them(client,
                                                                                         app, world,
                                                                                      session):
    client = as_cadre(client)
    cancel = call(client, app, "my_training.enrol_or_cancel",
                  {"ca-my-cancel": [({"type": "ca-my-cancel", "enrolment": world["enrolment"]},
                                     1)]},
                  triggered=pattern_id(type="ca-my-cancel", enrolment=world["enrolment"]))
    assert leaks(cancel) == [] and "only see your own" in text(cancel)
    session.expire_all()
    assert session.get(Enrolment, world["enrolment"]).status == EnrolmentStatus.ENROLLED
    enrol = call(client, app, "my_training.enrol_or_cancel",
                 {"ca-my-enrol": [({"type": "ca-my-enrol", "course": world["other_course"]}, 1)]},
                 triggered=pattern_id(type="ca-my-enrol", course=world["other_course"]))
    assert "临江区内部班" not in text(enrol) and "No such course" in text(enrol)


def test_profile_year_for_another_cadres_code_returns_nothing_of_them(client, app, world):
    response = call(as_cadre(client), app, "profile.show_year",
                    {"ca-profile-year.value": str(THIS_YEAR), "ca-profile-code.data": "C0002"})
    assert leaks(response) == []
    own = call(client, app, "profile.show_year",
               {"ca-profile-year.value": str(THIS_YEAR), "ca-profile-code.data": "C0001"})
    assert MINE in text(own)


@pytest.mark.parametrize("search", ["?code=C0002", f"?code=C0002&year={THIS_YEAR}"])
@pytest.mark.parametrize("path", ["/cadres/profile", "/my/training/certificate"])
def test_pages_of_another_cadre_show_nothing_of_them(client, world, path, search):
    from tests.web import callback

    response = callback(as_cadre(client),
                        [("_pages_content", "children"), ("_pages_store", "data")],
                        [("_pages_location", "pathname", path),
                         ("_pages_location", "search", search)])
    assert response.status_code == 200
    assert leaks(response) == []
    assert "only see your own" in text(response)


def test_the_cadres_own_certificate_lists_their_courses(client, world):
    from tests.web import callback

    response = callback(as_cadre(client),
                        [("_pages_content", "children"), ("_pages_store", "data")],
                        [("_pages_location", "pathname", "/my/training/certificate"),
                         ("_pages_location", "search", f"?year={THIS_YEAR}")])
    assert MINE in text(response) and leaks(response) == []


# --- reviewer pages called by a cadre ---------------------------------------------------------

REVIEWER_CALLS = [
    ("registry.search", {"ca-reg-text.value": "李", "ca-reg-status.value": ["serving"]}),
    ("registry.cadre_page", {"ca-reg-grid.getRowsRequest": {"startRow": 0, "endRow": 100},
                             "ca-reg-text.value": "李", "ca-reg-status.value": ["serving"]}),
    ("records.search", {"ca-rec-year.value": str(THIS_YEAR), "ca-rec-text.value": "C0002"}),
    ("records.record_rows", {"ca-rec-grid.getRowsRequest": {"startRow": 0, "endRow": 100},
                             "ca-rec-year.value": str(THIS_YEAR), "ca-rec-text.value": "C0002"}),
    ("overview.refresh", {"ca-ov-year.value": str(THIS_YEAR), "ca-ov-unit.data": None}),
    ("overview.drill", {"ca-ov-completion.clickData": {"points": [{"customdata": [3, 1, 1]}]}}),
    ("overview.behind_rows", {"ca-ov-behind.getRowsRequest": {"startRow": 0, "endRow": 100},
                              "ca-ov-year.value": str(THIS_YEAR), "ca-ov-unit.data": None}),
    ("claims.show_claim", {"ca-cl-grid.selectedRows": [{"id": "CLAIM"}]}),
    ("claims.decide", {"ca-cl-approve.n_clicks": 1, "ca-cl-grid.selectedRows": [{"id": "CLAIM"}]}),
    ("courses.select_course", {"ca-co-grid.selectedRows": [{"id": "COURSE"}]}),
    ("courses.roster",
     {"ca-co-enrol.n_clicks": 1, "ca-co-course.data": "COURSE", "ca-co-enrol-code.value": "C0002"}),
    ("courses.create",
     {"ca-co-create.n_clicks": 1, "ca-co-title.value": "x", "ca-co-category.value": "theory",
                        "ca-co-mode.value": "offline", "ca-co-hours.value": 4,
                        "ca-co-start.value": "2030-01-01"}),
    ("plans.stats", {"ca-pl-year.value": str(THIS_YEAR)}),
    ("plans.generate", {"ca-pl-generate.n_clicks": 1, "ca-pl-year.value": str(THIS_YEAR)}),
    ("plans.open_plan",
     {"ca-pl-open.n_clicks": 1, "ca-pl-code.value": "C0002", "ca-pl-year.value": str(THIS_YEAR)}),
    ("plans.save",
     {"ca-pl-save.n_clicks": 1, "ca-pl-cadre.data": "C0002", "ca-pl-year.value": str(THIS_YEAR),
                    "ca-pl-annual_hours.value": 1, "ca-pl-note.value": "x"}),
    ("records.remove",
     {"ca-rec-confirm.submit_n_clicks": 1, "ca-rec-grid.selectedRows": [{"id": "RECORD"}],
                        "ca-rec-year.value": str(THIS_YEAR)}),
    ("standards.fill", {"ca-st-pick.value": "general"}),
    ("standards.save",
     {"ca-st-save.n_clicks": 1, "ca-st-code.value": "general", "ca-st-annual_hours.value": 1,
                        "ca-st-online_hours.value": 1, "ca-st-source.value": "x"}),
    ("standards.save_setting",
     {"ca-st-setting-save.n_clicks": 1, "ca-st-setting.value": "cadres.excellent_quota",
                                "ca-st-setting-value.value": "90%"}),
    ("grades.show_year", {"ca-gr-view-year.value": str(THIS_YEAR - 1)}),
    ("grades.save",
     {"ca-gr-save.n_clicks": 1, "ca-gr-code.value": "C0002", "ca-gr-year.value": THIS_YEAR - 1,
                     "ca-gr-grade.value": "excellent"}),
    # the portrait (tests/cadres/test_portrait_page.py checks that nothing is written)
    ("portrait.check_eligibility",
     {"ca-pf-elig-type.value": "promotion", "ca-pf-elig-asof.value": "2026-11-24",
                                    "ca-profile-code.data": "C0002"}),
    ("portrait_propose.toggle_modal",
     {"ca-pf-propose-open.n_clicks": 1, "ca-pf-propose-modal.is_open": False}),
    ("portrait_propose.warn_blocks",
     {"ca-pf-prop-type.value": "promotion", "ca-profile-code.data": "C0002"}),
    ("portrait_propose.submit_proposal",
     {"ca-pf-prop-submit.n_clicks": 1, "ca-pf-prop-type.value": "promotion",
                                          "ca-pf-prop-title.value": "x",
                                          "ca-pf-prop-rationale.value": "y",
                                          "ca-profile-code.data": "C0002"}),
    ("linkage.refresh", {"ca-lk-period.value": None, "ca-lk-unit.value": None}),
    ("annual_report.show", {"ca-ar-unit.value": 1, "ca-ar-year.value": str(THIS_YEAR)}),
    ("annual_report.prepared", {'{"kind":"annual_report_view","type":"job-done"}.data': 1,
                                "ca-ar-unit.value": 1, "ca-ar-year.value": str(THIS_YEAR)}),
    ("annual_report.download",
     {"ca-ar-xlsx.n_clicks": 1, "ca-ar-unit.value": 1, "ca-ar-year.value": str(THIS_YEAR)}),
    # leadership teams (tests/cadres/test_team_pages.py checks roles and scope in detail)
    ("teams.refresh", {"ca-tm-level.value": "street", "ca-tm-unit.value": None}),
    ("teams.unit_page", {"ca-tm-grid.getRowsRequest": {"startRow": 0, "endRow": 100},
                         "ca-tm-level.value": "street"}),
    ("teams.show_team", {"ca-tm-grid.cellClicked": {"rowId": "5"}}),
    ("teams.download", {"ca-tm-xlsx.n_clicks": 1, "ca-tm-level.value": "street"}),
]


def _fill(values: dict, world: dict) -> dict:
    replaced = {}
    for key, value in values.items():
        if value == "COURSE":
            value = world["course"]
        elif isinstance(value, list) and value and isinstance(value[0], dict) and "id" in value[0]:
            value = [{"id": {"CLAIM": world["claim"], "RECORD": world["record"]}.get(value[0]["id"],
                                                                                     world["course"])}]
        replaced[key] = value
    return replaced


@pytest.mark.parametrize(("name", "values"), REVIEWER_CALLS, ids=[n for n, _v in REVIEWER_CALLS])
def test_reviewer_callbacks_give_a_cadre_nothing_and_change_nothing(client, app, world, session,
                                                                    name, values):
    response = call(as_cadre(client), app, name, _fill(values, world))
    assert response.status_code in (200, 204, 403)
    assert leaks(response) == []
    session.expire_all()
    assert session.get(TrainingClaim, world["claim"]).status == ClaimStatus.PENDING
    plan = session.scalar(
        select(TrainingPlan)
        .join(TrainingPlan.cadre)
        .where(TrainingPlan.year == THIS_YEAR, TrainingPlan.note != "")
    )
    assert plan.annual_hours == 70
    assert session.scalar(select(CadreAppraisal.grade)) == AppraisalGrade.BASICALLY_COMPETENT
    assert training.standards(session)[0].code == "leading_county"  # the defaults, untouched
    assert session.get(TrainingRecord, world["record"]) is not None


def test_the_same_calls_show_the_other_cadre_to_the_reviewer_in_scope(client, app, world):
    """The control: these checks would see a leak."""
    login(client, "reviewer")
    profile = call(client, app, "profile.show_year",
                   {"ca-profile-year.value": str(THIS_YEAR), "ca-profile-code.data": "C0002"})
    assert "李娜的秘密课程" in text(profile)
    plan = call(client, app, "plans.open_plan",
                {"ca-pl-code.value": "C0002", "ca-pl-year.value": str(THIS_YEAR)})
    assert "李娜的计划调整" in text(plan)
    claim = call(client, app, "claims.show_claim",
                 {"ca-cl-grid.selectedRows": [{"id": world["claim"]}]})
    assert "李娜的证明材料" in text(claim)


def test_every_cadres_callback_has_an_isolation_test(app):
    from tests.cadres.test_appointment_print import ISOLATION_TESTED as PRINT_TESTED
    from tests.cadres.test_decision_pages import ISOLATION_TESTED  # tested in that file
    from tests.cadres.test_record_pages import ISOLATION_TESTED as RECORD_PAGES_TESTED
    from tests.cadres.test_roster_pages import ISOLATION_TESTED as ROSTER_TESTED

    names = set(cadres_callbacks(app))
    tested_here = (
        OWN_CALLBACKS
        | ISOLATION_TESTED
        | RECORD_PAGES_TESTED
        | ROSTER_TESTED
        | PRINT_TESTED
        | {name for name, _values in REVIEWER_CALLS}
    )
    assert names - tested_here == set(), "add an isolation test for these callbacks"


# --- reviewers see their scope only ------------------------------------------------------------

def test_a_district_reviewer_sees_no_cadre_of_another_district(client, app, world):
    login(client, "reviewer-d1")
    for name, values in [("records.search", {"ca-rec-year.value": str(THIS_YEAR)}),
                         ("records.record_rows",
                          {"ca-rec-grid.getRowsRequest": {"startRow": 0, "endRow": 100},
                                                  "ca-rec-year.value": str(THIS_YEAR)}),
                         ("overview.refresh", {"ca-ov-year.value": str(THIS_YEAR)}),
                         ("overview.behind_rows",
                          {"ca-ov-behind.getRowsRequest": {"startRow": 0, "endRow": 100},
                                                   "ca-ov-year.value": str(THIS_YEAR)}),
                         ("registry.search", {"ca-reg-status.value": ["serving"]}),
                         ("registry.cadre_page",
                          {"ca-reg-grid.getRowsRequest": {"startRow": 0, "endRow": 100},
                                                  "ca-reg-status.value": ["serving"]}),
                         ("plans.open_plan",
                          {"ca-pl-code.value": "C0002", "ca-pl-year.value": str(THIS_YEAR)}),
                         ("claims.show_claim",
                          {"ca-cl-grid.selectedRows": [{"id": world["claim"]}]})]:
        response = call(client, app, name, values)
        assert leaks(response) == [], name
    own = call(client, app, "records.record_rows",
               {"ca-rec-grid.getRowsRequest": {"startRow": 0, "endRow": 100},
                                                    "ca-rec-year.value": str(THIS_YEAR)})
    assert MINE in text(own)


def test_a_district_reviewer_cannot_approve_a_claim_of_another_district(client, app, world,
                                                                        session):
    login(client, "reviewer-d1")
    response = call(
        client,
        app,
        "claims.decide",
        {"ca-cl-approve.n_clicks": 1, "ca-cl-grid.selectedRows": [{"id": world["claim"]}]},
        triggered="ca-cl-approve.n_clicks",
    )
    assert "outside the units" in text(response)
    session.expire_all()
    assert session.get(TrainingClaim, world["claim"]).status == ClaimStatus.PENDING


def test_the_reviewer_in_scope_approves_through_the_callback(client, app, world, session):
    login(client, "reviewer")
    response = call(
        client,
        app,
        "claims.decide",
        {"ca-cl-approve.n_clicks": 1, "ca-cl-grid.selectedRows": [{"id": world["claim"]}]},
        triggered="ca-cl-approve.n_clicks",
    )
    assert "Approved" in text(response)
    session.expire_all()
    assert session.get(TrainingClaim, world["claim"]).status == ClaimStatus.APPROVED
