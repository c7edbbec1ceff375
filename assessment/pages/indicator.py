"""One indicator across units: how its values spread, who does best and worst, and how
the units moved against the same period a year earlier."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, callback, html

from assessment import periods, results, schemes
from assessment.pages import charts, common
from portal import db, ui
from portal.access import current_actor
from portal.enums import UnitLevel
from portal.errors import PortalError
from portal.i18n import N_, _


def layout(period: str | None = None, level: str | None = None, code: str | None = None, **_query):
    session = db.session()
    current_actor()
    options = common.published_options(session)
    chosen = (
        period
        if period in {o["value"] for o in options}
        else (options[0]["value"] if options else None)
    )
    chosen_level = (
        level if level in {lv.value for lv in common.ASSESSED_LEVELS} else UnitLevel.COMMUNITY.value
    )
    return html.Div([
        ui.page_header(_("Indicator"), _("One indicator across the units in your scope.")),
        html.Div([
            html.Div([html.Div(_("Assessment period"), className="small text-muted mb-1"),
                      ui.dropdown("as-in-period", options, chosen, clearable=False)],
                     className="as-control"),
            html.Div([html.Div(_("Level"), className="small text-muted mb-1"),
                      ui.dropdown("as-in-level", common.level_options(), chosen_level,
                                  clearable=False)], className="as-control"),
            html.Div([dbc.Label(_("Indicator"), html_for="as-in-code",
                                class_name="small text-muted mb-1 d-block"),
                      ui.dropdown("as-in-code", [], code, clearable=False)], className="as-control",
                     style={"minWidth": "320px"}),
        ], className="as-toolbar"),
        html.Div(id="as-in-kpis", className="kpi-row"),
        dbc.Row([
            dbc.Col(ui.section(_("Score distribution"), ui.graph("as-in-histogram", height=340)),
                    lg=6),
            dbc.Col(ui.section(_("Year on year"), ui.graph("as-in-yoy", height=340)), lg=6),
        ], class_name="g-3"),
        ui.section(_("Best and worst"), ui.graph("as-in-best")),
    ])


@callback(Output("as-in-code", "options"), Output("as-in-code", "value"),
          Input("as-in-period", "value"),
          Input("as-in-level", "value"), Input("as-in-code", "value"))
def indicator_choices(period, level, code):
    actor = current_actor()
    try:
        scheme = results.scheme_of(db.session(), actor, period, UnitLevel(level))
    except (PortalError, ValueError):
        return [], None
    leaves = schemes.spec_of(scheme).leaves if scheme else []
    options = [{"label": f"{leaf.code} · {leaf.name}", "value": leaf.code} for leaf in leaves
               if leaf.method.value != "veto"]
    values = [o["value"] for o in options]
    return options, code if code in values else (values[0] if values else None)


@callback(Output("as-in-kpis", "children"), Output("as-in-histogram", "figure"),
          Output("as-in-yoy", "figure"),
          Output("as-in-best", "figure"), Input("as-in-period", "value"),
          Input("as-in-level", "value"),
          Input("as-in-code", "value"))
def show_indicator(period, level, code):
    actor = current_actor()
    session = db.session()
    try:
        level = UnitLevel(level)
        frame = results.indicator_values(session, actor, period, level, code)
        scheme = results.scheme_of(session, actor, period, level)
        leaf = schemes.spec_of(scheme).by_code.get(code) if scheme else None
        before = results.same_period_last_year(session, periods.get(session, period))
        last = results.indicator_values(session, actor, before.code, level,
                                        code) if before else None
    except (PortalError, ValueError, TypeError):
        nothing = pd.DataFrame()
        return ([], charts.indicator_histogram(nothing, "", ""),
                charts.year_on_year(nothing, None, "", None),
                charts.best_and_worst(nothing))
    name = leaf.name if leaf else code
    unit_label = next((i.unit_label for i in scheme.indicators if i.code == code),
                      "") if scheme else ""
    kpis = [ui.kpi(_("Number of units"), len(frame)),
            ui.kpi(_("Median value"), "—" if frame.empty else f"{frame['value'].median():g}",
                   unit_label or None),
            ui.kpi(_("Full points"),
                   int((frame["fraction"] >= 0.999).sum()) if not frame.empty else 0,
                   _("units earning the whole weight")),
            ui.kpi(_("Weight"), f"{leaf.weight:g}" if leaf else "—", _("points"))]
    return (kpis, charts.indicator_histogram(frame, name, unit_label),
            charts.year_on_year(frame, last, period, before.code if before else None),
            charts.best_and_worst(frame))


ui.register(__name__, path="/assessment/indicator", title=N_("Indicator"), layout=layout,
            permission="assessment.view", section="assessment", order=40)
