"""Claims of self-study waiting for a decision: the reviewer reads the evidence and approves
(the hours count from then on) or rejects with a reason the cadre reads."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, html, no_update

from cadres import training
from cadres.enums import ClaimStatus, TrainingCategory, TrainingMode
from cadres.pages.common import hours, link_column
from portal import db, ui
from portal.access import current_actor
from portal.errors import PortalError
from portal.i18n import N_, _


def claim_rows(claims) -> list[dict]:
    return [{"id": c.id, "code": c.cadre.code, "name": c.cadre.name, "unit": c.cadre.unit.name,
             "title": c.title,
             "category": TrainingCategory(c.category).label, "mode": TrainingMode(c.mode).label,
             "hours": c.hours, "completed_on": c.completed_on.isoformat(),
             "submitted": ui.fmt_datetime(c.submitted_at), "status": ClaimStatus(c.status).label,
             "decided_by": c.decided_by, "reason": c.reason} for c in claims]


def pending_columns() -> list[dict]:
    return [link_column("name", _("Cadre"), maxWidth=110),
            {"field": "unit", "headerName": _("Unit"), "maxWidth": 150},
            {"field": "title", "headerName": _("Course or study"), "minWidth": 220},
            {"field": "hours", "headerName": _("Hours"), "maxWidth": 80, "type": "numericColumn"},
            {"field": "mode", "headerName": _("Mode"), "maxWidth": 90},
            {"field": "completed_on", "headerName": _("Completed on"), "maxWidth": 120},
            {"field": "submitted", "headerName": _("Submitted"), "maxWidth": 150}]


def decided_columns() -> list[dict]:
    return [link_column("name", _("Cadre"), maxWidth=110),
            {"field": "title", "headerName": _("Course or study")},
            {"field": "hours", "headerName": _("Hours"), "maxWidth": 80, "type": "numericColumn"},
            {"field": "status", "headerName": _("Decision"), "maxWidth": 110},
            {"field": "decided_by", "headerName": _("By"), "maxWidth": 120},
            {"field": "reason", "headerName": _("Reason")}]


def layout(**_query):
    actor = current_actor()
    session = db.session()
    pending = training.pending_claims(session, actor)
    decision = html.Div([
        html.Div(id="ca-cl-detail", children=_detail_hint()),
        dbc.Label(_("Reason (required to reject; the cadre reads it)"), html_for="ca-cl-reason",
                  class_name="small text-muted mt-2"),
        dbc.Textarea(id="ca-cl-reason", rows=2, maxlength=500),
        html.Div([dbc.Button(_("Approve"), id="ca-cl-approve", color="primary"),
                  dbc.Button(_("Reject"), id="ca-cl-reject", color="secondary", outline=True)],
                 className="d-flex gap-2 mt-2"),
        html.Div(id="ca-cl-result"),
    ])
    return html.Div([
        ui.page_header(_("Training claims"),
                       _("Self-study claimed by cadres in your scope. Select a claim, "
                                               "read the evidence, then approve or reject it.")),
        dbc.Row([
            dbc.Col(ui.section(_("Waiting for a decision"), ui.grid(
                "ca-cl-grid", claim_rows(pending), pending_columns(), height=420, selectable=True)),
                    lg=8),
            dbc.Col(ui.section(_("Decision"), decision), lg=4),
        ]),
        ui.section(_("Recent decisions"),
                   ui.grid("ca-cl-decided", claim_rows(training.decided_claims(session, actor)),
                                                  decided_columns(), height=300)),
    ])


def _detail_hint():
    return html.P(_("Select a claim on the left."), className="text-muted mb-0")


def _detail(claim) -> html.Div:
    facts = [(_("Cadre"), f"{claim.cadre.name}（{claim.cadre.code}）· {claim.cadre.unit.name}"),
             (_("Course or study"), claim.title),
             (_("Category and mode"),
              f"{TrainingCategory(claim.category).label} · {TrainingMode(claim.mode).label}"),
             (_("Class hours"), hours(claim.hours)),
             (_("Completed on"), claim.completed_on.isoformat()),
             (_("Organizer or platform"), claim.provider or "—"), (_("Evidence"), claim.evidence)]
    return html.Dl([item for label, value in facts
                    for item in (html.Dt(label, className="small text-muted"), html.Dd(value))],
                   className="mb-0")


@callback(Output("ca-cl-detail", "children"), Input("ca-cl-grid", "selectedRows"),
          prevent_initial_call=True)
def show_claim(selected):
    actor = current_actor()
    if not selected:
        return _detail_hint()
    try:
        return _detail(training.get_claim(db.session(), actor, selected[0].get("id")))
    except PortalError as error:
        return ui.alert(error.message, "warning")


@callback(Output("ca-cl-result", "children"), Output("ca-cl-grid", "rowData"),
          Output("ca-cl-decided", "rowData"),
          Output("ca-cl-reason", "value"), Output("ca-cl-detail", "children", allow_duplicate=True),
          Input("ca-cl-approve", "n_clicks"), Input("ca-cl-reject", "n_clicks"),
          State("ca-cl-grid", "selectedRows"), State("ca-cl-reason", "value"),
          prevent_initial_call=True)
def decide(_approve, _reject, selected, reason):
    current_actor()
    if not selected:
        return ui.alert(_("Select a claim first."),
                        "warning"), no_update, no_update, no_update, no_update
    claim_id = selected[0].get("id") if isinstance(selected, list) and isinstance(selected[0],
                                                                                  dict) else None

    def change(session, actor):
        if ctx.triggered_id == "ca-cl-approve":
            made = training.approve_claim(session, actor, claim_id)
            return _("Approved: %(hours)s hours of “%(title)s” now count for %(name)s.",
                     hours=hours(made.hours), title=made.title, name=made.cadre.name)
        claim = training.reject_claim(session, actor, claim_id, reason or "")
        return _("Rejected: “%(title)s” of %(name)s.", title=claim.title, name=claim.cadre.name)

    return ui.write(True, change,
                    refused=lambda error: (ui.alert(error.message), *(no_update,) * 4),
                    then=lambda message: _decided(message, db.session(), current_actor()))


def _decided(message: str, session, actor) -> tuple:
    return (ui.alert(message, "success"), claim_rows(training.pending_claims(session, actor)),
            claim_rows(training.decided_claims(session, actor)), "", _detail_hint())


ui.register(__name__, path="/training/claims", title=N_("Training claims"), layout=layout,
            permission="training.approve", section="cadres", order=50)
