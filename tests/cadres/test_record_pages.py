"""The full record on the profile and the appointment forms on the registry, through
``/_dash-update-component`` as each role would call them (or an attacker with another code)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cadres import records
from cadres.models import CadreRecord
from portal.models import AuditEvent, Cadre
from tests.cadres.callbacks import call
from tests.cadres.test_portrait_page import page, shown
from tests.web import login

ID_1 = "360102198505013015"
EDITED = [f.key for f in records.FIELDS]  # the edit form's fields (cadres.pages.record)
LIU = (Path(__file__).parent.parent / "data" / "lrmx" / "liu-xiaomei.lrmx").read_bytes()


# Callbacks of this file's pages whose isolation is tested here (see test_callbacks.py); the
# last two only open the form and echo a file name, and touch no data.
ISOLATION_TESTED = {"record.save_record", "record.download_form", "form_import.preview",
                    "form_import.confirm",
                    "record.toggle_edit", "record.photo_chosen"}


@pytest.fixture
def filled(session, city):
    """王芳 (C0001, the ``cadre`` login, 青山区) and 李娜 (C0002, 临江区) with records."""
    for cadre, place in ((city.cadre1, "江西南昌"), (city.cadre2, "湖南岳阳")):
        values, _problems = records.parse_values({"native_place": place, "ethnicity": "汉族"})
        records.update_record(session, city.actor("reviewer"), cadre, values)
    records.update_record(session, city.actor("reviewer"), city.cadre1, {"id_number": ID_1})
    session.commit()
    return city


def save(client, app, code: str, **typed):
    values = {"ca-profile-code.data": code, "ca-rec-save.n_clicks": 1}
    values.update({f"ca-rec-f-{key}.value": typed.get(key, "") for key in EDITED})
    return call(client, app, "record.save_record", values)


def download(client, app, code: str):
    return call(client, app, "record.download_form",
                {"ca-rec-download.n_clicks": 1, "ca-profile-code.data": code})


def record_of(session, cadre) -> CadreRecord:
    session.expire_all()
    return session.get(CadreRecord, cadre.id)


# --- reading
# ------------------------------------------------------------------------------------------

def test_a_reviewer_in_scope_reads_the_whole_id_number(client, filled):
    shown_page = page(client, "reviewer-d1", "C0001")
    assert ID_1 in shown_page and "江西南昌" in shown_page and "ca-rec-edit" in shown_page


def test_the_system_administrator_reads_no_record(client, filled):
    shown_page = page(client, "admin", "C0001")
    assert not any(t in shown_page for t in ("江西南昌", "ca-rec-", ID_1))


def test_an_inspector_sees_no_record(client, filled):
    shown_page = page(client, "inspector", "C0001")
    assert "Basic information" in shown_page
    assert not any(t in shown_page for t in ("江西南昌", "ca-rec-", "360"))


def test_a_cadre_reads_their_own_record_but_cannot_edit_it(client, filled):
    shown_page = page(client, "cadre", "C0001")
    assert (
        ID_1 in shown_page and "ca-rec-download" in shown_page and "ca-rec-edit" not in shown_page
    )


# --- saving
# -------------------------------------------------------------------------------------------

def test_a_reviewer_in_scope_saves_the_record_and_the_history_masks_the_id_number(client, app,
                                                                                  session, filled):
    login(client, "reviewer-d1")
    response = save(client, app, "C0001", id_number=ID_1, ethnicity="03", native_place="江西九江",
                    resume="2003.09--2007.07  江州大学法学专业学习\n2007.07--  桃桥街道科员",
                    family="丈夫|张三|1983-02|中共党员|个体经营", party_joined="2008-06")
    assert response.status_code == 200
    assert "江西九江" in shown(response)
    record = record_of(session, filled.cadre1)
    assert (record.ethnicity, record.native_place, len(record.resume),
            record.family[0]["political_status"]) == (
        "03", "江西九江", 2, "01")
    summaries = str([e.summary for e in session.scalars(select(AuditEvent))])
    assert ID_1 not in summaries and "江西九江" in summaries


def test_each_wrong_field_is_marked_and_nothing_is_saved(client, app, session, filled):
    login(client, "reviewer")
    response = save(client, app, "C0001", id_number="110105194912310021", native_place="江西九江",
                    work_started="2019-13", resume="2010.01--2012.01  后\n2001.01--2010.01  前")
    props = response.get_json()["response"]
    assert props["ca-rec-f-id_number"]["invalid"] and props["ca-rec-f-work_started"]["invalid"]
    assert props["ca-rec-f-resume"]["invalid"] and not props["ca-rec-f-native_place"]["invalid"]
    assert "check character" in props["ca-rec-e-id_number"]["children"]
    assert record_of(session, filled.cadre1).native_place == "江西南昌"


@pytest.mark.parametrize("username, code",
                         [("reviewer-d1", "C0002"), ("inspector", "C0001"), ("cadre", "C0001"),
                                            ("cadre", "C0002"), ("admin", "C0001")])
def test_others_cannot_save_a_record_through_the_callback(client, app, session, filled, username,
                                                          code):
    login(client, username)
    response = save(client, app, code, native_place="改过的籍贯")
    assert "改过的籍贯" not in shown(response)
    assert session.scalar(select(func.count()).select_from(CadreRecord)
                          .where(CadreRecord.native_place == "改过的籍贯")) == 0


# --- the appointment form
# -----------------------------------------------------------------------------

def test_a_cadre_downloads_their_own_form_and_not_anothers(client, app, filled):
    login(client, "cadre")
    own = download(client, app, "C0001").get_json()["response"]["ca-rec-file"]["data"]
    assert own["filename"] == "C0001-王芳.lrmx"
    assert ID_1 in base64.b64decode(own["content"]).decode("utf-8")
    other = download(client, app, "C0002")
    assert "湖南岳阳" not in shown(other) and "C0002-" not in shown(other)


@pytest.mark.parametrize("username, code",
                         [("reviewer-d1", "C0002"), ("inspector", "C0001"), ("admin", "C0001")])
def test_no_form_for_those_who_may_not_see_the_id_number(client, app, filled, username, code):
    login(client, username)
    response = download(client, app, code)
    assert ".lrmx" not in shown(response) and ID_1 not in shown(response)


def test_a_reviewer_previews_an_upload_then_confirms_it(client, app, session, filled):
    login(client, "reviewer")
    contents = "data:application/octet-stream;base64," + base64.b64encode(LIU).decode()
    preview = call(client, app, "form_import.preview", {
        "ca-lrmx-upload.contents": contents, "ca-lrmx-upload.filename": "liu-xiaomei.lrmx",
        "ca-lrmx-unit.value": filled.s1.id})
    assert "刘晓梅" in shown(preview) and "New cadre" in shown(preview)
    assert session.scalar(select(func.count()).select_from(Cadre)) == 2
    stored = preview.get_json()["response"]["ca-lrmx-file"]["data"]
    done = call(client, app, "form_import.confirm",
                {"ca-lrmx-confirm.n_clicks": 1, "ca-lrmx-file.data": stored})
    assert "1 new" in shown(done)
    assert (
        session.scalar(select(func.count()).select_from(Cadre).where(Cadre.name == "刘晓梅")) == 1
    )


@pytest.mark.parametrize("username", ["cadre", "inspector", "reviewer-d1"])
def test_a_preview_for_anyone_else_shows_nothing(client, app, session, filled, username):
    login(client, username)
    contents = "data:;base64," + base64.b64encode(LIU).decode()
    response = call(client, app, "form_import.preview", {
        "ca-lrmx-upload.contents": contents, "ca-lrmx-upload.filename": "liu.lrmx",
                                                         "ca-lrmx-unit.value": filled.s2.id})
    assert "New cadre" not in shown(response) and "刘晓梅" not in shown(response)
    assert (
        response.status_code == 403
        or response.get_json()["response"]["ca-lrmx-file"]["data"] is None
    )


@pytest.mark.parametrize("username", ["cadre", "inspector", "reviewer-d1"])
def test_an_upload_by_anyone_else_writes_nothing(client, app, session, filled, username):
    login(client, username)
    stored = {"contents": "data:;base64," + base64.b64encode(LIU).decode(), "filename": "liu.lrmx",
              "unit": filled.s2.id}
    response = call(client, app, "form_import.confirm",
                    {"ca-lrmx-confirm.n_clicks": 1, "ca-lrmx-file.data": stored})
    assert "刘晓梅" not in shown(response) or "new" not in shown(response)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Cadre)) == 2
