"""The reporter's page (填报): the figures a unit or a lead department reports for a period,
entered cell by cell as a draft, with evidence files, then submitted to the assessment
office. A returned report shows the office's reason; a locked one says why. A unit's
reporter also sees the unit's published result, its rank and where points were lost."""

from __future__ import annotations

import functools

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from assessment import results, service, submissions
from assessment.enums import SubmissionStatus
from assessment.pages import charts, common
from assessment.submissions import SubmissionView
from portal import db, forms, ui
from portal.access import Actor, current_actor
from portal.enums import UnitLevel
from portal.errors import Invalid, PortalError
from portal.i18n import N_, _

STATUS_TONES = {SubmissionStatus.DRAFT: "secondary", SubmissionStatus.SUBMITTED: "primary",
                SubmissionStatus.RETURNED: "danger", SubmissionStatus.ACCEPTED: "success",
                SubmissionStatus.LOCKED: "dark"}
SHOW = {"all": N_("All units"), "not_submitted": N_("Not submitted"),
        "returned_often": N_("Returned twice"), "accepted": N_("Accepted")}
UPLOAD_LIMIT = 12 * 1024 * 1024  # the browser's own limit; the server checks 10 MB and says so


def layout(period: str | None = None, **_query):
    actor = current_actor()
    session = db.session()
    found = submissions.reporting_periods(session, actor)
    if not found:
        return html.Div([ui.page_header(_("My reporting")), ui.empty_state(
            _("No assessment period is open for reporting yet."),
            _("The assessment office opens a period for collection; then your figures appear "
              "here."))])
    codes = [p.code for p in found]
    chosen = period if period in codes else submissions.default_period(found)
    options = [{"label": f"{common.period_label(p)} · {p.status.label}", "value": p.code}
               for p in found]
    department = actor.department_code
    subtitle = (_("The indicators your lead department scores, for every unit in your scope.")
                if department else
                _("Your unit's own figures for the period: each cell is saved as a draft when you "
                  "leave it; attach evidence, then submit them to the assessment office."))
    return html.Div([
        ui.page_header(_("My reporting"), subtitle),
        html.Div([html.Div([html.Div(_("Assessment period"), className="small text-muted mb-1"),
                            ui.dropdown("as-rp-period", options, chosen, clearable=False)],
                           className="as-control", style={"minWidth": "230px"})],
                 className="as-toolbar"),
        _department_units() if department else None,
        dcc.Store(id="as-rp-unit", data=None if department else actor.unit_id),
        dcc.Store(id="as-rp-refresh", data=0),
        html.Div(id="as-rp-message"),
        dcc.Loading(html.Div(id="as-rp-editor"), type="dot"),
        dcc.Download(id="as-rp-download"),
        None if department else html.Div(id="as-rp-survey"),
        None if department else _own_results(actor),
    ])


def _department_units() -> dbc.Card:
    columns = [
        {"field": "unit_name", "headerName": _("Unit"), "minWidth": 160},
        {"field": "unit_code", "headerName": _("Code"), "maxWidth": 140},
        {"field": "status_label", "headerName": _("Status"), "maxWidth": 130, "sortable": False},
        {"field": "due_on", "headerName": _("Due"), "maxWidth": 120, "sortable": False,
         "cellClassRules": {"as-invalid": "params.data && params.data.overdue"}},
        {"field": "returned_count", "headerName": _("Times returned"), "maxWidth": 120},
    ]
    return ui.section(_("Units"), [
        dbc.RadioItems(id="as-rp-show", options=[{"label": _(v), "value": k}
                                                 for k, v in SHOW.items()],
                       value="all", inline=True, class_name="mb-2"),
        html.Div(_("Choose a unit to enter its figures."), className="form-text mb-1"),
        html.Div(ui.paged_grid("as-rp-units", columns, height=300, page_size=20,
                               selectable=True), className="as-grid"),
    ])


# --- the editor -------------------------------------------------------------------------------

@callback(Output("as-rp-editor", "children"), Input("as-rp-period", "value"),
          Input("as-rp-unit", "data"), Input("as-rp-refresh", "data"))
def show_editor(period, unit_id, _refresh):
    actor = current_actor()
    if not period or not isinstance(unit_id, int):
        return ui.empty_state(_("Choose a unit in the list above."))
    try:
        found = submissions.view(db.session(), actor, period, unit_id, actor.department_code)
    except PortalError as error:
        return ui.alert(error.message, "warning")
    return editor(found)


def editor(found: SubmissionView) -> html.Div:
    editable = found.lock is None
    status = html.Span(found.status.label,
                       className=f"badge text-bg-{STATUS_TONES[found.status]} as-rp-status")
    facts = [status, html.Span(f" {found.unit_name} · {found.set_name}", className="ms-2")]
    if found.due_on:
        facts.append(html.Span(_("Due %(day)s", day=found.due_on.isoformat()),
                               className="badge text-bg-danger ms-3" if found.overdue
                               else "ms-3"))
    notices = []
    if found.status == SubmissionStatus.RETURNED and found.return_reason:
        notices.append(dbc.Alert([html.Strong(_("Returned by the assessment office: ")),
                                  found.return_reason], color="danger", className="as-rp-return"))
    if found.exception_reason and editable:
        notices.append(dbc.Alert([html.Strong(_("Reopened as an exception: ")),
                                  found.exception_reason], color="info"))
    if found.lock is not None:
        notices.append(dbc.Alert(found.lock.label, color="secondary", className="as-rp-lock"))
    return html.Div([
        html.Div(facts, className="mb-2"),
        *notices,
        ui.section(_("Figures"), html.Div(ui.grid(
            "as-rp-grid", found.figures, figure_columns(editable), page_size=50,
            height=min(480, 110 + 42 * len(found.figures)), getRowId="params.data.id",
            dashGridOptions={"stopEditingWhenCellsLoseFocus": True, "singleClickEdit": True}),
            className="as-grid"),
            actions=dbc.Button(_("Submit to the assessment office"), id="as-rp-submit",
                               color="primary", size="sm", disabled=not editable)),
        ui.section(_("Evidence"), _evidence(found, editable)),
        dcc.Store(id="as-rp-submission", data=found.id),
    ])


def figure_columns(editable: bool) -> list[dict]:
    return [
        {"field": "indicator_name", "headerName": _("Indicator"), "minWidth": 220,
         "tooltipField": "indicator_name"},
        {"field": "method_label", "headerName": _("Scoring"), "maxWidth": 130},
        {"field": "max", "headerName": _("Full score"), **common.NUMBER_COLUMN},
        {"field": "unit_label", "headerName": _("Unit of measure"), "maxWidth": 110},
        {"field": "value", "headerName": _("Value"), "editable": editable,
         "type": "rightAligned", "maxWidth": 130, "cellEditor": "agNumberCellEditor",
         "cellEditorParams": {"min": 0, "showStepperButtons": False},
         "cellClassRules": {"as-missing": "params.value == null && params.data.required",
                            "as-editable": "true" if editable else "false"}},
        {"field": "note", "headerName": _("Note"), "editable": editable, "minWidth": 160},
    ]


def _evidence(found: SubmissionView, editable: bool):
    files = html.Ul([html.Li([
        html.Button(item["filename"], id={"type": "as-rp-evidence", "id": item["id"]},
                    className="btn btn-link btn-sm p-0 as-rp-evidence-link"),
        html.Span(f" · {item['size'] / 1024:,.0f} KB · {item['uploaded_by']}",
                  className="as-muted"),
    ]) for item in found.evidence], className="as-rp-files") if found.evidence else html.P(
        _("No evidence attached yet."), className="text-muted small")
    upload = dcc.Upload(id="as-rp-upload", children=html.Div(
        [_("Drop a PDF, PNG or JPEG file here, or "), html.A(_("choose a file"))]),
        className="upload-box", multiple=False, max_size=UPLOAD_LIMIT,
        accept=".pdf,.png,.jpg,.jpeg") if editable else None
    return html.Div([files, upload,
                     html.Div(_("At most 10 MB per file; the content must match the file type."),
                              className="form-text") if editable else None])


# --- writes -----------------------------------------------------------------------------------

@callback(Output("as-rp-message", "children"), Input("as-rp-grid", "cellValueChanged"),
          State("as-rp-period", "value"), State("as-rp-unit", "data"),
          prevent_initial_call=True)
def save_cells(changes, period, unit_id):
    """Save each edited figure as a draft; a refused value says why and names the indicator."""
    changes = changes if isinstance(changes, list) else [changes] if changes else []
    if not changes:
        return no_update
    messages = []
    for change in changes:
        row, column = dict(change.get("data") or {}), change.get("colId")
        error = ui.write(True, functools.partial(_save_figure, period=period, unit_id=unit_id,
                                                 row=row, column=column),
                         then=lambda _saved: None, refused=lambda refused: refused)
        if error is not None:
            messages.append(error.message)
    if messages:
        return dbc.Alert(messages, color="warning", dismissable=True)
    return ui.alert(_("Saved as a draft."), "success")


def _save_figure(session, actor: Actor, *, period, unit_id, row: dict, column) -> None:
    value = forms.number(row.get("value"), _("Value"))
    unit = forms.whole(unit_id, _("Unit"))
    submissions.save_figure(session, actor, period, unit, actor.department_code,
                            str(row.get("indicator_code") or ""), value,
                            note=row.get("note") if column == "note" else None)


@callback(Output("as-rp-message", "children", allow_duplicate=True),
          Output("as-rp-refresh", "data"),
          Input("as-rp-submit", "n_clicks"), State("as-rp-submission", "data"),
          State("as-rp-refresh", "data"), prevent_initial_call=True)
def submit(clicks, submission_id, refresh):
    def change(session, actor):
        if not isinstance(submission_id, int):
            raise Invalid(_("Enter your figures first."))
        submissions.act(session, actor, submission_id, "submit")
        return _("Submitted to the assessment office.")

    return ui.write(clicks, change, then=lambda message: (ui.alert(message, "success"),
                                                          (refresh or 0) + 1),
                    refused=lambda error: (ui.alert(error.message), no_update),
                    idle=(no_update, no_update))


@callback(Output("as-rp-message", "children", allow_duplicate=True),
          Output("as-rp-refresh", "data", allow_duplicate=True),
          Input("as-rp-upload", "contents"), State("as-rp-upload", "filename"),
          State("as-rp-period", "value"), State("as-rp-unit", "data"),
          State("as-rp-refresh", "data"), prevent_initial_call=True)
def upload(contents, filename, period, unit_id, refresh):
    """Attach an evidence file; a wrong type, a disguised file or one too large is refused."""
    def change(session, actor):
        data = forms.upload(contents)
        saved = submissions.add_evidence(session, actor, period, forms.whole(unit_id, _("Unit")),
                                         actor.department_code, str(filename or ""), data)
        return _("%(file)s attached.", file=saved.filename)

    return ui.write(contents, change, then=lambda message: (ui.alert(message, "success"),
                                                            (refresh or 0) + 1),
                    refused=lambda error: (ui.alert(error.message), no_update),
                    idle=(no_update, no_update))


@callback(Output("as-rp-download", "data"),
          Input({"type": "as-rp-evidence", "id": ALL}, "n_clicks"), prevent_initial_call=True)
def download(clicks):
    """An evidence file, for its owner (the office downloads from its board)."""
    actor = current_actor()
    if not any(clicks or []) or not isinstance(ctx.triggered_id, dict):
        return no_update
    try:
        name, _kind, data = submissions.evidence_file(db.session(), actor,
                                                      ctx.triggered_id.get("id"))
    except PortalError:
        return no_update
    return dcc.send_bytes(data, name)


# --- a department's units ---------------------------------------------------------------------

@callback(Output("as-rp-units", "getRowsResponse"), Input("as-rp-units", "getRowsRequest"),
          State("as-rp-period", "value"), State("as-rp-show", "value"))
def unit_rows(request, period, show):
    return common.progress_response(request, period, show)


ui.purge_when("as-rp-units", Input("as-rp-period", "value"), Input("as-rp-show", "value"),
              Input("as-rp-refresh", "data"))


@callback(Output("as-rp-unit", "data"), Input("as-rp-units", "selectedRows"),
          prevent_initial_call=True)
def choose_unit(selected):
    current_actor()
    unit_id = common.selected_id(selected, "unit_id")
    return no_update if unit_id is None else unit_id


# --- the unit's satisfaction survey ----------------------------------------------------------

@callback(Output("as-rp-survey", "children"), Input("as-rp-period", "value"),
          Input("as-rp-unit", "data"))
def show_survey(period, unit_id):
    """The unit's satisfaction survey (群众满意度) for the chosen period: per respondent group
    the codes issued and answered and, from the minimum count on, the mean; never a single
    response nor who answered. The server refuses any unit but the reporter's own."""
    actor = current_actor()
    if not period or not isinstance(unit_id, int):
        return None
    chosen = service.period_by_code(db.session(), str(period))
    title = (_("Satisfaction survey · %(period)s", period=common.period_label(chosen))
             if chosen else _("Satisfaction survey"))
    try:
        tally = service.survey_summary(db.session(), actor, period, unit_id)
    except PortalError as error:
        return ui.section(title, ui.alert(error.message, "warning"))
    if tally is None or not tally.issued:
        return ui.section(title, ui.empty_state(
            _("No satisfaction survey ran for your unit in this period."),
            _("The assessment office hands out anonymous survey slips; the answers are "
              "counted here once they come in.")))
    anonymity = _("not enough answers to show, to protect anonymity")
    rows = [html.Tr([html.Td(t.group.label), html.Td(f"{t.issued:,}", className="text-end"),
                     html.Td(f"{t.answered:,}", className="text-end"),
                     html.Td(f"{t.mean:.2f}" if t.mean is not None else html.Span(
                         anonymity if t.answered else "—", className="as-muted small"),
                         className="text-end")])
            for t in tally.groups if t.issued]
    table = dbc.Table([html.Thead(html.Tr([
        html.Th(_("Respondent group")), html.Th(_("Codes issued"), className="text-end"),
        html.Th(_("Answered"), className="text-end"),
        html.Th(_("Mean points"), className="text-end")])), html.Tbody(rows)],
        size="sm", class_name="as-rp-survey-table mb-2")
    score = (ui.kpi(_("Survey score"), f"{tally.score:.2f}", _("weighted over the groups"))
             if tally.score is not None else
             ui.kpi(_("Survey score"), "—", _("fewer than %(n)d answers: %(why)s",
                                             n=tally.min_responses, why=anonymity)))
    return ui.section(title, [
        html.Div([score, ui.kpi(_("Answered"), f"{tally.answered:,} / {tally.issued:,}",
                                _("codes answered / issued"))], className="kpi-row"),
        table,
        html.Div(_("A group's mean is shown from %(n)d answers on. Answers are anonymous: "
                   "nobody, the office included, can see who answered or what one person "
                   "answered.", n=tally.min_responses), className="form-text"),
    ])


# --- the unit's own results ---------------------------------------------------------------------

def _own_results(actor: Actor):
    """The unit's latest published result: composite, grade, ranks, the contribution
    waterfall and the indicators where it lost points."""
    session = db.session()
    latest = next(iter(common.published_options(session)), None)
    if latest is None:
        return ui.section(_("Your unit's results"),
                          ui.empty_state(_("No assessment period has been published yet.")))
    period = latest["value"]
    try:
        result = results.unit_result(session, actor, period, actor.unit_id)
        if result is None:
            return ui.section(_("Your unit's results"), ui.empty_state(
                _("%(unit)s has no result in %(period)s.", unit=actor.unit_name,
                  period=latest["label"])))
        dimensions = results.dimensions(session, actor, period, actor.unit_id)
        breakdown = results.breakdown(session, actor, period, actor.unit_id)
    except PortalError as error:
        return ui.alert(error.message, "warning")
    lost = breakdown.assign(lost=(breakdown["weight"] - breakdown["points"]).round(2))
    lost = lost[(lost["weight"] > 0) & (lost["lost"] > 0.005)].sort_values("lost",
                                                                          ascending=False)
    rows = [{"name": r.name, "dimension": r.dimension_name, "weight": r.weight,
             "value": r.value, "points": r.points, "lost": r.lost,
             "median": r.median_points} for r in lost.itertuples()]
    number = common.NUMBER_COLUMN
    columns = [{"field": "name", "headerName": _("Indicator"), "minWidth": 200},
               {"field": "dimension", "headerName": _("Dimension"), "maxWidth": 150},
               {"field": "weight", "headerName": _("Weight"), **number},
               {"field": "value", "headerName": _("Value"), **number},
               {"field": "points", "headerName": _("Points"), **number},
               {"field": "lost", "headerName": _("Points lost"), **number},
               {"field": "median", "headerName": _("Level median"), **number}]
    return ui.section(_("Your unit's results · %(period)s", period=latest["label"]), [
        html.Div([
            ui.kpi(_("Composite"), f"{result.composite:.2f}"),
            ui.kpi(_("Grade"), common.grade_badge(result.grade, result.vetoed)),
            ui.kpi(_("Rank within the level"), f"{result.rank_in_level} / {result.count_in_level}",
                   UnitLevel(result.level).label),
            ui.kpi(_("Rank among its siblings"),
                   f"{result.rank_in_parent} / {result.count_in_parent}",
                   _("units under the same parent")),
        ], className="kpi-row"),
        dbc.Row([
            dbc.Col(ui.graph("as-rp-waterfall", charts.contribution_waterfall(
                dimensions, result.bonus, result.composite), height=340), lg=6),
            dbc.Col([html.H3(_("Where points were lost"), className="h6"),
                     html.Div(ui.grid("as-rp-lost", rows, columns, height=340, page_size=20),
                              className="as-grid")
                     if rows else ui.empty_state(_("No points were lost."))], lg=6),
        ], class_name="g-3"),
    ])


ui.register(__name__, path="/assessment/report", title=N_("My reporting"), layout=layout,
            permission="assessment.report", section="assessment", order=5,
            home_for=("reporter",))
