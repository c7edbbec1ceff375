"""The printable roster (花名册): ``/cadres/roster/print?q=<conditions as JSON>``.

The whole result of a condition search as one table on A4 landscape pages (print CSS in
``assets/32-roster.css``): the conditions and the as-of date on top, one line per cadre with
the blocks, the header row repeated on every page. The conditions come from the address, so
they are read and checked again like any input; the service keeps the reader to their scope.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import Input, Output, clientside_callback, html

from cadres import codes, roster
from cadres.appointment_forms import MAX_PRINTED
from cadres.pages.roster import DECISION_LABELS, TRAINING_LABELS, reasons_text, verdict_text
from cadres.rules.roster import Conditions
from portal import audit, db, ui
from portal.access import current_actor
from portal.enums import Gender
from portal.errors import Invalid
from portal.i18n import N_, _


def _ages(low: int | None, high: int | None) -> list[str]:
    if low is not None and high is not None:
        return [_("age %(low)s–%(high)s", low=low, high=high)]
    if high is not None:
        return [_("age %(high)s or under", high=high)]
    if low is not None:
        return [_("age %(low)s or over", low=low)]
    return []


def conditions_text(conditions: Conditions, unit_name: str | None = None) -> str:
    """The conditions in words, for the roster's heading."""
    parts = []
    if conditions.unit:
        parts.append(_("%(unit)s and the units below it", unit=unit_name or conditions.unit))
    if conditions.ranks:
        parts.append(_("rank: %(ranks)s", ranks=_(", ").join(
            r.rank.label + (_(" and above") if r.and_above else "") for r in conditions.ranks)))
    parts += _ages(conditions.min_age, conditions.max_age)
    if conditions.gender:
        parts.append(Gender(conditions.gender).label)
    if conditions.education:
        parts.append(_("education %(level)s or higher",
                       level=codes.EDUCATION.label(conditions.education)))
    for value, words in ((conditions.min_rank_years, N_("at least %(n)s years in rank")),
                         (conditions.min_post_years, N_("at least %(n)s years in post")),
                         (conditions.min_grassroots_years,
                          N_("at least %(n)s years at the grassroots")),
                         (conditions.good_grades_years,
                          N_("no grade below competent in %(n)s years"))):
        if value is not None:
            parts.append(_(words, n=format(value, "g")))
    if conditions.training:
        parts.append(_("training: %(state)s", state=_(TRAINING_LABELS[conditions.training])))
    if conditions.eligible_for:
        parts.append(_("eligible for %(decision)s",
                       decision=_(DECISION_LABELS[conditions.eligible_for])))
    return _("; ").join(parts) or _("all serving cadres in scope")


def roster_table(found: roster.Roster) -> html.Table:
    head = [_("No."), _("Full name"), _("Gender"), _("Born"), _("Age"), _("Unit"), _("Position"),
            _("Rank"), _("Education"), _("Years in rank"), _("Years in post"),
            _("Eligibility"), _("Blocks and notes")]
    rows = [html.Tr([html.Td(str(n)), html.Td(r.name), html.Td(Gender(r.gender).label),
                     html.Td(r.birth_date.strftime("%Y.%m") if r.birth_date else "—"),
                     html.Td("" if r.age is None else str(r.age)), html.Td(r.unit_name),
                     html.Td(r.position), html.Td(r.rank.label if r.rank else ""),
                     html.Td(r.education_label), html.Td(_num(r.rank_years)),
                     html.Td(_num(r.post_years)), html.Td(verdict_text(r)),
                     html.Td(reasons_text(r), className="ca-ro-reasons")])
            for n, r in enumerate(found.rows, start=1)]
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                      className="table table-sm ca-ro-print-table")


def _num(value) -> str:
    return "" if value is None else f"{value:g}"


def layout(q: str | None = None, **_query):
    actor = current_actor()
    session = db.session()
    if not q:
        return ui.empty_state(_("Search on the roster page first; its “Printable roster” button "
                                "opens the roster found here."),
                              action=dbc.Button(_("Open the roster page"), href="/cadres/roster",
                                                color="primary", size="sm"))
    try:
        data = json.loads(q)
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        return ui.empty_state(_("The conditions of this roster cannot be read."),
                              _("Search again on the roster page and print from there."))
    try:
        conditions = roster.read_conditions(data)
    except Invalid as error:
        return ui.alert(error.message, "warning")
    found = roster.search(session, actor, conditions)
    audit.log_view(actor, "roster", "print", conditions=conditions.as_json(),
                   rows=found.count)
    forms = None
    if 0 < found.count <= MAX_PRINTED:  # the appointment forms of everyone listed, one by one
        forms = dbc.Button(_("Print their appointment forms"), id="ca-ro-print-forms",
                           href="/cadres/appointment-form?code="
                           + quote(",".join(r.code for r in found.rows)),
                           color="secondary", outline=True, size="sm")
    return html.Div([
        html.Div([dbc.Button(_("Print"), id="ca-ro-print-now", color="primary", size="sm"),
                  forms,
                  dbc.Button(_("Back"), href="/cadres/roster", color="link", size="sm"),
                  html.Span(id="ca-ro-printed")], className="d-print-none mb-3 d-flex gap-2"),
        html.H1(_("Roster of cadres"), className="ca-ro-print-title"),
        html.P([html.Span(_("Conditions: %(text)s", text=conditions_text(conditions))),
                html.Br(),
                html.Span(_("As of %(date)s · %(n)s cadre(s) · printed by %(who)s",
                            date=found.as_of.isoformat(), n=found.count,
                            who=actor.display_name))],
               className="ca-ro-print-meta"),
        roster_table(found) if found.rows else ui.empty_state(
            _("No cadre meets all the conditions.")),
    ], className="ca-ro-print")


clientside_callback(
    "function(n) { if (n) { window.print(); } return ''; }",
    Output("ca-ro-printed", "children"), Input("ca-ro-print-now", "n_clicks"),
    prevent_initial_call=True,
)


ui.register(__name__, path="/cadres/roster/print", title=N_("Roster of cadres"), layout=layout,
            permission=roster.PERMISSION, section=None)
