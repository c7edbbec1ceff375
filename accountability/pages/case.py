"""One case (案件): where it stands and by when, the next step with its reason, the time
limit extension, the history, the subjects and the confidential summary, the measures
decided (record, revoke or change them), error tolerance and name clearing.

Inspectors only (``cases.view``); every button goes through ``cases``/``measures`` which
check the role, the scope and the workflow again.
"""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from accountability import cases, measures, rules, tolerance
from accountability import settings as ac_settings
from accountability.enums import CaseStage, SubjectKind, ToleranceStatus
from accountability.pages.common import (
    cadre_href,
    date_input,
    days_badge,
    dropdown,
    effect_text,
    form_badge,
    measure_options,
    outcome_badge,
    stage_badge,
    toast,
    unit_options,
)
from accountability.scope import cadres_matching
from portal import audit, db, forms, ui
from portal.access import current_actor
from portal.errors import Invalid
from portal.i18n import N_, _
from portal.ui import field


def _facts(case, row) -> html.Div:
    items = [(_("Stage"), stage_badge(case.stage)), (_("Since"), case.stage_since.isoformat()),
             (_("Time limit"), html.Span([case.due_on.isoformat() + " " if case.due_on else "",
                                          days_badge(row.days_left, row.overdue)])),
             (_("Source of the clue"), case.source.label), (_("Kind"), case.kind.label),
             (_("Clue received"), case.opened_on.isoformat()),
             (_("Filed"), ui.fmt_date(case.filed_on)),
             (_("Decided"), ui.fmt_date(case.decided_on)),
             (_("Closed"), ui.fmt_date(case.closed_on)),
             (_("Unit"), case.unit.name),
             (_("Handler"), case.handler.display_name if case.handler else "—")]
    return html.Dl([part for label, value in items for part in (html.Dt(label), html.Dd(value))],
                   className="ac-facts")


def _subjects(case) -> html.Ul:
    items = []
    for subject in case.subjects:
        if subject.kind == SubjectKind.CADRE and subject.cadre:
            cadre = subject.cadre
            items.append(html.Li([dcc.Link(f"{cadre.name}（{cadre.code}）",
                                           href=cadre_href(cadre.code)),
                                  html.Span(f" · {cadre.unit.name} · {cadre.position or '—'}",
                                            className="text-muted")]))
        else:
            items.append(html.Li([subject.unit.name,
                                  html.Span(" · " + _("Unit or party organization"),
                                                              className="text-muted")]))
    return html.Ul(items, className="ac-subjects mb-0")


def _next_step(case) -> html.Div:
    allowed = rules.allowed_next(case.stage)
    if not allowed:
        return html.P(_("The case is finished; no further step is possible."),
                      className="text-muted mb-0")
    options = [{"label": stage.label, "value": stage.value} for stage in allowed]
    return html.Div([
        dbc.RadioItems(id="ac-move-target", options=options, value=options[0]["value"],
                       class_name="mb-2"),
        dbc.Row([field(_("Date of the step"), date_input("ac-move-on", date.today()), 6)],
                class_name="g-2 mb-2"),
        field(_("Why (recorded with your name)"),
              dbc.Textarea(id="ac-move-reason", rows=2, maxlength=5000,
                                                               placeholder=_("e.g. "
                                                                             "经集体研究决定立案"
                                                                             "审查调查")), 12),
        dbc.Checkbox(id="ac-move-false", value=False, class_name="mt-2",
                     label=_("The report was found false: clear the cadres' names (澄清正名)"))
        if CaseStage.NO_CASE in allowed else dcc.Store(id="ac-move-false", data=False),
        dbc.Button(_("Move the case"), id="ac-move-submit", color="primary", class_name="mt-2"),
    ])


def _extension(session, case, extensions) -> html.Div | None:
    rule = ac_settings.extension_rule(session)
    listed = [html.Li(_("%(day)s: +%(n)s months, approved by %(who)s — %(why)s",
                        day=e.approved_on.isoformat(),
                        n=e.months, who=e.approver, why=e.reason)) for e in extensions]
    if case.stage.value not in rule["stages"]:
        return html.Ul(listed, className="small mb-0") if listed else None
    if len(extensions) >= int(rule["max"]):
        return html.Div([html.Ul(listed, className="small"),
                         html.P(_("The time limit was already extended the most times allowed."),
                                className="text-muted small mb-0")])
    return html.Div([
        html.Ul(listed, className="small") if listed else None,
        dbc.Row([
            field(_("Approved by"), dbc.Input(id="ac-ext-approver", maxlength=120,
                                              placeholder=_("e.g. 市纪委监委主要负责人")), 6),
            field(_("Months"),
                  dbc.Input(id="ac-ext-months", type="number", min=1, max=int(rule["months"]),
                                         value=int(rule["months"])), 3),
            field(_("Approved on"), date_input("ac-ext-on", date.today()), 3),
        ], class_name="g-2 mb-2"),
        field(_("Reason"), dbc.Textarea(id="ac-ext-reason", rows=2, maxlength=5000), 12),
        dbc.Button(_("Extend the time limit"), id="ac-ext-submit", color="secondary", outline=True,
                   class_name="mt-2"),
    ])


def _history(events) -> html.Ul:
    items = []
    for event in reversed(events):
        move = (
            stage_badge(event.to_stage)
            if event.action != "extended"
            else dbc.Badge(_("Extension"), color="secondary")
        )
        items.append(html.Li([
            html.Div([html.Span(event.effective_on.isoformat(), className="ac-when"), move,
                      html.Span(event.actor, className="text-muted small ms-2")]),
            html.Div(event.reason, className="ac-why"),
        ]))
    return html.Ul(items, className="ac-timeline")


def _measure_rows(details, today: date) -> html.Div:
    if not details:
        return ui.empty_state(_("No measure recorded in this case yet."),
                              _("Record the measures of the decision below; their effect periods "
                                "follow."))
    rows = []
    for detail in details:
        view = detail.effect
        rows.append(html.Tr([
            html.Td(view.cadre_name or view.unit_name),
                             html.Td([form_badge(view.form), " ", view.label]),
            html.Td(view.decided_on.isoformat()),
            html.Td(effect_text(view, today), className="ac-effect"),
            html.Td(outcome_badge(view.tolerance_outcome) if view.tolerance_outcome else ""),
            html.Td(detail.document_no, className="small"),
            html.Td(detail.note, className="small ac-note"),
        ]))
    head = html.Thead(html.Tr([html.Th(h) for h in (_("Subject"), _("Measure"), _("Decided"),
                                                    _("Effect"),
                                                     _("Tolerance"), _("Document"), _("Note"))]))
    return html.Table([head, html.Tbody(rows)],
                      className="table table-sm align-middle mb-0 ac-measures",
                      id="ac-case-measures")


def _subject_options(case) -> list[dict]:
    options = []
    for subject in case.subjects:
        if subject.kind == SubjectKind.CADRE and subject.cadre:
            options.append({"label": f"{subject.cadre.name}（{subject.cadre.code}）",
                            "value": f"c{subject.cadre_id}"})
        else:
            options.append({"label": subject.unit.name, "value": f"u{subject.unit_id}"})
    return options


def _record_form(case) -> html.Div:
    subjects = _subject_options(case)
    return html.Div([
        dbc.Row([
            field(_("About"),
                  dbc.Select(id="ac-ms-subject", options=subjects, value=subjects[0]["value"]), 4),
            field(_("Measure"),
                  dropdown("ac-ms-code", measure_options(), placeholder=_("Choose the measure…")),
                  5),
            field(_("Decided on"), date_input("ac-ms-decided", case.decided_on or date.today()), 3),
        ], class_name="g-2 mb-2"),
        dbc.Row([
            field(_("Probation (party probation only)"), dbc.Select(id="ac-ms-years", options=[
                {"label": "—", "value": ""}, {"label": _("1 year"),
                                              "value": "1"}, {"label": _("2 years"), "value": "2"}],
                value=""), 4),
            field(_("Decision document no."), dbc.Input(id="ac-ms-doc", maxlength=80,
                                                        placeholder=_("e.g. 江纪发〔2026〕12号")),
                  4),
        ], class_name="g-2 mb-2"),
        field(_("Note (confidential)"), dbc.Textarea(id="ac-ms-note", rows=2, maxlength=5000), 12),
        dbc.Button(_("Record the measure"), id="ac-ms-submit", color="primary", class_name="mt-2"),
    ])


def _appeal_form(details) -> html.Div | None:
    standing = [d.effect for d in details if not d.effect.revoked_on and not d.effect.changed_on]
    if not standing:
        return None
    options = [{"label": f"{v.cadre_name or v.unit_name} · {v.label} · {v.decided_on.isoformat()}",
                "value": v.measure_id} for v in standing]
    return html.Div([
        dbc.Row([
            field(_("Measure"),
                  dbc.Select(id="ac-chg-measure", options=options, value=options[0]["value"]), 5),
            field(_("Outcome of the appeal"), dbc.Select(id="ac-chg-action", options=[
                {"label": _("Revoke the measure"), "value": "revoke"},
                {"label": _("Change it to another measure"), "value": "change"}], value="revoke"),
                  3),
            field(_("New measure (for a change)"), dropdown("ac-chg-code", measure_options()), 4),
        ], class_name="g-2 mb-2"),
        dbc.Row([
            field(_("Date"), date_input("ac-chg-on", date.today()), 3),
            field(_("Probation (if the new measure is party probation)"),
                  dbc.Select(id="ac-chg-years", options=[
                {"label": "—", "value": ""}, {"label": _("1 year"),
                                              "value": "1"}, {"label": _("2 years"), "value": "2"}],
                value=""), 4),
        ], class_name="g-2 mb-2"),
        field(_("Reason"), dbc.Textarea(id="ac-chg-reason", rows=2, maxlength=5000), 12),
        html.Div(_("The measure stays on record; a revoked one stops blocking from the date "
                   "given, a changed one "
                   "is replaced by the new measure counted from the original decision date."),
                 className="form-text"),
        dbc.Button(_("Record the appeal outcome"), id="ac-chg-submit", color="secondary",
                   outline=True,
                   class_name="mt-2"),
    ])


def _tolerance(session, actor, case, editable: bool) -> html.Div:
    apps = tolerance.applications_for_case(session, actor, case.id)
    clearings = cases.name_clearings(session, actor, case.id)
    parts = []
    if apps:
        parts.append(html.Ul([html.Li([
            dcc.Link(app.app_no,
                     href=f"/accountability/tolerance/application?id={app.application_id}"), " · ",
            app.cadre_name, " · ", ToleranceStatus(app.status).label, " ",
                                       outcome_badge(app.outcome)])
            for app in apps], className="mb-2"))
    if clearings:
        parts.append(html.Ul([html.Li(_("Name clearing for %(name)s due %(due)s: %(state)s",
                                        name=c.cadre.name,
                                        due=c.due_on.isoformat(),
                                        state=_("done on %(day)s",
                                                day=c.done_on.isoformat()) if c.done_on
                                        else _("pending"))) for c in clearings], className="mb-2"))
    if not parts:
        parts.append(html.P(_("No error-tolerance application or name clearing in this case."),
                            className="text-muted"))
    if not editable:
        return html.Div(parts)
    parts.append(dbc.Button(_("Record an application by the unit"),
                            href=f"/accountability/tolerance?case={case.id}",
                            color="link", size="sm", class_name="p-0 mb-2"))
    cadres = [o for o in _subject_options(case) if o["value"].startswith("c")]
    if cadres:
        parts.append(dbc.Row([
            field(_("Clear the name of"),
                  dbc.Select(id="ac-nc-cadre", options=cadres, value=cadres[0]["value"]), 5),
            field(_("Report found false on"), date_input("ac-nc-finding", date.today()), 4),
            dbc.Col(dbc.Button(_("Open name clearing"), id="ac-nc-open", color="secondary",
                               outline=True,
                               class_name="mt-4"), md=3),
        ], class_name="g-2"))
    return html.Div(parts)


def _edit_form(session, actor, case) -> html.Div:
    handlers = [{"label": u.display_name, "value": u.id} for u in cases.handlers(session, actor)]
    return html.Div([
        dbc.Button(_("Edit the case"), id="ac-edit-toggle", color="link", size="sm",
                   class_name="p-0 mt-2"),
        dbc.Collapse(html.Div([
            dbc.Row([
                field(_("Add a cadre"),
                      dropdown("ac-edit-cadre", [], placeholder=_("Type a name or cadre code…")),
                      6),
                field(_("Or add a unit / party organization"),
                      dropdown("ac-edit-unit", unit_options(session, actor)), 6),
            ], class_name="g-2 mb-2"),
            dbc.Row([
                field(_("Short title"),
                      dbc.Input(id="ac-edit-title", value=case.title, maxlength=200), 8),
                field(_("Handler"),
                      dbc.Select(id="ac-edit-handler", options=handlers, value=case.handler_id), 4),
            ], class_name="g-2 mb-2"),
            field(_("Summary (confidential)"),
                  dbc.Textarea(id="ac-edit-summary", value=case.summary, rows=4,
                                                           maxlength=20000), 12),
            dbc.Button(_("Save the changes"), id="ac-edit-save", color="primary",
                       class_name="mt-2"),
        ], className="mt-2"), id="ac-edit-collapse", is_open=False),
    ])


def case_body(session, actor, case_id: int) -> html.Div:
    case = cases.get_case(session, actor, case_id)
    row = cases.case_row(session, actor, case.id)
    today = date.today()
    details = measures.case_measures(session, actor, case.id)
    extension = _extension(session, case, cases.extensions(session, actor, case.id))
    editable = actor.can("cases.edit")
    left = [
        ui.section(_("About"),
                   [_subjects(case), _edit_form(session, actor, case) if editable else None]),
        ui.section(_("Summary (confidential)"), html.Div(case.summary or _("No summary recorded."),
                                                         className="ac-summary",
                                                         id="ac-case-summary")),
        ui.section(_("Measures decided"), [_measure_rows(details, today),
                                           html.Hr() if editable else None,
                                           html.H3(_("Record a measure"),
                                                   className="h6") if editable else None,
                                           _record_form(case) if editable else None]),
    ]
    appeal = _appeal_form(details) if editable else None
    if appeal is not None:
        left.append(ui.section(_("Appeal or review of a measure"), appeal))
    left.append(ui.section(_("Error tolerance and name clearing"),
                           _tolerance(session, actor, case, editable)))
    right = [
        ui.section(_("Where it stands"), _facts(case, row)),
        ui.section(_("Next step"), _next_step(case)) if editable else None,
        ui.section(_("Time limit extension"), extension) if extension is not None else None,
        ui.section(_("Case history"), _history(case.events)),
    ]
    return html.Div([
        ui.page_header(f"{case.case_no} · {case.title}" if case.title else case.case_no,
                       _("%(stage)s since %(day)s", stage=case.stage.label,
                         day=case.stage_since.isoformat()),
                       actions=dbc.Button(_("Back to the desk"), href="/accountability",
                                          color="link", size="sm")),
        dcc.Store(id="ac-case-stage", data=case.stage.value),
        dbc.Row([dbc.Col(left, lg=7), dbc.Col(right, lg=5)]),
    ])


def layout(id=None, **_query):
    actor = current_actor()
    actor.require("cases.view")
    try:
        case_id = int(id)
    except (TypeError, ValueError):
        return ui.empty_state(_("No case chosen."), _("Open a case from the case desk."),
                              dbc.Button(_("Case desk"), href="/accountability", color="primary"))
    body = case_body(db.session(), actor, case_id)
    audit.log_view(actor, "case", case_id)  # the case and its narrative were shown
    return html.Div([
        dcc.Store(id="ac-case-id", data=case_id),
        html.Div(id="ac-case-result", className="ac-toast"),
        html.Div(body, id="ac-case-body"),
    ], className="ac-case")


def _refresh(case_id: int, message: str):
    return case_body(db.session(), current_actor(), case_id), toast(message)


def _refused(error):
    return no_update, ui.alert(error.message)


def _case_id(value) -> int | None:
    return forms.whole(value, _("the case"))


@callback(Output("ac-case-body", "children"), Output("ac-case-result", "children"),
          Input("ac-move-submit", "n_clicks"), State("ac-case-id", "data"),
          State("ac-case-stage", "data"),
          State("ac-move-target", "value"), State("ac-move-on", "value"),
          State("ac-move-reason", "value"),
          State("ac-move-false", "value"), prevent_initial_call=True)
def move(n_clicks, case_id, seen_stage, target, on, reason, report_false):
    def change(session, actor):
        case = _case_id(case_id)
        cases.move_case(session, actor, case, target or "",
                        reason=reason or "", on=forms.day(on, _("the date")),
                        expected_stage=forms.choice(seen_stage, CaseStage, _("the stage")),
                        report_false=bool(report_false))
        return case, cases.get_case(session, actor, case).stage.label

    return ui.write(n_clicks, change, refused=_refused, idle=(no_update, no_update),
                    then=lambda done: _refresh(
        done[0], _("The case moved to “%(stage)s”.", stage=done[1])))


@callback(Output("ac-case-body", "children", allow_duplicate=True),
          Output("ac-case-result", "children", allow_duplicate=True),
          Input("ac-ext-submit", "n_clicks"), State("ac-case-id", "data"),
          State("ac-ext-approver", "value"),
          State("ac-ext-months", "value"), State("ac-ext-on", "value"),
          State("ac-ext-reason", "value"),
          prevent_initial_call=True)
def extend(n_clicks, case_id, approver, months, on, reason):
    def change(session, actor):
        case = _case_id(case_id)
        extension = cases.extend_case(session, actor, case, approver=approver or "",
                                      reason=reason or "",
                                      months=forms.whole(months, _("Months")),
                                      approved_on=forms.day(on, _("the date")))
        return case, extension.new_due_on.isoformat() if extension.new_due_on else "—"

    return ui.write(n_clicks, change, refused=_refused, idle=(no_update, no_update),
                    then=lambda done: _refresh(
        done[0], _("The time limit was extended; the case is now due %(day)s.", day=done[1])))


def _subject_ids(value) -> tuple[int | None, int | None]:
    value = value if isinstance(value, str) else ""
    if not value or value[0] not in "cu" or not value[1:].isdigit():
        raise Invalid(_("Choose whom the measure is about."), field="subject")
    return (int(value[1:]), None) if value[0] == "c" else (None, int(value[1:]))


@callback(Output("ac-case-body", "children", allow_duplicate=True),
          Output("ac-case-result", "children", allow_duplicate=True),
          Input("ac-ms-submit", "n_clicks"), State("ac-case-id", "data"),
          State("ac-ms-subject", "value"),
          State("ac-ms-code", "value"), State("ac-ms-decided", "value"),
          State("ac-ms-years", "value"),
          State("ac-ms-doc", "value"), State("ac-ms-note", "value"), prevent_initial_call=True)
def record(n_clicks, case_id, subject, code, decided, years, document_no, note):
    def change(session, actor):
        cadre_id, unit_id = _subject_ids(subject)
        case = _case_id(case_id)
        measure = measures.record_measure(session, actor, code=code or "", decided_on=forms.day(
            decided, _("the decision date")), cadre_id=cadre_id, unit_id=unit_id, case_id=case,
            probation_years=years or None, document_no=document_no or "", note=note or "")
        view = measures.effect_view(measure, ac_settings.effect_table(session))
        return case, _("“%(measure)s” recorded: %(effect)s.", measure=view.label,
                       effect=effect_text(view, date.today()))

    return ui.write(n_clicks, change, refused=_refused, idle=(no_update, no_update),
                    then=lambda done: _refresh(*done))


@callback(Output("ac-case-body", "children", allow_duplicate=True),
          Output("ac-case-result", "children", allow_duplicate=True),
          Input("ac-chg-submit", "n_clicks"), State("ac-case-id", "data"),
          State("ac-chg-measure", "value"),
          State("ac-chg-action", "value"), State("ac-chg-code", "value"),
          State("ac-chg-on", "value"),
          State("ac-chg-years", "value"), State("ac-chg-reason", "value"),
          prevent_initial_call=True)
def appeal_outcome(n_clicks, case_id, measure_id, action, new_code, on, years, reason):
    def change(session, actor):
        case = _case_id(case_id)
        measure = measures.get_measure(session, actor, forms.whole(measure_id, _("the measure")),
                                       "measures.edit")
        if measure.case_id != case:
            raise Invalid(_("This measure belongs to another case."))
        day = forms.day(on, _("the date"))
        if action == "change":
            measures.change_measure(session, actor, measure.id, new_code=new_code or "",
                                    changed_on=day,
                                    reason=reason or "", probation_years=years or None)
            return case, _("The measure was changed; the new one counts from the original "
                           "decision date.")
        measures.revoke_measure(session, actor, measure.id, revoked_on=day, reason=reason or "")
        return case, _("The measure was revoked; it stays on record and no longer blocks from "
                       "that date.")

    return ui.write(n_clicks, change, refused=_refused, idle=(no_update, no_update),
                    then=lambda done: _refresh(*done))


@callback(Output("ac-edit-collapse", "is_open"), Input("ac-edit-toggle", "n_clicks"),
          State("ac-edit-collapse", "is_open"), prevent_initial_call=True)
def toggle_edit(_n, is_open):
    current_actor()
    return not is_open


@callback(Output("ac-edit-cadre", "options"), Input("ac-edit-cadre", "search_value"),
          prevent_initial_call=True)
def search_cadre(term):
    actor = current_actor()
    if not term:
        return no_update
    return [{"label": f"{c.name}（{c.code}，{c.unit.name}）", "value": c.id}
            for c in cadres_matching(db.session(), actor, term)]


@callback(Output("ac-case-body", "children", allow_duplicate=True),
          Output("ac-case-result", "children", allow_duplicate=True),
          Input("ac-edit-save", "n_clicks"), State("ac-case-id", "data"),
          State("ac-edit-cadre", "value"),
          State("ac-edit-unit", "value"), State("ac-edit-title", "value"),
          State("ac-edit-handler", "value"),
          State("ac-edit-summary", "value"), prevent_initial_call=True)
def edit(n_clicks, case_id, cadre_id, unit_id, title, handler, summary):
    def change(session, actor):
        case = _case_id(case_id)
        cadre, unit = forms.whole(cadre_id, _("the cadre")), forms.whole(unit_id, _("the unit"))
        if cadre or unit:
            cases.add_subject(session, actor, case, cadre_id=cadre or None,
                              unit_id=unit if unit and not cadre else None)
        cases.edit_case(session, actor, case, title=title, summary=summary,
                        handler_id=forms.whole(handler, _("the handler")) or None)
        return case

    return ui.write(n_clicks, change, refused=_refused, idle=(no_update, no_update),
                    then=lambda case: _refresh(case, _("The case was updated.")))


@callback(Output("ac-case-body", "children", allow_duplicate=True),
          Output("ac-case-result", "children", allow_duplicate=True),
          Input("ac-nc-open", "n_clicks"), State("ac-case-id", "data"),
          State("ac-nc-cadre", "value"),
          State("ac-nc-finding", "value"), prevent_initial_call=True)
def open_clearing(n_clicks, case_id, subject, finding):
    def change(session, actor):
        cadre_id, _unit = _subject_ids(subject)
        case = cases.get_case(session, actor, _case_id(case_id), "cases.edit")
        if cadre_id not in {s.cadre_id for s in case.subjects}:
            raise Invalid(_("Choose one of the cadres of this case."))
        item = tolerance.open_name_clearing(session, actor, cadre_id=cadre_id, case_id=case.id,
                                            finding_on=forms.day(finding, _("the date")))
        return case.id, _("Name clearing opened; it is due %(day)s.", day=item.due_on.isoformat())

    return ui.write(n_clicks, change, refused=_refused, idle=(no_update, no_update),
                    then=lambda done: _refresh(*done))


ui.register(__name__, path="/accountability/case", title=N_("Case"), layout=layout,
            permission="cases.view",
            section=None)
