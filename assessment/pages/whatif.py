"""What-if: change the dimensions' weights and see, without saving anything, how the
totals, ranks and grades of a published period would change."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, callback, html

from assessment import results, schemes
from assessment.enums import Grade, Method
from assessment.pages import charts, common
from portal import db, ui
from portal.access import current_actor
from portal.enums import UnitLevel
from portal.errors import PortalError
from portal.i18n import N_, _


def layout(period: str | None = None, level: str | None = None, **_query):
    session = db.session()
    current_actor()
    options = common.published_options(session)
    if not options:
        return html.Div([ui.page_header(_("What-if")),
                         ui.empty_state(_("No assessment period has been published yet."))])
    chosen = period if period in {o["value"] for o in options} else options[0]["value"]
    chosen_level = (
        level if level in {lv.value for lv in common.ASSESSED_LEVELS} else UnitLevel.STREET.value
    )
    return html.Div([
        ui.page_header(_("What-if: other weights"),
                       _("Try other weights for the dimensions and see who would move up or down. "
                         "Nothing is saved; "
                         "the published results stay as they are.")),
        html.Div([
            html.Div([html.Div(_("Assessment period"), className="small text-muted mb-1"),
                      ui.dropdown("as-wi-period", options, chosen, clearable=False)],
                     className="as-control"),
            html.Div([html.Div(_("Level"), className="small text-muted mb-1"),
                      ui.dropdown("as-wi-level", common.level_options(), chosen_level,
                                  clearable=False)], className="as-control"),
        ], className="as-toolbar"),
        dbc.Row([
            dbc.Col(ui.section(_("Weights"), html.Div([
                html.Div(id="as-wi-weights"),
                html.Div(id="as-wi-total", className="small mt-2"),
                dbc.Button(_("Back to the scheme's weights"), id="as-wi-reset", color="link",
                           size="sm", class_name="p-0 mt-2"),
            ])), lg=3),
            dbc.Col([
                html.Div(id="as-wi-kpis", className="kpi-row"),
                ui.section(_("Who would move"), ui.graph("as-wi-moves")),
                ui.section(_("All units"),
                           html.Div(ui.grid("as-wi-grid", [], _columns(), height=440, page_size=50),
                                                    className="as-grid")),
            ], lg=9),
        ], class_name="g-3"),
    ])


def _columns() -> list[dict]:
    return [
        common.grid_link_column("unit_name", _("Unit"), minWidth=160),
        {"field": "composite_before", "headerName": _("Composite now"), **common.NUMBER_COLUMN},
        {"field": "composite_after", "headerName": _("With these weights"), **common.NUMBER_COLUMN},
        {"field": "composite_change", "headerName": _("Change"), **common.NUMBER_COLUMN},
        {"field": "rank_before", "headerName": _("Rank now"), "type": "rightAligned",
         "maxWidth": 110},
        {"field": "rank_after", "headerName": _("Rank then"), "type": "rightAligned",
         "maxWidth": 110},
        {"field": "grade_before", "headerName": _("Grade now"), "maxWidth": 120},
        {"field": "grade_after", "headerName": _("Grade then"), "maxWidth": 120,
         "cellClassRules": {"as-invalid": "params.data.grade_after != params.data.grade_before"}},
    ]


@callback(Output("as-wi-weights", "children"), Input("as-wi-period", "value"),
          Input("as-wi-level", "value"),
          Input("as-wi-reset", "n_clicks"))
def weight_inputs(period, level, _reset):
    actor = current_actor()
    try:
        scheme = results.scheme_of(db.session(), actor, period, UnitLevel(level))
    except (PortalError, ValueError):
        scheme = None
    if scheme is None:
        return ui.empty_state(_("No scheme for this level in the period."))
    dimensions = [d for d in schemes.spec_of(scheme).dimensions if d.method not in (Method.BONUS,
                                                                                    Method.VETO)]
    return [html.Div([dbc.Label(d.name,
                                html_for=ui.dom_id({"type": "as-wi-weight", "code": d.code}),
                                class_name="small mb-0"),
                      dbc.Input(id={"type": "as-wi-weight", "code": d.code}, type="number", min=0,
                                max=100, step=1,
                                value=d.weight, size="sm", debounce=True)],
                     className="as-weight-row") for d in dimensions]


@callback(
    Output("as-wi-grid", "rowData"),
    Output("as-wi-moves", "figure"),
    Output("as-wi-kpis", "children"),
    Output("as-wi-total", "children"),
    Input({"type": "as-wi-weight", "code": ALL}, "value"),
    State({"type": "as-wi-weight", "code": ALL}, "id"),
    State("as-wi-period", "value"),
    State("as-wi-level", "value"),
)
def recompute(values, ids, period, level):
    """Recompute in memory from the frozen breakdown; nothing is written."""
    actor = current_actor()
    if not ids:
        return [], charts.what_if_moves(pd.DataFrame()), [], None
    weights = {i["code"]: float(v or 0) for i, v in zip(ids, values, strict=True)}
    try:
        frame = results.what_if(db.session(), actor, period, UnitLevel(level), weights)
    except (PortalError, ValueError) as error:
        return [], charts.what_if_moves(pd.DataFrame()), [ui.alert(getattr(error, "message",
                                                                           str(error)))], None
    total = sum(weights.values())
    note = html.Span(_("The weights add up to %(total)s.", total=f"{total:g}"),
                     className="text-danger" if abs(total - 100) > 0.01 else "as-muted")
    rows = [{**row, "grade_before": Grade(row["grade_before"]).label,
             "grade_after": Grade(row["grade_after"]).label,
             "href": common.unit_href(row["unit_id"], period)} for row in frame.to_dict("records")]
    moved = frame[frame["places_up"] != 0] if not frame.empty else frame
    regraded = frame[frame["grade_before"] != frame["grade_after"]] if not frame.empty else frame
    kpis = [ui.kpi(_("Number of units"), len(frame)), ui.kpi(_("Would change rank"), len(moved)),
            ui.kpi(_("Would change grade"), len(regraded),
                   tone="warn" if len(regraded) else "neutral")]
    return rows, charts.what_if_moves(frame), kpis, note


ui.register(__name__, path="/assessment/what-if", title=N_("What-if"), layout=layout,
            permission="assessment.view", section="assessment", order=50)
