"""The annual report (年度报告): ``/reports/annual``. A unit of the reviewer's scope and a year
give a printable document — results, training, the four forms, personnel decisions —
that prints on A4 portrait (``assets/print-report.css``: fixed-size charts, one part per
page) and downloads as an XLSX workbook, built by a background job (``cadres.jobs``, audited
as an export) while the page stays free."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from assessment.enums import Grade
from cadres import annual
from cadres.pages import annual_charts as charts
from cadres.pages.common import hours, percent, year_select
from portal import db, jobs, ui
from portal.access import current_actor
from portal.errors import PortalError
from portal.i18n import N_, _
from portal.pages.jobs import HIDDEN, job_panel, start_job
from portal.theme import GRAPH_CONFIG

JOB = "annual_report"  # the workbook (cadres.jobs)
VIEW_JOB = "annual_report_view"  # the figures the page shows
VIEW_JOB_ID = {"type": "job-id", "kind": VIEW_JOB}
VIEW_PANEL = {"type": "job-panel", "kind": VIEW_JOB}
STATIC = {**GRAPH_CONFIG, "responsive": False, "displayModeBar": False}


def _chart(name: str, figure) -> html.Div:
    """A chart at its own fixed size (never stretched to the window), kept whole on paper."""
    return html.Div(ui.graph(f"ca-ar-{name}", figure, config=STATIC, responsive=False),
                    className="ca-ar-chart")


def _table(headers: list[str], rows: list[list], numeric: tuple[int, ...] = ()) -> html.Table:
    def cell(index, value, tag):
        return tag(value, className="text-end" if index in numeric else None)

    head = html.Thead(html.Tr([cell(i, h, html.Th) for i, h in enumerate(headers)]))
    body = html.Tbody([html.Tr([cell(i, v, html.Td) for i, v in enumerate(row)]) for row in rows])
    return html.Table([head, body], className="table table-sm ca-ar-table")


def _part(title: str, body: list) -> dbc.Card:
    return ui.section(title, body, class_name="ca-ar-part")


def _result_rows(rows) -> list[list]:
    return [[r.unit_name, r.level_label, f"{r.composite:.2f}",
             f"{r.rank_in_level} / {r.count_in_level}",
             r.grade_label + (" · " + _("veto") if r.vetoed else "")] for r in rows]


def results_part(report: annual.AnnualReport) -> dbc.Card:
    if not report.results:
        return _part(_("Assessment results"), [ui.empty_state(
            _("No published assessment results for this year."),
            _("The report uses the year's period once it is published, or else the latest "
              "published quarter."))])
    headers = [_("Unit"), _("Level"), _("Composite score"), _("Rank in level"), _("Grade")]
    numeric = (2, 3)
    return _part(_("Assessment results"), [
        html.P(_("Results of the published period %(period)s for the %(n)s assessed units of the "
                 "subtree.",
                 period=report.period_code, n=len(report.results)), className="text-muted small"),
        _chart("grades", charts.grade_distribution(report.grades)),
        html.H3(_("Best placed units"), className="ca-ar-subtitle"),
        _table(headers, _result_rows(report.top), numeric),
        html.H3(_("Lowest placed units"), className="ca-ar-subtitle"),
        _table(headers, _result_rows(report.bottom), numeric) if report.bottom else html.P(
            _("Too few units to name the lowest placed separately."), className="text-muted small"),
        *_all_units(report, headers, numeric),
    ])


def _all_units(report: annual.AnnualReport, headers: list[str], numeric: tuple[int, ...]) -> list:
    """Every unit when they fit on a few pages; otherwise a summary by level (the workbook lists
    all)."""
    if len(report.results) <= annual.LISTED:
        return [html.H3(_("All units"), className="ca-ar-subtitle"),
                _table(headers, _result_rows(report.results), numeric)]
    rows = [[s.level_label, s.units, f"{s.average:.2f}",
             *s.grades] for s in annual.by_level(report.results)]
    return [html.H3(_("Results by level"), className="ca-ar-subtitle"),
            _table([_("Level"), _("Units assessed"), _("Average composite score"),
                    *[g.label for g in Grade]], rows,
                   (1, 2, 3, 4, 5, 6)),
            html.P(_("The workbook (Download XLSX) lists all %(n)s units.", n=len(report.results)),
                   className="text-muted small")]


def training_part(report: annual.AnnualReport) -> dbc.Card:
    if not report.training:
        return _part(_("Training"), [ui.empty_state(_("No serving cadres in this unit."))])
    if not report.training_summary.get("avg_hours"):
        return _part(_("Training"), [ui.empty_state(
            _("No training recorded for %(year)s.", year=report.year),
            _("Records come from imports, classes and approved claims; without any, every plan of "
              "the year "
              "counts as behind."))])
    rows = [[r.unit_name, r.cadres, r.complete, r.on_pace, r.behind, percent(r.complete_rate),
             hours(r.avg_hours)]
            for r in report.training]
    headers = [_("Unit"), _("Serving cadres"), _("Plan completed"), _("On pace"),
               _("Behind schedule"),
               _("Completion rate"), _("Average hours counted")]
    return _part(_("Training"), [_chart("training", charts.training_completion(report.training)),
                                 _table(headers, rows, (1, 2, 3, 4, 5, 6))])


def forms_part(report: annual.AnnualReport) -> dbc.Card:
    if not report.person_times:
        return _part(_("Four forms"), [ui.empty_state(_("No measures were decided in this year."),
                                                      _("Measures revoked or replaced on appeal "
                                                        "do not count."))])
    rows = [[f.label, f.count, percent(f.count / report.person_times)] for f in report.forms]
    return _part(_("Four forms"), [
        html.P(_("Person-times: each person in a case counted once, with the heaviest form "
                 "decided in the year."),
               className="text-muted small"),
        _chart("forms", charts.four_forms(report.forms)),
        _table([_("Form"), _("Person-times"), _("Share")], rows, (1, 2))])


def _decision_rows(decision) -> html.Tbody:
    flag = _("Override: %(reason)s", reason=decision.override_reason) if decision.overridden else ""
    main = html.Tr([html.Td(decision.number),
                    html.Td(f"{decision.cadre_name} ({decision.cadre_code})"),
                    html.Td(decision.unit_name), html.Td(decision.type_label),
                    html.Td(decision.outcome_label),
                    html.Td(ui.fmt_date(decision.decided_on)), html.Td(decision.blocks_at_proposal,
                                                                       className="text-end")])
    evidence = html.Tr(html.Td([html.Strong(flag + " ", className="ca-ar-flag") if flag else None,
                                html.Span(decision.summary or "—")], colSpan=7,
                               className="ca-ar-summary"))
    return html.Tbody([main, evidence], className="ca-ar-override" if decision.overridden else None)


def decisions_part(report: annual.AnnualReport) -> dbc.Card:
    if not report.decisions:
        return _part(_("Personnel decisions"),
                     [ui.empty_state(_("No personnel decisions were taken in this year."))])
    head = html.Thead(html.Tr([html.Th(h) for h in (_("Number"), _("Cadre"), _("Unit"),
                                                    _("Decision type"),
                                                     _("Outcome"), _("Decided on"))]
                              + [html.Th(_("Blocks at proposal"), className="text-end")]))
    note = _("Under each decision: the evidence summary frozen at the proposal. Decisions "
             "approved against a "
             "block (overrides) are highlighted.")
    return _part(_("Personnel decisions"), [
        html.P(note, className="text-muted small"),
        html.Table([head, *[_decision_rows(d) for d in report.decisions]],
                   className="table table-sm ca-ar-table ca-ar-decisions")])


def kpi_line(report: annual.AnnualReport) -> html.Div:
    good = next((g.count for g in report.grades if g.grade == "good"), 0)
    summary = report.training_summary
    cadres = summary.get("cadres") or 0
    return html.Div([
        ui.kpi(_("Units assessed"), len(report.results),
               report.period_code or _("no published period")),
        ui.kpi(_("Graded Good"), good,
               percent(good / len(report.results)) if report.results else None),
        ui.kpi(_("Plan completed"), percent(summary["complete"] / cadres) if cadres else "—",
               _("%(n)s of %(m)s cadres", n=summary.get("complete", 0), m=cadres)),
        ui.kpi(_("Four forms"), report.person_times, _("person-times")),
        ui.kpi(_("Personnel decisions"), len(report.decisions),
               _("%(n)s override(s)", n=report.overrides),
               "warn" if report.overrides else "neutral"),
    ], className="kpi-row ca-ar-kpis")


def report_body(report: annual.AnnualReport) -> html.Article:
    generated = report.generated_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    return html.Article([
        html.Header([
            html.H2(_("Annual report %(year)s: %(unit)s", year=report.year, unit=report.unit_name),
                    className="ca-ar-title"),
            html.P(_("Generated on %(at)s by %(who)s.", at=generated, who=report.generated_by),
                   className="text-muted small mb-2"),
            kpi_line(report)], className="ca-ar-head"),
        results_part(report), training_part(report), forms_part(report), decisions_part(report),
    ], className="ca-ar-document")


def layout(unit: str | None = None, year: str | None = None, **_query):
    actor = current_actor()
    session = db.session()
    try:
        chosen = int(year) if year else date.today().year
    except ValueError:
        chosen = date.today().year
    options = ui.unit_options(session, actor)
    chosen_unit = next((o["value"] for o in options if str(o["value"]) == str(unit)), actor.unit_id)
    controls = html.Div([
        html.Div(ui.dropdown("ca-ar-unit", options, chosen_unit, clearable=False,
                             placeholder=_("Unit")), style={"minWidth": "260px"}),
        year_select("ca-ar-year", chosen),
        dbc.Button(_("Print"), id="ca-ar-print", color="primary", size="sm"),
        dbc.Button(_("Download XLSX"), id="ca-ar-xlsx", color="secondary", outline=True, size="sm"),
        html.Span(id="ca-ar-printed"),
    ], className="d-flex flex-wrap gap-2 align-items-center ca-ar-controls")
    return html.Div([
        ui.page_header(_("Annual report"),
                       _("Results, training, the four forms and personnel decisions of a "
                                             "unit and its subtree for one year; prints on A4."),
                       actions=controls),
        html.Div(id="ca-ar-message", className="d-print-none"),
        html.Div(job_panel(JOB), className="d-print-none ca-ar-job"),
        html.Div(job_panel(VIEW_JOB, latest=False), className="d-print-none ca-ar-job"),
        dcc.Loading(html.Div(id="ca-ar-report"), type="dot"),
    ], className="ca-annual")


@callback(Output("ca-ar-report", "children"), Output(VIEW_JOB_ID, "data"),
          Input("ca-ar-unit", "value"), Input("ca-ar-year", "value"))
def show(unit_id, year):
    """The report of the chosen unit and year; the service checks role and scope. Figures
    not yet at hand are prepared by a background job (the page stays free meanwhile), and
    shown by ``prepared`` when it ends."""
    actor = current_actor()
    session = db.session()
    try:
        report = annual.ready_report(session, actor, unit_id, year)
    except PortalError as error:
        return ui.alert(error.message, "warning"), None
    if report is not None:
        return report_body(report), None
    job_id, refused = start_job(VIEW_JOB, {"unit": unit_id, "year": year}, reuse=True)
    return refused or ui.empty_state(
        _("Preparing the report…"),
        _("Its figures are being gathered in the background; the report appears here when they "
          "are ready.")), job_id


# Not part of ``show``: its output led back to its own input through the job panel (show →
# job-id → follow → job-done → show), and Dash's renderer was seen not to call it again in the
# same chain, so a job already ended at the panel's first look left "Preparing…" on the page.
@callback(Output("ca-ar-report", "children", allow_duplicate=True),
          Output(VIEW_PANEL, "className", allow_duplicate=True),
          Input({"type": "job-done", "kind": VIEW_JOB}, "data"),
          State("ca-ar-unit", "value"), State("ca-ar-year", "value"), prevent_initial_call=True)
def prepared(job_id, unit_id, year):
    """The report once the job preparing its figures has ended (its panel then hides), unless
    the page has moved on to another unit or year meanwhile."""
    actor = current_actor()
    session = db.session()
    if not job_id:
        return no_update, no_update
    try:
        job = jobs.status(session, actor, job_id)
        if job.params != {"unit": unit_id, "year": year}:
            return no_update, no_update
        if job.status == jobs.FAILED:
            return ui.alert((job.error or "").split("\n")[0], "warning"), no_update
        # kept in the cache by the job; computed here only if another server prepared them
        return report_body(annual.annual_report(session, actor, unit_id, year)), HIDDEN
    except PortalError as error:
        return ui.alert(error.message, "warning"), no_update


@callback(Output({"type": "job-id", "kind": JOB}, "data", allow_duplicate=True),
          Output("ca-ar-message", "children"),
          Input("ca-ar-xlsx", "n_clicks"),
          State("ca-ar-unit", "value"), State("ca-ar-year", "value"), prevent_initial_call=True)
def download(clicks, unit_id, year):
    """Start the workbook of the chosen unit and year as a background job (audited as an
    export when it runs); the job panel follows it to its download link."""
    current_actor()
    if not clicks:
        return no_update, no_update
    return start_job(JOB, {"unit": unit_id, "year": year})


clientside_callback(
    "function(n) { if (n) { window.print(); } return ''; }",
    Output("ca-ar-printed", "children"), Input("ca-ar-print", "n_clicks"),
                    prevent_initial_call=True,
)

ui.register(__name__, path="/reports/annual", title=N_("Annual report"), layout=layout,
            permission="reports.view", section="decisions", order=30)
