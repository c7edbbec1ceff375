"""One unit's results: how its composite is made up, how it compares with its level,
how it has moved, its supervision items and its leadership team."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from assessment import results, supervision
from assessment.enums import PeriodKind, SupervisionStatus
from assessment.pages import charts, common
from portal import db, ui, units
from portal.access import current_actor
from portal.enums import LeaderRole, UnitLevel
from portal.errors import PortalError
from portal.i18n import N_, _


def layout(id: str | None = None, period: str | None = None, **_query):
    actor = current_actor()
    session = db.session()
    unit = units.get_unit(session, actor, common.as_int(id) or actor.unit_id)
    options = common.published_options(session)
    chosen = (
        period
        if period in {o["value"] for o in options}
        else (options[0]["value"] if options else None)
    )
    trail = units.breadcrumb(session, actor,
                             unit)  # the parent is named only inside the actor's scope
    subtitle = UnitLevel(unit.level).label + (f" · {trail[-2].name}" if len(trail) > 1 else "")
    back = common.href("/assessment", period=chosen, unit=unit.id)
    return html.Div([
        ui.page_header(unit.name, subtitle,
                       actions=dbc.Button(_("Show in the overview"), href=back, color="secondary",
                                                              outline=True, size="sm")),
        html.Div([html.Div([html.Div(_("Assessment period"), className="small text-muted mb-1"),
                            ui.dropdown("as-unit-period", options, chosen, clearable=False)],
                           className="as-control")],
                 className="as-toolbar"),
        dcc.Store(id="as-unit-id", data=unit.id),
        dcc.Loading(html.Div(id="as-unit-body"), type="dot"),
    ])


@callback(Output("as-unit-body", "children"), Input("as-unit-period", "value"),
          State("as-unit-id", "data"))
def show_unit(period, unit_id):
    actor = current_actor()
    session = db.session()
    try:
        unit = units.get_unit(session, actor, int(unit_id))
        result = results.unit_result(session, actor, period, unit.id) if period else None
        items = supervision.unit_items(session, actor, unit.id)
        leaders = results.leaders(session, actor, unit.id)
        if result is None:
            return [_no_result(unit, period), _lower_row(unit, items, leaders)]
        dimensions = results.dimensions(session, actor, period, unit.id)
        breakdown = results.breakdown(session, actor, period, unit.id)
        own = results.trend(session, actor, unit.id, PeriodKind.QUARTER)
    except (PortalError, TypeError, ValueError) as error:
        return ui.alert(error.message if isinstance(error,
                                                    PortalError) else _("This unit cannot be "
                                                                        "shown."), "warning")
    return [
        _kpis(result),
        dbc.Row([
            dbc.Col(ui.section(_("Breakdown"),
                               ui.graph("as-unit-waterfall", charts.contribution_waterfall(
                dimensions, result.bonus, result.composite, breakdown), height=360)), lg=6),
            dbc.Col(ui.section(_("Against the level"), ui.graph("as-unit-radar", charts.peer_radar(
                dimensions, unit.name), height=360)), lg=6),
        ], class_name="g-3"),
        dbc.Row([
            dbc.Col(ui.section(_("Composite over time"),
                               ui.graph("as-unit-trend",
                                        charts.trend(own, own.iloc[0:0], unit.name),
                                                      height=360)), lg=6),
            dbc.Col(ui.section(_("Rank in the level"),
                               ui.graph("as-unit-rank", charts.rank_history(own), height=360)),
                    lg=6),
        ], class_name="g-3"),
        ui.section(_("Indicators"), _breakdown_grid(breakdown, period, UnitLevel(unit.level))),
        _lower_row(unit, items, leaders),
    ]


def _no_result(unit, period) -> html.Div:
    if not period:
        return ui.empty_state(_("No assessment period has been published yet."))
    return ui.empty_state(_("%(unit)s has no result in %(period)s.", unit=unit.name, period=period),
                          _("Only territorial units at a level with a scheme are assessed; choose "
                            "another period, "
                            "or open the overview to see the units below it."))


def _kpis(result) -> html.Div:
    return html.Div([
        ui.kpi(_("Composite"), f"{result.composite:.2f}",
               _("points, of which %(bonus)s bonus", bonus=f"{result.bonus:g}")),
        ui.kpi(_("Grade"), common.grade_badge(result.grade, result.vetoed),
               _("a veto item was triggered") if result.vetoed else None,
               "bad" if result.grade == "poor" else "neutral"),
        ui.kpi(_("Rank within the level"), f"{result.rank_in_level} / {result.count_in_level}",
               UnitLevel(result.level).label),
        ui.kpi(_("Rank among its siblings"), f"{result.rank_in_parent} / {result.count_in_parent}",
               _("units under the same parent")),
    ], className="kpi-row")


def _breakdown_grid(breakdown, period, level: UnitLevel):
    if breakdown.empty:
        return ui.empty_state(_("No breakdown for this period."))
    rows = [{"dimension": r.dimension_name, "name": r.name, "code": r.indicator_code,
             "weight": r.weight,
             "value": r.value, "points": r.points, "median": r.median_points,
             "explanation": r.explanation,
             "href": common.href("/assessment/indicator", period=period, level=level.value,
                                 code=r.indicator_code)}
            for r in breakdown.itertuples()]
    number = common.NUMBER_COLUMN
    columns = [
        {"field": "dimension", "headerName": _("Dimension"), "maxWidth": 170},
        common.grid_link_column("name", _("Indicator"), minWidth=220),
        {"field": "weight", "headerName": _("Weight"), **number},
        {"field": "value", "headerName": _("Value"), **number},
        {"field": "points", "headerName": _("Points"), **number},
        {"field": "median", "headerName": _("Level median"), **number},
        {"field": "explanation", "headerName": _("How the points were earned"), "minWidth": 260,
         "tooltipField": "explanation"},
    ]
    return html.Div(ui.grid("as-unit-breakdown", rows, columns,
                            height=min(520, 90 + 34 * len(rows)), page_size=50),
                    className="as-grid")


def _lower_row(unit, items, leaders) -> dbc.Row:
    return dbc.Row([
        dbc.Col(ui.section(_("Supervision items"), _supervision_grid(items)), lg=7),
        dbc.Col(ui.section(_("The unit's leadership team"), _leader_list(leaders)), lg=5),
    ], class_name="g-3")


def _supervision_grid(items):
    if not items:
        return ui.empty_state(_("No supervision items for this unit."))
    rows = [{"title": i.title, "deadline": i.deadline.isoformat(), "status": i.status.label,
             "overdue": i.status == SupervisionStatus.OVERDUE,
             "href": common.href("/assessment/supervision", item=i.id)} for i in items]
    columns = [
        common.grid_link_column("title", _("Item"), minWidth=200),
        {"field": "deadline", "headerName": _("Deadline"), "maxWidth": 120},
        {"field": "status", "headerName": _("Status"), "maxWidth": 150,
         "cellClassRules": {"as-invalid": "params.data.overdue"}},
    ]
    return html.Div(ui.grid("as-unit-supervision", rows, columns, height=300, page_size=20),
                    className="as-grid")


def _leader_list(leaders):
    if not leaders:
        return ui.empty_state(_("No leaders are recorded for this unit."),
                              _("Leaders are the cadres registered as the unit's principal or "
                                "deputy."))
    return html.Ul([html.Li([
        dcc.Link(cadre.name, href=common.href("/cadres/profile", code=cadre.code)),
        html.Span(f" · {cadre.position} · {LeaderRole(cadre.leader_role).label}",
                  className="as-muted"),
    ]) for cadre in leaders], className="as-leaders")


ui.register(__name__, path="/assessment/unit", title=N_("Unit results"), layout=layout,
            permission="assessment.view", section=None)
