"""The reviewer's home: a published period at a glance, drilling down the hierarchy.

The state is one unit in focus. The treemap shows the two levels below it, the ranking
the focus among its peers (or, at the top of the user's scope, the units below it),
the box plot every unit below it, the trend its quarters. Clicking a unit anywhere
moves the focus to it; the breadcrumb goes back up.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update

from assessment import results
from assessment.enums import Grade, PeriodKind, WarningKind
from assessment.pages import charts, common
from portal import db, ui, units
from portal.access import current_actor
from portal.errors import PortalError
from portal.i18n import N_, _
from portal.pages import todo_panel
from portal.pages.transfer import export_buttons
from portal.theme import empty_figure

MAX_WARNINGS = 8


def layout(period: str | None = None, unit: str | None = None, **_query):
    actor = current_actor()
    session = db.session()
    options = common.published_options(session)
    if not options:
        return html.Div([
            ui.page_header(_("Assessment overview")),
            todo_panel.panel(),
            ui.empty_state(_("No assessment period has been published yet."),
                           _("Open Periods to publish a period once its scores are complete; its "
                             "results appear here."),
                           dbc.Button(_("Open periods"), href="/assessment/periods",
                                      color="primary", size="sm")),
        ])
    chosen = period if period in {o["value"] for o in options} else options[0]["value"]
    focus = common.as_int(unit) or actor.unit_id
    exports = html.Div([html.Span(_("Results"), className="small text-muted me-1"),
                        export_buttons("results", period_id=chosen),
                        html.Span(_("Breakdown"), className="small text-muted ms-3 me-1"),
                        export_buttons("breakdown", period_id=chosen)],
                       className="d-flex align-items-center")
    return html.Div([
        ui.page_header(_("Assessment overview"),
                       _("Published results by unit: composite scores, ranks and grades "
                         "(好/较好/一般/差)."),
                       actions=exports),
        todo_panel.panel(),
        html.Div([
            html.Div([html.Div(_("Assessment period"), className="small text-muted mb-1"),
                      ui.dropdown("as-ov-period", options, chosen, clearable=False)],
                     className="as-control"),
            html.Div(id="as-ov-unit-link", className="ms-auto"),
        ], className="as-toolbar"),
        html.Nav(id="as-ov-crumbs", className="as-crumbs", **{"aria-label": _("Where you are")}),
        # the keyboard's way down (the charts drill on a click)
        html.Details([html.Summary(_("Go down to a unit below")),
                      html.Nav(id="as-ov-down", className="as-down")],
                     className="as-down-menu d-print-none"),
        html.Div(id="as-ov-kpis", className="kpi-row"),
        dbc.Row([
            dbc.Col(ui.section(_("Hierarchy"), ui.graph("as-ov-treemap", height=420)), lg=7),
            dbc.Col(ui.section(_("Ranking"), ui.graph("as-ov-ranking")), lg=5),
        ], class_name="g-3"),
        dbc.Row([
            dbc.Col(ui.section(_("Score distribution"), ui.graph("as-ov-distribution", height=360)),
                    lg=6),
            dbc.Col(ui.section(_("Trend"), ui.graph("as-ov-trend", height=360)), lg=6),
        ], class_name="g-3"),
        ui.section(_("Early warnings"), html.Div(id="as-ov-warnings"),
                   actions=dcc.Link(_("All warnings"),
                                    href=common.href("/assessment/warnings", period=chosen),
                                    id="as-ov-warnings-link")),
        dcc.Store(id="as-ov-focus", data=focus),
    ])


@callback(
    Output("as-ov-focus", "data"),
    Input("as-ov-treemap", "clickData"),
    Input("as-ov-ranking", "clickData"),
    Input("as-ov-distribution", "clickData"),
    State("as-ov-focus", "data"),
    prevent_initial_call=True,
)
def move_focus(treemap, ranking, distribution, focus):
    """Where a click on a chart takes the focus (the drawing callback checks the scope again)."""
    actor = current_actor()
    trigger = ctx.triggered_id
    click = {"as-ov-treemap": treemap, "as-ov-ranking": ranking,
             "as-ov-distribution": distribution}.get(trigger)
    target = _clicked_unit(click)
    if target is None:
        return no_update
    if trigger == "as-ov-treemap" and target == focus:  # the root tile: one level up
        try:
            unit = units.get_unit(db.session(), actor, focus)
        except PortalError:
            return no_update
        if unit.parent_id and actor.in_scope(unit.path) and unit.id != actor.unit_id:
            return unit.parent_id
        return no_update
    return target


# A breadcrumb or a unit below takes the focus to its unit in the browser: every drawing makes
# new buttons, which Dash counts as a change of these inputs, and a server callback would cost
# a request after each (the drawing callback checks the scope of whatever unit it is given).
clientside_callback(
    """function (crumbs, below) {
        const context = dash_clientside.callback_context;
        const fired = context.triggered.filter((t) => t.value);
        const unit = context.triggered_id && context.triggered_id.unit;
        return fired.length && unit ? unit : dash_clientside.no_update;
    }""",
    Output("as-ov-focus", "data", allow_duplicate=True),
    Input({"type": "as-ov-crumb", "unit": ALL}, "n_clicks"),
    Input({"type": "as-ov-below", "unit": ALL}, "n_clicks"),
    prevent_initial_call=True,
)


def _clicked_unit(click) -> int | None:
    try:
        point = click["points"][0]
        data = point.get("customdata")
        return int(data[0] if isinstance(data, list) else data)
    except (TypeError, KeyError, IndexError, ValueError):
        return None


@callback(
    Output("as-ov-crumbs", "children"),
    Output("as-ov-kpis", "children"),
    Output("as-ov-treemap", "figure"),
    Output("as-ov-ranking", "figure"),
    Output("as-ov-distribution", "figure"),
    Output("as-ov-trend", "figure"),
    Output("as-ov-warnings", "children"),
    Output("as-ov-unit-link", "children"),
    Output({"type": "export-period", "kind": "results"}, "data"),
    Output({"type": "export-period", "kind": "breakdown"}, "data"),
    Output("as-ov-warnings-link", "href"),
    Output("as-ov-down", "children"),
    Input("as-ov-period", "value"),
    Input("as-ov-focus", "data"),
)
def draw(period, focus):
    actor = current_actor()
    actor.require("assessment.view")  # a role without it gets 403, not an explanation
    session = db.session()
    blank = empty_figure(_("Nothing to show."))
    try:
        unit = units.get_unit(session, actor, int(focus))
        frame = results.results_frame(session, actor, period, under_unit_id=unit.id)
        crumbs = units.breadcrumb(session, actor, unit)
        warnings = results.warnings(session, actor, period, under_unit_id=unit.id)
        own = results.trend(session, actor, unit.id, PeriodKind.QUARTER)
        levels = results.subtree_trend(session, actor, unit.id, PeriodKind.QUARTER)
        peers, peer_title = _peers(session, actor, period, unit, frame)
    except (PortalError, TypeError, ValueError) as error:
        message = error.message if isinstance(error,
                                              PortalError) else _("This unit cannot be shown.")
        return (ui.alert(message, "warning"), [], blank, blank, blank, blank, None, None, period,
                period,
                common.href("/assessment/warnings", period=period), None)
    below = frame[frame["unit_id"] != unit.id]
    return (
        _crumbs(crumbs),
        _kpis(below if not below.empty else frame, warnings),
        charts.hierarchy_treemap(below, unit.id, unit.name),
        charts.ranking_bars(peers, unit.id, peer_title),
        charts.score_distribution(below),
        charts.trend(own, levels, unit.name),
        _warning_list(warnings, period),
        _unit_link(unit, frame, period),
        period, period,
        common.href("/assessment/warnings", period=period, unit=unit.id),
        _below(below, unit.id),
    )


def _below(frame, unit_id: int) -> list:
    """The units right below the focus as buttons, best first: drilling down by keyboard (where the
    level right below has no results, the nearest level below that has them)."""
    children = frame[frame["parent_id"] == unit_id]
    if children.empty and not frame.empty:
        depth = frame["path"].str.count("/")
        children = frame[depth == depth.min()]
    children = children.sort_values(["composite", "unit_name"], ascending=[False, True])
    if children.empty:
        return [html.Span(_("No units below."), className="small text-muted")]
    return [dbc.Button(f"{row.unit_name} · {row.composite:.1f}",
                       id={"type": "as-ov-below", "unit": int(row.unit_id)},
                       color="link", size="sm") for row in children.itertuples()]


def _peers(session, actor, period, unit, frame):
    """The focus among its siblings in scope, or the units below the top of the scope."""
    if unit.id != actor.unit_id and unit.parent_id and (frame["unit_id"] == unit.id).any():
        siblings = results.results_frame(session, actor, period, under_unit_id=unit.parent_id)
        siblings = siblings[
            (siblings["parent_id"] == unit.parent_id)
            & (siblings["level"] == frame.loc[frame["unit_id"] == unit.id, "level"].iloc[0])
        ]
        return siblings, _("%(unit)s among its peers", unit=unit.name)
    return frame[frame["parent_id"] == unit.id], _("Units below %(unit)s", unit=unit.name)


def _crumbs(path) -> list:
    items = []
    for n, unit in enumerate(path):
        if n:
            items.append(html.Span("›", className="as-crumb-sep", **{"aria-hidden": "true"}))
        if n == len(path) - 1:
            items.append(html.Span(unit.name, className="as-crumb-here",
                                   **{"aria-current": "page"}))
        else:
            items.append(dbc.Button(unit.name, id={"type": "as-ov-crumb", "unit": unit.id},
                                    color="link", size="sm"))
    return items


def _kpis(frame, warnings) -> list:
    if frame.empty:
        return [ui.kpi(_("Units assessed"), 0, _("No published results below this unit."))]
    grades = frame["grade"].value_counts()
    vetoed = int(frame["vetoed"].sum())
    return [
        ui.kpi(_("Units assessed"), len(frame)),
        ui.kpi(_("Average composite"), float(frame["composite"].mean()), _("points")),
        ui.kpi(Grade.GOOD.label, int(grades.get(Grade.GOOD.value, 0)), _("units graded 好"),
               "good"),
        ui.kpi(Grade.POOR.label, int(grades.get(Grade.POOR.value, 0)),
               _("units graded 差, %(n)s by a veto", n=vetoed),
               "bad" if grades.get(Grade.POOR.value) else "neutral"),
        ui.kpi(_("Warnings"), len(warnings), _("units to look at"),
               "warn" if warnings else "neutral"),
    ]


def _warning_list(warnings, period) -> html.Div:
    if not warnings:
        return ui.empty_state(_("No warnings here."),
                              _("No unit fell two quarters running, stands far from its "
                                                         "peers, triggered a veto or has overdue "
                                                         "supervision items."))
    order = {WarningKind.VETO: 0, WarningKind.OUTLIER_LOW: 1, WarningKind.FALLING: 2,
             WarningKind.OVERDUE: 3,
             WarningKind.OUTLIER_HIGH: 4}
    shown = sorted(warnings, key=lambda w: (order[w.kind], w.unit_code))[:MAX_WARNINGS]
    items = [html.Li([html.Span(w.kind.label, className="as-warning-kind"),
                      dcc.Link(w.unit_name, href=common.unit_href(w.unit_id, period)), " — ",
                      w.reason])
             for w in shown]
    more = len(warnings) - len(shown)
    tail = html.P(_("… and %(n)s more on the warnings page.", n=more),
                  className="as-muted small mt-2") if more > 0 else None
    return html.Div([html.Ul(items, className="as-warning-list"), tail])


def _unit_link(unit, frame, period):
    if not (frame["unit_id"] == unit.id).any():
        return None
    return dbc.Button(_("Open the page of %(unit)s", unit=unit.name),
                      href=common.unit_href(unit.id, period),
                      color="primary", outline=True, size="sm")


ui.register(__name__, path="/assessment", title=N_("Assessment overview"), layout=layout,
            permission="assessment.view", section="assessment", order=10, home_for=("reviewer",))
