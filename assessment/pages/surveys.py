"""Satisfaction surveys (群众满意度) and democratic evaluation (民主测评) for the office:
issue one-time codes and print their slips, watch response rates per unit and group as
answers come in, and write the units' survey scores into the satisfaction indicator."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html
from flask_wtf.csrf import generate_csrf

from assessment import periods, surveys
from assessment import settings as assessment_settings
from assessment.enums import PeriodStatus, RespondentGroup
from assessment.pages import common
from portal import db, forms, ui
from portal.access import current_actor
from portal.enums import UnitLevel
from portal.errors import PortalError
from portal.i18n import N_, _

PAGE_SIZE = 50
REFRESH_SECONDS = 60  # the counts follow the answers coming in while the page is open


def _default_period(found) -> str | None:
    open_ones = [p for p in found if PeriodStatus(p.status) in surveys.OPEN]
    chosen = open_ones or found
    return chosen[-1].code if chosen else None


def layout(period: str | None = None, level: str | None = None, **_query):
    actor = current_actor()
    session = db.session()
    found = periods.list_periods(session, actor)
    codes = [p.code for p in found]
    period = period if period in codes else _default_period(found)
    level = level if level in {lv.value for lv in common.ASSESSED_LEVELS} else "community"
    return html.Div([
        ui.page_header(_("Satisfaction surveys"),
                       _("One-time anonymous codes per unit and respondent group, printed as "
                         "slips with QR codes; respondents answer on their phones without "
                         "logging in. Response rates update as answers arrive.")),
        dbc.Row([
            ui.field(_("Assessment period"),
                     ui.dropdown("as-sv-period", common.all_period_options(session, actor),
                                 period, clearable=False), 4),
            ui.field(_("Level"), ui.dropdown("as-sv-level", common.level_options(), level,
                                             clearable=False), 3),
        ], class_name="g-2 mb-3"),
        html.Div(id="as-sv-summary"),
        _issue_form(actor.can("assessment.edit"), period),
        _questionnaire_editor(actor.can("assessment.edit")),
        ui.section(_("Response rates by unit and group"),
                   [html.P(_("Answered of issued codes per respondent group. A unit's score "
                             "needs at least %(n)s answers; a unit never sees who answered, "
                             "only these counts and, from %(n)s answers on, a group's mean.",
                             n=assessment_settings.value(
                                 session, "assessment.survey.min_responses")),
                           className="small text-muted"),
                    ui.paged_grid("as-sv-grid", _columns(), height=520, page_size=PAGE_SIZE)],
                   actions=_apply_button(actor.can("assessment.edit"))),
        html.Div(id="as-sv-applied"),
        dcc.Interval(id="as-sv-tick", interval=REFRESH_SECONDS * 1000),
    ])


def _issue_form(editor: bool, period: str | None):
    """A plain form posted to ``/assessment/survey-slips`` (a new tab with the slips or a
    CSV): the codes exist in clear only in that answer."""
    if not editor:
        return None
    groups = [html.Option(g.label, value=g.value) for g in RespondentGroup]
    return ui.section(_("Issue codes and print slips"), html.Form([
        dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
        dcc.Input(id="as-sv-form-period", type="hidden", name="period", value=period or ""),
        dbc.Row([
            ui.field(_("Unit code"), dbc.Input(id="as-sv-unit", name="unit", type="text",
                                               required=True, maxLength=32,
                                               placeholder=_("e.g. S1")), 3),
            ui.field(_("Respondent group"), html.Select(groups, id="as-sv-group", name="group",
                                                        className="form-select"), 3),
            ui.field(_("Number of codes"), dbc.Input(id="as-sv-count", name="count",
                                                     type="number", min=1,
                                                     max=surveys.MAX_CODES, value=30), 2),
            dbc.Col([
                html.Button(_("Print slips"), type="submit", name="format", value="print",
                            className="btn btn-primary me-2"),
                html.Button(_("Download CSV"), type="submit", name="format", value="csv",
                            className="btn btn-outline-secondary"),
            ], md=4, className="d-flex align-items-end"),
        ], class_name="g-2"),
        html.P(_("The slips open in a new tab. Print them at once: the codes are kept only in "
                 "a form that cannot be read back. Nobody should note who received which slip."),
               className="small text-muted mt-2 mb-0"),
    ], method="POST", action="/assessment/survey-slips", target="_blank"))


def _questionnaire_editor(editor: bool):
    """The level's questionnaire: read-only for viewers; city-wide reviewers may change it."""
    weights = [ui.field(g.label, dbc.Input(id=f"as-sv-q-w-{g.value}", type="number", min=0,
                                           step=0.05, disabled=not editor), 2)
               for g in RespondentGroup]
    body = [
        dbc.Row([
            ui.field(_("Title"), dbc.Input(id="as-sv-q-title", maxLength=200,
                                           disabled=not editor), 6),
            ui.field(_("Score goes into indicator"), dbc.Input(id="as-sv-q-indicator",
                                                               maxLength=32,
                                                               disabled=not editor), 3),
            ui.field(_("Last day to answer"), dbc.Input(id="as-sv-q-closes", type="date",
                                                        disabled=not editor), 3,
                     hint=_("Empty: until the period is published.")),
        ], class_name="g-2 mb-2"),
        ui.field(_("Introduction shown to respondents"),
                 dbc.Textarea(id="as-sv-q-intro", rows=2, disabled=not editor), 12),
        ui.field(_("Questions, one a line"),
                 dbc.Textarea(id="as-sv-q-questions", rows=6, disabled=not editor), 12,
                 hint=_("Answered 满意 / 基本满意 / 不满意; a line starting with 5| is "
                        "answered from 1 to 5 (e.g. 民主测评). Questions cannot change once "
                        "answers have come in.")),
        html.Div(_("Group weights (their shares count; a group nobody answered for leaves "
                   "its weight to the others)"), className="small text-muted mt-2"),
        dbc.Row(weights, class_name="g-2"),
        dbc.Button(_("Save the questionnaire"), id="as-sv-q-save", color="primary", size="sm",
                   class_name="mt-2") if editor else None,
        html.Div(id="as-sv-q-message"),
    ]
    return ui.section(_("Questionnaire of this level"), body)


def _apply_button(editor: bool):
    if not editor:
        return None
    return dbc.Button(_("Write survey scores into the indicator"), id="as-sv-apply",
                      color="primary", size="sm")


def _columns() -> list[dict]:
    groups = [{"field": g.value, "headerName": g.label, "maxWidth": 130,
               "type": "rightAligned"} for g in RespondentGroup]
    return [
        {"field": "unit_name", "headerName": _("Unit"), "minWidth": 160},
        {"field": "unit_code", "headerName": _("Code"), "maxWidth": 110},
        *groups,
        {"field": "issued", "headerName": _("Codes issued"), **common.NUMBER_COLUMN},
        {"field": "answered", "headerName": _("Answered"), **common.NUMBER_COLUMN},
        {"field": "rate", "headerName": _("Response rate (%)"), **common.NUMBER_COLUMN},
        {"field": "score", "headerName": _("Survey score"), **common.NUMBER_COLUMN},
    ]


@callback(Output("as-sv-summary", "children"), Output("as-sv-form-period", "value"),
          Input("as-sv-period", "value"), Input("as-sv-applied", "children"),
          Input("as-sv-tick", "n_intervals"))
def show_summary(period, _applied, _tick):
    """Per level: units, codes issued and answered, the response rate."""
    actor = current_actor()
    if not period:
        return ui.empty_state(_("No assessment period yet."),
                              _("Create a period first; its surveys are run here.")), ""
    try:
        found = surveys.summary(db.session(), actor, period)
    except PortalError as error:
        return ui.alert(error.message, "warning"), period
    if not any(line.questionnaire for line in found):
        return ui.empty_state(_("No survey in this period yet."),
                              _("Issue the first codes below: the default questionnaire of "
                                "the level is created with them.")), period
    cards = []
    for line in found:
        if line.questionnaire is None:
            continue
        rate = None if line.rate is None else round(100 * line.rate, 1)
        cards.append(dbc.Col(ui.kpi(
            line.level.label, f"{line.answered:,} / {line.issued:,}",
            _("answered of issued · %(rate)s%% · %(units)s of %(all)s units have codes",
              rate="—" if rate is None else rate, units=f"{line.units_with_codes:,}",
              all=f"{line.units:,}")), md=4))
    return dbc.Row(cards, class_name="g-3 mb-3"), period


ui.purge_when("as-sv-grid", Input("as-sv-period", "value"), Input("as-sv-level", "value"),
              Input("as-sv-applied", "children"), Input("as-sv-tick", "n_intervals"))


@callback(Output("as-sv-grid", "getRowsResponse"), Input("as-sv-grid", "getRowsRequest"),
          State("as-sv-period", "value"), State("as-sv-level", "value"))
def rate_rows(request, period, level):
    """A block of units with their counts (a large city has 3,200 units)."""
    actor = current_actor()
    start, end, _sort = ui.page_request(request)
    if not period or not level:
        return ui.rows_response([], 0)
    try:
        chosen = forms.choice(level, UnitLevel, _("Level"))
        found, total = surveys.response_rates(db.session(), actor, period, chosen, start=start,
                                              end=end)
    except PortalError:
        return ui.rows_response([], 0)
    return ui.rows_response([_row(tally) for tally in found], total)


QUESTIONNAIRE_FIELDS = ["as-sv-q-title", "as-sv-q-indicator", "as-sv-q-closes", "as-sv-q-intro",
                        "as-sv-q-questions", *(f"as-sv-q-w-{g.value}" for g in RespondentGroup)]


@callback([Output(f, "value") for f in QUESTIONNAIRE_FIELDS],
          Input("as-sv-period", "value"), Input("as-sv-level", "value"),
          Input("as-sv-q-message", "children"))
def show_questionnaire(period, level, _saved):
    """The level's questionnaire, or the default one that the first codes will create."""
    actor = current_actor()
    try:
        chosen = forms.choice(level, UnitLevel, _("Level"))
        view = surveys.questionnaire_view(db.session(), actor, period, chosen)
    except PortalError:
        return [""] * len(QUESTIONNAIRE_FIELDS)
    return [view["title"], view["indicator_code"], view["closes_on"], view["intro"],
            view["questions"], *(view["weights"][g.value] for g in RespondentGroup)]


@callback(Output("as-sv-q-message", "children"), Input("as-sv-q-save", "n_clicks"),
          State("as-sv-period", "value"), State("as-sv-level", "value"),
          [State(f, "value") for f in QUESTIONNAIRE_FIELDS], prevent_initial_call=True)
def save_questionnaire(n_clicks, period, level, values):
    title, indicator, closes, intro, questions, *weights = values

    def change(session, actor):
        chosen = forms.choice(level, UnitLevel, _("Level"))
        parsed = {g.value: forms.number(w, g.label) or 0.0
                  for g, w in zip(RespondentGroup, weights, strict=True)}
        return surveys.save_questionnaire(
            session, actor, period, chosen, title=title, intro=intro,
            questions_text=questions or "", weights=parsed, indicator_code=indicator,
            closes_on=forms.day(closes, _("Last day to answer")))

    return ui.write(n_clicks, change,
                    then=lambda saved: ui.alert(_("The questionnaire was saved."), "success"))


def _row(tally: surveys.UnitTally) -> dict:
    row = {"unit_name": tally.unit_name, "unit_code": tally.unit_code, "issued": tally.issued,
           "answered": tally.answered, "score": tally.score,
           "rate": None if not tally.issued else round(100 * tally.answered / tally.issued, 1)}
    for group in tally.groups:
        row[group.group.value] = f"{group.answered} / {group.issued}" if group.issued else ""
    return row


@callback(Output("as-sv-applied", "children"), Input("as-sv-apply", "n_clicks"),
          State("as-sv-period", "value"), State("as-sv-level", "value"),
          prevent_initial_call=True)
def apply_scores(n_clicks, period, level):
    """The units' survey scores become the indicator's values (one audited action)."""

    def change(session, actor):
        chosen = forms.choice(level, UnitLevel, _("Level"))
        return surveys.apply_to_indicator(session, actor, period, chosen)

    def done(result):
        return ui.alert(_("%(n)s units' survey scores were written into indicator %(code)s; "
                          "%(few)s units with codes have fewer answers than a score needs and "
                          "were left as they were.", n=result["written"],
                          code=result["indicator"], few=result["too_few"]), "success")

    return ui.write(n_clicks, change, then=done)


ui.register(__name__, path="/assessment/surveys", title=N_("Satisfaction surveys"),
            layout=layout, permission=("assessment.view", "assessment.edit"),
            section="assessment", order=45)
