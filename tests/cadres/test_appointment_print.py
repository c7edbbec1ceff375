"""The printed appointment form (干部任免审批表, /cadres/appointment-form) and the form of a
personnel decision: how the sheet is planned (pure), what it shows (ages at the form's
date, the decision's post and reason, user text as text), and who may print it, through the
page and its callbacks as each role would call them, or an attacker with a forged request."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from datetime import date

import pytest

from cadres import appointment_forms, decisions, lrmx, records
from cadres.demo_photos import PHOTOS
from cadres.enums import DecisionOutcome, DecisionType
from cadres.rules import appointment_sheet as sheet
from cadres.rules.appointment_sheet import ResumeEntry
from portal.errors import AccessDenied, NotFound
from tests.cadres.callbacks import call
from tests.web import callback, login

# Callbacks of this file's page whose isolation is tested here (see test_callbacks.py).
ISOLATION_TESTED = {"appointment_form.change_date", "decision_view.download_form",
                    "form_import.download_unit"}

SCRIPT = "<script>alert('x')</script>"
SHEET = "ca-af-sheet ca-af-"  # the class of a printed sheet


def long_resume(periods: int) -> str:
    return "\n".join(f"{1990 + i}.09--{1991 + i}.07  江州市青山区桃桥街道办事处干部，负责基层治理、"
                     f"城市管理和社区建设工作（第{i + 1}段）" for i in range(periods))


def texts(resume: list[ResumeEntry], family: int = 3, rewards: str = "") -> sheet.FormTexts:
    basic = [[("王芳", 24), ("女", 24), ("1985.05\n（41岁）", 32)]] * 3 + [[("", 44), ("", 54)]]
    return sheet.FormTexts(basic=basic, education=[[("大学", 44), ("江州大学", 68)]] * 2,
                           posts=("桃桥街道办事处副主任", "", ""), resume=resume, rewards=rewards,
                           appraisal="2025年年度考核优秀", reason="",
                           family=[("丈夫", "张三", "41", "群众", "江州市自来水公司职工")] * family,
                           basic_labels=[[("出生年月（岁）", 22)]] * 4,
                           education_labels=[[("毕业院校系及专业", 22)]] * 2,
                           text_labels=("奖惩情况", "年度考核结果", "任免理由"))


# --- the plan (pure) -----------------------------------------------------------------------------

def test_age_is_counted_in_whole_years_at_the_form_date():
    assert sheet.age_at(date(1985, 5, 1), date(2026, 4, 30)) == 40
    assert sheet.age_at(date(1985, 5, 1), date(2026, 5, 1)) == 41
    assert sheet.age_at(None, date(2026, 5, 1)) is None


def test_the_resume_text_is_read_as_dated_entries_and_continuations():
    entries = sheet.resume_entries(
        "2001.09--2005.07  江州大学学习\n  （其间：挂职）\n2021.03--  主任")
    assert entries == [ResumeEntry("2001.09--2005.07", "江州大学学习"),
                       ResumeEntry("", "（其间：挂职）"), ResumeEntry("2021.03--", "主任")]


def test_a_short_record_fills_one_page_to_the_bottom():
    plan = sheet.plan_sheet(texts(sheet.resume_entries(long_resume(5))))  # ten lines
    assert plan.pages == 1 and plan.resume_split == 5
    total = (sheet.TITLE + sum(plan.basic) + sum(plan.education) + sum(plan.posts) + plan.resume
             + plan.rewards + plan.appraisal + plan.reason + sum(plan.family) + plan.submit
             + plan.approval + sheet.FOOTER)
    assert total == pytest.approx(sheet.PAGE_HEIGHT - sheet.SAFETY)


def test_a_long_resume_is_continued_overleaf_and_nothing_is_left_out():
    entries = sheet.resume_entries(long_resume(30))
    plan = sheet.plan_sheet(texts(entries))
    assert plan.pages == 2 and 0 < plan.resume_split < 30 and plan.resume_rest > 0
    top = sheet.TITLE + sum(plan.basic) + sum(plan.education) + sum(plan.posts)
    assert top + plan.resume + sheet.FOOTER <= sheet.PAGE_HEIGHT  # page one is not overfull
    needed = sum(sheet.entry_lines(e) for e in entries[:plan.resume_split]) * sheet.LINE
    assert needed < plan.resume


def test_long_rewards_and_a_full_family_also_move_to_the_back_page():
    plan = sheet.plan_sheet(texts(sheet.resume_entries(long_resume(3)), family=10,
                                  rewards="\n".join(["2019年被评为江州市优秀共产党员"] * 8)))
    assert plan.pages == 2 and plan.resume_split == 3 and plan.resume_rest == 0
    assert len(plan.family) == 11


def test_a_cell_grows_with_its_wrapped_lines():
    one = sheet.row_height(9, [("短", 50)])
    three = sheet.row_height(9, [("很长的文字" * 12, 50)])
    assert one == 9 and three >= 3 * sheet.LINE + sheet.PAD


# --- the service ---------------------------------------------------------------------------------

@pytest.fixture
def filled(session, city):
    """王芳 (C0001, born 1985-05-01, the ``cadre`` login, 青山区) with a record and a photo."""
    values, problems = records.parse_values({
        "native_place": "江西南昌", "ethnicity": "汉族", "resume": long_resume(4),
        "rewards_sanctions": f"2019年被评为江州市优秀共产党员{SCRIPT}",
        "family": "丈夫|张三|1984-03|群众|江州市自来水公司职工"})
    assert not problems
    reviewer = city.actor("reviewer")
    records.update_record(session, reviewer, city.cadre1, values)
    records.update_record(session, reviewer, city.cadre2, {"native_place": "湖南岳阳"})
    records.set_photo(session, reviewer, city.cadre1, PHOTOS[0])
    session.commit()
    return city


def promotion(session, city, code="C0001", kind=DecisionType.PROMOTION):
    decision = decisions.propose(session, city.actor("reviewer"), cadre_code=code,
                                 decision_type=kind, title="拟提拔为桃桥街道办事处主任",
                                 rationale="工作实绩突出，群众公认。", as_of=date(2026, 11, 24))
    session.commit()
    return decision


def test_the_printed_form_has_the_record_the_photo_and_no_id_number(session, filled):
    (printed,) = appointment_forms.printed_forms(session, filled.actor("reviewer"), ["C0001"])
    assert printed.form.get("JiGuan") == "江西南昌" and printed.photo == PHOTOS[0]
    assert printed.form.get("ShenFenZheng") == "" and printed.family_born == [date(1984, 3, 1)]


def test_a_decision_gives_the_proposed_post_and_the_reason(session, filled):
    decision = promotion(session, filled)
    (printed,) = appointment_forms.printed_forms(session, filled.actor("reviewer"),
                                                 decision_id=decision.id)
    assert printed.form.get("NiRenZhiWu") == "桃桥街道办事处主任"
    assert printed.form.get("RenMianLiYou") == "工作实绩突出，群众公认。"
    assert printed.decision == decision.number


def test_an_adjustment_removes_the_cadre_from_the_current_post(session, filled):
    decision = promotion(session, filled, kind=DecisionType.ADJUSTMENT)
    (printed,) = appointment_forms.printed_forms(session, filled.actor("reviewer"),
                                                 decision_id=decision.id)
    assert printed.form.get("NiMianZhiWu") == printed.form.get("XianRenZhiWu") != ""


def test_the_lrmx_of_a_decision_carries_its_post_and_reason(session, filled):
    decision = promotion(session, filled)
    name, content = appointment_forms.export_decision_form(session, filled.actor("reviewer"),
                                                           decision.id)
    form = lrmx.parse_form(content, name)
    assert name == f"C0001-王芳-{decision.number}.lrmx"
    assert (form.get("NiRenZhiWu"), form.get("RenMianLiYou")) == ("桃桥街道办事处主任",
                                                                   "工作实绩突出，群众公认。")
    plain = lrmx.parse_form(appointment_forms.export_form(session, filled.actor("reviewer"),
                                                          "C0001")[1], "plain.lrmx")
    assert plain.get("RenMianLiYou") == ""  # the record itself is unchanged


@pytest.mark.parametrize("username, code", [("cadre", "C0002"), ("reviewer-d1", "C0002"),
                                            ("inspector", "C0001"), ("admin", "C0001"),
                                            ("cadre2", "C0001")])
def test_no_one_prints_a_form_they_may_not_read(session, filled, username, code):
    with pytest.raises((AccessDenied, NotFound)):
        appointment_forms.printed_forms(session, filled.actor(username), [code])


def test_a_cadre_prints_their_own_form_and_a_district_reviewer_those_in_scope(session, filled):
    assert appointment_forms.printed_forms(session, filled.actor("cadre"), ["C0001"])
    assert appointment_forms.printed_forms(session, filled.actor("reviewer-d1"), ["C0001"])


def test_a_decision_outside_the_scope_is_not_found(session, filled):
    decision = promotion(session, filled, code="C0002")
    for username in ("reviewer-d1", "cadre", "cadre2"):  # cadre2: not yet decided
        with pytest.raises((AccessDenied, NotFound)):
            appointment_forms.printed_forms(session, filled.actor(username),
                                            decision_id=decision.id)
        with pytest.raises((AccessDenied, NotFound)):
            appointment_forms.export_decision_form(session, filled.actor(username), decision.id)


# --- the page and its callbacks ------------------------------------------------------------------

def page(client, search: str) -> str:
    response = callback(client, [("_pages_content", "children"), ("_pages_store", "data")],
                        [("_pages_location", "pathname", "/cadres/appointment-form"),
                         ("_pages_location", "search", search)])
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)


def components(tree) -> list[dict]:
    """Every component in a layout (as Dash sends it)."""
    found = []
    if isinstance(tree, dict):
        if "type" in tree and "props" in tree:
            found.append(tree)
        for value in tree.values():
            found += components(value)
    elif isinstance(tree, list):
        for value in tree:
            found += components(value)
    return found


def test_the_page_shows_the_grid_with_ages_at_the_form_date(client, filled):
    login(client, "reviewer")
    shown = page(client, "?code=C0001&date=2020-06-30")
    assert "Cadre appointment and removal form" in shown and "江西南昌" in shown
    assert "(age 35)" in shown  # born 1985-05-01
    assert '"36"' in shown  # the husband, born 1984-03, is 36 on 2020-06-30
    assert "Ages computed at 2020.06.30" in shown
    assert "data:image/jpeg;base64," + base64.b64encode(PHOTOS[0]).decode("ascii") in shown
    assert '"data-pages": "1"' in shown


def test_the_page_defaults_to_today_and_in_chinese_shows_the_standard_labels(client, filled):
    login(client, "reviewer")
    token = client.get_cookie("_csrf_token").value
    assert client.post("/lang", data={"lang": "zh", "csrf_token": token}).status_code == 302
    shown = page(client, "?code=C0001")
    for label in ("干部任免审批表", "出生年月（岁）", "家庭主要成员及重要社会关系", "任免理由"):
        assert label in shown
    age = sheet.age_at(date(1985, 5, 1), date.today())
    assert f"（{age}岁）" in shown


def test_user_text_is_shown_as_text_never_as_markup(client, filled):
    login(client, "reviewer")
    response = callback(client, [("_pages_content", "children"), ("_pages_store", "data")],
                        [("_pages_location", "pathname", "/cadres/appointment-form"),
                         ("_pages_location", "search", "?code=C0001")])
    tree = response.get_json()
    found = components(tree)
    assert any(c["props"].get("children") == f"2019年被评为江州市优秀共产党员{SCRIPT}"
               for c in found)  # a text node, which React escapes
    types = {c["type"] for c in found}
    assert not types & {"Markdown", "Iframe", "DangerouslySetInnerHTML"}
    assert "dangerously_allow_html" not in json.dumps(tree)


def test_a_long_resume_goes_on_to_the_back_page(client, session, filled):
    values, _problems = records.parse_values({"resume": long_resume(30)})
    records.update_record(session, filled.actor("reviewer"), filled.cadre1, values)
    session.commit()
    login(client, "reviewer")
    shown = page(client, "?code=C0001")
    assert '"data-pages": "2"' in shown and "(continued overleaf)" in shown
    assert "Résumé (continued)" in shown and "（第30段）" in shown and "（第1段）" in shown


def test_from_a_decision_the_page_prints_its_post_and_reason(client, session, filled):
    decision = promotion(session, filled)
    login(client, "reviewer")
    shown = page(client, f"?decision={decision.id}")
    assert "桃桥街道办事处主任" in shown and "工作实绩突出，群众公认。" in shown
    assert f"Personnel decision {decision.number}" in shown


@pytest.mark.parametrize("username, search", [("cadre", "?code=C0002"),
                                              ("reviewer-d1", "?code=C0002"),
                                              ("inspector", "?code=C0001"),
                                              ("reviewer", "?code=C0001,C0002&date=2026-13-01")])
def test_the_page_refuses_what_the_reader_may_not_print(client, filled, username, search):
    login(client, username)
    shown = page(client, search)
    assert "江西南昌" not in shown and "湖南岳阳" not in shown and SHEET not in shown


def test_several_codes_print_one_form_after_the_other(client, filled):
    login(client, "reviewer")
    shown = page(client, "?code=C0001,C0002")
    assert shown.count(SHEET) == 2 and shown.index("江西南昌") < shown.index("湖南岳阳")


def test_a_cadre_without_a_code_gets_their_own_form(client, filled):
    login(client, "cadre")
    shown = page(client, "")
    assert "江西南昌" in shown and "湖南岳阳" not in shown


def change_date(client, app, target, value="2020-06-30"):
    return call(client, app, "appointment_form.change_date",
                {"ca-af-date.value": value, "ca-af-target.data": target})


def test_changing_the_date_computes_the_ages_again(client, app, filled):
    login(client, "reviewer")
    shown = json.dumps(change_date(client, app, {"codes": ["C0001"], "decision": None},
                                   "2000-05-01").get_json(), ensure_ascii=False)
    assert "(age 15)" in shown and "Ages computed at 2000.05.01" in shown


@pytest.mark.parametrize("username, target", [
    ("cadre", {"codes": ["C0002"], "decision": None}),
    ("reviewer-d1", {"codes": ["C0001", "C0002"], "decision": None}),
    ("inspector", {"codes": ["C0001"], "decision": None}),
    ("cadre", {"codes": "C0002", "decision": None}),  # not a list: nothing
    ("cadre", {"codes": [], "decision": True}),
])
def test_a_forged_target_prints_nothing(client, app, filled, username, target):
    login(client, username)
    shown = json.dumps(change_date(client, app, target).get_json(), ensure_ascii=False)
    assert "湖南岳阳" not in shown and SHEET not in shown


def test_a_forged_decision_prints_nothing(client, app, session, filled):
    decision = promotion(session, filled, code="C0002")
    login(client, "reviewer-d1")
    shown = json.dumps(change_date(client, app, {"codes": [], "decision": decision.id}).get_json(),
                       ensure_ascii=False)
    assert "湖南岳阳" not in shown and "工作实绩突出" not in shown


def download(client, app, decision_id):
    return call(client, app, "decision_view.download_form",
                {"ca-dc-lrmx.n_clicks": 1, "ca-dc-id.data": decision_id})


def test_the_decision_page_downloads_the_decisions_form(client, app, session, filled):
    decision = promotion(session, filled)
    login(client, "reviewer")
    data = download(client, app, decision.id).get_json()["response"]["ca-dc-lrmx-file"]["data"]
    content = base64.b64decode(data["content"])
    assert lrmx.parse_form(content, "x.lrmx").get("NiRenZhiWu") == "桃桥街道办事处主任"


@pytest.mark.parametrize("username, code", [("reviewer-d1", "C0002"), ("inspector", "C0001"),
                                            ("admin", "C0001"), ("cadre2", "C0001"),
                                            ("cadre", "C0001")])  # not yet decided
def test_no_one_else_downloads_a_decisions_form(client, app, session, filled, username, code):
    decision = promotion(session, filled, code=code)
    login(client, username)
    shown = json.dumps(download(client, app, decision.id).get_json(), ensure_ascii=False)
    assert ".lrmx" not in shown and "工作实绩突出" not in shown


def test_the_profile_and_the_decision_link_to_the_printed_form(client, session, filled):
    decision = promotion(session, filled)
    login(client, "reviewer")
    profile = callback(client, [("_pages_content", "children"), ("_pages_store", "data")],
                       [("_pages_location", "pathname", "/cadres/profile"),
                        ("_pages_location", "search", "?code=C0001")])
    assert "/cadres/appointment-form?code=C0001" in json.dumps(profile.get_json())
    view = callback(client, [("_pages_content", "children"), ("_pages_store", "data")],
                    [("_pages_location", "pathname", "/decisions/view"),
                     ("_pages_location", "search", f"?id={decision.id}")])
    assert f"/cadres/appointment-form?decision={decision.id}" in json.dumps(view.get_json())


# --- point 2: commendations on the form, the unit's forms from the registry -----------------------

def test_an_approved_commendation_is_among_the_rewards_and_sanctions(session, filled):
    decision = promotion(session, filled, kind=DecisionType.COMMENDATION)
    reviewer = filled.actor("reviewer")
    decisions.review(session, reviewer, decision.id, "同意。")
    decisions.decide(session, reviewer, decision.id, outcome=DecisionOutcome.APPROVED,
                     note="江组干〔2026〕1号", decided_on=date(2026, 11, 30))
    session.commit()
    form = lrmx.parse_form(appointment_forms.export_form(session, reviewer, "C0001")[1], "x.lrmx")
    assert form.get("JiangChengQingKuang").splitlines() == [
        f"2019年被评为江州市优秀共产党员{SCRIPT}", "2026年11月拟提拔为桃桥街道办事处主任"]


def download_unit(client, app, unit_id):
    return call(client, app, "form_import.download_unit",
                {"ca-lrmx-export.n_clicks": 1, "ca-lrmx-export-unit.value": unit_id})


def test_the_registry_downloads_the_forms_of_a_unit_as_a_zip(client, app, filled):
    login(client, "reviewer-d1")
    data = download_unit(client, app, filled.d1.id).get_json()["response"]["ca-lrmx-zip"]["data"]
    assert data["filename"] == "D1-appointment-forms.zip"
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(data["content"]))) as archive:
        assert archive.namelist() == ["C0001-王芳.lrmx"]


@pytest.mark.parametrize("username, unit", [("reviewer-d1", "d2"), ("reviewer-d1", "city"),
                                            ("inspector", "d1"), ("cadre", "s1"),
                                            ("admin", "d1")])
def test_no_one_downloads_the_forms_of_a_unit_they_may_not_read(client, app, filled, username,
                                                                 unit):
    login(client, username)
    shown = json.dumps(download_unit(client, app, getattr(filled, unit).id).get_json(),
                       ensure_ascii=False)
    assert ".zip" not in shown and "ca-lrmx-zip" not in shown.replace('"ca-lrmx-zip": {}', "")


def test_a_unit_with_more_forms_than_a_download_holds_is_refused(client, app, filled,
                                                                 monkeypatch):
    from cadres.pages import form_import

    monkeypatch.setattr(form_import, "MAX_DOWNLOAD", 1)
    login(client, "reviewer")
    shown = json.dumps(download_unit(client, app, filled.city.id).get_json(), ensure_ascii=False)
    assert "at most 1 forms" in shown and "portal export lrmx --unit" in shown
