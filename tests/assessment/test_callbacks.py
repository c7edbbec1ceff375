"""The assessment pages' callbacks, called through /_dash-update-component as each role.

A callback is an endpoint anyone logged in can call with any input; these tests ask for
another district's data on purpose and check it is not in the answer.
"""

from __future__ import annotations

import base64
import io
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from assessment.models import Score
from tests.assessment.conftest import open_period
from tests.callbacks import follow_job, job_key, run_jobs
from tests.web import callback, csrf_header, login, response_props

OTHER_DISTRICT = ("临江区", "梅园街道", "石洲社区", "S2")

OVERVIEW_OUTPUTS = [("as-ov-crumbs", "children"), ("as-ov-kpis", "children"),
                    ("as-ov-treemap", "figure"),
                    ("as-ov-ranking", "figure"), ("as-ov-distribution", "figure"),
                    ("as-ov-trend", "figure"),
                    ("as-ov-warnings", "children"), ("as-ov-unit-link", "children"),
                    ({"type": "export-period", "kind": "results"}, "data"),
                    ({"type": "export-period", "kind": "breakdown"}, "data"),
                    ("as-ov-warnings-link", "href"),
                    ("as-ov-down", "children")]


def text(response) -> str:
    """The whole answer with Chinese characters as they are (JSON escapes them)."""
    try:
        return json.dumps(response.get_json(), ensure_ascii=False)
    except Exception:  # noqa: BLE001 - a non-JSON answer is text already
        return response.get_data(as_text=True)


def wildcard_callback(client, outputs, inputs, state, triggered):
    """Like ``tests.web.callback``, for callbacks with ALL wildcards: an input or state given
    as a list of ``(id, property, value)`` is sent as Dash sends a wildcard's matches."""
    def prop(item):
        if isinstance(item, list):
            return [prop(i) for i in item]
        return {"id": item[0], "property": item[1], "value": item[2]}

    def key(component_id):
        return json.dumps(component_id, sort_keys=True,
                          separators=(",", ":")) if isinstance(component_id, dict) \
            else component_id

    body = {"output": ".." + "...".join(f"{key(i)}.{p}" for i, p in outputs) + "..",
            "outputs": [{"id": i, "property": p} for i, p in outputs],
            "inputs": [prop(i) for i in inputs], "state": [prop(s) for s in state],
            "changedPropIds": triggered}
    return client.post("/_dash-update-component", json=body, headers=csrf_header(client))


def overview(client, period, focus):
    return callback(client, OVERVIEW_OUTPUTS,
                    [("as-ov-period", "value", period), ("as-ov-focus", "data", focus)])


@pytest.fixture
def district_reviewer(client, city, published):
    login(client, "reviewer-d1")
    return client


def test_the_city_reviewer_sees_both_districts(client, city, published):
    login(client, "reviewer")
    answer = text(overview(client, published, city.city.id))
    assert "桃桥街道" in answer and "梅园街道" in answer


def test_a_district_reviewer_sees_only_their_district_in_the_overview(district_reviewer, city,
                                                                      published):
    answer = text(overview(district_reviewer, published, city.d1.id))
    assert "桃桥街道" in answer
    assert not any(name in answer for name in OTHER_DISTRICT)


@pytest.mark.parametrize("focus", ["d2", "s2", "city"])
def test_asking_the_overview_for_another_district_returns_nothing_of_it(district_reviewer, city,
                                                                        published, focus):
    response = overview(district_reviewer, published, getattr(city, focus).id)
    answer = text(response)
    assert not any(name in answer for name in OTHER_DISTRICT)
    assert "江州市" not in answer or focus == "city"


def test_the_overview_lists_the_units_below_as_buttons_for_the_keyboard(client, city, published):
    login(client, "reviewer")
    below = response_props(overview(client, published, city.city.id))["as-ov-down"]["children"]
    ids = [button["props"]["id"] for button in below]
    assert {i["unit"] for i in ids} == {city.s1.id,
                                        city.s2.id}  # the districts have no results of their own
    assert all(i["type"] == "as-ov-below" for i in ids)


def test_a_click_on_a_chart_moves_the_focus_there(district_reviewer, city, published):
    body = {"output": "as-ov-focus.data", "outputs": {"id": "as-ov-focus", "property": "data"},
            "inputs": [{"id": "as-ov-treemap", "property": "clickData", "value": None},
                       {"id": "as-ov-ranking", "property": "clickData",
                        "value": {"points": [{"customdata": [city.s1.id]}]}},
                       {"id": "as-ov-distribution", "property": "clickData", "value": None}],
            "state": [{"id": "as-ov-focus", "property": "data", "value": city.d1.id}],
            "changedPropIds": ["as-ov-ranking.clickData"]}
    response = district_reviewer.post("/_dash-update-component", json=body,
                                      headers=csrf_header(district_reviewer))
    assert response_props(response)["as-ov-focus"]["data"] == city.s1.id


def test_the_overview_asks_the_server_nothing_after_drawing_its_buttons(app):
    """The breadcrumbs and the units below are new buttons at every drawing; the focus they
    move is set in the browser (the keyboard journey clicks them), not by a server callback
    called each time they appear."""
    for key, spec in app.callback_map.items():
        if spec.get("callback") is None:
            continue
        inputs = json.dumps(spec["inputs"])
        assert "as-ov-crumb" not in inputs and "as-ov-below" not in inputs, key


def test_the_unit_page_of_another_district_shows_nothing(district_reviewer, city, published):
    response = callback(district_reviewer, [("as-unit-body", "children")],
                        [("as-unit-period", "value", published)],
                        [("as-unit-id", "data", city.s2.id)])
    answer = text(response)
    assert "No such unit" in answer and not any(name in answer for name in OTHER_DISTRICT)


def test_the_unit_page_breaks_the_composite_down(district_reviewer, city, published):
    answer = text(callback(district_reviewer, [("as-unit-body", "children")],
                           [("as-unit-period", "value", published)],
                           [("as-unit-id", "data", city.s1.id)]))
    assert "党建引领" in answer and "92.00" in answer


def test_what_if_through_the_endpoint_keeps_to_the_scope(district_reviewer, city, published):
    d1, d2 = {"type": "as-wi-weight", "code": "D1"}, {"type": "as-wi-weight", "code": "D2"}
    response = wildcard_callback(
        district_reviewer,
        [("as-wi-grid", "rowData"), ("as-wi-moves", "figure"), ("as-wi-kpis", "children"),
         ("as-wi-total", "children")],
        [[(d1, "value", 90), (d2, "value", 10)]],
        [[(d1, "id", d1), (d2, "id", d2)], ("as-wi-period", "value", published),
         ("as-wi-level", "value", "street")],
        triggered=[json.dumps(d1, sort_keys=True, separators=(",", ":")) + ".value"])
    answer = text(response)
    rows = response.get_json()["response"]["as-wi-grid"]["rowData"]
    assert [r["unit_code"] for r in rows] == ["S1"] and rows[0]["composite_after"] == 92.0
    assert not any(name in answer for name in OTHER_DISTRICT)


def test_warnings_and_indicator_pages_keep_to_the_scope(district_reviewer, city, published):
    answer = text(callback(district_reviewer,
                           [("as-wa-grid", "rowData"), ("as-wa-kpis", "children")],
                           [("as-wa-period", "value", published)], [("as-wa-under", "data", None)]))
    assert not any(name in answer for name in OTHER_DISTRICT)
    response = callback(district_reviewer,
                        [("as-in-kpis", "children"), ("as-in-histogram", "figure"),
                                            ("as-in-yoy", "figure"), ("as-in-best", "figure")],
                        [("as-in-period", "value", published), ("as-in-level", "value", "street"),
                         ("as-in-code", "value", "I1")])
    answer = text(response)
    assert "桃桥街道" in answer and not any(name in answer for name in OTHER_DISTRICT)


def test_the_results_export_of_a_district_reviewer_has_only_their_units(district_reviewer, city,
                                                                        published):
    """The platform's export buttons (a MATCH callback) as the page places them."""
    download = {"type": "export-download", "kind": "results"}
    body = {
        "output": '..{"kind":["MATCH"],"type":"export-download"}.data...'
                  '{"kind":["MATCH"],"type":"export-error"}.children..',
        "outputs": [{"id": download, "property": "data"},
                    {"id": {"type": "export-error", "kind": "results"}, "property": "children"}],
        "inputs": [{"id": {"type": "export-btn", "kind": "results", "fmt": "xlsx"},
                    "property": "n_clicks", "value": None},
                   {"id": {"type": "export-btn", "kind": "results", "fmt": "csv"},
                    "property": "n_clicks", "value": 1}],
        "state": [{"id": {"type": "export-period", "kind": "results"}, "property": "data",
                   "value": published},
                  {"id": download, "property": "id", "value": download}],
        "changedPropIds": ['{"fmt":"csv","kind":"results","type":"export-btn"}.n_clicks'],
    }
    response = district_reviewer.post("/_dash-update-component", json=body,
                                      headers=csrf_header(district_reviewer))
    data = response.get_json()["response"]['{"kind":"results","type":"export-download"}']["data"]
    content = (
        base64.b64decode(data["content"]).decode("utf-8-sig") if data["base64"] else data["content"]
    )
    assert "S1" in content and "桃桥街道" in content
    assert "S2" not in content and "梅园街道" not in content


@pytest.mark.parametrize("username", ["inspector", "cadre"])
def test_roles_without_assessment_access_get_no_data(client, city, published, username):
    login(client, username)
    response = overview(client, published, city.city.id)
    assert response.status_code == 403
    assert "桃桥街道" not in text(response)


def test_an_anonymous_caller_gets_401(client, city, published):
    assert overview(client, published, city.city.id).status_code == 401


# --- score entry -----------------------------------------------------------------------------

SHEET_OUTPUTS = [("as-sc-grid", "columnDefs"), ("as-sc-completeness", "figure")]


def sheet(client, code, mode, target, start=0, end=100):
    """The sheet's rows as the paged grid asks for them (a block ``start``..``end``)."""
    return callback(client, [("as-sc-grid", "getRowsResponse")],
                    [("as-sc-grid", "getRowsRequest", {"startRow": start, "endRow": end})],
                    [("as-sc-period", "value", code), ("as-sc-level", "value", "street"),
                     ("as-sc-mode", "value", mode), ("as-sc-target", "value", target)])


def sheet_rows(response) -> list[dict]:
    return response.get_json()["response"]["as-sc-grid"]["getRowsResponse"]["rowData"]


def sheet_frame(client, code, mode, target):
    """The sheet's columns and completeness bars."""
    return callback(client, SHEET_OUTPUTS,
                    [("as-sc-period", "value", code), ("as-sc-level", "value", "street"),
                     ("as-sc-mode", "value", mode), ("as-sc-target", "value", target),
                     ("as-sc-refresh", "data", 0)])


def save(client, code, row, column="value", old=None):
    change = {"rowIndex": 0, "rowId": row["id"], "data": row, "oldValue": old,
              "value": row.get(column),
              "colId": column}
    return callback(client, [("as-sc-message", "children"), ("as-sc-saved", "data")],
                    [("as-sc-grid", "cellValueChanged", [change])],
                    [("as-sc-period", "value", code)])


@pytest.fixture
def collecting(session, city, street_scheme):
    return open_period(session, city)


def test_the_score_sheet_of_a_district_reviewer_lists_only_their_units(client, city, collecting):
    login(client, "reviewer-d1")
    rows = sheet_rows(sheet(client, collecting, "indicator", "I1"))
    assert [r["unit_code"] for r in rows] == ["S1"]
    answer = text(sheet(client, collecting, "unit", city.s2.id))
    assert sheet(client, collecting, "indicator", "I1").get_json()["response"]["as-sc-grid"][
        "getRowsResponse"]["rowCount"] == 1
    frame = sheet_frame(client, collecting, "indicator", "I1").get_json()["response"]
    assert frame["as-sc-grid"]["columnDefs"][0]["field"] == "unit_name"
    assert not any(name in answer for name in OTHER_DISTRICT)


def test_a_cell_is_saved_and_a_second_writer_with_an_old_version_is_told(client, session, city,
                                                                         collecting):
    login(client, "reviewer")
    row = sheet_rows(sheet(client, collecting, "unit", city.s1.id))[0]
    first = save(client, collecting, {**row, "value": 25})
    assert "Saved" in text(first)
    saved = first.get_json()["response"]["as-sc-saved"]["data"][0]
    assert saved["version"] == 1
    save(client, collecting, {**saved, "value": 26})
    stale = save(client, collecting, {**saved, "value": 20})  # still carries version 1
    assert "Somebody else (reviewer) changed this score to 26" in text(stale)
    assert session.scalar(select(Score.value)) == 26


def test_a_value_above_the_full_score_is_refused_and_the_cell_reverted(client, session, city,
                                                                       collecting):
    login(client, "reviewer")
    row = sheet_rows(sheet(client, collecting, "unit", city.s1.id))[0]
    response = save(client, collecting, {**row, "value": 45}, old=None)
    assert "full score of 30" in text(response)
    reverted = response.get_json()["response"]["as-sc-saved"]["data"][0]
    assert reverted["value"] is None
    assert session.scalar(select(func.count()).select_from(Score)) == 0


def test_a_district_reviewer_cannot_save_a_score_of_another_district(client, session, city,
                                                                     collecting):
    login(client, "reviewer-d1")
    row = {"id": f"{city.s2.id}:I1", "unit_id": city.s2.id, "indicator_code": "I1", "value": 10,
           "version": None}
    response = save(client, collecting, row)
    assert "No such unit" in text(response)
    assert session.scalar(select(func.count()).select_from(Score)) == 0


def _upload(client, app, code, rows, name="scores.xlsx", dry_run=False):
    """Upload the rows as the page does, run the import job, and poll its panel."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    contents = "data:application/octet-stream;base64," + base64.b64encode(out.getvalue()).decode()
    job_id = {"type": "job-id", "kind": "scores_import"}
    outputs = [(job_id, "data"), ("as-sc-import-result", "children"), ("as-sc-upload", "contents")]
    body = {"output": next(k for k in app.callback_map if "as-sc-import-result.children" in k),
            "outputs": [{"id": i, "property": p} for i, p in outputs],
            "inputs": [{"id": "as-sc-upload", "property": "contents", "value": contents}],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in (
                ("as-sc-upload", "filename", name), ("as-sc-dry-run", "value", dry_run),
                ("as-sc-period", "value", code))],
            "changedPropIds": ["as-sc-upload.contents"]}
    started = client.post("/_dash-update-component", json=body, headers=csrf_header(client))
    job = started.get_json()["response"][job_key("scores_import", "id")]["data"]
    assert run_jobs(app) == 1
    return follow_job(client, app, "scores_import", job)


def test_uploading_a_bad_file_lists_its_rows_and_saves_nothing(client, app, session, city,
                                                               collecting):
    login(client, "reviewer")
    response = _upload(client, app, collecting,
                       [["unit_code", "indicator_code", "value"], ["S1", "I1", "二十"],
                                            ["S9", "I2", 10]])
    answer = text(response)
    assert "row 2, column value (数值): must be a number" in answer
    assert "row 3, column unit_code (单位编码): no unit has this code" in answer
    assert session.scalar(select(func.count()).select_from(Score)) == 0


def test_uploading_a_good_file_saves_it_with_its_progress_shown(client, app, session, city,
                                                                collecting):
    login(client, "reviewer")
    response = _upload(client, app, collecting,
                       [["unit_code", "indicator_code", "value"], ["S1", "I1", 20],
                                            ["S1", "I2", 70]])
    assert "2 new" in text(response)
    assert session.scalar(select(func.count()).select_from(Score)) == 2
    shown = response.get_json()["response"]
    assert shown[job_key("scores_import", "bar")]["value"] == 100
    assert shown[job_key("scores_import", "poll")]["disabled"] is True


def test_a_district_reviewer_cannot_follow_another_reviewers_import(client, app, session, city,
                                                                    collecting):
    login(client, "reviewer")
    response = _upload(client, app, collecting, [["unit_code", "indicator_code", "value"],
                                                 ["S1", "I1", 20]])
    job = int(response.get_json()["response"][job_key("scores_import", "done")]["data"])
    client.get("/logout")
    login(client, "reviewer-d1")
    other = follow_job(client, app, "scores_import", job)
    assert "No such job" in text(other) and "1 new" not in text(other)


# --- periods and schemes ---------------------------------------------------------------------

def _period_action(client, code, to, reason=""):
    move = {"type": "as-pe-move", "to": to}
    return wildcard_callback(
        client, [("as-pe-message", "children"), ("as-pe-changed", "data")],
        [[({"type": "as-pe-create", "n": 0}, "n_clicks", None)], [(move, "n_clicks", 1)]],
        [[({"type": "as-pe-new-code", "n": 0}, "value", "")], ("as-pe-period", "value", code),
         [({"type": "as-pe-reason", "n": 0}, "value", reason)], ("as-pe-changed", "data", 0)],
        triggered=[json.dumps(move, sort_keys=True, separators=(",", ":")) + ".n_clicks"])


def test_publishing_an_incomplete_period_says_what_is_missing(client, city, collecting):
    login(client, "reviewer")
    assert "Reviewing" in text(_period_action(client, collecting, "reviewing"))
    answer = text(_period_action(client, collecting, "published"))
    assert "cannot be published yet" in answer and "桃桥街道 (S1) has no value for I1" in answer


def test_a_district_reviewer_cannot_publish(client, city, collecting):
    login(client, "reviewer-d1")
    assert "outside the units you are responsible for" in text(_period_action(client, collecting,
                                                                              "reviewing"))


def test_a_reviewer_cannot_change_a_scheme_through_the_endpoint(client, session, city,
                                                                street_scheme):
    login(client, "reviewer")
    names = ("code", "iname", "parent", "weight", "method", "direction", "target", "bands", "cap",
             "per-item", "unit",
             "name")
    values = {"code": "X1", "iname": "偷改", "weight": 5, "method": "direct", "direction": "higher"}
    response = callback(client, [("as-sch-message", "children"), ("as-sch-changed", "data")],
                        [("as-sch-save", "n_clicks", 1), ("as-sch-delete", "n_clicks", None),
                         ("as-sch-copy", "n_clicks", None), ("as-sch-rename", "n_clicks", None)],
                        [("as-sch-year", "value", 2026), ("as-sch-level", "value", "street")]
                        + [(f"as-sch-{n}", "value",
                            values.get(n)) for n in names] + [("as-sch-changed", "data", 0)])
    assert response.status_code == 403  # the schemes page is the administrator's
    from assessment.models import Indicator

    assert (
        session.scalar(select(func.count()).select_from(Indicator).where(Indicator.code == "X1"))
        == 0
    )


def test_a_supervision_item_of_another_district_is_not_shown(client, session, city, street_scheme):
    from datetime import date

    from assessment import supervision

    item = supervision.create(session, city.actor("reviewer"), unit_id=city.s2.id,
                              title="梅园整改事项",
                              assigned_on=date(2026, 1, 5), deadline=date(2026, 2, 1),
                              indicator_code="I3")
    session.commit()
    login(client, "reviewer-d1")
    answer = text(callback(client, [("as-su-detail", "children")],
                           [("as-su-selected", "data", item.id),
                                                                   ("as-su-changed", "data", 0)]))
    assert "No such supervision item" in answer and "梅园" not in answer
    rows = callback(client, [("as-su-grid", "rowData")], [("as-su-status", "value", None),
                                                          ("as-su-unit", "value", None),
                                                          ("as-su-changed", "data", 0)])
    assert "梅园" not in text(rows)
