"""Audit administrator: list, filter and export the audit log, and check the keyed chain."""

from __future__ import annotations

import json
from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from portal import audit, db, ui
from portal.access import current_actor
from portal.i18n import N_, _
from portal.pages.transfer import export_buttons

LIMIT = 500


def _row(event):
    return {"seq": event.seq, "at": ui.fmt_datetime(event.at), "actor": event.actor,
            "action": event.action, "entity": f"{event.entity_type} {event.entity_id}".strip(),
            "summary": json.dumps(event.summary, ensure_ascii=False)[:300],
            "client": event.client_addr}


def layout(**_query):
    columns = [
        {"field": "seq", "headerName": "#", "maxWidth": 90},
        {"field": "at", "headerName": _("Time"), "maxWidth": 170},
        {"field": "actor", "headerName": _("Who"), "maxWidth": 150},
        {"field": "action", "headerName": _("Action"), "maxWidth": 180},
        {"field": "entity", "headerName": _("Record"), "maxWidth": 180},
        {"field": "summary", "headerName": _("Summary"), "tooltipField": "summary"},
        {"field": "client", "headerName": _("Address"), "maxWidth": 140},
    ]
    filters = dbc.Row([
        dbc.Col(dbc.Input(id="audit-who", placeholder=_("User name contains…")), md=3),
        dbc.Col(dbc.Input(id="audit-action", placeholder=_("Action starts with… (e.g. login)")),
                md=3),
        dbc.Col(dcc.DatePickerRange(id="audit-dates", display_format="YYYY-MM-DD"), md=4),
        dbc.Col(dbc.Button(_("Check the chain"), id="audit-verify", color="secondary",
                           outline=True), md=2),
    ], class_name="g-2 mb-3")
    return html.Div([
        ui.page_header(_("Audit log"),
                       _("Every write, login and view of a confidential record is recorded here "
                         "in a keyed chain, so edits and deletions are detectable. Showing the "
                         "latest %(n)s matching events.", n=LIMIT),
                       actions=export_buttons("audit")),
        filters,
        html.Div(id="audit-verify-result"),
        ui.grid("audit-grid", [], columns, height=520),
    ])


@callback(Output("audit-grid", "rowData"), Input("audit-who", "value"),
          Input("audit-action", "value"),
          Input("audit-dates", "start_date"), Input("audit-dates", "end_date"))
def show_events(who, action, start, end):
    events = audit.search(db.session(), current_actor(), who=who, action=action, limit=LIMIT,
                          start=date.fromisoformat(start) if start else None,
                          end=date.fromisoformat(end) if end else None)
    return [_row(event) for event in events]


@callback(Output("audit-verify-result", "children"), Input("audit-verify", "n_clicks"),
          State("audit-verify", "id"), prevent_initial_call=True)
def verify_chain(n_clicks, _id):
    actor = current_actor()
    actor.require("audit.view")
    if not n_clicks:
        return no_update
    result = audit.verify(db.session())
    if result.ok:
        return ui.alert(_("The chain is intact: %(n)s events checked.", n=result.checked),
                        "success")
    return ui.alert(_("The audit chain is broken in %(n)s place(s).", n=len(result.problems)),
                    "danger",
                    result.problems[:20])


ui.register(__name__, path="/admin/audit", title=N_("Audit log"), layout=layout,
            permission="audit.view", section="admin", order=90, home_for=("auditor",))
