"""Early warnings (预警): units that fell two quarters running, stand far from their
peers, triggered a veto or have overdue supervision items, each with the reason."""

from __future__ import annotations

from collections import Counter

from dash import Input, Output, State, callback, dcc, html

from assessment import results
from assessment.enums import WarningKind
from assessment.pages import common
from portal import db, ui
from portal.access import current_actor
from portal.errors import PortalError
from portal.i18n import N_, _


def layout(period: str | None = None, unit: str | None = None, **_query):
    session = db.session()
    current_actor()
    options = common.published_options(session)
    chosen = (
        period
        if period in {o["value"] for o in options}
        else (options[0]["value"] if options else None)
    )
    return html.Div([
        ui.page_header(_("Early warnings"),
                       _("Units to look at in a published period, and units with supervision "
                         "items past their "
                         "deadline today. The thresholds are rule values an administrator can "
                         "change.")),
        html.Div([html.Div([html.Div(_("Assessment period"), className="small text-muted mb-1"),
                            ui.dropdown("as-wa-period", options, chosen, clearable=False)],
                           className="as-control")],
                 className="as-toolbar"),
        html.Div(id="as-wa-kpis", className="kpi-row"),
        ui.section(_("Warnings"),
                   html.Div(ui.grid("as-wa-grid", [], _columns(), height=520, page_size=50),
                                           className="as-grid")),
        dcc.Store(id="as-wa-under", data=common.as_int(unit)),
    ])


def _columns() -> list[dict]:
    return [
        {"field": "kind", "headerName": _("Warning"), "maxWidth": 230},
        common.grid_link_column("unit_name", _("Unit"), maxWidth=200),
        {"field": "level", "headerName": _("Level"), "maxWidth": 140},
        {"field": "reason", "headerName": _("Why"), "minWidth": 320, "tooltipField": "reason"},
    ]


@callback(Output("as-wa-grid", "rowData"), Output("as-wa-kpis", "children"),
          Input("as-wa-period", "value"),
          State("as-wa-under", "data"))
def show_warnings(period, under):
    actor = current_actor()
    try:
        found = results.warnings(db.session(), actor, period, under_unit_id=under)
    except PortalError as error:
        return [], [ui.alert(error.message, "warning")]
    counts = Counter(w.kind for w in found)
    kpis = [ui.kpi(kind.label, counts.get(kind, 0), tone="warn" if counts.get(kind) else "neutral")
            for kind in WarningKind]
    rows = [{"kind": w.kind.label, "unit_name": w.unit_name, "level": w.level.label,
             "reason": w.reason,
             "href": common.unit_href(w.unit_id, period)} for w in found]
    return rows, kpis


ui.register(__name__, path="/assessment/warnings", title=N_("Early warnings"), layout=layout,
            permission="assessment.view", section="assessment", order=15)
