"""Measures and their effect periods (处理措施与影响期): every measure in scope with the day
its effect lifts, filters by unit, form and period, import and export.

Reviewers see this page too, with effects only (type, form, dates, effect end): the rows
come from ``measures.measure_effects``, which never carries notes or documents.
"""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html

from accountability import measures
from accountability.enums import BlockKind, Form, ToleranceOutcome
from accountability.pages.common import dropdown, effect_text, failure, form_options, unit_options
from portal import db, forms, ui
from portal.access import current_actor
from portal.errors import PortalError
from portal.i18n import N_, _
from portal.pages.transfer import export_buttons, import_panel
from portal.ui import field

LIMIT = 5000


def rows_of(views, today: date) -> list[dict]:
    return [
        {
            "measure_id": v.measure_id,
            "cadre_code": v.cadre_code,
            "cadre": v.cadre_name or v.unit_name,
            "unit": v.unit_name,
            "measure": v.label,
            "form": v.form,
            "decided": v.decided_on.isoformat(),
            "until": v.effect_until.isoformat()
            if v.effect_until
            else (_("permanent") if v.effect.phases else "—"),
            "blocks": BlockKind(v.blocks).label,
            "effect": effect_text(v, today),
            "in_effect": v.in_effect(today),
            "tolerance": ToleranceOutcome(v.tolerance_outcome).label if v.tolerance_outcome else "",
            "case_no": v.case_no or "",
        }
        for v in views
    ]


def columns() -> list[dict]:
    return [
        {"field": "cadre", "headerName": _("Cadre or unit"), "cellRenderer": "AcCadreLink",
         "minWidth": 110},
        {"field": "cadre_code", "headerName": _("Code"), "maxWidth": 110},
        {"field": "unit", "headerName": _("Unit"), "minWidth": 130},
        {"field": "measure", "headerName": _("Measure"), "minWidth": 130},
        {"field": "form", "headerName": _("Form"), "maxWidth": 80},
        {"field": "decided", "headerName": _("Decided"), "maxWidth": 120},
        {"field": "until", "headerName": _("Effect lifts on"), "maxWidth": 130},
        {"field": "blocks", "headerName": _("Blocks"), "minWidth": 120},
        {"field": "effect", "headerName": _("Today"), "minWidth": 170, "tooltipField": "effect",
         "cellClassRules": {"ac-cell-in-effect": "data.in_effect"}},
        {"field": "tolerance", "headerName": _("Error tolerance"), "maxWidth": 130},
        {"field": "case_no", "headerName": _("Case no."), "maxWidth": 140},
    ]


def effects(session, actor, unit=None, form=None, year=None, in_effect=False):
    """The measures the filters leave (a value no choice has is refused, naming it)."""
    year = forms.whole(year, _("the year"))
    return measures.listed_effects(
        session, actor, under_unit_id=forms.whole(unit, _("the unit")) or None,
        form=forms.choice(form, Form, _("the form")) if form else None,
        decided_from=date(year, 1, 1) if year else None,
        decided_to=date(year, 12, 31) if year else None,
        in_effect_on=date.today() if in_effect else None, limit=LIMIT)


def content(session, actor, unit=None, form=None, year=None, in_effect=False) -> html.Div:
    """The figures of the measures found, and the grid that shows them a block at a time."""
    today = date.today()
    views = effects(session, actor, unit, form, year, in_effect)
    if not views:
        return ui.empty_state(_("No measures match these filters."),
                              _("Measures are recorded in the cases, or imported from earlier "
                                "systems below."))
    current = [v for v in views if v.in_effect(today)]
    kpis = html.Div([
        ui.kpi(_("Measures listed"), len(views)),
        ui.kpi(_("In effect today"), len(current), _("blocking promotion now")),
        ui.kpi(_("Permanent"), sum(1 for v in current if v.permanent)),
        ui.kpi(_("Lifting within 90 days"), sum(1 for v in current if v.effect_until
                                                 and (v.effect_until - today).days <= 90)),
    ], className="kpi-row")
    return html.Div([kpis, ui.paged_grid("ac-measures-grid", columns(), height=560, page_size=50,
                                         defaultColDef={"sortable": False})])


def layout(**_query):
    actor = current_actor()
    session = db.session()
    year = date.today().year
    filters = dbc.Row([
        field(_("Unit (with its subtree)"), dropdown("ac-reg-unit", unit_options(session, actor),
                                                    placeholder=_("All units in my scope")), 4),
        field(_("Form"), dropdown("ac-reg-form", form_options(), placeholder=_("Any form")), 2),
        field(_("Decided in"), dropdown("ac-reg-year", [{"label": str(y), "value": y}
                                                        for y in range(year, year - 8, -1)],
                                        placeholder=_("Any year")), 2),
        dbc.Col(dbc.Switch(id="ac-reg-effect", label=_("In effect today only"), value=False), md=3,
                class_name="pt-4"),
    ], class_name="g-2 mb-3")
    return html.Div([
        ui.page_header(_("Measures and effect periods"),
                       _("Every measure in your scope with the day its effect on promotion lifts."),
                       actions=export_buttons("measures")),
        filters,
        dbc.Spinner(html.Div(content(session, actor), id="ac-reg-content"), color="secondary",
                    delay_show=300),
        ui.section(_("Import measures"), import_panel("measures", help_text=_(
            "Columns: cadre_code (干部编号), measure (措施: code or Chinese name, e.g. 诫勉), "
            "decided_on (决定日期), "
            "case_no (案件编号, optional), probation_years (察看期, for 留党察看), revoked_on "
            "(撤销日期, optional). "
            "Re-importing the same file changes nothing.")))
        if actor.can("measures.edit") else None,
    ])


FILTERS = (Input("ac-reg-unit", "value"), Input("ac-reg-form", "value"),
           Input("ac-reg-year", "value"), Input("ac-reg-effect", "value"))


@callback(Output("ac-reg-content", "children"), *FILTERS, prevent_initial_call=True)
def filter_measures(unit, form, year, in_effect):
    actor = current_actor()
    try:
        return content(db.session(), actor, unit, form, year, bool(in_effect))
    except PortalError as error:
        return failure(error)


@callback(Output("ac-measures-grid", "getRowsResponse"),
          Input("ac-measures-grid", "getRowsRequest"),
          *(State(i.component_id, i.component_property) for i in FILTERS))
def measure_page(request, unit, form, year, in_effect):
    """The measures found, a block at a time (the list itself is kept until the next write)."""
    actor = current_actor()
    start, end, _sort = ui.page_request(request)
    try:
        views = effects(db.session(), actor, unit, form, year, bool(in_effect))
    except PortalError:
        return ui.rows_response([], 0)
    return ui.rows_response(rows_of(views[start:end], date.today()), len(views))


ui.purge_when("ac-measures-grid", *FILTERS)


ui.register(__name__, path="/accountability/measures", title=N_("Measures and effect periods"),
            layout=layout,
            permission=("measures.view", "measures.view_effects"), section="accountability",
            order=20)
