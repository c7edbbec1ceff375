"""The cadre portrait (干部画像) on ``/cadres/profile``: what reviewers and administrators in
scope see beyond the basic profile — the one-line summary, eligibility for a decision
(blocks and notes with their source and the day they lift), the results of the units the
cadre served in, measures, tolerance outcomes, the unit's supervision items and earlier
personnel decisions. Cadres and inspectors never get these sections (``shows_portrait``).
"""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from accountability.enums import Form, ToleranceOutcome, ToleranceStatus
from assessment.enums import Grade, SupervisionStatus
from cadres import decisions, evidence, scope
from cadres.decisions import DecisionFilter
from cadres.enums import DecisionOutcome, DecisionStatus, DecisionType
from cadres.pages import portrait_charts
from cadres.pages.common import hours
from cadres.pages.eligibility_view import SourceBook, eligibility_body, source_book
from portal import db, ui
from portal.access import Actor, current_actor, visible_cadre
from portal.errors import PortalError
from portal.i18n import _
from portal.models import Cadre

ui.page_part(__name__, of="cadres.pages.profile")

POSITIVE = [t for t in DecisionType if t.positive]


def shows_portrait(actor: Actor, cadre: Cadre) -> bool:
    """Reviewers and administrators with the full profile in scope; never a cadre (not even
    about themselves) and never an inspector."""
    return not scope.is_cadre(actor) and actor.may_see_cadre(cadre, scope.PROFILE)


def _label(enum, code, fallback: str = "—") -> str:
    try:
        return enum(code).label
    except (ValueError, TypeError):
        return code or fallback


# --- summary and eligibility
# -----------------------------------------------------------------------

def summary_callout(profile: evidence.Profile) -> html.Div:
    return html.Div([html.Div(_("In one sentence"), className="ca-pf-summary-label"),
                     html.P(profile.summary, className="mb-0", id="ca-pf-summary")],
                    className="ca-pf-summary")


def eligibility_section(profile: evidence.Profile, book: SourceBook) -> dbc.Card:
    controls = html.Div([
        dbc.Label(_("Type of decision"), html_for="ca-pf-elig-type",
                  class_name="small text-muted mb-0"),
        dbc.Select(id="ca-pf-elig-type",
                   options=[{"label": t.label, "value": t.value} for t in POSITIVE],
                   value=DecisionType.PROMOTION.value, size="sm", style={"width": "190px"}),
        dbc.Label(_("As of"), html_for="ca-pf-elig-asof", class_name="small text-muted mb-0 ms-2"),
        dbc.Input(id="ca-pf-elig-asof", type="date", value=profile.as_of.isoformat(), size="sm",
                  style={"width": "150px"}),
    ], className="d-flex align-items-center gap-2 flex-wrap")
    body = eligibility_body(profile.eligibility, book)
    return ui.section(_("Eligibility"), html.Div(body, id="ca-pf-elig-result"), actions=controls,
                      class_name="ca-pf-eligibility")


@callback(Output("ca-pf-elig-result", "children"), Input("ca-pf-elig-type", "value"),
          Input("ca-pf-elig-asof", "value"), State("ca-profile-code", "data"),
          prevent_initial_call=True)
def check_eligibility(decision_type, as_of, code):
    """Eligibility for another decision or day; the code comes from the browser, so scope is
    checked again, and cadres (even about themselves) get nothing."""
    actor = current_actor()
    if scope.is_cadre(actor) or not isinstance(code, str):
        return ui.alert(_("Eligibility is shown to the organization department only."), "warning")
    try:
        kind = DecisionType(decision_type)
        day = date.fromisoformat(as_of) if as_of else date.today()
    except (TypeError, ValueError):
        return ui.alert(_("Choose a decision type and a date written YYYY-MM-DD."), "warning")
    if not kind.positive:
        return ui.alert(_("Only promotion, rank promotion and commendation are checked against the "
                          "negative list."), "info")
    session = db.session()
    try:
        cadre = visible_cadre(session, actor, code=code, permissions=scope.PROFILE)
        result = evidence.eligibility(session, actor, cadre.code, day, kind)
        return eligibility_body(result.as_json(), source_book(session, actor, cadre))
    except PortalError as error:
        return ui.alert(error.message, "warning")


# --- unit results
# ------------------------------------------------------------------------------------

def unit_results_section(profile: evidence.Profile) -> dbc.Card:
    frame = portrait_charts.unit_results_frame(profile.unit_results,
                                               lambda code: _label(Grade, code))
    if frame.empty:
        return ui.section(_("Results of the units served"), ui.empty_state(
            _("No published results of the units this cadre served in."),
            _("Results appear here once an assessment period of the unit is published.")))
    served, not_served = _("Yes"), _("No")
    rows = [html.Tr([html.Td(r.unit_name), html.Td(r.period), html.Td(f"{r.composite:.1f}"),
                     html.Td(f"{r.rank_in_level} / {r.count_in_level}"), html.Td(r.grade),
                     html.Td(served if r.served else not_served),
                     html.Td(_("Vetoed") if r.vetoed else "")],
                    className="" if r.served else "text-muted")
            for r in frame.iloc[::-1].itertuples()]
    head = html.Thead(html.Tr([html.Th(h) for h in (_("Unit"), _("Period"), _("Score"),
                                                    _("Rank in level"),
                                                     _("Grade"), _("Served"), _("Veto"))]))
    table = html.Div(html.Table([head, html.Tbody(rows)], className="table table-sm mb-0"),
                     className="ca-pf-scroll")
    note = html.P(_("Filled points: periods the cadre served in the unit; hollow points: before "
                    "or after."),
                  className="small text-muted mb-2")
    return ui.section(_("Results of the units served"), html.Div([
        ui.graph("ca-pf-unit-chart", portrait_charts.unit_scores(frame), height=340), note, table]))


# --- training, measures, tolerance, supervision, decisions
# -------------------------------------------

def five_year_line(profile: evidence.Profile) -> html.P | None:
    training = profile.training
    if not training.get("five_year_required"):
        return None
    behind = training.get("five_year_behind")
    done, required = (
        hours(training.get("five_year_hours") or 0),
        hours(training["five_year_required"]),
    )
    state = _("behind the expected pace") if behind else _("on pace")
    text = _("Five-year training: %(hours)s of %(required)s class hours (%(state)s).", hours=done,
             required=required, state=state)
    return html.P(text, className="mb-2 " + ("text-danger" if behind else "text-success"),
                  id="ca-pf-five-year")


def _table(headers: list[str], rows: list[html.Tr]) -> html.Div:
    return html.Div(html.Table([html.Thead(html.Tr([html.Th(h) for h in headers])),
                                html.Tbody(rows)],
                               className="table table-sm mb-0"), className="ca-pf-scroll")


def _effect_text(m: dict) -> str:
    if m["revoked_on"]:
        return _("revoked on %(date)s", date=m["revoked_on"])
    if m["changed_on"]:
        return _("changed on %(date)s", date=m["changed_on"])
    if m["effect_until"]:
        return m["effect_until"]
    return _("permanent") if m["in_effect"] else _("no effect period")


def measures_section(profile: evidence.Profile) -> dbc.Card:
    title = _("Disciplinary and accountability measures")
    if not profile.measures:
        return ui.section(title, ui.empty_state(_("No measures recorded about this cadre.")))
    rows = [html.Tr([html.Td(m["label"]), html.Td(_label(Form, str(m["form"]))),
                     html.Td(m["decided_on"]),
                     html.Td(_effect_text(m)),
                     html.Td(dbc.Badge(_("In effect"),
                                       color="danger") if m["in_effect"] else _("No")),
                     html.Td(_label(ToleranceOutcome, m["tolerance"], "")),
                     html.Td(m["case_no"] or "—")])
            for m in profile.measures.values()]
    return ui.section(title, _table([_("Measure"), _("Form"), _("Decided on"), _("Effect ends"),
                                     _("In effect today"), _("Error tolerance"), _("Case")], rows))


def tolerance_section(profile: evidence.Profile) -> dbc.Card:
    title = _("Error-tolerance outcomes")
    if not profile.tolerance:
        return ui.section(title, ui.empty_state(_("No error-tolerance applications.")))
    rows = [html.Tr([html.Td(t["app_no"]), html.Td(t["measure"] or "—"), html.Td(t["submitted_on"]),
                     html.Td(_label(ToleranceStatus, t["status"])),
                     html.Td(_label(ToleranceOutcome, t["outcome"], _("pending"))),
                     html.Td(t["decided_on"] or "—")])
            for t in profile.tolerance.values()]
    return ui.section(title, _table([_("Application"), _("Measure"), _("Submitted on"), _("Status"),
                                     _("Outcome"), _("Decided on")], rows))


def supervision_section(profile: evidence.Profile) -> dbc.Card:
    title = _("Supervision items of the unit")
    if not profile.supervision:
        return ui.section(title, ui.empty_state(_("No supervision items for the cadre's unit.")))
    rows = [html.Tr([html.Td(s["title"]), html.Td(s["deadline"] or "—"),
                     html.Td(dbc.Badge(_("Overdue"), color="danger") if s["overdue"]
                             else _label(SupervisionStatus, s["status"]))],
                    className="ca-pf-overdue" if s["overdue"] else "")
            for s in profile.supervision.values()]
    overdue = sum(1 for s in profile.supervision.values() if s["overdue"])
    hint = html.P(_("%(n)s overdue item(s).", n=overdue),
                  className="small text-danger mb-2") if overdue else None
    return ui.section(title,
                      html.Div([hint, _table([_("Item"), _("Deadline"), _("Status")], rows)]))


def decisions_body(session, actor: Actor, cadre: Cadre):
    """The cadre's personnel decisions in the actor's scope, newest first, each number
    linking to the decision page."""
    found = decisions.list_decisions(session, actor, DecisionFilter(cadre_id=cadre.id))
    if not found:
        return ui.empty_state(_("No personnel decisions about this cadre yet."))
    rows = [html.Tr([html.Td(dcc.Link(d.number, href=f"/decisions/view?id={d.id}")),
                     html.Td(_label(DecisionType, d.type)), html.Td(d.title),
                     html.Td(_label(DecisionStatus, d.status)),
                     html.Td(_label(DecisionOutcome, d.outcome)),
                     html.Td(ui.fmt_date(d.decided_on)),
                     html.Td(dbc.Badge(_("Overridden"), color="warning") if d.overridden else "")])
            for d in found]
    return _table([_("Number"), _("Type"), _("Title"), _("Status"), _("Outcome"), _("Decided on"),
                   ""], rows)


def decisions_section(session, actor: Actor, cadre: Cadre) -> dbc.Card:
    return ui.section(_("Earlier personnel decisions"),
                      html.Div(decisions_body(session, actor, cadre), id="ca-pf-decisions"),
                      class_name="ca-pf-decisions")
