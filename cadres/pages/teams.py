"""Leadership-team structure (班子结构分析): ``/cadres/teams``.

Every unit of a level in the reviewer's subtree with its team's structure (principals and
deputies against the establishment, women, ages, education, ethnicity, Party membership,
years in post) and the flags to act on; a summary, charts, the table a page at a time
(some 3,000 communities in a large city), one unit's team on a click, and the table as
XLSX. The service (``cadres.teams``) checks role and scope on every call.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from cadres import settings as cadre_settings
from cadres import teams as service
from cadres.pages import teams_charts as charts
from cadres.pages.common import link_column, percent
from cadres.rules import teams as rules
from portal import cache, db, forms, ui
from portal.access import current_actor
from portal.enums import UnitLevel
from portal.errors import Invalid, PortalError
from portal.i18n import N_, _, current_lang

FILTERS = (Input("ca-tm-level", "value"), Input("ca-tm-unit", "value"),
           Input("ca-tm-flag", "value"))
GRAPHS = ("ca-tm-flags-graph", "ca-tm-age-graph", "ca-tm-education-graph", "ca-tm-tenure-graph")


def unit_columns(team_rules: rules.TeamRules) -> list[dict]:
    number = {"type": "numericColumn", "maxWidth": 100, "minWidth": 72}
    return [
        {"field": "name", "headerName": _("Unit"), "minWidth": 150, "pinned": "left",
         "cellClass": "ca-tm-unit-cell"},
        {"field": "parent", "headerName": _("Parent unit"), "minWidth": 110},
        {"field": "principal_text", "headerName": _("Principals"), "sortable": False,
         "headerTooltip": _("Principals on the team / principal posts"), **number},
        {"field": "deputy_text", "headerName": _("Deputies"), "sortable": False,
         "headerTooltip": _("Deputies on the team / deputy posts"), **number},
        {"field": "vacant", "headerName": _("Vacant"), "headerTooltip": _("Vacant posts"),
         **number},
        {"field": "women", "headerName": _("Female"), "headerTooltip": _("Female members"),
         **number},
        {"field": "average_age", "headerName": _("Avg. age"), "headerTooltip": _("Average age"),
         **number},
        {"field": "under_young", "headerName": _("Under %(age)s", age=team_rules.young_age),
         **number},
        {"field": "over_old", "headerName": _("%(age)s and over", age=team_rules.old_age),
         **number},
        {"field": "university_or_higher", "headerName": _("University+"),
         "headerTooltip": _("University or higher"), **number},
        {"field": "minority", "headerName": _("Minority"), "headerTooltip": _("Ethnic minority"),
         **number},
        {"field": "non_party", "headerName": _("Non-Party"),
         "headerTooltip": _("Not Party members"), **number},
        {"field": "longest_principal_years", "headerName": _("Tenure"),
         "headerTooltip": _("Principal's years in post"), **number},
        {"field": "flag_text", "headerName": _("Structure problems"), "minWidth": 230,
         "sortable": False, "tooltipField": "flag_text"},
    ]


def member_columns() -> list[dict]:
    return [link_column("name", _("Full name"), maxWidth=120, pinned="left"),
            {"field": "role_label", "headerName": _("Role"), "maxWidth": 90},
            {"field": "position", "headerName": _("Position"), "minWidth": 160},
            {"field": "gender_label", "headerName": _("Gender"), "maxWidth": 80},
            {"field": "age", "headerName": _("Age"), "maxWidth": 70, "type": "numericColumn"},
            {"field": "education_label", "headerName": _("Highest education"), "maxWidth": 110},
            {"field": "fulltime_label", "headerName": _("Full-time education"), "maxWidth": 110},
            {"field": "inservice_label", "headerName": _("In-service education"),
             "maxWidth": 110},
            {"field": "ethnicity_label", "headerName": _("Ethnicity"), "maxWidth": 90},
            {"field": "party_label", "headerName": _("Party member"), "maxWidth": 90},
            {"field": "years_in_post", "headerName": _("Years in post"), "maxWidth": 90,
             "type": "numericColumn"},
            {"field": "since", "headerName": _("In the position since"), "maxWidth": 120}]


def default_level(levels: list[UnitLevel]) -> str | None:
    """The level below the reviewer's own (districts for the city, streets for a district)."""
    if not levels:
        return None
    return (levels[1] if len(levels) > 1 else levels[0]).value


def flag_explanations(team_rules: rules.TeamRules) -> html.Dl:
    items = []
    for flag in rules.FLAGS:
        items += [html.Dt(service.flag_label(flag, team_rules), className="col-sm-3"),
                  html.Dd(service.flag_reason(flag, team_rules), className="col-sm-9")]
    return html.Dl(items, className="row mb-0 small ca-tm-flag-rules")


def layout(unit=None, **_query):
    actor = current_actor()
    session = db.session()
    levels = service.levels(session, actor)
    header = ui.page_header(
        _("Leadership teams"),
        _("The structure of each unit's leadership team (principals and deputies): age, gender, "
          "education, ethnicity, Party membership and years in post, with the problems to act "
          "on."),
        actions=html.Div([
            dbc.Button(_("Download XLSX"), id="ca-tm-xlsx", color="secondary", outline=True,
                       size="sm"),
            dcc.Download(id="ca-tm-download")], className="d-flex gap-2"))
    if not levels:
        return html.Div([header, ui.empty_state(
            _("There are no units in your scope."),
            _("Units are added by the system administrator."))])
    team_rules = cadre_settings.team_rules_of(session)
    flag_options = [{"label": service.flag_label(f, team_rules), "value": f} for f in rules.FLAGS]
    filters = dbc.Row([
        ui.field(_("Level of units"),
                 ui.dropdown("ca-tm-level", [{"label": lv.label, "value": lv.value}
                                             for lv in levels],
                             default_level(levels), clearable=False), 3),
        ui.field(_("Units under"), ui.dropdown("ca-tm-unit", ui.unit_options(session, actor),
                                               placeholder=_("All units in your scope")), 5),
        ui.field(_("Structure problem"), ui.dropdown("ca-tm-flag", flag_options,
                                                     placeholder=_("Any (all teams)")), 4),
    ], class_name="g-2 mb-2")
    charts_row = dbc.Row([
        dbc.Col(ui.graph(GRAPHS[0], height=300), lg=6),
        dbc.Col(ui.graph(GRAPHS[1], height=300), lg=6),
        dbc.Col(ui.graph(GRAPHS[2], height=300), lg=6),
        dbc.Col(ui.graph(GRAPHS[3], height=300), lg=6),
    ], class_name="g-2")
    first_team = _team_panel(unit) if unit not in (None, "") else ui.empty_state(
        _("Click a unit in the table to see its team."))
    return html.Div([
        header, filters,
        html.Div(id="ca-tm-message"),
        html.Div(id="ca-tm-kpis"),
        ui.section(_("Teams of the units"), html.Div([
            html.P(_("Problems first; click a column to sort, a unit to see its team."),
                   className="text-muted small mb-1"),
            ui.paged_grid("ca-tm-grid", unit_columns(team_rules), height=460, page_size=50,
                          getRowId="params.data.row_id")])),
        ui.section(_("Team of the chosen unit"), html.Div(first_team, id="ca-tm-team")),
        ui.section(_("Structure of the teams"), charts_row),
        ui.section(_("What the problems mean"), flag_explanations(team_rules)),
    ], className="ca-teams")


def _kpis(table: service.TeamTable) -> html.Div:
    teams = len(table.units)
    members = table.member_count
    women = int(table.units["women"].sum()) if teams else 0
    vacant = int(table.units["vacant"].sum()) if teams else 0
    flagged = table.flagged()
    return html.Div([
        ui.kpi(_("Teams"), teams),
        ui.kpi(_("Team members"), members),
        ui.kpi(_("Teams with a problem"), flagged,
               _("%(share)s of the teams", share=percent(flagged / teams) if teams else "—"),
               "warn" if flagged else "good"),
        ui.kpi(_("Vacant posts"), vacant, tone="warn" if vacant else "good"),
        ui.kpi(_("Women on the teams"), percent(women / members) if members else "—"),
    ], className="kpi-row")


def _level_and_unit(level, unit) -> tuple[str, int | None]:
    """The chosen level and subtree, parsed at the edge (``Invalid`` names the field)."""
    chosen = forms.choice(level, UnitLevel, _("Level of units"))
    if chosen is None:
        raise Invalid(_("Choose a level of units."), field="level")
    return chosen.value, forms.whole(unit, _("Units under"))


@callback(Output("ca-tm-message", "children"), Output("ca-tm-kpis", "children"),
          *[Output(graph, "figure") for graph in GRAPHS], *FILTERS)
def refresh(level, unit, flag):
    """The summary and the charts of the chosen level and subtree (flag: the table only)."""
    actor = current_actor()
    try:
        level, unit = _level_and_unit(level, unit)
        table = service.team_table(db.session(), actor, level, unit)
    except PortalError as error:
        return (ui.alert(error.message, "warning"), None, *[{}] * len(GRAPHS))
    # the figures of a scope and level are kept like the table (per data version and language)
    figures = cache.cached(db.session(), "cadres.teams.charts",
                           (cache.scope_of(actor), level, unit), lambda: _figures(table))
    return (None, _kpis(table), *figures)


def _figures(table: service.TeamTable) -> list[dict]:
    labels = {f: service.flag_label(f, table.rules) for f in rules.FLAGS}
    figures = [
        charts.flag_bars(table.flag_counts(), labels, len(table.units)),
        charts.role_stack(table.distribution("age_band"), charts.AGE_LABELS,
                          _("Team members by age"), _("Age band")),
        charts.role_stack(table.distribution("education_band"), charts.EDUCATION_LABELS,
                          _("Team members by highest education"),
                          _("Highest education (full-time or in-service)")),
        charts.role_stack(table.distribution("tenure_band"), charts.TENURE_LABELS,
                          _("Team members by years in the current post"), _("Years in post")),
    ]
    return [figure.to_plotly_json() for figure in figures]


def _posts(held: int, planned: int | None) -> str:
    return f"{held}/{planned}" if planned is not None else str(held)


def _row(row: dict, labels: dict[str, str]) -> dict:
    return {**row, "row_id": str(row["unit_id"]),
            "principal_text": _posts(row["principals"], row["principal_posts"]),
            "deputy_text": _posts(row["deputies"], row["deputy_posts"]),
            "flag_text": _(", ").join(labels[f] for f in row["flags"]) or "—"}


@callback(Output("ca-tm-grid", "getRowsResponse"), Input("ca-tm-grid", "getRowsRequest"),
          *(State(i.component_id, i.component_property) for i in FILTERS))
def unit_page(request, level, unit, flag):
    """The units of the level, a block at a time, problems first unless sorted otherwise."""
    actor = current_actor()
    start, end, sort = ui.page_request(request)
    try:
        level, unit = _level_and_unit(level, unit)
        table = service.team_table(db.session(), actor, level, unit)
        rows, count = service.unit_page(table, str(flag) if flag else None, start, end, sort)
    except PortalError:
        return ui.rows_response([], 0)
    labels = {flag: service.flag_label(flag, table.rules) for flag in rules.FLAGS}
    return ui.rows_response([_row(r, labels) for r in rows], count)


ui.purge_when("ca-tm-grid", *FILTERS)


def _team_panel(unit_id) -> html.Div:
    actor = current_actor()
    try:
        team = service.unit_team(db.session(), actor, forms.whole(unit_id, _("Unit")))
    except PortalError as error:
        return ui.alert(error.message, "warning")
    found = team.indicators
    team_rules = cadre_settings.team_rules_of(db.session())
    establishment = (_("%(p)s principal and %(d)s deputy posts",
                       p=team.establishment.principals, d=team.establishment.deputies)
                     if team.establishment else _("No establishment set for this kind of unit"))
    problems = [html.Li([html.Strong(service.flag_label(f, team_rules)), " ",
                         service.flag_reason(f, team_rules)]) for f in found.flags]
    body = [
        html.H3(f"{team.unit.name}" + (f" · {team.parent}" if team.parent else ""),
                className="h6"),
        html.P(_("%(p)s principals, %(d)s deputies; establishment: %(posts)s.",
                 p=found.principals, d=found.deputies, posts=establishment),
               className="small mb-1"),
        html.Ul(problems, className="small ca-tm-problems") if problems else
        html.P(_("No structure problem found in this team."), className="small text-success"),
    ]
    if team.members:
        body.append(ui.grid("ca-tm-members", team.members, member_columns(),
                            height=min(420, 90 + 42 * len(team.members)), page_size=20))
    else:
        body.append(ui.empty_state(_("Nobody serves on this unit's team."),
                                   _("Mark principals and deputies with the leader_role column of "
                                     "the cadre import (班子职务).")))
    return html.Div(body)


@callback(Output("ca-tm-team", "children"), Input("ca-tm-grid", "cellClicked"),
          prevent_initial_call=True)
def show_team(clicked):
    """The team of the unit clicked (the service refuses a unit outside the scope)."""
    if not isinstance(clicked, dict) or clicked.get("rowId") in (None, ""):
        return no_update
    return _team_panel(clicked["rowId"])


@callback(Output("ca-tm-download", "data"), Output("ca-tm-message", "children",
                                                   allow_duplicate=True),
          Input("ca-tm-xlsx", "n_clicks"),
          *(State(i.component_id, i.component_property) for i in FILTERS),
          prevent_initial_call=True)
def download(clicks, level, unit, flag):
    """The table as XLSX (audited as an export)."""
    if not clicks:
        return no_update, no_update
    style = "zh" if current_lang() == "zh" else "key"

    def export(session, actor):
        chosen, under = _level_and_unit(level, unit)
        return service.export_workbook(session, actor, chosen, under, str(flag) if flag else None,
                                       header_style=style)

    return ui.write(clicks, export,
        refused=lambda error: (no_update, ui.alert(error.message, "warning")),
        then=lambda done: (dcc.send_bytes(*done), None))


ui.register(__name__, path="/cadres/teams", title=N_("Leadership teams"), layout=layout,
            permission="cadres.view", section="cadres", order=35)
