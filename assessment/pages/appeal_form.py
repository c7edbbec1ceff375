"""A unit appeals (申诉) one indicator's announced score: the period still open to appeal,
the indicator with its announced value and points, the reason, and an optional evidence
file (PDF, PNG or JPEG). Below, the unit's appeals and how they were decided."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from assessment import appeals
from assessment.pages import common
from portal import db, forms, ui
from portal.access import current_actor
from portal.errors import Invalid, PortalError
from portal.i18n import N_, _

MAX_UPLOAD = 20 * 1024 * 1024  # the browser refuses more; the rule value is checked on the server


def layout(unit: str | None = None, period: str | None = None, **_query):
    actor = current_actor()
    actor.require("assessment.appeal")
    units = appeals.appeal_units(db.session(), actor, date.today())
    options = [{"label": f"{name} ({code})", "value": unit_id} for unit_id, code, name in units]
    wanted = common.as_int(unit)
    chosen = wanted if wanted in {o["value"] for o in options} else (
        actor.unit_id if actor.unit_id in {o["value"] for o in options}
        else (options[0]["value"] if len(options) == 1 else None))
    return html.Div([
        ui.page_header(_("Appeal a score (申诉)"),
                       _("While results are announced, a unit may appeal one indicator's score: "
                         "say why it is wrong and attach evidence. The assessment office upholds "
                         "the appeal (the score is corrected) or rejects it with a reason.")),
        html.Div(id="as-apf-message"),
        dbc.Row([
            dbc.Col(ui.section(_("New appeal"), _form(options, chosen, period)), lg=6),
            dbc.Col(ui.section(_("Appeals of the unit"), html.Div(id="as-apf-list")), lg=6),
        ], class_name="g-3"),
        dcc.Store(id="as-apf-changed", data=0),
    ])


def _form(options: list[dict], chosen, period) -> html.Div:
    if not options:
        return ui.empty_state(_("No period is open to appeal for the units you report for."),
                              _("Appeals are accepted while a period's results are announced "
                                "(公示), until its last day."))
    return html.Div([
        html.Div([dbc.Label(_("Unit"), html_for="as-apf-unit", class_name="small text-muted mb-1"),
                  ui.dropdown("as-apf-unit", options, chosen, clearable=False)], className="mb-2"),
        html.Div([dbc.Label(_("Assessment period"), html_for="as-apf-period",
                            class_name="small text-muted mb-1"),
                  ui.dropdown("as-apf-period", [], period, clearable=False)], className="mb-2"),
        html.Div(id="as-apf-window", className="form-text mb-2"),
        html.Div([dbc.Label(_("Indicator"), html_for="as-apf-indicator",
                            class_name="small text-muted mb-1"),
                  ui.dropdown("as-apf-indicator", [], None, clearable=False)], className="mb-2"),
        dbc.Label(_("Why the score is wrong"), html_for="as-apf-reason",
                  class_name="small text-muted mb-1"),
        dbc.Textarea(id="as-apf-reason", rows=4, maxLength=appeals.REASON_MAX, class_name="mb-2"),
        dcc.Upload(id="as-apf-upload", children=html.Div(_("Evidence (optional): drop a PDF, PNG "
                                                           "or JPEG here, or click to choose")),
                   className="upload-box mb-1", multiple=False, max_size=MAX_UPLOAD,
                   accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"),
        html.Div(id="as-apf-file", className="small text-muted mb-2"),
        dbc.Button(_("Send the appeal"), id="as-apf-send", color="primary", size="sm"),
    ])


@callback(Output("as-apf-period", "options"), Output("as-apf-period", "value"),
          Input("as-apf-unit", "value"), State("as-apf-period", "value"))
def periods_of_unit(unit_id, chosen):
    actor = current_actor()
    try:
        found = appeals.appealable(db.session(), actor, int(unit_id)) if unit_id else []
    except (PortalError, TypeError, ValueError):
        found = []
    codes = [a.period_code for a in found]
    labels = {p.code: common.period_label(p) for p in appeals.open_windows(db.session(),
                                                                          date.today())}
    return ([{"label": labels.get(code, code), "value": code} for code in codes],
            chosen if chosen in codes else (codes[0] if codes else None))


@callback(Output("as-apf-indicator", "options"), Output("as-apf-window", "children"),
          Input("as-apf-period", "value"), State("as-apf-unit", "value"))
def indicators_of_period(period_code, unit_id):
    actor = current_actor()
    try:
        found = appeals.appealable(db.session(), actor, int(unit_id)) if unit_id else []
    except (PortalError, TypeError, ValueError):
        found = []
    chosen = next((a for a in found if a.period_code == period_code), None)
    if chosen is None:
        return [], ""
    options = [{"label": _("%(name)s (%(code)s): value %(value)s, %(points)s points", name=name,
                           code=code, value="—" if value is None else f"{value:g}",
                           points=f"{points:g}"), "value": code}
               for code, name, value, points in chosen.indicators]
    return options, _("Appeals are accepted until %(end)s.", end=chosen.window.end.isoformat())


@callback(Output("as-apf-file", "children"), Input("as-apf-upload", "filename"),
          prevent_initial_call=True)
def show_file(filename):
    current_actor().require("assessment.appeal")
    return _("Attached: %(name)s", name=filename) if filename else ""


def _decoded(contents: str | None) -> bytes | None:
    if not contents:
        return None
    return forms.upload(contents, _("The evidence file could not be read; choose it again."),
                        "evidence")


@callback(Output("as-apf-message", "children"), Output("as-apf-changed", "data"),
          Output("as-apf-reason", "value"), Output("as-apf-upload", "contents"),
          Input("as-apf-send", "n_clicks"),
          State("as-apf-unit", "value"), State("as-apf-period", "value"),
          State("as-apf-indicator", "value"), State("as-apf-reason", "value"),
          State("as-apf-upload", "contents"), State("as-apf-upload", "filename"),
          State("as-apf-changed", "data"), prevent_initial_call=True)
def send(clicks, unit_id, period_code, indicator, reason, contents, filename, changed):
    def change(session, actor):
        if not unit_id or not period_code or not indicator:
            raise Invalid(_("Choose the unit, the period and the indicator."))
        appeal = appeals.file_appeal(session, actor, period_code, int(unit_id), indicator,
                                     reason or "", evidence=_decoded(contents),
                                     evidence_name=filename or "")
        return appeal.indicator_code

    return ui.write(clicks, change,
                    refused=lambda error: (ui.alert(error.message), no_update, no_update,
                                           no_update),
                    then=lambda code: (ui.alert(_("The appeal against %(code)s was sent to the "
                                                  "assessment office.", code=code), "success"),
                                       (changed or 0) + 1, "", None))


@callback(Output("as-apf-list", "children"), Input("as-apf-unit", "value"),
          Input("as-apf-changed", "data"))
def unit_appeals(unit_id, _changed):
    actor = current_actor()
    if not unit_id:
        return ui.empty_state(_("Choose a unit."))
    try:
        found, count = appeals.appeals_page(db.session(), actor, unit_id=int(unit_id), end=50)
    except (PortalError, TypeError, ValueError):
        return ui.alert(_("The appeals of this unit cannot be shown."), "warning")
    if not found:
        return ui.empty_state(_("This unit has made no appeal."))
    items = [html.Li([
        html.Strong(f"{a.period_code} · {a.indicator_name} ({a.indicator_code})"), " · ",
        html.Span(a.status.label, className=f"badge as-appeal-{a.status.value}"),
        html.Div(a.reason, className="small"),
        html.Div(_("Decision: %(reason)s", reason=a.decision_reason), className="small text-muted")
        if a.decision_reason else None,
        html.Div(_("Corrected value: %(value)s", value=f"{a.corrected_value:g}"),
                 className="small text-muted") if a.corrected_value is not None else None,
    ], className="mb-2") for a in found]
    more = html.Div(_("%(n)s appeals in all; 50 are shown.", n=count),
                    className="small text-muted") if count > len(found) else None
    return html.Div([html.Ul(items, className="list-unstyled as-appeal-list"), more])


ui.register(__name__, path="/assessment/appeal", title=N_("Appeal a score"), layout=layout,
            permission="assessment.appeal", section="assessment", order=29)
