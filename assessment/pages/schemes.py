"""Administrator: build the indicator scheme of a year and level — dimensions, indicators,
weights, directions and scoring methods — check that it adds up, copy last year's, and
import or export it as a file."""

from __future__ import annotations

import json
from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from assessment import departments, schemes
from assessment import settings as assessment_settings
from assessment.enums import Direction, Method
from assessment.pages import common
from portal import db, ui
from portal.access import current_actor
from portal.enums import UnitLevel
from portal.errors import Invalid, PortalError
from portal.i18n import N_, _
from portal.pages.transfer import export_buttons, import_panel


def layout(year: str | None = None, level: str | None = None, **_query):
    current_actor().require("schemes.manage")
    this_year = date.today().year
    years = sorted({this_year - 1, this_year,
                    this_year + 1} | {s.year for s in schemes.list_schemes(
        db.session(), current_actor())}, reverse=True)
    chosen_year = int(year) if year and year.isdigit() else this_year
    chosen_level = (
        level if level in {lv.value for lv in common.ASSESSED_LEVELS} else UnitLevel.STREET.value
    )
    return html.Div([
        ui.page_header(_("Indicator schemes"),
                       _("One scheme per year and unit level: dimensions and indicators with "
                         "weights that add up to "
                         "100. A version used by a published period is locked; changing it starts "
                         "a new version."),
                       actions=export_buttons("indicators")),
        html.Div([
            html.Div([html.Div(_("Year"), className="small text-muted mb-1"),
                      ui.dropdown("as-sch-year", [{"label": str(y), "value": y} for y in years],
                                  chosen_year, clearable=False)],
                     className="as-control", style={"minWidth": "120px"}),
            html.Div([html.Div(_("Level"), className="small text-muted mb-1"),
                      ui.dropdown("as-sch-level", common.level_options(), chosen_level,
                                  clearable=False)], className="as-control"),
            html.Div([dbc.Label(_("Scheme name"), html_for="as-sch-name",
                                class_name="small text-muted mb-1 d-block"),
                      dbc.InputGroup([dbc.Input(id="as-sch-name", maxLength=120),
                                      dbc.Button(_("Rename"), id="as-sch-rename", color="secondary",
                                                 outline=True)],
                                     size="sm")], className="as-control",
                     style={"minWidth": "360px"}),
            dbc.Button(_("Copy last year's scheme"), id="as-sch-copy", color="secondary",
                       outline=True, size="sm"),
        ], className="as-toolbar"),
        html.Div(id="as-sch-message"),
        html.Div(id="as-sch-status"),
        dbc.Row([
            dbc.Col(ui.section(_("Indicators"), html.Div(ui.grid(
                "as-sch-grid", [], _grid_columns(), height=520, page_size=100, selectable=True,
                getRowId="params.data.code"), className="as-grid")), lg=8),
            dbc.Col(ui.section(_("Add or change an indicator"), _form()), lg=4),
        ], class_name="g-3"),
        ui.section(_("Import a scheme"), import_panel("indicators", help_text=_(
            "Columns: code (编码), name (名称), parent_code (上级编码), weight (权重), direction "
            "(方向), method (计分方式), "
            "level (适用层级), year (年度); optional target (目标值), bands (分档, e.g. 95:1, "
            "90:0.8), cap (上限), "
            "per_item (每项分值), rank_points (名次分值, e.g. 60, 57, 54), "
            "rank_start (第一名分值), rank_step (名次递减分), rank_floor (名次最低分), "
            "source (来源考核), lead_department (牵头部门, a lead department's code or name). "
            "The whole scheme must add up, or nothing is imported."))),
        ui.section(_("Lead departments"), _departments_section()),
        ui.section(_("Rule values"), html.Div([
            html.Div(_("Grade bands, the share cap of 好 and the warning thresholds. Double-click "
                       "a value to change it; "
                       "every change is audited."), className="form-text mb-2"),
            html.Div(ui.grid("as-sch-rules", [], _rule_columns(), height=300,
                             getRowId="params.data.key"),
                     className="as-grid"),
            html.Div(id="as-sch-rules-message"),
        ])),
        dcc.Store(id="as-sch-changed", data=0),
    ])


def _rule_columns() -> list[dict]:
    return [
        {"field": "label", "headerName": _("Rule"), "minWidth": 280, "tooltipField": "label"},
        {"field": "value", "headerName": _("Value"), "editable": True, "type": "rightAligned",
         "maxWidth": 110,
         "cellEditor": "agNumberCellEditor", "cellClass": "as-editable"},
        {"field": "default", "headerName": _("Default"), "type": "rightAligned", "maxWidth": 110},
        {"field": "source", "headerName": _("Source"), "minWidth": 260, "tooltipField": "source"},
    ]


@callback(Output("as-sch-rules", "rowData"), Input("as-sch-changed", "data"))
def show_rules(_changed):
    current_actor().require("schemes.manage")
    return [{**row,
             "label": _(row["label"])} for row in assessment_settings.rule_values(db.session())]


@callback(Output("as-sch-rules-message", "children"),
          Output("as-sch-rules", "rowData", allow_duplicate=True),
          Input("as-sch-rules", "cellValueChanged"), prevent_initial_call=True)
def change_rule(changes):
    changes = changes if isinstance(changes, list) else [changes] if changes else []

    def save(session, actor):
        for change in changes:
            assessment_settings.change(session, actor, change["data"]["key"],
                                       change["data"]["value"])
        return ui.alert(_("Saved. Results published from now on use the new value."), "success")

    message = ui.write(True, save, refused=lambda error: ui.alert(error.message, "danger"))
    return message, [
        {**row, "label": _(row["label"])} for row in assessment_settings.rule_values(db.session())
    ]


def _grid_columns() -> list[dict]:
    return [
        {"field": "code", "headerName": _("Code"), "maxWidth": 100},
        {"field": "tree_name", "headerName": _("Name"), "minWidth": 240, "tooltipField": "name"},
        {"field": "weight", "headerName": _("Weight"), **common.NUMBER_COLUMN},
        {"field": "method_label", "headerName": _("Scoring"), "maxWidth": 140},
        {"field": "direction_label", "headerName": _("Direction"), "maxWidth": 130},
        {"field": "params", "headerName": _("Parameters"), "minWidth": 150},
        {"field": "lead_department_name", "headerName": _("Lead department"), "minWidth": 130},
    ]


def _form() -> html.Div:
    def control(label, widget):
        return html.Div([dbc.Label(label, html_for=widget.id, class_name="small text-muted mb-1"),
                         widget],
                        className="mb-2")

    methods = [{"label": m.label, "value": m.value} for m in Method]
    return html.Div([
        dbc.Row([dbc.Col(control(_("Code"), dbc.Input(id="as-sch-code", maxLength=32, size="sm")),
                         width=4),
                 dbc.Col(control(_("Name"), dbc.Input(id="as-sch-iname", maxLength=200, size="sm")),
                         width=8)]),
        control(_("Placed under"), ui.dropdown("as-sch-parent", [], None, clearable=True,
                                                   placeholder=_("(top level)"))),
        dbc.Row([dbc.Col(control(_("Weight (points)"),
                                 dbc.Input(id="as-sch-weight", type="number", min=0, step="any",
                                                                 size="sm")), width=5),
                 dbc.Col(control(_("Scoring"), dbc.Select(id="as-sch-method", options=methods,
                                                          value=Method.DIRECT.value, size="sm")),
                         width=7)]),
        control(_("Direction"), dbc.RadioItems(id="as-sch-direction", options=Direction.options(),
                                               value=Direction.HIGHER.value, inline=True)),
        dbc.Row([dbc.Col(control(_("Target"),
                                 dbc.Input(id="as-sch-target", type="number", step="any",
                                           size="sm")), width=6),
                 dbc.Col(control(_("Unit of the value"),
                                 dbc.Input(id="as-sch-unit", maxLength=40, size="sm",
                                                                   placeholder="%")), width=6)]),
        control(_("Bands (threshold:share of the weight)"), dbc.Input(id="as-sch-bands", size="sm",
                                                                       placeholder="95:1, 90:0.8, "
                                                                                   "80:0.5")),
        dbc.Row([dbc.Col(control(_("Cap (points)"),
                                 dbc.Input(id="as-sch-cap", type="number", min=0, step="any",
                                                              size="sm")), width=6),
                 dbc.Col(control(_("Points per item"),
                                 dbc.Input(id="as-sch-per-item", type="number", min=0, step="any",
                                                                 size="sm")), width=6)]),
        control(_("Points per rank (1st, 2nd, …)"),
                dbc.Input(id="as-sch-rank-points", size="sm", placeholder="60, 57, 54, 51")),
        dbc.Row([dbc.Col(control(_("1st rank gets"),
                                 dbc.Input(id="as-sch-rank-start", type="number", min=0,
                                           step="any", size="sm")), width=4),
                 dbc.Col(control(_("Step down per rank"),
                                 dbc.Input(id="as-sch-rank-step", type="number", min=0,
                                           step="any", size="sm")), width=4),
                 dbc.Col(control(_("Least points"),
                                 dbc.Input(id="as-sch-rank-floor", type="number", min=0,
                                           step="any", size="sm")), width=4)]),
        control(_("Source of imported points"),
                dbc.Input(id="as-sch-source", maxLength=120, size="sm")),
        control(_("Lead department (scores it for every unit)"),
                ui.dropdown("as-sch-lead", _lead_options(), "", clearable=False)),
        html.Div(_("Ratio: target. Banded: bands. Deduction: points per item and cap (e.g. 0.5 "
                   "per case, at most the weight). Bonus: cap (outside the 100). "
                   "Veto: a value of 1 grades the unit 差. Rank: the points of the 1st, 2nd … "
                   "rank, or the 1st rank's points (the weight when empty) and a step down. "
                   "Proportional: the best value gets the weight, the others in proportion. "
                   "Imported: the value is already points, at most the weight."),
                 className="form-text mb-2"),
        dbc.Button(_("Save the indicator"), id="as-sch-save", color="primary", size="sm",
                   class_name="me-2"),
        dbc.Button(_("Delete"), id="as-sch-delete", color="danger", outline=True, size="sm",
                   class_name="me-2"),
        dbc.Button(_("Clear the form"), id="as-sch-clear", color="link", size="sm"),
    ])


def _lead_options() -> list[dict]:
    return [{"label": _("None: the unit reports it itself"), "value": ""}] + [
        {"label": f"{d.code} · {d.name}", "value": d.code}
        for d in departments.list_departments(db.session())]


def _departments_section() -> html.Div:
    return html.Div([
        html.Div(_("The departments that score the indicators they lead for every unit (牵头部门). "
                   "Choose a row to rename it; the code stays, reporter logins name it."),
                 className="form-text mb-2"),
        html.Div(ui.grid("as-sch-depts", [], [
            {"field": "code", "headerName": _("Code"), "maxWidth": 160},
            {"field": "name", "headerName": _("Name"), "minWidth": 240},
        ], height=240, selectable=True, getRowId="params.data.code"), className="as-grid"),
        dbc.Row([
            dbc.Col(dbc.Input(id="as-sch-dept-code", maxLength=32, size="sm",
                              placeholder=_("Code")), width=3),
            dbc.Col(dbc.Input(id="as-sch-dept-name", maxLength=120, size="sm",
                              placeholder=_("Name")), width=6),
            dbc.Col(dbc.Button(_("Save the department"), id="as-sch-dept-save", color="primary",
                               size="sm"), width=3),
        ], class_name="g-2 mt-2"),
        html.Div(id="as-sch-dept-message", className="mt-2"),
        dcc.Store(id="as-sch-dept-changed", data=0),
    ])


@callback(Output("as-sch-depts", "rowData"), Output("as-sch-lead", "options"),
          Input("as-sch-dept-changed", "data"))
def show_departments(_changed):
    current_actor().require("schemes.manage")
    rows = [{"code": d.code, "name": d.name}
            for d in departments.list_departments(db.session())]
    return rows, _lead_options()


@callback(Output("as-sch-dept-code", "value"), Output("as-sch-dept-name", "value"),
          Input("as-sch-depts", "selectedRows"), prevent_initial_call=True)
def fill_department(selected):
    current_actor().require("schemes.manage")
    if not selected:
        raise PreventUpdate
    return selected[0]["code"], selected[0]["name"]


@callback(Output("as-sch-dept-message", "children"), Output("as-sch-dept-changed", "data"),
          Input("as-sch-dept-save", "n_clicks"), State("as-sch-dept-code", "value"),
          State("as-sch-dept-name", "value"), State("as-sch-dept-changed", "data"),
          prevent_initial_call=True)
def save_department(n_clicks, code, name, changed):
    def save(session, actor):
        department = departments.save_department(session, actor, code, name)
        return _("%(code)s · %(name)s was saved.", code=department.code, name=department.name)

    return ui.write(n_clicks, save,
                    refused=lambda error: (ui.alert(error.message, "danger"), no_update),
                    then=lambda message: (ui.alert(message, "success"), (changed or 0) + 1))


def _params(row: dict) -> str:
    parts = []
    if row["target"] is not None:
        parts.append(_("target %(value)s", value=f"{row['target']:g}{row['unit_label']}"))
    if row["bands"]:
        parts.append(row["bands"])
    if row["per_item"] is not None:
        parts.append(_("%(points)s per item", points=f"{row['per_item']:g}"))
    if row["cap"] is not None:
        parts.append(_("cap %(points)s", points=f"{row['cap']:g}"))
    if row["rank_points"]:
        parts.append(_("by rank %(points)s", points=row["rank_points"]))
    elif row["method"] == Method.RANK.value and row["rank_step"] is not None:
        start = row["rank_start"] if row["rank_start"] is not None else row["weight"]
        parts.append(_("from %(start)s down %(step)s per rank", start=f"{start:g}",
                       step=f"{row['rank_step']:g}"))
    if row["rank_floor"] is not None:
        parts.append(_("at least %(points)s", points=f"{row['rank_floor']:g}"))
    if row["source"]:
        parts.append(row["source"])
    return "; ".join(parts)


@callback(
    Output("as-sch-grid", "rowData"),
    Output("as-sch-status", "children"),
    Output("as-sch-parent", "options"),
    Output("as-sch-name", "value"),
    Input("as-sch-year", "value"),
    Input("as-sch-level", "value"),
    Input("as-sch-changed", "data"),
    Input({"type": "import-result", "kind": "indicators"}, "children"),
)
def show_scheme(year, level, _changed, _imported):
    actor = current_actor()
    session = db.session()
    try:
        scheme = schemes.get_scheme(session, actor, int(year), UnitLevel(level))
    except (PortalError, TypeError, ValueError) as error:
        return [], ui.alert(error.message if isinstance(error,
                                                        PortalError) else _("Choose a year and a "
                                                                            "level.")), [], ""
    rows = schemes.indicator_rows(scheme)
    for row in rows:
        row["tree_name"] = "\u3000" * row["depth"] + row["name"]
        row["params"] = _params(row)
    parents = [{"label": f"{r['code']} · {r['name']}", "value": r["code"]} for r in rows
               if r["method"] == Method.GROUP.value or r["depth"] == 0]
    return rows, _status(scheme), parents, scheme.name if scheme else ""


def _status(scheme) -> html.Div:
    if scheme is None:
        return ui.alert(_("There is no scheme for this year and level yet: add its first "
                          "dimension on the right, "
                          "copy last year's, or import a file."), "info")
    problems = schemes.problems(scheme)
    version = _("Version %(n)s", n=scheme.version)
    if scheme.locked:
        version += " · " + _("locked: a published period was scored with it; your next change "
                             "starts version %(n)s",
                             n=scheme.version + 1)
    if not problems:
        return dbc.Alert([html.Strong(_("The scheme adds up to 100 and can be used.")),
                          html.Div(version, className="small")],
                         color="success", class_name="py-2")
    lines = [f"{p.code}: {p.message}" if p.code else p.message for p in problems]
    return dbc.Alert([html.Strong(_("%(n)s problem(s) to fix before the scheme can be used:",
                                    n=len(problems))),
                      html.Ul([html.Li(line) for line in lines], className="as-problems small"),
                      html.Div(version, className="small")], color="warning", class_name="py-2")


FORM_FIELDS = ("code", "iname", "parent", "weight", "method", "direction", "target", "bands", "cap",
               "per-item", "unit", "rank-points", "rank-start", "rank-step", "rank-floor",
               "source", "lead")
EMPTY_FORM = ["", "", None, None, Method.DIRECT.value, Direction.HIGHER.value, None, "", None, None,
              "", "", None, None, None, "", ""]


@callback(
    [Output(f"as-sch-{name}", "value") for name in FORM_FIELDS],
    Input("as-sch-grid", "selectedRows"),
    prevent_initial_call=True,
)
def fill_form(selected):
    """A chosen row fills the form. A selection that vanishes because the grid was
    refreshed leaves what the user is typing alone."""
    current_actor().require("schemes.manage")
    if not selected:
        raise PreventUpdate
    row = selected[0]
    return (row["code"], row["name"], row["parent_code"] or None, row["weight"], row["method"],
            row["direction"],
            row["target"], row["bands"], row["cap"], row["per_item"], row["unit_label"],
            row["rank_points"], row["rank_start"], row["rank_step"], row["rank_floor"],
            row["source"], row.get("lead_department") or "")


# "New indicator" empties the form in the browser: no round trip that could arrive after the
# user has started typing.
clientside_callback(
    "function (n) { if (!n) { throw window.dash_clientside.PreventUpdate; } return "
    + json.dumps(EMPTY_FORM)
    + "; }",
    [Output(f"as-sch-{name}", "value", allow_duplicate=True) for name in FORM_FIELDS],
    Input("as-sch-clear", "n_clicks"),
    prevent_initial_call=True,
)


@callback(
    Output("as-sch-message", "children"),
    Output("as-sch-changed", "data"),
    Input("as-sch-save", "n_clicks"),
    Input("as-sch-delete", "n_clicks"),
    Input("as-sch-copy", "n_clicks"),
    Input("as-sch-rename", "n_clicks"),
    State("as-sch-year", "value"),
    State("as-sch-level", "value"),
    [State(f"as-sch-{name}", "value") for name in ("code", "iname", "parent", "weight", "method",
                                                   "direction",
                                                   "target", "bands", "cap", "per-item", "unit",
                                                   "rank-points", "rank-start", "rank-step",
                                                   "rank-floor", "source", "lead", "name")],
    State("as-sch-changed", "data"),
    prevent_initial_call=True,
)
def change_scheme(_save, _delete, _copy, _rename, year, level, code, name, parent, weight, method,
                  direction,
                  target, bands, cap, per_item, unit_label, rank_points, rank_start, rank_step,
                  rank_floor, source, lead, scheme_name, changed):
    trigger = ctx.triggered_id

    def change(session, actor):
        chosen_year, chosen_level = _year_and_level(year, level)
        if trigger == "as-sch-save":
            schemes.save_indicator(
                session,
                actor,
                chosen_year,
                chosen_level,
                code or "",
                {
                    "name": name,
                    "parent_code": parent,
                    "weight": weight,
                    "method": method,
                    "direction": direction,
                    "target": target,
                    "bands": bands or "",
                    "cap": cap,
                    "per_item": per_item,
                    "unit_label": unit_label,
                    "params": {"rank_points": rank_points or "", "rank_start": rank_start,
                               "rank_step": rank_step, "rank_floor": rank_floor,
                               "source": source},
                    "lead_department": lead or "",
                },
            )
            return _("%(code)s was saved.", code=code)
        if trigger == "as-sch-delete":
            schemes.delete_indicator(session, actor, chosen_year, chosen_level, code or "")
            return _("%(code)s was deleted.", code=code)
        if trigger == "as-sch-copy":
            copied = schemes.copy_year(session, actor, chosen_year - 1, chosen_year, chosen_level)
            return _("Copied %(n)s indicators from %(year)s.", n=len(copied.indicators),
                     year=chosen_year - 1)
        if trigger == "as-sch-rename":
            schemes.rename_scheme(session, actor, chosen_year, chosen_level, scheme_name)
            return _("The scheme was renamed.")
        return None

    return ui.write(True, change,
                    refused=lambda error: (ui.alert(error.message, "danger"), no_update),
                    then=lambda message: (no_update, no_update) if message is None
                    else (ui.alert(message, "success"), (changed or 0) + 1))


def _year_and_level(year, level) -> tuple[int, UnitLevel]:
    if not str(year).isdigit() or level not in {lv.value for lv in UnitLevel}:
        raise Invalid(_("Choose a year and a level."))
    return int(year), UnitLevel(level)


ui.register(__name__, path="/assessment/schemes", title=N_("Indicator schemes"), layout=layout,
            permission="schemes.manage", section="assessment", order=60)
