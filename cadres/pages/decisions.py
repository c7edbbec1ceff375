"""Personnel decisions (干部选任/奖惩决定): the list of decisions in scope with their
workflow state, the eligibility at proposal and the overrides of the negative list.

A decision starts as a proposal on a cadre's profile; here reviewers filter, open and
export them. Overrides (approved against a block) are highlighted.
"""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from cadres import decisions
from cadres.decisions import OPEN, DecisionFilter
from cadres.enums import DecisionOutcome, DecisionStatus, DecisionType
from cadres.pages.common import dropdown, link_column, unit_options
from portal import db, ui
from portal.access import current_actor
from portal.errors import Invalid, PortalError
from portal.i18n import N_, _, current_lang
from portal.ui import field


def eligibility_text(decision) -> str:
    if decision.eligible_at_proposal:
        return _("Eligible")
    return _("Blocked (%(n)s)", n=decision.blocks_at_proposal)


def status_text(decision) -> str:
    status = DecisionStatus(decision.status).label
    if decision.outcome:
        return f"{status} · {DecisionOutcome(decision.outcome).label}"
    return status


def decision_rows(found) -> list[dict]:
    return [{"id": d.id, "number": d.number, "code": d.cadre.code,
             "cadre": f"{d.cadre.name}（{d.cadre.code}）", "unit": d.cadre.unit.name,
             "type": DecisionType(d.type).label, "title": d.title, "status": status_text(d),
             "outcome": DecisionOutcome(d.outcome).label if d.outcome else "",
             "proposed_on": d.as_of.isoformat(),
             "decided_on": d.decided_on.isoformat() if d.decided_on else "",
             "eligible": eligibility_text(d), "blocked": not d.eligible_at_proposal,
             "overridden": d.overridden,
             "override": f"\u26a0 {_('Override')}" if d.overridden else ""}
            for d in found]


def columns() -> list[dict]:
    return [
        {"field": "number", "headerName": _("Number"), "cellRenderer": "CaDecisionLink",
         "minWidth": 130,
         "maxWidth": 140, "pinned": "left"},
        link_column("cadre", _("Cadre"), minWidth=160, maxWidth=180),
        {"field": "unit", "headerName": _("Unit"), "minWidth": 110},
        {"field": "type", "headerName": _("Type"), "minWidth": 150, "tooltipField": "type"},
        {"field": "title", "headerName": _("What is proposed"), "minWidth": 170,
         "tooltipField": "title"},
        {"field": "status", "headerName": _("Status"), "minWidth": 130, "tooltipField": "status"},
        {"field": "proposed_on", "headerName": _("Proposed on"), "minWidth": 108, "maxWidth": 120},
        {"field": "decided_on", "headerName": _("Decided on"), "minWidth": 108, "maxWidth": 120},
        {"field": "eligible", "headerName": _("At proposal"), "minWidth": 110, "maxWidth": 130,
         "cellClassRules": {"ca-dc-blocked-cell": "params.data.blocked"}},
        {"field": "override", "headerName": _("Override"), "minWidth": 110, "maxWidth": 140,
         "cellClassRules": {"ca-dc-override-cell": "params.data.overridden"}},
    ]


def filters(session, actor) -> dbc.Row:
    return dbc.Row(
        [
            field(
                _("Unit (with the units below it)"),
                dropdown(
                    "ca-dc-unit",
                    unit_options(session, actor),
                    placeholder=_("All units in your scope"),
                ),
                3,
            ),
            field(
                _("Type"),
                dropdown(
                    "ca-dc-types", DecisionType.options(), multi=True, placeholder=_("Any type")
                ),
                2,
            ),
            field(
                _("Status"),
                dropdown(
                    "ca-dc-statuses",
                    DecisionStatus.options(),
                    multi=True,
                    placeholder=_("Any status"),
                ),
                2,
            ),
            field(
                _("Proposed or decided between"),
                dcc.DatePickerRange(
                    id="ca-dc-dates",
                    display_format="YYYY-MM-DD",
                    clearable=True,
                    start_date_placeholder_text=_("Start date"),
                    end_date_placeholder_text=_("End date"),
                ),
                3,
            ),
            field(
                _("Overrides"),
                dbc.Switch(id="ca-dc-overrides", value=False, label=_("Overrides only")),
                2,
            ),
        ],
        class_name="g-2 mb-3 align-items-end",
    )


def layout(**_query):
    actor = current_actor()
    session = db.session()
    export = html.Div([
        dbc.Button(_("Export XLSX"), id="ca-dc-export", color="secondary", outline=True, size="sm"),
        dcc.Download(id="ca-dc-download"), html.Div(id="ca-dc-export-error")],
        className="d-inline-block") if actor.can("export") else None
    return html.Div([
        ui.page_header(_("Personnel decisions"), _(
            "Promotions, rank promotions, commendations, talks and adjustments of cadres in your "
            "scope, "
            "with the evidence frozen at proposal. Click a number to open a decision."),
                       actions=export),
        filters(session, actor),
        html.Div(id="ca-dc-kpis"),
        html.Div(id="ca-dc-empty"),
        html.Div(ui.section(_("Decisions"), ui.grid(
            "ca-dc-grid", [], columns(), height=520, page_size=50,
            dashGridOptions={"rowClassRules": {"ca-dc-row-override": "params.data.overridden"},
                             "tooltipShowDelay": 300})), id="ca-dc-list"),
    ])


def read_filters(unit_id, types, statuses, start, end, overrides) -> DecisionFilter:
    """The filters as the browser sent them; anything malformed raises ValueError."""
    return DecisionFilter(
        unit_id=int(unit_id) if unit_id not in (None, "") else None,
        types=tuple(DecisionType(t) for t in _as_list(types)),
        statuses=tuple(DecisionStatus(s) for s in _as_list(statuses)),
        start=date.fromisoformat(str(start)[:10]) if start else None,
        end=date.fromisoformat(str(end)[:10]) if end else None,
        overridden_only=overrides is True)


def _as_list(value) -> list:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return value


def kpis(all_in_unit) -> html.Div:
    year = date.today().year
    open_count = sum(1 for d in all_in_unit if d.status in OPEN)
    decided = [d for d in all_in_unit if d.status == DecisionStatus.DECIDED and d.decided_on
               and d.decided_on.year == year]
    overrides = sum(1 for d in decided if d.overridden)
    return html.Div([
        ui.kpi(_("Open proposals"), open_count, _("Proposed or reviewed, waiting for a decision")),
        ui.kpi(_("Decided in %(year)s", year=year), len(decided)),
        ui.kpi(_("Overrides in %(year)s", year=year), overrides,
               _("Approved although the cadre was blocked"), "bad" if overrides else "good"),
    ], className="kpi-row")


def empty(any_at_all: bool) -> html.Div:
    if any_at_all:
        return ui.empty_state(_("No decision matches the filters."),
                              _("Clear a filter to see more."))
    return ui.empty_state(
        _("No personnel decisions yet."),
        _("A decision starts as a proposal on a cadre's profile: open the cadre from the registry "
          "and "
          "propose a promotion, rank promotion, commendation, talk or adjustment. The evidence is "
          "frozen "
          "then; the proposal is reviewed and decided on its own page, listed here."),
        dbc.Button(_("Open the registry"), href="/cadres", color="primary", size="sm"))


@callback(Output("ca-dc-grid", "rowData"), Output("ca-dc-kpis", "children"),
          Output("ca-dc-empty", "children"),
          Output("ca-dc-list", "style"),
          Input("ca-dc-unit", "value"), Input("ca-dc-types", "value"),
          Input("ca-dc-statuses", "value"),
          Input("ca-dc-dates", "start_date"), Input("ca-dc-dates", "end_date"),
          Input("ca-dc-overrides", "value"))
def search(unit_id, types, statuses, start, end, overrides):
    actor = current_actor()
    session = db.session()
    try:
        wanted = read_filters(unit_id, types, statuses, start, end, overrides)
        found = decisions.list_decisions(session, actor, wanted)
        in_unit = decisions.list_decisions(session, actor, DecisionFilter(unit_id=wanted.unit_id))
    except (PortalError, ValueError) as error:
        message = getattr(error, "message", _("Choose the filters again."))
        return [], None, ui.alert(message, "warning"), {"display": "none"}
    hidden = {"display": "none"} if not found else {}
    return decision_rows(found), kpis(in_unit), None if found else empty(bool(in_unit)), hidden


@callback(Output("ca-dc-download", "data"), Output("ca-dc-export-error", "children"),
          Input("ca-dc-export", "n_clicks"),
          State("ca-dc-unit", "value"), State("ca-dc-types", "value"),
          State("ca-dc-statuses", "value"),
          State("ca-dc-dates", "start_date"), State("ca-dc-dates", "end_date"),
          State("ca-dc-overrides", "value"),
          prevent_initial_call=True)
def export(n_clicks, unit_id, types, statuses, start, end, overrides):
    """The filtered list as XLSX (scoped by the service, audited as an export)."""
    def export_list(session, actor):
        try:
            wanted = read_filters(unit_id, types, statuses, start, end, overrides)
        except ValueError:  # malformed filters are the caller's error, told as such
            raise Invalid(_("Choose the filters again.")) from None
        return decisions.export_decisions(session, actor, wanted, "xlsx",
                                          "zh" if current_lang() == "zh" else "key")

    return ui.write(
        n_clicks,
        export_list,
        idle=(no_update, no_update),
        refused=lambda error: (no_update, ui.alert(error.message)),
        then=lambda content: (
            dcc.send_bytes(content, f"decisions-{date.today().isoformat()}.xlsx"),
            None,
        ),
    )


ui.register(__name__, path="/decisions", title=N_("Personnel decisions"), layout=layout,
            permission="decisions.view", section="decisions", order=10)
