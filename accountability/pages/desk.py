"""The case desk (案件工作台), the inspector's home page: cases by stage with days left and
overdue first, as a board or a table, quick filters (unit subtree, form, source, stage,
my cases), registering a new clue, and import/export of cases."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from accountability import case_desk, cases
from accountability.enums import CaseKind, CaseSource, Form
from accountability.pages.common import (
    case_href,
    date_input,
    days_badge,
    days_text,
    dropdown,
    failure,
    form_options,
    source_options,
    stage_badge,
    unit_options,
)
from accountability.scope import cadres_for_picker
from portal import db, forms, ui
from portal.access import current_actor
from portal.errors import PortalError
from portal.i18n import N_, _
from portal.pages import todo_panel
from portal.pages.transfer import export_buttons, import_panel
from portal.ui import field

CARDS_PER_COLUMN = 25


def _filters(session, actor) -> html.Div:
    return dbc.Row([
        field(_("Unit (with its subtree)"), dropdown("ac-desk-unit", unit_options(session, actor),
                                                    placeholder=_("All units in my scope")), 3),
        field(_("Form"), dropdown("ac-desk-form", form_options(), placeholder=_("Any form")), 2),
        field(_("Source of the clue"),
              dropdown("ac-desk-source", source_options(), placeholder=_("Any source")), 2),
        field(_("Case no., title or cadre"),
              dbc.Input(id="ac-desk-search", debounce=True, type="search",
                                                        placeholder=_("e.g. AC-2026 or 王")), 2),
        dbc.Col([
            dbc.Switch(id="ac-desk-mine", label=_("Only my cases"), value=False),
            dbc.Switch(id="ac-desk-open", label=_("Open cases only"), value=True),
        ], md=2, class_name="pt-3"),
        dbc.Col(dbc.RadioItems(id="ac-desk-view", options=[{"label": _("Board"), "value": "board"},
                                                           {"label": _("Table"), "value": "table"}],
                               value="board", inline=True, class_name="pt-4"), md=1),
    ], class_name="g-2 mb-3 ac-filters")


def _card(row: cases.CaseRow) -> dbc.Card:
    subjects = "、".join(row.subjects[:2]) + (_(" and %(n)s more", n=len(row.subjects) - 2)
                                             if len(row.subjects) > 2 else "")
    return dbc.Card(dbc.CardBody([
        html.Div([dcc.Link(row.case_no, href=case_href(row.id), className="ac-card-no"),
                  days_badge(row.days_left, row.overdue)], className="ac-card-head"),
        html.Div(row.title or "—", className="ac-card-title", title=row.title),
        html.Div(subjects, className="ac-card-subjects"),
        html.Div(row.unit, className="ac-card-unit"),
    ]), class_name="ac-card" + (" ac-card-overdue" if row.overdue else ""))


def board(columns: list[case_desk.BoardColumn]) -> html.Div:
    """Open cases by stage: each column's count and its most urgent cards."""
    return html.Div([html.Div([
        html.Div([stage_badge(column.stage),
                  html.Span(str(column.count), className="ac-column-count")],
                 className="ac-column-head"),
        html.Div([_card(r) for r in column.rows]
                 + ([html.Div(_("%(n)s more: switch to the table",
                                n=column.count - len(column.rows)), className="ac-more")]
                    if column.count > len(column.rows) else [])
                 or [html.Div(_("None"), className="ac-empty-column")],
                 className="ac-column-body"),
    ], className="ac-column") for column in columns], className="ac-board", id="ac-board")


def table_rows(rows: list[cases.CaseRow]) -> list[dict]:
    return [{"case_id": r.id, "case_no": r.case_no, "title": r.title,
             "subjects": "、".join(r.subjects),
             "stage": r.stage.label, "since": r.stage_since.isoformat(),
             "due": r.due_on.isoformat() if r.due_on else "",
             "days": days_text(r.days_left, r.overdue),
             "days_left": r.days_left, "source": r.source.label, "unit": r.unit,
             "handler": r.handler,
             "forms": "、".join(str(f) for f in r.forms)} for r in rows]


def table() -> html.Div:
    """The cases found, most urgent first, sent by the server a block at a time."""
    columns = [
        {"field": "case_no", "headerName": _("Case no."), "cellRenderer": "AcCaseLink",
         "minWidth": 130},
        {"field": "title", "headerName": _("Case title"), "minWidth": 200, "tooltipField": "title"},
        {"field": "subjects", "headerName": _("About"), "minWidth": 150,
         "tooltipField": "subjects"},
        {"field": "stage", "headerName": _("Stage"), "maxWidth": 130},
        {"field": "since", "headerName": _("Since"), "maxWidth": 120},
        {"field": "due", "headerName": _("Due"), "maxWidth": 120},
        {"field": "days", "headerName": _("Days left"), "maxWidth": 150,
         "cellClassRules": {"ac-cell-overdue": "data.days_left !== null && data.days_left < 0"}},
        {"field": "source", "headerName": _("Source of the clue"), "maxWidth": 150},
        {"field": "unit", "headerName": _("Unit"), "minWidth": 120},
        {"field": "handler", "headerName": _("Handler"), "maxWidth": 140},
        {"field": "forms", "headerName": _("Forms"), "maxWidth": 90},
    ]
    return ui.paged_grid("ac-desk-grid", columns, height=560, page_size=50,
                         defaultColDef={"sortable": False})


def desk_filter(unit=None, form=None, source=None, search=None, mine=False,
                open_only=True) -> case_desk.DeskFilter:
    """The filters as chosen; a value no choice has is refused (``Invalid``), naming it."""
    return case_desk.DeskFilter(
        under_unit_id=forms.whole(unit, _("the unit")) or None,
        form=forms.choice(form, Form, _("the form")) if form else None,
        source=forms.choice(source, CaseSource, _("the source of the clue")) if source else None,
        search=search or None, mine=bool(mine), open_only=bool(open_only))


def content(session, actor, unit=None, form=None, source=None, search=None, mine=False,
            open_only=True, view="board") -> html.Div:
    wanted = desk_filter(unit, form, source, search, mine, open_only)
    if view == "board" and wanted.open_only:
        columns = case_desk.board(session, actor, wanted, CARDS_PER_COLUMN)
        found = sum(column.count for column in columns)
    else:
        columns, found = None, case_desk.count(session, actor, wanted)
    if not found:
        return ui.empty_state(_("No cases match these filters."),
                              _("Clear a filter, or register a new clue with the button above."))
    return board(columns) if columns is not None else table()


def _kpis(figures: case_desk.DeskFigures) -> html.Div:
    return html.Div([
        ui.kpi(_("Open cases"), figures.open, _("from clue to decision, and appeals")),
        ui.kpi(_("Overdue"), figures.overdue, _("past the stage's time limit"),
               tone="bad" if figures.overdue else "good"),
        ui.kpi(_("Due within 14 days"), figures.due_soon,
               tone="warn" if figures.due_soon else "neutral"),
        ui.kpi(_("Filed and not closed"), figures.filed,
               _("block promotion of the cadres concerned")),
        ui.kpi(_("Opened this year"), figures.opened_this_year),
    ], className="kpi-row")


def new_case_form(session, actor) -> html.Div:
    handlers = [{"label": u.display_name, "value": u.id} for u in cases.handlers(session, actor)]
    return html.Div([
        dbc.Row([
            field(_("Short title"), dbc.Input(id="ac-new-title", maxlength=200,
                                              placeholder=_("e.g. 违规发放津补贴问题线索")), 5),
            field(_("Source of the clue"),
                  dbc.Select(id="ac-new-source", options=source_options(), value="letters_visits"),
                  2),
            field(_("Kind"),
                  dbc.Select(id="ac-new-kind", options=CaseKind.options(), value="discipline"), 2),
            field(_("Clue received on"), date_input("ac-new-opened", date.today()), 2),
            field(_("Case no. (optional)"), dbc.Input(id="ac-new-no", maxlength=40,
                                                      placeholder=_("automatic")), 1),
        ], class_name="g-2 mb-2"),
        dbc.Row([
            field(_("Cadres concerned"), dropdown("ac-new-cadres", [], multi=True,
                                                  placeholder=_("Type a name or cadre code…")), 5,
                  hint=_("Several cadres may be named.")),
            field(_("Or a unit / party organization"),
                  dropdown("ac-new-units", [], multi=True, placeholder=_("Choose units…")), 4),
            field(_("Handler"),
                  dbc.Select(id="ac-new-handler", options=handlers, value=actor.user_id), 3),
        ], class_name="g-2 mb-2"),
        field(_("Summary (confidential)"),
              dbc.Textarea(id="ac-new-summary", rows=3, maxlength=20000, placeholder=_(
            "What was reported, by whom, what has been checked so far…")), 12),
        dbc.Button(_("Register the clue"), id="ac-new-submit", color="primary", class_name="mt-2"),
        html.Div(id="ac-new-result"),
    ])


def layout(**_query):
    actor = current_actor()
    session = db.session()
    actions = html.Div([
        dbc.Button(_("Register a new clue"), id="ac-new-toggle", color="primary", size="sm")
        if actor.can("cases.edit") else None,
        export_buttons("cases"),
    ], className="d-flex gap-2 align-items-center")
    return html.Div([
        ui.page_header(_("Case desk"),
                       _("Cases from the first clue to the decision, the most urgent first."),
                       actions=actions),
        todo_panel.panel(),
        _kpis(case_desk.figures(session, actor)),
        dbc.Collapse(ui.section(_("Register a new clue"), new_case_form(session, actor)),
                     id="ac-new-collapse",
                     is_open=False) if actor.can("cases.edit") else None,
        _filters(session, actor),
        dbc.Spinner(html.Div(content(session, actor), id="ac-desk-content"), color="secondary",
                    delay_show=300),
        ui.section(_("Import cases"), import_panel("cases", help_text=_(
            "Columns: case_no (案件编号), cadre_code (干部编号), stage (阶段), opened_on "
            "(受理日期), filed_on (立案日期), "
            "closed_on (结案日期), summary (摘要); one row per cadre of a case. Existing case "
            "numbers are updated.")))
        if actor.can("cases.edit") else None,
    ], className="ac-desk")


FILTERS = (Input("ac-desk-unit", "value"), Input("ac-desk-form", "value"),
           Input("ac-desk-source", "value"), Input("ac-desk-search", "value"),
           Input("ac-desk-mine", "value"), Input("ac-desk-open", "value"))


@callback(Output("ac-desk-content", "children"), *FILTERS, Input("ac-desk-view", "value"),
          prevent_initial_call=True)
def filter_desk(unit, form, source, search, mine, open_only, view):
    actor = current_actor()
    try:
        return content(db.session(), actor, unit, form, source, search, mine, open_only, view)
    except PortalError as error:
        return failure(error)


@callback(Output("ac-desk-grid", "getRowsResponse"), Input("ac-desk-grid", "getRowsRequest"),
          *(State(i.component_id, i.component_property) for i in FILTERS))
def desk_page(request, unit, form, source, search, mine, open_only):
    """The table's rows, a block at a time (a city has thousands of cases)."""
    actor = current_actor()
    start, end, _sort = ui.page_request(request)
    try:
        wanted = desk_filter(unit, form, source, search, mine, open_only)
        session = db.session()
        rows = case_desk.page(session, actor, wanted, start, end)
        found = start + len(rows) if len(rows) < end - start else case_desk.count(session, actor,
                                                                                   wanted)
    except PortalError:
        return ui.rows_response([], 0)
    return ui.rows_response(table_rows(rows), found)


ui.purge_when("ac-desk-grid", *FILTERS)


@callback(Output("ac-new-collapse", "is_open"), Output("ac-new-units", "options"),
          Input("ac-new-toggle", "n_clicks"), State("ac-new-collapse", "is_open"),
          State("ac-new-units", "options"), prevent_initial_call=True)
def toggle_new(_n, is_open, units):
    """Open or close the form. Its list of units (every unit in scope, thousands in a city)
    comes at the first opening, not with the page: the browser indexes a dropdown's options for
    searching when it is drawn, and the desk already draws one such list for its filter."""
    actor = current_actor()
    actor.require("cases.edit")
    return not is_open, no_update if units else unit_options(db.session(), actor)


@callback(Output("ac-new-cadres", "options"), Input("ac-new-cadres", "search_value"),
          State("ac-new-cadres", "value"), prevent_initial_call=True)
def search_cadres(term, chosen):
    """Options for the cadre picker: the chosen ones plus those matching what was typed."""
    found = cadres_for_picker(db.session(), current_actor(), term, chosen)
    return [{"label": f"{c.name}（{c.code}，{c.unit.name}）", "value": c.id} for c in found]


@callback(Output("ac-new-result", "children"),
          Output("ac-desk-content", "children", allow_duplicate=True),
          Input("ac-new-submit", "n_clicks"),
          State("ac-new-title", "value"), State("ac-new-source", "value"),
          State("ac-new-kind", "value"),
          State("ac-new-opened", "value"), State("ac-new-no", "value"),
          State("ac-new-cadres", "value"),
          State("ac-new-units", "value"), State("ac-new-handler", "value"),
          State("ac-new-summary", "value"),
          prevent_initial_call=True)
def register_clue(n_clicks, title, source, kind, opened, case_no, cadre_ids, unit_ids, handler,
                  summary):
    def change(session, actor):
        case = cases.open_case(
            session, actor, source=source or "", kind=kind or "discipline", title=title,
                               summary=summary or "",
            cadre_ids=[forms.whole(i, _("the cadre")) for i in cadre_ids or []],
            unit_ids=[forms.whole(i, _("the unit")) for i in unit_ids or []],
            opened_on=forms.day(opened, _("the date")), case_no=case_no,
            handler_id=forms.whole(handler, _("the handler")) or None)
        link = dcc.Link(_("Open case %(no)s", no=case.case_no), href=case_href(case.id))
        message = _("Case %(no)s registered at the stage “%(stage)s”.", no=case.case_no,
                    stage=case.stage.label)
        return dbc.Alert([html.Div(message), link], color="success", dismissable=True,
                         class_name="mt-2")

    return ui.write(n_clicks, change, idle=(no_update, no_update),
                    refused=lambda error: (ui.alert(error.message), no_update),
                    then=lambda done: (done, content(db.session(), current_actor())))


ui.register(__name__, path="/accountability", title=N_("Case desk"), layout=layout,
            permission="cases.view",
            section="accountability", order=10, home_for=("inspector",))
