"""The reporting pages' callbacks through /_dash-update-component, as each role and as an
attacker: a reporter forging another unit's id, the office's board refused to reporters,
bad evidence refused with a message and nothing stored."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import func, select

from assessment import submissions
from assessment.enums import SubmissionStatus
from assessment.models import Evidence, Submission, SubmissionFigure
from tests.assessment.test_submissions import CODE, enter_own, own_report
from tests.callbacks import call, pattern_id
from tests.web import login

pytestmark = pytest.mark.usefixtures("reporting")
PDF = b"%PDF-1.7\n%%EOF"


def text(response) -> str:
    return json.dumps(response.get_json(), ensure_ascii=False)


def editor(client, app, unit_id):
    return call(client, app, "assessment", "report.show_editor",
                {"as-rp-period.value": CODE, "as-rp-unit.data": unit_id,
                 "as-rp-refresh.data": 0})


def test_a_unit_reporter_opens_their_own_figures(client, app, city):
    login(client, "reporter-unit")
    response = editor(client, app, city.s1.id)
    assert response.status_code == 200
    assert "两新组织党组织覆盖率" in text(response) and "桃桥街道" in text(response)


def test_a_reporter_asking_for_another_units_figures_gets_a_refusal(client, app, city, session):
    enter_own(session, city, {"I1": 24.0}, username="reporter-s2", unit=city.s2)
    login(client, "reporter-unit")
    response = editor(client, app, city.s2.id)
    assert "belong to another unit" in text(response)
    assert "梅园街道" not in text(response) and "24" not in text(response)


def test_a_forged_cell_save_for_another_unit_changes_nothing(client, app, city, session):
    login(client, "reporter-s2")
    change = {"data": {"indicator_code": "I1", "value": 5}, "colId": "value"}
    response = call(client, app, "assessment", "report.save_cells",
                    {"as-rp-grid.cellValueChanged": [change], "as-rp-period.value": CODE,
                     "as-rp-unit.data": city.s1.id})
    assert "belong to another unit" in text(response)
    assert session.scalar(select(func.count()).select_from(SubmissionFigure)) == 0


def test_the_reporter_saves_and_submits_through_the_page(client, app, city, session):
    login(client, "reporter-unit")
    for code, value in {"I1": 27, "I2": 72, "B1": 0, "V1": 0}.items():
        saved = call(client, app, "assessment", "report.save_cells",
                     {"as-rp-grid.cellValueChanged": [{"data": {"indicator_code": code,
                                                                "value": value},
                                                       "colId": "value"}],
                      "as-rp-period.value": CODE, "as-rp-unit.data": city.s1.id})
        assert "Saved as a draft" in text(saved)
    report = own_report(session, city)
    response = call(client, app, "assessment", "report.submit",
                    {"as-rp-submit.n_clicks": 1, "as-rp-submission.data": report.id,
                     "as-rp-refresh.data": 0})
    assert "Submitted to the assessment office" in text(response)
    session.expire_all()
    assert own_report(session, city).status == SubmissionStatus.SUBMITTED


@pytest.mark.parametrize("name, data, words", [
    ("scan.pdf", b"MZ\x90\x00\x03 an executable", "not really a PDF"),
    ("big.pdf", PDF + b"\x00" * (10 * 2**20), "at most 10 MB"),
    ("notes.docx", b"PK\x03\x04", "only PDF, PNG or JPEG"),
])
def test_bad_evidence_is_refused_with_a_message_and_nothing_stored(client, app, city, session,
                                                                   name, data, words):
    login(client, "reporter-unit")
    contents = "data:application/pdf;base64," + base64.b64encode(data).decode()
    response = call(client, app, "assessment", "report.upload",
                    {"as-rp-upload.contents": contents, "as-rp-upload.filename": name,
                     "as-rp-period.value": CODE, "as-rp-unit.data": city.s1.id,
                     "as-rp-refresh.data": 0})
    assert response.status_code == 200 and words in text(response)
    assert session.scalar(select(func.count()).select_from(Evidence)) == 0


def test_good_evidence_is_stored_and_only_its_owner_and_the_office_download_it(
        client, app, city, session):
    login(client, "reporter-unit")
    contents = "data:application/pdf;base64," + base64.b64encode(PDF).decode()
    response = call(client, app, "assessment", "report.upload",
                    {"as-rp-upload.contents": contents, "as-rp-upload.filename": "台账.pdf",
                     "as-rp-period.value": CODE, "as-rp-unit.data": city.s1.id,
                     "as-rp-refresh.data": 0})
    assert "台账.pdf attached" in text(response)
    evidence_id = session.scalar(select(Evidence.id))
    ids = [({"type": "as-rp-evidence", "id": evidence_id}, 1)]
    trigger = pattern_id(id=evidence_id, type="as-rp-evidence")
    mine = call(client, app, "assessment", "report.download", {"as-rp-evidence.n_clicks": ids},
                triggered=trigger)
    assert base64.b64decode(mine.get_json()["response"]["as-rp-download"]["data"]["content"]) \
        == PDF
    login(client, "reporter-s2")
    theirs = call(client, app, "assessment", "report.download", {"as-rp-evidence.n_clicks": ids},
                  triggered=trigger)
    assert "content" not in text(theirs)


@pytest.mark.parametrize("username", ["reporter-unit", "reporter-dept", "inspector", "cadre"])
def test_the_progress_board_refuses_everyone_but_the_office(client, app, username):
    login(client, username)
    response = call(client, app, "assessment", "submissions.kpis",
                    {"as-sb-period.value": CODE, "as-sb-refresh.data": 0})
    assert response.status_code == 403


@pytest.mark.parametrize("username", ["reviewer", "inspector", "admin"])
def test_the_reporters_page_refuses_other_roles(client, app, city, username):
    login(client, username)
    assert editor(client, app, city.s1.id).status_code == 403


def test_the_office_accepts_a_report_from_the_board(client, app, city, session):
    enter_own(session, city)
    report = own_report(session, city)
    submissions.act(session, city.actor("reporter-unit"), report.id, "submit")
    session.commit()
    login(client, "reviewer")
    board = call(client, app, "assessment", "submissions.kpis",
                 {"as-sb-period.value": CODE, "as-sb-refresh.data": 0})
    assert board.status_code == 200
    buttons = [({"type": "as-sb-act", "action": action}, 1 if action == "accept" else None)
               for action in ("return", "accept", "lock", "reopen")]
    response = call(client, app, "assessment", "submissions.decide",
                    {"as-sb-act.n_clicks": buttons, "as-sb-chosen.data": report.id,
                     "as-sb-reason.value": "", "as-sb-refresh.data": 0},
                    triggered=pattern_id(action="accept", type="as-sb-act"))
    assert "Accepted" in text(response)
    session.expire_all()
    assert session.scalar(select(Submission.status).where(Submission.id == report.id)) == \
        SubmissionStatus.ACCEPTED
