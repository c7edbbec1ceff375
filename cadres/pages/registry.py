"""The cadre registry (干部名册): search and filter by unit subtree, rank and category; open a
profile; import and export (contracts.md "cadres")."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html

from cadres import scope, service
from cadres.pages import form_import
from cadres.pages.common import dropdown, link_column, percent, unit_options
from cadres.service import CadreFilter
from portal import db, ui
from portal.access import current_actor
from portal.enums import CadreCategory, CadreStatus, Gender, Rank
from portal.errors import PortalError
from portal.i18n import N_, _
from portal.pages.transfer import export_buttons, import_panel


def _age(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def cadre_rows(cadres, full: bool) -> list[dict]:
    today = date.today()
    rows = []
    for c in cadres:
        row = {"code": c.code, "name": c.name, "unit": c.unit.name, "position": c.position,
               "rank": Rank(c.rank).label if c.rank else "",
               "category": CadreCategory(c.category).label}
        if full:
            row.update(gender=Gender(c.gender).label, age=_age(c.birth_date, today),
                       party=_("Yes") if c.party_member else _("No"),
                       since=c.position_since.isoformat() if c.position_since else "",
                       status=CadreStatus(c.status).label)
        rows.append(row)
    return rows


def columns(full: bool) -> list[dict]:
    cols = [link_column("name", _("Full name"), maxWidth=130, pinned="left"),
            {"field": "code", "headerName": _("Cadre code"), "maxWidth": 110},
            {"field": "unit", "headerName": _("Unit"), "minWidth": 160},
            {"field": "position", "headerName": _("Position"), "minWidth": 180},
            {"field": "rank", "headerName": _("Rank"), "maxWidth": 170},
            {"field": "category", "headerName": _("Category"), "maxWidth": 150}]
    if full:
        cols += [{"field": "gender", "headerName": _("Gender"), "maxWidth": 90},
                 {"field": "age", "headerName": _("Age"), "maxWidth": 80, "type": "numericColumn"},
                 {"field": "party", "headerName": _("Party member"), "maxWidth": 110},
                 {"field": "since", "headerName": _("In the position since"), "maxWidth": 140},
                 {"field": "status", "headerName": _("Status"), "maxWidth": 100}]
    return cols


def filters(session, actor) -> dbc.Row:
    return dbc.Row(
        [
            ui.field(
                _("Unit (with the units below it)"),
                dropdown(
                    "ca-reg-unit",
                    unit_options(session, actor),
                    placeholder=_("All units in your scope"),
                ),
                3,
            ),
            ui.field(
                _("Rank"),
                dropdown("ca-reg-rank", Rank.options(), multi=True, placeholder=_("Any rank")),
                3,
            ),
            ui.field(
                _("Category"),
                dropdown(
                    "ca-reg-category",
                    CadreCategory.options(),
                    multi=True,
                    placeholder=_("Any category"),
                ),
                2,
            ),
            ui.field(
                _("Status"),
                dropdown(
                    "ca-reg-status",
                    CadreStatus.options(),
                    [CadreStatus.SERVING.value],
                    multi=True,
                    placeholder=_("Any status"),
                ),
                2,
            ),
            ui.field(
                _("Name, code or position"),
                dbc.Input(
                    id="ca-reg-text",
                    type="search",
                    debounce=True,
                    placeholder=_("e.g. 王 or C00012"),
                ),
                2,
            ),
        ],
        class_name="g-2 mb-3",
    )


def layout(**_query):
    actor = current_actor()
    session = db.session()
    full = actor.can("cadres.view")
    import_section = ui.section(_("Import cadres"), import_panel("cadres", help_text=_(
        "Columns: code (干部编号), name (姓名), gender (性别), birth_date (出生日期), unit_code "
        "(单位编码), "
        "position (职务), rank (职级), category (类别), rank_since (任现职级时间), position_since "
        "(任现职务时间), "
        "party_member (党员), and optionally leader_role (班子职务) and status (状态). Existing "
        "codes are "
        "updated; columns left out keep their values."))) if actor.can("cadres.edit") else None
    return html.Div([
        ui.page_header(_("Cadre registry"),
                       _("Cadres of the units you are responsible for. Click a name to "
                                              "open the profile."),
                       actions=export_buttons("cadres", background=True) if full else None),
        filters(session, actor),
        html.Div(id="ca-reg-kpis"),
        ui.section(_("List of cadres"),
                   ui.paged_grid("ca-reg-grid", columns(full), height=520, page_size=50,
                                                      defaultColDef={"sortable": False})),
        import_section,
        form_import.form_import_section(session, actor),
        form_import.records_file_section(actor),
    ])


FILTERS = (Input("ca-reg-unit", "value"), Input("ca-reg-rank", "value"),
           Input("ca-reg-category", "value"),
           Input("ca-reg-status", "value"), Input("ca-reg-text", "value"))


def _filter(unit_id, ranks, categories, statuses, text, limit: int = 20000) -> CadreFilter:
    return CadreFilter(unit_id=unit_id, ranks=[Rank(r) for r in ranks or []],
                       categories=[CadreCategory(c) for c in categories or []],
                       statuses=[CadreStatus(s) for s in statuses or []], text=text or "",
                       limit=limit)


@callback(Output("ca-reg-kpis", "children"), *FILTERS)
def search(unit_id, ranks, categories, statuses, text):
    actor = current_actor()
    session = db.session()
    try:
        wanted = _filter(unit_id, ranks, categories, statuses, text)
    except ValueError:
        return ui.alert(_("Choose the filters again."), "warning")
    try:
        counts = service.count_cadres(session, actor, wanted)
    except PortalError as error:
        return ui.alert(error.message, "warning")
    total = counts["cadres"]
    cards = [ui.kpi(_("Cadres found"), total), ui.kpi(_("Leading cadres"), counts["leading"])]
    if actor.can("cadres.view"):
        cards += [ui.kpi(_("Party members"),
                         percent(counts["party_members"] / total) if total else "—"),
                  ui.kpi(_("Women"), percent(counts["women"] / total) if total else "—")]
    return html.Div(cards, className="kpi-row")


@callback(Output("ca-reg-grid", "getRowsResponse"), Input("ca-reg-grid", "getRowsRequest"),
          *(State(i.component_id, i.component_property) for i in FILTERS))
def cadre_page(request, unit_id, ranks, categories, statuses, text):
    """The cadres found, a block at a time (a city has some 50,000)."""
    actor = current_actor()
    session = db.session()
    start, end, _sort = ui.page_request(request)
    try:
        wanted = _filter(unit_id, ranks, categories, statuses, text, limit=end - start)
    except ValueError:
        return ui.rows_response([], 0)
    try:
        found = service.search_cadres(session, actor, wanted, offset=start)
        count = start + len(found) if len(found) < end - start else service.count_cadres(session,
                                                                                         actor,
                                                                                         wanted)["cadres"]
    except PortalError:
        return ui.rows_response([], 0)
    return ui.rows_response(cadre_rows(found, actor.can("cadres.view")), count)


ui.purge_when("ca-reg-grid", *FILTERS)


ui.register(__name__, path="/cadres", title=N_("Cadre registry"), layout=layout,
            permission=scope.BASIC, section="cadres", order=30)
