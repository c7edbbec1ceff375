"""A cadre's accountability record (干部问责记录): measures with their effect periods,
error-tolerance outcomes and unfinished cases (stage only), through the same public
functions the eligibility engine uses (``accountability.service``)."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from accountability import rules, service
from accountability.enums import BlockKind, CaseStage
from accountability.pages import charts
from accountability.pages.common import (
    case_href,
    dropdown,
    effect_text,
    failure,
    form_badge,
    graph,
    outcome_badge,
)
from accountability.scope import MEASURES, cadres_matching
from portal import audit, db, ui
from portal.access import current_actor, visible_cadre
from portal.errors import PortalError
from portal.i18n import N_, _


def verdict(views, today: date) -> dbc.Alert:
    """One sentence: is promotion blocked by a measure today, and until when."""
    blocking = [v for v in views if v.in_effect(today)]
    if not blocking:
        return dbc.Alert(_("No measure blocks promotion today."), color="success",
                         class_name="ac-verdict")
    until = rules.latest_until([v.effect for v in blocking])
    text = (_("%(n)s measure(s) block promotion; the last one lifts on %(day)s.", n=len(blocking),
              day=until.isoformat()) if until else
            _("%(n)s measure(s) block promotion; one of them is permanent.", n=len(blocking)))
    return dbc.Alert(text, color="danger", class_name="ac-verdict", id="ac-cadre-verdict")


def measures_table(views, today: date) -> html.Div:
    if not views:
        return ui.empty_state(_("No measure has been recorded about this cadre."))
    head = html.Thead(html.Tr([html.Th(h) for h in (_("Measure"), _("Decided"),
                                                    _("Effect lifts on"), _("Blocks"),
                                                     _("Today"), _("Error tolerance"),
                                                    _("Case no."))]))
    rows = [
        html.Tr(
            [
                html.Td([form_badge(v.form), " ", v.label]),
                html.Td(v.decided_on.isoformat()),
                html.Td(
                    v.effect_until.isoformat()
                    if v.effect_until
                    else (_("permanent") if v.effect.phases else "—"),
                    className="ac-until",
                ),
                html.Td(BlockKind(v.blocks).label),
                html.Td(effect_text(v, today), className="ac-effect"),
                html.Td(outcome_badge(v.tolerance_outcome) if v.tolerance_outcome else ""),
                html.Td(v.case_no or ""),
            ]
        )
        for v in views
    ]
    return html.Table([head, html.Tbody(rows)],
                      className="table table-sm align-middle mb-0 ac-measures",
                      id="ac-cadre-measures")


def open_cases(actor, items) -> html.Div:
    if not items:
        return html.P(_("No unfinished case."), className="text-muted mb-0")
    full = actor.can("cases.view")
    lines = []
    for item in items:
        number = dcc.Link(item.case_no, href=case_href(item.case_id)) if full else item.case_no
        note = (
            _("under investigation: blocks promotion until closed")
            if item.under_investigation
            else _("pending verification: a note, not a block")
            if item.pending_verification
            else ""
        )
        lines.append(html.Li([number, " · ", CaseStage(item.stage).label,
                              html.Span(f" · {note}" if note else "", className="text-muted")]))
    return html.Ul(lines, className="mb-0")


def outcomes(items) -> html.Div:
    if not items:
        return html.P(_("No error-tolerance application."), className="text-muted mb-0")
    return html.Ul([html.Li([item.app_no, " · ", item.submitted_on.isoformat(), " · ",
                             item.measure_label or _("standing alone"), " ",
                             outcome_badge(item.outcome)])
                    for item in items], className="mb-0")


def record_body(session, actor, code: str) -> html.Div:
    cadre = visible_cadre(session, actor, code=str(code or ""), permissions=MEASURES)
    today = date.today()
    views = service.measure_effects_for_cadre(session, actor, cadre)
    cases = service.open_cases_for_cadre(session, actor, cadre)
    applications = service.tolerance_outcomes_for_cadre(session, actor, cadre)
    facts = f"{cadre.code} · {cadre.unit.name} · {cadre.position or '—'}"
    return html.Div([
        html.H2(cadre.name, className="h5 mb-0", id="ac-cadre-name"),
                     html.P(facts, className="text-muted"),
        verdict(views, today),
        ui.section(_("Measures"), [measures_table(views, today),
                                   graph("ac-cadre-timeline", charts.effect_timeline(views, today))
                                   if any(v.effect.phases for v in views) else None]),
        dbc.Row([
            dbc.Col(ui.section(_("Unfinished cases"), open_cases(actor, cases)), lg=6),
            dbc.Col(ui.section(_("Error tolerance"), outcomes(applications)), lg=6),
        ]),
    ])


def layout(code=None, **_query):
    actor = current_actor()
    session = db.session()
    picker = dropdown("ac-cadre-pick", [], placeholder=_("Type a name or cadre code…"),
                      clearable=False)
    if code:
        try:
            body = record_body(session, actor, code)
            audit.log_view(actor, "cadre_record", code)
        except PortalError as error:
            body = failure(error)
    else:
        body = ui.empty_state(_("Choose a cadre."), _("Type a name or a cadre code above."))
    return html.Div([
        ui.page_header(_("Cadre accountability record"),
                       _("Measures with their effect periods, error-tolerance outcomes and "
                         "unfinished cases.")),
        dbc.Row([dbc.Col(picker, md=5)], class_name="mb-3"),
        dbc.Spinner(html.Div(body, id="ac-cadre-body"), color="secondary", delay_show=300),
    ])


@callback(Output("ac-cadre-pick", "options"), Input("ac-cadre-pick", "search_value"),
          State("ac-cadre-pick", "value"), prevent_initial_call=True)
def search(term, chosen):
    actor = current_actor()
    if not term:
        return no_update
    found = cadres_matching(db.session(), actor, term)
    return [{"label": f"{c.name}（{c.code}，{c.unit.name}）", "value": c.code} for c in found]


@callback(Output("ac-cadre-body", "children"), Input("ac-cadre-pick", "value"),
          prevent_initial_call=True)
def show(code):
    actor = current_actor()
    if not code:
        return no_update
    try:
        body = record_body(db.session(), actor, code)
    except PortalError as error:
        return failure(error)
    audit.log_view(actor, "cadre_record", code)
    return body


ui.register(__name__, path="/accountability/cadre", title=N_("Cadre accountability record"),
            layout=layout,
            permission=("measures.view", "measures.view_effects"), section="accountability",
            order=25)
