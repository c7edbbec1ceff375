"""Upload-to-import and download-to-export controls that any page can place.

``import_panel(kind)`` and ``export_buttons(kind)`` render the controls; the callbacks
here serve every kind (pattern-matching ids) through ``portal.transfer``, so each
importer's own permission and scope checks apply.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, State, callback, ctx, dcc, html, no_update

from portal import forms, transfer, ui
from portal.access import current_actor
from portal.errors import Invalid, PortalError
from portal.i18n import _, current_lang
from portal.pages.jobs import job_panel, start_job
from portal.tabular import ImportProblem

# Placed on many pages: a login suffices here, each importer and exporter checks its own
# permission and scope (transfer.run_import / run_export).
ui.shared_controls(__name__, permission=None)


def import_panel(kind: str, *, period_id: str | None = None,
                 help_text: str | None = None) -> html.Div:
    return html.Div([
        dcc.Upload(
            id={"type": "import-upload", "kind": kind},
            children=html.Div([_("Drop a CSV or XLSX file here, or "), html.A(_("choose a file"))]),
            className="upload-box", multiple=False, max_size=64 * 1024 * 1024,
        ),
        dbc.Checkbox(id={"type": "import-dry-run", "kind": kind}, value=True,
                     label=_("Dry run: check the file without saving"), class_name="mt-2"),
        html.Div(help_text, className="form-text") if help_text else None,
        dcc.Store(id={"type": "import-period", "kind": kind}, data=period_id),
        dcc.Loading(html.Div(id={"type": "import-result", "kind": kind}), type="dot"),
    ], className="import-panel")


def export_buttons(kind: str, *, period_id: str | None = None,
                   background: bool = False) -> html.Div:
    """XLSX and CSV buttons of the export ``kind``; ``background`` for a big one (the whole
    cadre registry): the file is built by a job (``export.<kind>``, ``portal.jobs``) and
    offered as a link when ready, so the request returns at once."""
    if background:
        return _background_export_buttons(kind, period_id)
    return html.Div([
        _format_buttons("export-btn", kind),
        dcc.Store(id={"type": "export-period", "kind": kind}, data=period_id),
        dcc.Download(id={"type": "export-download", "kind": kind}),
        html.Div(id={"type": "export-error", "kind": kind}),
    ], className="d-inline-block")


@callback(
    Output({"type": "import-result", "kind": MATCH}, "children"),
    Output({"type": "import-upload", "kind": MATCH}, "contents"),
    Input({"type": "import-upload", "kind": MATCH}, "contents"),
    State({"type": "import-upload", "kind": MATCH}, "filename"),
    State({"type": "import-dry-run", "kind": MATCH}, "value"),
    State({"type": "import-period", "kind": MATCH}, "data"),
    State({"type": "import-upload", "kind": MATCH}, "id"),
    prevent_initial_call=True,
)
def run_upload(contents, filename, dry_run, period, component_id):
    """Import the uploaded file; the upload is then cleared so the same file can be sent
    again (after a dry run, say)."""
    if not contents:
        return no_update, no_update
    return _import_message(contents, filename, dry_run, period, component_id["kind"]), None


def _import_message(contents, filename, dry_run, period, kind):
    current_actor()
    try:
        data = forms.upload(contents)
    except Invalid as error:
        return ui.alert(error.message)
    return ui.write(True, lambda session, actor: transfer.run_import(
        session, actor, kind, data, filename or "upload", dry_run=bool(dry_run), period=period),
        refused=refused_import, then=lambda result: imported(result, dry_run))


def refused_import(error: PortalError):
    """The alert for a refused import: every row problem listed under the message."""
    return ui.alert(error.message, "danger",
                    error.lines() if isinstance(error, ImportProblem) else ())


def imported(result, dry_run) -> Any:
    """The alert for a finished import (or dry run) with its notes."""
    tone = "info" if dry_run else "success"
    extra = [_("Untick “Dry run” and upload again to save.")] if dry_run else []
    return ui.alert(result.summary(), tone, [*result.notes, *extra])


def _format_buttons(button_type: str, kind: str) -> dbc.ButtonGroup:
    return dbc.ButtonGroup([
        dbc.Button(_("Export XLSX"), id={"type": button_type, "kind": kind, "fmt": "xlsx"},
                   color="secondary", outline=True, size="sm"),
        dbc.Button(_("Export CSV"), id={"type": button_type, "kind": kind, "fmt": "csv"},
                   color="secondary", outline=True, size="sm"),
    ])


def _background_export_buttons(kind: str, period_id: str | None) -> html.Div:
    job = f"export.{kind}"
    return html.Div([
        _format_buttons("export-job", job),
        dcc.Store(id={"type": "export-job-period", "kind": job}, data=period_id),
        html.Div(id={"type": "export-job-error", "kind": job}),
        job_panel(job),
    ], className="d-inline-block export-job")


@callback(
    Output({"type": "job-id", "kind": MATCH}, "data", allow_duplicate=True),
    Output({"type": "export-job-error", "kind": MATCH}, "children"),
    Input({"type": "export-job", "kind": MATCH, "fmt": "xlsx"}, "n_clicks"),
    Input({"type": "export-job", "kind": MATCH, "fmt": "csv"}, "n_clicks"),
    State({"type": "export-job-period", "kind": MATCH}, "data"),
    State({"type": "export-job-error", "kind": MATCH}, "id"),
    prevent_initial_call=True,
)
def start_export(xlsx, csv, period, component_id):
    """Start building the export in the background (``export.<kind>`` job)."""
    current_actor()
    if not (xlsx or csv):
        return no_update, no_update
    fmt = ctx.triggered_id["fmt"] if isinstance(ctx.triggered_id, dict) else "xlsx"
    return start_job(component_id["kind"], {
        "fmt": fmt, "period": period, "header_style": "zh" if current_lang() == "zh" else "key"})


@callback(
    Output({"type": "export-download", "kind": MATCH}, "data"),
    Output({"type": "export-error", "kind": MATCH}, "children"),
    Input({"type": "export-btn", "kind": MATCH, "fmt": "xlsx"}, "n_clicks"),
    Input({"type": "export-btn", "kind": MATCH, "fmt": "csv"}, "n_clicks"),
    State({"type": "export-period", "kind": MATCH}, "data"),
    State({"type": "export-download", "kind": MATCH}, "id"),
    prevent_initial_call=True,
)
def run_download(_xlsx, _csv, period, component_id):
    fmt = ctx.triggered_id["fmt"] if ctx.triggered_id else "xlsx"
    kind = component_id["kind"]
    name = f"{kind}{'-' + str(period) if period else ''}-{date.today().isoformat()}.{fmt}"
    return ui.write(
        True,
        lambda session, actor: transfer.run_export(
            session,
            actor,
            kind,
            fmt,
            period=period,
            header_style="zh" if current_lang() == "zh" else "key",
        ),
        refused=lambda error: (no_update, ui.alert(error.message)),
        then=lambda content: (dcc.send_bytes(content, name), None),
    )
