"""My records (我的问责记录), for a cadre: my own measures with the day each one's effect
lifts, my own error-tolerance applications with the decision and the corrective actions
asked of me, and a form to apply for error tolerance (容错申请).

Every callback works on the logged-in cadre only; the measure chosen in the form is
checked by ``tolerance.submit_application`` to be theirs.
"""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html, no_update

from accountability import measures, tolerance
from accountability.enums import ToleranceStatus
from accountability.pages import cadre as cadre_page
from accountability.pages.common import date_input, outcome_badge
from accountability.scope import MEASURES
from portal import db, forms, ui
from portal.access import current_actor, visible_cadre
from portal.i18n import N_, _
from portal.ui import field


def _no_cadre() -> html.Div:
    return ui.empty_state(_("Your login is not linked to a cadre record."),
                          _("Ask the administrator to link your login to your entry in the cadre "
                            "registry."))


def applications_part(session, actor) -> html.Div:
    own = tolerance.own_applications(session, actor)
    if not own:
        return ui.empty_state(_("You have not applied for error tolerance."),
                              _("If a mistake was made in good faith while carrying out your "
                                "duties, you may apply "
                                "below."))
    cards = []
    for item in own:
        out = item.outcome
        actions = [html.Li(_("%(action)s — %(owner)s, by %(due)s%(done)s", action=a.action,
                             owner=a.owner,
                             due=a.due_on.isoformat(),
                             done=_(" (done %(day)s)",
                                    day=a.done_on.isoformat()) if a.done_on else ""))
                   for a in item.actions]
        cards.append(dbc.Card(dbc.CardBody([
            html.Div([html.Strong(out.app_no), " · ", out.submitted_on.isoformat(), " · ",
                      ToleranceStatus(out.status).label, " ", outcome_badge(out.outcome)]),
            html.Div(out.measure_label or _("standing alone"), className="text-muted small"),
            html.P(item.statement, className="ac-summary small mt-2 mb-1"),
            html.Div([html.Strong(_("Decision: ")), item.reasons],
                     className="small") if item.reasons else None,
            html.Ul(actions, className="small mb-0 mt-1") if actions else None,
        ]), class_name="mb-2 ac-own-application"))
    return html.Div(cards)


def apply_form(session, actor) -> html.Div:
    views = measures.effects_for_cadre(session, actor,
                                       visible_cadre(session, actor, permissions=MEASURES))
    options = [{"label": _("Standing alone (no measure yet)"), "value": ""}] + [
        {"label": f"{v.label} · {v.decided_on.isoformat()}", "value": str(v.measure_id)}
        for v in views if not v.revoked_on and not v.changed_on]
    return html.Div([
        dbc.Row([
            field(_("About"),
                  dbc.Select(id="ac-my-measure", options=options, value=options[-1]["value"]), 7),
            field(_("Date of the finding (if known)"), date_input("ac-my-finding"), 5),
        ], class_name="g-2 mb-2"),
        field(_("What happened and why tolerance should apply"), dbc.Textarea(
            id="ac-my-statement", rows=4, maxlength=20000,
            placeholder=_("The decision you took, for whom, what rules applied at the time, what "
                          "you did to limit "
                          "the losses…")), 12),
        dbc.Button(_("Submit the application"), id="ac-my-submit", color="primary",
                   class_name="mt-2"),
        html.Div(id="ac-my-result"),
    ])


def layout(**_query):
    actor = current_actor()
    if actor.cadre_id is None:
        return _no_cadre()
    session = db.session()
    today = date.today()
    views = measures.effects_for_cadre(session, actor,
                                       visible_cadre(session, actor, permissions=MEASURES))
    return html.Div([
        ui.page_header(_("My records"),
                       _("Measures decided about me, their effect periods, and my error-tolerance "
                                          "applications.")),
        cadre_page.verdict(views, today),
        ui.section(_("My measures"), [cadre_page.measures_table(views, today)]),
        dbc.Row([
            dbc.Col(ui.section(_("My error-tolerance applications"),
                               html.Div(applications_part(session, actor),
                                        id="ac-my-applications")), lg=6),
            dbc.Col(ui.section(_("Apply for error tolerance"), apply_form(session, actor)), lg=6),
        ]),
    ])


@callback(Output("ac-my-result", "children"), Output("ac-my-applications", "children"),
          Output("ac-my-statement", "value"), Input("ac-my-submit", "n_clicks"),
          State("ac-my-measure", "value"),
          State("ac-my-finding", "value"), State("ac-my-statement", "value"),
          prevent_initial_call=True)
def submit(n_clicks, measure_id, finding, statement):
    def change(session, actor):
        app = tolerance.submit_application(session, actor, statement=statement or "",
                                           measure_id=forms.whole(measure_id,
                                                                  _("the measure")) or None,
                                           finding_on=forms.day(finding, _("the date")))
        return _("Your application %(no)s was submitted; the discipline inspection staff will "
                 "verify it.",
                 no=app.app_no)

    return ui.write(n_clicks, change, idle=(no_update, no_update, no_update),
                    refused=lambda error: (ui.alert(error.message), no_update, no_update),
                    then=lambda message: (ui.alert(message, "success"),
                                          applications_part(db.session(), current_actor()), ""))


ui.register(__name__, path="/my/records", title=N_("My records"), layout=layout,
            permission="self.view",
            section="mine", order=20)
