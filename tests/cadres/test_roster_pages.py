"""The roster page's callbacks as each role (a cadre and an inspector are refused, a district
reviewer gets their subtree), the page and ``portal roster --json`` agreeing, the command's
exit codes, the XLSX download and saved searches through the callbacks, the printable roster
and the proposal link on the profile."""

from __future__ import annotations

import base64
import io
import json
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import func, select

from cadres.models import SavedSearch
from portal.models import AuditEvent
from tests.cadres.callbacks import call
from tests.cadres.test_roster import AS_OF, make_people
from tests.web import callback, login


@pytest.fixture
def people(session, city):
    return make_people(session, city)

ISOLATION_TESTED = {"roster.search", "roster.roster_page", "roster.export",
                    "roster.save_or_delete", "roster.load_saved", "roster.clear"}
REQUEST = {"startRow": 0, "endRow": 100}
FORM = {"ca-ro-search.n_clicks": 1, "ca-ro-unit.value": "D1",
        "ca-ro-ranks.value": ["principal_staff_2"], "ca-ro-and-above.value": True,
        "ca-ro-max-age.value": 55, "ca-ro-as-of.date": AS_OF.isoformat()}


def shown(response) -> str:
    return json.dumps(response.get_json(), ensure_ascii=False)


def rows(response) -> list[dict]:
    return response.get_json()["response"]["ca-ro-grid"]["getRowsResponse"]["rowData"]


def grid(client, app, conditions: dict):
    response = call(client, app, "roster.roster_page",
                    {"ca-ro-grid.getRowsRequest": REQUEST, "ca-ro-conditions.data": conditions})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def searched(client, app, form=FORM) -> dict:
    response = call(client, app, "roster.search", form)
    assert response.status_code == 200
    return response.get_json()["response"]["ca-ro-conditions"]["data"]


CALLS = [
    ("roster.search", FORM),
    ("roster.roster_page", {"ca-ro-grid.getRowsRequest": REQUEST,
                            "ca-ro-conditions.data": {"unit": "D2"}}),
    ("roster.export", {"ca-ro-export.n_clicks": 1, "ca-ro-conditions.data": {},
                       "ca-ro-columns.value": ["code", "name"]}),
    ("roster.save_or_delete", {"ca-ro-save.n_clicks": 1, "ca-ro-name.value": "x",
                               "ca-ro-conditions.data": {}}),
    ("roster.load_saved", {"ca-ro-load.n_clicks": 1, "ca-ro-saved.value": 1}),
    ("roster.clear", {"ca-ro-clear.n_clicks": 1}),
]


@pytest.mark.parametrize("username", ["cadre", "inspector"])
@pytest.mark.parametrize(("name", "values"), CALLS, ids=[n for n, _v in CALLS])
def test_a_cadre_and_an_inspector_are_refused_every_roster_callback(client, app, people, session,
                                                                   username, name, values):
    login(client, username)
    response = call(client, app, name, values)
    assert response.status_code == 403
    assert "李娜" not in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(SavedSearch)) == 0


def test_the_reviewer_gets_the_roster_with_blocks(client, app, people):
    login(client, "reviewer")
    conditions = searched(client, app)
    assert conditions["ranks"] == ["principal_staff_2+"] and conditions["unit"] == "D1"
    response = grid(client, app, conditions)
    found = rows(response)
    assert [r["code"] for r in found] == ["C0003", "C0004"]
    assert found[1]["eligible"] is False and "2025" in found[1]["reasons"]
    assert response.get_json()["response"]["ca-ro-grid"]["getRowsResponse"]["rowCount"] == 2


def test_bad_conditions_are_told_in_plain_words_and_nothing_is_searched(client, app, people):
    login(client, "reviewer")
    response = call(client, app, "roster.search", {**FORM, "ca-ro-min-age.value": 60})
    assert response.status_code == 200
    body = response.get_json()["response"]
    assert "ca-ro-conditions" not in body and "Age from" in shown(response)


def test_a_district_reviewer_gets_only_their_subtree(client, app, people):
    login(client, "reviewer-d1")
    assert "C0002" not in [r["code"] for r in rows(grid(client, app, {}))]
    refused = grid(client, app, {"unit": "D2"})
    assert rows(refused) == [] and "no unit with the code" in shown(refused)


def test_the_page_and_the_command_give_the_same_cadres(client, app, people, database_url,
                                                       monkeypatch):
    from portal.cli import main

    login(client, "reviewer")
    for args, form in [
        (["--unit", "D1", "--rank", "二级主任科员+", "--max-age", "55"], FORM),
        (["--min-rank-years", "2", "--eligible-for", "promotion"],
         {"ca-ro-search.n_clicks": 1, "ca-ro-rank-years.value": 2,
          "ca-ro-eligible.value": "promotion", "ca-ro-as-of.date": AS_OF.isoformat()}),
        (["--gender", "female", "--education", "大学"],
         {"ca-ro-search.n_clicks": 1, "ca-ro-gender.value": "female",
          "ca-ro-education.value": "20", "ca-ro-as-of.date": AS_OF.isoformat()}),
    ]:
        monkeypatch.setenv("DATABASE_URL", database_url)
        result = CliRunner().invoke(main, ["roster", *args, "--as-of", AS_OF.isoformat(),
                                           "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        page = [r["code"] for r in rows(grid(client, app, searched(client, app, form)))]
        assert page == [c["code"] for c in data["cadres"]] and data["count"] == len(page)
        assert page, args


@pytest.mark.parametrize(("args", "status", "words"), [
    (["--rank", "大元帅"], 1, "大元帅"),
    (["--unit", "NOPE"], 1, "NOPE"),
    (["--education", "幼儿园"], 1, "幼儿园"),
    (["--min-age", "50", "--max-age", "40"], 1, "min"),
    (["--min-age", "forty"], 2, "forty"),
    (["--as-of", "2026-13-01"], 2, "YYYY-MM-DD"),
    (["--eligible-for", "sainthood"], 2, "sainthood"),
    (["--json", "--out", "x.xlsx"], 2, "either"),
    (["--out", "roster.csv"], 2, ".xlsx"),
])
def test_the_command_refuses_bad_options_in_one_line(people, database_url, monkeypatch, args,
                                                     status, words):
    from portal.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["roster", *args])
    assert result.exit_code == status, result.output
    assert "Traceback" not in result.output
    if status == 1:
        assert len(result.output.strip().splitlines()) == 1
    assert words in result.output or words == "min"


def test_the_command_writes_the_xlsx_roster(people, database_url, monkeypatch, tmp_path):
    from portal.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    out = tmp_path / "roster.xlsx"
    result = CliRunner().invoke(main, ["roster", "--unit", "S1", "--as-of", "2026-11-24",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["C0001", "C0004"]


def test_the_roster_downloads_with_the_chosen_columns(client, app, people, session):
    login(client, "reviewer")
    response = call(client, app, "roster.export",
                    {"ca-ro-export.n_clicks": 1, "ca-ro-conditions.data": searched(client, app),
                     "ca-ro-columns.value": ["name", "rank", "blocks"]})
    download = response.get_json()["response"]["ca-ro-download"]["data"]
    sheet = load_workbook(io.BytesIO(base64.b64decode(download["content"]))).active
    found = list(sheet.iter_rows(values_only=True))
    assert found[0] == ("Full name", "Rank", "Blocks")
    assert [r[0] for r in found[1:]] == ["张伟", "赵敏"]
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.entity_type == "roster")) == 1


def test_a_search_is_saved_loaded_and_deleted_through_the_page(client, app, people, session):
    login(client, "reviewer")
    conditions = searched(client, app)
    saved = call(client, app, "roster.save_or_delete",
                 {"ca-ro-save.n_clicks": 1, "ca-ro-name.value": "青山区 后备",
                  "ca-ro-conditions.data": conditions}, triggered="ca-ro-save.n_clicks")
    options = saved.get_json()["response"]["ca-ro-saved"]["options"]
    assert [o["label"] for o in options] == ["青山区 后备"]
    loaded = call(client, app, "roster.load_saved",
                  {"ca-ro-load.n_clicks": 1, "ca-ro-saved.value": options[0]["value"]})
    body = loaded.get_json()["response"]
    assert body["ca-ro-ranks"]["value"] == ["principal_staff_2"]
    assert body["ca-ro-and-above"]["value"] is True
    assert body["ca-ro-conditions"]["data"] == conditions
    # another reviewer cannot load or delete it
    client.post("/logout", headers={"X-CSRFToken": ""})
    login(client, "reviewer-d1")
    other = call(client, app, "roster.load_saved",
                 {"ca-ro-load.n_clicks": 1, "ca-ro-saved.value": options[0]["value"]})
    assert "青山区 后备" not in shown(other)
    call(client, app, "roster.save_or_delete",
         {"ca-ro-delete.n_clicks": 1, "ca-ro-saved.value": options[0]["value"]},
         triggered="ca-ro-delete.n_clicks")
    assert session.scalar(select(func.count()).select_from(SavedSearch)) == 1


def page(client, path: str, search: str = "") -> str:
    response = callback(client, [("_pages_content", "children"), ("_pages_store", "data")],
                        [("_pages_location", "pathname", path),
                         ("_pages_location", "search", search)])
    assert response.status_code == 200, path
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_the_printable_roster_lists_everyone_found_with_the_conditions(client, app, people):
    login(client, "reviewer")
    query = quote(json.dumps({"unit": "D1", "ranks": ["principal_staff_2+"],
                              "as_of": "2026-11-24"}))
    shown_page = page(client, "/cadres/roster/print", "?q=" + query)
    assert "张伟" in shown_page and "赵敏" in shown_page and "王芳" not in shown_page
    assert "2026-11-24" in shown_page and "ca-ro-print-table" in shown_page
    assert "cannot be read" in page(client, "/cadres/roster/print", "?q=%7Bnot json")


def component(tree, ident: str) -> dict | None:
    """The props of the component ``ident`` in a layout as JSON."""
    if isinstance(tree, dict):
        props = tree.get("props")
        if isinstance(props, dict) and props.get("id") == ident:
            return props
        return next((found for value in tree.values()
                     if (found := component(value, ident)) is not None), None)
    if isinstance(tree, list):
        return next((found for value in tree if (found := component(value, ident)) is not None),
                    None)
    return None


def test_the_proposal_link_opens_the_form_with_the_decision_chosen(client, app, people):
    login(client, "reviewer")
    opened = json.loads(page(client, "/cadres/profile", "?code=C0005&propose=rank_promotion"))
    assert component(opened, "ca-pf-propose-modal")["is_open"] is True
    assert component(opened, "ca-pf-prop-type")["value"] == "rank_promotion"
    closed = json.loads(page(client, "/cadres/profile", "?code=C0005"))
    assert component(closed, "ca-pf-propose-modal")["is_open"] is False
    assert component(closed, "ca-pf-prop-type")["value"] == "promotion"
