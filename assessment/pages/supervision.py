"""Supervision items (督查事项): assign a task to a unit with a deadline, record findings and
rectification (整改), verify it. Overdue or failed items deduct points on the named indicator."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from assessment import supervision
from assessment.enums import SupervisionStatus
from assessment.pages import common
from portal import db, forms, ui, units
from portal.access import current_actor
from portal.errors import PortalError
from portal.i18n import N_, _

STATUS_FILTERS = [SupervisionStatus.OVERDUE, SupervisionStatus.ASSIGNED,
                  SupervisionStatus.IN_PROGRESS,
                  SupervisionStatus.RECTIFIED, SupervisionStatus.VERIFIED, SupervisionStatus.FAILED]


def layout(item: str | None = None, status: str | None = None, **_query):
    actor = current_actor()
    session = db.session()
    unit_options = [{"label": "\u3000" * (u.path.count("/") - 2) + u.name, "value": u.id,
                     "search": u.code}
                    for u in units.units_in_scope(session, actor)]
    can_edit = actor.can("supervision.edit")
    return html.Div([
        ui.page_header(_("Supervision items"),
                       _("Tasks assigned to units with a deadline. An item still open after its "
                         "deadline is overdue; "
                         "an overdue or failed item deducts its points on the named indicator of "
                         "that quarter.")),
        html.Div([
            html.Div([html.Div(_("Status"), className="small text-muted mb-1"),
                      ui.dropdown("as-su-status",
                                  [{"label": s.label, "value": s.value} for s in STATUS_FILTERS],
                                      status, clearable=True, placeholder=_("All"))],
                     className="as-control"),
            html.Div([html.Div(_("Unit"), className="small text-muted mb-1"),
                      ui.dropdown("as-su-unit", unit_options, None, clearable=True,
                                  placeholder=_("All units"))],
                     className="as-control", style={"minWidth": "280px"}),
        ], className="as-toolbar"),
        html.Div(id="as-su-message"),
        dbc.Row([
            dbc.Col(ui.section(_("Items"),
                               html.Div(ui.grid("as-su-grid", [], _columns(), height=480,
                                                selectable=True,
                                                            getRowId="params.data.id"),
                                                    className="as-grid")), lg=8),
            dbc.Col([ui.section(_("Selected item"), html.Div(id="as-su-detail")),
                     ui.section(_("Assign a new item"),
                                _new_form(unit_options)) if can_edit else None], lg=4),
        ], class_name="g-3"),
        dcc.Store(id="as-su-changed", data=0),
        dcc.Store(id="as-su-selected", data=common.as_int(item)),
    ])


def _columns() -> list[dict]:
    return [
        {"field": "unit_name", "headerName": _("Unit"), "minWidth": 150},
        {"field": "title", "headerName": _("Item"), "minWidth": 220, "tooltipField": "title"},
        {"field": "deadline", "headerName": _("Deadline"), "maxWidth": 120},
        {"field": "status_label", "headerName": _("Status"), "maxWidth": 140,
         "cellClassRules": {"as-invalid": "params.data.overdue || params.data.status == 'failed'"}},
        {"field": "days", "headerName": _("Days left"), "type": "rightAligned", "maxWidth": 110},
        {"field": "points", "headerName": _("Deduction"), **common.NUMBER_COLUMN},
    ]


def _new_form(unit_options) -> html.Div:
    return html.Div([
        dbc.Label(_("Unit"), html_for="as-su-new-unit", class_name="small text-muted mb-1 d-block"),
        ui.dropdown("as-su-new-unit", unit_options, None, placeholder=_("Choose a unit"),
                    clearable=False),
        dbc.Label(_("What must be done"), html_for="as-su-new-title",
                  class_name="small text-muted mb-1 mt-2 d-block"),
        dbc.Input(id="as-su-new-title", maxLength=200, size="sm"),
        dbc.Row([
            dbc.Col([html.Div(_("Deadline"), className="small text-muted mb-1 mt-2"),
                     dcc.DatePickerSingle(id="as-su-new-deadline", display_format="YYYY-MM-DD",
                                          min_date_allowed=date.today(),
                                          placeholder=_("Choose a date"))], width=6),
            dbc.Col([dbc.Label(_("Deduction (points)"), html_for="as-su-new-points",
                               class_name="small text-muted mb-1 mt-2 d-block"),
                     dbc.Input(id="as-su-new-points", type="number", min=0, step="any", size="sm",
                               placeholder="1")], width=6),
        ]),
        dbc.Label(_("Deduction indicator code"), html_for="as-su-new-indicator",
                  class_name="small text-muted mb-1 mt-2 d-block"),
        dbc.Input(id="as-su-new-indicator", value="SUP", maxLength=32, size="sm"),
        html.Div(_("A deduction indicator of the unit's scheme, e.g. SUP (督查事项按期办结)."),
                 className="form-text"),
        dbc.Button(_("Assign"), id="as-su-create", color="primary", size="sm", class_name="mt-2"),
    ])


@callback(Output("as-su-grid", "rowData"), Input("as-su-status", "value"),
          Input("as-su-unit", "value"),
          Input("as-su-changed", "data"))
def list_items(status, unit_id, _changed):
    actor = current_actor()
    try:
        found = supervision.list_items(db.session(), actor, unit_id=unit_id, status=status)
    except PortalError:
        return []
    return [{"id": i.id, "unit_name": i.unit_name, "title": i.title,
             "deadline": i.deadline.isoformat(),
             "status": i.status.value, "status_label": i.status.label, "overdue": i.overdue,
             "days": i.days_left if i.status in (SupervisionStatus.ASSIGNED,
                                                 SupervisionStatus.IN_PROGRESS,
                                                 SupervisionStatus.OVERDUE) else None,
             "points": i.points} for i in found]


@callback(Output("as-su-selected", "data"), Input("as-su-grid", "selectedRows"),
          prevent_initial_call=True)
def select_item(selected):
    current_actor()
    return selected[0]["id"] if selected else no_update


@callback(Output("as-su-detail", "children"), Input("as-su-selected", "data"),
          Input("as-su-changed", "data"))
def show_item(item_id, _changed):
    actor = current_actor()
    if not item_id:
        return ui.empty_state(_("Choose an item in the list."))
    try:
        item = supervision.get_item(db.session(), actor, int(item_id))
    except (PortalError, TypeError, ValueError):
        return ui.empty_state(
            _("No such supervision item among the units you are responsible for.")
        )
    moves = sorted(supervision.MOVES.get(item.stored_status, set()),
                   key=list(SupervisionStatus).index)
    facts = html.Dl([
        html.Dt(_("Unit")), html.Dd(dcc.Link(item.unit_name, href=common.unit_href(item.unit_id))),
        html.Dt(_("Assigned")), html.Dd(item.assigned_on.isoformat()),
        html.Dt(_("Deadline")), html.Dd(item.deadline.isoformat()),
        html.Dt(_("Status")), html.Dd(item.status.label),
        html.Dt(_("Deduction")),
                     html.Dd(_("%(points)s points on %(code)s", points=f"{item.points:g}",
                                           code=item.indicator_code or "—")),
    ], className="as-facts")
    editor = html.Div([
        html.Div(_("Finding"), className="small text-muted mb-1"),
        dbc.Textarea(id={"type": "as-su-finding", "n": 0}, value=item.finding, rows=2),
        html.Div(_("Rectification (整改)"), className="small text-muted mb-1 mt-2"),
        dbc.Textarea(id={"type": "as-su-rectification", "n": 0}, value=item.rectification, rows=2),
        html.Div([dbc.Button(_("Save the notes"), id={"type": "as-su-move", "to": "notes"},
                             color="secondary",
                             outline=True, size="sm", class_name="me-2 mt-2")]
                 + [dbc.Button(_("Mark as %(status)s", status=s.label),
                               id={"type": "as-su-move", "to": s.value},
                               color="primary", size="sm", class_name="me-2 mt-2") for s in moves]),
        dcc.Store(id={"type": "as-su-version", "n": 0}, data=item.version),
    ]) if actor.can("supervision.edit") else None
    return html.Div([facts, editor])


@callback(
    Output("as-su-message", "children"),
    Output("as-su-changed", "data"),
    Input({"type": "as-su-move", "to": ALL}, "n_clicks"),
    State("as-su-selected", "data"),
    State({"type": "as-su-version", "n": ALL}, "data"),
    State({"type": "as-su-finding", "n": ALL}, "value"),
    State({"type": "as-su-rectification", "n": ALL}, "value"),
    State("as-su-changed", "data"),
    prevent_initial_call=True,
)
def change_item(moves, item_id, versions, findings, rectifications, changed):
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(moves):
        return no_update, no_update
    target = None if trigger["to"] == "notes" else SupervisionStatus(trigger["to"])

    def change(session, actor):
        supervision.update(session, actor, forms.whole(item_id, _("the item")),
                           forms.whole((versions or [0])[0], _("the version")), status=target,
                           finding=(findings or [None])[0],
                           rectification=(rectifications or [None])[0])

    message = _("Saved.") if target is None else _("The item is now %(status)s.",
                                                   status=target.label)
    return ui.write(True, change, refused=_refused,
                    then=lambda _done: (ui.alert(message, "success"), (changed or 0) + 1))


def _refused(error):
    return ui.alert(error.message, "danger"), no_update


@callback(
    Output("as-su-message", "children", allow_duplicate=True),
    Output("as-su-changed", "data", allow_duplicate=True),
    Input("as-su-create", "n_clicks"),
    State("as-su-new-unit", "value"),
    State("as-su-new-title", "value"),
    State("as-su-new-deadline", "date"),
    State("as-su-new-points", "value"),
    State("as-su-new-indicator", "value"),
    State("as-su-changed", "data"),
    prevent_initial_call=True,
)
def create_item(clicks, unit_id, title, deadline, points, indicator, changed):
    def change(session, actor):
        if not unit_id or not deadline:
            return False
        supervision.create(session, actor, unit_id=forms.whole(unit_id, _("Unit")),
                           title=title or "",
                           deadline=forms.day(deadline, _("Deadline")), indicator_code=indicator,
                           points=forms.number(points, _("Points")))
        return True

    return ui.write(clicks, change, refused=_refused, idle=(no_update, no_update),
                    then=lambda created: (
        ui.alert(_("The item was assigned."), "success"), (changed or 0) + 1) if created
        else (ui.alert(_("Choose the unit and the deadline."), "warning"), no_update))


ui.register(__name__, path="/assessment/supervision", title=N_("Supervision items"), layout=layout,
            permission=("supervision.view", "supervision.edit"), section="assessment", order=30)
