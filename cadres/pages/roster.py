"""Condition search → roster (条件检索 → 花名册): ``/cadres/roster``.

A reviewer sets conditions (unit subtree, rank and above, age, gender, education, years in
rank, in post and at the grassroots, training, recent grades, eligibility for a decision on
a date) and searches; the results come a page at a time from the server
(``cadres.roster.search``), each with the blocks of the eligibility engine. From here the
roster is exported as XLSX with the columns chosen, printed (``/cadres/roster/print``),
saved as a named search, and each cadre opened or proposed for a decision.
"""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from cadres import codes, roster
from cadres.pages.common import link_column
from portal import db, ui
from portal.access import current_actor
from portal.enums import Gender, Rank
from portal.errors import Invalid, PortalError
from portal.i18n import N_, _

PERMISSION = roster.PERMISSION

TRAINING_LABELS = {"complete": N_("Requirement met"), "on_pace": N_("On pace"),
                   "behind": N_("Behind")}
DECISION_LABELS = {"promotion": N_("Promotion (提拔)"),
                   "rank_promotion": N_("Rank promotion (晋升职级)"),
                   "commendation": N_("Commendation (评优)")}

# Form fields: (component id, key of the conditions)
FIELDS = (("ca-ro-unit", "unit"), ("ca-ro-ranks", "ranks"), ("ca-ro-min-age", "min_age"),
          ("ca-ro-max-age", "max_age"), ("ca-ro-gender", "gender"),
          ("ca-ro-education", "education"), ("ca-ro-rank-years", "min_rank_years"),
          ("ca-ro-post-years", "min_post_years"), ("ca-ro-grassroots", "min_grassroots_years"),
          ("ca-ro-training", "training"), ("ca-ro-grades", "good_grades_years"),
          ("ca-ro-eligible", "eligible_for"), ("ca-ro-as-of", "as_of"))
FIELD_PROPS = {"ca-ro-as-of": "date"}


def _prop(component: str) -> str:
    return FIELD_PROPS.get(component, "value")


def _options(labels: dict) -> list[dict]:
    return [{"label": _(label), "value": key} for key, label in labels.items()]


def _number(component: str, step: float = 1) -> dbc.Input:
    return dbc.Input(id=component, type="number", min=0, step=step, debounce=True)


def conditions_form(session, actor) -> dbc.Card:
    units = [{**option, "value": option["search"]} for option in ui.unit_options(session, actor)]
    row1 = dbc.Row([
        ui.field(_("Unit (with the units below it)"),
                 ui.dropdown("ca-ro-unit", units, placeholder=_("All units in your scope")), 3),
        ui.field(_("Rank"), ui.dropdown("ca-ro-ranks", Rank.options(), multi=True,
                                        placeholder=_("Any rank")), 3),
        ui.field(_("Rank scope"), dbc.Checkbox(id="ca-ro-and-above", value=True,
                                               label=_("and above on the rank ladder")), 2),
        ui.field(_("Age from"), _number("ca-ro-min-age"), 1),
        ui.field(_("Age up to"), _number("ca-ro-max-age"), 1),
        ui.field(_("Gender"), ui.dropdown("ca-ro-gender", Gender.options(),
                                          placeholder=_("Any")), 2),
    ], class_name="g-2 mb-2 align-items-end")
    row2 = dbc.Row([
        ui.field(_("Education, at least"),
                 ui.dropdown("ca-ro-education", codes.EDUCATION.options(), placeholder=_("Any")),
                 2),
        ui.field(_("Years in rank, at least"), _number("ca-ro-rank-years", 0.5), 2),
        ui.field(_("Years in post, at least"), _number("ca-ro-post-years", 0.5), 2),
        ui.field(_("Years at the grassroots, at least"), _number("ca-ro-grassroots", 0.5), 2),
        ui.field(_("Training this year"),
                 ui.dropdown("ca-ro-training", _options(TRAINING_LABELS), placeholder=_("Any")), 2),
        ui.field(_("No grade below competent in the last … years"),
                 _number("ca-ro-grades"), 2),
    ], class_name="g-2 mb-2 align-items-end")
    row3 = dbc.Row([
        ui.field(_("Eligible for"), ui.dropdown("ca-ro-eligible", _options(DECISION_LABELS),
                                                placeholder=_("Anyone (show the blocks)")), 3),
        ui.field(_("As of"), dcc.DatePickerSingle(id="ca-ro-as-of", display_format="YYYY-MM-DD",
                                                  placeholder=date.today().isoformat(),
                                                  clearable=True), 2),
        dbc.Col(html.Div([
            dbc.Button(_("Search"), id="ca-ro-search", color="primary"),
            dbc.Button(_("Clear"), id="ca-ro-clear", color="secondary", outline=True),
        ], className="d-flex gap-2"), md=2),
        dbc.Col(html.P(_("Years at the grassroots count the résumé lines that name a street, "
                         "township, community or village (街道, 乡镇, 社区, 村), not schooling."),
                       className="form-text mb-0"), md=5),
    ], class_name="g-2 align-items-end")
    return ui.section(_("Conditions"), html.Div([row1, row2, row3]), class_name="d-print-none")


def saved_options(session, actor) -> list[dict]:
    return [{"label": s.name, "value": s.id} for s in roster.saved_searches(session, actor)]


def saved_section(session, actor) -> html.Div:
    """One row under the form: load or delete a saved search, save the last one."""
    body = dbc.Row([
        ui.field(_("Saved searches"), ui.dropdown("ca-ro-saved", saved_options(session, actor),
                                                  placeholder=_("Choose a saved search")), 3),
        dbc.Col(html.Div([
            dbc.Button(_("Load"), id="ca-ro-load", color="secondary", outline=True),
            dbc.Button(_("Delete"), id="ca-ro-delete", color="danger", outline=True),
        ], className="d-flex gap-2"), md=2),
        ui.field(_("Save the last search as"),
                 dbc.Input(id="ca-ro-name", maxlength=80,
                           placeholder=_("e.g. 正科 reserve, 青山区")), 3),
        dbc.Col(dbc.Button(_("Save"), id="ca-ro-save", color="secondary"), md=1),
        dbc.Col(html.Div(id="ca-ro-saved-message"), md=3),
    ], class_name="g-2 align-items-end")
    return html.Div(body, className="d-print-none mb-3 ca-ro-saved")


def columns() -> list[dict]:
    number = {"type": "numericColumn", "minWidth": 64, "maxWidth": 84}
    return [
        link_column("name", _("Full name"), minWidth=80, maxWidth=110, pinned="left"),
        {"field": "code", "headerName": _("Cadre code"), "minWidth": 80, "maxWidth": 95},
        {"field": "unit", "headerName": _("Unit"), "minWidth": 90, "tooltipField": "unit"},
        {"field": "position", "headerName": _("Position"), "minWidth": 90,
         "tooltipField": "position"},
        {"field": "rank", "headerName": _("Rank"), "minWidth": 90, "tooltipField": "rank"},
        {"field": "age", "headerName": _("Age"), **number, "minWidth": 56, "maxWidth": 64},
        {"field": "education", "headerName": _("Education"), "minWidth": 76, "maxWidth": 90},
        {"field": "rank_years", "headerName": _("Years in rank"), **number},
        {"field": "post_years", "headerName": _("Years in post"), **number},
        {"field": "grassroots_years", "headerName": _("Grassroots years"),
         "headerTooltip": _("Years at the grassroots"), **number, "minWidth": 92},
        {"field": "verdict", "headerName": _("Eligibility"), "minWidth": 112, "maxWidth": 130,
         "cellClassRules": {"ca-ro-blocked": "params.data && !params.data.eligible"}},
        {"field": "reasons", "headerName": _("Blocks and notes"), "minWidth": 160,
         "tooltipField": "reasons"},
        {"field": "propose", "headerName": _("Action"), "cellRenderer": "CaRosterPropose",
         "minWidth": 90, "maxWidth": 110, "pinned": "right"},
    ]


def export_section() -> html.Div:
    picker = dcc.Checklist(
        id="ca-ro-columns", options=[{"label": _(label), "value": key}
                                     for key, label in roster.EXPORT_COLUMNS.items()],
        value=list(roster.DEFAULT_EXPORT), inline=True, className="ca-ro-columns small",
        inputClassName="me-1", labelClassName="me-3")
    return html.Details([
        html.Summary(_("Columns of the exported roster")), picker,
    ], className="d-print-none mb-2 ca-ro-picker")


def layout(**_query):
    actor = current_actor()
    session = db.session()
    actions = html.Div([
        dbc.Button(_("Export XLSX"), id="ca-ro-export", color="secondary", outline=True,
                   size="sm"),
        dbc.Button(_("Printable roster"), id="ca-ro-print", href="/cadres/roster/print",
                   target="_blank", color="secondary", outline=True, size="sm",
                   disabled=True),
        dcc.Download(id="ca-ro-download"),
    ], className="d-flex gap-2") if actor.can("export") else None
    return html.Div([
        ui.page_header(_("Condition search and roster"), _(
            "Find the cadres of your units who meet every condition, see what blocks each of "
            "them, and export or print the roster. Click a name to open the profile."),
                       actions=actions),
        dcc.Store(id="ca-ro-conditions"),
        conditions_form(session, actor),
        saved_section(session, actor),
        html.Div(id="ca-ro-message"),
        export_section(),
        html.Div(id="ca-ro-summary", className="mb-2"),
        ui.section(_("Roster"), ui.paged_grid(
            "ca-ro-grid", columns(), height=520, page_size=50,
            defaultColDef={"sortable": False},
            dashGridOptions={"tooltipShowDelay": 300})),
    ], className="ca-roster")


# --- reading the form ---------------------------------------------------------------------------

def form_values(values: list, and_above) -> dict:
    """The form's values as ``roster.read_conditions`` reads them."""
    found = {key: value for (_component, key), value in zip(FIELDS, values, strict=True)}
    ranks = found.get("ranks") or []
    if isinstance(ranks, list) and and_above is True:
        found["ranks"] = [f"{r}+" for r in ranks if isinstance(r, str)]
    return found


def _print_href(conditions: dict) -> str:
    return "/cadres/roster/print?q=" + quote(json.dumps(conditions, ensure_ascii=False))


def _invalid(error: PortalError) -> dbc.Alert:
    return ui.alert(error.message, "warning")


@callback(Output("ca-ro-conditions", "data"), Output("ca-ro-message", "children"),
          Output("ca-ro-print", "href"), Output("ca-ro-print", "disabled"),
          Input("ca-ro-search", "n_clicks"),
          *(State(component, _prop(component)) for component, _key in FIELDS),
          State("ca-ro-and-above", "value"), prevent_initial_call=True)
def search(_clicks, *values):
    """Read the conditions (every value checked on the server) and keep them for the grid."""
    current_actor()
    try:
        conditions = roster.read_conditions(form_values(list(values[:-1]), values[-1]))
    except Invalid as error:
        return no_update, _invalid(error), no_update, no_update
    data = conditions.as_json()
    return data, None, _print_href(data), False


def reasons_text(row: roster.RosterRow) -> str:
    parts = [b.reason + (_(" (until %(date)s)", date=b.until.isoformat()) if b.until else "")
             for b in row.blocks]
    parts += [n.reason for n in row.notes]
    return _("; ").join(parts)


def verdict_text(row: roster.RosterRow) -> str:
    return _("Eligible") if row.eligible else _("Blocked (%(n)s)", n=len(row.blocks))


def grid_rows(found: roster.Roster) -> list[dict]:
    return [{"code": r.code, "name": r.name, "unit": r.unit_name, "position": r.position,
             "rank": r.rank.label if r.rank else "", "age": r.age,
             "education": r.education_label, "rank_years": r.rank_years,
             "post_years": r.post_years, "grassroots_years": r.grassroots_years,
             "eligible": r.eligible, "verdict": verdict_text(r), "reasons": reasons_text(r),
             "decision": found.decision.value, "propose": _("Propose")} for r in found.rows]


def summary(found: roster.Roster, conditions) -> html.Div:
    decision = _(DECISION_LABELS[found.decision.value])
    if not found.count:
        return ui.empty_state(_("No cadre meets all the conditions."),
                              _("Loosen a condition (a wider unit, a lower rank, fewer years) "
                                "and search again."))
    if conditions.eligible_for:
        text = _("%(n)s cadre(s) without a block for %(decision)s on %(date)s.", n=found.count,
                 decision=decision, date=found.as_of.isoformat())
    else:
        text = _("%(n)s cadre(s) meet the conditions on %(date)s; each shows its blocks for "
                 "%(decision)s.", n=found.count, date=found.as_of.isoformat(),
                 decision=decision)
    return html.P(text, className="mb-0 fw-semibold ca-ro-count")


@callback(Output("ca-ro-grid", "getRowsResponse"), Output("ca-ro-summary", "children"),
          Input("ca-ro-grid", "getRowsRequest"), State("ca-ro-conditions", "data"))
def roster_page(request, data):
    """The cadres found, a block at a time, with their blocks (scope checked by the service)."""
    actor = current_actor()
    if not isinstance(data, dict):
        return ui.rows_response([], 0), ui.empty_state(
            _("Set the conditions and search."),
            _("Every condition left empty accepts everyone; the conditions combine with AND."))
    start, end, _sort = ui.page_request(request)
    try:
        conditions = roster.read_conditions(data)
        found = roster.search(db.session(), actor, conditions, offset=start, limit=end - start)
    except PortalError as error:
        return ui.rows_response([], 0), _invalid(error)
    return ui.rows_response(grid_rows(found), found.count), summary(found, conditions)


ui.purge_when("ca-ro-grid", Input("ca-ro-conditions", "data"))


@callback(Output("ca-ro-download", "data"), Output("ca-ro-message", "children",
                                                   allow_duplicate=True),
          Input("ca-ro-export", "n_clicks"), State("ca-ro-conditions", "data"),
          State("ca-ro-columns", "value"), prevent_initial_call=True)
def export(n_clicks, data, chosen):
    """The whole roster as XLSX with the chosen columns (audited as an export)."""
    def export_roster(session, actor):
        if not isinstance(data, dict):
            raise Invalid(_("Search first: the roster exported is the one found."))
        wanted = [c for c in chosen or [] if isinstance(c, str)]
        return roster.export_roster(session, actor, roster.read_conditions(data), wanted)

    return ui.write(n_clicks, export_roster, idle=(no_update, no_update),
                    refused=lambda error: (no_update, _invalid(error)),
                    then=lambda content: (dcc.send_bytes(
                        content, f"roster-{date.today().isoformat()}.xlsx"), None))


# --- saved searches -----------------------------------------------------------------------------

@callback(Output("ca-ro-saved", "options"), Output("ca-ro-saved-message", "children"),
          Output("ca-ro-saved", "value"),
          Input("ca-ro-save", "n_clicks"), Input("ca-ro-delete", "n_clicks"),
          State("ca-ro-name", "value"), State("ca-ro-conditions", "data"),
          State("ca-ro-saved", "value"), prevent_initial_call=True)
def save_or_delete(save_clicks, delete_clicks, name, data, chosen):
    """Save the last search under a name, or delete the chosen saved search (audited)."""
    deleting = ctx.triggered_id == "ca-ro-delete"

    def change(session, actor):
        if deleting:
            if chosen in (None, ""):
                raise Invalid(_("Choose the saved search to delete."))
            roster.delete_search(session, actor, chosen)
            return None
        if not isinstance(data, dict):
            raise Invalid(_("Search first: the conditions saved are those of the last search."))
        return roster.save_search(session, actor, name if isinstance(name, str) else "",
                                  roster.read_conditions(data)).id

    def done(saved_id):
        session, actor = db.session(), current_actor()
        message = _("Deleted.") if deleting else _("Saved.")
        return saved_options(session, actor), ui.alert(message, "success"), saved_id

    return ui.write(delete_clicks if deleting else save_clicks, change, then=done,
                    idle=(no_update, no_update, no_update),
                    refused=lambda error: (no_update, _invalid(error), no_update))


@callback(*(Output(component, _prop(component), allow_duplicate=True)
            for component, _key in FIELDS),
          Output("ca-ro-and-above", "value"), Output("ca-ro-saved-message", "children",
                                                     allow_duplicate=True),
          Output("ca-ro-conditions", "data", allow_duplicate=True),
          Input("ca-ro-load", "n_clicks"), State("ca-ro-saved", "value"),
          prevent_initial_call=True)
def load_saved(_clicks, chosen):
    """Fill the form with a saved search (the user's own) and run it."""
    actor = current_actor()
    nothing = (no_update,) * (len(FIELDS) + 1)
    try:
        row = roster.get_saved(db.session(), actor, chosen)
        conditions = roster.conditions_of(row)
    except PortalError as error:
        return *nothing, _invalid(error), no_update
    data = conditions.as_json()
    ranks = [r.rank.value for r in conditions.ranks]
    and_above = any(r.and_above for r in conditions.ranks) or not ranks
    values = {**data, "ranks": ranks}
    return (*(values.get(key) for _component, key in FIELDS), and_above,
            ui.alert(_("Loaded “%(name)s”.", name=row.name), "info"), data)


@callback(*(Output(component, _prop(component), allow_duplicate=True)
            for component, _key in FIELDS),
          Input("ca-ro-clear", "n_clicks"), prevent_initial_call=True)
def clear(_clicks):
    """Empty every condition (nothing is searched until Search is pressed)."""
    current_actor()
    return (None,) * len(FIELDS)


ui.register(__name__, path="/cadres/roster", title=N_("Condition search and roster"),
            layout=layout, permission=PERMISSION, section="cadres", order=35)
