"""The assessment office's appeals (申诉): every appeal in scope, open ones first, a block at
a time; choose one to read its reason and evidence, then uphold it with the corrected
value (the period's results are computed again) or reject it with a reason."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from assessment import appeals
from assessment.enums import AppealStatus
from assessment.pages import common
from portal import db, forms, ui
from portal.access import current_actor
from portal.errors import Invalid, PortalError
from portal.i18n import N_, _


def _columns() -> list[dict]:
    fixed = {"sortable": False}  # open first, then oldest first: the server's order
    return [
        {"field": "period", "headerName": _("Period"), "maxWidth": 90, **fixed},
        {"field": "unit", "headerName": _("Unit"), "minWidth": 150, "tooltipField": "unit",
         **fixed},
        {"field": "indicator", "headerName": _("Indicator"), "minWidth": 170,
         "tooltipField": "indicator", **fixed},
        {"field": "original", "headerName": _("Value"), **common.NUMBER_COLUMN, **fixed},
        {"field": "status", "headerName": _("Status"), "minWidth": 100, "maxWidth": 110,
         **fixed},
        {"field": "created", "headerName": _("Filed"), "minWidth": 110, "maxWidth": 120,
         **fixed},
    ]


def layout(period: str | None = None, status: str | None = None, **_query):
    actor = current_actor()
    session = db.session()
    periods_found = appeals.announced_periods(session, actor)
    period_options = [{"label": _("All periods"), "value": "all"}] + [
        {"label": common.period_label(p), "value": p.code} for p in periods_found]
    status_options = [{"label": _("All"), "value": "all"}] + AppealStatus.options()
    return html.Div([
        ui.page_header(_("Appeals (申诉)"),
                       _("Units appeal an indicator's announced score with a reason and "
                         "evidence. Upholding corrects the score and computes the period's "
                         "results again; rejecting needs a reason. Everything is audited.")),
        html.Div([
            html.Div([html.Div(_("Assessment period"), className="small text-muted mb-1"),
                      ui.dropdown("as-apl-period", period_options,
                                  period if period in {o["value"] for o in period_options}
                                  else "all", clearable=False)],
                     className="as-control", style={"minWidth": "220px"}),
            html.Div([html.Div(_("Status"), className="small text-muted mb-1"),
                      ui.dropdown("as-apl-status", status_options,
                                  status if status in {o["value"] for o in status_options}
                                  else AppealStatus.OPEN.value, clearable=False)],
                     className="as-control"),
            dcc.Link(_("Announcement list"), href="/assessment/announcement",
                     className="ms-auto small"),
        ], className="as-toolbar"),
        html.Div(id="as-apl-message"),
        dbc.Row([
            dbc.Col(ui.section(_("Appeals"), html.Div(ui.paged_grid(
                "as-apl-grid", _columns(), height=460, page_size=20, selectable=True,
                getRowId="params.data.id"), className="as-grid")), lg=7),
            dbc.Col(ui.section(_("The chosen appeal"), html.Div([
                html.Div(ui.empty_state(_("Choose an appeal in the list.")), id="as-apl-detail"),
                _decision_form() if actor.can("assessment.publish") else None,
            ])), lg=5),
        ], class_name="g-3"),
        dcc.Store(id="as-apl-chosen"),
        dcc.Store(id="as-apl-changed", data=0),
        dcc.Download(id="as-apl-download"),
    ])


def _decision_form() -> html.Div:
    return html.Div([
        html.Hr(),
        dbc.Label(_("Corrected value (to uphold)"), html_for="as-apl-value",
                  class_name="small text-muted mb-1"),
        dbc.Input(id="as-apl-value", type="number", step="any", size="sm", class_name="mb-2"),
        dbc.Label(_("Reason of the decision (required to reject)"), html_for="as-apl-reason",
                  class_name="small text-muted mb-1"),
        dbc.Textarea(id="as-apl-reason", rows=2, maxLength=appeals.REASON_MAX,
                     class_name="mb-2"),
        dbc.Button(_("Uphold and correct the score"), id="as-apl-uphold", color="primary",
                   size="sm", class_name="me-2"),
        dbc.Button(_("Reject"), id="as-apl-reject", color="danger", outline=True, size="sm"),
    ], id="as-apl-form")


def _filters(period, status):
    chosen_status = AppealStatus(status) if status in {s.value for s in AppealStatus} else None
    return (None if period in (None, "all") else period), chosen_status


@callback(Output("as-apl-grid", "getRowsResponse"), Input("as-apl-grid", "getRowsRequest"),
          State("as-apl-period", "value"), State("as-apl-status", "value"))
def appeal_rows(request, period, status):
    """A block of the appeals in scope (a city may have many over the years)."""
    actor = current_actor()
    start, end, _sort = ui.page_request(request)
    period_code, chosen_status = _filters(period, status)
    try:
        found, count = appeals.appeals_page(db.session(), actor, period_code=period_code,
                                            status=chosen_status, start=start, end=end)
    except PortalError:
        return ui.rows_response([], 0)
    rows = [{"id": a.id, "period": a.period_code, "unit": f"{a.unit_name} ({a.unit_code})",
             "indicator": f"{a.indicator_name} ({a.indicator_code})",
             "original": a.original_value, "status": a.status.label,
             "created": ui.fmt_datetime(a.created_at)[:10]} for a in found]
    return ui.rows_response(rows, count)


ui.purge_when("as-apl-grid", Input("as-apl-period", "value"), Input("as-apl-status", "value"),
              Input("as-apl-changed", "data"))


@callback(Output("as-apl-detail", "children"), Output("as-apl-chosen", "data"),
          Input("as-apl-grid", "selectedRows"), Input("as-apl-changed", "data"),
          State("as-apl-chosen", "data"))
def show_appeal(selected, _changed, chosen):
    actor = current_actor()
    appeal_id = (selected[0].get("id") if selected else None) or (chosen or {}).get("id")
    if not appeal_id:
        return ui.empty_state(_("Choose an appeal in the list.")), None
    try:
        appeal = appeals.get_appeal(db.session(), actor, int(appeal_id))
    except (PortalError, TypeError, ValueError):
        return ui.alert(_("This appeal cannot be shown."), "warning"), None
    return _detail(appeal), {"id": appeal.id, "version": appeal.version}


def _number(value) -> str:
    return "—" if value is None else f"{value:g}"


def _detail(appeal) -> html.Div:
    facts = [
        (_("Unit"), f"{appeal.unit_name} ({appeal.unit_code})"),
        (_("Period"), appeal.period_code),
        (_("Indicator"), f"{appeal.indicator_name} ({appeal.indicator_code})"),
        (_("Announced value and points"),
         f"{_number(appeal.original_value)} · {_number(appeal.original_points)}"),
        (_("Filed"), f"{ui.fmt_datetime(appeal.created_at)} · {appeal.created_by}"),
        (_("Status"), appeal.status.label),
    ]
    if appeal.status != AppealStatus.OPEN:
        facts.append((_("Decided"), f"{ui.fmt_datetime(appeal.decided_at)} · "
                                    f"{appeal.decided_by}"))
        if appeal.corrected_value is not None:
            facts.append((_("Corrected value"), _number(appeal.corrected_value)))
        facts.append((_("Reason of the decision"), appeal.decision_reason or "—"))
    evidence = dbc.Button(_("Download the evidence (%(name)s)", name=appeal.evidence_name),
                          id="as-apl-evidence", color="link", size="sm",
                          class_name="px-0") if appeal.evidence_name else html.Div(
        _("No evidence file."), className="small text-muted")
    return html.Div([
        html.Dl([part for label, value in facts for part in (html.Dt(label), html.Dd(value))],
                className="as-facts"),
        html.Div(_("Reason of the appeal"), className="small text-muted"),
        html.P(appeal.reason, className="as-appeal-reason"),
        evidence,
    ])


@callback(Output("as-apl-download", "data"), Input("as-apl-evidence", "n_clicks"),
          State("as-apl-chosen", "data"), prevent_initial_call=True)
def download_evidence(clicks, chosen):
    if not clicks or not chosen:
        return no_update

    def read(session, actor):
        return appeals.evidence_file(session, actor, int(chosen["id"]))

    return ui.write(clicks, read, refused=lambda _error: no_update,
                    then=lambda found: dcc.send_bytes(found[2], found[0]))


@callback(Output("as-apl-message", "children"), Output("as-apl-changed", "data"),
          Input("as-apl-uphold", "n_clicks"), Input("as-apl-reject", "n_clicks"),
          State("as-apl-chosen", "data"), State("as-apl-value", "value"),
          State("as-apl-reason", "value"), State("as-apl-changed", "data"),
          prevent_initial_call=True)
def decide(uphold, reject, chosen, value, reason, changed):
    """Uphold (with the corrected value) or reject (with a reason) the chosen appeal."""
    if not (uphold or reject):
        return no_update, no_update
    decision = AppealStatus.UPHELD if ctx.triggered_id == "as-apl-uphold" \
        else AppealStatus.REJECTED

    def change(session, actor):
        if not chosen:
            raise Invalid(_("Choose an appeal in the list first."))
        corrected = forms.number(value, _("Corrected value"))
        appeal = appeals.decide(session, actor, int(chosen["id"]), decision, reason=reason or "",
                                corrected_value=corrected,
                                expected_version=chosen.get("version"))
        if decision == AppealStatus.UPHELD:
            return _("The appeal was upheld: the score is corrected and the results of "
                     "%(period)s were computed again.", period=appeal.period.code)
        return _("The appeal was rejected; the unit sees the reason.")

    return ui.write(True, change, refused=lambda error: (ui.alert(error.message), no_update),
                    then=lambda message: (ui.alert(message, "success"), (changed or 0) + 1))


ui.register(__name__, path="/assessment/appeals", title=N_("Appeals"), layout=layout,
            permission=("assessment.view", "assessment.appeal"), section="assessment",
            order=28)
