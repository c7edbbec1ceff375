"""Accountability dashboards (问责态势): the four forms by unit and by quarter (the share in
each form is itself a governance signal), cases by stage reached and time in each stage,
error-tolerance outcomes, measures in effect today and follow-up visits due.

Reviewers see the figures built from effects (forms, measures in effect, outcomes);
case figures and follow-ups are for inspectors.
"""

from __future__ import annotations

from datetime import date, timedelta

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from accountability import dashboards, measures
from accountability.pages import charts
from accountability.pages.common import days_badge, failure, graph
from portal import cache, db, ui
from portal.access import current_actor
from portal.errors import PortalError
from portal.i18n import N_, _
from portal.ui import field


def period_options() -> list[dict]:
    year = date.today().year
    return [{"label": _("Last 12 months"), "value": "12m"},
            {"label": _("Last 3 years"), "value": "3y"},
            *[{"label": str(y), "value": str(y)} for y in range(year, year - 5, -1)]]


def period_range(value: str | None, today: date) -> tuple[date, date]:
    if value == "3y":
        return today - timedelta(days=3 * 365), today
    if value and value.isdigit():
        return date(int(value), 1, 1), date(int(value), 12, 31)
    return today - timedelta(days=365), today


def visits_table(visits) -> html.Div:
    if not visits:
        return html.P(_("No follow-up visit is due."), className="text-muted")
    head = html.Thead(html.Tr([html.Th(h) for h in (_("Cadre"), _("Unit"), _("Measure"), _("Due"),
                                                    _("Days left"))]))
    rows = [html.Tr([html.Td(v.cadre_name), html.Td(v.unit_name), html.Td(v.measure),
                     html.Td(v.due_on.isoformat()),
                     html.Td(days_badge(v.days_left, v.overdue))]) for v in visits]
    return html.Table([head, html.Tbody(rows)], className="table table-sm mb-2",
                      id="ac-dash-visits")


def figures(session, actor, start: date, end: date, today: date) -> dict[str, dict]:
    """The overview's charts as JSON, built from the (cached) figures of the period."""
    by_unit = dashboards.forms_by_unit(session, actor, start, end)
    built = {"units": charts.forms_share_by_unit(by_unit),
             "quarters": charts.forms_by_period(dashboards.forms_by_quarter(session, actor,
                                                                            start, end)),
             "tolerance": charts.tolerance_outcomes(dashboards.tolerance_outcomes(session, actor,
                                                                                  start, end)),
             "effect": charts.measures_in_effect(dashboards.measures_in_effect(session, actor,
                                                                               today))}
    if actor.can("cases.view"):
        built["funnel"] = charts.stage_funnel(dashboards.stage_funnel(session, actor, start, end))
        built["durations"] = charts.stage_durations(dashboards.stage_durations(session, actor,
                                                                               today, start, end))
    return {name: figure.to_plotly_json() for name, figure in built.items()}


def content(session, actor, period: str | None) -> html.Div:
    today = date.today()
    start, end = period_range(period, today)
    by_unit = dashboards.forms_by_unit(session, actor, start, end)
    in_effect = dashboards.measures_in_effect(session, actor, today)
    outcomes = dashboards.tolerance_outcomes(session, actor, start, end)
    # Building the Plotly figures costs more than reading their (cached) data: the figures of
    # a scope and period are kept too, per data version and language, like the data.
    figure = cache.cached(session, "accountability.overview_figures",
                          (cache.scope_of(actor), start, end),
                          lambda: figures(session, actor, start, end, today),
                          dashboards.READS)
    total = int(by_unit["count"].sum()) if not by_unit.empty else 0
    heavy = int(by_unit[by_unit["form"] >= 3]["count"].sum()) if total else 0
    kpis = [
        ui.kpi(_("Person-times handled"), total, _("%(start)s to %(end)s", start=start.isoformat(),
                                                   end=end.isoformat())),
        ui.kpi(_("Third and fourth forms"), f"{100 * heavy / total:.0f}%" if total else "—",
               _("share of heavy sanctions and case transfers")),
        ui.kpi(_("Measures in effect today"),
               int(in_effect["count"].sum()) if not in_effect.empty else 0),
        ui.kpi(_("Tolerance applications"), int(outcomes["count"].sum())),
    ]
    rows = [dbc.Row([
        dbc.Col(ui.section(_("Four forms by unit"), graph("ac-dash-units", figure["units"])), lg=7),
        dbc.Col(ui.section(_("Four forms by quarter"),
                           graph("ac-dash-quarters", figure["quarters"])), lg=5),
    ])]
    if actor.can("cases.view"):
        visits = measures.follow_up_visits(session, actor, within_days=0)
        overdue = sum(v.overdue for v in visits)
        kpis.append(ui.kpi(_("Follow-up visits due"), len(visits),
                           _("%(n)s overdue", n=overdue) if overdue else None,
                           tone="warn" if overdue else "neutral"))
        rows.append(dbc.Row([
            dbc.Col(ui.section(_("Cases by stage"), graph("ac-dash-funnel", figure["funnel"])),
                    lg=5),
            dbc.Col(ui.section(_("Time in each stage"),
                               graph("ac-dash-durations", figure["durations"])), lg=7),
        ]))
    rows.append(dbc.Row([
        dbc.Col(ui.section(_("Error tolerance"), graph("ac-dash-tolerance", figure["tolerance"])),
                lg=5),
        dbc.Col(ui.section(_("Measures in effect today"),
                           graph("ac-dash-effect", figure["effect"])), lg=7),
    ]))
    if actor.can("cases.view"):
        rows.append(ui.section(_("Follow-up visits due"), [
            visits_table(visits[:8]),
            dcc.Link(_("Follow-up visits, corrective actions and name clearing due →"),
                     href="/accountability/follow-ups")]))
    return html.Div([html.Div(kpis, className="kpi-row"), *rows])


def layout(**_query):
    actor = current_actor()
    filters = dbc.Row([field(_("Time span"),
                             dbc.Select(id="ac-dash-period", options=period_options(), value="12m"),
                             3)],
                      class_name="g-2 mb-3")
    return html.Div([
        ui.page_header(_("Accountability overview"),
                       _("How discipline is applied across the units: the four forms, the cases, "
                         "error tolerance.")),
        filters,
        dbc.Spinner(html.Div(content(db.session(), actor, "12m"), id="ac-dash-content"),
                    color="secondary",
                    delay_show=300),
    ])


@callback(Output("ac-dash-content", "children"), Input("ac-dash-period", "value"),
          prevent_initial_call=True)
def change_period(period):
    actor = current_actor()
    try:
        return content(db.session(), actor, period)
    except PortalError as error:
        return failure(error)


ui.register(__name__, path="/accountability/overview", title=N_("Accountability overview"),
            layout=layout,
            permission=("cases.view", "measures.view_effects"), section="accountability", order=15)
