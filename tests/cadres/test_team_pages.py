"""The leadership-team page's callbacks posted as each role, as an attacker would: reviewers get
their subtree, a unit forged from outside it shows nothing, other roles are refused."""

from __future__ import annotations

import base64
import io
import json

import pytest
from openpyxl import load_workbook

from tests.cadres.callbacks import call
from tests.cadres.test_teams import teams_city  # noqa: F401  (the fixture)
from tests.web import login

PAGE = {"ca-tm-grid.getRowsRequest": {"startRow": 0, "endRow": 100}, "ca-tm-level.value": "street",
        "ca-tm-unit.value": None, "ca-tm-flag.value": None}
OTHER_DISTRICT = ("李娜", "孙书记", "梅园街道")


def shown(response) -> str:
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    return response.get_data(as_text=True)


def rows(response) -> list[dict]:
    return response.get_json()["response"]["ca-tm-grid"]["getRowsResponse"]["rowData"]


def test_the_city_reviewer_pages_through_every_street(client, app, teams_city):  # noqa: F811
    login(client, "reviewer")
    response = call(client, app, "teams.unit_page", PAGE)
    found = rows(response)
    assert {r["code"] for r in found} == {"S1", "S2"}
    s1 = next(r for r in found if r["code"] == "S1")
    assert s1["principal_text"] == "1/2" and "Vacant posts" in s1["flag_text"]


def test_a_district_reviewer_gets_only_their_district(client, app, teams_city):  # noqa: F811
    login(client, "reviewer-d1")
    response = call(client, app, "teams.unit_page", PAGE)
    assert [r["code"] for r in rows(response)] == ["S1"]
    summary = call(client, app, "teams.refresh", PAGE)
    assert summary.status_code == 200
    assert not [name for name in OTHER_DISTRICT if name in shown(summary)]


def test_a_unit_forged_from_another_district_shows_nothing(client, app, teams_city):  # noqa: F811
    login(client, "reviewer-d1")
    forged = call(client, app, "teams.show_team",
                  {"ca-tm-grid.cellClicked": {"rowId": str(teams_city.s2.id)}})
    assert "No such unit" in shown(forged)
    assert not [name for name in OTHER_DISTRICT if name in shown(forged)]
    narrowed = call(client, app, "teams.unit_page", {**PAGE, "ca-tm-unit.value": teams_city.d2.id})
    assert rows(narrowed) == []
    mine = call(client, app, "teams.show_team",
                {"ca-tm-grid.cellClicked": {"rowId": str(teams_city.s1.id)}})
    assert "王芳" in shown(mine)


@pytest.mark.parametrize("username", ["cadre", "inspector", "admin"])
def test_other_roles_are_refused_the_page_and_its_callbacks(client, app, teams_city,  # noqa: F811
                                                            username):
    login(client, username)
    for name, values in [("teams.unit_page", PAGE), ("teams.refresh", PAGE),
                         ("teams.show_team",
                          {"ca-tm-grid.cellClicked": {"rowId": str(teams_city.s1.id)}}),
                         ("teams.download", {**PAGE, "ca-tm-xlsx.n_clicks": 1})]:
        response = call(client, app, name, values)
        assert response.status_code == 403, name
        assert "王芳" not in shown(response)


def test_a_bad_level_or_flag_is_answered_in_words(client, app, teams_city):  # noqa: F811
    login(client, "reviewer")
    response = call(client, app, "teams.refresh", {**PAGE, "ca-tm-level.value": "planet"})
    assert "Level of units" in shown(response) and "planet" in shown(response)
    response = call(client, app, "teams.unit_page", {**PAGE, "ca-tm-flag.value": "x"})
    assert rows(response) == []


def test_the_reviewer_downloads_the_table_as_xlsx(client, app, teams_city):  # noqa: F811
    login(client, "reviewer-d1")
    response = call(client, app, "teams.download", {**PAGE, "ca-tm-xlsx.n_clicks": 1})
    data = response.get_json()["response"]["ca-tm-download"]["data"]
    assert data["filename"].startswith("leadership-teams-street-")
    sheet = load_workbook(io.BytesIO(base64.b64decode(data["content"]))).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["S1"]
