"""The assessment office's progress board (填报进度): per period, which units and reporting
sets have not submitted, are overdue or were returned twice, a page at a time; checking a
report with its evidence, returning it with a reason, accepting it (its figures become the
period's scores), locking it, or reopening one unit's report as an exception."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from assessment import rules, submissions
from assessment.enums import SubmissionStatus
from assessment.pages import common
from assessment.pages.report import STATUS_TONES
from portal import db, forms, ui
from portal.access import current_actor
from portal.errors import Invalid, PortalError
from portal.i18n import N_, _

PERMISSION = ("assessment.edit",)
SHOW = {"all": N_("All"), "not_submitted": N_("Not submitted"), "to_check": N_("To check"),
        "overdue": N_("Overdue"), "returned_often": N_("Returned twice"),
        "accepted": N_("Accepted or locked")}
ACTIONS = {"return": (N_("Return with the reason"), "danger"),
           "accept": (N_("Accept"), "success"),
           "lock": (N_("Lock"), "dark"),
           "reopen": (N_("Grant an exception (reopen)"), "warning")}
DONE = {"return": N_("Returned to the unit with your reason."),
        "accept": N_("Accepted: the figures are now the period's scores."),
        "lock": N_("Locked."), "reopen": N_("Reopened for the unit as an exception.")}


def layout(period: str | None = None, **_query):
    actor = current_actor()
    session = db.session()
    found = submissions.reporting_periods(session, actor)
    if not found:
        return html.Div([ui.page_header(_("Reporting progress")), ui.empty_state(
            _("No assessment period is open yet."),
            _("Open a period for collection on the periods page, then open reporting here."),
            dbc.Button(_("Open periods"), href="/assessment/periods", color="primary",
                       size="sm"))])
    codes = [p.code for p in found]
    chosen = period if period in codes else submissions.default_period(found)
    options = [{"label": f"{common.period_label(p)} · {p.status.label}", "value": p.code}
               for p in found]
    columns = [
        {"field": "unit_name", "headerName": _("Unit"), "minWidth": 150},
        {"field": "unit_code", "headerName": _("Code"), "maxWidth": 140},
        {"field": "set_name", "headerName": _("Reporting set"), "minWidth": 150},
        {"field": "status_label", "headerName": _("Status"), "maxWidth": 120, "colId": "status"},
        {"field": "due_on", "headerName": _("Due"), "maxWidth": 115,
         "cellClassRules": {"as-invalid": "params.data && params.data.overdue"}},
        {"field": "returned_count", "headerName": _("Times returned"), "maxWidth": 110,
         "cellClassRules": {"as-invalid": "params.data && params.data.returned_often"}},
        {"field": "submitted_at", "headerName": _("Submitted"), "maxWidth": 150},
        {"field": "submitted_by", "headerName": _("By"), "maxWidth": 130, "sortable": False},
    ]
    return html.Div([
        ui.page_header(_("Reporting progress"),
                       _("Who has reported, who has not, and what waits for your check. Select a "
                         "report to check its figures and evidence.")),
        dbc.Row([
            ui.field(_("Assessment period"),
                     ui.dropdown("as-sb-period", options, chosen, clearable=False), 3),
            ui.field(_("Deadline"), dbc.Input(id="as-sb-due", type="date"), 2,
                     hint=_("for every reporting set")),
            dbc.Col(dbc.Button(_("Open reporting"), id="as-sb-open", color="secondary",
                               outline=True, size="sm", class_name="mt-4"), md=3),
        ], class_name="g-2 mb-2"),
        html.Div(id="as-sb-message"),
        html.Div(id="as-sb-kpis", className="mb-2"),
        dbc.RadioItems(id="as-sb-show", options=[{"label": _(v), "value": k}
                                                 for k, v in SHOW.items()],
                       value="all", inline=True, class_name="mb-2"),
        dbc.Row([
            dbc.Col(ui.section(_("Reports"), html.Div(ui.paged_grid(
                "as-sb-grid", columns, height=520, page_size=50, selectable=True),
                className="as-grid")), lg=8),
            dbc.Col(ui.section(_("Check a report"), html.Div(
                ui.empty_state(_("Select a report in the table.")), id="as-sb-detail")), lg=4),
        ], class_name="g-3"),
        dcc.Store(id="as-sb-chosen"), dcc.Store(id="as-sb-refresh", data=0),
        dcc.Download(id="as-sb-download"),
    ])


@callback(Output("as-sb-kpis", "children"), Input("as-sb-period", "value"),
          Input("as-sb-refresh", "data"))
def kpis(period, _refresh):
    actor = current_actor()
    if not period:
        return None
    try:
        found = submissions.progress(db.session(), actor, period, start=0, end=0)
    except PortalError as error:
        return ui.alert(error.message, "warning")
    counts = found.counts
    if not counts["all"]:
        return ui.empty_state(_("Reporting is not open for this period yet."),
                              _("“Open reporting” makes a draft report for every assessed unit "
                                "and reporting set, with the deadline you give."))
    return html.Div([
        ui.kpi(_("Reports"), counts["all"]),
        ui.kpi(_("Not submitted"), counts["not_submitted"], tone="neutral"),
        ui.kpi(_("To check"), counts["to_check"]),
        ui.kpi(_("Overdue"), counts["overdue"], tone="bad" if counts["overdue"] else "neutral"),
        ui.kpi(_("Returned twice"), counts["returned_often"],
               tone="bad" if counts["returned_often"] else "neutral"),
        ui.kpi(_("Accepted or locked"), counts["accepted"]),
    ], className="kpi-row")


@callback(Output("as-sb-grid", "getRowsResponse"), Input("as-sb-grid", "getRowsRequest"),
          State("as-sb-period", "value"), State("as-sb-show", "value"))
def report_rows(request, period, show):
    return common.progress_response(request, period, show)


ui.purge_when("as-sb-grid", Input("as-sb-period", "value"), Input("as-sb-show", "value"),
              Input("as-sb-refresh", "data"))


@callback(Output("as-sb-chosen", "data"), Input("as-sb-grid", "selectedRows"),
          prevent_initial_call=True)
def choose(selected):
    current_actor()
    chosen = common.selected_id(selected, "id")
    return no_update if chosen is None else chosen


@callback(Output("as-sb-detail", "children"), Input("as-sb-chosen", "data"),
          Input("as-sb-refresh", "data"))
def detail(submission_id, _refresh):
    actor = current_actor()
    if not isinstance(submission_id, int):
        return ui.empty_state(_("Select a report in the table."))
    try:
        found = submissions.view_by_id(db.session(), actor, submission_id)
    except PortalError as error:
        return ui.alert(error.message, "warning")
    status = html.Span(found.status.label,
                       className=f"badge text-bg-{STATUS_TONES[found.status]} as-sb-status")
    figures = html.Table([
        html.Thead(html.Tr([html.Th(_("Indicator")), html.Th(_("Value")), html.Th(_("Note"))])),
        html.Tbody([html.Tr([html.Td(f["indicator_name"]),
                             html.Td("—" if f["value"] is None else f"{f['value']:g}"),
                             html.Td(f["note"])]) for f in found.figures]),
    ], className="table table-sm as-sb-figures")
    evidence = html.Ul([html.Li(html.Button(
        item["filename"], id={"type": "as-sb-evidence", "id": item["id"]},
        className="btn btn-link btn-sm p-0")) for item in found.evidence]) if found.evidence \
        else html.P(_("No evidence attached."), className="text-muted small")
    notes = []
    if found.return_reason:
        notes.append(html.P([html.Strong(_("Last returned because: ")), found.return_reason],
                            className="small"))
    if found.exception_reason:
        notes.append(html.P([html.Strong(_("Exception: ")), found.exception_reason],
                            className="small"))
    return html.Div([
        html.Div([status, html.Span(f" {found.unit_name} · {found.set_name}", className="ms-1")],
                 className="mb-2"),
        *notes, figures,
        html.H3(_("Evidence"), className="h6"), evidence,
        dbc.Label(_("Reason (required to return or to grant an exception)"),
                  html_for="as-sb-reason", class_name="small text-muted mb-1 mt-2"),
        dbc.Textarea(id="as-sb-reason", rows=2, maxLength=2000),
        html.Div([dbc.Button(_(label), id={"type": "as-sb-act", "action": action}, color=tone,
                             size="sm", outline=action != "accept",
                             disabled=not _applies(action, found.status))
                  for action, (label, tone) in ACTIONS.items()],
                 className="d-flex flex-wrap gap-2 mt-2"),
    ])


def _applies(action: str, status: SubmissionStatus) -> bool:
    return status in rules.SUBMISSION_STEPS[action].sources


@callback(Output("as-sb-message", "children"), Output("as-sb-refresh", "data"),
          Input({"type": "as-sb-act", "action": ALL}, "n_clicks"),
          State("as-sb-chosen", "data"), State("as-sb-reason", "value"),
          State("as-sb-refresh", "data"), prevent_initial_call=True)
def decide(clicks, submission_id, reason, refresh):
    action = ctx.triggered_id.get("action") if isinstance(ctx.triggered_id, dict) else None

    def change(session, actor):
        if action not in ACTIONS or not isinstance(submission_id, int):
            raise Invalid(_("Select a report in the table first."))
        submissions.act(session, actor, submission_id, action, str(reason or ""))
        return _(DONE[action])

    return ui.write(any(clicks or []), change,
                    then=lambda message: (ui.alert(message, "success"), (refresh or 0) + 1),
                    refused=lambda error: (ui.alert(error.message), no_update),
                    idle=(no_update, no_update))


@callback(Output("as-sb-message", "children", allow_duplicate=True),
          Output("as-sb-refresh", "data", allow_duplicate=True),
          Input("as-sb-open", "n_clicks"), State("as-sb-period", "value"),
          State("as-sb-due", "value"), State("as-sb-refresh", "data"),
          prevent_initial_call=True)
def open_reporting(clicks, period, due, refresh):
    def change(session, actor):
        made = submissions.open_reporting(session, actor, str(period or ""),
                                          forms.day(due, _("Deadline")))
        return _("%(n)s draft reports made.", n=made)

    return ui.write(clicks, change,
                    then=lambda message: (ui.alert(message, "success"), (refresh or 0) + 1),
                    refused=lambda error: (ui.alert(error.message), no_update),
                    idle=(no_update, no_update))


@callback(Output("as-sb-download", "data"),
          Input({"type": "as-sb-evidence", "id": ALL}, "n_clicks"), prevent_initial_call=True)
def download(clicks):
    actor = current_actor()
    if not any(clicks or []) or not isinstance(ctx.triggered_id, dict):
        return no_update
    try:
        name, _kind, data = submissions.evidence_file(db.session(), actor,
                                                      ctx.triggered_id.get("id"))
    except PortalError:
        return no_update
    return dcc.send_bytes(data, name)


ui.register(__name__, path="/assessment/submissions", title=N_("Reporting progress"),
            layout=layout, permission=PERMISSION, section="assessment", order=22)
