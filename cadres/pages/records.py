"""Training records (培训记录) of the cadres in scope: search, import and export."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from cadres import training
from cadres.pages import widgets
from cadres.pages.common import dropdown, hours, unit_options, year_options
from portal import db, ui
from portal.access import current_actor
from portal.errors import PortalError
from portal.i18n import N_, _
from portal.pages.transfer import export_buttons, import_panel
from portal.ui import field


def layout(**_query):
    actor = current_actor()
    session = db.session()
    year = date.today().year
    editor = actor.can("training.edit")
    remover = dcc.ConfirmDialogProvider(
        dbc.Button(_("Remove the selected record"), color="secondary", outline=True, size="sm"),
        id="ca-rec-confirm", message=_("Remove the selected training record? Its hours stop "
                                       "counting; the audit "
                                       "log keeps what it was."))
    importer = ui.section(_("Import training records"), import_panel("training", help_text=_(
        "Columns: cadre_code (干部编号), title (课程), category (类别: 理论/党性/专业/知识), "
        "hours (学时), "
        "mode (方式: online/offline), completed_on (完成日期), provider (机构, optional). A "
        "course counts once "
        "per cadre and year: re-importing updates it, and a course already recorded from "
        "attendance or a "
        "claim is left as it is."))) if actor.can("training.edit") else None
    return html.Div([
        ui.page_header(_("Training records"),
                       _("Class hours recorded for the cadres in your scope."),
                       actions=export_buttons("training")),
        dbc.Row([
            field(_("Year"), dbc.Select(id="ca-rec-year", options=year_options(), value=str(year)),
                  2),
            field(_("Unit (with the units below it)"),
                  dropdown("ca-rec-unit", unit_options(session, actor),
                                                                placeholder=_("All units in your "
                                                                              "scope")), 4),
            field(_("Course, cadre name or code"),
                  dbc.Input(id="ca-rec-text", type="search", debounce=True), 3),
        ], class_name="g-2 mb-3"),
        html.Div(id="ca-rec-summary"),
        ui.section(_("Records"),
                   ui.paged_grid("ca-rec-grid", widgets.record_columns(with_cadre=True), height=520,
                                               page_size=50, selectable=editor),
                   actions=remover if editor else None),
        html.Div(id="ca-rec-result"),
        importer,
    ])


@callback(Output("ca-rec-summary", "children"), Input("ca-rec-year", "value"),
          Input("ca-rec-unit", "value"),
          Input("ca-rec-text", "value"), Input("ca-rec-result", "children"))
def search(year, unit_id, text, _removed):
    """How many records the search finds (the grid fetches them a page at a time)."""
    actor = current_actor()
    try:
        chosen = int(year)
    except (TypeError, ValueError):
        return ui.alert(_("Choose a year."), "warning")
    try:
        count, total = training.records_count(db.session(), actor, year=chosen, unit_id=unit_id,
                                              text=text or "")
    except PortalError as error:
        return ui.alert(error.message, "warning")
    return html.P(_("%(n)s records, %(hours)s class hours.", n=count, hours=hours(total)),
                  className="text-muted small")


@callback(Output("ca-rec-grid", "getRowsResponse"), Input("ca-rec-grid", "getRowsRequest"),
          State("ca-rec-year", "value"), State("ca-rec-unit", "value"),
          State("ca-rec-text", "value"))
def record_rows(request, year, unit_id, text):
    """The records of the search, a block at a time (a city records two million)."""
    actor = current_actor()
    start, end, sort = ui.page_request(request)
    try:
        chosen = int(year)
    except (TypeError, ValueError):
        return ui.rows_response([], 0)
    session = db.session()
    try:
        found = training.records_page(session, actor, year=chosen, unit_id=unit_id, text=text or "",
                                      start=start, end=end, sort=sort)
        count = start + len(found) if len(found) < end - start else \
            training.records_count(session, actor, year=chosen, unit_id=unit_id, text=text or "")[0]
    except PortalError:
        return ui.rows_response([], 0)
    rows = widgets.record_rows(found)
    for row, record in zip(rows, found, strict=True):
        row.update(code=record.cadre.code, name=record.cadre.name, unit=record.cadre.unit.name)
    return ui.rows_response(rows, count)


@callback(Output("ca-rec-result", "children"), Input("ca-rec-confirm", "submit_n_clicks"),
          State("ca-rec-grid", "selectedRows"), prevent_initial_call=True)
def remove(n_clicks, selected):
    """Remove a wrongly recorded course (reviewers in scope; audited)."""
    current_actor()
    if not n_clicks:
        return no_update
    if not selected:
        return ui.alert(_("Select the record to remove first."), "warning")
    record_id = selected[0].get("id") if isinstance(selected, list) and isinstance(selected[0],
                                                                                   dict) else None
    return ui.write(n_clicks, lambda session,
                    actor: training.delete_record(session, actor, record_id),
                    then=lambda _done: ui.alert(_("The record was removed."), "success"))


ui.purge_when("ca-rec-grid", Input("ca-rec-year", "value"), Input("ca-rec-unit", "value"),
              Input("ca-rec-text", "value"), Input("ca-rec-result", "children"))


ui.register(__name__, path="/training/records", title=N_("Training records"), layout=layout,
            permission="training.view", section="cadres", order=45)
