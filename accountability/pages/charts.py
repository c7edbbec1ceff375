"""The accountability charts: small functions from a DataFrame to a titled ``go.Figure``
with units on the axes and an empty state that says why it is empty."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from accountability.enums import (
    BlockKind,
    CaseStage,
    Form,
    MeasureType,
    ToleranceOutcome,
    ToleranceStatus,
)
from portal.i18n import _
from portal.theme import GRID, MUTED, SERIES, STATUS, empty_figure, escape_labels

# Lighter forms in cool greys, heavier ones warmer: the share of the heavy forms is the signal.
FORM_COLOURS = {1: "#8aa1b8", 2: "#d1b06b", 3: "#c0745f", 4: "#7a2e26"}
RESULT_COLOURS = {"submitted": STATUS["none"], "verifying": STATUS["info"], "exempt": STATUS["ok"],
                  "mitigated": STATUS["warn"], "not_tolerated": STATUS["bad"]}
LEGEND_BELOW = dict(orientation="h", yanchor="top", y=-0.3, xanchor="left", x=0,
                    traceorder="normal")
BLOCK_COLOURS = {"promotion": "#c0745f", "equal_or_higher_post": "#d1b06b",
                 "no_leading_post": "#9b4a3c",
                 "all": "#7a2e26", "none": STATUS["none"]}


def form_label(form: int) -> str:
    return Form(str(int(form))).label


def forms_share_by_unit(frame: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Stacked 100% bars: each unit's person-times split into the four forms."""
    if frame.empty or frame["count"].sum() == 0:
        return empty_figure(_("No measures were decided in this period."))
    totals = frame.groupby("unit", observed=True, sort=False)["count"].sum()
    units = [str(u) for u in totals.index]
    figure = go.Figure()
    for form in (1, 2, 3, 4):
        part = frame[frame["form"] == form].set_index("unit")["count"]
        counts = [int(part.get(u, 0)) for u in totals.index]
        shares = [100 * c / t if t else 0 for c, t in zip(counts, totals, strict=True)]
        figure.add_bar(y=units, x=shares, orientation="h", name=form_label(form),
                       marker_color=FORM_COLOURS[form],
                       customdata=counts, text=[str(c) if c else "" for c in counts],
                       textposition="inside",
                       hovertemplate="%{y}<br>" + form_label(form) + ": %{customdata} "
                                                                     "(%{x:.0f}%)<extra></extra>")
    figure.update_layout(barmode="stack",
                         title=title or _("Four forms by unit (share of person-times)"),
                         height=max(300, 130 + 34 * len(units)), legend=LEGEND_BELOW,
                         margin=dict(b=110), xaxis=dict(title=_("Share (%)"), range=[0, 100]),
                         yaxis=dict(autorange="reversed", title=None))
    return escape_labels(figure)


def forms_by_period(frame: pd.DataFrame) -> go.Figure:
    if frame.empty or frame["count"].sum() == 0:
        return empty_figure(_("No measures were decided in this period."))
    periods = sorted(frame["period"].unique())
    figure = go.Figure()
    for form in (1, 2, 3, 4):
        part = frame[frame["form"] == form].set_index("period")["count"]
        figure.add_bar(x=periods, y=[int(part.get(p, 0)) for p in periods], name=form_label(form),
                       marker_color=FORM_COLOURS[form])
    figure.update_layout(barmode="stack", title=_("Four forms by quarter"), height=360,
                         legend=LEGEND_BELOW,
                         margin=dict(b=110),
                         yaxis=dict(title=_("Person-times")),
                         xaxis=dict(title=_("Quarter"), type="category"))
    return escape_labels(figure)


def stage_funnel(frame: pd.DataFrame) -> go.Figure:
    """Horizontal bars: how many cases reached each stage; the two branches in grey."""
    if frame.empty or frame["cases"].max() == 0:
        return empty_figure(_("No cases were opened in this period."))
    labels = [CaseStage(s).label for s in frame["stage"]]
    branch = {CaseStage.NO_CASE.value, CaseStage.APPEAL.value}
    colours = [STATUS["none"] if s in branch else SERIES[0] for s in frame["stage"]]
    figure = go.Figure(go.Bar(y=labels, x=frame["cases"], orientation="h", marker_color=colours,
                              text=frame["cases"], textposition="outside", cliponaxis=False,
                              hovertemplate="%{y}: %{x}<extra></extra>"))
    figure.update_layout(title=_("Cases by stage reached"), height=340, showlegend=False,
                         xaxis=dict(title=_("Cases")), yaxis=dict(autorange="reversed"))
    return escape_labels(figure)


def stage_durations(frame: pd.DataFrame) -> go.Figure:
    """Box plots of the days cases spent in each stage, with the time limit marked."""
    if frame.empty:
        return empty_figure(_("No case has moved through a stage yet."))
    # plain arrays: comparing a pandas string column is done value by value in Python
    stages = frame["stage"].to_numpy(dtype=object)
    days, limits = frame["days"].to_numpy(), frame["limit_days"]
    order = [s.value for s in CaseStage if s.value in set(stages)]
    figure = go.Figure()
    for stage in order:
        chosen = stages == stage
        figure.add_box(y=days[chosen], name=CaseStage(stage).label, marker_color=SERIES[0],
                       boxpoints="outliers",
                       showlegend=False, hovertemplate="%{y} " + _("days") + "<extra></extra>")
        limit = limits[chosen].dropna()
        if not limit.empty:
            figure.add_scatter(
                x=[CaseStage(stage).label],
                y=[limit.iloc[0]],
                mode="markers",
                marker=dict(
                    symbol="line-ew-open", size=34, color=STATUS["bad"], line=dict(width=2)
                ),
                name=_("Time limit"),
                showlegend=stage == order[0] or False,
                hovertemplate=_("Time limit") + ": %{y} " + _("days") + "<extra></extra>",
            )
    figure.update_layout(title=_("Time spent in each stage"), height=340,
                         yaxis=dict(title=_("Days")),
                         legend=dict(orientation="h"))
    return escape_labels(figure)


def result_label(result: str) -> str:
    if result in {s.value for s in ToleranceStatus}:
        return ToleranceStatus(result).label
    return ToleranceOutcome(result).label


def tolerance_outcomes(frame: pd.DataFrame) -> go.Figure:
    if frame.empty or frame["count"].sum() == 0:
        return empty_figure(_("No error-tolerance applications in this period."))
    figure = go.Figure(go.Bar(x=[result_label(r) for r in frame["result"]], y=frame["count"],
                              marker_color=[RESULT_COLOURS[r] for r in frame["result"]],
                              text=frame["count"],
                              textposition="outside", cliponaxis=False,
                              hovertemplate="%{x}: %{y}<extra></extra>"))
    figure.update_layout(title=_("Error-tolerance applications and outcomes"), height=320,
                         showlegend=False,
                         yaxis=dict(title=_("Applications")))
    return escape_labels(figure)


def measures_in_effect(frame: pd.DataFrame) -> go.Figure:
    if frame.empty:
        return empty_figure(_("No measure blocks promotion today."))
    frame = frame.sort_values("count")
    figure = go.Figure(go.Bar(y=[MeasureType(c).label for c in frame["code"]], x=frame["count"],
                              orientation="h",
                              marker_color=[FORM_COLOURS[int(f)] for f in frame["form"]],
                              text=frame["count"],
                              textposition="outside", cliponaxis=False,
                              hovertemplate="%{y}: %{x}<extra></extra>"))
    figure.update_layout(title=_("Measures in effect today"), height=max(260, 60 + 26 * len(frame)),
                         showlegend=False, xaxis=dict(title=_("Number of cadres")))
    return escape_labels(figure)


def effect_timeline(views: list, today: date) -> go.Figure:
    """A cadre's measures as bars from the decision to the first free day; permanent ones
    run off the right edge; revoked or changed ones end where they stopped."""
    rows = [v for v in views if v.effect.phases]
    if not rows:
        return empty_figure(_("No measure with an effect period."), height=180)
    horizon = max([today + timedelta(days=365)] + [v.effect_until for v in rows if v.effect_until])
    figure = go.Figure()
    for view in rows:
        label = f"{view.label} · {view.decided_on.isoformat()}"
        start = view.decided_on
        for phase in view.effect.phases:
            end = phase.until or horizon
            figure.add_bar(
                y=[label],
                x=[(end - start).days * 86_400_000],
                base=[start.isoformat()],
                orientation="h",
                marker_color=BLOCK_COLOURS.get(phase.blocks.value, MUTED),
                name=BlockKind(phase.blocks).label,
                showlegend=False,
                hovertemplate=f"{label}<br>{BlockKind(phase.blocks).label}: {start.isoformat()} – "
                f"{phase.until.isoformat() if phase.until else _('permanent')}<extra></extra>",
            )
            start = end
    figure.add_vline(x=today.isoformat(), line_color=STATUS["info"], line_dash="dot")
    figure.update_layout(title=_("Effect periods"), barmode="overlay",
                         height=max(180, 90 + 34 * len(rows)),
                         xaxis=dict(type="date", title=None, gridcolor=GRID, tickformat="%Y-%m"),
                         yaxis=dict(autorange="reversed"))
    return escape_labels(figure)
