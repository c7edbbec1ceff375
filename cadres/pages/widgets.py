"""Progress widgets shared by "my training", the profile and the plans page: headline
numbers, gauges per requirement, the list of what is missing and by when, and history."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from cadres import rules
from cadres.enums import RecordSource, TrainingCategory, TrainingMode
from cadres.models import TrainingRecord
from cadres.pages.common import gap_label, hours, link_column
from cadres.rules import TrainingProgress
from portal import ui
from portal.i18n import _


def status_text(progress: TrainingProgress) -> tuple[str, str]:
    """A word for where the cadre stands, and the tone of its card."""
    if progress.complete:
        return _("Plan completed"), "good"
    if progress.behind:
        return _("Behind schedule"), "bad"
    return _("On pace"), "good"


def progress_kpis(progress: TrainingProgress) -> html.Div:
    status, tone = status_text(progress)
    projected = (
        ui.fmt_date(progress.projected_completion)
        if progress.projected_completion
        else (_("already reached") if progress.gap(rules.ANNUAL).met else _("no hours yet"))
    )
    cards = [
        ui.kpi(_("Class hours counted"),
               f"{hours(progress.hours_counted)} / {hours(progress.required_hours)}",
               _("Expected by now at an even pace: %(n)s", n=hours(progress.expected_by_now)),
               "good" if progress.hours_counted >= progress.expected_by_now else "warn"),
        ui.kpi(_("Online learning"),
               f"{hours(progress.online_hours)} / {hours(progress.required_online)}",
               _("Offline: %(n)s hours; the online minimum is local practice",
                 n=hours(progress.offline_hours)),
               "good" if progress.gap(rules.ONLINE).met else "warn"),
        ui.kpi(_("Status"), status, _("Deadline %(date)s", date=ui.fmt_date(progress.deadline)),
               tone),
        ui.kpi(_("Annual hours reached at this pace on"), projected,
               _("At the current pace: %(n)s hours by the deadline",
                 n=hours(progress.projected_year_end))),
    ]
    if progress.five_year_required:
        first, last = progress.five_year_window
        cards.append(ui.kpi(
            _("Five-year total %(first)s–%(last)s", first=first, last=last),
            f"{hours(progress.five_year_hours)} / {hours(progress.five_year_required)}",
            _("Expected by now: %(n)s", n=hours(progress.five_year_expected_by_now)),
            "bad" if progress.five_year_behind else "good"))
    return html.Div(cards, className="kpi-row", id="ca-progress-kpis")


def _gauge(label: str, done: float, required: float) -> html.Div:
    share = 100 if required <= 0 else min(100, done / required * 100)
    met = done >= required - rules.EPSILON
    return html.Div([
        html.Div([html.Span(label, className="ca-gauge-label"),
                  html.Span(_("%(done)s of %(required)s hours", done=hours(done),
                              required=hours(required)),
                            className="ca-gauge-value")], className="ca-gauge-head"),
        dbc.Progress(value=share, color="success" if met else "warning", class_name="ca-gauge-bar",
                     style={"height": "10px"}),
    ], className="ca-gauge")


def gauges(progress: TrainingProgress) -> html.Div:
    """One gauge per requirement: annual, online, each content category (and five-year)."""
    items = [_gauge(gap_label(g.requirement), g.done, g.required) for g in progress.gaps]
    return html.Div(items, className="ca-gauges")


def missing_list(progress: TrainingProgress) -> html.Div:
    """What is missing and by when, in plain words."""
    open_gaps = [g for g in progress.gaps if not g.met]
    if not open_gaps:
        return html.P(_("Every requirement of the plan is met. Well done."),
                      className="text-success mb-0")
    deadline = ui.fmt_date(progress.deadline)
    items = []
    for gap in open_gaps:
        if gap.requirement == rules.FIVE_YEAR:
            by = f"{progress.five_year_window[1]}-12-31"
        else:
            by = deadline
        items.append(html.Li(_("%(what)s: %(n)s more hours by %(date)s",
                               what=gap_label(gap.requirement),
                               n=hours(gap.missing), date=by)))
    note = None
    if progress.hours_total > progress.hours_counted + rules.EPSILON:
        note = html.P(_("%(n)s online hours are beyond the share online study may fill and do not "
                        "count "
                        "toward the annual hours.",
                        n=hours(progress.hours_total - progress.hours_counted)),
                      className="small text-muted mt-2 mb-0")
    return html.Div([html.Ul(items, className="mb-0 ca-missing"), note])


RECORD_COLUMNS_KEYS = ("completed_on", "title", "category", "mode", "hours", "source", "provider")


def record_rows(records: list[TrainingRecord]) -> list[dict]:
    return [{"id": r.id, "completed_on": r.completed_on.isoformat(), "title": r.title,
             "category": TrainingCategory(r.category).label, "mode": TrainingMode(r.mode).label,
             "hours": r.hours, "source": RecordSource(r.source).label, "provider": r.provider,
             "year": r.year}
            for r in records]


def record_columns(with_cadre: bool = False) -> list[dict]:
    columns = [
        {"field": "completed_on", "headerName": _("Completed on"), "minWidth": 115,
         "maxWidth": 130},
        {"field": "title", "headerName": _("Course"), "minWidth": 260},
        {"field": "category", "headerName": _("Category"), "maxWidth": 120},
        {"field": "mode", "headerName": _("Mode"), "maxWidth": 100},
        {"field": "hours", "headerName": _("Hours"), "maxWidth": 90, "type": "numericColumn"},
        {"field": "source", "headerName": _("Source"), "maxWidth": 150},
        {"field": "provider", "headerName": _("Provider")},
    ]
    if with_cadre:
        columns[1:1] = [link_column("name", _("Cadre"), maxWidth=120),
                        {"field": "code", "headerName": _("Cadre code"), "maxWidth": 110},
                        {"field": "unit", "headerName": _("Unit")}]
    return columns
