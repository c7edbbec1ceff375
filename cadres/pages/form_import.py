"""Importing appointment forms (.lrmx, or a .zip of them) from the registry: the upload is read
as a dry run first and the page previews what will change, cadre by cadre; only the confirm
button writes. Every step goes through ``appointment_forms.import_forms``, all or nothing."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from cadres import appointment_forms, scope
from cadres.pages.common import dropdown, field
from portal import db, forms, ui, units
from portal.access import Actor, current_actor
from portal.errors import PortalError
from portal.i18n import N_, _
from portal.pages.transfer import export_buttons, import_panel
from portal.tabular import ImportProblem

ui.page_part(__name__, of="cadres.pages.registry")  # the upload is a section of the registry

MAX_UPLOAD = 20 * 1024 * 1024
ACTIONS = {"new": N_("New cadre"), "updated": N_("Updated"), "unchanged": N_("Unchanged")}


def may_import(actor: Actor) -> bool:
    return not scope.is_cadre(actor) and actor.can("cadres.edit")


def form_import_section(session, actor: Actor) -> dbc.Card | None:
    if not may_import(actor):
        return None
    return ui.section(_("Appointment forms (.lrmx): import and download"), html.Div([
        dbc.Row([field(_("Unit that cadres not yet in the registry join"),
                       dropdown("ca-lrmx-unit", ui.unit_options(session, actor),
                                placeholder=_("Choose a unit")), 6)],
                class_name="mb-2"),
        dcc.Upload(id="ca-lrmx-upload", multiple=False, max_size=MAX_UPLOAD, className="upload-box",
                   children=html.Div([_("Drop one .lrmx file or a .zip of them here, or "),
                                      html.A(_("choose a file"))])),
        html.Div(_("Nothing is saved until you confirm: the forms are checked first and the "
                   "changes listed."),
                 className="form-text"),
        dcc.Store(id="ca-lrmx-file"),
        dcc.Loading(html.Div(id="ca-lrmx-preview"), type="dot"),
        dbc.Button(_("Confirm the import"), id="ca-lrmx-confirm", color="primary", size="sm",
                   class_name="mt-2",
                   style={"display": "none"}),
        html.Div(id="ca-lrmx-result"),
        html.Hr(),
        dbc.Row([field(_("Download the forms of a unit and the units below it"),
                       dropdown("ca-lrmx-export-unit", ui.unit_options(session, actor),
                                placeholder=_("Choose a unit")), 6),
                 dbc.Col(dbc.Button(_("Download the forms (.zip)"), id="ca-lrmx-export",
                                    color="secondary", outline=True, size="sm"),
                         md=3, class_name="d-flex align-items-end")], class_name="g-2"),
        dcc.Download(id="ca-lrmx-zip"),
        html.Div(id="ca-lrmx-export-message"),
    ]))


def records_file_section(actor: Actor) -> dbc.Card | None:
    """The full records as CSV/XLSX (kind ``records``, docs/formats.md)."""
    if not may_import(actor):
        return None
    help_text = _("Columns: code (干部编号) and any of id_number (身份证号), ethnicity (民族), "
                  "native_place (籍贯), "
                  "birthplace (出生地), party_joined (入党时间), work_started (参加工作时间), "
                  "health (健康状况), "
                  "professional_title, expertise, the full-time and in-service education, degree, "
                  "school and "
                  "major, resume (简历), rewards_sanctions (奖惩情况), appraisal_results "
                  "(年度考核结果), family "
                  "(家庭成员). Columns left out keep their values.")
    return ui.section(_("Full records (CSV/XLSX)"), import_panel("records", help_text=help_text),
                      actions=export_buttons("records"))


def _unit_code(session, actor: Actor, unit_id) -> str | None:
    if not unit_id:
        return None
    return units.get_unit(session, actor, int(unit_id)).code


def _run(contents, filename, unit_id, dry_run: bool):
    actor = current_actor()
    data = forms.upload(contents)
    with db.unit_of_work() as session:
        result = appointment_forms.import_forms(session, actor, data, filename or "upload.lrmx",
                                                unit=_unit_code(session, actor, unit_id),
                                                dry_run=dry_run)
        if dry_run:
            session.rollback()
    return result


def preview_table(result) -> html.Table:
    head = html.Thead(html.Tr([html.Th(h) for h in (_("File"), _("Full name"), _("Cadre code"),
                                                    _("Change"),
                                                      _("Fields that change"))]))
    rows = [html.Tr([html.Td(c.file), html.Td(c.name),
                     html.Td(c.cadre_code if c.action != "new" else "—"),
                     html.Td(_(ACTIONS[c.action])),
                     html.Td("、".join(c.fields) if c.fields else "—")])
            for c in result.changes]
    return html.Table([head, html.Tbody(rows)], className="table table-sm mt-2 ca-lrmx-preview")


@callback(Output("ca-lrmx-preview", "children"), Output("ca-lrmx-file", "data"),
          Output("ca-lrmx-confirm", "style"), Output("ca-lrmx-result", "children"),
          Input("ca-lrmx-upload", "contents"), State("ca-lrmx-upload", "filename"),
          State("ca-lrmx-unit", "value"),
          prevent_initial_call=True)
def preview(contents, filename, unit_id):
    """Check the forms (a dry run) and list what importing them would change."""
    hidden = {"display": "none"}
    if not contents:
        return no_update, no_update, no_update, no_update
    try:
        result = _run(contents, filename, unit_id, dry_run=True)
    except ImportProblem as problem:
        return ui.alert(problem.message, "danger", problem.lines()), None, hidden, None
    except PortalError as error:
        return ui.alert(error.message, "danger"), None, hidden, None
    summary = ui.alert(_("%(n)s form(s) checked: %(new)s new cadre(s), %(updated)s updated, "
                         "%(unchanged)s unchanged. "
                         "Confirm to save.", n=result.rows, new=result.created,
                         updated=result.updated,
                         unchanged=result.unchanged), "info")
    return (html.Div([summary, preview_table(result)]),
            {"contents": contents, "filename": filename, "unit": unit_id},
            {"display": "inline-block"}, None)


@callback(Output("ca-lrmx-result", "children", allow_duplicate=True),
          Output("ca-lrmx-confirm", "style", allow_duplicate=True),
          Output("ca-lrmx-preview", "children", allow_duplicate=True),
          Input("ca-lrmx-confirm", "n_clicks"), State("ca-lrmx-file", "data"),
          prevent_initial_call=True)
def confirm(_clicks, upload):
    """Import the previewed forms for good (checked again: the file comes back from the browser)."""
    if not upload:
        return no_update, no_update, no_update
    try:
        result = _run(upload.get("contents"), upload.get("filename"), upload.get("unit"),
                      dry_run=False)
    except ImportProblem as problem:
        return ui.alert(problem.message, "danger", problem.lines()), {"display": "none"}, no_update
    except PortalError as error:
        return ui.alert(error.message, "danger"), {"display": "none"}, no_update
    return ui.alert(result.summary(), "success"), {"display": "none"}, preview_table(result)


MAX_DOWNLOAD = 2000  # forms in one download from the page (a district); more: the command line


@callback(Output("ca-lrmx-zip", "data"), Output("ca-lrmx-export-message", "children"),
          Input("ca-lrmx-export", "n_clicks"), State("ca-lrmx-export-unit", "value"),
          prevent_initial_call=True)
def download_unit(n_clicks, unit_id):
    """The appointment forms of the serving cadres of a unit subtree as a zip; the service
    checks the scope and that the viewer may see every id number in it."""
    actor = current_actor()
    if not n_clicks:
        return no_update, no_update
    if not unit_id:
        return no_update, ui.alert(_("Choose a unit first."), "warning")
    try:
        with db.unit_of_work() as session:
            code = _unit_code(session, actor, unit_id)
            content = appointment_forms.export_unit(session, actor, code,
                                                    max_forms=MAX_DOWNLOAD)
    except (PortalError, ValueError, TypeError) as error:
        return no_update, ui.alert(getattr(error, "message", _("Choose a unit first.")),
                                   "danger")
    return dcc.send_bytes(content, f"{code}-appointment-forms.zip"), None
