"""The announcement and appeal pages' callbacks through /_dash-update-component, as each
role: what a district reviewer, a cadre and the city office get, and that a decision
or an appeal sent from the browser is refused outside the rules."""

from __future__ import annotations

import base64
import json
from unittest import mock

import pytest
from sqlalchemy import func, select

from assessment import appeals
from assessment.models import Appeal, Score
from portal.enums import Role
from tests import factories
from tests.assessment.test_appeals import MONDAY, announced, appeal_s2  # noqa: F401
from tests.callbacks import call
from tests.web import login

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def text(response) -> str:
    return json.dumps(response.get_json(), ensure_ascii=False)


@pytest.fixture
def during_window():
    """The pages ask for today's date: make it the announcement's Monday."""
    with mock.patch("assessment.appeals.date") as fake:
        fake.today.return_value = MONDAY
        yield


def rows(client, app, period="all", status="all"):
    return call(client, app, "assessment", "appeals.appeal_rows",
                {"as-apl-grid.getRowsRequest": {"startRow": 0, "endRow": 100},
                 "as-apl-period.value": period, "as-apl-status.value": status})


def test_the_office_lists_the_appeals_and_a_district_reviewer_only_their_own(
        client, app, session, city, announced):  # noqa: F811
    appeal_s2(session, city, announced)
    login(client, "reviewer")
    answer = text(rows(client, app))
    assert "梅园街道" in answer and "安全事件" in answer
    client.post("/logout")
    login(client, "reviewer-d1")
    assert "梅园街道" not in text(rows(client, app))


def test_a_cadre_cannot_reach_the_appeal_callbacks(client, app, session, city,
                                                   announced):  # noqa: F811
    appeal_s2(session, city, announced)
    login(client, "cadre")
    assert rows(client, app).status_code == 403
    send = call(client, app, "assessment", "appeal_form.send",
                {"as-apf-send.n_clicks": 1, "as-apf-unit.value": city.s1.id,
                 "as-apf-period.value": announced, "as-apf-indicator.value": "I3",
                 "as-apf-reason.value": "不服"})
    assert send.status_code == 403


def decide(client, app, appeal, button, value=None, reason=""):
    return call(client, app, "assessment", "appeals.decide",
                {f"{button}.n_clicks": 1, "as-apl-chosen.data": {"id": appeal.id,
                                                                  "version": appeal.version},
                 "as-apl-value.value": value, "as-apl-reason.value": reason,
                 "as-apl-changed.data": 0}, triggered=f"{button}.n_clicks")


def test_upholding_from_the_page_recomputes_and_a_district_reviewer_is_refused(
        client, app, session, city, announced):  # noqa: F811
    appeal = appeal_s2(session, city, announced)
    login(client, "reviewer-d1")
    refused = text(decide(client, app, appeal, "as-apl-uphold", value=0))
    assert "outside the units you are responsible for" in refused
    client.post("/logout")
    login(client, "reviewer")
    answer = text(decide(client, app, appeal, "as-apl-uphold", value=0, reason="核实"))
    assert "upheld" in answer
    session.expire_all()
    assert session.get(Appeal, appeal.id).status == "upheld"
    assert session.scalar(select(Score.value).where(Score.unit_id == city.s2.id,
                                                    Score.indicator_code == "I3")) == 0


def test_rejecting_from_the_page_without_a_reason_says_so(client, app, session, city,
                                                          announced):  # noqa: F811
    appeal = appeal_s2(session, city, announced)
    login(client, "reviewer")
    assert "reason in a few words" in text(decide(client, app, appeal, "as-apl-reject"))
    session.expire_all()
    assert session.get(Appeal, appeal.id).status == "open"


def send(client, app, city, period, unit_id, contents=None, filename=None):
    return call(client, app, "assessment", "appeal_form.send",
                {"as-apf-send.n_clicks": 1, "as-apf-unit.value": unit_id,
                 "as-apf-period.value": period, "as-apf-indicator.value": "I2",
                 "as-apf-reason.value": "覆盖率抽样口径有误", "as-apf-upload.contents": contents,
                 "as-apf-upload.filename": filename, "as-apf-changed.data": 0})


def test_an_appeal_with_a_pdf_is_sent_from_the_form(client, app, session, city, announced,  # noqa: F811
                                                    during_window):
    login(client, "reviewer")
    data_url = "data:application/pdf;base64," + base64.b64encode(PDF).decode()
    answer = text(send(client, app, city, announced, city.s1.id, data_url, "说明.pdf"))
    assert "was sent" in answer
    appeal = session.scalar(select(Appeal))
    assert (appeal.unit_id, appeal.indicator_code, appeal.evidence_type) == (
        city.s1.id, "I2", "application/pdf")


def test_a_disguised_file_or_another_districts_unit_is_refused_and_nothing_is_written(
        client, app, session, city, announced, during_window):  # noqa: F811
    login(client, "reviewer-d1")
    fake = "data:application/pdf;base64," + base64.b64encode(b"MZ\x90\x00exe").decode()
    assert "not really a PDF" in text(send(client, app, city, announced, city.s1.id, fake,
                                           "proof.pdf"))
    assert "No such unit" in text(send(client, app, city, announced, city.s2.id))
    assert session.scalar(select(func.count()).select_from(Appeal)) == 0


def test_the_announcement_list_keeps_to_the_scope(client, app, session, city,
                                                  announced):  # noqa: F811
    login(client, "reviewer-d1")
    answer = text(call(client, app, "assessment", "announcement.show_announcement",
                       {"as-ann-period.value": announced, "as-ann-level.value": "all"}))
    assert "桃桥街道" in answer and "梅园街道" not in answer
    assert "2026-12-11" in answer


def test_the_unit_form_offers_the_open_period_and_its_indicators(client, app, session, city,
                                                                 announced,  # noqa: F811
                                                                 during_window):
    assert [u[1] for u in appeals.appeal_units(session, city.actor("reviewer"), MONDAY)] == [
        "S1", "S2"]
    login(client, "reviewer")
    answer = text(call(client, app, "assessment", "appeal_form.indicators_of_period",
                       {"as-apf-period.value": announced, "as-apf-unit.value": city.s2.id}))
    assert "安全事件 (I3): value 3, 28 points" in answer


def test_a_unit_reporter_appeals_from_the_form_for_their_own_unit_only(
        client, app, session, city, announced, during_window):  # noqa: F811
    factories.user(session, "reporter-s2", Role.REPORTER, city.s2)
    session.commit()
    login(client, "reporter-s2")
    assert "was sent" in text(send(client, app, city, announced, city.s2.id))
    assert "No such unit" in text(send(client, app, city, announced, city.s1.id))
    listed = text(rows(client, app))
    assert "梅园街道" in listed and "桃桥街道" not in listed
    appeal = session.scalar(select(Appeal))
    refused = decide(client, app, appeal, "as-apl-reject", reason="自己驳回自己")
    assert refused.status_code == 403 or "not do this" in text(refused)
    session.expire_all()
    assert session.get(Appeal, appeal.id).status == "open"
