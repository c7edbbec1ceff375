"""Assessment periods: create a quarter or a year, move it through its lifecycle, see
what is still missing, publish it (which freezes the results) and re-open it with a reason."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from assessment import periods, rules, scores
from assessment.enums import PeriodStatus
from assessment.pages import charts, common
from portal import db, forms, ui
from portal.access import current_actor
from portal.errors import PortalError
from portal.i18n import N_, _

REOPENABLE = frozenset({PeriodStatus.ANNOUNCED, PeriodStatus.PUBLISHED})
ACTIONS = {  # target status → button label, colour
    PeriodStatus.COLLECTING: (N_("Open for score collection"), "primary"),
    PeriodStatus.REVIEWING: (N_("Start the review"), "primary"),
    PeriodStatus.ANNOUNCED: (N_("Announce the results (公示)"), "primary"),
    PeriodStatus.PUBLISHED: (N_("Publish the results"), "primary"),
    PeriodStatus.ARCHIVED: (N_("Archive"), "secondary"),
}


def layout(period: str | None = None, **_query):
    actor = current_actor()
    can_change = actor.can("assessment.publish")
    create = html.Div([
        html.Div(_("New period"), className="small text-muted mb-1"),
        dbc.InputGroup([dbc.Input(id={"type": "as-pe-new-code", "n": 0},
                                  placeholder=_("e.g. 2026Q4 or 2026"),
                                  maxLength=8),
                        dbc.Button(_("Create"), id={"type": "as-pe-create", "n": 0},
                                   color="primary")], size="sm"),
    ], className="as-control") if can_change else None
    return html.Div([
        ui.page_header(_("Assessment periods"),
                       _("A period is created as a draft, opened for score collection, reviewed, "
                         "then announced (公示) for units to appeal and made final, or published "
                         "directly: both compute and freeze the results every dashboard reads.")),
        html.Div([
            html.Div([html.Div(_("Assessment period"), className="small text-muted mb-1"),
                      ui.dropdown("as-pe-period", [], period, clearable=False)],
                     className="as-control", style={"minWidth": "260px"}),
            create,
        ], className="as-toolbar"),
        html.Div(id="as-pe-message"),
        dbc.Row([
            dbc.Col(ui.section(_("This period"), html.Div(id="as-pe-detail")), lg=6),
            dbc.Col(ui.section(_("Scores entered"), ui.graph("as-pe-completeness", height=220)),
                    lg=6),
        ], class_name="g-3"),
        ui.section(_("All periods"), html.Div(id="as-pe-table")),
        dcc.Store(id="as-pe-changed", data=0),
    ])


@callback(
    Output("as-pe-period", "options"),
    Output("as-pe-period", "value"),
    Output("as-pe-table", "children"),
    Input("as-pe-changed", "data"),
    State("as-pe-period", "value"),
)
def list_periods(_changed, chosen):
    actor = current_actor()
    session = db.session()
    found = periods.list_periods(session, actor)
    options = [{"label": f"{common.period_label(p)} · {PeriodStatus(p.status).label}",
                "value": p.code} for p in found]
    codes = [p.code for p in found]
    value = chosen if chosen in codes else next(
        (p.code for p in found if p.status in rules.EDITABLE), codes[0] if codes else None)
    if not found:
        table = ui.empty_state(_("No periods yet."), _("Create the first one above, e.g. 2026Q1."))
    else:
        rows = [{"code": p.code, "label": common.period_label(p),
                 "status": PeriodStatus(p.status).label,
                 "start": p.start.isoformat(), "end": p.end.isoformat(),
                 "published": ui.fmt_datetime(p.published_at), "by": p.published_by,
                 "href": common.href("/assessment/scores", period=p.code)} for p in found]
        columns = [
            common.grid_link_column("label", _("Assessment period"), maxWidth=160),
            {"field": "status", "headerName": _("Status"), "maxWidth": 150},
            {"field": "start", "headerName": _("Start date"), "maxWidth": 130},
            {"field": "end", "headerName": _("End date"), "maxWidth": 130},
            {"field": "published", "headerName": _("Published"), "maxWidth": 170},
            {"field": "by", "headerName": _("By")},
        ]
        table = ui.grid("as-pe-grid", rows, columns, height=min(420, 100 + 34 * len(rows)))
    return options, value, table


@callback(
    Output("as-pe-detail", "children"),
    Output("as-pe-completeness", "figure"),
    Input("as-pe-period", "value"),
    Input("as-pe-changed", "data"),
)
def show_period(code, _changed):
    actor = current_actor()
    session = db.session()
    if not code:
        return ui.empty_state(_("Choose or create a period.")), charts.completeness_bars({})
    try:
        period = periods.get(session, code)
        counts = scores.completeness(session, actor, code)
        levels = periods.levels_with_schemes(session, period)
    except PortalError as error:
        return ui.alert(error.message, "warning"), charts.completeness_bars({})
    status = PeriodStatus(period.status)
    facts = html.Dl([
        html.Dt(_("Status")), html.Dd(status.label),
        html.Dt(_("Dates")), html.Dd(f"{period.start.isoformat()} — {period.end.isoformat()}"),
        html.Dt(_("Schemes")),
                     html.Dd(", ".join(f"{lv.label} v{s.version}" for lv, s in levels.items())
                                       or _("none yet for %(year)s", year=period.year)),
        *_announcement_facts(session, period),
    ], className="as-facts")
    buttons = []
    if actor.can("assessment.publish"):
        for target in rules.next_statuses(status):
            if target == PeriodStatus.REVIEWING and status in REOPENABLE:
                continue  # re-opening has its own form below
            label, colour = ACTIONS[target]
            if status == PeriodStatus.REVIEWING and target == PeriodStatus.PUBLISHED:
                colour = "secondary"  # publishing directly skips the announcement (公示)
            if status == PeriodStatus.ANNOUNCED and target == PeriodStatus.PUBLISHED:
                label = N_("Make the results final")
            if status == PeriodStatus.REVIEWING and target == PeriodStatus.COLLECTING:
                label, colour = N_("Back to collecting"), "secondary"
            buttons.append(dbc.Button(_(label), id={"type": "as-pe-move", "to": target.value},
                                      color=colour,
                                      outline=colour == "secondary", size="sm", class_name="me-2"))
    reopen = None
    if status in REOPENABLE and actor.can("assessment.publish"):
        reopen = html.Div([
            html.Hr(),
            html.Div(_("Re-open for corrections (the reason is kept in the audit log)"),
                     className="small text-muted mb-1"),
            dbc.Textarea(id={"type": "as-pe-reason", "n": 0},
                         placeholder=_("Why must the published results change?"), rows=2),
            dbc.Button(_("Re-open"), id={"type": "as-pe-move", "to": "reopen"}, color="danger",
                       outline=True,
                       size="sm", class_name="mt-2"),
        ])
    links = html.Div([
        dcc.Link(_("Enter scores"), href=common.href("/assessment/scores", period=code),
                 className="me-3")
        if status in rules.EDITABLE else None,
        dcc.Link(_("See the results"), href=common.href("/assessment", period=code),
                 className="me-3")
        if status in rules.RESULTS_VISIBLE else None,
        dcc.Link(_("Announcement list"), href=common.href("/assessment/announcement",
                                                          period=code), className="me-3")
        if status in rules.RESULTS_VISIBLE else None,
        dcc.Link(_("Appeals"), href=common.href("/assessment/appeals", period=code))
        if status in rules.RESULTS_VISIBLE else None,
    ], className="mt-2")
    return html.Div([facts, html.Div(buttons), reopen, links]), charts.completeness_bars(counts)


def _announcement_facts(session, period) -> list:
    if not period.announced_on:
        return []
    open_now = periods.open_appeals(session, period)
    return [html.Dt(_("Announcement")),
            html.Dd(_("%(start)s to %(end)s; %(n)s appeal(s) open",
                      start=period.announced_on.isoformat(),
                      end=(period.announced_until or period.announced_on).isoformat(),
                      n=open_now))]


@callback(
    Output("as-pe-message", "children"),
    Output("as-pe-changed", "data"),
    Input({"type": "as-pe-create", "n": ALL}, "n_clicks"),
    Input({"type": "as-pe-move", "to": ALL}, "n_clicks"),
    State({"type": "as-pe-new-code", "n": ALL}, "value"),
    State("as-pe-period", "value"),
    State({"type": "as-pe-reason", "n": ALL}, "value"),
    State("as-pe-changed", "data"),
    prevent_initial_call=True,
)
def change(creates, moves, new_codes, code, reasons, changed):
    """Create a period or move the chosen one; every refusal is explained on the page."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(creates + moves):
        return no_update, no_update

    def move(session, actor):
        if trigger["type"] == "as-pe-create":
            period = periods.create(session, actor, (new_codes or [""])[0] or "")
            return _("%(code)s was created as a draft.", code=period.code)
        if trigger["to"] == "reopen":
            period = periods.transition(session, actor, code, PeriodStatus.REVIEWING,
                                        reason=(reasons or [""])[0] or "")
            return _("%(code)s is open for corrections again; its results stay hidden until it is "
                     "published again.", code=period.code)
        if trigger["to"] == PeriodStatus.ANNOUNCED.value:
            period = periods.transition(session, actor, code, PeriodStatus.ANNOUNCED)
            return _("The results of %(code)s are announced until %(end)s; units may appeal "
                     "until then.", code=period.code, end=period.announced_until.isoformat())
        target = forms.choice(trigger["to"], PeriodStatus, _("Status"))
        period = periods.transition(session, actor, code, target)
        return _("%(code)s is now %(status)s.", code=period.code, status=target.label)

    return ui.write(True, move, refused=_refused,
                    then=lambda message: (ui.alert(message, "success"), (changed or 0) + 1))


def _refused(error):
    if isinstance(error, periods.PublishBlocked):
        return ui.alert(error.message, "warning", error.lines), no_update
    return ui.alert(error.message, "danger"), no_update


ui.register(__name__, path="/assessment/periods", title=N_("Assessment periods"), layout=layout,
            permission=("assessment.view", "assessment.publish"), section="assessment", order=25)
