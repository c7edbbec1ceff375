"""Error tolerance and correction (容错纠错): the list of applications (reviewers: outcomes
only), recording an application by a unit, and one application from verification against
the checklist to the committee's decision and the corrective actions."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from accountability import dashboards, measures, rules, tolerance
from accountability.enums import Applicant, MeasureType, ToleranceOutcome, ToleranceStatus
from accountability.pages import charts
from accountability.pages.common import (
    date_input,
    dropdown,
    failure,
    graph,
    measure_options,
    outcome_badge,
    toast,
)
from accountability.scope import MEASURES, cadres_matching
from portal import audit, db, forms, ui
from portal.access import current_actor, visible_cadre
from portal.errors import Invalid, PortalError
from portal.i18n import N_, _
from portal.ui import field

GROUP_TITLES = {rules.DISTINCTION: N_("The three distinctions (any one suffices)"),
                rules.GROUND: N_("Other grounds for no accountability (问责条例 art. 17)"),
                rules.CONDITION: N_("Conditions"),
                rules.LIGHTER: N_("Grounds for lighter accountability (问责条例 art. 18)"),
                rules.EXCLUSION: N_("Exclusions")}


def app_href(app_id: int) -> str:
    return f"/accountability/tolerance/application?id={app_id}"


# --- the list ----------------------------------------------------------------------------------

def list_rows(items) -> list[dict]:
    return [{"application_id": i.application_id, "app_no": i.app_no, "cadre_code": i.cadre_code,
             "cadre": i.cadre_name, "unit": i.unit_name, "applicant": Applicant(i.applicant).label,
             "submitted": i.submitted_on.isoformat(), "status": ToleranceStatus(i.status).label,
             "outcome": ToleranceOutcome(i.outcome).label if i.outcome else "",
             "decided": i.decided_on.isoformat() if i.decided_on else "",
             "measure": i.measure_label or "",
             "case_no": i.case_no or ""} for i in items]


def list_columns(full: bool) -> list[dict]:
    return [
        {"field": "app_no", "headerName": _("Application no."), "minWidth": 130,
         **({"cellRenderer": "AcApplicationLink"} if full else {})},
        {"field": "cadre", "headerName": _("Cadre"), "cellRenderer": "AcCadreLink",
         "minWidth": 100},
        {"field": "unit", "headerName": _("Unit"), "minWidth": 120},
        {"field": "applicant", "headerName": _("Applicant"), "maxWidth": 110},
        {"field": "measure", "headerName": _("Measure"), "minWidth": 120},
        {"field": "submitted", "headerName": _("Submitted on"), "maxWidth": 120},
        {"field": "status", "headerName": _("Status"), "maxWidth": 130},
        {"field": "outcome", "headerName": _("Outcome"), "maxWidth": 120},
        {"field": "decided", "headerName": _("Decided"), "maxWidth": 120},
        {"field": "case_no", "headerName": _("Case no."), "maxWidth": 140},
    ]


def list_content(session, actor, status=None, outcome=None) -> html.Div:
    items = tolerance.applications(session, actor, status=status, outcome=outcome)
    if not items:
        return ui.empty_state(_("No applications match these filters."))
    return ui.grid("ac-tol-grid", list_rows(items), list_columns(actor.can("tolerance.view")),
                   height=480)


def new_application_form(case_id: int | None) -> html.Div:
    return html.Div([
        dbc.Row([
            field(_("Cadre"),
                  dropdown("ac-app-cadre", [], placeholder=_("Type a name or cadre code…")), 4),
            field(_("About the measure (optional)"), dropdown("ac-app-measure", [],
                                                              placeholder=_("Standing alone")), 4),
            field(_("Applicant"),
                  dbc.Select(id="ac-app-applicant", options=Applicant.options(), value="unit"), 2),
            field(_("Date of the finding"), date_input("ac-app-finding"), 2),
        ], class_name="g-2 mb-2"),
        field(_("What happened and why tolerance should apply"),
              dbc.Textarea(id="ac-app-statement", rows=3,
                                                                             maxlength=20000), 12),
        dcc.Store(id="ac-app-case", data=case_id),
        dbc.Button(_("Record the application"), id="ac-app-submit", color="primary",
                   class_name="mt-2"),
        html.Div(id="ac-app-result"),
    ])


def layout(case=None, **_query):
    actor = current_actor()
    session = db.session()
    frame = dashboards.tolerance_outcomes(session, actor)
    filters = dbc.Row([
        dbc.Col(dropdown("ac-tol-status", ToleranceStatus.options(), placeholder=_("Any status")),
                md=3),
        dbc.Col(dropdown("ac-tol-outcome", ToleranceOutcome.options(),
                         placeholder=_("Any outcome")), md=3),
    ], class_name="g-2 mb-2")
    try:
        case_id = int(case) if case else None
    except ValueError:
        case_id = None
    return html.Div([
        ui.page_header(_("Error tolerance and correction"),
                       _("Applications from verification against the checklist to the committee's "
                         "decision.")),
        dbc.Row([
            dbc.Col(ui.section(_("Applications"), [filters, html.Div(list_content(session, actor),
                                                                     id="ac-tol-list")]), lg=8),
            dbc.Col(ui.section(_("Outcomes"),
                               graph("ac-tol-chart", charts.tolerance_outcomes(frame))), lg=4),
        ]),
        ui.section(_("Record an application"), new_application_form(case_id))
        if actor.can("tolerance.edit") else None,
    ])


@callback(Output("ac-tol-list", "children"), Input("ac-tol-status", "value"),
          Input("ac-tol-outcome", "value"),
          prevent_initial_call=True)
def filter_list(status, outcome):
    actor = current_actor()
    try:
        return list_content(db.session(), actor, status, outcome)
    except (PortalError, ValueError) as error:
        return failure(error)


@callback(Output("ac-app-cadre", "options"), Input("ac-app-cadre", "search_value"),
          State("ac-app-cadre", "value"), prevent_initial_call=True)
def search_cadre(term, chosen):
    actor = current_actor()
    if not term:
        return no_update
    return [{"label": f"{c.name}（{c.code}，{c.unit.name}）", "value": c.id}
            for c in cadres_matching(db.session(), actor, term)]


@callback(Output("ac-app-measure", "options"), Input("ac-app-cadre", "value"),
          prevent_initial_call=True)
def measures_of(cadre_id):
    actor = current_actor()
    if not cadre_id:
        return []
    try:
        session = db.session()
        cadre = visible_cadre(session, actor, cadre_id=int(cadre_id), permissions=MEASURES)
        views = measures.effects_for_cadre(session, actor, cadre)
    except (PortalError, ValueError):
        return []
    return [{"label": f"{v.label} · {v.decided_on.isoformat()}", "value": v.measure_id}
            for v in views if not v.revoked_on and not v.changed_on]


@callback(Output("ac-app-result", "children"),
          Output("ac-tol-list", "children", allow_duplicate=True),
          Input("ac-app-submit", "n_clicks"), State("ac-app-cadre", "value"),
          State("ac-app-measure", "value"),
          State("ac-app-applicant", "value"), State("ac-app-finding", "value"),
          State("ac-app-statement", "value"),
          State("ac-app-case", "data"), prevent_initial_call=True)
def record_application(n_clicks, cadre_id, measure_id, applicant, finding, statement, case_id):
    def change(session, actor):
        app = tolerance.submit_application(
            session, actor, statement=statement or "",
                                           cadre_id=forms.whole(cadre_id, _("the cadre")) or None,
            measure_id=forms.whole(measure_id, _("the measure")) or None,
            case_id=forms.whole(case_id, _("the case")) or None,
                                           finding_on=forms.day(finding, _("the date")),
            applicant=applicant or "unit")
        return dcc.Link(_("Open application %(no)s", no=app.app_no), href=app_href(app.id))

    return ui.write(n_clicks, change, idle=(no_update, no_update),
                    refused=lambda error: (ui.alert(error.message), no_update),
                    then=lambda link: (dbc.Alert([html.Div(_("Application recorded.")), link],
                                                 color="success",
                                                 class_name="mt-2"),
                                       list_content(db.session(), current_actor())))


# --- one application -------------------------------------------------------------------------

def _checklist(detail) -> html.Div:
    editable = detail.outcome.status == ToleranceStatus.VERIFYING.value
    groups = []
    for group, title in GROUP_TITLES.items():
        items = []
        for criterion in (c for c in rules.CRITERIA if c.group == group):
            entry = detail.checklist.get(criterion.code) or {}
            items.append(dbc.Row([
                dbc.Col(dbc.Checkbox(id={"type": "ac-crit", "code": criterion.code},
                                     value=bool(entry.get("met")),
                                     label=_(criterion.label), disabled=not editable), md=7),
                dbc.Col(dbc.Input(id={"type": "ac-evid", "code": criterion.code},
                                  value=entry.get("evidence", ""),
                                  placeholder=_("Evidence"), size="sm", maxlength=2000,
                                  disabled=not editable), md=5),
            ], class_name="g-2 mb-1"))
        groups.append(html.Div([html.H3(_(title), className="h6 mt-2"), *items]))
    return html.Div(groups, className="ac-checklist")


def _advice(detail) -> html.Div:
    advice = detail.advice
    text = {
        ToleranceOutcome.EXEMPT: _(
            "A ground is met (one of the three distinctions is "
            "enough), every condition "
            "is met and no exclusion applies: exemption is possible."
        ),
        ToleranceOutcome.MITIGATED: _(
            "A ground for tolerance or for lighter accountability "
            "is met, but not every "
            "condition: mitigation at most."
        ),
        ToleranceOutcome.NOT_TOLERATED: _("An exclusion applies: tolerance is ruled out.")
        if advice.exclusions
        else _("No ground for tolerance or for lighter accountability is ticked."),
    }[advice.outcome]
    return dbc.Alert([html.Strong(_("The checklist suggests: ")), text], color="light",
                     class_name="small mb-2")


def _decision_form(detail) -> html.Div:
    lighter = measure_options()
    if detail.outcome.measure_code:
        original = MeasureType(detail.outcome.measure_code)
        lighter = [o for o in lighter if rules.lighter(original, MeasureType(o["value"]))]
    return html.Div([
        dbc.RadioItems(id="ac-dec-outcome", options=ToleranceOutcome.options(), value=None,
                       inline=True,
                       class_name="mb-2"),
        dbc.Row([
            field(_("Deciding committee"), dbc.Input(id="ac-dec-by", maxlength=120,
                                                     placeholder=_("e.g. 区容错纠错工作委员会")),
                  5),
            field(_("Decided on"), date_input("ac-dec-on", date.today()), 3),
            field(_("Lighter measure (mitigation, optional)"), dropdown("ac-dec-lighter", lighter),
                  4),
        ], class_name="g-2 mb-2"),
        field(_("Reasons"), dbc.Textarea(id="ac-dec-reasons", rows=3, maxlength=20000), 12),
        dbc.Button(_("Record the decision"), id="ac-dec-submit", color="primary",
                   class_name="mt-2"),
    ])


def _actions(detail) -> html.Div:
    rows = [
        html.Tr(
            [
                html.Td(a.action),
                html.Td(a.owner),
                html.Td(a.due_on.isoformat()),
                html.Td(
                    a.done_on.isoformat()
                    if a.done_on
                    else dbc.Badge(
                        _("Overdue") if a.overdue else _("Open"),
                        color="danger" if a.overdue else "secondary",
                    )
                ),
                html.Td(a.follow_up, className="small"),
            ]
        )
        for a in detail.actions
    ]
    table = html.Table([html.Thead(html.Tr([html.Th(h) for h in (_("Corrective action"),
                                                                 _("Responsible"),
                                                                  _("Deadline"), _("Done"),
                                                                 _("Follow-up"))])),
                        html.Tbody(rows)], className="table table-sm mb-2") if rows else html.P(
        _("No corrective action yet."), className="text-muted")
    pending = [{"label": a.action[:40], "value": a.id} for a in detail.actions if not a.done_on]
    add = dbc.Row([
        field(_("Corrective action"), dbc.Input(id="ac-cor-action", maxlength=2000), 5),
        field(_("Responsible"), dbc.Input(id="ac-cor-owner", maxlength=120), 3),
        field(_("Deadline"), date_input("ac-cor-due", max_today=False), 2),
        dbc.Col(dbc.Button(_("Add"), id="ac-cor-add", color="secondary", outline=True,
                           class_name="mt-4"), md=2),
    ], class_name="g-2 mb-2")
    complete = dbc.Row([
        field(_("Completed action"), dbc.Select(id="ac-cor-item", options=pending,
                                                value=pending[0]["value"] if pending else None), 4),
        field(_("Completed on"), date_input("ac-cor-done", date.today()), 2),
        field(_("Follow-up"), dbc.Input(id="ac-cor-follow", maxlength=2000), 4),
        dbc.Col(dbc.Button(_("Mark done"), id="ac-cor-complete", color="secondary", outline=True,
                           class_name="mt-4"), md=2),
    ], class_name="g-2") if pending else None
    return html.Div([table, add, complete])


def application_body(session, actor, app_id: int) -> html.Div:
    detail = tolerance.application_detail(session, actor, app_id)
    out = detail.outcome
    status = ToleranceStatus(out.status)
    facts = [(_("Cadre"), f"{out.cadre_name}（{out.cadre_code}）· {out.unit_name}"),
             (_("Applicant"), Applicant(out.applicant).label),
             (_("Submitted on"), out.submitted_on.isoformat()),
             (_("Date of the finding"), ui.fmt_date(detail.finding_on)),
             (_("Measure"), out.measure_label or _("standing alone")),
             (_("Case no."), out.case_no or "—"),
             (_("Status"), status.label), (_("Outcome"), outcome_badge(out.outcome))]
    if detail.late:
        facts.append((_("Note"),
                      dbc.Badge(_("Submitted after the application period"), color="warning")))
    if out.outcome:
        facts += [(_("Decided"), ui.fmt_date(out.decided_on)), (_("Decided by"), detail.decided_by)]
    editable = actor.can("tolerance.edit")
    verification = [
        _advice(detail),
        _checklist(detail),
        field(
            _("Verification notes"),
            dbc.Textarea(
                id="ac-ver-notes",
                value=detail.verification_notes,
                rows=3,
                maxlength=20000,
                disabled=status != ToleranceStatus.VERIFYING,
            ),
            12,
        ),
    ]
    buttons = None
    if editable and status == ToleranceStatus.SUBMITTED:
        buttons = dbc.Button(_("Start verification"), id="ac-ver-start", color="primary",
                             class_name="mt-2")
    elif editable and status == ToleranceStatus.VERIFYING:
        buttons = dbc.Button(_("Save the checklist and notes"), id="ac-ver-save", color="secondary",
                             outline=True,
                             class_name="mt-2")
    return html.Div(
        [
            ui.page_header(
                _("Application %(no)s", no=out.app_no),
                out.cadre_name,
                actions=dbc.Button(
                    _("All applications"), href="/accountability/tolerance", color="link", size="sm"
                ),
            ),
            dcc.Store(id="ac-app-id", data=out.application_id),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            ui.section(
                                _("The application"),
                                [
                                    html.Dl(
                                        [p for k, v in facts for p in (html.Dt(k), html.Dd(v))],
                                        className="ac-facts",
                                    ),
                                    html.Div(detail.statement, className="ac-summary"),
                                ],
                            ),
                            ui.section(
                                _("Committee decision"),
                                html.Div(detail.reasons, className="ac-summary")
                                if out.outcome
                                else (
                                    _decision_form(detail)
                                    if editable and status == ToleranceStatus.VERIFYING
                                    else html.P(
                                        _("Verify the application before the committee decides."),
                                        className="text-muted",
                                    )
                                ),
                            ),
                        ],
                        lg=5,
                    ),
                    dbc.Col(
                        [
                            ui.section(_("Verification"), [*verification, buttons]),
                            ui.section(_("Correction"), _actions(detail) if editable else None),
                        ],
                        lg=7,
                    ),
                ]
            ),
        ]
    )


def application_layout(id=None, **_query):
    actor = current_actor()
    actor.require("tolerance.view")
    try:
        app_id = int(id)
    except (TypeError, ValueError):
        return ui.empty_state(_("No application chosen."),
                              _("Open one from the list of applications."))
    body = application_body(db.session(), actor, app_id)
    audit.log_view(actor, "tolerance_application", app_id)  # the statement was shown
    return html.Div([html.Div(id="ac-app-msg", className="ac-toast"),
                     html.Div(body, id="ac-app-body")])


def _app_id(value) -> int | None:
    return forms.whole(value, _("the application"))


def _on_application(n_clicks, app_id, change, message):
    """Run ``change(session, actor, application id)`` and show the application again."""
    def run(session, actor):
        number = _app_id(app_id)
        return number, change(session, actor, number)

    return ui.write(n_clicks, run, idle=(no_update, no_update),
                    refused=lambda error: (no_update, ui.alert(error.message)),
                    then=lambda done: (application_body(db.session(), current_actor(), done[0]),
                                       toast(message(done[1]) if callable(message) else message)))


@callback(Output("ac-app-body", "children"), Output("ac-app-msg", "children"),
          Input("ac-ver-start", "n_clicks"), State("ac-app-id", "data"), prevent_initial_call=True)
def start(n_clicks, app_id):
    return _on_application(n_clicks, app_id, tolerance.start_verification,
                           _("Verification started: fill in the checklist with its evidence."))


def _by_code(ids, values, clean) -> dict:
    if not all(isinstance(i, dict) and "code" in i for i in ids or []):
        raise Invalid(_("The checklist is not complete; reload the page."))
    return {i["code"]: clean(v) for i, v in zip(ids or [], values or [], strict=False)}


@callback(Output("ac-app-body", "children", allow_duplicate=True),
          Output("ac-app-msg", "children", allow_duplicate=True),
          Input("ac-ver-save", "n_clicks"), State("ac-app-id", "data"),
          State({"type": "ac-crit", "code": ALL}, "value"),
          State({"type": "ac-crit", "code": ALL}, "id"),
          State({"type": "ac-evid", "code": ALL}, "value"),
          State({"type": "ac-evid", "code": ALL}, "id"),
          State("ac-ver-notes", "value"), prevent_initial_call=True)
def save(n_clicks, app_id, checks, check_ids, evidence, evidence_ids, notes):
    def change(session, actor, number):
        met, proof = _by_code(check_ids, checks, bool), _by_code(evidence_ids, evidence,
                                                                 lambda v: v or "")
        tolerance.save_verification(session, actor, number, checks=met, evidence=proof,
                                    notes=notes or "")

    return _on_application(n_clicks, app_id, change, _("The checklist and notes were saved."))


@callback(Output("ac-app-body", "children", allow_duplicate=True),
          Output("ac-app-msg", "children", allow_duplicate=True),
          Input("ac-dec-submit", "n_clicks"), State("ac-app-id", "data"),
          State("ac-dec-outcome", "value"),
          State("ac-dec-by", "value"), State("ac-dec-on", "value"),
          State("ac-dec-lighter", "value"),
          State("ac-dec-reasons", "value"), prevent_initial_call=True)
def decide(n_clicks, app_id, outcome, decided_by, decided_on, lighter, reasons):
    def change(session, actor, number):
        app = tolerance.decide(session, actor, number, outcome=outcome or "", reasons=reasons or "",
                               decided_by=decided_by or "",
                               decided_on=forms.day(decided_on, _("the decision date")),
                               lighter_code=lighter or None)
        return app.outcome.label

    return _on_application(n_clicks, app_id, change,
                           lambda label: _("Decision recorded: %(outcome)s.", outcome=label))


@callback(Output("ac-app-body", "children", allow_duplicate=True),
          Output("ac-app-msg", "children", allow_duplicate=True),
          Input("ac-cor-add", "n_clicks"), State("ac-app-id", "data"),
          State("ac-cor-action", "value"),
          State("ac-cor-owner", "value"), State("ac-cor-due", "value"), prevent_initial_call=True)
def add_action(n_clicks, app_id, action, owner, due):
    def change(session, actor, number):
        tolerance.add_correction(session, actor, number, action=action or "", owner=owner or "",
                                 due_on=forms.day(due, _("the deadline")))

    return _on_application(n_clicks, app_id, change, _("Corrective action added."))


@callback(Output("ac-app-body", "children", allow_duplicate=True),
          Output("ac-app-msg", "children", allow_duplicate=True),
          Input("ac-cor-complete", "n_clicks"), State("ac-app-id", "data"),
          State("ac-cor-item", "value"),
          State("ac-cor-done", "value"), State("ac-cor-follow", "value"), prevent_initial_call=True)
def complete_action(n_clicks, app_id, item, done, follow_up):
    def change(session, actor, _number):
        tolerance.complete_correction(session, actor,
                                      forms.whole(item, _("the corrective action")) or None,
                                      done_on=forms.day(done, _("the date")),
                                      follow_up=follow_up or "")

    return _on_application(n_clicks, app_id, change, _("Corrective action marked done."))


ui.register(__name__, path="/accountability/tolerance", title=N_("Error tolerance"), layout=layout,
            permission=("tolerance.view", "tolerance.view_outcomes"), section="accountability",
            order=30)
