"""Score collection: an editable grid per unit or per indicator, checked as you type and
saved cell by cell (a second writer is told, not overwritten), and file import with
progress, dry run and a template per scheme."""

from __future__ import annotations

import functools

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from assessment import periods, rules, schemes, scores
from assessment.enums import PeriodStatus
from assessment.pages import charts, common
from portal import db, forms, ui
from portal.access import current_actor
from portal.enums import UnitLevel
from portal.errors import Conflict, Invalid, PortalError
from portal.i18n import N_, _, current_lang
from portal.pages.jobs import job_panel, start_job
from portal.tabular import Column, Table, to_bytes

MODES = {"unit": N_("One unit, all its indicators"), "indicator": N_("One indicator, all units")}
IMPORT_JOB = "scores_import"  # assessment.jobs
TEMPLATE_COLUMNS = (
    Column("period", "期间"), Column("unit_code", "单位编码"), Column("unit_name", "单位名称"),
    Column("indicator_code", "指标编码"), Column("indicator_name", "指标名称"),
                    Column("value", "数值"),
    Column("note", "备注"),
)


def layout(period: str | None = None, level: str | None = None, unit: str | None = None, **_query):
    actor = current_actor()
    session = db.session()
    found = periods.list_periods(session, actor)
    options = [{"label": f"{common.period_label(p)} · {PeriodStatus(p.status).label}",
                "value": p.code}
               for p in found]
    if not found:
        return html.Div([ui.page_header(_("Scores")), ui.empty_state(
            _("There is no assessment period yet."), _("Create one on the periods page, then open "
                                                       "it for collection."),
            dbc.Button(_("Open periods"), href="/assessment/periods", color="primary", size="sm"))])
    codes = [p.code for p in found]
    chosen = (
        period
        if period in codes
        else next((p.code for p in found if p.status in rules.EDITABLE), codes[0])
    )
    controls = html.Div([
        html.Div([html.Div(_("Assessment period"), className="small text-muted mb-1"),
                  ui.dropdown("as-sc-period", options, chosen, clearable=False)],
                 className="as-control", style={"minWidth": "230px"}),
        html.Div([html.Div(_("Level"), className="small text-muted mb-1"),
                  ui.dropdown("as-sc-level", [], level, clearable=False)], className="as-control"),
        html.Div([html.Div(_("Show"), className="small text-muted mb-1"),
                  dbc.RadioItems(id="as-sc-mode",
                                 options=[{"label": _(v), "value": k} for k, v in MODES.items()],
                                 value="indicator" if not unit else "unit", inline=True)]),
        html.Div([html.Div(_("Unit or indicator"), className="small text-muted mb-1"),
                  ui.dropdown("as-sc-target", [], common.as_int(unit), placeholder=_("Choose…"),
                              clearable=False)],
                 className="as-control", style={"minWidth": "300px"}),
    ], className="as-toolbar")
    return html.Div([
        ui.page_header(_("Scores"),
                       _("Enter or correct scores while a period is collecting or reviewing. Each "
                         "cell is "
                                      "saved when you leave it; a value outside the indicator's "
                                      "range is refused."),
                       actions=html.Div([dbc.Button(_("Download the import template"),
                                                    id="as-sc-template",
                                                    color="secondary", outline=True, size="sm"),
                                         dcc.Download(id="as-sc-template-file")])),
        controls,
        html.Div(id="as-sc-message"),
        dbc.Row([
            dbc.Col(ui.section(_("Score sheet"), html.Div(
                ui.paged_grid("as-sc-grid", [], height=520, page_size=50,
                              getRowId="params.data.id",
                        dashGridOptions={"stopEditingWhenCellsLoseFocus": True,
                                                                    "singleClickEdit": True},
                              defaultColDef={"sortable": False, "wrapHeaderText": True,
                                             "autoHeaderHeight": True}),
                className="as-grid")), lg=9),
            dbc.Col([ui.section(_("Completeness"), ui.graph("as-sc-completeness", height=220)),
                     ui.section(_("Import a file"), _import_panel())], lg=3),
        ], class_name="g-3"),
        dcc.Store(id="as-sc-refresh", data=0),
        dcc.Store(id="as-sc-saved"),
    ])


def _import_panel() -> html.Div:
    return html.Div([
        dcc.Upload(id="as-sc-upload",
                   children=html.Div([_("Drop a CSV or XLSX file here, or "),
                                      html.A(_("choose a file"))]),
                   className="upload-box", multiple=False, max_size=64 * 1024 * 1024),
        dbc.Checkbox(id="as-sc-dry-run", value=True,
                     label=_("Dry run: check the file without saving"),
                     class_name="mt-2"),
        html.Div(_("Columns: period (期间), unit_code (单位编码), indicator_code (指标编码), "
                   "value (数值), "
                   "note (备注, optional). All rows are saved, or none."), className="form-text"),
        html.Div(id="as-sc-import-result"),
        job_panel(IMPORT_JOB),
    ])


@callback(Output("as-sc-level", "options"), Output("as-sc-level", "value"),
          Input("as-sc-period", "value"),
          State("as-sc-level", "value"))
def level_choices(code, level):
    actor = current_actor()
    actor.require_any(*scores.VIEW)
    try:
        found = periods.levels_with_schemes(db.session(), periods.get(db.session(), code))
    except PortalError:
        return [], None
    options = common.level_options([lv for lv in UnitLevel if lv in found])
    values = [o["value"] for o in options]
    return options, level if level in values else (values[-1] if values else None)


@callback(Output("as-sc-target", "options"), Output("as-sc-target", "value"),
          Input("as-sc-period", "value"),
          Input("as-sc-level", "value"), Input("as-sc-mode", "value"),
          State("as-sc-target", "value"))
def target_choices(code, level, mode, target):
    actor = current_actor()
    session = db.session()
    if not code or not level:
        return [], None
    try:
        actor.require_any(*scores.VIEW)
        if mode == "unit":
            found = scores.assessed_units(session, actor, UnitLevel(level))
            options = [{"label": f"{u.name} ({u.code})", "value": u.id} for u in found]
        else:
            scheme = periods.scheme_for(session, periods.get(session, code), UnitLevel(level))
            options = [{"label": f"{leaf.code} · {leaf.name}", "value": leaf.code}
                       for leaf in (schemes.spec_of(scheme).leaves if scheme else [])]
    except PortalError:
        return [], None
    values = [o["value"] for o in options]
    return options, target if target in values else (values[0] if values else None)


def _columns(mode: str, editable: bool) -> list[dict]:
    # A unit's figures under the reporting workflow (submitted, accepted, locked) stay as they
    # are here; the row's "lock" says why.
    cell_editable = {"function": "!!params.data && !params.data.lock"} if editable else False
    value_col = {
        "field": "value", "headerName": _("Value"), "editable": cell_editable,
        "type": "rightAligned",
                 "maxWidth": 130,
        "cellEditor": "agNumberCellEditor",
                 "cellEditorParams": {"min": 0, "showStepperButtons": False},
        "cellClassRules": {
            # (a row still loading has no data yet)
            "as-invalid": "!!params.data && params.value != null && (params.value < 0 || "
                          "(params.data.max != null && params.value > params.data.max))",
            "as-missing": "!!params.data && params.value == null && params.data.required",
            "as-editable": "!!params.data && params.value != null && "
                           + ("true" if editable else "false"),
        },
    }
    first = ([{"field": "indicator_name", "headerName": _("Indicator"), "minWidth": 220,
               "tooltipField": "indicator_name"},
              {"field": "dimension", "headerName": _("Dimension"), "maxWidth": 140}]
             if mode == "unit" else
             [{"field": "unit_name", "headerName": _("Unit"), "minWidth": 150},
              {"field": "unit_code", "headerName": _("Code"), "minWidth": 130, "maxWidth": 150}])
    return first + [
        {"field": "method_label", "headerName": _("Scoring"), "minWidth": 110, "maxWidth": 140},
        {"field": "max", "headerName": _("Full score"), **common.NUMBER_COLUMN},
        value_col,
        {"field": "note", "headerName": _("Note"), "editable": cell_editable, "minWidth": 140},
        {"field": "supervision", "headerName": _("From supervision"), **common.NUMBER_COLUMN,
         "headerTooltip": _("Deduction points added by overdue or failed supervision items")},
        {"field": "updated_by", "headerName": _("Last saved by"), "maxWidth": 140},
        {"field": "lock", "headerName": _("Locked because"), "minWidth": 160,
         "tooltipField": "lock"},
    ]


SHEET_INPUTS = (Input("as-sc-period", "value"), Input("as-sc-level", "value"),
                Input("as-sc-mode", "value"), Input("as-sc-target", "value"),
                Input("as-sc-refresh", "data"))


@callback(Output("as-sc-grid", "columnDefs"), Output("as-sc-completeness", "figure"),
          *SHEET_INPUTS)
def show_sheet(code, level, mode, target, _refresh):
    """The sheet's columns (editable or not) and the completeness bars; the rows come a block
    at a time (``sheet_rows``)."""
    actor = current_actor()
    session = db.session()
    if not code or not level or target in (None, ""):
        return _columns(mode or "indicator", False), charts.completeness_bars({})
    try:
        period = periods.get(session, code)
        counts = scores.completeness(session, actor, code)
    except (PortalError, TypeError, ValueError):
        return _columns(mode or "indicator", False), charts.completeness_bars({})
    editable = period.status in rules.EDITABLE and actor.can("assessment.edit")
    return _columns(mode, editable), charts.completeness_bars(counts)


@callback(Output("as-sc-grid", "getRowsResponse"), Input("as-sc-grid", "getRowsRequest"),
          *(State(i.component_id, i.component_property) for i in SHEET_INPUTS[:4]))
def sheet_rows(request, code, level, mode, target):
    """The sheet's rows, a block at a time (one indicator spans every community)."""
    actor = current_actor()
    start, end, _sort = ui.page_request(request)
    if not code or not level or target in (None, ""):
        # No answer until a target is chosen: choosing one purges the grid and asks again, and
        # dash-ag-grid hands any answer to its latest request, so an empty answer to this one
        # arriving after that purge would empty the sheet for good.
        return no_update
    try:
        which = ({"unit_id": int(target)} if mode == "unit"
                 else {"indicator_code": str(target)})
        rows, count = scores.sheet_page(db.session(), actor, code, UnitLevel(level), start=start,
                                        end=end, **which)
    except (PortalError, TypeError, ValueError):
        return ui.rows_response([], 0)
    return ui.rows_response(rows, count)


ui.purge_when("as-sc-grid", *SHEET_INPUTS)

# A saved (or refused) cell's row as the server now has it, put into the grid in place (the
# infinite row model takes no transactions).
clientside_callback(
    """function (rows) {
        if (!rows || !rows.length) { return window.dash_clientside.no_update; }
        dash_ag_grid.getApiAsync("as-sc-grid").then(function (api) {
            rows.forEach(function (row) {
                var node = api.getRowNode(row.id);
                if (node) { node.setData(row); }
            });
        });
        return window.dash_clientside.no_update;
    }""",
    Output("as-sc-grid", "getRowsResponse", allow_duplicate=True), Input("as-sc-saved", "data"),
    prevent_initial_call=True)


@callback(
    Output("as-sc-message", "children"),
    Output("as-sc-saved", "data"),
    Input("as-sc-grid", "cellValueChanged"),
    State("as-sc-period", "value"),
    prevent_initial_call=True,
)
def save_cells(changes, code):
    """Save each edited cell with the version the user saw; refuse politely otherwise."""
    changes = changes if isinstance(changes, list) else [changes] if changes else []
    updated, reverted, messages = [], [], []
    for change in changes:
        row = dict(change.get("data") or {})
        column = change.get("colId")
        error = ui.write(True, functools.partial(_save_cell, code=code, row=row, column=column),
                         then=lambda _saved: None, refused=lambda error: error)
        if error is None:
            updated.append(row)
        elif isinstance(error, Conflict):
            messages.append(html.Div([error.message, " ",
                                      dbc.Button(_("Reload"), id="as-sc-reload", size="sm",
                                                                     color="warning",
                                                                     class_name="ms-2")]))
        else:
            row[column] = change.get("oldValue")
            reverted.append(row)
            messages.append(error.message)
    if messages:
        return dbc.Alert(messages, color="warning", dismissable=True), updated + reverted
    return ui.alert(_("Saved."), "success"), updated


def _save_cell(session, actor, *, code, row: dict, column) -> None:
    """Save one edited cell with the version the user saw (``row`` gets what was stored)."""
    try:
        unit_id, indicator = forms.whole(row["unit_id"], _("Unit")), str(row["indicator_code"])
        value = forms.number(row.get("value"), _("Value"))
    except (Invalid, KeyError):
        raise Invalid(_("The value could not be read.")) from None
    score = scores.set_score(session, actor, code, unit_id, indicator, value, row.get("version"),
                             note=row.get("note") if column == "note" else None)
    row.update(value=score.value, note=score.note, version=score.version,
               updated_by=score.updated_by)


@callback(Output("as-sc-refresh", "data"), Input("as-sc-reload", "n_clicks"),
          State("as-sc-refresh", "data"),
          prevent_initial_call=True)
def reload_sheet(clicks, refresh):
    current_actor()
    return (refresh or 0) + 1 if clicks else no_update


# --- import with progress (a background job: assessment.jobs) ----------------------------------

@callback(
    Output({"type": "job-id", "kind": IMPORT_JOB}, "data", allow_duplicate=True),
    Output("as-sc-import-result", "children"),
    Output("as-sc-upload", "contents"),
    Input("as-sc-upload", "contents"),
    State("as-sc-upload", "filename"),
    State("as-sc-dry-run", "value"),
    State("as-sc-period", "value"),
    prevent_initial_call=True,
)
def import_file(contents, filename, dry_run, code):
    """Start importing the uploaded file in the background (the job panel shows its progress
    and outcome); the upload is then cleared so the same file can be sent again (after a dry
    run, say)."""
    current_actor()
    if not contents:
        return no_update, no_update, no_update
    try:
        data = forms.upload(contents)
    except Invalid as error:
        return no_update, ui.alert(error.message), None
    job_id, message = start_job(IMPORT_JOB, {"period": code, "dry_run": bool(dry_run),
                                             "filename": filename or "upload"}, data,
                                refused=lambda error: (no_update, ui.alert(error.message)))
    return job_id, message, None


@callback(Output("as-sc-refresh", "data", allow_duplicate=True),
          Input({"type": "job-done", "kind": IMPORT_JOB}, "data"),
          State("as-sc-refresh", "data"), prevent_initial_call=True)
def refresh_after_import(job_id, refresh):
    """The sheet again once an import ended while the page followed it."""
    current_actor()
    return (refresh or 0) + 1 if job_id else no_update


@callback(
    Output("as-sc-template-file", "data"),
    Output("as-sc-message", "children", allow_duplicate=True),
    Input("as-sc-template", "n_clicks"),
    State("as-sc-period", "value"),
    State("as-sc-level", "value"),
    prevent_initial_call=True,
)
def download_template(clicks, code, level):
    """Every unit in scope and scored indicator of the level, with any value already entered."""
    actor = current_actor()
    if not clicks or not code:
        return no_update, no_update
    try:
        rows = scores.template_rows(db.session(), actor, code, UnitLevel(level) if level else None)
    except PortalError as error:
        return no_update, ui.alert(error.message)
    style = "zh" if current_lang() == "zh" else "key"
    content = to_bytes(Table("scores", TEMPLATE_COLUMNS, rows), "xlsx", style)
    return dcc.send_bytes(content, f"scores-{code}-{level or 'all'}.xlsx"), None


ui.register(__name__, path="/assessment/scores", title=N_("Scores"), layout=layout,
            permission=("assessment.view", "assessment.edit"), section="assessment", order=20)
