"""Annual training plans (年度培训计划): generate the year's plans from the standards, look up
a cadre's plan and progress, and adjust it with a reason."""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from cadres import service, training
from cadres.models import CATEGORY_COLUMNS
from cadres.pages import widgets
from cadres.pages.common import hours, link_column, year_select
from portal import db, forms, ui
from portal.access import current_actor
from portal.errors import Invalid, PortalError
from portal.i18n import N_, _
from portal.ui import field

FORM_FIELDS = [("annual_hours", N_("Annual class hours")),
               ("online_hours", N_("Online hours at least")),
               ("theory_hours", N_("Theory")), ("party_spirit_hours", N_("Party spirit")),
               ("professional_hours", N_("Professional")), ("knowledge_hours", N_("Knowledge")),
               ("five_year_hours", N_("Five-year total (county level and above)"))]


def layout(**_query):
    actor = current_actor()
    year = date.today().year
    generate = html.Div([
        dbc.Button(_("Generate missing plans"), id="ca-pl-generate", color="primary", size="sm"),
    ]) if actor.can("training.edit") else None
    adjusted_columns = [link_column("name", _("Cadre"), maxWidth=120),
                        {"field": "code", "headerName": _("Cadre code"), "maxWidth": 110},
                        {"field": "unit", "headerName": _("Unit")},
                        {"field": "annual", "headerName": _("Annual hours"), "maxWidth": 120},
                        {"field": "note", "headerName": _("Reason")},
                        {"field": "by", "headerName": _("By"), "maxWidth": 120}]
    return html.Div([
        ui.page_header(_("Training plans"),
                       _("Each serving cadre's plan for the year comes from the training "
                                              "standards; adjust a plan where a cadre's situation "
                                              "requires it."),
                       actions=html.Div([year_select("ca-pl-year", year), generate],
                                        className="d-flex gap-2 align-items-center")),
        html.Div(id="ca-pl-generate-result"),
        html.Div(id="ca-pl-stats"),
        ui.section(_("A cadre's plan"), [
            dbc.InputGroup([dbc.Input(id="ca-pl-code", placeholder=_("Cadre code, e.g. C00049"),
                                      debounce=True),
                            dbc.Button(_("Open"), id="ca-pl-open", color="secondary")],
                           style={"maxWidth": "360px"}),
            html.Div(id="ca-pl-panel", className="mt-3"),
        ]),
        ui.section(_("Adjusted plans"),
                   ui.grid("ca-pl-adjusted", [], adjusted_columns, height=280)),
    ])


def plan_panel(session, actor, code: str, year: int) -> html.Div:
    cadre, plan, targets = training.get_plan(session, actor, code, year)
    progress = service.training_progress(session, actor, cadre, year)
    if plan is None:
        origin = _("No plan stored yet: the standard “%(code)s” applies.",
                   code=targets.standard_code or "—")
    elif plan.adjusted_at:
        origin = _("Adjusted by %(by)s on %(date)s: %(note)s", by=plan.adjusted_by,
                   date=ui.fmt_datetime(plan.adjusted_at), note=plan.note)
    else:
        origin = _("Generated from the standard “%(code)s”.", code=plan.standard_code)
    values = {"annual_hours": targets.annual_hours, "online_hours": targets.online_hours,
              "five_year_hours": targets.five_year_hours}
    values.update({column: targets.category_hours.get(category, 0) for category,
                   column in CATEGORY_COLUMNS.items()})
    editable = actor.can("training.edit")
    inputs = [field(_(label),
                    dbc.Input(id=f"ca-pl-{name}", type="number", min=0, step=1, value=values[name],
                                        disabled=not editable), 3) for name, label in FORM_FIELDS]
    form = html.Div([
        dbc.Row([*inputs, field(_("Deadline"), dbc.Input(id="ca-pl-deadline", type="date",
                                                          value=targets.deadline.isoformat(),
                                                         disabled=not editable),
                                3)], class_name="g-2 mb-2"),
        field(_("Reason for the change"),
              dbc.Input(id="ca-pl-note", maxlength=300, disabled=not editable), 12),
        dbc.Button(_("Save the plan"), id="ca-pl-save", color="primary",
                   class_name="mt-2") if editable else None,
        html.Div(id="ca-pl-save-result"),
    ])
    return html.Div([
        dcc.Store(id="ca-pl-cadre", data=cadre.code),
        html.H3(f"{cadre.name}（{cadre.code}）· {cadre.unit.name} · {cadre.position or '—'}",
                className="h6"),
        html.P(origin, className="text-muted small"),
        widgets.progress_kpis(progress),
        form,
    ])


@callback(Output("ca-pl-stats", "children"), Output("ca-pl-adjusted", "rowData"),
          Input("ca-pl-year", "value"),
          Input("ca-pl-generate-result", "children"))
def stats(year, _generated):
    actor = current_actor()
    session = db.session()
    try:
        chosen = int(year)
        counts, adjusted = training.plan_overview(session, actor, chosen)
    except (PortalError, TypeError, ValueError) as error:
        return ui.alert(getattr(error, "message", _("Choose a year.")), "warning"), []
    cards = html.Div([ui.kpi(_("Serving cadres"), counts["cadres"]),
                      ui.kpi(_("Plans for %(year)s", year=chosen), counts["plans"]),
                      ui.kpi(_("Without a plan"), counts["without"],
                             _("Their standard applies until generated"),
                             "warn" if counts["without"] else "good"),
                      ui.kpi(_("Adjusted plans"), counts["adjusted"])], className="kpi-row")
    rows = [{"code": p["code"], "name": p["name"], "unit": p["unit"],
             "annual": hours(p["annual_hours"]), "note": p["note"], "by": p["by"]}
            for p in adjusted]
    return cards, rows


@callback(Output("ca-pl-generate-result", "children"), Input("ca-pl-generate", "n_clicks"),
          State("ca-pl-year", "value"), prevent_initial_call=True)
def generate(n_clicks, year):
    def change(session, actor):
        return training.generate_plans(session, actor, _year(year, _("Choose a year.")))

    return ui.write(n_clicks, change, then=lambda created: ui.alert(
        _("%(n)s plans generated for %(year)s.", n=created, year=year), "success"))


def _year(value, refusal: str) -> int:
    """The year from the picker; anything else is refused with the page's own message."""
    if isinstance(value, bool) or not str(value).strip().isdigit():
        raise Invalid(refusal, field="year")
    return int(value)


@callback(Output("ca-pl-panel", "children"), Input("ca-pl-open", "n_clicks"),
          Input("ca-pl-code", "value"),
          State("ca-pl-year", "value"), prevent_initial_call=True)
def open_plan(_n, code, year):
    actor = current_actor()
    if not (code or "").strip():
        return None
    try:
        return plan_panel(db.session(), actor, code.strip(), int(year))
    except (PortalError, TypeError, ValueError) as error:
        return ui.alert(getattr(error, "message", _("Choose a year.")), "warning")


@callback(Output("ca-pl-save-result", "children"), Input("ca-pl-save", "n_clicks"),
          State("ca-pl-cadre", "data"),
          State("ca-pl-year", "value"),
          *[State(f"ca-pl-{name}", "value") for name, _label in FORM_FIELDS],
          State("ca-pl-deadline", "value"), State("ca-pl-note", "value"), prevent_initial_call=True)
def save(n_clicks, code, year, *values):
    *numbers, deadline, note = values
    changes = {name: value for (name, _label), value in zip(FORM_FIELDS, numbers, strict=True)}

    def change(session, actor):
        changes["deadline"] = forms.day(deadline, _("Deadline"))
        chosen = _year(year, _("Check the numbers and the deadline."))
        plan = training.adjust_plan(session, actor, code or "", chosen, changes, note or "")
        return _("Plan of %(name)s for %(year)s saved: %(hours)s class hours.",
                 name=plan.cadre.name,
                 year=plan.year, hours=hours(plan.annual_hours))

    return ui.write(n_clicks, change, then=lambda message: ui.alert(message, "success"))


ui.register(__name__, path="/training/plans", title=N_("Training plans"), layout=layout,
            permission="training.view", section="cadres", order=60)
