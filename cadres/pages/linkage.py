"""Results and decisions (考核结果运用): do personnel decisions follow the units' results?

``/decisions/linkage``: for a published period and a unit subtree, the decisions about
the leaders of each result band in the window after the period, the leaders of bottom-band
units without any follow-up, promotions of cadres from low-band units (overrides marked),
and each unit's score change against the decisions about its leaders.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html

from assessment.enums import Grade
from cadres import linkage as service
from cadres.enums import DecisionOutcome, DecisionStatus, DecisionType
from cadres.pages import linkage_charts as charts
from cadres.pages.common import link_column
from cadres.rules import linkage as rules
from portal import db, ui
from portal.access import current_actor
from portal.enums import LeaderRole
from portal.errors import PortalError
from portal.i18n import N_, _
from portal.ui import field

OUTPUTS = ("ca-lk-window", "ca-lk-kpis", "ca-lk-bands", "ca-lk-scatter", "ca-lk-missing",
           "ca-lk-promotions")


def missing_columns() -> list[dict]:
    return [{"field": "unit", "headerName": _("Unit"), "minWidth": 160},
            {"field": "score", "headerName": _("Composite score"), "minWidth": 130, "maxWidth": 150,
             "type": "numericColumn"},
            {"field": "grade", "headerName": _("Grade"), "maxWidth": 100},
            link_column("name", _("Leader"), maxWidth=140),
            {"field": "code", "headerName": _("Cadre code"), "minWidth": 120, "maxWidth": 130},
            {"field": "role", "headerName": _("Role"), "maxWidth": 110}]


def promotion_columns() -> list[dict]:
    return [{"field": "number", "headerName": _("Decision number"),
             "cellRenderer": "CaDecisionLink", "minWidth": 130},
            link_column("name", _("Cadre"), maxWidth=130),
            {"field": "unit", "headerName": _("Unit"), "minWidth": 140},
            {"field": "grade", "headerName": _("Unit grade"), "minWidth": 115, "maxWidth": 130},
            {"field": "type", "headerName": _("Type"), "minWidth": 140},
            {"field": "day", "headerName": _("Date"), "maxWidth": 115},
            {"field": "status", "headerName": _("Status"), "maxWidth": 120},
            {"field": "override", "headerName": _("Override"), "maxWidth": 120,
             "cellClassRules": {"ca-lk-override": "params.data.overridden"}}]


def _status(row: rules.DecisionRow) -> str:
    if row.outcome:
        return DecisionOutcome(row.outcome).label
    return DecisionStatus(row.status).label


def missing_rows(found: service.Linkage) -> list[dict]:
    return [{"unit": unit.name, "score": round(unit.composite, 1), "grade": Grade(unit.grade).label,
             "name": leader.name, "code": leader.cadre_code, "role": LeaderRole(leader.role).label}
            for unit, leader in found.without_follow_up()]


def promotion_rows(found: service.Linkage) -> list[dict]:
    return [{"id": d.id, "number": d.number, "name": d.cadre_name, "code": d.cadre_code,
             "unit": unit.name,
             "grade": Grade(unit.grade).label, "type": DecisionType(d.type).label,
             "day": d.day.isoformat(),
             "status": _status(d), "overridden": d.overridden,
             "override": _("Overridden") if d.overridden else "—"}
            for unit, d in found.low_band_promotions()]


def layout(**_query):
    actor = current_actor()
    session = db.session()
    codes = service.period_codes(session, actor)
    header = ui.page_header(_("Results and decisions"),
                            _("Do the personnel decisions about leaders follow their units' "
                              "assessment results?"))
    if not codes:
        return html.Div(
            [
                header,
                ui.empty_state(
                    _("No assessment period has been published yet."),
                    _(
                        "The linkage is shown once a period's results are published on the "
                        "assessment pages."
                    ),
                ),
            ]
        )
    filters = dbc.Row([
        field(_("Assessment period"),
              ui.dropdown("ca-lk-period", [{"label": c, "value": c} for c in codes], codes[0],
                                       clearable=False), width=3),
        field(_("Units"), ui.dropdown("ca-lk-unit", ui.unit_options(session, actor), None,
                                      placeholder=_("All units in your scope")), width=5),
    ], class_name="mb-2 g-2")
    return html.Div([
        header, filters,
        html.P(id="ca-lk-window", className="text-muted small"),
        html.Div(id="ca-lk-kpis"),
        dbc.Row([dbc.Col(ui.section(_("Decisions by result band"), html.Div(id="ca-lk-bands")),
                         lg=6),
                 dbc.Col(ui.section(_("Score change and decisions"), html.Div(id="ca-lk-scatter")),
                         lg=6)]),
        ui.section(_("Leaders of bottom-band units without follow-up"),
                   html.Div(id="ca-lk-missing")),
        ui.section(_("Promotions from low-band units"), html.Div(id="ca-lk-promotions")),
    ], className="ca-linkage")


def _window_text(found: service.Linkage) -> str:
    months = rules.WINDOW_MONTHS.get(found.period_kind, 12)
    return _("Decisions counted: decided and approved between %(start)s and %(end)s (%(months)s "
             "months after "
             "%(period)s ends), about a principal or deputy of the unit. Score change against "
             "%(previous)s.",
             start=found.window_start.isoformat(), end=found.window_end.isoformat(), months=months,
             period=found.period_code, previous=found.previous_code or "—")


def _kpis(found: service.Linkage, missing: list[dict], promotions: list[dict]) -> html.Div:
    bottom = found.units_per_band()["poor"]
    units_missing = len({r["unit"] for r in missing})
    overrides = sum(1 for r in promotions if r["overridden"])
    return html.Div([
        ui.kpi(_("Units with a result"), len(found.units)),
        ui.kpi(_("Decisions about leaders"), len(found.taken), _("in the window")),
        ui.kpi(_("Bottom-band units without follow-up"), f"{units_missing} / {bottom}",
               tone="bad" if units_missing else "good"),
        ui.kpi(_("Promotions from low-band units"), len(promotions),
               _("%(n)s against a block", n=overrides), "warn" if overrides else "neutral"),
    ], className="kpi-row")


def _table(id: str, rows: list[dict], columns: list[dict], empty: str, advice: str):
    if not rows:
        return ui.empty_state(empty, advice)
    return ui.grid(id, rows, columns, height=min(420, 90 + 42 * len(rows)), page_size=20)


@callback(*[Output(name, "children") for name in OUTPUTS], Input("ca-lk-period", "value"),
          Input("ca-lk-unit", "value"))
def refresh(period, unit):
    """Everything on the page for the chosen period and subtree (checked by the service)."""
    actor = current_actor()
    try:
        found = service.linkage(db.session(), actor, str(period) if period else None,
                                int(unit) if unit not in (None, "") else None)
    except (PortalError, TypeError, ValueError) as error:
        message = ui.alert(getattr(error, "message", _("Choose a period and a unit.")), "warning")
        return message, None, None, None, None, None
    if found is None:
        empty = ui.empty_state(_("No assessment period has been published yet."))
        return "", None, empty, None, None, None
    missing, promotions = missing_rows(found), promotion_rows(found)
    no_decisions = not found.taken
    return (
        _window_text(found), _kpis(found, missing, promotions),
        ui.graph("ca-lk-bands-graph",
                 charts.band_heatmap(found.band_counts(), found.units_per_band()), 360),
        ui.graph("ca-lk-scatter-graph",
                 charts.change_scatter(found.scatter_points(), found.previous_code), 360),
        _table("ca-lk-missing-grid", missing, missing_columns(),
               _("Every bottom-band unit's leaders had a follow-up decision in the window.")
               if found.units_per_band()["poor"] else _("No unit here is in the bottom band "
                                                        "(poor) in this period."),
               _("No decision has been taken in this window yet.") if no_decisions else None),
        _table("ca-lk-promotions-grid", promotions, promotion_columns(),
               _("No promotion of a cadre from a unit graded average or poor in this window."),
               None),
    )


ui.register(__name__, path="/decisions/linkage", title=N_("Results and decisions"), layout=layout,
            permission="decisions.view", section="decisions", order=20)
