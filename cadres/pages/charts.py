"""Figures of the cadres pages: each takes a DataFrame and returns a ``go.Figure`` with a
title, units on the axes and an explained empty state."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cadres.enums import CIVIL_SERVANT_GRADES, AppraisalGrade, TrainingCategory, TrainingMode
from portal.i18n import _
from portal.theme import (
    GRADE_COLOURS,
    GRADE_PATTERNS,
    INK,
    SERIES,
    STATUS,
    empty_figure,
    escape_labels,
)

MODE_COLOURS = {"offline": SERIES[0], "online": SERIES[1]}
MODES = (TrainingMode.OFFLINE, TrainingMode.ONLINE)  # offline at the bottom of each stack


def completion_by_unit(frame: pd.DataFrame) -> go.Figure:
    """Stacked shares of cadres who completed, are on pace, or are behind, per unit;
    ``customdata`` carries the unit id for drill-down."""
    if frame.empty:
        return empty_figure(_("No serving cadres in this unit."))
    frame = frame.iloc[::-1]  # first unit on top
    figure = go.Figure()
    parts = [("complete", _("Completed"), STATUS["ok"]), ("on_pace", _("On pace"), STATUS["info"]),
             ("behind", _("Behind schedule"), STATUS["bad"])]
    labels = [f"{name} ›" if drill else name for name,
              drill in zip(frame["unit_name"], frame["has_children"],
                                                                     strict=True)]
    for column, label, colour in parts:
        share = frame[column] / frame["cadres"] * 100
        figure.add_bar(y=labels, x=share, name=label, orientation="h", marker_color=colour,
                       customdata=list(zip(frame["unit_id"], frame[column], frame["cadres"],
                                           strict=True)),
                       hovertemplate=f"%{{y}}<br>{label}: %{{customdata[1]}} / %{{customdata[2]}} "
                                     f"(%{{x:.0f}}%)<extra></extra>")
    figure.update_layout(
        barmode="stack", title=_("Completion of the year's plans by unit"),
        xaxis=dict(title=_("Share of cadres (%)"), range=[0, 100], ticksuffix="%"),
        yaxis=dict(automargin=True), height=max(320, 110 + 28 * len(frame)), bargap=0.35,
        legend=dict(orientation="h", yanchor="top", y=-0.18, xanchor="left", x=0,
                    traceorder="normal"),
        margin=dict(t=48, b=90))
    return escape_labels(figure)


def hours_by_category_mode(frame: pd.DataFrame) -> go.Figure:
    """Class hours recorded this year by content category, offline and online stacked."""
    if frame.empty:
        return empty_figure(_("No training recorded for this year yet."))
    figure = go.Figure()
    categories = list(TrainingCategory)
    for mode in MODES:
        part = frame[frame["mode"] == mode.value].set_index("category")["hours"]
        figure.add_bar(x=[c.label for c in categories],
                       y=[float(part.get(c.value, 0.0)) for c in categories],
                       name=mode.label, marker_color=MODE_COLOURS[mode.value],
                       hovertemplate="%{x} · " + mode.label + ": %{y:,.0f}<extra></extra>")
    figure.update_layout(barmode="stack", title=_("Class hours by content and mode"),
                         yaxis=dict(title=_("Class hours")), height=320,
                         legend=dict(traceorder="normal"))
    return escape_labels(figure)


def hours_by_month(frame: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Class hours completed each month, offline and online."""
    if frame.empty or not frame["hours"].sum():
        return empty_figure(_("No training recorded for this year yet."))
    figure = go.Figure()
    for mode in MODES:
        part = frame[frame["mode"] == mode.value]
        figure.add_bar(x=[_("Month %(n)s", n=int(m)) for m in part["month"]], y=part["hours"],
                       name=mode.label,
                       marker_color=MODE_COLOURS[mode.value],
                       hovertemplate="%{x} · " + mode.label + ": %{y:,.1f}<extra></extra>")
    figure.update_layout(barmode="stack", title=title or _("Class hours by month"),
                         yaxis=dict(title=_("Class hours")), height=300,
                         legend=dict(traceorder="normal"))
    return escape_labels(figure)


def grade_distribution(counts: dict[AppraisalGrade, int]) -> go.Figure:
    """How many cadres received each appraisal grade in a year."""
    if not sum(counts.values()):
        return empty_figure(_("No appraisal grades for this year; import them below."))
    # the civil servants' scale always; the institution staff's grades and "no grade" when given
    grades = [g for g in AppraisalGrade if g in CIVIL_SERVANT_GRADES[:4] or counts.get(g)]
    grades.sort(key=lambda g: g.rank)
    figure = go.Figure(
        go.Bar(
            x=[g.label for g in grades],
            y=[counts.get(g, 0) for g in grades],
            marker=dict(
                color=[(GRADE_COLOURS + [STATUS["none"]])[g.rank] for g in grades],
                pattern=dict(
                    shape=[(GRADE_PATTERNS + ["-"])[g.rank] for g in grades], fgcolor=INK, size=6
                ),
            ),
            text=[counts.get(g, 0) for g in grades],
            textposition="outside",
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    figure.update_layout(title=_("Appraisal grades"), yaxis=dict(title=_("Number of cadres")),
                         height=300,
                         showlegend=False)
    return escape_labels(figure)
