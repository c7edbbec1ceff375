"""One personnel decision: ``/decisions/view?id=N``.

The workflow facts, the evidence frozen at proposal (checked against its fingerprint), what
the records say differently now, and the next step for reviewers: review, decide (with an
override reason when the cadre is blocked) or withdraw. Every step sends the decision's
version, so a page left open while someone else acted gets a plain conflict message.
"""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from cadres import appointment_forms, decisions, records, scope
from cadres.decisions import OPEN
from cadres.enums import DecisionOutcome, DecisionStatus, DecisionType, rule_label
from cadres.pages import decision_evidence as ev
from portal import audit, db, ui
from portal.access import Actor, current_actor
from portal.errors import Invalid, PortalError
from portal.i18n import N_, _

STATUS_COLORS = {DecisionStatus.PROPOSED: "info", DecisionStatus.REVIEWED: "primary",
                 DecisionStatus.DECIDED: "success", DecisionStatus.WITHDRAWN: "secondary"}


def _facts(pairs) -> html.Dl:
    items = []
    for label, value, *extra in pairs:
        items += [html.Dt(label, className="col-sm-4 col-xl-3"),
                  html.Dd(value or "—",
                          className=f"col-sm-8 col-xl-9 {extra[0] if extra else ''}".strip())]
    return html.Dl(items, className="row mb-0 ca-facts")


def _by(who: str, when) -> str:
    return f"{who} · {ui.fmt_datetime(when)}" if who else "—"


def workflow_section(decision, actor: Actor | None = None) -> dbc.Card:
    pairs = [(_("Cadre"), html.A(f"{decision.cadre.name}（{decision.cadre.code}）",
                                  href=f"/cadres/profile?code={decision.cadre.code}")),
             (_("Unit"), decision.cadre.unit.name), (_("Type"), DecisionType(decision.type).label),
             (_("What is proposed"), decision.title),
             (_("Proposed by"), _by(decision.proposed_by, decision.proposed_at)),
             (_("Evidence date"), decision.as_of.isoformat()), (_("Rationale"), decision.rationale)]
    if decision.reviewed_by:
        pairs += [(_("Reviewed by"), _by(decision.reviewed_by, decision.reviewed_at)),
                  (_("Review note"), decision.review_note)]
    if decision.status == DecisionStatus.WITHDRAWN:
        pairs.append((_("Reason for withdrawal"), decision.decision_note))
    if decision.status == DecisionStatus.DECIDED:
        pairs += [(_("Outcome"),
                   DecisionOutcome(decision.outcome).label if decision.outcome else "—"),
                  (_("Decided on"), ui.fmt_date(decision.decided_on)),
                  (_("Decided by"), _by(decision.decided_by, decision.decided_at)),
                  (_("Decision note"), decision.decision_note)]
    eligible = (_("Eligible") if decision.eligible_at_proposal
                else _("Blocked (%(n)s)", n=decision.blocks_at_proposal))
    pairs.append((_("At proposal"), eligible,
                  "" if decision.eligible_at_proposal else "text-danger"))
    body = [_facts(pairs)]
    if decision.overridden:
        body.append(
            html.Div(
                [
                    html.Strong(_("Approved against the negative list. Override reason: ")),
                    html.Span(decision.override_reason),
                ],
                className="ca-dc-override mt-3",
                id="ca-dc-override-reason",
            )
        )
    actions = form_actions(actor, decision) if actor is not None else None
    return ui.section(_("Workflow"), body, actions=actions)


def form_actions(actor: Actor, decision) -> html.Div | None:
    """The appointment form of a decision that appoints or removes: printed, and as a .lrmx
    file for those who may see the id number it carries."""
    if DecisionType(decision.type) not in appointment_forms.APPOINTING or not records.may_view(
            actor, decision.cadre):
        return None
    buttons = [dbc.Button(_("Print the appointment form"), id="ca-dc-print-form",
                          href=f"/cadres/appointment-form?decision={decision.id}",
                          color="secondary", outline=True, size="sm", class_name="me-2")]
    if scope.may_see_identity(actor, decision.cadre):
        buttons.append(dbc.Button(_("Download appointment form (.lrmx)"), id="ca-dc-lrmx",
                                  color="secondary", outline=True, size="sm"))
    return html.Div([*buttons, dcc.Download(id="ca-dc-lrmx-file")])


def _textarea(id: str, label: str, rows: int = 2) -> html.Div:
    return html.Div([dbc.Label(label, html_for=id, class_name="small text-muted mb-1"),
                     dbc.Textarea(id=id, rows=rows, maxlength=2000)], className="mb-2")


def _blocks_list(blocks: list[dict]) -> html.Ul:
    return html.Ul([html.Li(f"{rule_label(b.get('rule', ''))}: {b.get('reason', '')}")
                    for b in blocks], className="mb-0 small")


def decide_form(decision, blocks: list[dict]) -> html.Div:
    box_style = {} if blocks else {"display": "none"}
    override = html.Div([
        dbc.Alert([html.Div(_("The cadre is blocked; approving needs an override reason, audited "
                              "and "
                              "highlighted in reports:")), _blocks_list(blocks)], color="warning",
                  class_name="py-2"),
        _textarea("ca-dc-override", _("Override reason (only for an approval)"))],
                        id="ca-dc-override-box",
        style=box_style)
    return html.Div([
        html.Div(_("Decide on the proposal"), className="ca-dc-sub mt-0"),
        dbc.RadioItems(id="ca-dc-outcome", options=DecisionOutcome.options(),
                       value=DecisionOutcome.APPROVED.value,
                       inline=True, class_name="mb-2"),
        html.Div([dbc.Label(_("Decision date"), html_for="ca-dc-decided-on",
                            class_name="small text-muted mb-1"),
                  dbc.Input(id="ca-dc-decided-on", type="date", value=date.today().isoformat(),
                            min=decision.as_of.isoformat())], className="mb-2"),
        _textarea("ca-dc-decision-note", _("Decision wording or document number")),
        override,
        dbc.Button(_("Record the decision"), id="ca-dc-decide", color="primary"),
    ], className="mb-3")


def actions_section(session, actor: Actor, decision) -> dbc.Card | None:
    """The next steps for a reviewer with ``decisions.edit``; nothing once decided or withdrawn."""
    if not actor.can("decisions.edit") or decision.status not in OPEN:
        return None
    parts = []
    if decision.status == DecisionStatus.PROPOSED:
        parts.append(html.Div([html.Div(_("Review the proposal"), className="ca-dc-sub mt-0"),
                               _textarea("ca-dc-review-note", _("Review opinion")),
                               dbc.Button(_("Record the review"), id="ca-dc-review",
                                          color="primary")],
                              className="mb-3"))
    else:
        blocks = decisions.blocks_against(session, actor, decision, date.today())
        parts.append(decide_form(decision, blocks))
    parts.append(html.Div([html.Hr(), html.Div(_("Withdraw"), className="ca-dc-sub mt-0"),
                           _textarea("ca-dc-withdraw-reason", _("Why the proposal is withdrawn")),
                           dbc.Button(_("Withdraw the proposal"), id="ca-dc-withdraw",
                                      color="danger",
                                      outline=True)]))
    return ui.section(_("Next step"), parts)


def evidence_check(session, actor: Actor, decision):
    """(intact, changes); a cadre sees the integrity check, the changes are for reviewers."""
    if actor.can("decisions.view"):
        check = decisions.check_evidence(session, actor, decision)
        return check.intact, check.changes
    return decisions.snapshot_intact(decision), None


def body(session, actor: Actor, decision) -> html.Div:
    intact, changes = evidence_check(session, actor, decision)
    status = DecisionStatus(decision.status)
    badges = [dbc.Badge(status.label, color=STATUS_COLORS[status], class_name="me-2 fs-6")]
    if decision.overridden:
        badges.append(dbc.Badge(_("Override"), color="warning", text_color="dark",
                                class_name="me-2 fs-6"))
    back = dbc.Button(_("All decisions"), href="/decisions", color="secondary", outline=True,
                      size="sm") \
        if actor.can("decisions.view") else None
    actions = actions_section(session, actor, decision)
    return html.Div([
        ui.page_header(f"{decision.number} · {DecisionType(decision.type).label}",
                       f"{decision.cadre.name}（{decision.cadre.code}）· {decision.title}",
                       actions=html.Div([*badges, back], className="d-flex align-items-center")),
        dcc.Store(id="ca-dc-version", data=decision.version),
        dbc.Row([dbc.Col(workflow_section(decision, actor), lg=7 if actions else 12),
                 dbc.Col(actions, lg=5) if actions else None]),
        ui.section(_("Changed since the proposal"),
                   ev.changes_part(decision.snapshot or {}, changes, decision.status in OPEN)),
        ev.evidence_section(decision, intact),
    ])


def layout(id: str | None = None, **_query):
    actor = current_actor()
    try:
        decision_id = int(id)
    except (TypeError, ValueError):
        return ui.empty_state(
            _("Choose a decision in the list."),
            action=dbc.Button(_("All decisions"), href="/decisions", color="primary", size="sm")
            if actor.can("decisions.view")
            else None,
        )
    session = db.session()
    decision = decisions.get_decision(session, actor, decision_id)
    shown = body(session, actor, decision)
    audit.log_view(actor, "personnel_decision",
                   decision.id)  # its evidence and rationale were shown
    return html.Div([dcc.Store(id="ca-dc-id", data=decision.id), html.Div(id="ca-dc-message"),
                     html.Div(shown, id="ca-dc-body")], className="ca-dc-view")


# --- actions -------------------------------------------------------------------------------------

def _number(value) -> int:
    """An id or version as the browser sent it; anything else means the page is out of date."""
    if isinstance(value, bool) or not isinstance(value,
                                                 int | str) or not str(value).strip().isdigit():
        raise Invalid(_("The page is out of date; please reload it."))
    return int(value)


def _act(step, decision_id, version, done: str):
    """Run one workflow step as the current user and answer (message, new page body)."""
    def run(session, actor):
        return step(session, actor, _number(decision_id), _number(version)).number

    return ui.write(True, run,
                    stale=_("Someone else changed this decision; reload it before going on."),
                    refused=lambda error: (ui.alert(error.message), no_update),
                    then=lambda number: (ui.alert(done % {"number": number}, "success"),
                                         _body(decision_id)))


def _body(decision_id):
    session, actor = db.session(), current_actor()
    return body(session, actor, decisions.get_decision(session, actor, _number(decision_id)))


@callback(Output("ca-dc-message", "children"), Output("ca-dc-body", "children"),
          Input("ca-dc-review", "n_clicks"), State("ca-dc-review-note", "value"),
          State("ca-dc-id", "data"), State("ca-dc-version", "data"), prevent_initial_call=True)
def review(n_clicks, note, decision_id, version):
    current_actor()
    if not n_clicks:
        return no_update, no_update
    return _act(lambda s, a, i, v: decisions.review(s, a, i, note or "", version=v), decision_id,
                version,
                _("Review of %(number)s recorded."))


@callback(Output("ca-dc-message", "children", allow_duplicate=True),
          Output("ca-dc-body", "children", allow_duplicate=True),
          Output("ca-dc-override-box", "style"),
          Input("ca-dc-decide", "n_clicks"), State("ca-dc-outcome", "value"),
          State("ca-dc-decided-on", "value"),
          State("ca-dc-decision-note", "value"), State("ca-dc-override", "value"),
          State("ca-dc-id", "data"), State("ca-dc-version", "data"), prevent_initial_call=True)
def decide(n_clicks, outcome, decided_on, note, override, decision_id, version):
    current_actor()
    if not n_clicks:
        return no_update, no_update, no_update
    try:
        chosen = DecisionOutcome(outcome)
        day = date.fromisoformat(decided_on) if decided_on else None
    except (ValueError, TypeError):
        return (
            ui.alert(_("Choose the outcome and a decision date (YYYY-MM-DD).")),
            no_update,
            no_update,
        )

    needs_reason = []

    def step(session, actor, decision_id, version):
        try:
            return decisions.decide(session, actor, decision_id, outcome=chosen, note=note or "",
                                    decided_on=day,
                                    override_reason=override or "", version=version)
        except Invalid as error:
            needs_reason.append(error.field == "override_reason")
            raise

    message, fresh = _act(step, decision_id, version, _("Decision %(number)s recorded."))
    return message, fresh, {} if any(needs_reason) else no_update


@callback(Output("ca-dc-message", "children", allow_duplicate=True),
          Output("ca-dc-body", "children", allow_duplicate=True),
          Input("ca-dc-withdraw", "n_clicks"), State("ca-dc-withdraw-reason", "value"),
          State("ca-dc-id", "data"), State("ca-dc-version", "data"), prevent_initial_call=True)
def withdraw(n_clicks, reason, decision_id, version):
    current_actor()
    if not n_clicks:
        return no_update, no_update
    return _act(lambda s, a, i, v: decisions.withdraw(s, a, i, reason or "", version=v),
                decision_id, version,
                _("Proposal %(number)s withdrawn."))


@callback(Output("ca-dc-lrmx-file", "data"),
          Output("ca-dc-message", "children", allow_duplicate=True),
          Input("ca-dc-lrmx", "n_clicks"), State("ca-dc-id", "data"), prevent_initial_call=True)
def download_form(n_clicks, decision_id):
    """The decision's appointment form (.lrmx): its proposed post and reason from the decision;
    the service checks the viewer may see the decision and the id number."""
    actor = current_actor()
    if not n_clicks:
        return no_update, no_update
    try:
        with db.unit_of_work() as session:
            name, content = appointment_forms.export_decision_form(session, actor,
                                                                   _number(decision_id))
    except PortalError as error:
        return no_update, ui.alert(error.message, "danger")
    return dcc.send_bytes(content, name), None


ui.register(__name__, path="/decisions/view", title=N_("Personnel decision"), layout=layout,
            permission=("decisions.view", "self.view"), section=None)
