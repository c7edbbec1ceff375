"""The printable record of the year (学时证明): ``/my/training/certificate?year=2026``.

An A4 page (print CSS in ``assets/30-cadres.css``): the cadre, every course of the year,
totals by category and mode, and whether the plan is met. A cadre prints their own;
a reviewer may add ``&code=`` for a cadre in scope.
"""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, clientside_callback, html

from cadres import rules, scope, service, training
from cadres.enums import RecordSource, TrainingCategory, TrainingMode
from cadres.pages.common import hours
from portal import db, ui
from portal.access import current_actor, visible_cadre
from portal.enums import Rank
from portal.i18n import N_, _


def _records_table(records) -> html.Table:
    rows = [html.Tr([html.Td(str(n)), html.Td(r.completed_on.isoformat()),
                     html.Td(r.title, className="ca-wrap"),
                     html.Td(TrainingCategory(r.category).label),
                     html.Td(TrainingMode(r.mode).label),
                     html.Td(hours(r.hours), className="text-end"),
                     html.Td(r.provider or RecordSource(r.source).label, className="ca-wrap")])
            for n, r in enumerate(sorted(records, key=lambda r: (r.completed_on, r.id)), start=1)]
    head = html.Thead(html.Tr([html.Th("#"), html.Th(_("Completed on")), html.Th(_("Course")),
                               html.Th(_("Category")), html.Th(_("Mode")),
                               html.Th(_("Hours"), className="text-end"),
                               html.Th(_("Provider"))]))
    return html.Table([head, html.Tbody(rows)], className="table table-sm ca-cert-table")


def _totals_table(progress: rules.TrainingProgress) -> html.Table:
    def row(label, done, required):
        verdict = (
            ""
            if required is None
            else _("met")
            if done >= required - rules.EPSILON
            else _("not met")
        )
        return html.Tr([html.Td(label), html.Td(hours(done), className="text-end"),
                        html.Td(hours(required) if required is not None else "—",
                                className="text-end"),
                        html.Td(verdict)])

    rows = [row(_("Class hours counted toward the year"), progress.hours_counted,
                progress.required_hours),
            row(_("Online learning"), progress.online_hours, progress.required_online),
            row(_("Offline training"), progress.offline_hours, None)]
    rows += [row(c.label, progress.hours_by_category.get(c, 0.0),
                 progress.required_by_category.get(c) or None)
             for c in TrainingCategory]
    head = html.Thead(html.Tr([html.Th(""), html.Th(_("Completed"), className="text-end"),
                               html.Th(_("Required"), className="text-end"), html.Th("")]))
    return html.Table([head, html.Tbody(rows)], className="table table-sm ca-cert-totals")


def layout(year: str | None = None, code: str | None = None, **_query):
    actor = current_actor()
    session = db.session()
    if not code and actor.cadre_id is None:
        return ui.empty_state(_("Open a cadre's profile to print their record of the year."))
    cadre = visible_cadre(session, actor, code=code, cadre_id=None if code else actor.cadre_id,
                             permissions=scope.TRAINING)
    try:
        chosen = int(year) if year else date.today().year
    except ValueError:
        chosen = date.today().year
    today = date.today()
    progress = service.training_progress(session, actor, cadre, chosen, as_of=today)
    records = training.records_for(session, actor, cadre.id, chosen)
    verdict = (_("The annual training plan of %(year)s is completed.",
                 year=chosen) if progress.complete
               else _("As of %(date)s the annual training plan of %(year)s is not yet completed.",
                      date=today.isoformat(), year=chosen))
    back = "/my/training" if actor.cadre_id == cadre.id else f"/cadres/profile?code={cadre.code}"
    return html.Div([
        html.Div([dbc.Button(_("Print"), id="ca-cert-print", color="primary", size="sm"),
                  dbc.Button(_("Back"), href=back, color="link", size="sm"),
                  html.Span(id="ca-cert-printed")], className="d-print-none mb-3 d-flex gap-2"),
        html.Div([
            html.H1(_("Certificate of training hours"), className="ca-cert-title"),
            html.P(_("Year %(year)s", year=chosen), className="ca-cert-year"),
            html.P(_("%(name)s (cadre code %(code)s), %(position)s of %(unit)s, rank %(rank)s, "
                     "completed the "
                     "following training in %(year)s according to the records of the organization "
                     "department.",
                     name=cadre.name, code=cadre.code, position=cadre.position or "—",
                     unit=cadre.unit.name,
                     rank=Rank(cadre.rank).label if cadre.rank else "—", year=chosen)),
            _records_table(records) if records else html.P(_("No training recorded for %(year)s.",
                                                             year=chosen)),
            _totals_table(progress),
            html.P(verdict, className="fw-semibold"),
            html.Div([html.Div(_("Organization department (seal)")),
                      html.Div(_("Issued on %(date)s", date=today.isoformat()))],
                     className="ca-cert-sign"),
        ], className="ca-certificate"),
    ])


clientside_callback(
    "function(n) { if (n) { window.print(); } return ''; }",
    Output("ca-cert-printed", "children"), Input("ca-cert-print", "n_clicks"),
                    prevent_initial_call=True,
)

ui.register(__name__, path="/my/training/certificate", title=N_("Certificate of training hours"),
            layout=layout,
            permission=("self.view", "training.view"), section=None)
