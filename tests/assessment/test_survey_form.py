"""The public survey form (contracts.md) and the office's printable slips, over HTTP."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from assessment import surveys
from assessment.models import SurveyCode, SurveyResponse
from portal.app import create_app
from portal.enums import UnitLevel
from tests.assessment.conftest import YEAR, build_scheme, open_period
from tests.assessment.test_surveys import ALL_SATISFIED, SURVEY_SCHEME
from tests.web import callback, csrf_header, login, response_props

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def codes(session, city):
    build_scheme(session, city.actor("admin"), YEAR, UnitLevel.STREET, SURVEY_SCHEME)
    session.commit()
    period = open_period(session, city)
    issued = surveys.issue_codes(session, city.actor("reviewer"), period, "S1", "residents", 3)
    session.commit()
    return issued


def answer(client, code, answers=ALL_SATISFIED):
    page = client.get(f"/survey/{code}")
    token = TOKEN.search(page.get_data(as_text=True))
    return client.post(f"/survey/{code}",
                       data={**answers, "csrf_token": token.group(1) if token else ""})


def test_the_form_needs_no_login_and_runs_no_inline_script(client, codes):
    page = client.get(f"/survey/{codes[0]}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "桃桥街道" in text and "Residents" in text and "您对本单位" in text
    assert "<script" not in text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_the_form_is_chinese_by_default(app_config, engine, codes):
    server = create_app(app_config.with_(default_lang="zh")).server
    text = server.test_client().get(f"/survey/{codes[0]}").get_data(as_text=True)
    assert "提交" in text and 'lang="zh-CN"' in text


def test_a_code_counts_once_and_the_second_time_gets_the_plain_already_used_page(
        client, session, codes):
    first = answer(client, codes[0])
    assert first.status_code == 302 and first.headers["Location"].endswith("/survey/thanks")
    assert "recorded anonymously" in client.get("/survey/thanks").get_data(as_text=True)
    again = client.get(f"/survey/{codes[0]}")
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)
    token = TOKEN.search(client.get(f"/survey/{codes[1]}").get_data(as_text=True)).group(1)
    resent = client.post(f"/survey/{codes[0]}", data={**ALL_SATISFIED, "csrf_token": token})
    assert resent.status_code == 410 and "Already used" in resent.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(SurveyResponse)) == 1


def test_unknown_code_gets_the_plain_not_valid_page(client, codes):
    page = client.get("/survey/abcd-efgh-jkmn")
    assert page.status_code == 404 and "not valid" in page.get_data(as_text=True)
    assert client.get("/survey/%3Cscript%3E").status_code == 404


def test_missing_answers_keep_the_code_and_say_so(client, session, codes):
    page = answer(client, codes[1], {"Q1": "satisfied"})
    assert page.status_code == 400 and "Please answer every question" in page.get_data(
        as_text=True)
    assert session.scalar(select(func.count()).where(SurveyCode.spent)) == 0


def test_a_post_without_the_form_token_is_refused_plainly(client, session, codes):
    page = client.post(f"/survey/{codes[2]}", data=ALL_SATISFIED)
    assert page.status_code == 400 and "expired" in page.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(SurveyResponse)) == 0


def test_guessing_codes_is_rate_limited_per_source(app_config, engine, codes):
    client = create_app(app_config.with_(survey_rate_limit="2 per minute")).server.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    answering = [client.get(f"/survey/{codes[0]}").status_code for _ in range(3)]
    assert answering == [200, 200, 200]  # a hall of residents behind one address
    guessing = [client.get(f"/survey/abcd-efgh-jkm{n}").status_code for n in "234"]
    assert guessing == [404, 404, 429]
    assert "try again in a minute" in client.get(f"/survey/{codes[0]}").get_data(as_text=True)


def test_the_office_prints_slips_with_qr_codes_and_may_download_them(client, session, codes):
    login(client, "reviewer")
    form = {"period": "2026Q1", "unit": "S1", "group": "leaders", "count": "3"}
    page = client.post("/assessment/survey-slips", data=form, headers=csrf_header(client))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and text.count('class="slip"') == 3
    assert text.count("data:image/svg+xml;base64,") == 3 and "http://localhost/survey/" in text
    assert page.headers["Cache-Control"] == "no-store"
    csv = client.post("/assessment/survey-slips", data={**form, "format": "csv"},
                      headers=csrf_header(client))
    lines = csv.get_data().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("code,url,period") and len(lines) == 4
    assert session.scalar(select(func.count()).select_from(SurveyCode)) == 3 + 6


def test_slips_are_refused_outside_the_users_scope_and_role(client, session, codes):
    login(client, "reviewer-d1")
    form = {"period": "2026Q1", "unit": "S2", "group": "leaders", "count": "3"}
    page = client.post("/assessment/survey-slips", data=form, headers=csrf_header(client))
    assert page.status_code == 404 and "No codes were issued" in page.get_data(as_text=True)
    client.post("/logout")
    login(client, "cadre")
    page = client.post("/assessment/survey-slips", data={**form, "unit": "S1"},
                       headers=csrf_header(client))
    assert page.status_code == 403
    assert session.scalar(select(func.count()).select_from(SurveyCode)) == 3


# --- the office's page, through its callbacks ------------------------------------------------

def _rows(client, level="street"):
    return callback(client, [("as-sv-grid", "getRowsResponse")],
                    [("as-sv-grid", "getRowsRequest", {"startRow": 0, "endRow": 100})],
                    [("as-sv-period", "value", "2026Q1"), ("as-sv-level", "value", level)])


def test_the_rates_grid_answers_in_scope_only(client, session, codes):
    answer(client, codes[0])
    login(client, "reviewer")
    rows = response_props(_rows(client))["as-sv-grid"]["getRowsResponse"]
    s1 = next(r for r in rows["rowData"] if r["unit_code"] == "S1")
    assert rows["rowCount"] == 2 and s1["residents"] == "1 / 3" and s1["score"] is None
    client.post("/logout")
    login(client, "reviewer-d1")
    rows = response_props(_rows(client))["as-sv-grid"]["getRowsResponse"]
    assert [r["unit_code"] for r in rows["rowData"]] == ["S1"]


def test_roles_without_assessment_cannot_read_the_rates_or_write_scores(client, session, codes):
    login(client, "inspector")
    assert _rows(client).status_code == 403
    applied = callback(client, [("as-sv-applied", "children")],
                       [("as-sv-apply", "n_clicks", 1)],
                       [("as-sv-period", "value", "2026Q1"), ("as-sv-level", "value", "street")])
    assert applied.status_code == 403


def test_writing_scores_from_the_page_reports_what_it_did(client, session, codes):
    login(client, "reviewer")
    applied = callback(client, [("as-sv-applied", "children")],
                       [("as-sv-apply", "n_clicks", 1)],
                       [("as-sv-period", "value", "2026Q1"), ("as-sv-level", "value", "street")])
    message = json.dumps(response_props(applied), ensure_ascii=False)
    assert "0 units' survey scores were written into indicator MS1" in message
    assert "1 units with codes have fewer answers" in message


def test_the_summary_counts_codes_and_answers_per_level(client, session, codes):
    answer(client, codes[0])
    login(client, "reviewer")
    shown = callback(client, [("as-sv-summary", "children"), ("as-sv-form-period", "value")],
                     [("as-sv-period", "value", "2026Q1"), ("as-sv-applied", "children", None),
                      ("as-sv-tick", "n_intervals", 3)])
    props = json.dumps(response_props(shown), ensure_ascii=False)
    assert "1 / 3" in props and "33.3%" in props and "1 of 2 units have codes" in props


def test_large_batches_are_downloaded_not_printed(client, session, codes):
    login(client, "reviewer")
    form = {"period": "2026Q1", "unit": "S1", "group": "staff", "count": "501"}
    page = client.post("/assessment/survey-slips", data=form, headers=csrf_header(client))
    assert page.status_code == 400 and "download larger batches as CSV" in page.get_data(
        as_text=True)
    assert session.scalar(select(func.count()).select_from(SurveyCode)) == 3
