"""What is due after the decisions (回访与纠错): follow-up visits to sanctioned cadres
(回访教育), open corrective actions (纠错) and name clearing (澄清正名), the most urgent
first, with forms to record what was done."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html, no_update

from accountability import measures, tolerance
from accountability.pages.common import date_input, days_text, toast
from portal import db, forms, ui
from portal.access import current_actor
from portal.i18n import N_, _
from portal.ui import field

WINDOW_DAYS = 60  # visits listed once their window opens within this many days


def _columns(extra: list[dict]) -> list[dict]:
    return [
        {"field": "cadre", "headerName": _("Cadre"), "cellRenderer": "AcCadreLink",
         "minWidth": 100},
        {"field": "unit", "headerName": _("Unit"), "minWidth": 120},
        *extra,
        {"field": "due", "headerName": _("Due"), "maxWidth": 120},
        {"field": "days", "headerName": _("Days left"), "maxWidth": 150,
         "cellClassRules": {"ac-cell-overdue": "data.overdue"}},
    ]


def visits_part(session, actor) -> html.Div:
    visits = measures.follow_up_visits(session, actor, within_days=WINDOW_DAYS)
    if not visits:
        return ui.empty_state(_("No follow-up visit is due."),
                              _("Visits appear when their window opens."))
    rows = [{"cadre": v.cadre_name, "cadre_code": v.cadre_code, "unit": v.unit_name,
             "measure": v.measure,
             "decided": v.decided_on.isoformat(), "window": v.earliest_on.isoformat(),
             "due": v.due_on.isoformat(),
             "days": days_text(v.days_left, v.overdue), "overdue": v.overdue} for v in visits]
    grid = ui.grid("ac-fu-visits", rows, _columns([
        {"field": "measure", "headerName": _("Measure"), "minWidth": 110},
        {"field": "decided", "headerName": _("Decided"), "maxWidth": 120},
        {"field": "window", "headerName": _("From"), "maxWidth": 120}]), height=300)
    options = [{"label": f"{v.cadre_name} · {v.measure} · {v.due_on.isoformat()}",
                "value": v.id} for v in visits]
    form = dbc.Row([
        field(_("Visit"), dbc.Select(id="ac-fu-visit", options=options, value=options[0]["value"]),
              4),
        field(_("Visited on"), date_input("ac-fu-on", date.today()), 2),
        field(_("Visited by"), dbc.Input(id="ac-fu-visitor", maxlength=120), 2),
        field(_("What was found"), dbc.Input(id="ac-fu-note", maxlength=2000), 3),
        dbc.Col(dbc.Button(_("Record"), id="ac-fu-submit", color="primary", class_name="mt-4"),
                md=1),
    ], class_name="g-2 mt-2")
    return html.Div([grid, form])


def corrections_part(session, actor) -> html.Div:
    items = tolerance.corrections_due(session, actor)
    if not items:
        return ui.empty_state(_("No corrective action is open."))
    rows = [{"cadre": i.cadre_name, "cadre_code": i.cadre_code, "unit": i.unit_name, "what": i.what,
             "reference": i.reference, "due": i.due_on.isoformat(),
             "days": days_text(i.days_left, i.overdue),
             "overdue": i.overdue} for i in items]
    return ui.grid("ac-fu-corrections", rows, _columns([
        {"field": "what", "headerName": _("Corrective action"), "minWidth": 200,
         "tooltipField": "what"},
        {"field": "reference", "headerName": _("Application no."), "maxWidth": 140}]), height=280)


def clearing_part(session, actor) -> html.Div:
    items = tolerance.name_clearings_due(session, actor)
    if not items:
        return ui.empty_state(_("No name clearing is pending."))
    rows = [{"cadre": i.cadre_name, "cadre_code": i.cadre_code, "unit": i.unit_name,
             "reference": i.reference,
             "due": i.due_on.isoformat(), "days": days_text(i.days_left, i.overdue),
             "overdue": i.overdue}
            for i in items]
    grid = ui.grid("ac-fu-clearings", rows, _columns([
        {"field": "reference", "headerName": _("Case no."), "maxWidth": 140}]), height=260)
    options = [{"label": f"{i.cadre_name} · {i.reference} · {i.due_on.isoformat()}",
                "value": i.id} for i in items]
    form = dbc.Row([
        field(_("Name clearing"),
              dbc.Select(id="ac-nc-item", options=options, value=options[0]["value"]), 4),
        field(_("Cleared on"), date_input("ac-nc-on", date.today()), 2),
        field(_("How"),
              dbc.Input(id="ac-nc-method", maxlength=200,
                        placeholder=_("e.g. 在干部大会上予以澄清")), 3),
        field(_("Note"), dbc.Input(id="ac-nc-note", maxlength=2000), 2),
        dbc.Col(dbc.Button(_("Record"), id="ac-nc-submit", color="primary", class_name="mt-4"),
                md=1),
    ], class_name="g-2 mt-2")
    return html.Div([grid, form])


def layout(**_query):
    actor = current_actor()
    session = db.session()
    return html.Div([
        ui.page_header(_("Follow-ups"),
                       _("Visits to sanctioned cadres, corrective actions and name clearing.")),
        html.Div(id="ac-fu-result", className="ac-toast"),
        ui.section(_("Follow-up visits due"),
                   html.Div(visits_part(session, actor), id="ac-fu-visits-part")),
        ui.section(_("Open corrective actions"), corrections_part(session, actor)),
        ui.section(_("Name clearing"),
                   html.Div(clearing_part(session, actor), id="ac-fu-clearing-part")),
    ])


@callback(Output("ac-fu-visits-part", "children"), Output("ac-fu-result", "children"),
          Input("ac-fu-submit", "n_clicks"), State("ac-fu-visit", "value"),
          State("ac-fu-on", "value"),
          State("ac-fu-visitor", "value"), State("ac-fu-note", "value"), prevent_initial_call=True)
def record_visit(n_clicks, visit_id, on, visitor, note):
    def change(session, actor):
        measures.record_visit(session, actor, forms.whole(visit_id, _("the visit")) or None,
                              visited_on=forms.day(on, _("the date")), visitor=visitor or "",
                              note=note or "")

    return ui.write(n_clicks, change, idle=(no_update, no_update), refused=_refused,
                    then=lambda _done: (visits_part(db.session(), current_actor()),
                                        toast(_("The visit was recorded."))))


def _refused(error):
    return no_update, ui.alert(error.message)


@callback(Output("ac-fu-clearing-part", "children"),
          Output("ac-fu-result", "children", allow_duplicate=True),
          Input("ac-nc-submit", "n_clicks"), State("ac-nc-item", "value"),
          State("ac-nc-on", "value"),
          State("ac-nc-method", "value"), State("ac-nc-note", "value"), prevent_initial_call=True)
def record_clearing(n_clicks, item_id, on, method, note):
    def change(session, actor):
        tolerance.complete_name_clearing(session, actor,
                                         forms.whole(item_id, _("the name clearing")) or None,
                                         done_on=forms.day(on, _("the date")), method=method or "",
                                         note=note or "")

    return ui.write(n_clicks, change, idle=(no_update, no_update), refused=_refused,
                    then=lambda _done: (clearing_part(db.session(), current_actor()),
                                        toast(_("The name clearing was recorded."))))


ui.register(__name__, path="/accountability/follow-ups", title=N_("Follow-ups"), layout=layout,
            permission="measures.view", section="accountability", order=40)
