"""Training standards (培训标准) and the related rule values, each with the regulation it
comes from; administrators change them here."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html, no_update

from accountability.enums import MeasureType
from cadres import settings as cadre_settings
from cadres import training
from cadres.models import CATEGORY_COLUMNS
from cadres.pages.common import dropdown, hours, percent
from cadres.rules import Standard
from cadres.teams import establishment_text
from portal import db, forms, ui
from portal.access import current_actor
from portal.enums import CadreCategory, Rank
from portal.i18n import N_, _
from portal.ui import field

RANK_THRESHOLDS = {0: N_("Any rank"), 4: N_("Township/section level and above"),
                   6: N_("County/division level and above"), 8: N_("Bureau level and above")}
NUMBER_FIELDS = ["annual_hours", "online_hours", "online_share_cap", *CATEGORY_COLUMNS.values(),
                 "five_year_hours"]


def applies_to(standard: Standard) -> str:
    who = CadreCategory(standard.cadre_category).label if standard.cadre_category else _("Any "
                                                                                         "category")
    threshold = RANK_THRESHOLDS.get(standard.min_rank_grade)
    rank = _(threshold) if threshold else _("rank grade %(n)s and above", n=standard.min_rank_grade)
    return f"{who} · {rank}"


def standard_card(standard: Standard) -> dbc.Col:
    """One standard: what it requires and where the numbers come from."""
    categories = " · ".join(f"{c.label} {hours(h)}" for c,
                            h in standard.category_hours.items() if h) or "—"
    cap = percent(standard.online_share_cap) if standard.online_share_cap is not None else _("no "
                                                                                             "limit")
    facts = [(_("Applies to"), applies_to(standard)),
             (_("Annual class hours"), hours(standard.annual_hours)),
             (_("Online learning at least (local practice)"), hours(standard.online_hours)),
             (_("Online study may fill"), _("%(share)s of the annual hours", share=cap)),
             (_("Minimum per category"), categories),
             (_("Five-year total"),
              hours(standard.five_year_hours) if standard.five_year_hours else "—")]
    items = [item for label, value in facts for item in (
        html.Dt(label, className="col-5 small text-muted fw-normal"),
                                                         html.Dd(value, className="col-7 mb-1"))]
    body = [html.Dl(items, className="row mb-2"),
            html.P([html.Span(_("Source: "), className="text-muted"), _(standard.source)],
                   className="small mb-0")]
    return dbc.Col(dbc.Card([dbc.CardHeader(html.Strong(f"{_(standard.name)} · {standard.code}")),
                             dbc.CardBody(body)], class_name="h-100"), lg=6, class_name="mb-3")


def standard_cards(found: list[Standard]) -> list:
    return [standard_card(s) for s in found]


def _measure_label(code: str) -> str:
    try:
        return MeasureType(code).label
    except ValueError:
        return code


def _rank_label(code: str) -> str:
    try:
        return Rank(code).label
    except ValueError:
        return code


CAP_LABELS = {"no_excellent": N_("no Excellent that year"), "not_graded": N_("no grade that year"),
              "incompetent": N_("Incompetent that year")}


def _grade_limit_text(code: str, limit: dict) -> str:
    """``记大过: no grade that year, and the next 1 year(s)`` (what ``cadres.grade_limits``
    holds)."""
    text = f"{_measure_label(code)}: {_(CAP_LABELS.get(limit['year'], limit['year']))}"
    following = limit.get("next_years")
    if following == "probation":
        return text + _(", no grade in the probation year(s)")
    if following:
        return text + _(", no grade the next %(n)s year(s)", n=following)
    return text


def _shown(key: str, value) -> str:
    if key == cadre_settings.EXCELLENT_QUOTA:
        return percent(value)
    if key == cadre_settings.RANK_TENURE_BY_RANK:
        return ", ".join(f"{_rank_label(k)}: {v}" for k, v in value.items()) or "—"
    if key == cadre_settings.NO_COMMENDATION_IN_YEAR:
        return ", ".join(_measure_label(code) for code in value) or "—"
    if key == cadre_settings.GRADE_LIMITS:
        return _("; ").join(_grade_limit_text(code, limit) for code, limit in value.items()) or "—"
    if key == cadre_settings.TEAM_ESTABLISHMENT:
        return establishment_text(value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {percent(v)}" for k, v in value.items()) or "—"
    return hours(value) if key == cadre_settings.DAY_HOURS else str(value)


def settings_rows(session) -> html.Table:
    rows = [html.Tr([html.Td(_(default.label)),
                     html.Td(_shown(key, cadre_settings.get(session, key))),
                     html.Td(_(default.source), className="small")])
            for key, default in cadre_settings.DEFAULTS.items()]
    return html.Table([html.Thead(html.Tr([html.Th(_("Rule")), html.Th(_("Value")),
                                           html.Th(_("Source"))])),
                       html.Tbody(rows)], className="table table-sm mb-2")


def settings_section(session, editable: bool) -> html.Div:
    table = html.Div(settings_rows(session), id="ca-st-settings")
    if not editable:
        return table
    options = [{"label": _(d.label), "value": k} for k, d in cadre_settings.DEFAULTS.items()]
    form = dbc.Row([
        field(_("Rule"),
              dbc.Select(id="ca-st-setting", options=options, value=cadre_settings.EXCELLENT_QUOTA),
              4),
        field(_("New value"),
              dbc.Input(id="ca-st-setting-value", placeholder=_("e.g. 20% · 8 · 2023 · JZ01: 15%")),
              4),
        dbc.Col(dbc.Button(_("Save the rule"), id="ca-st-setting-save", color="secondary"), md=2,
                class_name="d-flex align-items-end"),
    ], class_name="g-2")
    return html.Div([table, form, html.Div(id="ca-st-setting-result")])


def editor(found: list[Standard]) -> html.Div:
    options = [{"label": f"{s.code} · {_(s.name)}", "value": s.code} for s in found]
    numbers = [field(_(training.FIELD_LABELS[name]), dbc.Input(
        id=f"ca-st-{name}", type="number", min=0, step=0.05 if name == "online_share_cap" else 1),
                     3)
        for name in NUMBER_FIELDS]
    return html.Div([
        dbc.Row([
            field(_("Start from"), dropdown("ca-st-pick", options, found[0].code if found else None,
                                            clearable=False), 4),
            field(_("Code"), dbc.Input(id="ca-st-code", maxlength=40), 2),
            field(_("Name"), dbc.Input(id="ca-st-name", maxlength=120), 6),
        ], class_name="g-2 mb-2"),
        dbc.Row([
            field(_("Cadre category"), dropdown("ca-st-category", CadreCategory.options(),
                                                placeholder=_("Any category")), 4),
            field(_("Rank"),
                  dropdown("ca-st-rank",
                           [{"label": _(v), "value": k} for k, v in RANK_THRESHOLDS.items()],
                                      0, clearable=False), 4),
        ], class_name="g-2 mb-2"),
        dbc.Row(numbers, class_name="g-2 mb-2"),
        field(_("Source (regulation or local practice)"),
              dbc.Input(id="ca-st-source", maxlength=400), 12),
        dbc.Button(_("Save the standard"), id="ca-st-save", color="primary", class_name="mt-2"),
        html.Div(_("Change the code to add a new standard. Plans already generated keep their "
                   "numbers; generate "
                   "or adjust plans to apply a change."), className="form-text"),
        html.Div(id="ca-st-result"),
    ])


def layout(**_query):
    actor = current_actor()
    session = db.session()
    found = training.list_standards(session, actor)
    admin = actor.can("settings.manage")
    return html.Div([
        ui.page_header(_("Training standards"),
                       _("What each group of cadres must complete in a year; the most "
                                                  "specific standard that fits a cadre applies.")),
        ui.section(_("Standards in force"), dbc.Row(standard_cards(found), id="ca-st-cards")),
        ui.section(_("Related rules"), settings_section(session, admin)),
        ui.section(_("Change a standard"), editor(found)) if admin else None,
    ])


OUTPUTS = ["code", "name", "category", "rank", *NUMBER_FIELDS, "source"]


@callback(*[Output(f"ca-st-{name}", "value") for name in OUTPUTS], Input("ca-st-pick", "value"))
def fill(code):
    actor = current_actor()
    actor.require("settings.manage")
    chosen = next((s for s in training.standards(db.session()) if s.code == code), None)
    if chosen is None:
        return (no_update,) * len(OUTPUTS)
    # show the defaults' name and source in the reader's language; ``save`` keeps their msgids
    values = {"code": chosen.code, "name": _(chosen.name), "category": chosen.cadre_category,
              "rank": chosen.min_rank_grade, "annual_hours": chosen.annual_hours,
              "online_hours": chosen.online_hours, "online_share_cap": chosen.online_share_cap,
              "five_year_hours": chosen.five_year_hours, "source": _(chosen.source)}
    values.update({column: chosen.category_hours.get(c, 0) for c,
                   column in CATEGORY_COLUMNS.items()})
    return tuple(values[name] for name in OUTPUTS)


@callback(Output("ca-st-result", "children"), Output("ca-st-cards", "children"),
          Input("ca-st-save", "n_clicks"),
          *[State(f"ca-st-{name}", "value") for name in OUTPUTS], prevent_initial_call=True)
def save(n_clicks, *values):
    current_actor()
    if not n_clicks:
        return no_update, no_update
    given = dict(zip(OUTPUTS, values, strict=True))
    given["cadre_category"], given["min_rank_grade"] = given.pop("category"), given.pop("rank")
    stored = next((s for s in training.standards(db.session()) if s.code == given.get("code")),
                  None)
    if (
        stored is not None
    ):  # unchanged translated texts keep their msgids (shown in either language)
        for name in ("name", "source"):
            if given.get(name) == _(getattr(stored, name)):
                given[name] = getattr(stored, name)

    def change(session, actor):
        given["cadre_category"] = forms.choice(given["cadre_category"], CadreCategory,
                                               _("Category"))
        given["min_rank_grade"] = forms.whole(given["min_rank_grade"], _("Rank"))
        return _("Standard %(code)s saved.",
                 code=training.save_standard(session, actor, given).code)

    return ui.write(n_clicks, change, refused=lambda error: (ui.alert(error.message), no_update),
                    then=lambda message: (ui.alert(message, "success"),
                                          standard_cards(training.standards(db.session()))))


@callback(Output("ca-st-setting-result", "children"), Output("ca-st-settings", "children"),
          Input("ca-st-setting-save", "n_clicks"), State("ca-st-setting", "value"),
          State("ca-st-setting-value", "value"), prevent_initial_call=True)
def save_setting(n_clicks, key, value):
    return ui.write(n_clicks, lambda session,
                    actor: cadre_settings.change(session, actor, key or "", value or ""),
                    refused=lambda error: (ui.alert(error.message), no_update),
                    idle=(no_update, no_update),
                    then=lambda _done: (ui.alert(_("Rule saved."), "success"),
                                        settings_rows(db.session())))


ui.register(__name__, path="/training/standards", title=N_("Training standards"), layout=layout,
            permission=("training.view", "settings.manage"), section="cadres", order=65)
