"""Annual appraisal grades (年度考核等次): distribution, the 优秀 quota check per unit, a
single grade, import and export."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html, no_update

from cadres import grades
from cadres import settings as cadre_settings
from cadres.enums import AppraisalGrade
from cadres.pages import charts
from cadres.pages.common import percent, year_select
from portal import db, ui
from portal.access import current_actor
from portal.errors import PortalError
from portal.i18n import N_, _
from portal.pages.transfer import export_buttons, import_panel
from portal.ui import field


def quota_columns() -> list[dict]:
    return [{"field": "unit", "headerName": _("Unit"), "minWidth": 160},
            {"field": "code", "headerName": _("Unit code"), "minWidth": 120, "maxWidth": 140},
            {"field": "assessed", "headerName": _("Assessed"), "minWidth": 120,
             "type": "numericColumn"},
            {"field": "excellent", "headerName": _("Excellent"), "minWidth": 90,
             "type": "numericColumn"},
            {"field": "allowed", "headerName": _("Allowed"), "minWidth": 90,
             "type": "numericColumn"},
            {"field": "share", "headerName": _("Share"), "minWidth": 85},
            {"field": "quota", "headerName": _("Quota"), "minWidth": 100},
            {"field": "state", "headerName": _("Check"), "minWidth": 110, "sort": "desc",
             "cellClassRules": {"ca-over-quota": "params.data.over"}}]


def layout(**_query):
    actor = current_actor()
    session = db.session()
    years = grades.grade_years(session, actor)
    year = years[0] if years else date.today().year - 1
    editor = ui.section(_("Record a grade"), html.Div([
        dbc.Row([
            field(_("Cadre code"), dbc.Input(id="ca-gr-code"), 3),
            field(_("Year"),
                  dbc.Input(id="ca-gr-year", type="number", value=year, min=2000, max=2100), 2),
            field(_("Grade"), dbc.Select(id="ca-gr-grade", options=AppraisalGrade.options(),
                                         value=AppraisalGrade.COMPETENT.value), 3),
            dbc.Col(dbc.Button(_("Save"), id="ca-gr-save", color="primary"), md=2,
                    class_name="d-flex align-items-end"),
        ], class_name="g-2"),
        html.Div(id="ca-gr-result"),
    ])) if actor.can("grades.edit") else None
    importer = ui.section(_("Import grades"), import_panel("grades", help_text=_(
        "Columns: cadre_code (干部编号), year (年度), grade (等次: 优秀/称职/基本称职/不称职; "
        "public-institution staff "
        "优秀/合格/基本合格/不合格; or 不定等次). A cadre's grade for a year is replaced by a new "
        "import; a grade the "
        "cadre's measures rule out is refused (domain.md §7); units over the Excellent quota are "
        "reported."))) \
        if actor.can("grades.edit") else None
    quota = cadre_settings.excellent_quota(session)
    return html.Div([
        ui.page_header(_("Appraisal grades"),
                       _("Annual grades of the cadres in your scope. At most %(share)s of "
                                                "those assessed in a unit may be graded Excellent.",
                                                share=percent(quota)),
                       actions=html.Div([year_select("ca-gr-view-year", year, date.today().year, 6),
                                         export_buttons("grades")],
                                        className="d-flex gap-2 align-items-center")),
        dbc.Row([
            dbc.Col(ui.section(_("Distribution"), ui.graph("ca-gr-chart", height=300)), lg=5),
            dbc.Col(ui.section(_("Excellent quota by unit"), [html.Div(id="ca-gr-quota-note"),
                                                               ui.grid("ca-gr-quota", [],
                                                                       quota_columns(),
                                                                       height=300)]),
                    lg=7),
        ]),
        editor, importer,
    ])


def quota_rows(found) -> list[dict]:
    state = {True: _("Over the quota"), False: _("Within the quota")}  # once, not per unit
    rows = []
    for q in found:
        allowed = q.check.allowed
        over = q.check.excellent > allowed
        rows.append({"unit": q.unit_name, "code": q.unit_code, "assessed": q.check.assessed,
                     "excellent": q.check.excellent, "allowed": allowed,
                     "share": percent(q.check.share), "quota": percent(q.check.quota),
                     "over": over, "state": state[over]})
    return rows


@callback(Output("ca-gr-chart", "figure"), Output("ca-gr-quota", "rowData"),
          Output("ca-gr-quota-note", "children"),
          Input("ca-gr-view-year", "value"), Input("ca-gr-result", "children"))
def show_year(year, _saved):
    actor = current_actor()
    session = db.session()
    try:
        chosen = int(year)
        counts = grades.distribution(session, actor, chosen)
        found = grades.quota_checks(session, actor, chosen)
    except (PortalError, TypeError, ValueError) as error:
        return no_update, [], ui.alert(getattr(error, "message", _("Choose a year.")), "warning")
    over = sum(1 for q in found if q.check.over)
    note = ui.alert(_("%(n)s unit(s) graded more cadres Excellent than the quota allows.", n=over),
                    "warning") \
        if over else None
    return charts.grade_distribution(counts), quota_rows(found), note


@callback(Output("ca-gr-result", "children"), Input("ca-gr-save", "n_clicks"),
          State("ca-gr-code", "value"),
          State("ca-gr-year", "value"), State("ca-gr-grade", "value"), prevent_initial_call=True)
def save(n_clicks, code, year, grade):
    def change(session, actor):
        row, check = grades.set_grade(session, actor, (code or "").strip(), year, grade)
        message = _("%(name)s: %(grade)s for %(year)s saved.", name=row.cadre.name,
                    grade=AppraisalGrade(row.grade).label, year=row.year)
        lines = [_("%(excellent)s of %(assessed)s in the unit are graded Excellent; the quota "
                   "allows %(allowed)s.",
                   excellent=check.excellent, assessed=check.assessed, allowed=check.allowed)] \
            if check is not None and check.over else []
        return ui.alert(message, "warning" if lines else "success", lines)

    return ui.write(n_clicks, change)


ui.register(__name__, path="/cadres/grades", title=N_("Appraisal grades"), layout=layout,
            permission="cadres.view", section="cadres", order=70)
