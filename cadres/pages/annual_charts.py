"""Figures of the annual report. Each has a FIXED size that fits the printable width of an
A4 portrait page (180 mm ≈ 680 px at 96 dpi, less the section's padding), so printing
never cuts a chart and the screen shows what the paper will."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from portal.i18n import _
from portal.theme import GRADE_COLOURS, GRADE_PATTERNS, INK, STATUS, empty_figure, escape_labels

WIDTH = 640  # px; the print stylesheet keeps the section padding below 20 px a side
HEIGHT = 300
# measured from the figure's bottom edge, so it never meets the axis title whatever the height
LEGEND_AT_BOTTOM = dict(orientation="h", yref="container", yanchor="bottom", y=0.01, xanchor="left",
                        x=0,
                        traceorder="normal")
FORM_COLOURS = ["#8aa1b8", "#d1b06b", "#c0745f", "#7a2e26"]  # as the accountability dashboard


def _fixed(figure: go.Figure, height: int = HEIGHT) -> go.Figure:
    figure.update_layout(width=WIDTH, height=height, autosize=False)
    return escape_labels(figure)


def _count_bars(items: Sequence, colours, title: str, y_title: str, empty: str,
                patterns=None) -> go.Figure:
    """One bar per category with its count on top, or the empty message."""
    if not sum(i.count for i in items):
        return _fixed(empty_figure(empty), 200)
    figure = go.Figure(go.Bar(x=[i.label for i in items], y=[i.count for i in items],
                              marker=dict(color=colours,
                                          pattern=dict(shape=patterns or "", fgcolor=INK, size=6)),
                              text=[i.count for i in items], textposition="outside",
                              cliponaxis=False,
                              hovertemplate="%{x}: %{y}<extra></extra>"))
    figure.update_layout(title=title, yaxis=dict(title=y_title, rangemode="tozero"),
                         showlegend=False,
                         margin=dict(t=56))
    return _fixed(figure)


def grade_distribution(grades: Sequence) -> go.Figure:
    """How many units of the subtree received each grade (好/较好/一般/差)."""
    return _count_bars(grades, GRADE_COLOURS, _("Grade distribution"), _("Number of units"),
                       _("No published assessment results for this year."), patterns=GRADE_PATTERNS)


def training_completion(rows: Sequence) -> go.Figure:
    """Shares of serving cadres who completed, are on pace or are behind, per child unit."""
    if not rows:
        return _fixed(empty_figure(_("No serving cadres in this unit.")), 200)
    ordered = list(reversed(rows))  # first unit on top
    figure = go.Figure()
    for field, label, colour in (("complete", _("Completed"), STATUS["ok"]),
                                 ("on_pace", _("On pace"), STATUS["info"]),
                                 ("behind", _("Behind schedule"), STATUS["bad"])):
        figure.add_bar(y=[r.unit_name for r in ordered],
                       x=[getattr(r, field) / r.cadres * 100 for r in ordered],
                       name=label, orientation="h", marker_color=colour,
                       hovertemplate="%{y} · " + label + ": %{x:.0f}%<extra></extra>")
    figure.update_layout(barmode="stack", title=_("Completion of the year's plans by unit"),
                         xaxis=dict(title=_("Share of cadres (%)"), range=[0, 100], ticksuffix="%"),
                         legend=LEGEND_AT_BOTTOM, margin=dict(t=48, b=96), bargap=0.35)
    return _fixed(figure, min(520, max(260, 130 + 26 * len(rows))))


def four_forms(forms: Sequence) -> go.Figure:
    """Person-times in each of the four forms (四种形态) in the year."""
    return _count_bars(forms, FORM_COLOURS, _("Four forms (person-times)"), _("Person-times"),
                       _("No measures were decided in this year."))

