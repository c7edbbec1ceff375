"""Training overview for reviewers: completion by unit with drill-down in the hierarchy,
cadres behind schedule (gap and deadline), hours by category and mode, hours by month,
and exports."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from cadres import completion, reports
from cadres.pages import charts
from cadres.pages.common import hours, link_column, percent, year_select
from portal import db, ui, units
from portal.access import current_actor
from portal.errors import PortalError
from portal.i18n import N_, _
from portal.pages.transfer import export_buttons


def behind_columns() -> list[dict]:
    return [link_column("name", _("Cadre"), maxWidth=120, pinned="left"),
            {"field": "code", "headerName": _("Cadre code"), "maxWidth": 105},
            {"field": "unit", "headerName": _("Unit")},
            {"field": "position", "headerName": _("Position")},
            {"field": "counted", "headerName": _("Hours counted"), "maxWidth": 120,
             "type": "numericColumn"},
            {"field": "required", "headerName": _("Required"), "maxWidth": 100,
             "type": "numericColumn"},
            {"field": "expected", "headerName": _("Expected by now"), "maxWidth": 130,
             "type": "numericColumn"},
            {"field": "missing", "headerName": _("Hours missing"), "maxWidth": 120,
             "type": "numericColumn",
             "sort": "desc"},
            {"field": "deadline", "headerName": _("Deadline"), "maxWidth": 120},
            {"field": "projected", "headerName": _("Reached at this pace on"), "maxWidth": 160}]


def layout(**_query):
    year = date.today().year
    controls = html.Div([
        year_select("ca-ov-year", year),
        export_buttons("training_progress", period_id=str(year)),
    ], className="d-flex gap-2 align-items-center")
    return html.Div([
        ui.page_header(_("Training overview"),
                       _("Annual training plans of the cadres in your scope: who has "
                                                 "completed, who is behind, and where."),
                       actions=controls),
        dcc.Store(id="ca-ov-unit", data=None),
        html.Nav(id="ca-ov-crumbs", className="ca-crumbs mb-2", **{"aria-label": _("Unit")}),
        dcc.Loading(html.Div(id="ca-ov-kpis"), type="dot"),
        dbc.Row([
            dbc.Col(ui.section(_("Completion by unit"), [
                html.P(_("Click a unit marked › to look inside it; the breadcrumb above leads "
                         "back."),
                       className="text-muted small mb-1"),
                ui.graph("ca-ov-completion", height=400)]), lg=7),
            dbc.Col(ui.section(_("Hours by category and mode"),
                               ui.graph("ca-ov-modes", height=400)), lg=5),
        ]),
        ui.section(_("Hours by month"), ui.graph("ca-ov-months", height=300)),
        ui.section(_("Cadres behind schedule"), [
            html.P(_("Below the even pace of their plan, or past the deadline with a requirement "
                     "unmet; "
                     "largest gap first."), className="text-muted small"),
            ui.paged_grid("ca-ov-behind", behind_columns(), height=420)]),
    ])


def _crumbs(session, actor, focus) -> list:
    trail = units.breadcrumb(session, actor, focus)
    items = []
    for unit in trail[:-1]:
        items += [dbc.Button(unit.name, id={"type": "ca-ov-crumb", "unit": unit.id}, color="link",
                             size="sm",
                             class_name="p-0"), html.Span(" › ", className="text-muted")]
    items.append(html.Strong(trail[-1].name if trail else focus.name))
    return items


@callback(Output("ca-ov-kpis", "children"), Output("ca-ov-completion", "figure"),
          Output("ca-ov-modes", "figure"),
          Output("ca-ov-months", "figure"), Output("ca-ov-crumbs", "children"),
          Output({"type": "export-period", "kind": "training_progress"}, "data"),
          Input("ca-ov-year", "value"), Input("ca-ov-unit", "data"))
def refresh(year, unit_id):
    actor = current_actor()
    session = db.session()
    try:
        chosen = int(year)
    except (TypeError, ValueError):
        return ui.alert(_("Choose a year."),
                        "warning"), no_update, no_update, no_update, no_update, no_update
    try:
        focus = reports.focus_unit(session, actor, unit_id)
        numbers = reports.overview(session, actor, chosen, focus.id)
    except PortalError as error:
        return ui.alert(error.message,
                        "warning"), no_update, no_update, no_update, no_update, no_update
    summary = numbers["summary"]
    count = summary["cadres"] or 1
    cards = [
        ui.kpi(_("Serving cadres"), summary["cadres"]),
        ui.kpi(_("Plan completed"), percent(summary["complete"] / count),
               _("%(n)s cadres", n=summary["complete"]), "good"),
        ui.kpi(_("Behind schedule"), summary["behind"], percent(summary["behind"] / count),
               "bad" if summary["behind"] else "good"),
        ui.kpi(_("Average hours counted"), hours(summary["avg_hours"])),
        ui.kpi(_("Share of hours online"), percent(summary["online_share"])),
    ]
    if summary["five_year_cadres"]:
        cards.append(ui.kpi(_("Behind on the five-year total"),
                            f"{summary['five_year_behind']} / {summary['five_year_cadres']}",
                            _("Leading cadres at county level and above"),
                            "warn" if summary["five_year_behind"] else "good"))
    return (html.Div(cards, className="kpi-row"), charts.completion_by_unit(numbers["completion"]),
            charts.hours_by_category_mode(reports.hours_by_category_mode(numbers["hours_by_cell"])),
            charts.hours_by_month(reports.hours_by_month(numbers["hours_by_month"], chosen,
                                                         as_of=date.today())),
            _crumbs(session, actor, focus), str(chosen))


@callback(Output("ca-ov-behind", "getRowsResponse"), Input("ca-ov-behind", "getRowsRequest"),
          State("ca-ov-year", "value"), State("ca-ov-unit", "data"))
def behind_rows(request, year, unit_id):
    """The cadres behind schedule, a block at a time (a city has tens of thousands)."""
    actor = current_actor()
    session = db.session()
    start, end, sort = ui.page_request(request)
    try:
        chosen = int(year)
    except (TypeError, ValueError):
        return ui.rows_response([], 0)
    try:
        focus = reports.focus_unit(session, actor, unit_id)
    except PortalError:
        return ui.rows_response([], 0)
    rows, count = completion.behind_page(session, actor, chosen, under=focus, start=start, end=end,
                                         sort=sort)
    return ui.rows_response(rows, count)


ui.purge_when("ca-ov-behind", Input("ca-ov-year", "value"), Input("ca-ov-unit", "data"))


@callback(Output("ca-ov-unit", "data"), Input("ca-ov-completion", "clickData"),
          Input({"type": "ca-ov-crumb", "unit": ALL}, "n_clicks"), State("ca-ov-unit", "data"),
          prevent_initial_call=True)
def drill(click, _crumb_clicks, current):
    """Click a unit's bar to look inside it; click a breadcrumb to go back up."""
    actor = current_actor()
    actor.require("training.view")
    target = ctx.triggered_id
    if isinstance(target, dict):
        if not any(_crumb_clicks or []):
            return no_update
        chosen = target["unit"]
    else:
        try:
            chosen = int(click["points"][0]["customdata"][0])
        except (TypeError, KeyError, IndexError, ValueError):
            return no_update
    try:
        unit = units.get_unit(db.session(), actor, int(chosen))
    except PortalError:
        return no_update
    if unit.id == current:
        return no_update
    return unit.id


ui.register(__name__, path="/training", title=N_("Training overview"), layout=layout,
            permission="training.view", section="cadres", order=40)
