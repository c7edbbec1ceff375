"""Proposing a personnel decision (提出干部选任/奖惩建议) from the portrait: type, title and
rationale; the service freezes the evidence and writes the audit event. A blocked cadre
may still be proposed for a promotion (the block matters at the decision, where an
override reason is needed), so the form warns before the proposal is sent."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from cadres import decisions, evidence, scope
from cadres.enums import DecisionType
from cadres.pages import portrait
from cadres.pages.eligibility_view import SourceBook, findings, source_book
from portal import db, ui
from portal.access import Actor, current_actor, visible_cadre
from portal.errors import Invalid, PortalError
from portal.i18n import N_, _
from portal.models import Cadre

ui.page_part(__name__, of="cadres.pages.profile")

FIELD_NAMES = {"title": N_("Title of the proposal"), "rationale": N_("Rationale")}


def may_propose(actor: Actor) -> bool:
    return not scope.is_cadre(actor) and actor.can("decisions.edit")


def open_button() -> dbc.Button:
    return dbc.Button(_("Propose a decision"), id="ca-pf-propose-open", color="primary", size="sm")


def block_warning(data: dict, book) -> html.Div | None:
    """Warn before the proposal that a positive decision goes against blocks."""
    if not DecisionType(data["decision"]).positive:
        return html.P(_("This type of decision is not checked against the negative list."),
                      className="small text-muted mb-0")
    if data["eligible"]:
        return html.P(_("No block today: the cadre is eligible for this decision."),
                      className="small text-success mb-0")
    return dbc.Alert([
        html.Div(_("The cadre is blocked for this decision today. You may still propose it; "
                   "approving it "
                   "later will need an override reason.")),
        findings(data["blocks"], book, "block"),
    ], color="warning", class_name="mb-0 ca-pf-prop-blocks")


def prefill(session, actor: Actor, cadre: Cadre, propose: str | None) -> dict:
    """What ``propose_modal`` needs to open at once on a decision type named in the address
    (``?propose=rank_promotion``): that type and today's eligibility for it. Nothing for a
    missing or unknown type."""
    try:
        kind = DecisionType(propose) if propose else None
    except ValueError:
        kind = None
    if kind is None:
        return {}
    eligibility = evidence.eligibility(session, actor, cadre.code, date.today(), kind).as_json()
    return {"open_as": kind, "eligibility": eligibility}


def propose_modal(cadre: Cadre, promotion_eligibility: dict, book: SourceBook, *,
                  open_as: DecisionType | None = None, eligibility: dict | None = None
                  ) -> dbc.Modal:
    types = [{"label": t.label, "value": t.value} for t in DecisionType]
    body = dbc.ModalBody([
        dbc.Label(_("Type of decision"), html_for="ca-pf-prop-type",
                  class_name="small text-muted mb-1"),
        dbc.Select(id="ca-pf-prop-type", options=types,
                   value=(open_as or DecisionType.PROMOTION).value),
        dbc.Label(_("Title (the post, rank or award proposed)"), html_for="ca-pf-prop-title",
                  class_name="small text-muted mb-1 mt-2"),
        dbc.Input(id="ca-pf-prop-title", maxlength=200),
        dbc.Label(_("Rationale"), html_for="ca-pf-prop-rationale",
                  class_name="small text-muted mb-1 mt-2"),
        dbc.Textarea(id="ca-pf-prop-rationale", rows=4, maxlength=4000),
        html.Div(block_warning(eligibility or promotion_eligibility, book),
                 id="ca-pf-prop-warning", className="mt-3"),
        html.Div(id="ca-pf-prop-result"),
    ])
    footer = dbc.ModalFooter([
        dbc.Button(_("Close"), id="ca-pf-prop-cancel", color="secondary", outline=True),
        dbc.Button(_("Propose"), id="ca-pf-prop-submit", color="primary"),
    ])
    return dbc.Modal([dbc.ModalHeader(dbc.ModalTitle(_("Propose a decision about %(name)s",
                                                       name=cadre.name),
                                                     id="ca-pf-propose-title")),
                      body, footer], id="ca-pf-propose-modal", is_open=open_as is not None,
                     size="lg",
                     labelledby="ca-pf-propose-title")


@callback(Output("ca-pf-propose-modal", "is_open"), Input("ca-pf-propose-open", "n_clicks"),
          Input("ca-pf-prop-cancel", "n_clicks"), State("ca-pf-propose-modal", "is_open"),
          prevent_initial_call=True)
def toggle_modal(_open, _cancel, is_open):
    """Open or close the form (it holds nothing of the cadre beyond the page itself)."""
    return not is_open


@callback(Output("ca-pf-prop-warning", "children"), Input("ca-pf-prop-type", "value"),
          State("ca-profile-code", "data"), prevent_initial_call=True)
def warn_blocks(decision_type, code):
    """Today's blocks for the chosen type, for those who may propose (scope checked again)."""
    actor = current_actor()
    if not may_propose(actor) or not isinstance(code, str):
        return None
    try:
        kind = DecisionType(decision_type)
    except ValueError:
        return None
    session = db.session()
    try:
        cadre = visible_cadre(session, actor, code=code, permissions=scope.PROFILE)
        result = evidence.eligibility(session, actor, cadre.code, date.today(), kind)
        return block_warning(result.as_json(), source_book(session, actor, cadre))
    except PortalError as error:
        return ui.alert(error.message, "warning")


def _invalid_text(error: Invalid) -> str:
    field = FIELD_NAMES.get(error.field or "")
    return _("%(field)s: %(message)s", field=_(field),
             message=error.message) if field else error.message


@callback(Output("ca-pf-prop-result", "children"), Output("ca-pf-prop-title", "value"),
          Output("ca-pf-prop-rationale", "value"), Output("ca-pf-decisions", "children"),
          Input("ca-pf-prop-submit", "n_clicks"),
          State("ca-pf-prop-type", "value"), State("ca-pf-prop-title", "value"),
          State("ca-pf-prop-rationale", "value"), State("ca-profile-code", "data"),
          prevent_initial_call=True)
def submit_proposal(_clicks, decision_type, title, rationale, code):
    """Propose: the service checks the permission and the scope of the code sent, freezes the
    evidence and audits; nothing is written when anything is wrong."""
    current_actor()
    unchanged = (no_update, no_update, no_update)
    try:
        kind = DecisionType(decision_type)
    except ValueError:
        return ui.alert(_("Choose the type of decision."), "warning"), *unchanged
    if not isinstance(code, str):
        return ui.alert(_("Open the proposal from a cadre's profile."), "warning"), *unchanged

    def change(session, actor):
        decision = decisions.propose(session, actor, cadre_code=code, decision_type=kind,
                                     title=title if isinstance(title, str) else "",
                                     rationale=rationale if isinstance(rationale, str) else "")
        return decision.number, decision.id, decision.cadre

    def refused(error):
        if isinstance(error, Invalid):
            return ui.alert(_invalid_text(error), "warning"), *unchanged
        return ui.alert(error.message, "danger"), *unchanged

    return ui.write(True, change, refused=refused, then=lambda done: _proposed(*done))


def _proposed(number: str, ident: int, cadre) -> tuple:
    listed = portrait.decisions_body(db.session(), current_actor(), cadre)
    done = dbc.Alert([
        html.Div(_("Decision %(number)s proposed; the evidence of today is frozen with it.",
                   number=number)),
        dcc.Link(_("Open decision %(number)s", number=number), href=f"/decisions/view?id={ident}"),
    ], color="success", class_name="mt-3 mb-0 ca-pf-prop-done")
    return done, "", "", listed
