"""Figures of the cadre portrait (干部画像): the composite score of each unit the cadre
served in, period by period, with the periods they served there filled in."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from portal.i18n import _
from portal.theme import ACCENT, SERIES, empty_figure, escape_labels

RESULT_COLUMNS = ("unit_name", "period", "period_end", "composite", "rank_in_level",
                  "count_in_level",
                  "grade", "served", "current_unit")


def unit_results_frame(unit_results: dict[str, dict], grade_label) -> pd.DataFrame:
    """``Profile.unit_results`` as a table, oldest period first; ``grade_label`` turns a
    grade code into its translated label."""
    rows = [{**r, "grade": grade_label(r["grade"])} for r in unit_results.values()]
    frame = pd.DataFrame(rows, columns=list(RESULT_COLUMNS) + ["unit_code", "vetoed"])
    return frame.sort_values(["period_end", "unit_name"]).reset_index(drop=True)


def unit_scores(frame: pd.DataFrame) -> go.Figure:
    """One line per unit over the periods; filled markers where the cadre served in the
    unit, hollow ones before or after; rank and grade in the hover."""
    if frame.empty:
        return empty_figure(_("No published results of the units this cadre served in."))
    periods = list(dict.fromkeys(frame.sort_values("period_end")["period"]))
    figure = go.Figure()
    served_word, not_served_word, vetoed_word = _("served"), _("not serving then"), _("Vetoed")
    for index, (unit, part) in enumerate(frame.groupby("unit_name", sort=False)):
        current = bool(part["current_unit"].iloc[0])
        name = _("%(unit)s (current unit)", unit=unit) if current else unit
        colour = ACCENT if current else SERIES[index % len(SERIES)]
        customdata = [[r.rank_in_level, r.count_in_level,
                       f"{r.grade} · {vetoed_word}" if r.vetoed else r.grade,
                       served_word if r.served else not_served_word] for r in part.itertuples()]
        figure.add_scatter(
            x=part["period"], y=part["composite"], name=name, mode="lines+markers",
            line=dict(color=colour, width=2), customdata=customdata,
            marker=dict(size=10, color=colour, line=dict(color=colour, width=2),
                        symbol=["circle" if s else "circle-open" for s in part["served"]]),
            hovertemplate=(f"{unit}<br>%{{x}}: %{{y:.1f}} " + _("points") + "<br>"
                           + _("rank %(rank)s of %(count)s", rank="%{customdata[0]}",
                               count="%{customdata[1]}")
                           + " · %{customdata[2]}<br>%{customdata[3]}<extra></extra>"))
    figure.update_layout(
        title=_("Composite score of the units served, by period"), height=340, showlegend=True,
        xaxis=dict(title=_("Assessment period"), type="category", categoryorder="array",
                   categoryarray=periods),
        yaxis=dict(title=_("Composite score (points)")),
        legend=dict(orientation="h", yanchor="top", y=-0.25, xanchor="left", x=0),
                         margin=dict(t=48, b=96))
    return escape_labels(figure)
