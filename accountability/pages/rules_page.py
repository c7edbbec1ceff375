"""The rules in force (规则与时限): every measure with its form, effect period, what it blocks
and its regulation; the stage time limits; the follow-up windows. Administrators change
the numbers here (audited); everyone else reads them."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html, no_update

from accountability import rules
from accountability import settings as ac_settings
from accountability.enums import BlockKind, CaseStage
from portal import db, ui
from portal.access import current_actor
from portal.i18n import N_, _
from portal.ui import field


def _months(value) -> str:
    if value is None:
        return _("permanent")
    return _("%(n)s months", n=value) if value else _("none")


def catalogue(session) -> html.Table:
    table = ac_settings.effect_table(session)
    rows = []
    for spec in rules.CATALOGUE:
        months = table.get(spec.code.value, spec.months)
        period = _months(months)
        if spec.probation and months is not None:
            period = _("probation (1 or 2 years) + %(n)s months", n=months)
        if spec.first_phase:
            period += " · " + _("first %(n)s months: %(what)s", n=spec.first_phase[1],
                                 what=BlockKind(spec.first_phase[0]).label)
        rows.append(html.Tr([html.Td(spec.form.label), html.Td(spec.zh), html.Td(spec.code.label),
                             html.Td(html.Code(spec.code.value)), html.Td(period),
                             html.Td(BlockKind(spec.blocks).label),
                             html.Td(_(spec.source), className="small")]))
    head = html.Thead(html.Tr([html.Th(h) for h in (_("Form"), _("Chinese name"), _("Measure"),
                                                    _("Code"),
                                                     _("Effect period"), _("Blocks"),
                                                    _("Regulation"))]))
    return html.Table([head, html.Tbody(rows)], className="table table-sm ac-rules",
                      id="ac-rules-catalogue")


def limits(session) -> html.Table:
    stage_limits = ac_settings.stage_limits(session)
    extension = ac_settings.extension_rule(session)
    rows = []
    for stage in CaseStage:
        rule = stage_limits.get(stage.value)
        if not rule:
            continue
        start = _("from the filing date") if rule.get("from") == "filed" else _("from entering "
                                                                                "the stage")
        rows.append(html.Tr([html.Td(stage.label), html.Td(_months(rule["months"])),
                             html.Td(start)]))
    rows.append(html.Tr([html.Td(_("Extension of the investigation")),
                         html.Td(_months(extension["months"])),
                         html.Td(_("at most %(n)s time(s), with approver and reason",
                                   n=extension["max"]))]))
    rows.append(html.Tr([html.Td(_("Appeal after a decision")),
                         html.Td(_months(ac_settings.appeal_window(session))),
                         html.Td(_("answered within the appeal stage's limit"))]))
    first, last = ac_settings.follow_up_months(session)
    rows.append(html.Tr([html.Td(_("Follow-up visit to a sanctioned cadre")),
                         html.Td(_("%(a)s to %(b)s months", a=first, b=last)),
                         html.Td(_("after the decision"))]))
    rows.append(html.Tr([html.Td(_("Name clearing")),
                         html.Td(_months(ac_settings.name_clearing_months(session))),
                         html.Td(_("after the report was found false"))]))
    rows.append(html.Tr([html.Td(_("Error-tolerance application")),
                         html.Td(_months(ac_settings.application_window(session))),
                         html.Td(_("after the finding"))]))
    head = html.Thead(html.Tr([html.Th(_("What")), html.Th(_("Time limit")),
                               html.Th(_("Counted"))]))
    sources = html.P(_("Sources: %(a)s; %(b)s.",
                       a=ac_settings.DEFAULTS[ac_settings.STAGE_LIMITS].source,
                       b=ac_settings.DEFAULTS[ac_settings.APPEAL_WINDOW].source),
                     className="small text-muted")
    return html.Div([html.Table([head, html.Tbody(rows)], className="table table-sm ac-rules"),
                     sources])


def editable_items() -> list[dict]:
    items = [{"label": f"{_('Effect period')} · {spec.zh}",
              "value": f"{ac_settings.EFFECT_MONTHS}|{spec.code.value}"}
             for spec in rules.CATALOGUE]
    items += [{"label": f"{_('Time limit')} · {CaseStage(stage).label}",
               "value": f"{ac_settings.STAGE_LIMITS}|{stage}"}
              for stage in rules.DEFAULT_STAGE_LIMITS]
    items += [{"label": _("Extension: months"), "value": f"{ac_settings.EXTENSION}|months"},
              {"label": _("Extension: how many times"), "value": f"{ac_settings.EXTENSION}|max"},
              {"label": _("Appeal period"), "value": f"{ac_settings.APPEAL_WINDOW}|"},
              {"label": _("Follow-up visit: from (months)"), "value": f"{ac_settings.FOLLOW_UP}|0"},
              {"label": _("Follow-up visit: by (months)"), "value": f"{ac_settings.FOLLOW_UP}|1"},
              {"label": _("Name clearing (months)"), "value": f"{ac_settings.NAME_CLEARING}|"},
              {"label": _("Error-tolerance application (months)"),
               "value": f"{ac_settings.APPLICATION_WINDOW}|"}]
    return items


def layout(**_query):
    actor = current_actor()
    session = db.session()
    editor = None
    if actor.can("settings.manage"):
        items = editable_items()
        editor = ui.section(_("Change a rule value"), [
            dbc.Row([
                field(_("Rule"),
                      dbc.Select(id="ac-rule-item", options=items, value=items[0]["value"]), 6),
                field(_("Months"), dbc.Input(id="ac-rule-value", maxlength=12,
                                             placeholder=_("a number; “permanent” for an effect "
                                                           "period")), 3),
                dbc.Col(dbc.Button(_("Save"), id="ac-rule-save", color="primary",
                                   class_name="mt-4"), md=3),
            ], class_name="g-2"),
            html.Div(_("Localities adjust these defaults and regulations are revised; every "
                       "change is audited. "
                       "New values apply to all dates computed from now on."),
                     className="form-text"),
        ])
    return html.Div([
        ui.page_header(_("Rules and time limits"),
                       _("The defaults of domain.md, each with its regulation.")),
        html.Div(id="ac-rule-result"),
        editor,
        html.Div([ui.section(_("Measures, forms and effect periods"), catalogue(session)),
                  ui.section(_("Time limits"), limits(session))], id="ac-rule-tables"),
    ])


@callback(Output("ac-rule-result", "children"), Output("ac-rule-tables", "children"),
          Input("ac-rule-save", "n_clicks"), State("ac-rule-item", "value"),
          State("ac-rule-value", "value"),
          prevent_initial_call=True)
def save(n_clicks, item, value):
    key, _sep, sub = (item or "").partition("|")
    return ui.write(n_clicks, lambda session,
                    actor: ac_settings.change_months(session, actor, key, sub or None,
                                                                               value or ""),
                    idle=(no_update, no_update),
                    refused=lambda error: (ui.alert(error.message), no_update),
                    then=lambda _done: (ui.alert(_("Saved."), "success"), _tables(db.session())))


def _tables(session) -> list:
    return [ui.section(_("Measures, forms and effect periods"), catalogue(session)),
            ui.section(_("Time limits"), limits(session))]


ui.register(__name__, path="/accountability/rules", title=N_("Rules and time limits"),
            layout=layout,
            permission=("cases.view", "measures.view_effects"), section="accountability", order=50)
