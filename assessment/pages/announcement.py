"""The announcement list (公示名单) of a period: every unit in scope with its composite, rank
and grade, by level, with the announcement window — a page made to be printed and posted."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, clientside_callback, dcc, html

from assessment import appeals, periods
from assessment.enums import PeriodStatus
from assessment.pages import common
from portal import db, ui
from portal.access import current_actor
from portal.enums import UnitLevel
from portal.errors import PortalError
from portal.i18n import N_, _


def layout(period: str | None = None, level: str | None = None, **_query):
    actor = current_actor()
    found = appeals.announced_periods(db.session(), actor)
    options = [{"label": f"{common.period_label(p)} · {PeriodStatus(p.status).label}",
                "value": p.code} for p in found]
    codes = [p.code for p in found]
    chosen = period if period in codes else (codes[0] if codes else None)
    levels = [{"label": _("All levels"), "value": "all"}] + common.level_options()
    return html.Div([
        ui.page_header(_("Announcement of results (公示)"),
                       _("The composite, rank and grade of every unit while the results are "
                         "announced; a unit may appeal one indicator's score until the last day."),
                       actions=html.Div([
                           dbc.Button(_("Print"), id="as-ann-print", color="primary", size="sm"),
                           html.Span(id="as-ann-printed")], className="d-print-none")),
        html.Div([
            html.Div([html.Div(_("Assessment period"), className="small text-muted mb-1"),
                      ui.dropdown("as-ann-period", options, chosen, clearable=False)],
                     className="as-control", style={"minWidth": "280px"}),
            html.Div([html.Div(_("Level"), className="small text-muted mb-1"),
                      ui.dropdown("as-ann-level", levels,
                                  level if level in {o["value"] for o in levels} else "all",
                                  clearable=False)], className="as-control"),
        ], className="as-toolbar d-print-none"),
        dcc.Loading(html.Div(id="as-ann-body"), type="dot"),
    ])


@callback(Output("as-ann-body", "children"), Input("as-ann-period", "value"),
          Input("as-ann-level", "value"))
def show_announcement(code, level):
    actor = current_actor()
    session = db.session()
    if not code:
        return ui.empty_state(_("No period has been announced or published yet."),
                              _("The assessment office announces a period's results from the "
                                "periods page once they are computed."))
    chosen_level = UnitLevel(level) if level in {lv.value for lv in UnitLevel} else None
    try:
        period, rows = appeals.announcement(session, actor, code, chosen_level)
    except PortalError as error:
        return ui.alert(error.message, "warning")
    return html.Div([_heading(period, actor.can("assessment.appeal")),
                     _tables(rows) if rows else ui.empty_state(
                         _("No unit in your scope has a result at this level."))],
                    className="as-announcement")


def _heading(period, may_appeal: bool) -> html.Div:
    title = html.H2(_("%(period)s assessment results", period=common.period_label(period)),
                    className="as-ann-title")
    window = periods.window_of(period)
    if window is None:
        note = html.P(_("These results are final (published %(date)s).",
                        date=ui.fmt_datetime(period.published_at)))
    else:
        note = html.P([
            _("Announced from %(start)s to %(end)s. A unit that finds a score wrong may appeal "
              "it with a reason and evidence until %(end)s.", start=window.start.isoformat(),
              end=window.end.isoformat()), " ",
            dcc.Link(_("Appeal a score"), href=common.href("/assessment/appeal",
                                                           period=period.code),
                     className="d-print-none") if may_appeal else None])
    return html.Div([title, note])


def _tables(rows) -> html.Div:
    by_level: dict[UnitLevel, list] = {}
    for row in rows:
        by_level.setdefault(row.level, []).append(row)
    parts = []
    for level, found in by_level.items():
        body = [_row(r) for r in found]
        parts.append(html.Section([
            html.H3(_("%(level)s units (%(n)s of %(count)s)", level=level.label, n=len(found),
                      count=found[0].count_in_level), className="as-ann-level"),
            html.Table([html.Thead(html.Tr([
                html.Th(_("Rank"), className="text-end"), html.Th(_("Code")),
                html.Th(_("Unit")), html.Th(_("Composite"), className="text-end"),
                html.Th(_("Grade"))])), html.Tbody(body)],
                className="table table-sm as-ann-table")]))
    return html.Div(parts)


def _row(row) -> dict:
    """One unit's line, built as plain JSON: a city-wide list has thousands (see
    ``common.plain_html``)."""
    cell = common.plain_html
    return cell("Tr", [cell("Td", str(row.rank_in_level), className="text-end"),
                       cell("Td", row.unit_code), cell("Td", row.unit_name),
                       cell("Td", f"{row.composite:.2f}", className="text-end"),
                       cell("Td", common.plain_grade_badge(row.grade, row.vetoed))])


clientside_callback(
    "function(n) { if (n) { window.print(); } return ''; }",
    Output("as-ann-printed", "children"), Input("as-ann-print", "n_clicks"),
    prevent_initial_call=True,
)

ui.register(__name__, path="/assessment/announcement", title=N_("Announcement of results"),
            layout=layout, permission=("assessment.view", "assessment.appeal"),
            section="assessment", order=27)
